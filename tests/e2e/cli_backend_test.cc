#include "cli_backend_test.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace proprio::testing {

void CliBackendTest::SetUp() {
  std::string tmpl = "/tmp/proprio-" + name_ + "-XXXXXX";
  const char* made = mkdtemp(tmpl.data());
  ASSERT_NE(made, nullptr);
  dir_ = made;
}

void CliBackendTest::TearDown() {
  if (!pg_db_.empty()) {
    std::system(("psql -q -d '" + pg_admin_ + "' -c 'DROP DATABASE IF EXISTS " + pg_db_ +
                 " WITH (FORCE)' >/dev/null 2>&1")
                    .c_str());
  }
  std::filesystem::remove_all(dir_);
}

bool CliBackendTest::UsePostgres() {
  const char* url_file = std::getenv("PROPRIO_TEST_POSTGRES_URL_FILE");
  if (url_file == nullptr) return false;
  std::ifstream f(url_file);
  std::getline(f, pg_admin_);
  if (pg_admin_.empty()) return false;
  pg_db_ = name_ + "_" + std::to_string(getpid());
  if (std::system(("psql -q -d '" + pg_admin_ + "' -c 'DROP DATABASE IF EXISTS " + pg_db_ +
                   "' -c 'CREATE DATABASE " + pg_db_ + "' >/dev/null")
                      .c_str()) != 0) {
    return false;
  }
  db_ = {"--postgres", pg_admin_.substr(0, pg_admin_.rfind('/') + 1) + pg_db_};
  return Run({"init"}).exit_code == 0;
}

RunResult CliBackendTest::Run(std::vector<std::string> args, const std::string& stdin_text) {
  args.insert(args.begin(), db_.begin(), db_.end());
  return RunProprio(args, dir_, stdin_text);
}

nlohmann::json CliBackendTest::RunJson(std::vector<std::string> args, int want) {
  args.push_back("--json");
  RunResult r = Run(args);
  EXPECT_EQ(r.exit_code, want) << r.err << r.out;
  return nlohmann::json::parse(want == 0 || want == 3 || r.err.empty() ? r.out : r.err, nullptr,
                               false);
}

}  // namespace proprio::testing
