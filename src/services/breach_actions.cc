// services/breach_actions.cc: recording a step of a breach case. The
// preconditions are rules/s2011_breach.h's CheckBreachAction, asked inside the
// transaction; this file resolves the customers an action names and writes
// the action, its ledger entry and the case's new state.
#include "services/breach.h"

#include <algorithm>
#include <set>

#include "services/internal/breach_internal.h"

namespace proprio::services {

using nlohmann::json;
using namespace breach_internal;  // the helpers breach_*.cc share

Result<BreachCase> RecordBreachAction(store::Store& store, CarrierId carrier, int64_t id,
                                      const BreachActionInput& in, const Actor& actor) {
  RETURN_IF_ERROR(CheckText("reasons", in.reasons, kMaxTextBytes, false));
  RETURN_IF_ERROR(CheckText("notes", in.notes, kMaxTextBytes, false));
  RETURN_IF_ERROR(CheckText("reference", in.reference, kMaxShortBytes, false));
  const Instant at = in.at.value_or(actor.now);
  if (at > actor.now + kFutureSlackMicros) return Bad("at", "is in the future");
  BreachCase out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(BreachCase c, Load(tx, carrier, id));
    ASSIGN_OR_RETURN(rules::RuleSet rs, CaseRuleSet(c.row));
    ASSIGN_OR_RETURN(rules::Policy policy, CasePolicy(c.row));
    const bool y2024 = rs.breach.regime == rules::BreachRegime::k2024;
    // The customers the action names, looked up before the rules are asked
    // (the rules return a failed lookup where they would have looked).
    rules::ResolvedCustomers resolved;
    if (in.kind == BreachActionKind::kCustomerNotified && (in.customer || !in.account.empty())) {
      std::vector<CustomerId> ids;
      if (in.customer) ids.push_back(*in.customer);
      std::vector<std::string> accounts;
      if (!in.account.empty()) accounts.push_back(in.account);
      resolved.status =
          ResolveCustomers(tx, carrier, ids, accounts, "customer", "account", resolved.ids);
    } else if (in.kind == BreachActionKind::kAffectedUpdated) {
      resolved.status = ResolveCustomers(tx, carrier, in.add_customers, in.add_accounts,
                                         "add_customers", "add_accounts", resolved.ids);
    }
    rules::BreachCaseState state;
    state.id = id;
    state.open = c.row.state == "open";
    state.discovered_at = c.row.discovered_at;
    state.facts = c.facts;
    state.clock = c.clock;
    state.affected = c.affected;
    RETURN_IF_ERROR(rules::CheckBreachAction(rs, policy, state, in, at, resolved));

    store::BreachCaseRow row = c.row;
    json details = json::object();
    json payload = json::object();
    std::optional<CustomerId> customer;
    std::vector<CustomerId> add;
    const std::string kind = BreachActionKindName(in.kind);
    switch (in.kind) {
      case BreachActionKind::kAgencyNotified:
        details = {{"agencies", in.agencies}, {"reference", in.reference}};
        break;
      case BreachActionKind::kDelayRequested:
      case BreachActionKind::kDelayExtended:
        details = {{"agency", in.agency},
                   {"requested_on", in.requested_on.ToString()},
                   {"until", in.until.ToString()},
                   {"in_writing", true}};
        break;
      case BreachActionKind::kUrgentDetermined: {
        payload["reasons"] = in.reasons;
        details = {{"agency", in.agency}};
        if (!y2024) {
          // 2007 64.2011(b)(2): indicated in the agency notice itself, or in
          // an amendment to it (a reference no agency notice carries).
          std::string notice_ref;
          for (const auto& a : c.actions) {
            if (a.kind != "agency_notified") continue;
            const json d = json::parse(a.details, nullptr, false);
            if (d.is_object() && d.value("reference", "") == in.reference) notice_ref = in.reference;
          }
          details["reference"] = in.reference;
          details["indicated_in"] = notice_ref.empty() ? "amendment" : "agency_notice";
        }
        break;
      }
      case BreachActionKind::kHarmDetermined:
        payload["reasons"] = in.reasons;
        row.harm = "harm_likely";
        break;
      case BreachActionKind::kNoHarmDetermined:
        payload["reasons"] = in.reasons;
        row.harm = "no_harm_likely";
        break;
      case BreachActionKind::kCustomerNotified:
        if (!resolved.ids.empty()) customer = resolved.ids[0];
        details = {{"channel", in.channel}, {"outcome", in.outcome}};
        if (in.count) details["count"] = in.count;
        if (in.all_notified) details["all_notified"] = true;
        break;
      case BreachActionKind::kAffectedUpdated: {
        add = resolved.ids;
        std::set<int64_t> all;
        for (CustomerId x : c.affected) all.insert(x.value());
        for (CustomerId x : add) all.insert(x.value());
        const int64_t linked = static_cast<int64_t>(all.size());
        if (in.affected_count) {
          row.affected_count = in.affected_count;
        } else if (in.affected_unknown) {
          row.affected_count.reset();
        } else if (row.affected_count && *row.affected_count < linked) {
          row.affected_count = linked;
        }
        json added = json::array();
        for (CustomerId x : add) added.push_back(x.value());
        details = {{"added", added},
                   {"affected_count",
                    row.affected_count ? json(*row.affected_count) : json(nullptr)}};
        break;
      }
      case BreachActionKind::kAnnualSummaryFiled:
        details = {{"reference", in.reference}};
        if (in.year) details["year"] = in.year;
        break;
      case BreachActionKind::kClosed:
        if (!in.reasons.empty()) payload["reasons"] = in.reasons;
        row.state = "closed";
        row.closed_at = at;
        row.retain_until = AddYears(at, c.clock.record_retention_years);
        details = {{"retain_until", row.retain_until->ToRfc3339()}};
        break;
    }
    if (!in.notes.empty()) payload["notes"] = in.notes;
    json body = details;
    body["at"] = at.ToRfc3339();
    if (customer) body["customer"] = customer->value();
    int64_t seq = 0;
    RETURN_IF_ERROR(AppendEvent(tx, carrier, id, "breach." + kind, body, payload, at, actor.id,
                                c.clock.record_retention_years, &seq));
    store::BreachActionRow a;
    a.case_id = id;
    a.carrier = carrier;
    a.kind = kind;
    a.at = at;
    a.recorded_at = actor.now;
    a.actor = actor.id;
    a.customer = customer;
    json stored = details;
    for (auto it = payload.begin(); it != payload.end(); ++it) stored[it.key()] = it.value();
    a.details = stored.dump();
    a.ledger_seq = seq;
    RETURN_IF_ERROR(tx.InsertBreachAction(a).status());
    for (CustomerId x : add) RETURN_IF_ERROR(tx.AddBreachAffected(carrier, id, x, actor.now));
    RETURN_IF_ERROR(tx.UpdateBreachCase(row));
    ASSIGN_OR_RETURN(out, Load(tx, carrier, id));
    return Status::Ok();
  }));
  return out;
}

}  // namespace proprio::services
