// rules/internal/decide_internal.h: what the decide*.cc files share: the
// citations, the reasons more than one of them gives, and the Evaluator that
// walks one request. Private to src/rules/decide*.cc; the public interface is
// rules/decide.h.
//
//   decide.cc             entry points, validation, dispatch by legal category,
//                         former customers (64.2003(f)), the result
//   decide_marketing.cc   64.2005 total service approach, its exceptions and
//                         carve-outs; 222(d)(3) inbound telemarketing
//   decide_approval.cc    64.2007(b) approval needed, 64.2008 opt-in, opt-out,
//                         one-time approval
//   decide_disclosure.cc  disclosure to a new carrier (222(c)(2)), emergencies
//                         (222(d)(4)), the policy's conditions on recipients
//   decide_access.cc      64.2010 the customer's own access to CPNI
//   decide_partners.cc    64.2007(b) the partner a request names: on the
//                         registry, of that kind, its 64.2007(b)(2)
//                         agreement or the policy's certification in force
//
// The Evaluator's small helpers stay inline here: decide() is on the hot path.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "rules/decide.h"

namespace proprio::rules::decide_internal {

// ---- citations ----
inline constexpr std::string_view k222c1 = "47 U.S.C. 222(c)(1)";
inline constexpr std::string_view k222c2 = "47 U.S.C. 222(c)(2)";
inline constexpr std::string_view k222d1 = "47 U.S.C. 222(d)(1)";
inline constexpr std::string_view k222d2 = "47 U.S.C. 222(d)(2)";
inline constexpr std::string_view k222d3 = "47 U.S.C. 222(d)(3)";
inline constexpr std::string_view k222d4 = "47 U.S.C. 222(d)(4)";
inline constexpr std::string_view k2005a = "47 CFR 64.2005(a)";
inline constexpr std::string_view k2005a1 = "47 CFR 64.2005(a)(1)";
inline constexpr std::string_view k2005a2 = "47 CFR 64.2005(a)(2)";
inline constexpr std::string_view k2005b = "47 CFR 64.2005(b)";
inline constexpr std::string_view k2005b1 = "47 CFR 64.2005(b)(1)";
inline constexpr std::string_view k2005b2 = "47 CFR 64.2005(b)(2)";
inline constexpr std::string_view k2005c1 = "47 CFR 64.2005(c)(1)";
inline constexpr std::string_view k2005c2 = "47 CFR 64.2005(c)(2)";
inline constexpr std::string_view k2005c3 = "47 CFR 64.2005(c)(3)";
inline constexpr std::string_view k2005d = "47 CFR 64.2005(d)";
inline constexpr std::string_view k2007a2 = "47 CFR 64.2007(a)(2)";
inline constexpr std::string_view k2007b = "47 CFR 64.2007(b)";
inline constexpr std::string_view k2007b2 = "47 CFR 64.2007(b)(2)";
// 64.2003(f): a customer is one to whom the carrier is CURRENTLY providing
// service.
inline constexpr std::string_view k2003f = "47 CFR 64.2003(f)";
inline constexpr std::string_view k2008d1 = "47 CFR 64.2008(d)(1)";
inline constexpr std::string_view k2008d2 = "47 CFR 64.2008(d)(2)";
inline constexpr std::string_view k2008f = "47 CFR 64.2008(f)";
inline constexpr std::string_view k2010a = "47 CFR 64.2010(a)";
inline constexpr std::string_view k2010b = "47 CFR 64.2010(b)";
inline constexpr std::string_view k2010c = "47 CFR 64.2010(c)";
inline constexpr std::string_view k2010d = "47 CFR 64.2010(d)";
inline constexpr std::string_view k2010g = "47 CFR 64.2010(g)";
inline constexpr std::string_view kPolOptInOnly = "carrier policy: [approval] mode = \"opt_in_only\"";
inline constexpr std::string_view kPolCarveOut = "carrier policy: [uses_without_approval] purposes";
inline constexpr std::string_view kPolNoThirdParty =
    "carrier policy: [disclosure] third_parties = \"never\"";
inline constexpr std::string_view kPolNewCarrier =
    "carrier policy: [disclosure] new_carrier_requires_written_authorization";
inline constexpr std::string_view kPolJvAgreement =
    "carrier policy: [disclosure] jv_contractor_requires_confidentiality_agreement";
inline constexpr std::string_view kPolJvOptIn =
    "carrier policy: [disclosure] jv_contractor_requires_opt_in";
inline constexpr std::string_view kPolAgent =
    "carrier policy: [disclosure] agent_requires_limited_use_certification";
inline constexpr std::string_view kPolDealer =
    "carrier policy: [disclosure] dealer_requires_limited_use_certification";
inline constexpr std::string_view kPolPhonePassword =
    "carrier policy: [authentication] phone_requires_password_for_all_cpni";
inline constexpr std::string_view kPolNoBusinessAlt =
    "carrier policy: [authentication] business_customer_alternative_authentication = false";
inline constexpr std::string_view kRsnMalformed =
    "Denied: the request is incomplete or inconsistent; check it with ValidateRequest.";
inline constexpr std::string_view kRsnOptInOk = "Allowed: the customer has given opt-in approval.";

inline bool IsJvOrContractor(RecipientKind k) {
  return k == RecipientKind::kJointVenturer || k == RecipientKind::kIndependentContractor;
}

// Recipients acting for the carrier in providing its service.
inline bool ActsForCarrier(RecipientKind k) {
  return k == RecipientKind::kCarrierItself || k == RecipientKind::kAgent ||
         k == RecipientKind::kAffiliate || IsJvOrContractor(k);
}

inline bool IsMarketing(Purpose p) {
  return p == Purpose::kMarketing || p == Purpose::kMarketingSameCategory ||
         p == Purpose::kMarketingOtherCategory || p == Purpose::kMarketingCpeInfoServices ||
         p == Purpose::kMarketingAdjunctToBasic || p == Purpose::kInboundTelemarketing;
}

// What kind of thing an offering is, for LegalCategory: computed once, at
// compile time, so deriving the category costs a table load and a few tests.
enum class OfferingClass : uint8_t { kNone, kCategoryOfService, kCpeOrInfo, kAdjunct, kOther };
inline constexpr std::array<OfferingClass, kOfferingCount> kOfferingClass = [] {
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

  Decision Run();

 private:
  bool Flag(ContextFlag f) const { return req_.context.flags.Has(f); }
  // The written authorization the request names is on record (evidence).
  bool WrittenAuthorizationOnRecord() const {
    return Flag(ContextFlag::kWrittenAuthorization) &&
           !req_.context.written_request_document.empty() &&
           facts_.written_authorization_on_record;
  }

  // decide.cc
  bool FormerCustomer();
  Decision Finish();
  // decide_marketing.cc
  void CarveOut(std::string_view reason);
  void InboundTelemarketing();
  void SameCategory();
  void CpeInfoServices();
  void Adjunct();
  // decide_approval.cc
  struct Needed {
    ApprovalScope scope;
    bool opt_out_ok;
    bool opt_in_only_by_policy;  // the floor would take opt-out; the policy does not
  };
  Needed ApprovalNeeded(bool comm_marketing) const;
  bool HasApproval(bool comm_marketing) const;
  void ApprovalPath(bool comm_marketing, uint8_t group);
  // decide_disclosure.cc
  void NewCarrier();
  bool Emergency();  // true when handled as an emergency (no policy overlays)
  void RecipientOverlays();
  // decide_partners.cc
  void PartnerCheck();
  // decide_access.cc
  void CustomerAccess();

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

  // Marketing of communications-related services (64.2007(b)).
  bool CommMarketing() const {
    return IsMarketing(purpose_) && req_.offering != Offering::kNonCommunications;
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

}  // namespace proprio::rules::decide_internal
