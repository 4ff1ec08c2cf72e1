#include "services/certification.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/text.h"
#include "ledger/sha256.h"
#include "services/breach.h"
#include "services/json_codec.h"
#include "services/policies.h"

namespace proprio::services {

using nlohmann::json;

namespace {

// Longest free text a record takes (a summary, a description).
constexpr size_t kMaxRecordText = 4000;

Status CheckText(const std::string& value, const char* field, bool required,
                 size_t max = kMaxRecordText) {
  if (required && value.empty()) return Status::InvalidArgument(std::string(field) + " is required", field);
  if (value.size() > max) {
    return Status::InvalidArgument(
        std::string(field) + " is longer than " + std::to_string(max) + " bytes", field);
  }
  return Status::Ok();
}

// The carrier's date today, and the day a record is about (today when not
// given; never after today).
Result<CivilDate> RecordDate(const CarrierRules& rules, Instant now, CivilDate given,
                             const char* field) {
  const CivilDate today = rules.zone->LocalDate(now);
  if (!given.Valid()) return today;
  if (given > today) {
    return Status::InvalidArgument(std::string(field) + " " + given.ToString() +
                                       " is after today (" + today.ToString() + ")",
                                   field);
  }
  return given;
}

std::string Subject(const char* kind, int64_t id) { return std::string(kind) + ":" + std::to_string(id); }

// Inserts `row` and its ledger entry in `tx`; the entry's seq is kept on the row.
Result<store::ComplianceRecordRow> InsertWithEntry(store::Tx& tx, store::ComplianceRecordRow row,
                                                   const Actor& actor, const std::string& type,
                                                   json body, const json* payload) {
  row.recorded_at = actor.now;
  row.recorded_by = actor.id;
  ASSIGN_OR_RETURN(row.id, tx.InsertComplianceRecord(row));
  body["id"] = row.id;
  body["occurred_on"] = row.occurred_on;
  ASSIGN_OR_RETURN(auto appended, tx.Append(MakeEvent(actor, row.carrier, type,
                                                      Subject(row.kind.c_str(), row.id), body,
                                                      payload)));
  row.ledger_seq = appended.seq;
  RETURN_IF_ERROR(tx.UpdateComplianceRecord(row));
  return row;
}

Result<Staff> StaffOf(store::Tx& tx, CarrierId carrier, StaffId id) {
  auto s = tx.GetStaff(id);
  if (!s.ok() || s->carrier != carrier) {
    return Status(StatusCode::kNotFound, "no staff member " + id.ToString() + " for this carrier",
                  "staff");
  }
  return *s;
}

std::string YearStart(int year) { return CivilDate{year, 1, 1}.ToString(); }
std::string YearEnd(int year) { return CivilDate{year, 12, 31}.ToString(); }

// The officer who signs: the named one, or the carrier's first signatory.
Result<Officer> SigningOfficer(const Carrier& carrier, const std::string& name) {
  for (const Officer& o : carrier.officers) {
    if (!o.signatory) continue;
    if (name.empty() || o.name == name) return o;
  }
  if (name.empty()) {
    return Status::FailedPrecondition(
        "the carrier has no signatory officer (47 CFR 64.2009(e): an officer signs the "
        "certification)");
  }
  return Status::InvalidArgument("'" + name + "' is not a signatory officer of " +
                                     carrier.legal_name +
                                     " (47 CFR 64.2009(e): an officer signs the certification)",
                                 "officer");
}

}  // namespace

Status ValidateRecordKind(std::string_view kind) {
  for (const char* k : {kTrainingCompletion, kDisciplinaryAction, kComplaint, kBrokerAction,
                        kPretexterReview}) {
    if (kind == k) return Status::Ok();
  }
  return Status::InvalidArgument(
      "unknown record kind '" + std::string(kind) +
          "' (one of training_completion, disciplinary_action, complaint, broker_action, "
          "pretexter_review)",
      "kind");
}

// The topics of a course, ';'-joined in a fixed order; none means CPNI.
Result<std::string> CourseTopics(const std::vector<std::string>& topics) {
  static constexpr std::string_view kKnown[] = {"cpni", rules::kSimChangeTrainingTopic};
  std::set<std::string_view> chosen;
  for (const std::string& t : topics) {
    auto it = std::find(std::begin(kKnown), std::end(kKnown), t);
    if (it == std::end(kKnown)) {
      return Status::InvalidArgument(
          "unknown topic '" + t + "' (one of cpni, sim_change)", "topics");
    }
    chosen.insert(*it);
  }
  if (chosen.empty()) chosen.insert("cpni");
  std::string out;
  for (std::string_view k : kKnown) {
    if (chosen.count(k)) out += (out.empty() ? "" : ";") + std::string(k);
  }
  return out;
}

Result<store::TrainingCourseRow> AddTrainingCourse(store::Store& store, CarrierId carrier,
                                                   const TrainingCourseInput& in,
                                                   const Actor& actor) {
  RETURN_IF_ERROR(CheckText(in.title, "title", true, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText(in.version, "version", true, 64));
  ASSIGN_OR_RETURN(const std::string topics, CourseTopics(in.topics));
  store::TrainingCourseRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    row = {0, carrier, in.title, in.version,
           in.policy_version < 0 ? rules.policy->policy.version : in.policy_version, actor.now, 0};
    row.topics = topics;
    if (in.policy_version >= 0 && in.policy_version != 0) {
      RETURN_IF_ERROR(LoadPolicyVersion(tx, carrier, in.policy_version).status());
    }
    ASSIGN_OR_RETURN(row.id, tx.InsertTrainingCourse(row));
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "training.course_added",
                                         Subject("training_course", row.id),
                                         {{"id", row.id},
                                          {"title", row.title},
                                          {"version", row.version},
                                          {"policy_version", row.policy_version},
                                          {"topics", SplitList(row.topics, ';')}})));
    row.ledger_seq = appended.seq;
    return Status::Ok();
  }));
  return row;
}

Result<std::vector<store::TrainingCourseRow>> ListTrainingCourses(store::Store& store,
                                                                  CarrierId carrier) {
  std::vector<store::TrainingCourseRow> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(out, tx.ListTrainingCourses(carrier));
    return Status::Ok();
  }));
  return out;
}

Result<store::ComplianceRecordRow> RecordTrainingCompletion(store::Store& store, CarrierId carrier,
                                                            const TrainingCompletionInput& in,
                                                            const Actor& actor) {
  store::ComplianceRecordRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(Staff staff, StaffOf(tx, carrier, in.staff));
    ASSIGN_OR_RETURN(store::TrainingCourseRow course, tx.GetTrainingCourse(carrier, in.course_id));
    ASSIGN_OR_RETURN(CivilDate on, RecordDate(rules, actor.now, in.completed_on, "completed_on"));
    row.carrier = carrier;
    row.kind = kTrainingCompletion;
    row.occurred_on = on.ToString();
    row.staff_id = staff.id.value();
    row.course_id = course.id;
    row.status = "completed";
    row.details = json{{"course", course.title},
                       {"course_version", course.version},
                       {"manual_acknowledged", in.manual_acknowledged}}
                      .dump();
    ASSIGN_OR_RETURN(row, InsertWithEntry(tx, row, actor, "training.completed",
                                          {{"staff", staff.id.value()},
                                           {"course", course.id},
                                           {"manual_acknowledged", in.manual_acknowledged}},
                                          nullptr));
    return Status::Ok();
  }));
  return row;
}

Result<store::ComplianceRecordRow> RecordDisciplinaryAction(store::Store& store, CarrierId carrier,
                                                            const DisciplinaryActionInput& in,
                                                            const Actor& actor) {
  RETURN_IF_ERROR(CheckText(in.violation, "violation", true));
  RETURN_IF_ERROR(CheckText(in.action, "action", true, kMaxNameBytes));
  store::ComplianceRecordRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(Staff staff, StaffOf(tx, carrier, in.staff));
    ASSIGN_OR_RETURN(CivilDate on, RecordDate(rules, actor.now, in.taken_on, "taken_on"));
    row.carrier = carrier;
    row.kind = kDisciplinaryAction;
    row.occurred_on = on.ToString();
    row.staff_id = staff.id.value();
    row.category = in.action;
    row.status = "taken";
    row.details = json{{"violation", in.violation}, {"action", in.action}}.dump();
    // What the staff member did is personnel data: payload, not body.
    const json payload = {{"violation", in.violation}, {"action", in.action}};
    ASSIGN_OR_RETURN(row, InsertWithEntry(tx, row, actor, "discipline.recorded",
                                          {{"staff", staff.id.value()}}, &payload));
    return Status::Ok();
  }));
  return row;
}

Result<store::ComplianceRecordRow> RecordComplaint(store::Store& store, CarrierId carrier,
                                                   const ComplaintInput& in, const Actor& actor) {
  ASSIGN_OR_RETURN(rules::ComplaintCategory category, rules::ParseComplaintCategory(in.category));
  RETURN_IF_ERROR(CheckText(in.channel, "channel", true, 64));
  RETURN_IF_ERROR(CheckText(in.summary, "summary", true));
  RETURN_IF_ERROR(CheckText(in.outcome, "outcome", false));
  store::ComplianceRecordRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    if (in.customer) {
      auto customer = tx.GetCustomer(carrier, *in.customer);
      if (!customer.ok()) {
        return Status(StatusCode::kNotFound,
                      "no customer " + in.customer->ToString() + " for this carrier", "customer");
      }
    }
    ASSIGN_OR_RETURN(CivilDate on, RecordDate(rules, actor.now, in.received_on, "received_on"));
    row.carrier = carrier;
    row.kind = kComplaint;
    row.occurred_on = on.ToString();
    if (in.customer) row.customer_id = in.customer->value();
    row.category = rules::ComplaintCategoryName(category);
    row.status = in.outcome.empty() ? "open" : "resolved";
    row.details = json{{"channel", in.channel}, {"summary", in.summary}, {"outcome", in.outcome}}
                      .dump();
    const json payload = {{"summary", in.summary}, {"outcome", in.outcome}};
    ASSIGN_OR_RETURN(row, InsertWithEntry(tx, row, actor, "complaint.received",
                                          {{"category", row.category},
                                           {"channel", in.channel},
                                           {"status", row.status}},
                                          &payload));
    return Status::Ok();
  }));
  return row;
}

Result<store::ComplianceRecordRow> ResolveComplaint(store::Store& store, CarrierId carrier,
                                                    int64_t id, const std::string& outcome,
                                                    const Actor& actor) {
  RETURN_IF_ERROR(CheckText(outcome, "outcome", true));
  store::ComplianceRecordRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetComplianceRecord(carrier, kComplaint, id));
    if (row.status == "resolved") {
      return Status(StatusCode::kFailedPrecondition,
                    "complaint " + std::to_string(id) + " is already resolved", "outcome");
    }
    json details = json::parse(row.details, nullptr, false);
    if (!details.is_object()) details = json::object();
    details["outcome"] = outcome;
    details["resolved_at"] = actor.now.ToRfc3339();
    row.status = "resolved";
    row.details = details.dump();
    const json payload = {{"outcome", outcome}};
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "complaint.resolved",
                                         Subject(kComplaint, id), {{"id", id}}, &payload)));
    row.ledger_seq = appended.seq;
    return tx.UpdateComplianceRecord(row);
  }));
  return row;
}

Result<store::ComplianceRecordRow> RecordBrokerAction(store::Store& store, CarrierId carrier,
                                                      const BrokerActionInput& in,
                                                      const Actor& actor) {
  ASSIGN_OR_RETURN(rules::BrokerForum forum, rules::ParseBrokerForum(in.forum));
  RETURN_IF_ERROR(CheckText(in.broker, "broker", true, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText(in.docket, "docket", false, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText(in.status, "status", true, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText(in.description, "description", false));
  store::ComplianceRecordRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(CivilDate on, RecordDate(rules, actor.now, in.filed_on, "filed_on"));
    row.carrier = carrier;
    row.kind = kBrokerAction;
    row.occurred_on = on.ToString();
    row.category = rules::BrokerForumName(forum);
    row.status = in.status;
    row.details = json{{"broker", in.broker}, {"docket", in.docket}, {"description", in.description}}
                      .dump();
    // A data broker is a business and a docket is public: the body keeps them.
    ASSIGN_OR_RETURN(row, InsertWithEntry(tx, row, actor, "broker_action.recorded",
                                          {{"forum", row.category},
                                           {"broker", in.broker},
                                           {"docket", in.docket},
                                           {"status", in.status}},
                                          nullptr));
    return Status::Ok();
  }));
  return row;
}

Result<store::ComplianceRecordRow> UpdateBrokerAction(store::Store& store, CarrierId carrier,
                                                      int64_t id, const std::string& status,
                                                      const Actor& actor) {
  RETURN_IF_ERROR(CheckText(status, "status", true, kMaxNameBytes));
  store::ComplianceRecordRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetComplianceRecord(carrier, kBrokerAction, id));
    row.status = status;
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "broker_action.updated",
                                         Subject(kBrokerAction, id),
                                         {{"id", id}, {"status", status}})));
    row.ledger_seq = appended.seq;
    return tx.UpdateComplianceRecord(row);
  }));
  return row;
}

Result<store::ComplianceRecordRow> RecordPretexterReview(store::Store& store, CarrierId carrier,
                                                         const PretexterReviewInput& in,
                                                         const Actor& actor) {
  RETURN_IF_ERROR(CheckText(in.summary, "summary", true));
  RETURN_IF_ERROR(CheckText(in.steps, "steps", false));
  store::ComplianceRecordRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    const CivilDate today = rules.zone->LocalDate(actor.now);
    if (in.year < rules::kFirstCertificationYear || in.year > today.year) {
      return Status::InvalidArgument("year " + std::to_string(in.year) +
                                         " is not a year that has begun",
                                     "year");
    }
    ASSIGN_OR_RETURN(auto flags,
                     tx.ListPretextingFlags(carrier, "",
                                            rules.zone->StartOfDay(CivilDate{in.year, 1, 1}),
                                            rules.zone->StartOfDay(CivilDate{in.year + 1, 1, 1})));
    std::map<std::string, int64_t> by_kind;
    for (const auto& f : flags) ++by_kind[f.kind];
    row.carrier = carrier;
    row.kind = kPretexterReview;
    row.occurred_on = today.ToString();
    row.category = std::to_string(in.year);
    row.status = "reviewed";
    row.details = json{{"year", in.year},
                       {"summary", in.summary},
                       {"steps", in.steps},
                       {"flags", static_cast<int64_t>(flags.size())},
                       {"flags_by_kind", by_kind}}
                      .dump();
    ASSIGN_OR_RETURN(row, InsertWithEntry(tx, row, actor, "pretexter.reviewed",
                                          {{"year", in.year},
                                           {"flags", static_cast<int64_t>(flags.size())}},
                                          nullptr));
    return Status::Ok();
  }));
  return row;
}

Result<store::Page<store::ComplianceRecordRow>> ListComplianceRecords(
    store::Store& store, CarrierId carrier, const std::string& kind, int year, int64_t after,
    int limit) {
  RETURN_IF_ERROR(ValidateRecordKind(kind));
  store::Page<store::ComplianceRecordRow> page;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    store::ComplianceRecordFilter f{carrier, kind, "", ""};
    // A pretexter review is filed under the year it covers (its category).
    if (year != 0 && kind != kPretexterReview) {
      f.from = YearStart(year);
      f.to = YearEnd(year);
    }
    ASSIGN_OR_RETURN(page, tx.ListComplianceRecords(f, after, limit));
    if (year != 0 && kind == kPretexterReview) {
      std::erase_if(page.items, [&](const auto& r) { return r.category != std::to_string(year); });
    }
    return Status::Ok();
  }));
  return page;
}

json ComplianceRecordToJson(const store::ComplianceRecordRow& r) {
  json details = json::parse(r.details, nullptr, false);
  if (!details.is_object()) details = json::object();
  json j = {{"id", r.id},
            {"kind", r.kind},
            {"occurred_on", r.occurred_on},
            {"category", r.category},
            {"status", r.status},
            {"details", details},
            {"recorded_at", r.recorded_at.ToRfc3339()},
            {"recorded_by", r.recorded_by},
            {"ledger_seq", r.ledger_seq}};
  j["staff"] = r.staff_id ? json(*r.staff_id) : json(nullptr);
  j["customer"] = r.customer_id ? json(*r.customer_id) : json(nullptr);
  j["course"] = r.course_id ? json(*r.course_id) : json(nullptr);
  return j;
}

json TrainingCourseToJson(const store::TrainingCourseRow& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"version", c.version},
          {"policy_version", c.policy_version},
          {"created_at", c.created_at.ToRfc3339()},
          {"ledger_seq", c.ledger_seq},
          {"topics", SplitList(c.topics, ';')}};
}

Result<std::vector<TrainingDue>> ListTrainingDue(store::Store& store, CarrierId carrier,
                                                 Instant now) {
  std::vector<TrainingDue> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    const CivilDate today = rules.zone->LocalDate(now);
    ASSIGN_OR_RETURN(auto staff, tx.ListStaff(carrier));
    ASSIGN_OR_RETURN(auto last, tx.LatestRecordByStaff(carrier, kTrainingCompletion));
    for (Staff& s : staff) {
      if (!s.active) continue;
      // Systems (API tokens for machines) are not trained.
      if (s.roles.size() == 1 && s.roles[0] == Role::kSystem) continue;
      std::optional<CivilDate> completed;
      if (auto it = last.find(s.id.value()); it != last.end()) {
        auto d = CivilDate::Parse(it->second);
        if (d.ok()) completed = *d;
      }
      auto due = rules::TrainingDueOn(rules.policy->policy, s.hired_on, completed);
      if (!due) continue;
      out.push_back({std::move(s), *due, completed, *due < today});
    }
    return Status::Ok();
  }));
  std::sort(out.begin(), out.end(), [](const TrainingDue& a, const TrainingDue& b) {
    return a.due_on != b.due_on ? a.due_on < b.due_on : a.staff.id < b.staff.id;
  });
  return out;
}

json TrainingDueToJson(const TrainingDue& d) {
  return {{"staff", d.staff.id.value()},
          {"name", d.staff.name},
          {"due_on", d.due_on.ToString()},
          {"last_completed", d.last_completed ? json(d.last_completed->ToString()) : json(nullptr)},
          {"overdue", d.overdue},
          {"citation", rules::kTrainingCitation}};
}

bool CertificationReadiness::ready() const {
  return std::all_of(gaps.begin(), gaps.end(), [](const auto& g) { return g.field == "signed"; });
}

namespace {

// The facts of `year`, read in one transaction (counts over the indexes).
struct YearRecords {
  Carrier carrier;
  std::shared_ptr<const StoredPolicy> policy;
  CivilDate today;
  std::vector<store::ComplianceCount> complaints;
  std::vector<store::ComplianceRecordRow> brokers;
  std::optional<store::ComplianceRecordRow> pretexter_review;
  int64_t flags = 0;
  int64_t trainings = 0;
  int64_t disciplinary = 0;
  bool signed_already = false;
  ledger::Head head;
  bool sim_training_applies = false;
  int sim_training_missing = 0;
};

bool TakesCustomerContacts(const Staff& s) {
  return std::any_of(s.roles.begin(), s.roles.end(),
                     [](Role r) { return r == Role::kCsr || r == Role::kSupervisor; });
}

Result<YearRecords> ReadYear(store::Tx& tx, CarrierId carrier, int year, Instant now,
                             const rules::RuleConfig& config) {
  YearRecords y;
  ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
  ASSIGN_OR_RETURN(y.carrier, tx.GetCarrier(carrier));
  y.policy = rules.policy;
  y.today = rules.zone->LocalDate(now);
  RETURN_IF_ERROR(rules::ValidateCertificationYear(year, y.today));
  const store::ComplianceRecordFilter in_year{carrier, "", YearStart(year), YearEnd(year)};
  auto of_kind = [&](const char* kind) {
    store::ComplianceRecordFilter f = in_year;
    f.kind = kind;
    return f;
  };
  ASSIGN_OR_RETURN(y.complaints, tx.CountComplianceRecords(of_kind(kComplaint)));
  for (const char* kind : {kTrainingCompletion, kDisciplinaryAction}) {
    ASSIGN_OR_RETURN(auto counts, tx.CountComplianceRecords(of_kind(kind)));
    int64_t n = 0;
    for (const auto& c : counts) n += c.count;
    (kind == kTrainingCompletion ? y.trainings : y.disciplinary) = n;
  }
  // Broker actions are few: read them whole, a page at a time.
  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_RETURN(auto page, tx.ListComplianceRecords(of_kind(kBrokerAction), after, 1000));
    for (auto& r : page.items) y.brokers.push_back(std::move(r));
    if (!page.next) break;
    after = *page.next;
  }
  // The latest review of the year (reviews are filed under the year they cover).
  after = 0;
  for (;;) {
    ASSIGN_OR_RETURN(auto page, tx.ListComplianceRecords(
                                    store::ComplianceRecordFilter{carrier, kPretexterReview, "", ""},
                                    after, 1000));
    for (auto& r : page.items) {
      if (r.category == std::to_string(year)) y.pretexter_review = std::move(r);
    }
    if (!page.next) break;
    after = *page.next;
  }
  ASSIGN_OR_RETURN(auto flags, tx.ListPretextingFlags(carrier, "",
                                                      rules.zone->StartOfDay(CivilDate{year, 1, 1}),
                                                      rules.zone->StartOfDay(CivilDate{year + 1, 1, 1})));
  y.flags = static_cast<int64_t>(flags.size());
  ASSIGN_OR_RETURN(auto existing, tx.ListCertifications(carrier, year));
  y.signed_already = std::any_of(existing.begin(), existing.end(),
                                 [](const auto& c) { return c.state == "signed"; });
  ASSIGN_OR_RETURN(y.head, tx.LedgerHead(carrier));
  // 64.2010(h)(7): in force by the end of the year, for a wireless provider.
  const Instant year_end = rules.zone->StartOfDay(CivilDate{year + 1, 1, 1}) + (-1);
  y.sim_training_applies = y.policy->policy.sim_protections &&
                           rules::RuleSetFor(year_end, config).SimChangeInForce(year_end);
  if (y.sim_training_applies) {
    ASSIGN_OR_RETURN(auto staff, tx.ListStaff(carrier));
    ASSIGN_OR_RETURN(auto trained,
                     tx.StaffTrainedOn(carrier, std::string(rules::kSimChangeTrainingTopic)));
    for (const Staff& s : staff) {
      if (s.active && TakesCustomerContacts(s) && !trained.count(s.id.value())) {
        ++y.sim_training_missing;
      }
    }
  }
  return y;
}

}  // namespace

Result<CertificationReadiness> PrepareCertification(store::Store& store, CarrierId carrier,
                                                    int year, Instant now,
                                                    const rules::RuleConfig& config) {
  RETURN_IF_ERROR(rules::ValidateRuleConfig(config));
  YearRecords y;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(y, ReadYear(tx, carrier, year, now, config));
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(auto training, ListTrainingDue(store, carrier, now));
  ASSIGN_OR_RETURN(auto due, ListDueObligations(store, carrier, now));
  CertificationReadiness r;
  r.carrier = carrier;
  r.carrier_name = y.carrier.legal_name;
  r.year = year;
  r.due_on = rules::CertificationDueDate(year);
  rules::CertificationFacts& f = r.facts;
  f.year = year;
  f.policy_set = !y.policy->floor();
  f.signatory_officers = static_cast<int>(std::count_if(
      y.carrier.officers.begin(), y.carrier.officers.end(), [](const Officer& o) { return o.signatory; }));
  f.staff_training_overdue =
      static_cast<int>(std::count_if(training.begin(), training.end(), [](const auto& t) { return t.overdue; }));
  f.sim_training_applies = y.sim_training_applies;
  f.sim_training_missing = y.sim_training_missing;
  std::set<int64_t> overdue_cases;
  for (const auto& d : due) {
    if (d.overdue) overdue_cases.insert(d.case_id);
  }
  f.breach_cases_overdue = static_cast<int>(overdue_cases.size());
  for (const auto& c : y.complaints) {
    if (c.status == "open") f.complaints_open += static_cast<int>(c.count);
  }
  f.pretexter_summary = y.pretexter_review.has_value();
  f.already_signed = y.signed_already;
  r.gaps = rules::CertificationGaps(f);
  return r;
}

json ReadinessToJson(const CertificationReadiness& r) {
  json gaps = json::array();
  for (const auto& g : r.gaps) {
    gaps.push_back({{"field", g.field}, {"citation", g.citation}, {"message", g.message}});
  }
  const auto& f = r.facts;
  return {{"carrier", r.carrier.value()},
          {"carrier_name", r.carrier_name},
          {"year", r.year},
          {"due_on", r.due_on.ToString()},
          {"ready", r.ready()},
          {"gaps", gaps},
          {"facts", {{"policy_set", f.policy_set},
                     {"signatory_officers", f.signatory_officers},
                     {"staff_training_overdue", f.staff_training_overdue},
                     {"sim_training_applies", f.sim_training_applies},
                     {"sim_training_missing", f.sim_training_missing},
                     {"breach_cases_overdue", f.breach_cases_overdue},
                     {"complaints_open", f.complaints_open},
                     {"pretexter_summary", f.pretexter_summary},
                     {"already_signed", f.already_signed}}},
          {"citation", rules::kCertificationCitation}};
}

Result<store::CertificationRow> BuildCertification(store::Store& store, CarrierId carrier,
                                                   int year, const BuildOptions& options,
                                                   const Actor& actor) {
  ASSIGN_OR_RETURN(CertificationReadiness readiness,
                   PrepareCertification(store, carrier, year, actor.now, options.rule_config));
  store::CertificationRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(YearRecords y, ReadYear(tx, carrier, year, actor.now, options.rule_config));
    ASSIGN_OR_RETURN(Officer officer, SigningOfficer(y.carrier, options.officer));
    const rules::RuleSet rule_set = rules::RuleSetFor(
        rules::FederalEffectiveInstant(CivilDate{year, 12, 31}), options.rule_config);
    report::CertificationFacts doc;
    doc.year = year;
    doc.due_on = readiness.due_on.ToString();
    doc.prepared_on = y.today.ToString();
    doc.carrier_name = y.carrier.legal_name;
    doc.filer_id_499 = y.carrier.filer_id_499;
    doc.carrier_address = y.carrier.address.street.empty() ? "" : y.carrier.address.OneLine();
    doc.officer_name = officer.name;
    doc.officer_title = officer.title;
    doc.officer_statement = rules::OfficerCertificationText(officer.name, y.carrier.legal_name);
    for (const auto& c : rules::AccompanyingStatement(y.carrier.legal_name, y.policy->policy, rule_set)) {
      doc.statement.push_back({c.heading, c.text, c.citations});
    }
    for (const auto& b : y.brokers) {
      const json d = json::parse(b.details, nullptr, false);
      auto forum = rules::ParseBrokerForum(b.category);
      doc.broker_actions.push_back(
          {b.occurred_on, forum.ok() ? rules::BrokerForumTitle(*forum) : b.category,
           d.is_object() ? d.value("broker", "") : "", d.is_object() ? d.value("docket", "") : "",
           b.status, d.is_object() ? d.value("description", "") : ""});
    }
    for (int i = 0; i < rules::kComplaintCategoryCount; ++i) {
      const auto category = static_cast<rules::ComplaintCategory>(i);
      report::ComplaintLine line{rules::ComplaintCategoryName(category),
                                 rules::ComplaintCategoryTitle(category), 0, 0};
      for (const auto& c : y.complaints) {
        if (c.category != line.category) continue;
        line.count += c.count;
        if (c.status == "resolved") line.resolved += c.count;
      }
      doc.complaints.push_back(line);
    }
    if (y.pretexter_review) {
      const json d = json::parse(y.pretexter_review->details, nullptr, false);
      if (d.is_object()) {
        doc.pretexter_summary = d.value("summary", "");
        doc.pretexter_steps = d.value("steps", "");
      }
    }
    doc.pretexting_flags = y.flags;
    doc.training_completions = y.trainings;
    doc.disciplinary_actions = y.disciplinary;
    doc.ledger_size = y.head.size;
    doc.ledger_root = ledger::HashHex(y.head.root);
    doc.policy_name = y.policy->policy.name;
    doc.policy_version = y.policy->policy.version;
    doc.rule_set = std::string(rule_set.name);
    doc.ready = readiness.ready();
    for (const auto& g : readiness.gaps) doc.gaps.push_back(g.message + " (" + g.citation + ")");

    row.carrier = carrier;
    row.year = year;
    row.state = "built";
    row.built_at = actor.now;
    row.built_by = actor.id;
    row.officer_name = officer.name;
    row.officer_title = officer.title;
    row.document = report::CertificationToJson(doc).dump();
    row.pdf = report::CertificationPdf(doc);
    row.pdf_sha256 = ledger::HashHex(ledger::Sha256Of(row.pdf));
    row.ledger_size = doc.ledger_size;
    row.ledger_root = doc.ledger_root;
    ASSIGN_OR_RETURN(row.id, tx.InsertCertification(row));
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "certification.built",
                                         Subject("certification", row.id),
                                         {{"id", row.id},
                                          {"year", year},
                                          {"ready", doc.ready},
                                          {"pdf_sha256", row.pdf_sha256},
                                          {"ledger_size", row.ledger_size},
                                          {"ledger_root", row.ledger_root}})));
    row.ledger_seq = appended.seq;
    return tx.SetCertificationLedgerSeq(carrier, row.id, row.ledger_seq);
  }));
  return row;
}

Result<store::CertificationRow> SignCertification(store::Store& store, CarrierId carrier,
                                                  int64_t id, const std::string& officer,
                                                  bool reviewed_evidence, const Actor& actor) {
  if (!reviewed_evidence) {
    return Status::InvalidArgument(
        "the officer must state that they reviewed the evidence the certification rests on "
        "(47 CFR 64.2009(e): personal knowledge)",
        "reviewed");
  }
  store::CertificationRow row;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetCertification(carrier, id));
    if (officer != row.officer_name) {
      return Status::InvalidArgument("certification " + std::to_string(id) + " is to be signed by " +
                                         row.officer_name + ", not '" + officer + "'",
                                     "officer");
    }
    ASSIGN_OR_RETURN(Carrier c, tx.GetCarrier(carrier));
    RETURN_IF_ERROR(SigningOfficer(c, officer).status());
    ASSIGN_OR_RETURN(report::CertificationFacts doc,
                     report::CertificationFromJson(json::parse(row.document, nullptr, false)));
    if (row.state == "signed") {
      return Status(StatusCode::kFailedPrecondition,
                    "certification " + std::to_string(id) + " is already signed", "certification");
    }
    if (!doc.ready) {
      return Status(StatusCode::kFailedPrecondition,
                    "certification " + std::to_string(id) +
                        " was built as a draft, not ready to file; resolve what `certification "
                        "prepare` lists and build again",
                    "certification");
    }
    ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, carrier));
    doc.signed_on = rules.zone->LocalDate(actor.now).ToString();
    doc.signed_by = officer;
    row.document = report::CertificationToJson(doc).dump();
    row.pdf = report::CertificationPdf(doc);
    row.pdf_sha256 = ledger::HashHex(ledger::Sha256Of(row.pdf));
    row.state = "signed";
    row.signed_at = actor.now;
    row.signed_by = officer;
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "certification.signed",
                                         Subject("certification", id),
                                         {{"id", id},
                                          {"year", row.year},
                                          {"officer_title", row.officer_title},
                                          {"reviewed_evidence", true},
                                          {"pdf_sha256", row.pdf_sha256}},
                                         nullptr)));
    row.ledger_seq = appended.seq;
    return tx.SignCertification(row);
  }));
  return row;
}

Result<store::CertificationRow> GetCertification(store::Store& store, CarrierId carrier,
                                                 int64_t id) {
  store::CertificationRow row;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetCertification(carrier, id));
    return Status::Ok();
  }));
  return row;
}

Result<std::vector<store::CertificationRow>> ListCertifications(store::Store& store,
                                                                CarrierId carrier, int year) {
  std::vector<store::CertificationRow> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(out, tx.ListCertifications(carrier, year));
    return Status::Ok();
  }));
  return out;
}

json CertificationToJson(const store::CertificationRow& c, bool full) {
  json j = {{"id", c.id},
            {"carrier", c.carrier.value()},
            {"year", c.year},
            {"state", c.state},
            {"due_on", rules::CertificationDueDate(static_cast<int>(c.year)).ToString()},
            {"built_at", c.built_at.ToRfc3339()},
            {"built_by", c.built_by},
            {"officer", {{"name", c.officer_name}, {"title", c.officer_title}}},
            {"pdf_sha256", c.pdf_sha256},
            {"pdf_bytes", static_cast<int64_t>(c.pdf.size())},
            {"ledger", {{"size", c.ledger_size}, {"root", c.ledger_root}}},
            {"signed_at", c.signed_at ? json(c.signed_at->ToRfc3339()) : json(nullptr)},
            {"signed_by", c.signed_by.empty() ? json(nullptr) : json(c.signed_by)},
            {"ledger_seq", c.ledger_seq}};
  const json doc = json::parse(c.document, nullptr, false);
  j["ready"] = doc.is_object() ? doc.value("ready", false) : false;
  if (full) j["document"] = doc;
  return j;
}

Result<std::vector<CertificationDue>> ListCertificationsDue(store::Store& store, Instant now) {
  std::vector<CertificationDue> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto carriers, tx.ListCarriers());
    for (const Carrier& c : carriers) {
      ASSIGN_OR_RETURN(CarrierRules rules, LoadCarrierRules(tx, c.id));
      const CivilDate today = rules.zone->LocalDate(now);
      // The filing for last year, until it is signed; then next year's.
      int year = today.year - 1;
      ASSIGN_OR_RETURN(auto filed, tx.ListCertifications(c.id, year));
      const bool done = std::any_of(filed.begin(), filed.end(),
                                    [](const auto& f) { return f.state == "signed"; });
      out.push_back({c.id, c.legal_name, done ? year + 1 : year,
                     rules::CertificationDueDate(done ? year + 1 : year)});
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace proprio::services
