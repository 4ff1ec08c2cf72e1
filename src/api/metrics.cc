#include "api/metrics.h"

#include <cstdio>

namespace proprio::api {

namespace {
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
}  // namespace

void Metrics::ObserveRequest(const std::string& route, int status, double seconds) {
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  ++buckets_[bucket];
  sum_ += seconds;
  ++count_;
}

std::string Metrics::Render(const std::map<std::string, double>& gauges) const {
  std::string out;
  out += "# HELP proprio_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE proprio_http_requests_total counter\n";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, n] : requests_) {
    out += "proprio_http_requests_total{route=\"" + Escape(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP proprio_http_request_duration_seconds Time from a request's arrival to its answer.\n";
  out += "# TYPE proprio_http_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += buckets_[i];
    out += "proprio_http_request_duration_seconds_bucket{le=\"" + Number(kBuckets[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += buckets_.back();
  out += "proprio_http_request_duration_seconds_bucket{le=\"+Inf\"} " +
         std::to_string(cumulative) + "\n";
  out += "proprio_http_request_duration_seconds_sum " + Number(sum_) + "\n";
  out += "proprio_http_request_duration_seconds_count " + std::to_string(count_) + "\n";
  out += "# HELP proprio_sign_in_failures_total Failed sign-ins (wrong login or password, or locked).\n";
  out += "# TYPE proprio_sign_in_failures_total counter\n";
  out += "proprio_sign_in_failures_total " + std::to_string(sign_in_failures_.load()) + "\n";
  for (const auto& [name, value] : gauges) {
    out += "# TYPE " + name + " gauge\n" + name + " " + Number(value) + "\n";
  }
  return out;
}

}  // namespace proprio::api
