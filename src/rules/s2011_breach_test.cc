// 47 CFR 64.2011's action preconditions: one test per rule, named after its
// citation; each asserts the refusal's code, field and citation.
#include "rules/s2011_breach.h"

#include <gtest/gtest.h>

namespace proprio::rules {
namespace {

Instant T0() { return *Instant::Parse("2025-03-03T15:00:00Z"); }

RuleSet Rules2007() { return RuleSetFor(T0(), RuleConfig{}); }
RuleSet Rules2024() {
  RuleConfig cfg;
  cfg.breach_2024_effective = CivilDate{2024, 3, 13};
  return RuleSetFor(T0(), cfg);
}

BreachCaseState OpenCase() {
  BreachCaseState c;
  c.id = 7;
  c.discovered_at = T0() + (-kMicrosPerDay);
  c.facts.determined_at = T0();
  return c;
}

BreachActionInput Action(BreachActionKind kind) {
  BreachActionInput in;
  in.kind = kind;
  return in;
}

TEST(BreachActionRulesTest, ClosedCaseAndEarlyInstantAreRefused) {
  BreachCaseState c = OpenCase();
  c.open = false;
  const Status closed = CheckBreachAction(Rules2007(), FloorPolicy(), c,
                                          Action(BreachActionKind::kHarmDetermined), T0(), {});
  EXPECT_EQ(closed.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(closed.message(), "breach case 7 is closed; nothing more can be recorded");
  const Status early =
      CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(),
                        Action(BreachActionKind::kHarmDetermined), T0() + (-2 * kMicrosPerDay), {});
  EXPECT_EQ(early.field(), "at");
}

TEST(BreachActionRulesTest, c64_2011_b_AgencyNoticeNamesAgenciesAndReference) {
  BreachActionInput in = Action(BreachActionKind::kAgencyNotified);
  in.agencies = {"usss", "cia"};
  Status st = CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(), in, T0(), {});
  EXPECT_EQ(st.field(), "agencies[1]");
  in.agencies = {"usss", "fbi"};
  st = CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(), in, T0(), {});
  EXPECT_EQ(st.field(), "reference");
  in.reference = "CRF-1";
  EXPECT_TRUE(CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(), in, T0(), {}).ok());
}

TEST(BreachActionRulesTest, c64_2011_b_3_OnlyLawEnforcementDirectsA2007Delay) {
  BreachActionInput in = Action(BreachActionKind::kDelayRequested);
  in.agency = "fcc";
  in.requested_on = CivilDate{2025, 3, 3};
  in.until = CivilDate{2025, 3, 20};
  in.in_writing = true;
  const Status st = CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(), in, T0(), {});
  EXPECT_EQ(st.field(), "agency");
  EXPECT_NE(st.message().find("(47 CFR 64.2011(b)(3))"), std::string::npos) << st.message();
  EXPECT_TRUE(CheckBreachAction(Rules2024(), FloorPolicy(), OpenCase(), in, T0(), {}).ok());
  in.agency = "fbi";
  in.until = CivilDate{2025, 4, 30};
  const Status longer = CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(), in, T0(), {});
  EXPECT_EQ(longer.field(), "until");
  EXPECT_NE(longer.message().find("at most 30 days"), std::string::npos);
  in.kind = BreachActionKind::kDelayExtended;
  const Status nothing = CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(), in, T0(), {});
  EXPECT_EQ(nothing.code(), StatusCode::kFailedPrecondition);
}

TEST(BreachActionRulesTest, c64_2011_b_2_UrgentNeedIsIndicatedInTheAgencyNotice) {
  BreachActionInput in = Action(BreachActionKind::kUrgentDetermined);
  in.agency = "fbi";
  in.reasons = "ongoing fraud";
  const Status st = CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(), in, T0(), {});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "kind");
  EXPECT_NE(st.message().find("(47 CFR 64.2011(b)(2))"), std::string::npos);
  BreachCaseState c = OpenCase();
  c.facts.agency_notified_at = T0();
  EXPECT_EQ(CheckBreachAction(Rules2007(), FloorPolicy(), c, in, T0(), {}).field(), "reference");
  in.reference = "CRF-1";
  EXPECT_TRUE(CheckBreachAction(Rules2007(), FloorPolicy(), c, in, T0(), {}).ok());
}

TEST(BreachActionRulesTest, c64_2011_NoHarmExceptionOnlyUnderThe2024Rules) {
  BreachActionInput in = Action(BreachActionKind::kNoHarmDetermined);
  in.reasons = "encrypted";
  const Status st = CheckBreachAction(Rules2007(), FloorPolicy(), OpenCase(), in, T0(), {});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("(47 CFR 64.2011(b), 47 CFR 64.2011(c))"), std::string::npos)
      << st.message();
  EXPECT_TRUE(CheckBreachAction(Rules2024(), FloorPolicy(), OpenCase(), in, T0(), {}).ok());
}

TEST(BreachActionRulesTest, c64_2011_a_NoCustomerNoticeBeforeTheAgencyNotice) {
  BreachActionInput in = Action(BreachActionKind::kCustomerNotified);
  in.channel = "mail";
  in.outcome = "sent";
  in.customer = CustomerId(3);
  BreachCaseState c = OpenCase();
  ResolvedCustomers three;
  three.ids = {CustomerId(3)};
  EXPECT_EQ(CheckBreachAction(Rules2007(), FloorPolicy(), c, in, T0(), three).field(), "customer");
  c.affected = {CustomerId(3)};
  const Status st = CheckBreachAction(Rules2007(), FloorPolicy(), c, in, T0(), three);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("(47 CFR 64.2011(a))"), std::string::npos) << st.message();
  ResolvedCustomers unknown;
  unknown.status = Status::InvalidArgument("customer[0]: no customer", "customer[0]");
  EXPECT_EQ(CheckBreachAction(Rules2007(), FloorPolicy(), c, in, T0(), unknown).field(),
            "customer[0]");
  in.channel = "pigeon";
  EXPECT_EQ(CheckBreachAction(Rules2007(), FloorPolicy(), c, in, T0(), unknown).field(), "channel");
}

TEST(BreachActionRulesTest, c64_2011_ClosingWaitsForEveryObligation) {
  BreachCaseState c = OpenCase();
  Obligation agency;
  agency.kind = ObligationKind::kAgencyNotice;
  agency.basis = {"47 CFR 64.2011(b)"};
  c.clock.obligations = {agency};
  const Status st =
      CheckBreachAction(Rules2007(), FloorPolicy(), c, Action(BreachActionKind::kClosed), T0(), {});
  EXPECT_EQ(st.message(),
            "breach case 7 cannot be closed while obligations are open: agency_notice (47 CFR "
            "64.2011(b))");
  c.clock.obligations[0].state = ObligationState::kMet;
  EXPECT_TRUE(
      CheckBreachAction(Rules2007(), FloorPolicy(), c, Action(BreachActionKind::kClosed), T0(), {})
          .ok());
}

TEST(BreachActionRulesTest, c64_2011_a_3_AnnualSummaryOnlyForTheSmallNoHarmBreach) {
  BreachActionInput in = Action(BreachActionKind::kAnnualSummaryFiled);
  in.reference = "FCC-1";
  const Status st = CheckBreachAction(Rules2024(), FloorPolicy(), OpenCase(), in, T0(), {});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("(47 CFR 64.2011(a)(3))"), std::string::npos);
}

TEST(BreachActionRulesTest, KindNamesRoundTrip) {
  EXPECT_STREQ(BreachActionKindName(BreachActionKind::kAffectedUpdated), "affected_updated");
  EXPECT_EQ(*ParseBreachActionKind("closed"), BreachActionKind::kClosed);
  EXPECT_EQ(ParseBreachActionKind("opened").status().field(), "kind");
}

}  // namespace
}  // namespace proprio::rules
