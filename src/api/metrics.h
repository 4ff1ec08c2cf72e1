// api/metrics.h: counters and a latency histogram, exposed at /metrics in the
// Prometheus text format (version 0.0.4), clean under `promtool check
// metrics`: every metric has HELP and TYPE, counters end in _total and
// nothing else does.
//
//   proprio_http_requests_total{route="GET /v1/...",status="200"}
//   proprio_http_request_duration_seconds_bucket{route="GET /v1/...",le="0.005"}
//     (and _sum, _count, per route)
//   proprio_sign_in_failures_total
//   proprio_build_info{version="0.1.0"} 1
//   process_start_time_seconds, process_cpu_seconds_total,
//     process_resident_memory_bytes, process_open_fds (Linux /proc)
//   the gauges and counters the caller reads at scrape time (ledger entries,
//   breach obligations, notices, ...): a name ending in _total is a counter.
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

  // The exposition text; `gauges` (read at scrape time) follow, each with its
  // HELP from the table in metrics.cc; a name ending in _total is typed a
  // counter, every other a gauge.
  std::string Render(const std::map<std::string, double>& gauges) const;

  uint64_t sign_in_failures() const { return sign_in_failures_.load(); }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  struct Histogram {
    std::array<uint64_t, kBuckets.size() + 1> buckets{};  // the last is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  std::map<std::string, Histogram> latency_;  // by route
  std::atomic<uint64_t> sign_in_failures_{0};
};

}  // namespace proprio::api
