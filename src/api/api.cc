#include "api/api.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <thread>

#include <unistd.h>

#include "api/browser_session.h"
#include "api/console_assets.h"
#include "api/problem.h"
#include "core/text.h"
#include "ledger/sha256.h"
#include "services/secure_random.h"

namespace proprio::api {

using nlohmann::json;

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The segments of "/a/b/c"; views into `path`.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t slash = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string ProblemSlug(const std::string& body) {
  // The slug of a problem body's type, for logs (no parsing of other fields).
  const std::string marker = kProblemTypeBase;
  const size_t at = body.find(marker);
  if (at == std::string::npos) return {};
  const size_t start = at + marker.size();
  const size_t end = body.find('"', start);
  return body.substr(start, end - start);
}

// The field a problem names, when it looks like one of our field names (a
// client's unknown key could be anything, and logs carry no request data).
std::string ProblemField(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("field") || !j["field"].is_string()) return {};
  const std::string f = j["field"];
  if (f.empty() || f.size() > 64 || !std::isalpha(static_cast<unsigned char>(f[0]))) return {};
  for (char c : f) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '[' &&
        c != ']' && c != '-') {
      return {};
    }
  }
  return f;
}

// A random id for this process's Idempotency-Key claims.
std::string NewInstanceId() {
  if (Result<std::string> id = services::RandHex(12); id.ok()) return *id;
  // No entropy: the pid and the clock still differ per process, which is all
  // an instance id needs (it is not a secret).
  const uint64_t mix = static_cast<uint64_t>(NowMicros()) ^
                       (uint64_t{0x9e3779b97f4a7c15} * static_cast<uint64_t>(::getpid()));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx%08x", static_cast<unsigned long long>(mix),
                static_cast<unsigned>(::getpid()));
  return buf;
}

// `retry_after_seconds`: when a retry may learn more (the answer, or that
// the outcome is unknown).
Response KeyInUse(const std::string& request_id, int64_t retry_after_seconds) {
  Response r = Problem(409, "idempotency-key-in-use",
                       "A request with this Idempotency-Key is in progress",
                       "a request with this Idempotency-Key is still being processed, or was by "
                       "a server process that may have stopped; retry after Retry-After "
                       "seconds with the same key to get its answer (or to learn that its "
                       "outcome is unknown)",
                       request_id, "Idempotency-Key");
  r.Header("Retry-After", std::to_string(std::max<int64_t>(1, retry_after_seconds)));
  return r;
}

}  // namespace

bool RouteSpec::Allows(const services::Principal& p) const {
  if (roles.empty()) return true;
  for (Role r : roles) {
    if (p.HasRole(r)) return true;
  }
  return false;
}

namespace {

bool HasHeader(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

const std::string* FindHeader(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

bool IsPaged(const RouteSpec& route) {
  for (const QueryParam& q : route.query) {
    if (q.name == "cursor") return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> ExpandLocation(const std::string& pattern,
                                          const std::map<std::string, std::string>& params,
                                          const std::string& body) {
  std::string out;
  json parsed;
  bool have_body = false;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] != '{') {
      out += pattern[i++];
      continue;
    }
    const size_t close = pattern.find('}', i);
    if (close == std::string::npos) return std::nullopt;
    const std::string name = pattern.substr(i + 1, close - i - 1);
    i = close + 1;
    std::string value;
    if (!name.empty() && name.front() == '/') {
      if (!have_body) {
        parsed = json::parse(body, nullptr, false);
        have_body = true;
      }
      if (!parsed.is_object()) return std::nullopt;
      const json::json_pointer ptr = [&] {
        try {
          return json::json_pointer(name);
        } catch (const json::exception&) {
          return json::json_pointer();
        }
      }();
      if (ptr.empty() || !parsed.contains(ptr)) return std::nullopt;
      const json& v = parsed.at(ptr);
      if (v.is_number_integer()) {
        value = std::to_string(v.get<int64_t>());
      } else if (v.is_string()) {
        value = v.get<std::string>();
      } else {
        return std::nullopt;
      }
    } else {
      auto it = params.find(name);
      if (it == params.end()) return std::nullopt;
      value = it->second;
    }
    // Ids are digits; anything else is not put in a header.
    if (value.empty()) return std::nullopt;
    for (char c : value) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
        return std::nullopt;
      }
    }
    out += value;
  }
  return out;
}

void Call::Send(Response r) {
  if (replied.exchange(true)) return;
  if (route != nullptr) ApplyConventions(r);
  reply_fn(std::move(r));
}

void Call::ApplyConventions(Response& r) const {
  // 201: Location of what was created (RFC 9110 10.2.2).
  if (r.status == 201 && !route->location.empty() && !HasHeader(r, "Location")) {
    if (auto loc = ExpandLocation(route->location, req.params, r.body)) {
      r.Header("Location", *loc);
    }
  }
  if (r.status != 200) return;
  const bool get = req.method == "GET" || req.method == "HEAD";
  // If-None-Match (RFC 9110 13.1.2): the client's copy is current.
  if (get && !req.if_none_match.empty()) {
    const std::string* etag = FindHeader(r, "ETag");
    if (etag != nullptr && IfNoneMatchMatches(req.if_none_match, *etag)) {
      // 304 (RFC 9110 15.4.5): the headers a 200 would have had, no content.
      r.status = 304;
      r.body.clear();
      r.content_type.clear();
      return;
    }
  }
  // A page with a next page: Link rel="next" (RFC 8288).
  if (get && IsPaged(*route) && r.content_type == "application/json" &&
      r.body.find("\"next_cursor\":\"") != std::string::npos && !HasHeader(r, "Link")) {
    const json page = json::parse(r.body, nullptr, false);
    if (page.is_object() && page.contains("next_cursor") && page["next_cursor"].is_string()) {
      r.Header("Link", NextLinkHeader(req.target, page["next_cursor"].get<std::string>()));
    }
  }
}

void Call::Json(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  Send(std::move(r));
}

void Call::Fail(const Status& s) { Send(ProblemResponse(s, req.request_id)); }

Result<int64_t> Call::IdParam(const std::string& name) const {
  auto it = req.params.find(name);
  const std::string text = it == req.params.end() ? std::string() : it->second;
  int64_t v = 0;
  if (text.empty() || text.size() > 18) {
    return Status::NotFound("no " + name + " '" + text + "'");
  }
  for (char c : text) {
    if (c < '0' || c > '9') return Status::NotFound("no " + name + " '" + text + "'");
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return Status::NotFound("no " + name + " " + text);
  return v;
}

Api::Api(store::Store& store, ApiOptions options)
    : store_(store),
      options_(std::move(options)),
      logger_(options_.log),
      instance_id_(NewInstanceId()),
      sign_in_guard_(std::make_unique<SignInGuard>(options_.sign_in)) {
  AddOperationsRoutes(*this, routes_);
  AddSessionRoutes(*this, routes_);
  AddCarrierRoutes(*this, routes_);
  AddCustomerRoutes(*this, routes_);
  AddStaffRoutes(*this, routes_);
  AddLedgerRoutes(*this, routes_);
  AddDecisionRoutes(*this, routes_);
  AddBreachRoutes(*this, routes_);
  AddAuthRoutes(*this, routes_);
  AddCertificationRoutes(*this, routes_);
  AddOptOutFailureRoutes(*this, routes_);
  AddPartnerRoutes(*this, routes_);
  AddSimRoutes(*this, routes_);
  openapi_ = BuildOpenApi(routes_);
  // Split once here rather than for every request.
  for (const RouteSpec& r : routes_) {
    std::vector<std::string> segments;
    for (std::string_view part : SplitPath(r.pattern)) segments.emplace_back(part);
    route_segments_.push_back(std::move(segments));
  }
  access_log_ = std::make_unique<services::AccessLog>(store_, options_.access_log);
  int workers = options_.workers;
  if (workers <= 0) {
    workers = std::max(8, 4 * static_cast<int>(std::thread::hardware_concurrency()));
  }
  pool_ = std::make_unique<boost::asio::thread_pool>(static_cast<size_t>(workers));
}

Api::~Api() { Quiesce(); }

void Api::Quiesce() {
  std::lock_guard<std::mutex> lock(quiesce_mu_);
  pool_->join();
  access_log_.reset();  // commits what is queued
}

void Api::Post(std::function<void()> fn) {
  boost::asio::post(*pool_, [this, fn = std::move(fn)] {
    try {
      fn();
    } catch (...) {  // an exception escaping a worker thread would end the process
      logger_.Write({"error", "unexpected exception on a worker", {}, {}, {}, 0, -1, {}, {}, {},
                     "the work was abandoned"});
    }
  });
}

void Api::Guarded(const std::shared_ptr<Call>& call, const std::function<void()>& fn) {
  const char* kind = nullptr;
  try {
    fn();
    return;
  } catch (const std::bad_alloc&) {
    kind = "out of memory";
  } catch (const std::exception&) {
    // Not e.what(): a library's message may quote the request ("... '1e400'").
    kind = "a library exception";
  } catch (...) {
    kind = "an unknown exception";
  }
  try {
    logger_.Write({"error", "unexpected exception in a handler", call->req.request_id,
                   call->req.method, call->route ? call->route->pattern : "unmatched", 500, -1,
                   {}, "internal", {}, kind});
    call->Send(Problem(500, "internal", "Internal error",
                       "the server failed to handle this request; it was logged with the "
                       "request id",
                       call->req.request_id));
  } catch (...) {
  }
}

void Api::ForgetToken(int64_t token_id) {
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (token_id == 0) {
    token_cache_.clear();
    return;
  }
  for (auto it = token_cache_.begin(); it != token_cache_.end();) {
    if (it->second.principal.token_id == token_id) {
      it = token_cache_.erase(it);
    } else {
      ++it;
    }
  }
}

Api::Match Api::Route(const std::string& method, const std::string& path) const {
  Match m;
  const std::vector<std::string_view> parts = SplitPath(path);
  for (size_t k = 0; k < routes_.size(); ++k) {
    const RouteSpec& r = routes_[k];
    const std::vector<std::string>& pattern = route_segments_[k];
    if (pattern.size() != parts.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      ok = IsParameter(pattern[i]) ? !parts[i].empty() : pattern[i] == parts[i];
    }
    if (!ok) continue;
    if (r.method == method) {
      m.route = &r;
      for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& p = pattern[i];
        if (IsParameter(p)) m.params[p.substr(1, p.size() - 2)] = std::string(parts[i]);
      }
      return m;
    }
    m.allowed.push_back(r.method);
  }
  return m;
}

void Api::Handle(Request req, Reply done) {
  const int64_t started = NowMicros();
  in_flight_.fetch_add(1);
  auto call = std::make_shared<Call>();
  call->req = std::move(req);
  // HEAD runs the GET of the path (RFC 9110 9.3.2) and sends no body.
  const bool head = call->req.method == "HEAD";
  Match m = Route(head ? "GET" : call->req.method, call->req.path);
  call->route = m.route;
  // The Call owns this function, so the raw pointer is valid whenever it runs.
  call->reply_fn = [this, call_ptr = call.get(), started, head,
                    done = std::move(done)](Response r) {
    r.head = head;
    Finish(*call_ptr, std::move(r), started, done);
  };
  if (m.route == nullptr) {
    // The web console's files (api/console_assets.h), outside /v1.
    if (std::optional<Response> page = ConsoleResponse(call->req)) {
      call->Send(std::move(*page));
      return;
    }
    if (!m.allowed.empty()) {
      std::string allow;
      for (const std::string& a : m.allowed) {
        allow += (allow.empty() ? "" : ", ") + a;
        if (a == "GET") allow += ", HEAD";
      }
      Response r = Problem(405, "method-not-allowed", "Method not allowed",
                           call->req.method + " is not allowed here; allowed: " + allow,
                           call->req.request_id);
      r.Header("Allow", allow);
      call->Send(std::move(r));
    } else {
      call->Send(Problem(404, "not-found", "Not found", "no such resource", call->req.request_id));
    }
    return;
  }
  call->req.params = std::move(m.params);
  // The path and the query are text from outside: UTF-8 or a 400 naming them.
  if (!IsValidUtf8(call->req.path)) {
    call->Fail(Status::InvalidArgument("the path is not valid UTF-8 text", "path"));
    return;
  }
  for (const auto& [name, value] : call->req.query) {
    if (!IsValidUtf8(name) || !IsValidUtf8(value)) {
      const std::string field = IsValidUtf8(name) ? name : std::string("query");
      call->Fail(Status::InvalidArgument(field + " is not valid UTF-8 text", field));
      return;
    }
  }
  if (m.route->runs_inline && store_.reads_are_local()) {
    Guarded(call, [this, &call] { Run(call); });
    return;
  }
  Post([this, call] { Guarded(call, [this, &call] { Run(call); }); });
}

Result<services::Principal> Api::Authenticate(const Request& req,
                                              std::string* token_from_cookie) {
  const std::string& h = req.authorization;
  if (h.empty()) {
    // The console's session (api/browser_session.h): only when no
    // Authorization header is sent, so bearer clients are unaffected.
    std::string cookie_token = CookieValue(req.cookie, kSessionCookieName);
    if (cookie_token.empty()) {
      return Status::Unauthenticated("this route needs a token: Authorization: Bearer <token>");
    }
    *token_from_cookie = cookie_token;
    return ResolveCached(cookie_token);
  }
  // The scheme is case-insensitive (RFC 9110 11.1): "Bearer", "bearer", "BEARER";
  // one or more spaces separate it from the token.
  static constexpr std::string_view kScheme = "bearer";
  bool bearer = h.size() > kScheme.size() && h[kScheme.size()] == ' ';
  for (size_t i = 0; bearer && i < kScheme.size(); ++i) {
    bearer = std::tolower(static_cast<unsigned char>(h[i])) == kScheme[i];
  }
  if (!bearer) {
    return Status::Unauthenticated("the Authorization header must be 'Bearer <token>'");
  }
  const size_t start = h.find_first_not_of(' ', kScheme.size());
  return ResolveCached(start == std::string::npos ? std::string() : h.substr(start));
}

Result<services::Principal> Api::ResolveCached(const std::string& token) {
  const std::string hash = services::TokenHash(token);
  const Instant now = Instant::Now();
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = token_cache_.find(hash);
    if (it != token_cache_.end()) {
      const services::Principal& p = it->second.principal;
      if (p.token_expires != Instant() && p.token_expires <= now) {
        token_cache_.erase(it);
        return Status::Unauthenticated("the token has expired");
      }
      if (now - it->second.loaded < options_.token_cache_us) return p;
      token_cache_.erase(it);
    }
  }
  ASSIGN_OR_RETURN(services::Principal p, services::ResolveToken(store_, token, now));
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (token_cache_.size() > 100'000) token_cache_.clear();
  token_cache_[hash] = CachedPrincipal{p, now};
  return p;
}

void Api::Run(const std::shared_ptr<Call>& call) {
  const RouteSpec& route = *call->route;
  call->actor.now = Instant::Now();
  // The method as asked (HEAD on a GET route), for the ledger's actor.
  const std::string name = call->req.method + " " + route.pattern;
  call->actor.id = "anonymous via " + name;
  if (route.authenticated) {
    std::string cookie_token;
    auto p = Authenticate(call->req, &cookie_token);
    if (!p.ok()) {
      Response r = ProblemResponse(p.status(), call->req.request_id);
      r.Header("WWW-Authenticate", "Bearer realm=\"proprio\"");
      call->Send(std::move(r));
      return;
    }
    // CSRF (api/browser_session.h): a state-changing request authenticated
    // by the session cookie carries the session's CSRF token, or is refused.
    if (!cookie_token.empty() && !IsSafeMethod(call->req.method) &&
        !CsrfTokenMatches(cookie_token, call->req.csrf_token)) {
      call->Send(Problem(403, "csrf-token-invalid", "CSRF token missing or wrong",
                         call->req.csrf_token.empty()
                             ? "a request authenticated by the session cookie that changes "
                               "state must carry X-CSRF-Token (the csrf_token of the sign-in)"
                             : "X-CSRF-Token is not the token of this session",
                         call->req.request_id, std::string(kCsrfHeader)));
      return;
    }
    call->principal = std::move(*p);
    call->actor.id = call->principal->ActorId() + " via " + name;
  }
  if (call->req.params.count("carrier")) {
    auto id = call->IdParam("carrier");
    if (!id.ok()) {
      call->Fail(id.status());
      return;
    }
    call->carrier = CarrierId(*id);
    if (call->principal && !call->principal->ActsFor(call->carrier)) {
      // Another carrier's resource: the same answer as a carrier that does
      // not exist, and the attempt goes to that carrier's ledger.
      const Status not_found = Status::NotFound("no carrier " + call->carrier.ToString());
      access_log_->RecordRefused(call->carrier, "not a member of this carrier", call->actor,
                                 [call, not_found](Status) { call->Fail(not_found); });
      return;
    }
  }
  if (call->principal && !route.Allows(*call->principal)) {
    const Status denied = Status::PermissionDenied(
        "your roles do not allow " + route.Name());
    if (call->carrier.valid()) {
      access_log_->RecordRefused(call->carrier, "role does not allow " + route.Name(),
                                 call->actor, [call, denied](Status) { call->Fail(denied); });
    } else {
      call->Fail(denied);
    }
    return;
  }
  // POST and PATCH are not idempotent (RFC 9110 9.2.2): the key makes a retry
  // safe. PUT and DELETE are, and their If-Match already refuses a repeat.
  if ((route.method == "POST" || route.method == "PATCH") &&
      !call->req.idempotency_key.empty() && call->principal) {
    WithIdempotency(call);
    return;
  }
  route.handler(call);
}

namespace {

// The headers of an answer kept for Idempotency-Key replays: those the handler
// set (Location, ETag, ...), as a JSON array of [name, value] pairs.
std::string KeptHeaders(const Response& r) {
  if (r.headers.empty()) return {};
  json pairs = json::array();
  for (const auto& [name, value] : r.headers) pairs.push_back({name, value});
  return pairs.dump();
}

void RestoreHeaders(const std::string& kept, Response* r) {
  if (kept.empty()) return;  // none, or an answer kept before schema 0008
  const json pairs = json::parse(kept, nullptr, false);
  if (!pairs.is_array()) return;
  for (const json& pair : pairs) {
    if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
      r->Header(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
  }
}

}  // namespace

void Api::WithIdempotency(const std::shared_ptr<Call>& call) {
  const std::string& key = call->req.idempotency_key;
  if (key.size() > 255) {
    call->Fail(Status::InvalidArgument("the Idempotency-Key must be at most 255 bytes",
                                       "Idempotency-Key"));
    return;
  }
  store::IdempotencyRecord claim;
  claim.carrier = call->carrier;
  claim.account = call->principal->account;
  claim.key = key;
  claim.request_hash = std::string(ledger::HashBytes(ledger::Sha256Of(
      call->req.method + "\n" + call->req.target + "\n" + call->req.content_type + "\n" +
      call->req.body)));
  claim.status = store::IdempotencyRecord::kPending;
  claim.created_at = Instant::Now();
  claim.claimed_by = instance_id_;
  const std::string slot =
      claim.carrier.ToString() + "/" + claim.account.ToString() + "/" + key;
  // The slot is taken before the claim commits, so that a pending claim of
  // this process without a slot is one whose request is no longer running.
  {
    std::lock_guard<std::mutex> lock(idem_mu_);
    if (!idem_in_progress_.insert(slot).second) {
      call->Send(KeyInUse(call->req.request_id, 1));
      return;
    }
  }
  auto free_slot = [this, slot] {
    std::lock_guard<std::mutex> lock(idem_mu_);
    idem_in_progress_.erase(slot);
  };
  std::optional<store::IdempotencyRecord> found;
  Status st = store_.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(found, tx.ClaimIdempotency(claim));
    return Status::Ok();
  });
  if (!st.ok() || found) free_slot();
  if (!st.ok()) {
    call->Fail(st);
    return;
  }
  if (found) {
    if (found->request_hash != claim.request_hash) {
      call->Send(Problem(422, "idempotency-key-reused",
                         "Idempotency-Key reused with another request",
                         "this Idempotency-Key was used with a different request; use a new key "
                         "for a new request",
                         call->req.request_id, "Idempotency-Key"));
      return;
    }
    if (!found->pending()) {
      Response r;
      r.status = found->status;
      r.content_type = found->content_type;
      r.body = found->body;
      RestoreHeaders(found->headers, &r);
      r.Header("Idempotent-Replayed", "true");
      call->Send(std::move(r));
      return;
    }
    // Pending: another process may still be running it, unless the claim is
    // old; a claim of this process that it no longer runs lost its answer.
    const bool other_running = found->claimed_by != instance_id_ &&
                               claim.created_at - found->created_at < options_.idempotency_claim_us;
    if (other_running) {
      // Until the claim is idempotency_claim_us old: then a retry gets
      // idempotency-outcome-unknown (or the answer, if it came meanwhile).
      const int64_t left = found->created_at.micros() + options_.idempotency_claim_us -
                           claim.created_at.micros();
      call->Send(KeyInUse(call->req.request_id, (left + kMicrosPerSecond - 1) / kMicrosPerSecond));
      return;
    }
    call->Send(Problem(409, "idempotency-outcome-unknown",
                       "The outcome of the request with this Idempotency-Key is unknown",
                       "a request with this Idempotency-Key was started by a server process that "
                       "stopped before it answered, so it may or may not have taken effect; look "
                       "the resource up before retrying with a new Idempotency-Key",
                       call->req.request_id, "Idempotency-Key"));
    return;
  }
  // Keep the answer before sending it, so a retry after a lost answer finds it.
  auto inner = std::move(call->reply_fn);
  call->reply_fn = [this, claim, free_slot, request_id = call->req.request_id,
                    inner = std::move(inner)](Response r) {
    const bool kept = SettleIdempotency(claim, r);
    free_slot();
    if (!kept && r.status < 500 && r.status != 429) {
      // An answer not kept is not sent: a client that got it could not get
      // it again, and its retry would find only the pending claim. Whatever
      // the request did stays done; the retry learns that its outcome is
      // unknown (idempotency-key-in-use, then idempotency-outcome-unknown).
      r = Problem(503, "unavailable", "Service unavailable",
                  "the request may have taken effect, but its answer could not be kept for "
                  "Idempotency-Key replays (the database did not accept it); retry after "
                  "Retry-After seconds with the same key to learn its outcome",
                  request_id, "Idempotency-Key");
      r.Header("Retry-After", "1");
    }
    inner(std::move(r));
  };
  call->route->handler(call);
}

bool Api::SettleIdempotency(const store::IdempotencyRecord& claim, const Response& r) {
  const bool retryable = r.status >= 500 || r.status == 429;
  Status st = store_.Transact([&](store::Tx& tx) -> Status {
    if (retryable) {
      return tx.ReleaseIdempotency(claim.carrier, claim.account, claim.key, claim.claimed_by);
    }
    store::IdempotencyRecord done = claim;
    done.status = r.status;
    done.content_type = r.content_type;
    done.body = r.body;
    done.headers = KeptHeaders(r);
    return tx.CompleteIdempotency(done);
  });
  if (!st.ok()) {
    // The claim stays pending: a retry answers 409 idempotency-outcome-unknown.
    logger_.Write({"warn",
                   retryable ? "idempotency claim not released" : "idempotency answer not kept",
                   {}, {}, {}, 0, -1, {}, {}, {}, st.ToString()});
  }
  return st.ok();
}

void Api::Finish(Call& call, Response r, int64_t started_us, const Reply& done) {
  r.Header("X-Request-Id", call.req.request_id);
  const double seconds = static_cast<double>(NowMicros() - started_us) / 1e6;
  const std::string route =
      call.route ? call.req.method + " " + call.route->pattern : "unmatched";
  metrics_.ObserveRequest(route, r.status, seconds);
  if (options_.log_requests) {
    LogLine line;
    line.level = r.status >= 500 ? "error" : "info";
    line.msg = "request";
    line.request_id = call.req.request_id;
    line.method = call.req.method;
    line.route = call.route ? call.route->pattern : "unmatched";
    line.status = r.status;
    line.duration_ms = seconds * 1000;
    if (call.principal) line.actor = call.principal->ActorId();
    if (r.status >= 400 && r.content_type == "application/problem+json") {
      line.problem = ProblemSlug(r.body);
      line.field = ProblemField(r.body);
    }
    logger_.Write(line);
  }
  done(std::move(r));
  in_flight_.fetch_sub(1);
}

}  // namespace proprio::api
