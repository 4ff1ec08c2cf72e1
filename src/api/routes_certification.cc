// /v1/carriers/{carrier}/...: the annual CPNI certification (47 CFR
// 64.2009(e)) and its records — training courses, completions and what is
// due (64.2009(b)), disciplinary actions, complaints, actions against data
// brokers, pretexter reviews — and the filings: readiness, build, the PDF,
// the officer's signature. Handlers parse and serialise;
// services/certification.h decides.
//
// Signing: the signed-in staff member must be the officer the filing names (a
// signatory officer of the carrier, 47 CFR 64.2009(e)) and state that they
// reviewed the evidence.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/certification.h"

namespace proprio::api {

using nlohmann::json;

namespace {

// Who keeps the records; who reads them (auditors, the general counsel).
const std::vector<Role> kRecordWriters = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                          Role::kSupervisor};
const std::vector<Role> kRecordReaders = {Role::kAdmin, Role::kComplianceOfficer,
                                          Role::kGeneralCounsel, Role::kSupervisor,
                                          Role::kAuditor};
const std::vector<Role> kFilingWriters = {Role::kComplianceOfficer, Role::kGeneralCounsel};

json RecordSchema() {
  using namespace schema;
  return Object({{"id", Integer()},
                 {"kind", Enum({"training_completion", "disciplinary_action", "complaint",
                                "broker_action", "pretexter_review"})},
                 {"occurred_on", Date()},
                 {"category", String()},
                 {"status", String()},
                 {"details", {{"type", "object"},
                              {"description", "the record's own fields, as the kind has them"},
                              {"additionalProperties", json::object()}}},
                 {"recorded_at", DateTime()},
                 {"recorded_by", String()},
                 {"ledger_seq", Integer()},
                 {"staff", Nullable(Integer())},
                 {"customer", Nullable(Integer())},
                 {"course", Nullable(Integer())}},
                {"id", "kind", "occurred_on", "category", "status", "details", "recorded_at",
                 "recorded_by", "ledger_seq", "staff", "customer", "course"});
}

json CourseSchema() {
  using namespace schema;
  return Object({{"id", Integer()},
                 {"title", String()},
                 {"version", String()},
                 {"policy_version", Integer()},
                 {"created_at", DateTime()},
                 {"ledger_seq", Integer()},
                 {"topics", ArrayOf(Enum({"cpni", "sim_change"}))}},
                {"id", "title", "version", "policy_version", "created_at", "ledger_seq", "topics"});
}

json CertificationSchema(bool full) {
  using namespace schema;
  json props = {{"id", Integer()},
                {"carrier", Integer()},
                {"year", Integer()},
                {"state", Enum({"built", "signed"})},
                {"due_on", Date()},
                {"built_at", DateTime()},
                {"built_by", String()},
                {"officer", Object({{"name", String()}, {"title", String()}}, {"name", "title"})},
                {"pdf_sha256", String()},
                {"pdf_bytes", Integer()},
                {"ledger", Object({{"size", Integer()}, {"root", String()}}, {"size", "root"})},
                {"signed_at", Nullable(DateTime())},
                {"signed_by", Nullable(String())},
                {"ledger_seq", Integer()},
                {"ready", Boolean()}};
  std::vector<std::string> required = {"id",        "carrier", "year",      "state",
                                       "due_on",    "built_at", "built_by", "officer",
                                       "pdf_sha256", "pdf_bytes", "ledger",  "signed_at",
                                       "signed_by", "ledger_seq", "ready"};
  if (full) {
    props["document"] = {{"type", "object"},
                         {"description", "the filing, format proprio-cpni-certification/1"},
                         {"additionalProperties", json::object()}};
    required.push_back("document");
  }
  return Object(props, required);
}

json RecordListSchema() {
  return schema::Object({{"records", schema::ArrayOf(RecordSchema())}}, {"records"});
}

// The `year` query parameter: 0 (absent) means every year.
Result<int> YearQuery(const Request& req) {
  ASSIGN_OR_RETURN(int64_t year, QueryInt(req, "year", 0, 0, 9999));
  return static_cast<int>(year);
}

Result<CivilDate> OptDate(ObjectReader& r, const char* name) {
  auto text = r.OptString(name, 10);
  if (!text) return CivilDate{};
  auto d = CivilDate::Parse(*text);
  if (!d.ok() || !d->Valid()) {
    return Status::InvalidArgument(std::string(name) + " must be a date YYYY-MM-DD", name);
  }
  return *d;
}

// Every record of `kind` (the records of a carrier's year are few: the
// certification summarises them).
void ListRecords(Api& api, const std::shared_ptr<Call>& call, const char* kind) {
  auto year = YearQuery(call->req);
  if (!year.ok()) return call->Fail(year.status());
  json items = json::array();
  int64_t after = 0;
  for (;;) {
    auto page = services::ListComplianceRecords(api.store(), call->carrier, kind, *year, after, 1000);
    if (!page.ok()) return call->Fail(page.status());
    for (const auto& r : page->items) items.push_back(services::ComplianceRecordToJson(r));
    if (!page->next) break;
    after = *page->next;
  }
  call->Json(200, {{"records", items}});
}

// Parses the body with `read`, runs `write`, and answers 201 with the record
// (the pipeline adds its Location).
void CreateRecord(
    const std::shared_ptr<Call>& call,
    const std::function<Result<store::ComplianceRecordRow>(ObjectReader&)>& write) {
  auto body = ParseJsonObject(call->req);
  if (!body.ok()) return call->Fail(body.status());
  ObjectReader r(*body);
  auto row = write(r);
  if (!row.ok()) return call->Fail(row.status());
  Response resp;
  resp.status = 201;
  resp.body = services::ComplianceRecordToJson(*row).dump(-1, ' ', false,
                                                          json::error_handler_t::replace);
  call->Send(std::move(resp));
}

RouteSpec ListRoute(Api& api, const std::string& pattern, const char* kind, std::string summary) {
  return RouteSpec{.method = "GET",
                   .pattern = pattern,
                   .summary = std::move(summary),
                   .tag = "certification",
                   .roles = kRecordReaders,
                   .query = {{"year", "integer", "only records of this calendar year"}},
                   .response_schema = RecordListSchema(),
                   .handler = [&api, kind](const std::shared_ptr<Call>& call) {
                     ListRecords(api, call, kind);
                   }};
}

RouteSpec CreateRoute(std::string pattern, std::string summary, json request_schema,
                      std::string collection,
                      std::function<Result<store::ComplianceRecordRow>(const std::shared_ptr<Call>&,
                                                                       ObjectReader&)>
                          write) {
  return RouteSpec{.method = "POST",
                   .pattern = std::move(pattern),
                   .summary = std::move(summary),
                   .tag = "certification",
                   .roles = kRecordWriters,
                   .request_type = "application/json",
                   .request_schema = std::move(request_schema),
                   .success_status = 201,
                   .response_schema = RecordSchema(),
                   .location = "/v1/carriers/{carrier}/" + collection + "/{/id}",
                   .handler = [write](const std::shared_ptr<Call>& call) {
                     CreateRecord(
                         call, [&](ObjectReader& r) { return write(call, r); });
                   }};
}

Response PdfResponse(std::string bytes, const std::string& file_name) {
  Response r;
  r.content_type = "application/pdf";
  r.body = std::move(bytes);
  r.Header("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  return r;
}

}  // namespace

void AddCertificationRoutes(Api& api, std::vector<RouteSpec>& routes) {
  using namespace schema;
  const std::string base = "/v1/carriers/{carrier}";

  // ---- training (64.2009(b)) ----
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/training/courses",
      .summary = "The carrier's CPNI training courses (47 CFR 64.2009(b))",
      .tag = "certification",
      .roles = kRecordReaders,
      .response_schema = Object({{"courses", ArrayOf(CourseSchema())}}, {"courses"}),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto courses = services::ListTrainingCourses(api.store(), call->carrier);
            if (!courses.ok()) return call->Fail(courses.status());
            json items = json::array();
            for (const auto& c : *courses) items.push_back(services::TrainingCourseToJson(c));
            call->Json(200, {{"courses", items}});
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/training/courses",
      .summary = "Add a training course (title, version, the policy version it teaches, what it "
                 "covers: cpni, 64.2009(b); sim_change, 64.2010(h)(7))",
      .tag = "certification",
      .roles = kRecordWriters,
      .request_type = "application/json",
      .request_schema = Object({{"title", String()}, {"version", String()},
                                {"policy_version", Integer()},
                                {"topics", ArrayOf(Enum({"cpni", "sim_change"}))}},
                               {"title", "version"}),
      .success_status = 201,
      .response_schema = CourseSchema(),
      .location = base + "/training/courses/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            services::TrainingCourseInput in;
            in.title = r.String("title", kMaxNameBytes);
            in.version = r.String("version", 64);
            in.policy_version = r.OptInt("policy_version", 0, 1'000'000'000).value_or(-1);
            in.topics = r.OptStringArray("topics", 8, 32).value_or(std::vector<std::string>{});
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto course = services::AddTrainingCourse(api.store(), call->carrier, in, call->actor);
            if (!course.ok()) return call->Fail(course.status());
            Response resp;
            resp.status = 201;
            resp.body = services::TrainingCourseToJson(*course).dump();
            call->Send(std::move(resp));
          }});
  routes.push_back(ListRoute(api, base + "/training/completions", services::kTrainingCompletion,
                             "Training completions (47 CFR 64.2009(b))"));
  routes.push_back(CreateRoute(
      base + "/training/completions",
      "Record that a staff member completed a course (and acknowledged the CPNI manual)",
      Object({{"staff", Integer()}, {"course", Integer()}, {"completed_on", Date()},
              {"manual_acknowledged", Boolean()}},
             {"staff", "course"}),
      "training/completions",
      [&api](const std::shared_ptr<Call>& call,
             ObjectReader& r) -> Result<store::ComplianceRecordRow> {
        services::TrainingCompletionInput in;
        in.staff = StaffId(r.OptInt("staff", 1, INT64_MAX).value_or(0));
        in.course_id = r.OptInt("course", 1, INT64_MAX).value_or(0);
        ASSIGN_OR_RETURN(in.completed_on, OptDate(r, "completed_on"));
        in.manual_acknowledged = r.OptBool("manual_acknowledged").value_or(false);
        if (!in.staff.valid()) r.Fail(Status::InvalidArgument("staff is required", "staff"));
        if (in.course_id == 0) r.Fail(Status::InvalidArgument("course is required", "course"));
        RETURN_IF_ERROR(r.Finish());
        return services::RecordTrainingCompletion(api.store(), call->carrier, in, call->actor);
      }));
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/training/due",
      .summary = "Staff with a CPNI training due date under the carrier's policy, soonest first "
                 "(47 CFR 64.2009(b))",
      .tag = "certification",
      .roles = kRecordReaders,
      .response_schema =
          Object({{"due", ArrayOf(Object({{"staff", Integer()},
                                          {"name", String()},
                                          {"due_on", Date()},
                                          {"last_completed", Nullable(Date())},
                                          {"overdue", Boolean()},
                                          {"citation", String()}},
                                         {"staff", "name", "due_on", "last_completed", "overdue",
                                          "citation"}))},
                  {"overdue", Integer()}},
                 {"due", "overdue"}),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto due = services::ListTrainingDue(api.store(), call->carrier, call->actor.now);
            if (!due.ok()) return call->Fail(due.status());
            json items = json::array();
            int64_t overdue = 0;
            for (const auto& d : *due) {
              items.push_back(services::TrainingDueToJson(d));
              overdue += d.overdue ? 1 : 0;
            }
            call->Json(200, {{"due", items}, {"overdue", overdue}});
          }});

  // ---- discipline, complaints, data brokers, pretexters ----
  routes.push_back(ListRoute(api, base + "/disciplinary-actions", services::kDisciplinaryAction,
                             "Disciplinary actions for CPNI violations (47 CFR 64.2009(b))"));
  routes.push_back(CreateRoute(
      base + "/disciplinary-actions", "Record a disciplinary action against a staff member",
      Object({{"staff", Integer()}, {"taken_on", Date()}, {"violation", String()},
              {"action", String()}},
             {"staff", "violation", "action"}),
      "disciplinary-actions",
      [&api](const std::shared_ptr<Call>& call,
             ObjectReader& r) -> Result<store::ComplianceRecordRow> {
        services::DisciplinaryActionInput in;
        in.staff = StaffId(r.OptInt("staff", 1, INT64_MAX).value_or(0));
        ASSIGN_OR_RETURN(in.taken_on, OptDate(r, "taken_on"));
        in.violation = r.String("violation", 4000);
        in.action = r.String("action", kMaxNameBytes);
        if (!in.staff.valid()) r.Fail(Status::InvalidArgument("staff is required", "staff"));
        RETURN_IF_ERROR(r.Finish());
        return services::RecordDisciplinaryAction(api.store(), call->carrier, in, call->actor);
      }));
  routes.push_back(ListRoute(api, base + "/complaints", services::kComplaint,
                             "Customer complaints about unauthorized release of CPNI "
                             "(47 CFR 64.2009(e))"));
  routes.push_back(CreateRoute(
      base + "/complaints", "Record a customer complaint about unauthorized release of CPNI",
      Object({{"received_on", Date()},
              {"channel", String()},
              {"category",
               Enum({"employee_access", "unauthorized_disclosure", "online_access", "other"})},
              {"customer", Integer()},
              {"summary", String()},
              {"outcome", String()}},
             {"channel", "category", "summary"}),
      "complaints",
      [&api](const std::shared_ptr<Call>& call,
             ObjectReader& r) -> Result<store::ComplianceRecordRow> {
        services::ComplaintInput in;
        ASSIGN_OR_RETURN(in.received_on, OptDate(r, "received_on"));
        in.channel = r.String("channel", 64);
        in.category = r.String("category", 64);
        if (auto c = r.OptInt("customer", 1, INT64_MAX)) in.customer = CustomerId(*c);
        in.summary = r.String("summary", 4000);
        in.outcome = r.OptString("outcome", 4000).value_or("");
        RETURN_IF_ERROR(r.Finish());
        return services::RecordComplaint(api.store(), call->carrier, in, call->actor);
      }));
  routes.push_back(CreateRoute(
      base + "/complaints/{complaint}/resolution", "Record how a complaint was resolved",
      Object({{"outcome", String()}}, {"outcome"}), "complaints",
      [&api](const std::shared_ptr<Call>& call,
             ObjectReader& r) -> Result<store::ComplianceRecordRow> {
        ASSIGN_OR_RETURN(int64_t id, call->IdParam("complaint"));
        const std::string outcome = r.String("outcome", 4000);
        RETURN_IF_ERROR(r.Finish());
        return services::ResolveComplaint(api.store(), call->carrier, id, outcome, call->actor);
      }));
  routes.push_back(ListRoute(api, base + "/broker-actions", services::kBrokerAction,
                             "Actions taken against data brokers (47 CFR 64.2009(e))"));
  routes.push_back(CreateRoute(
      base + "/broker-actions",
      "Record a proceeding or petition against a data broker (court, state commission, FCC)",
      Object({{"filed_on", Date()},
              {"forum", Enum({"court", "state_commission", "fcc"})},
              {"broker", String()},
              {"docket", String()},
              {"status", String()},
              {"description", String()}},
             {"forum", "broker"}),
      "broker-actions",
      [&api](const std::shared_ptr<Call>& call,
             ObjectReader& r) -> Result<store::ComplianceRecordRow> {
        services::BrokerActionInput in;
        ASSIGN_OR_RETURN(in.filed_on, OptDate(r, "filed_on"));
        in.forum = r.String("forum", 64);
        in.broker = r.String("broker", kMaxNameBytes);
        in.docket = r.OptString("docket", kMaxNameBytes).value_or("");
        in.status = r.OptString("status", kMaxNameBytes).value_or("pending");
        in.description = r.OptString("description", 4000).value_or("");
        RETURN_IF_ERROR(r.Finish());
        return services::RecordBrokerAction(api.store(), call->carrier, in, call->actor);
      }));
  routes.push_back(CreateRoute(
      base + "/broker-actions/{action}/status", "Record a new status of an action against a broker",
      Object({{"status", String()}}, {"status"}), "broker-actions",
      [&api](const std::shared_ptr<Call>& call,
             ObjectReader& r) -> Result<store::ComplianceRecordRow> {
        ASSIGN_OR_RETURN(int64_t id, call->IdParam("action"));
        const std::string status = r.String("status", kMaxNameBytes);
        RETURN_IF_ERROR(r.Finish());
        return services::UpdateBrokerAction(api.store(), call->carrier, id, status, call->actor);
      }));
  routes.push_back(ListRoute(api, base + "/pretexter-reviews", services::kPretexterReview,
                             "Reviews of what the carrier learned of pretexters "
                             "(47 CFR 64.2009(e))"));
  routes.push_back(CreateRoute(
      base + "/pretexter-reviews",
      "Summarise a year's pretexting flags and the steps taken (counts read from the flags)",
      Object({{"year", Integer()}, {"summary", String()}, {"steps", String()}},
             {"year", "summary"}),
      "pretexter-reviews",
      [&api](const std::shared_ptr<Call>& call,
             ObjectReader& r) -> Result<store::ComplianceRecordRow> {
        services::PretexterReviewInput in;
        in.year = static_cast<int>(r.OptInt("year", 0, 9999).value_or(0));
        in.summary = r.String("summary", 4000);
        in.steps = r.OptString("steps", 4000).value_or("");
        RETURN_IF_ERROR(r.Finish());
        return services::RecordPretexterReview(api.store(), call->carrier, in, call->actor);
      }));

  // ---- the filing (64.2009(e)) ----
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/certification-readiness/{year}",
      .summary = "Whether the year's certification is ready to file, its due date (47 CFR "
                 "1.4(j)) and what is missing",
      .tag = "certification",
      .roles = kRecordReaders,
      .response_schema = Object(
          {{"carrier", Integer()},
           {"carrier_name", String()},
           {"year", Integer()},
           {"due_on", Date()},
           {"ready", Boolean()},
           {"gaps", ArrayOf(Object({{"field", String()}, {"citation", String()},
                                    {"message", String()}},
                                   {"field", "citation", "message"}))},
           {"facts", {{"type", "object"},
                      {"description", "each fact the certification states, by name: a flag or "
                                      "a count"},
                      {"additionalProperties", {{"type", {"boolean", "integer"}}}}}},
           {"citation", String()}},
          {"carrier", "carrier_name", "year", "due_on", "ready", "gaps", "facts", "citation"}),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto year = call->IdParam("year");
            if (!year.ok()) return call->Fail(year.status());
            auto r = services::PrepareCertification(api.store(), call->carrier,
                                                    static_cast<int>(*year), call->actor.now,
                                                    api.options().rules);
            if (!r.ok()) return call->Fail(r.status());
            call->Json(200, services::ReadinessToJson(*r));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/certifications",
      .summary = "Build the year's certification (JSON and PDF) from the records; a filing that "
                 "is not ready is a draft",
      .tag = "certification",
      .roles = kFilingWriters,
      .request_type = "application/json",
      .request_schema = Object({{"year", Integer()}, {"officer", String()}}, {"year"}),
      .success_status = 201,
      .response_schema = CertificationSchema(false),
      .location = base + "/certifications/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const int year = static_cast<int>(r.OptInt("year", 0, 9999).value_or(0));
            if (!r.Has("year")) r.Fail(Status::InvalidArgument("year is required", "year"));
            services::BuildOptions options;
            options.officer = r.OptString("officer", kMaxNameBytes).value_or("");
            options.rule_config = api.options().rules;
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto row = services::BuildCertification(api.store(), call->carrier, year, options,
                                                    call->actor);
            if (!row.ok()) return call->Fail(row.status());
            Response resp;
            resp.status = 201;
            resp.body = services::CertificationToJson(*row, false).dump();
            call->Send(std::move(resp));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/certifications",
      .summary = "The carrier's certifications, newest first",
      .tag = "certification",
      .roles = kRecordReaders,
      .query = {{"year", "integer", "only filings for this calendar year"}},
      .response_schema =
          Object({{"certifications", ArrayOf(CertificationSchema(false))}}, {"certifications"}),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto year = YearQuery(call->req);
            if (!year.ok()) return call->Fail(year.status());
            auto rows = services::ListCertifications(api.store(), call->carrier, *year);
            if (!rows.ok()) return call->Fail(rows.status());
            json items = json::array();
            for (const auto& c : *rows) items.push_back(services::CertificationToJson(c, false));
            call->Json(200, {{"certifications", items}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/certifications/{certification}",
      .summary = "One certification with its filing document",
      .tag = "certification",
      .roles = kRecordReaders,
      .response_schema = CertificationSchema(true),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("certification");
            if (!id.ok()) return call->Fail(id.status());
            auto row = services::GetCertification(api.store(), call->carrier, *id);
            if (!row.ok()) return call->Fail(row.status());
            call->Json(200, services::CertificationToJson(*row, true));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/certifications/{certification}/filing.pdf",
      .summary = "The filing as PDF",
      .tag = "certification",
      .roles = kRecordReaders,
      .response_type = "application/pdf",
      .response_schema = {{"type", "string"}, {"format", "binary"}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("certification");
            if (!id.ok()) return call->Fail(id.status());
            auto row = services::GetCertification(api.store(), call->carrier, *id);
            if (!row.ok()) return call->Fail(row.status());
            call->Send(PdfResponse(row->pdf, "cpni-certification-" +
                                                 std::to_string(row->year) + "-" +
                                                 std::to_string(row->id) + ".pdf"));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/certifications/{certification}/signature",
      .summary = "The signed-in officer signs a ready filing, stating they reviewed the evidence",
      .tag = "certification",
      .request_type = "application/json",
      .request_schema = Object({{"reviewed_evidence", Boolean()}}, {"reviewed_evidence"}),
      .response_schema = CertificationSchema(false),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("certification");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const bool reviewed = r.OptBool("reviewed_evidence").value_or(false);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            if (!call->principal || !call->principal->staff) {
              return call->Fail(Status::PermissionDenied(
                  "a certification is signed by an officer of the carrier signed in as staff"));
            }
            // Only the officer the filing names may sign it.
            auto filing = services::GetCertification(api.store(), call->carrier, *id);
            if (!filing.ok()) return call->Fail(filing.status());
            if (filing->officer_name != call->principal->name) {
              return call->Fail(Status::PermissionDenied(
                  "certification " + std::to_string(*id) + " is to be signed by its officer, " +
                  filing->officer_name + " (47 CFR 64.2009(e))"));
            }
            auto row = services::SignCertification(api.store(), call->carrier, *id,
                                                    call->principal->name, reviewed, call->actor);
            if (!row.ok()) return call->Fail(row.status());
            call->Json(200, services::CertificationToJson(*row, false));
          }});
}

}  // namespace proprio::api
