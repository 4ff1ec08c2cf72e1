// rules/s2009_opt_out_failure.cc: 47 CFR 64.2009(f) (see the header).
#include "rules/s2009_opt_out_failure.h"

#include <algorithm>

#include "rules/breach_obligations.h"

namespace proprio::rules {
namespace {

const char* const kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string Day(CivilDate d) { return std::string(kWeekdays[d.Weekday()]) + " " + d.ToString(); }

std::string Count(DayCount c) {
  return std::to_string(c.days) + (c.unit == DayUnit::kBusiness ? " business" : " calendar") +
         (c.days == 1 ? " day" : " days");
}

}  // namespace

const char* FailureDegreeName(FailureDegree d) {
  return d == FailureDegree::kAnomaly ? "anomaly" : "more_than_anomaly";
}

Result<FailureDegree> ParseFailureDegree(std::string_view name) {
  if (name == "anomaly") return FailureDegree::kAnomaly;
  if (name == "more_than_anomaly") return FailureDegree::kMoreThanAnomaly;
  return Status::InvalidArgument(
      "determination '" + std::string(name) +
          "' is not one of anomaly, more_than_anomaly (47 CFR 64.2009(f): notice is owed when "
          "consumers' inability to opt out is more than an anomaly)",
      "determination");
}

const char* NoticeStateName(NoticeState s) {
  switch (s) {
    case NoticeState::kOpen: return "open";
    case NoticeState::kMet: return "met";
    case NoticeState::kNotRequired: return "not_required";
  }
  return "open";
}

OptOutFailureClock ComputeOptOutFailureClock(const OptOutFailureFacts& facts, const RuleSet& rs,
                                             const Policy& policy, const BusinessCalendar& cal) {
  OptOutFailureClock clock;
  const std::string cite(rs.Cite(kOptOutFailureRule));
  const CivilDate learned_day = cal.LocalDate(facts.learned_at);
  if (facts.degree == FailureDegree::kAnomaly) {
    // 64.2009(f): only a failure "more than an anomaly" is reported.
    clock.state = NoticeState::kNotRequired;
    clock.basis = {cite};
    clock.explanation = "determined to be an anomaly: no notice to the Commission is owed";
    if (facts.notice_sent_at) clock.met_at = facts.notice_sent_at;
    return clock;
  }
  // The rule's count on the federal calendar (closures lengthen nothing the
  // law fixes); the policy's on the carrier's calendar, only ever sooner.
  const BusinessCalendar federal = FederalCalendar(cal.zone());
  const DayCount rule_count = rs.safeguards.opt_out_failure_notice;
  const Instant by_rule = DeadlineAfter(federal, facts.learned_at, rule_count);
  const Instant by_policy = DeadlineAfter(cal, facts.learned_at, policy.opt_mechanism_failure_notice);
  const bool policy_wins = by_policy < by_rule;
  clock.due = policy_wins ? by_policy : by_rule;
  clock.last_day = cal.LocalDate(*clock.due);
  clock.governed_by = policy_wins ? "policy" : "rule";
  clock.basis.push_back(cite);
  if (policy_wins) clock.basis.push_back("policy safeguards.opt_mechanism_failure_notice");
  const DayCount used = policy_wins ? policy.opt_mechanism_failure_notice : rule_count;
  clock.explanation = Count(used) + " after the carrier learned of the failure on " +
                      Day(learned_day) + " (that day not counted): last day " +
                      Day(*clock.last_day);
  if (facts.notice_sent_at) {
    clock.state = NoticeState::kMet;
    clock.met_at = facts.notice_sent_at;
    clock.met_late = *facts.notice_sent_at > *clock.due;
  }
  return clock;
}

std::vector<ContentGap> MissingOptOutFailureContents(const OptOutFailureContents& c,
                                                     const RuleSet& rs) {
  const std::string cite(rs.Cite(kOptOutFailureContentsRule));
  std::vector<ContentGap> gaps;
  auto need = [&](bool present, const char* field, const char* what) {
    if (!present) gaps.push_back({field, cite, std::string("the letter must give ") + what});
  };
  // In the order 64.2009(f)(1) lists them.
  need(!c.carrier_name.empty(), "carrier_name", "the carrier's name");
  need(!c.mechanisms.empty(), "mechanisms", "a description of the opt-out mechanism(s) used");
  need(!c.problems.empty(), "problems", "the problem(s) experienced");
  need(!c.remedy.empty(), "remedy", "the remedy proposed");
  need(c.remedy_date.Valid(), "remedy_date",
       "when the remedy will be or was implemented (remedy_date)");
  need(c.state_commission_notified.has_value(), "state_commission_notified",
       "whether the relevant state commission(s) have been notified");
  need(!c.state_commission_notified.value_or(false) || !c.state_commission_action.empty(),
       "state_commission_action",
       "whether the state commission(s) notified have taken any action (\"none\" is an answer)");
  need(!c.customer_notice.empty(), "customer_notice", "a copy of the notice provided to customers");
  need(!c.contact.empty(), "contact", "contact information");
  return gaps;
}

Status CheckOptOutFailureNotice(const OptOutFailureContents& c, const RuleSet& rs) {
  const std::vector<ContentGap> gaps = MissingOptOutFailureContents(c, rs);
  if (gaps.empty()) return Status::Ok();
  std::string all;
  for (const ContentGap& g : gaps) all += (all.empty() ? "" : ", ") + g.field;
  return Status::InvalidArgument(gaps.front().field + ": " + gaps.front().message + " (" +
                                     gaps.front().citation + "); missing: " + all,
                                 gaps.front().field);
}

}  // namespace proprio::rules
