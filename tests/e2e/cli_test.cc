// End-to-end tests of the proprio command line, through the built binary.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <stdlib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "planted_values.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunResult Run(std::vector<std::string> args, const std::string& in = "") {
    return RunProprio(args, dir_, in);
  }
  json RunJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/proprio.db").c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  std::string dir_;

 public:
  const std::string& dir() const { return dir_; }
};

constexpr char kHeader[] =
    "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code\n";

TEST_F(CliTest, HelpNamesEveryCommand) {
  RunResult r = Run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"init", "carrier", "customer", "import", "audit", "demo"}) {
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
  RunResult sub = Run({"import", "customers", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_NE(sub.out.find("--skip-invalid"), std::string::npos);
}

TEST_F(CliTest, UnknownCommandOrMissingOptionIsUsageError) {
  EXPECT_EQ(Run({"frobnicate"}).exit_code, 2);
  RunResult r = Run({"customer", "show"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--carrier"), std::string::npos) << r.err;
}

// The conventions of the tools people know (issue 18): a version, an unknown
// command named with the list of commands, --json for usage errors too.
TEST_F(CliTest, VersionAndUnknownCommandBehaveLikeOtherTools) {
  RunResult v = Run({"--version"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out.rfind("proprio ", 0), 0u) << v.out;
  EXPECT_NE(v.out.find('.'), std::string::npos) << v.out;

  RunResult bogus = Run({"bogus"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_NE(bogus.err.find("unknown command 'bogus'"), std::string::npos) << bogus.err;
  for (const char* cmd : {"init", "customer", "decide", "breach", "serve"}) {
    EXPECT_NE(bogus.err.find("\n  " + std::string(cmd) + " "), std::string::npos) << cmd;
  }

  RunResult json_bogus = Run({"--json", "bogus"});
  EXPECT_EQ(json_bogus.exit_code, 2);
  const json err = json::parse(json_bogus.err, nullptr, false);
  ASSERT_FALSE(err.is_discarded()) << json_bogus.err;
  EXPECT_EQ(err["error"]["code"], "invalid_argument");
  EXPECT_EQ(err["error"]["field"], "command");

  RunResult missing = Run({"customer", "show", "--json"});
  EXPECT_EQ(missing.exit_code, 2);
  const json missing_err = json::parse(missing.err, nullptr, false);
  ASSERT_FALSE(missing_err.is_discarded()) << missing.err;
  EXPECT_EQ(missing_err["error"]["field"], "carrier");
}

// The documented exit codes mean what they say: a file that is not a
// database is the user's mistake (6), not a ledger that does not verify (8);
// an address in use is not an unavailable database (9).
TEST_F(CliTest, ExitCodesFollowTheTable) {
  Write("notes.db", "these are my notes, not a database\n");
  RunResult notadb = Run({"--db", "notes.db", "audit", "verify"});
  EXPECT_EQ(notadb.exit_code, 6) << notadb.err;
  EXPECT_NE(notadb.err.find("not a SQLite database"), std::string::npos) << notadb.err;

  ASSERT_EQ(Run({"init"}).exit_code, 0);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string listen_at = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  RunResult busy = Run({"serve", "--listen", listen_at});
  close(fd);
  EXPECT_EQ(busy.exit_code, 6) << busy.err;
  EXPECT_NE(busy.err.find("cannot listen on " + listen_at), std::string::npos) << busy.err;
}

TEST_F(CliTest, InitIsIdempotent) {
  RunResult first = Run({"init"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("schema version "), std::string::npos) << first.out;
  EXPECT_EQ(Run({"init"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/proprio.db"));
}

TEST_F(CliTest, NewerSchemaIsRefused) {
  ASSERT_EQ(Run({"init"}).exit_code, 0);
  Sql("INSERT INTO schema_migrations VALUES (99, '0099_future', 0)");
  RunResult r = Run({"carrier", "list"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.err.find("newer"), std::string::npos) << r.err;
}

TEST_F(CliTest, DemoThenVerifyIsValidAndAChangedByteIsNamed) {
  RunResult demo = Run({"demo", "--customers", "300"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_NE(demo.out.find("customers: 300"), std::string::npos) << demo.out;
  RunResult ok = Run({"audit", "verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("valid"), std::string::npos);

  // Change one byte inside ledger entry 4's row.
  Sql("UPDATE ledger_entries SET entry = CAST(substr(entry, 1, 49) || 'Z' || substr(entry, 51) "
      "AS BLOB) WHERE carrier_id = 1 AND seq = 4");
  RunResult bad = Run({"audit", "verify"});
  EXPECT_EQ(bad.exit_code, 8);
  EXPECT_NE(bad.out.find("entry 4: altered"), std::string::npos) << bad.out;
  json j = json::parse(Run({"audit", "verify", "--json"}).out);
  EXPECT_FALSE(j["valid"]);
  EXPECT_EQ(j["carriers"][0]["problems"][0]["entry"], 4);
  EXPECT_EQ(j["carriers"][0]["problems"][0]["kind"], "altered");
}

TEST_F(CliTest, AChangedByteInsideASealedBlockNamesTheEntry) {
  ASSERT_EQ(Run({"demo", "--customers", "100"}).exit_code, 0);
  const int64_t demo_entries = RunJson({"audit", "head", "--carrier", "1"})["entries"];
  ASSERT_LT(demo_entries, 60);
  // CPNI reads, one ledger entry each (subject customer:<id>), until entries
  // 1-64 are sealed into one block row (ledger/block.h).
  const int64_t reads = 64 - demo_entries + 2;
  for (int64_t id = 1; id <= reads; ++id) {
    ASSERT_EQ(Run({"customer", "show", "--carrier", "1", std::to_string(id)}).exit_code, 0);
  }
  RunResult ok = Run({"audit", "verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  // Every complete run is sealed already: audit seal (for ledgers from before
  // schema 7) finds nothing to do.
  json sealed = RunJson({"audit", "seal"});
  EXPECT_EQ(sealed["carriers"][0]["blocks_sealed"], 0) << sealed.dump();

  // Change one byte of the read of customer `id` (entry demo_entries + id),
  // inside the block: its length-prefixed subject names it uniquely.
  const int64_t id = reads - 4;
  const int64_t entry = demo_entries + id;
  ASSERT_LE(entry, 64);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/proprio.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT entries FROM ledger_blocks WHERE carrier_id = 1 AND "
                               "first_seq = 1", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  std::string block(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                    static_cast<size_t>(sqlite3_column_bytes(st, 0)));
  sqlite3_finalize(st);
  const std::string subject = "customer:" + std::to_string(id);
  const std::string prefixed = std::string(3, '\0') + char(subject.size()) + subject;
  const size_t at = block.find(prefixed);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(block.find(prefixed, at + 1), std::string::npos);
  block[at + prefixed.size() - 1] ^= 0x01;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE ledger_blocks SET entries = ? WHERE carrier_id = 1 AND "
                               "first_seq = 1", -1, &st, nullptr), SQLITE_OK);
  sqlite3_bind_blob(st, 1, block.data(), static_cast<int>(block.size()), SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);

  RunResult bad = Run({"audit", "verify"});
  EXPECT_EQ(bad.exit_code, 8);
  EXPECT_NE(bad.out.find("entry " + std::to_string(entry) + ": altered"), std::string::npos)
      << bad.out;
}

TEST_F(CliTest, DemoTwiceAddsNothing) {
  ASSERT_EQ(Run({"demo", "--customers", "50"}).exit_code, 0);
  RunResult again = Run({"demo", "--customers", "50"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("found the demo carrier"), std::string::npos);
  EXPECT_EQ(RunJson({"carrier", "show", "1"})["customers"], 50);
}

TEST_F(CliTest, CarrierAddListShow) {
  json added = RunJson({"carrier", "add", "--name", "Fusion Telecom", "--filer-id", "825160",
                        "--time-zone", "America/New_York", "--signatory", "Don Hutchins:CFO",
                        "--street", "420 Lexington Ave", "--city", "New York", "--state", "NY",
                        "--zip", "10170"});
  EXPECT_EQ(added["id"], 1);
  EXPECT_EQ(added["officers"][0]["signatory"], true);
  RunResult dup = Run({"carrier", "add", "--name", "Again", "--filer-id", "825160", "--time-zone",
                       "UTC"});
  EXPECT_EQ(dup.exit_code, 5);
  EXPECT_NE(dup.err.find("825160"), std::string::npos);
  RunResult bad_tz = Run({"carrier", "add", "--name", "X", "--filer-id", "1", "--time-zone",
                          "Nowhere/Land"});
  EXPECT_EQ(bad_tz.exit_code, 2);
  EXPECT_NE(bad_tz.err.find("time_zone"), std::string::npos);
  json list = RunJson({"carrier", "list"});
  ASSERT_EQ(list["carriers"].size(), 1u);
  EXPECT_EQ(list["carriers"][0]["filer_id_499"], "825160");
  EXPECT_EQ(Run({"carrier", "show", "42"}).exit_code, 4);
}

TEST_F(CliTest, CustomerAddShowListAndCarrierIsolation) {
  RunJson({"carrier", "add", "--name", "A", "--filer-id", "1", "--time-zone", "UTC"});
  RunJson({"carrier", "add", "--name", "B", "--filer-id", "2", "--time-zone", "UTC"});
  RunResult bad = Run({"customer", "add", "--carrier", "1", "--account", "X1", "--name", "Bo",
                       "--phone", "12345", "--street", "1 A St", "--city", "C", "--state", "FL",
                       "--zip", "32750"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("telephone"), std::string::npos) << bad.err;
  json c = RunJson({"customer", "add", "--carrier", "1", "--account", "X1", "--name", "Bo Li",
                    "--phone", "407.555.0142", "--street", "1 A St", "--city", "Longwood",
                    "--state", "FL", "--zip", "32750", "--services", "local;cmrs"});
  EXPECT_EQ(c["telephone_numbers"][0], "+14075550142");
  json shown = RunJson({"customer", "show", "--carrier", "1", "--account", "X1"});
  EXPECT_EQ(shown["name"], "Bo Li");
  EXPECT_EQ(shown["services"], json::array({"local", "cmrs"}));
  RunResult other = Run({"customer", "show", "--carrier", "2", c["id"].dump()});
  EXPECT_EQ(other.exit_code, 4);
  EXPECT_EQ(other.out, "");
  json list = RunJson({"customer", "list", "--carrier", "1"});
  ASSERT_EQ(list["customers"].size(), 1u);
  EXPECT_TRUE(list["next"].is_null());
}

// 64.2003(f): `customer close` makes a former customer; the record is kept,
// closing twice is refused (exit 6), and a marketing decision then needs
// opt-in approval.
TEST_F(CliTest, Cfr64_2003fCustomerCloseMakesAFormerCustomer) {
  RunJson({"carrier", "add", "--name", "A", "--filer-id", "1", "--time-zone", "UTC"});
  json c = RunJson({"customer", "add", "--carrier", "1", "--account", "X1", "--name", "Bo Li",
                    "--phone", "407.555.0142", "--street", "1 A St", "--city", "Longwood",
                    "--state", "FL", "--zip", "32750", "--services", "local"});
  const std::string id = c["id"].dump();
  const std::vector<std::string> ask = {"decide", "--carrier", "1", "--customer", id, "--purpose",
                                        "marketing_same_category"};
  EXPECT_TRUE(RunJson(ask)["allowed"]);
  json closed = RunJson({"customer", "close", "--carrier", "1", id, "--reason", "moved away"});
  EXPECT_TRUE(closed["closed_at"].is_string()) << closed.dump();
  EXPECT_EQ(closed["name"], "Bo Li");
  RunResult again = Run({"customer", "close", "--carrier", "1", id});
  EXPECT_EQ(again.exit_code, 6) << again.err;
  json shown = RunJson({"customer", "show", "--carrier", "1", id});
  EXPECT_EQ(shown["closed_at"], closed["closed_at"]);
  std::vector<std::string> ask_json = ask;
  ask_json.push_back("--json");
  RunResult after = Run(ask_json);
  EXPECT_EQ(after.exit_code, 3) << after.err;
  json denied = json::parse(after.out, nullptr, false);
  EXPECT_FALSE(denied["allowed"]);
  EXPECT_NE(denied["basis"].dump().find("47 CFR 64.2003(f)"), std::string::npos) << denied.dump();
  EXPECT_EQ(denied["requires"][0]["kind"], "opt_in_approval");
}

TEST_F(CliTest, ImportRefusesBadFileNamingLineAndColumn) {
  RunJson({"carrier", "add", "--name", "A", "--filer-id", "1", "--time-zone", "UTC"});
  Write("in.csv", std::string(kHeader) + "A1,residential,Ann,4075550100,1 Main St,Longwood,FL,32750\n"
                                          "A2,residential,Bob,555,1 Main St,Longwood,FL,32750\n");
  RunResult r = Run({"import", "customers", "--carrier", "1", "in.csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("in.csv: line 3, column telephone_numbers"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing imported"), std::string::npos);
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no progress bar when not on a terminal";
  EXPECT_EQ(RunJson({"carrier", "show", "1"})["customers"], 0);

  RunResult skip = Run({"import", "customers", "--carrier", "1", "in.csv", "--skip-invalid",
                        "--rejects", "bad.csv"});
  EXPECT_EQ(skip.exit_code, 0) << skip.err;
  EXPECT_NE(skip.out.find("imported 1 of 2 rows"), std::string::npos) << skip.out;
  std::ifstream rejects(dir_ + "/bad.csv");
  std::string header, row;
  std::getline(rejects, header);
  std::getline(rejects, row);
  EXPECT_EQ(header, "line,column,reason,record");
  EXPECT_EQ(row.substr(0, 25), "3,\"telephone_numbers\",\"te");
  EXPECT_EQ(RunJson({"carrier", "show", "1"})["customers"], 1);
}

TEST_F(CliTest, ImportOfMissingFileOrEmptyFileFailsClearly) {
  RunJson({"carrier", "add", "--name", "A", "--filer-id", "1", "--time-zone", "UTC"});
  RunResult missing = Run({"import", "customers", "--carrier", "1", "nope.csv"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("nope.csv"), std::string::npos);
  Write("empty.csv", "");
  RunResult empty = Run({"import", "customers", "--carrier", "1", "empty.csv"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("line 1"), std::string::npos) << empty.err;
}

TEST_F(CliTest, ProofChecksOutWithoutTheDatabaseAndFailsOnAnotherRoot) {
  ASSERT_EQ(Run({"demo", "--customers", "20"}).exit_code, 0);
  const std::string root = RunJson({"audit", "head", "--carrier", "1"})["root"];
  ASSERT_EQ(Run({"audit", "proof", "--carrier", "1", "--entry", "5", "--out", "p.json"}).exit_code, 0);
  std::filesystem::remove(dir_ + "/proprio.db");
  RunResult ok = Run({"audit", "check-proof", "p.json", "--root", root});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("valid: entry 5"), std::string::npos);
  std::string other = root;
  other[0] = other[0] == '0' ? '1' : '0';
  EXPECT_EQ(Run({"audit", "check-proof", "p.json", "--root", other}).exit_code, 8);
  // A forged entry in the proof does not verify either.
  std::ifstream in(dir_ + "/p.json");
  json proof = json::parse(in);
  std::string hex = proof["entry_hex"];
  hex[60] = hex[60] == 'a' ? 'b' : 'a';
  proof["entry_hex"] = hex;
  Write("forged.json", proof.dump());
  RunResult forged = Run({"audit", "check-proof", "forged.json", "--root", root});
  EXPECT_EQ(forged.exit_code, 8) << forged.out;
  EXPECT_EQ(Run({"audit", "check-proof", "p.json", "--root", "xyz"}).exit_code, 2);
}

TEST_F(CliTest, ProofOfMissingEntryIsNotFound) {
  ASSERT_EQ(Run({"demo", "--customers", "5"}).exit_code, 0);
  RunResult r = Run({"audit", "proof", "--carrier", "1", "--entry", "999"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("no entry 999"), std::string::npos) << r.err;
}

TEST_F(CliTest, JsonErrorsAreMachineReadable) {
  RunResult r = Run({"carrier", "show", "7", "--json"});
  EXPECT_EQ(r.exit_code, 4);
  json err = json::parse(r.err);
  EXPECT_EQ(err["error"]["code"], "not_found");
}

// A process killed in the middle of an import leaves the database as it was
// before or with the whole import, never half of it, and the ledger verifies.
TEST_F(CliTest, ImportKilledMidwayLeavesNothingHalfWritten) {
  RunJson({"carrier", "add", "--name", "A", "--filer-id", "1", "--time-zone", "UTC"});
  ASSERT_EQ(Run({"customer", "add", "--carrier", "1", "--account", "BEFORE", "--name", "Kept",
                 "--phone", "4075550100", "--street", "1 A St", "--city", "Longwood", "--state",
                 "FL", "--zip", "32750"}).exit_code, 0);
  constexpr int kRows = 200000;
  {
    std::ofstream f(dir_ + "/big.csv");
    f << kHeader;
    for (int i = 0; i < kRows; ++i) {
      f << "K" << i << ",residential,Name " << i << ",407" << (2000000 + i)
        << ",1 Main St,Longwood,FL,32750\n";
    }
  }
  const int pid = StartProprio({"import", "customers", "--carrier", "1", "big.csv"}, dir_);
  ASSERT_GT(pid, 0);
  usleep(400 * 1000);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult verify = Run({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  const int64_t customers = RunJson({"carrier", "show", "1"})["customers"];
  EXPECT_TRUE(customers == 1 || customers == 1 + kRows) << customers;
  // The write acknowledged before the crash is there.
  EXPECT_EQ(RunJson({"customer", "show", "--carrier", "1", "--account", "BEFORE"})["name"], "Kept");
}

// The same commands against a throwaway PostgreSQL cluster (tests/integration
// starts it as a CTest fixture).
TEST_F(CliTest, PostgresBackendRunsDemoAndVerify) {
  const char* url_file = std::getenv("PROPRIO_TEST_POSTGRES_URL_FILE");
  if (url_file == nullptr) GTEST_SKIP() << "no PostgreSQL fixture (run through ctest)";
  std::ifstream f(url_file);
  std::string url;
  std::getline(f, url);
  ASSERT_FALSE(url.empty());
  // A database of our own so that reruns and other tests do not collide.
  const std::string db = "cli_e2e_" + std::to_string(getpid());
  ASSERT_EQ(std::system(("psql -q -d '" + url + "' -c 'DROP DATABASE IF EXISTS " + db +
                         "' -c 'CREATE DATABASE " + db + "' >/dev/null").c_str()),
            0);
  const std::string mine = url.substr(0, url.rfind('/') + 1) + db;
  ASSERT_EQ(Run({"init", "--postgres", mine}).exit_code, 0);
  RunResult demo = Run({"demo", "--customers", "100", "--postgres", mine});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  RunResult verify = Run({"audit", "verify", "--postgres", mine});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(RunJson({"carrier", "show", "1", "--postgres", mine})["customers"], 100);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/proprio.db"));
}

// `customer update`: the rules of HTTP PATCH through the same service. An
// address change is an account change: notices queued at once to the existing
// contact (47 CFR 64.2010(f)); the new address is dated today, so it is not an
// address of record for 30 days (64.2003, 64.2010(b)). Run on one backend
// (`db` are the store options to add to every command).
std::string TodayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void CustomerUpdateScenario(CliTest* t, const std::vector<std::string>& db) {
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), db.begin(), db.end());
    return args;
  };
  auto run_json = [&](std::vector<std::string> args, int want) {
    args = with(std::move(args));
    args.push_back("--json");
    RunResult r = RunProprio(args, t->dir(), "");
    EXPECT_EQ(r.exit_code, want) << r.err << r.out;
    return json::parse(want == 0 ? r.out : r.err, nullptr, false);
  };
  run_json({"carrier", "add", "--name", "A", "--filer-id", "1", "--time-zone", "UTC"}, 0);
  json c = run_json({"customer", "add", "--carrier", "1", "--account", "X1", "--name", "Bo Li",
                     "--phone", "407.555.0142", "--street", "1 A St", "--city", "Longwood",
                     "--state", "FL", "--zip", "32750", "--address-since", "2020-01-01",
                     "--email", "bo@example.com"},
                    0);
  const std::string id = c["id"].dump();
  // Nothing to change: exit 2 naming the customer.
  json none = run_json({"customer", "update", "--carrier", "1", id}, 2);
  EXPECT_EQ(none["error"]["field"], "customer");
  json u = run_json({"customer", "update", "--carrier", "1", id, "--street", "9 New Rd",
                     "--city", "Tampa", "--zip", "33602"},
                    0);
  EXPECT_EQ(u["customer"]["address"]["street"], "9 New Rd");
  EXPECT_EQ(u["customer"]["address"]["state"], "FL");  // the parts not named stay
  EXPECT_EQ(u["customer"]["address_since"], TodayUtc());
  ASSERT_FALSE(u["notifications"].empty()) << u.dump();
  for (const json& n : u["notifications"]) {
    EXPECT_EQ(n["change_kind"], "postal_address") << n.dump();
    // Never to the new address (64.2010(f)).
    EXPECT_EQ(n["destination"].get<std::string>().find("9 New Rd"), std::string::npos)
        << n.dump();
  }
  const std::string version = u["version"];
  EXPECT_EQ(version.size(), 32u);
  // A stale version is refused (exit 6), nothing changes.
  json stale = run_json({"customer", "update", "--carrier", "1", id, "--if-match",
                         std::string(32, '0'), "--name", "Someone Else"},
                        6);
  EXPECT_EQ(stale["error"]["field"], "if_match");
  // The version just read works; a bad number is refused naming the field.
  json named = run_json({"customer", "update", "--carrier", "1", id, "--if-match", version,
                         "--name", "Bo Lee"},
                        0);
  EXPECT_EQ(named["customer"]["name"], "Bo Lee");
  EXPECT_TRUE(named["notifications"].empty());  // a name is not a contact of record
  json bad = run_json({"customer", "update", "--carrier", "1", id, "--phone", "12345"}, 2);
  EXPECT_NE(bad["error"]["field"].get<std::string>().find("telephone"), std::string::npos)
      << bad.dump();
  json other = run_json({"customer", "update", "--carrier", "2", id, "--name", "X"}, 4);
  EXPECT_EQ(run_json({"audit", "verify", "--carrier", "1"}, 0)["valid"], true);
}

TEST_F(CliTest, CustomerUpdate_64_2010_f_NoticesAndTheNewAddressOnSqlite) {
  CustomerUpdateScenario(this, {});
}

TEST_F(CliTest, CustomerUpdate_64_2010_f_NoticesAndTheNewAddressOnPostgres) {
  const char* url_file = std::getenv("PROPRIO_TEST_POSTGRES_URL_FILE");
  if (url_file == nullptr) GTEST_SKIP() << "no PostgreSQL fixture (run through ctest)";
  std::ifstream f(url_file);
  std::string url;
  std::getline(f, url);
  ASSERT_FALSE(url.empty());
  const std::string db = "cli_update_" + std::to_string(getpid());
  ASSERT_EQ(std::system(("psql -q -d '" + url + "' -c 'DROP DATABASE IF EXISTS " + db +
                         "' -c 'CREATE DATABASE " + db + "' >/dev/null").c_str()),
            0);
  const std::string mine = url.substr(0, url.rfind('/') + 1) + db;
  ASSERT_EQ(Run({"init", "--postgres", mine}).exit_code, 0);
  CustomerUpdateScenario(this, {"--postgres", mine});
}

// The scan every CLI test binary runs (tests/e2e/planted_values.cc) must be
// able to fail: a typed password in standard error or in a file the command
// wrote, or echoed on standard output, fails the test that ran it.
TEST(PlantedValueScan, ACommandLeakingWhatWasTypedFailsTheTest) {
  CliRun run;
  run.args = {"staff", "add", "--carrier", "1", "--password-stdin"};
  run.stdin_text = "Typed-Secret-4417\n";
  CliRun leaks_to_stderr = run;
  leaks_to_stderr.err = "error: password Typed-Secret-4417 is too common";
  EXPECT_NONFATAL_FAILURE(ScanCliRunForPlantedValues(leaks_to_stderr),
                          "planted value in the standard error of `proprio staff add`");
  CliRun echoes = run;
  echoes.out = "staff 7 added (password Typed-Secret-4417)";
  EXPECT_NONFATAL_FAILURE(ScanCliRunForPlantedValues(echoes),
                          "a typed secret echoed on the standard output");
  CliRun writes = run;
  writes.files = {{"/tmp/proprio-x/letter.txt", "Dear customer, Typed-Secret-4417"}};
  EXPECT_NONFATAL_FAILURE(ScanCliRunForPlantedValues(writes),
                          "planted value in /tmp/proprio-x/letter.txt");
  // Standard output may show what is not typed: call detail to the operator.
  CliRun shows = run;
  shows.stdin_text = "";
  shows.args = {"auth", "call", "detail", "--stated", "a call to 555-0142 at 9pm"};
  shows.out = "discuss only: a call to 555-0142 at 9pm";
  ScanCliRunForPlantedValues(shows);
}

}  // namespace
}  // namespace proprio::testing
