#include "rules/s2009_campaigns.h"

#include <gtest/gtest.h>

namespace proprio::rules {
namespace {

Staff Member(int64_t id, std::vector<Role> roles) {
  Staff s;
  s.id = StaffId(id);
  s.name = "Staff " + std::to_string(id);
  s.roles = std::move(roles);
  return s;
}

// 47 CFR 64.2009(d): nothing goes out before supervisory approval; a
// campaign walks draft -> submitted -> approved -> running -> completed.
TEST(CampaignRules, S2009d_StatesFollowTheReview) {
  EXPECT_EQ(*NextCampaignState(CampaignState::kDraft, CampaignStep::kSubmit), CampaignState::kSubmitted);
  EXPECT_EQ(*NextCampaignState(CampaignState::kSubmitted, CampaignStep::kApprove), CampaignState::kApproved);
  EXPECT_EQ(*NextCampaignState(CampaignState::kSubmitted, CampaignStep::kReject), CampaignState::kRejected);
  EXPECT_EQ(*NextCampaignState(CampaignState::kRejected, CampaignStep::kRevise), CampaignState::kDraft);
  EXPECT_EQ(*NextCampaignState(CampaignState::kApproved, CampaignStep::kStart), CampaignState::kRunning);
  EXPECT_EQ(*NextCampaignState(CampaignState::kRunning, CampaignStep::kComplete), CampaignState::kCompleted);

  auto unapproved = NextCampaignState(CampaignState::kSubmitted, CampaignStep::kStart);
  ASSERT_FALSE(unapproved.ok());
  EXPECT_EQ(unapproved.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(unapproved.status().field(), "state");
  EXPECT_NE(unapproved.status().message().find("supervisory approval"), std::string::npos);
  EXPECT_NE(unapproved.status().message().find("47 CFR 64.2009(d)"), std::string::npos);

  EXPECT_FALSE(NextCampaignState(CampaignState::kDraft, CampaignStep::kApprove).ok());
  EXPECT_FALSE(NextCampaignState(CampaignState::kApproved, CampaignStep::kApprove).ok());
  EXPECT_FALSE(NextCampaignState(CampaignState::kCompleted, CampaignStep::kStart).ok());
  EXPECT_FALSE(NextCampaignState(CampaignState::kRejected, CampaignStep::kStart).ok());

  EXPECT_TRUE(CampaignMayReachCustomers(CampaignState::kApproved));
  EXPECT_TRUE(CampaignMayReachCustomers(CampaignState::kRunning));
  for (auto s : {CampaignState::kDraft, CampaignState::kSubmitted, CampaignState::kRejected,
                 CampaignState::kCompleted}) {
    EXPECT_FALSE(CampaignMayReachCustomers(s)) << CampaignStateName(s);
  }
}

// 47 CFR 64.2009(d): the review is by someone other than the author; the
// policy may name the approver's role (the seed: general counsel).
TEST(CampaignRules, S2009d_ReviewerIsNotTheAuthorAndHoldsThePolicysRole) {
  Policy floor;
  const Staff supervisor = Member(3, {Role::kSupervisor});
  const Staff marketer = Member(5, {Role::kMarketing, Role::kSupervisor});
  const Staff counsel = Member(2, {Role::kGeneralCounsel});
  EXPECT_TRUE(CheckCampaignReviewer(floor, supervisor, StaffId(5)).ok());
  Status own = CheckCampaignReviewer(floor, marketer, StaffId(5));
  EXPECT_EQ(own.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(own.field(), "reviewer");
  EXPECT_NE(own.message().find("author"), std::string::npos);
  EXPECT_NE(own.message().find("47 CFR 64.2009(d)"), std::string::npos);
  EXPECT_EQ(CheckCampaignReviewer(floor, counsel, StaffId(5)).code(), StatusCode::kPermissionDenied);

  Policy seed;
  seed.outbound_marketing_approver = "general_counsel";
  EXPECT_TRUE(CheckCampaignReviewer(seed, counsel, StaffId(5)).ok());
  Status not_counsel = CheckCampaignReviewer(seed, supervisor, StaffId(5));
  EXPECT_EQ(not_counsel.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(not_counsel.message().find("outbound_marketing_approver"), std::string::npos);
  EXPECT_NE(not_counsel.message().find("general_counsel"), std::string::npos);
}

TEST(CampaignRules, S2009c_DatesInOrder) {
  EXPECT_TRUE(CheckCampaignDates({2026, 3, 1}, {2026, 3, 1}).ok());
  EXPECT_EQ(CheckCampaignDates({2026, 3, 2}, {2026, 3, 1}).field(), "ends_on");
  EXPECT_EQ(CheckCampaignDates({}, {2026, 3, 1}).field(), "starts_on");
  EXPECT_EQ(CheckCampaignDates({2026, 3, 1}, {}).field(), "ends_on");
}

// 47 CFR 64.2009(c) and (d): records kept at least one year; a policy may
// keep them longer, and the longer of the two periods governs.
TEST(CampaignRules, S2009c_RecordsKeptAtLeastOneYear) {
  Policy floor;
  EXPECT_EQ(CampaignRecordsKeptUntil(floor, {2026, 6, 30}), (CivilDate{2027, 6, 30}));
  Policy longer;
  longer.campaign_record_years = 3;
  longer.supervisory_record_years = 2;
  EXPECT_EQ(CampaignRecordsKeptUntil(longer, {2026, 6, 30}), (CivilDate{2029, 6, 30}));
  longer.campaign_record_years = 0;  // never below the floor's year
  longer.supervisory_record_years = 0;
  EXPECT_EQ(CampaignRecordsKeptUntil(longer, {2028, 2, 29}), (CivilDate{2029, 2, 28}));
}

TEST(CampaignRules, StateNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(CampaignState::kCompleted); ++i) {
    auto s = static_cast<CampaignState>(i);
    EXPECT_EQ(*ParseCampaignState(CampaignStateName(s)), s);
  }
  EXPECT_EQ(ParseCampaignState("live").status().field(), "state");
}

}  // namespace
}  // namespace proprio::rules
