// End-to-end tests of the command line's conventions (issue 18, "a CLI that
// behaves like the tools people know"): --carrier defaulted on a
// single-carrier installation and required with several, instants shown in
// the carrier's zone (RFC 3339 kept in --json), `--out` folders made,
// --version, unknown commands, usage errors as JSON, exit codes.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

class CliConventionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-conv-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  RunResult Run(std::vector<std::string> args, const std::string& in = "") {
    args.insert(args.begin(), {"--db", dir_ + "/p.db"});
    return RunProprio(args, dir_, in);
  }
  void AddCarrier(const std::string& name, const std::string& filer) {
    ASSERT_EQ(Run({"carrier", "add", "--name", name, "--filer-id", filer, "--time-zone",
                   "America/New_York"})
                  .exit_code,
              0);
  }
  void AddCustomer(const std::string& carrier, const std::string& account) {
    ASSERT_EQ(Run({"customer", "add", "--carrier", carrier, "--account", account, "--name",
                   "Ada Lovelace", "--phone", "(212) 555-0101", "--street", "1 Main St", "--city",
                   "Albany", "--state", "NY", "--zip", "12207"})
                  .exit_code,
              0);
  }
  std::vector<std::string> OpenArgs() {
    return {"breach", "open", "--description", "contractor exported call records",
            "--discovered-how", "audit log", "--discovered-at", "2024-12-19T10:00:00-05:00",
            "--determined-at", "2024-12-20T10:00:00-05:00", "--cpni", "call_detail",
            "--account", "ACC-9876"};
  }
  std::string dir_;
};

TEST_F(CliConventionsTest, SingleCarrierInstallationNeedsNoCarrierOption) {
  AddCarrier("Fusion Telecommunications International, Inc.", "825160");
  AddCustomer("1", "ACC-9876");
  // No --carrier: the only carrier. The due instant is local, to the second,
  // with the offset (7 business days from Fri 2024-12-20, Christmas and New
  // Year's Day skipped: the end of Thu 2025-01-02, EST).
  RunResult opened = Run(OpenArgs());
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_NE(opened.out.find("agency_notice    open         due 2025-01-02 23:59:59 -05:00"),
            std::string::npos)
      << opened.out;
  EXPECT_NE(opened.out.find("determined:      2024-12-20 10:00:00 -05:00"), std::string::npos)
      << opened.out;
  EXPECT_EQ(opened.out.find("T04:59:59"), std::string::npos) << opened.out;
  // --json keeps RFC 3339 in UTC.
  RunResult shown = Run({"--json", "breach", "show", "1"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out)["obligations"][0]["due"], "2025-01-03T04:59:59.999999Z");
  // `breach due` shows the local time too.
  RunResult due = Run({"breach", "due", "--now", "2025-01-02T12:00:00Z"});
  EXPECT_NE(due.out.find("2025-01-02 23:59:59 -05:00"), std::string::npos) << due.out;

  // --out names a folder that does not exist: it is made (mkdir -p).
  RunResult letters = Run({"breach", "letters", "1", "--out", "letters/2024"});
  ASSERT_EQ(letters.exit_code, 0) << letters.err;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/letters/2024/breach-1-agency-report.json"));
  // A file where the folder should be is refused, naming out.
  std::ofstream(dir_ + "/a-file") << "x";
  RunResult refused = Run({"--json", "breach", "letters", "1", "--out", "a-file"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(json::parse(refused.err)["error"]["field"], "out");
}

TEST_F(CliConventionsTest, SeveralCarriersRequireTheCarrierOption) {
  AddCarrier("Fusion Telecommunications International, Inc.", "825160");
  AddCarrier("Longwood Telephone Company", "825161");
  AddCustomer("1", "ACC-9876");
  RunResult r = Run({"--json", "breach", "list"});  // optional there: every carrier
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Run({"--json", "breach", "show", "1"});
  EXPECT_EQ(r.exit_code, 2);
  json err = json::parse(r.err);
  EXPECT_EQ(err["error"]["field"], "carrier");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("2 carriers"), std::string::npos);
  r = Run({"auth", "flags", "summary", "--year", "2026"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--carrier is required"), std::string::npos) << r.err;
  r = Run({"--json", "auth", "flags", "summary", "--year", "2026", "--carrier", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliConventionsTest, NoCarrierYetIsAUsageError) {
  ASSERT_EQ(Run({"init"}).exit_code, 0);
  RunResult r = Run({"--json", "customer", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(json::parse(r.err)["error"]["field"], "carrier");
}

// Runs proprio on a pseudo-terminal (stdin, stdout and stderr all the
// terminal, as a person at a shell has them): waits for `prompt`, types
// `typed`, and returns everything the terminal showed and the exit code.
// Never waits for end of input: a command that read past the line would hang
// and be killed after 20 s (exit -1).
struct TerminalRun {
  int exit_code = -1;
  std::string shown;
};
TerminalRun RunOnTerminal(const std::vector<std::string>& args, const std::string& cwd,
                          const std::string& prompt, const std::string& typed) {
  TerminalRun run;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return run;
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<char*> argv;
    std::string bin = PROPRIO_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool typed_yet = false;
  for (;;) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      break;
    }
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[512];
      const ssize_t n = read(master, buf, sizeof buf);
      if (n <= 0) break;  // the child closed the terminal (EIO): it ended
      run.shown.append(buf, static_cast<size_t>(n));
    }
    if (!typed_yet && run.shown.find(prompt) != std::string::npos) {
      // Typed once the prompt is shown, as a person would (echo is off by then).
      EXPECT_EQ(write(master, typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
      typed_yet = true;
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

// A secret read from a terminal (issue 18, as passwd and ssh-keygen do):
// a prompt, no echo, and the secret ends at the line, without waiting for
// the end of input.
TEST_F(CliConventionsTest, SecretsFromATerminalArePromptedWithoutEcho) {
  AddCarrier("Alpha Tel", "800001");
  const std::string secret = "tty-Secret-9f3k2";
  TerminalRun added = RunOnTerminal(
      {"--db", dir_ + "/p.db", "staff", "add", "--carrier", "1", "--name", "Terry Tty", "--role",
       "csr", "--login", "terry", "--password-stdin"},
      dir_, "Password: ", secret + "\r");
  EXPECT_EQ(added.exit_code, 0) << added.shown;
  EXPECT_NE(added.shown.find("Password: "), std::string::npos) << added.shown;
  EXPECT_EQ(added.shown.find(secret), std::string::npos) << "the secret was echoed: " << added.shown;
  EXPECT_NE(added.shown.find("Terry Tty"), std::string::npos) << added.shown;
  // The password taken is the line typed: a short one is refused (exit 2).
  TerminalRun short_pw = RunOnTerminal(
      {"--db", dir_ + "/p.db", "staff", "add", "--carrier", "1", "--name", "Shorty", "--role",
       "csr", "--login", "shorty", "--password-stdin"},
      dir_, "Password: ", "short\r");
  EXPECT_EQ(short_pw.exit_code, 2) << short_pw.shown;
  EXPECT_NE(short_pw.shown.find("at least"), std::string::npos) << short_pw.shown;
  EXPECT_EQ(short_pw.shown.find("short\r"), std::string::npos) << short_pw.shown;
}

// From a pipe: no prompt, one line; a second line is left for the next secret.
TEST_F(CliConventionsTest, SecretsFromAPipeAreOneLineWithoutAPrompt) {
  AddCarrier("Alpha Tel", "800001");
  RunResult added = Run({"staff", "add", "--carrier", "1", "--name", "Pat Pipe", "--role", "csr",
                         "--login", "pat", "--password-stdin"},
                        "pipe-Secret-7h2m1\nsomething else\n");
  EXPECT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.err.find("Password"), std::string::npos) << added.err;
  EXPECT_EQ(added.out.find("pipe-Secret"), std::string::npos) << added.out;
}

// One pagination word in the CLI and the API (issue 18): --cursor takes the
// next_cursor of the previous page (--after, the old name, still works), and
// every human table opens with a header row.
TEST_F(CliConventionsTest, CustomerListPagesByCursorAndTablesHaveHeaders) {
  AddCarrier("Alpha Tel", "800001");
  AddCustomer("1", "ACC-1");
  AddCustomer("1", "ACC-2");
  AddCustomer("1", "ACC-3");
  RunResult first = Run({"--json", "customer", "list", "--limit", "2"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const json page1 = json::parse(first.out);
  ASSERT_EQ(page1["customers"].size(), 2u);
  ASSERT_TRUE(page1["next_cursor"].is_string()) << first.out;  // a string, as the API has it
  const std::string cursor = page1["next_cursor"];
  RunResult second = Run({"--json", "customer", "list", "--limit", "2", "--cursor", cursor});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const json page2 = json::parse(second.out);
  ASSERT_EQ(page2["customers"].size(), 1u);
  EXPECT_EQ(page2["customers"][0]["account_number"], "ACC-3");
  EXPECT_TRUE(page2["next_cursor"].is_null());
  // The old flag is a hidden alias: it works, and --help does not show it.
  RunResult old = Run({"--json", "customer", "list", "--limit", "2", "--after", cursor});
  ASSERT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(json::parse(old.out)["customers"], page2["customers"]);
  RunResult help = Run({"customer", "list", "--help"});
  EXPECT_NE(help.out.find("--cursor"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("--after"), std::string::npos) << help.out;
  EXPECT_EQ(Run({"customer", "list", "--cursor", cursor, "--after", cursor}).exit_code, 2);
  // Human output: a header row, and the command for the next page.
  RunResult text = Run({"customer", "list", "--limit", "2"});
  EXPECT_EQ(text.out.rfind("ID ", 0), 0u) << text.out;
  EXPECT_NE(text.out.find("ACCOUNT"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("--cursor " + cursor), std::string::npos) << text.out;

  ASSERT_EQ(Run({"staff", "add", "--carrier", "1", "--name", "Casey Rep", "--role", "csr"})
                .exit_code,
            0);
  RunResult staff = Run({"staff", "list", "--carrier", "1"});
  EXPECT_EQ(staff.out.rfind("ID ", 0), 0u) << staff.out;
  EXPECT_NE(staff.out.find("ROLES"), std::string::npos) << staff.out;
  EXPECT_NE(staff.out.find("Casey Rep"), std::string::npos) << staff.out;

  RunResult no_templates = Run({"notice", "list", "--carrier", "1"});
  EXPECT_EQ(no_templates.exit_code, 0) << no_templates.err;
  EXPECT_NE(no_templates.out.find("no notice templates"), std::string::npos) << no_templates.out;

  ASSERT_EQ(Run({"consent", "record", "--carrier", "1", "--customer", "1", "--kind",
                 "opt_in_granted", "--scope", "third_parties", "--at", "2024-05-01T15:00:00Z",
                 "--document-id", "FORM-7", "--notice-in-contact"})
                .exit_code,
            0);
  RunResult history = Run({"consent", "history", "--carrier", "1", "--customer", "1"});
  EXPECT_EQ(history.out.rfind("AT ", 0), 0u) << history.out;
  EXPECT_NE(history.out.find("LEDGER"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("opt_in_granted"), std::string::npos) << history.out;
}

}  // namespace
}  // namespace proprio::testing
