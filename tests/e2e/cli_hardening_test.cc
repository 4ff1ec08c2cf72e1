// End-to-end tests of the proprio command line against text that is not
// UTF-8 (issue 22): every such argument or file is refused at the edge with
// exit 2 naming the field, and nothing aborts (it used to end in SIGABRT,
// exit 134, from a JSON dump throwing on the bytes).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

class CliHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-hardening-XXXXXX";
    dir_ = mkdtemp(tmpl);
    RunResult carrier = Run({"carrier", "add", "--name", "Floor Tel", "--filer-id", "900001",
                             "--time-zone", "America/New_York", "--json"});
    ASSERT_EQ(carrier.exit_code, 0) << carrier.err;
    RunResult customer =
        Run({"customer", "add", "--carrier", "1", "--account", "W-1", "--name", "Customer W-1",
             "--phone", "(407) 555-0110", "--street", "1 Main St", "--city", "Longwood",
             "--state", "FL", "--zip", "32750", "--services", "local", "--json"});
    ASSERT_EQ(customer.exit_code, 0) << customer.err;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunResult Run(std::vector<std::string> args, const std::string& in = "") {
    return RunProprio(args, dir_, in);
  }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << bytes;
  }
  // The error document of a --json run (its last line on stderr).
  static json Error(const RunResult& r) {
    std::string text = r.err;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    const size_t nl = text.rfind('\n');
    const json j = json::parse(nl == std::string::npos ? text : text.substr(nl + 1), nullptr,
                               false);
    return j.is_object() && j.contains("error") ? j["error"] : json();
  }
  // The ledger's entry count for carrier 1 (audit head).
  int64_t LedgerSize() {
    RunResult r = Run({"audit", "head", "--carrier", "1", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json j = json::parse(r.out, nullptr, false);
    return j.is_object() && j.contains("entries") ? j["entries"].get<int64_t>() : -1;
  }

  std::string dir_;
};

TEST_F(CliHardeningTest, ImportWithAHeaderThatIsNotUtf8Exits2NamingTheHeader) {
  Write("bad.csv", "account_number,x\xa7\n");
  RunResult json_run = Run({"--json", "import", "customers", "--carrier", "1", "bad.csv"});
  EXPECT_EQ(json_run.exit_code, 2) << json_run.err;
  EXPECT_EQ(Error(json_run)["field"], "header") << json_run.err;
  RunResult text_run = Run({"import", "customers", "--carrier", "1", "bad.csv"});
  EXPECT_EQ(text_run.exit_code, 2) << text_run.err;
  EXPECT_NE(text_run.err.find("not valid UTF-8"), std::string::npos) << text_run.err;
}

TEST_F(CliHardeningTest, ImportWithARowThatIsNotUtf8RefusesTheRowNamingTheColumn) {
  Write("row.csv",
        "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code\n"
        "A-9,residential,Ann \xa7xample,4075550111,1 Main St,Longwood,FL,32750\n");
  RunResult r = Run({"--json", "import", "customers", "--carrier", "1", "row.csv"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const json report = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.out << r.err;
  EXPECT_EQ(report["committed"], false);
  ASSERT_EQ(report["errors"].size(), 1u) << r.out;
  EXPECT_EQ(report["errors"][0]["column"], "name") << r.out;
}

TEST_F(CliHardeningTest, CustomerShowWithAPurposeThatIsNotUtf8Exits2) {
  const int64_t before = LedgerSize();
  for (bool as_json : {false, true}) {
    std::vector<std::string> args = {"customer", "show", "--carrier", "1", "1", "--purpose",
                                     "p\xa7"};
    if (as_json) args.push_back("--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--purpose"), std::string::npos) << r.err;
    if (as_json) {
      EXPECT_EQ(Error(r)["field"], "purpose") << r.err;
    }
  }
  // --purpose=VALUE names the option too.
  RunResult eq = Run({"customer", "show", "--carrier", "1", "1", "--purpose=p\xa7", "--json"});
  EXPECT_EQ(eq.exit_code, 2) << eq.err;
  EXPECT_EQ(Error(eq)["field"], "purpose") << eq.err;
  EXPECT_EQ(LedgerSize(), before);  // no access was recorded
}

TEST_F(CliHardeningTest, ConsentRecordWithADocumentIdThatIsNotUtf8Exits2) {
  const int64_t before = LedgerSize();
  RunResult r = Run({"consent", "record", "--carrier", "1", "--customer", "1", "--kind",
                     "opt_in_granted", "--scope", "third_parties", "--at",
                     "2024-05-01T15:00:00Z", "--document-id", "D\xa7"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--document-id"), std::string::npos) << r.err;
  RunResult j = Run({"consent", "record", "--carrier", "1", "--customer", "1", "--kind",
                     "opt_in_granted", "--scope", "third_parties", "--at",
                     "2024-05-01T15:00:00Z", "--document-id", "D\xa7", "--json"});
  EXPECT_EQ(j.exit_code, 2) << j.err;
  EXPECT_EQ(Error(j)["field"], "document_id") << j.err;
  EXPECT_EQ(LedgerSize(), before);
  RunResult verify = Run({"audit", "verify", "--carrier", "1"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CliHardeningTest, AnInputFileThatIsNotUtf8Exits2NamingTheFile) {
  Write("policy.toml", "name = \"p\xa7\"\nversion = 1\n");
  RunResult r = Run({"policy", "check", "policy.toml", "--json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(Error(r)["field"], "file") << r.err;
  EXPECT_NE(Error(r)["message"].get<std::string>().find("line 1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace proprio::testing
