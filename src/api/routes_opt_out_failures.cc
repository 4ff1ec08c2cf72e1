// /v1/carriers/{carrier}/opt-out-failures...: incidents where the carrier's
// opt-out mechanisms failed and the written notice to the Commission of 47
// CFR 64.2009(f): record (POST), list, read, change (PATCH, If-Match: the
// incident's ETag), the letter as PDF and text, and the record of its sending
// (POST .../fcc-notice). Handlers parse and serialise;
// services/opt_out_failures.h decides. Who writes: the compliance officer and
// the general counsel (as they build the certification); auditors read.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/opt_out_failures.h"

namespace proprio::api {

using nlohmann::json;

namespace {

const std::vector<Role> kWriters = {Role::kComplianceOfficer, Role::kGeneralCounsel};
const std::vector<Role> kReaders = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                    Role::kAuditor};

constexpr size_t kMaxText = 4000;

json NoticeSchema() {
  using namespace schema;
  return Object({{"state", Enum({"open", "met", "not_required"})},
                 {"due", Nullable(DateTime())},
                 {"due_local", Nullable(DateTime())},
                 {"last_day", Nullable(Date())},
                 {"time_left", Nullable(String())},
                 {"seconds_left", Nullable(Integer())},
                 {"overdue", Boolean()},
                 {"met_at", Nullable(DateTime())},
                 {"met_late", Boolean()},
                 {"governed_by", String()},
                 {"basis", ArrayOf(String())},
                 {"explanation", String()}},
                {"state", "due", "due_local", "last_day", "time_left", "seconds_left", "overdue",
                 "met_at", "met_late", "governed_by", "basis", "explanation"});
}

json IncidentSchema() {
  using namespace schema;
  return Object(
      {{"id", Integer()},
       {"carrier", Integer()},
       {"learned_at", DateTime()},
       {"learned_on", Date()},
       {"started_at", Nullable(DateTime())},
       {"mechanisms", String()},
       {"problems", String()},
       {"determination", Object({{"degree", Enum({"anomaly", "more_than_anomaly"})},
                                 {"by", String()},
                                 {"reasons", String()},
                                 {"at", DateTime()}},
                                {"degree", "by", "reasons", "at"})},
       {"remedy", String()},
       {"remedy_date", Nullable(Date())},
       {"state_commission_notified", Nullable(Boolean())},
       {"state_commission_action", String()},
       {"customer_notice", String()},
       {"contact", String()},
       {"status", Enum({"open", "not_required", "sent"})},
       {"notice", NoticeSchema()},
       {"missing", ArrayOf(String())},
       {"fcc_notice", Nullable(Object({{"sent_at", DateTime()},
                                       {"reference", String()},
                                       {"letter_date", Date()},
                                       {"text_sha256", String()}},
                                      {"sent_at", "reference", "letter_date", "text_sha256"}))},
       {"rule_set", String()},
       {"policy_version", Integer()},
       {"recorded_at", DateTime()},
       {"recorded_by", String()},
       {"ledger_seq", Integer()}},
      {"id", "carrier", "learned_at", "learned_on", "started_at", "mechanisms", "problems",
       "determination", "remedy", "remedy_date", "state_commission_notified",
       "state_commission_action", "customer_notice", "contact", "status", "notice", "missing",
       "fcc_notice", "rule_set", "policy_version", "recorded_at", "recorded_by", "ledger_seq"});
}

// The letter's contents, common to POST and PATCH.
json ContentProperties() {
  using namespace schema;
  return {{"remedy", String()},
          {"remedy_date", Date()},
          {"state_commission_notified", Boolean()},
          {"state_commission_action", String()},
          {"customer_notice", String()},
          {"contact", String()}};
}

json CreateSchema() {
  using namespace schema;
  json props = ContentProperties();
  props["learned_at"] = DateTime();
  props["started_at"] = DateTime();
  props["mechanisms"] = String();
  props["problems"] = String();
  props["determination"] = Enum({"anomaly", "more_than_anomaly"});
  props["determined_by"] = String();
  props["reasons"] = String();
  return Object(props,
                {"learned_at", "mechanisms", "problems", "determination", "determined_by"});
}

json PatchSchema() {
  using namespace schema;
  json props = ContentProperties();
  props["mechanisms"] = String();
  props["problems"] = String();
  props["determination"] = Enum({"anomaly", "more_than_anomaly"});
  props["determined_by"] = String();
  props["reasons"] = String();
  return Object(props, {});
}

std::optional<Instant> OptInstant(ObjectReader& r, const char* name) {
  auto text = r.OptString(name, 64);
  if (!text) return std::nullopt;
  auto t = Instant::Parse(*text);
  if (!t.ok()) {
    r.Fail(Status::InvalidArgument(std::string(name) + " must be an RFC 3339 instant", name));
    return std::nullopt;
  }
  return *t;
}

std::optional<CivilDate> OptDate(ObjectReader& r, const char* name) {
  auto text = r.OptString(name, 10);
  if (!text) return std::nullopt;
  auto d = CivilDate::Parse(*text);
  if (!d.ok() || !d->Valid()) {
    r.Fail(Status::InvalidArgument(std::string(name) + " must be a date YYYY-MM-DD", name));
    return std::nullopt;
  }
  return *d;
}

Response IncidentResponse(int status, const services::OptOutFailure& f, Instant now) {
  Response r;
  r.status = status;
  r.body = services::OptOutFailureToJson(f, now).dump(-1, ' ', false,
                                                      json::error_handler_t::replace);
  // The version is the incident's last ledger entry: PATCH names it in If-Match.
  r.Header("ETag", "\"" + std::to_string(f.row.ledger_seq) + "\"");
  return r;
}

// The version an If-Match header names (one strong ETag).
Result<int64_t> IfMatchVersion(const std::string& header) {
  std::string v(header);
  while (!v.empty() && v.front() == ' ') v.erase(0, 1);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  int64_t n = 0;
  bool ok = v.size() >= 3 && v.front() == '"' && v.back() == '"' && v.size() < 22;
  for (size_t i = 1; ok && i + 1 < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') ok = false;
    else n = n * 10 + (v[i] - '0');
  }
  if (!ok) {
    return Status::InvalidArgument("If-Match must be the ETag of the version read, e.g. \"42\"",
                                   "If-Match");
  }
  return n;
}

Response TextDocument(std::string body, const std::string& type, const std::string& file_name) {
  Response r;
  r.content_type = type;
  r.body = std::move(body);
  r.Header("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  return r;
}

}  // namespace

void AddOptOutFailureRoutes(Api& api, std::vector<RouteSpec>& routes) {
  using namespace schema;
  const std::string base = "/v1/carriers/{carrier}/opt-out-failures";
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base,
      .summary = "Record an opt-out mechanism failure and a person's determination whether "
                 "consumers' inability to opt out is more than an anomaly (47 CFR 64.2009(f)); "
                 "the answer carries the notice's due instant",
      .tag = "opt-out-failures",
      .roles = kWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = CreateSchema(),
      .success_status = 201,
      .response_schema = IncidentSchema(),
      .location = base + "/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            services::OptOutFailureInput in;
            in.learned_at = OptInstant(r, "learned_at").value_or(Instant());
            if (!r.Has("learned_at")) {
              r.Fail(Status::InvalidArgument("learned_at is required", "learned_at"));
            }
            in.started_at = OptInstant(r, "started_at");
            in.mechanisms = r.String("mechanisms", kMaxText);
            in.problems = r.String("problems", kMaxText);
            in.determination = r.String("determination", 64);
            in.determined_by = r.String("determined_by", kMaxNameBytes);
            in.reasons = r.OptString("reasons", kMaxText).value_or("");
            in.remedy = r.OptString("remedy", kMaxText).value_or("");
            in.remedy_date = OptDate(r, "remedy_date").value_or(CivilDate{});
            in.state_commission_notified = r.OptBool("state_commission_notified");
            in.state_commission_action = r.OptString("state_commission_action", kMaxText).value_or("");
            in.customer_notice = r.OptString("customer_notice", 20000).value_or("");
            in.contact = r.OptString("contact", 1000).value_or("");
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto f = services::RecordOptOutFailure(api.store(), call->carrier, in, call->actor);
            if (!f.ok()) return call->Fail(f.status());
            Response resp = IncidentResponse(201, *f, call->actor.now);
            call->Send(std::move(resp));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base,
      .summary = "The carrier's opt-out failure incidents by id, each with its notice evaluated "
                 "now (due instant, time left, overdue); state=open: notices owed and not sent",
      .tag = "opt-out-failures",
      .roles = kReaders,
      .query = {{"state", "string", "open: only incidents whose notice is owed and not sent"}},
      .response_schema = Object({{"incidents", ArrayOf(IncidentSchema())}, {"now", DateTime()}},
                                {"incidents", "now"}),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            const std::string state = call->req.Query("state");
            if (!state.empty() && state != "open") {
              return call->Fail(Status::InvalidArgument("state must be open (or absent)", "state"));
            }
            auto all = services::ListOptOutFailures(api.store(), call->carrier, state == "open");
            if (!all.ok()) return call->Fail(all.status());
            json items = json::array();
            for (const auto& f : *all) items.push_back(services::OptOutFailureToJson(f, call->actor.now));
            call->Json(200, {{"incidents", items}, {"now", call->actor.now.ToRfc3339()}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{incident}",
      .summary = "One incident with its notice evaluated now and the contents the letter lacks "
                 "(47 CFR 64.2009(f)(1)); ETag: its version",
      .tag = "opt-out-failures",
      .roles = kReaders,
      .response_schema = IncidentSchema(),
      .etag = true,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("incident");
            if (!id.ok()) return call->Fail(id.status());
            auto f = services::GetOptOutFailure(api.store(), call->carrier, *id);
            if (!f.ok()) return call->Fail(f.status());
            call->Send(IncidentResponse(200, *f, call->actor.now));
          }});
  routes.push_back(RouteSpec{
      .method = "PATCH",
      .pattern = base + "/{incident}",
      .summary = "Change an incident's facts, the letter's contents or the determination "
                 "(If-Match required; refused once the notice was sent)",
      .tag = "opt-out-failures",
      .roles = kWriters,
      .request_headers = {"If-Match", "Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = PatchSchema(),
      .response_schema = IncidentSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("incident");
            if (!id.ok()) return call->Fail(id.status());
            if (call->req.if_match.empty()) {
              return call->Send(Problem(428, "precondition-required", "Precondition required",
                                        "changes need If-Match with the ETag of the version you "
                                        "read",
                                        call->req.request_id, "If-Match"));
            }
            auto version = IfMatchVersion(call->req.if_match);
            if (!version.ok()) return call->Fail(version.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            services::OptOutFailureUpdate u;
            u.expected_version = *version;
            u.mechanisms = r.OptString("mechanisms", kMaxText);
            u.problems = r.OptString("problems", kMaxText);
            u.remedy = r.OptString("remedy", kMaxText);
            u.remedy_date = OptDate(r, "remedy_date");
            u.state_commission_notified = r.OptBool("state_commission_notified");
            u.state_commission_action = r.OptString("state_commission_action", kMaxText);
            u.customer_notice = r.OptString("customer_notice", 20000);
            u.contact = r.OptString("contact", 1000);
            u.determination = r.OptString("determination", 64);
            u.determined_by = r.OptString("determined_by", kMaxNameBytes);
            u.reasons = r.OptString("reasons", kMaxText);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto f = services::UpdateOptOutFailure(api.store(), call->carrier, *id, u, call->actor);
            if (!f.ok()) return call->Fail(f.status());
            call->Send(IncidentResponse(200, *f, call->actor.now));
          }});
  for (const bool pdf : {true, false}) {
    routes.push_back(RouteSpec{
        .method = "GET",
        .pattern = base + "/{incident}/notice" + (pdf ? ".pdf" : ".txt"),
        .summary = std::string("The letter to the FCC (47 CFR 64.2009(f)) as ") +
                   (pdf ? "PDF" : "plain text") +
                   ", dated today or the day it was sent; 400 naming the first content item it "
                   "lacks, 409 for an anomaly",
        .tag = "opt-out-failures",
        .roles = kReaders,
        .response_type = pdf ? "application/pdf" : "text/plain; charset=utf-8",
        .response_schema = pdf ? json{{"type", "string"}, {"format", "binary"}} : String(),
        .handler =
            [&api, pdf](const std::shared_ptr<Call>& call) {
              auto id = call->IdParam("incident");
              if (!id.ok()) return call->Fail(id.status());
              auto facts = services::OptOutFailureNoticeFacts(api.store(), call->carrier, *id,
                                                              call->actor.now);
              if (!facts.ok()) return call->Fail(facts.status());
              const std::string name = "opt-out-failure-" + std::to_string(*id);
              call->Send(pdf ? TextDocument(report::OptOutFailureNoticePdf(*facts),
                                            "application/pdf", name + ".pdf")
                             : TextDocument(report::OptOutFailureNoticeText(*facts),
                                            "text/plain; charset=utf-8", name + ".txt"));
            }});
  }
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/{incident}/fcc-notice",
      .summary = "Record that the letter was sent to the FCC (when, and its confirmation or "
                 "tracking reference); refused while a content item is missing",
      .tag = "opt-out-failures",
      .roles = kWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema =
          Object({{"sent_at", DateTime()}, {"reference", String()}}, {"sent_at", "reference"}),
      .response_schema = IncidentSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("incident");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const Instant sent_at = OptInstant(r, "sent_at").value_or(Instant());
            if (!r.Has("sent_at")) r.Fail(Status::InvalidArgument("sent_at is required", "sent_at"));
            const std::string reference = r.String("reference", kMaxNameBytes);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto f = services::MarkOptOutFailureNoticeSent(api.store(), call->carrier, *id,
                                                           sent_at, reference, call->actor);
            if (!f.ok()) return call->Fail(f.status());
            call->Send(IncidentResponse(200, *f, call->actor.now));
          }});
}

}  // namespace proprio::api
