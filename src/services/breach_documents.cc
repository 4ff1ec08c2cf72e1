// services/breach_documents.cc: what a breach case's documents are made
// from (report/breach_documents.h): the agency report's facts, the customer
// letters (their reading of names and addresses recorded), and the 2024
// annual summary of small no-harm breaches.
#include "services/breach.h"

#include <algorithm>

#include "core/text.h"
#include "services/internal/breach_internal.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;
using namespace breach_internal;  // the helpers breach_*.cc share

namespace {

report::BreachDocFacts DocFacts(const BreachCase& c, const Carrier& car,
                                const rules::TimeZone& zone, Instant now) {
  report::BreachDocFacts f;
  f.today = zone.LocalDate(now);
  // The letterhead prints what the carrier's record holds and omits the rest.
  f.letterhead.push_back(car.legal_name);
  if (!car.address.street.empty()) f.letterhead.push_back(car.address.street);
  std::string city = car.address.city;
  const std::string st = car.address.state.empty() || car.address.postal_code.empty()
                             ? car.address.state + car.address.postal_code
                             : car.address.state + " " + car.address.postal_code;
  if (!st.empty()) city += (city.empty() ? "" : ", ") + st;
  if (!city.empty()) f.letterhead.push_back(city);
  const Officer* signer = nullptr;
  for (const Officer& o : car.officers) {
    if (!signer || (o.signatory && !signer->signatory)) signer = &o;
  }
  if (signer) {
    f.signer_name = signer->name;
    f.signer_title = signer->title;
  }
  // A letter generated before the rules allow it to be sent says so.
  if (auto rs = CaseRuleSet(c.row); rs.ok()) {
    const Status allowed = rules::CheckCustomerNotice(c.facts, c.clock, *rs, now);
    if (!allowed.ok()) f.letter_hold = allowed.message();
  }
  f.case_id = c.row.id;
  f.carrier_name = car.legal_name;
  f.carrier_filer_id = car.filer_id_499;
  f.carrier_address = car.address.OneLine();
  f.contact = c.row.contact;
  f.description = c.row.description;
  f.method = c.row.method;
  f.started_on = c.row.started_on;
  f.ended_on = c.row.ended_on;
  f.discovered_on = zone.LocalDate(c.row.discovered_at).ToString();
  f.determined_on = zone.LocalDate(c.row.determined_at).ToString();
  f.discovered_at = LocalRfc3339(zone, c.row.discovered_at);
  f.determined_at = LocalRfc3339(zone, c.row.determined_at);
  for (const std::string& s : SplitList(c.row.cpni, ';')) f.cpni.push_back(report::DataLabel(s));
  const std::vector<std::string> other = SplitList(c.row.other_data, ';');
  for (const std::string& s : other) f.other_data.push_back(report::DataLabel(s));
  f.intentional = c.row.intentional;
  f.affected_count = c.row.affected_count;
  f.estimated_loss_cents = c.row.estimated_loss_cents;
  f.rule_set = c.row.rule_set;
  f.citation = std::string(rules::BreachRegimeTitle(c.row.breach_regime));
  f.recipients = c.row.breach_regime == "2024" ? std::vector<std::string>{"FCC", "USSS", "FBI"}
                                               : std::vector<std::string>{"USSS", "FBI"};
  f.urgent = c.facts.urgent;
  for (const auto& a : c.actions) {
    if (a.kind != "urgent_determined") continue;
    const json d = json::parse(a.details, nullptr, false);
    if (!d.is_object()) continue;
    f.urgent_reasons = d.value("reasons", "");
    f.urgent_reference = d.value("reference", "");
    f.urgent_in_amendment = d.value("indicated_in", "") == "amendment";
  }
  f.identity_theft_risk = IdentityTheftRisk(other);
  if (c.facts.agency_notified_at) {
    f.agency_notified_on = zone.LocalDate(*c.facts.agency_notified_at).ToString();
  }
  return f;
}

}  // namespace

Result<report::BreachDocFacts> BreachDocumentFacts(store::Store& store, CarrierId carrier,
                                                   int64_t id, Instant now) {
  report::BreachDocFacts f;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(BreachCase c, Load(tx, carrier, id));
    ASSIGN_OR_RETURN(Carrier car, tx.GetCarrier(carrier));
    ASSIGN_OR_RETURN(auto zone, LoadTimeZone(car.time_zone));
    f = DocFacts(c, car, *zone, now);
    return Status::Ok();
  }));
  return f;
}

Result<std::vector<BreachLetter>> PrepareBreachLetters(store::Store& store, CarrierId carrier,
                                                       int64_t id, std::optional<CustomerId> only,
                                                       const Actor& actor) {
  std::vector<BreachLetter> out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(BreachCase c, Load(tx, carrier, id));
    if (c.row.erased_at) {
      return Status::FailedPrecondition("the records of breach case " + std::to_string(id) +
                                        " have been erased");
    }
    ASSIGN_OR_RETURN(Carrier car, tx.GetCarrier(carrier));
    ASSIGN_OR_RETURN(auto zone, LoadTimeZone(car.time_zone));
    // 2024 64.2011(b): no customer notice is owed when the carrier reasonably
    // determined that no harm is likely; a letter would tell customers of a
    // notice the rules do not require.
    if (const rules::Obligation* cn = c.clock.Find(rules::ObligationKind::kCustomerNotice);
        cn && cn->state == rules::ObligationState::kNotRequired) {
      return Status::FailedPrecondition(
          "breach case " + std::to_string(id) +
          ": customer notice is not required (" +
          std::string(rules::CiteBreachRule(rules::BreachRegime::k2024, "breach.customer_notice")) +
          " as amended in 2024, no harm reasonably likely), so no letters are made");
    }
    const report::BreachDocFacts f = DocFacts(c, car, *zone, actor.now);
    const CivilDate today = zone->LocalDate(actor.now);
    std::vector<CustomerId> who = c.affected;
    if (only) {
      if (!std::binary_search(who.begin(), who.end(), *only)) {
        return Status::NotFound("customer " + only->ToString() +
                                " is not among the affected customers of breach case " +
                                std::to_string(id));
      }
      who = {*only};
    }
    for (CustomerId cid : who) {
      ASSIGN_OR_RETURN(Customer cu, tx.GetCustomer(carrier, cid));
      report::LetterRecipient to{cu.name, cu.address_of_record, cu.account_number};
      out.push_back({cid, "breach-" + std::to_string(id) + "-customer-" + cid.ToString() + ".pdf",
                     report::CustomerLetterPdf(f, &to, today), f.letter_hold});
    }
    if (who.empty()) {
      out.push_back({std::nullopt, "breach-" + std::to_string(id) + "-letter.pdf",
                     report::CustomerLetterPdf(f, nullptr, today), f.letter_hold});
    }
    int64_t seq = 0;
    return AppendEvent(tx, carrier, id, "breach.letters_prepared",
                       {{"letters", out.size()}, {"customers_read", who.size()}}, json::object(),
                       actor.now, actor.id, c.clock.record_retention_years, &seq);
  }));
  return out;
}

Result<report::AnnualSummaryInput> BreachAnnualSummary(store::Store& store, CarrierId carrier,
                                                       int year) {
  if (year < 2024 || year > 9999) return Bad("year", "must be 2024 or later (FCC 23-111)");
  ASSIGN_OR_RETURN(std::vector<BreachCase> cases, ListBreaches(store, carrier, ""));
  report::AnnualSummaryInput in;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Carrier car, tx.GetCarrier(carrier));
    ASSIGN_OR_RETURN(auto zone, LoadTimeZone(car.time_zone));
    in.carrier_name = car.legal_name;
    in.carrier_filer_id = car.filer_id_499;
    in.contact = car.address.OneLine().empty() ? car.legal_name
                                                : car.legal_name + ", " + car.address.OneLine();
    in.year = year;
    in.due_on = CivilDate{year + 1, 2, 1};
    for (const BreachCase& c : cases) {
      const rules::Obligation* s = c.clock.Find(rules::ObligationKind::kAnnualSummary);
      if (!s || zone->LocalDate(c.row.determined_at).year != year) continue;
      if (s->last_day) in.due_on = *s->last_day;
      report::SummaryItem it;
      it.case_id = c.row.id;
      it.determined_on = zone->LocalDate(c.row.determined_at).ToString();
      it.description = c.row.description;
      it.affected_count = c.row.affected_count.value_or(0);
      for (const std::string& d : SplitList(c.row.cpni, ';')) it.data.push_back(report::DataLabel(d));
      for (const std::string& d : SplitList(c.row.other_data, ';')) it.data.push_back(report::DataLabel(d));
      for (const auto& a : c.actions) {
        const json d = json::parse(a.details, nullptr, false);
        if (!d.is_object()) continue;
        if (a.kind == "no_harm_determined") it.no_harm_reasons = d.value("reasons", "");
        if (a.kind == "annual_summary_filed") it.filed_reference = d.value("reference", "");
      }
      in.items.push_back(std::move(it));
    }
    return Status::Ok();
  }));
  return in;
}

}  // namespace proprio::services
