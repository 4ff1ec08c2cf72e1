// services/partners.h: the carrier's partner registry (47 CFR 64.2007(b)):
// affiliates, agents, joint venturers, independent contractors and dealers,
// with the confidentiality agreement 64.2007(b)(2) asks of joint venturers
// and independent contractors and the limited-use certification the
// carrier's policy may ask of agents and dealers; and the customers' express
// written authorizations to give CPNI to a new carrier (47 U.S.C. 222(c)(2),
// the seed policy's clause 5), recorded as evidence.
//
// Every change is one ledger entry with who and what ("partner.added",
// "partner.updated", "new_carrier_authorization.recorded"); a refused change
// writes nothing. The rules of an agreement and of the decision are
// rules/s2007_partners.h and rules/decide_partners.cc; DecisionService reads
// the facts here (RecipientFactsOf) for every request naming a recipient id.
//
//   PartnerChange in;
//   in.name = "Acme Installations"; in.kind = "independent_contractor";
//   in.agreement = AgreementInput{"NDA-2024-7", {2024, 1, 1}, std::nullopt,
//                                 {"use_only_for_purpose", "no_further_disclosure",
//                                  "safeguards"}};
//   ASSIGN_OR_RETURN(store::PartnerRow p, AddPartner(store, carrier, in, actor));
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "rules/decide.h"
#include "rules/s2007_partners.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

// The attested terms of a 64.2007(b)(2) agreement, by name.
inline constexpr const char* kAgreementTerms[] = {"use_only_for_purpose", "no_further_disclosure",
                                                  "safeguards"};
inline constexpr size_t kMaxPartnerDocument = 200;

struct AgreementInput {
  std::string document;  // the signed agreement's reference, required
  CivilDate effective_on;
  std::optional<CivilDate> expires_on;
  std::vector<std::string> terms;  // names of kAgreementTerms attested present
};

struct CertificationInput {
  std::string document;  // the signed certification's reference, required
  CivilDate signed_on;
  std::optional<CivilDate> expires_on;
};

// What to set; for AddPartner `name` and `kind` are required.
struct PartnerChange {
  std::optional<std::string> name;
  std::optional<std::string> kind;  // rules::PartnerKind name
  std::optional<std::string> contact;
  std::optional<AgreementInput> agreement;          // joint venturers, contractors only
  std::optional<CertificationInput> certification;  // agents, dealers only
};

// InvalidArgument naming the field ("name", "kind", "agreement.expires_on",
// "agreement.terms.safeguards", "certification.signed_on" ...),
// FailedPrecondition naming "agreement"/"certification" for a kind that does
// not sign one, AlreadyExists naming "name"; nothing written on error.
Result<store::PartnerRow> AddPartner(store::Store& store, CarrierId carrier,
                                     const PartnerChange& in, const Actor& actor);
// As AddPartner; NotFound naming "partner" for another carrier's or an
// unknown id; `if_match` (0: not checked) is the ledger_seq the caller read
// (the HTTP ETag): Aborted naming "If-Match" when it changed since.
Result<store::PartnerRow> UpdatePartner(store::Store& store, CarrierId carrier, int64_t id,
                                        const PartnerChange& in, int64_t if_match,
                                        const Actor& actor);
Result<store::PartnerRow> GetPartner(store::Store& store, CarrierId carrier, int64_t id);
// By id, from the one after `after`; `kind` "" = all (else a kind name).
Result<store::Page<store::PartnerRow>> ListPartners(store::Store& store, CarrierId carrier,
                                                    const std::string& kind, int64_t after,
                                                    int limit);

// The customer's express written authorization naming the new carrier,
// recorded as evidence: decisions to a new carrier that give this document
// id are allowed from now on (rules/decide.h written_authorization_on_record).
// InvalidArgument naming "document", "new_carrier" or "signed_on" (a future
// date); NotFound naming "customer"; AlreadyExists naming "document".
Result<store::NewCarrierAuthorizationRow> RecordNewCarrierAuthorization(
    store::Store& store, CarrierId carrier, CustomerId customer, const std::string& new_carrier,
    const std::string& document, CivilDate signed_on, const Actor& actor);

// The registry's facts about partner row `p` on the carrier's local date `today`.
rules::RecipientFacts RecipientFactsOf(const store::PartnerRow& p, CivilDate today);

// Fills facts->recipient (when request.recipient.id > 0) and
// facts->written_authorization_on_record from the store, for `request` at its
// instant. `today` is the request's instant as the carrier's local date.
Status FillRegistryFacts(store::Tx& tx, CarrierId carrier, const rules::DecisionRequest& request,
                         CivilDate today, rules::CustomerFacts* facts);
// Whether a request needs FillRegistryFacts (a recipient id, or a written
// authorization's document named).
bool NeedsRegistryFacts(const rules::DecisionRequest& request);

nlohmann::json PartnerToJson(const store::PartnerRow& p);
nlohmann::json NewCarrierAuthorizationToJson(const store::NewCarrierAuthorizationRow& a);

}  // namespace proprio::services
