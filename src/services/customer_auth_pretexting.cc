// services/customer_auth_pretexting.cc: reasonable measures to discover
// pretexting (47 CFR 64.2010(a)): failed steps tallied by calling number,
// staff member and account; flags raised for the security role's review; the
// year's figures for the annual certification.
#include "services/customer_auth.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "services/internal/customer_auth_internal.h"

namespace proprio::services {

using nlohmann::json;
using namespace auth_internal;  // the helpers customer_auth_*.cc share

namespace {

Result<int64_t> RaiseFlag(store::Tx& tx, CarrierId carrier, const std::string& kind,
                          const std::string& key, const store::FailureTally& tally,
                          const CustomerAuthPolicy& policy, const Actor& actor) {
  json steps = json::array();
  size_t start = 0;
  while (start < tally.step_ids.size()) {
    const size_t comma = std::min(tally.step_ids.find(',', start), tally.step_ids.size());
    steps.push_back(std::strtoll(tally.step_ids.substr(start, comma - start).c_str(), nullptr, 10));
    start = comma + 1;
  }
  const json evidence = {{"window_from", (actor.now + (-policy.pretexting.window_us)).ToRfc3339()},
                         {"window_to", actor.now.ToRfc3339()},
                         {"failures", tally.failures},
                         {"accounts", tally.accounts},
                         {"steps", steps}};
  ASSIGN_OR_RETURN(auto open, tx.FindOpenPretextingFlag(carrier, kind, key));
  store::PretextingFlagRow f;
  const bool fresh = !open.has_value();
  if (open) {
    f = *open;
    if (f.failures == tally.failures && f.accounts == tally.accounts) return f.id;
  } else {
    f.carrier = carrier;
    f.kind = kind;
    f.key = key;
    f.raised_at = actor.now;
    f.state = "open";
  }
  f.updated_at = actor.now;
  f.failures = tally.failures;
  f.accounts = tally.accounts;
  f.evidence = evidence.dump();
  if (fresh) {
    ASSIGN_OR_RETURN(f.id, tx.InsertPretextingFlag(f));
  }
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = fresh ? "auth.pretexting_flagged" : "auth.pretexting_evidence_added";
  ev.subject = "pretexting_flag:" + std::to_string(f.id);
  ev.body = json{{"flag", f.id},
                 {"kind", kind},
                 {"failures", tally.failures},
                 {"accounts", tally.accounts},
                 {"steps", steps},
                 {"basis", Cite(actor.now, "disclosure.safeguards")}}
                .dump();
  ev.payload = json{{"key", key}}.dump();
  ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
  ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
  f.ledger_seq = appended.seq;
  RETURN_IF_ERROR(tx.UpdatePretextingFlag(f));
  return f.id;
}

// Reads the carrier's flags in state `state` ("" = any) with `list`.
template <typename Out, typename ListFn>
Result<Out> ReadFlags(store::Store& store, CarrierId carrier, const std::string& state,
                      ListFn list) {
  if (!state.empty() && state != "open" && state != "reviewed") {
    return Status::InvalidArgument("state must be open or reviewed", "state");
  }
  Out out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(out, list(tx));
    return Status::Ok();
  }));
  return out;
}

}  // namespace

namespace auth_internal {

Result<std::vector<int64_t>> CheckPretexting(store::Tx& tx, const store::VerificationStepRow& step,
                                             const CustomerAuthPolicy& policy, const Actor& actor) {
  std::vector<int64_t> raised;
  const PretextingThresholds& t = policy.pretexting;
  const Instant since = actor.now + (-t.window_us);
  if (!step.calling_number.empty()) {
    ASSIGN_OR_RETURN(store::FailureTally tally,
                     tx.TallyFailures(step.carrier, store::FailureKey::kCallingNumber,
                                      step.calling_number, since));
    if (tally.accounts >= t.number_accounts || tally.failures >= t.number_failures) {
      ASSIGN_OR_RETURN(int64_t id, RaiseFlag(tx, step.carrier, "calling_number",
                                             step.calling_number, tally, policy, actor));
      raised.push_back(id);
    }
  }
  if (step.actor.rfind("staff:", 0) == 0) {
    ASSIGN_OR_RETURN(store::FailureTally tally,
                     tx.TallyFailures(step.carrier, store::FailureKey::kActor, step.actor, since));
    if (tally.accounts >= t.staff_accounts) {
      ASSIGN_OR_RETURN(int64_t id,
                       RaiseFlag(tx, step.carrier, "staff", step.actor, tally, policy, actor));
      raised.push_back(id);
    }
  }
  if (step.customer.valid()) {
    const std::string key = step.customer.ToString();
    ASSIGN_OR_RETURN(store::FailureTally tally,
                     tx.TallyFailures(step.carrier, store::FailureKey::kCustomer, key, since));
    if (tally.failures >= t.account_failures) {
      ASSIGN_OR_RETURN(int64_t id,
                       RaiseFlag(tx, step.carrier, "account", key, tally, policy, actor));
      raised.push_back(id);
    }
  }
  return raised;
}

}  // namespace auth_internal

Result<std::vector<store::PretextingFlagRow>> ListPretextingFlags(store::Store& store,
                                                                  CarrierId carrier,
                                                                  const std::string& state,
                                                                  Instant from, Instant to) {
  return ReadFlags<std::vector<store::PretextingFlagRow>>(
      store, carrier, state,
      [&](store::Tx& tx) { return tx.ListPretextingFlags(carrier, state, from, to); });
}

Result<store::Page<store::PretextingFlagRow>> ListPretextingFlags(store::Store& store,
                                                                  CarrierId carrier,
                                                                  const std::string& state,
                                                                  int64_t after, int limit) {
  return ReadFlags<store::Page<store::PretextingFlagRow>>(
      store, carrier, state,
      [&](store::Tx& tx) { return tx.ListPretextingFlags(carrier, state, after, limit); });
}

Result<store::PretextingFlagRow> ReviewPretextingFlag(store::Store& store, CarrierId carrier,
                                                      int64_t flag_id, const std::string& note,
                                                      const Actor& actor) {
  const std::string text(Trim(note));
  if (text.empty() || text.size() > 2000) {
    return Status::InvalidArgument("a review note (1 to 2000 bytes) is required", "note");
  }
  store::PretextingFlagRow f;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(f, tx.GetPretextingFlag(carrier, flag_id));
    if (f.state == "reviewed") {
      return Status::FailedPrecondition("flag " + std::to_string(flag_id) +
                                        " was already reviewed");
    }
    f.state = "reviewed";
    f.reviewed_by = StepActor(actor);
    f.reviewed_at = actor.now;
    f.review_note = text;
    RETURN_IF_ERROR(AppendSimple(tx, carrier, actor, "auth.pretexting_reviewed",
                                 "pretexting_flag:" + std::to_string(f.id), {{"flag", f.id}},
                                 json{{"note", text}}, &f.ledger_seq));
    return tx.UpdatePretextingFlag(f);
  }));
  return f;
}

Result<PretextingSummary> SummarizePretexting(store::Store& store, CarrierId carrier, int year) {
  if (year < 2000 || year > 2200) return Status::InvalidArgument("year out of range", "year");
  const Instant from = UtcMidnight(CivilDate{year, 1, 1});
  const Instant to = UtcMidnight(CivilDate{year + 1, 1, 1});
  ASSIGN_OR_RETURN(std::vector<store::PretextingFlagRow> flags,
                   ListPretextingFlags(store, carrier, "", from, to));
  PretextingSummary s;
  s.year = year;
  for (const auto& f : flags) {
    ++s.flags;
    if (f.kind == "calling_number") ++s.by_calling_number;
    if (f.kind == "staff") ++s.by_staff;
    if (f.kind == "account") ++s.by_account;
    if (f.state == "reviewed")
      ++s.reviewed;
    else
      ++s.open;
  }
  return s;
}

}  // namespace proprio::services
