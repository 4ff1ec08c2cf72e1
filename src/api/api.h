// api/api.h: the HTTP API without the network — the route table, and the one
// pipeline every request goes through:
//
//   match route (404, 405) -> authenticate (401) -> carrier scope (404, the
//   attempt recorded) -> roles (403, recorded) -> Idempotency-Key (durable
//   claim; replay, 409 or 422) -> handler -> HTTP conventions -> metrics and
//   one structured log line
//
// HTTP conventions, applied to every answer in one place (Call::Send):
// - 201 Created carries Location (RouteSpec::location), RFC 9110 10.2.2;
// - a 200 to a GET or HEAD carrying an ETag becomes 304 Not Modified, with
//   the ETag and no body, when If-None-Match matches it (RFC 9110 13.1.2,
//   15.4.5); the handler has run, so a CPNI read is still recorded;
// - a page whose next_cursor is set carries Link: <...cursor=...>;
//   rel="next" (RFC 8288), the request's target with the cursor replaced.
//
// HEAD is answered on every GET route by running the GET (with its side
// effects: a CPNI read is recorded) and sending its status and headers,
// Content-Length included, without the body.
//
// Idempotency-Key (POST, PATCH): before the handler runs, the key is claimed in a
// committed transaction (an idempotency_keys row with status 0, naming this
// process's instance_id()); the handler's answer replaces the claim, or
// deletes it when it is one the client may retry (5xx, 429). A retry finds
// the answer (replayed, Idempotent-Replayed: true; 422 for another request),
// or the pending claim. A process cannot tell another that died (kill -9)
// from one still running the request (several may share a PostgreSQL
// database), so a claim of another process answers 409
// idempotency-key-in-use, with Retry-After the seconds until the claim is
// ApiOptions::idempotency_claim_us (120 s) old; from then on 409
// idempotency-outcome-unknown. A claim of this process that it no longer runs
// (it failed to keep the answer) is idempotency-outcome-unknown at once. An
// answer that could not be kept is not sent (503 instead), so every answer a
// client got, a retry gets again. So a POST or PATCH runs at most once per key, even
// across a crash.
//
// Handlers parse, call a service, serialise; they decide nothing. They run on
// the Api's worker threads (store calls block), and answer through
// Call::Send, possibly later and from another thread (a CPNI read answers
// once its access-log entry is durable).
//
// Thread-safety: Handle() may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/http_types.h"
#include "api/log.h"
#include "api/metrics.h"
#include "api/sign_in_guard.h"
#include "core/domain.h"
#include "rules/rule_set.h"
#include "services/access_log.h"
#include "services/staff_auth.h"
#include "store/store.h"

namespace proprio::services {
class DecisionService;
}

namespace boost::asio {
class thread_pool;
}

namespace proprio::api {

struct ApiOptions {
  services::AuthPolicy auth;
  int workers = 0;  // 0: 4 per core, at least 8
  // No added delay: reads arriving while a commit is in progress share the next.
  store::GroupCommitter::Options access_log{256, std::chrono::microseconds(0)};
  int64_t token_cache_us = 2 * kMicrosPerSecond;  // how long a resolved token is trusted
  LogSink log = nullptr;  // nullptr: JSON lines to stderr
  bool log_requests = true;
  // A pending Idempotency-Key claim of another process is taken for a request
  // still running there (several servers may share a PostgreSQL database)
  // until it is this old; older, its outcome is unknown.
  int64_t idempotency_claim_us = 120 * kMicrosPerSecond;
  // POST /v1/sessions: its own hashing pool, load shedding and failure limits
  // per source address and per login (api/sign_in_guard.h).
  SignInLimits sign_in;
  // The operator's date for the fcc-2024 64.2011 (rules/rule_set.h), for
  // decisions and breach cases; none: the 2007 breach rules stay in force.
  // A breach case may still name its own date (what-if).
  rules::RuleConfig rules;
  // The installation's webhook key (services::LoadWebhookKey): account-change
  // notices posted to carriers' webhooks are signed with it; "": unsigned.
  std::string webhook_key;
};

using Reply = std::function<void(Response)>;

// One request in progress, shared by the pipeline and its handler.
struct Call {
  Request req;
  std::optional<services::Principal> principal;
  CarrierId carrier;      // the {carrier} of the route, when it has one
  services::Actor actor;  // "staff:12 via GET /v1/carriers/{carrier}/customers/{customer}"
  const struct RouteSpec* route = nullptr;

  // Answers the request (exactly once; later calls are ignored).
  void Send(Response r);
  void Json(int status, const nlohmann::json& body);
  void Fail(const Status& s);
  // The path parameter `name` as a positive id; InvalidArgument otherwise.
  Result<int64_t> IdParam(const std::string& name) const;

  std::function<void(Response)> reply_fn;
  std::atomic<bool> replied{false};

 private:
  // The HTTP conventions of the header comment, applied by Send.
  void ApplyConventions(Response& r) const;
};

// RouteSpec::location with {name} taken from `params` and {/pointer} from the
// JSON `body`; nullopt when one is missing or not an id (letters, digits,
// '-', '_', '.').
std::optional<std::string> ExpandLocation(const std::string& pattern,
                                          const std::map<std::string, std::string>& params,
                                          const std::string& body);

using Handler = std::function<void(const std::shared_ptr<Call>&)>;

struct QueryParam {
  std::string name;
  std::string type;  // JSON schema type: "string", "integer", "boolean"
  std::string description;
};

struct RouteSpec {
  std::string method;   // "GET"
  std::string pattern;  // "/v1/carriers/{carrier}/customers/{customer}"
  std::string summary;
  std::string tag;
  bool authenticated = true;
  std::vector<Role> roles;  // who may call it; empty: any authenticated caller
  bool reads_cpni = false;  // each call is recorded in the carrier's ledger
  // The handler does at most one indexed read and hands any write to the
  // group committer, so on the embedded store (reads in microseconds) it runs
  // on the network thread: one thread hand-off fewer per request on the
  // hottest routes. On PostgreSQL it runs on a worker like every route, so a
  // network round trip never holds a network thread. Never set it on a route
  // that hashes a secret, scans, or writes through Store::Transact.
  bool runs_inline = false;
  std::vector<QueryParam> query;
  std::vector<std::string> request_headers;  // documented: "If-Match", "Idempotency-Key"
  std::string request_type;  // "application/json", "text/csv", or empty: no body
  nlohmann::json request_schema;  // JSON schema (or a $ref)
  int success_status = 200;
  std::string response_type = "application/json";
  nlohmann::json response_schema;
  // The Location of a 201 answer (RFC 9110 10.2.2), set by the pipeline when
  // the handler did not: a template whose {name} is the route's path
  // parameter and {/a/b} the JSON pointer /a/b into the answer's body, e.g.
  // "/v1/carriers/{carrier}/notice-templates/{/id}". Every 201 route has one
  // (http_api_test checks it).
  std::string location;
  // The answer carries an ETag: If-None-Match is documented (the pipeline
  // answers 304 on any GET whose answer carries a matching ETag).
  bool etag = false;
  Handler handler;

  std::string Name() const { return method + " " + pattern; }
  bool Allows(const services::Principal& p) const;
};

class Api {
 public:
  Api(store::Store& store, ApiOptions options);
  // Waits for handlers in progress and commits queued access-log entries.
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Handles one request; `done` is called exactly once, from any thread.
  void Handle(Request req, Reply done);

  const std::vector<RouteSpec>& routes() const { return routes_; }
  // The OpenAPI 3.1 document of every route.
  const nlohmann::json& OpenApi() const { return openapi_; }

  // For handlers.
  store::Store& store() { return store_; }
  services::AccessLog& access_log() { return *access_log_; }
  const ApiOptions& options() const { return options_; }
  Metrics& metrics() { return metrics_; }
  SignInGuard& sign_in_guard() { return *sign_in_guard_; }
  Logger& logger() { return logger_; }
  // Forgets cached principals of a revoked token (0: all).
  void ForgetToken(int64_t token_id);
  // Runs `fn` on a worker thread.
  void Post(std::function<void()> fn);
  // The last-resort guard: runs `fn` (a handler, or the continuation of one)
  // and turns any exception escaping it into a 500 problem answer to `call`
  // (when it has not answered yet) and an error log line naming no request
  // data, so that no request can end the process.
  void Guarded(const std::shared_ptr<Call>& call, const std::function<void()>& fn);
  // Stops taking work: waits for the handlers in progress and commits the
  // queued access-log entries (their answers are posted as usual). Called by
  // the server once its connections are drained; idempotent.
  void Quiesce();
  // Requests handed to Handle and not yet answered.
  int64_t in_flight() const { return in_flight_.load(); }
  // This process's id in the Idempotency-Key claims it makes (random, made
  // at construction).
  const std::string& instance_id() const { return instance_id_; }

 private:
  struct Match {
    const RouteSpec* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // methods for the path, when route is null
  };
  Match Route(const std::string& method, const std::string& path) const;
  void Run(const std::shared_ptr<Call>& call);
  // By the Authorization header, or else by the console's session cookie
  // (*token_from_cookie then holds its token, for the CSRF check).
  Result<services::Principal> Authenticate(const Request& req, std::string* token_from_cookie);
  Result<services::Principal> ResolveCached(const std::string& token);
  void Finish(Call& call, Response r, int64_t started_us, const Reply& done);
  void WithIdempotency(const std::shared_ptr<Call>& call);
  // Keeps the answer `r` to a claimed key, or releases the claim (5xx, 429).
  // False when the answer (or the release) could not be committed.
  bool SettleIdempotency(const store::IdempotencyRecord& claim, const Response& r);

  store::Store& store_;
  ApiOptions options_;
  Metrics metrics_;
  Logger logger_;
  std::vector<RouteSpec> routes_;
  std::vector<std::vector<std::string>> route_segments_;  // routes_[k].pattern split at '/'
  nlohmann::json openapi_;
  std::unique_ptr<services::AccessLog> access_log_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::atomic<int64_t> in_flight_{0};
  std::mutex quiesce_mu_;

  struct CachedPrincipal {
    services::Principal principal;
    Instant loaded;
  };
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedPrincipal> token_cache_;  // by token hash

  std::string instance_id_;
  std::mutex idem_mu_;
  std::set<std::string> idem_in_progress_;  // keys this process is running

  // Declared last: destroyed first, waiting for the sign-ins it runs (they
  // answer through the members above).
  std::unique_ptr<SignInGuard> sign_in_guard_;
};

// Route tables, one function per resource (routes_*.cc).
void AddOperationsRoutes(Api& api, std::vector<RouteSpec>& routes);
void AddSessionRoutes(Api& api, std::vector<RouteSpec>& routes);
void AddCarrierRoutes(Api& api, std::vector<RouteSpec>& routes);
void AddCustomerRoutes(Api& api, std::vector<RouteSpec>& routes);
void AddStaffRoutes(Api& api, std::vector<RouteSpec>& routes);
void AddLedgerRoutes(Api& api, std::vector<RouteSpec>& routes);
// Decisions, consent, notices, policies, calendar (routes_decisions.cc).
void AddDecisionRoutes(Api& api, std::vector<RouteSpec>& routes);
void AddBreachRoutes(Api& api, std::vector<RouteSpec>& routes);  // routes_breaches.cc
// /metrics gauges of breach obligations (open, overdue), routes_breaches.cc.
void AddBreachGauges(Api& api, std::map<std::string, double>& gauges);
void AddAuthRoutes(Api& api, std::vector<RouteSpec>& routes);  // routes_auth.cc
// routes_certification.cc: 47 CFR 64.2009(b), (e) records and filings.
void AddCertificationRoutes(Api& api, std::vector<RouteSpec>& routes);
// routes_opt_out_failures.cc: 47 CFR 64.2009(f) incidents and notices.
void AddOptOutFailureRoutes(Api& api, std::vector<RouteSpec>& routes);
// routes_partners.cc: 47 CFR 64.2007(b) partner registry, new-carrier authorizations.
void AddPartnerRoutes(Api& api, std::vector<RouteSpec>& routes);
// routes_campaigns.cc: 47 CFR 64.2009(c), (d) campaigns, their review and
// audiences; added by AddDecisionRoutes, whose approval index they share.
void AddCampaignRoutes(Api& api, std::vector<RouteSpec>& routes,
                       std::shared_ptr<services::DecisionService> decisions);
// routes_sim.cc: 47 CFR 64.2010(h), 52.37 SIM change and port-out requests
// and the customer's lock.
void AddSimRoutes(Api& api, std::vector<RouteSpec>& routes);
// /metrics gauges of account-change notices (pending, overdue: an alert) and
// password checks (queued, done, refused), routes_auth.cc.
void AddAuthGauges(Api& api, std::map<std::string, double>& gauges);

// Builds the OpenAPI document from a route table (openapi.cc).
nlohmann::json BuildOpenApi(const std::vector<RouteSpec>& routes);

}  // namespace proprio::api
