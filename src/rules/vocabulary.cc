// rules/vocabulary.cc: wire names of the rules enumerations.
#include "rules/vocabulary.h"

#include <array>
#include <string>

#include "rules/internal/names.h"

namespace proprio::rules {
namespace {

using internal::NameOf;
using internal::ParseName;

constexpr std::array<std::string_view, kActionCount> kActionNames = {"use", "disclose",
                                                                     "permit_access"};

constexpr std::array<std::string_view, kPurposeCount> kPurposeNames = {
    "provide_service",
    "necessary_services",
    "billing_collection",
    "fraud_protection",
    "inbound_telemarketing",
    "emergency_911",
    "emergency_family",
    "legal_process",
    "customer_written_request",
    "customer_account_access",
    "marketing_same_category",
    "marketing_other_category",
    "marketing_cpe_info_services",
    "marketing_adjunct_to_basic",
    "inside_wiring",
    "cmrs_health_research",
    "track_competing_callers",
    "research",
    "other",
    "marketing",
};

constexpr std::array<std::string_view, kRecipientKindCount> kRecipientNames = {
    "carrier_itself", "affiliate",        "agent",         "joint_venturer",
    "independent_contractor", "third_party", "new_carrier", "customer_designee",
    "law_enforcement", "public_safety",   "immediate_family", "customer",
};

constexpr std::array<std::string_view, kCpniCategoryCount> kCpniNames = {
    "call_detail", "location", "usage", "service_configuration", "billing"};

constexpr std::array<std::string_view, kOfferingCount> kOfferingNames = {
    "unspecified",        "local",
    "interexchange",      "cmrs",
    "interconnected_voip", "internet_access",
    "voice_messaging",    "fax_store_forward",
    "protocol_conversion", "other_information_service",
    "cpe",                "adjunct_to_basic",
    "inside_wiring",      "non_communications",
};

constexpr std::array<std::string_view, kContextFlagCount> kFlagNames = {
    "customer_initiated_call",
    "approval_on_call",
    "written_authorization",
    "confidentiality_agreement",
    "limited_use_certified",
    "recipient_serves_customer",
    "recipient_provides_comm_services",
    "legal_process",
    "emergency",
    "password_provided",
    "customer_authenticated",
    "photo_id_verified",
    "caller_provided_call_detail",
};

constexpr std::array<std::string_view, kAccessChannelCount> kChannelNames = {
    "none", "inbound_call", "online", "in_store", "address_of_record", "number_of_record"};

constexpr std::array<std::string_view, kApprovalScopeCount> kScopeNames = {
    "own_marketing_comm_related", "affiliates",    "agents",
    "joint_venturers_contractors", "third_parties", "own_other_uses"};

}  // namespace

std::string_view ActionName(Action a) { return NameOf(kActionNames, a); }
std::string_view PurposeName(Purpose p) { return NameOf(kPurposeNames, p); }
std::string_view RecipientKindName(RecipientKind k) { return NameOf(kRecipientNames, k); }
std::string_view CpniCategoryName(CpniCategory c) { return NameOf(kCpniNames, c); }
std::string_view OfferingName(Offering o) { return NameOf(kOfferingNames, o); }
std::string_view ContextFlagName(ContextFlag f) { return NameOf(kFlagNames, f); }
std::string_view AccessChannelName(AccessChannel c) { return NameOf(kChannelNames, c); }
std::string_view ApprovalScopeName(ApprovalScope s) { return NameOf(kScopeNames, s); }

Result<Action> ParseAction(std::string_view name, std::string_view field) {
  return ParseName<Action>(kActionNames, name, field, "action");
}
Result<Purpose> ParsePurpose(std::string_view name, std::string_view field) {
  // Plain terms for the business purpose (issue 14); the wire name stays.
  if (name == "billing") return Purpose::kBillingCollection;
  if (name == "service") return Purpose::kProvideService;
  return ParseName<Purpose>(kPurposeNames, name, field, "purpose");
}
Result<RecipientKind> ParseRecipientKind(std::string_view name, std::string_view field) {
  return ParseName<RecipientKind>(kRecipientNames, name, field, "recipient kind");
}
Result<CpniCategory> ParseCpniCategory(std::string_view name, std::string_view field) {
  return ParseName<CpniCategory>(kCpniNames, name, field, "CPNI category");
}
Result<Offering> ParseOffering(std::string_view name, std::string_view field) {
  return ParseName<Offering>(kOfferingNames, name, field, "offering");
}
Result<ContextFlag> ParseContextFlag(std::string_view name, std::string_view field) {
  return ParseName<ContextFlag>(kFlagNames, name, field, "context flag");
}
Result<AccessChannel> ParseAccessChannel(std::string_view name, std::string_view field) {
  return ParseName<AccessChannel>(kChannelNames, name, field, "access channel");
}
Result<ApprovalScope> ParseApprovalScope(std::string_view name, std::string_view field) {
  return ParseName<ApprovalScope>(kScopeNames, name, field, "approval scope");
}

Result<ServiceCategory> ParseRequestServiceCategory(std::string_view name,
                                                    std::string_view field) {
  Result<ServiceCategory> c = ParseServiceCategory(name);
  if (c.ok()) return c;
  return Status::InvalidArgument(std::string(field) + ": " + c.status().message(),
                                 std::string(field));
}

bool IsCategoryOfService(ServiceCategory c) {
  return c == ServiceCategory::kLocal || c == ServiceCategory::kInterexchange ||
         c == ServiceCategory::kCmrs || c == ServiceCategory::kInterconnectedVoip;
}

int CategoriesOfServiceCount(ServiceSet services) {
  int n = 0;
  for (ServiceCategory c : {ServiceCategory::kLocal, ServiceCategory::kInterexchange,
                            ServiceCategory::kCmrs, ServiceCategory::kInterconnectedVoip}) {
    if (services.Has(c)) ++n;
  }
  return n;
}

uint64_t CallIdHash(std::string_view call_id) {
  if (call_id.empty()) return 0;
  uint64_t h = 14695981039346656037ull;
  for (char c : call_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

}  // namespace proprio::rules
