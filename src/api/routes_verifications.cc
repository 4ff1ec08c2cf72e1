// /v1/carriers/{carrier}/verifications ...: the verification session of a
// customer-initiated call or store visit and its steps (47 CFR 64.2010(b), (d)),
// and decisions taken within it.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_auth.h"
#include "services/auth_json.h"
#include "services/customer_auth.h"
#include "services/decisions.h"

namespace proprio::api::authn {

namespace {

// DecisionContextToJson: the flags set (true), the channel and call id.
json ContextSchema() {
  return DecisionRequestSchemaForRoutes()["properties"]["context"];
}
const json kStepResultSchema = Closed(
    {{"passed", B()},
     {"outcome", {{"type", "string"}, {"enum", {"passed", "failed", "refused", "no_answer"}}}},
     {"reason", S()},
     {"basis", S()},
     {"step", I()},
     {"pretexting_flags", Arr(I())},
     {"session", SessionSchema()}},
    {"passed", "outcome", "reason", "basis", "step", "pretexting_flags", "session"});

void SendStep(const std::shared_ptr<Call>& call, const Result<services::StepResult>& r) {
  if (!r.ok()) return call->Fail(r.status());
  call->Json(200, services::StepResultToJson(*r));
}

// One verification step; the body's `kind` says which.
void Step(Api& api, const std::shared_ptr<AuthRuntime>& rt, const std::shared_ptr<Call>& call) {
  auto id = call->IdParam("verification");
  if (!id.ok()) return call->Fail(id.status());
  auto body = ParseJsonObject(call->req);
  if (!body.ok()) return call->Fail(body.status());
  ObjectReader r(*body);
  const std::string kind = r.String("kind", 32);
  const CarrierId carrier = call->carrier;
  const int64_t session = *id;
  const services::Actor actor = call->actor;
  store::Store& store = api.store();
  if (kind == "password" || kind == "backup_answer") {
    const bool pw = kind == "password";
    const std::string secret = r.String(pw ? "password" : "answer",
                                        pw ? services::kMaxCpniPasswordBytes
                                           : services::kMaxAnswerBytes);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    return Hashing(*rt, call, [&store, rt, call, carrier, session, actor, pw, secret] {
      SendStep(call, pw ? services::VerifyCallerPassword(store, carrier, session, secret,
                                                         rt->policy, actor)
                        : services::VerifyBackupAnswer(store, carrier, session, secret,
                                                       rt->policy, actor));
    });
  }
  if (kind == "caller_call_detail") {
    const std::string text = r.String("description", 500);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    return SendStep(call, services::RecordCallerStatedCallDetail(store, carrier, session, text,
                                                                 rt->policy, actor));
  }
  if (kind == "call_back") {
    const std::string number = r.String("number", 32);
    const bool reached = r.OptBool("reached").value_or(false);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    return SendStep(call, services::RecordCallBack(store, carrier, session, number, reached,
                                                   rt->policy, actor));
  }
  if (kind == "send_to_address_of_record") {
    const std::string to = r.OptString("address", 16).value_or("postal");
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    if (to != "postal" && to != "email") {
      return call->Fail(Status::InvalidArgument("address must be postal or email", "address"));
    }
    auto rel = services::ReleaseToAddressOfRecord(
        store, carrier, session,
        to == "postal" ? services::AddressKind::kPostal : services::AddressKind::kEmail,
        rt->policy, actor);
    if (!rel.ok()) return call->Fail(rel.status());
    json out = services::StepResultToJson(rel->step);
    out["destination"] = rel->destination;
    out["on_file_since"] = rel->on_file_since.Valid() ? rel->on_file_since.ToString() : "";
    return call->Json(200, out);
  }
  if (kind == "photo_id") {
    services::PhotoId pid;
    pid.type = r.String("id_type", 32);
    pid.issuer = r.String("issuer", 100);
    pid.last4 = r.String("last4", 4);
    const std::string expires = r.String("expires_on", 10);
    pid.matches_account_holder = r.OptBool("matches_account_holder").value_or(false);
    if (auto by = r.OptInt("checked_by", 1, INT64_MAX / 2)) pid.staff = StaffId(*by);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    auto d = CivilDate::Parse(expires);
    if (!d.ok()) {
      return call->Fail(Status::InvalidArgument("expires_on must be YYYY-MM-DD", "expires_on"));
    }
    pid.expires_on = *d;
    return SendStep(call, services::RecordPhotoId(store, carrier, session, pid, rt->policy, actor));
  }
  if (kind == "business_alternative") {
    const std::string ref = r.String("contract_ref", kMaxNameBytes);
    const std::string method = r.String("method", 200);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    return SendStep(call, services::RecordBusinessAlternative(store, carrier, session, ref,
                                                              method, rt->policy, actor));
  }
  if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
  call->Fail(Status::InvalidArgument(
      "kind must be password, backup_answer, caller_call_detail, call_back, "
      "send_to_address_of_record, photo_id or business_alternative",
      "kind"));
}

}  // namespace

const json& SessionSchema() {
  static const json schema = Closed(
      {{"id", I()},
       {"customer", I()},
       {"channel", S()},
       {"calling_number", S()},
       {"call_id", S()},
       {"opened_by", S()},
       {"opened_at", T()},
       {"expires_at", T()},
       {"closed_at", NullT()},
       {"open", B()},
       {"authenticated", B()},
       {"flags", Arr({{"type", "string"},
                      {"enum", {"password_verified", "backup_answer_verified",
                                "caller_stated_call_detail", "called_back_number_of_record",
                                "photo_id_verified", "business_alternative", "online_signed_in",
                                "sent_to_address_of_record", "locked"}}})},
       {"failures", I()},
       {"stated_call_detail",
        {{"type", "string"},
         {"description", "the call detail the caller stated unaided (64.2010(b)); empty if none"}}},
       {"backup_question", S()},
       {"failed_verifications_24h",
        Closed({{"account", I()}, {"calling_number", I()}, {"calling_number_accounts", I()}},
               {"account", "calling_number", "calling_number_accounts"})},
       {"context", ContextSchema()},
       {"steps", Arr(Closed({{"id", I()},
                             {"kind", S()},
                             {"outcome", S()},
                             {"at", T()},
                             {"actor", S()},
                             {"detail", Map("what the step recorded (never a secret)")},
                             {"ledger_seq", I()}},
                            {"id", "kind", "outcome", "at", "actor", "detail", "ledger_seq"}))}},
      {"id", "customer", "channel", "opened_at", "expires_at", "closed_at", "open",
       "authenticated", "flags", "failures", "context", "steps"});
  return schema;
}

void AddVerificationRoutes(Api& api, const std::shared_ptr<AuthRuntime>& rt,
                           const std::string& base, std::vector<RouteSpec>& routes) {
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/verifications",
      .summary = "Open a verification session for a customer-initiated call (phone) or a store "
                 "visit (in_store) before any CPNI is disclosed (64.2010(a))",
      .tag = "authentication",
      .roles = kVerifiers,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties",
                          {{"customer", {{"type", "integer"}}},
                           {"channel", {{"type", "string"}, {"enum", {"phone", "in_store"}}}},
                           {"calling_number", {{"type", "string"}}},
                           {"call_id", {{"type", "string"}}}}},
                         {"required", {"customer", "channel"}},
                         {"additionalProperties", false}},
      .success_status = 201,
      .response_schema = SessionSchema(),
      .location = base + "/verifications/{/id}",
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            services::OpenVerificationRequest req;
            req.carrier = call->carrier;
            req.customer = CustomerId(r.OptInt("customer", 1, INT64_MAX / 2).value_or(0));
            const std::string channel = r.String("channel", 16);
            req.calling_number = r.OptString("calling_number", 32).value_or("");
            req.call_id = r.OptString("call_id", 100).value_or("");
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            if (!req.customer.valid()) {
              return call->Fail(Status::InvalidArgument("customer is required", "customer"));
            }
            auto ch = services::ParseVerificationChannel(channel);
            if (!ch.ok()) return call->Fail(ch.status());
            req.channel = *ch;
            auto v = services::OpenVerification(api.store(), req, rt->policy, call->actor);
            if (!v.ok()) return call->Fail(v.status());
            Response resp;
            resp.status = 201;
            resp.body = services::SessionToJson(*v).dump();
            call->Send(std::move(resp));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/verifications/{verification}",
      .summary = "A verification session: its steps, outcomes and decision context",
      .tag = "authentication",
      .roles = kVerifiers,
      .response_schema = SessionSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("verification");
            if (!id.ok()) return call->Fail(id.status());
            auto v = services::GetVerification(api.store(), call->carrier, *id, Instant::Now());
            if (!v.ok()) return call->Fail(v.status());
            call->Json(200, services::SessionToJson(*v));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/verifications/{verification}/steps",
      .summary =
          "Record a step: password or backup_answer (64.2010(b),(e)), caller_call_detail "
          "(discuss only that detail), call_back (telephone number of record only), "
          "send_to_address_of_record (on file 30 days), photo_id (64.2010(d)), "
          "business_alternative (64.2010(g)). Failures count per account and calling number "
          "and may raise pretexting flags",
      .tag = "authentication",
      .roles = kVerifiers,
      .request_type = "application/json",
      .request_schema =
          {{"type", "object"},
           {"properties",
            {{"kind",
              {{"type", "string"},
               {"enum",
                {"password", "backup_answer", "caller_call_detail", "call_back",
                 "send_to_address_of_record", "photo_id", "business_alternative"}}}},
             {"password", {{"type", "string"}, {"writeOnly", true}}},
             {"answer", {{"type", "string"}, {"writeOnly", true}}},
             {"description", {{"type", "string"}}},
             {"number", {{"type", "string"}}},
             {"reached", {{"type", "boolean"}}},
             {"address", {{"type", "string"}, {"enum", {"postal", "email"}}}},
             {"id_type", {{"type", "string"}}},
             {"issuer", {{"type", "string"}}},
             {"last4", {{"type", "string"}}},
             {"expires_on", {{"type", "string"}, {"format", "date"}}},
             {"matches_account_holder", {{"type", "boolean"}}},
             {"checked_by", {{"type", "integer"}}},
             {"contract_ref", {{"type", "string"}}},
             {"method", {{"type", "string"}}}}},
           {"required", {"kind"}},
           {"additionalProperties", false}},
      .response_schema = kStepResultSchema,
      .handler = [&api, rt](const std::shared_ptr<Call>& call) { Step(api, rt, call); }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/verifications/{verification}/close",
      .summary = "Close a session (the call ended, the customer left)",
      .tag = "authentication",
      .roles = kVerifiers,
      .response_schema = SessionSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("verification");
            if (!id.ok()) return call->Fail(id.status());
            Status st = services::CloseVerification(api.store(), call->carrier, *id, call->actor);
            if (!st.ok()) return call->Fail(st);
            auto v = services::GetVerification(api.store(), call->carrier, *id, Instant::Now());
            if (!v.ok()) return call->Fail(v.status());
            call->Json(200, services::SessionToJson(*v));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/verifications/{verification}/context",
      .summary = "The decision-request context (flags and channel) the session establishes",
      .tag = "authentication",
      .roles = kVerifiers,
      .query = {{"customer", "integer", "the customer the decision is about"},
                {"release", "string", "address_of_record: the release-by-mail channel"}},
      .response_schema = ContextSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("verification");
            if (!id.ok()) return call->Fail(id.status());
            auto customer = QueryInt(call->req, "customer", 0, 0, INT64_MAX / 16);
            if (!customer.ok()) return call->Fail(customer.status());
            const std::string release = call->req.Query("release");
            if (!release.empty() && release != "address_of_record") {
              return call->Fail(
                  Status::InvalidArgument("release must be address_of_record", "release"));
            }
            auto ctx = services::DecisionContextForSession(api.store(), call->carrier, *id,
                                                           CustomerId(*customer), Instant::Now(),
                                                           !release.empty());
            if (!ctx.ok()) return call->Fail(ctx.status());
            call->Json(200, services::DecisionContextToJson(*ctx));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/verifications/{verification}/decisions",
      .summary = "Decide a request about the session's customer with the context the session "
                 "establishes: channel, call_id and the authentication flags in the body are "
                 "refused (400 naming context.<key>: the session, not the client, says who is "
                 "authenticated); other context flags may be given; `at` defaults to now; "
                 "logged like every decision",
      .tag = "authentication",
      .roles = kVerifiers,
      .query = {{"release", "string", "address_of_record: the release-by-mail channel"}},
      .request_type = "application/json",
      .request_schema = [] {
        json r = DecisionRequestSchemaForRoutes();
        r["required"] = {"customer", "action", "purpose", "cpni", "service_category"};
        return r;
      }(),
      .response_schema = [] {
        json a = DecisionAnswerSchemaForRoutes();
        a["properties"]["verification"] = I();
        a["properties"]["context"] = ContextSchema();
        return a;
      }(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("verification");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            if (body->contains("requests")) {
              return call->Fail(Status::InvalidArgument(
                  "one request about the session's customer", "requests"));
            }
            const bool by_mail = call->req.Query("release") == "address_of_record";
            const json& cust = (*body)["customer"];
            const CustomerId customer(cust.is_number_integer() ? cust.get<int64_t>() : 0);
            if (!customer.valid()) {
              return call->Fail(Status::InvalidArgument("customer is required", "customer"));
            }
            // The same binding as `proprio decide --session`: the channel, call id
            // and authentication flags come only from the session's steps; other
            // context (legal_process, written_authorization, ...) may be given.
            const Instant now = Instant::Now();
            auto bound = services::BindDecisionsToSessions(
                api.store(), call->carrier,
                services::WithDefaultInstant(std::move(*body), now), *id, now, by_mail);
            if (!bound.ok()) return call->Fail(bound.status());
            const json request = std::move(*bound);
            auto parsed = services::DecisionRequestFromJson(request);
            if (!parsed.ok()) return call->Fail(parsed.status());
            std::vector<rules::DecisionRequest> one = {*parsed};
            auto decided = services::DecideOnce(api.store(), call->carrier, one, {},
                                                api.options().rules, call->actor);
            if (!decided.ok()) return call->Fail(decided.status());
            json out = services::DecisionToJson(decided->front());
            out["verification"] = *id;
            out["context"] = request["context"];
            call->Json(200, out);
          }});
}

}  // namespace proprio::api::authn
