// Every route's input, through the whole API pipeline (api/api.h) in
// process, over a SQLite database: the first byte picks a route, then come
// its path parameters and query (one line each) and the body. Whatever the
// bytes, the answer is never a 5xx, and every refusal is a problem+json
// body whose status matches the answer's, with a title. The caller is a
// staff member holding every role, so role checks do not hide the decoders
// behind a 403.
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api.h"
#include "fuzz_util.h"
#include "services/registry.h"
#include "services/staff_auth.h"
#include "store/store.h"

using namespace proprio;

namespace {

struct World {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<api::Api> api;
  CarrierId carrier;
  std::string token;
};

// A staff member holding every role, and an API token for them. Made again
// whenever an input revoked the token or disabled the member (routes allow
// both), so one such input does not turn every later one into a 401.
void NewCaller(World& w) {
  static int n = 0;
  const services::Actor actor{"fuzz", Instant::Now()};
  Staff s;
  s.carrier = w.carrier;
  s.name = "Every Role " + std::to_string(++n);
  s.roles = {Role::kAdmin,     Role::kComplianceOfficer, Role::kGeneralCounsel,
             Role::kSupervisor, Role::kCsr,              Role::kMarketing,
             Role::kSecurity,  Role::kAuditor};
  const StaffId staff = services::AddStaff(*w.store, s, actor).value().id;
  w.token = services::IssueApiToken(*w.store, staff, "fuzz", actor).value().token;
}

World* MakeWorld() {
  auto* w = new World;
  char tmpl[] = "/tmp/proprio-fuzz-api-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  w->store = std::move(store::Store::Open(store::StoreOptions::Sqlite(dir + "/p.db")).value());
  const services::Actor actor{"fuzz", Instant::Now()};
  Carrier c;
  c.legal_name = "Fuzz Telephone";
  c.filer_id_499 = "999001";
  c.time_zone = "America/New_York";
  c.officers = {{"Dana Whitfield", "Chief Financial Officer", true}};
  w->carrier = services::AddCarrier(*w->store, c, actor).value().id;
  NewCaller(*w);
  api::ApiOptions ao;
  ao.auth.cost = {1, 64, 1};
  ao.workers = 2;
  ao.log_requests = false;
  ao.log = [](const std::string&) {};
  w->api = std::make_unique<api::Api>(*w->store, ao);
  return w;
}

World& TheWorld() {
  static World* w = MakeWorld();
  return *w;
}

// Splits off the text up to the next '\n' (or the rest).
std::string_view Line(std::string_view& rest) {
  const size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 16 * 1024) return 0;
  World& w = TheWorld();
  const auto& routes = w.api->routes();
  const api::RouteSpec& route = routes[data[0] % routes.size()];
  std::string_view rest = AsText(data + 1, size - 1);

  api::Request req;
  req.method = route.method;
  // Path parameters in pattern order; "{carrier}" left empty is the carrier
  // whose staff calls, so the handler itself is reached.
  std::string path;
  std::string_view pattern = route.pattern;
  while (!pattern.empty()) {
    const size_t open = pattern.find('{');
    path += pattern.substr(0, open);
    if (open == std::string_view::npos) break;
    const size_t close = pattern.find('}', open);
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    std::string value(Line(rest));
    if (value.empty() && name == "carrier") value = w.carrier.ToString();
    if (value.empty()) value = "1";
    path += value;
    pattern.remove_prefix(close + 1);
  }
  const std::string_view query = Line(rest);
  req.path = path;
  req.target = path + (query.empty() ? "" : "?" + std::string(query));
  if (!query.empty() && !api::ParseQuery(query, &req.query)) return 0;  // the server's 400
  req.content_type = route.request_type.empty() ? "application/json" : route.request_type;
  req.authorization = "Bearer " + w.token;
  req.body = std::string(rest);
  req.request_id = "fuzz";
  req.remote = "127.0.0.1";

  std::promise<api::Response> answered;
  std::future<api::Response> answer = answered.get_future();
  w.api->Handle(std::move(req), [&answered](api::Response r) { answered.set_value(std::move(r)); });
  const api::Response r = answer.get();
  static const bool trace = std::getenv("PROPRIO_FUZZ_TRACE") != nullptr;
  if (trace) std::fprintf(stderr, "%d %s\n", r.status, route.Name().c_str());
  if (r.status == 401 || r.status == 403) NewCaller(w);

  FUZZ_CHECK(r.status >= 200 && r.status < 500 || r.status == 503, "no server error");
  if (r.status >= 400) {
    FUZZ_CHECK(r.content_type == "application/problem+json", "a refusal is problem+json");
    const nlohmann::json problem = nlohmann::json::parse(r.body, nullptr, false);
    FUZZ_CHECK(problem.is_object() && problem.value("status", 0) == r.status,
               "the problem names the answer's status");
    FUZZ_CHECK(problem.contains("title") && problem["title"].is_string() &&
                   !problem["title"].get<std::string>().empty(),
               "the problem has a title");
  }
  return 0;
}
