// End-to-end tests of the annual certification (47 CFR 64.2009(e)) through
// the built binary: records, readiness with the gaps named, the filing built
// as PDF and JSON and read back with pdftotext, the officer's signature, the
// run over every carrier, the demo's signed filing, and bad input refused
// with exit 2 naming the field.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.h"

namespace proprio::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A year that has ended, whatever day the test runs.
std::string LastYear() {
  const time_t now = time(nullptr);
  struct tm utc {};
  gmtime_r(&now, &utc);
  return std::to_string(utc.tm_year + 1900 - 1);
}
std::string ThisYear() { return std::to_string(std::stoi(LastYear()) + 1); }

std::string PdfText(const std::string& file) {
  const std::string txt = file + ".txt";
  const std::string cmd = "pdftotext -q -enc UTF-8 '" + file + "' '" + txt + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(txt);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

class CliCertificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-cert-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ASSERT_EQ(Run({"carrier", "add", "--name", "Fusion Telecommunications International, Inc.",
                   "--filer-id", "825160", "--time-zone", "America/New_York", "--signatory",
                   "Don Hutchins:CFO", "--officer", "Pat Doe:Secretary"})
                  .exit_code,
              0);
  }
  void TearDown() override { fs::remove_all(dir_); }
  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", dir_ + "/p.db"});
    return RunProprio(args, dir_);
  }
  json RunJson(std::vector<std::string> args, int want = 0) {
    args.push_back("--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, want) << r.err << r.out;
    return json::parse(want == 0 || r.err.empty() ? r.out : r.err, nullptr, false);
  }
  std::string dir_;
};

TEST_F(CliCertificationTest, c64_2009_e_RecordsPrepareBuildSign) {
  const std::string year = LastYear();
  // Nothing recorded yet: not ready (exit 6), each gap named.
  json r = RunJson({"certification", "prepare", "--carrier", "1", "--year", year}, 6);
  EXPECT_EQ(r["ready"], false);
  std::vector<std::string> fields;
  for (const auto& g : r["gaps"]) fields.push_back(g["field"]);
  EXPECT_EQ(fields, (std::vector<std::string>{"policy", "pretexters"}));

  ASSERT_EQ(Run({"policy", "set", "--carrier", "1",
                 std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml"})
                .exit_code,
            0);
  json staff = RunJson({"staff", "add", "--carrier", "1", "--name", "Alicia Gomez", "--role", "csr"});
  json course = RunJson({"training", "course", "add", "--carrier", "1", "--title", "CPNI basics",
                         "--version", "1"});
  EXPECT_EQ(course["policy_version"], 1);
  json done = RunJson({"training", "record", "--carrier", "1", "--staff", "1", "--course", "1",
                       "--manual-acknowledged"});
  EXPECT_EQ(done["kind"], "training_completion");
  EXPECT_EQ(done["details"]["manual_acknowledged"], true);
  json due = RunJson({"training", "due", "--carrier", "1", "--all"});
  ASSERT_EQ(due["due"].size(), 1u);
  EXPECT_EQ(due["due"][0]["overdue"], false);
  EXPECT_EQ(due["due"][0]["citation"], "47 CFR 64.2009(b)");

  json complaint = RunJson({"complaint", "add", "--carrier", "1", "--received", year + "-03-04",
                            "--channel", "telephone", "--category", "employee_access",
                            "--summary", "An employee read my call records"});
  EXPECT_EQ(complaint["status"], "open");
  // An open complaint keeps the filing from being ready.
  r = RunJson({"certification", "prepare", "--carrier", "1", "--year", year}, 6);
  fields.clear();
  for (const auto& g : r["gaps"]) fields.push_back(g["field"]);
  EXPECT_EQ(fields, (std::vector<std::string>{"complaints", "pretexters"}));
  // Record ids are shared by every kind: the complaint's own id, not 1.
  const std::string complaint_id = std::to_string(complaint["id"].get<int64_t>());
  EXPECT_EQ(RunJson({"complaint", "resolve", "--carrier", "1", "--complaint", complaint_id,
                     "--outcome", "Employee disciplined"})["status"],
            "resolved");
  RunJson({"broker-action", "add", "--carrier", "1", "--filed", year + "-07-01", "--forum",
           "court", "--broker", "DataHarvest LLC", "--docket", "No. 25-cv-0101"});
  RunJson({"pretexter", "review", "--carrier", "1", "--year", year, "--summary",
           "Callers posed as account holders to get call detail.", "--steps",
           "CSRs retrained."});
  r = RunJson({"certification", "prepare", "--carrier", "1", "--year", year});
  EXPECT_EQ(r["ready"], true);
  RunResult text = Run({"certification", "prepare", "--carrier", "1", "--year", year});
  EXPECT_NE(text.out.find("READY to build and sign"), std::string::npos) << text.out;

  json built = RunJson({"certification", "build", "--carrier", "1", "--year", year, "--out",
                        "filings"});
  EXPECT_EQ(built["state"], "built");
  EXPECT_EQ(built["ready"], true);
  const std::string pdf = dir_ + "/filings/cpni-certification-825160-" + year + ".pdf";
  ASSERT_TRUE(fs::exists(pdf));
  ASSERT_TRUE(fs::exists(dir_ + "/filings/cpni-certification-825160-" + year + ".json"));
  const std::string body = PdfText(pdf);
  EXPECT_NE(body.find("EB Docket No. 06-36"), std::string::npos) << body;
  EXPECT_NE(body.find("Form 499 Filer ID: 825160"), std::string::npos);
  EXPECT_NE(body.find("DataHarvest LLC"), std::string::npos);
  EXPECT_NE(body.find("Instances of improper access by employees: 1"), std::string::npos);

  // Signing: the filing's officer, stating the review.
  json bad = RunJson({"certification", "sign", "--carrier", "1", "--certification", "1",
                      "--officer", "Pat Doe", "--reviewed-evidence"},
                     2);
  EXPECT_EQ(bad["error"]["field"], "officer");
  bad = RunJson({"certification", "sign", "--carrier", "1", "--certification", "1", "--officer",
                 "Don Hutchins"},
                2);
  EXPECT_EQ(bad["error"]["field"], "reviewed");
  json signed_ = RunJson({"certification", "sign", "--carrier", "1", "--certification", "1",
                          "--officer", "Don Hutchins", "--reviewed-evidence"});
  EXPECT_EQ(signed_["state"], "signed");
  EXPECT_EQ(signed_["signed_by"], "Don Hutchins");
  RunJson({"certification", "sign", "--carrier", "1", "--certification", "1", "--officer",
           "Don Hutchins", "--reviewed-evidence"},
          6);
  json shown = RunJson({"certification", "show", "--carrier", "1", "--certification", "1"});
  EXPECT_EQ(shown["document"]["signed"]["by"], "Don Hutchins");
  EXPECT_EQ(shown["document"]["complaints"]["total"], 1);
  json list = RunJson({"certification", "list", "--carrier", "1"});
  ASSERT_EQ(list["certifications"].size(), 1u);
}

TEST_F(CliCertificationTest, c64_2009_e_BadInputNamesTheField) {
  json e = RunJson({"certification", "prepare", "--carrier", "1", "--year", ThisYear()}, 2);
  EXPECT_EQ(e["error"]["field"], "year");
  e = RunJson({"complaint", "add", "--carrier", "1", "--channel", "web", "--category", "rudeness",
               "--summary", "x"},
              2);
  EXPECT_EQ(e["error"]["field"], "category");
  e = RunJson({"broker-action", "add", "--carrier", "1", "--forum", "arbitration", "--broker", "X"},
              2);
  EXPECT_EQ(e["error"]["field"], "forum");
  e = RunJson({"complaint", "add", "--carrier", "1", "--channel", "web", "--category", "other",
               "--summary", "x", "--received", "2025-02-30"},
              2);
  EXPECT_EQ(e["error"]["field"], "received");
  e = RunJson({"certification", "build", "--all", "--year", LastYear()}, 2);
  EXPECT_EQ(e["error"]["field"], "out");
  // Nothing was recorded.
  EXPECT_TRUE(RunJson({"complaint", "list", "--carrier", "1"})["records"].empty());
}

TEST_F(CliCertificationTest, c64_2009_e_EveryCarrierInOneRun) {
  ASSERT_EQ(Run({"carrier", "add", "--name", "Other Carrier LLC", "--filer-id", "820002",
                 "--time-zone", "America/Chicago"})
                .exit_code,
            0);
  json all = RunJson({"certification", "build", "--all", "--year", LastYear(), "--out", "all"});
  ASSERT_EQ(all["certifications"].size(), 2u);
  EXPECT_EQ(all["certifications"][0]["ready"], false);  // no policy, no review
  // The second carrier has no signatory officer: reported, not fatal.
  EXPECT_NE(all["certifications"][1]["error"].get<std::string>().find("no signatory officer"),
            std::string::npos);
  RunResult table = Run({"certification", "build", "--all", "--year", LastYear(), "--out", "all"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("CARRIER"), std::string::npos);
  EXPECT_NE(table.out.find("missing: "), std::string::npos) << table.out;
  EXPECT_TRUE(fs::exists(dir_ + "/all/cpni-certification-825160-" + LastYear() + ".pdf"));
}

TEST(CliCertificationDemoTest, c64_2009_e_DemoHasASignedFilingForLastYear) {
  char tmpl[] = "/tmp/proprio-cli-cert-demo-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  ASSERT_EQ(RunProprio({"--db", dir + "/p.db", "init"}, dir).exit_code, 0);
  ASSERT_EQ(RunProprio({"--db", dir + "/p.db", "demo", "--customers", "50"}, dir).exit_code, 0);
  RunResult r = RunProprio({"--db", dir + "/p.db", "--json", "certification", "list", "--carrier",
                            "1"},
                           dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json list = json::parse(r.out);
  ASSERT_EQ(list["certifications"].size(), 1u);
  EXPECT_EQ(list["certifications"][0]["state"], "signed");
  EXPECT_EQ(list["certifications"][0]["year"], std::stoi(LastYear()));
  EXPECT_EQ(list["certifications"][0]["ready"], true);
  r = RunProprio({"--db", dir + "/p.db", "training", "due", "--carrier", "1"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.out;  // nobody overdue
  // The one list of obligations: next year's filing, now that last year's is signed.
  r = RunProprio({"--db", dir + "/p.db", "--json", "due"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool certification = false;
  const json obligations = json::parse(r.out)["obligations"];
  for (const auto& o : obligations) {
    if (o["kind"] != "certification") continue;
    certification = true;
    EXPECT_NE(o["what"].get<std::string>().find("for " + ThisYear()), std::string::npos) << o;
    EXPECT_EQ(o["overdue"], false);
    EXPECT_EQ(o["basis"][1], "47 CFR 1.4(j)");
  }
  EXPECT_TRUE(certification) << r.out;
  r = RunProprio({"--db", dir + "/p.db", "audit", "verify"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace proprio::testing
