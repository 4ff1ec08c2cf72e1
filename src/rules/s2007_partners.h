// rules/s2007_partners.h: the parties a carrier discloses CPNI to or lets
// reach it (47 CFR 64.2007(b)), what each must have signed, and the facts
// about one of them that decide() weighs (rules/decide.h RecipientFacts).
//
// What the rule asks (REGULATIONS.md, "Approval"): a carrier may, with
// opt-out or opt-in approval, disclose CPNI for marketing communications-
// related services to its agents and to affiliates providing such services;
// joint venture partners and independent contractors receive it only with
// opt-in approval and under a confidentiality agreement that
// 64.2007(b)(2) describes: it (i) requires the partner to use the CPNI only
// for the purpose it was provided for, (ii) forbids it to use, disclose or
// allow access to the CPNI for anyone else unless the law compels it, and
// (iii) requires it to keep appropriate protections in place (safeguards).
// Each of the three is an attested term of the recorded agreement: an
// agreement lacking one does not satisfy the rule and is refused on entry.
// (The paragraph's text is from the 2002 Third Report and Order; confirm the
// numbering against the eCFR before citing it in a filing.)
//
// The carrier's policy may add: dealers and agents certify in writing that
// they use CPNI only for the purpose it was provided for (the seed's clause
// 4: [disclosure] agent_requires_limited_use_certification and
// dealer_requires_limited_use_certification).
//
// Partner kinds and the decision vocabulary: a dealer is an outside sales
// agent, so a decision names it with recipient kind "agent"; the others map
// one to one (RecipientKindOfPartner).
//
// Dates are the carrier's calendar dates: an agreement is in force from its
// effective date through its expiry date (inclusive); no expiry date means
// until terminated. A certification is in force from the day signed, through
// its expiry date when it has one.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "rules/vocabulary.h"

namespace proprio::rules {

inline constexpr std::string_view kPartnerCitation = "47 CFR 64.2007(b)";
inline constexpr std::string_view kConfidentialityAgreementCitation = "47 CFR 64.2007(b)(2)";

enum class PartnerKind : uint8_t {
  kAffiliate = 0,
  kAgent,
  kJointVenturer,
  kIndependentContractor,
  kDealer,
};
inline constexpr int kPartnerKindCount = 5;

std::string_view PartnerKindName(PartnerKind k);  // "affiliate", ..., "dealer"
Result<PartnerKind> ParsePartnerKind(std::string_view name, std::string_view field = "kind");

// The recipient kind a decision names this partner with.
RecipientKind RecipientKindOfPartner(PartnerKind k);

// Joint venturers and independent contractors: 64.2007(b)(2) asks for a
// confidentiality agreement.
bool NeedsConfidentialityAgreement(PartnerKind k);
// Agents and dealers: a limited-use certification when the policy asks.
bool MayNeedLimitedUseCertification(PartnerKind k);

// The confidentiality agreement of 64.2007(b)(2), as recorded.
struct ConfidentialityAgreement {
  bool on_record = false;
  CivilDate effective_on;
  std::optional<CivilDate> expires_on;  // inclusive; none: until terminated
  // The three terms (i)-(iii), each attested as present in the signed text.
  bool use_only_for_purpose = false;
  bool no_further_disclosure = false;
  bool safeguards = false;
  friend bool operator==(const ConfidentialityAgreement&, const ConfidentialityAgreement&) = default;
};

// A dealer's or agent's signed certification of limited use (carrier policy).
struct LimitedUseCertification {
  bool on_record = false;
  CivilDate signed_on;
  std::optional<CivilDate> expires_on;  // inclusive; none: until withdrawn
  friend bool operator==(const LimitedUseCertification&, const LimitedUseCertification&) = default;
};

// OK, or InvalidArgument naming the first bad field, `prefix` put before it:
// "effective_on" (missing or invalid), "expires_on" (before effective_on),
// "terms.use_only_for_purpose", "terms.no_further_disclosure",
// "terms.safeguards" (a term not attested: 64.2007(b)(2)(i)-(iii)).
Status CheckConfidentialityAgreement(const ConfidentialityAgreement& a,
                                     std::string_view prefix = "agreement.");
// "signed_on" (missing or invalid), "expires_on" (before signed_on).
Status CheckLimitedUseCertification(const LimitedUseCertification& c,
                                    std::string_view prefix = "certification.");

// In force on `day` (the carrier's local date of the use).
bool AgreementInForce(const ConfidentialityAgreement& a, CivilDate day);
bool CertificationInForce(const LimitedUseCertification& c, CivilDate day);

}  // namespace proprio::rules
