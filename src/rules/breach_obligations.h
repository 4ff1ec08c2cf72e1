// rules/breach_obligations.h: the clocks of a CPNI breach case (47 CFR
// 64.2011), computed from the rule set in force at the determination, the
// carrier's policy and the carrier's business calendar. Pure: no I/O, no clock.
//
// Obligations (each with its due instant: the end of the last day to act in
// the carrier's zone, calendar.h's counting convention; the stricter of the
// rule and the policy wins, i.e. the EARLIER due instant and the LATER
// earliest-permitted instant). The rule's counts run on the FEDERAL calendar
// (5 U.S.C. 6103(a)/(b) holidays only, FederalCalendar): the carrier's
// extra closures and its Inauguration Day option never lengthen a deadline
// the law fixes. The policy's counts run on the carrier's calendar and can
// only shorten a deadline; a wait before customer notice ends at the later
// of the two calendars' ends (the stricter):
//
//   agency_notice    2007 64.2011(b): USSS and FBI through the central
//                    reporting facility, within 7 business days after the
//                    reasonable determination. 2024 64.2011(a): also the
//                    FCC; not owed when fewer than 500 customers are affected
//                    (count known) and the carrier reasonably determines no
//                    harm is likely (2024 64.2011(a)(3)): the annual summary instead.
//                    Policy: breach.agency_notice (the seed: 7 calendar days).
//   customer_notice  Never before the agency notice (2007 64.2011(a); 2024
//                    64.2011(b) "after" it). 2007: not until 7 full business
//                    days have passed after the agency notice (b)(1) (policy
//                    breach.customer_wait, >= 7 business days), except an urgent
//                    need found after consulting the investigating agency
//                    (b)(2); no fixed deadline ((c): "then notify"). 2024: due
//                    30 calendar days after the determination (policy
//                    breach.customer_deadline), not owed when no harm is
//                    reasonably likely. Both: a delay directed by law
//                    enforcement ((b)(3) 2007, (c) 2024) holds notices until
//                    the day after its last day; under 2024 a delay ending on
//                    or after the 30th day moves the due instant to the end of
//                    the day after the delay's last day (Proprio's reading of
//                    "unless law enforcement directs a delay": confirm).
//   annual_summary   2024 only, for the small no-harm breach: in the summary
//                    filed with the FCC by February 1 (rule set data; confirm)
//                    of the year after the determination's local year.
//
//   BusinessCalendar cal(zone, policy.Calendar());
//   BreachClock clock = ComputeBreachClock(facts, rule_set, policy, cal);
//   Status ok = CheckCustomerNotice(facts, clock, rule_set, at);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "rules/calendar.h"
#include "rules/policy.h"
#include "rules/rule_set.h"

namespace proprio::rules {

enum class HarmFinding : uint8_t { kUndetermined = 0, kHarmLikely = 1, kNoHarmLikely = 2 };
const char* HarmFindingName(HarmFinding h);  // "undetermined" | "harm_likely" | "no_harm_likely"

// What has happened in a case, as far as the clocks care.
struct BreachFacts {
  Instant determined_at;                      // reasonable determination: the clock starts
  std::optional<int64_t> affected_customers;  // nullopt: the number cannot be determined
  HarmFinding harm = HarmFinding::kUndetermined;
  // 2007 64.2011(b)(2): extraordinarily urgent need, found after consulting
  // the investigating agency (the service refuses it without consultation).
  bool urgent = false;
  // When the agency notice was complete (every recipient the rules name).
  std::optional<Instant> agency_notified_at;
  // The last day (carrier's zone) of the latest delay law enforcement directed.
  std::optional<CivilDate> delay_until;
  // When every affected customer had been notified.
  std::optional<Instant> customers_notified_at;
  std::optional<Instant> annual_summary_filed_at;
};

enum class ObligationKind : uint8_t { kAgencyNotice = 0, kCustomerNotice = 1, kAnnualSummary = 2 };
const char* ObligationKindName(ObligationKind k);  // "agency_notice" | ...

enum class ObligationState : uint8_t { kOpen = 0, kMet = 1, kNotRequired = 2 };
const char* ObligationStateName(ObligationState s);  // "open" | "met" | "not_required"

struct Obligation {
  ObligationKind kind = ObligationKind::kAgencyNotice;
  ObligationState state = ObligationState::kOpen;
  std::string recipients;  // "USSS, FBI", "affected customers", "FCC (annual summary)"
  // Due instant (end of `last_day` in the carrier's zone); empty: no fixed
  // deadline (2007 customer notice) or not owed.
  std::optional<Instant> due;
  std::optional<CivilDate> last_day;
  // Customer notice: the earliest instant it is permitted; empty while the
  // agency notice is missing (blocked) or when nothing holds it.
  std::optional<Instant> not_before;
  bool blocked_by_agency_notice = false;
  bool held_by_delay = false;  // not_before is the end of a directed delay
  std::optional<Instant> met_at;
  // Where the due date comes from: "rule", "policy" (strictly stricter), or
  // "law enforcement delay".
  std::string governed_by;
  std::vector<std::string> basis;  // citations ("47 CFR 64.2011(b)", "policy breach.agency_notice")
  std::string explanation;         // one sentence with the count
};

struct BreachClock {
  BreachRegime regime = BreachRegime::k2007;
  std::vector<Obligation> obligations;  // agency, customer, then summary when owed
  // Records of the breach and its notifications are kept this many years
  // (the larger of 64.2011(d) and the policy).
  int record_retention_years = 2;

  const Obligation* Find(ObligationKind k) const;
  // True when every obligation is met or not required.
  bool AllSettled() const;
};

// The agencies the notice goes to under `rules`: {"usss", "fbi"} (+ "fcc").
std::vector<std::string> RequiredAgencies(const BreachRules& rules);

// True when the 2024 small-breach exception applies: count known, below the
// threshold, and no harm reasonably likely.
bool SmallNoHarmBreach(const BreachFacts& facts, const BreachRules& rules);

BreachClock ComputeBreachClock(const BreachFacts& facts, const RuleSet& rule_set,
                               const Policy& policy, const BusinessCalendar& calendar);

// OK when a customer notice at `at` is permitted; FailedPrecondition citing
// the rule otherwise (before the agency notice, during the 2007 wait, during
// a directed delay).
Status CheckCustomerNotice(const BreachFacts& facts, const BreachClock& clock,
                           const RuleSet& rule_set, Instant at);

// The calendar the rule's own deadlines are counted on: `zone`, the observed
// holidays of 5 U.S.C. 6103(a)/(b), no Inauguration Day, no closures.
BusinessCalendar FederalCalendar(const TimeZone& zone);

// Due instant of "within `count` days after `trigger`" (business or calendar).
Instant DeadlineAfter(const BusinessCalendar& cal, Instant trigger, DayCount count);
// First instant after `count` full days have passed after `trigger`.
Instant WaitEndsAfter(const BusinessCalendar& cal, Instant trigger, DayCount count);

}  // namespace proprio::rules
