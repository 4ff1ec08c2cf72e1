// End-to-end tests of `proprio breach ...` through the built binary: a case
// from opening to letters, out-of-order steps refused with the rule cited and
// exit code 6, bad input refused with exit code 2 naming the field, the due
// list, the annual summary.
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

class CliBreachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-breach-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ASSERT_EQ(Run({"carrier", "add", "--name", "Fusion Telecommunications International, Inc.",
                   "--filer-id", "825160", "--time-zone", "America/New_York", "--street",
                   "420 Lexington Ave", "--city", "New York", "--state", "NY", "--zip", "10170"})
                  .exit_code,
              0);
    ASSERT_EQ(Run({"customer", "add", "--carrier", "1", "--account", "ACC-9876", "--name",
                   "Ada Lovelace", "--phone", "(212) 555-0101", "--street", "1 Main St", "--city",
                   "Albany", "--state", "NY", "--zip", "12207"})
                  .exit_code,
              0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", dir_ + "/p.db"});
    return RunProprio(args, dir_);
  }
  json RunJson(std::vector<std::string> args, int want = 0) {
    args.push_back("--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, want) << r.err << r.out;
    return json::parse(want == 0 ? r.out : r.err, nullptr, false);
  }
  std::string dir_;
};

TEST_F(CliBreachTest, OpenRecordDueLettersSummary) {
  json c = RunJson({"breach", "open", "--carrier", "1", "--description",
                    "contractor exported call records", "--discovered-how", "audit log",
                    "--discovered-at", "2024-12-19T10:00:00-05:00", "--determined-at",
                    "2024-12-20T10:00:00-05:00", "--cpni", "call_detail,billing", "--other-data",
                    "ssn_last4", "--account", "ACC-9876", "--started-on", "2024-12-01",
                    "--ended-on", "2024-12-15", "--estimated-loss", "1234.5"});
  ASSERT_EQ(c["id"], 1);
  EXPECT_EQ(c["obligations"][0]["due"], "2025-01-03T04:59:59.999999Z");
  EXPECT_EQ(c["estimated_loss_cents"], 123450);

  // Customers before the agencies: exit 6, the rule cited.
  json err = RunJson({"breach", "record", "--carrier", "1", "1", "customer_notified",
                      "--customer", "1", "--channel", "mail", "--outcome", "sent", "--at",
                      "2024-12-23T10:00:00-05:00"},
                     6);
  EXPECT_NE(err["error"]["message"].get<std::string>().find("47 CFR 64.2011(a)"),
            std::string::npos);
  // Bad input: exit 2, the field named.
  err = RunJson({"breach", "record", "--carrier", "1", "1", "agency_notified", "--agencies",
                 "usss,cia", "--reference", "X"},
                2);
  EXPECT_EQ(err["error"]["field"], "agencies[1]");
  err = RunJson({"breach", "open", "--carrier", "1", "--description", "x", "--discovered-how",
                 "y", "--discovered-at", "2024-12-19T10:00:00Z", "--determined-at",
                 "2024-12-18T10:00:00Z", "--cpni", "call_detail"},
                2);
  EXPECT_EQ(err["error"]["field"], "determined_at");

  c = RunJson({"breach", "record", "--carrier", "1", "1", "agency_notified", "--agencies",
               "usss,fbi", "--reference", "CRF-2025-17", "--at", "2025-01-02T15:00:00-05:00"});
  EXPECT_EQ(c["obligations"][0]["state"], "met");

  // Due, evaluated on Mon 2025-01-06: the customer notice has no fixed deadline (2007).
  json due = RunJson({"breach", "due", "--now", "2025-01-06T12:00:00Z"});
  EXPECT_EQ(due["open"], 1);
  EXPECT_EQ(due["obligations"][0]["kind"], "customer_notice");
  EXPECT_EQ(due["obligations"][0]["not_before"], "2025-01-14T05:00:00Z");
  RunResult text = Run({"breach", "due", "--now", "2025-01-06T12:00:00Z"});
  EXPECT_NE(text.out.find("no fixed deadline"), std::string::npos) << text.out;
  // The case header names the 64.2011 in force in words (2007 here: no date
  // was given for the amended rule), not "fcc-2024 (64.2011 of 2007)".
  RunResult shown = Run({"breach", "show", "--carrier", "1", "1"});
  EXPECT_NE(shown.out.find("rule set:        fcc-2024; breach rules: 47 CFR 64.2011 (2007)"),
            std::string::npos)
      << shown.out;
  EXPECT_EQ(shown.out.find("64.2011 of"), std::string::npos) << shown.out;

  json files = RunJson({"breach", "letters", "--carrier", "1", "1", "--out", dir_});
  ASSERT_EQ(files["files"].size(), 3u);
  std::ifstream agency(dir_ + "/breach-1-agency-report.json");
  json report = json::parse(agency, nullptr, false);
  EXPECT_EQ(report["date_range"]["start"], "2024-12-01");
  EXPECT_EQ(report["estimated_financial_loss_usd"], "1234.50");
  if (::access("/usr/bin/pdftotext", X_OK) == 0) {
    const std::string cmd = "/usr/bin/pdftotext -q " + dir_ + "/breach-1-customer-1.pdf -";
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
      ::pclose(p);
    }
    // Lines wrap where the typesetter puts them: fold line ends to spaces.
    for (char& ch : out) {
      if (ch == '\n' || ch == '\f') ch = ' ';
    }
    EXPECT_NE(out.find("Dear Ada Lovelace,"), std::string::npos) << out;
    EXPECT_NE(out.find("account ending 9876"), std::string::npos);
    EXPECT_NE(out.find("TransUnion"), std::string::npos);
  }

  c = RunJson({"breach", "record", "--carrier", "1", "1", "customer_notified", "--customer", "1",
               "--channel", "mail", "--outcome", "sent", "--at", "2025-01-14T10:00:00-05:00"});
  EXPECT_EQ(c["obligations"][1]["state"], "met");
  c = RunJson({"breach", "record", "--carrier", "1", "1", "closed"});
  EXPECT_EQ(c["state"], "closed");
  err = RunJson({"breach", "erase", "--carrier", "1", "1"}, 6);
  EXPECT_NE(err["error"]["message"].get<std::string>().find("cannot be erased earlier"),
            std::string::npos);
  json list = RunJson({"breach", "list", "--state", "closed"});
  EXPECT_EQ(list["breaches"].size(), 1u);
  EXPECT_EQ(Run({"audit", "verify", "--carrier", "1"}).exit_code, 0);

  json summary = RunJson({"breach", "summary", "--carrier", "1", "--year", "2024", "--out",
                          dir_ + "/summary.pdf"});
  EXPECT_EQ(summary["total_breaches"], 0);  // a 2007-rules case is never summarised
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/summary.pdf"));
}

}  // namespace
}  // namespace proprio::testing
