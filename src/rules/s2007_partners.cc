// rules/s2007_partners.cc: partner kinds, the confidentiality agreement of
// 47 CFR 64.2007(b)(2) and the policy's limited-use certification.
#include "rules/s2007_partners.h"

#include <array>
#include <string>

#include "rules/internal/names.h"

namespace proprio::rules {
namespace {

constexpr std::array<std::string_view, kPartnerKindCount> kPartnerKindNames = {
    "affiliate", "agent", "joint_venturer", "independent_contractor", "dealer"};

Status Bad(std::string_view prefix, std::string_view field, const std::string& why) {
  const std::string name = std::string(prefix) + std::string(field);
  return Status::InvalidArgument(name + ": " + why, name);
}

}  // namespace

std::string_view PartnerKindName(PartnerKind k) { return internal::NameOf(kPartnerKindNames, k); }

Result<PartnerKind> ParsePartnerKind(std::string_view name, std::string_view field) {
  return internal::ParseName<PartnerKind>(kPartnerKindNames, name, field, "partner kind");
}

RecipientKind RecipientKindOfPartner(PartnerKind k) {
  switch (k) {
    case PartnerKind::kAffiliate: return RecipientKind::kAffiliate;
    case PartnerKind::kAgent:
    case PartnerKind::kDealer: return RecipientKind::kAgent;  // an outside sales agent
    case PartnerKind::kJointVenturer: return RecipientKind::kJointVenturer;
    case PartnerKind::kIndependentContractor: return RecipientKind::kIndependentContractor;
  }
  return RecipientKind::kThirdParty;
}

bool NeedsConfidentialityAgreement(PartnerKind k) {
  return k == PartnerKind::kJointVenturer || k == PartnerKind::kIndependentContractor;
}

bool MayNeedLimitedUseCertification(PartnerKind k) {
  return k == PartnerKind::kAgent || k == PartnerKind::kDealer;
}

// 64.2007(b)(2): the agreement's dates in order and its three terms.
Status CheckConfidentialityAgreement(const ConfidentialityAgreement& a, std::string_view prefix) {
  if (!a.effective_on.Valid()) {
    return Bad(prefix, "effective_on", "the date the agreement takes effect is required (YYYY-MM-DD)");
  }
  if (a.expires_on && !a.expires_on->Valid()) return Bad(prefix, "expires_on", "not a date");
  if (a.expires_on && *a.expires_on < a.effective_on) {
    return Bad(prefix, "expires_on",
               "the agreement expires (" + a.expires_on->ToString() + ") before it takes effect (" +
                   a.effective_on.ToString() + ")");
  }
  // 64.2007(b)(2)(i)-(iii): each term present in the signed agreement.
  if (!a.use_only_for_purpose) {
    return Bad(prefix, "terms.use_only_for_purpose",
               "the agreement must require use of CPNI only for the purpose it was provided for "
               "(47 CFR 64.2007(b)(2)(i))");
  }
  if (!a.no_further_disclosure) {
    return Bad(prefix, "terms.no_further_disclosure",
               "the agreement must forbid using, disclosing or allowing access to the CPNI for "
               "any other party unless the law requires it (47 CFR 64.2007(b)(2)(ii))");
  }
  if (!a.safeguards) {
    return Bad(prefix, "terms.safeguards",
               "the agreement must require appropriate protections for the CPNI's ongoing "
               "confidentiality (47 CFR 64.2007(b)(2)(iii))");
  }
  return Status::Ok();
}

Status CheckLimitedUseCertification(const LimitedUseCertification& c, std::string_view prefix) {
  if (!c.signed_on.Valid()) {
    return Bad(prefix, "signed_on", "the date the certification was signed is required (YYYY-MM-DD)");
  }
  if (c.expires_on && !c.expires_on->Valid()) return Bad(prefix, "expires_on", "not a date");
  if (c.expires_on && *c.expires_on < c.signed_on) {
    return Bad(prefix, "expires_on",
               "the certification expires (" + c.expires_on->ToString() + ") before it was signed (" +
                   c.signed_on.ToString() + ")");
  }
  return Status::Ok();
}

bool AgreementInForce(const ConfidentialityAgreement& a, CivilDate day) {
  return a.on_record && a.use_only_for_purpose && a.no_further_disclosure && a.safeguards &&
         a.effective_on.Valid() && a.effective_on <= day && (!a.expires_on || day <= *a.expires_on);
}

bool CertificationInForce(const LimitedUseCertification& c, CivilDate day) {
  return c.on_record && c.signed_on.Valid() && c.signed_on <= day &&
         (!c.expires_on || day <= *c.expires_on);
}

}  // namespace proprio::rules
