// End-to-end tests of `proprio sim` (47 CFR 64.2010(h), 52.37; FCC 23-95)
// through the built binary, on SQLite and on PostgreSQL: a request in a call
// where the caller only stated call detail is refused (exit 3) citing
// 64.2010(h)(1), recorded and notified; a photo-ID visit allows it; the lock
// refuses requests while on and changes only after secure authentication;
// bad input names the field with nothing written; every request and lock
// change is a ledger entry; `audit verify` passes.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_backend_test.h"

namespace proprio::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CliSimTest : public CliBackendTest {
 protected:
  CliSimTest() : CliBackendTest("cli_sim") {}
  std::vector<std::string> Request(const std::string& kind, const std::string& session) {
    return {"sim", "request", "--carrier", "1", "--customer", "1", "--kind", kind, "--session",
            session, "--staff", "1", "--sim-change-compliance", "2024-07-08"};
  }
  void Scenario();
};

void CliSimTest::Scenario() {
  ASSERT_EQ(Run({"carrier", "add", "--name", "Example Wireless, Inc.", "--filer-id", "825161",
                 "--time-zone", "America/New_York", "--signatory", "Dana Whitfield:CFO"})
                .exit_code,
            0);
  RunJson({"staff", "add", "--carrier", "1", "--name", "Alicia Gomez", "--role", "csr"});
  RunJson({"customer", "add", "--carrier", "1", "--account", "W-1", "--name", "Pat Jones",
           "--phone", "(407) 555-0110", "--street", "5 Oak Ave", "--city", "Orlando", "--state",
           "FL", "--zip", "32803", "--services", "cmrs"});

  json call = RunJson({"auth", "call", "open", "--carrier", "1", "--customer", "1", "--staff", "1"});
  const std::string weak = std::to_string(call["id"].get<int64_t>());
  const RunResult detail = Run({"auth", "call", "detail", "--carrier", "1", "--session", weak,
                                "--stated", "a call yesterday", "--staff", "1"});
  EXPECT_TRUE(detail.exit_code == 0 || detail.exit_code == 3) << detail.err;

  // 64.2010(h)(1): refused, exit 3, recorded and notified.
  json refused = RunJson(Request("sim_change", weak), 3);
  EXPECT_EQ(refused["allowed"], false);
  EXPECT_EQ(refused["outcome"], "refused_not_authenticated");
  EXPECT_EQ(refused["basis"], json::array({"47 CFR 64.2010(h)(1)"}));
  EXPECT_EQ(refused["in_force"], true);
  EXPECT_EQ(refused["notifications"].size(), 1u);
  // Human output names the refusal and the rule.
  RunResult text = Run(Request("port_out", weak));
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_NE(text.out.find("REFUSED"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("47 CFR 52.37"), std::string::npos) << text.out;

  // Bad input: named, nothing written.
  json bad = RunJson({"sim", "request", "--carrier", "1", "--customer", "1", "--kind", "esim",
                      "--session", weak},
                     2);
  EXPECT_EQ(bad["error"]["field"], "kind");
  json date = RunJson({"sim", "request", "--carrier", "1", "--customer", "1", "--kind",
                       "sim_change", "--session", weak, "--sim-change-compliance", "2023-01-01"},
                      2);
  EXPECT_EQ(date["error"]["field"], "sim_change_compliance");
  EXPECT_EQ(RunJson({"sim", "list", "--carrier", "1", "--customer", "1"})["sim_requests"].size(),
            2u);

  // A photo ID in store authenticates the request.
  json visit = RunJson({"auth", "store", "open", "--carrier", "1", "--customer", "1", "--staff", "1"});
  const std::string strong = std::to_string(visit["id"].get<int64_t>());
  RunJson({"auth", "store", "id", "--carrier", "1", "--session", strong, "--id-type",
           "drivers_license", "--issuer", "FL", "--last4", "1234", "--expires", "2040-01-01",
           "--matches", "--staff", "1"});
  json ok = RunJson(Request("sim_change", strong));
  EXPECT_EQ(ok["allowed"], true);
  EXPECT_EQ(ok["methods"], json::array({"photo_id"}));

  // 64.2010(h)(4): the lock.
  json weak_lock = RunJson({"sim", "lock", "--carrier", "1", "--customer", "1", "--session", weak}, 7);
  EXPECT_EQ(weak_lock["error"]["field"], "session");
  EXPECT_EQ(RunJson({"sim", "lock", "--carrier", "1", "--customer", "1", "--session", strong})
                ["locked"],
            true);
  EXPECT_EQ(RunJson({"sim", "status", "--carrier", "1", "--customer", "1"})["locked"], true);
  json locked = RunJson(Request("port_out", strong), 3);
  EXPECT_EQ(locked["outcome"], "refused_locked");
  EXPECT_EQ(RunJson({"sim", "unlock", "--carrier", "1", "--customer", "1", "--session", strong})
                ["locked"],
            false);

  json list = RunJson({"sim", "list", "--carrier", "1", "--customer", "1", "--limit", "2"});
  ASSERT_EQ(list["sim_requests"].size(), 2u);
  EXPECT_EQ(list["sim_requests"][0]["outcome"], "refused_locked");
  EXPECT_TRUE(list["next_cursor"].is_string());
  RunResult verify = Run({"audit", "verify", "--carrier", "1"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CliSimTest, c64_2010_h_Sqlite) { Scenario(); }

TEST_F(CliSimTest, c64_2010_h_Postgres) {
  if (!UsePostgres()) GTEST_SKIP() << "no PostgreSQL harness";
  Scenario();
}

}  // namespace
}  // namespace proprio::testing
