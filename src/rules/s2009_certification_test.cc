// Tests of rules/s2009_certification: the annual certification of 47 CFR
// 64.2009(e), its due date under 47 CFR 1.4(j), and training under 64.2009(b).
#include "rules/s2009_certification.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace proprio::rules {
namespace {

std::string Joined(const std::vector<StatementClause>& clauses) {
  std::string all;
  for (const auto& c : clauses) all += c.heading + "\n" + c.text + "\n";
  return all;
}

Policy SeedPolicy() {
  std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
  std::stringstream text;
  text << in.rdbuf();
  auto p = ParsePolicy(text.str());
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : Policy{};
}

TEST(CertificationRulesTest, c64_2009_e_DueOnMarch1ForThePreviousYear) {
  // March 1, 2024 was a Friday; March 1, 2027 is a Monday.
  EXPECT_EQ(CertificationDueDate(2023).ToString(), "2024-03-01");
  EXPECT_EQ(CertificationDueDate(2026).ToString(), "2027-03-01");
}

TEST(CertificationRulesTest, c1_4_j_DueDateOnAWeekendMovesToTheNextBusinessDay) {
  // March 1, 2025 was a Saturday; March 1, 2026 a Sunday (REGULATIONS.md).
  EXPECT_EQ(CertificationDueDate(2024).ToString(), "2025-03-03");
  EXPECT_EQ(CertificationDueDate(2025).ToString(), "2026-03-02");
  // 2020-03-01 was a Sunday as well.
  EXPECT_EQ(CertificationDueDate(2019).ToString(), "2020-03-02");
}

TEST(CertificationRulesTest, c64_2009_e_YearMustHaveEnded) {
  const CivilDate today{2026, 12, 4};
  EXPECT_TRUE(ValidateCertificationYear(2025, today).ok());
  EXPECT_TRUE(ValidateCertificationYear(2007, today).ok());
  Status current = ValidateCertificationYear(2026, today);
  EXPECT_EQ(current.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(current.field(), "year");
  EXPECT_NE(current.message().find("has not ended"), std::string::npos);
  EXPECT_NE(current.message().find("47 CFR 64.2009(e)"), std::string::npos);
  EXPECT_NE(current.message().find("2025"), std::string::npos);
  EXPECT_EQ(ValidateCertificationYear(2031, today).field(), "year");
  Status early = ValidateCertificationYear(2006, today);
  EXPECT_EQ(early.field(), "year");
  EXPECT_NE(early.message().find("2007"), std::string::npos);
}

TEST(CertificationRulesTest, c64_2009_e_ComplaintCategoriesOfTheBureauTemplate) {
  for (int i = 0; i < kComplaintCategoryCount; ++i) {
    const auto c = static_cast<ComplaintCategory>(i);
    auto back = ParseComplaintCategory(ComplaintCategoryName(c));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, c);
  }
  EXPECT_STREQ(ComplaintCategoryTitle(ComplaintCategory::kEmployeeAccess),
               "Instances of improper access by employees");
  auto bad = ParseComplaintCategory("rudeness");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "category");
  EXPECT_NE(bad.status().message().find("rudeness"), std::string::npos);
  EXPECT_NE(bad.status().message().find("online_access"), std::string::npos);
}

TEST(CertificationRulesTest, c64_2009_e_BrokerForumsAreCourtStateCommissionOrFcc) {
  EXPECT_EQ(*ParseBrokerForum("court"), BrokerForum::kCourt);
  EXPECT_EQ(*ParseBrokerForum("state_commission"), BrokerForum::kStateCommission);
  EXPECT_EQ(*ParseBrokerForum("fcc"), BrokerForum::kFcc);
  auto bad = ParseBrokerForum("arbitration");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "forum");
}

TEST(CertificationRulesTest, c64_2009_b_TrainingDueAtHireAndEachIntervalAfter) {
  Policy p;
  p.training_at_hire = true;
  p.training_interval_months = 12;
  const CivilDate hired{2024, 5, 6};
  EXPECT_EQ(TrainingDueOn(p, hired, std::nullopt)->ToString(), "2024-05-06");
  EXPECT_EQ(TrainingDueOn(p, CivilDate{}, std::nullopt)->ToString(), "1970-01-01");
  EXPECT_EQ(TrainingDueOn(p, hired, CivilDate{2025, 2, 10})->ToString(), "2026-02-10");
  // The month's last day when the day does not exist.
  p.training_interval_months = 1;
  EXPECT_EQ(TrainingDueOn(p, hired, CivilDate{2024, 1, 31})->ToString(), "2024-02-29");
  EXPECT_EQ(TrainingDueOn(p, hired, CivilDate{2024, 12, 31})->ToString(), "2025-01-31");
  // Training at hire only: nothing after the first.
  p.training_interval_months = 0;
  EXPECT_FALSE(TrainingDueOn(p, hired, CivilDate{2024, 6, 1}).has_value());
  // The floor names no schedule: nothing is due.
  EXPECT_FALSE(TrainingDueOn(Policy{}, hired, std::nullopt).has_value());
}

TEST(CertificationRulesTest, c64_2009_e_GapsNameWhatIsMissing) {
  CertificationFacts f;
  f.year = 2025;
  f.staff_training_overdue = 1;
  f.breach_cases_overdue = 2;
  f.complaints_open = 3;
  f.already_signed = true;
  const auto gaps = CertificationGaps(f);
  std::vector<std::string> fields;
  for (const auto& g : gaps) fields.push_back(g.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"officer", "policy", "training", "breach",
                                              "complaints", "pretexters", "signed"}));
  EXPECT_EQ(gaps[2].citation, "47 CFR 64.2009(b)");
  EXPECT_NE(gaps[2].message.find("1 staff member is overdue"), std::string::npos);
  EXPECT_NE(gaps[3].message.find("2 breach cases have"), std::string::npos);
  EXPECT_EQ(gaps[0].citation, "47 CFR 64.2009(e)");

  CertificationFacts ready{.year = 2025, .policy_set = true, .signatory_officers = 1,
                           .pretexter_summary = true};
  EXPECT_TRUE(CertificationGaps(ready).empty());
}

TEST(CertificationRulesTest, c64_2009_e_StatementFromTheSeedPolicy) {
  const Policy seed = SeedPolicy();
  const RuleSet rs = RuleSetFor(UtcMidnight(CivilDate{2025, 6, 1}), RuleConfig{});
  const auto clauses = AccompanyingStatement("Fusion Telecommunications International, Inc.", seed, rs);
  const std::string all = Joined(clauses);
  // Each clause of the seed's Statement of Policy, from the policy's values.
  EXPECT_NE(all.find("opt-in approval in every case"), std::string::npos);               // 7.A
  EXPECT_NE(all.find("does not market, share or otherwise sell CPNI to any third party"),
            std::string::npos);                                                          // 6
  EXPECT_NE(all.find("express written authorization"), std::string::npos);              // 5
  EXPECT_NE(all.find("confidentiality agreement that ensures compliance"), std::string::npos);  // 4
  EXPECT_NE(all.find("Dealers and agents acknowledge and certify"), std::string::npos);  // 4
  EXPECT_NE(all.find("upon employment and annually thereafter"), std::string::npos);     // 3
  EXPECT_NE(all.find("Personnel release no CPNI on a customer-initiated telephone call"),
            std::string::npos);                                                          // 3.A
  EXPECT_NE(all.find("the General Counsel"), std::string::npos);                         // 9
  EXPECT_NE(all.find("services formerly known as adjunct-to-basic"), std::string::npos);  // 3.B
  EXPECT_EQ(all.find("64.2005(b)(1) permits"), std::string::npos);  // not a carve-out the seed keeps
  EXPECT_NE(all.find("seven (7) business days"), std::string::npos);                     // 2.A, 2.B
  EXPECT_NE(all.find("immediate risk of irreparable harm"), std::string::npos);          // 2.C
  EXPECT_NE(all.find("at least 2 years"), std::string::npos);                            // 2
  EXPECT_NE(all.find("five (5) business days"), std::string::npos);                      // 12
  EXPECT_NE(all.find("dedicated account representative"), std::string::npos);           // 11
  EXPECT_NE(all.find("address of record"), std::string::npos);                           // 10
  // Every clause cites the rules it answers to.
  for (const auto& c : clauses) EXPECT_FALSE(c.citations.empty()) << c.heading;
}

TEST(CertificationRulesTest, c64_2011_StatementFollowsTheBreachRuleInForce) {
  const Policy floor;
  RuleConfig config;
  config.breach_2024_effective = CivilDate{2024, 3, 13};
  const RuleSet rs2024 = RuleSetFor(UtcMidnight(CivilDate{2025, 6, 1}), config);
  const std::string all = Joined(AccompanyingStatement("Carrier", floor, rs2024));
  EXPECT_NE(all.find("notifies the Commission, the United States Secret Service"),
            std::string::npos);
  EXPECT_NE(all.find("within thirty (30) days"), std::string::npos);
  EXPECT_EQ(all.find("waits a further"), std::string::npos);
  const RuleSet rs2007 = RuleSetFor(UtcMidnight(CivilDate{2025, 6, 1}), RuleConfig{});
  const auto c2007 = AccompanyingStatement("Carrier", floor, rs2007);
  EXPECT_NE(Joined(c2007).find("waits a further seven (7) business days"), std::string::npos);
  EXPECT_EQ(c2007.back().citations, std::vector<std::string>{"47 CFR 64.2009(f)"});
}

TEST(CertificationRulesTest, c64_2009_e_OfficerCertifiesPersonalKnowledge) {
  const std::string text = OfficerCertificationText("Don Hutchins", "Fusion");
  EXPECT_EQ(text.rfind("I, Don Hutchins, certify that I am an officer of Fusion", 0), 0u);
  EXPECT_NE(text.find("personal knowledge"), std::string::npos);
  EXPECT_NE(text.find("adequate to ensure compliance"), std::string::npos);
}

// 64.2010(h)(7): staff who take customers' calls and visits without SIM
// change training are a gap once the SIM change rules apply, and only then.
TEST(CertificationRulesTest, c64_2010_h_7_SimChangeTrainingIsAGap) {
  CertificationFacts f;
  f.year = 2026;
  f.policy_set = true;
  f.signatory_officers = 1;
  f.pretexter_summary = true;
  f.sim_training_missing = 2;
  EXPECT_TRUE(CertificationGaps(f).empty());  // the rules do not apply yet
  f.sim_training_applies = true;
  const auto gaps = CertificationGaps(f);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].field, "sim_training");
  EXPECT_EQ(gaps[0].citation, "47 CFR 64.2010(h)(7)");
  EXPECT_NE(gaps[0].message.find("2 staff members who take customers' calls or visits have not"),
            std::string::npos)
      << gaps[0].message;
  f.sim_training_missing = 0;
  EXPECT_TRUE(CertificationGaps(f).empty());
}

}  // namespace
}  // namespace proprio::rules
