// /v1/carriers/{carrier}/customers/{customer}/secrets ... (the CPNI password,
// the back-up question and the online account, 47 CFR 64.2010(e)) and the
// online portal: online-sessions, online-password-resets (64.2010(c)).
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_auth.h"
#include "services/auth_json.h"
#include "services/customer_auth.h"
#include "services/notifications.h"

namespace proprio::api::authn {

namespace {

const json kAuthorizationProps = {
    {"verification",
     {{"type", "integer"},
      {"description", "an authenticated verification session of this customer (64.2010(e))"}}},
    {"reset_code",
     {{"type", "string"},
      {"description", "a one-time code sent to the number or address of record"}}},
    {"at_service_initiation",
     {{"type", "boolean"},
      {"description",
       "the first secret, set without authentication when service is initiated (64.2010(e)): "
       "only for the roles that open accounts (csr, system) and only on the day the customer's "
       "service_since began and the carrier policy's authentication.service_initiation_days "
       "after; otherwise 403 (never for an imported customer without service_since)"}}}};
const json kSecretSetSchema = Closed({{"created", B()},
                                     {"setup_path", S()},
                                     {"notifications", Arr(I())},
                                     {"ledger_seq", I()}},
                                    {"created", "setup_path", "notifications", "ledger_seq"});
json SecretStatus(bool with_question) {
  json p = {{"set", B()}, {"set_at", T()}, {"set_by", S()}, {"setup_path", S()}};
  if (with_question) p["question"] = S();
  return Closed(p, {"set"});
}
const json kSecretsStatusSchema = Closed(
    {{"password", SecretStatus(false)},
     {"backup", SecretStatus(true)},
     {"online_account", Closed({{"set", B()}, {"login", S()}, {"created_at", T()},
                                {"last_sign_in", NullT()}},
                               {"set"})},
     {"phone_failures", I()},
     {"phone_locked_until", NullT()},
     {"online_failures", I()},
     {"online_locked_until", NullT()}},
    {"password", "backup", "online_account", "phone_failures", "phone_locked_until",
     "online_failures", "online_locked_until"});
Result<services::SecretAuthorization> ReadAuthorization(ObjectReader& r) {
  services::SecretAuthorization auth;
  if (auto v = r.OptInt("verification", 1, INT64_MAX / 2)) auth.session_id = *v;
  if (auto c = r.OptString("reset_code", 64)) auth.reset_code = *c;
  if (auto i = r.OptBool("at_service_initiation")) auth.at_service_initiation = *i;
  return auth;
}

void SecretPut(Api& api, const std::shared_ptr<AuthRuntime>& rt, const std::shared_ptr<Call>& call,
               const std::string& which) {
  auto customer = call->IdParam("customer");
  if (!customer.ok()) return call->Fail(customer.status());
  auto body = ParseJsonObject(call->req);
  if (!body.ok()) return call->Fail(body.status());
  ObjectReader r(*body);
  std::string password, question, answer, login;
  if (which == "password") password = r.String("password", services::kMaxCpniPasswordBytes);
  if (which == "backup") {
    question = r.String("question", services::kMaxQuestionBytes);
    answer = r.String("answer", services::kMaxAnswerBytes);
  }
  if (which == "online_account") login = r.String("login", 64);
  auto auth = ReadAuthorization(r);
  if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
  // The service-initiation path is for the roles that open accounts
  // (services::kServiceInitiationRoles): the service checks the caller's.
  if (call->principal) auth->actor_roles = call->principal->roles;
  store::Store& store = api.store();
  const CarrierId carrier = call->carrier;
  const CustomerId who(*customer);
  const services::Actor actor = call->actor;
  auto done = [call, rt](const Result<services::SecretSetResult>& res) {
    if (!res.ok()) return call->Fail(res.status());
    rt->worker.Poke();
    call->Json(200, services::SecretSetToJson(*res));
  };
  if (which == "online_account") {
    return done(services::SetOnlineAccount(store, carrier, who, login, *auth, rt->policy, actor));
  }
  Hashing(*rt, call, [&store, rt, carrier, who, actor, which, password, question, answer,
                      a = *auth, done] {
    done(which == "password"
             ? services::SetCpniPassword(store, carrier, who, password, a, rt->policy, actor)
             : services::SetBackupAuthentication(store, carrier, who, question, answer, a,
                                                 rt->policy, actor));
  });
}

}  // namespace

void AddSecretRoutes(Api& api, const std::shared_ptr<AuthRuntime>& rt, const std::string& base,
                     std::vector<RouteSpec>& routes) {
  // ---- online ----
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/online-sessions",
      .summary = "The customer portal signs a customer in with the online login and the CPNI "
                 "password only (64.2010(c)); repeated failures lock with a growing back-off "
                 "(429)",
      .tag = "authentication",
      .roles = kPortal,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties",
                          {{"login", {{"type", "string"}}},
                           {"password", {{"type", "string"}, {"writeOnly", true}}}}},
                         {"required", {"login", "password"}},
                         {"additionalProperties", false}},
      .success_status = 201,
      .response_schema = Closed({{"token", S()}, {"session", SessionSchema()}},
                                {"token", "session"}),
      .location = base + "/verifications/{/session/id}",
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string login = r.String("login", 64);
            const std::string password = r.String("password", services::kMaxCpniPasswordBytes);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            store::Store& store = api.store();
            Hashing(*rt, call, [&store, rt, call, login, password] {
              int64_t retry = 0;
              auto res = services::OnlineSignIn(store, call->carrier, login, password, rt->policy,
                                                call->actor, &retry);
              if (!res.ok()) {
                Response resp = ProblemResponse(res.status(), call->req.request_id);
                if (retry > 0) resp.Header("Retry-After", std::to_string(retry));
                return call->Send(std::move(resp));
              }
              call->Json(201, {{"token", res->token},
                               {"session", services::SessionToJson(res->session)}});
            });
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/online-password-resets",
      .summary = "Send a one-time reset code to the telephone number (text) or address (mail) "
                 "of record (64.2010(e)); the same answer whether or not the login exists",
      .tag = "authentication",
      .roles = kPortal,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties",
                          {{"login", {{"type", "string"}}},
                           {"via", {{"type", "string"}, {"enum", {"text", "mail"}}}}}},
                         {"required", {"login"}},
                         {"additionalProperties", false}},
      .success_status = 202,
      .response_schema = Closed({{"requested", {{"type", "boolean"}, {"enum", {true}}}}},
                                {"requested"}),
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string login = r.String("login", 64);
            const std::string via = r.OptString("via", 8).value_or("text");
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            if (via != "text" && via != "mail") {
              return call->Fail(Status::InvalidArgument("via must be text or mail", "via"));
            }
            Status st = services::RequestPasswordReset(
                api.store(), call->carrier, login,
                via == "mail" ? services::ResetChannel::kMail : services::ResetChannel::kText,
                rt->policy, call->actor);
            if (!st.ok()) return call->Fail(st);
            rt->worker.Poke();
            call->Json(202, {{"requested", true}});
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/online-password-resets/complete",
      .summary = "Reset the CPNI password with the one-time code or the back-up answer, never "
                 "with information a pretexter could know (64.2010(e))",
      .tag = "authentication",
      .roles = kPortal,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties",
                          {{"login", {{"type", "string"}}},
                           {"code", {{"type", "string"}, {"writeOnly", true}}},
                           {"backup_answer", {{"type", "string"}, {"writeOnly", true}}},
                           {"new_password", {{"type", "string"}, {"writeOnly", true}}}}},
                         {"required", {"login", "new_password"}},
                         {"additionalProperties", false}},
      .response_schema = kSecretSetSchema,
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string login = r.String("login", 64);
            const std::string code = r.OptString("code", 64).value_or("");
            const std::string answer =
                r.OptString("backup_answer", services::kMaxAnswerBytes).value_or("");
            const std::string pw = r.String("new_password", services::kMaxCpniPasswordBytes);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            store::Store& store = api.store();
            Hashing(*rt, call, [&store, rt, call, login, code, answer, pw] {
              auto res = services::ResetPasswordOnline(store, call->carrier, login, code, answer,
                                                       pw, rt->policy, call->actor);
              if (!res.ok()) return call->Fail(res.status());
              rt->worker.Poke();
              call->Json(200, services::SecretSetToJson(*res));
            });
          }});


  // ---- secrets ----
  const std::string secrets = base + "/customers/{customer}/secrets";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = secrets,
      .summary = "What is set (password, back-up question, online account, lockouts); never "
                 "the secrets or their hashes",
      .tag = "authentication",
      .roles = kSecretReaders,
      .response_schema = kSecretsStatusSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto s = services::GetSecretsStatus(api.store(), call->carrier, CustomerId(*id));
            if (!s.ok()) return call->Fail(s.status());
            call->Json(200, services::SecretsStatusToJson(*s));
          }});
  json password_props = kAuthorizationProps;
  password_props["password"] = {{"type", "string"}, {"writeOnly", true}};
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = secrets + "/password",
      .summary = "Set or change the CPNI password (argon2id; refused when built on biographical "
                 "or account information, 64.2010(b),(e)); needs a prior authentication; queues "
                 "the account-change notice (64.2010(f))",
      .tag = "authentication",
      .roles = kSecretWriters,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties", password_props},
                         {"required", {"password"}},
                         {"additionalProperties", false}},
      .response_schema = kSecretSetSchema,
      .handler = [&api, rt](const std::shared_ptr<Call>& call) {
        SecretPut(api, rt, call, "password");
      }});
  json backup_props = kAuthorizationProps;
  backup_props["question"] = {{"type", "string"}};
  backup_props["answer"] = {{"type", "string"}, {"writeOnly", true}};
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = secrets + "/backup",
      .summary = "Set or change the back-up question and answer (refused when the question or "
                 "answer is biographical or account information, 64.2010(e))",
      .tag = "authentication",
      .roles = kSecretWriters,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties", backup_props},
                         {"required", {"question", "answer"}},
                         {"additionalProperties", false}},
      .response_schema = kSecretSetSchema,
      .handler = [&api, rt](const std::shared_ptr<Call>& call) {
        SecretPut(api, rt, call, "backup");
      }});
  json online_props = kAuthorizationProps;
  online_props["login"] = {{"type", "string"}};
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = secrets + "/online-account",
      .summary = "Create or rename the online account (needs the CPNI password and a prior "
                 "authentication, 64.2010(c)); queues the account-change notice",
      .tag = "authentication",
      .roles = kSecretWriters,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties", online_props},
                         {"required", {"login"}},
                         {"additionalProperties", false}},
      .response_schema = kSecretSetSchema,
      .handler = [&api, rt](const std::shared_ptr<Call>& call) {
        SecretPut(api, rt, call, "online_account");
      }});
}

}  // namespace proprio::api::authn
