// rules/calendar.cc: 5 U.S.C. 6103 holidays and business-day arithmetic.
#include "rules/calendar.h"

#include <algorithm>
#include <array>
#include <utility>

namespace proprio::rules {
namespace {

constexpr int kMaxHolidaysPerYear = 12;
using HolidayArray = std::array<Holiday, kMaxHolidaysPerYear>;

// The nth (1-based) `weekday` (0 = Sunday) of `month`.
CivilDate NthWeekday(int year, int month, int weekday, int n) {
  const CivilDate first{year, month, 1};
  const int day = 1 + (weekday - first.Weekday() + 7) % 7 + 7 * (n - 1);
  return CivilDate{year, month, day};
}

CivilDate LastWeekday(int year, int month, int weekday) {
  const CivilDate last{year, month, DaysInMonth(year, month)};
  return last.AddDays(-((last.Weekday() - weekday + 7) % 7));
}

// 5 U.S.C. 6103(b) and E.O. 11582: Saturday -> Friday before, Sunday -> Monday after.
Holiday Fixed(int year, int month, int day, std::string_view name) {
  const CivilDate actual{year, month, day};
  CivilDate observed = actual;
  if (actual.Weekday() == 6) observed = actual.AddDays(-1);
  if (actual.Weekday() == 0) observed = actual.AddDays(1);
  return Holiday{observed, actual, name};
}

Holiday Moving(CivilDate date, std::string_view name) { return Holiday{date, date, name}; }

// The holidays 6103 names for `year` (by their legal date's year), unsorted.
// Returns how many were written to `out`.
int LegalHolidays(int year, const HolidayOptions& options, HolidayArray& out) {
  int n = 0;
  // 6103(a): New Year's Day, January 1.
  out[n++] = Fixed(year, 1, 1, "New Year's Day");
  // 6103(a): Birthday of Martin Luther King, Jr., third Monday in January (from 1986).
  if (year >= 1986) {
    out[n++] = Moving(NthWeekday(year, 1, 1, 3), "Birthday of Martin Luther King, Jr.");
  }
  // 6103(c): Inauguration Day, January 20 after a presidential election;
  // Sunday -> Monday January 21. Washington area only: a carrier option.
  if (options.inauguration_day && year >= 1965 && (year - 1) % 4 == 0) {
    CivilDate d{year, 1, 20};
    if (d.Weekday() == 0) d = d.AddDays(1);
    out[n++] = Holiday{d, CivilDate{year, 1, 20}, "Inauguration Day"};
  }
  // 6103(a): Washington's Birthday, third Monday in February.
  out[n++] = Moving(NthWeekday(year, 2, 1, 3), "Washington's Birthday");
  // 6103(a): Memorial Day, last Monday in May.
  out[n++] = Moving(LastWeekday(year, 5, 1), "Memorial Day");
  // 6103(a): Juneteenth National Independence Day, June 19 (Pub. L. 117-17, 2021).
  if (year >= 2021) out[n++] = Fixed(year, 6, 19, "Juneteenth National Independence Day");
  // 6103(a): Independence Day, July 4.
  out[n++] = Fixed(year, 7, 4, "Independence Day");
  // 6103(a): Labor Day, first Monday in September.
  out[n++] = Moving(NthWeekday(year, 9, 1, 1), "Labor Day");
  // 6103(a): Columbus Day, second Monday in October.
  out[n++] = Moving(NthWeekday(year, 10, 1, 2), "Columbus Day");
  // 6103(a): Veterans Day, November 11 (fourth Monday in October 1971-1977).
  if (year >= 1971 && year <= 1977) {
    out[n++] = Moving(NthWeekday(year, 10, 1, 4), "Veterans Day");
  } else {
    out[n++] = Fixed(year, 11, 11, "Veterans Day");
  }
  // 6103(a): Thanksgiving Day, fourth Thursday in November.
  out[n++] = Moving(NthWeekday(year, 11, 4, 4), "Thanksgiving Day");
  // 6103(a): Christmas Day, December 25.
  out[n++] = Fixed(year, 12, 25, "Christmas Day");
  return n;
}

bool IsWeekend(CivilDate d) {
  const int w = d.Weekday();
  return w == 0 || w == 6;
}

}  // namespace

std::vector<Holiday> Holidays(int year, const HolidayOptions& options) {
  std::vector<Holiday> out;
  HolidayArray buf;
  for (int y : {year, year + 1}) {
    const int n = LegalHolidays(y, options, buf);
    for (int i = 0; i < n; ++i) {
      if (buf[i].date.year == year) out.push_back(buf[i]);
    }
  }
  std::sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) {
    return a.date != b.date ? a.date < b.date : a.actual < b.actual;
  });
  return out;
}

std::string_view ObservedHolidayName(CivilDate date, const HolidayOptions& options) {
  HolidayArray buf;
  // Only New Year's Day moves across a year boundary (to December 31).
  const int years[] = {date.year, date.year + 1};
  const int count = (date.month == 12 && date.day == 31) ? 2 : 1;
  for (int k = 0; k < count; ++k) {
    const int n = LegalHolidays(years[k], options, buf);
    for (int i = 0; i < n; ++i) {
      if (buf[i].date == date) return buf[i].name;
    }
  }
  return {};
}

BusinessCalendar::BusinessCalendar(TimeZone zone, CalendarOptions options)
    : zone_(std::move(zone)), options_(std::move(options)) {
  closure_days_.reserve(options_.extra_closures.size());
  for (const CivilDate& d : options_.extra_closures) closure_days_.push_back(d.ToDays());
  std::sort(closure_days_.begin(), closure_days_.end());
  closure_days_.erase(std::unique(closure_days_.begin(), closure_days_.end()),
                      closure_days_.end());
}

bool BusinessCalendar::IsClosure(CivilDate date) const {
  return std::binary_search(closure_days_.begin(), closure_days_.end(), date.ToDays());
}

bool BusinessCalendar::IsBusinessDay(CivilDate date) const {
  if (IsWeekend(date)) return false;
  if (!ObservedHolidayName(date, options_.holidays).empty()) return false;
  return !IsClosure(date);
}

CivilDate BusinessCalendar::AddBusinessDays(CivilDate from, int n) const {
  const int step = n >= 0 ? 1 : -1;
  int left = n >= 0 ? n : -n;
  CivilDate d = from;
  while (left > 0) {
    d = d.AddDays(step);
    if (IsBusinessDay(d)) --left;
  }
  return d;
}

int BusinessCalendar::CountBusinessDays(CivilDate from, CivilDate to) const {
  if (to < from) return -CountBusinessDays(to, from);
  int count = 0;
  for (int64_t day = from.ToDays() + 1; day <= to.ToDays(); ++day) {
    if (IsBusinessDay(CivilDate::FromDays(day))) ++count;
  }
  return count;
}

Instant BusinessCalendar::DueInstant(CivilDate last_day) const {
  return zone_.StartOfDay(last_day.AddDays(1)) + (-1);
}

Instant BusinessCalendar::DeadlineAfterBusinessDays(Instant trigger, int n) const {
  return DueInstant(AddBusinessDays(LocalDate(trigger), n));
}

Instant BusinessCalendar::DeadlineAfterCalendarDays(Instant trigger, int n) const {
  return DueInstant(LocalDate(trigger).AddDays(n));
}

Instant BusinessCalendar::WaitEndsAfterBusinessDays(Instant trigger, int n) const {
  return zone_.StartOfDay(AddBusinessDays(LocalDate(trigger), n).AddDays(1));
}

}  // namespace proprio::rules
