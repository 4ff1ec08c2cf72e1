// End-to-end tests of `proprio auth ...` and `proprio notifications ...`
// through the built binary: secrets from stdin (refused when biographical,
// exit 2 naming the field), a call verified step by step, the decision
// context, the address-of-record rule, the outbox (pending, deliver to an
// unreachable webhook, letters), and no secret in any output.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "Tangerine-Kayak-42";

class AuthCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-auth-XXXXXX";
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
    ASSERT_EQ(
        Run({"staff", "add", "--carrier", "1", "--name", "Casey Rep", "--role", "csr"}).exit_code,
        0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  RunResult Run(std::vector<std::string> args, const std::string& in = "") {
    args.insert(args.begin(), {"--db", dir_ + "/p.db"});
    RunResult r = RunProprio(args, dir_, in);
    all_output_ += r.out + r.err;
    return r;
  }
  json RunJson(std::vector<std::string> args, int want = 0, const std::string& in = "") {
    args.push_back("--json");
    RunResult r = Run(args, in);
    EXPECT_EQ(r.exit_code, want) << r.err << r.out;
    return json::parse(want == 0 ? r.out : r.err, nullptr, false);
  }
  std::string dir_;
  std::string all_output_;
};

TEST_F(AuthCliTest, WebhookKeyIsDerivedPerCarrierFromTheInstallationKey) {
  unsetenv("PROPRIO_WEBHOOK_KEY_FILE");
  RunResult none = Run({"notifications", "webhook-key", "--carrier", "1"});
  EXPECT_EQ(none.exit_code, 6) << none.err;
  EXPECT_NE(none.err.find("PROPRIO_WEBHOOK_KEY_FILE"), std::string::npos) << none.err;

  const std::string file = dir_ + "/webhook.key";
  std::ofstream(file) << "short";
  setenv("PROPRIO_WEBHOOK_KEY_FILE", file.c_str(), 1);
  EXPECT_EQ(Run({"notifications", "webhook-key", "--carrier", "1"}).exit_code, 6);
  // proprio serve refuses to start with it rather than post unsigned notices.
  RunResult serve = Run({"serve", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(serve.exit_code, 6) << serve.err;
  EXPECT_NE(serve.err.find("32 bytes"), std::string::npos) << serve.err;

  const std::string installation(48, 'q');
  std::ofstream(file) << installation;
  json key = RunJson({"notifications", "webhook-key", "--carrier", "1"});
  const std::string hex = key["key"];
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
  EXPECT_EQ(hex.find(installation), std::string::npos);
  RunResult plain = Run({"notifications", "webhook-key", "--carrier", "1"});
  EXPECT_EQ(plain.out, hex + "\n");
  EXPECT_EQ(Run({"notifications", "webhook-key", "--carrier", "99"}).exit_code, 4);
  unsetenv("PROPRIO_WEBHOOK_KEY_FILE");
}

TEST_F(AuthCliTest, SecretsCallVerificationAndOutbox) {
  // 64.2010(e): a biographical password is refused, with the field and rule.
  json err = RunJson({"auth", "password", "set", "--carrier", "1", "--customer", "1",
                      "--at-service-initiation", "--password-stdin"},
                     2, "Lovelace-Forever\n");
  EXPECT_EQ(err["error"]["field"], "password");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("64.2010"), std::string::npos);
  json set = RunJson({"auth", "password", "set", "--carrier", "1", "--customer", "1",
                      "--at-service-initiation", "--password-stdin"},
                     0, std::string(kPassword) + "\n");
  EXPECT_EQ(set["setup_path"], "service_initiation");
  EXPECT_TRUE(set["notifications"].empty());

  // A call.
  json s = RunJson({"auth", "call", "open", "--carrier", "1", "--account", "ACC-9876",
                    "--calling-number", "+1 321 555 0199", "--call-id", "c-77", "--staff", "1"});
  const std::string session = std::to_string(s["id"].get<int64_t>());
  EXPECT_EQ(s["opened_by"], "staff:1");
  json bad =
      RunJson({"auth", "call", "password", "--carrier", "1", "--session", session, "--staff", "1"},
              0, "not-it-at-all\n");
  EXPECT_EQ(bad["outcome"], "failed");
  json good =
      RunJson({"auth", "call", "password", "--carrier", "1", "--session", session, "--staff", "1"},
              0, std::string(kPassword) + "\n");
  EXPECT_TRUE(good["passed"].get<bool>());
  json ctx = RunJson(
      {"auth", "session", "context", "--carrier", "1", "--session", session, "--customer", "1"});
  EXPECT_TRUE(ctx["password_provided"].get<bool>());
  EXPECT_TRUE(ctx["customer_initiated_call"].get<bool>());

  // 47 CFR 64.2010(b): `decide --session` takes the authentication context
  // only from the session's recorded steps (the password step above).
  json d = RunJson({"decide", "--carrier", "1", "--session", session, "--customer", "1",
                    "--purpose", "customer_account_access", "--recipient", "customer", "--cpni",
                    "call_detail"});
  EXPECT_TRUE(d["allowed"].get<bool>()) << d.dump();
  EXPECT_EQ(d["reason"], "Allowed: the caller gave the account password.");
  EXPECT_NE(d["basis"].dump().find("47 CFR 64.2010(b)"), std::string::npos);
  // A client's own authentication flag or channel is refused: exit 2, the field named.
  json forged = RunJson({"decide", "--carrier", "1", "--session", session, "--customer", "1",
                         "--purpose", "customer_account_access", "--recipient", "customer",
                         "--cpni", "call_detail", "--context", "password_provided"},
                        2);
  EXPECT_EQ(forged["error"]["field"], "context.password_provided");
  json channel = RunJson({"decide", "--carrier", "1", "--session", session, "--customer", "1",
                          "--purpose", "customer_account_access", "--recipient", "customer",
                          "--channel", "in_store"},
                         2);
  EXPECT_EQ(channel["error"]["field"], "context.channel");
  // JSON names the session itself; "at" defaults to now as in the flag form.
  json j = RunJson({"decide", "--carrier", "1"}, 0,
                   "{\"customer\": 1, \"session\": " + session +
                       ", \"action\": \"disclose\", \"purpose\": \"customer_account_access\", "
                       "\"recipient\": {\"kind\": \"customer\"}, \"cpni\": [\"call_detail\"], "
                       "\"service_category\": \"local\"}");
  EXPECT_TRUE(j["allowed"].get<bool>()) << j.dump();
  // Without a session the JSON form also defaults "at" to now.
  RunResult no_at_run = Run({"decide", "--carrier", "1", "--json"},
                       "{\"customer\": 1, \"action\": \"disclose\", "
                       "\"purpose\": \"customer_account_access\", \"recipient\": {\"kind\": "
                       "\"customer\"}, \"cpni\": [\"call_detail\"], \"service_category\": "
                       "\"local\", \"context\": {\"channel\": \"inbound_call\"}}");
  EXPECT_EQ(no_at_run.exit_code, 3) << no_at_run.err;
  const json no_at = json::parse(no_at_run.out, nullptr, false);
  EXPECT_EQ(no_at["allowed"], false);
  // The address was set today: not yet of record (64.2003, 64.2010(b)).
  json send =
      RunJson({"auth", "call", "send", "--carrier", "1", "--session", session, "--to", "postal"});
  EXPECT_EQ(send["outcome"], "refused");

  // The outbox: texts to an unreachable webhook retry; letters print.
  RunJson({"notifications", "configure", "--carrier", "1", "--webhook", "http://127.0.0.1:1/x",
           "--channels", "text,mail", "--bound", "60", "--backoff-base-ms", "1000"});
  json b = RunJson(
      {"auth", "backup", "set", "--carrier", "1", "--customer", "1", "--question",
       "What was your first pet's name?", "--session", session, "--answer-stdin", "--staff", "1"},
      0, "Captain Whiskers\n");
  ASSERT_EQ(b["notifications"].size(), 2u);
  json pending = RunJson({"notifications", "pending", "--carrier", "1"});
  EXPECT_EQ(pending["backlog"]["pending"], 2);
  json delivered = RunJson({"notifications", "deliver", "--carrier", "1", "--timeout-ms", "500",
                            "--letters-dir", dir_ + "/letters"});
  EXPECT_EQ(delivered["retrying"], 1);
  EXPECT_EQ(delivered["printed"], 1);
  ASSERT_EQ(delivered["letters"].size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(delivered["letters"][0].get<std::string>()));
  const std::string text_id = std::to_string(b["notifications"][0].get<int64_t>());
  json shown = RunJson({"notifications", "show", "--carrier", "1", "--id", text_id});
  EXPECT_EQ(shown["state"], "retrying");
  EXPECT_NE(shown["last_error"].get<std::string>().find("connect"), std::string::npos);
  RunResult human = Run({"notifications", "pending", "--carrier", "1"});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("1 pending"), std::string::npos) << human.out;

  // Pretexting: failures against the account raise a flag.
  for (int i = 0; i < 2; ++i) {
    Run({"auth", "call", "password", "--carrier", "1", "--session", session, "--staff", "1"},
        "still-not-it\n");
  }
  json flags = RunJson({"auth", "flags", "list", "--carrier", "1"});
  ASSERT_FALSE(flags["flags"].empty());
  EXPECT_EQ(flags["flags"][0]["kind"], "account");

  // No secret ever in the output.
  for (const char* secret : {kPassword, "Captain Whiskers", "not-it-at-all", "still-not-it",
                             "Lovelace-Forever", "argon2"}) {
    EXPECT_EQ(all_output_.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace proprio::testing
