#include "api/sign_in_guard.h"

#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace proprio::api {

FailureCounter::FailureCounter(int limit, int64_t window_us, size_t max_keys)
    : limit_(limit), window_us_(std::max<int64_t>(window_us, 1)), max_keys_(max_keys) {}

int64_t FailureCounter::RetryAfter(const std::string& key, int64_t now_us) {
  if (limit_ <= 0) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) return 0;
  const int64_t left = it->second.start_us + window_us_ - now_us;
  if (left <= 0) {
    windows_.erase(it);
    return 0;
  }
  if (it->second.count < limit_) return 0;
  return std::max<int64_t>(1, (left + kMicrosPerSecond - 1) / kMicrosPerSecond);
}

void FailureCounter::Failed(const std::string& key, int64_t now_us) {
  if (limit_ <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      std::erase_if(windows_, [&](const auto& kv) {
        return kv.second.start_us + window_us_ <= now_us;
      });
      if (windows_.size() >= max_keys_) windows_.clear();
    }
    windows_.emplace(key, Window{now_us, 1});
    return;
  }
  if (it->second.start_us + window_us_ <= now_us) {
    it->second = Window{now_us, 1};
  } else {
    ++it->second.count;
  }
}

void FailureCounter::Clear(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  windows_.erase(key);
}

std::string AddressKey(const std::string& address) {
  in6_addr a6{};
  if (address.find(':') != std::string::npos && ::inet_pton(AF_INET6, address.c_str(), &a6) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a6.s6_addr, kMapped, sizeof kMapped) == 0) {
      char v4[INET_ADDRSTRLEN] = {};
      ::inet_ntop(AF_INET, a6.s6_addr + 12, v4, sizeof v4);
      return v4;
    }
    std::memset(a6.s6_addr + 8, 0, 8);  // the /64: one host's usual allotment
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, &a6, text, sizeof text);
    return std::string(text) + "/64";
  }
  return address;
}

namespace {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int DefaultThreads(int asked) {
  if (asked > 0) return std::min(asked, 64);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / 2);
}

}  // namespace

SignInGuard::SignInGuard(SignInLimits limits)
    : limits_(limits),
      threads_(DefaultThreads(limits.hash_threads)),
      by_address_(limits.failures_per_address, limits.window_us),
      by_login_(limits.failures_per_login, limits.window_us) {
  for (int i = 0; i < threads_; ++i) pool_.emplace_back([this] { Work(); });
}

SignInGuard::~SignInGuard() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : pool_) t.join();
}

void SignInGuard::Work() {
  // Below the other threads of the process (a thread's nice value is its
  // own on Linux); failure only leaves the default priority.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !work_.empty(); });
      if (work_.empty()) return;  // stopping, and every queued check has run
      fn = std::move(work_.front());
      work_.pop_front();
    }
    try {
      fn();
    } catch (...) {  // the caller's own guard answers; never end the process
    }
    queued_.fetch_sub(1);
  }
}

SignInGuard::Admit SignInGuard::Check(const std::string& address, const std::string& login,
                                      int64_t* retry_after_seconds) {
  const int64_t now = SteadyMicros();
  if (int64_t wait = by_address_.RetryAfter(AddressKey(address), now); wait > 0) {
    *retry_after_seconds = wait;
    limited_.fetch_add(1);
    return Admit::kAddressLimited;
  }
  if (int64_t wait = by_login_.RetryAfter(login, now); wait > 0) {
    *retry_after_seconds = wait;
    limited_.fetch_add(1);
    return Admit::kLoginLimited;
  }
  return Admit::kYes;
}

void SignInGuard::Outcome(const std::string& address, const std::string& login, bool succeeded) {
  if (succeeded) {
    by_login_.Clear(login);
    return;
  }
  const int64_t now = SteadyMicros();
  by_address_.Failed(AddressKey(address), now);
  by_login_.Failed(login, now);
}

bool SignInGuard::Submit(std::function<void()> fn) {
  const int64_t limit = std::max(1, limits_.max_queued);
  if (queued_.fetch_add(1) >= limit) {
    queued_.fetch_sub(1);
    shed_.fetch_add(1);
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    work_.push_back(std::move(fn));
  }
  cv_.notify_one();
  return true;
}

}  // namespace proprio::api
