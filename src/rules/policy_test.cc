// Tests of rules/policy.h: the TOML schema, the floor check, the seed policy.
#include "rules/policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace proprio::rules {
namespace {

std::string SeedPolicyText() {
  std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr const char* kMinimal = "name = \"Test\"\nversion = 3\n";

void ExpectRefused(const std::string& text, const std::string& field, const std::string& needle) {
  Result<Policy> p = ParsePolicy(text);
  ASSERT_FALSE(p.ok()) << "accepted:\n" << text;
  EXPECT_TRUE(p.status().IsInvalidArgument());
  EXPECT_EQ(p.status().field(), field) << p.status().message();
  EXPECT_NE(p.status().message().find(needle), std::string::npos) << p.status().message();
}

TEST(PolicyTest, MinimalPolicyIsTheFloor) {
  Result<Policy> p = ParsePolicy(kMinimal);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Policy want = FloorPolicy();
  want.name = "Test";
  want.version = 3;
  EXPECT_EQ(*p, want);
  EXPECT_TRUE(ValidatePolicy(FloorPolicy()).ok());
  EXPECT_TRUE(FloorViolations(FloorPolicy()).empty());
}

TEST(PolicyTest, SeedCarrierPolicyLoadsClauseByClause) {
  const std::string text = SeedPolicyText();
  ASSERT_FALSE(text.empty()) << "policies/examples/seed-carrier.toml not found";
  Result<Policy> p = ParsePolicy(text);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->version, 1);
  EXPECT_NE(p->name.find("Fusion"), std::string::npos);
  // Clause 7.A: opt-in only.
  EXPECT_EQ(p->approval_mode, ApprovalMode::kOptInOnly);
  // Clause 8: approval records one year.
  EXPECT_EQ(p->approval_record_years, 1);
  // Clause 3.B: the listed carve-outs only.
  EXPECT_TRUE(p->uses_without_approval.Has(Purpose::kInboundTelemarketing));
  EXPECT_TRUE(p->uses_without_approval.Has(Purpose::kMarketingSameCategory));
  EXPECT_TRUE(p->uses_without_approval.Has(Purpose::kMarketingAdjunctToBasic));
  EXPECT_TRUE(p->uses_without_approval.Has(Purpose::kInsideWiring));
  EXPECT_FALSE(p->uses_without_approval.Has(Purpose::kMarketingCpeInfoServices));
  EXPECT_FALSE(p->uses_without_approval.Has(Purpose::kCmrsHealthResearch));
  // Clauses 4, 5, 6.
  EXPECT_EQ(p->third_parties, ThirdPartySharing::kNever);
  EXPECT_TRUE(p->new_carrier_requires_written_authorization);
  EXPECT_TRUE(p->jv_contractor_requires_confidentiality_agreement);
  EXPECT_TRUE(p->jv_contractor_requires_opt_in);
  EXPECT_TRUE(p->agent_requires_limited_use_certification);
  EXPECT_TRUE(p->dealer_requires_limited_use_certification);  // clause 4: "Dealers and Agents"
  // Clauses 3.A, 11.
  EXPECT_TRUE(p->phone_requires_password_for_all_cpni);
  EXPECT_TRUE(p->business_customer_alternative_authentication);
  // Clause 2.
  EXPECT_EQ(p->breach_agency_notice, (DayCount{7, DayUnit::kCalendar}));
  EXPECT_EQ(p->breach_customer_wait, (DayCount{7, DayUnit::kBusiness}));
  EXPECT_TRUE(p->breach_urgent_notice_requires_agency_consultation);
  EXPECT_EQ(p->breach_record_years, 2);
  // Clauses 3, 9, 12.
  EXPECT_EQ(p->opt_mechanism_failure_notice, (DayCount{5, DayUnit::kBusiness}));
  EXPECT_EQ(p->outbound_marketing_approver, "general_counsel");
  EXPECT_TRUE(p->training_at_hire);
  EXPECT_EQ(p->training_interval_months, 12);
  EXPECT_FALSE(p->inauguration_day);
}

TEST(PolicyTest, SeedClause2BReadAsCalendarDaysIsRefused) {
  // "Fusion shall wait an additional seven (7) days from its government
  // notice": as calendar days this can end before 7 full business days.
  std::string text = SeedPolicyText();
  const std::string from = "customer_wait = { days = 7, unit = \"business\" }";
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "customer_wait = { days = 7, unit = \"calendar\" }");
  ExpectRefused(text, "breach.customer_wait", "47 CFR 64.2011(b)(1)");
}

TEST(PolicyTest, CanonicalTomlRoundTrips) {
  Result<Policy> seed = ParsePolicy(SeedPolicyText());
  ASSERT_TRUE(seed.ok());
  seed->extra_closures = {CivilDate{2018, 12, 5}, CivilDate{2025, 1, 9}};
  // One closure at a time moves 4 business days no later than the rule's 5.
  seed->opt_mechanism_failure_notice = {4, DayUnit::kBusiness};
  seed->name = "Quote \" and backslash \\ in a name";
  const std::string text = PolicyToToml(*seed);
  Result<Policy> back = ParsePolicy(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
  EXPECT_EQ(*back, *seed);

  Policy floor = FloorPolicy();
  floor.version = 1;
  Result<Policy> floor_back = ParsePolicy(PolicyToToml(floor));
  ASSERT_TRUE(floor_back.ok()) << floor_back.status().ToString();
  EXPECT_EQ(*floor_back, floor);
}

TEST(PolicyTest, StricterValuesAreAccepted) {
  const std::string text = std::string(kMinimal) +
                           "[approval]\nopt_out_wait_days = 45\nmail_extra_days = 5\n"
                           "opt_out_renewal_months = 12\napproval_record_years = 3\n"
                           "[breach]\nagency_notice = { days = 3, unit = \"business\" }\n"
                           "customer_wait = { days = 10, unit = \"business\" }\n"
                           "customer_deadline = { days = 20, unit = \"calendar\" }\n"
                           "record_retention_years = 5\n"
                           "[safeguards]\nopt_mechanism_failure_notice = { days = 5, unit = "
                           "\"calendar\" }\n"
                           "[calendar]\ninauguration_day = true\n"
                           "extra_closures = [2018-12-05, \"2025-01-09\"]\n";
  Result<Policy> p = ParsePolicy(text);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->opt_out_wait_days, 45);
  EXPECT_EQ(p->opt_out_renewal_months, 12);
  EXPECT_EQ(p->extra_closures.size(), 2u);
  EXPECT_EQ(p->extra_closures[1], (CivilDate{2025, 1, 9}));
  const CalendarOptions cal = p->Calendar();
  EXPECT_TRUE(cal.holidays.inauguration_day);
  EXPECT_EQ(cal.extra_closures.size(), 2u);
}

// One looser value per rule, each refused with the citation it would break.
struct LooserCase {
  const char* name;
  const char* toml;  // appended to kMinimal
  const char* field;
  const char* citation;
};

class LooserPolicyTest : public ::testing::TestWithParam<LooserCase> {};

TEST_P(LooserPolicyTest, RefusedNamingTheRule) {
  const LooserCase& c = GetParam();
  ExpectRefused(std::string(kMinimal) + c.toml, c.field, c.citation);
  // The position of the offending value is given.
  Result<Policy> p = ParsePolicy(std::string(kMinimal) + c.toml);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("line "), std::string::npos) << p.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Floor, LooserPolicyTest,
    ::testing::Values(
        LooserCase{"c64_2008_d_1_WaitShorterThan30", "[approval]\nopt_out_wait_days = 29\n",
                   "approval.opt_out_wait_days", "47 CFR 64.2008(d)(1)"},
        LooserCase{"c64_2008_d_1_ii_MailDays", "[approval]\nmail_extra_days = 2\n",
                   "approval.mail_extra_days", "47 CFR 64.2008(d)(1)(ii)"},
        LooserCase{"c64_2008_d_2_Renewal", "[approval]\nopt_out_renewal_months = 25\n",
                   "approval.opt_out_renewal_months", "47 CFR 64.2008(d)(2)"},
        LooserCase{"c64_2007_a_3_ApprovalRecords", "[approval]\napproval_record_years = 0\n",
                   "approval.approval_record_years", "47 CFR 64.2007(a)(3)"},
        LooserCase{"c64_2008_a_2_NoticeRecords", "[approval]\nnotice_record_years = 0\n",
                   "approval.notice_record_years", "47 CFR 64.2008(a)(2)"},
        LooserCase{"c64_2005_b_OtherCategoryWithoutApproval",
                   "[uses_without_approval]\npurposes = [\"marketing_other_category\"]\n",
                   "uses_without_approval.purposes[0]", "47 CFR 64.2005(b)"},
        LooserCase{"c64_2005_b_2_TrackingCompetitors",
                   "[uses_without_approval]\npurposes = [\"inside_wiring\", "
                   "\"track_competing_callers\"]\n",
                   "uses_without_approval.purposes[1]", "47 CFR 64.2005(b)(2)"},
        LooserCase{"c64_2007_b_ResearchWithoutApproval",
                   "[uses_without_approval]\npurposes = [\"research\"]\n",
                   "uses_without_approval.purposes[0]", "47 CFR 64.2007(b)"},
        LooserCase{"c64_2011_b_AgencyNoticeBusiness",
                   "[breach]\nagency_notice = { days = 8, unit = \"business\" }\n",
                   "breach.agency_notice", "47 CFR 64.2011(b)"},
        LooserCase{"c64_2011_b_AgencyNoticeCalendar",
                   "[breach]\nagency_notice = { days = 10, unit = \"calendar\" }\n",
                   "breach.agency_notice", "47 CFR 64.2011(b)"},
        LooserCase{"c64_2011_b_1_CustomerWaitShort",
                   "[breach]\ncustomer_wait = { days = 6, unit = \"business\" }\n",
                   "breach.customer_wait", "47 CFR 64.2011(b)(1)"},
        LooserCase{"c64_2011_b_1_CustomerWaitCalendar",
                   "[breach]\ncustomer_wait = { days = 9, unit = \"calendar\" }\n",
                   "breach.customer_wait", "47 CFR 64.2011(b)(1)"},
        LooserCase{"c64_2011_b_2_UrgentWithoutConsultation",
                   "[breach]\nurgent_notice_requires_agency_consultation = false\n",
                   "breach.urgent_notice_requires_agency_consultation",
                   "47 CFR 64.2011(b)(2)"},
        LooserCase{"c64_2011_b_2024_CustomerDeadlineLong",
                   "[breach]\ncustomer_deadline = { days = 31, unit = \"calendar\" }\n",
                   "breach.customer_deadline", "47 CFR 64.2011(b)"},
        LooserCase{"c64_2011_b_2024_CustomerDeadlineBusiness",
                   "[breach]\ncustomer_deadline = { days = 30, unit = \"business\" }\n",
                   "breach.customer_deadline", "47 CFR 64.2011(b)"},
        LooserCase{"c64_2011_d_BreachRecords", "[breach]\nrecord_retention_years = 1\n",
                   "breach.record_retention_years", "47 CFR 64.2011(d)"},
        LooserCase{"c64_2009_f_FailureNotice",
                   "[safeguards]\nopt_mechanism_failure_notice = { days = 6, unit = "
                   "\"business\" }\n",
                   "safeguards.opt_mechanism_failure_notice", "47 CFR 64.2009(f)"},
        LooserCase{"c64_2009_c_CampaignRecords", "[safeguards]\ncampaign_record_years = 0\n",
                   "safeguards.campaign_record_years", "47 CFR 64.2009(c)"},
        LooserCase{"c64_2009_d_SupervisoryRecords",
                   "[safeguards]\nsupervisory_record_years = 0\n",
                   "safeguards.supervisory_record_years", "47 CFR 64.2009(d)"},
        LooserCase{"c64_2010_f_AccountChangeNotice",
                   "[safeguards]\naccount_change_notice = \"within 30 days\"\n",
                   "safeguards.account_change_notice", "47 CFR 64.2010(f)"},
        LooserCase{"c64_2010_h_WirelessProviderProtections",
                   "[sim_change]\nprotections = false\n", "sim_change.protections",
                   "47 CFR 64.2010(h)"},
        LooserCase{"c64_2010_h_5_SimRecords", "[sim_change]\nrecord_years = 2\n",
                   "sim_change.record_years", "47 CFR 64.2010(h)(5)"}),
    [](const ::testing::TestParamInfo<LooserCase>& param_info) { return param_info.param.name; });

TEST(PolicyTest, FloorViolationsListsEveryProblem) {
  Policy p = FloorPolicy();
  p.opt_out_wait_days = 10;
  p.breach_record_years = 1;
  p.uses_without_approval.Add(Purpose::kTrackCompetingCallers);
  const std::vector<PolicyViolation> v = FloorViolations(p);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].citation, "47 CFR 64.2008(d)(1)");
  EXPECT_EQ(v[1].citation, "47 CFR 64.2005(b)(2)");
  EXPECT_EQ(v[2].citation, "47 CFR 64.2011(d)");
  const Status s = ValidatePolicy(p);
  EXPECT_EQ(s.field(), "approval.opt_out_wait_days");
}

// ---- malformed input, each with its own clear error ----

TEST(PolicyTest, NotToml) {
  ExpectRefused("name = \"x\"\nversion = \n", "policy", "line 2");
  ExpectRefused("name = \"unterminated\nversion = 1\n", "policy", "not valid TOML");
  ExpectRefused("[approval\n", "policy", "line 1");
}

TEST(PolicyTest, MissingNameOrVersion) {
  ExpectRefused("version = 1\n", "name", "required");
  ExpectRefused("name = \"x\"\n", "version", "required");
  ExpectRefused("name = \"\"\nversion = 1\n", "name", "1 to 200 bytes");
  ExpectRefused("name = \"x\"\nversion = 0\n", "version", ">= 1");
}

TEST(PolicyTest, UnknownKeysAndTables) {
  ExpectRefused(std::string(kMinimal) + "colour = \"blue\"\n", "colour", "unknown key");
  ExpectRefused(std::string(kMinimal) + "[approval]\nmode = \"floor\"\nwait = 30\n",
                "approval.wait", "unknown key");
  ExpectRefused(std::string(kMinimal) + "[marketing]\nx = 1\n", "marketing", "known: name");
  ExpectRefused(std::string(kMinimal) + "[breach]\nagency_notice = { days = 7, unit = "
                "\"business\", hours = 2 }\n",
                "breach.agency_notice.hours", "unknown key");
}

TEST(PolicyTest, WrongTypesAndValues) {
  ExpectRefused("name = \"x\"\nversion = \"1\"\n", "version", "expected an integer");
  ExpectRefused(std::string(kMinimal) + "approval = 3\n", "approval", "expected a table");
  ExpectRefused(std::string(kMinimal) + "[approval]\nmode = \"opt_out_only\"\n",
                "approval.mode", "\"floor\" or \"opt_in_only\"");
  ExpectRefused(std::string(kMinimal) + "[approval]\nopt_out_wait_days = -1\n",
                "approval.opt_out_wait_days", "between");
  ExpectRefused(std::string(kMinimal) + "[disclosure]\nthird_parties = \"sometimes\"\n",
                "disclosure.third_parties", "\"floor\" or \"never\"");
  ExpectRefused(std::string(kMinimal) + "[disclosure]\nnew_carrier_requires_written_"
                "authorization = \"yes\"\n",
                "disclosure.new_carrier_requires_written_authorization", "true or false");
  ExpectRefused(std::string(kMinimal) + "[breach]\nagency_notice = 7\n", "breach.agency_notice",
                "expected a table");
  ExpectRefused(std::string(kMinimal) + "[breach]\nagency_notice = { days = 7 }\n",
                "breach.agency_notice", "unit");
  ExpectRefused(std::string(kMinimal) + "[breach]\nagency_notice = { days = 7, unit = "
                "\"weeks\" }\n",
                "breach.agency_notice.unit", "\"business\" or \"calendar\"");
  ExpectRefused(std::string(kMinimal) + "[uses_without_approval]\npurposes = [\"gossip\"]\n",
                "uses_without_approval.purposes[0]", "unknown purpose 'gossip'");
  ExpectRefused(std::string(kMinimal) + "[uses_without_approval]\npurposes = \"inside_wiring\"\n",
                "uses_without_approval.purposes", "expected an array");
  ExpectRefused(std::string(kMinimal) + "[safeguards]\noutbound_marketing_approver = \"ceo\"\n",
                "safeguards.outbound_marketing_approver", "ceo");
  // 64.2009(d): supervisory approval is not an auditor's, an administrator's
  // or a system account's to give.
  for (const char* role : {"auditor", "admin", "system"}) {
    ExpectRefused(std::string(kMinimal) + "[safeguards]\noutbound_marketing_approver = \"" +
                      role + "\"\n",
                  "safeguards.outbound_marketing_approver", "may approve");
  }
  ExpectRefused(std::string(kMinimal) + "[calendar]\nextra_closures = [\"2018-13-05\"]\n",
                "calendar.extra_closures[0]", "no such calendar date");
  ExpectRefused(std::string(kMinimal) + "[calendar]\nextra_closures = [20181205]\n",
                "calendar.extra_closures[0]", "expected a date");
}

TEST(PolicyTest, MutatedTextNeverCrashes) {
  const std::string seed = SeedPolicyText();
  ASSERT_FALSE(seed.empty());
  std::mt19937_64 rng(2013);
  int accepted = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string text = seed;
    for (int k = 0; k < 3; ++k) {
      const size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = static_cast<char>(rng() & 0x7f); break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        default: text.insert(at, 1, "=[]{}\"\n,#0-"[rng() % 11]); break;
      }
    }
    Result<Policy> p = ParsePolicy(text);
    if (p.ok()) {
      ++accepted;
      EXPECT_TRUE(ValidatePolicy(*p).ok());
    } else {
      EXPECT_TRUE(p.status().IsInvalidArgument());
      EXPECT_FALSE(p.status().field().empty()) << p.status().message();
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace proprio::rules

namespace proprio::rules {
namespace {

// 5 U.S.C. 6103 / 47 CFR 64.2011(b): a policy with the floor's 7 business
// days and closures Wed 2025-03-05 .. Fri 2025-03-07 would end the agency
// notice after Mon 2025-03-03 on Mon 03-17 instead of Wed 03-12: refused,
// naming the calendar key.
TEST(PolicyTest, Cfr64_2011bClosuresThatLengthenTheAgencyNoticeAreRefused) {
  const std::string text = std::string(kMinimal) +
                           "[calendar]\nextra_closures = [2025-03-05, 2025-03-06, 2025-03-07]\n";
  ExpectRefused(text, "calendar.extra_closures", "47 CFR 64.2011(b)");
  Result<Policy> p = ParsePolicy(text);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("5 U.S.C. 6103"), std::string::npos);
  EXPECT_NE(p.status().message().find("breach.agency_notice"), std::string::npos);
  Policy raw = FloorPolicy();
  raw.version = 1;
  raw.extra_closures = {CivilDate{2025, 3, 5}, CivilDate{2025, 3, 6}, CivilDate{2025, 3, 7}};
  const std::vector<PolicyViolation> v = FloorViolations(raw);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "calendar.extra_closures");
  EXPECT_EQ(v[0].citation, "47 CFR 64.2011(b)");
  EXPECT_EQ(v[1].field, "calendar.extra_closures");
  EXPECT_EQ(v[1].citation, "47 CFR 64.2009(f)");
  // The same closures with deadlines counted in calendar days are accepted.
  raw.breach_agency_notice = {7, DayUnit::kCalendar};
  raw.opt_mechanism_failure_notice = {5, DayUnit::kCalendar};
  EXPECT_TRUE(FloorViolations(raw).empty());
  // A closure on a Saturday or a federal holiday moves nothing.
  Policy weekend = FloorPolicy();
  weekend.version = 1;
  weekend.extra_closures = {CivilDate{2025, 3, 8}, CivilDate{2025, 12, 25}};
  EXPECT_TRUE(FloorViolations(weekend).empty());
}

TEST(PolicyTest, Cfr64_2011bInaugurationDayWithBusinessDayDeadlinesIsRefused) {
  ExpectRefused(std::string(kMinimal) + "[calendar]\ninauguration_day = true\n",
                "calendar.inauguration_day", "47 CFR 64.2011(b)");
  Result<Policy> ok = ParsePolicy(std::string(kMinimal) +
                                  "[breach]\nagency_notice = { days = 6, unit = \"business\" }\n"
                                  "[safeguards]\nopt_mechanism_failure_notice = { days = 4, "
                                  "unit = \"business\" }\n[calendar]\ninauguration_day = true\n");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

}  // namespace
}  // namespace proprio::rules
