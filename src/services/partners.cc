#include "services/partners.h"

#include <algorithm>

#include "core/text.h"
#include "services/policies.h"

namespace proprio::services {

using nlohmann::json;

namespace {

constexpr size_t kMaxContact = 400;

Status Bad(const std::string& field, const std::string& why) {
  return Status::InvalidArgument(field + ": " + why, field);
}

Status CheckDocument(const std::string& value, const std::string& field) {
  if (value.empty()) return Bad(field, "the signed document's reference is required");
  if (value.size() > kMaxPartnerDocument) {
    return Bad(field, "at most " + std::to_string(kMaxPartnerDocument) + " bytes");
  }
  for (char ch : value) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      return Bad(field, "printable characters only");
    }
  }
  return Status::Ok();
}

std::string Subject(int64_t id) { return "partner:" + std::to_string(id); }

std::string DateText(const std::optional<CivilDate>& d) { return d ? d->ToString() : ""; }

std::optional<CivilDate> DateOf(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto d = CivilDate::Parse(text);
  if (!d.ok()) return std::nullopt;
  return *d;
}

// The agreement as the rules see it, from its input (terms by name); an
// unknown term names "agreement.terms[i]".
Result<rules::ConfidentialityAgreement> AgreementOf(const AgreementInput& in) {
  rules::ConfidentialityAgreement a;
  a.on_record = true;
  a.effective_on = in.effective_on;
  a.expires_on = in.expires_on;
  for (size_t i = 0; i < in.terms.size(); ++i) {
    const std::string& t = in.terms[i];
    if (t == kAgreementTerms[0]) {
      a.use_only_for_purpose = true;
    } else if (t == kAgreementTerms[1]) {
      a.no_further_disclosure = true;
    } else if (t == kAgreementTerms[2]) {
      a.safeguards = true;
    } else {
      return Bad("agreement.terms[" + std::to_string(i) + "]",
                 "unknown term '" + t.substr(0, 64) +
                     "' (known: use_only_for_purpose, no_further_disclosure, safeguards)");
    }
  }
  return a;
}

// Checks `in` against the partner it would produce and applies it to `row`;
// the body of the ledger entry says what changed.
Status Apply(const PartnerChange& in, store::PartnerRow& row, json& body) {
  if (in.name) {
    if (in.name->empty()) return Bad("name", "the partner's name is required");
    if (in.name->size() > kMaxNameBytes) {
      return Bad("name", "at most " + std::to_string(kMaxNameBytes) + " bytes");
    }
    row.name = *in.name;
    body["name"] = row.name;
  }
  if (in.kind) {
    ASSIGN_OR_RETURN(rules::PartnerKind k, rules::ParsePartnerKind(*in.kind, "kind"));
    row.kind = std::string(rules::PartnerKindName(k));
    body["kind"] = row.kind;
  }
  if (in.contact) {
    if (in.contact->size() > kMaxContact) {
      return Bad("contact", "at most " + std::to_string(kMaxContact) + " bytes");
    }
    row.contact = *in.contact;
    body["contact"] = row.contact;
  }
  ASSIGN_OR_RETURN(rules::PartnerKind kind, rules::ParsePartnerKind(row.kind, "kind"));
  if (in.agreement) {
    if (!rules::NeedsConfidentialityAgreement(kind)) {
      return Status(StatusCode::kFailedPrecondition,
                    "agreement: a " + row.kind +
                        " signs no 64.2007(b)(2) confidentiality agreement; only joint venturers "
                        "and independent contractors do",
                    "agreement");
    }
    RETURN_IF_ERROR(CheckDocument(in.agreement->document, "agreement.document"));
    ASSIGN_OR_RETURN(rules::ConfidentialityAgreement a, AgreementOf(*in.agreement));
    RETURN_IF_ERROR(rules::CheckConfidentialityAgreement(a, "agreement."));
    row.agreement_document = in.agreement->document;
    row.agreement_effective_on = a.effective_on.ToString();
    row.agreement_expires_on = DateText(a.expires_on);
    row.agreement_terms = std::string(kAgreementTerms[0]) + "," + kAgreementTerms[1] + "," +
                          kAgreementTerms[2];
    body["agreement"] = {{"document", row.agreement_document},
                         {"effective_on", row.agreement_effective_on},
                         {"expires_on", a.expires_on ? json(row.agreement_expires_on) : json()},
                         {"terms", SplitList(row.agreement_terms, ',')},
                         {"citation", rules::kConfidentialityAgreementCitation}};
  }
  if (in.certification) {
    if (!rules::MayNeedLimitedUseCertification(kind)) {
      return Status(StatusCode::kFailedPrecondition,
                    "certification: a " + row.kind +
                        " signs no limited-use certification; agents and dealers do",
                    "certification");
    }
    RETURN_IF_ERROR(CheckDocument(in.certification->document, "certification.document"));
    const rules::LimitedUseCertification c{true, in.certification->signed_on,
                                           in.certification->expires_on};
    RETURN_IF_ERROR(rules::CheckLimitedUseCertification(c, "certification."));
    row.certification_document = in.certification->document;
    row.certification_signed_on = c.signed_on.ToString();
    row.certification_expires_on = DateText(c.expires_on);
    body["certification"] = {{"document", row.certification_document},
                             {"signed_on", row.certification_signed_on},
                             {"expires_on", c.expires_on ? json(row.certification_expires_on)
                                                         : json()},
                             {"citation", kind == rules::PartnerKind::kDealer
                                              ? "carrier policy: [disclosure] "
                                                "dealer_requires_limited_use_certification"
                                              : "carrier policy: [disclosure] "
                                                "agent_requires_limited_use_certification"}};
  }
  return Status::Ok();
}

}  // namespace

Result<store::PartnerRow> AddPartner(store::Store& store, CarrierId carrier,
                                     const PartnerChange& in, const Actor& actor) {
  if (!in.name) return Bad("name", "the partner's name is required");
  if (!in.kind) {
    return Bad("kind", "affiliate, agent, joint_venturer, independent_contractor or dealer");
  }
  store::PartnerRow row;
  row.carrier = carrier;
  json body = json::object();
  RETURN_IF_ERROR(Apply(in, row, body));
  row.created_at = row.updated_at = actor.now;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(row.id, tx.InsertPartner(row));
    body["id"] = row.id;
    body["citation"] = rules::kPartnerCitation;
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "partner.added", Subject(row.id), body)));
    row.ledger_seq = appended.seq;
    return tx.UpdatePartner(row);
  }));
  return row;
}

Result<store::PartnerRow> UpdatePartner(store::Store& store, CarrierId carrier, int64_t id,
                                        const PartnerChange& in, int64_t if_match,
                                        const Actor& actor) {
  if (!in.name && !in.kind && !in.contact && !in.agreement && !in.certification) {
    return Status::InvalidArgument(
        "nothing to change: give name, kind, contact, agreement or certification", "body");
  }
  store::PartnerRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetPartner(carrier, id));
    if (if_match != 0 && if_match != row.ledger_seq) {
      return Status(StatusCode::kAborted,
                    "partner " + std::to_string(id) + " changed since it was read (version " +
                        std::to_string(row.ledger_seq) + ")",
                    "If-Match");
    }
    json body = json::object();
    RETURN_IF_ERROR(Apply(in, row, body));
    row.updated_at = actor.now;
    body["id"] = row.id;
    body["citation"] = in.agreement ? rules::kConfidentialityAgreementCitation
                                    : rules::kPartnerCitation;
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "partner.updated", Subject(row.id), body)));
    row.ledger_seq = appended.seq;
    return tx.UpdatePartner(row);
  }));
  return row;
}

Result<store::PartnerRow> GetPartner(store::Store& store, CarrierId carrier, int64_t id) {
  store::PartnerRow row;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetPartner(carrier, id));
    return Status::Ok();
  }));
  return row;
}

Result<store::Page<store::PartnerRow>> ListPartners(store::Store& store, CarrierId carrier,
                                                    const std::string& kind, int64_t after,
                                                    int limit) {
  if (!kind.empty()) RETURN_IF_ERROR(rules::ParsePartnerKind(kind, "kind").status());
  store::Page<store::PartnerRow> page;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(page, tx.ListPartners(carrier, kind, after, limit));
    return Status::Ok();
  }));
  return page;
}

Result<store::NewCarrierAuthorizationRow> RecordNewCarrierAuthorization(
    store::Store& store, CarrierId carrier, CustomerId customer, const std::string& new_carrier,
    const std::string& document, CivilDate signed_on, const Actor& actor) {
  RETURN_IF_ERROR(CheckDocument(document, "document"));
  if (document.size() > rules::kMaxDocumentId) {
    return Bad("document", "at most " + std::to_string(rules::kMaxDocumentId) +
                               " bytes (decisions name it in context.written_request_document)");
  }
  if (new_carrier.empty()) return Bad("new_carrier", "name the carrier the customer moves to");
  if (new_carrier.size() > kMaxNameBytes) {
    return Bad("new_carrier", "at most " + std::to_string(kMaxNameBytes) + " bytes");
  }
  if (!signed_on.Valid()) return Bad("signed_on", "the day the customer signed (YYYY-MM-DD)");
  store::NewCarrierAuthorizationRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    if (signed_on > cr.zone->LocalDate(actor.now)) {
      return Bad("signed_on", "a written authorization is recorded once signed, not before (" +
                                  signed_on.ToString() + " is after today)");
    }
    ASSIGN_OR_RETURN(std::optional<store::CustomerFactsRow> facts,
                     tx.GetCustomerFacts(carrier, customer));
    if (!facts) {
      return Status(StatusCode::kNotFound,
                    "no customer " + customer.ToString() + " for this carrier", "customer");
    }
    row = {0, carrier, customer, new_carrier, document, signed_on.ToString(), actor.now,
           actor.id, 0};
    ASSIGN_OR_RETURN(row.id, tx.InsertNewCarrierAuthorization(row));
    // As for approvals (services/consent.h), the evidence reference is kept
    // in the entry's payload beside the chain; the body names the customer
    // by id only.
    const json payload = {{"evidence", {{"channel", "written"}, {"document_id", document}}},
                          {"new_carrier", new_carrier}};
    ASSIGN_OR_RETURN(
        auto appended,
        tx.Append(MakeEvent(actor, carrier, "new_carrier_authorization.recorded",
                            "customer:" + customer.ToString(),
                            {{"id", row.id},
                             {"customer", customer.value()},
                             {"signed_on", row.signed_on},
                             {"citation", "47 U.S.C. 222(c)(2)"}},
                            &payload)));
    row.ledger_seq = appended.seq;
    return tx.SetNewCarrierAuthorizationLedgerSeq(carrier, row.id, row.ledger_seq);
  }));
  return row;
}

rules::RecipientFacts RecipientFactsOf(const store::PartnerRow& p, CivilDate today) {
  rules::RecipientFacts f;
  f.today = today;
  auto kind = rules::ParsePartnerKind(p.kind);
  if (!kind.ok()) return f;  // not a partner the rules know
  f.on_record = true;
  f.kind = *kind;
  if (!p.agreement_document.empty()) {
    rules::ConfidentialityAgreement& a = f.agreement;
    a.on_record = true;
    a.effective_on = DateOf(p.agreement_effective_on).value_or(CivilDate{});
    a.expires_on = DateOf(p.agreement_expires_on);
    for (const std::string& t : SplitList(p.agreement_terms, ',')) {
      if (t == kAgreementTerms[0]) a.use_only_for_purpose = true;
      if (t == kAgreementTerms[1]) a.no_further_disclosure = true;
      if (t == kAgreementTerms[2]) a.safeguards = true;
    }
  }
  if (!p.certification_document.empty()) {
    f.certification.on_record = true;
    f.certification.signed_on = DateOf(p.certification_signed_on).value_or(CivilDate{});
    f.certification.expires_on = DateOf(p.certification_expires_on);
  }
  return f;
}

bool NeedsRegistryFacts(const rules::DecisionRequest& r) {
  return r.recipient.id > 0 || !r.context.written_request_document.empty();
}

Status FillRegistryFacts(store::Tx& tx, CarrierId carrier, const rules::DecisionRequest& r,
                         CivilDate today, rules::CustomerFacts* facts) {
  if (r.recipient.id > 0) {
    auto p = tx.GetPartner(carrier, r.recipient.id);
    if (p.ok()) {
      facts->recipient = RecipientFactsOf(*p, today);
    } else if (p.status().code() == StatusCode::kNotFound) {
      facts->recipient = rules::RecipientFacts{};  // unknown: the rules deny
      facts->recipient.today = today;
    } else {
      return p.status();
    }
  }
  facts->written_authorization_on_record = false;
  if (!r.context.written_request_document.empty()) {
    ASSIGN_OR_RETURN(std::optional<store::NewCarrierAuthorizationRow> a,
                     tx.FindNewCarrierAuthorization(carrier, r.customer,
                                                    r.context.written_request_document));
    // Evidence recorded at or before the decision's instant.
    facts->written_authorization_on_record = a && a->recorded_at <= r.at;
  }
  return Status::Ok();
}

json PartnerToJson(const store::PartnerRow& p) {
  json j = {{"id", p.id},
            {"carrier", p.carrier.value()},
            {"name", p.name},
            {"kind", p.kind},
            {"contact", p.contact},
            {"agreement", nullptr},
            {"certification", nullptr},
            {"created_at", p.created_at.ToRfc3339()},
            {"updated_at", p.updated_at.ToRfc3339()},
            {"ledger_seq", p.ledger_seq}};
  if (!p.agreement_document.empty()) {
    j["agreement"] = {{"document", p.agreement_document},
                      {"effective_on", p.agreement_effective_on},
                      {"expires_on", p.agreement_expires_on.empty() ? json(nullptr)
                                                                    : json(p.agreement_expires_on)},
                      {"terms", SplitList(p.agreement_terms, ',')}};
  }
  if (!p.certification_document.empty()) {
    j["certification"] = {
        {"document", p.certification_document},
        {"signed_on", p.certification_signed_on},
        {"expires_on", p.certification_expires_on.empty() ? json(nullptr)
                                                          : json(p.certification_expires_on)}};
  }
  return j;
}

json NewCarrierAuthorizationToJson(const store::NewCarrierAuthorizationRow& a) {
  return {{"id", a.id},
          {"customer", a.customer.value()},
          {"new_carrier", a.new_carrier},
          {"document", a.document_id},
          {"signed_on", a.signed_on},
          {"recorded_at", a.recorded_at.ToRfc3339()},
          {"recorded_by", a.recorded_by},
          {"ledger_seq", a.ledger_seq}};
}

}  // namespace proprio::services
