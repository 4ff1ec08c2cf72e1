// rules/decide_partners.cc: the partner a request names (47 CFR 64.2007(b)):
// a recipient id is a partner on the carrier's registry, of the kind the
// request says; joint venturers and independent contractors have the
// confidentiality agreement of 64.2007(b)(2) in force on the day of the use;
// agents and dealers have signed the limited-use certification the carrier's
// policy asks for. The facts come from the registry (RecipientFacts), never
// from a flag of the request.
#include "rules/decide.h"
#include "rules/internal/decide_internal.h"

namespace proprio::rules {
namespace decide_internal {

namespace {

constexpr std::string_view kRsnUnknownPartner =
    "Denied: the recipient id is not a partner on the carrier's registry (47 CFR 64.2007(b)): "
    "register the partner and its agreements first.";
constexpr std::string_view kRsnPartnerKind =
    "Denied: the recipient id is registered as a partner of another kind than the request "
    "names (47 CFR 64.2007(b)).";
constexpr std::string_view kRsnJvUnnamed =
    "Denied: CPNI goes to a joint venturer or independent contractor only under a "
    "confidentiality agreement on record (47 CFR 64.2007(b)(2)): name the partner with "
    "recipient.id.";
constexpr std::string_view kRsnAgreementMissing =
    "Denied: the joint venturer or independent contractor has no confidentiality agreement on "
    "record (47 CFR 64.2007(b)(2)).";
constexpr std::string_view kRsnAgreementTerms =
    "Denied: the partner's confidentiality agreement on record lacks a term 47 CFR 64.2007(b)(2) "
    "requires (use only for the purpose provided, no further disclosure, safeguards).";
constexpr std::string_view kRsnAgreementNotYet =
    "Denied: the partner's confidentiality agreement is not yet in effect on the day of the "
    "use (47 CFR 64.2007(b)(2)).";
constexpr std::string_view kRsnAgreementExpired =
    "Denied: the partner's confidentiality agreement expired before the day of the use (47 CFR "
    "64.2007(b)(2)).";
constexpr std::string_view kRsnCertUnnamed =
    "Denied: the carrier's policy needs the agent's or dealer's signed certification that it "
    "uses CPNI only for the purpose provided: name the partner with recipient.id.";
constexpr std::string_view kRsnCertMissing =
    "Denied: the carrier's policy needs the agent's or dealer's signed certification that it "
    "uses CPNI only for the purpose provided; none is in force on the day of the use.";

}  // namespace

void Evaluator::PartnerCheck() {
  const RecipientKind k = req_.recipient.kind;
  const bool partner_kind = k == RecipientKind::kAffiliate || k == RecipientKind::kAgent ||
                            IsJvOrContractor(k);
  if (!partner_kind) return;
  const RecipientFacts& p = facts_.recipient;
  const bool named = req_.recipient.id > 0;
  if (named) {
    // 64.2007(b): who receives CPNI decides what it needs; a party the
    // registry does not know, or knows as something else, gets nothing.
    if (!p.on_record) {
      Basis(k2007b);
      Need(RequirementKind::kPartnerOnRecord);
      Block(kRsnUnknownPartner);
      return;
    }
    if (RecipientKindOfPartner(p.kind) != k) {
      Basis(k2007b);
      Need(RequirementKind::kPartnerOnRecord);
      Block(kRsnPartnerKind);
      return;
    }
  }
  if (IsJvOrContractor(k)) {
    // 64.2007(b)(2): the confidentiality agreement, in force on the day.
    const bool in_force = named && AgreementInForce(p.agreement, p.today);
    if (!in_force) {
      Basis(k2007b2);
      if (policy_.jv_contractor_requires_confidentiality_agreement) Basis(kPolJvAgreement);
      Need(RequirementKind::kConfidentialityAgreement);
      if (!named) {
        Block(kRsnJvUnnamed);
      } else if (!p.agreement.on_record) {
        Block(kRsnAgreementMissing);
      } else if (!p.agreement.use_only_for_purpose || !p.agreement.no_further_disclosure ||
                 !p.agreement.safeguards) {
        Block(kRsnAgreementTerms);
      } else if (p.today < p.agreement.effective_on) {
        Block(kRsnAgreementNotYet);
      } else {
        Block(kRsnAgreementExpired);
      }
    }
    return;
  }
  if (k == RecipientKind::kAgent) {
    // Carrier policy (the seed's clause 4): agents and dealers certify limited use.
    const bool dealer = named && p.kind == PartnerKind::kDealer;
    const bool asked = dealer ? policy_.dealer_requires_limited_use_certification
                              : policy_.agent_requires_limited_use_certification;
    if (!asked) return;
    if (named && CertificationInForce(p.certification, p.today)) return;
    Basis(dealer ? kPolDealer : kPolAgent);
    Need(RequirementKind::kLimitedUseCertification);
    Block(named ? kRsnCertMissing : kRsnCertUnnamed);
  }
}

}  // namespace decide_internal
}  // namespace proprio::rules
