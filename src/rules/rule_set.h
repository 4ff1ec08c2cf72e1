// rules/rule_set.h: the FCC floor as data, one RuleSet per version of the
// rules, each rule with its citation and effective date.
//
//   fcc-2007  47 CFR 64.2001-64.2011 as amended by the 2007 "pretexting"
//             order (FCC 07-22, 72 FR 31948), in force from 2007-12-08
//             (confirm the date against the Federal Register announcement).
//             Instants before that date are answered with fcc-2007 too: it is
//             the oldest set Proprio carries.
//   fcc-2024  the same plus the Data Breach Reporting Report and Order
//             (FCC 23-111, WC Docket 22-21, 89 FR 9968), in force from
//             2024-03-13. Its new 64.2011 takes effect on a date the FCC
//             announces; that date is configuration (RuleConfig). Until it is
//             set, and before it, fcc-2024 carries the 2007 breach rules.
//             fcc-2024 also carries 64.2010(h), the SIM change protections
//             of FCC 23-95 (2023; port-outs: 47 CFR 52.37), whose compliance
//             date is configuration too (RuleConfig::sim_change_compliance).
//
// Federal effective dates are applied at 00:00 in Washington, D.C. (US
// Eastern time, computed with the post-2007 US DST rule, which covers every
// date in this file).
//
// A RuleSet is a small value (views of static tables plus a few numbers): it
// allocates nothing and is cheap to copy. The typed structs (ApprovalRules,
// SafeguardRules, BreachRules) hold the numbers other modules compute with;
// `rules` lists every rule for display, what-if answers and audits.
//
//   RuleSet rs = RuleSetFor(request.at, config);
//   ASSIGN_OR_RETURN(RuleSet what_if, RuleSetByName("fcc-2007", at, config));
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace proprio::rules {

enum class DayUnit : uint8_t { kCalendar = 0, kBusiness = 1 };
const char* DayUnitName(DayUnit unit);  // "calendar" | "business"

// A period of whole days, counted as calendar.h describes.
struct DayCount {
  int days = 0;
  DayUnit unit = DayUnit::kCalendar;
  friend bool operator==(const DayCount&, const DayCount&) = default;
};

struct MonthDay {
  int month = 1;
  int day = 1;
  friend bool operator==(const MonthDay&, const MonthDay&) = default;
};

struct Rule {
  std::string_view id;        // stable key, e.g. "breach.agency_notice"
  std::string_view citation;  // e.g. "47 CFR 64.2011(b)"
  CivilDate effective;        // when this text took effect
  // True for the fcc-2024 64.2011 rules and for 64.2010(h): their date is
  // RuleSet::breach_2024_effective or RuleSet::sim_change_compliance
  // (configuration), not `effective`.
  bool effective_on_announcement = false;
  std::string_view summary;   // one line, for listings
};

// 64.2009 and 64.2007/64.2008 numbers.
struct ApprovalRules {
  int opt_out_wait_days = 30;       // 64.2008(d)(1): at least 30 days
  int mail_extra_days = 3;          // 64.2008(d)(1)(ii): from the 3rd day after mailing
  int opt_out_renewal_months = 24;  // 64.2008(d)(2): opt-out notices every 2 years
  int approval_record_years = 1;    // 64.2007(a)(3)
  int notice_record_years = 1;      // 64.2008(a)(2)
};

struct SafeguardRules {
  DayCount opt_out_failure_notice{5, DayUnit::kBusiness};  // 64.2009(f)
  int campaign_record_years = 1;                           // 64.2009(c)
  int supervisory_record_years = 1;                        // 64.2009(d)
  MonthDay certification_due{3, 1};                        // 64.2009(e): on or before March 1
};

enum class BreachRegime : uint8_t { k2007 = 0, k2024 = 1 };
const char* BreachRegimeName(BreachRegime r);  // "2007" | "2024"
// The regime in words: "47 CFR 64.2011 (2007)" | "47 CFR 64.2011 as amended in
// 2024". The second form takes BreachRegimeName's "2007" | "2024".
std::string_view BreachRegimeTitle(BreachRegime r);
std::string_view BreachRegimeTitle(std::string_view name);

// The 64.2011 in force. Fields that a regime does not have are empty.
struct BreachRules {
  BreachRegime regime = BreachRegime::k2007;
  std::string_view citation;  // the section as a whole: BreachRegimeTitle(regime)
  // Who gets the agency notice: USSS and FBI (2007); also the FCC (2024).
  bool notify_fcc = false;
  // 2024: covered data includes PII beyond CPNI, and inadvertent breaches.
  bool covers_pii = false;
  bool covers_inadvertent = false;
  // Within 7 business days after reasonable determination: 64.2011(b) (2007),
  // 64.2011(a) (2024).
  DayCount agency_notice{7, DayUnit::kBusiness};
  // 2007 64.2011(b)(1): no customer notice until 7 full business days have
  // passed after the agency notice (except (b)(2) urgent need, (b)(3) delay).
  std::optional<DayCount> customer_wait;
  // 2024 64.2011(b): customers notified within 30 days after reasonable
  // determination.
  std::optional<DayCount> customer_deadline;
  // 2024 64.2011(a)(3): agency notice owed when >= 500 customers are affected
  // (or unknown, or harm not ruled out); 0 = every breach (2007).
  int agency_threshold_customers = 0;
  // 2024: no customer notice when no harm is reasonably likely.
  bool harm_based_customer_exception = false;
  // 2024: annual summary of small no-harm breaches, due for the previous
  // calendar year. February 1 is the believed date: CONFIRM against the rule
  // text before relying on it.
  std::optional<MonthDay> annual_summary_due;
  // Agency-directed delay of customer notice: initial period (both).
  int law_enforcement_initial_delay_days = 30;
  // 64.2011(d) (2007) / 64.2011(c) (2024): keep records 2 years.
  int record_retention_years = 2;
};

struct RuleSet {
  std::string_view name;  // "fcc-2007" | "fcc-2024"
  CivilDate effective;    // when the set as a whole took effect
  std::string_view source;
  ApprovalRules approval;
  SafeguardRules safeguards;
  BreachRules breach;  // the 64.2011 in force for this set at the asked instant
  // fcc-2024 only: the configured date of its new 64.2011 (empty = not yet).
  std::optional<CivilDate> breach_2024_effective;
  std::span<const Rule> rules;         // 64.2001-64.2010 and 47 U.S.C. 222
  std::span<const Rule> breach_rules;  // the 64.2011 in force
  // fcc-2024 only: 64.2010(h) (FCC 23-95, 2023), SIM change and port-out
  // protections, and the configured compliance date of its duties (empty =
  // not yet in force). fcc-2007 carries none.
  std::span<const Rule> sim_rules;
  std::optional<CivilDate> sim_change_compliance;
  // True when the set carries 64.2010(h) and its compliance date is on or
  // before `at` (00:00 US Eastern on that date).
  bool SimChangeInForce(Instant at) const;

  // The rule with this id, searching `rules`, `breach_rules` then
  // `sim_rules`; null if none.
  const Rule* Find(std::string_view id) const;
  // The citation of rule `id` from this set's tables: the one place
  // citations come from. For an id the set does not carry (e.g. the 2007
  // customer wait under the 2024 64.2011), the 64.2011 in force as a whole.
  std::string_view Cite(std::string_view id) const;
};

// Deployment configuration of the floor.
struct RuleConfig {
  // The date the Wireline Competition Bureau announces for the fcc-2024
  // 64.2011. Empty: the 2007 breach rules stay in force.
  std::optional<CivilDate> breach_2024_effective;
  // The compliance date of 64.2010(h) and 52.37 (FCC 23-95, WC Docket
  // 21-341, 88 FR 85794, Dec. 8, 2023). The rules took effect January 8,
  // 2024, except 64.2010(h)(2)-(6), (h)(8) and 52.37(c)-(e), (g), which
  // awaited Paperwork Reduction Act approval and a Federal Register
  // announcement; the Wireline Competition Bureau extended every compliance
  // deadline until after that approval, and no announced compliance date was
  // found in the public record (searched 2026-12-04). So the date is the
  // installation's (or a carrier's) configuration, like
  // breach_2024_effective. Empty: the duties are not yet in force; the
  // engine still records requests and answers, saying so.
  std::optional<CivilDate> sim_change_compliance;
};

inline constexpr CivilDate kFcc2007Effective{2007, 12, 8};
// FCC 23-95 took effect on this date (except the PRA-delayed paragraphs).
inline constexpr CivilDate kFcc2023SimEffective{2024, 1, 8};
inline constexpr CivilDate kFcc2024Effective{2024, 3, 13};

// A configured breach date must be a valid date on or after 2024-03-13
// (InvalidArgument naming "breach_2024_effective" otherwise); a configured
// SIM change compliance date a valid date on or after 2024-01-08
// (InvalidArgument naming "sim_change_compliance").
Status ValidateRuleConfig(const RuleConfig& config);

// 00:00 US Eastern time on `date`: the instant a federal rule dated `date`
// takes effect.
Instant FederalEffectiveInstant(CivilDate date);

// The rule set in force at `at`. A configured breach date earlier than
// 2024-03-13 is treated as 2024-03-13 (ValidateRuleConfig refuses it).
RuleSet RuleSetFor(Instant at, const RuleConfig& config);

// What-if: the named set, with the 64.2011 it carries at `at` under `config`.
// InvalidArgument naming "rule_set" for an unknown name.
Result<RuleSet> RuleSetByName(std::string_view name, Instant at, const RuleConfig& config);

// "fcc-2007", "fcc-2024".
std::span<const std::string_view> RuleSetNames();

// 47 U.S.C. 222 and 47 CFR 64.2001-64.2010 as both sets carry them
// (RuleSet::rules).
std::span<const Rule> GeneralRules();
// 64.2010(h), SIM change protections (FCC 23-95, 2023), as fcc-2024
// carries them (RuleSet::sim_rules), for the registry (rules/paragraphs.h).
std::span<const Rule> SimChangeRules();

// The 64.2011 rules of a regime, whatever the configuration (for checks that
// are not tied to one instant, e.g. a policy's breach section).
std::span<const Rule> BreachRulesOf(BreachRegime r);
// The citation of breach rule `id` under regime `r` (from the same table as
// RuleSet::Cite); the section's title when the regime has no such rule.
std::string_view CiteBreachRule(BreachRegime r, std::string_view id);

}  // namespace proprio::rules
