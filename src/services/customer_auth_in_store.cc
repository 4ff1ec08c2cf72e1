// services/customer_auth_in_store.cc: in store, a valid photo ID matching the
// account holder (47 CFR 64.2010(d)); business customers' contract
// authentication (64.2010(g)).
#include "services/customer_auth.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "services/internal/customer_auth_internal.h"

namespace proprio::services {

using nlohmann::json;
using namespace auth_internal;  // the helpers customer_auth_*.cc share

Result<StepResult> RecordPhotoId(store::Store& store, CarrierId carrier, int64_t session_id,
                                 const PhotoId& id, const CustomerAuthPolicy& policy,
                                 const Actor& actor) {
  static const char* const kTypes[] = {
      "drivers_license", "passport",  "passport_card",          "state_id",
      "military_id",     "tribal_id", "permanent_resident_card"};
  bool known = false;
  for (const char* t : kTypes) known = known || id.type == t;
  if (!known) {
    return Status::InvalidArgument(
        "id type must be a government-issued photo ID: drivers_license, passport, passport_card, "
        "state_id, military_id, tribal_id or permanent_resident_card (" + Cite(actor.now, "definitions") + ")",
        "id_type");
  }
  const std::string issuer(Trim(id.issuer));
  if (issuer.empty() || issuer.size() > 100) {
    return Status::InvalidArgument("issuer is required (at most 100 bytes)", "issuer");
  }
  if (id.last4.size() != 4 || !std::all_of(id.last4.begin(), id.last4.end(), IsAlnum)) {
    return Status::InvalidArgument("last4 must be the last 4 letters or digits of the ID number",
                                   "last4");
  }
  if (!id.expires_on.Valid()) {
    return Status::InvalidArgument("expires_on is required (YYYY-MM-DD)", "expires_on");
  }
  const StaffId staff = id.staff.valid() ? id.staff : StaffIdOf(actor.id);
  if (!staff.valid()) {
    return Status::InvalidArgument("the staff member who checked the ID is required", "staff");
  }
  return SimpleStep(
      store, carrier, session_id, policy, actor,
      [&](store::Tx& tx, store::VerificationSessionRow& s, const Customer&,
          store::CustomerAuthStateRow& state, StepSpec& spec) -> Status {
        if (s.channel != "in_store") {
          return Status::FailedPrecondition("photo ID is checked in in_store sessions");
        }
        auto member = tx.GetStaff(staff);
        if (!member.ok() || member->carrier != carrier) {
          return Status::InvalidArgument("no staff member " + staff.ToString() + " at this carrier",
                                         "staff");
        }
        spec.kind = "photo_id";
        spec.citation = Cite(actor.now, "disclosure.in_store");
        spec.body = {{"id_type", id.type}, {"staff", staff.value()}};
        spec.payload = json{{"id_type", id.type},
                            {"issuer", issuer},
                            {"last4", id.last4},
                            {"expires_on", id.expires_on.ToString()},
                            {"staff", staff.value()}};
        if (id.expires_on < UtcDate(actor.now)) {
          spec.outcome = "refused";
          spec.reason = "the ID expired on " + id.expires_on.ToString() +
                        ": an expired ID is not a valid photo ID (" + Cite(actor.now, "definitions") + ")";
          spec.body["reason"] = "expired";
          return Status::Ok();
        }
        if (!id.matches_account_holder) {
          spec.outcome = "failed";
          spec.reason = "the photo ID does not match the account holder: show no CPNI";
          spec.body["reason"] = "mismatch";
          return Status::Ok();
        }
        spec.outcome = "passed";
        spec.reason = "valid photo ID matching the account holder";
        s.flags |= Bit(SessionFlag::kPhotoIdVerified);
        state.phone_failures = 0;
        state.phone_locked_until = Instant();
        return Status::Ok();
      });
}

Result<StepResult> RecordBusinessAlternative(store::Store& store, CarrierId carrier,
                                             int64_t session_id, std::string_view contract_ref,
                                             std::string_view method,
                                             const CustomerAuthPolicy& policy, const Actor& actor) {
  const std::string ref(Trim(contract_ref)), how(Trim(method));
  if (ref.empty() || ref.size() > kMaxNameBytes) {
    return Status::InvalidArgument("contract_ref is required", "contract_ref");
  }
  if (how.empty() || how.size() > 200) {
    return Status::InvalidArgument(
        "method is required: the contract's authentication procedure that was followed", "method");
  }
  return SimpleStep(
      store, carrier, session_id, policy, actor,
      [&](store::Tx&, store::VerificationSessionRow& s, const Customer& c,
          store::CustomerAuthStateRow&, StepSpec& spec) -> Status {
        spec.kind = "business_alternative";
        spec.citation = Cite(actor.now, "disclosure.business_customers");
        spec.body = {{"method", how}};
        spec.payload = json{{"contract_ref", ref}};
        if (c.type != CustomerType::kBusiness || c.account_representative.empty() ||
            c.cpni_contract_ref.empty()) {
          spec.outcome = "refused";
          spec.reason =
              "alternative authentication applies only to business customers with a dedicated "
              "account representative and a contract that addresses CPNI protection (" +
              Cite(actor.now, "disclosure.business_customers") +
              "); authenticate this customer by password, call back or photo ID";
          spec.body["reason"] = "not_eligible";
          return Status::Ok();
        }
        if (!ConstantTimeEquals(ref, c.cpni_contract_ref)) {
          spec.outcome = "failed";
          spec.reason = "that is not this customer's CPNI contract";
          spec.body["reason"] = "contract_mismatch";
          return Status::Ok();
        }
        spec.outcome = "passed";
        spec.reason = "authenticated under the business customer's CPNI contract";
        s.flags |= Bit(SessionFlag::kBusinessAlternative);
        return Status::Ok();
      });
}

}  // namespace proprio::services
