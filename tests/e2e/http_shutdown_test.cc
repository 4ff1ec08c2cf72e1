// The real `proprio serve` binary under load, stopped by SIGTERM: every
// request that got a 2xx is in the database afterwards (writes, and the
// ledger entries of CPNI reads), and the server exits cleanly.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cli_runner.h"
#include "http_client.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

struct Served {
  pid_t pid = -1;
  uint16_t port = 0;
  int out_fd = -1;
  std::string announced;  // the first line of output
};

// Starts `proprio serve` and reads the port from its first line of output.
Served StartServe(const std::string& dir, const std::vector<std::string>& extra) {
  Served s;
  int out[2];
  if (pipe(out) != 0) return s;
  s.pid = fork();
  if (s.pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    dup2(out[1], 1);
    const int err = open((dir + "/serve.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(err, 2);
    close(out[0]);
    std::vector<std::string> args = {PROPRIO_BIN, "--db", dir + "/proprio.db", "serve",
                                     "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    setenv("PROPRIO_ARGON2", "m=64,t=1", 1);
    execv(PROPRIO_BIN, argv.data());
    _exit(127);
  }
  close(out[1]);
  s.out_fd = out[0];
  std::string line;
  char ch;
  while (read(s.out_fd, &ch, 1) == 1 && ch != '\n') line += ch;
  s.announced = line;
  const size_t at = line.find("127.0.0.1:");
  if (at != std::string::npos) s.port = static_cast<uint16_t>(std::stoi(line.substr(at + 10)));
  return s;
}

int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t v = -1;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return v;
}

// Ledger entries whose bytes contain `needle` (their type), in the open tail
// and in sealed blocks (ledger/block.h) alike.
int64_t CountLedgerEntriesWith(const std::string& db_path, const std::string& needle) {
  sqlite3* db = nullptr;
  int64_t n = 0;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    for (const char* sql : {"SELECT entry FROM ledger_entries", "SELECT entries FROM ledger_blocks"}) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) n = -1;
      while (n >= 0 && sqlite3_step(st) == SQLITE_ROW) {
        const std::string bytes(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                                static_cast<size_t>(sqlite3_column_bytes(st, 0)));
        for (size_t at = bytes.find(needle); at != std::string::npos;
             at = bytes.find(needle, at + needle.size())) {
          ++n;
        }
      }
      sqlite3_finalize(st);
    }
  }
  sqlite3_close(db);
  return n;
}

TEST(HttpShutdownTest, SigtermWithRequestsInFlightLosesNoAcknowledgedWrite) {
  char tmpl[] = "/tmp/proprio-serve-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  setenv("PROPRIO_ARGON2", "m=64,t=1", 1);
  ASSERT_EQ(RunProprio({"init"}, dir).exit_code, 0);
  RunResult carrier = RunProprio({"--json", "carrier", "add", "--name", "Delta Tel", "--filer-id",
                                  "800009", "--time-zone", "America/New_York"},
                                 dir);
  ASSERT_EQ(carrier.exit_code, 0) << carrier.err;
  const int64_t carrier_id = json::parse(carrier.out)["id"];
  RunResult staff = RunProprio({"--json", "staff", "add", "--carrier", std::to_string(carrier_id),
                                "--name", "Billing System", "--role", "system"},
                               dir);
  ASSERT_EQ(staff.exit_code, 0) << staff.err;
  const int64_t staff_id = json::parse(staff.out)["id"];
  RunResult token = RunProprio({"--json", "staff", "token", "--staff", std::to_string(staff_id)}, dir);
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const std::string bearer = json::parse(token.out)["token"];
  RunResult customer = RunProprio(
      {"--json", "customer", "add", "--carrier", std::to_string(carrier_id), "--account", "SEED-1",
       "--name", "Seed Customer", "--phone", "(407) 555-0199", "--street", "1 Seed St", "--city",
       "Sanford", "--state", "FL", "--zip", "32771"},
      dir);
  ASSERT_EQ(customer.exit_code, 0) << customer.err;
  const int64_t customer_id = json::parse(customer.out)["id"];

  Served served = StartServe(dir, {"--quiet"});
  ASSERT_GT(served.pid, 0);
  ASSERT_NE(served.port, 0) << "no port announced";

  const std::string base = "/v1/carriers/" + std::to_string(carrier_id);
  std::mutex mu;
  std::vector<std::string> acknowledged;  // account numbers answered 201
  std::atomic<int64_t> reads_ok{0};
  std::atomic<int64_t> answered{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      HttpClient c(served.port);
      for (int i = 0; !stop.load(); ++i) {
        if (t % 2 == 0) {
          const std::string account = "S-" + std::to_string(t) + "-" + std::to_string(i);
          json body = {{"account_number", account},
                       {"name", "Load Customer"},
                       {"telephone_numbers", {"(407) 555-0142"}},
                       {"address",
                        {{"street", "1 Load St"}, {"city", "Sanford"}, {"state", "FL"},
                         {"postal_code", "32771"}}}};
          auto r = c.PostJson(base + "/customers", body, bearer);
          if (r.status == 0) break;  // the server is gone
          ++answered;
          if (r.status == 201) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.push_back(account);
          }
        } else {
          auto r = c.Get(base + "/customers/" + std::to_string(customer_id), bearer);
          if (r.status == 0) break;
          ++answered;
          if (r.status == 200) ++reads_ok;
        }
      }
    });
  }
  // Stop it while requests are in flight: once some have been answered.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (answered.load() < 200 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(kill(served.pid, SIGTERM), 0);
  int status = 0;
  waitpid(served.pid, &status, 0);
  stop = true;
  for (auto& th : clients) th.join();
  close(served.out_fd);
  ASSERT_TRUE(WIFEXITED(status)) << "serve died by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_GT(acknowledged.size(), 0u);
  EXPECT_GT(reads_ok.load(), 0);

  const std::string db = dir + "/proprio.db";
  for (const std::string& account : acknowledged) {
    EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM customers WHERE account_number = '" + account +
                               "'"),
              1)
        << account << " was acknowledged but is not stored";
  }
  const int64_t accesses = CountLedgerEntriesWith(db, "cpni.accessed");
  EXPECT_GE(accesses, reads_ok.load());
  // And the ledger still verifies after the abrupt stop.
  RunResult verify = RunProprio({"audit", "verify"}, dir);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  std::filesystem::remove_all(dir);
}

// 47 CFR 64.2011 as amended by FCC 23-111 applies from a date the Bureau
// announces: the operator gives it once, for every carrier.
TEST(HttpShutdownTest, Rule_64_2011_ServeTakesTheOperatorsFcc2024BreachDate) {
  char tmpl[] = "/tmp/proprio-serve-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  RunResult early = RunProprio({"serve", "--breach-2024-effective", "2023-05-01"}, dir);
  EXPECT_EQ(early.exit_code, 2) << early.err;
  EXPECT_NE(early.err.find("breach_2024_effective"), std::string::npos) << early.err;
  EXPECT_NE(early.err.find("23-111"), std::string::npos) << early.err;
  RunResult garbled = RunProprio({"serve", "--breach-2024-effective", "next spring"}, dir);
  EXPECT_EQ(garbled.exit_code, 2) << garbled.err;
  EXPECT_NE(garbled.err.find("--breach-2024-effective"), std::string::npos) << garbled.err;

  for (const auto& [extra, announced] :
       {std::pair{std::vector<std::string>{"--quiet", "--breach-2024-effective", "2025-01-01"},
                  "64.2011 breach rules: fcc-2024 from 2025-01-01"},
        std::pair{std::vector<std::string>{"--quiet"}, "64.2011 breach rules: fcc-2007"}}) {
    Served served = StartServe(dir, extra);
    EXPECT_NE(served.port, 0) << served.announced;
    EXPECT_NE(served.announced.find(announced), std::string::npos) << served.announced;
    kill(served.pid, SIGTERM);
    int status = 0;
    waitpid(served.pid, &status, 0);
    close(served.out_fd);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::filesystem::remove_all(dir);
}

TEST(HttpShutdownTest, ServeRefusesABadListenAddress) {
  char tmpl[] = "/tmp/proprio-serve-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  RunResult r = RunProprio({"serve", "--listen", "nonsense"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("listen"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace proprio::testing
