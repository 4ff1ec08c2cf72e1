// End-to-end tests of `proprio rules list|show` through the built binary:
// every paragraph with its summary, rule sets, where it is enforced and the
// tests that name it; one paragraph by citation in the usual spellings; an
// unknown paragraph or rule set refused with exit code 2 naming the field.
// No database is needed. Citations are spelled in pieces ("64." "2008") so
// that the build-time scan of the tests (src/tools/trace_scan.cc) does not
// count these lookups as tests of the paragraphs.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

class CliRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-cli-rules-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", dir_ + "/p.db"});
    return RunProprio(args, dir_);
  }
  json Json(std::vector<std::string> args) {
    args.push_back("--json");
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  std::string dir_;
};

const json* Find(const json& list, const std::string& citation, const std::string& text = "") {
  for (const json& p : list) {
    if (p["citation"] == citation && (text.empty() || p["text"] == text)) return &p;
  }
  return nullptr;
}

TEST_F(CliRulesTest, ListGivesEveryParagraphWithCodeAndTests) {
  const json list = Json({"rules", "list"})["paragraphs"];
  ASSERT_GT(list.size(), 100u);
  const json* wait = Find(list, "47 CFR 64." "2008(d)(1)");
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ((*wait)["rule_sets"], json::array({"fcc-2007", "fcc-2024"}));
  EXPECT_EQ((*wait)["enforcement"], "enforced");
  EXPECT_NE((*wait)["where"].get<std::string>().find("rules/approval.cc"), std::string::npos);
  EXPECT_FALSE((*wait)["tests"].empty());
  // Definitions need no code and say so; the 2023 SIM change protections are
  // enforced (fcc-2024), their training paragraph not yet.
  const json* def = Find(list, "47 CFR 64." "2003(k)");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ((*def)["enforcement"], "no code needed");
  const json* sim = Find(list, "47 CFR 64." "2010(h)");
  ASSERT_NE(sim, nullptr);
  EXPECT_EQ((*sim)["enforcement"], "enforced");
  EXPECT_EQ((*sim)["rule_sets"], json::array({"fcc-2024"}));
  const json* training = Find(list, "47 CFR 64." "2010(h)(7)");
  ASSERT_NE(training, nullptr);
  EXPECT_EQ((*training)["enforcement"], "enforced");
  const json* other = Find(list, "47 CFR 64." "2010(h)(8)");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ((*other)["enforcement"], "not enforced yet");
  // Both texts of the breach section's paragraph (a): 2007 and 2024.
  EXPECT_NE(Find(list, "47 CFR 64." "2011(a)", "2007"), nullptr);
  EXPECT_NE(Find(list, "47 CFR 64." "2011(a)", "2024"), nullptr);
  // Every enforced paragraph names at least one test (rules_trace_test too).
  for (const json& p : list) {
    if (p["enforcement"] == "enforced") {
      EXPECT_FALSE(p["tests"].empty()) << p["citation"];
    }
  }

  const RunResult text = Run({"rules", "list"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("47 CFR 64." "2008(d)(1)\n  Wait at least 30 days"), std::string::npos);
  EXPECT_NE(text.out.find("no code needed: definition"), std::string::npos);
}

TEST_F(CliRulesTest, ListByRuleSet) {
  const json only2007 = Json({"rules", "list", "--rule-set", "fcc-2007"})["paragraphs"];
  EXPECT_EQ(Find(only2007, "47 CFR 64." "2011(a)(3)"), nullptr);  // 2024 text only
  EXPECT_NE(Find(only2007, "47 CFR 64." "2011(e)"), nullptr);
  EXPECT_EQ(Find(only2007, "47 CFR 64." "2010(h)"), nullptr);
  const json only2024 = Json({"rules", "list", "--rule-set", "fcc-2024"})["paragraphs"];
  EXPECT_NE(Find(only2024, "47 CFR 64." "2011(a)(3)"), nullptr);
  EXPECT_NE(Find(only2024, "47 CFR 64." "2008(d)(1)"), nullptr);

  const RunResult bad = Run({"rules", "list", "--rule-set", "fcc-1996", "--json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(json::parse(bad.err)["error"]["field"], "rule_set");
}

TEST_F(CliRulesTest, ShowOneParagraphInTheUsualSpellings) {
  for (const std::string& spelling :
       {std::string("64." "2008(d)(1)"), std::string("47 CFR 64." "2008(d)(1)"),
        std::string("47 C.F.R. 64." "2008(d)(1)")}) {
    const json shown = Json({"rules", "show", spelling})["paragraphs"];
    ASSERT_EQ(shown.size(), 1u) << spelling;
    EXPECT_EQ(shown[0]["citation"], "47 CFR 64." "2008(d)(1)");
    EXPECT_EQ(shown[0]["id"], "notice.opt_out.wait");
  }
  const RunResult text = Run({"rules", "show", "64." "2008(d)(1)"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("enforced: rules/approval.cc"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("tests ("), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("_test.cc: "), std::string::npos) << text.out;

  // The statute, both breach texts of (a), and a whole section.
  EXPECT_EQ(Json({"rules", "show", "22" "2(c)(2)"})["paragraphs"][0]["citation"],
            "47 U.S.C. 22" "2(c)(2)");
  EXPECT_EQ(Json({"rules", "show", "64." "2011(a)"})["paragraphs"].size(), 2u);
  EXPECT_EQ(Json({"rules", "show", "64." "2005"})["paragraphs"].size(), 10u);
}

TEST_F(CliRulesTest, UnknownParagraphIsAUsageErrorNamingTheField) {
  for (const std::string& bad : {std::string("64." "2008(z)"), std::string("not a citation"),
                                 std::string("64." "2099(a)")}) {
    const RunResult r = Run({"rules", "show", bad, "--json"});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_EQ(json::parse(r.err)["error"]["field"], "paragraph") << bad;
  }
  const RunResult text = Run({"rules", "show", "64." "2008(z)"});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_NE(text.err.find("paragraph"), std::string::npos) << text.err;
}

}  // namespace
}  // namespace proprio::testing
