// api/routes_common.h: small helpers the routes_*.cc files share.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api.h"
#include "core/domain.h"

namespace proprio::api {

// {"$ref": "#/components/schemas/<name>"}
inline nlohmann::json Ref(const char* name) {
  return {{"$ref", std::string("#/components/schemas/") + name}};
}

// JSON schema fragments for route descriptions.
namespace schema {
inline nlohmann::json String() { return {{"type", "string"}}; }
inline nlohmann::json Integer() { return {{"type", "integer"}}; }
inline nlohmann::json Boolean() { return {{"type", "boolean"}}; }
inline nlohmann::json Date() { return {{"type", "string"}, {"format", "date"}}; }
inline nlohmann::json DateTime() { return {{"type", "string"}, {"format", "date-time"}}; }
inline nlohmann::json Nullable(nlohmann::json s) { return {{"oneOf", {std::move(s), {{"type", "null"}}}}}; }
inline nlohmann::json ArrayOf(nlohmann::json items) {
  return {{"type", "array"}, {"items", std::move(items)}};
}
inline nlohmann::json Enum(std::vector<std::string> values) {
  return {{"type", "string"}, {"enum", std::move(values)}};
}
// A closed object: every property listed, `required` present.
inline nlohmann::json Object(nlohmann::json properties, std::vector<std::string> required) {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"properties", std::move(properties)},
          {"required", std::move(required)}};
}
}  // namespace schema

// The schemas of one decision request and one decision's answer
// (routes_decisions.cc), for the routes that decide through a verification
// session (routes_auth.cc).
nlohmann::json DecisionRequestSchemaForRoutes();
nlohmann::json DecisionAnswerSchemaForRoutes();

// Role sets the routes share.
inline const std::vector<Role> kCpniReaders = {
    Role::kComplianceOfficer, Role::kGeneralCounsel, Role::kSupervisor, Role::kCsr,
    Role::kSecurity,          Role::kAuditor,        Role::kSystem};
inline const std::vector<Role> kCustomerWriters = {Role::kComplianceOfficer, Role::kSupervisor,
                                                   Role::kCsr, Role::kSystem};
inline const std::vector<Role> kLedgerReaders = {Role::kAdmin, Role::kComplianceOfficer,
                                                 Role::kGeneralCounsel, Role::kSecurity,
                                                 Role::kAuditor};
inline const std::vector<Role> kStaffReaders = {Role::kAdmin, Role::kComplianceOfficer,
                                                Role::kSupervisor, Role::kSecurity,
                                                Role::kAuditor};

class ObjectReader;
// Reads a required address object {street, city, state, postal_code, country?}.
PostalAddress ReadAddress(ObjectReader& parent, const char* name);

// A positive integer from a query parameter, or `fallback` when absent.
Result<int64_t> QueryInt(const Request& req, const std::string& name, int64_t fallback,
                         int64_t min, int64_t max);

// Cursor pages, as the customer list has them: `limit` 1 to 1000 (default
// 100), `cursor` the `next_cursor` of the previous page (an opaque string;
// absent: the first page); the answer holds the page's array and
// `next_cursor`, null on the last page. A bad limit or cursor is a 400 naming
// the field.
inline constexpr int64_t kDefaultPageLimit = 100;
inline constexpr int64_t kMaxPageLimit = 1000;
struct PageRequest {
  int limit = static_cast<int>(kDefaultPageLimit);
  int64_t after = 0;  // the id the page starts after
};
Result<PageRequest> ReadPageRequest(const Request& req);
// The documented query parameters of a paged list: `extra` (a list's own
// filters), then cursor and limit.
std::vector<QueryParam> PageQuery(std::vector<QueryParam> extra = {});
// The schema of a page: {"<items>": [item], "next_cursor": string|null}, and
// the properties in `extra` (a JSON object of name: schema) besides.
nlohmann::json PageSchema(const std::string& items, nlohmann::json item,
                          const nlohmann::json& extra = nlohmann::json::object());
// `id` as a next_cursor, or null.
inline nlohmann::json NextCursor(std::optional<int64_t> id) {
  return id ? nlohmann::json(std::to_string(*id)) : nlohmann::json(nullptr);
}
// The answer of a paged list: {"<items>": [to_json(item) ...], "next_cursor"}.
template <typename T, typename ToJson>
nlohmann::json PageJson(const std::string& items, const store::Page<T>& page, ToJson to_json) {
  nlohmann::json out = nlohmann::json::array();
  for (const T& item : page.items) out.push_back(to_json(item));
  nlohmann::json answer = nlohmann::json::object();
  answer[items] = std::move(out);
  answer["next_cursor"] = NextCursor(page.next);
  return answer;
}

}  // namespace proprio::api
