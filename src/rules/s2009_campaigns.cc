#include "rules/s2009_campaigns.h"

#include <algorithm>
#include <array>
#include <string>

namespace proprio::rules {

namespace {

constexpr std::array<const char*, 6> kStateNames = {"draft",    "submitted", "approved",
                                                    "rejected", "running",   "completed"};
constexpr std::array<const char*, 6> kStepNames = {"submit", "approve", "reject",
                                                   "revise", "start",   "complete"};

bool HasRole(const Staff& s, Role r) {
  return std::find(s.roles.begin(), s.roles.end(), r) != s.roles.end();
}

std::string Cited(std::string_view text, std::string_view citation) {
  return std::string(text) + " (" + std::string(citation) + ")";
}

}  // namespace

const char* CampaignStateName(CampaignState s) { return kStateNames[static_cast<size_t>(s)]; }

Result<CampaignState> ParseCampaignState(std::string_view name, std::string_view field) {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    if (name == kStateNames[i]) return static_cast<CampaignState>(i);
  }
  return Status::InvalidArgument(
      "unknown campaign state '" + std::string(name) +
          "' (one of draft, submitted, approved, rejected, running, completed)",
      std::string(field));
}

const char* CampaignStepName(CampaignStep s) { return kStepNames[static_cast<size_t>(s)]; }

Result<CampaignState> NextCampaignState(CampaignState from, CampaignStep step) {
  CampaignState needs = CampaignState::kDraft;
  CampaignState to = CampaignState::kDraft;
  switch (step) {
    case CampaignStep::kSubmit:
      needs = CampaignState::kDraft, to = CampaignState::kSubmitted;
      break;
    case CampaignStep::kApprove:
      needs = CampaignState::kSubmitted, to = CampaignState::kApproved;
      break;
    case CampaignStep::kReject:
      needs = CampaignState::kSubmitted, to = CampaignState::kRejected;
      break;
    case CampaignStep::kRevise:
      needs = CampaignState::kRejected, to = CampaignState::kDraft;
      break;
    case CampaignStep::kStart:
      needs = CampaignState::kApproved, to = CampaignState::kRunning;
      break;
    case CampaignStep::kComplete:
      needs = CampaignState::kRunning, to = CampaignState::kCompleted;
      break;
  }
  if (from == needs) return to;
  std::string message = std::string("a campaign can ") + CampaignStepName(step) + " only when " +
                        CampaignStateName(needs) + "; this one is " + CampaignStateName(from);
  if (step == CampaignStep::kStart) {
    message = Cited(message + ": outbound marketing needs supervisory approval first",
                    kSupervisoryReviewCitation);
  } else if (step == CampaignStep::kApprove || step == CampaignStep::kReject) {
    message = Cited(message + ": only a submitted campaign is reviewed", kSupervisoryReviewCitation);
  }
  return Status(StatusCode::kFailedPrecondition, message, "state");
}

Status CheckCampaignReviewer(const Policy& policy, const Staff& reviewer, StaffId author) {
  if (reviewer.id == author) {
    return Status(StatusCode::kPermissionDenied,
                  Cited("the campaign's author cannot review it: approval is by a supervisor",
                        kSupervisoryReviewCitation),
                  "reviewer");
  }
  if (!policy.outbound_marketing_approver.empty()) {
    auto role = ParseRole(policy.outbound_marketing_approver);
    if (role.ok() && HasRole(reviewer, *role)) return Status::Ok();
    return Status(StatusCode::kPermissionDenied,
                  Cited("the carrier's policy ([safeguards] outbound_marketing_approver) names " +
                            policy.outbound_marketing_approver +
                            " as the approver of outbound marketing; " + reviewer.name +
                            " does not hold that role",
                        kSupervisoryReviewCitation),
                  "reviewer");
  }
  if (HasRole(reviewer, Role::kSupervisor)) return Status::Ok();
  return Status(StatusCode::kPermissionDenied,
                Cited("outbound marketing is approved by a supervisor (the carrier's policy names "
                      "no other approver); " +
                          reviewer.name + " is not a supervisor",
                      kSupervisoryReviewCitation),
                "reviewer");
}

Status CheckCampaignDates(CivilDate starts_on, CivilDate ends_on) {
  if (!starts_on.Valid()) return Status::InvalidArgument("starts_on must be a date (YYYY-MM-DD)", "starts_on");
  if (!ends_on.Valid()) return Status::InvalidArgument("ends_on must be a date (YYYY-MM-DD)", "ends_on");
  if (ends_on < starts_on) {
    return Status::InvalidArgument("ends_on " + ends_on.ToString() + " is before starts_on " +
                                       starts_on.ToString(),
                                   "ends_on");
  }
  return Status::Ok();
}

bool CampaignMayReachCustomers(CampaignState state) {
  return state == CampaignState::kApproved || state == CampaignState::kRunning;
}

CivilDate CampaignRecordsKeptUntil(const Policy& policy, CivilDate from) {
  const int years =
      std::max({1, policy.campaign_record_years, policy.supervisory_record_years});
  CivilDate until{from.year + years, from.month, from.day};
  // February 29 plus whole years: the last day of February.
  if (!until.Valid()) until = CivilDate{until.year, until.month, 28};
  return until;
}

}  // namespace proprio::rules
