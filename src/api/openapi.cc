// The OpenAPI 3.1 document, generated from the route table: every route with
// its roles (x-proprio-roles), whether it reads CPNI, its parameters, request
// and response schemas, and the problem answers.
#include <cctype>
#include <set>

#include "api/api.h"
#include "api/problem.h"
#include "api/routes_common.h"

namespace proprio::api {

using nlohmann::json;

namespace {

void Close(json& s);

json Str() { return {{"type", "string"}}; }
json Int() { return {{"type", "integer"}}; }
json Bool() { return {{"type", "boolean"}}; }
json Arr(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json Nullable(const char* type) { return {{"type", json::array({type, "null"})}}; }
json Obj(json properties, std::vector<std::string> required, bool closed = true) {
  json j = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) j["required"] = required;
  if (closed) j["additionalProperties"] = false;
  return j;
}

json RoleEnum() {
  json roles = json::array();
  for (Role r : {Role::kAdmin, Role::kComplianceOfficer, Role::kGeneralCounsel, Role::kSupervisor,
                 Role::kCsr, Role::kMarketing, Role::kSecurity, Role::kAuditor, Role::kSystem}) {
    roles.push_back(RoleName(r));
  }
  return {{"type", "string"}, {"enum", roles}};
}

json Schemas() {
  json services_enum = json::array();
  for (int i = 0; i < kServiceCategoryCount; ++i) {
    services_enum.push_back(ServiceCategoryName(static_cast<ServiceCategory>(i)));
  }
  const json address = Obj({{"street", Str()}, {"city", Str()}, {"state", Str()},
                            {"postal_code", Str()}, {"country", Str()}},
                           {"street", "city", "state", "postal_code"});
  const json customer_type = {{"type", "string"}, {"enum", {"residential", "business"}}};
  const json customer_fields = {
      {"account_number", Str()},
      {"customer_type", customer_type},
      {"name", Str()},
      {"telephone_numbers", Arr(Str())},
      {"address", Ref("Address")},
      {"address_since", {{"type", "string"}, {"format", "date"}}},
      {"email", Str()},
      {"services", Arr({{"type", "string"}, {"enum", services_enum}})},
      {"account_representative", Str()},
      {"cpni_contract", Str()},
      {"service_since",
       {{"type", "string"},
        {"format", "date"},
        {"description",
         "the day the customer's service began (the carrier's date). Create: default the day "
         "the account is added; it cannot be changed later. The service-initiation path of "
         "47 CFR 64.2010(e) is open only while it is within the carrier's policy window"}}}};
  json customer = customer_fields;
  customer["service_since"] = {
      {"type", {"string", "null"}},
      {"format", "date"},
      {"description",
       "the day the customer's service began; null: not known (an imported, existing "
       "customer, for whom the service-initiation path of 47 CFR 64.2010(e) is closed)"}};
  customer["id"] = Int();
  customer["carrier"] = Int();
  customer["created_at"] = {{"type", "string"}, {"format", "date-time"}};
  // 64.2003(f): present once the account is closed (a former customer).
  customer["closed_at"] = {{"type", "string"}, {"format", "date-time"}};
  const json officer = Obj({{"name", Str()}, {"title", Str()}, {"signatory", Bool()}},
                           {"name", "title"});
  const json token_fields = {
      {"id", Int()},           {"kind", {{"type", "string"}, {"enum", {"session", "api"}}}},
      {"label", Str()},        {"created_at", Str()},
      {"expires_at", Nullable("string")}, {"revoked_at", Nullable("string")}};
  json issued_fields = token_fields;
  issued_fields["token"] = Str();
  issued_fields["staff"] = Int();
  json problem_types = json::array();
  for (const ProblemType& t : ProblemTypes()) {
    problem_types.push_back(std::string(kProblemTypeBase) + t.slug);
  }
  json schemas = {
      {"Address", address},
      {"Officer", officer},
      {"CarrierInput", Obj({{"legal_name", Str()}, {"filer_id_499", Str()},
                            {"address", Ref("Address")}, {"time_zone", Str()},
                            {"officers", Arr(Ref("Officer"))}},
                           {"legal_name", "filer_id_499", "address", "time_zone"})},
      {"Carrier", Obj({{"id", Int()}, {"legal_name", Str()}, {"filer_id_499", Str()},
                       {"address", Ref("Address")}, {"time_zone", Str()},
                       {"officers", Arr(Ref("Officer"))}, {"created_at", Str()},
                       {"customers", Int()},
                       {"ledger", Obj({{"entries", Int()}, {"root", Str()}}, {})}},
                      {"id", "legal_name", "filer_id_499"}, false)},
      {"CustomerInput", Obj(customer_fields, {"account_number", "name", "telephone_numbers",
                                              "address"})},
      {"CustomerPatch", Obj(customer_fields, {})},
      {"CustomerClose", Obj({{"closed_at", {{"type", "string"}, {"format", "date-time"}}},
                             {"reason", Str()}},
                            {})},
      {"Customer", Obj(customer, {"id", "carrier", "account_number", "customer_type", "name",
                                  "telephone_numbers", "address", "address_since", "services",
                                  "service_since"},
                       false)},
      {"CustomerPage",
       Obj({{"customers",
             Arr(Obj({{"id", Int()}, {"account_number", Str()}, {"customer_type", customer_type},
                      {"name", Str()}},
                     {"id", "account_number", "customer_type", "name"}))},
            {"next_cursor", Nullable("string")}},
           {"customers", "next_cursor"})},
      {"CustomerMatches",
       Obj({{"customers",
             Arr(Obj({{"id", Int()}, {"account_number", Str()}, {"customer_type", customer_type},
                      {"name", Str()}},
                     {"id", "account_number", "customer_type", "name"}))}},
           {"customers"})},
      {"CustomerSearch", Obj({{"telephone_number", Str()}, {"account_number", Str()}}, {})},
      {"ImportReport", Obj({{"rows", Int()}, {"imported", Int()}, {"rejected", Int()},
                            {"committed", Bool()}, {"ledger_seq", Int()}, {"file_sha256", Str()},
                            {"errors", Arr(Obj({{"line", Int()}, {"column", Str()},
                                                {"reason", Str()}},
                                               {}))}},
                           {"rows", "imported", "rejected", "committed"})},
      {"StaffInput", Obj({{"name", Str()}, {"email", Str()}, {"roles", Arr(RoleEnum())},
                          {"hired_on", {{"type", "string"}, {"format", "date"}}},
                          {"login", Str()}, {"password", {{"type", "string"}, {"minLength", 12}}}},
                         {"name", "roles"})},
      {"Staff", Obj({{"id", Int()}, {"carrier", Int()}, {"name", Str()}, {"email", Str()},
                     {"roles", Arr(RoleEnum())}, {"hired_on", Str()}, {"active", Bool()},
                     {"created_at", Str()}, {"login", Str()}},
                    {"id", "carrier", "name", "roles"}, false)},
      {"TokenInput", Obj({{"label", Str()}}, {})},
      {"Token", Obj(token_fields, {"id", "kind"})},
      // A closed Token with the secret: allOf of two closed schemas would
      // refuse every answer, so the fields are listed once more.
      {"IssuedToken", Obj(issued_fields, {"id", "kind", "token"})},
      {"SignIn", Obj({{"login", Str()}, {"password", Str()}, {"cookie", Bool()}},
                     {"login", "password"})},
      {"Principal", Obj({{"account", Int()}, {"staff", Nullable("integer")}, {"name", Str()},
                         {"roles", Arr(RoleEnum())}, {"carriers", Arr(Int())},
                         {"token_id", Int()}, {"token_kind", Str()},
                         {"token_expires_at", Nullable("string")}},
                        {"account", "roles", "carriers"}, false)},
      // token: a bearer sign-in; csrf_token instead with "cookie": true.
      {"Session", Obj({{"token", Str()}, {"token_type", Str()}, {"expires_at", Str()},
                       {"csrf_token", Str()}, {"principal", Ref("Principal")}},
                      {"expires_at"}, false)},
      {"LedgerHead", Obj({{"carrier", Int()}, {"entries", Int()}, {"root", Str()},
                          {"last_hash", Str()}},
                         {"carrier", "entries", "root"}, false)},
      {"VerifyReport",
       Obj({{"carrier", Int()}, {"valid", Bool()}, {"entries", Int()},
            {"payloads_checked", Int()}, {"payloads_erased", Int()}, {"root", Str()},
            {"problems", Arr(Obj({{"kind", Str()}, {"entry", Int()}, {"detail", Str()}}, {}))}},
           {"valid", "entries", "problems"}, false)},
      {"LedgerEntry", Obj({{"carrier", Int()}, {"seq", Int()}, {"at", Str()}, {"actor", Str()},
                           {"type", Str()}, {"subject", Str()},
                           {"body", {{"type", "object"},
                                     {"description",
                                      "the entry's content, as its type records it (erased "
                                      "payloads leave their hash)"},
                                     {"additionalProperties", json::object()}}},
                           {"payload_hash", Nullable("string")}, {"prev_hash", Str()}},
                          {"seq", "type"}, false)},
      {"InclusionProof",
       Obj({{"format", {{"const", "proprio-inclusion-proof/1"}}}, {"carrier", Int()},
            {"entry", Int()}, {"leaf_index", Int()}, {"tree_size", Int()}, {"entry_hex", Str()},
            {"leaf_hash", Str()}, {"audit_path", Arr(Str())}, {"root", Str()}},
           {"format", "entry", "tree_size", "audit_path", "root"}, false)},
      {"Problem", Obj({{"type", {{"type", "string"}, {"enum", problem_types}}},
                       {"title", Str()}, {"status", Int()}, {"detail", Str()},
                       {"field", Str()}, {"instance", Str()}},
                      {"type", "title", "status"}, false)},
      // A CSV import's 422: the problem, and the rows it counted and refused.
      {"ImportProblem",
       Obj({{"type", {{"type", "string"}, {"enum", problem_types}}},
            {"title", Str()}, {"status", Int()}, {"detail", Str()},
            {"field", Str()}, {"instance", Str()}, {"rows", Int()}, {"rejected", Int()},
            {"errors", Arr(Obj({{"line", Int()}, {"column", Str()}, {"reason", Str()}},
                               {"line", "column", "reason"}))}},
           {"type", "title", "status"}, false)},
  };
  for (auto& [name, schema] : schemas.items()) {
    (void)name;
    Close(schema);
  }
  return schemas;
}

// The tags the operations use, each with what it groups (OpenAPI: declared
// top-level tags; an operation's tag outside this list is a test failure).
const std::vector<std::pair<std::string, std::string>>& Tags() {
  static const std::vector<std::pair<std::string, std::string>> tags = {
      {"authentication",
       "telephone, online and in-store authentication of customers (47 CFR 64.2010), their "
       "passwords and backup questions, and pretexting flags"},
      {"breaches", "breaches of CPNI, their notices to the agencies and customers (47 CFR 64.2011)"},
      {"calendar", "the carrier's business days and holidays, which the deadlines count"},
      {"campaigns",
       "sales and marketing campaigns that use CPNI, their supervisory approval, audience, "
       "export and results (47 CFR 64.2009(c), (d))"},
      {"carriers", "the carriers this installation serves"},
      {"certification",
       "the annual compliance certification (47 CFR 64.2009(e)): readiness, drafts, signature, "
       "the filing"},
      {"consent", "a customer's CPNI approvals and their history (47 CFR 64.2007-64.2008)"},
      {"customers", "customers of record, their import and their closing"},
      {"decisions", "may this use of CPNI proceed: the rules' answer, recorded"},
      {"ledger", "the carrier's tamper-evident ledger: head, verification, entries, proofs"},
      {"notices", "opt-out and opt-in notices and their templates (47 CFR 64.2008)"},
      {"notifications", "account-change notifications to customers (47 CFR 64.2010(f))"},
      {"operations", "health, readiness, metrics and this document"},
      {"opt-out-failures",
       "opt-out mechanisms that did not work, and the notice to the FCC they may require "
       "(47 CFR 64.2009(f))"},
      {"partners",
       "affiliates, agents, joint venturers, independent contractors and dealers that may "
       "receive CPNI, their agreements and certifications (47 CFR 64.2007(b)), and customers' "
       "written authorizations for a new carrier"},
      {"policies", "the carrier's compliance policy and its versions"},
      {"sessions", "signing in and out, and who the caller is"},
      {"sim",
       "SIM change and port-out requests decided on secure authentication, the customer's lock "
       "against them, failed attempts and notices (47 CFR 64.2010(h), 52.37)"},
      {"staff", "the carrier's staff, their roles and API tokens, and their training"},
  };
  return tags;
}

// The operation's description: its summary, who may call it, and whether the
// call is recorded as a CPNI read.
std::string Description(const RouteSpec& r) {
  std::string d = r.summary;
  if (!d.empty() && d.back() != '.') d += '.';
  if (!r.authenticated) {
    d += " Public: no token needed.";
  } else if (r.roles.empty()) {
    d += " Any authenticated caller.";
  } else {
    d += " Roles:";
    for (size_t i = 0; i < r.roles.size(); ++i) {
      d += std::string(i == 0 ? " " : ", ") + RoleName(r.roles[i]);
    }
    d += ".";
  }
  if (r.reads_cpni) d += " Reads CPNI: each call is recorded in the carrier's ledger.";
  return d;
}

// Every object schema that lists its properties is closed: the answers hold
// exactly the fields listed (the server also refuses unknown fields in
// requests). A route's schema that means a map says additionalProperties
// itself. tests/e2e/openapi_conformance.cc checks every answer of the
// end-to-end suite against the closed document.
void Close(json& s) {
  if (!s.is_object()) return;
  if (s.contains("properties") && !s.contains("additionalProperties")) {
    s["additionalProperties"] = false;
  }
  if (s.contains("properties")) {
    for (auto& [name, sub] : s["properties"].items()) {
      (void)name;
      Close(sub);
    }
  }
  if (s.contains("items")) Close(s["items"]);
  if (s.contains("additionalProperties")) Close(s["additionalProperties"]);
  for (const char* key : {"oneOf", "anyOf", "allOf"}) {
    if (!s.contains(key)) continue;
    for (json& sub : s[key]) Close(sub);
  }
}

json ProblemResponseObject(const char* description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", Ref("Problem")}}}}}};
}

}  // namespace

json BuildOpenApi(const std::vector<RouteSpec>& routes) {
  json paths = json::object();
  for (const RouteSpec& r : routes) {
    json op;
    op["operationId"] = [&] {
      std::string id = r.method;
      for (char c : r.pattern) id += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
      return id;
    }();
    op["summary"] = r.summary;
    op["description"] = Description(r);
    op["tags"] = {r.tag};
    json roles = json::array();
    for (Role role : r.roles) roles.push_back(RoleName(role));
    op["x-proprio-roles"] = r.authenticated ? (r.roles.empty() ? json("any") : roles)
                                            : json("public");
    op["x-proprio-reads-cpni"] = r.reads_cpni;
    op["security"] = r.authenticated ? json::array({{{"bearer", json::array()}},
                                                    {{"session_cookie", json::array()}}})
                                     : json::array();
    json params = json::array();
    for (size_t at = r.pattern.find('{'); at != std::string::npos;
         at = r.pattern.find('{', at + 1)) {
      const std::string name = r.pattern.substr(at + 1, r.pattern.find('}', at) - at - 1);
      params.push_back({{"name", name}, {"in", "path"}, {"required", true},
                        {"schema", {{"type", "integer"}, {"minimum", 1}}}});
    }
    for (const QueryParam& q : r.query) {
      params.push_back({{"name", q.name}, {"in", "query"}, {"required", false},
                        {"description", q.description}, {"schema", {{"type", q.type}}}});
    }
    for (const std::string& h : r.request_headers) {
      params.push_back({{"name", h}, {"in", "header"}, {"required", h == "If-Match"},
                        {"schema", Str()},
                        {"description", h == "If-Match"
                                            ? "the ETag of the version read (412 if it changed, "
                                              "428 if absent)"
                                            : "claimed durably before the request runs: "
                                              "retries with the same key and body get the "
                                              "first answer (Idempotent-Replayed: true), "
                                              "another body gets 422; 409 "
                                              "idempotency-key-in-use with Retry-After while "
                                              "it may be running (when its server was killed: "
                                              "until the claim is 120 s old), then 409 "
                                              "idempotency-outcome-unknown (look the resource "
                                              "up, then retry with a new key); a 5xx or 429 "
                                              "answer frees the key"}});
    }
    if (r.authenticated && r.method != "GET") {
      params.push_back({{"name", "X-CSRF-Token"}, {"in", "header"}, {"required", false},
                        {"schema", Str()},
                        {"description", "required when the request is authenticated by the "
                                        "session cookie: the csrf_token of the sign-in (403 "
                                        "csrf-token-invalid when missing or wrong)"}});
    }
    if (r.etag) {
      params.push_back({{"name", "If-None-Match"}, {"in", "header"}, {"required", false},
                        {"schema", Str()},
                        {"description", "ETags of copies the client holds: 304 Not Modified "
                                        "when one is current (RFC 9110 13.1.2)"}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.request_type.empty()) {
      json request_schema = r.request_schema;
      Close(request_schema);
      json content = {{r.request_type, {{"schema", request_schema}}}};
      if (r.method == "PATCH" && r.request_type == "application/json") {
        content["application/merge-patch+json"] = {{"schema", request_schema}};
      }
      op["requestBody"] = {{"required", true}, {"content", content}};
    }
    json responses;
    json ok = {{"description", "success"}};
    if (!r.response_type.empty()) {
      json response_schema = r.response_schema;
      Close(response_schema);
      ok["content"] = {{r.response_type, {{"schema", response_schema}}}};
    }
    bool paged = false;
    for (const QueryParam& q : r.query) paged = paged || q.name == "cursor";
    if (r.success_status == 201) {
      ok["headers"]["Location"] = {
          {"description", "the created resource (RFC 9110 10.2.2): " + r.location},
          {"schema", Str()}};
    }
    if (r.etag) {
      ok["headers"]["ETag"] = {{"description", "the version of the resource"},
                               {"schema", Str()}};
    }
    if (paged) {
      ok["headers"]["Link"] = {
          {"description", "the next page, when next_cursor is set: <...&cursor=...>; "
                          "rel=\"next\" (RFC 8288)"},
          {"schema", Str()}};
    }
    responses[std::to_string(r.success_status)] = ok;
    if (r.etag) {
      responses["304"] = {{"description", "If-None-Match holds the current ETag; no content"}};
    }
    // Every route checks its path and query are UTF-8 text (api.cc), so a
    // 400 is a possible answer of every operation.
    responses["400"] = ProblemResponseObject(
        !r.request_type.empty() || !r.query.empty()
            ? "invalid input; `field` names it"
            : "a path or query that is not UTF-8 text; `field` names it");
    if (!r.request_type.empty()) {
      responses["415"] = ProblemResponseObject("a body of another Content-Type");
    }
    if (r.authenticated) {
      responses["401"] = ProblemResponseObject("no valid token");
      responses["403"] = ProblemResponseObject(
          r.method == "GET" ? "the caller's roles do not allow this route"
                            : "the caller's roles do not allow this route; or "
                              "csrf-token-invalid: authenticated by the session cookie "
                              "without its X-CSRF-Token");
    }
    if (r.pattern.find('{') != std::string::npos) {
      responses["404"] = ProblemResponseObject(
          "no such resource, or another carrier's (the attempt is recorded)");
    }
    if (r.method == "PUT" || r.method == "PATCH") {
      responses["412"] = ProblemResponseObject("If-Match does not match the current ETag");
      responses["428"] = ProblemResponseObject("If-Match is required");
    }
    if ((r.method == "POST" || r.method == "PATCH") && r.authenticated) {
      responses["409"] = ProblemResponseObject(
          "a conflict; with an Idempotency-Key also idempotency-key-in-use with Retry-After "
          "(the first request may still be running: for 120 s after its claim when its server "
          "stopped) or idempotency-outcome-unknown (its server stopped before answering)");
      responses["422"] = ProblemResponseObject("Idempotency-Key reused with another body");
    }
    if (r.request_type == "text/csv") {
      responses["422"] = {
          {"description",
           "bad rows: nothing imported (import-rejected, with the rows counted, refused and the "
           "first errors), or an Idempotency-Key reused with another body"},
          {"content", {{"application/problem+json", {{"schema", Ref("ImportProblem")}}}}}};
    }
    if (r.method == "POST" && r.pattern == "/v1/sessions") {
      responses["429"] = ProblemResponseObject(
          "too many failed sign-ins: the account is locked, or this address or login failed "
          "too often in the last minute; Retry-After gives the seconds to wait");
      responses["503"] = ProblemResponseObject(
          "too many sign-ins wait for a password check; Retry-After: 1");
    }
    responses["default"] = ProblemResponseObject("any other problem (RFC 9457)");
    op["responses"] = responses;
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.pattern][method] = op;
    if (r.method == "GET") {
      // HEAD: the GET's status and headers (Content-Length included), no body;
      // it has the GET's effects (a CPNI read is recorded).
      json head = op;
      head["operationId"] = "HEAD" + op["operationId"].get<std::string>().substr(3);
      head["summary"] = "HEAD of: " + r.summary;
      head["description"] = "The GET's status and headers without its body. " + Description(r);
      for (auto& [status, response] : head["responses"].items()) {
        (void)status;
        response.erase("content");
      }
      paths[r.pattern]["head"] = head;
    }
  }
  json tags = json::array();
  for (const auto& [name, what] : Tags()) tags.push_back({{"name", name}, {"description", what}});
  return {
      {"openapi", "3.1.0"},
      {"servers",
       json::array({{{"url", "/"},
                     {"description", "this server (proprio serve --listen ADDRESS:PORT)"}}})},
      {"tags", tags},
      {"info",
       {{"title", "Proprio"},
        {"version", "1"},
        {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Proprio"}}},
        {"contact", {{"name", "Proprio maintainers"}, {"url", "https://proprio.dev"}}},
        {"description",
         "CPNI compliance engine (47 CFR 64.2001-64.2011). Every read of a customer's CPNI and "
         "every change is recorded in the carrier's tamper-evident ledger. Errors are RFC 9457 "
         "problem documents; unknown JSON fields are refused; lists paginate by cursor (limit, "
         "cursor, next_cursor); every GET also answers HEAD."}}},
      {"paths", paths},
      {"components",
       {{"schemas", Schemas()},
        {"securitySchemes",
         {{"bearer",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description", "a session token from POST /v1/sessions, or an API token"}}},
          {"session_cookie",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", "proprio_session"},
            {"description",
             "the web console's session: POST /v1/sessions with \"cookie\": true sets it "
             "(HttpOnly, SameSite=Strict, Secure under TLS); used only when no Authorization "
             "header is sent; state-changing requests must carry X-CSRF-Token"}}}}}}},
  };
}

}  // namespace proprio::api
