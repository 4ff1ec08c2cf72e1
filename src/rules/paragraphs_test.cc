// rules_trace_test: the registry of paragraphs (rules/paragraphs.h) against
// the citations the tests name (rules/test_citations.h, found at build time).
//
// The citations in this file's own inputs are spelled in pieces ("64." +
// "2008(d)(1)") so that the scanner, which reads this file too, does not
// count these tests as testing those paragraphs.
#include "rules/paragraphs.h"

#include <gtest/gtest.h>

#include <set>

#include "rules/rule_set.h"
#include "rules/test_citations.h"

namespace proprio::rules {
namespace {

std::string Cfr(const std::string& rest) { return "47 CFR 64." + rest; }
std::string Usc(const std::string& rest) { return "47 U.S.C. 22" + rest; }

std::vector<std::string> Cites(const std::vector<ScannedCitation>& found) {
  std::vector<std::string> out;
  for (const auto& f : found) out.push_back(f.citation + " @ " + f.test);
  return out;
}

// The check itself: every enforced paragraph has a test naming it, and every
// citation a test names is a paragraph of the registry (or contains some).
TEST(RulesTraceTest, EveryEnforcedParagraphIsTestedAndEveryTestCitationExists) {
  ASSERT_FALSE(TestCitations().empty()) << "the build step found no citations in the tests";
  const std::vector<std::string> problems = TraceProblems(Paragraphs(), TestCitations());
  for (const std::string& p : problems) ADD_FAILURE() << p;
  EXPECT_TRUE(problems.empty()) << problems.size() << " traceability problems";
}

// Every rule of every table says where it is enforced (or why no code is
// needed, or why it is not enforced yet), and no where-entry is stale.
TEST(RulesTraceTest, EveryRuleSaysWhereItIsEnforced) {
  size_t rules = GeneralRules().size() + BreachRulesOf(BreachRegime::k2007).size() +
                 BreachRulesOf(BreachRegime::k2024).size() + SimChangeRules().size();
  ASSERT_EQ(Paragraphs().size(), rules);
  for (const Paragraph& p : Paragraphs()) {
    EXPECT_FALSE(p.where.empty()) << p.citation;
    EXPECT_EQ(p.where.find("no entry in rules/paragraphs.cc"), std::string_view::npos)
        << p.citation << " (" << p.id << ") has no where-entry";
    if (p.enforcement == Enforcement::kNoCodeNeeded) {
      EXPECT_TRUE(p.where.starts_with("no code needed: ")) << p.citation;
    }
    if (p.enforcement == Enforcement::kNotEnforced) {
      EXPECT_TRUE(p.where.starts_with("not enforced yet: ")) << p.citation;
    }
    EXPECT_TRUE(NormalizeCitation(p.citation).has_value()) << p.citation;
    EXPECT_EQ(*NormalizeCitation(p.citation), p.citation);
  }
}

// Both rule sets, each 64.2011 text, and the 2023 SIM change paragraph.
TEST(RulesTraceTest, TheRegistryCoversBothRuleSetsAndTheSimChange) {
  std::set<std::string> fcc2007, fcc2024;
  for (const Paragraph& p : Paragraphs()) {
    for (std::string_view s : p.rule_sets) {
      (s == "fcc-2007" ? fcc2007 : fcc2024).insert(std::string(p.citation));
    }
  }
  EXPECT_TRUE(fcc2007.count(Cfr("2008(d)(1)")));
  EXPECT_TRUE(fcc2024.count(Cfr("2008(d)(1)")));
  EXPECT_TRUE(fcc2007.count(Cfr("2011(e)")));         // the 2007 definition
  EXPECT_TRUE(fcc2024.count(Cfr("2011(a)(3)")));      // the 2024 threshold
  EXPECT_FALSE(fcc2007.count(Cfr("2011(a)(3)")));
  EXPECT_TRUE(fcc2007.count(Usc("2(c)(2)")));
  const auto sim = FindParagraphs(Cfr("2010(h)"));
  ASSERT_EQ(sim.size(), 1u);
  EXPECT_EQ(sim[0]->enforcement, Enforcement::kEnforced);
  EXPECT_EQ(sim[0]->rule_sets, std::vector<std::string_view>{"fcc-2024"});
  EXPECT_EQ(sim[0]->text, "2023");
  EXPECT_FALSE(fcc2007.count(Cfr("2010(h)(1)")));
  EXPECT_TRUE(fcc2024.count(Cfr("2010(h)(4)")));
  // The training duty is enforced through certification readiness; (h)(8),
  // whose text was not available, is listed as not enforced and says why.
  const auto training = FindParagraphs(Cfr("2010(h)(7)"));
  ASSERT_EQ(training.size(), 1u);
  EXPECT_EQ(training[0]->enforcement, Enforcement::kEnforced);
  const auto other = FindParagraphs(Cfr("2010(h)(8)"));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0]->enforcement, Enforcement::kNotEnforced);
  EXPECT_NE(other[0]->where.find("not available"), std::string_view::npos);
  // Two texts of 64.2011(a): the 2007 one and the 2024 one.
  const auto a = FindParagraphs(Cfr("2011(a)"));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0]->text, "2007");
  EXPECT_EQ(a[1]->text, "2024");
  // A section gives its paragraphs.
  EXPECT_GE(FindParagraphs(Cfr("2005")).size(), 10u);
  EXPECT_TRUE(FindParagraphs(Cfr("2099(a)")).empty());
  // Definitions need no code, and say so.
  const auto defs = FindParagraphs(Cfr("2003(k)"));
  ASSERT_EQ(defs.size(), 1u);
  EXPECT_EQ(defs[0]->enforcement, Enforcement::kNoCodeNeeded);
  EXPECT_EQ(std::string(EnforcementName(defs[0]->enforcement)), "no code needed");
}

TEST(RulesTraceTest, NormalizeCitationAcceptsTheUsualSpellings) {
  const std::string want = Cfr("2008(d)(1)");
  for (const std::string& in :
       {"64." + std::string("2008(d)(1)"), "47 CFR 64." + std::string("2008(d)(1)"),
        "47 C.F.R. \xC2\xA7 64." + std::string("2008(d)(1)"), " 64." + std::string("2008(d)(1) ")}) {
    ASSERT_TRUE(NormalizeCitation(in).has_value()) << in;
    EXPECT_EQ(*NormalizeCitation(in), want) << in;
  }
  EXPECT_EQ(NormalizeCitation("22" + std::string("2(c)(2)")), Usc("2(c)(2)"));
  EXPECT_EQ(NormalizeCitation("47 U.S.C. 22" + std::string("2(d)(4)")), Usc("2(d)(4)"));
  EXPECT_EQ(NormalizeCitation("64." + std::string("2011")), Cfr("2011"));
  // Not citations of the subpart: refused.
  for (const std::string& bad : {std::string(""), std::string("hello"), "64." + std::string("2099(a)"),
                                 "64." + std::string("2008(d)(1) and more"),
                                 "64." + std::string("2008(D)"), std::string("2008(d)(1)")}) {
    EXPECT_FALSE(NormalizeCitation(bad).has_value()) << bad;
  }
}

TEST(RulesTraceTest, CitationContainsFollowsTheParagraphTree) {
  EXPECT_TRUE(CitationContains(Cfr("2008"), Cfr("2008(d)(1)")));
  EXPECT_TRUE(CitationContains(Cfr("2008(d)"), Cfr("2008(d)(1)")));
  EXPECT_TRUE(CitationContains(Cfr("2008(d)(1)"), Cfr("2008(d)(1)")));
  EXPECT_FALSE(CitationContains(Cfr("2008(d)(1)"), Cfr("2008(d)")));
  EXPECT_FALSE(CitationContains(Cfr("2008(c)(1)"), Cfr("2008(c)(10)")));
  EXPECT_FALSE(CitationContains(Cfr("2001"), Cfr("2011")));
}

TEST(RulesTraceTest, ScanFindsStringsCommentsAndTestNamesPerTest) {
  const std::string src =
      "// shared: 64." "2005(a)\n"
      "TEST(DecideTest, c6" "4_2008_d_2_LapsedOptOut) {\n"
      "  EXPECT_EQ(x, \"47 CFR 64." "2008(d)(2)\");\n}\n"
      "TEST_F(Fixture, Cfr6" "4_2003fFormerCustomer) { /* 64." "2008(d)(1)(i)-(ii) */ }\n"
      "TEST_P(FloorTest, c2" "22_c_2_NewCarrier) {}\n"
      "TEST(RuleSetTest, c6" "4_2011_2024_Paragraphs) {}\n"
      "INSTANTIATE_TEST_SUITE_P(Floor, FloorTest, Values(\"22" "2(d)(4)\"));\n"
      "TEST(T, Range) { // 47 CFR 64." "2001-6" "4.2011 as a whole\n}\n";
  const std::vector<std::string> got = Cites(ScanTestSource(src));
  const std::vector<std::string> want = {
      Cfr("2003(f)") + " @ Fixture.Cfr6" "4_2003fFormerCustomer",
      Cfr("2005(a)") + " @ (shared cases)",
      Cfr("2008(d)(1)(i)") + " @ Fixture.Cfr6" "4_2003fFormerCustomer",
      Cfr("2008(d)(1)(ii)") + " @ Fixture.Cfr6" "4_2003fFormerCustomer",
      Cfr("2008(d)(2)") + " @ DecideTest.c6" "4_2008_d_2_LapsedOptOut",
      Cfr("2011") + " @ RuleSetTest.c6" "4_2011_2024_Paragraphs",
      Usc("2(c)(2)") + " @ FloorTest.c2" "22_c_2_NewCarrier",
      Usc("2(d)(4)") + " @ Floor/FloorTest",
  };
  EXPECT_EQ(got, want);
}

// The check fails as it should: an enforced paragraph nobody tests, and a
// test naming a paragraph that does not exist.
TEST(RulesTraceTest, TraceProblemsNamesUntestedAndUnknownParagraphs) {
  const std::string tested = Cfr("2008(d)(1)"), untested = Cfr("2008(d)(2)"),
                    no_code = Cfr("2003(k)"), unknown = Cfr("2008(z)"), section = Cfr("2008"),
                    child = Cfr("2008(d)(2)(i)");
  std::vector<Paragraph> reg(3);
  reg[0].citation = tested;
  reg[1].citation = untested;
  reg[2].citation = no_code;
  reg[2].enforcement = Enforcement::kNoCodeNeeded;
  std::vector<TestCitation> cites = {{tested, "a_test.cc", "A.B"},
                                     {section, "a_test.cc", "A.C"},
                                     {unknown, "b_test.cc", "B.D"}};
  std::vector<std::string> problems = TraceProblems(reg, cites);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find(untested + " is enforced"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("b_test.cc: B.D cites " + unknown), std::string::npos) << problems[1];
  // A test naming a paragraph under the untested one counts for it, but a
  // paragraph the registry lacks is itself reported.
  cites.push_back({child, "c_test.cc", "C.E"});
  problems = TraceProblems(reg, cites);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[1].find("cites " + child), std::string::npos);
  EXPECT_EQ(TestsNaming(reg[0], cites), (std::vector<std::string>{"a_test.cc: A.B"}));
}

}  // namespace
}  // namespace proprio::rules
