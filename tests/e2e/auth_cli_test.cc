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
  // The JSON answer: standard output when there is one (a step NOT PASSED
  // answers there with exit 3), else the error on standard error.
  json RunJson(std::vector<std::string> args, int want = 0, const std::string& in = "") {
    args.push_back("--json");
    RunResult r = Run(args, in);
    EXPECT_EQ(r.exit_code, want) << r.err << r.out;
    return json::parse(want == 0 || !r.out.empty() ? r.out : r.err, nullptr, false);
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
  // A step that does not pass is denied: exit 3, as `decide` has it.
  json bad =
      RunJson({"auth", "call", "password", "--carrier", "1", "--session", session, "--staff", "1"},
              3, "not-it-at-all\n");
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
  json send = RunJson(
      {"auth", "call", "send", "--carrier", "1", "--session", session, "--to", "postal"}, 3);
  EXPECT_EQ(send["outcome"], "refused");

  // The outbox: texts to an unreachable webhook retry; letters print.
  RunJson({"notifications", "configure", "--carrier", "1", "--webhook", "http://127.0.0.1:1/x",
           "--channels", "text,mail", "--bound", "60", "--backoff-base-ms", "1000"});
  json b = RunJson(
      {"auth", "backup", "set", "--carrier", "1", "--customer", "1", "--question",
       "What was your first pet's name?", "--session", session, "--answer-stdin", "--staff", "1"},
      0, "Captain Whiskers\n");
  // The address was set today, so it is no address of record yet and gets no
  // letter (64.2003(b), 64.2010(f)): the text to the number of record only.
  ASSERT_EQ(b["notifications"].size(), 1u);
  json pending = RunJson({"notifications", "pending", "--carrier", "1"});
  EXPECT_EQ(pending["backlog"]["pending"], 1);
  json delivered = RunJson({"notifications", "deliver", "--carrier", "1", "--timeout-ms", "500",
                            "--letters-dir", dir_ + "/letters"});
  EXPECT_EQ(delivered["retrying"], 1);
  EXPECT_EQ(delivered["printed"], 0);
  EXPECT_TRUE(delivered["letters"].empty());
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

// 47 CFR 64.2010(e): `import customers` of a long-standing customer, then at
// once a first password "at service initiation" (the report): refused,
// exit 7, with the rule. A customer opened today is accepted; the day service
// began is a field of the record.
TEST_F(AuthCliTest, Rule_64_2010_e_ImportedLongStandingCustomerIsNotServiceInitiation) {
  const std::string csv = dir_ + "/customers.csv";
  std::ofstream(csv)
      << "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code,"
         "address_since\n"
         "2009-77,residential,Lena Marsh,(407) 555-0111,2 Oak St,Orlando,FL,32801,2009-05-01\n";
  RunResult imported = Run({"import", "customers", "--carrier", "1", csv});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  // Customer 2 (1 was added in SetUp).
  RunResult shown = Run({"customer", "show", "--carrier", "1", "2"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("service since:     not known"), std::string::npos) << shown.out;
  for (std::vector<std::string> staff :
       {std::vector<std::string>{}, std::vector<std::string>{"--staff", "1"}}) {
    std::vector<std::string> args = {"auth",      "password", "set", "--carrier", "1", "--customer",
                                     "2", "--at-service-initiation", "--password-stdin"};
    args.insert(args.end(), staff.begin(), staff.end());
    RunResult r = Run(args, std::string(kPassword) + "\n");
    EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
    EXPECT_NE(r.err.find("47 CFR 64.2010(e)"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("password set"), std::string::npos) << r.out;
  }
  json backup = RunJson({"auth", "backup", "set", "--carrier", "1", "--customer", "2", "--question",
                         "What was your first pet's name?", "--at-service-initiation",
                         "--answer-stdin", "--staff", "1"},
                        7, "Captain Whiskers\n");
  EXPECT_EQ(backup["error"]["field"], "at_service_initiation");
  json secrets = RunJson({"auth", "secrets", "--carrier", "1", "--customer", "2"});
  EXPECT_FALSE(secrets["password"]["set"].get<bool>()) << secrets.dump();

  // Customer 1 was opened today with `customer add`: the CSR may set its
  // first password; a supervisor (--staff) may not use this path.
  ASSERT_EQ(Run({"staff", "add", "--carrier", "1", "--name", "Sam Supervisor", "--role",
                 "supervisor"})
                .exit_code,
            0);
  RunResult by_supervisor = Run({"auth", "password", "set", "--carrier", "1", "--customer", "1",
                                 "--at-service-initiation", "--password-stdin", "--staff", "2"},
                                std::string(kPassword) + "\n");
  EXPECT_EQ(by_supervisor.exit_code, 7) << by_supervisor.err;
  EXPECT_NE(by_supervisor.err.find("csr"), std::string::npos) << by_supervisor.err;
  json set = RunJson({"auth", "password", "set", "--carrier", "1", "--customer", "1",
                      "--at-service-initiation", "--password-stdin", "--staff", "1"},
                     0, std::string(kPassword) + "\n");
  EXPECT_EQ(set["setup_path"], "service_initiation");
  EXPECT_GT(set["ledger_seq"].get<int64_t>(), 0);

  // The field on the command line: given, shown, never in the future.
  json added = RunJson({"customer", "add", "--carrier", "1", "--account", "ACC-2", "--name",
                        "Omar Reyes", "--phone", "(407) 555-0112", "--street", "3 Oak St",
                        "--city", "Orlando", "--state", "FL", "--zip", "32801", "--service-since",
                        "2019-04-01"});
  EXPECT_EQ(added["service_since"], "2019-04-01");
  RunResult omar = Run({"customer", "show", "--carrier", "1", "--account", "ACC-2"});
  EXPECT_NE(omar.out.find("service since:     2019-04-01"), std::string::npos) << omar.out;
  json future = RunJson({"customer", "add", "--carrier", "1", "--account", "ACC-3", "--name",
                         "Future Person", "--phone", "(407) 555-0113", "--street", "4 Oak St",
                         "--city", "Orlando", "--state", "FL", "--zip", "32801",
                         "--service-since", "2999-01-01"},
                        2);
  EXPECT_EQ(future["error"]["field"], "service_since");
  json first = RunJson({"customer", "show", "--carrier", "1", "1"});
  EXPECT_TRUE(first["service_since"].is_string()) << first.dump();

  // The ledger holds the refusals and the one password set, and verifies.
  EXPECT_EQ(Run({"audit", "verify", "--carrier", "1"}).exit_code, 0);
  EXPECT_EQ(all_output_.find(kPassword), std::string::npos);
}

// Every `auth` step answers with its exit code: 0 PASSED, 3 NOT PASSED
// (failed, refused by the rules, no answer), like `decide`.
TEST_F(AuthCliTest, Rule_64_2010_b_StepsNotPassedExitDenied) {
  RunResult set = Run({"auth", "password", "set", "--carrier", "1", "--customer", "1",
                       "--at-service-initiation", "--password-stdin"},
                      std::string(kPassword) + "\n");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  json s = RunJson({"auth", "call", "open", "--carrier", "1", "--customer", "1",
                    "--calling-number", "+1 321 555 0199", "--staff", "1"});
  const std::string session = std::to_string(s["id"].get<int64_t>());
  RunResult wrong = Run({"auth", "call", "password", "--carrier", "1", "--session", session},
                        "not-it-at-all\n");
  EXPECT_EQ(wrong.exit_code, 3) << wrong.out << wrong.err;
  EXPECT_NE(wrong.out.find("NOT PASSED"), std::string::npos) << wrong.out;
  RunResult right = Run({"auth", "call", "password", "--carrier", "1", "--session", session},
                        std::string(kPassword) + "\n");
  EXPECT_EQ(right.exit_code, 0) << right.out << right.err;
  EXPECT_NE(right.out.find("PASSED"), std::string::npos) << right.out;
  // Sending call detail to an address on file for less than 30 days (64.2010(b)).
  RunResult send =
      Run({"auth", "call", "send", "--carrier", "1", "--session", session, "--to", "postal"});
  EXPECT_EQ(send.exit_code, 3) << send.out << send.err;
  EXPECT_NE(send.out.find("NOT PASSED"), std::string::npos) << send.out;
  EXPECT_NE(send.out.find("64.2010(b)"), std::string::npos) << send.out;
  RunResult no_answer = Run({"auth", "call", "callback", "--carrier", "1", "--session", session,
                             "--number", "(212) 555-0101", "--no-answer"});
  EXPECT_EQ(no_answer.exit_code, 3) << no_answer.out << no_answer.err;
  RunResult contact = Run({"auth", "call", "callback", "--carrier", "1", "--session", session,
                           "--number", "(305) 555-0177"});
  EXPECT_EQ(contact.exit_code, 3) << contact.out << contact.err;  // not a number of record
  // In store: an expired ID is refused (64.2010(d)).
  json v = RunJson({"auth", "store", "open", "--carrier", "1", "--customer", "1", "--staff", "1"});
  const std::string visit = std::to_string(v["id"].get<int64_t>());
  RunResult expired = Run({"auth", "store", "id", "--carrier", "1", "--session", visit,
                           "--id-type", "drivers_license", "--issuer", "NY", "--last4", "1234",
                           "--expires", "2001-01-01", "--matches", "--staff", "1"});
  EXPECT_EQ(expired.exit_code, 3) << expired.out << expired.err;
  // A residential customer has no business contract (64.2010(g)).
  RunResult business = Run({"auth", "business", "--carrier", "1", "--session", visit,
                            "--contract", "MSA-1", "--method", "PIN on file"});
  EXPECT_EQ(business.exit_code, 3) << business.out << business.err;
}

}  // namespace
}  // namespace proprio::testing
