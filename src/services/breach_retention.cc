// services/breach_retention.cc: a closed breach case's records are kept the
// retention period (64.2011's 2 years or the policy's, whichever is longer)
// and may be erased afterwards, never earlier.
#include "services/breach.h"

#include "services/internal/breach_internal.h"

namespace proprio::services {

using nlohmann::json;
using namespace breach_internal;  // the helpers breach_*.cc share

Result<BreachCase> EraseBreachRecords(store::Store& store, CarrierId carrier, int64_t id,
                                      const Actor& actor) {
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(BreachCase c, Load(tx, carrier, id));
    const std::string cite(rules::CiteBreachRule(
        c.row.breach_regime == "2024" ? rules::BreachRegime::k2024 : rules::BreachRegime::k2007,
        "breach.records"));
    if (c.row.state != "closed" || !c.row.retain_until) {
      return Status::FailedPrecondition("breach case " + std::to_string(id) +
                                        " is open: its records are kept while it is open and " +
                                        std::to_string(c.clock.record_retention_years) +
                                        " years after it is closed (" + cite + ")");
    }
    if (c.row.erased_at) {
      return Status::FailedPrecondition("the records of breach case " + std::to_string(id) +
                                        " are already erased");
    }
    if (actor.now < *c.row.retain_until) {
      return Status::FailedPrecondition(
          "the records of breach case " + std::to_string(id) + " must be kept until " +
          c.row.retain_until->ToRfc3339() + " (" + std::to_string(c.clock.record_retention_years) +
          " years, " + cite + " and the carrier's policy); they cannot be erased earlier");
    }
    std::vector<int64_t> seqs = {c.row.ledger_seq};
    for (const auto& a : c.actions) seqs.push_back(a.ledger_seq);
    int64_t erased = 0;
    for (int64_t seq : seqs) {
      auto r = tx.ErasePayload(carrier, seq, actor.now, actor.id,
                               "breach case " + std::to_string(id) + " retention ended");
      if (r.ok()) {
        ++erased;
      } else if (!r.status().IsNotFound()) {
        return r.status();  // early erasure or a store error: nothing is erased
      }
    }
    for (const auto& a : c.actions) {
      json d = json::parse(a.details, nullptr, false);
      if (!d.is_object()) continue;
      d.erase("reasons");
      d.erase("notes");
      RETURN_IF_ERROR(tx.SetBreachActionDetails(carrier, a.id, d.dump()));
    }
    store::BreachCaseRow row = c.row;
    row.description = "[erased]";
    row.discovered_how = "[erased]";
    row.method = "";
    row.contact = "";
    row.erased_at = actor.now;
    RETURN_IF_ERROR(tx.UpdateBreachCase(row));
    int64_t seq = 0;
    RETURN_IF_ERROR(AppendEvent(tx, carrier, id, "breach.records_erased",
                                {{"payloads_erased", erased}}, json::object(), actor.now, actor.id,
                                c.clock.record_retention_years, &seq));
    store::BreachActionRow a;
    a.case_id = id;
    a.carrier = carrier;
    a.kind = "records_erased";
    a.at = actor.now;
    a.recorded_at = actor.now;
    a.actor = actor.id;
    a.details = json{{"payloads_erased", erased}}.dump();
    a.ledger_seq = seq;
    return tx.InsertBreachAction(a).status();
  }));
  return GetBreach(store, carrier, id);
}

}  // namespace proprio::services
