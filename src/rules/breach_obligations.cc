// rules/breach_obligations.cc: 64.2011 clocks (see the header).
#include "rules/breach_obligations.h"

#include <algorithm>

namespace proprio::rules {
namespace {

// Puts `first` ahead of the other citations. (Written without
// vector::insert at begin(), which GCC 12 at -O3 misreports as a possible
// null dereference.)
void Prepend(std::vector<std::string>& basis, std::string first) {
  std::vector<std::string> out;
  out.reserve(basis.size() + 1);
  out.push_back(std::move(first));
  for (std::string& b : basis) out.push_back(std::move(b));
  basis = std::move(out);
}

const char* const kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string Day(CivilDate d) { return std::string(kWeekdays[d.Weekday()]) + " " + d.ToString(); }

std::string Count(DayCount c) {
  return std::to_string(c.days) + (c.unit == DayUnit::kBusiness ? " business" : " calendar") +
         (c.days == 1 ? " day" : " days");
}

// Citations come from the rule set's paragraph table (rules/rule_set.cc).
std::string Cite(const RuleSet& rs, const char* id) { return std::string(rs.Cite(id)); }

// "rule" or "policy": the side giving the winning instant (the rule on a tie:
// a policy that repeats the floor is not cited).
std::string Winner(Instant rule, Instant policy) { return rule <= policy ? "rule" : "policy"; }

}  // namespace

const char* HarmFindingName(HarmFinding h) {
  switch (h) {
    case HarmFinding::kUndetermined: return "undetermined";
    case HarmFinding::kHarmLikely: return "harm_likely";
    case HarmFinding::kNoHarmLikely: return "no_harm_likely";
  }
  return "undetermined";
}

const char* ObligationKindName(ObligationKind k) {
  switch (k) {
    case ObligationKind::kAgencyNotice: return "agency_notice";
    case ObligationKind::kCustomerNotice: return "customer_notice";
    case ObligationKind::kAnnualSummary: return "annual_summary";
  }
  return "agency_notice";
}

const char* ObligationStateName(ObligationState s) {
  switch (s) {
    case ObligationState::kOpen: return "open";
    case ObligationState::kMet: return "met";
    case ObligationState::kNotRequired: return "not_required";
  }
  return "open";
}

const Obligation* BreachClock::Find(ObligationKind k) const {
  for (const Obligation& o : obligations) {
    if (o.kind == k) return &o;
  }
  return nullptr;
}

bool BreachClock::AllSettled() const {
  return std::all_of(obligations.begin(), obligations.end(),
                     [](const Obligation& o) { return o.state != ObligationState::kOpen; });
}

std::vector<std::string> RequiredAgencies(const BreachRules& rules) {
  std::vector<std::string> out = {"usss", "fbi"};
  if (rules.notify_fcc) out.push_back("fcc");
  return out;
}

bool SmallNoHarmBreach(const BreachFacts& facts, const BreachRules& rules) {
  return rules.regime == BreachRegime::k2024 && rules.agency_threshold_customers > 0 &&
         facts.affected_customers.has_value() &&
         *facts.affected_customers < rules.agency_threshold_customers &&
         facts.harm == HarmFinding::kNoHarmLikely;
}

Instant DeadlineAfter(const BusinessCalendar& cal, Instant trigger, DayCount count) {
  return count.unit == DayUnit::kBusiness ? cal.DeadlineAfterBusinessDays(trigger, count.days)
                                          : cal.DeadlineAfterCalendarDays(trigger, count.days);
}

Instant WaitEndsAfter(const BusinessCalendar& cal, Instant trigger, DayCount count) {
  if (count.unit == DayUnit::kBusiness) return cal.WaitEndsAfterBusinessDays(trigger, count.days);
  return cal.StartOfDay(cal.LocalDate(trigger).AddDays(count.days + 1));
}

BusinessCalendar FederalCalendar(const TimeZone& zone) {
  // 5 U.S.C. 6103(a) and (b) only: no Inauguration Day (6103(c) is a
  // Washington-area day off, not a day every carrier may skip), no carrier
  // closure.
  return BusinessCalendar(zone, CalendarOptions{});
}

BreachClock ComputeBreachClock(const BreachFacts& facts, const RuleSet& rs, const Policy& policy,
                               const BusinessCalendar& cal) {
  // The rule's deadlines are counted on the federal calendar alone: a
  // carrier's closures (and the Inauguration Day option) lengthen nothing the
  // law fixes. The policy's own counts use the carrier's calendar and can only
  // shorten a deadline (min); a wait before customer notice takes the later
  // end of the two calendars (the stricter).
  const BusinessCalendar federal = FederalCalendar(cal.zone());
  const BreachRules& rules = rs.breach;
  const bool y2024 = rules.regime == BreachRegime::k2024;
  BreachClock clock;
  clock.regime = rules.regime;
  clock.record_retention_years = std::max(rules.record_retention_years, policy.breach_record_years);
  const CivilDate det_day = cal.LocalDate(facts.determined_at);
  const bool small_no_harm = SmallNoHarmBreach(facts, rules);

  // ---- agency notice: 64.2011(b) (2007), 64.2011(a) (2024) ----
  Obligation agency;
  agency.kind = ObligationKind::kAgencyNotice;
  agency.recipients = y2024 ? "FCC, USSS, FBI (central reporting facility)"
                            : "USSS, FBI (central reporting facility)";
  {
    const Instant by_rule = DeadlineAfter(federal, facts.determined_at, rules.agency_notice);
    const Instant by_policy = DeadlineAfter(cal, facts.determined_at, policy.breach_agency_notice);
    const Instant due = std::min(by_rule, by_policy);
    agency.due = due;
    agency.last_day = cal.LocalDate(due);
    agency.governed_by = Winner(by_rule, by_policy);
    if (by_rule <= by_policy) agency.basis.push_back(Cite(rs, "breach.agency_notice"));
    if (by_policy < by_rule) agency.basis.push_back("policy breach.agency_notice");
    const DayCount used = by_rule <= by_policy ? rules.agency_notice : policy.breach_agency_notice;
    agency.explanation = Count(used) + " after the determination on " + Day(det_day) +
                         " (that day not counted): last day " + Day(*agency.last_day);
  }
  if (facts.agency_notified_at) {
    agency.state = ObligationState::kMet;
    agency.met_at = facts.agency_notified_at;
  } else if (small_no_harm) {
    agency.state = ObligationState::kNotRequired;
    agency.basis = {Cite(rs, "breach.threshold")};
    agency.explanation = "fewer than " + std::to_string(rules.agency_threshold_customers) +
                         " customers affected and no harm reasonably likely: reported in the "
                         "annual summary instead";
  }
  clock.obligations.push_back(agency);

  // ---- customer notice ----
  Obligation cust;
  cust.kind = ObligationKind::kCustomerNotice;
  cust.recipients = "affected customers";
  std::string hold;  // why not_before is where it is
  if (facts.agency_notified_at) {
    Instant nb = *facts.agency_notified_at;
    if (!y2024 && rules.customer_wait) {
      if (facts.urgent) {
        hold = "urgent need found after consulting the investigating agency (" +
               Cite(rs, "breach.urgent_need") +
               "): no wait after the agency notice";
        cust.basis.push_back(Cite(rs, "breach.urgent_need"));
      } else {
        const Instant by_rule = std::max(WaitEndsAfter(federal, nb, *rules.customer_wait),
                                         WaitEndsAfter(cal, nb, *rules.customer_wait));
        const Instant by_policy = WaitEndsAfter(cal, nb, policy.breach_customer_wait);
        nb = std::max(by_rule, by_policy);
        const DayCount used = by_rule >= by_policy ? *rules.customer_wait
                                                   : policy.breach_customer_wait;
        if (by_rule >= by_policy) cust.basis.push_back(Cite(rs, "breach.customer_wait"));
        if (by_policy > by_rule) cust.basis.push_back("policy breach.customer_wait");
        hold = "not until " + Count(used).insert(Count(used).find(' ') + 1, "full ") +
               " have passed after the agency notice on " +
               Day(cal.LocalDate(*facts.agency_notified_at)) + ": from " +
               Day(cal.LocalDate(nb));
      }
    } else {
      hold = "after the agency notice";
    }
    cust.not_before = nb;
  } else {
    cust.blocked_by_agency_notice = true;
    hold = "not before the agency notice";
  }
  if (facts.delay_until) {
    const Instant delay_end = cal.StartOfDay(facts.delay_until->AddDays(1));
    cust.basis.push_back(Cite(rs, "breach.agency_delay"));  // 2024: (a)(2)
    if (!cust.not_before || delay_end > *cust.not_before) {
      if (cust.not_before) {
        cust.not_before = delay_end;
        cust.held_by_delay = true;
      }
      hold += "; law enforcement directed a delay through " + Day(*facts.delay_until);
    }
  }
  if (y2024) {
    const Instant by_rule = rules.customer_deadline
                                ? DeadlineAfter(federal, facts.determined_at, *rules.customer_deadline)
                                : DeadlineAfter(federal, facts.determined_at, {30, DayUnit::kCalendar});
    const Instant by_policy = DeadlineAfter(cal, facts.determined_at, policy.breach_customer_deadline);
    Instant due = std::min(by_rule, by_policy);
    cust.governed_by = Winner(by_rule, by_policy);
    const DayCount used = by_rule <= by_policy
                              ? rules.customer_deadline.value_or(DayCount{30, DayUnit::kCalendar})
                              : policy.breach_customer_deadline;
    if (by_rule <= by_policy) {
      Prepend(cust.basis, Cite(rs, "breach.customer_notice"));
    }
    if (by_policy < by_rule) cust.basis.push_back("policy breach.customer_deadline");
    std::string why = Count(used) + " after the determination on " + Day(det_day) + ": last day " +
                      Day(cal.LocalDate(due));
    if (facts.delay_until && cal.DueInstant(*facts.delay_until) >= due) {
      due = cal.DueInstant(facts.delay_until->AddDays(1));
      cust.governed_by = "law enforcement delay";
      why += "; moved by the directed delay (through " + Day(*facts.delay_until) +
             ") to the day after it, " + Day(cal.LocalDate(due));
    }
    cust.due = due;
    cust.last_day = cal.LocalDate(due);
    cust.explanation = why + "; " + hold;
  } else {
    cust.governed_by = "rule";
    Prepend(cust.basis, Cite(rs, "breach.law_enforcement_first"));
    cust.explanation = "no fixed deadline (" + Cite(rs, "breach.customer_notice") +
                       ": then notify customers); " + hold;
  }
  if (facts.customers_notified_at) {
    cust.state = ObligationState::kMet;
    cust.met_at = facts.customers_notified_at;
  } else if (y2024 && rules.harm_based_customer_exception &&
             facts.harm == HarmFinding::kNoHarmLikely) {
    cust.state = ObligationState::kNotRequired;
    cust.due.reset();
    cust.last_day.reset();
    cust.basis = {Cite(rs, "breach.customer_notice")};
    cust.explanation = "no customer notice: the carrier reasonably determined that no harm is "
                       "reasonably likely";
  }
  clock.obligations.push_back(cust);

  // ---- annual summary (2024, small no-harm breaches) ----
  if (small_no_harm && rules.annual_summary_due) {
    Obligation sum;
    sum.kind = ObligationKind::kAnnualSummary;
    sum.recipients = "FCC (annual summary)";
    const CivilDate last{det_day.year + 1, rules.annual_summary_due->month,
                         rules.annual_summary_due->day};
    sum.due = cal.DueInstant(last);
    sum.last_day = last;
    sum.governed_by = "rule";
    sum.basis = {Cite(rs, "breach.threshold")};
    sum.explanation = "breaches of " + std::to_string(det_day.year) +
                      " below the threshold with no harm likely are summarised for the FCC by " +
                      Day(last);
    if (facts.annual_summary_filed_at) {
      sum.state = ObligationState::kMet;
      sum.met_at = facts.annual_summary_filed_at;
    }
    clock.obligations.push_back(sum);
  }
  return clock;
}

Status CheckCustomerNotice(const BreachFacts& facts, const BreachClock& clock, const RuleSet& rs,
                           Instant at) {
  const Obligation* cust = clock.Find(ObligationKind::kCustomerNotice);
  const Obligation* agency = clock.Find(ObligationKind::kAgencyNotice);
  const bool y2024 = rs.breach.regime == BreachRegime::k2024;
  // Voluntary notices of a breach that owes neither notice are not held.
  if (agency && agency->state == ObligationState::kNotRequired && cust &&
      cust->state == ObligationState::kNotRequired) {
    return Status::Ok();
  }
  if (!facts.agency_notified_at || at < *facts.agency_notified_at) {
    const std::string cite = y2024 ? Cite(rs, "breach.customer_notice")
                                   : Cite(rs, "breach.law_enforcement_first");
    return Status::FailedPrecondition(
        "customers may not be notified before the agency notice (" + cite +
        "): record the submission to the central reporting facility first");
  }
  if (cust && cust->not_before && at < *cust->not_before) {
    if (cust->held_by_delay) {
      const std::string cite = Cite(rs, "breach.agency_delay");  // 2024: (a)(2)
      return Status::FailedPrecondition(
          "law enforcement directed a delay of customer notice through " +
          facts.delay_until->ToString() + " (" + cite + "); customers may be notified from " +
          cust->not_before->ToRfc3339());
    }
    return Status::FailedPrecondition(
        "customers may not be notified until 7 full business days have passed after the agency "
        "notice (" + Cite(rs, "breach.customer_wait") +
        "), i.e. from " + cust->not_before->ToRfc3339() +
        ", unless an urgent need is found after consulting the investigating agency (" +
        Cite(rs, "breach.urgent_need") + ")");
  }
  return Status::Ok();
}

}  // namespace proprio::rules
