// services/opt_out_failures.cc: 47 CFR 64.2009(f) incidents (see the header).
#include "services/opt_out_failures.h"

#include <cstdio>

#include "ledger/sha256.h"
#include "services/breach.h"
#include "services/json_codec.h"
#include "services/policies.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;

namespace {

constexpr size_t kMaxText = 4000;
constexpr size_t kMaxNoticeCopy = 20000;  // the customer notice is quoted whole
constexpr size_t kMaxContact = 1000;
// A clock a little fast at the caller is not "in the future".
constexpr int64_t kFutureSlack = 5 * 60 * kMicrosPerSecond;

Status Bad(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(field + ": " + message, field);
}

Status CheckText(const char* field, const std::string& v, size_t max, bool required) {
  if (required && v.empty()) return Bad(field, "is required");
  if (v.size() > max) return Bad(field, "must be at most " + std::to_string(max) + " bytes");
  return Status::Ok();
}

std::string Subject(int64_t id) { return std::string(kOptOutFailure) + ":" + std::to_string(id); }

std::string LocalRfc3339(const rules::TimeZone& zone, Instant t) {
  const rules::LocalDateTime l = zone.ToLocal(t);
  const int32_t off = zone.UtcOffset(t);
  const int aoff = off < 0 ? -off : off;
  const int secs = l.seconds_of_day;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d%c%02d:%02d", l.date.ToString().c_str(),
                secs / 3600, secs / 60 % 60, secs % 60, off < 0 ? '-' : '+', aoff / 3600,
                aoff / 60 % 60);
  return buf;
}

std::string Str(const json& d, const char* key) {
  const auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Instant> InstantOf(const json& d, const char* key) {
  const std::string s = Str(d, key);
  if (s.empty()) return std::nullopt;
  auto t = Instant::Parse(s);
  return t.ok() ? std::optional<Instant>(*t) : std::nullopt;
}

CivilDate DateOf(const json& d, const char* key) {
  auto c = CivilDate::Parse(Str(d, key));
  return c.ok() ? *c : CivilDate{};
}

rules::OptOutFailureContents ContentsOf(const json& d, const std::string& carrier_name) {
  rules::OptOutFailureContents c;
  c.carrier_name = carrier_name;
  c.mechanisms = Str(d, "mechanisms");
  c.problems = Str(d, "problems");
  c.remedy = Str(d, "remedy");
  c.remedy_date = DateOf(d, "remedy_date");
  if (d.contains("state_commission_notified") && d["state_commission_notified"].is_boolean()) {
    c.state_commission_notified = d["state_commission_notified"].get<bool>();
  }
  c.state_commission_action = Str(d, "state_commission_action");
  c.customer_notice = Str(d, "customer_notice");
  c.contact = Str(d, "contact");
  return c;
}

// Checks the invariants of an incident's details (on record and on update):
// the dates in order and the text within bounds. `now` bounds the instants.
Status CheckDetails(const json& d, const rules::TimeZone& zone, Instant now) {
  RETURN_IF_ERROR(CheckText("mechanisms", Str(d, "mechanisms"), kMaxText, true));
  RETURN_IF_ERROR(CheckText("problems", Str(d, "problems"), kMaxText, true));
  RETURN_IF_ERROR(CheckText("remedy", Str(d, "remedy"), kMaxText, false));
  RETURN_IF_ERROR(
      CheckText("state_commission_action", Str(d, "state_commission_action"), kMaxText, false));
  RETURN_IF_ERROR(CheckText("customer_notice", Str(d, "customer_notice"), kMaxNoticeCopy, false));
  RETURN_IF_ERROR(CheckText("contact", Str(d, "contact"), kMaxContact, false));
  const json& det = d["determination"];
  RETURN_IF_ERROR(CheckText("determined_by", Str(det, "by"), kMaxNameBytes, true));
  RETURN_IF_ERROR(CheckText("reasons", Str(det, "reasons"), kMaxText, false));
  const std::optional<Instant> learned = InstantOf(d, "learned_at");
  if (!learned) return Bad("learned_at", "is required");
  if (*learned > now + kFutureSlack) return Bad("learned_at", "is in the future");
  const std::optional<Instant> started = InstantOf(d, "started_at");
  if (started && *started > *learned) {
    return Bad("started_at", "is after learned_at: a failure begins before the carrier learns "
                             "of it");
  }
  const CivilDate remedy = DateOf(d, "remedy_date");
  if (remedy.Valid() && started && remedy < zone.LocalDate(*started)) {
    return Bad("remedy_date", remedy.ToString() + " is before the failure began (" +
                                  zone.LocalDate(*started).ToString() + ")");
  }
  if (!Str(d, "state_commission_action").empty() &&
      d.contains("state_commission_notified") && d["state_commission_notified"].is_boolean() &&
      !d["state_commission_notified"].get<bool>()) {
    return Bad("state_commission_action",
               "is given while state_commission_notified is false: a commission not notified "
               "has taken no action on the notice");
  }
  return Status::Ok();
}

// The incident with its clock, from the policy version and rule set it was
// recorded under.
Result<OptOutFailure> Decorate(store::Tx& tx, store::ComplianceRecordRow row) {
  OptOutFailure f;
  f.details = json::parse(row.details, nullptr, false);
  if (!f.details.is_object()) return Status::Internal("opt-out failure details are not JSON");
  ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, row.carrier));
  ASSIGN_OR_RETURN(Carrier carrier, tx.GetCarrier(row.carrier));
  f.time_zone = carrier.time_zone;
  rules::Policy policy = cr.policy->policy;
  const int64_t version = f.details.value("policy_version", int64_t{0});
  if (version == 0) {
    policy = rules::FloorPolicy();
  } else if (version != policy.version) {
    auto stored = LoadPolicyVersion(tx, row.carrier, version);
    if (stored.ok()) policy = stored->policy;
  }
  rules::OptOutFailureFacts facts;
  facts.learned_at = InstantOf(f.details, "learned_at").value_or(row.recorded_at);
  auto degree = rules::ParseFailureDegree(row.category);
  facts.degree = degree.ok() ? *degree : rules::FailureDegree::kMoreThanAnomaly;
  if (f.details.contains("fcc_notice") && f.details["fcc_notice"].is_object()) {
    facts.notice_sent_at = InstantOf(f.details["fcc_notice"], "sent_at");
  }
  auto rule_set = rules::RuleSetByName(Str(f.details, "rule_set"), facts.learned_at, {});
  const rules::RuleSet rs = rule_set.ok() ? *rule_set : rules::RuleSetFor(facts.learned_at, {});
  const rules::BusinessCalendar cal(*cr.zone, policy.Calendar());
  f.clock = rules::ComputeOptOutFailureClock(facts, rs, policy, cal);
  f.missing = rules::MissingOptOutFailureContents(ContentsOf(f.details, carrier.legal_name), rs);
  f.row = std::move(row);
  return f;
}

Result<OptOutFailure> Load(store::Tx& tx, CarrierId carrier, int64_t id) {
  auto row = tx.GetComplianceRecord(carrier, kOptOutFailure, id);
  if (!row.ok()) {
    if (row.status().IsNotFound()) {
      return Status(StatusCode::kNotFound,
                    "no opt-out failure incident " + std::to_string(id) + " for this carrier",
                    "incident");
    }
    return row.status();
  }
  return Decorate(tx, *row);
}

std::string StatusOf(const std::string& degree, const json& details) {
  if (details.contains("fcc_notice") && details["fcc_notice"].is_object()) return "sent";
  return degree == "anomaly" ? "not_required" : "open";
}

// The free text of an incident, for the entry's payload.
json Payload(const json& d) {
  json p = json::object();
  for (const char* k : {"mechanisms", "problems", "remedy", "state_commission_action",
                        "customer_notice", "contact"}) {
    if (d.contains(k)) p[k] = d[k];
  }
  if (d.contains("determination")) p["reasons"] = d["determination"].value("reasons", "");
  return p;
}

}  // namespace

bool OptOutFailureUpdate::empty() const {
  return !mechanisms && !problems && !remedy && !state_commission_action && !customer_notice &&
         !contact && !remedy_date && !state_commission_notified && !determination &&
         !determined_by && !reasons;
}

Result<OptOutFailure> RecordOptOutFailure(store::Store& store, CarrierId carrier,
                                          const OptOutFailureInput& in, const Actor& actor) {
  if (in.learned_at == Instant()) return Bad("learned_at", "is required");
  if (in.determination.empty()) {
    return Bad("determination",
               "is required: anomaly or more_than_anomaly (47 CFR 64.2009(f): notice is owed "
               "when consumers' inability to opt out is more than an anomaly)");
  }
  ASSIGN_OR_RETURN(rules::FailureDegree degree, rules::ParseFailureDegree(in.determination));
  OptOutFailure out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    const rules::RuleSet rs = rules::RuleSetFor(in.learned_at, {});
    json d = {{"learned_at", in.learned_at.ToRfc3339()},
              {"started_at", in.started_at ? json(in.started_at->ToRfc3339()) : json(nullptr)},
              {"mechanisms", in.mechanisms},
              {"problems", in.problems},
              {"determination",
               {{"degree", rules::FailureDegreeName(degree)},
                {"by", in.determined_by},
                {"reasons", in.reasons},
                {"at", actor.now.ToRfc3339()}}},
              {"remedy", in.remedy},
              {"remedy_date", in.remedy_date.Valid() ? json(in.remedy_date.ToString())
                                                     : json(nullptr)},
              {"state_commission_notified", in.state_commission_notified
                                                ? json(*in.state_commission_notified)
                                                : json(nullptr)},
              {"state_commission_action", in.state_commission_action},
              {"customer_notice", in.customer_notice},
              {"contact", in.contact},
              {"rule_set", std::string(rs.name)},
              {"policy_version", cr.policy->policy.version},
              {"fcc_notice", nullptr}};
    RETURN_IF_ERROR(CheckDetails(d, *cr.zone, actor.now));
    store::ComplianceRecordRow row;
    row.carrier = carrier;
    row.kind = kOptOutFailure;
    row.occurred_on = cr.zone->LocalDate(in.learned_at).ToString();
    row.category = rules::FailureDegreeName(degree);
    row.status = StatusOf(row.category, d);
    row.details = d.dump();
    row.recorded_at = actor.now;
    row.recorded_by = actor.id;
    ASSIGN_OR_RETURN(row.id, tx.InsertComplianceRecord(row));
    const json payload = Payload(d);
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "opt_out_failure.recorded",
                                         Subject(row.id),
                                         {{"id", row.id},
                                          {"learned_at", d["learned_at"]},
                                          {"occurred_on", row.occurred_on},
                                          {"determination", row.category},
                                          {"determined_by", in.determined_by},
                                          {"notice_owed", degree ==
                                                              rules::FailureDegree::kMoreThanAnomaly}},
                                         &payload)));
    row.ledger_seq = appended.seq;
    RETURN_IF_ERROR(tx.UpdateComplianceRecord(row));
    ASSIGN_OR_RETURN(out, Decorate(tx, row));
    return Status::Ok();
  }));
  return out;
}

Result<OptOutFailure> UpdateOptOutFailure(store::Store& store, CarrierId carrier, int64_t id,
                                          const OptOutFailureUpdate& u, const Actor& actor) {
  if (u.empty()) return Bad("update", "nothing to change: give at least one field");
  std::optional<rules::FailureDegree> degree;
  if (u.determination) {
    ASSIGN_OR_RETURN(degree, rules::ParseFailureDegree(*u.determination));
    if (!u.determined_by || u.determined_by->empty()) {
      return Bad("determined_by", "is required with a new determination: whose is it?");
    }
  }
  OptOutFailure out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(OptOutFailure f, Load(tx, carrier, id));
    if (u.expected_version && *u.expected_version != f.row.ledger_seq) {
      return Status(StatusCode::kAborted,
                    "opt-out failure incident " + std::to_string(id) +
                        " changed since it was read (version " +
                        std::to_string(f.row.ledger_seq) + ")",
                    "If-Match");
    }
    if (f.row.status == "sent") {
      return Status(StatusCode::kFailedPrecondition,
                    "the notice of incident " + std::to_string(id) +
                        " was sent to the Commission: the letter it has is the record",
                    "incident");
    }
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    json d = f.details;
    json changed = json::array();
    auto set = [&](const char* key, const std::optional<std::string>& v) {
      if (v) {
        d[key] = *v;
        changed.push_back(key);
      }
    };
    set("mechanisms", u.mechanisms);
    set("problems", u.problems);
    set("remedy", u.remedy);
    set("state_commission_action", u.state_commission_action);
    set("customer_notice", u.customer_notice);
    set("contact", u.contact);
    if (u.remedy_date) {
      d["remedy_date"] = u.remedy_date->Valid() ? json(u.remedy_date->ToString()) : json(nullptr);
      changed.push_back("remedy_date");
    }
    if (u.state_commission_notified) {
      d["state_commission_notified"] = *u.state_commission_notified;
      changed.push_back("state_commission_notified");
    }
    if (degree) {
      d["determination"] = {{"degree", rules::FailureDegreeName(*degree)},
                            {"by", *u.determined_by},
                            {"reasons", u.reasons.value_or("")},
                            {"at", actor.now.ToRfc3339()}};
      changed.push_back("determination");
      f.row.category = rules::FailureDegreeName(*degree);
    } else if (u.determined_by || u.reasons) {
      return Bad(u.determined_by ? "determined_by" : "reasons",
                 "goes with a new determination (give determination too)");
    }
    RETURN_IF_ERROR(CheckDetails(d, *cr.zone, actor.now));
    f.row.details = d.dump();
    f.row.status = StatusOf(f.row.category, d);
    const json payload = Payload(d);
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "opt_out_failure.updated", Subject(id),
                                         {{"id", id},
                                          {"changed", changed},
                                          {"determination", f.row.category},
                                          {"status", f.row.status}},
                                         &payload)));
    f.row.ledger_seq = appended.seq;
    RETURN_IF_ERROR(tx.UpdateComplianceRecord(f.row));
    ASSIGN_OR_RETURN(out, Decorate(tx, f.row));
    return Status::Ok();
  }));
  return out;
}

namespace {

Result<report::OptOutFailureNoticeFacts> NoticeFacts(store::Tx& tx, const OptOutFailure& f,
                                                     Instant now) {
  if (f.row.category == "anomaly") {
    return Status(StatusCode::kFailedPrecondition,
                  "incident " + std::to_string(f.row.id) +
                      " was determined to be an anomaly: 47 CFR 64.2009(f) asks for notice only "
                      "when consumers' inability to opt out is more than an anomaly",
                  "determination");
  }
  ASSIGN_OR_RETURN(Carrier carrier, tx.GetCarrier(f.row.carrier));
  ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, f.row.carrier));
  const rules::OptOutFailureContents contents = ContentsOf(f.details, carrier.legal_name);
  const Instant learned = InstantOf(f.details, "learned_at").value_or(f.row.recorded_at);
  auto named = rules::RuleSetByName(Str(f.details, "rule_set"), learned, {});
  const rules::RuleSet rs = named.ok() ? *named : rules::RuleSetFor(learned, {});
  RETURN_IF_ERROR(rules::CheckOptOutFailureNotice(contents, rs));
  report::OptOutFailureNoticeFacts n;
  n.incident_id = f.row.id;
  // A letter that was sent keeps its date; otherwise it is dated today.
  const json& sent = f.details["fcc_notice"];
  n.date = sent.is_object() ? DateOf(sent, "letter_date") : cr.zone->LocalDate(now);
  if (!n.date.Valid()) n.date = cr.zone->LocalDate(now);
  n.carrier_name = carrier.legal_name;
  n.filer_id_499 = carrier.filer_id_499;
  n.carrier_address = carrier.address.street.empty() ? "" : carrier.address.OneLine();
  n.learned_on = f.row.occurred_on;
  if (auto s = InstantOf(f.details, "started_at")) n.started_on = cr.zone->LocalDate(*s).ToString();
  n.mechanisms = contents.mechanisms;
  n.problems = contents.problems;
  n.remedy = contents.remedy;
  n.remedy_date = contents.remedy_date.ToString();
  n.state_commission_notified = contents.state_commission_notified;
  n.state_commission_action = contents.state_commission_action;
  n.customer_notice = contents.customer_notice;
  n.contact = contents.contact;
  n.citation = std::string(rs.Cite(rules::kOptOutFailureRule));
  for (const Officer& o : carrier.officers) {
    if (o.signatory) {
      n.signer_name = o.name;
      n.signer_title = o.title;
      break;
    }
  }
  return n;
}

}  // namespace

Result<OptOutFailure> MarkOptOutFailureNoticeSent(store::Store& store, CarrierId carrier,
                                                  int64_t id, Instant sent_at,
                                                  const std::string& reference,
                                                  const Actor& actor) {
  if (sent_at == Instant()) return Bad("sent_at", "is required");
  if (sent_at > actor.now + kFutureSlack) return Bad("sent_at", "is in the future");
  RETURN_IF_ERROR(CheckText("reference", reference, kMaxNameBytes, true));
  OptOutFailure out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(OptOutFailure f, Load(tx, carrier, id));
    if (f.row.status == "sent") {
      return Status(StatusCode::kFailedPrecondition,
                    "the notice of incident " + std::to_string(id) + " was already sent (" +
                        f.details["fcc_notice"].value("sent_at", "") + ")",
                    "incident");
    }
    const Instant learned = InstantOf(f.details, "learned_at").value_or(f.row.recorded_at);
    if (sent_at < learned) {
      return Bad("sent_at", sent_at.ToRfc3339() + " is before the carrier learned of the failure (" +
                                learned.ToRfc3339() + ")");
    }
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(report::OptOutFailureNoticeFacts n, NoticeFacts(tx, f, sent_at));
    n.date = cr.zone->LocalDate(sent_at);
    const std::string text = report::OptOutFailureNoticeText(n);
    json d = f.details;
    d["fcc_notice"] = {{"sent_at", sent_at.ToRfc3339()},
                       {"reference", reference},
                       {"letter_date", n.date.ToString()},
                       {"text_sha256", ledger::HashHex(ledger::Sha256Of(text))}};
    f.row.details = d.dump();
    f.row.status = "sent";
    const bool late = f.clock.due && sent_at > *f.clock.due;
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "opt_out_failure.notice_sent",
                                         Subject(id),
                                         {{"id", id},
                                          {"sent_at", sent_at.ToRfc3339()},
                                          {"reference", reference},
                                          {"due", f.clock.due ? json(f.clock.due->ToRfc3339())
                                                              : json(nullptr)},
                                          {"late", late},
                                          {"text_sha256", d["fcc_notice"]["text_sha256"]}})));
    f.row.ledger_seq = appended.seq;
    RETURN_IF_ERROR(tx.UpdateComplianceRecord(f.row));
    ASSIGN_OR_RETURN(out, Decorate(tx, f.row));
    return Status::Ok();
  }));
  return out;
}

Result<OptOutFailure> GetOptOutFailure(store::Store& store, CarrierId carrier, int64_t id) {
  OptOutFailure out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, Load(tx, carrier, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<OptOutFailure>> ListOptOutFailures(store::Store& store, CarrierId carrier,
                                                      bool open_only) {
  std::vector<OptOutFailure> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    int64_t after = 0;
    for (;;) {
      ASSIGN_OR_RETURN(auto page,
                       tx.ListComplianceRecords({carrier, kOptOutFailure, "", ""}, after, 1000));
      for (auto& r : page.items) {
        if (open_only && r.status != "open") continue;
        ASSIGN_OR_RETURN(OptOutFailure f, Decorate(tx, std::move(r)));
        out.push_back(std::move(f));
      }
      if (!page.next) break;
      after = *page.next;
    }
    return Status::Ok();
  }));
  return out;
}

Result<report::OptOutFailureNoticeFacts> OptOutFailureNoticeFacts(store::Store& store,
                                                                  CarrierId carrier, int64_t id,
                                                                  Instant now) {
  report::OptOutFailureNoticeFacts n;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(OptOutFailure f, Load(tx, carrier, id));
    ASSIGN_OR_RETURN(n, NoticeFacts(tx, f, now));
    return Status::Ok();
  }));
  return n;
}

Result<std::vector<OptOutFailureDue>> ListOptOutFailuresDue(store::Store& store, CarrierId carrier,
                                                            Instant now) {
  std::vector<CarrierId> carriers;
  if (carrier.valid()) {
    carriers.push_back(carrier);
  } else {
    RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto all, tx.ListCarriers());
      for (const Carrier& c : all) carriers.push_back(c.id);
      return Status::Ok();
    }));
  }
  std::vector<OptOutFailureDue> out;
  for (CarrierId c : carriers) {
    ASSIGN_OR_RETURN(auto open, ListOptOutFailures(store, c, true));
    for (const OptOutFailure& f : open) {
      if (f.clock.state != rules::NoticeState::kOpen || !f.clock.due) continue;
      const int64_t left = *f.clock.due - now;
      out.push_back({c, f.row.id, f.time_zone, f.clock, left < 0, left});
    }
  }
  return out;
}

json OptOutFailureNoticeToJson(const rules::OptOutFailureClock& c, const std::string& time_zone,
                               Instant now) {
  json notice = {{"state", rules::NoticeStateName(c.state)},
                 {"due", c.due ? json(c.due->ToRfc3339()) : json(nullptr)},
                 {"due_local", nullptr},
                 {"last_day", c.last_day ? json(c.last_day->ToString()) : json(nullptr)},
                 {"time_left", nullptr},
                 {"seconds_left", nullptr},
                 {"overdue", false},
                 {"met_at", c.met_at ? json(c.met_at->ToRfc3339()) : json(nullptr)},
                 {"met_late", c.met_late},
                 {"governed_by", c.governed_by},
                 {"basis", c.basis},
                 {"explanation", c.explanation}};
  if (c.due) {
    auto zone = LoadTimeZone(time_zone);
    if (zone.ok()) notice["due_local"] = LocalRfc3339(**zone, *c.due);
    if (c.state == rules::NoticeState::kOpen) {
      notice["time_left"] = DurationText(*c.due - now);
      notice["seconds_left"] = (*c.due - now) / kMicrosPerSecond;
      notice["overdue"] = now > *c.due;
    }
  }
  return notice;
}

json OptOutFailureToJson(const OptOutFailure& f, Instant now) {
  const json& d = f.details;
  const json notice = OptOutFailureNoticeToJson(f.clock, f.time_zone, now);
  json missing = json::array();
  for (const auto& g : f.missing) missing.push_back(g.field);
  const json det = d.contains("determination") ? d["determination"] : json::object();
  return {{"id", f.row.id},
          {"carrier", f.row.carrier.value()},
          {"learned_at", d.value("learned_at", "")},
          {"learned_on", f.row.occurred_on},
          {"started_at", d.contains("started_at") ? d["started_at"] : json(nullptr)},
          {"mechanisms", d.value("mechanisms", "")},
          {"problems", d.value("problems", "")},
          {"determination",
           {{"degree", f.row.category},
            {"by", det.value("by", "")},
            {"reasons", det.value("reasons", "")},
            {"at", det.value("at", "")}}},
          {"remedy", d.value("remedy", "")},
          {"remedy_date", d.contains("remedy_date") ? d["remedy_date"] : json(nullptr)},
          {"state_commission_notified",
           d.contains("state_commission_notified") ? d["state_commission_notified"] : json(nullptr)},
          {"state_commission_action", d.value("state_commission_action", "")},
          {"customer_notice", d.value("customer_notice", "")},
          {"contact", d.value("contact", "")},
          {"status", f.row.status},
          {"notice", notice},
          {"missing", missing},
          {"fcc_notice", d.contains("fcc_notice") ? d["fcc_notice"] : json(nullptr)},
          {"rule_set", d.value("rule_set", "")},
          {"policy_version", d.value("policy_version", int64_t{0})},
          {"recorded_at", f.row.recorded_at.ToRfc3339()},
          {"recorded_by", f.row.recorded_by},
          {"ledger_seq", f.row.ledger_seq}};
}

}  // namespace proprio::services
