// Customer authentication (47 CFR 64.2010) and account-change notifications:
//   /v1/carriers/{carrier}/verifications ...           sessions and their steps
//   /v1/carriers/{carrier}/online-sessions, online-password-resets (the portal)
//   /v1/carriers/{carrier}/customers/{customer}/secrets ...
//   /v1/carriers/{carrier}/notifications ...            the outbox, settings, deliveries
//   /v1/carriers/{carrier}/pretexting-flags ...         for the security role
//
// argon2id work (setting or checking a password or back-up answer, online
// sign-in) runs on a small pool of its own, so that a burst of checks
// queues there instead of holding every API worker: other requests keep
// being served. Past kMaxQueuedChecks waiting checks the answer is 503 with
// Retry-After. The pool also owns the outbox worker that delivers notices
// through the carrier's webhook (and writes letters to $PROPRIO_LETTERS_DIR
// when set).
//
// This file owns that runtime and registers the routes; routes_auth.h lists
// the files that describe them.
#include <boost/asio/post.hpp>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "api/problem.h"
#include "api/routes_auth.h"

namespace proprio::api {

namespace authn {

AuthRuntime::AuthRuntime(Api& api)
    : threads(Threads()),
      webhook_key(api.options().webhook_key),
      logger(&api.logger()),
      pool(static_cast<size_t>(threads)),
      worker(api.store(), Delivery(), std::chrono::seconds(5)) {
  // The API's staff cost when someone chose one (tests, PROPRIO_ARGON2);
  // otherwise the cost chosen for customer secrets.
  const services::PasswordCost staff = api.options().auth.cost, unset;
  const bool chosen = staff.iterations != unset.iterations ||
                      staff.memory_kib != unset.memory_kib || staff.lanes != unset.lanes;
  if (chosen) policy.cost = staff;
  worker.Start();
}
AuthRuntime::~AuthRuntime() {
  worker.Stop();
  pool.join();
}

int AuthRuntime::Threads() {
  if (const char* env = std::getenv("PROPRIO_AUTH_HASH_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0 && n <= 64) return n;
  }
  // Leave a core for everything else.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / 2);
}
services::DeliveryOptions AuthRuntime::Delivery() {
  services::DeliveryOptions o;
  o.transport = &client;
  o.webhook_key = webhook_key;
  if (const char* dir = std::getenv("PROPRIO_LETTERS_DIR")) o.letters_dir = dir;
  // Every failed attempt is a log line (warn; error when it failed for
  // good): ids, attempt and HTTP status only, never the message, the
  // destination or the webhook URL.
  o.on_failure = [log = logger](const services::DeliveryFailure& f) {
    LogLine line;
    line.level = f.final ? "error" : "warn";
    line.msg = f.final ? "webhook delivery failed" : "webhook delivery retry";
    line.status = f.http_status;
    line.detail = "carrier " + f.carrier.ToString() + " notification " +
                  std::to_string(f.notification) + " attempt " + std::to_string(f.attempts) +
                  (f.http_status == 0 ? ": no HTTP answer" : ": HTTP " + std::to_string(f.http_status)) +
                  (f.final ? "; no further attempts" : "; next attempt at " + f.next_attempt_at.ToRfc3339());
    log->Write(line);
  };
  return o;
}

bool AuthRuntime::Submit(std::function<void()> fn) {
  if (queued.fetch_add(1) >= kMaxQueuedChecks) {
    queued.fetch_sub(1);
    rejected.fetch_add(1);
    return false;
  }
  boost::asio::post(pool, [this, fn = std::move(fn)] {
    fn();
    queued.fetch_sub(1);
    done.fetch_add(1);
  });
  return true;
}

// Runs the argon2id part of a request on the hashing pool.
void Hashing(AuthRuntime& rt, const std::shared_ptr<Call>& call, std::function<void()> fn) {
  // The last-resort guard of Api::Guarded, on the hashing pool's threads.
  auto guarded = [call, fn = std::move(fn)] {
    try {
      fn();
    } catch (...) {
      call->Send(Problem(500, "internal", "Internal error",
                         "the server failed to handle this request", call->req.request_id));
    }
  };
  if (!rt.Submit(std::move(guarded))) {
    Response r = Problem(503, "unavailable", "Service unavailable",
                         "too many password checks are waiting; retry in a second",
                         call->req.request_id);
    r.Header("Retry-After", "1");
    call->Send(std::move(r));
  }
}

}  // namespace authn

namespace {

using authn::AuthRuntime;

std::mutex g_runtimes_mu;
std::map<const Api*, std::weak_ptr<AuthRuntime>>& Runtimes() {
  static std::map<const Api*, std::weak_ptr<AuthRuntime>> m;
  return m;
}

}  // namespace

void AddAuthGauges(Api& api, std::map<std::string, double>& gauges) {
  auto backlog = services::NotificationBacklog(api.store(), CarrierId(), Instant::Now());
  if (backlog.ok()) {
    gauges["proprio_account_notifications_pending"] = static_cast<double>(backlog->pending);
    gauges["proprio_account_notifications_overdue"] = static_cast<double>(backlog->overdue);
    gauges["proprio_account_notifications_failed"] = static_cast<double>(backlog->failed);
    // 64.2010(f): notices must go out at once; any overdue one is an alert.
    gauges["proprio_account_notifications_alert"] = backlog->overdue > 0 ? 1 : 0;
  }
  std::shared_ptr<AuthRuntime> rt;
  {
    std::lock_guard<std::mutex> lock(g_runtimes_mu);
    auto it = Runtimes().find(&api);
    if (it != Runtimes().end()) rt = it->second.lock();
  }
  if (rt) {
    gauges["proprio_auth_checks_queued"] = static_cast<double>(rt->queued.load());
    gauges["proprio_auth_checks_total"] = static_cast<double>(rt->done.load());
    gauges["proprio_auth_checks_rejected_total"] = static_cast<double>(rt->rejected.load());
    gauges["proprio_auth_hash_threads"] = rt->threads;
  }
}

void AddAuthRoutes(Api& api, std::vector<RouteSpec>& routes) {
  auto rt = std::make_shared<AuthRuntime>(api);
  {
    std::lock_guard<std::mutex> lock(g_runtimes_mu);
    for (auto it = Runtimes().begin(); it != Runtimes().end();) {
      it = it->second.expired() ? Runtimes().erase(it) : std::next(it);
    }
    Runtimes()[&api] = rt;
  }
  const std::string base = "/v1/carriers/{carrier}";
  authn::AddVerificationRoutes(api, rt, base, routes);
  authn::AddSecretRoutes(api, rt, base, routes);
  authn::AddNotificationRoutes(api, rt, base, routes);
  authn::AddPretextingFlagRoutes(api, base, routes);
}

}  // namespace proprio::api
