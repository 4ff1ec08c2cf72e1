// rules/decide_disclosure.cc: disclosure to the carrier the customer moves
// to (47 U.S.C. 222(c)(2)), emergencies (222(d)(4)), and the carrier policy's
// conditions on who receives CPNI (64.2007(b) recipients).
#include "rules/decide.h"

#include <algorithm>

#include "rules/internal/decide_internal.h"

namespace proprio::rules {
namespace decide_internal {

namespace {

constexpr std::string_view kRsnNewCarrierOk =
    "Allowed: the customer's affirmative written request on record (document {document}) "
    "designates the new carrier (47 U.S.C. 222(c)(2)).";
constexpr std::string_view kRsnNewCarrierMissing =
    "Denied: CPNI goes to a new carrier only on the customer's affirmative written request "
    "designating it (47 U.S.C. 222(c)(2)): record the request and give its document id with "
    "written_authorization.";
constexpr std::string_view kRsnNewCarrierNotOnRecord =
    "Denied: the written authorization the request names is not on record for this customer "
    "at the instant of the disclosure (47 U.S.C. 222(c)(2)): record it first.";
constexpr std::string_view kRsnEmergencyOk =
    "Allowed: location information for emergency services as 222(d)(4) permits.";
constexpr std::string_view kRsnEmergencyService =
    "Denied: the emergency exception covers users of CMRS or IP-enabled voice service only.";
constexpr std::string_view kRsnEmergencyMissing =
    "Denied: the emergency exception needs an emergency call or a risk of death or serious "
    "harm.";
constexpr std::string_view kRsnPolNoThirdParty =
    "Denied: the carrier's policy never shares CPNI with third parties.";
constexpr std::string_view kRsnPolNewCarrier =
    "Denied: the carrier's policy needs the customer's express written authorization before "
    "CPNI goes to a new carrier.";
constexpr std::string_view kRsnPolJvOptIn =
    "Denied: the carrier's policy needs the customer's opt-in before a joint venturer or "
    "contractor gets access.";

}  // namespace

// CPNI to the carrier the customer moves to, so that it can provide the
// service: one path, the customer's affirmative written request designating
// it (47 U.S.C. 222(c)(2); the seed policy's "express written
// authorization"), named by its document id AND found on record for this
// customer by the service (CustomerFacts::written_authorization_on_record). Opt-in approval for
// third parties already on file also allows it (64.2007(b)), but a denial
// asks only for the written request.
void Evaluator::NewCarrier() {
  Basis(k222c2);
  if (WrittenAuthorizationOnRecord()) {
    const std::string& doc = req_.context.written_request_document;
    const size_t n = std::min(doc.size(), kMaxDocumentId);
    std::copy_n(doc.data(), n, d_.written_request_document.data());
    d_.written_request_document[n] = '\0';
    Allow(kRsnNewCarrierOk);
    return;
  }
  const ApprovalStatus& st = facts_.approval;
  if (st.opt_in.Has(ApprovalScope::kThirdParties)) {
    Basis(k2007b);
    Allow(kRsnOptInOk);
    return;
  }
  Need(RequirementKind::kWrittenAuthorization);
  Block(req_.context.written_request_document.empty() ? kRsnNewCarrierMissing
                                                      : kRsnNewCarrierNotOnRecord);
}

// Returns true when handled as an emergency (no policy overlays).
bool Evaluator::Emergency() {
  // 222(d)(4): call location information of CMRS and IP-enabled voice users.
  Basis(k222d4);
  const RecipientKind k = req_.recipient.kind;
  const bool family = purpose_ == Purpose::kEmergencyFamily;
  // (A) PSAPs, emergency services and officials; (C) information and
  // database providers assisting them; (B) legal guardian or family.
  const bool recipient_ok =
      family ? k == RecipientKind::kImmediateFamily
             : (k == RecipientKind::kPublicSafety || k == RecipientKind::kLawEnforcement ||
                k == RecipientKind::kAgent || k == RecipientKind::kThirdParty ||
                k == RecipientKind::kCarrierItself);
  if (!recipient_ok) {
    ApprovalPath(false, 0);
    return false;
  }
  if (req_.service_category != ServiceCategory::kCmrs &&
      req_.service_category != ServiceCategory::kInterconnectedVoip) {
    Block(kRsnEmergencyService);
    return true;
  }
  if (!Flag(ContextFlag::kEmergency)) {
    Need(RequirementKind::kEmergency);
    Block(kRsnEmergencyMissing);
    return true;
  }
  Allow(kRsnEmergencyOk);
  return true;
}

// The partner the request names (64.2007(b), decide_partners.cc), then the
// carrier policy's conditions on who receives CPNI.
void Evaluator::RecipientOverlays() {
  PartnerCheck();
  const RecipientKind k = req_.recipient.kind;
  const bool written = WrittenAuthorizationOnRecord();
  if (policy_.third_parties == ThirdPartySharing::kNever) {
    if (k == RecipientKind::kThirdParty || k == RecipientKind::kCustomerDesignee) {
      Basis(kPolNoThirdParty);
      Block(kRsnPolNoThirdParty);
    } else if (k == RecipientKind::kNewCarrier && !written) {
      Basis(kPolNoThirdParty);
      Need(RequirementKind::kWrittenAuthorization);
      Block(kRsnPolNewCarrier);
    }
  }
  if (policy_.new_carrier_requires_written_authorization && k == RecipientKind::kNewCarrier &&
      !written) {
    Basis(kPolNewCarrier);
    Need(RequirementKind::kWrittenAuthorization);
    Block(kRsnPolNewCarrier);
  }
  if (IsJvOrContractor(k)) {
    if (policy_.jv_contractor_requires_opt_in) {
      const ApprovalScope scope = ApprovalScope::kJointVenturersContractors;
      const ApprovalStatus& st = facts_.approval;
      if (!st.opt_in.Has(scope) && !st.OneTimeCovers(call_, req_.at, scope)) {
        Basis(kPolJvOptIn);
        NeedApproval(true, scope, 0);
        Block(kRsnPolJvOptIn);
      }
    }
  }
}
}  // namespace decide_internal
}  // namespace proprio::rules
