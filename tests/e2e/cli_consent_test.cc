// End-to-end tests of proprio decide, consent, notice, policy and calendar,
// through the built binary: exit codes (0 allowed, 3 denied, 2 bad input,
// 4 not found), the citation in each answer, boundary dates.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

const char* const kSeedPolicy = PROPRIO_SOURCE_DIR "/policies/examples/seed-carrier.toml";

// Carrier 1 (America/New_York) runs on the FCC floor; customers:
//   1 local + interexchange, 2 CMRS only, 3 business with a CPNI contract.
class CliConsentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-consent-XXXXXX";
    dir_ = mkdtemp(tmpl);
    RunJson({"carrier", "add", "--name", "Floor Tel", "--filer-id", "900001", "--time-zone",
             "America/New_York"});
    AddCustomer("W-1", "local;interexchange", "residential");
    AddCustomer("M-1", "cmrs", "residential");
    AddCustomer("B-1", "local", "business");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void AddCustomer(const std::string& account, const std::string& services,
                   const std::string& type) {
    std::vector<std::string> args = {"customer", "add", "--carrier", "1", "--account", account,
                                     "--name", "Customer " + account, "--phone",
                                     "(407) 555-01" + std::to_string(10 + phone_++), "--street",
                                     "1 Main St", "--city", "Longwood", "--state", "FL", "--zip",
                                     "32750", "--services", services, "--type", type};
    if (type == "business") {
      args.insert(args.end(), {"--account-rep", "Rita", "--cpni-contract", "MSA-1"});
    }
    RunJson(args);
  }
  RunResult Run(std::vector<std::string> args, const std::string& in = "") {
    return RunProprio(args, dir_, in);
  }
  json RunJson(std::vector<std::string> args, int want_exit = 0, const std::string& in = "") {
    args.push_back("--json");
    RunResult r = Run(args, in);
    EXPECT_EQ(r.exit_code, want_exit) << r.err << r.out;
    return json::parse(r.out, nullptr, false);
  }
  // The --json error of a failed command.
  json Error(const RunResult& r) {
    json j = json::parse(r.err, nullptr, false);
    return j.is_object() ? j["error"] : json();
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string Template(const std::string& name, const std::string& kind,
                       const std::string& channel, bool complete = true) {
    json checklist = {{"states_right_and_duty_to_protect", true},
                      {"specifies_cpni_types", true},
                      {"names_recipients", true},
                      {"describes_purposes", true},
                      {"states_right_to_disapprove_and_withdraw", true},
                      {"gives_precise_steps", true},
                      {"states_denial_does_not_affect_service", complete},
                      {"comprehensible_not_misleading", true},
                      {"legible_and_prominent", true},
                      {"states_approval_valid_until_revoked", true},
                      {"solicitation_proximate", true},
                      {"no_cost_24x7_opt_out", true},
                      {"stated_waiting_days", 30}};
    const std::string file = name + ".json";
    Write(file, json{{"name", name},
                     {"kind", kind},
                     {"channel", channel},
                     {"document_ref", "DOC-" + name},
                     {"checklist", checklist}}
                    .dump());
    return file;
  }

  std::string dir_;
  int phone_ = 0;
};

TEST_F(CliConsentTest, HelpNamesTheCommands) {
  RunResult r = Run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"decide", "consent", "notice", "policy", "calendar"}) {
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
  EXPECT_EQ(Run({"decide", "--help"}).exit_code, 0);
  EXPECT_EQ(Run({"consent"}).exit_code, 2);
}

struct Paragraph {
  std::string citation;
  std::vector<std::string> flags;  // after decide --carrier 1
  int exit_code;
};

// One case per paragraph, through the command line: the exit code says allowed
// (0) or denied (3), and the answer cites the paragraph.
TEST_F(CliConsentTest, DecideCitesTheParagraph) {
  const std::string at = "2024-06-03T15:00:00Z";
  const std::vector<Paragraph> cases = {
      {"47 U.S.C. 222(c)(1)", {"--customer", "1", "--purpose", "provide_service"}, 0},
      {"47 U.S.C. 222(c)(2)",
       {"--customer", "1", "--purpose", "customer_written_request", "--recipient",
        "customer_designee"},
       3},
      {"47 U.S.C. 222(d)(1)",
       {"--customer", "1", "--purpose", "billing_collection", "--recipient", "agent"},
       0},
      {"47 U.S.C. 222(d)(2)", {"--customer", "1", "--purpose", "fraud_protection"}, 0},
      {"47 U.S.C. 222(d)(3)",
       {"--customer", "1", "--purpose", "inbound_telemarketing", "--context",
        "customer_initiated_call,approval_on_call"},
       0},
      {"47 U.S.C. 222(d)(4)",
       {"--customer", "2", "--purpose", "emergency_911", "--recipient", "public_safety",
        "--service-category", "cmrs", "--cpni", "location", "--context", "emergency"},
       0},
      {"47 CFR 64.2005(a)",
       {"--customer", "1", "--purpose", "marketing_same_category", "--offering", "interexchange"},
       0},
      {"47 CFR 64.2005(a)(2)",
       {"--customer", "2", "--purpose", "marketing_same_category", "--recipient", "affiliate",
        "--service-category", "cmrs"},
       3},
      {"47 CFR 64.2005(b)",
       {"--customer", "2", "--purpose", "marketing_other_category", "--service-category", "cmrs",
        "--offering", "local"},
       3},
      {"47 CFR 64.2005(b)(1)",
       {"--customer", "2", "--purpose", "marketing_cpe_info_services", "--service-category",
        "cmrs", "--offering", "cpe"},
       0},
      {"47 CFR 64.2005(b)(2)", {"--customer", "1", "--purpose", "track_competing_callers"}, 3},
      {"47 CFR 64.2005(c)(1)", {"--customer", "1", "--purpose", "inside_wiring"}, 0},
      {"47 CFR 64.2005(c)(2)",
       {"--customer", "2", "--purpose", "cmrs_health_research", "--service-category", "cmrs"},
       0},
      {"47 CFR 64.2005(c)(3)", {"--customer", "1", "--purpose", "marketing_adjunct_to_basic"}, 0},
      {"47 CFR 64.2007(b)",
       {"--customer", "1", "--purpose", "marketing_other_category", "--recipient", "third_party"},
       3},
      {"47 CFR 64.2010(b)",
       {"--customer", "1", "--purpose", "customer_account_access", "--recipient", "customer",
        "--channel", "inbound_call", "--cpni", "call_detail"},
       3},
      {"47 CFR 64.2010(c)",
       {"--customer", "1", "--purpose", "customer_account_access", "--recipient", "customer",
        "--channel", "online", "--context", "password_provided"},
       0},
      {"47 CFR 64.2010(d)",
       {"--customer", "1", "--purpose", "customer_account_access", "--recipient", "customer",
        "--channel", "in_store"},
       3},
      {"47 CFR 64.2010(g)",
       {"--customer", "3", "--purpose", "customer_account_access", "--recipient", "customer",
        "--channel", "inbound_call", "--cpni", "call_detail", "--context",
        "customer_authenticated"},
       0},
  };
  int64_t last_id = 0;
  for (const Paragraph& c : cases) {
    std::vector<std::string> args = {"decide", "--carrier", "1", "--at", at};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    json d = RunJson(args, c.exit_code);
    ASSERT_TRUE(d.is_object()) << c.citation;
    EXPECT_EQ(d["allowed"], c.exit_code == 0) << c.citation << " " << d.dump();
    EXPECT_NE(std::find(d["basis"].begin(), d["basis"].end(), c.citation), d["basis"].end())
        << c.citation << " " << d.dump();
    // Exactly the fixed response fields; issue 14 added legal_category and
    // label_overridden (note only when the facts overrode a label).
    EXPECT_EQ(d.size(), 9u) << d.dump();
    EXPECT_GT(d["decision_id"].get<int64_t>(), last_id);
    last_id = d["decision_id"];
  }
  // The text form says why and what is missing.
  RunResult text = Run({"decide", "--carrier", "1", "--at", at, "--customer", "1", "--purpose",
                        "marketing_other_category", "--recipient", "third_party"});
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_NE(text.out.find("DENIED"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("opt_in_approval (third_parties)"), std::string::npos) << text.out;

  // Issue 14: the facts form, and a legacy label the facts override, noted.
  RunResult plain = Run({"decide", "--carrier", "1", "--at", at, "--customer", "2", "--purpose",
                         "marketing", "--service-category", "cmrs", "--offering", "cpe"});
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("47 CFR 64.2005(b)(1)"), std::string::npos) << plain.out;
  EXPECT_EQ(plain.out.find("note:"), std::string::npos) << plain.out;
  RunResult overridden =
      Run({"decide", "--carrier", "1", "--at", at, "--customer", "2", "--purpose",
           "marketing_other_category", "--service-category", "cmrs", "--offering", "cpe"});
  EXPECT_EQ(overridden.exit_code, 0) << overridden.out << overridden.err;
  EXPECT_NE(overridden.out.find("note:     The purpose label 'marketing_other_category' does "
                                "not fit the facts"),
            std::string::npos)
      << overridden.out;
}

TEST_F(CliConsentTest, DecideReadsJsonOnStdinOneOrABatch) {
  json one = {{"customer", 1},
              {"action", "use"},
              {"purpose", "provide_service"},
              {"cpni", {"usage"}},
              {"service_category", "local"},
              {"at", "2024-06-03T15:00:00Z"}};
  json d = RunJson({"decide", "--carrier", "1"}, 0, one.dump());
  EXPECT_TRUE(d["allowed"]);
  EXPECT_EQ(d["rule_set"], "fcc-2024");
  EXPECT_EQ(d["policy_version"], 0);
  json denied = one;
  denied["purpose"] = "track_competing_callers";
  json batch = RunJson({"decide", "--carrier", "1"}, 3,
                       json{{"requests", {one, denied}}}.dump());
  ASSERT_EQ(batch["decisions"].size(), 2u);
  EXPECT_TRUE(batch["decisions"][0]["allowed"]);
  EXPECT_FALSE(batch["decisions"][1]["allowed"]);
  // What-if under the 2007 rules.
  json what_if = RunJson({"decide", "--carrier", "1", "--rule-set", "fcc-2007"}, 0, one.dump());
  EXPECT_EQ(what_if["rule_set"], "fcc-2007");
  // The switch date: the day before 2024-03-13 in Washington answers fcc-2007.
  one["at"] = "2024-03-13T03:59:59Z";
  EXPECT_EQ(RunJson({"decide", "--carrier", "1"}, 0, one.dump())["rule_set"], "fcc-2007");
  one["at"] = "2024-03-13T04:00:00Z";
  EXPECT_EQ(RunJson({"decide", "--carrier", "1"}, 0, one.dump())["rule_set"], "fcc-2024");
}

TEST_F(CliConsentTest, MalformedRequestsExitTwoNamingTheField) {
  struct Bad {
    std::vector<std::string> args;
    std::string stdin_text;
    int exit_code;
    std::string field;
  };
  const std::vector<Bad> cases = {
      {{"--customer", "1", "--purpose", "curiosity"}, "", 2, "purpose"},
      {{"--customer", "1", "--purpose", "provide_service", "--at", "yesterday"}, "", 2, "at"},
      {{"--customer", "1", "--purpose", "provide_service", "--cpni", "dna"}, "", 2, "cpni[0]"},
      {{"--customer", "1", "--purpose", "provide_service", "--context", "vibes"}, "", 2,
       "context.vibes"},
      {{"--customer", "1"}, "", 2, "purpose"},
      {{}, R"({"action":"use","purpose":"provide_service","cpni":["usage"],)"
           R"("service_category":"local","at":"2024-06-03T15:00:00Z"})",
       2, "customer"},
      {{}, "{not json", 2, "request"},
      {{}, R"({"requests":[{"customer":1,"action":"use","purpose":"provide_service",)"
           R"("cpni":["usage"],"service_category":"local","at":"2024-06-03T15:00:00Z"},)"
           R"({"customer":1,"action":"use","purpose":"provide_service","cpni":["usage"],)"
           R"("service_category":"local","at":"not-a-time"}]})",
       2, "requests[1].at"},
      {{"--customer", "99", "--purpose", "provide_service"}, "", 4, "customer"},
      {{"--customer", "1", "--purpose", "provide_service", "--rule-set", "fcc-1996"}, "", 2,
       "rule_set"},
  };
  for (const Bad& c : cases) {
    std::vector<std::string> args = {"decide", "--carrier", "1", "--json"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = Run(args, c.stdin_text);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.field << ": " << r.err;
    EXPECT_EQ(Error(r)["field"], c.field) << r.err;
    EXPECT_EQ(r.out, "") << c.field;
  }
  // Another carrier's customer is not found.
  RunJson({"carrier", "add", "--name", "Other", "--filer-id", "900002", "--time-zone", "UTC"});
  RunResult other = Run({"decide", "--carrier", "2", "--customer", "1", "--purpose",
                         "provide_service"});
  EXPECT_EQ(other.exit_code, 4);
}

TEST_F(CliConsentTest, PolicyCheckSetShowAndItsOverlays) {
  RunResult ok = Run({"policy", "check", kSeedPolicy});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("at least as strict"), std::string::npos);
  Write("loose.toml", "name = \"Loose\"\nversion = 1\n[breach]\ncustomer_wait = { days = 7, unit = \"calendar\" }\n");
  RunResult loose = Run({"policy", "check", "loose.toml", "--json"});
  EXPECT_EQ(loose.exit_code, 2);
  EXPECT_EQ(Error(loose)["field"], "breach.customer_wait");
  EXPECT_NE(Error(loose)["message"].get<std::string>().find("64.2011(b)(1)"), std::string::npos)
      << loose.err;
  EXPECT_EQ(Run({"policy", "set", "--carrier", "1", "loose.toml"}).exit_code, 2);

  json floor = RunJson({"policy", "show", "--carrier", "1"});
  EXPECT_EQ(floor["version"], 0);
  EXPECT_TRUE(floor["floor"]);
  json set = RunJson({"policy", "set", "--carrier", "1", kSeedPolicy});
  EXPECT_EQ(set["version"], 1);
  EXPECT_EQ(set["approval_mode"], "opt_in_only");
  RunResult toml = Run({"policy", "show", "--carrier", "1", "--toml"});
  EXPECT_NE(toml.out.find("Clause 7.A"), std::string::npos);  // the text as submitted
  EXPECT_EQ(RunJson({"policy", "show", "--carrier", "1", "--history"})["policies"].size(), 1u);
  EXPECT_EQ(Run({"policy", "set", "--carrier", "1", kSeedPolicy}).exit_code, 0);  // idempotent
  EXPECT_EQ(Run({"policy", "show", "--carrier", "1", "--version", "5"}).exit_code, 4);

  // The seed's overlays now shape decisions.
  json third = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                        "marketing_other_category", "--recipient", "third_party", "--at",
                        "2024-06-03T15:00:00Z"},
                       3);
  EXPECT_EQ(third["policy_version"], 1);
  EXPECT_NE(third["basis"].dump().find("third_parties = \\\"never\\\""), std::string::npos)
      << third.dump();
  json jv = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                     "necessary_services", "--recipient", "joint_venturer", "--action",
                     "permit_access", "--at", "2024-06-03T15:00:00Z"},
                    3);
  EXPECT_EQ(jv["requires"][0]["kind"], "confidentiality_agreement");
  json with = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                       "necessary_services", "--recipient", "new_carrier", "--at",
                       "2024-06-03T15:00:00Z"},
                      3);
  EXPECT_NE(with["basis"].dump().find("new_carrier_requires_written_authorization"),
            std::string::npos);

  // 47 U.S.C. 222(c)(2): CPNI to a new carrier to provide the service has one
  // path, the customer's affirmative written request on record, and the
  // answer names exactly that.
  json nc = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                     "provide_service", "--recipient", "new_carrier", "--at",
                     "2024-06-03T15:00:00Z"},
                    3);
  EXPECT_EQ(nc["reason"],
            "Denied: CPNI goes to a new carrier only on the customer's affirmative written "
            "request designating it (47 U.S.C. 222(c)(2)): record the request and give its "
            "document id with written_authorization.");
  EXPECT_EQ(nc["requires"], json::array({{{"kind", "written_authorization"}}})) << nc.dump();
  EXPECT_EQ(nc["basis"][0], "47 U.S.C. 222(c)(2)");
  // The flag alone is not a request on record: exit 2 naming the field.
  RunResult flag_only = Run({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                             "provide_service", "--recipient", "new_carrier", "--context",
                             "written_authorization", "--at", "2024-06-03T15:00:00Z", "--json"});
  EXPECT_EQ(flag_only.exit_code, 2) << flag_only.err;
  EXPECT_EQ(Error(flag_only)["field"], "context.written_request_document");
  // The request's document not on record: denied, the same requirement.
  json unrecorded = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                             "provide_service", "--recipient", "new_carrier", "--written-request",
                             "WR-17"},
                            3);
  EXPECT_EQ(unrecorded["requires"], json::array({{{"kind", "written_authorization"}}}));
  EXPECT_NE(unrecorded["reason"].get<std::string>().find("not on record"), std::string::npos);
  // Recorded as evidence, then named: allowed, the document named and logged.
  RunJson({"partner", "authorize-new-carrier", "--carrier", "1", "--customer", "1",
           "--new-carrier", "NewCo Wireless", "--document", "WR-17", "--signed", "2024-06-01"});
  json wr = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                     "provide_service", "--recipient", "new_carrier", "--written-request",
                     "WR-17"});
  EXPECT_EQ(wr["allowed"], true);
  EXPECT_EQ(wr["reason"],
            "Allowed: the customer's affirmative written request on record (document WR-17) "
            "designates the new carrier (47 U.S.C. 222(c)(2)).");
  // customer_written_request keeps working, with or without the document.
  json cwr = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                      "customer_written_request", "--recipient", "new_carrier", "--context",
                      "written_authorization", "--at", "2024-06-03T15:00:00Z"});
  EXPECT_EQ(cwr["allowed"], true);
  EXPECT_EQ(cwr["basis"][0], "47 U.S.C. 222(c)(2)");
}

TEST_F(CliConsentTest, ConsentRecordStatusHistory) {
  RunResult missing = Run({"consent", "record", "--carrier", "1", "--customer", "1", "--kind",
                           "opt_in_granted", "--scope", "third_parties", "--at",
                           "2024-05-01T15:00:00Z", "--json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(Error(missing)["field"], "evidence.document_id");
  EXPECT_NE(Error(missing)["message"].get<std::string>().find("64.2007(a)(1)"), std::string::npos);
  json rec = RunJson({"consent", "record", "--carrier", "1", "--customer", "1", "--kind",
                      "opt_in_granted", "--scope", "third_parties,affiliates", "--at",
                      "2024-05-01T15:00:00Z", "--document-id", "FORM-7",
                      "--notice-in-contact"});
  EXPECT_EQ(rec["kind"], "opt_in_granted");
  EXPECT_GT(rec["ledger_seq"].get<int64_t>(), 0);
  json status = RunJson({"consent", "status", "--carrier", "1", "--customer", "1", "--at",
                         "2024-05-02T00:00:00Z"});
  EXPECT_EQ(status["opt_in"], json::array({"affiliates", "third_parties"}));
  RunResult text = Run({"consent", "status", "--carrier", "1", "--customer", "1"});
  EXPECT_NE(text.out.find("third_parties"), std::string::npos) << text.out;
  // The decision follows at once.
  json d = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                    "marketing_other_category", "--recipient", "third_party", "--at",
                    "2024-06-03T15:00:00Z"});
  EXPECT_TRUE(d["allowed"]);
  // Revoked: denied again, on 64.2007(a)(2).
  RunJson({"consent", "record", "--carrier", "1", "--customer", "1", "--kind", "opt_in_revoked",
           "--scope", "third_parties", "--at", "2024-05-10T15:00:00Z"});
  json again = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                        "marketing_other_category", "--recipient", "third_party", "--at",
                        "2024-06-03T15:00:00Z"},
                       3);
  EXPECT_NE(again["basis"].dump().find("64.2007(a)(2)"), std::string::npos) << again.dump();
  // Asked about before the revocation: allowed (the store answers the past).
  json before = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                         "marketing_other_category", "--recipient", "third_party", "--at",
                         "2024-05-05T15:00:00Z"});
  EXPECT_TRUE(before["allowed"]);
  json history = RunJson({"consent", "history", "--carrier", "1", "--customer", "1"});
  ASSERT_EQ(history["events"].size(), 2u);
  EXPECT_EQ(history["events"][1]["kind"], "opt_in_revoked");
  // One-time consent as JSON on stdin.
  json once = {{"kind", "one_time_consent"},
               {"at", "2024-06-03T14:55:00Z"},
               {"scopes", {"own_marketing_comm_related"}},
               {"evidence",
                {{"channel", "oral"}, {"recording_id", "REC-1"}, {"notice_in_contact", true}}},
               {"call_id", "call-1"},
               {"call_end", "2024-06-03T15:20:00Z"}};
  RunJson({"consent", "record", "--carrier", "1", "--customer", "2"}, 0, once.dump());
  json on_call = RunJson({"decide", "--carrier", "1", "--customer", "2", "--purpose",
                          "marketing_other_category", "--service-category", "cmrs",
                          "--offering", "local", "--call-id", "call-1", "--at",
                          "2024-06-03T15:00:00Z"});
  EXPECT_NE(on_call["basis"].dump().find("64.2008(f)"), std::string::npos);
  json after_call = RunJson({"decide", "--carrier", "1", "--customer", "2", "--purpose",
                             "marketing_other_category", "--service-category", "cmrs",
                             "--offering", "local", "--call-id", "call-1", "--at",
                             "2024-06-03T15:20:01Z"},
                            3);
  EXPECT_FALSE(after_call["allowed"]);
  EXPECT_EQ(Run({"consent", "status", "--carrier", "1", "--customer", "42"}).exit_code, 4);
}

TEST_F(CliConsentTest, NoticeCheckAddSendAndTheOptOutWait) {
  const std::string bad = Template("bad", "opt_out", "mail", false);
  RunResult check = Run({"notice", "check", bad});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_NE(check.out.find("states_denial_does_not_affect_service (47 CFR 64.2008(c)(3))"),
            std::string::npos)
      << check.out;
  json checked = RunJson({"notice", "check", bad}, 2);
  EXPECT_FALSE(checked["usable"]);
  EXPECT_EQ(checked["defects"][0]["citation"], "47 CFR 64.2008(c)(3)");
  EXPECT_EQ(Run({"notice", "add", "--carrier", "1", bad}).exit_code, 2);
  const std::string good = Template("mailer", "opt_out", "mail");
  EXPECT_EQ(Run({"notice", "check", good}).exit_code, 0);
  json t = RunJson({"notice", "add", "--carrier", "1", good});
  ASSERT_EQ(t["id"], 1);
  EXPECT_EQ(RunJson({"notice", "list", "--carrier", "1"})["templates"].size(), 1u);
  // Mailed on 2024-01-01 (New York): the wait starts on the 4th; approval is
  // assumed from 00:00 EST on 2024-02-04.
  json sent = RunJson({"notice", "send", "--carrier", "1", "--template", "1", "--scope",
                       "own_marketing_comm_related", "--customer", "2", "--sent-at",
                       "2024-01-01T15:00:00Z"});
  EXPECT_EQ(sent["customers"], 1);
  auto decide_at = [&](const std::string& at, int want) {
    return RunJson({"decide", "--carrier", "1", "--customer", "2", "--purpose",
                    "marketing_other_category", "--service-category", "cmrs", "--offering",
                    "local", "--at", at},
                   want);
  };
  json pending = decide_at("2024-02-04T04:59:59Z", 3);
  EXPECT_NE(pending["basis"].dump().find("64.2008(d)(1)"), std::string::npos);
  json assumed = decide_at("2024-02-04T05:00:00Z", 0);
  EXPECT_NE(assumed["basis"].dump().find("64.2008(d)(1)"), std::string::npos);
  json status = RunJson({"consent", "status", "--carrier", "1", "--customer", "2", "--at",
                         "2024-01-20T00:00:00Z"});
  EXPECT_EQ(status["opt_out_assumed_from"], "2024-02-04T05:00:00Z");
  EXPECT_EQ(status["opt_out_lapses_at"], "2026-01-01T05:00:00Z");
  // Two years later the approval has lapsed (64.2008(d)(2)).
  decide_at("2026-01-01T05:00:00Z", 3);
  // Opt-out notices cannot solicit third-party sharing.
  RunResult third = Run({"notice", "send", "--carrier", "1", "--template", "1", "--scope",
                         "third_parties", "--customer", "2", "--json"});
  EXPECT_EQ(third.exit_code, 2);
  EXPECT_EQ(Error(third)["field"], "scopes");
  // Under the seed policy (opt-in only) the template can no longer be used.
  RunJson({"policy", "set", "--carrier", "1", kSeedPolicy});
  RunResult refused = Run({"notice", "send", "--carrier", "1", "--template", "1", "--scope",
                           "agents", "--all-customers", "--json"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(Error(refused)["field"], "checklist.kind");
}

TEST_F(CliConsentTest, CalendarHolidaysAndBusinessDays) {
  // 2021: Juneteenth (a Saturday) observed Friday June 18; New Year's Day
  // 2022 (a Saturday) observed Friday December 31, 2021.
  json y2021 = RunJson({"calendar", "holidays", "--year", "2021"});
  std::vector<std::string> dates;
  for (const json& h : y2021["holidays"]) dates.push_back(h["date"]);
  EXPECT_NE(std::find(dates.begin(), dates.end(), "2021-06-18"), dates.end());
  EXPECT_NE(std::find(dates.begin(), dates.end(), "2021-12-31"), dates.end());
  EXPECT_EQ(std::find(dates.begin(), dates.end(), "2021-01-20"), dates.end());
  json inaug = RunJson({"calendar", "holidays", "--year", "2021", "--inauguration-day"});
  EXPECT_EQ(inaug["holidays"].size(), y2021["holidays"].size() + 1);
  // Independence Day 2026 is a Saturday: observed Friday July 3.
  RunResult text = Run({"calendar", "holidays", "--year", "2026"});
  EXPECT_NE(text.out.find("2026-07-03  Independence Day (observed; falls on 2026-07-04)"),
            std::string::npos)
      << text.out;
  // New Year's Day is skipped; due at the end of the day in New York.
  json next = RunJson({"calendar", "add-business-days", "--from", "2024-12-31", "--days", "1"});
  EXPECT_EQ(next["date"], "2025-01-02");
  EXPECT_EQ(next["due"], "2025-01-03T04:59:59.999999Z");
  // Across the DST change the day ends at 04:00Z.
  json dst = RunJson({"calendar", "add-business-days", "--from", "2024-03-08", "--days", "1",
                      "--carrier", "1"});
  EXPECT_EQ(dst["date"], "2024-03-11");
  EXPECT_EQ(dst["due"], "2024-03-12T03:59:59.999999Z");
  // Seven business days after a Friday before Thanksgiving.
  json seven = RunJson({"calendar", "add-business-days", "--from", "2024-11-22", "--days", "7"});
  EXPECT_EQ(seven["date"], "2024-12-04");
  json closure = RunJson({"calendar", "add-business-days", "--from", "2018-12-04", "--days", "1",
                          "--closure", "2018-12-05"});
  EXPECT_EQ(closure["date"], "2018-12-06");
  EXPECT_EQ(RunJson({"calendar", "count-business-days", "--from", "2024-12-20", "--to",
                     "2025-01-03"})["business_days"],
            8);
  RunResult bad = Run({"calendar", "add-business-days", "--from", "2024-02-30", "--days", "1",
                       "--json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(Error(bad)["field"], "from");
  EXPECT_EQ(Run({"calendar", "holidays", "--year", "2024", "--time-zone", "Mars/Base"}).exit_code,
            2);
}

}  // namespace
}  // namespace proprio::testing
