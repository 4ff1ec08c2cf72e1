// Tests of rules/rule_set.h: which set is in force when, and its data.
#include "rules/rule_set.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rules/testing/rules_test_util.h"

namespace proprio::rules {
namespace {

using test_util::At;

TEST(RuleSetTest, SeedFilingYearUsesFcc2007) {
  const RuleSet rs = RuleSetFor(At("2013-02-06T12:00:00Z"), {});
  EXPECT_EQ(rs.name, "fcc-2007");
  EXPECT_EQ(rs.breach.regime, BreachRegime::k2007);
  EXPECT_EQ(rs.effective, (CivilDate{2007, 12, 8}));
}

TEST(RuleSetTest, SwitchesTo2024AtMidnightEasternOnMarch13) {
  // 2024-03-13 00:00 EDT (DST began 2024-03-10) = 04:00Z.
  EXPECT_EQ(RuleSetFor(At("2024-03-13T03:59:59.999999Z"), {}).name, "fcc-2007");
  EXPECT_EQ(RuleSetFor(At("2024-03-13T04:00:00Z"), {}).name, "fcc-2024");
  EXPECT_EQ(RuleSetFor(At("2024-03-12T23:59:59-04:00"), {}).name, "fcc-2007");
  EXPECT_EQ(RuleSetFor(At("2024-03-13T00:00:00-04:00"), {}).name, "fcc-2024");
  EXPECT_EQ(FederalEffectiveInstant(kFcc2024Effective), At("2024-03-13T04:00:00Z"));
}

TEST(RuleSetTest, Fcc2024Keeps2007BreachRulesUntilTheDateIsConfigured) {
  const RuleSet rs = RuleSetFor(At("2025-10-01T00:00:00Z"), {});
  EXPECT_EQ(rs.name, "fcc-2024");
  EXPECT_FALSE(rs.breach_2024_effective.has_value());
  EXPECT_EQ(rs.breach.regime, BreachRegime::k2007);
  EXPECT_FALSE(rs.breach.notify_fcc);
  ASSERT_TRUE(rs.breach.customer_wait.has_value());
  EXPECT_EQ(*rs.breach.customer_wait, (DayCount{7, DayUnit::kBusiness}));
  EXPECT_NE(rs.Find("breach.customer_wait"), nullptr);
  EXPECT_EQ(rs.Find("breach.customer_wait")->citation, "47 CFR 64.2011(b)(1)");
}

TEST(RuleSetTest, ConfiguredBreachDateSwitchesTo2024BreachRules) {
  RuleConfig config;
  config.breach_2024_effective = CivilDate{2026, 1, 5};
  ASSERT_TRUE(ValidateRuleConfig(config).ok());
  // 2026-01-05 00:00 EST = 05:00Z.
  const RuleSet before = RuleSetFor(At("2026-01-05T04:59:59Z"), config);
  EXPECT_EQ(before.breach.regime, BreachRegime::k2007);
  const RuleSet after = RuleSetFor(At("2026-01-05T05:00:00Z"), config);
  EXPECT_EQ(after.name, "fcc-2024");
  EXPECT_EQ(after.breach.regime, BreachRegime::k2024);
  EXPECT_TRUE(after.breach.notify_fcc);
  EXPECT_TRUE(after.breach.covers_pii);
  EXPECT_TRUE(after.breach.covers_inadvertent);
  EXPECT_EQ(after.breach.agency_notice, (DayCount{7, DayUnit::kBusiness}));
  EXPECT_FALSE(after.breach.customer_wait.has_value());
  ASSERT_TRUE(after.breach.customer_deadline.has_value());
  EXPECT_EQ(*after.breach.customer_deadline, (DayCount{30, DayUnit::kCalendar}));
  EXPECT_EQ(after.breach.agency_threshold_customers, 500);
  ASSERT_TRUE(after.breach.annual_summary_due.has_value());
  EXPECT_EQ(*after.breach.annual_summary_due, (MonthDay{2, 1}));
  EXPECT_EQ(after.breach.record_retention_years, 2);
  EXPECT_EQ(after.Find("breach.customer_wait"), nullptr);
  const Rule* threshold = after.Find("breach.threshold");
  ASSERT_NE(threshold, nullptr);
  EXPECT_TRUE(threshold->effective_on_announcement);
  // The configured date never changes the rule set before March 13 2024.
  EXPECT_EQ(RuleSetFor(At("2020-01-01T00:00:00Z"), config).name, "fcc-2007");
}

TEST(RuleSetTest, ConfigBeforeTheOrderIsRefused) {
  RuleConfig config;
  config.breach_2024_effective = CivilDate{2024, 3, 12};
  const Status s = ValidateRuleConfig(config);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.field(), "breach_2024_effective");
  config.breach_2024_effective = CivilDate{2024, 2, 30};
  EXPECT_FALSE(ValidateRuleConfig(config).ok());
  EXPECT_TRUE(ValidateRuleConfig({}).ok());
}

TEST(RuleSetTest, WhatIfByName) {
  Result<RuleSet> rs = RuleSetByName("fcc-2007", At("2025-01-01T00:00:00Z"), {});
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->name, "fcc-2007");
  Result<RuleSet> rs24 = RuleSetByName("fcc-2024", At("2013-01-01T00:00:00Z"), {});
  ASSERT_TRUE(rs24.ok());
  EXPECT_EQ(rs24->name, "fcc-2024");
  Result<RuleSet> bad = RuleSetByName("fcc-1996", At("2013-01-01T00:00:00Z"), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "rule_set");
  EXPECT_NE(bad.status().message().find("fcc-1996"), std::string::npos);
  EXPECT_EQ(RuleSetNames().size(), 2u);
}

TEST(RuleSetTest, ApprovalAndSafeguardData) {
  for (const char* when : {"2013-01-01T00:00:00Z", "2025-01-01T00:00:00Z"}) {
    const RuleSet rs = RuleSetFor(At(when), {});
    EXPECT_EQ(rs.approval.opt_out_wait_days, 30);
    EXPECT_EQ(rs.approval.mail_extra_days, 3);
    EXPECT_EQ(rs.approval.opt_out_renewal_months, 24);
    EXPECT_EQ(rs.approval.approval_record_years, 1);
    EXPECT_EQ(rs.approval.notice_record_years, 1);
    EXPECT_EQ(rs.safeguards.opt_out_failure_notice, (DayCount{5, DayUnit::kBusiness}));
    EXPECT_EQ(rs.safeguards.certification_due, (MonthDay{3, 1}));
    EXPECT_EQ(rs.breach.agency_notice, (DayCount{7, DayUnit::kBusiness}));
    EXPECT_EQ(rs.breach.record_retention_years, 2);
  }
}

TEST(RuleSetTest, EveryRuleHasIdCitationDateAndSummary) {
  RuleConfig config;
  config.breach_2024_effective = CivilDate{2026, 1, 5};
  for (const char* when : {"2013-01-01T00:00:00Z", "2025-01-01T00:00:00Z",
                           "2027-01-01T00:00:00Z"}) {
    const RuleSet rs = RuleSetFor(At(when), config);
    std::set<std::string_view> ids;
    for (auto list : {rs.rules, rs.breach_rules}) {
      for (const Rule& r : list) {
        EXPECT_FALSE(r.id.empty());
        EXPECT_TRUE(r.citation.starts_with("47 ")) << r.id;
        EXPECT_FALSE(r.summary.empty()) << r.id;
        EXPECT_TRUE(r.effective.Valid()) << r.id;
        EXPECT_TRUE(ids.insert(r.id).second) << "duplicate id " << r.id;
      }
    }
    EXPECT_NE(rs.Find("use.no_tracking_competitors"), nullptr);
    EXPECT_EQ(rs.Find("no.such.rule"), nullptr);
  }
}


// 64.2011 as amended (FCC 23-111, 89 FR 9968): notice to the Commission and
// law enforcement is (a), its contents (a)(1), an agency's delay (a)(2), the
// small no-harm exception with the annual summary (a)(3), customer notice (b).
// Every citation comes from the table; the regime is named in words.
TEST(RuleSetTest, c64_2011_2024_ParagraphsFollowThePublishedText) {
  RuleConfig config;
  config.breach_2024_effective = CivilDate{2026, 1, 5};
  const RuleSet rs = RuleSetFor(At("2026-02-01T00:00:00Z"), config);
  ASSERT_EQ(rs.breach.regime, BreachRegime::k2024);
  EXPECT_EQ(rs.Cite("breach.agency_notice"), "47 CFR 64.2011(a)");
  EXPECT_EQ(rs.Cite("breach.agency_report_contents"), "47 CFR 64.2011(a)(1)");
  EXPECT_EQ(rs.Cite("breach.agency_delay"), "47 CFR 64.2011(a)(2)");
  EXPECT_EQ(rs.Cite("breach.threshold"), "47 CFR 64.2011(a)(3)");
  EXPECT_EQ(rs.Cite("breach.customer_notice"), "47 CFR 64.2011(b)");
  EXPECT_EQ(rs.Cite("breach.records"), "47 CFR 64.2011(c)");
  // No 2007 wait under the amended rule: the section in words.
  EXPECT_EQ(rs.Cite("breach.customer_wait"), "47 CFR 64.2011 as amended in 2024");
  EXPECT_EQ(rs.breach.citation, "47 CFR 64.2011 as amended in 2024");
  EXPECT_EQ(CiteBreachRule(BreachRegime::k2024, "breach.customer_notice"), "47 CFR 64.2011(b)");

  const RuleSet old = RuleSetFor(At("2025-02-01T00:00:00Z"), {});
  ASSERT_EQ(old.breach.regime, BreachRegime::k2007);
  EXPECT_EQ(old.Cite("breach.agency_notice"), "47 CFR 64.2011(b)");
  EXPECT_EQ(old.Cite("breach.agency_delay"), "47 CFR 64.2011(b)(3)");
  EXPECT_EQ(old.Cite("breach.customer_notice"), "47 CFR 64.2011(c)");
  EXPECT_EQ(old.breach.citation, "47 CFR 64.2011 (2007)");
  EXPECT_EQ(BreachRegimeTitle("2024"), "47 CFR 64.2011 as amended in 2024");
  EXPECT_EQ(BreachRegimeTitle("2007"), "47 CFR 64.2011 (2007)");
  // Rules outside 64.2011 come from the same place.
  EXPECT_EQ(old.Cite("notice.opt_out.renewal"), "47 CFR 64.2008(d)(2)");
}

}  // namespace
}  // namespace proprio::rules
