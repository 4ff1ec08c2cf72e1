// tests/crash/crash_trials_test.cc: crash trials (issue 15). The built
// `proprio` is killed with SIGKILL at random instants while it works, then
// started again on the same database, and the trial checks what a carrier
// relies on:
//   - HTTP writes with an Idempotency-Key (customers created, consent events
//     recorded, customers' details changed by PATCH, breach case steps; each
//     goes through group commit into the ledger) by five concurrent clients
//     (four CSRs, one compliance officer): every write that was acknowledged
//     (201, or 200 for a PATCH) is there
//     after the restart, and its key replays the same answer; a write whose
//     answer never came is there or not, never half; its key, retried with
//     the same body, gets one of the answers the README documents (the stored
//     answer replayed, 409 idempotency-key-in-use while the dead server's
//     claim is young, or a first run when the claim was never made) and the
//     write never happens twice;
//   - a CSV import killed part way: all of its rows or none (one transaction);
//   - on PostgreSQL, the postmaster itself killed under the same write load
//     (the cluster is restarted, then the server's connections must recover);
//   - `proprio audit verify` passes after every trial.
// The PostgreSQL trials start a cluster of their own (scripts/pg-harness):
// killing the shared test cluster's postmaster would break the other tests.
//
//   CRASH_TRIALS=N   trials per backend (default 10: `make test`)
//   CRASH_SEED=S     the random seed (default: the clock; printed)
// `scripts/crash-trials --trials 1000` runs the long form and prints the figures.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http_client.h"

extern char** environ;

namespace proprio::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kPassword = "proprio-demo-2013";

// ---- processes ----

// fork + exec rather than posix_spawn, so that the child can ask to die with the
// test (PR_SET_PDEATHSIG): an aborted or killed trial run leaves no `proprio
// serve` behind holding a port and a database.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;  // the parent (or -1)
  // The child: only async-signal-safe calls until execve.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
  const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out < 0 || in < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 || dup2(in, 0) < 0) _exit(127);
  execve(args[0], args.data(), environ);
  _exit(127);
}

// The exit code, or minus the signal that ended it.
int Wait(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1000;
}

int Run(const std::vector<std::string>& argv, const std::string& out_path) {
  const pid_t pid = Spawn(argv, out_path);
  return pid < 0 ? -2000 : Wait(pid);
}

// stdout of a shell command (test tooling only: sqlite3, psql, pg_ctl).
std::string Capture(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// ---- what a run counts ----

struct Figures {
  int trials = 0;
  int server_kills = 0, postmaster_kills = 0, import_kills = 0;
  int64_t acked = 0;             // writes answered 201 (200 for a PATCH) before the kill
  std::map<std::string, int64_t> acked_by_kind;
  int64_t unanswered = 0;        // sent, no answer (or a 5xx) when the kill came
  int64_t replayed = 0;          // their keys replayed a stored answer after the restart
  int64_t claimed_no_answer = 0;  // their keys answered 409 idempotency-key-in-use
  int64_t first_run = 0;         // their keys had never been claimed: the write ran now
  int imports_all = 0, imports_none = 0;
  std::vector<double> recovery_ms;  // kill to the first 200 of /readyz

  std::string Summary(const std::string& backend) const {
    std::vector<double> r = recovery_ms;
    std::sort(r.begin(), r.end());
    auto pct = [&](double p) {
      return r.empty() ? 0.0 : r[std::min(r.size() - 1, static_cast<size_t>(p * r.size()))];
    };
    std::ostringstream s;
    s << backend << ": " << trials << " trials (" << server_kills << " server kills, "
      << postmaster_kills << " postmaster kills, " << import_kills << " import kills); "
      << acked << " acknowledged writes all present (";
    for (const auto& [kind, n] : acked_by_kind) {
      s << (kind == acked_by_kind.begin()->first ? "" : ", ") << n << " " << kind;
    }
    s << "); " << unanswered << " unanswered: "
      << replayed << " replayed, " << claimed_no_answer << " claimed (409), " << first_run
      << " first run; imports " << imports_all << " all / " << imports_none
      << " none; recovery p50 " << pct(0.5) << " ms, max " << (r.empty() ? 0.0 : r.back())
      << " ms";
    return s.str();
  }
};

// One write sent by a client during a trial.
struct Write {
  std::string kind;  // customer created, consent event, customer PATCH, breach step
  std::string method = "POST";
  std::string target;
  std::string key;     // Idempotency-Key
  std::string if_match;  // PATCH: the ETag of the version it changes
  json body;
  bool officer = false;  // sent by the compliance officer (breach steps)
  int success = 201;     // the status of a write that ran
  std::string account;  // customer creates: the account number
  std::string document_id;  // consent events: the evidence document id
  int64_t customer = 0;     // consent events and PATCHes: whose
  std::string email;        // PATCHes: the e-mail address set
  int64_t breach = 0;       // breach steps: the case
  int64_t affected_count = 0;  // breach steps: the count recorded (unique per case)
  int status = 0;           // 0: no answer before the kill
  std::string answer;       // the body answered
  std::string etag;         // the answer's ETag
};

class CrashTrials {
 public:
  CrashTrials(std::string backend, std::string db, std::string dir, uint64_t seed)
      : backend_(std::move(backend)),
        db_flag_(backend_ == "sqlite" ? "--db" : "--postgres"),
        db_(std::move(db)),
        dir_(std::move(dir)),
        rng_(seed) {}

  ~CrashTrials() { Finish(); }
  CrashTrials(const CrashTrials&) = delete;
  CrashTrials& operator=(const CrashTrials&) = delete;

  void SetPostgres(std::string data_dir) { pg_data_ = std::move(data_dir); }
  const Figures& figures() const { return figures_; }

  // init + demo, then the server, then the tokens.
  void Prepare() {
    ASSERT_EQ(Run({PROPRIO_BIN, db_flag_, db_, "init"}, Log("init")), 0) << ReadFile(Log("init"));
    ASSERT_EQ(Run({PROPRIO_BIN, db_flag_, db_, "demo", "--customers", "200"}, Log("demo")), 0) << ReadFile(Log("demo"));
    ASSERT_NO_FATAL_FAILURE(StartServer());
    HttpClient c(port_);
    for (auto [login, token] : {std::pair{"alicia.gomez", &token_}, {"priya.raman", &officer_token_}}) {
      HttpResponse r = c.PostJson("/v1/sessions", {{"login", login}, {"password", kPassword}});
      ASSERT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
      *token = r.Json()["token"].get<std::string>();
    }
  }

  void Finish() {
    if (server_ > 0) {
      kill(server_, SIGTERM);
      Wait(server_);
      server_ = -1;
    }
  }

  // Five clients write; the server (or the postmaster) is killed at a random
  // instant; everything is checked after the restart.
  void WriteTrial(int trial, bool kill_postmaster) {
    ++figures_.trials;
    // Each trial's consent events go to customers it creates first, and its
    // breach steps to a case it opens first, so that their lists stay short
    // however many trials run.
    std::vector<int64_t> own;
    int64_t breach = 0;
    {
      HttpClient c(port_);
      for (int i = 0; i < 4; ++i) {
        const std::string account = "CT" + std::to_string(trial) + "-own-" + std::to_string(i);
        HttpResponse r = c.PostJson(Customers(), CustomerBody(account), token_,
                                    {{"Idempotency-Key", "own-" + account}});
        ASSERT_EQ(r.status, 201) << r.body;
        own.push_back(r.Json()["id"].get<int64_t>());
      }
      HttpResponse r = c.PostJson(Breaches(), BreachBody(own[0]), officer_token_,
                                  {{"Idempotency-Key", "breach-" + std::to_string(trial)}});
      ASSERT_EQ(r.status, 201) << r.body;
      breach = r.Json()["id"].get<int64_t>();
    }
    constexpr int kClients = 5;  // 0-3: a CSR each; 4: the compliance officer
    std::vector<std::vector<Write>> sent(kClients);
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int w = 0; w < kClients; ++w) {
      clients.emplace_back([&, w] {
        HttpClient c(port_);
        for (int n = 0; !stop.load(); ++n) {
          Write x = w == kClients - 1 ? BreachStep(trial, n, breach)
                                      : NewWrite(trial, w, n, own[(w + n) % own.size()],
                                                 sent[w].empty() ? nullptr : &sent[w].back());
          HttpResponse r = Send(c, x);
          x.status = r.status;
          x.answer = r.body;
          x.etag = r.Header("etag");
          sent[w].push_back(std::move(x));
          if (r.status == 0 || r.status >= 500) break;  // the kill came
        }
      });
    }
    const int delay = std::uniform_int_distribution<int>(30, 900)(rng_);
    SleepMs(delay);
    const Clock::time_point killed_at = Clock::now();
    if (kill_postmaster) {
      ++figures_.postmaster_kills;
      ASSERT_NO_FATAL_FAILURE(KillPostmaster());
    } else {
      ++figures_.server_kills;
      kill(server_, SIGKILL);
      EXPECT_EQ(Wait(server_), -SIGKILL);
      server_ = -1;
    }
    // Clients end at their first failed answer; under a postmaster kill the
    // server answers 503 at once, so each stops by itself.
    SleepMs(50);
    stop = true;
    for (std::thread& t : clients) t.join();
    if (kill_postmaster) {
      // The server keeps running: it must replace the connections the
      // postmaster's death broke (they once answered 500 while /readyz said
      // ready), so the checks below go to the same process.
      ASSERT_NO_FATAL_FAILURE(RestartPostmaster());
      ASSERT_NO_FATAL_FAILURE(WaitReady(killed_at, 60));
    } else {
      ASSERT_NO_FATAL_FAILURE(StartServer(killed_at));
    }
    for (const auto& list : sent) {
      for (const Write& x : list) ASSERT_NO_FATAL_FAILURE(Check(x)) << "trial " << trial;
    }
    ASSERT_NO_FATAL_FAILURE(AuditVerify(trial));
  }

  // A CSV import killed at a random instant: all rows or none.
  void ImportTrial(int trial, int rows) {
    ++figures_.trials;
    const std::string prefix = "IM" + std::to_string(trial) + "-";
    const std::string csv = dir_ + "/import-" + std::to_string(trial) + ".csv";
    {
      std::ofstream out(csv);
      out << "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code\n";
      for (int i = 0; i < rows; ++i) {
        out << prefix << i << ",residential,Imported Person " << i << ",(407) 555-"
            << (1000 + i % 9000) << ",1 Main St,Longwood,FL,32750\n";
      }
    }
    const pid_t pid = Spawn({PROPRIO_BIN, db_flag_, db_, "import", "customers", "--carrier", "1", csv},
                            Log("import"));
    ASSERT_GT(pid, 0);
    // The kill comes at a random instant within the last finished import's
    // duration, so that most kills land while the import runs.
    const Clock::time_point t0 = Clock::now();
    const double deadline = std::uniform_real_distribution<double>(10, import_ms_)(rng_);
    int rc = 0;
    for (;;) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        rc = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        import_ms_ = std::max(100.0, MsSince(t0));
        break;
      }
      if (MsSince(t0) >= deadline) {
        kill(pid, SIGKILL);
        rc = Wait(pid);
        break;
      }
      SleepMs(2);
    }
    if (rc == -SIGKILL) ++figures_.import_kills;
    const int64_t stored = CountAccounts(prefix);
    if (rc == 0) {
      EXPECT_EQ(stored, rows) << "a finished import must hold every row";
    } else {
      EXPECT_TRUE(stored == 0 || stored == rows)
          << "import killed (" << rc << ") left " << stored << " of " << rows << " rows";
    }
    if (stored == rows) ++figures_.imports_all;
    if (stored == 0) ++figures_.imports_none;
    fs::remove(csv);
    ASSERT_NO_FATAL_FAILURE(AuditVerify(trial));
  }

 private:
  std::string Log(const std::string& what) const { return dir_ + "/" + what + ".log"; }
  std::string Customers() const { return "/v1/carriers/1/customers"; }
  std::string Breaches() const { return "/v1/carriers/1/breaches"; }

  HttpResponse Send(HttpClient& c, const Write& x) {
    Headers h = {{"Authorization", "Bearer " + (x.officer ? officer_token_ : token_)},
                 {"Idempotency-Key", x.key}};
    if (!x.if_match.empty()) h.push_back({"If-Match", x.if_match});
    return c.Send(x.method, x.target, x.body.dump(), h);
  }

  static json BreachBody(int64_t customer) {
    return {{"description", "Crash trial: a contractor exported call records"},
            {"discovered_how", "audit log review"},
            {"discovered_at", "2025-06-01T10:00:00-04:00"},
            {"determined_at", "2025-06-02T10:00:00-04:00"},
            {"cpni", {"call_detail"}},
            {"customers", {customer}}};
  }

  // The compliance officer's steps on the trial's case: affected_updated,
  // each with a count of its own, so each step can be found again.
  Write BreachStep(int trial, int n, int64_t breach) {
    Write x;
    x.kind = "breach steps";
    x.officer = true;
    x.breach = breach;
    x.affected_count = 1000 + n;
    x.key = "b-" + std::to_string(trial) + "-" + std::to_string(n);
    x.target = Breaches() + "/" + std::to_string(breach) + "/actions";
    x.body = {{"kind", "affected_updated"}, {"affected_count", x.affected_count}};
    return x;
  }

  static json CustomerBody(const std::string& account) {
    return {{"account_number", account},
            {"customer_type", "residential"},
            {"name", "Crash Trial"},
            {"telephone_numbers", {"(407) 555-0142"}},
            {"address",
             {{"street", "5 Oak Haven Ln"}, {"city", "Sanford"}, {"state", "FL"},
              {"postal_code", "32771"}}},
            {"services", {"local", "cmrs"}}};
  }

  // A CSR's writes in turn: create a customer, change the e-mail address of
  // the customer it created (PATCH with the create's ETag; `previous` is that
  // create, which was answered 201: a client stops at its first failure),
  // record a consent event.
  Write NewWrite(int trial, int w, int n, int64_t customer, const Write* previous) {
    Write x;
    const std::string tag = std::to_string(trial) + "-" + std::to_string(w) + "-" + std::to_string(n);
    if (n % 3 == 1 && previous != nullptr && previous->status == 201 && !previous->account.empty()) {
      x.kind = "customer updates";
      x.method = "PATCH";
      x.success = 200;
      x.customer = json::parse(previous->answer)["id"].get<int64_t>();
      x.if_match = previous->etag;
      x.email = "ct" + tag + "@example.net";
      x.key = "p-" + tag;
      x.target = Customers() + "/" + std::to_string(x.customer);
      x.body = {{"email", x.email}};
    } else if (n % 3 == 0) {
      x.kind = "customers created";
      x.account = "CT" + tag;
      x.key = "c-" + tag;
      x.target = Customers();
      x.body = CustomerBody(x.account);
    } else {
      x.kind = "consent events";
      x.customer = customer;
      x.document_id = "CRASH-" + tag;
      x.key = "e-" + tag;
      x.target = Customers() + "/" + std::to_string(customer) + "/consent-events";
      x.body = {{"kind", "opt_in_granted"},
                {"at", "2025-06-01T15:00:00Z"},
                {"scopes", {"third_parties"}},
                {"evidence",
                 {{"channel", "electronic"},
                  {"document_id", x.document_id},
                  {"notice_in_contact", true}}}};
    }
    return x;
  }

  bool Present(const Write& x) {
    if (!x.account.empty()) return CountAccounts(x.account) == 1;
    HttpClient c(port_);
    if (!x.email.empty()) {
      HttpResponse r = c.Get(Customers() + "/" + std::to_string(x.customer), token_);
      EXPECT_EQ(r.status, 200) << r.body;
      return r.status == 200 && r.Json().value("email", "") == x.email;
    }
    if (x.breach != 0) {
      HttpResponse r = c.Get(Breaches() + "/" + std::to_string(x.breach), officer_token_);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return false;
      int found = 0;
      const json breach = r.Json();
      for (const json& step : breach["timeline"]) {
        if (step["kind"] == "affected_updated" &&
            step["details"].value("affected_count", int64_t{0}) == x.affected_count) {
          ++found;
        }
      }
      EXPECT_LE(found, 1) << x.key << " recorded twice";
      return found == 1;
    }
    std::string cursor;
    int found = 0;
    for (;;) {
      std::string path = Customers() + "/" + std::to_string(x.customer) +
                         "/consent-events?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor);
      HttpResponse r = c.Get(path, token_);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return false;
      const json page = r.Json();
      for (const json& e : page["events"]) {
        if (e["evidence"].value("document_id", "") == x.document_id) ++found;
      }
      if (!page["next_cursor"].is_string()) break;
      cursor = page["next_cursor"].get<std::string>();
    }
    EXPECT_LE(found, 1) << x.document_id << " recorded twice";
    return found == 1;
  }

  void Check(const Write& x) {
    const bool before = Present(x);
    HttpClient c(port_);
    HttpResponse again = Send(c, x);
    if (x.status == x.success) {
      ++figures_.acked;
      ++figures_.acked_by_kind[x.kind];
      EXPECT_TRUE(before) << "acknowledged write lost: " << x.key;
      EXPECT_EQ(again.status, x.success) << x.key << ": " << again.body;
      EXPECT_EQ(again.Header("idempotent-replayed"), "true") << x.key;
      EXPECT_EQ(again.Json(), json::parse(x.answer, nullptr, false)) << x.key;
      return;
    }
    if (x.status != 0 && x.status < 500) {
      ADD_FAILURE() << x.key << " answered " << x.status << " before the kill: " << x.answer;
      return;
    }
    ++figures_.unanswered;
    if (again.status == x.success && again.Header("idempotent-replayed") == "true") {
      // The write committed and its answer was kept before the kill.
      ++figures_.replayed;
      EXPECT_TRUE(before) << x.key << " replayed an answer for a write that is not there";
    } else if (again.status == 409) {
      // Claimed, no answer kept: the write may or may not be there, and the
      // key does not run it again. A killed server's claim is in use (with
      // Retry-After) until it is old; a claim of the server still running
      // (the database died under it) is an unknown outcome at once.
      ++figures_.claimed_no_answer;
      const std::string type = again.Json().value("type", "");
      if (type.find("idempotency-outcome-unknown") == std::string::npos) {
        EXPECT_NE(type.find("idempotency-key-in-use"), std::string::npos) << again.body;
        EXPECT_FALSE(again.Header("retry-after").empty()) << x.key;
      }
      EXPECT_EQ(Present(x), before) << x.key << " changed on a 409";
    } else if (again.status == x.success) {
      // Never claimed: nothing of it can be there, and it runs now, once.
      ++figures_.first_run;
      EXPECT_FALSE(before) << x.key << " ran twice";
      EXPECT_TRUE(Present(x)) << x.key;
    } else {
      ADD_FAILURE() << x.key << ": retry after the crash answered " << again.status << " "
                    << again.body;
    }
  }

  int64_t CountAccounts(const std::string& account_or_prefix) {
    // Test tooling reads the database directly: the product has no lookup by
    // account prefix, and a count is the strongest all-or-nothing check.
    const bool prefix = account_or_prefix.back() == '-';
    const std::string where = prefix ? "account_number LIKE '" + account_or_prefix + "%'"
                                     : "account_number = '" + account_or_prefix + "'";
    const std::string sql = "SELECT count(*) FROM customers WHERE " + where;
    const std::string out = backend_ == "sqlite"
                                ? Capture("sqlite3 -cmd '.timeout 10000' '" + db_ + "' \"" + sql + "\"")
                                : Capture("psql -X -qAt '" + db_ + "' -c \"" + sql + "\"");
    char* end = nullptr;
    const long long n = std::strtoll(out.c_str(), &end, 10);
    EXPECT_TRUE(!out.empty() && end != nullptr && *end == '\0') << "count: '" << out << "'";
    return n;
  }

  // Starts the server; the time from `since` to its first ready answer is a
  // recovery time.
  void StartServer(std::optional<Clock::time_point> since = std::nullopt) {
    const std::string log = Log("serve");
    std::ofstream(log, std::ios::trunc).close();
    const Clock::time_point t0 = since.value_or(Clock::now());
    server_ = Spawn({PROPRIO_BIN, db_flag_, db_, "serve", "--listen", "127.0.0.1:0"}, log);
    ASSERT_GT(server_, 0);
    port_ = 0;
    while (port_ == 0 && MsSince(t0) < 60000) {
      const std::string text = ReadFile(log);
      const std::string mark = "listening on http://127.0.0.1:";
      if (auto at = text.find(mark); at != std::string::npos) {
        port_ = static_cast<uint16_t>(std::atoi(text.c_str() + at + mark.size()));
      } else {
        SleepMs(20);
      }
    }
    ASSERT_NE(port_, 0) << ReadFile(log);
    ASSERT_NO_FATAL_FAILURE(WaitReady(t0, 60, since.has_value()));
  }

  void WaitReady(Clock::time_point since, int seconds, bool recovery = true) {
    HttpClient c(port_);
    while (MsSince(since) < seconds * 1000.0) {
      if (c.Get("/readyz").status == 200) {
        if (recovery) figures_.recovery_ms.push_back(MsSince(since));
        return;
      }
      SleepMs(20);
    }
    FAIL() << "not ready " << seconds << " s after the restart: " << ReadFile(Log("serve"));
  }

  void KillPostmaster() {
    // The data directory is the postgres user's (0700); root may be unable
    // to read it where a mount squashes root.
    std::string pid_text = ReadFile(pg_data_ + "/postmaster.pid");
    if (pid_text.empty()) {
      pid_text = Capture("runuser -u postgres -- head -1 '" + pg_data_ + "/postmaster.pid'");
    }
    const pid_t pm = static_cast<pid_t>(std::atol(pid_text.c_str()));
    ASSERT_GT(pm, 1) << "no postmaster.pid in " << pg_data_;
    ASSERT_EQ(kill(pm, SIGKILL), 0);
  }

  void RestartPostmaster() {
    // The killed postmaster's backends end when they notice; until then its
    // shared memory is in use and a new postmaster refuses to start.
    const Clock::time_point t0 = Clock::now();
    while (MsSince(t0) < 60000) {
      const std::string out = Capture("runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D '" +
                                      pg_data_ + "' -w -t 30 -l '" + pg_data_ +
                                      "/restart.log' start 2>&1 && echo STARTED");
      if (out.find("STARTED") != std::string::npos) return;
      SleepMs(200);
    }
    FAIL() << "PostgreSQL did not restart: " << ReadFile(pg_data_ + "/restart.log");
  }

  void AuditVerify(int trial) {
    const std::string log = Log("verify");
    std::ofstream(log, std::ios::trunc).close();
    EXPECT_EQ(Run({PROPRIO_BIN, db_flag_, db_, "audit", "verify"}, log), 0)
        << "trial " << trial << ": " << ReadFile(log);
  }

  std::string backend_, db_flag_, db_, dir_, pg_data_;
  double import_ms_ = 3000;  // the last finished import's duration
  std::mt19937_64 rng_;
  pid_t server_ = -1;
  uint16_t port_ = 0;
  std::string token_, officer_token_;
  Figures figures_;
};

int TrialsPerBackend() {
  const char* n = std::getenv("CRASH_TRIALS");
  return n != nullptr && std::atoi(n) > 0 ? std::atoi(n) : 10;
}

uint64_t Seed() {
  const char* s = std::getenv("CRASH_SEED");
  const uint64_t seed = s != nullptr ? std::strtoull(s, nullptr, 10)
                                     : static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  std::printf("crash trials: CRASH_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

// Descriptors this process inherited (a build lock held by `flock`, say) are
// not passed on: a PostgreSQL cluster started here would keep them open after
// the test ends.
void CloseInheritedOnExec() {
  std::vector<int> fds;
  for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(e.path().filename().c_str());
    if (fd > 2) fds.push_back(fd);
  }
  for (int fd : fds) {
    const int flags = fcntl(fd, F_GETFD);
    if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

struct DirGuard {
  std::string root;
  ~DirGuard() { fs::remove_all(root); }
};

// Stops the test's own cluster however the test ends.
struct ClusterGuard {
  std::string harness, root;
  ~ClusterGuard() {
    Capture("'" + harness + "' stop '" + root + "/pg' 2>&1");
    fs::remove_all(root);
  }
};

std::string TempDir() {
  char tmpl[] = "/tmp/proprio-crash-XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d != nullptr ? d : "";
}

// Trial kinds in turn: writes with a server kill, an import kill, and on
// PostgreSQL writes with a postmaster kill.
TEST(CrashTrials, SqliteKilledServerAndImport) {
  CloseInheritedOnExec();
  const std::string dir = TempDir();
  ASSERT_FALSE(dir.empty());
  DirGuard remove{dir};
  CrashTrials t("sqlite", dir + "/proprio.db", dir, Seed());
  ASSERT_NO_FATAL_FAILURE(t.Prepare());
  const int n = TrialsPerBackend();
  for (int i = 0; i < n && !HasFatalFailure(); ++i) {
    if (i % 3 == 2) {
      t.ImportTrial(i, 20000);
    } else {
      t.WriteTrial(i, false);
    }
  }
  t.Finish();
  std::printf("%s\n", t.figures().Summary("sqlite").c_str());
  EXPECT_GT(t.figures().acked, 0);
}

TEST(CrashTrials, PostgresKilledServerPostmasterAndImport) {
  if (Capture("id -u postgres 2>/dev/null").empty()) GTEST_SKIP() << "no postgres user";
  CloseInheritedOnExec();
  const std::string dir = TempDir();
  ASSERT_FALSE(dir.empty());
  const std::string harness = std::string(PROPRIO_SOURCE_DIR) + "/scripts/pg-harness";
  ClusterGuard cluster{harness, dir};
  const std::string url = Capture("'" + harness + "' start '" + dir + "/pg' 2>&1 | tail -1");
  ASSERT_EQ(url.rfind("postgresql://", 0), 0u) << url;
  std::string data = dir + "/pg/data";
  if (fs::exists(dir + "/pg/datadir")) data = ReadFile(dir + "/pg/datadir");
  while (!data.empty() && data.back() == '\n') data.pop_back();
  {
    CrashTrials t("postgres", url, dir, Seed());
    t.SetPostgres(data);
    ASSERT_NO_FATAL_FAILURE(t.Prepare());
    const int n = TrialsPerBackend();
    for (int i = 0; i < n && !HasFatalFailure(); ++i) {
      if (i % 3 == 2) {
        t.ImportTrial(i, 20000);
      } else {
        t.WriteTrial(i, i % 3 == 1);
      }
    }
    t.Finish();
    std::printf("%s\n", t.figures().Summary("postgres").c_str());
    EXPECT_GT(t.figures().acked, 0);
  }
}

}  // namespace
}  // namespace proprio::testing
