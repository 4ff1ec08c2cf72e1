// rules/decide.cc: the decision procedure. Each branch carries the citation
// of the paragraph it enforces.
#include "rules/decide.h"

#include <algorithm>

#include "rules/internal/names.h"

namespace proprio::rules {
namespace {

using internal::NameOf;
using internal::ParseName;

// ---- citations ----
constexpr std::string_view k222c1 = "47 U.S.C. 222(c)(1)";
constexpr std::string_view k222c2 = "47 U.S.C. 222(c)(2)";
constexpr std::string_view k222d1 = "47 U.S.C. 222(d)(1)";
constexpr std::string_view k222d2 = "47 U.S.C. 222(d)(2)";
constexpr std::string_view k222d3 = "47 U.S.C. 222(d)(3)";
constexpr std::string_view k222d4 = "47 U.S.C. 222(d)(4)";
constexpr std::string_view k2005a = "47 CFR 64.2005(a)";
constexpr std::string_view k2005a1 = "47 CFR 64.2005(a)(1)";
constexpr std::string_view k2005a2 = "47 CFR 64.2005(a)(2)";
constexpr std::string_view k2005b = "47 CFR 64.2005(b)";
constexpr std::string_view k2005b1 = "47 CFR 64.2005(b)(1)";
constexpr std::string_view k2005b2 = "47 CFR 64.2005(b)(2)";
constexpr std::string_view k2005c1 = "47 CFR 64.2005(c)(1)";
constexpr std::string_view k2005c2 = "47 CFR 64.2005(c)(2)";
constexpr std::string_view k2005c3 = "47 CFR 64.2005(c)(3)";
constexpr std::string_view k2005d = "47 CFR 64.2005(d)";
constexpr std::string_view k2007a2 = "47 CFR 64.2007(a)(2)";
constexpr std::string_view k2007b = "47 CFR 64.2007(b)";
// 64.2003(f): a customer is one to whom the carrier is CURRENTLY providing
// service.
constexpr std::string_view k2003f = "47 CFR 64.2003(f)";
constexpr std::string_view k2008d1 = "47 CFR 64.2008(d)(1)";
constexpr std::string_view k2008d2 = "47 CFR 64.2008(d)(2)";
constexpr std::string_view k2008f = "47 CFR 64.2008(f)";
constexpr std::string_view k2010a = "47 CFR 64.2010(a)";
constexpr std::string_view k2010b = "47 CFR 64.2010(b)";
constexpr std::string_view k2010c = "47 CFR 64.2010(c)";
constexpr std::string_view k2010d = "47 CFR 64.2010(d)";
constexpr std::string_view k2010g = "47 CFR 64.2010(g)";

constexpr std::string_view kPolOptInOnly = "carrier policy: [approval] mode = \"opt_in_only\"";
constexpr std::string_view kPolCarveOut = "carrier policy: [uses_without_approval] purposes";
constexpr std::string_view kPolNoThirdParty =
    "carrier policy: [disclosure] third_parties = \"never\"";
constexpr std::string_view kPolNewCarrier =
    "carrier policy: [disclosure] new_carrier_requires_written_authorization";
constexpr std::string_view kPolJvAgreement =
    "carrier policy: [disclosure] jv_contractor_requires_confidentiality_agreement";
constexpr std::string_view kPolJvOptIn =
    "carrier policy: [disclosure] jv_contractor_requires_opt_in";
constexpr std::string_view kPolAgent =
    "carrier policy: [disclosure] agent_requires_limited_use_certification";
constexpr std::string_view kPolPhonePassword =
    "carrier policy: [authentication] phone_requires_password_for_all_cpni";
constexpr std::string_view kPolNoBusinessAlt =
    "carrier policy: [authentication] business_customer_alternative_authentication = false";

// ---- reasons (one sentence each) ----
constexpr std::string_view kRsnMalformed =
    "Denied: the request is incomplete or inconsistent; check it with ValidateRequest.";
constexpr std::string_view kRsnFactsMismatch =
    "Denied: the customer facts supplied belong to a different customer.";
constexpr std::string_view kRsnTrack =
    "Denied: CPNI may never be used to identify or track customers who call competing "
    "providers.";
constexpr std::string_view kRsnLegalOk = "Allowed: disclosure required by law (legal process).";
constexpr std::string_view kRsnLegalMissing =
    "Denied: disclosure for legal process needs valid legal process in hand.";
constexpr std::string_view kRsnWrittenOk =
    "Allowed: the customer's affirmative written request designates this recipient.";
constexpr std::string_view kRsnWrittenOkDocument =
    "Allowed: the customer's affirmative written request (document {document}) designates "
    "this recipient.";
constexpr std::string_view kRsnNewCarrierOk =
    "Allowed: the customer's affirmative written request on record (document {document}) "
    "designates the new carrier (47 U.S.C. 222(c)(2)).";
constexpr std::string_view kRsnNewCarrierMissing =
    "Denied: CPNI goes to a new carrier only on the customer's affirmative written request "
    "designating it (47 U.S.C. 222(c)(2)): record the request and give its document id with "
    "written_authorization.";
constexpr std::string_view kRsnWrittenMissing =
    "Denied: disclosure on the customer's behalf needs the customer's affirmative written "
    "request.";
constexpr std::string_view kRsnEmergencyOk =
    "Allowed: location information for emergency services as 222(d)(4) permits.";
constexpr std::string_view kRsnEmergencyService =
    "Denied: the emergency exception covers users of CMRS or IP-enabled voice service only.";
constexpr std::string_view kRsnEmergencyMissing =
    "Denied: the emergency exception needs an emergency call or a risk of death or serious "
    "harm.";
constexpr std::string_view kRsnProvideOk =
    "Allowed: CPNI may be used to provide the service it comes from.";
constexpr std::string_view kRsnNecessaryOk =
    "Allowed: CPNI may be used for services necessary to the service it comes from.";
constexpr std::string_view kRsnFormerNoService =
    "Denied: a former customer; the carrier no longer provides the service this use serves, so "
    "neither the service itself (47 U.S.C. 222(c)(1)) nor the carve-outs for current customers "
    "apply.";
constexpr std::string_view kRsnNotSubscribed =
    "Denied: the customer does not take the service this CPNI comes from.";
constexpr std::string_view kRsnBillingOk =
    "Allowed: CPNI may be used to initiate, render, bill and collect for service.";
constexpr std::string_view kRsnFraudOk =
    "Allowed: CPNI may be used to protect against fraud, abuse or unlawful use.";
constexpr std::string_view kRsnInboundOk =
    "Allowed: inbound telemarketing on the customer's call, with the customer's approval on "
    "the call.";
constexpr std::string_view kRsnInboundMissing =
    "Denied: inbound telemarketing needs a customer-initiated call and the customer's "
    "approval on it.";
constexpr std::string_view kRsnSameCategoryOk =
    "Allowed: marketing within a category of service the customer already buys.";
constexpr std::string_view kRsnAffiliateOk =
    "Allowed: the customer buys more than one category of service and the affiliate serves "
    "the customer.";
constexpr std::string_view kRsnCpeInfoOk =
    "Allowed: this CPNI may be used for CPE or the listed information services without "
    "approval.";
constexpr std::string_view kRsnAdjunctOk =
    "Allowed: the carrier may use CPNI to market adjunct-to-basic features.";
constexpr std::string_view kRsnInsideWiringOk =
    "Allowed: CPNI may be used for inside wiring installation, maintenance and repair.";
constexpr std::string_view kRsnCmrsResearchOk =
    "Allowed: a CMRS provider may use CPNI for research on the health effects of CMRS.";
constexpr std::string_view kRsnOneTimeOk =
    "Allowed: the customer gave one-time consent on this call.";
constexpr std::string_view kRsnOptInOk = "Allowed: the customer has given opt-in approval.";
constexpr std::string_view kRsnOptOutOk =
    "Allowed: opt-out approval is in force (notice given, waiting period over, no objection).";
constexpr std::string_view kRsnDisapproved =
    "Denied: the customer has denied or revoked approval for this use.";
constexpr std::string_view kRsnPending =
    "Denied: the opt-out waiting period after the notice has not ended yet.";
// {date} and {period} are filled in by ReasonText (Decision::opt_out_lapsed_on,
// Decision::opt_out_renewal_months).
constexpr std::string_view kRsnLapsed =
    "Denied: the customer's opt-out approval lapsed on {date} because no opt-out notice was "
    "given in {period} (47 CFR 64.2008(d)(2)); a new opt-out notice renews it once its waiting "
    "period has passed (47 CFR 64.2008(d)(1)), or the customer's opt-in approval.";
constexpr std::string_view kRsnNeedOptIn = "Denied: this use needs the customer's opt-in approval.";
constexpr std::string_view kRsnNeedApproval =
    "Denied: this use needs the customer's opt-out or opt-in approval.";
constexpr std::string_view kRsnPolNoThirdParty =
    "Denied: the carrier's policy never shares CPNI with third parties.";
constexpr std::string_view kRsnPolNewCarrier =
    "Denied: the carrier's policy needs the customer's express written authorization before "
    "CPNI goes to a new carrier.";
constexpr std::string_view kRsnPolJvAgreement =
    "Denied: the carrier's policy needs a signed confidentiality agreement from the joint "
    "venturer or contractor.";
constexpr std::string_view kRsnPolJvOptIn =
    "Denied: the carrier's policy needs the customer's opt-in before a joint venturer or "
    "contractor gets access.";
constexpr std::string_view kRsnPolAgent =
    "Denied: the carrier's policy needs the agent's certification that it uses CPNI only for "
    "this purpose.";
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

constexpr std::array<std::string_view, kRequirementKindCount> kRequirementNames = {
    "opt_in_approval",
    "opt_out_or_opt_in_approval",
    "customer_initiated_call",
    "approval_on_call",
    "written_authorization",
    "confidentiality_agreement",
    "limited_use_certification",
    "recipient_serves_customer",
    "recipient_provides_comm_services",
    "legal_process",
    "emergency",
    "customer_authenticated",
    "password",
    "send_to_address_of_record",
    "call_number_of_record",
    "valid_photo_id",
};

bool IsJvOrContractor(RecipientKind k) {
  return k == RecipientKind::kJointVenturer || k == RecipientKind::kIndependentContractor;
}

// Recipients acting for the carrier in providing its service.
bool ActsForCarrier(RecipientKind k) {
  return k == RecipientKind::kCarrierItself || k == RecipientKind::kAgent ||
         k == RecipientKind::kAffiliate || IsJvOrContractor(k);
}

bool IsMarketing(Purpose p) {
  return p == Purpose::kMarketing || p == Purpose::kMarketingSameCategory ||
         p == Purpose::kMarketingOtherCategory || p == Purpose::kMarketingCpeInfoServices ||
         p == Purpose::kMarketingAdjunctToBasic || p == Purpose::kInboundTelemarketing;
}

// The category of service an offering belongs to, for 64.2005(a).
bool OfferingCategory(Offering o, ServiceCategory source, ServiceCategory* out) {
  switch (o) {
    case Offering::kUnspecified: *out = source; return true;
    case Offering::kLocal: *out = ServiceCategory::kLocal; return true;
    case Offering::kInterexchange: *out = ServiceCategory::kInterexchange; return true;
    case Offering::kCmrs: *out = ServiceCategory::kCmrs; return true;
    case Offering::kInterconnectedVoip: *out = ServiceCategory::kInterconnectedVoip; return true;
    default: return false;
  }
}

// What kind of thing an offering is, for LegalCategory: computed once, at
// compile time, so deriving the category costs a table load and a few tests.
enum class OfferingClass : uint8_t { kNone, kCategoryOfService, kCpeOrInfo, kAdjunct, kOther };
constexpr std::array<OfferingClass, kOfferingCount> kOfferingClass = [] {
  std::array<OfferingClass, kOfferingCount> t{};
  for (int i = 0; i < kOfferingCount; ++i) {
    switch (static_cast<Offering>(i)) {
      case Offering::kUnspecified: t[i] = OfferingClass::kNone; break;
      case Offering::kLocal:
      case Offering::kInterexchange:
      case Offering::kCmrs:
      case Offering::kInterconnectedVoip: t[i] = OfferingClass::kCategoryOfService; break;
      case Offering::kInternetAccess:
      case Offering::kVoiceMessaging:
      case Offering::kFaxStoreForward:
      case Offering::kProtocolConversion:
      case Offering::kOtherInformationService:
      case Offering::kCpe: t[i] = OfferingClass::kCpeOrInfo; break;
      case Offering::kAdjunctToBasic: t[i] = OfferingClass::kAdjunct; break;
      case Offering::kInsideWiring:
      case Offering::kNonCommunications: t[i] = OfferingClass::kOther; break;
    }
  }
  return t;
}();

bool IsMarketingLabel(Purpose p) {
  return p == Purpose::kMarketing || p == Purpose::kMarketingSameCategory ||
         p == Purpose::kMarketingOtherCategory || p == Purpose::kMarketingCpeInfoServices ||
         p == Purpose::kMarketingAdjunctToBasic;
}

// 64.2005(b)(1): the offerings each kind of CPNI may serve without approval.
bool CpeInfoException(ServiceCategory source, Offering o) {
  if (source == ServiceCategory::kCmrs) {
    // CMRS CPNI: CPE and information services.
    return o == Offering::kCpe || o == Offering::kInternetAccess ||
           o == Offering::kVoiceMessaging || o == Offering::kFaxStoreForward ||
           o == Offering::kProtocolConversion || o == Offering::kOtherInformationService;
  }
  if (source == ServiceCategory::kLocal || source == ServiceCategory::kInterexchange) {
    // Wireline CPNI: CPE, call answering, voice mail or messaging, voice
    // storage and retrieval, fax store and forward, protocol conversion.
    return o == Offering::kCpe || o == Offering::kVoiceMessaging ||
           o == Offering::kFaxStoreForward || o == Offering::kProtocolConversion;
  }
  return false;
}

// Cheap structural checks Decide repeats so it never trusts a bad request.
bool Consistent(const DecisionRequest& r) {
  if (static_cast<int>(r.action) >= kActionCount || static_cast<int>(r.purpose) >= kPurposeCount ||
      static_cast<int>(r.recipient.kind) >= kRecipientKindCount ||
      static_cast<int>(r.offering) >= kOfferingCount ||
      static_cast<int>(r.context.channel) >= kAccessChannelCount ||
      static_cast<int>(r.service_category) >= kServiceCategoryCount) {
    return false;
  }
  if (!r.customer.valid() || r.cpni.empty() || r.at.micros() == 0 || r.recipient.id < 0) {
    return false;
  }
  if ((r.action == Action::kUse) != (r.recipient.kind == RecipientKind::kCarrierItself)) {
    return false;
  }
  if ((r.purpose == Purpose::kCustomerAccountAccess) !=
      (r.recipient.kind == RecipientKind::kCustomer)) {
    return false;
  }
  return IsCategoryOfService(r.service_category);
}

class Evaluator {
 public:
  Evaluator(const DecisionRequest& req, const CustomerFacts& facts, const RuleSet& rules,
            const Policy& policy)
      : req_(req),
        facts_(facts),
        // Safe on an out-of-range request too (Run refuses it first).
        purpose_(LegalCategory(req.purpose, req.offering, req.service_category, facts.services)),
        policy_(policy),
        call_(CallIdHash(req.context.call_id)),
        renewal_months_(std::max(1, std::min(rules.approval.opt_out_renewal_months,
                                             policy.opt_out_renewal_months))) {
    d_.rule_set = rules.name;
    d_.policy_version = policy.version;
    d_.legal_category = purpose_;
    d_.label = req.purpose;
    // The facts override a legacy label they contradict (issue 14);
    // "marketing" itself is a fact, not a label.
    d_.label_overridden = req.purpose != Purpose::kMarketing && purpose_ != req.purpose;
  }

  Decision Run() {
    if (!Consistent(req_)) {
      Block(kRsnMalformed);
      return Finish();
    }
    if (facts_.customer != req_.customer) {
      Block(kRsnFactsMismatch);
      return Finish();
    }
    if (purpose_ == Purpose::kCustomerAccountAccess) {
      CustomerAccess();
      return Finish();
    }
    if (req_.recipient.kind == RecipientKind::kNewCarrier &&
        (purpose_ == Purpose::kProvideService || purpose_ == Purpose::kNecessaryServices)) {
      NewCarrier();
      RecipientOverlays();
      return Finish();
    }
    bool overlays = true;
    if (facts_.former_customer && FormerCustomer()) {
      RecipientOverlays();
      return Finish();
    }
    switch (purpose_) {
      case Purpose::kTrackCompetingCallers:
        // 64.2005(b)(2): never, whatever the approval.
        Basis(k2005b2);
        Block(kRsnTrack);
        overlays = false;
        break;
      case Purpose::kLegalProcess:
        // 222(c)(1): "except as required by law". A duty: no policy overlay.
        Basis(k222c1);
        if (Flag(ContextFlag::kLegalProcess)) {
          Allow(kRsnLegalOk);
        } else {
          Need(RequirementKind::kLegalProcess);
          Block(kRsnLegalMissing);
        }
        overlays = false;
        break;
      case Purpose::kCustomerWrittenRequest:
        // 222(c)(2): the carrier SHALL disclose to any person the customer
        // designates in an affirmative written request. A duty: no overlay.
        Basis(k222c2);
        if (Flag(ContextFlag::kWrittenAuthorization)) {
          if (!req_.context.written_request_document.empty()) {
            const std::string& doc = req_.context.written_request_document;
            const size_t n = std::min(doc.size(), kMaxDocumentId);
            std::copy_n(doc.data(), n, d_.written_request_document.data());
            d_.written_request_document[n] = '\0';
            Allow(kRsnWrittenOkDocument);
          } else {
            Allow(kRsnWrittenOk);
          }
        } else {
          Need(RequirementKind::kWrittenAuthorization);
          Block(kRsnWrittenMissing);
        }
        overlays = false;
        break;
      case Purpose::kEmergency911:
      case Purpose::kEmergencyFamily:
        overlays = !Emergency();
        break;
      case Purpose::kProvideService:
      case Purpose::kNecessaryServices:
        // 222(c)(1)(A)-(B): the service the CPNI comes from, services
        // necessary to or used in it (including directories).
        Basis(k222c1);
        if (!ActsForCarrier(req_.recipient.kind)) {
          ApprovalPath(false, 0);
        } else if (!facts_.services.Has(req_.service_category)) {
          Block(kRsnNotSubscribed);
        } else {
          Allow(purpose_ == Purpose::kProvideService ? kRsnProvideOk : kRsnNecessaryOk);
        }
        break;
      case Purpose::kBillingCollection:
        // 222(d)(1): initiate, render, bill and collect.
        Basis(k222d1);
        if (ActsForCarrier(req_.recipient.kind)) {
          Allow(kRsnBillingOk);
        } else {
          ApprovalPath(false, 0);
        }
        break;
      case Purpose::kFraudProtection:
        // 222(d)(2), 64.2005(d): protect the carrier, users and other carriers.
        Basis(k222d2);
        Basis(k2005d);
        Allow(kRsnFraudOk);
        break;
      case Purpose::kInboundTelemarketing:
        InboundTelemarketing();
        break;
      case Purpose::kMarketing:  // LegalCategory never leaves it: the source's category
      case Purpose::kMarketingSameCategory:
        SameCategory();
        break;
      case Purpose::kMarketingOtherCategory:
        // 64.2005(b): a category the customer does not buy needs approval.
        Basis(k2005b);
        // CPE or an information service this CPNI may not serve: the (b)(1)
        // exception was weighed and does not reach it; cite it so the
        // answer shows why.
        if (kOfferingClass[static_cast<size_t>(req_.offering)] == OfferingClass::kCpeOrInfo) {
          Basis(k2005b1);
        }
        ApprovalPath(CommMarketing(), 0);
        break;
      case Purpose::kMarketingCpeInfoServices:
        CpeInfoServices();
        break;
      case Purpose::kMarketingAdjunctToBasic:
        Adjunct();
        break;
      case Purpose::kInsideWiring:
        // 64.2005(c)(1): inside wiring installation, maintenance and repair.
        Basis(k2005c1);
        if (ActsForCarrier(req_.recipient.kind)) {
          CarveOut(kRsnInsideWiringOk);
        } else {
          ApprovalPath(false, 0);
        }
        break;
      case Purpose::kCmrsHealthResearch:
        // 64.2005(c)(2): CMRS providers, research on health effects of CMRS.
        Basis(k2005c2);
        if (req_.service_category == ServiceCategory::kCmrs) {
          CarveOut(kRsnCmrsResearchOk);
        } else {
          ApprovalPath(false, 0);
        }
        break;
      case Purpose::kResearch:
      case Purpose::kOther:
      case Purpose::kCustomerAccountAccess:
        // 64.2007(b): everything not otherwise permitted needs opt-in.
        ApprovalPath(false, 0);
        break;
    }
    if (overlays) RecipientOverlays();
    return Finish();
  }

 private:
  bool Flag(ContextFlag f) const { return req_.context.flags.Has(f); }

  // A former customer (64.2003(f): "customer" is one the carrier currently
  // serves; the account is closed). Duties imposed by law, billing and
  // collection of the final bill (222(d)(1)), fraud protection (222(d)(2)),
  // emergencies (222(d)(4)), the ban on tracking competitors' callers and the
  // customer's own access are decided as for any customer (returns false).
  // The service itself and services necessary to it, inside wiring and CMRS
  // research are refused: no service is provided. Every other use (marketing
  // in any category, inbound telemarketing, research) needs OPT-IN approval
  // (64.2007(b)) or one-time consent on the customer's call (64.2008(f)):
  // the carve-outs for current customers' categories of service (64.2005(a),
  // (c)) do not reach a former customer, and Proprio does not rely on opt-out
  // approval once the service ended (the safe side; 64.2008(d)(2) notices go
  // to customers). Returns true when it decided.
  bool FormerCustomer() {
    switch (purpose_) {
      case Purpose::kTrackCompetingCallers:
      case Purpose::kLegalProcess:
      case Purpose::kCustomerWrittenRequest:
      case Purpose::kEmergency911:
      case Purpose::kEmergencyFamily:
      case Purpose::kBillingCollection:
      case Purpose::kFraudProtection:
      case Purpose::kCustomerAccountAccess:
        return false;
      case Purpose::kProvideService:
      case Purpose::kNecessaryServices:
      case Purpose::kInsideWiring:
      case Purpose::kCmrsHealthResearch:
        Basis(k2003f);
        Basis(k222c1);
        Block(kRsnFormerNoService);
        return true;
      default:
        Basis(k2003f);
        former_opt_in_ = true;
        ApprovalPath(CommMarketing(), 0);
        return true;
    }
  }

  void Basis(std::string_view citation) {
    if (!d_.basis.contains(citation)) d_.basis.push_back(citation);
  }

  void Need(RequirementKind kind, uint8_t group = 0) {
    Requirement r;
    r.kind = kind;
    r.any_of_group = group;
    if (!d_.requirements.contains(r)) d_.requirements.push_back(r);
  }

  void NeedApproval(bool opt_in, ApprovalScope scope, uint8_t group) {
    Requirement r;
    r.kind = opt_in ? RequirementKind::kOptInApproval : RequirementKind::kOptOutOrOptInApproval;
    r.has_scope = true;
    r.scope = scope;
    r.any_of_group = group;
    if (!d_.requirements.contains(r)) d_.requirements.push_back(r);
  }

  void Allow(std::string_view reason) {
    if (allow_reason_.empty()) allow_reason_ = reason;
  }

  void Block(std::string_view reason) {
    blocked_ = true;
    if (block_reason_.empty()) block_reason_ = reason;
  }

  Decision Finish() {
    d_.allowed = !blocked_ && !allow_reason_.empty();
    // Alternatives not taken (e.g. 64.2005(a)(1) vs approval) leave nothing to ask for.
    if (d_.allowed) d_.requirements.clear();
    if (d_.allowed) {
      d_.reason = allow_reason_;
      d_.opt_out_lapsed_on.reset();
      d_.opt_out_renewal_months = 0;
    } else {
      d_.written_request_document[0] = '\0';
      d_.reason = block_reason_.empty() ? kRsnMalformed : block_reason_;
    }
    return d_;
  }

  // A use the floor permits without approval; a policy may have dropped it
  // from its uses without approval, and then it needs approval instead.
  void CarveOut(std::string_view reason) {
    if (policy_.uses_without_approval.Has(purpose_)) {
      Allow(reason);
      return;
    }
    Basis(kPolCarveOut);
    ApprovalPath(CommMarketing(), 0);
  }

  // Marketing of communications-related services (64.2007(b)).
  bool CommMarketing() const {
    return IsMarketing(purpose_) && req_.offering != Offering::kNonCommunications;
  }

  // 64.2007(b): which approval this recipient and purpose need, and whether
  // the customer has given it. `comm_marketing`: marketing of
  // communications-related services. `group`: alternatives group for the
  // approval requirement.
  struct Needed {
    ApprovalScope scope;
    bool opt_out_ok;
    bool opt_in_only_by_policy;  // the floor would take opt-out; the policy does not
  };
  Needed ApprovalNeeded(bool comm_marketing) const {
    ApprovalScope scope = ApprovalScope::kThirdParties;
    bool opt_out_ok = false;
    switch (req_.recipient.kind) {
      case RecipientKind::kCarrierItself:
        scope = comm_marketing ? ApprovalScope::kOwnMarketingCommRelated
                               : ApprovalScope::kOwnOtherUses;
        opt_out_ok = comm_marketing;
        break;
      case RecipientKind::kAgent:
        scope = ApprovalScope::kAgents;
        opt_out_ok = comm_marketing;
        break;
      case RecipientKind::kAffiliate:
        // Only affiliates that provide communications-related services.
        scope = ApprovalScope::kAffiliates;
        opt_out_ok = comm_marketing && Flag(ContextFlag::kRecipientProvidesCommServices);
        break;
      case RecipientKind::kJointVenturer:
      case RecipientKind::kIndependentContractor:
        scope = ApprovalScope::kJointVenturersContractors;  // opt-in (2007 order)
        break;
      default:
        scope = ApprovalScope::kThirdParties;
        break;
    }
    if (former_opt_in_) opt_out_ok = false;  // a former customer: opt-in (FormerCustomer)
    const bool by_policy = opt_out_ok && policy_.approval_mode == ApprovalMode::kOptInOnly;
    return Needed{scope, opt_out_ok && !by_policy, by_policy};
  }

  // Whether the customer's approval covers this use (no side effects).
  bool HasApproval(bool comm_marketing) const {
    const Needed n = ApprovalNeeded(comm_marketing);
    const ApprovalStatus& st = facts_.approval;
    return st.OneTimeCovers(call_, req_.at, n.scope) || st.opt_in.Has(n.scope) ||
           (n.opt_out_ok && st.opt_out.Has(n.scope));
  }

  void ApprovalPath(bool comm_marketing, uint8_t group) {
    Basis(k2007b);
    const Needed n = ApprovalNeeded(comm_marketing);
    const ApprovalScope scope = n.scope;
    const bool opt_out_ok = n.opt_out_ok;
    if (n.opt_in_only_by_policy) Basis(kPolOptInOnly);
    const ApprovalStatus& st = facts_.approval;
    if (st.OneTimeCovers(call_, req_.at, scope)) {
      // 64.2008(f): one-time use for the duration of the call.
      Basis(k2008f);
      Allow(kRsnOneTimeOk);
      return;
    }
    if (st.opt_in.Has(scope)) {
      Allow(kRsnOptInOk);
      return;
    }
    if (opt_out_ok && st.opt_out.Has(scope)) {
      // 64.2008(d)(1): approval assumed after the waiting period.
      Basis(k2008d1);
      Allow(kRsnOptOutOk);
      return;
    }
    NeedApproval(!opt_out_ok, scope, group);
    if (st.disapproved.Has(scope)) {
      // 64.2007(a)(2): the denial stays until the customer changes it.
      Basis(k2007a2);
      Block(kRsnDisapproved);
    } else if (opt_out_ok && st.opt_out_pending.Has(scope)) {
      Basis(k2008d1);
      Block(kRsnPending);
    } else if (opt_out_ok && st.opt_out_lapsed.Has(scope) && st.opt_out_lapsed_at) {
      // 64.2008(d)(2): opt-out notices every two years; the approval lapsed.
      Basis(k2008d2);
      if (block_reason_.empty()) {
        d_.opt_out_lapsed_on = st.opt_out_lapsed_on;
        d_.opt_out_renewal_months = renewal_months_;
      }
      Block(kRsnLapsed);
    } else {
      Block(opt_out_ok ? kRsnNeedApproval : kRsnNeedOptIn);
    }
  }

  // CPNI to the carrier the customer moves to, so that it can provide the
  // service: one path, the customer's affirmative written request designating
  // it (47 U.S.C. 222(c)(2); the seed policy's "express written
  // authorization"), on record with its document id. Opt-in approval for
  // third parties already on file also allows it (64.2007(b)), but a denial
  // asks only for the written request.
  void NewCarrier() {
    Basis(k222c2);
    if (Flag(ContextFlag::kWrittenAuthorization) && !req_.context.written_request_document.empty()) {
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
    Block(kRsnNewCarrierMissing);
  }

  // Returns true when handled as an emergency (no policy overlays).
  bool Emergency() {
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

  void InboundTelemarketing() {
    // 222(d)(3): for the duration of a customer-initiated call, with the
    // customer's approval of the use on that call.
    Basis(k222d3);
    const RecipientKind k = req_.recipient.kind;
    if (k != RecipientKind::kCarrierItself && k != RecipientKind::kAgent) {
      ApprovalPath(CommMarketing(), 0);
      return;
    }
    if (!policy_.uses_without_approval.Has(Purpose::kInboundTelemarketing)) {
      CarveOut(kRsnInboundOk);  // dropped by the policy: approval path
      return;
    }
    const ApprovalScope scope = k == RecipientKind::kAgent
                                    ? ApprovalScope::kAgents
                                    : ApprovalScope::kOwnMarketingCommRelated;
    const bool on_call = Flag(ContextFlag::kCustomerInitiatedCall);
    const bool approved = Flag(ContextFlag::kApprovalOnCall) ||
                          facts_.approval.OneTimeCovers(call_, req_.at, scope);
    if (on_call && approved) {
      Allow(kRsnInboundOk);
      return;
    }
    // Outside 222(d)(3), a standing approval under 64.2007(b) still serves.
    if (HasApproval(CommMarketing())) {
      ApprovalPath(CommMarketing(), 0);
      return;
    }
    if (!on_call) Need(RequirementKind::kCustomerInitiatedCall);
    if (!approved) Need(RequirementKind::kApprovalOnCall);
    Block(kRsnInboundMissing);
  }

  void SameCategory() {
    // 64.2005(a): offerings among the categories the customer already buys.
    Basis(k2005a);
    ServiceCategory target;
    const bool is_category = OfferingCategory(req_.offering, req_.service_category, &target);
    const bool comm = CommMarketing();
    if (!is_category || !facts_.services.Has(target) ||
        !facts_.services.Has(req_.service_category)) {
      // 64.2005(b): outside the customer's categories, approval is needed.
      Basis(k2005b);
      ApprovalPath(comm, 0);
      return;
    }
    switch (req_.recipient.kind) {
      case RecipientKind::kCarrierItself:
      case RecipientKind::kAgent:
        CarveOut(kRsnSameCategoryOk);
        return;
      case RecipientKind::kAffiliate:
        if (CategoriesOfServiceCount(facts_.services) >= 2) {
          // 64.2005(a)(1): shared among affiliates that serve the customer.
          Basis(k2005a1);
          if (Flag(ContextFlag::kRecipientServesCustomer)) {
            CarveOut(kRsnAffiliateOk);
            return;
          }
          // Either the affiliate serves the customer, or approval.
          Need(RequirementKind::kRecipientServesCustomer, 1);
          ApprovalPath(comm, 1);
          return;
        }
        // 64.2005(a)(2): one category: affiliates only with approval.
        Basis(k2005a2);
        ApprovalPath(comm, 0);
        return;
      default:
        ApprovalPath(comm, 0);
        return;
    }
  }

  void CpeInfoServices() {
    // 64.2005(b)(1): CPE and information services exceptions.
    Basis(k2005b);
    Basis(k2005b1);
    const RecipientKind k = req_.recipient.kind;
    const bool recipient_ok = k == RecipientKind::kCarrierItself || k == RecipientKind::kAgent ||
                              k == RecipientKind::kAffiliate;
    if (recipient_ok && CpeInfoException(req_.service_category, req_.offering)) {
      CarveOut(kRsnCpeInfoOk);
      return;
    }
    ApprovalPath(CommMarketing(), 0);
  }

  void Adjunct() {
    // 64.2005(c)(3): LECs, CMRS and interconnected VoIP providers may USE
    // CPNI to market services formerly known as adjunct-to-basic.
    Basis(k2005c3);
    const ServiceCategory s = req_.service_category;
    const bool provider_ok = s == ServiceCategory::kLocal || s == ServiceCategory::kCmrs ||
                             s == ServiceCategory::kInterconnectedVoip;
    if (provider_ok && req_.action == Action::kUse &&
        (req_.offering == Offering::kUnspecified || req_.offering == Offering::kAdjunctToBasic)) {
      CarveOut(kRsnAdjunctOk);
      return;
    }
    ApprovalPath(CommMarketing(), 0);
  }

  // 64.2010: the customer's own CPNI to the customer.
  void CustomerAccess() {
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

  // The carrier policy's conditions on who receives CPNI.
  void RecipientOverlays() {
    const RecipientKind k = req_.recipient.kind;
    const bool written = Flag(ContextFlag::kWrittenAuthorization);
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
      if (policy_.jv_contractor_requires_confidentiality_agreement &&
          !Flag(ContextFlag::kConfidentialityAgreement)) {
        Basis(kPolJvAgreement);
        Need(RequirementKind::kConfidentialityAgreement);
        Block(kRsnPolJvAgreement);
      }
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
    if (policy_.agent_requires_limited_use_certification && k == RecipientKind::kAgent &&
        !Flag(ContextFlag::kLimitedUseCertified)) {
      Basis(kPolAgent);
      Need(RequirementKind::kLimitedUseCertification);
      Block(kRsnPolAgent);
    }
  }

  const DecisionRequest& req_;
  const CustomerFacts& facts_;
  const Purpose purpose_;  // the legal category the rules apply to (LegalCategory)
  const Policy& policy_;
  const uint64_t call_;
  const int renewal_months_;  // 64.2008(d)(2), or the policy's shorter period
  Decision d_;
  bool blocked_ = false;
  bool former_opt_in_ = false;  // a former customer: only opt-in counts
  std::string_view allow_reason_;
  std::string_view block_reason_;
};

Status Bad(std::string_view field, const std::string& why) {
  return Status::InvalidArgument(std::string(field) + ": " + why, std::string(field));
}

}  // namespace

std::string_view RequirementKindName(RequirementKind k) { return NameOf(kRequirementNames, k); }

Purpose LegalCategory(Purpose purpose, Offering offering, ServiceCategory source,
                      ServiceSet services) {
  if (!IsMarketingLabel(purpose) || static_cast<int>(offering) >= kOfferingCount) return purpose;
  switch (kOfferingClass[static_cast<size_t>(offering)]) {
    case OfferingClass::kNone:
      // Nothing named: the label stands; plain marketing is of the source's
      // own category (64.2005(a)).
      return purpose == Purpose::kMarketing ? Purpose::kMarketingSameCategory : purpose;
    case OfferingClass::kCategoryOfService: {
      // 64.2005(a): within the categories the customer already buys.
      ServiceCategory target = source;
      OfferingCategory(offering, source, &target);
      return services.Has(target) && services.Has(source) ? Purpose::kMarketingSameCategory
                                                          : Purpose::kMarketingOtherCategory;
    }
    case OfferingClass::kCpeOrInfo:
      // 64.2005(b)(1), else (b).
      return CpeInfoException(source, offering) ? Purpose::kMarketingCpeInfoServices
                                                : Purpose::kMarketingOtherCategory;
    case OfferingClass::kAdjunct:
      return Purpose::kMarketingAdjunctToBasic;  // 64.2005(c)(3)
    case OfferingClass::kOther:
      break;
  }
  return Purpose::kMarketingOtherCategory;  // 64.2005(b)
}

std::string LabelNote(const Decision& d) {
  if (!d.label_overridden) return {};
  return "The purpose label '" + std::string(PurposeName(d.label)) +
         "' does not fit the facts (the offering, the service the CPNI comes from and the "
         "customer's services on record, 47 CFR 64.2005); the facts decide, as '" +
         std::string(PurposeName(d.legal_category)) + "'.";
}

std::string ReasonText(const Decision& d) {
  std::string out(d.reason);
  auto fill = [&out](std::string_view key, const std::string& value) {
    const size_t at = out.find(key);
    if (at != std::string::npos) out.replace(at, key.size(), value);
  };
  if (out.find('{') == std::string::npos) return out;
  fill("{document}", std::string(d.written_request_document.data()));
  fill("{date}", d.opt_out_lapsed_on ? d.opt_out_lapsed_on->ToString() : "an earlier date");
  const int m = d.opt_out_renewal_months;
  fill("{period}", m <= 0 || m == 24 ? std::string("two years")
                   : m % 12 == 0    ? std::to_string(m / 12) + (m == 12 ? " year" : " years")
                                    : std::to_string(m) + (m == 1 ? " month" : " months"));
  return out;
}

Result<RequirementKind> ParseRequirementKind(std::string_view name, std::string_view field) {
  return ParseName<RequirementKind>(kRequirementNames, name, field, "requirement");
}

Status ValidateRequest(const DecisionRequest& r) {
  if (!r.customer.valid()) return Bad("customer", "the customer is required");
  if (static_cast<int>(r.action) >= kActionCount) return Bad("action", "unknown action");
  if (static_cast<int>(r.purpose) >= kPurposeCount) return Bad("purpose", "unknown purpose");
  if (static_cast<int>(r.recipient.kind) >= kRecipientKindCount) {
    return Bad("recipient.kind", "unknown recipient kind");
  }
  if (r.recipient.id < 0) return Bad("recipient.id", "must not be negative");
  if (static_cast<int>(r.offering) >= kOfferingCount) return Bad("offering", "unknown offering");
  if (static_cast<int>(r.context.channel) >= kAccessChannelCount) {
    return Bad("context.channel", "unknown channel");
  }
  if ((r.context.flags.bits() >> kContextFlagCount) != 0) {
    return Bad("context", "unknown context flag");
  }
  if ((r.cpni.bits() >> kCpniCategoryCount) != 0) return Bad("cpni", "unknown CPNI category");
  if (r.cpni.empty()) return Bad("cpni", "name at least one CPNI category");
  if (static_cast<int>(r.service_category) >= kServiceCategoryCount ||
      !IsCategoryOfService(r.service_category)) {
    return Bad("service_category",
               "CPNI comes from a telecommunications service: local, interexchange, cmrs or "
               "interconnected_voip");
  }
  if (r.at.micros() == 0) return Bad("at", "the instant of the use is required (RFC 3339)");
  if (r.action == Action::kUse && r.recipient.kind != RecipientKind::kCarrierItself) {
    return Bad("recipient.kind",
               "'use' is by the carrier itself; giving CPNI to another party is 'disclose' or "
               "'permit_access'");
  }
  if (r.action != Action::kUse && r.recipient.kind == RecipientKind::kCarrierItself) {
    return Bad("action", "the carrier itself 'use's CPNI; it does not disclose it to itself");
  }
  if (r.purpose == Purpose::kCustomerAccountAccess &&
      r.recipient.kind != RecipientKind::kCustomer) {
    return Bad("recipient.kind", "customer_account_access discloses CPNI to the customer");
  }
  if (r.recipient.kind == RecipientKind::kCustomer &&
      r.purpose != Purpose::kCustomerAccountAccess) {
    return Bad("purpose", "CPNI disclosed to the customer is customer_account_access");
  }
  if (r.purpose == Purpose::kCustomerAccountAccess && r.context.channel == AccessChannel::kNone) {
    return Bad("context.channel",
               "say how the CPNI reaches the customer: inbound_call, online, in_store, "
               "address_of_record or number_of_record");
  }
  const std::string& doc = r.context.written_request_document;
  if (doc.size() > kMaxDocumentId) {
    return Bad("context.written_request_document", "at most 64 bytes");
  }
  for (char ch : doc) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      return Bad("context.written_request_document", "a document id, printable characters only");
    }
  }
  const bool written = r.context.flags.Has(ContextFlag::kWrittenAuthorization);
  if (!doc.empty() && !written) {
    return Bad("context.written_authorization",
               "a written request's document id comes with written_authorization");
  }
  if (written && doc.empty() && r.recipient.kind == RecipientKind::kNewCarrier &&
      (r.purpose == Purpose::kProvideService || r.purpose == Purpose::kNecessaryServices)) {
    return Bad("context.written_request_document",
               "give the document id of the customer's affirmative written request on record "
               "that designates the new carrier (47 U.S.C. 222(c)(2))");
  }
  if (r.purpose == Purpose::kMarketingCpeInfoServices && r.offering == Offering::kUnspecified) {
    return Bad("offering", "name the CPE or information service being marketed");
  }
  return Status::Ok();
}

namespace internal {
Decision DecideUnchecked(const DecisionRequest& request, const CustomerFacts& facts,
                         const RuleSet& rules, const Policy& policy) {
  return Evaluator(request, facts, rules, policy).Run();
}
}  // namespace internal

Decision Decide(const DecisionRequest& request, const CustomerFacts& facts, const RuleSet& rules,
                const Policy& policy) {
  Decision d = Evaluator(request, facts, rules, policy).Run();
  if (d.allowed && &policy != &FloorPolicy()) {
    // Safety net: a policy never allows what the floor denies.
    Decision floor = Evaluator(request, facts, rules, FloorPolicy()).Run();
    if (!floor.allowed) {
      floor.policy_version = policy.version;
      return floor;
    }
  }
  return d;
}

}  // namespace proprio::rules
