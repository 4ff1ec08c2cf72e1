#include "api/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

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

// HELP text of the values read at scrape time (api/routes_ops.cc and the
// AddBreachGauges/AddAuthGauges helpers). promtool wants HELP on every
// metric; one missing here gets a generic sentence naming it, never none.
const std::map<std::string, std::string>& GaugeHelp() {
  static const std::map<std::string, std::string> help = {
      {"proprio_ledger_entries", "Entries in every carrier's ledger."},
      {"proprio_http_in_flight", "HTTP requests being handled now."},
      {"proprio_access_log_batches", "Group commits of CPNI access entries since start."},
      {"proprio_breach_obligations_open", "Open breach notification obligations (47 CFR 64.2011)."},
      {"proprio_breach_obligations_overdue", "Breach obligations past their due instant."},
      {"proprio_account_notifications_pending",
       "Account-change notices not yet delivered (47 CFR 64.2010(f))."},
      {"proprio_account_notifications_overdue", "Account-change notices undelivered past the bound."},
      {"proprio_account_notifications_failed", "Account-change notices that failed for good."},
      {"proprio_account_notifications_alert", "1 when account-change notices are overdue, else 0."},
      {"proprio_auth_checks_queued", "Customer secret checks waiting for the hashing pool."},
      {"proprio_auth_checks_total", "Customer secret checks run since start."},
      {"proprio_auth_checks_rejected_total", "Customer secret checks refused: the pool was full."},
      {"proprio_auth_hash_threads", "Threads of the customer secret hashing pool."},
      {"proprio_sign_in_checks_queued", "Staff sign-ins waiting for a password check."},
      {"proprio_sign_in_shed_total", "Staff sign-ins answered 503: the check queue was full."},
      {"proprio_sign_in_limited_total", "Staff sign-ins refused 429 by the failure limits."},
  };
  return help;
}

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The process metrics Prometheus client libraries export by convention,
// from Linux /proc; one that cannot be read is left out rather than faked.
std::string ProcessMetrics() {
  std::string out;
  static const double start = std::chrono::duration<double>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  out += "# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n";
  out += "# TYPE process_start_time_seconds gauge\n";
  out += "process_start_time_seconds " + Number(start) + "\n";
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) == 0) {
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    out += "# HELP process_cpu_seconds_total User and system CPU time spent, seconds.\n";
    out += "# TYPE process_cpu_seconds_total counter\n";
    out += "process_cpu_seconds_total " + Number(cpu) + "\n";
  }
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  if (statm >> pages_total >> pages_resident) {
    out += "# HELP process_resident_memory_bytes Resident memory size, bytes.\n";
    out += "# TYPE process_resident_memory_bytes gauge\n";
    out += "process_resident_memory_bytes " +
           Number(static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE))) +
           "\n";
  }
  if (DIR* d = ::opendir("/proc/self/fd")) {
    int fds = 0;
    while (const dirent* e = ::readdir(d)) fds += e->d_name[0] != '.';
    ::closedir(d);
    out += "# HELP process_open_fds Open file descriptors.\n";
    out += "# TYPE process_open_fds gauge\n";
    out += "process_open_fds " + std::to_string(fds - 1) + "\n";  // less opendir's own
  }
  return out;
}
}  // namespace

void Metrics::ObserveRequest(const std::string& route, int status, double seconds) {
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  ++h.buckets[bucket];
  h.sum += seconds;
  ++h.count;
}

std::string Metrics::Render(const std::map<std::string, double>& gauges) const {
  std::string out;
  out += "# HELP proprio_build_info The running build: its version, value 1.\n";
  out += "# TYPE proprio_build_info gauge\n";
  out += std::string("proprio_build_info{version=\"") + Escape(PROPRIO_VERSION) + "\"} 1\n";
  out += ProcessMetrics();
  out += "# HELP proprio_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE proprio_http_requests_total counter\n";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, n] : requests_) {
    out += "proprio_http_requests_total{route=\"" + Escape(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP proprio_http_request_duration_seconds Time from a request's arrival to its "
         "answer, by route.\n";
  out += "# TYPE proprio_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string label = "route=\"" + Escape(route) + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += "proprio_http_request_duration_seconds_bucket{" + label + ",le=\"" +
             Number(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
    }
    cumulative += h.buckets.back();
    out += "proprio_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(cumulative) + "\n";
    out += "proprio_http_request_duration_seconds_sum{" + label + "} " + Number(h.sum) + "\n";
    out += "proprio_http_request_duration_seconds_count{" + label + "} " +
           std::to_string(h.count) + "\n";
  }
  out += "# HELP proprio_sign_in_failures_total Failed sign-ins (wrong login or password, or locked).\n";
  out += "# TYPE proprio_sign_in_failures_total counter\n";
  out += "proprio_sign_in_failures_total " + std::to_string(sign_in_failures_.load()) + "\n";
  for (const auto& [name, value] : gauges) {
    const auto help = GaugeHelp().find(name);
    out += "# HELP " + name + " " +
           (help != GaugeHelp().end() ? help->second : "Proprio's " + name + ".") + "\n";
    out += "# TYPE " + name + (EndsWith(name, "_total") ? " counter\n" : " gauge\n");
    out += name + " " + Number(value) + "\n";
  }
  return out;
}

}  // namespace proprio::api
