// /healthz, /readyz, /metrics, /v1/openapi.json: operations, no auth.
#include "api/problem.h"
#include "api/routes_common.h"

namespace proprio::api {

using nlohmann::json;

Result<int64_t> QueryInt(const Request& req, const std::string& name, int64_t fallback,
                         int64_t min, int64_t max) {
  if (req.query.count(name) > 1) {
    return Status::InvalidArgument("query parameter " + name + " is given more than once", name);
  }
  const std::string text = req.Query(name);
  if (text.empty()) return fallback;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || v > (max / 10)) {
      return Status::InvalidArgument(
          name + " must be an integer between " + std::to_string(min) + " and " +
              std::to_string(max),
          name);
    }
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) {
    return Status::InvalidArgument(
        name + " must be between " + std::to_string(min) + " and " + std::to_string(max), name);
  }
  return v;
}

Result<PageRequest> ReadPageRequest(const Request& req) {
  ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", kDefaultPageLimit, 1, kMaxPageLimit));
  auto after = QueryInt(req, "cursor", 0, 0, INT64_MAX / 16);
  if (!after.ok()) {
    return Status::InvalidArgument("cursor is not one this API gave out", "cursor");
  }
  return PageRequest{static_cast<int>(limit), *after};
}

std::vector<QueryParam> PageQuery(std::vector<QueryParam> extra) {
  extra.push_back({"cursor", "string", "the next_cursor of the previous page"});
  extra.push_back({"limit", "integer", "page size, 1 to 1000 (default 100)"});
  return extra;
}

json PageSchema(const std::string& items, json item, const json& extra) {
  json schema = {{"type", "object"},
                 {"additionalProperties", false},
                 {"required", {items, "next_cursor"}},
                 {"properties",
                  {{items, {{"type", "array"}, {"items", std::move(item)}}},
                   {"next_cursor",
                    {{"type", json::array({"string", "null"})},
                     {"description", "the cursor of the next page; null on the last page"}}}}}};
  for (const auto& [name, property] : extra.items()) schema["properties"][name] = property;
  return schema;
}

void AddOperationsRoutes(Api& api, std::vector<RouteSpec>& routes) {
  const json ready_schema = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"status", "backend"}},
      {"properties",
       {{"status", {{"type", "string"}, {"enum", {"ready"}}}},
        {"backend", {{"type", "string"}, {"enum", {"sqlite", "postgres"}},
                     {"description", "the store this server runs on"}}}}}};
  // The OpenAPI document's own shape: its parts are maps the OpenAPI 3.1
  // specification defines, not repeated here.
  auto part = [](const char* what) {
    return json{{"type", "object"}, {"description", what}, {"additionalProperties", json::object()}};
  };
  const json document_schema = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"openapi", "info", "servers", "tags", "paths", "components"}},
      {"properties",
       {{"openapi", {{"type", "string"}, {"enum", {"3.1.0"}}}},
        {"info", part("title, version, description, license, contact (OpenAPI 3.1 Info)")},
        {"servers", {{"type", "array"},
                     {"items", part("an OpenAPI 3.1 Server Object")}}},
        {"tags", {{"type", "array"}, {"items", part("an OpenAPI 3.1 Tag Object")}}},
        {"paths", part("path template: OpenAPI 3.1 Path Item Object")},
        {"components", part("schemas and securitySchemes (OpenAPI 3.1 Components Object)")}}}};
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/healthz",
      .summary = "Liveness: the process answers",
      .tag = "operations",
      .authenticated = false,
      .response_schema = {{"type", "object"},
                          {"required", {"status", "version"}},
                          {"properties",
                           {{"status", {{"type", "string"}}},
                            {"version", {{"type", "string"}, {"description", "proprio's version"}}}}}},
      .handler = [](const std::shared_ptr<Call>& call) {
        call->Json(200, {{"status", "ok"}, {"version", PROPRIO_VERSION}});
      }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/readyz",
      .summary = "Readiness: the database answers (503 otherwise)",
      .tag = "operations",
      .authenticated = false,
      .response_schema = ready_schema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            Status st = api.store().Ping();
            if (!st.ok()) {
              call->Fail(Status::Unavailable("the database does not answer"));
              return;
            }
            call->Json(200, {{"status", "ready"}, {"backend", api.store().backend_name()}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/metrics",
      .summary = "Prometheus metrics (text format 0.0.4)",
      .tag = "operations",
      .authenticated = false,
      .response_type = "text/plain; version=0.0.4",
      .response_schema = {{"type", "string"}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            std::map<std::string, double> gauges;
            int64_t entries = 0;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(entries, tx.LedgerEntriesTotal());
              return Status::Ok();
            });
            if (st.ok()) gauges["proprio_ledger_entries"] = static_cast<double>(entries);
            gauges["proprio_http_in_flight"] = static_cast<double>(api.in_flight());
            gauges["proprio_access_log_batches"] = static_cast<double>(api.access_log().batches());
            AddBreachGauges(api, gauges);
            AddAuthGauges(api, gauges);
            // POST /v1/sessions (api/sign_in_guard.h).
            gauges["proprio_sign_in_checks_queued"] =
                static_cast<double>(api.sign_in_guard().queued());
            gauges["proprio_sign_in_shed_total"] = static_cast<double>(api.sign_in_guard().shed());
            gauges["proprio_sign_in_limited_total"] =
                static_cast<double>(api.sign_in_guard().limited());
            Response r;
            r.content_type = "text/plain; version=0.0.4";
            r.body = api.metrics().Render(gauges);
            call->Send(std::move(r));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/v1/openapi.json",
      .summary = "This API's OpenAPI 3.1 document",
      .tag = "operations",
      .authenticated = false,
      .response_schema = document_schema,
      .handler = [&api](const std::shared_ptr<Call>& call) { call->Json(200, api.OpenApi()); }});
}

}  // namespace proprio::api
