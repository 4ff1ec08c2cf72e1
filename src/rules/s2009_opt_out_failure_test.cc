// Tests of rules/s2009_opt_out_failure: the written notice to the Commission
// of an opt-out mechanism failure, 47 CFR 64.2009(f). Every expected date is
// written by hand with the count in a comment. Zone: America/New_York (EST =
// UTC-5); a due instant is the last microsecond of the last day, local time.
#include "rules/s2009_opt_out_failure.h"

#include <gtest/gtest.h>

#include "rules/testing/rules_test_util.h"

namespace proprio::rules {
namespace {

using test_util::At;
using test_util::Rfc;
using test_util::NewYork;

RuleSet Fcc2024(Instant at) { return RuleSetFor(at, {}); }

OptOutFailureFacts Learned(Instant t) {
  OptOutFailureFacts f;
  f.learned_at = t;
  return f;
}

OptOutFailureClock Clock(const OptOutFailureFacts& f, const Policy& p = FloorPolicy()) {
  BusinessCalendar cal(NewYork(), p.Calendar());
  return ComputeOptOutFailureClock(f, Fcc2024(f.learned_at), p, cal);
}

OptOutFailureContents Complete() {
  OptOutFailureContents c;
  c.carrier_name = "Example Tel, Inc.";
  c.mechanisms = "A toll-free opt-out line and a web form";
  c.problems = "The web form discarded elections for nine days";
  c.remedy = "Form repaired; elections re-entered from the server logs";
  c.remedy_date = CivilDate{2026, 11, 30};
  c.state_commission_notified = true;
  c.state_commission_action = "none so far";
  c.customer_notice = "Dear Customer, ...";
  c.contact = "Priya Raman, Compliance, +1 202 555 0100";
  return c;
}

TEST(OptOutFailureRulesTest, c64_2009_f_FiveBusinessDaysAcrossThanksgivingAndAWeekend) {
  // Learned Wed 2026-11-25 at 23:30 EST (already Thursday in UTC). Not
  // counted: the 25th. Thu 26 Thanksgiving (holiday); Fri 27 = 1; Sat 28,
  // Sun 29 skipped; Mon 30 = 2; Tue Dec 1 = 3; Wed Dec 2 = 4; Thu Dec 3 = 5.
  const OptOutFailureClock c = Clock(Learned(At("2026-11-25T23:30:00-05:00")));
  EXPECT_EQ(c.state, NoticeState::kOpen);
  ASSERT_TRUE(c.last_day.has_value());
  EXPECT_EQ(c.last_day->ToString(), "2026-12-03");
  // The end of Thursday December 3 in New York: 23:59:59.999999 EST.
  EXPECT_EQ(Rfc(c.due), "2026-12-04T04:59:59.999999Z");
  EXPECT_EQ(*c.due, At("2026-12-03T23:59:59.999999-05:00"));
  EXPECT_EQ(c.governed_by, "rule");
  EXPECT_EQ(c.basis, (std::vector<std::string>{"47 CFR 64.2009(f)"}));
  EXPECT_NE(c.explanation.find("5 business days"), std::string::npos) << c.explanation;
  EXPECT_NE(c.explanation.find("Wed 2026-11-25 (that day not counted)"), std::string::npos)
      << c.explanation;
  EXPECT_NE(c.explanation.find("last day Thu 2026-12-03"), std::string::npos) << c.explanation;
}

TEST(OptOutFailureRulesTest, c64_2009_f_ChristmasAndNewYearAreNotCounted) {
  // Learned Wed 2026-12-23. Thu 24 = 1; Fri 25 Christmas; Mon 28 = 2; Tue 29
  // = 3; Wed 30 = 4; Thu 31 = 5 (New Year's Day, Fri Jan 1 2027, comes after).
  const OptOutFailureClock c = Clock(Learned(At("2026-12-23T09:00:00-05:00")));
  EXPECT_EQ(c.last_day->ToString(), "2026-12-31");
  // Learned Thu 2026-12-31: Fri Jan 1 holiday; Mon 4 = 1 ... Fri 8 = 5.
  EXPECT_EQ(Clock(Learned(At("2026-12-31T16:00:00-05:00"))).last_day->ToString(), "2027-01-08");
}

TEST(OptOutFailureRulesTest, c64_2009_f_LearningOnAWeekendCountsFromTheNextBusinessDay) {
  // Learned Sat 2026-11-28 (not counted, and not a business day anyway):
  // Mon 30 = 1, Tue 1 = 2, Wed 2 = 3, Thu 3 = 4, Fri Dec 4 = 5.
  EXPECT_EQ(Clock(Learned(At("2026-11-28T10:00:00-05:00"))).last_day->ToString(), "2026-12-04");
}

TEST(OptOutFailureRulesTest, c64_2009_f_CarrierClosuresDoNotLengthenTheRule) {
  // A closure on Fri 2026-11-27 would push the carrier's count to Fri Dec 4;
  // the rule's five business days are federal: still Thu Dec 3.
  Policy p = FloorPolicy();
  p.extra_closures = {CivilDate{2026, 11, 27}};
  const OptOutFailureClock c = Clock(Learned(At("2026-11-25T12:00:00-05:00")), p);
  EXPECT_EQ(c.last_day->ToString(), "2026-12-03");
  EXPECT_EQ(c.governed_by, "rule");
}

TEST(OptOutFailureRulesTest, c64_2009_f_AStricterPolicyMakesTheNoticeDueSooner) {
  // Policy 3 business days: Fri 27 = 1, Mon 30 = 2, Tue Dec 1 = 3.
  Policy p = FloorPolicy();
  p.opt_mechanism_failure_notice = {3, DayUnit::kBusiness};
  OptOutFailureClock c = Clock(Learned(At("2026-11-25T12:00:00-05:00")), p);
  EXPECT_EQ(c.last_day->ToString(), "2026-12-01");
  EXPECT_EQ(c.governed_by, "policy");
  EXPECT_EQ(c.basis, (std::vector<std::string>{"47 CFR 64.2009(f)",
                                               "policy safeguards.opt_mechanism_failure_notice"}));
  // 5 calendar days: Nov 30, a Monday, before the rule's Dec 3.
  p.opt_mechanism_failure_notice = {5, DayUnit::kCalendar};
  c = Clock(Learned(At("2026-11-25T12:00:00-05:00")), p);
  EXPECT_EQ(c.last_day->ToString(), "2026-11-30");
  EXPECT_NE(c.explanation.find("5 calendar days"), std::string::npos) << c.explanation;
}

TEST(OptOutFailureRulesTest, c64_2009_f_AnAnomalyOwesNoNotice) {
  OptOutFailureFacts f{At("2026-11-25T12:00:00-05:00"), FailureDegree::kAnomaly, std::nullopt};
  const OptOutFailureClock c = Clock(f);
  EXPECT_EQ(c.state, NoticeState::kNotRequired);
  EXPECT_FALSE(c.due.has_value());
  EXPECT_NE(c.explanation.find("anomaly"), std::string::npos);
  EXPECT_EQ(ParseFailureDegree("more_than_anomaly").value(), FailureDegree::kMoreThanAnomaly);
  auto bad = ParseFailureDegree("glitch");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "determination");
  EXPECT_NE(bad.status().message().find("47 CFR 64.2009(f)"), std::string::npos);
}

TEST(OptOutFailureRulesTest, c64_2009_f_ASentNoticeMeetsTheObligationLateOrNot) {
  OptOutFailureFacts f{At("2026-11-25T12:00:00-05:00"), FailureDegree::kMoreThanAnomaly,
                       At("2026-12-03T23:59:59-05:00")};
  OptOutFailureClock c = Clock(f);
  EXPECT_EQ(c.state, NoticeState::kMet);
  EXPECT_FALSE(c.met_late);
  f.notice_sent_at = At("2026-12-04T00:00:00-05:00");
  c = Clock(f);
  EXPECT_EQ(c.state, NoticeState::kMet);
  EXPECT_TRUE(c.met_late);
}

TEST(OptOutFailureRulesTest, c64_2009_f_1_ACompleteLetterPasses) {
  const RuleSet rs = Fcc2024(At("2026-11-25T12:00:00-05:00"));
  EXPECT_TRUE(CheckOptOutFailureNotice(Complete(), rs).ok());
  EXPECT_TRUE(MissingOptOutFailureContents(Complete(), rs).empty());
  // Not notified: no action to report.
  OptOutFailureContents c = Complete();
  c.state_commission_notified = false;
  c.state_commission_action.clear();
  EXPECT_TRUE(CheckOptOutFailureNotice(c, rs).ok());
}

TEST(OptOutFailureRulesTest, c64_2009_f_1_EachMissingItemIsNamed) {
  const RuleSet rs = Fcc2024(At("2026-11-25T12:00:00-05:00"));
  struct Missing {
    const char* field;
    void (*clear)(OptOutFailureContents&);
  };
  const Missing cases[] = {
      {"carrier_name", [](OptOutFailureContents& c) { c.carrier_name.clear(); }},
      {"mechanisms", [](OptOutFailureContents& c) { c.mechanisms.clear(); }},
      {"problems", [](OptOutFailureContents& c) { c.problems.clear(); }},
      {"remedy", [](OptOutFailureContents& c) { c.remedy.clear(); }},
      {"remedy_date", [](OptOutFailureContents& c) { c.remedy_date = CivilDate{}; }},
      {"state_commission_notified",
       [](OptOutFailureContents& c) { c.state_commission_notified.reset(); }},
      {"state_commission_action",
       [](OptOutFailureContents& c) { c.state_commission_action.clear(); }},
      {"customer_notice", [](OptOutFailureContents& c) { c.customer_notice.clear(); }},
      {"contact", [](OptOutFailureContents& c) { c.contact.clear(); }},
  };
  for (const Missing& m : cases) {
    OptOutFailureContents c = Complete();
    m.clear(c);
    const Status st = CheckOptOutFailureNotice(c, rs);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << m.field;
    EXPECT_EQ(st.field(), m.field);
    EXPECT_NE(st.message().find("47 CFR 64.2009(f)(1)"), std::string::npos) << st.message();
  }
  // All of them at once, in the rule's order.
  const auto gaps = MissingOptOutFailureContents(OptOutFailureContents{}, rs);
  std::vector<std::string> fields;
  for (const auto& g : gaps) fields.push_back(g.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"carrier_name", "mechanisms", "problems", "remedy",
                                              "remedy_date", "state_commission_notified",
                                              "customer_notice", "contact"}));
  EXPECT_EQ(gaps[0].citation, "47 CFR 64.2009(f)(1)");
}

TEST(OptOutFailureRulesTest, c64_2009_f_2_CitedFromTheRuleSetTable) {
  for (const char* name : {"fcc-2007", "fcc-2024"}) {
    const RuleSet rs = *RuleSetByName(name, At("2026-11-25T12:00:00-05:00"), {});
    EXPECT_EQ(rs.Cite(kOptOutFailureRule), "47 CFR 64.2009(f)");
    EXPECT_EQ(rs.Cite(kOptOutFailureContentsRule), "47 CFR 64.2009(f)(1)");
    EXPECT_EQ(rs.Cite(kOptOutFailureOtherMethodsRule), "47 CFR 64.2009(f)(2)");
  }
}

}  // namespace
}  // namespace proprio::rules
