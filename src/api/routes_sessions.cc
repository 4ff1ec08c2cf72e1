// /v1/sessions, /v1/me: signing in and out, and who am I.
#include "api/browser_session.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"

namespace proprio::api {

using nlohmann::json;

namespace {

json PrincipalToJson(const services::Principal& p) {
  json roles = json::array();
  for (Role r : p.roles) roles.push_back(RoleName(r));
  json carriers = json::array();
  for (CarrierId c : p.carriers) carriers.push_back(c.value());
  json j = {{"account", p.account.value()}, {"name", p.name},     {"roles", roles},
            {"carriers", carriers},         {"token_id", p.token_id}};
  j["staff"] = p.staff ? json(p.staff->value()) : json(nullptr);
  j["token_kind"] = p.token_kind == store::TokenKind::kApi ? "api" : "session";
  j["token_expires_at"] =
      p.token_expires == Instant() ? json(nullptr) : json(p.token_expires.ToRfc3339());
  return j;
}

// The password check and its answer (on the sign-in pool).
// `cookie`: the console's sign-in (api/browser_session.h): the token goes
// into the HttpOnly session cookie, the answer carries the CSRF token instead.
void SignInNow(Api& api, const std::shared_ptr<Call>& call, const std::string& login,
               const std::string& password, bool cookie) {
  int64_t retry_after = 0;
  auto result = services::SignIn(api.store(), login, password, api.options().auth,
                                 Instant::Now(), &retry_after);
  if (!result.ok()) {
    const bool wrong = result.status().code() == StatusCode::kUnauthenticated;
    if (wrong || result.status().code() == StatusCode::kResourceExhausted) {
      api.metrics().SignInFailed();
    }
    if (wrong) api.sign_in_guard().Outcome(call->req.remote, login, false);
    Response resp = ProblemResponse(result.status(), call->req.request_id);
    if (retry_after > 0) resp.Header("Retry-After", std::to_string(retry_after));
    return call->Send(std::move(resp));
  }
  api.sign_in_guard().Outcome(call->req.remote, login, true);
  const Instant expires = result->session.record.expires_at;
  json out = {{"token_type", cookie ? "cookie" : "Bearer"},
              {"expires_at", expires.ToRfc3339()},
              {"principal", PrincipalToJson(result->principal)}};
  Response resp;
  resp.status = 201;
  if (cookie) {
    out["csrf_token"] = CsrfTokenFor(result->session.token);
    const int64_t max_age = (expires - Instant::Now()) / kMicrosPerSecond;
    resp.Header("Set-Cookie", SessionCookie(result->session.token, max_age, call->req.tls));
  } else {
    out["token"] = result->session.token;
  }
  resp.body = out.dump();
  call->Send(std::move(resp));
}

}  // namespace

void AddSessionRoutes(Api& api, std::vector<RouteSpec>& routes) {
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = "/v1/sessions",
      .summary = "Sign in with login and password; returns a session token (shown once). "
                 "With \"cookie\": true (the web console) the token is set instead in the "
                 "proprio_session cookie (HttpOnly, SameSite=Strict, Path=/, Secure under TLS) "
                 "and the answer carries a csrf_token that every state-changing request "
                 "authenticated by the cookie must send in X-CSRF-Token (403 otherwise). "
                 "Repeated failures lock the account with a growing back-off (429); too many "
                 "failed sign-ins from one address or for one login in a minute are refused "
                 "before any check (429 with Retry-After); when too many sign-ins wait for "
                 "a password check the answer is 503 with Retry-After.",
      .tag = "sessions",
      .authenticated = false,
      .request_type = "application/json",
      .request_schema = Ref("SignIn"),
      .success_status = 201,
      .response_schema = Ref("Session"),
      .location = "/v1/me",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string login = r.String("login", kMaxEmailBytes);
            const std::string password = r.String("password", services::kMaxPasswordBytes);
            const bool cookie = r.OptBool("cookie").value_or(false);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            // Refused before any hashing: this address or login failed too often.
            SignInGuard& guard = api.sign_in_guard();
            int64_t wait = 0;
            if (guard.Check(call->req.remote, login, &wait) != SignInGuard::Admit::kYes) {
              api.metrics().SignInFailed();
              Response resp = Problem(
                  429, "resource-exhausted", "Too many requests",
                  "too many failed sign-ins from this address or for this login; retry in " +
                      std::to_string(wait) + " s",
                  call->req.request_id);
              resp.Header("Retry-After", std::to_string(wait));
              return call->Send(std::move(resp));
            }
            // argon2id on the sign-in pool, never on the API's workers.
            const bool queued = guard.Submit([&api, call, login, password, cookie] {
              api.Guarded(call, [&] { SignInNow(api, call, login, password, cookie); });
            });
            if (!queued) {
              Response resp = Problem(503, "unavailable", "Service unavailable",
                                      "too many sign-ins are waiting; retry in a second",
                                      call->req.request_id);
              resp.Header("Retry-After", "1");
              call->Send(std::move(resp));
            }
          }});
  routes.push_back(RouteSpec{
      .method = "DELETE",
      .pattern = "/v1/sessions/current",
      .summary = "Sign out: revokes the token this request carries (the console's session "
                 "cookie is cleared)",
      .tag = "sessions",
      .success_status = 204,
      .response_type = "",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            const services::Principal& p = *call->principal;
            Status st = services::RevokeToken(api.store(), p.token_id, p.account, std::nullopt,
                                              call->actor);
            if (!st.ok()) return call->Fail(st);
            api.ForgetToken(p.token_id);
            Response r;
            r.status = 204;
            r.content_type.clear();
            r.Header("Set-Cookie", ClearedSessionCookie(call->req.tls));
            call->Send(std::move(r));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/v1/me",
      .summary = "The caller: account, staff member, roles, carriers, token",
      .tag = "sessions",
      .response_schema = Ref("Principal"),
      .handler = [](const std::shared_ptr<Call>& call) {
        call->Json(200, PrincipalToJson(*call->principal));
      }});
}

}  // namespace proprio::api
