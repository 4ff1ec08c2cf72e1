// rules/decide_access.cc: 64.2010, the customer's own CPNI to the customer:
// address and number of record, online, in store, and by telephone.
#include "rules/decide.h"

#include <algorithm>

#include "rules/internal/decide_internal.h"

namespace proprio::rules {
namespace decide_internal {

namespace {

constexpr std::string_view kRsnAccessAddress =
    "Allowed: the CPNI goes to the customer's address of record.";
constexpr std::string_view kRsnAccessNumber =
    "Allowed: the carrier calls the customer's telephone number of record.";
constexpr std::string_view kRsnAccessOnlineOk =
    "Allowed: the customer signed in online with the account password.";
constexpr std::string_view kRsnAccessOnlineMissing =
    "Denied: online access to CPNI needs the account password.";
constexpr std::string_view kRsnAccessStoreOk =
    "Allowed: the customer showed a valid photo ID matching the account.";
constexpr std::string_view kRsnAccessStoreMissing =
    "Denied: in store, CPNI needs a valid photo ID matching the account.";
constexpr std::string_view kRsnAccessBusinessOk =
    "Allowed: the business customer was authenticated under its CPNI contract.";
constexpr std::string_view kRsnAccessCallDetailOk =
    "Allowed: the caller gave the account password.";
constexpr std::string_view kRsnAccessUnaidedOk =
    "Allowed: the caller stated this call detail unaided; discuss only that call detail.";
constexpr std::string_view kRsnAccessCallDetailMissing =
    "Denied: call detail by telephone needs the password, or send it to the address of record, "
    "or call the number of record.";
constexpr std::string_view kRsnAccessPolPassword =
    "Denied: the carrier's policy releases CPNI on a customer's call only with the password, "
    "to the address of record, or by calling the number of record.";
constexpr std::string_view kRsnAccessAuthOk = "Allowed: the caller has been authenticated.";
constexpr std::string_view kRsnAccessAuthMissing =
    "Denied: authenticate the caller before disclosing CPNI.";

}  // namespace

// 64.2010: the customer's own CPNI to the customer.
void Evaluator::CustomerAccess() {
  Basis(k2010a);
  const bool call_detail = req_.cpni.Has(CpniCategory::kCallDetail);
  switch (req_.context.channel) {
    case AccessChannel::kAddressOfRecord:
      Basis(k2010b);
      Allow(kRsnAccessAddress);
      return;
    case AccessChannel::kNumberOfRecord:
      Basis(k2010b);
      Allow(kRsnAccessNumber);
      return;
    case AccessChannel::kOnline:
      // 64.2010(c): online access only with a password.
      Basis(k2010c);
      if (Flag(ContextFlag::kPasswordProvided)) {
        Allow(kRsnAccessOnlineOk);
      } else {
        Need(RequirementKind::kPassword);
        Block(kRsnAccessOnlineMissing);
      }
      return;
    case AccessChannel::kInStore:
      // 64.2010(d): valid photo ID matching the account.
      Basis(k2010d);
      if (Flag(ContextFlag::kPhotoIdVerified)) {
        Allow(kRsnAccessStoreOk);
      } else {
        Need(RequirementKind::kValidPhotoId);
        Block(kRsnAccessStoreMissing);
      }
      return;
    case AccessChannel::kInboundCall:
      break;
    case AccessChannel::kNone:
      Block(kRsnMalformed);
      return;
  }
  // 64.2010(g): a business customer's contract may set other authentication.
  if (facts_.business_cpni_contract && Flag(ContextFlag::kCustomerAuthenticated)) {
    if (policy_.business_customer_alternative_authentication) {
      Basis(k2010g);
      Allow(kRsnAccessBusinessOk);
      return;
    }
    Basis(kPolNoBusinessAlt);
  }
  const bool password_rule = call_detail || policy_.phone_requires_password_for_all_cpni;
  if (password_rule) {
    // 64.2010(b): call detail by telephone only with a password; the
    // carrier may discuss call detail the caller states unaided.
    Basis(k2010b);
    if (!call_detail) Basis(kPolPhonePassword);
    if (Flag(ContextFlag::kPasswordProvided)) {
      Allow(kRsnAccessCallDetailOk);
      return;
    }
    if (Flag(ContextFlag::kCallerProvidedCallDetail) &&
        req_.cpni == CpniSet{CpniCategory::kCallDetail}) {
      Allow(kRsnAccessUnaidedOk);
      return;
    }
    Need(RequirementKind::kPassword, 1);
    Need(RequirementKind::kSendToAddressOfRecord, 1);
    Need(RequirementKind::kCallNumberOfRecord, 1);
    Block(call_detail ? kRsnAccessCallDetailMissing : kRsnAccessPolPassword);
    return;
  }
  // 64.2010(a): authenticate before disclosing other CPNI on the call.
  if (Flag(ContextFlag::kPasswordProvided) || Flag(ContextFlag::kCustomerAuthenticated)) {
    Allow(kRsnAccessAuthOk);
    return;
  }
  Need(RequirementKind::kCustomerAuthenticated);
  Block(kRsnAccessAuthMissing);
}
}  // namespace decide_internal
}  // namespace proprio::rules
