// api/sign_in_guard.h: what stands between a flood of sign-ins and the rest
// of the API (POST /v1/sessions).
//
// A staff password check is argon2id (tens of milliseconds of a core, 64 MiB).
// Run on the API's workers without a bound, a flood of wrong sign-ins held
// every worker and every core, and /healthz, /readyz and decisions waited
// seconds behind it. So:
//
//  - The check runs on a small pool of its own (SignInLimits::hash_threads,
//    default half the cores, at least 1), as customer secrets' checks do
//    (routes_auth.cc); the API's workers only hand it over. Its threads run
//    at a lower scheduling priority (nice +10), so that when the cores are
//    busy the other requests get them first.
//  - At most `max_queued` sign-ins wait for that pool; past it a sign-in is
//    shed at once: 503 unavailable with Retry-After.
//  - Failed sign-ins are counted per source address (IPv6: per /64) and per
//    login (whether or not it exists) in a fixed window; a key with
//    `failures_per_address` / `failures_per_login` failures in the window is
//    refused before any hashing: 429 resource-exhausted with Retry-After (the
//    seconds left in its window). A successful sign-in clears its login's
//    count (not its address's). This is on top of the account lockout of
//    services/staff_auth.h, which only knows logins that exist.
//
// Behind a reverse proxy every request has the proxy's address: raise or
// disable (0) the per-address limit there and let the proxy limit by client.
//
// Thread-safety: all members may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/time.h"

namespace proprio::api {

struct SignInLimits {
  int hash_threads = 0;  // 0: half the cores, at least 1
  int max_queued = 32;   // sign-ins waiting for a hashing thread, at most
  int failures_per_address = 30;  // 0: no limit
  int failures_per_login = 10;    // 0: no limit
  int64_t window_us = 60 * kMicrosPerSecond;
};

// Counts failures per key in fixed windows. At most `max_keys` keys are kept;
// when full, expired windows are dropped first, then every count (a flood of
// distinct keys forgets old counts rather than growing without bound).
class FailureCounter {
 public:
  FailureCounter(int limit, int64_t window_us, size_t max_keys = 100'000);
  // 0 when `key` may try now; otherwise the seconds (>= 1) until it may.
  int64_t RetryAfter(const std::string& key, int64_t now_us);
  void Failed(const std::string& key, int64_t now_us);
  void Clear(const std::string& key);

 private:
  struct Window {
    int64_t start_us = 0;
    int count = 0;
  };
  const int limit_;
  const int64_t window_us_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

// The key of a peer address for FailureCounter: an IPv6 address's /64, an
// IPv4 address (also IPv4-mapped) as is.
std::string AddressKey(const std::string& address);

class SignInGuard {
 public:
  explicit SignInGuard(SignInLimits limits);
  // Runs the checks still queued, then stops the threads.
  ~SignInGuard();

  enum class Admit { kYes, kAddressLimited, kLoginLimited };
  // Before hashing: may this address try this login now? When not,
  // *retry_after_seconds is set.
  Admit Check(const std::string& address, const std::string& login, int64_t* retry_after_seconds);
  // After the check: a wrong login or password counts against both keys; a
  // success clears the login's count.
  void Outcome(const std::string& address, const std::string& login, bool succeeded);

  // Runs `fn` on the hashing pool; false (and `fn` not run) when
  // `max_queued` sign-ins wait already. Exceptions escaping `fn` are caught.
  bool Submit(std::function<void()> fn);

  int threads() const { return threads_; }
  int64_t queued() const { return queued_.load(); }
  uint64_t shed() const { return shed_.load(); }
  uint64_t limited() const { return limited_.load(); }

 private:
  SignInLimits limits_;
  int threads_;
  FailureCounter by_address_;
  FailureCounter by_login_;
  void Work();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> work_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::vector<std::thread> pool_;
  std::atomic<int64_t> queued_{0};
  std::atomic<uint64_t> shed_{0};
  std::atomic<uint64_t> limited_{0};
};

}  // namespace proprio::api
