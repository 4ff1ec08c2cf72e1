// Tests of rules/calendar.h: 5 U.S.C. 6103 holidays, observed dates,
// business-day arithmetic and due instants.
#include "rules/calendar.h"

#include <gtest/gtest.h>

#include <random>

#include "rules/testing/rules_test_util.h"

namespace proprio::rules {
namespace {

using test_util::At;
using test_util::NewYork;

CivilDate D(int y, int m, int d) { return CivilDate{y, m, d}; }

std::vector<CivilDate> Dates(const std::vector<Holiday>& hs) {
  std::vector<CivilDate> out;
  for (const Holiday& h : hs) out.push_back(h.date);
  return out;
}

// ---- holidays (5 U.S.C. 6103) ----

TEST(HolidaysTest, Year2021WithWeekendShifts) {
  const std::vector<Holiday> h = Holidays(2021);
  const std::vector<CivilDate> want = {
      D(2021, 1, 1),   D(2021, 1, 18),  D(2021, 2, 15), D(2021, 5, 31),
      D(2021, 6, 18),  // Juneteenth (Sat 19th) observed Friday
      D(2021, 7, 5),   // Independence Day (Sun 4th) observed Monday
      D(2021, 9, 6),   D(2021, 10, 11), D(2021, 11, 11), D(2021, 11, 25),
      D(2021, 12, 24),  // Christmas (Sat 25th) observed Friday
      D(2021, 12, 31),  // New Year's Day 2022 (Sat) observed Friday Dec 31 2021
  };
  EXPECT_EQ(Dates(h), want);
  EXPECT_EQ(h.back().name, "New Year's Day");
  EXPECT_EQ(h.back().actual, D(2022, 1, 1));
  EXPECT_EQ(h[4].name, "Juneteenth National Independence Day");
  EXPECT_EQ(h[4].actual, D(2021, 6, 19));
}

TEST(HolidaysTest, NewYear2022ObservedIn2021NotIn2022) {
  const std::vector<Holiday> h = Holidays(2022);
  for (const Holiday& x : h) EXPECT_NE(x.name, "New Year's Day") << x.date.ToString();
  EXPECT_EQ(ObservedHolidayName(D(2021, 12, 31)), "New Year's Day");
  EXPECT_EQ(ObservedHolidayName(D(2022, 1, 1)), "");
}

TEST(HolidaysTest, Christmas2022ObservedMondayDec26) {
  EXPECT_EQ(ObservedHolidayName(D(2022, 12, 26)), "Christmas Day");
  EXPECT_EQ(ObservedHolidayName(D(2022, 12, 25)), "");
  const std::vector<Holiday> h = Holidays(2022);
  EXPECT_EQ(h.back().date, D(2022, 12, 26));
  EXPECT_EQ(h.back().actual, D(2022, 12, 25));
}

TEST(HolidaysTest, JuneteenthFrom2021) {
  EXPECT_EQ(ObservedHolidayName(D(2020, 6, 19)), "");  // a Friday, not yet a holiday
  EXPECT_EQ(ObservedHolidayName(D(2021, 6, 18)), "Juneteenth National Independence Day");
  EXPECT_EQ(ObservedHolidayName(D(2022, 6, 20)), "Juneteenth National Independence Day");
  EXPECT_EQ(ObservedHolidayName(D(2023, 6, 19)), "Juneteenth National Independence Day");
  EXPECT_EQ(ObservedHolidayName(D(2022, 6, 19)), "");  // the Sunday itself
}

TEST(HolidaysTest, MovingHolidays2024) {
  const std::vector<CivilDate> want = {D(2024, 1, 1),  D(2024, 1, 15), D(2024, 2, 19),
                                       D(2024, 5, 27), D(2024, 6, 19), D(2024, 7, 4),
                                       D(2024, 9, 2),  D(2024, 10, 14), D(2024, 11, 11),
                                       D(2024, 11, 28), D(2024, 12, 25)};
  EXPECT_EQ(Dates(Holidays(2024)), want);
}

TEST(HolidaysTest, InaugurationDayIsOptIn) {
  // Off by default.
  EXPECT_EQ(ObservedHolidayName(D(2017, 1, 20)), "");
  const HolidayOptions dc{.inauguration_day = true};
  EXPECT_EQ(ObservedHolidayName(D(2017, 1, 20), dc), "Inauguration Day");
  EXPECT_EQ(ObservedHolidayName(D(2021, 1, 20), dc), "Inauguration Day");
  // 2013-01-20 was a Sunday: observed Monday 21st (also MLK Day).
  EXPECT_EQ(ObservedHolidayName(D(2013, 1, 20), dc), "");
  const std::vector<Holiday> h2013 = Holidays(2013, dc);
  int on_21st = 0;
  for (const Holiday& x : h2013) on_21st += x.date == D(2013, 1, 21) ? 1 : 0;
  EXPECT_EQ(on_21st, 2);  // MLK Day and Inauguration Day
  // Not in non-inauguration years.
  EXPECT_EQ(ObservedHolidayName(D(2024, 1, 22), dc), "");
  EXPECT_EQ(ObservedHolidayName(D(2023, 1, 20), dc), "");
  // 2025-01-20: Monday, both MLK Day and Inauguration Day.
  EXPECT_EQ(Holidays(2025, dc).size(), Holidays(2025).size() + 1);
}

TEST(HolidaysTest, HistoricRules) {
  EXPECT_EQ(ObservedHolidayName(D(1985, 1, 21)), "");  // MLK Day from 1986
  EXPECT_EQ(ObservedHolidayName(D(1986, 1, 20)), "Birthday of Martin Luther King, Jr.");
  EXPECT_EQ(ObservedHolidayName(D(1975, 10, 27)), "Veterans Day");  // 4th Monday of October
  EXPECT_EQ(ObservedHolidayName(D(1975, 11, 11)), "");
  EXPECT_EQ(ObservedHolidayName(D(1978, 11, 10)), "Veterans Day");  // Sat 11th -> Fri
}

// ---- business days ----

class BusinessCalendarTest : public ::testing::Test {
 protected:
  BusinessCalendar cal_{NewYork(), {}};
};

TEST_F(BusinessCalendarTest, WeekendsHolidaysAndObservedDates) {
  EXPECT_TRUE(cal_.IsBusinessDay(D(2022, 12, 23)));
  EXPECT_FALSE(cal_.IsBusinessDay(D(2022, 12, 24)));  // Saturday
  EXPECT_FALSE(cal_.IsBusinessDay(D(2022, 12, 25)));  // Sunday
  EXPECT_FALSE(cal_.IsBusinessDay(D(2022, 12, 26)));  // Christmas observed
  EXPECT_TRUE(cal_.IsBusinessDay(D(2022, 12, 27)));
  EXPECT_FALSE(cal_.IsBusinessDay(D(2021, 12, 31)));  // New Year 2022 observed
  EXPECT_FALSE(cal_.IsBusinessDay(D(2023, 1, 2)));    // New Year 2023 (Sun) observed
}

TEST_F(BusinessCalendarTest, AddBusinessDaysSkipsTheYearEnd) {
  // Friday 2022-12-23 + 7 business days: 27, 28, 29, 30, Jan 3, 4, 5.
  EXPECT_EQ(cal_.AddBusinessDays(D(2022, 12, 23), 7), D(2023, 1, 5));
  EXPECT_EQ(cal_.CountBusinessDays(D(2022, 12, 23), D(2023, 1, 5)), 7);
  EXPECT_EQ(cal_.AddBusinessDays(D(2022, 12, 23), 1), D(2022, 12, 27));
  EXPECT_EQ(cal_.AddBusinessDays(D(2022, 12, 27), -1), D(2022, 12, 23));
  EXPECT_EQ(cal_.CountBusinessDays(D(2023, 1, 5), D(2022, 12, 23)), -7);
}

TEST_F(BusinessCalendarTest, TheTriggerDayNeverCounts) {
  // A Monday trigger: the 1st business day after it is Tuesday.
  EXPECT_EQ(cal_.AddBusinessDays(D(2024, 3, 11), 1), D(2024, 3, 12));
  // A Saturday trigger: Monday.
  EXPECT_EQ(cal_.AddBusinessDays(D(2024, 3, 16), 1), D(2024, 3, 18));
  EXPECT_EQ(cal_.AddBusinessDays(D(2024, 3, 16), 0), D(2024, 3, 16));
  EXPECT_EQ(cal_.CountBusinessDays(D(2024, 3, 11), D(2024, 3, 11)), 0);
}

TEST_F(BusinessCalendarTest, ExtraClosuresAndInaugurationOption) {
  CalendarOptions opts;
  opts.extra_closures = {D(2018, 12, 5), D(2018, 12, 5)};  // duplicates are fine
  opts.holidays.inauguration_day = true;
  BusinessCalendar dc(NewYork(), opts);
  EXPECT_TRUE(cal_.IsBusinessDay(D(2018, 12, 5)));
  EXPECT_FALSE(dc.IsBusinessDay(D(2018, 12, 5)));
  EXPECT_FALSE(dc.IsBusinessDay(D(2017, 1, 20)));
  EXPECT_EQ(dc.AddBusinessDays(D(2018, 12, 4), 1), D(2018, 12, 6));
}

TEST_F(BusinessCalendarTest, DueInstantIsTheEndOfTheLocalDayAcrossDst) {
  // The day before spring forward ends at midnight EST.
  EXPECT_EQ(cal_.DueInstant(D(2024, 3, 9)), At("2024-03-10T05:00:00Z") + (-1));
  // Spring-forward day (23 hours) ends at midnight EDT.
  EXPECT_EQ(cal_.DueInstant(D(2024, 3, 10)), At("2024-03-11T04:00:00Z") + (-1));
  // Fall-back day (25 hours) ends at midnight EST.
  EXPECT_EQ(cal_.DueInstant(D(2024, 11, 3)), At("2024-11-04T05:00:00Z") + (-1));
  for (CivilDate d : {D(2024, 3, 9), D(2024, 3, 10), D(2024, 11, 2), D(2024, 11, 3)}) {
    EXPECT_EQ(cal_.LocalDate(cal_.DueInstant(d)), d);
    EXPECT_EQ(cal_.LocalDate(cal_.DueInstant(d) + 1), d.AddDays(1));
  }
}

TEST_F(BusinessCalendarTest, DueInstantInLosAngeles) {
  const std::optional<TimeZone> la = test_util::SystemZone("America/Los_Angeles");
  if (!la) GTEST_SKIP() << "no tzdata";
  BusinessCalendar cal(*la, {});
  EXPECT_EQ(cal.DueInstant(D(2024, 3, 10)), At("2024-03-11T07:00:00Z") + (-1));
  EXPECT_EQ(cal.DueInstant(D(2024, 11, 3)), At("2024-11-04T08:00:00Z") + (-1));
}

TEST_F(BusinessCalendarTest, BreachAgencyDeadlineOverChristmas) {
  // 64.2011(b): determined Friday 2024-12-20 15:00 New York; 7 business days:
  // Dec 23, 24, 26, 27, 30, 31, Jan 2 (Dec 25 and Jan 1 are holidays).
  const Instant determined = At("2024-12-20T20:00:00Z");
  EXPECT_EQ(cal_.DeadlineAfterBusinessDays(determined, 7), At("2025-01-03T05:00:00Z") + (-1));
  // Determined late on the 20th local time but already the 21st in UTC: the
  // carrier's local date decides.
  EXPECT_EQ(cal_.DeadlineAfterBusinessDays(At("2024-12-21T03:00:00Z"), 7),
            At("2025-01-03T05:00:00Z") + (-1));
  // 7 full business days after an agency notice on 2025-01-02: customers may
  // be told from the start of the day after the 7th (Jan 3, 6-10, 13).
  EXPECT_EQ(cal_.WaitEndsAfterBusinessDays(At("2025-01-02T15:00:00Z"), 7),
            At("2025-01-14T05:00:00Z"));
  EXPECT_EQ(cal_.DeadlineAfterCalendarDays(At("2024-12-20T20:00:00Z"), 30),
            At("2025-01-20T05:00:00Z") + (-1));
}

TEST_F(BusinessCalendarTest, AddAndCountAreInverse) {
  std::mt19937 rng(6103);
  std::uniform_int_distribution<int> day(0, 365 * 30);
  std::uniform_int_distribution<int> n(0, 40);
  for (int i = 0; i < 3000; ++i) {
    const CivilDate from = D(2000, 1, 1).AddDays(day(rng));
    const int k = n(rng);
    const CivilDate to = cal_.AddBusinessDays(from, k);
    ASSERT_EQ(cal_.CountBusinessDays(from, to), k) << from.ToString();
    if (k > 0) {
      ASSERT_TRUE(cal_.IsBusinessDay(to));
    }
    ASSERT_EQ(cal_.AddBusinessDays(to, -k) <= from, true);
  }
}

TEST(BusinessCalendarStaticTest, AddCalendarDays) {
  EXPECT_EQ(BusinessCalendar::AddCalendarDays(D(2024, 2, 28), 2), D(2024, 3, 1));
}

}  // namespace
}  // namespace proprio::rules
