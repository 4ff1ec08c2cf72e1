// /v1/carriers/{carrier}/staff: staff members, their sign-in, their API tokens.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/json_codec.h"
#include "services/registry.h"

namespace proprio::api {

using nlohmann::json;

namespace {

json TokenToJson(const store::TokenRecord& t) {
  json j = {{"id", t.id},
            {"kind", t.kind == store::TokenKind::kApi ? "api" : "session"},
            {"label", t.label},
            {"created_at", t.created_at.ToRfc3339()}};
  j["expires_at"] = t.expires_at == Instant() ? json(nullptr) : json(t.expires_at.ToRfc3339());
  j["revoked_at"] = t.revoked_at ? json(t.revoked_at->ToRfc3339()) : json(nullptr);
  return j;
}

// The staff member {staff} of the route's carrier; NotFound for another's.
Result<Staff> StaffOfCarrier(Api& api, const Call& call) {
  ASSIGN_OR_RETURN(int64_t id, call.IdParam("staff"));
  Staff s;
  RETURN_IF_ERROR(api.store().Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(s, tx.GetStaff(StaffId(id)));
    return Status::Ok();
  }));
  if (s.carrier != call.carrier) return Status::NotFound("no staff member " + std::to_string(id));
  return s;
}

}  // namespace

void AddStaffRoutes(Api& api, std::vector<RouteSpec>& routes) {
  const std::string base = "/v1/carriers/{carrier}/staff";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base,
      .summary = "The carrier's staff members and their roles, by id, a page at a time",
      .tag = "staff",
      .roles = kStaffReaders,
      .query = PageQuery(),
      .response_schema = PageSchema("staff", Ref("Staff")),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            store::StaffPage staff;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              RETURN_IF_ERROR(tx.GetCarrier(call->carrier).status());
              ASSIGN_OR_RETURN(staff, tx.ListStaff(call->carrier, StaffId(page->after),
                                                   page->limit));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            json out = json::array();
            for (const Staff& s : staff.staff) out.push_back(services::StaffToJson(s));
            call->Json(200,
                       {{"staff", out},
                        {"next_cursor",
                         NextCursor(staff.next ? std::optional<int64_t>(staff.next->value())
                                               : std::nullopt)}});
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base,
      .summary = "Add a staff member, optionally with a login and password",
      .tag = "staff",
      .roles = {Role::kAdmin},
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Ref("StaffInput"),
      .success_status = 201,
      .response_schema = Ref("Staff"),
      .location = base + "/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            Staff s;
            s.carrier = call->carrier;
            s.name = r.String("name", kMaxNameBytes);
            s.email = r.OptString("email", kMaxEmailBytes).value_or("");
            if (auto roles = r.OptStringArray("roles", 9, 32)) {
              for (size_t i = 0; i < roles->size(); ++i) {
                auto role = ParseRole((*roles)[i]);
                if (!role.ok()) {
                  r.Fail(Status::InvalidArgument(role.status().message(),
                                                 "roles[" + std::to_string(i) + "]"));
                  break;
                }
                s.roles.push_back(*role);
              }
            } else if (!r.Has("roles")) {
              r.Fail(Status::InvalidArgument("roles is required", "roles"));
            }
            if (auto hired = r.OptString("hired_on", 10)) {
              auto d = CivilDate::Parse(*hired);
              if (!d.ok()) r.Fail(Status::InvalidArgument("hired_on must be YYYY-MM-DD", "hired_on"));
              else s.hired_on = *d;
            }
            const std::string login = r.OptString("login", kMaxEmailBytes).value_or("");
            const std::string password =
                r.OptString("password", services::kMaxPasswordBytes).value_or("");
            if (!password.empty() && login.empty()) {
              r.Fail(Status::InvalidArgument("a password needs a login", "login"));
            }
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            if (!password.empty() && password.size() < services::kMinPasswordBytes) {
              return call->Fail(Status::InvalidArgument(
                  "the password must be at least " +
                      std::to_string(services::kMinPasswordBytes) + " bytes long",
                  "password"));
            }
            auto added = services::AddStaff(api.store(), s, call->actor);
            if (!added.ok()) return call->Fail(added.status());
            json out = services::StaffToJson(*added);
            if (!login.empty()) {
              auto account = services::SetStaffCredentials(api.store(), added->id, login,
                                                            password, api.options().auth.cost,
                                                            call->actor);
              if (!account.ok()) return call->Fail(account.status());
              out["login"] = login;
            }
            Response resp;
            resp.status = 201;
            resp.body = out.dump(-1, ' ', false, json::error_handler_t::replace);
            call->Send(std::move(resp));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/{staff}/tokens",
      .summary = "Issue an API token for a staff member (a system); the token is shown once",
      .tag = "staff",
      .roles = {Role::kAdmin},
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Ref("TokenInput"),
      .success_status = 201,
      .response_schema = Ref("IssuedToken"),
      .location = base + "/{staff}/tokens/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto staff = StaffOfCarrier(api, *call);
            if (!staff.ok()) return call->Fail(staff.status());
            std::string label = "api";
            if (!call->req.body.empty()) {
              auto body = ParseJsonObject(call->req);
              if (!body.ok()) return call->Fail(body.status());
              ObjectReader r(*body);
              label = r.OptString("label", kMaxNameBytes).value_or("api");
              if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            }
            auto issued = services::IssueApiToken(api.store(), staff->id, label, call->actor);
            if (!issued.ok()) return call->Fail(issued.status());
            json out = TokenToJson(issued->record);
            out["token"] = issued->token;
            out["staff"] = staff->id.value();
            call->Json(201, out);
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{staff}/tokens",
      .summary = "A staff member's tokens (never their text), by id, a page at a time",
      .tag = "staff",
      .roles = {Role::kAdmin, Role::kSecurity},
      .query = PageQuery(),
      .response_schema = PageSchema("tokens", Ref("Token")),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            auto staff = StaffOfCarrier(api, *call);
            if (!staff.ok()) return call->Fail(staff.status());
            json out = json::array();
            std::optional<int64_t> next;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(auto account, tx.FindAccountByStaff(staff->id));
              if (!account) return Status::Ok();
              ASSIGN_OR_RETURN(store::TokenPage tokens,
                               tx.ListTokens(account->id, page->after, page->limit));
              for (const auto& t : tokens.tokens) out.push_back(TokenToJson(t));
              next = tokens.next;
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            call->Json(200, {{"tokens", out}, {"next_cursor", NextCursor(next)}});
          }});
  routes.push_back(RouteSpec{
      .method = "DELETE",
      .pattern = base + "/{staff}/tokens/{token}",
      .summary = "Revoke a staff member's token (session or API); effective at once",
      .tag = "staff",
      .roles = {Role::kAdmin, Role::kSecurity},
      .success_status = 204,
      .response_type = "",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto staff = StaffOfCarrier(api, *call);
            if (!staff.ok()) return call->Fail(staff.status());
            auto token = call->IdParam("token");
            if (!token.ok()) return call->Fail(token.status());
            std::optional<store::AccountId> owner;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(auto account, tx.FindAccountByStaff(staff->id));
              if (account) owner = account->id;
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            if (!owner) return call->Fail(Status::NotFound("no token " + std::to_string(*token)));
            st = services::RevokeToken(api.store(), *token, owner, call->carrier, call->actor);
            if (!st.ok()) return call->Fail(st);
            api.ForgetToken(*token);
            Response r;
            r.status = 204;
            r.content_type.clear();
            call->Send(std::move(r));
          }});
}

}  // namespace proprio::api
