// /v1/carriers/{carrier}/customers/{customer}/sim-requests and /sim-lock: SIM
// change and port-out requests and the customer's lock against them (47 CFR
// 64.2010(h), 52.37; FCC 23-95). Handlers parse and serialise;
// services/sim_requests.h (over rules/s2010h_sim_change.h) decides.
//
// Who: CSRs and supervisors, who handle the customer's contact, make requests
// and turn the lock on or off in the verification session that
// authenticated the customer; the compliance officer and auditors read.
// Another carrier's customer answers 404.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/sim_requests.h"

namespace proprio::api {

using nlohmann::json;

namespace {

const std::vector<Role> kSimActors = {Role::kCsr, Role::kSupervisor};
const std::vector<Role> kSimReaders = {Role::kCsr, Role::kSupervisor, Role::kComplianceOfficer,
                                       Role::kAuditor};

const std::vector<std::string> kOutcomes = {
    "allowed", "refused_not_authenticated", "refused_locked", "refused_failed_attempts",
    "refused_no_contact", "not_applicable"};

json RequestProperties() {
  using namespace schema;
  return {{"id", Integer()},
          {"customer", Integer()},
          {"kind", Enum({"sim_change", "port_out"})},
          {"requested_at", DateTime()},
          {"actor", String()},
          {"staff", Nullable(Integer())},
          {"channel", String()},
          {"session", Integer()},
          {"methods", ArrayOf(String())},
          {"allowed", Boolean()},
          {"outcome", Enum(kOutcomes)},
          {"reason", String()},
          {"basis", ArrayOf(String())},
          {"in_force", Boolean()},
          {"failed_attempt", Boolean()},
          {"notifications", ArrayOf(Integer())},
          {"rule_set", String()},
          {"policy_version", Integer()},
          {"retain_until", DateTime()},
          {"ledger_seq", Integer()}};
}

std::vector<std::string> RequestRequired() {
  return {"id",      "customer",     "kind",          "requested_at", "actor",
          "staff",   "channel",      "session",       "methods",      "allowed",
          "outcome", "reason",       "basis",         "in_force",     "failed_attempt",
          "notifications", "rule_set", "policy_version", "retain_until", "ledger_seq"};
}

json RequestSchema() { return schema::Object(RequestProperties(), RequestRequired()); }

// The answer of a POST: the record and what would make a refusal allowed.
json ResultSchema() {
  using namespace schema;
  json props = RequestProperties();
  props["requires"] = ArrayOf(String());
  props["refused_until"] = Nullable(DateTime());
  std::vector<std::string> required = RequestRequired();
  required.push_back("requires");
  required.push_back("refused_until");
  return Object(props, required);
}

json LockSchema() {
  using namespace schema;
  return Object({{"customer", Integer()},
                 {"locked", Boolean()},
                 {"no_cost", Boolean()},
                 {"changed_at", Nullable(DateTime())},
                 {"changed_by", Nullable(String())},
                 {"session", Nullable(Integer())},
                 {"ledger_seq", Nullable(Integer())}},
                {"customer", "locked", "no_cost", "changed_at", "changed_by", "session",
                 "ledger_seq"});
}

json ClosedPage() {
  json page = PageSchema("sim_requests", RequestSchema());
  page["additionalProperties"] = false;
  return page;
}

// A session body {"session": N}; InvalidArgument naming "session" otherwise.
Result<int64_t> SessionOf(const std::shared_ptr<Call>& call) {
  auto body = ParseJsonObject(call->req);
  if (!body.ok()) return body.status();
  ObjectReader r(*body);
  auto session = r.OptInt("session", 1, INT64_MAX);
  if (!session && !r.Has("session")) {
    r.Fail(Status::InvalidArgument("session is required: the verification session that "
                                   "authenticated the customer",
                                   "session"));
  }
  RETURN_IF_ERROR(r.Finish());
  return *session;
}

}  // namespace

void AddSimRoutes(Api& api, std::vector<RouteSpec>& routes) {
  using namespace schema;
  const std::string base = "/v1/carriers/{carrier}/customers/{customer}";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/sim-requests",
      .summary = "The customer's SIM change and port-out requests, newest first, a page at a "
                 "time (records of 47 CFR 64.2010(h)(5))",
      .tag = "sim",
      .roles = kSimReaders,
      .query = PageQuery(),
      .response_schema = ClosedPage(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            auto list = services::ListSimRequests(api.store(), call->carrier, CustomerId(*id),
                                                  page->after, page->limit);
            if (!list.ok()) return call->Fail(list.status());
            call->Json(200, PageJson("sim_requests", *list, services::SimRequestJson));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/sim-requests",
      .summary = "A SIM change or port-out request in a verification session: decided (secure "
                 "authentication, lock, failed attempts; 47 CFR 64.2010(h), 52.37), recorded, "
                 "notified to the customer's contact of record; 201 with allowed or refused",
      .tag = "sim",
      .roles = kSimActors,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Object({{"kind", Enum({"sim_change", "port_out"})},
                                {"session", Integer()}},
                               {"kind", "session"}),
      .success_status = 201,
      .response_schema = ResultSchema(),
      // No route reads one request back: its ledger entry is its record.
      .location = "/v1/carriers/{carrier}/ledger/entries/{/ledger_seq}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            services::SimRequestInput in;
            in.customer = CustomerId(*id);
            const std::string kind = r.String("kind", 16);
            auto session = r.OptInt("session", 1, INT64_MAX);
            if (!session && !r.Has("session")) {
              r.Fail(Status::InvalidArgument("session is required", "session"));
            }
            if (!kind.empty()) {
              auto k = rules::ParseSimRequestKind(kind);
              if (!k.ok()) r.Fail(k.status());
              else in.kind = *k;
            }
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            in.session = *session;
            auto result = services::RequestSimChange(api.store(), call->carrier, in,
                                                     api.options().rules, call->actor);
            if (!result.ok()) return call->Fail(result.status());
            json j = services::SimRequestJson(result->row);
            j["requires"] = result->decision.requirements;
            j["refused_until"] = result->refused_until
                                     ? json(result->refused_until->ToRfc3339())
                                     : json(nullptr);
            call->Json(201, j);
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/sim-lock",
      .summary = "Whether the customer's account is locked against SIM changes and port-outs "
                 "(47 CFR 64.2010(h)(4))",
      .tag = "sim",
      .roles = kSimReaders,
      .response_schema = LockSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto view = services::GetSimLock(api.store(), call->carrier, CustomerId(*id));
            if (!view.ok()) return call->Fail(view.status());
            call->Json(200, services::SimLockJson(*view));
          }});
  for (const bool on : {true, false}) {
    routes.push_back(RouteSpec{
        .method = on ? "PUT" : "DELETE",
        .pattern = base + "/sim-lock",
        .summary = on ? "Turn the lock on, at no cost, in the verification session that "
                        "authenticated the customer securely (47 CFR 64.2010(h)(4), (h)(1)); 403 "
                        "naming session otherwise"
                      : "Turn the lock off (query `session`: the verification session that "
                        "authenticated the customer securely; 47 CFR 64.2010(h)(4))",
        .tag = "sim",
        .roles = kSimActors,
        .query = on ? std::vector<QueryParam>{}
                    : std::vector<QueryParam>{{"session", "integer",
                                               "the verification session (required)"}},
        .request_type = on ? "application/json" : "",
        .request_schema = on ? Object({{"session", Integer()}}, {"session"}) : json(nullptr),
        .response_schema = LockSchema(),
        .handler =
            [&api, on](const std::shared_ptr<Call>& call) {
              auto id = call->IdParam("customer");
              if (!id.ok()) return call->Fail(id.status());
              Result<int64_t> session = on ? SessionOf(call)
                                           : QueryInt(call->req, "session", 0, 1, INT64_MAX);
              if (!session.ok()) return call->Fail(session.status());
              if (*session == 0) {
                return call->Fail(Status::InvalidArgument("session is required", "session"));
              }
              auto view = services::SetSimLock(api.store(), call->carrier, CustomerId(*id),
                                               *session, on, api.options().rules, call->actor);
              if (!view.ok()) return call->Fail(view.status());
              call->Json(200, services::SimLockJson(*view));
            }});
  }
}

}  // namespace proprio::api
