// rules/s2009_opt_out_failure.h: 47 CFR 64.2009(f), the written notice to
// the Commission when a carrier's opt-out mechanisms fail, as pure decisions.
//
// What the rule asks (REGULATIONS.md, "Safeguards"; the paragraphs as the
// rule set's table cites them):
//   64.2009(f)     written notice to the Commission within five business days
//                  of any instance where the opt-out mechanisms do not work
//                  properly, to such a degree that consumers' inability to
//                  opt out is more than an anomaly;
//   64.2009(f)(1)  the notice is a letter with: the carrier's name, a
//                  description of the opt-out mechanism(s) used, the
//                  problem(s) experienced, the remedy proposed and when it
//                  will be or was implemented, whether the relevant state
//                  commission(s) have been notified and whether they have
//                  taken any action, a copy of the notice provided to
//                  customers, and contact information;
//   64.2009(f)(2)  the notice is owed even when the carrier offers other
//                  methods by which consumers may opt out.
//
// Cases:
//   - The duty arises only when a person has determined that the inability
//     to opt out is "more than an anomaly". An incident determined to be an
//     anomaly owes no notice (not_required); the determination is a
//     person's, recorded with the incident, never inferred here.
//   - The clock starts when the carrier learned of the failure (the rule
//     names no other trigger; Proprio's reading: confirm). The day it learned
//     is not counted; the fifth business day after it is the last day; the
//     notice is due at the end of that day in the carrier's zone
//     (rules/calendar.h's counting convention, as for 64.2011(b)).
//   - The rule's five business days are counted on the federal calendar
//     (5 U.S.C. 6103(a)/(b) holidays, the carrier's zone): a carrier's extra
//     closures lengthen nothing the law fixes. The policy's count
//     (safeguards.opt_mechanism_failure_notice) runs on the carrier's own
//     calendar and can only make the notice due sooner: the earlier due
//     instant wins, as in rules/breach_obligations.h.
//   - A notice sent is the obligation met (late or not: `met_late` says so).
//
//   BusinessCalendar cal(zone, policy.Calendar());
//   OptOutFailureClock clock = ComputeOptOutFailureClock(facts, rule_set, policy, cal);
//   Status ok = CheckOptOutFailureNotice(contents, rule_set);  // names the missing field
//
// Everything here is a pure function of its inputs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "rules/calendar.h"
#include "rules/policy.h"
#include "rules/rule_set.h"

namespace proprio::rules {

// Rule ids in the rule set's table (rules/rule_set.cc).
inline constexpr std::string_view kOptOutFailureRule = "safeguards.opt_out_failure";
inline constexpr std::string_view kOptOutFailureContentsRule =
    "safeguards.opt_out_failure.contents";
inline constexpr std::string_view kOptOutFailureOtherMethodsRule =
    "safeguards.opt_out_failure.other_methods";

// A person's determination of how far the mechanism failed.
enum class FailureDegree : uint8_t { kAnomaly = 0, kMoreThanAnomaly = 1 };
const char* FailureDegreeName(FailureDegree d);  // "anomaly" | "more_than_anomaly"
// InvalidArgument naming "determination" for anything else.
Result<FailureDegree> ParseFailureDegree(std::string_view name);

struct OptOutFailureFacts {
  Instant learned_at;  // when the carrier learned of the failure
  FailureDegree degree = FailureDegree::kMoreThanAnomaly;
  std::optional<Instant> notice_sent_at;  // the letter was sent to the Commission
};

enum class NoticeState : uint8_t { kOpen = 0, kMet = 1, kNotRequired = 2 };
const char* NoticeStateName(NoticeState s);  // "open" | "met" | "not_required"

struct OptOutFailureClock {
  NoticeState state = NoticeState::kOpen;
  // Empty when not required.
  std::optional<Instant> due;         // end of last_day in the carrier's zone
  std::optional<CivilDate> last_day;  // the fifth business day after learning
  std::optional<Instant> met_at;
  bool met_late = false;               // sent after `due`
  std::string governed_by;             // "rule" | "policy" (strictly sooner)
  std::vector<std::string> basis;      // citations
  std::string explanation;             // one sentence with the count and days
};

OptOutFailureClock ComputeOptOutFailureClock(const OptOutFailureFacts& facts,
                                             const RuleSet& rule_set, const Policy& policy,
                                             const BusinessCalendar& calendar);

// The contents of the letter, 64.2009(f)(1). Empty text is missing.
struct OptOutFailureContents {
  std::string carrier_name;
  std::string mechanisms;  // the opt-out mechanism(s) used
  std::string problems;    // the problem(s) experienced
  std::string remedy;      // the remedy proposed
  // When the remedy will be or was implemented (invalid: missing).
  CivilDate remedy_date;
  // Whether the relevant state commission(s) have been notified (empty:
  // not stated, missing) and, when they have, whether they took any action
  // (text, "none" is an answer; required when notified).
  std::optional<bool> state_commission_notified;
  std::string state_commission_action;
  std::string customer_notice;  // a copy of the notice provided to customers
  std::string contact;          // contact information
};

// One content item the letter lacks.
struct ContentGap {
  std::string field;     // "carrier_name", "mechanisms", "problems", "remedy",
                         // "remedy_date", "state_commission_notified",
                         // "state_commission_action", "customer_notice", "contact"
  std::string citation;  // the rule set's citation of 64.2009(f)(1)
  std::string message;   // one sentence
};

// Every missing item, in the order the rule lists them; empty when complete.
std::vector<ContentGap> MissingOptOutFailureContents(const OptOutFailureContents& contents,
                                                     const RuleSet& rule_set);
// OK, or InvalidArgument naming the first missing item's field, citing
// 64.2009(f)(1).
Status CheckOptOutFailureNotice(const OptOutFailureContents& contents, const RuleSet& rule_set);

}  // namespace proprio::rules
