// bench/signin_flood_client: latency of ordinary requests to a running
// proprio serve, without and with a flood of wrong staff sign-ins (issue 22).
// Driven by bench/signin_flood_bench.sh; loopback only, every run bounded in
// requests and in time.
//
//   signin_flood_client PORT TOKEN FLOOD_CLIENTS PROBES MAX_SECONDS [FLOOD_KIND]
//
// FLOOD_KIND "signin" (the default) is the flood below; "slow-headers" is
// FLOOD_CLIENTS connections that each send one byte of a request header per
// second and never finish it (issue 15; bench/slow_clients_bench.sh),
// reconnecting whenever the server cuts them at its header timeout.
//
// Phase "alone": PROBES sequential rounds of GET /healthz, GET /readyz and
// POST /v1/carriers/1/decisions (one decision) on one keep-alive connection,
// each timed. Phase "flood": FLOOD_CLIENTS threads, each on its own
// keep-alive connection, post wrong sign-ins (distinct logins) as fast as
// answered; after 2 s the same probes run, then the flood stops. Either phase
// ends after MAX_SECONDS whatever is left. Prints one line per route and
// phase (p50, p99, max in ms) and the flood's answers by status.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

class Connection {
 public:
  explicit Connection(int port) : port_(port) {}
  ~Connection() { Close(); }

  // Sends one request and reads the answer; the status, or 0 on failure.
  int Exchange(const std::string& request) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !Open()) return 0;
      if (SendAll(request)) {
        const int status = ReadResponse();
        if (status > 0) return status;
      }
      Close();
    }
    return 0;
  }

 private:
  bool Open() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      Close();
      return false;
    }
    buffer_.clear();
    return true;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool SendAll(const std::string& s) {
    size_t sent = 0;
    while (sent < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + sent, s.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  bool Fill() {
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int ReadResponse() {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return 0;
    }
    const std::string head = buffer_.substr(0, end);
    int status = 0;
    if (std::sscanf(head.c_str(), "HTTP/1.1 %d", &status) != 1) return 0;
    size_t length = 0;
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    const size_t cl = lower.find("content-length:");
    if (cl != std::string::npos) length = std::strtoul(lower.c_str() + cl + 15, nullptr, 10);
    const bool close = lower.find("connection: close") != std::string::npos;
    while (buffer_.size() < end + 4 + length) {
      if (!Fill()) return 0;
    }
    buffer_.erase(0, end + 4 + length);
    if (close) Close();
    return status;
  }

  int port_;
  int fd_ = -1;
  std::string buffer_;
};

std::string Request(const std::string& method, const std::string& target,
                    const std::string& token, const std::string& body) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty() || method == "POST") {
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  }
  return r + "\r\n" + body;
}

struct Probe {
  std::string name;
  std::string request;
  int want;
};

struct Stats {
  std::vector<double> ms;
  int bad = 0;
};

void Report(const std::string& phase, const std::map<std::string, Stats>& stats) {
  for (const auto& [name, s] : stats) {
    std::vector<double> v = s.ms;
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) {
      if (v.empty()) return 0.0;
      return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
    };
    std::printf("%-6s %-34s n=%zu p50=%.2f ms p99=%.2f ms max=%.2f ms unexpected=%d\n",
                phase.c_str(), name.c_str(), v.size(), pct(0.50), pct(0.99),
                v.empty() ? 0.0 : v.back(), s.bad);
  }
}

std::map<std::string, Stats> RunProbes(int port, const std::vector<Probe>& probes, int rounds,
                                       Clock::time_point deadline) {
  std::map<std::string, Stats> stats;
  Connection c(port);
  for (int i = 0; i < rounds && Clock::now() < deadline; ++i) {
    for (const Probe& p : probes) {
      const auto t0 = Clock::now();
      const int status = c.Exchange(p.request);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      Stats& s = stats[p.name];
      s.ms.push_back(ms);
      if (status != p.want) ++s.bad;
    }
  }
  return stats;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) {
    std::fprintf(stderr,
                 "usage: %s PORT TOKEN FLOOD_CLIENTS PROBES MAX_SECONDS [signin|slow-headers]\n",
                 argv[0]);
    return 2;
  }
  const std::string kind = argc == 7 ? argv[6] : "signin";
  if (kind != "signin" && kind != "slow-headers") {
    std::fprintf(stderr, "unknown flood kind '%s'\n", kind.c_str());
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string token = argv[2];
  const int clients = std::clamp(std::atoi(argv[3]), 0, 1024);
  const int rounds = std::clamp(std::atoi(argv[4]), 1, 100000);
  const int max_seconds = std::clamp(std::atoi(argv[5]), 1, 600);

  const std::string decision =
      R"({"customer":42,"action":"use","purpose":"provide_service","cpni":["usage"],)"
      R"("service_category":"local","at":"2025-06-02T15:00:00Z"})";
  const std::vector<Probe> probes = {
      {"GET /healthz", Request("GET", "/healthz", "", ""), 200},
      {"GET /readyz", Request("GET", "/readyz", "", ""), 200},
      {"POST /v1/carriers/1/decisions", Request("POST", "/v1/carriers/1/decisions", token, decision),
       200},
  };

  // Warm-up, then the baseline.
  RunProbes(port, probes, std::min(rounds, 50), Clock::now() + std::chrono::seconds(max_seconds));
  Report("alone", RunProbes(port, probes, rounds,
                            Clock::now() + std::chrono::seconds(max_seconds)));

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<int, long> answers;
  std::vector<std::thread> flood;
  const auto flood_deadline = Clock::now() + std::chrono::seconds(max_seconds + 2);
  long slow_bytes = 0, slow_cuts = 0;
  if (kind == "slow-headers") {
    flood.emplace_back([&] {
      const std::string header =
          "GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: " + std::string(8192, 'a');
      std::vector<int> fds(static_cast<size_t>(clients), -1);
      std::vector<size_t> pos(fds.size(), 0);
      auto open = [&](size_t i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
          fds[i] = fd;
          pos[i] = 0;
        } else if (fd >= 0) {
          ::close(fd);
        }
      };
      while (!stop.load() && Clock::now() < flood_deadline) {
        for (size_t i = 0; i < fds.size(); ++i) {
          if (fds[i] < 0) open(i);
          if (fds[i] < 0) continue;
          const char byte = header[pos[i] % header.size()];
          if (::send(fds[i], &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) {
            ++pos[i];
            ++slow_bytes;
          } else {  // cut by the server (header timeout) or refused: come back
            ::close(fds[i]);
            fds[i] = -1;
            ++slow_cuts;
          }
        }
        for (int t = 0; t < 10 && !stop.load(); ++t) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
      for (const int fd : fds) {
        if (fd >= 0) ::close(fd);
      }
    });
  }
  for (int i = 0; kind == "signin" && i < clients; ++i) {
    flood.emplace_back([&, i] {
      Connection c(port);
      const std::string body = R"({"login":"flood.)" + std::to_string(i) +
                               R"(","password":"not the password at all"})";
      const std::string req = Request("POST", "/v1/sessions", "", body);
      std::map<int, long> mine;
      while (!stop.load() && Clock::now() < flood_deadline) ++mine[c.Exchange(req)];
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& [s, n] : mine) answers[s] += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto started = Clock::now();
  auto under = RunProbes(port, probes, rounds, Clock::now() + std::chrono::seconds(max_seconds));
  const double probe_s = std::chrono::duration<double>(Clock::now() - started).count();
  stop = true;
  for (auto& t : flood) t.join();
  Report("flood", under);
  if (kind == "slow-headers") {
    std::printf("flood: %d slow-header connections; %ld header bytes sent at one per second each, "
                "%ld connections cut by the server and reopened (%.1f s of probes + 2 s lead)\n",
                clients, slow_bytes, slow_cuts, probe_s);
    return 0;
  }
  long total = 0;
  std::printf("flood: %d clients; sign-in answers by status:", clients);
  for (const auto& [s, n] : answers) {
    std::printf(" %d=%ld", s, n);
    total += n;
  }
  std::printf(" (total %ld in %.1f s of probes + 2 s lead)\n", total, probe_s);
  return 0;
}
