// End-to-end tests of the partner registry (47 CFR 64.2007(b), (b)(2)) and
// the new-carrier authorization (47 U.S.C. 222(c)(2)) through the built
// binary, on SQLite and on PostgreSQL: partners added, agreements and
// certifications recorded (each one ledger entry), shown and listed; bad
// input refused naming the field with nothing written; and `proprio decide`
// reading the registry under the seed carrier's policy.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_backend_test.h"

namespace proprio::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* const kSeedPolicy = PROPRIO_SOURCE_DIR "/policies/examples/seed-carrier.toml";

class CliPartnerTest : public CliBackendTest {
 protected:
  CliPartnerTest() : CliBackendTest("cli_partner") {}
  int64_t LedgerSize() {
    RunResult r = Run({"audit", "head", "--carrier", "1", "--json"});
    json j = json::parse(r.out, nullptr, false);
    return j.is_object() && j.contains("entries") ? j["entries"].get<int64_t>() : -1;
  }
  void Scenario();
};

void CliPartnerTest::Scenario() {
  ASSERT_EQ(Run({"carrier", "add", "--name", "Example Tel, Inc.", "--filer-id", "825160",
                 "--time-zone", "America/New_York", "--signatory", "Dana Whitfield:CFO"})
                .exit_code,
            0);
  ASSERT_EQ(Run({"policy", "set", "--carrier", "1", kSeedPolicy}).exit_code, 0);
  RunJson({"customer", "add", "--carrier", "1", "--account", "A-1", "--name", "Customer A-1",
           "--phone", "(407) 555-0110", "--street", "1 Main St", "--city", "Longwood", "--state",
           "FL", "--zip", "32750", "--services", "local"});

  // Partners: a contractor and a dealer.
  json acme = RunJson({"partner", "add", "--carrier", "1", "--name", "Acme Wiring", "--kind",
                       "independent_contractor", "--contact", "ops@acme.example"});
  EXPECT_EQ(acme["kind"], "independent_contractor");
  EXPECT_TRUE(acme["agreement"].is_null());
  const std::string jv = std::to_string(acme["id"].get<int64_t>());
  json dealer = RunJson({"partner", "add", "--carrier", "1", "--name", "Main St Phones",
                         "--kind", "dealer"});
  const std::string dl = std::to_string(dealer["id"].get<int64_t>());
  const int64_t size = LedgerSize();
  ASSERT_GT(size, 0);

  // Bad input: each refused naming the field, nothing written.
  const std::vector<std::string> agreement = {"partner", "agreement", "--carrier", "1",
                                              "--partner", jv, "--document", "NDA-7"};
  auto with = [](std::vector<std::string> base, std::vector<std::string> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  const std::string all_terms = "use_only_for_purpose,no_further_disclosure,safeguards";
  EXPECT_EQ(RunJson(with(agreement, {"--effective", "2026-01-01", "--expires", "2025-12-31",
                                     "--terms", all_terms}),
                    2)["error"]["field"],
            "agreement.expires_on");
  EXPECT_EQ(RunJson(with(agreement, {"--effective", "2026-01-01", "--terms",
                                     "use_only_for_purpose,safeguards"}),
                    2)["error"]["field"],
            "agreement.terms.no_further_disclosure");
  EXPECT_EQ(RunJson({"partner", "agreement", "--carrier", "1", "--partner", "99", "--document",
                     "NDA-7", "--effective", "2026-01-01", "--terms", all_terms},
                    4)["error"]["field"],
            "partner");
  EXPECT_EQ(RunJson({"partner", "agreement", "--carrier", "1", "--partner", dl, "--document",
                     "NDA-7", "--effective", "2026-01-01", "--terms", all_terms},
                    6)["error"]["field"],
            "agreement");
  EXPECT_EQ(RunJson({"partner", "add", "--carrier", "1", "--name", "Acme Wiring", "--kind",
                     "agent"},
                    5)["error"]["field"],
            "name");
  EXPECT_EQ(LedgerSize(), size);
  EXPECT_TRUE(RunJson({"partner", "show", "--carrier", "1", "--partner", jv})["agreement"]
                  .is_null());

  // Under the seed policy: the contractor without its agreement is denied
  // (47 CFR 64.2007(b)(2) and the policy's clause), as is the uncertified dealer.
  const std::vector<std::string> wiring = {"decide", "--carrier", "1", "--customer", "1",
                                           "--purpose", "inside_wiring", "--recipient",
                                           "independent_contractor", "--action", "permit_access",
                                           "--recipient-id", jv};
  json denied = RunJson(wiring, 3);
  EXPECT_EQ(denied["requires"][0]["kind"], "confidentiality_agreement") << denied.dump();
  EXPECT_NE(denied["basis"].dump().find("47 CFR 64.2007(b)(2)"), std::string::npos);
  json billing = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                          "billing_collection", "--recipient", "agent", "--action", "disclose",
                          "--recipient-id", dl},
                         3);
  EXPECT_EQ(billing["requires"][0]["kind"], "limited_use_certification");
  EXPECT_NE(billing["basis"].dump().find("dealer_requires_limited_use_certification"),
            std::string::npos);
  // Unknown partner id.
  json unknown = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                          "billing_collection", "--recipient", "agent", "--action", "disclose",
                          "--recipient-id", "77"},
                         3);
  EXPECT_EQ(unknown["requires"][0]["kind"], "partner_on_record");

  // Record them: one ledger entry each; then the dealer is allowed and the
  // contractor needs only the customer's opt-in (the seed's clause 4).
  json signed_jv = RunJson(with(agreement, {"--effective", "2026-01-01", "--expires",
                                            "2030-12-31", "--terms", all_terms}));
  EXPECT_EQ(signed_jv["agreement"]["document"], "NDA-7");
  json cert = RunJson({"partner", "certify", "--carrier", "1", "--partner", dl, "--document",
                       "CERT-3", "--signed", "2026-01-02"});
  EXPECT_EQ(cert["certification"]["signed_on"], "2026-01-02");
  EXPECT_EQ(LedgerSize(), size + 2);
  json allowed = RunJson({"decide", "--carrier", "1", "--customer", "1", "--purpose",
                          "billing_collection", "--recipient", "agent", "--action", "disclose",
                          "--recipient-id", dl});
  EXPECT_EQ(allowed["allowed"], true);
  json opt_in = RunJson(wiring, 3);
  EXPECT_EQ(opt_in["requires"].size(), 1u) << opt_in.dump();
  EXPECT_EQ(opt_in["requires"][0]["kind"], "opt_in_approval");

  // show and list, for people and for machines.
  RunResult shown = Run({"partner", "show", "--carrier", "1", "--partner", jv});
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_NE(shown.out.find("NDA-7, from 2026-01-01 to 2030-12-31"), std::string::npos)
      << shown.out;
  json list = RunJson({"partner", "list", "--carrier", "1"});
  ASSERT_EQ(list["partners"].size(), 2u);
  EXPECT_EQ(RunJson({"partner", "list", "--carrier", "1", "--kind", "dealer"})["partners"].size(),
            1u);
  json renamed = RunJson({"partner", "update", "--carrier", "1", "--partner", dl, "--name",
                          "Main Street Phones"});
  EXPECT_EQ(renamed["name"], "Main Street Phones");
  EXPECT_EQ(renamed["certification"]["document"], "CERT-3");

  // 47 U.S.C. 222(c)(2): a new carrier on the written authorization on record.
  const std::vector<std::string> moving = {"decide", "--carrier", "1", "--customer", "1",
                                           "--purpose", "provide_service", "--recipient",
                                           "new_carrier", "--written-request", "LOA-1"};
  EXPECT_EQ(RunJson(moving, 3)["requires"][0]["kind"], "written_authorization");
  EXPECT_EQ(RunJson({"partner", "authorize-new-carrier", "--carrier", "1", "--customer", "9",
                     "--new-carrier", "NewCo", "--document", "LOA-1", "--signed", "2026-01-05"},
                    4)["error"]["field"],
            "customer");
  RunJson({"partner", "authorize-new-carrier", "--carrier", "1", "--customer", "1",
           "--new-carrier", "NewCo", "--document", "LOA-1", "--signed", "2026-01-05"});
  EXPECT_EQ(RunJson(moving)["allowed"], true);

  RunResult verify = Run({"audit", "verify", "--carrier", "1"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CliPartnerTest, S64_2007_b_2_RegistryAndDecisionsOnSqlite) { Scenario(); }

TEST_F(CliPartnerTest, S64_2007_b_2_RegistryAndDecisionsOnPostgres) {
  if (!UsePostgres()) GTEST_SKIP() << "no PostgreSQL fixture (run through ctest)";
  Scenario();
}

}  // namespace
}  // namespace proprio::testing
