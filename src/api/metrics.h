// api/metrics.h: counters and a latency histogram, exposed at /metrics in the
// Prometheus text format (version 0.0.4).
//
//   proprio_http_requests_total{route="GET /v1/...",status="200"}
//   proprio_http_request_duration_seconds_bucket{le="0.005"} (and _sum, _count)
//   proprio_sign_in_failures_total
//   proprio_ledger_entries (gauge, read from the store at scrape time)
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace proprio::api {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};

  void ObserveRequest(const std::string& route, int status, double seconds);
  void SignInFailed() { sign_in_failures_.fetch_add(1, std::memory_order_relaxed); }

  // The exposition text; `gauges` are appended as "name value" lines.
  std::string Render(const std::map<std::string, double>& gauges) const;

  uint64_t sign_in_failures() const { return sign_in_failures_.load(); }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::array<uint64_t, kBuckets.size() + 1> buckets_{};  // the last is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
  std::atomic<uint64_t> sign_in_failures_{0};
};

}  // namespace proprio::api
