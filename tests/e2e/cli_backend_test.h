// tests/e2e/cli_backend_test.h: a fixture for CLI end-to-end tests that run
// the same scenario on both databases: SQLite (p.db in a temporary folder,
// the default), or, once UsePostgres() succeeds, a PostgreSQL database of the
// test's own on the harness cluster (the test declares FIXTURES postgres and
// PROPRIO_TEST_POSTGRES_URL_FILE in CMake).
//
//   class CliThingTest : public CliBackendTest {
//    protected:
//     CliThingTest() : CliBackendTest("cli_thing") {}
//   };
//   TEST_F(CliThingTest, OnSqlite) { Scenario(); }
//   TEST_F(CliThingTest, OnPostgres) {
//     if (!UsePostgres()) GTEST_SKIP() << "no PostgreSQL harness";
//     Scenario();
//   }
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace proprio::testing {

class CliBackendTest : public ::testing::Test {
 protected:
  // `name` prefixes the temporary folder and the PostgreSQL database.
  explicit CliBackendTest(std::string name) : name_(std::move(name)) {}

  void SetUp() override;
  void TearDown() override;

  // Switches to a fresh PostgreSQL database and runs `proprio init` on it;
  // false when the harness is not there.
  bool UsePostgres();
  bool on_postgres() const { return !pg_db_.empty(); }

  // `proprio <database flags> args...` in the test's folder.
  RunResult Run(std::vector<std::string> args, const std::string& stdin_text = "");
  // The same with --json, expecting exit `want`: the JSON printed on
  // standard output (a refused decision, exit 3, prints it there too), or the
  // problem printed on standard error.
  nlohmann::json RunJson(std::vector<std::string> args, int want = 0);

  std::string dir_;
  std::vector<std::string> db_ = {"--db", "p.db"};
  std::string pg_admin_, pg_db_;

 private:
  std::string name_;
};

}  // namespace proprio::testing
