// Tests of rules/approval.h: the approval fold (64.2007, 64.2008(d)-(f)) and
// the notice template check (64.2008(c)).
#include "rules/approval.h"

#include <gtest/gtest.h>

#include "rules/testing/rules_test_util.h"

namespace proprio::rules {
namespace {

using test_util::At;
using test_util::NewYork;

const ScopeSet kOwn{ApprovalScope::kOwnMarketingCommRelated};

ApprovalEvent Notice(int64_t id, std::string_view at, NoticeChannel ch = NoticeChannel::kElectronic,
                     ScopeSet scopes = kOptOutScopes) {
  ApprovalEvent e;
  e.kind = ApprovalEventKind::kOptOutNoticeSent;
  e.at = At(at);
  e.notice_id = id;
  e.notice_channel = ch;
  e.email_consent_on_file = true;
  e.scopes = scopes;
  return e;
}

ApprovalEvent Customer(ApprovalEventKind kind, std::string_view at, ScopeSet scopes) {
  ApprovalEvent e;
  e.kind = kind;
  e.at = At(at);
  e.scopes = scopes;
  e.evidence.channel = ConsentChannel::kWritten;
  e.evidence.document_id = "doc-1";
  return e;
}

ApprovalEvent OneTime(std::string_view call, std::string_view at,
                      std::optional<std::string_view> end, ScopeSet scopes = kOwn) {
  ApprovalEvent e;
  e.kind = ApprovalEventKind::kOneTimeConsent;
  e.at = At(at);
  e.scopes = scopes;
  e.call_id = std::string(call);
  if (end) e.call_end = At(*end);
  e.evidence.channel = ConsentChannel::kOral;
  e.evidence.recording_id = "rec-9";
  return e;
}

class ApprovalTest : public ::testing::Test {
 protected:
  ApprovalStatus StatusAt(const std::vector<ApprovalEvent>& events, std::string_view at,
                          const Policy& policy = FloorPolicy()) {
    const Instant t = At(at);
    return DeriveStatus(events, t, RuleSetFor(t, {}), policy, ny_);
  }
  TimeZone ny_ = NewYork();
};

// 64.2007(a)(3): a record of approval is kept a year from when the approval
// ENDS. Opt-in to third parties and agents 2024-01-02; agents revoked
// 2024-03-01 (third parties still in force); third parties revoked
// 2024-06-01 15:00Z: the grant ends then and may be erased from 2025-06-01
// 15:00Z, not from 2025-01-02.
TEST_F(ApprovalTest, Cfr64_2007a3ApprovalRecordKeptAYearFromWhenTheApprovalEnds) {
  const ScopeSet both{ApprovalScope::kThirdParties, ApprovalScope::kAgents};
  std::vector<ApprovalEvent> ev = {
      Customer(ApprovalEventKind::kOptInGranted, "2024-01-02T15:00:00Z", both),
      Customer(ApprovalEventKind::kOptInRevoked, "2024-03-01T15:00:00Z",
               ScopeSet{ApprovalScope::kAgents})};
  EXPECT_FALSE(ApprovalRecordEnds(ev, 0).has_value());
  EXPECT_FALSE(ApprovalRecordRetainUntil(ev, 0, 1).has_value());  // in force: kept
  ev.push_back(Customer(ApprovalEventKind::kOptInRevoked, "2024-06-01T15:00:00Z",
                        ScopeSet{ApprovalScope::kThirdParties}));
  ASSERT_TRUE(ApprovalRecordEnds(ev, 0).has_value());
  EXPECT_EQ(ApprovalRecordEnds(ev, 0)->ToRfc3339(), "2024-06-01T15:00:00Z");
  EXPECT_EQ(ApprovalRecordRetainUntil(ev, 0, 1)->ToRfc3339(), "2025-06-01T15:00:00Z");
  EXPECT_EQ(ApprovalRecordRetainUntil(ev, 0, 3)->ToRfc3339(), "2027-06-01T15:00:00Z");
  // A later grant of the same scopes supersedes; a limitation ends everything.
  std::vector<ApprovalEvent> renewed = {
      Customer(ApprovalEventKind::kOptInGranted, "2024-01-02T15:00:00Z", both),
      Customer(ApprovalEventKind::kOptInLimited, "2024-02-29T15:00:00Z",
               ScopeSet{ApprovalScope::kAgents})};
  EXPECT_EQ(ApprovalRecordEnds(renewed, 0)->ToRfc3339(), "2024-02-29T15:00:00Z");
  EXPECT_EQ(ApprovalRecordRetainUntil(renewed, 0, 1)->ToRfc3339(), "2025-03-01T15:00:00Z");
  // One-time consent ends with its call.
  const std::vector<ApprovalEvent> once = {
      OneTime("c-1", "2024-05-01T15:00:00Z", "2024-05-01T15:20:00Z")};
  EXPECT_EQ(ApprovalRecordRetainUntil(once, 0, 1)->ToRfc3339(), "2025-05-01T15:20:00Z");
}

// ---- 64.2008(d)(1): the waiting period ----

// The safe side Proprio takes, at the exact instants (approval.h): e-mailed
// 2024-01-01 15:00 EST. The earliest reading of 64.2008(d)(1) assumes approval
// from 2024-01-31 00:00 EST; Proprio one day later, 2024-02-01 00:00 EST.
TEST_F(ApprovalTest, Cfr64_2008d1OptOutAssumedOneDayAfterTheEarliestReadingAtTheExactInstant) {
  EXPECT_EQ(kOptOutAssumedDaysAfterWait, 1);
  const std::vector<ApprovalEvent> ev = {Notice(1, "2024-01-01T20:00:00Z")};
  const ApprovalStatus earliest = StatusAt(ev, "2024-01-31T05:00:00Z");
  EXPECT_TRUE(earliest.opt_out.empty());
  EXPECT_EQ(earliest.opt_out_pending, kOptOutScopes);
  ASSERT_TRUE(earliest.opt_out_assumed_from.has_value());
  EXPECT_EQ(earliest.opt_out_assumed_from->ToRfc3339(), "2024-02-01T05:00:00Z");
  const ApprovalStatus last = StatusAt(ev, "2024-02-01T04:59:59.999999Z");
  EXPECT_TRUE(last.opt_out.empty());
  const ApprovalStatus first = StatusAt(ev, "2024-02-01T05:00:00Z");
  EXPECT_EQ(first.opt_out, kOptOutScopes);
  EXPECT_TRUE(first.opt_out_pending.empty());
}

// 64.2008(d)(2): the two-year lapse at the START of the anniversary day:
// sent 2024-01-01 15:00 EST, in force through 2025-12-31 23:59:59.999999 EST,
// lapsed from 2026-01-01 00:00 EST (not at its end, nor at 15:00).
TEST_F(ApprovalTest, Cfr64_2008d2LapseAtTheStartOfTheAnniversaryDayAtTheExactInstant) {
  EXPECT_EQ(kOptOutLapseDaysAfterAnniversary, 0);
  const std::vector<ApprovalEvent> ev = {Notice(1, "2024-01-01T20:00:00Z")};
  const ApprovalStatus before = StatusAt(ev, "2026-01-01T04:59:59.999999Z");
  EXPECT_EQ(before.opt_out, kOptOutScopes);
  ASSERT_TRUE(before.opt_out_lapses_at.has_value());
  EXPECT_EQ(before.opt_out_lapses_at->ToRfc3339(), "2026-01-01T05:00:00Z");
  EXPECT_TRUE(StatusAt(ev, "2026-01-01T05:00:00Z").opt_out.empty());
}

TEST_F(ApprovalTest, c64_2008_d_1_i_ElectronicNoticeDay29_30_31) {
  // Sent 2024-01-01 15:00 New York.
  const std::vector<ApprovalEvent> ev = {Notice(1, "2024-01-01T20:00:00Z")};
  const ApprovalStatus day29 = StatusAt(ev, "2024-01-30T17:00:00Z");
  EXPECT_TRUE(day29.opt_out.empty());
  EXPECT_EQ(day29.opt_out_pending, kOptOutScopes);
  ASSERT_TRUE(day29.opt_out_assumed_from.has_value());
  EXPECT_EQ(*day29.opt_out_assumed_from, At("2024-02-01T05:00:00Z"));  // 00:00 EST
  // Day 30 to its last microsecond: still waiting.
  const ApprovalStatus day30 = StatusAt(ev, "2024-02-01T04:59:59.999999Z");
  EXPECT_TRUE(day30.opt_out.empty());
  EXPECT_EQ(day30.opt_out_pending, kOptOutScopes);
  // Day 31 from local midnight: approval assumed.
  const ApprovalStatus day31 = StatusAt(ev, "2024-02-01T05:00:00Z");
  EXPECT_EQ(day31.opt_out, kOptOutScopes);
  EXPECT_TRUE(day31.opt_out_pending.empty());
  ASSERT_TRUE(day31.opt_out_lapses_at.has_value());
  EXPECT_EQ(*day31.opt_out_lapses_at, At("2026-01-01T05:00:00Z"));
}

TEST_F(ApprovalTest, c64_2008_d_1_ii_MailedNoticeCountsFromTheThirdDayAfterMailing) {
  const std::vector<ApprovalEvent> ev = {Notice(1, "2024-01-01T20:00:00Z", NoticeChannel::kMail)};
  // Trigger day 2024-01-04; wait days Jan 5 .. Feb 3; assumed from Feb 4 00:00 EST.
  EXPECT_TRUE(StatusAt(ev, "2024-02-01T05:00:00Z").opt_out.empty());
  EXPECT_TRUE(StatusAt(ev, "2024-02-04T04:59:59Z").opt_out.empty());
  EXPECT_EQ(StatusAt(ev, "2024-02-04T05:00:00Z").opt_out, kOptOutScopes);
  EXPECT_EQ(*StatusAt(ev, "2024-01-10T00:00:00Z").opt_out_assumed_from,
            At("2024-02-04T05:00:00Z"));
}

TEST_F(ApprovalTest, WaitEndsAtLocalMidnightAcrossDst) {
  // Sent 2024-02-20 (EST); assumed from 2024-03-22 00:00 EDT = 04:00Z.
  const std::vector<ApprovalEvent> ev = {Notice(1, "2024-02-20T15:00:00Z")};
  EXPECT_TRUE(StatusAt(ev, "2024-03-22T03:59:59Z").opt_out.empty());
  EXPECT_EQ(StatusAt(ev, "2024-03-22T04:00:00Z").opt_out, kOptOutScopes);
}

TEST_F(ApprovalTest, PolicyWaitLongerThanTheFloor) {
  Policy p = FloorPolicy();
  p.opt_out_wait_days = 45;
  const std::vector<ApprovalEvent> ev = {Notice(1, "2024-01-01T20:00:00Z")};
  EXPECT_TRUE(StatusAt(ev, "2024-02-16T04:59:59Z", p).opt_out.empty());
  EXPECT_EQ(StatusAt(ev, "2024-02-16T05:00:00Z", p).opt_out, kOptOutScopes);
}

TEST_F(ApprovalTest, c64_2007_b_OptOutCoversOnlyOwnAgentsAndAffiliates) {
  ScopeSet all = kAllScopes;
  const std::vector<ApprovalEvent> ev = {Notice(1, "2024-01-01T20:00:00Z",
                                                NoticeChannel::kElectronic, all)};
  const ApprovalStatus st = StatusAt(ev, "2024-06-01T00:00:00Z");
  EXPECT_EQ(st.opt_out, kOptOutScopes);
  EXPECT_FALSE(st.opt_out.Has(ApprovalScope::kThirdParties));
  EXPECT_FALSE(st.opt_out.Has(ApprovalScope::kJointVenturersContractors));
  // A notice naming only opt-in scopes gives no opt-out approval at all.
  const std::vector<ApprovalEvent> third = {
      Notice(2, "2024-01-01T20:00:00Z", NoticeChannel::kElectronic,
             ScopeSet{ApprovalScope::kThirdParties})};
  EXPECT_EQ(StatusAt(third, "2024-06-01T00:00:00Z"), ApprovalStatus{});
}

// ---- 64.2008(d)(2): two-year renewal ----

TEST_F(ApprovalTest, c64_2008_d_2_ApprovalLapsesTwoYearsAfterTheNotice) {
  const std::vector<ApprovalEvent> ev = {Notice(1, "2022-03-01T15:00:00Z")};
  EXPECT_EQ(StatusAt(ev, "2024-03-01T04:59:59Z").opt_out, kOptOutScopes);  // 2024-02-29 23:59:59
  const ApprovalStatus lapsed = StatusAt(ev, "2024-03-01T05:00:00Z");
  EXPECT_TRUE(lapsed.opt_out.empty());
  EXPECT_TRUE(lapsed.opt_out_pending.empty());
  EXPECT_FALSE(lapsed.opt_out_lapses_at.has_value());
  // The lapse is kept: which scopes, the instant and the carrier's local date.
  EXPECT_EQ(lapsed.opt_out_lapsed, kOptOutScopes);
  ASSERT_TRUE(lapsed.opt_out_lapsed_at.has_value());
  EXPECT_EQ(*lapsed.opt_out_lapsed_at, At("2024-03-01T05:00:00Z"));
  ASSERT_TRUE(lapsed.opt_out_lapsed_on.has_value());
  EXPECT_EQ(lapsed.opt_out_lapsed_on->ToString(), "2024-03-01");
  // Before the lapse nothing has lapsed.
  EXPECT_TRUE(StatusAt(ev, "2024-03-01T04:59:59Z").opt_out_lapsed.empty());
}

TEST_F(ApprovalTest, c64_2008_d_2_LapseIsClearedByARenewalOrTheCustomersDenial) {
  std::vector<ApprovalEvent> ev = {Notice(1, "2022-03-01T15:00:00Z")};
  ev.push_back(Notice(2, "2024-04-01T15:00:00Z"));  // after the lapse: a new wait
  const ApprovalStatus renewed = StatusAt(ev, "2024-04-02T12:00:00Z");
  EXPECT_TRUE(renewed.opt_out_lapsed.empty());
  EXPECT_FALSE(renewed.opt_out_lapsed_at.has_value());
  EXPECT_EQ(renewed.opt_out_pending, kOptOutScopes);
  std::vector<ApprovalEvent> denied = {Notice(1, "2022-03-01T15:00:00Z"),
                                       Customer(ApprovalEventKind::kOptOutElected,
                                                "2024-04-01T15:00:00Z", kOwn)};
  const ApprovalStatus st = StatusAt(denied, "2024-04-02T12:00:00Z");
  EXPECT_FALSE(st.opt_out_lapsed.Has(ApprovalScope::kOwnMarketingCommRelated));
  EXPECT_TRUE(st.opt_out_lapsed.Has(ApprovalScope::kAgents));
}

TEST_F(ApprovalTest, c64_2008_d_2_RenewalBeforeTheLapseKeepsApprovalContinuous) {
  const std::vector<ApprovalEvent> ev = {Notice(1, "2022-03-01T15:00:00Z"),
                                         Notice(2, "2024-02-20T15:00:00Z")};
  // After notice 1 lapses, before notice 2's own wait ends (2024-03-22).
  const ApprovalStatus st = StatusAt(ev, "2024-03-05T12:00:00Z");
  EXPECT_EQ(st.opt_out, kOptOutScopes);
  EXPECT_EQ(*st.opt_out_lapses_at, At("2026-02-20T05:00:00Z"));
  EXPECT_EQ(StatusAt(ev, "2025-12-01T12:00:00Z").opt_out, kOptOutScopes);
  EXPECT_TRUE(StatusAt(ev, "2026-02-20T05:00:00Z").opt_out.empty());
}

TEST_F(ApprovalTest, c64_2008_d_2_RenewalAfterTheLapseWaitsAgain) {
  const std::vector<ApprovalEvent> ev = {Notice(1, "2022-03-01T15:00:00Z"),
                                         Notice(2, "2024-03-10T15:00:00Z")};
  const ApprovalStatus st = StatusAt(ev, "2024-03-15T12:00:00Z");
  EXPECT_TRUE(st.opt_out.empty());
  EXPECT_EQ(st.opt_out_pending, kOptOutScopes);
  EXPECT_EQ(*st.opt_out_assumed_from, At("2024-04-10T04:00:00Z"));  // Mar 10 + 31, EDT
  EXPECT_EQ(StatusAt(ev, "2024-04-10T04:00:00Z").opt_out, kOptOutScopes);
}

TEST_F(ApprovalTest, PolicyShorterRenewalPeriod) {
  Policy p = FloorPolicy();
  p.opt_out_renewal_months = 12;
  const std::vector<ApprovalEvent> ev = {Notice(1, "2022-03-01T15:00:00Z")};
  EXPECT_EQ(StatusAt(ev, "2023-02-28T12:00:00Z", p).opt_out, kOptOutScopes);
  EXPECT_TRUE(StatusAt(ev, "2023-03-01T05:00:00Z", p).opt_out.empty());
}

// ---- 64.2008(d)(3): e-mail ----

TEST_F(ApprovalTest, c64_2008_d_3_iii_BouncedEmailNoticeDoesNotCount) {
  std::vector<ApprovalEvent> ev = {Notice(7, "2024-01-01T20:00:00Z", NoticeChannel::kEmail)};
  ApprovalEvent bounce;
  bounce.kind = ApprovalEventKind::kOptOutNoticeBounced;
  bounce.at = At("2024-01-02T20:00:00Z");
  bounce.notice_id = 7;
  ev.push_back(bounce);
  EXPECT_EQ(StatusAt(ev, "2024-06-01T00:00:00Z"), ApprovalStatus{});
  // Re-sent by mail: the wait runs from the mailing.
  ev.push_back(Notice(8, "2024-01-05T20:00:00Z", NoticeChannel::kMail));
  EXPECT_TRUE(StatusAt(ev, "2024-02-07T12:00:00Z").opt_out.empty());
  EXPECT_EQ(StatusAt(ev, "2024-02-08T05:00:00Z").opt_out, kOptOutScopes);
}

TEST_F(ApprovalTest, BouncedRenewalFallsBackToTheEarlierNotice) {
  std::vector<ApprovalEvent> ev = {Notice(1, "2022-03-01T15:00:00Z"),
                                   Notice(2, "2024-02-20T15:00:00Z", NoticeChannel::kEmail)};
  ApprovalEvent bounce;
  bounce.kind = ApprovalEventKind::kOptOutNoticeBounced;
  bounce.at = At("2024-02-21T15:00:00Z");
  bounce.notice_id = 2;
  ev.push_back(bounce);
  EXPECT_EQ(StatusAt(ev, "2024-02-25T12:00:00Z").opt_out, kOptOutScopes);
  EXPECT_TRUE(StatusAt(ev, "2024-03-05T12:00:00Z").opt_out.empty());  // notice 1 lapsed
}

// ---- 64.2007(a)(2): approval and disapproval stay until changed ----

TEST_F(ApprovalTest, c64_2007_a_2_OptOutElectedThenWithdrawn) {
  std::vector<ApprovalEvent> ev = {Notice(1, "2024-01-01T20:00:00Z"),
                                   Customer(ApprovalEventKind::kOptOutElected,
                                            "2024-03-01T12:00:00Z", kOwn)};
  ApprovalStatus st = StatusAt(ev, "2024-04-01T00:00:00Z");
  EXPECT_FALSE(st.opt_out.Has(ApprovalScope::kOwnMarketingCommRelated));
  EXPECT_TRUE(st.opt_out.Has(ApprovalScope::kAgents));
  EXPECT_TRUE(st.disapproved.Has(ApprovalScope::kOwnMarketingCommRelated));
  // Still denied a year later.
  EXPECT_TRUE(StatusAt(ev, "2025-03-01T00:00:00Z")
                  .disapproved.Has(ApprovalScope::kOwnMarketingCommRelated));
  ev.push_back(Customer(ApprovalEventKind::kOptOutWithdrawn, "2024-05-01T12:00:00Z", kOwn));
  st = StatusAt(ev, "2024-05-02T00:00:00Z");
  EXPECT_TRUE(st.opt_out.Has(ApprovalScope::kOwnMarketingCommRelated));
  EXPECT_TRUE(st.disapproved.empty());
  // Opting out before the wait ends: the scope is never assumed.
  const std::vector<ApprovalEvent> early = {
      Notice(1, "2024-01-01T20:00:00Z"),
      Customer(ApprovalEventKind::kOptOutElected, "2024-01-10T12:00:00Z", kOptOutScopes)};
  const ApprovalStatus e = StatusAt(early, "2024-03-01T00:00:00Z");
  EXPECT_TRUE(e.opt_out.empty());
  EXPECT_TRUE(e.opt_out_pending.empty());
}

TEST_F(ApprovalTest, c64_2007_OptInGrantedLimitedRevoked) {
  const ScopeSet granted{ApprovalScope::kAffiliates, ApprovalScope::kJointVenturersContractors,
                         ApprovalScope::kThirdParties};
  std::vector<ApprovalEvent> ev = {
      Customer(ApprovalEventKind::kOptInGranted, "2024-01-01T12:00:00Z", granted)};
  EXPECT_EQ(StatusAt(ev, "2024-01-01T12:00:00Z").opt_in, granted);
  EXPECT_TRUE(StatusAt(ev, "2024-01-01T11:59:59Z").opt_in.empty());  // not yet
  // Limited to affiliates: the rest becomes a denial.
  ev.push_back(Customer(ApprovalEventKind::kOptInLimited, "2024-02-01T12:00:00Z",
                        ScopeSet{ApprovalScope::kAffiliates}));
  ApprovalStatus st = StatusAt(ev, "2024-02-02T00:00:00Z");
  EXPECT_EQ(st.opt_in, ScopeSet{ApprovalScope::kAffiliates});
  EXPECT_TRUE(st.disapproved.Has(ApprovalScope::kThirdParties));
  EXPECT_TRUE(st.disapproved.Has(ApprovalScope::kOwnMarketingCommRelated));
  EXPECT_FALSE(st.disapproved.Has(ApprovalScope::kAffiliates));
  // Revoked.
  ev.push_back(Customer(ApprovalEventKind::kOptInRevoked, "2024-03-01T12:00:00Z",
                        ScopeSet{ApprovalScope::kAffiliates}));
  st = StatusAt(ev, "2024-03-02T00:00:00Z");
  EXPECT_TRUE(st.opt_in.empty());
  EXPECT_TRUE(st.disapproved.Has(ApprovalScope::kAffiliates));
  // Granted again: the denial of that scope ends.
  ev.push_back(Customer(ApprovalEventKind::kOptInGranted, "2024-04-01T12:00:00Z",
                        ScopeSet{ApprovalScope::kThirdParties}));
  st = StatusAt(ev, "2024-04-02T00:00:00Z");
  EXPECT_EQ(st.opt_in, ScopeSet{ApprovalScope::kThirdParties});
  EXPECT_FALSE(st.disapproved.Has(ApprovalScope::kThirdParties));
  EXPECT_TRUE(st.disapproved.Has(ApprovalScope::kAffiliates));
}

TEST_F(ApprovalTest, RevocationOverridesAssumedOptOutApproval) {
  const std::vector<ApprovalEvent> ev = {
      Notice(1, "2024-01-01T20:00:00Z"),
      Customer(ApprovalEventKind::kOptInRevoked, "2024-02-10T12:00:00Z",
               ScopeSet{ApprovalScope::kAffiliates})};
  const ApprovalStatus st = StatusAt(ev, "2024-03-01T00:00:00Z");
  EXPECT_FALSE(st.opt_out.Has(ApprovalScope::kAffiliates));
  EXPECT_TRUE(st.opt_out.Has(ApprovalScope::kAgents));
}

// ---- 64.2008(f): one-time use on a call ----

TEST_F(ApprovalTest, c64_2008_f_OneTimeConsentLastsForTheCall) {
  const std::vector<ApprovalEvent> ev = {
      OneTime("call-1", "2024-05-01T14:00:00Z", "2024-05-01T14:20:00Z")};
  const uint64_t call = CallIdHash("call-1");
  const ApprovalStatus during = StatusAt(ev, "2024-05-01T14:10:00Z");
  EXPECT_TRUE(during.OneTimeCovers(call, At("2024-05-01T14:10:00Z"),
                                   ApprovalScope::kOwnMarketingCommRelated));
  EXPECT_FALSE(during.OneTimeCovers(CallIdHash("call-2"), At("2024-05-01T14:10:00Z"),
                                    ApprovalScope::kOwnMarketingCommRelated));
  EXPECT_FALSE(during.OneTimeCovers(call, At("2024-05-01T14:10:00Z"),
                                    ApprovalScope::kThirdParties));
  EXPECT_FALSE(during.OneTimeCovers(0, At("2024-05-01T14:10:00Z"),
                                    ApprovalScope::kOwnMarketingCommRelated));
  const ApprovalStatus after = StatusAt(ev, "2024-05-01T14:20:01Z");
  EXPECT_EQ(after.one_time_call, 0u);
}

TEST_F(ApprovalTest, c64_2008_f_OneTimeConsentEndsWithTheCall) {
  std::vector<ApprovalEvent> ev = {OneTime("call-1", "2024-05-01T14:00:00Z", std::nullopt)};
  const uint64_t call = CallIdHash("call-1");
  // No end recorded: bounded by kMaxOneTimeConsent.
  EXPECT_TRUE(StatusAt(ev, "2024-05-01T17:59:59Z")
                  .OneTimeCovers(call, At("2024-05-01T17:59:59Z"),
                                 ApprovalScope::kOwnMarketingCommRelated));
  EXPECT_EQ(StatusAt(ev, "2024-05-01T18:00:01Z").one_time_call, 0u);
  ApprovalEvent end;
  end.kind = ApprovalEventKind::kCallEnded;
  end.at = At("2024-05-01T14:15:00Z");
  end.call_id = "call-1";
  ev.push_back(end);
  EXPECT_EQ(StatusAt(ev, "2024-05-01T14:15:01Z").one_time_call, 0u);
  EXPECT_TRUE(StatusAt(ev, "2024-05-01T14:14:00Z")
                  .OneTimeCovers(call, At("2024-05-01T14:14:00Z"),
                                 ApprovalScope::kOwnMarketingCommRelated));
}

TEST_F(ApprovalTest, EventsAfterTheInstantAreIgnoredAndInvalidOnesSkipped) {
  ApprovalEvent no_evidence = Customer(ApprovalEventKind::kOptInGranted, "2024-01-01T00:00:00Z",
                                       ScopeSet{ApprovalScope::kThirdParties});
  no_evidence.evidence = ApprovalEvidence{};
  const std::vector<ApprovalEvent> ev = {
      no_evidence,
      Customer(ApprovalEventKind::kOptInGranted, "2024-06-01T00:00:00Z", kOwn)};
  EXPECT_EQ(StatusAt(ev, "2024-05-01T00:00:00Z"), ApprovalStatus{});
  EXPECT_EQ(StatusAt(ev, "2024-06-01T00:00:00Z").opt_in, kOwn);
}

TEST_F(ApprovalTest, CompactRecordMatchesTheFold) {
  EXPECT_LE(sizeof(ApprovalRecord), 96u);
  const std::vector<ApprovalEvent> ev = {
      Notice(1, "2022-03-01T15:00:00Z"), Notice(2, "2024-02-20T15:00:00Z"),
      Customer(ApprovalEventKind::kOptInGranted, "2024-02-21T12:00:00Z",
               ScopeSet{ApprovalScope::kJointVenturersContractors}),
      OneTime("c", "2024-02-22T12:00:00Z", "2024-02-22T12:30:00Z")};
  ApprovalRecord rec;
  const Policy& floor = FloorPolicy();
  for (const ApprovalEvent& e : ev) {
    ASSERT_TRUE(rec.Apply(e, RuleSetFor(e.at, {}), floor, ny_).ok());
  }
  for (const char* t : {"2024-02-22T12:10:00Z", "2024-03-05T00:00:00Z", "2025-01-01T00:00:00Z",
                        "2026-03-01T00:00:00Z"}) {
    EXPECT_EQ(rec.StatusAt(At(t), ny_), StatusAt(ev, t)) << t;
  }
}

// ---- validation of events ----

struct BadEventCase {
  const char* name;
  ApprovalEvent event;
  const char* field;
  const char* needle;
};

std::vector<BadEventCase> BadEvents() {
  std::vector<BadEventCase> out;
  ApprovalEvent oral = Notice(1, "2024-01-01T00:00:00Z", NoticeChannel::kOral);
  out.push_back({"c64_2008_d_OralOptOutNotice", oral, "notice_channel", "64.2008(d)"});
  ApprovalEvent email = Notice(1, "2024-01-01T00:00:00Z", NoticeChannel::kEmail);
  email.email_consent_on_file = false;
  out.push_back({"c64_2008_d_3_i_EmailWithoutConsent", email, "email_consent_on_file",
                 "64.2008(d)(3)(i)"});
  ApprovalEvent no_id = Notice(0, "2024-01-01T00:00:00Z");
  out.push_back({"NoticeWithoutId", no_id, "notice_id", "notice id"});
  ApprovalEvent no_scope = Notice(1, "2024-01-01T00:00:00Z");
  no_scope.scopes = ScopeSet{};
  out.push_back({"NoScopes", no_scope, "scopes", "scope"});
  ApprovalEvent no_time = Notice(1, "2024-01-01T00:00:00Z");
  no_time.at = Instant();
  out.push_back({"NoInstant", no_time, "at", "instant"});
  ApprovalEvent written = Customer(ApprovalEventKind::kOptInGranted, "2024-01-01T00:00:00Z", kOwn);
  written.evidence.document_id.clear();
  out.push_back({"c64_2007_a_1_WrittenWithoutDocument", written, "evidence.document_id",
                 "64.2007(a)(1)"});
  ApprovalEvent oral_in = Customer(ApprovalEventKind::kOptInGranted, "2024-01-01T00:00:00Z", kOwn);
  oral_in.evidence = ApprovalEvidence{ConsentChannel::kOral, "", "", StaffId()};
  out.push_back({"c64_2007_a_1_OralWithoutProof", oral_in, "evidence", "64.2007(a)(1)"});
  ApprovalEvent no_call = OneTime("", "2024-01-01T00:00:00Z", std::nullopt);
  out.push_back({"c64_2008_f_OneTimeWithoutCall", no_call, "call_id", "call id"});
  ApprovalEvent backwards = OneTime("c", "2024-01-01T10:00:00Z", "2024-01-01T09:00:00Z");
  out.push_back({"CallEndsBeforeConsent", backwards, "call_end", "before"});
  return out;
}

class BadEventTest : public ::testing::TestWithParam<BadEventCase> {};

TEST_P(BadEventTest, RefusedWithFieldAndReason) {
  const BadEventCase& c = GetParam();
  const Status s = ValidateApprovalEvent(c.event);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.field(), c.field) << s.message();
  EXPECT_NE(s.message().find(c.needle), std::string::npos) << s.message();
  ApprovalRecord rec;
  EXPECT_FALSE(rec.Apply(c.event, RuleSetFor(At("2024-01-02T00:00:00Z"), {}), FloorPolicy(),
                         TimeZone::Utc())
                   .ok());
}

INSTANTIATE_TEST_SUITE_P(Events, BadEventTest, ::testing::ValuesIn(BadEvents()),
                         [](const ::testing::TestParamInfo<BadEventCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(ApprovalNamesTest, RoundTripAndErrors) {
  for (int i = 0; i < kApprovalEventKindCount; ++i) {
    const auto k = static_cast<ApprovalEventKind>(i);
    Result<ApprovalEventKind> back = ParseApprovalEventKind(ApprovalEventKindName(k));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, k);
  }
  EXPECT_EQ(*ParseNoticeChannel("mail"), NoticeChannel::kMail);
  EXPECT_EQ(*ParseConsentChannel("oral"), ConsentChannel::kOral);
  EXPECT_EQ(*ParseNoticeKind("one_time"), NoticeKind::kOneTime);
  Result<NoticeChannel> bad = ParseNoticeChannel("pigeon");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "notice_channel");
  EXPECT_NE(bad.status().message().find("known: mail, email"), std::string::npos);
}

// ---- 64.2008(c): notice templates ----

NoticeTemplate Complete(NoticeKind kind, NoticeChannel channel) {
  NoticeTemplate n;
  n.kind = kind;
  n.channel = channel;
  n.states_right_and_duty_to_protect = true;
  n.specifies_cpni_types = true;
  n.names_recipients = true;
  n.describes_purposes = true;
  n.states_right_to_disapprove_and_withdraw = true;
  n.gives_precise_steps = true;
  n.states_denial_does_not_affect_service = true;
  n.comprehensible_not_misleading = true;
  n.legible_and_prominent = true;
  n.states_approval_valid_until_revoked = true;
  n.solicitation_proximate = true;
  n.stated_waiting_days = 30;
  n.email_reply_to_opt_out = true;
  n.email_subject_clear = true;
  n.no_cost_24x7_opt_out = true;
  return n;
}

std::vector<std::string_view> Citations(const std::vector<NoticeDefect>& d) {
  std::vector<std::string_view> out;
  for (const NoticeDefect& x : d) out.push_back(x.citation);
  return out;
}

TEST(NoticeTemplateTest, CompleteTemplatesPass) {
  for (NoticeKind k : {NoticeKind::kOptOut, NoticeKind::kOptIn, NoticeKind::kOneTime}) {
    for (NoticeChannel c : {NoticeChannel::kMail, NoticeChannel::kEmail}) {
      EXPECT_TRUE(CheckNoticeTemplate(Complete(k, c)).empty());
    }
  }
  EXPECT_TRUE(CheckNoticeTemplate(Complete(NoticeKind::kOptIn, NoticeChannel::kOral)).empty());
}

TEST(NoticeTemplateTest, EachMissingItemIsNamedWithItsParagraph) {
  struct Item {
    bool NoticeTemplate::*field;
    bool missing_value;
    const char* item;
    const char* citation;
  };
  const Item items[] = {
      {&NoticeTemplate::states_right_and_duty_to_protect, false,
       "states_right_and_duty_to_protect", "47 CFR 64.2008(c)(1)"},
      {&NoticeTemplate::specifies_cpni_types, false, "specifies_cpni_types",
       "47 CFR 64.2008(c)(2)"},
      {&NoticeTemplate::names_recipients, false, "names_recipients", "47 CFR 64.2008(c)(2)"},
      {&NoticeTemplate::describes_purposes, false, "describes_purposes", "47 CFR 64.2008(c)(2)"},
      {&NoticeTemplate::states_right_to_disapprove_and_withdraw, false,
       "states_right_to_disapprove_and_withdraw", "47 CFR 64.2008(c)(2)"},
      {&NoticeTemplate::gives_precise_steps, false, "gives_precise_steps", "47 CFR 64.2008(c)(3)"},
      {&NoticeTemplate::states_denial_does_not_affect_service, false,
       "states_denial_does_not_affect_service", "47 CFR 64.2008(c)(3)"},
      {&NoticeTemplate::comprehensible_not_misleading, false, "comprehensible_not_misleading",
       "47 CFR 64.2008(c)(4)"},
      {&NoticeTemplate::legible_and_prominent, false, "legible_and_prominent",
       "47 CFR 64.2008(c)(5)"},
      {&NoticeTemplate::partially_translated, true, "partially_translated", "47 CFR 64.2008(c)(6)"},
      {&NoticeTemplate::encourages_freezing_third_party_access, true,
       "encourages_freezing_third_party_access", "47 CFR 64.2008(c)(8)"},
      {&NoticeTemplate::states_approval_valid_until_revoked, false,
       "states_approval_valid_until_revoked", "47 CFR 64.2008(c)(9)"},
      {&NoticeTemplate::solicitation_proximate, false, "solicitation_proximate",
       "47 CFR 64.2008(c)(10)"},
      {&NoticeTemplate::email_reply_to_opt_out, false, "email_reply_to_opt_out",
       "47 CFR 64.2008(d)(3)(ii)"},
      {&NoticeTemplate::email_subject_clear, false, "email_subject_clear",
       "47 CFR 64.2008(d)(3)(iv)"},
      {&NoticeTemplate::no_cost_24x7_opt_out, false, "no_cost_24x7_opt_out",
       "47 CFR 64.2008(d)(3)(v)"},
  };
  for (const Item& it : items) {
    NoticeTemplate n = Complete(NoticeKind::kOptOut, NoticeChannel::kEmail);
    n.*(it.field) = it.missing_value;
    const std::vector<NoticeDefect> d = CheckNoticeTemplate(n);
    ASSERT_EQ(d.size(), 1u) << it.item;
    EXPECT_EQ(d[0].item, it.item);
    EXPECT_EQ(d[0].citation, it.citation);
    EXPECT_FALSE(d[0].message.empty());
  }
}

TEST(NoticeTemplateTest, c64_2008_d_OptOutNoticeRules) {
  NoticeTemplate oral = Complete(NoticeKind::kOptOut, NoticeChannel::kOral);
  EXPECT_EQ(Citations(CheckNoticeTemplate(oral)),
            std::vector<std::string_view>{"47 CFR 64.2008(d)"});
  NoticeTemplate short_wait = Complete(NoticeKind::kOptOut, NoticeChannel::kMail);
  short_wait.stated_waiting_days = 0;  // does not state the period
  EXPECT_EQ(Citations(CheckNoticeTemplate(short_wait)),
            std::vector<std::string_view>{"47 CFR 64.2008(d)(1)"});
  // E-mail items only for e-mail.
  NoticeTemplate mail = Complete(NoticeKind::kOptOut, NoticeChannel::kMail);
  mail.email_reply_to_opt_out = false;
  EXPECT_TRUE(CheckNoticeTemplate(mail).empty());
}

TEST(NoticeTemplateTest, c64_2008_f_2_OneTimeNoticeMayOmitItems) {
  NoticeTemplate n = Complete(NoticeKind::kOneTime, NoticeChannel::kOral);
  n.names_recipients = false;  // (f)(2)(ii): no affiliate or third party involved
  n.states_right_to_disapprove_and_withdraw = false;  // (f)(2)(iii)
  n.explains_one_time_scope = true;
  n.gives_precise_steps = false;  // (f)(2)(iv)
  n.states_can_deny_for_call = true;
  EXPECT_TRUE(CheckNoticeTemplate(n).empty());
  n.will_disclose_to_affiliates_or_third_parties = true;
  n.explains_one_time_scope = false;
  n.states_can_deny_for_call = false;
  EXPECT_EQ(Citations(CheckNoticeTemplate(n)),
            (std::vector<std::string_view>{"47 CFR 64.2008(c)(2)", "47 CFR 64.2008(c)(2)",
                                           "47 CFR 64.2008(c)(3)"}));
}

// 64.2008(f)(2)(ii): a one-time notice need not name the recipients when no
// affiliate or third party will receive the CPNI; it must when one will, and
// other notices always must.
TEST(NoticeTemplateTest, c64_2008_f_2_ii_RecipientsOmittedOnlyWhenNoneReceive) {
  NoticeTemplate n = Complete(NoticeKind::kOneTime, NoticeChannel::kOral);
  n.names_recipients = false;
  EXPECT_TRUE(CheckNoticeTemplate(n).empty());
  n.will_disclose_to_affiliates_or_third_parties = true;
  EXPECT_EQ(Citations(CheckNoticeTemplate(n)),
            std::vector<std::string_view>{"47 CFR 64.2008(c)(2)"});
  NoticeTemplate opt_in = Complete(NoticeKind::kOptIn, NoticeChannel::kOral);
  opt_in.names_recipients = false;
  EXPECT_EQ(Citations(CheckNoticeTemplate(opt_in)),
            std::vector<std::string_view>{"47 CFR 64.2008(c)(2)"});
}

// 64.2008(f)(2)(iii): how to withdraw future access may be left out only when
// the notice explains the approval is for one-time use.
TEST(NoticeTemplateTest, c64_2008_f_2_iii_WithdrawalOmittedWhenTheOneTimeScopeIsExplained) {
  NoticeTemplate n = Complete(NoticeKind::kOneTime, NoticeChannel::kOral);
  n.states_right_to_disapprove_and_withdraw = false;
  EXPECT_EQ(Citations(CheckNoticeTemplate(n)),
            std::vector<std::string_view>{"47 CFR 64.2008(c)(2)"});
  n.explains_one_time_scope = true;
  EXPECT_TRUE(CheckNoticeTemplate(n).empty());
}

// 64.2008(f)(2)(iv): the precise steps may be left out only when the notice
// says the customer can deny access for the call.
TEST(NoticeTemplateTest, c64_2008_f_2_iv_StepsOmittedWhenTheNoticeSaysDenyForTheCall) {
  NoticeTemplate n = Complete(NoticeKind::kOneTime, NoticeChannel::kOral);
  n.gives_precise_steps = false;
  EXPECT_EQ(Citations(CheckNoticeTemplate(n)),
            std::vector<std::string_view>{"47 CFR 64.2008(c)(3)"});
  n.states_can_deny_for_call = true;
  EXPECT_TRUE(CheckNoticeTemplate(n).empty());
}

// 64.2008(f)(1): oral notice serves a one-time use on a call (and the consent
// given on it is valid with a recording); an oral opt-out notice is refused
// (64.2008(d)).
TEST(NoticeTemplateTest, c64_2008_f_1_OralNoticeServesOneTimeUse) {
  EXPECT_TRUE(CheckNoticeTemplate(Complete(NoticeKind::kOneTime, NoticeChannel::kOral)).empty());
  EXPECT_EQ(Citations(CheckNoticeTemplate(Complete(NoticeKind::kOptOut, NoticeChannel::kOral))),
            std::vector<std::string_view>{"47 CFR 64.2008(d)"});
  EXPECT_EQ(ValidateApprovalEvent(Notice(1, "2024-05-01T14:00:00Z", NoticeChannel::kOral))
                .field(),
            "notice_channel");
  EXPECT_TRUE(
      ValidateApprovalEvent(OneTime("call-1", "2024-05-01T14:00:00Z", std::nullopt)).ok());
}

// 64.2008(e): an opt-in notice may be oral, written or electronic, and an
// opt-in approval given orally is valid with its recording (64.2007(a)(1)).
TEST(NoticeTemplateTest, c64_2008_e_OptInNoticeMayBeOralWrittenOrElectronic) {
  for (NoticeChannel c : {NoticeChannel::kOral, NoticeChannel::kMail, NoticeChannel::kEmail,
                          NoticeChannel::kElectronic}) {
    EXPECT_TRUE(CheckNoticeTemplate(Complete(NoticeKind::kOptIn, c)).empty())
        << NoticeChannelName(c);
  }
  ApprovalEvent granted = Customer(ApprovalEventKind::kOptInGranted, "2024-05-01T14:00:00Z",
                                   ScopeSet{ApprovalScope::kThirdParties});
  granted.evidence.channel = ConsentChannel::kOral;
  granted.evidence.document_id.clear();
  granted.evidence.recording_id = "rec-1";
  EXPECT_TRUE(ValidateApprovalEvent(granted).ok());
}

TEST(NoticeTemplateTest, PolicyOptInOnlyRefusesOptOutNotices) {
  Policy seed = FloorPolicy();
  seed.approval_mode = ApprovalMode::kOptInOnly;
  const std::vector<NoticeDefect> d =
      CheckNoticeTemplate(Complete(NoticeKind::kOptOut, NoticeChannel::kMail), seed);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].item, "kind");
  EXPECT_TRUE(
      CheckNoticeTemplate(Complete(NoticeKind::kOptIn, NoticeChannel::kMail), seed).empty());
  Policy longer = FloorPolicy();
  longer.opt_out_wait_days = 45;
  EXPECT_EQ(CheckNoticeTemplate(Complete(NoticeKind::kOptOut, NoticeChannel::kMail), longer)
                .size(),
            1u);
}

}  // namespace
}  // namespace proprio::rules
