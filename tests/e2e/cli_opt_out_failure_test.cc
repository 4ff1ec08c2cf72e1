// End-to-end tests of opt-out mechanism failures (47 CFR 64.2009(f)) through
// the built binary: an anomaly owes nothing; a failure more than an anomaly
// opens the notice, due five business days after the carrier learned of it
// (shown by `proprio due` with the time left, then overdue); the letter is
// refused while a content item is missing (exit 2 naming it), then written
// as PDF (read back with pdftotext) and text; its sending is recorded once;
// bad input (dates out of order, unknown incident) changes nothing; the
// ledger verifies.
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

std::string PdfText(const std::string& file) {
  const std::string txt = file + ".pdftotext";
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

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliOptOutFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-oof-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ASSERT_EQ(Run({"carrier", "add", "--name", "Example Tel, Inc.", "--filer-id", "825160",
                   "--time-zone", "America/New_York", "--signatory", "Dana Whitfield:CFO"})
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
    return json::parse(want == 0 ? r.out : r.err, nullptr, false);
  }
  size_t Incidents() {
    return RunJson({"opt-out-failure", "list", "--carrier", "1"})["incidents"].size();
  }
  std::string dir_;
};

// Learned Wed 2026-11-25 at 23:30 in New York: Thanksgiving (Thu 26) and the
// weekend are not counted; the fifth business day is Thu 2026-12-03.
const std::vector<std::string> kAdd = {
    "opt-out-failure", "add", "--carrier", "1", "--learned-at", "2026-11-25T23:30:00-05:00",
    "--started-at", "2026-11-16T08:00:00-05:00", "--mechanisms",
    "A toll-free opt-out line and a web form", "--problems",
    "The web form discarded opt-out elections", "--determination", "more_than_anomaly",
    "--determined-by", "Priya Raman", "--reasons", "Nine days of elections were lost"};

TEST_F(CliOptOutFailureTest, c64_2009_f_AnAnomalyOwesNoNotice) {
  json a = RunJson({"opt-out-failure", "add", "--carrier", "1", "--learned-at",
                    "2026-11-20T10:00:00-05:00", "--mechanisms", "Web form", "--problems",
                    "One election lost in a timeout", "--determination", "anomaly",
                    "--determined-by", "Priya Raman"});
  EXPECT_EQ(a["status"], "not_required");
  EXPECT_EQ(a["notice"]["state"], "not_required");
  EXPECT_TRUE(a["notice"]["due"].is_null());
  // Nothing is due, and no letter is written for it.
  json due = RunJson({"due", "--carrier", "1", "--now", "2026-12-01T12:00:00-05:00"});
  for (const auto& o : due["obligations"]) EXPECT_NE(o["kind"], "opt_out_failure.fcc_notice");
  json refused = RunJson({"opt-out-failure", "notice", "--carrier", "1", "--incident",
                          std::to_string(a["id"].get<int64_t>())},
                         6);
  EXPECT_EQ(refused["error"]["field"], "determination");
}

TEST_F(CliOptOutFailureTest, c64_2009_f_NoticeDueFiveBusinessDaysThenLetterThenSent) {
  json f = RunJson(kAdd);
  const std::string id = std::to_string(f["id"].get<int64_t>());
  EXPECT_EQ(f["status"], "open");
  EXPECT_EQ(f["learned_on"], "2026-11-25");
  EXPECT_EQ(f["notice"]["last_day"], "2026-12-03");
  EXPECT_EQ(f["notice"]["due"], "2026-12-04T04:59:59.999999Z");
  EXPECT_EQ(f["notice"]["due_local"], "2026-12-03T23:59:59-05:00");
  EXPECT_EQ(f["notice"]["basis"][0], "47 CFR 64.2009(f)");
  EXPECT_EQ(f["missing"], json({"remedy", "remedy_date", "state_commission_notified",
                                "customer_notice", "contact"}));

  // proprio due: open with the time left, then overdue.
  json due = RunJson({"due", "--carrier", "1", "--now", "2026-12-01T23:59:59-05:00"});
  bool found = false;
  for (const auto& o : due["obligations"]) {
    if (o["kind"] != "opt_out_failure.fcc_notice") continue;
    found = true;
    EXPECT_EQ(o["due"], "2026-12-03T23:59:59-05:00");
    EXPECT_EQ(o["overdue"], false);
    EXPECT_EQ(o["time_left"], "2d 00h 00m");
    EXPECT_EQ(o["basis"][0], "47 CFR 64.2009(f)");
  }
  EXPECT_TRUE(found);
  RunResult text = Run({"due", "--carrier", "1", "--now", "2026-12-05T00:00:00-05:00"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("opt_out_failure.fcc_notice"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("OVERDUE"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("overdue by 1d 00h 00m"), std::string::npos) << text.out;

  // The letter is refused while a content item is missing, naming it.
  json refused = RunJson({"opt-out-failure", "notice", "--carrier", "1", "--incident", id}, 2);
  EXPECT_EQ(refused["error"]["field"], "remedy");
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("47 CFR 64.2009(f)(1)"),
            std::string::npos);
  // Nor can its sending be recorded.
  refused = RunJson({"opt-out-failure", "sent", "--carrier", "1", "--incident", id, "--sent-at",
                     "2026-12-02T10:00:00-05:00", "--reference", "X"},
                    2);
  EXPECT_EQ(refused["error"]["field"], "remedy");

  {
    std::ofstream copy(dir_ + "/customer-notice.txt");
    copy << "Dear Customer,\nYour choice to opt out may not have been recorded.\n";
  }
  json u = RunJson({"opt-out-failure", "update", "--carrier", "1", "--incident", id, "--remedy",
                    "Form repaired; elections re-entered from the server logs", "--remedy-date",
                    "2026-11-30", "--state-commission-notified", "yes",
                    "--state-commission-action", "none so far", "--customer-notice-file",
                    dir_ + "/customer-notice.txt", "--contact",
                    "Priya Raman, Compliance Officer, +1 202 555 0100"});
  EXPECT_TRUE(u["missing"].empty()) << u.dump();
  EXPECT_GT(u["ledger_seq"].get<int64_t>(), f["ledger_seq"].get<int64_t>());

  RunResult letter = Run({"opt-out-failure", "notice", "--carrier", "1", "--incident", id,
                          "--out", dir_ + "/out"});
  ASSERT_EQ(letter.exit_code, 0) << letter.err;
  EXPECT_NE(letter.out.find("Office of the Secretary"), std::string::npos) << letter.out;
  const std::string pdf = PdfText(dir_ + "/out/opt-out-failure-" + id + ".pdf");
  for (const char* want :
       {"Federal Communications Commission", "Example Tel, Inc.", "November 25, 2026",
        "A toll-free opt-out line and a web form", "The web form discarded opt-out elections",
        "It was implemented on November 30, 2026", "have been notified",
        "Your choice to opt out may not have been recorded", "Priya Raman, Compliance Officer",
        "Dana Whitfield"}) {
    EXPECT_NE(pdf.find(want), std::string::npos) << want << "\n" << pdf;
  }
  const std::string txt = ReadFile(dir_ + "/out/opt-out-failure-" + id + ".txt");
  EXPECT_NE(txt.find("Copy of the notice provided to customers"), std::string::npos) << txt;

  // Sending: not before the carrier learned of it; then once.
  json bad = RunJson({"opt-out-failure", "sent", "--carrier", "1", "--incident", id, "--sent-at",
                      "2026-11-25T12:00:00-05:00", "--reference", "ECFS 1"},
                     2);
  EXPECT_EQ(bad["error"]["field"], "sent_at");
  json sent = RunJson({"opt-out-failure", "sent", "--carrier", "1", "--incident", id,
                       "--sent-at", "2026-12-02T10:00:00-05:00", "--reference", "ECFS 1"});
  EXPECT_EQ(sent["status"], "sent");
  EXPECT_EQ(sent["notice"]["state"], "met");
  EXPECT_EQ(sent["notice"]["met_late"], false);
  EXPECT_EQ(sent["fcc_notice"]["reference"], "ECFS 1");
  EXPECT_EQ(sent["fcc_notice"]["letter_date"], "2026-12-02");
  EXPECT_EQ(RunJson({"opt-out-failure", "sent", "--carrier", "1", "--incident", id, "--sent-at",
                     "2026-12-02T11:00:00-05:00", "--reference", "ECFS 2"},
                    6)["error"]["field"],
            "incident");
  EXPECT_EQ(RunJson({"opt-out-failure", "update", "--carrier", "1", "--incident", id, "--contact",
                     "someone else"},
                    6)["error"]["field"],
            "incident");
  // Sent: no longer due.
  due = RunJson({"due", "--carrier", "1", "--now", "2026-12-05T00:00:00-05:00"});
  for (const auto& o : due["obligations"]) EXPECT_NE(o["kind"], "opt_out_failure.fcc_notice");
  EXPECT_TRUE(RunJson({"opt-out-failure", "list", "--carrier", "1", "--open"})["incidents"].empty());
  // Every step is in the ledger, and it verifies.
  RunResult verify = Run({"audit", "verify", "--carrier", "1"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CliOptOutFailureTest, c64_2009_f_BadInputChangesNothing) {
  // The failure began after the carrier learned of it: out of order.
  std::vector<std::string> args = kAdd;
  args[7] = "2026-11-26T08:00:00-05:00";  // --started-at
  EXPECT_EQ(RunJson(args, 2)["error"]["field"], "started_at");
  // Learned in the future.
  args = kAdd;
  args[5] = "2999-01-01T00:00:00Z";
  EXPECT_EQ(RunJson(args, 2)["error"]["field"], "learned_at");
  // A remedy before the failure began.
  args = kAdd;
  args.insert(args.end(), {"--remedy", "fixed", "--remedy-date", "2026-11-01"});
  EXPECT_EQ(RunJson(args, 2)["error"]["field"], "remedy_date");
  // No such determination; not an instant.
  args = kAdd;
  args[13] = "glitch";
  EXPECT_EQ(RunJson(args, 2)["error"]["field"], "determination");
  args = kAdd;
  args[5] = "last Wednesday";
  EXPECT_EQ(RunJson(args, 2)["error"]["field"], "learned_at");
  EXPECT_EQ(Incidents(), 0u);
  // Unknown incidents.
  EXPECT_EQ(RunJson({"opt-out-failure", "show", "--carrier", "1", "--incident", "99"}, 4)["error"]
                   ["field"],
            "incident");
  EXPECT_EQ(Run({"opt-out-failure", "update", "--carrier", "1", "--incident", "99", "--remedy",
                 "x"})
                .exit_code,
            4);
  // An update that would put dates out of order is refused whole.
  json f = RunJson(kAdd);
  const std::string id = std::to_string(f["id"].get<int64_t>());
  json refused = RunJson({"opt-out-failure", "update", "--carrier", "1", "--incident", id,
                          "--remedy", "fixed", "--remedy-date", "2026-11-02"},
                         2);
  EXPECT_EQ(refused["error"]["field"], "remedy_date");
  json after = RunJson({"opt-out-failure", "show", "--carrier", "1", "--incident", id});
  EXPECT_EQ(after["remedy"], "");
  EXPECT_EQ(after["ledger_seq"], f["ledger_seq"]);
  EXPECT_EQ(Incidents(), 1u);
}

}  // namespace
}  // namespace proprio::testing
