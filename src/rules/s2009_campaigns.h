// rules/s2009_campaigns.h: sales and marketing campaigns that use CPNI — the
// record of 47 CFR 64.2009(c) and the supervisory review of outbound
// marketing of 64.2009(d) — as pure decisions.
//
// What the rule asks (REGULATIONS.md, "Safeguards"): a record of every sales
// and marketing campaign that uses CPNI (a description, the specific CPNI
// used, the products and services offered), kept at least one year; sales
// personnel obtain supervisory approval of any proposed outbound marketing
// request before it goes out, and the compliance records of that review are
// kept at least one year. A carrier's policy may name who approves (the
// seed's: the General Counsel) and keep the records longer.
//
// A campaign moves draft -> submitted -> approved | rejected -> running ->
// completed; a rejected campaign may be revised (back to draft). Only an
// approved or running campaign has an audience. Which customers it may reach
// is decide()'s answer for each customer (services/campaigns).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/domain.h"
#include "core/status.h"
#include "core/time.h"
#include "rules/policy.h"

namespace proprio::rules {

inline constexpr std::string_view kCampaignRecordCitation = "47 CFR 64.2009(c)";
inline constexpr std::string_view kSupervisoryReviewCitation = "47 CFR 64.2009(d)";

enum class CampaignState : uint8_t {
  kDraft = 0,
  kSubmitted,
  kApproved,
  kRejected,
  kRunning,
  kCompleted,
};
const char* CampaignStateName(CampaignState s);
Result<CampaignState> ParseCampaignState(std::string_view name, std::string_view field = "state");

// The steps a campaign takes; each moves it from one state to the next.
enum class CampaignStep : uint8_t { kSubmit, kApprove, kReject, kRevise, kStart, kComplete };
const char* CampaignStepName(CampaignStep s);

// The state `step` leads to from `from`, or FailedPrecondition (field
// "state") saying which state the step needs, citing 64.2009(d) for the
// steps the review governs (nothing runs unapproved).
Result<CampaignState> NextCampaignState(CampaignState from, CampaignStep step);

// Who may approve or reject: never the campaign's author (64.2009(d): the
// review is by someone other than the sales personnel who propose it); a
// staff member with the role the carrier's policy names
// ([safeguards] outbound_marketing_approver), or, when it names none, a
// supervisor. PermissionDenied naming "reviewer" otherwise.
Status CheckCampaignReviewer(const Policy& policy, const Staff& reviewer, StaffId author);

// Campaign dates: both valid, end not before start. InvalidArgument naming
// "starts_on" or "ends_on".
Status CheckCampaignDates(CivilDate starts_on, CivilDate ends_on);

// Whether a campaign in `state` has an audience (approved or running).
bool CampaignMayReachCustomers(CampaignState state);

// The last day the campaign's records must be kept: the longer of the
// policy's campaign_record_years (64.2009(c)) and supervisory_record_years
// (64.2009(d)), each at least one year, counted from the day the campaign
// was completed (from its planned end while it has not been).
CivilDate CampaignRecordsKeptUntil(const Policy& policy, CivilDate completed_or_ends_on);

}  // namespace proprio::rules
