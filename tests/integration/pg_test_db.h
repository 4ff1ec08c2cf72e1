// tests/integration/pg_test_db.h: a fresh PostgreSQL database per test.
//
// Under CTest the fixture `postgres_start` (scripts/pg-harness) starts a
// throwaway cluster and writes its URL to the file named by the environment
// variable PROPRIO_TEST_POSTGRES_URL_FILE; tests that need PostgreSQL declare
// `FIXTURES postgres` and that variable (tests/integration/CMakeLists.txt).
// Run by hand without the variable, PostgreSQL cases skip:
//
//   class MyTest : public ::testing::Test {
//     void SetUp() override {
//       if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
//       ASSERT_TRUE(db_.Create().ok());
//       // ... connect to db_.url() ...
//     }
//     void TearDown() override { db_.Drop(); }  // close connections first
//     PgTestDb db_;
//   };
#pragma once

#include <optional>
#include <string>

#include "core/status.h"

namespace proprio::testing {

class PgTestDb {
 public:
  static constexpr const char* kUrlFileVariable = "PROPRIO_TEST_POSTGRES_URL_FILE";

  PgTestDb() = default;
  ~PgTestDb();  // drops the database if Create() made one and Drop() was not called
  PgTestDb(const PgTestDb&) = delete;
  PgTestDb& operator=(const PgTestDb&) = delete;

  // Why PostgreSQL cases cannot run (the variable is unset), or nullopt.
  static std::optional<std::string> SkipReason();

  // The harness cluster's URL (the proprio_test database), read from the file.
  static Result<std::string> AdminUrl();

  // Creates database t_<pid>_<n> on the harness cluster.
  Status Create();
  // Drops it (forcing out connections still open). Idempotent.
  void Drop();

  // REQUIRES: Create() succeeded.
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// Runs one SQL statement (no parameters) against `url`; for test set-up.
Status PgExec(const std::string& url, const std::string& sql);

}  // namespace proprio::testing
