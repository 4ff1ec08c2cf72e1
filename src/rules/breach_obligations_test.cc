// Tests of rules/breach_obligations.h with fixed dates. Every expected date is
// written by hand from the rules, with the count in a comment. Zone:
// America/New_York (EST = UTC-5, EDT = UTC-4); a due instant is the last
// microsecond of the last day, local time.
#include "rules/breach_obligations.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "rules/testing/rules_test_util.h"

namespace proprio::rules {
namespace {

using test_util::At;
using test_util::Rfc;
using test_util::NewYork;

Policy SeedPolicy() {
  std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
  std::ostringstream s;
  s << in.rdbuf();
  Result<Policy> p = ParsePolicy(s.str());
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : FloorPolicy();
}

RuleSet Fcc2007(Instant at) { return *RuleSetByName("fcc-2007", at, {}); }
// fcc-2024 with its 64.2011 in force (an operator set the announced date).
RuleSet Fcc2024(Instant at) {
  RuleConfig config;
  config.breach_2024_effective = CivilDate{2024, 3, 13};
  return *RuleSetByName("fcc-2024", at, config);
}

struct Case {
  BreachFacts facts;
  BreachClock clock;
};

BreachClock Clock(const BreachFacts& f, const RuleSet& rs, const Policy& p = FloorPolicy()) {
  BusinessCalendar cal(NewYork(), p.Calendar());
  return ComputeBreachClock(f, rs, p, cal);
}

const Obligation& Get(const BreachClock& c, ObligationKind k) {
  const Obligation* o = c.Find(k);
  EXPECT_NE(o, nullptr) << ObligationKindName(k);
  static const Obligation kNone;
  return o ? *o : kNone;
}

BreachFacts Facts(std::string_view determined, std::optional<int64_t> count = 1000) {
  BreachFacts f;
  f.determined_at = At(determined);
  f.affected_customers = count;
  return f;
}

// ---- the Friday before Christmas, across New Year ----

// Determined Fri 2024-12-20 10:00 EST. Business days after it:
//   Mon 12-23 (1), Tue 12-24 (2), [Wed 12-25 Christmas], Thu 12-26 (3),
//   Fri 12-27 (4), Mon 12-30 (5), Tue 12-31 (6), [Wed 01-01 New Year's Day],
//   Thu 2025-01-02 (7)  -> agency notice due Thu 2025-01-02 23:59:59.999999 EST.
constexpr char kFridayBeforeChristmas[] = "2024-12-20T15:00:00Z";

TEST(BreachClockTest, FcC2007AgencyNoticeFridayBeforeChristmasAcrossNewYear) {
  const BreachFacts f = Facts(kFridayBeforeChristmas);
  const BreachClock c = Clock(f, Fcc2007(f.determined_at));
  const Obligation& a = Get(c, ObligationKind::kAgencyNotice);
  EXPECT_EQ(Rfc(a.due), "2025-01-03T04:59:59.999999Z");
  EXPECT_EQ(a.last_day, (CivilDate{2025, 1, 2}));
  EXPECT_EQ(a.state, ObligationState::kOpen);
  EXPECT_EQ(a.recipients, "USSS, FBI (central reporting facility)");
  EXPECT_EQ(a.basis, std::vector<std::string>{"47 CFR 64.2011(b)"});
  EXPECT_EQ(a.governed_by, "rule");
  // 2007: customers are blocked until the agency notice, with no fixed deadline.
  const Obligation& cu = Get(c, ObligationKind::kCustomerNotice);
  EXPECT_TRUE(cu.blocked_by_agency_notice);
  EXPECT_FALSE(cu.due.has_value());
  EXPECT_EQ(c.Find(ObligationKind::kAnnualSummary), nullptr);
  EXPECT_EQ(c.record_retention_years, 2);
}

// The same facts under the three regimes give three different clocks.
TEST(BreachClockTest, SameFactsUnderFcc2007Fcc2024AndTheSeedPolicy) {
  BreachFacts f = Facts(kFridayBeforeChristmas);
  f.harm = HarmFinding::kHarmLikely;
  // Agency notice submitted Thu 2025-01-02 15:00 EST.
  f.agency_notified_at = At("2025-01-02T20:00:00Z");

  // fcc-2007: agency by Thu 2025-01-02 (above). Customers not until 7 FULL
  // business days after Thu 01-02: Fri 01-03 (1), Mon 01-06 (2), Tue 01-07 (3),
  // Wed 01-08 (4), Thu 01-09 (5; the 2025 day of mourning was an executive
  // order, not 6103), Fri 01-10 (6), Mon 01-13 (7) -> from Tue 2025-01-14 00:00 EST.
  const BreachClock c07 = Clock(f, Fcc2007(f.determined_at));
  EXPECT_EQ(Rfc(Get(c07, ObligationKind::kAgencyNotice).due), "2025-01-03T04:59:59.999999Z");
  EXPECT_EQ(Get(c07, ObligationKind::kAgencyNotice).state, ObligationState::kMet);
  EXPECT_EQ(Rfc(Get(c07, ObligationKind::kCustomerNotice).not_before), "2025-01-14T05:00:00Z");
  EXPECT_FALSE(Get(c07, ObligationKind::kCustomerNotice).due.has_value());

  // fcc-2024: agency by the same Thu 2025-01-02 (7 business days, FCC added).
  // Customers within 30 calendar days of Fri 12-20: 12-21 .. 12-31 is 11 days,
  // 01-01 .. 01-19 is 19 more -> Sun 2025-01-19 23:59:59.999999 EST; no wait
  // after the agency notice.
  const BreachClock c24 = Clock(f, Fcc2024(f.determined_at));
  const Obligation& a24 = Get(c24, ObligationKind::kAgencyNotice);
  EXPECT_EQ(Rfc(a24.due), "2025-01-03T04:59:59.999999Z");
  EXPECT_EQ(a24.recipients, "FCC, USSS, FBI (central reporting facility)");
  EXPECT_EQ(a24.basis, std::vector<std::string>{"47 CFR 64.2011(a)"});
  const Obligation& cu24 = Get(c24, ObligationKind::kCustomerNotice);
  EXPECT_EQ(Rfc(cu24.due), "2025-01-20T04:59:59.999999Z");
  EXPECT_EQ(cu24.last_day, (CivilDate{2025, 1, 19}));
  EXPECT_EQ(Rfc(cu24.not_before), "2025-01-02T20:00:00Z");

  // Seed policy under fcc-2007: agency within 7 CALENDAR days (clause 2.A):
  // Sat 12-21 (1) .. Fri 12-27 (7) -> Fri 2024-12-27 23:59:59.999999 EST, the
  // policy winning over the rule's Thu 01-02. Customers: clause 2.B's 7 more
  // days, encoded as 7 business days, equal to the rule's wait -> Tue 01-14.
  const Policy seed = SeedPolicy();
  const BreachClock cseed = Clock(f, Fcc2007(f.determined_at), seed);
  const Obligation& aseed = Get(cseed, ObligationKind::kAgencyNotice);
  EXPECT_EQ(Rfc(aseed.due), "2024-12-28T04:59:59.999999Z");
  EXPECT_EQ(aseed.governed_by, "policy");
  EXPECT_EQ(aseed.basis, std::vector<std::string>{"policy breach.agency_notice"});
  const Obligation& cseedc = Get(cseed, ObligationKind::kCustomerNotice);
  EXPECT_EQ(Rfc(cseedc.not_before), "2025-01-14T05:00:00Z");
  EXPECT_EQ(cseedc.basis,
            (std::vector<std::string>{"47 CFR 64.2011(a)", "47 CFR 64.2011(b)(1)"}));
}

TEST(BreachClockTest, Fcc2024WithoutTheAnnouncedDateCarriesThe2007BreachRules) {
  const BreachFacts f = Facts(kFridayBeforeChristmas);
  const RuleSet rs = *RuleSetByName("fcc-2024", f.determined_at, {});
  EXPECT_EQ(rs.breach.regime, BreachRegime::k2007);
  const BreachClock c = Clock(f, rs);
  EXPECT_EQ(c.regime, BreachRegime::k2007);
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).recipients,
            "USSS, FBI (central reporting facility)");
  EXPECT_FALSE(Get(c, ObligationKind::kCustomerNotice).due.has_value());
}

// ---- DST changes ----

// Determined Fri 2025-03-07 09:00 EST; clocks spring forward Sun 03-09.
// Mon 03-10 (1), Tue 03-11 (2), Wed 03-12 (3), Thu 03-13 (4), Fri 03-14 (5),
// Mon 03-17 (6), Tue 03-18 (7) -> Tue 2025-03-18 23:59:59.999999 EDT (UTC-4).
// Seed: 7 calendar days -> Fri 2025-03-14 23:59:59.999999 EDT.
TEST(BreachClockTest, AcrossSpringForward) {
  const BreachFacts f = Facts("2025-03-07T14:00:00Z");
  EXPECT_EQ(Rfc(Get(Clock(f, Fcc2007(f.determined_at)), ObligationKind::kAgencyNotice).due),
            "2025-03-19T03:59:59.999999Z");
  EXPECT_EQ(Rfc(Get(Clock(f, Fcc2007(f.determined_at), SeedPolicy()),
                    ObligationKind::kAgencyNotice)
                    .due),
            "2025-03-15T03:59:59.999999Z");
}

// Determined Fri 2024-11-01 16:00 EDT; clocks fall back Sun 11-03.
// Mon 11-04 (1), Tue 11-05 (2; election day is not a 6103 holiday),
// Wed 11-06 (3), Thu 11-07 (4), Fri 11-08 (5), [Mon 11-11 Veterans Day],
// Tue 11-12 (6), Wed 11-13 (7) -> Wed 2024-11-13 23:59:59.999999 EST (UTC-5).
TEST(BreachClockTest, AcrossFallBackAndVeteransDay) {
  const BreachFacts f = Facts("2024-11-01T20:00:00Z");
  EXPECT_EQ(Rfc(Get(Clock(f, Fcc2007(f.determined_at)), ObligationKind::kAgencyNotice).due),
            "2024-11-14T04:59:59.999999Z");
}

// ---- on a holiday; at 23:30 local time ----

// Determined on Independence Day, Thu 2024-07-04 14:00 EDT: the day itself
// never counts. Fri 07-05 (1), Mon 07-08 (2), Tue 07-09 (3), Wed 07-10 (4),
// Thu 07-11 (5), Fri 07-12 (6), Mon 07-15 (7) -> Mon 2024-07-15 23:59:59.999999 EDT.
// Seed: Fri 07-05 (1) .. Thu 07-11 (7 calendar) -> 2024-07-11 23:59:59.999999 EDT.
TEST(BreachClockTest, DeterminedOnAHoliday) {
  const BreachFacts f = Facts("2024-07-04T18:00:00Z");
  EXPECT_EQ(Rfc(Get(Clock(f, Fcc2007(f.determined_at)), ObligationKind::kAgencyNotice).due),
            "2024-07-16T03:59:59.999999Z");
  EXPECT_EQ(Rfc(Get(Clock(f, Fcc2007(f.determined_at), SeedPolicy()),
                    ObligationKind::kAgencyNotice)
                    .due),
            "2024-07-12T03:59:59.999999Z");
}

// Determined Mon 2025-06-02 23:30 EDT, which is already Tue 06-03 in UTC. The
// local day (Monday) is the day of determination: Tue 06-03 (1), Wed 06-04 (2),
// Thu 06-05 (3), Fri 06-06 (4), Mon 06-09 (5), Tue 06-10 (6), Wed 06-11 (7)
// -> Wed 2025-06-11 23:59:59.999999 EDT (counting from the UTC date would give Thu).
// 2024 customers: 30 calendar days after Mon 06-02 -> Wed 2025-07-02.
TEST(BreachClockTest, DeterminedAt2330LocalTime) {
  const BreachFacts f = Facts("2025-06-03T03:30:00Z");
  EXPECT_EQ(Rfc(Get(Clock(f, Fcc2007(f.determined_at)), ObligationKind::kAgencyNotice).due),
            "2025-06-12T03:59:59.999999Z");
  const BreachClock c24 = Clock(f, Fcc2024(f.determined_at));
  EXPECT_EQ(Get(c24, ObligationKind::kCustomerNotice).last_day, (CivilDate{2025, 7, 2}));
  EXPECT_EQ(Rfc(Get(c24, ObligationKind::kCustomerNotice).due), "2025-07-03T03:59:59.999999Z");
}

// ---- 499, 500 and unknown affected; harm and no harm (2024) ----

TEST(BreachClockTest, Fcc2024FewerThan500WithNoHarmGoesToTheAnnualSummary) {
  BreachFacts f = Facts(kFridayBeforeChristmas, 499);
  f.harm = HarmFinding::kNoHarmLikely;
  const BreachClock c = Clock(f, Fcc2024(f.determined_at));
  const Obligation& a = Get(c, ObligationKind::kAgencyNotice);
  EXPECT_EQ(a.state, ObligationState::kNotRequired);
  EXPECT_EQ(a.basis, std::vector<std::string>{"47 CFR 64.2011(a)(3)"});
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).state, ObligationState::kNotRequired);
  // Summary of 2024's small breaches due Sat 2025-02-01 23:59:59.999999 EST.
  const Obligation& s = Get(c, ObligationKind::kAnnualSummary);
  EXPECT_EQ(s.state, ObligationState::kOpen);
  EXPECT_EQ(Rfc(s.due), "2025-02-02T04:59:59.999999Z");
  EXPECT_FALSE(c.AllSettled());
  f.annual_summary_filed_at = At("2025-01-30T15:00:00Z");
  EXPECT_TRUE(Clock(f, Fcc2024(f.determined_at)).AllSettled());
}

TEST(BreachClockTest, Fcc2024FiveHundredWithNoHarmStillOwesTheAgencyNotice) {
  BreachFacts f = Facts(kFridayBeforeChristmas, 500);
  f.harm = HarmFinding::kNoHarmLikely;
  const BreachClock c = Clock(f, Fcc2024(f.determined_at));
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kOpen);
  EXPECT_EQ(Rfc(Get(c, ObligationKind::kAgencyNotice).due), "2025-01-03T04:59:59.999999Z");
  // No harm likely: no customer notice (64.2011(c)), whatever the count.
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).state, ObligationState::kNotRequired);
  EXPECT_EQ(c.Find(ObligationKind::kAnnualSummary), nullptr);
}

TEST(BreachClockTest, Fcc2024UnknownCountWithNoHarmStillOwesTheAgencyNotice) {
  BreachFacts f = Facts(kFridayBeforeChristmas, std::nullopt);
  f.harm = HarmFinding::kNoHarmLikely;
  const BreachClock c = Clock(f, Fcc2024(f.determined_at));
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kOpen);
  EXPECT_EQ(c.Find(ObligationKind::kAnnualSummary), nullptr);
}

TEST(BreachClockTest, Fcc2024FewerThan500WithHarmOwesEveryNotice) {
  BreachFacts f = Facts(kFridayBeforeChristmas, 499);
  f.harm = HarmFinding::kHarmLikely;
  const BreachClock c = Clock(f, Fcc2024(f.determined_at));
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kOpen);
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).state, ObligationState::kOpen);
  EXPECT_EQ(Rfc(Get(c, ObligationKind::kCustomerNotice).due), "2025-01-20T04:59:59.999999Z");
  // Harm undetermined: harm cannot be ruled out, so the same.
  f.harm = HarmFinding::kUndetermined;
  EXPECT_EQ(Get(Clock(f, Fcc2024(f.determined_at)), ObligationKind::kAgencyNotice).state,
            ObligationState::kOpen);
}

TEST(BreachClockTest, Fcc2007HasNoCountThreshold) {
  BreachFacts f = Facts(kFridayBeforeChristmas, 1);
  f.harm = HarmFinding::kNoHarmLikely;
  const BreachClock c = Clock(f, Fcc2007(f.determined_at));
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kOpen);
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).state, ObligationState::kOpen);
}

// ---- agency delay and its extension; the urgent exception ----

TEST(BreachClockTest, Fcc2007AgencyDelayAndExtension) {
  BreachFacts f = Facts(kFridayBeforeChristmas);
  f.agency_notified_at = At("2025-01-02T20:00:00Z");
  const RuleSet rs = Fcc2007(f.determined_at);
  // The FBI directs a delay on Fri 01-03 through Sat 2025-02-01 (29 days):
  // notices from Sun 2025-02-02 00:00 EST.
  f.delay_until = CivilDate{2025, 2, 1};
  BreachClock c = Clock(f, rs);
  EXPECT_EQ(Rfc(Get(c, ObligationKind::kCustomerNotice).not_before), "2025-02-02T05:00:00Z");
  Status during = CheckCustomerNotice(f, c, rs, At("2025-01-20T15:00:00Z"));
  EXPECT_EQ(during.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(during.message().find("47 CFR 64.2011(b)(3)"), std::string::npos) << during.message();
  // Extended in writing through Mon 2025-03-03: notices from Tue 03-04 00:00 EST.
  f.delay_until = CivilDate{2025, 3, 3};
  c = Clock(f, rs);
  EXPECT_EQ(Rfc(Get(c, ObligationKind::kCustomerNotice).not_before), "2025-03-04T05:00:00Z");
  EXPECT_FALSE(CheckCustomerNotice(f, c, rs, At("2025-03-03T20:00:00Z")).ok());
  EXPECT_TRUE(CheckCustomerNotice(f, c, rs, At("2025-03-04T05:00:00Z")).ok());
}

TEST(BreachClockTest, Fcc2024DelayPastTheThirtiethDayMovesTheCustomerDeadline) {
  BreachFacts f = Facts(kFridayBeforeChristmas);
  f.agency_notified_at = At("2025-01-02T20:00:00Z");
  f.delay_until = CivilDate{2025, 2, 1};  // beyond the Sun 01-19 deadline
  const BreachClock c = Clock(f, Fcc2024(f.determined_at));
  const Obligation& cu = Get(c, ObligationKind::kCustomerNotice);
  // The day after the delay's last day, Sun 2025-02-02, ends 2025-02-03T04:59:59.999999Z.
  EXPECT_EQ(Rfc(cu.due), "2025-02-03T04:59:59.999999Z");
  EXPECT_EQ(Rfc(cu.not_before), "2025-02-02T05:00:00Z");
  EXPECT_EQ(cu.governed_by, "law enforcement delay");
  Status during = CheckCustomerNotice(f, c, Fcc2024(f.determined_at), At("2025-01-10T15:00:00Z"));
  EXPECT_NE(during.message().find("47 CFR 64.2011(a)(2)"), std::string::npos) << during.message();
}

TEST(BreachClockTest, Fcc2007UrgentNeedLiftsTheWait) {
  BreachFacts f = Facts(kFridayBeforeChristmas);
  f.agency_notified_at = At("2025-01-02T20:00:00Z");
  const RuleSet rs = Fcc2007(f.determined_at);
  BreachClock c = Clock(f, rs);
  Status waiting = CheckCustomerNotice(f, c, rs, At("2025-01-03T15:00:00Z"));
  EXPECT_EQ(waiting.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(waiting.message().find("47 CFR 64.2011(b)(1)"), std::string::npos);
  f.urgent = true;
  c = Clock(f, rs);
  EXPECT_EQ(Rfc(Get(c, ObligationKind::kCustomerNotice).not_before), "2025-01-02T20:00:00Z");
  EXPECT_TRUE(CheckCustomerNotice(f, c, rs, At("2025-01-02T21:00:00Z")).ok());
  // Even urgent notices come after the agency notice.
  EXPECT_FALSE(CheckCustomerNotice(f, c, rs, At("2025-01-02T19:00:00Z")).ok());
}

TEST(BreachClockTest, CustomersBeforeTheAgencyNoticeAreRefusedCitingTheRule) {
  BreachFacts f = Facts(kFridayBeforeChristmas);
  const RuleSet r07 = Fcc2007(f.determined_at);
  Status s07 = CheckCustomerNotice(f, Clock(f, r07), r07, At("2024-12-21T15:00:00Z"));
  EXPECT_EQ(s07.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s07.message().find("47 CFR 64.2011(a)"), std::string::npos) << s07.message();
  const RuleSet r24 = Fcc2024(f.determined_at);
  Status s24 = CheckCustomerNotice(f, Clock(f, r24), r24, At("2024-12-21T15:00:00Z"));
  EXPECT_NE(s24.message().find("47 CFR 64.2011(b)"), std::string::npos) << s24.message();
}

TEST(BreachClockTest, MetObligationsAndSettlement) {
  BreachFacts f = Facts(kFridayBeforeChristmas);
  f.agency_notified_at = At("2024-12-23T15:00:00Z");
  f.customers_notified_at = At("2025-01-10T15:00:00Z");
  const BreachClock c = Clock(f, Fcc2007(f.determined_at));
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kMet);
  EXPECT_EQ(Rfc(Get(c, ObligationKind::kAgencyNotice).met_at), "2024-12-23T15:00:00Z");
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).state, ObligationState::kMet);
  EXPECT_TRUE(c.AllSettled());
}

TEST(BreachClockTest, RequiredAgencies) {
  const Instant t = At(kFridayBeforeChristmas);
  EXPECT_EQ(RequiredAgencies(Fcc2007(t).breach), (std::vector<std::string>{"usss", "fbi"}));
  EXPECT_EQ(RequiredAgencies(Fcc2024(t).breach),
            (std::vector<std::string>{"usss", "fbi", "fcc"}));
}


// ---- 5 U.S.C. 6103: the rule's deadlines are on the federal calendar ----

// Determined Mon 2025-03-03 10:00 EST; the carrier closes Wed 03-05 .. Fri
// 03-07. 64.2011(b): 7 business days on the federal calendar: Tue 03-04 (1),
// Wed 03-05 (2), Thu 03-06 (3), Fri 03-07 (4), Mon 03-10 (5), Tue 03-11 (6),
// Wed 03-12 (7) -> due Wed 2025-03-12 23:59:59.999999 EDT (DST began 03-09).
// On the carrier's calendar it would be Mon 03-17: the closures may not
// lengthen it.
TEST(BreachClockTest, Cfr64_2011bAgencyNoticeOnTheFederalCalendarDespiteCarrierClosures) {
  Policy p = FloorPolicy();
  p.extra_closures = {CivilDate{2025, 3, 5}, CivilDate{2025, 3, 6}, CivilDate{2025, 3, 7}};
  const BreachFacts f = Facts("2025-03-03T15:00:00Z");
  for (const RuleSet& rs : {Fcc2007(f.determined_at), Fcc2024(f.determined_at)}) {
    const BreachClock c = Clock(f, rs, p);
    const Obligation& a = Get(c, ObligationKind::kAgencyNotice);
    EXPECT_EQ(a.last_day, (CivilDate{2025, 3, 12})) << rs.name;
    EXPECT_EQ(Rfc(a.due), "2025-03-13T03:59:59.999999Z") << rs.name;
    EXPECT_EQ(a.governed_by, "rule");
    ASSERT_FALSE(a.basis.empty());
    // The agency notice is 64.2011(b) in 2007 and (a) as amended in 2024.
    EXPECT_EQ(a.basis.front(), rs.breach.regime == BreachRegime::k2024 ? "47 CFR 64.2011(a)"
                                                                        : "47 CFR 64.2011(b)")
        << rs.name;
    EXPECT_NE(a.explanation.find("Wed 2025-03-12"), std::string::npos) << a.explanation;
  }
}

// Inauguration Day (6103(c)) is a Washington-area day off, not a day the
// rule skips. Determined Tue 2033-01-18 (Inauguration Day Thu 01-20):
// Wed 01-19 (1), Thu 01-20 (2), Fri 01-21 (3), Mon 01-24 (4), Tue 01-25 (5),
// Wed 01-26 (6), Thu 01-27 (7) -> Thu 2033-01-27 (Fri 01-28 with the option).
TEST(BreachClockTest, Cfr64_2011bInaugurationDayOptionDoesNotLengthenTheAgencyNotice) {
  Policy p = FloorPolicy();
  p.inauguration_day = true;
  const BreachFacts f = Facts("2033-01-18T15:00:00Z");
  BusinessCalendar carrier(NewYork(), p.Calendar());
  ASSERT_FALSE(carrier.IsBusinessDay({2033, 1, 20}));
  const BreachClock c = Clock(f, Fcc2007(f.determined_at), p);
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).last_day, (CivilDate{2033, 1, 27}));
}

// A policy counted on the carrier's calendar may still shorten the deadline:
// 3 business days after Mon 2025-03-03 with 03-05..07 closed is Tue 03-04 (1),
// Mon 03-10 (2), Tue 03-11 (3): earlier than the rule's Wed 03-12.
TEST(BreachClockTest, Cfr64_2011bAPolicyOnItsOwnCalendarCanOnlyShorten) {
  Policy p = FloorPolicy();
  p.extra_closures = {CivilDate{2025, 3, 5}, CivilDate{2025, 3, 6}, CivilDate{2025, 3, 7}};
  p.breach_agency_notice = {3, DayUnit::kBusiness};
  const BreachFacts f = Facts("2025-03-03T15:00:00Z");
  const BreachClock c = Clock(f, Fcc2007(f.determined_at), p);
  const Obligation& a = Get(c, ObligationKind::kAgencyNotice);
  EXPECT_EQ(a.last_day, (CivilDate{2025, 3, 11}));
  EXPECT_EQ(a.governed_by, "policy");
}

// 2007 64.2011(b)(1): the wait before customer notice is a minimum, so it
// ends at the later end of the federal and the carrier's calendars. Agency
// notice Mon 2025-03-03; federal: Tue 03-04 .. Wed 03-12 is 7 -> from Thu
// 03-13; with 03-05..07 closed: Tue 03-04 (1), Mon 03-10 .. Fri 03-14 (2-6),
// Mon 03-17 (7) -> from Tue 2025-03-18 00:00 EDT.
TEST(BreachClockTest, Cfr64_2011b1WaitUsesTheStricterOfTheTwoCalendars) {
  Policy p = FloorPolicy();
  p.extra_closures = {CivilDate{2025, 3, 5}, CivilDate{2025, 3, 6}, CivilDate{2025, 3, 7}};
  BreachFacts f = Facts("2025-03-03T14:00:00Z");
  f.agency_notified_at = At("2025-03-03T15:00:00Z");
  const BreachClock c = Clock(f, Fcc2007(f.determined_at), p);
  EXPECT_EQ(Rfc(Get(c, ObligationKind::kCustomerNotice).not_before), "2025-03-18T04:00:00Z");
  const BreachClock floor = Clock(f, Fcc2007(f.determined_at));
  EXPECT_EQ(Rfc(Get(floor, ObligationKind::kCustomerNotice).not_before), "2025-03-13T04:00:00Z");
}

}  // namespace
}  // namespace proprio::rules
