// services/breach_cases.cc: CPNI breach cases (47 CFR 64.2011): opening a
// case with the rule set and policy it keeps, reading and listing cases with
// their facts and clocks (rules/breach_obligations.h), the open obligations
// of every case, and the JSON of each.
#include "services/breach.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/text.h"
#include "rules/vocabulary.h"
#include "services/internal/breach_internal.h"
#include "services/policies.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;
using namespace breach_internal;  // the helpers breach_*.cc share

namespace {

bool In(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

constexpr int64_t kMaxCount = rules::kMaxBreachCount;

const std::vector<std::string> kOtherData = {
    "name",        "address",      "email",          "telephone_number", "account_number",
    "password",    "security_answer", "ssn",         "ssn_last4",        "date_of_birth",
    "drivers_license", "financial_account", "other"};
const std::set<std::string> kIdentityRisk = {"ssn",          "ssn_last4",        "date_of_birth",
                                             "drivers_license", "financial_account", "password",
                                             "security_answer"};

// Citations come from the rule set's paragraph table (rules/rule_set.cc).
std::string Cite(const rules::RuleSet& rs, const char* id) { return std::string(rs.Cite(id)); }

bool Successful(const std::string& outcome) { return outcome == "sent" || outcome == "delivered"; }

// Facts and clock of a loaded case.
Status Compute(BreachCase& c, const rules::TimeZone& zone) {
  ASSIGN_OR_RETURN(rules::RuleSet rs, CaseRuleSet(c.row));
  ASSIGN_OR_RETURN(rules::Policy policy, CasePolicy(c.row));
  rules::BreachFacts f;
  f.determined_at = c.row.determined_at;
  f.affected_customers = c.row.affected_count;
  f.harm = c.row.harm == "harm_likely"      ? rules::HarmFinding::kHarmLikely
           : c.row.harm == "no_harm_likely" ? rules::HarmFinding::kNoHarmLikely
                                            : rules::HarmFinding::kUndetermined;
  std::vector<const store::BreachActionRow*> order;
  for (const auto& a : c.actions) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->at < b->at; });
  const std::vector<std::string> required = rules::RequiredAgencies(rs.breach);
  std::set<std::string> agencies;
  std::set<int64_t> notified;
  int64_t bulk = 0;
  const std::set<int64_t> linked = [&] {
    std::set<int64_t> s;
    for (CustomerId id : c.affected) s.insert(id.value());
    return s;
  }();
  c.agencies_notified.clear();
  for (const store::BreachActionRow* a : order) {
    const json d = json::parse(a->details, nullptr, false);
    if (!d.is_object()) continue;
    if (a->kind == "agency_notified") {
      for (const auto& g : d.value("agencies", json::array())) {
        if (g.is_string()) agencies.insert(g.get<std::string>());
      }
      const bool all = std::all_of(required.begin(), required.end(),
                                   [&](const std::string& r) { return agencies.count(r) > 0; });
      if (all && !f.agency_notified_at) f.agency_notified_at = a->at;
    } else if (a->kind == "delay_requested" || a->kind == "delay_extended") {
      auto until = CivilDate::Parse(d.value("until", ""));
      if (until.ok() && (!f.delay_until || *until > *f.delay_until)) f.delay_until = *until;
    } else if (a->kind == "urgent_determined") {
      f.urgent = true;
    } else if (a->kind == "customer_notified" && Successful(d.value("outcome", ""))) {
      if (a->customer) notified.insert(a->customer->value());
      bulk += d.value("count", int64_t{0});
      const bool linked_done = std::includes(notified.begin(), notified.end(), linked.begin(),
                                             linked.end());
      const bool complete =
          d.value("all_notified", false) ||
          (f.affected_customers && linked_done &&
           static_cast<int64_t>(notified.size()) + bulk >= *f.affected_customers);
      if (complete && !f.customers_notified_at) f.customers_notified_at = a->at;
    } else if (a->kind == "annual_summary_filed") {
      if (!f.annual_summary_filed_at) f.annual_summary_filed_at = a->at;
    }
  }
  c.agencies_notified.assign(agencies.begin(), agencies.end());
  rules::BusinessCalendar cal(zone, policy.Calendar());
  c.facts = f;
  c.clock = rules::ComputeBreachClock(f, rs, policy, cal);
  return Status::Ok();
}

// The open obligations of `cases`, in case order, then the case's.
std::vector<DueItem> OpenObligations(const std::vector<BreachCase>& cases, Instant now) {
  std::vector<DueItem> out;
  for (const BreachCase& c : cases) {
    for (const rules::Obligation& o : c.clock.obligations) {
      if (o.state != rules::ObligationState::kOpen) continue;
      DueItem d;
      d.carrier = c.row.carrier;
      d.case_id = c.row.id;
      d.time_zone = c.time_zone;
      d.obligation = o;
      if (o.due) {
        d.micros_left = *o.due - now;
        d.overdue = now > *o.due;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace

namespace breach_internal {

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

Status Bad(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(field + ": " + message, field);
}

Status CheckText(const std::string& field, const std::string& v, size_t max, bool required) {
  if (required && v.empty()) return Bad(field, "is required");
  if (v.size() > max) return Bad(field, "must be at most " + std::to_string(max) + " bytes");
  return Status::Ok();
}

Instant AddYears(Instant at, int years) {
  const CivilDate d = UtcDate(at);
  CivilDate target{d.year + years, d.month, d.day};
  if (d.month == 2 && d.day == 29 && !IsLeapYear(target.year)) target = {target.year, 3, 1};
  return at + (target.ToDays() - d.ToDays()) * kMicrosPerDay;
}

std::string LocalRfc3339(const rules::TimeZone& zone, Instant t) {
  const rules::LocalDateTime l = zone.ToLocal(t);
  const int32_t off = zone.UtcOffset(t);
  char buf[64];
  const int secs = l.seconds_of_day;
  const int aoff = off < 0 ? -off : off;
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d%s%c%02d:%02d", l.date.ToString().c_str(),
                secs / 3600, secs / 60 % 60, secs % 60,
                l.micros ? ("." + std::to_string(1000000 + l.micros).substr(1)).c_str() : "",
                off < 0 ? '-' : '+', aoff / 3600, aoff / 60 % 60);
  return buf;
}

Result<rules::RuleSet> CaseRuleSet(const store::BreachCaseRow& row) {
  rules::RuleConfig cfg;
  if (!row.breach_2024_effective.empty()) {
    ASSIGN_OR_RETURN(CivilDate d, CivilDate::Parse(row.breach_2024_effective));
    cfg.breach_2024_effective = d;
  }
  return rules::RuleSetByName(row.rule_set, row.determined_at, cfg);
}

Result<rules::Policy> CasePolicy(const store::BreachCaseRow& row) {
  if (row.policy_version == 0) return rules::FloorPolicy();
  auto p = rules::ParsePolicy(row.policy_toml);
  if (!p.ok()) {
    return Status::DataLoss("breach case " + std::to_string(row.id) +
                            " keeps a policy that no longer parses: " + p.status().message());
  }
  return *p;
}

Result<BreachCase> Load(store::Tx& tx, CarrierId carrier, int64_t id) {
  BreachCase c;
  ASSIGN_OR_RETURN(c.row, tx.GetBreachCase(carrier, id));
  ASSIGN_OR_RETURN(c.affected, tx.ListBreachAffected(carrier, id));
  ASSIGN_OR_RETURN(c.actions, tx.ListBreachActions(carrier, id));
  ASSIGN_OR_RETURN(Carrier car, tx.GetCarrier(carrier));
  c.time_zone = car.time_zone;
  ASSIGN_OR_RETURN(auto zone, LoadTimeZone(car.time_zone));
  RETURN_IF_ERROR(Compute(c, *zone));
  return c;
}

Status ResolveCustomers(store::Tx& tx, CarrierId carrier, const std::vector<CustomerId>& ids,
                        const std::vector<std::string>& accounts, const std::string& ids_field,
                        const std::string& accounts_field, std::vector<CustomerId>& out) {
  for (size_t i = 0; i < ids.size(); ++i) {
    auto c = tx.GetCustomer(carrier, ids[i]);
    if (!c.ok()) {
      return Bad(ids_field + "[" + std::to_string(i) + "]",
                 "no customer " + ids[i].ToString() + " for this carrier");
    }
    out.push_back(ids[i]);
  }
  for (size_t i = 0; i < accounts.size(); ++i) {
    ASSIGN_OR_RETURN(auto c, tx.FindCustomerByAccount(carrier, accounts[i]));
    if (!c) {
      return Bad(accounts_field + "[" + std::to_string(i) + "]",
                 "no customer with account number '" + accounts[i] + "' for this carrier");
    }
    out.push_back(c->id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return Status::Ok();
}

Status AppendEvent(store::Tx& tx, CarrierId carrier, int64_t case_id, const std::string& type,
                   json body, const json& payload, Instant at, const std::string& actor,
                   int retention_years, int64_t* seq) {
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = at;
  ev.actor = actor;
  ev.type = type;
  ev.subject = "breach:" + std::to_string(case_id);
  body["case"] = case_id;
  ev.body = body.dump();
  if (!payload.empty()) {
    ev.payload = payload.dump();
    ev.retain_until = AddYears(at, retention_years);
  }
  ASSIGN_OR_RETURN(store::AppendResult r, tx.Append(ev));
  *seq = r.seq;
  return Status::Ok();
}

}  // namespace breach_internal

const std::vector<std::string>& BreachOtherDataNames() { return kOtherData; }

bool IdentityTheftRisk(const std::vector<std::string>& other_data) {
  return std::any_of(other_data.begin(), other_data.end(),
                     [](const std::string& d) { return kIdentityRisk.count(d) > 0; });
}

std::string DurationText(int64_t micros) {
  const bool neg = micros < 0;
  int64_t m = (neg ? -micros : micros) / (60 * kMicrosPerSecond);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%lldd %02lldh %02lldm", neg ? "-" : "",
                static_cast<long long>(m / 1440), static_cast<long long>(m / 60 % 24),
                static_cast<long long>(m % 60));
  return buf;
}

Result<BreachCase> OpenBreach(store::Store& store, CarrierId carrier, const BreachOpenInput& in,
                              const BreachSettings& settings, const Actor& actor) {
  RETURN_IF_ERROR(CheckText("description", in.description, kMaxTextBytes, true));
  RETURN_IF_ERROR(CheckText("discovered_how", in.discovered_how, kMaxTextBytes, true));
  RETURN_IF_ERROR(CheckText("method", in.method, kMaxTextBytes, false));
  RETURN_IF_ERROR(CheckText("contact", in.contact, kMaxShortBytes * 2, false));
  const Instant latest = actor.now + kFutureSlackMicros;
  if (in.discovered_at == Instant()) return Bad("discovered_at", "is required");
  if (in.determined_at == Instant()) return Bad("determined_at", "is required");
  if (in.discovered_at > latest) return Bad("discovered_at", "is in the future");
  if (in.determined_at > latest) return Bad("determined_at", "is in the future");
  if (in.determined_at < in.discovered_at) {
    return Bad("determined_at", "is before discovered_at: a breach is determined after it is "
                                "discovered");
  }
  for (size_t i = 0; i < in.cpni.size(); ++i) {
    auto c = rules::ParseCpniCategory(in.cpni[i], "cpni[" + std::to_string(i) + "]");
    if (!c.ok()) return c.status();
  }
  for (size_t i = 0; i < in.other_data.size(); ++i) {
    if (!In(kOtherData, in.other_data[i])) {
      return Bad("other_data[" + std::to_string(i) + "]",
                 "unknown data type '" + in.other_data[i] + "' (one of: " + Join(kOtherData, ", ") +
                     ")");
    }
  }
  if (in.started_on.year != 0 && !in.started_on.Valid()) return Bad("started_on", "is not a date");
  if (in.ended_on.year != 0 && !in.ended_on.Valid()) return Bad("ended_on", "is not a date");
  if (in.started_on.Valid() && in.ended_on.Valid() && in.ended_on < in.started_on) {
    return Bad("ended_on", "is before started_on");
  }
  if (in.estimated_loss_cents && *in.estimated_loss_cents < 0) {
    return Bad("estimated_loss_cents", "must not be negative");
  }
  if (in.affected_unknown && in.affected_count) {
    return Bad("affected_count", "give a count or say it is unknown, not both");
  }
  if (in.affected_count && (*in.affected_count < 1 || *in.affected_count > kMaxCount)) {
    return Bad("affected_count", "must be between 1 and " + std::to_string(kMaxCount));
  }
  rules::RuleConfig config = settings.rule_config;
  if (in.breach_2024_effective) config.breach_2024_effective = in.breach_2024_effective;
  if (Status st = rules::ValidateRuleConfig(config); !st.ok()) return st;
  rules::RuleSet rs;
  if (in.rule_set.empty()) {
    rs = rules::RuleSetFor(in.determined_at, config);
  } else {
    ASSIGN_OR_RETURN(rs, rules::RuleSetByName(in.rule_set, in.determined_at, config));
  }
  const bool y2024 = rs.breach.regime == rules::BreachRegime::k2024;
  if (in.cpni.empty() && !(y2024 && !in.other_data.empty())) {
    return Bad("cpni", y2024 ? "name the CPNI or other customer information involved"
                             : "a breach under " + std::string(rs.breach.citation) +
                                   " involves CPNI: name its categories (" +
                                   Cite(rs, "breach.definition") + ")");
  }
  if (!in.intentional && !rs.breach.covers_inadvertent) {
    return Bad("intentional",
               "under " + std::string(rs.breach.citation) + " only intentional access, use or "
               "disclosure is a breach (" + Cite(rs, "breach.definition") +
                   "); an inadvertent one is not a case for 64.2011 under " + std::string(rs.name));
  }

  int64_t id = 0;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(Carrier car, tx.GetCarrier(carrier));
    std::vector<CustomerId> linked;
    RETURN_IF_ERROR(ResolveCustomers(tx, carrier, in.customers, in.accounts, "customers",
                                     "accounts", linked));
    store::BreachCaseRow row;
    row.carrier = carrier;
    row.opened_at = actor.now;
    row.opened_by = actor.id;
    row.discovered_at = in.discovered_at;
    row.discovered_how = in.discovered_how;
    row.determined_at = in.determined_at;
    row.description = in.description;
    row.method = in.method;
    row.started_on = in.started_on.Valid() ? in.started_on.ToString() : "";
    row.ended_on = in.ended_on.Valid() ? in.ended_on.ToString() : "";
    row.cpni = Join(in.cpni, ";");
    row.other_data = Join(in.other_data, ";");
    row.intentional = in.intentional;
    if (in.affected_count) {
      if (*in.affected_count < static_cast<int64_t>(linked.size())) {
        return Bad("affected_count", "is smaller than the " + std::to_string(linked.size()) +
                                         " customers linked to the case");
      }
      row.affected_count = in.affected_count;
    } else if (!in.affected_unknown && !linked.empty()) {
      row.affected_count = static_cast<int64_t>(linked.size());
    }
    row.estimated_loss_cents = in.estimated_loss_cents;
    // The default contact is what the carrier's record holds: its address when
    // recorded, nothing when not (never "T, ").
    row.contact = in.contact.empty() ? car.address.OneLine() : in.contact;
    row.rule_set = std::string(rs.name);
    row.breach_regime = rules::BreachRegimeName(rs.breach.regime);
    row.breach_2024_effective =
        config.breach_2024_effective ? config.breach_2024_effective->ToString() : "";
    row.policy_version = cr.policy->policy.version;
    row.policy_toml = cr.policy->floor() ? "" : cr.policy->toml;
    ASSIGN_OR_RETURN(id, tx.InsertBreachCase(row));
    for (CustomerId c : linked) RETURN_IF_ERROR(tx.AddBreachAffected(carrier, id, c, actor.now));
    const int years = std::max(rs.breach.record_retention_years, cr.policy->policy.breach_record_years);
    json body = {{"rule_set", row.rule_set},
                 {"breach_regime", row.breach_regime},
                 {"policy_version", row.policy_version},
                 {"discovered_at", in.discovered_at.ToRfc3339()},
                 {"determined_at", in.determined_at.ToRfc3339()},
                 {"intentional", in.intentional},
                 {"cpni", in.cpni},
                 {"other_data", in.other_data},
                 {"affected_count", row.affected_count ? json(*row.affected_count) : json(nullptr)},
                 {"customers_linked", linked.size()}};
    json linked_ids = json::array();
    for (CustomerId c : linked) linked_ids.push_back(c.value());
    json payload = {{"description", in.description},
                    {"discovered_how", in.discovered_how},
                    {"method", in.method},
                    {"contact", row.contact},
                    {"customers", linked_ids}};
    RETURN_IF_ERROR(AppendEvent(tx, carrier, id, "breach.opened", body, payload, actor.now, actor.id,
                                years, &row.ledger_seq));
    row.id = id;
    return tx.UpdateBreachCase(row);
  }));
  return GetBreach(store, carrier, id);
}

Result<BreachCase> GetBreach(store::Store& store, CarrierId carrier, int64_t id) {
  BreachCase c;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, Load(tx, carrier, id));
    return Status::Ok();
  }));
  return c;
}

Result<std::vector<BreachCase>> ListBreaches(store::Store& store, CarrierId carrier,
                                             const std::string& state) {
  if (!state.empty() && state != "open" && state != "closed") {
    return Bad("state", "must be open or closed");
  }
  std::vector<BreachCase> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListBreachCases(carrier, state));
    for (const auto& r : rows) {
      ASSIGN_OR_RETURN(BreachCase c, Load(tx, r.carrier, r.id));
      out.push_back(std::move(c));
    }
    return Status::Ok();
  }));
  return out;
}

Result<store::Page<BreachCase>> ListBreaches(store::Store& store, CarrierId carrier,
                                             const std::string& state, int64_t after, int limit) {
  if (!state.empty() && state != "open" && state != "closed") {
    return Bad("state", "must be open or closed");
  }
  store::Page<BreachCase> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListBreachCases(carrier, state, after, limit));
    for (const auto& r : rows.items) {
      ASSIGN_OR_RETURN(BreachCase c, Load(tx, r.carrier, r.id));
      out.items.push_back(std::move(c));
    }
    out.next = rows.next;
    return Status::Ok();
  }));
  return out;
}

Result<store::Page<DueItem>> ListDueObligations(store::Store& store, CarrierId carrier,
                                                Instant now, int64_t after, int limit) {
  ASSIGN_OR_RETURN(store::Page<BreachCase> cases, ListBreaches(store, carrier, "open", after, limit));
  return store::Page<DueItem>{OpenObligations(cases.items, now), cases.next};
}

Result<std::vector<DueItem>> ListDueObligations(store::Store& store, CarrierId carrier,
                                                Instant now) {
  ASSIGN_OR_RETURN(std::vector<BreachCase> cases, ListBreaches(store, carrier, "open"));
  std::vector<DueItem> out = OpenObligations(cases, now);
  std::stable_sort(out.begin(), out.end(), [](const DueItem& a, const DueItem& b) {
    if (a.overdue != b.overdue) return a.overdue;
    if (a.obligation.due.has_value() != b.obligation.due.has_value()) {
      return a.obligation.due.has_value();
    }
    if (a.obligation.due && *a.obligation.due != *b.obligation.due) {
      return *a.obligation.due < *b.obligation.due;
    }
    return std::make_pair(a.carrier.value(), a.case_id) < std::make_pair(b.carrier.value(), b.case_id);
  });
  return out;
}

Result<ObligationCounts> CountBreachObligations(store::Store& store, Instant now) {
  ASSIGN_OR_RETURN(std::vector<DueItem> due, ListDueObligations(store, CarrierId(), now));
  ObligationCounts n;
  for (const DueItem& d : due) {
    ++n.open;
    if (d.overdue) ++n.overdue;
  }
  return n;
}

json ObligationToJson(const rules::Obligation& o, Instant now) {
  json j = {{"kind", rules::ObligationKindName(o.kind)},
            {"state", rules::ObligationStateName(o.state)},
            {"recipients", o.recipients},
            {"due", o.due ? json(o.due->ToRfc3339()) : json(nullptr)},
            {"last_day", o.last_day ? json(o.last_day->ToString()) : json(nullptr)},
            {"not_before", o.not_before ? json(o.not_before->ToRfc3339()) : json(nullptr)},
            {"blocked_by_agency_notice", o.blocked_by_agency_notice},
            {"held_by_delay", o.held_by_delay},
            {"met_at", o.met_at ? json(o.met_at->ToRfc3339()) : json(nullptr)},
            {"governed_by", o.governed_by},
            {"basis", o.basis},
            {"explanation", o.explanation}};
  const bool open = o.state == rules::ObligationState::kOpen;
  j["overdue"] = open && o.due && now > *o.due;
  j["seconds_left"] = open && o.due ? json((*o.due - now) / kMicrosPerSecond) : json(nullptr);
  return j;
}

json BreachCaseToJson(const BreachCase& c, Instant now) {
  const auto& r = c.row;
  json affected = json::array();
  for (CustomerId id : c.affected) affected.push_back(id.value());
  json obligations = json::array();
  for (const rules::Obligation& o : c.clock.obligations) obligations.push_back(ObligationToJson(o, now));
  json timeline = json::array();
  for (const auto& a : c.actions) {
    json d = json::parse(a.details, nullptr, false);
    timeline.push_back({{"id", a.id},
                        {"kind", a.kind},
                        {"at", a.at.ToRfc3339()},
                        {"recorded_at", a.recorded_at.ToRfc3339()},
                        {"actor", a.actor},
                        {"customer", a.customer ? json(a.customer->value()) : json(nullptr)},
                        {"details", d.is_object() ? d : json::object()},
                        {"ledger_seq", a.ledger_seq}});
  }
  auto opt_time = [](const std::optional<Instant>& t) {
    return t ? json(t->ToRfc3339()) : json(nullptr);
  };
  return {{"id", r.id},
          {"carrier", r.carrier.value()},
          {"state", r.state},
          {"time_zone", c.time_zone},
          {"opened_at", r.opened_at.ToRfc3339()},
          {"opened_by", r.opened_by},
          {"discovered_at", r.discovered_at.ToRfc3339()},
          {"discovered_how", r.discovered_how},
          {"determined_at", r.determined_at.ToRfc3339()},
          {"description", r.description},
          {"method", r.method},
          {"date_range",
           {{"start", r.started_on.empty() ? json(nullptr) : json(r.started_on)},
            {"end", r.ended_on.empty() ? json(nullptr) : json(r.ended_on)}}},
          {"cpni", SplitList(r.cpni, ';')},
          {"other_data", SplitList(r.other_data, ';')},
          {"intentional", r.intentional},
          {"affected",
           {{"count", r.affected_count ? json(*r.affected_count) : json(nullptr)},
            {"known", r.affected_count.has_value()},
            {"customers", affected}}},
          {"estimated_loss_cents",
           r.estimated_loss_cents ? json(*r.estimated_loss_cents) : json(nullptr)},
          {"contact", r.contact},
          {"rule_set", r.rule_set},
          {"breach_regime", r.breach_regime},
          {"breach_2024_effective",
           r.breach_2024_effective.empty() ? json(nullptr) : json(r.breach_2024_effective)},
          {"policy_version", r.policy_version},
          {"harm", r.harm},
          {"urgent", c.facts.urgent},
          {"agencies_notified", c.agencies_notified},
          {"delay_until", c.facts.delay_until ? json(c.facts.delay_until->ToString()) : json(nullptr)},
          {"obligations", obligations},
          {"record_retention_years", c.clock.record_retention_years},
          {"closed_at", opt_time(r.closed_at)},
          {"retain_until", opt_time(r.retain_until)},
          {"erased_at", opt_time(r.erased_at)},
          {"ledger_seq", r.ledger_seq},
          {"timeline", timeline}};
}

json DueItemToJson(const DueItem& d, Instant now) {
  json j = ObligationToJson(d.obligation, now);
  j["carrier"] = d.carrier.value();
  j["case"] = d.case_id;
  j["time_zone"] = d.time_zone;
  if (d.obligation.due) {
    auto zone = LoadTimeZone(d.time_zone);
    if (zone.ok()) j["due_local"] = LocalRfc3339(**zone, *d.obligation.due);
    j["time_left"] = DurationText(*d.micros_left);
  }
  return j;
}

}  // namespace proprio::services
