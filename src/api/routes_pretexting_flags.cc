// /v1/carriers/{carrier}/pretexting-flags ...: flags raised on suspected
// pretexting (47 CFR 64.2010(a)), for the security role.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_auth.h"
#include "services/auth_json.h"
#include "services/customer_auth.h"

namespace proprio::api::authn {

namespace {

const json kFlagSchema = Closed(
    {{"id", I()},
     {"kind", S()},
     {"key", S()},
     {"raised_at", T()},
     {"updated_at", T()},
     {"failures", I()},
     {"accounts", I()},
     {"evidence", Map("what raised the flag: the step ids and the window counted")},
     {"state", S()},
     {"reviewed_by", S()},
     {"reviewed_at", NullT()},
     {"review_note", S()},
     {"basis", S()},
     {"ledger_seq", I()}},
    {"id", "kind", "key", "raised_at", "failures", "accounts", "evidence", "state", "basis"});
const json kFlagSummarySchema =
    Closed({{"year", I()}, {"flags", I()}, {"by_calling_number", I()}, {"by_staff", I()},
            {"by_account", I()}, {"reviewed", I()}, {"open", I()}, {"basis", S()}},
           {"year", "flags", "reviewed", "open", "basis"});

}  // namespace

void AddPretextingFlagRoutes(Api& api, const std::string& base, std::vector<RouteSpec>& routes) {
  const std::string flags = base + "/pretexting-flags";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = flags,
      .summary = "Suspected pretexting: repeated failed verifications from one calling number, "
                 "by one staff member or against one account, with the evidence (64.2010(a))",
      .tag = "authentication",
      .roles = kFlagReaders,
      .query = PageQuery({{"state", "string", "open or reviewed"}}),
      .response_schema = PageSchema("flags", kFlagSchema),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            auto list = services::ListPretextingFlags(api.store(), call->carrier,
                                                      call->req.Query("state"), page->after,
                                                      page->limit);
            if (!list.ok()) return call->Fail(list.status());
            call->Json(200, PageJson("flags", *list, services::PretextingFlagToJson));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = flags + "/summary",
      .summary = "The year's pretexting figures for the annual certification (64.2009(e))",
      .tag = "authentication",
      .roles = kFlagReaders,
      .query = {{"year", "integer", "calendar year"}},
      .response_schema = kFlagSummarySchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto year = QueryInt(call->req, "year", 0, 2000, 2200);
            if (!year.ok()) return call->Fail(year.status());
            const int y = *year == 0 ? UtcDate(Instant::Now()).year : static_cast<int>(*year);
            auto s = services::SummarizePretexting(api.store(), call->carrier, y);
            if (!s.ok()) return call->Fail(s.status());
            call->Json(200, services::PretextingSummaryToJson(*s));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = flags + "/{flag}/review",
      .summary = "The security role records its review of a flag",
      .tag = "authentication",
      .roles = {Role::kSecurity},
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties", {{"note", {{"type", "string"}}}}},
                         {"required", {"note"}},
                         {"additionalProperties", false}},
      .response_schema = kFlagSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("flag");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string note = r.String("note", 2000);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto f = services::ReviewPretextingFlag(api.store(), call->carrier, *id, note,
                                                    call->actor);
            if (!f.ok()) return call->Fail(f.status());
            call->Json(200, services::PretextingFlagToJson(*f));
          }});
}

}  // namespace proprio::api::authn
