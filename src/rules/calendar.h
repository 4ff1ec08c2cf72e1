// rules/calendar.h: federal holidays and the business-day calendar every
// Proprio deadline is computed with.
//
// Holidays are those of 5 U.S.C. 6103(a), with the observed dates of 6103(b)
// and Executive Order 11582: a fixed-date holiday falling on a Saturday is
// observed the Friday before (New Year's Day on a Saturday: Friday December 31
// of the previous year), on a Sunday the Monday after. Juneteenth counts from
// 2021 (Pub. L. 117-17), Martin Luther King Jr.'s Birthday from 1986; the
// Monday holidays follow the Uniform Monday Holiday Act from 1971 (Veterans
// Day fell on the fourth Monday of October from 1971 to 1977); earlier years
// are computed with the 1971 rules. Inauguration Day (6103(c): January 20 of
// each year after a presidential election, i.e. (year - 1) % 4 == 0 from 1965;
// if a Sunday, observed Monday January 21; a Saturday is not moved) applies
// only in the Washington area and is a carrier option, off by default.
// One-off closures by executive order are not in 6103: a carrier lists them in
// its policy (extra closures).
//
// A business day is a Monday to Friday that is neither an observed holiday nor
// an extra closure, in the carrier's time zone.
//
// Counting convention, used for every "within N business days after X"
// obligation (64.2009(f), 64.2011(b)):
//   - the day of X itself never counts, whether or not it is a business day;
//   - the Nth business day after the day of X is the last day to act
//     (AddBusinessDays(day of X, N));
//   - the obligation is due at the end of that day in the carrier's zone
//     (DueInstant): the last microsecond before the next local midnight.
// "Until N full business days have passed after X" (64.2011(b)(1), 2007) ends
// when that same Nth business day has ended (WaitEndsAfterBusinessDays).
// Calendar-day periods count the same way with every day a counting day.
//
//   BusinessCalendar cal(zone, {.holidays = {.inauguration_day = false}});
//   Instant due = cal.DeadlineAfterBusinessDays(determined_at, 7);
//
// Everything here is a pure function of its inputs. Thread-safe once built.
#pragma once

#include <string_view>
#include <vector>

#include "core/time.h"
#include "rules/tz.h"

namespace proprio::rules {

struct HolidayOptions {
  // 5 U.S.C. 6103(c): Inauguration Day, Washington-area employees only.
  bool inauguration_day = false;
};

struct Holiday {
  CivilDate date;    // the observed date (a day off)
  CivilDate actual;  // the date 6103(a) names (differs when moved off a weekend)
  std::string_view name;
  friend bool operator==(const Holiday&, const Holiday&) = default;
};

// The holidays OBSERVED in calendar year `year`, in date order. New Year's Day
// of year + 1 appears here when it is observed on December 31 of `year`, and
// is then absent from Holidays(year + 1).
std::vector<Holiday> Holidays(int year, const HolidayOptions& options = {});

// The name of the holiday observed on `date`, or empty when there is none.
std::string_view ObservedHolidayName(CivilDate date, const HolidayOptions& options = {});

struct CalendarOptions {
  HolidayOptions holidays;
  // Days the carrier treats as closed beyond 6103 (e.g. federal closures by
  // executive order such as 2018-12-05). Any order; duplicates ignored.
  std::vector<CivilDate> extra_closures;
};

class BusinessCalendar {
 public:
  // REQUIRES: every date in options.extra_closures is Valid().
  BusinessCalendar(TimeZone zone, CalendarOptions options);

  const TimeZone& zone() const { return zone_; }
  const CalendarOptions& options() const { return options_; }

  // Monday to Friday, not an observed holiday, not an extra closure.
  bool IsBusinessDay(CivilDate date) const;

  // n > 0: the nth business day after `from` (from itself never counts).
  // n == 0: `from`. n < 0: the |n|th business day before `from`.
  CivilDate AddBusinessDays(CivilDate from, int n) const;

  // Business days d with from < d <= to; the negated count of those with
  // to < d <= from when to < from.
  int CountBusinessDays(CivilDate from, CivilDate to) const;

  static CivilDate AddCalendarDays(CivilDate from, int n) { return from.AddDays(n); }

  // The local date of `t` in the carrier's zone.
  CivilDate LocalDate(Instant t) const { return zone_.LocalDate(t); }
  // First instant of local day `date`.
  Instant StartOfDay(CivilDate date) const { return zone_.StartOfDay(date); }
  // The end of local day `last_day`: the next local midnight minus one
  // microsecond. DST-safe: a 23- or 25-hour day ends at its real end.
  Instant DueInstant(CivilDate last_day) const;

  // Due instant of "within n business days after `trigger`" (see the counting
  // convention above).
  Instant DeadlineAfterBusinessDays(Instant trigger, int n) const;
  // Due instant of "within n (calendar) days after `trigger`".
  Instant DeadlineAfterCalendarDays(Instant trigger, int n) const;
  // The first instant after n full business days have passed after
  // `trigger`: the start of the day following the nth business day.
  Instant WaitEndsAfterBusinessDays(Instant trigger, int n) const;

 private:
  bool IsClosure(CivilDate date) const;

  TimeZone zone_;
  CalendarOptions options_;
  std::vector<int64_t> closure_days_;  // sorted, unique, days since epoch
};

}  // namespace proprio::rules
