#include "core/time.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace proprio {
namespace {

constexpr int64_t kUs = kMicrosPerSecond;

int64_t ParseMicros(std::string_view text) {
  auto r = Instant::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? r->micros() : INT64_MIN;
}

// ---- Instant::Parse ----

TEST(InstantParseTest, UtcWithZ) {
  // Reference values from `date -u -d ... +%s`.
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00Z"), 1710338700 * kUs);
  EXPECT_EQ(ParseMicros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseMicros("1969-12-31T23:59:59Z"), -1 * kUs);
  EXPECT_EQ(ParseMicros("0001-01-01T00:00:00Z"), -62135596800 * kUs);
  EXPECT_EQ(ParseMicros("9999-12-31T23:59:59Z"), 253402300799 * kUs);
}

TEST(InstantParseTest, LowerCaseAndSpaceSeparator) {
  const int64_t want = 1710338700 * kUs;
  EXPECT_EQ(ParseMicros("2024-03-13t14:05:00z"), want);
  EXPECT_EQ(ParseMicros("2024-03-13 14:05:00Z"), want);  // RFC 3339 5.6 note
}

TEST(InstantParseTest, OffsetsAreNormalisedToUtc) {
  const int64_t want = 1710338700 * kUs;  // 14:05Z
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00+00:00"), want);
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00-00:00"), want);
  EXPECT_EQ(ParseMicros("2024-03-13T10:05:00-04:00"), want);
  EXPECT_EQ(ParseMicros("2024-03-13T19:35:00+05:30"), want);
  EXPECT_EQ(ParseMicros("2024-03-14T03:50:00+13:45"), want);  // Chatham, across midnight
  EXPECT_EQ(ParseMicros("2024-03-12T23:05:00-15:00"), want);
  // Across a year boundary both ways.
  EXPECT_EQ(ParseMicros("2024-01-01T00:30:00+01:00"), 1704065400 * kUs);  // 2023-12-31T23:30Z
  EXPECT_EQ(ParseMicros("2023-12-31T18:30:00-05:00"), 1704065400 * kUs);
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.25+01:00"), want - 3600 * kUs + 250000);
}

TEST(InstantParseTest, Fractions) {
  const int64_t base = 1710338700 * kUs;
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.5Z"), base + 500000);
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.05Z"), base + 50000);
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.123Z"), base + 123000);
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.123456Z"), base + 123456);
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.000001Z"), base + 1);
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.000000Z"), base);
  // Digits beyond microseconds are truncated, not rounded.
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.1234569Z"), base + 123456);
  EXPECT_EQ(ParseMicros("2024-03-13T14:05:00.999999999Z"), base + 999999);
  EXPECT_EQ(ParseMicros("1969-12-31T23:59:59.75Z"), -250000);
}

TEST(InstantParseTest, LeapSecondIsHeldAsTheSecondBefore) {
  EXPECT_EQ(ParseMicros("2016-12-31T23:59:60Z"), 1483228799 * kUs);
}

TEST(InstantParseTest, RefusesMalformedInput) {
  const char* bad[] = {
      "",
      "2024-03-13",                     // a date is not an instant
      "2024-03-13T14:05:00",            // no zone
      "2024-03-13T14:05Z",              // no seconds
      "2024-03-13T14:05:00ZZ",          // trailing
      "2024-03-13T14:05:00Z ",          // trailing space
      " 2024-03-13T14:05:00Z",          // leading space
      "2024-03-13X14:05:00Z",           // separator
      "2024-03-13T14-05-00Z",           // time separators
      "2024-13-13T14:05:00Z",           // month 13
      "2024-00-13T14:05:00Z",           // month 0
      "2023-02-29T14:05:00Z",           // not a leap year
      "2024-04-31T14:05:00Z",           // April has 30 days
      "0000-01-01T00:00:00Z",           // year 0
      "2024-03-13T24:00:00Z",           // hour 24
      "2024-03-13T14:60:00Z",           // minute 60
      "2024-03-13T14:05:61Z",           // second 61
      "2024-03-13T14:05:00.Z",          // empty fraction
      "2024-03-13T14:05:00,5Z",         // comma fraction
      "2024-03-13T14:05:00+0530",       // offset without colon
      "2024-03-13T14:05:00+05",         // offset without minutes
      "2024-03-13T14:05:00+24:00",      // offset hours out of range
      "2024-03-13T14:05:00+05:60",      // offset minutes out of range
      "2024-03-13T14:05:00+05:30:00",   // trailing after offset
      "2024-03-13T14:05:00 +05:30",     // space before offset
      "2024-3-13T14:05:00Z",            // unpadded month
      "２０２４-03-13T14:05:00Z",        // non-ASCII digits
      "2024-03-13T1a:05:00Z",
      "+2024-03-13T14:05:00Z",
  };
  for (const char* text : bad) {
    auto r = Instant::Parse(text);
    EXPECT_FALSE(r.ok()) << "accepted '" << text << "' as " << r.value_or(Instant()).ToRfc3339();
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << text;
      // The message quotes the input (a bad date quotes the date part).
      EXPECT_NE(r.status().message().find(std::string(text).substr(0, 10)), std::string::npos)
          << r.status().message();
    }
  }
}

// ---- Instant::ToRfc3339 ----

TEST(InstantFormatTest, WholeSecondsHaveNoFraction) {
  EXPECT_EQ(Instant::FromSeconds(0).ToRfc3339(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Instant::FromSeconds(1710338700).ToRfc3339(), "2024-03-13T14:05:00Z");
  EXPECT_EQ(Instant::FromSeconds(-1).ToRfc3339(), "1969-12-31T23:59:59Z");
  EXPECT_EQ(Instant::FromSeconds(-62135596800).ToRfc3339(), "0001-01-01T00:00:00Z");
  EXPECT_EQ(Instant::FromSeconds(253402300799).ToRfc3339(), "9999-12-31T23:59:59Z");
  EXPECT_EQ(Instant::FromSeconds(1709164800).ToRfc3339(), "2024-02-29T00:00:00Z");
}

TEST(InstantFormatTest, MicrosecondsAreWrittenWithSixDigits) {
  EXPECT_EQ(Instant::FromMicros(1).ToRfc3339(), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(Instant::FromMicros(1710338700 * kUs + 500000).ToRfc3339(),
            "2024-03-13T14:05:00.500000Z");
  EXPECT_EQ(Instant::FromMicros(-1).ToRfc3339(), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(Instant::FromMicros(-250000).ToRfc3339(), "1969-12-31T23:59:59.750000Z");
  EXPECT_EQ(Instant::FromMicros(-86400 * kUs - 1).ToRfc3339(), "1969-12-30T23:59:59.999999Z");
}

TEST(InstantFormatTest, RoundTripsThroughParse) {
  std::mt19937_64 rng(20240313);
  // 0001-01-01 .. 9999-12-31, microsecond resolution.
  std::uniform_int_distribution<int64_t> dist(-62135596800 * kUs, 253402300799 * kUs);
  for (int i = 0; i < 20000; ++i) {
    const Instant t = Instant::FromMicros(dist(rng));
    const std::string text = t.ToRfc3339();
    auto back = Instant::Parse(text);
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_EQ(back->micros(), t.micros()) << text;
  }
}

TEST(InstantTest, SecondsFloorsTowardMinusInfinity) {
  EXPECT_EQ(Instant::FromMicros(1'500'000).seconds(), 1);
  EXPECT_EQ(Instant::FromMicros(0).seconds(), 0);
  EXPECT_EQ(Instant::FromMicros(-1).seconds(), -1);
  EXPECT_EQ(Instant::FromMicros(-1'000'000).seconds(), -1);
  EXPECT_EQ(Instant::FromMicros(-1'000'001).seconds(), -2);
}

TEST(InstantTest, ArithmeticAndOrder) {
  const Instant a = Instant::FromSeconds(100);
  const Instant b = a + 5 * kUs;
  EXPECT_EQ(b - a, 5 * kUs);
  EXPECT_LT(a, b);
  EXPECT_EQ(b, Instant::FromSeconds(105));
  EXPECT_GT(Instant::Now(), *Instant::Parse("2024-01-01T00:00:00Z"));
}

// ---- CivilDate ----

TEST(CivilDateTest, ParseAndFormat) {
  auto d = CivilDate::Parse("2024-02-29");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->year, 2024);
  EXPECT_EQ(d->month, 2);
  EXPECT_EQ(d->day, 29);
  EXPECT_EQ(d->ToString(), "2024-02-29");
  EXPECT_EQ((CivilDate{7, 3, 9}).ToString(), "0007-03-09");

  for (const char* bad : {"", "2024-2-29", "2023-02-29", "2024-02-30", "2024/02/01", "20240201",
                          "2024-02-01T", "2024-13-01", "0000-01-01", "2024-00-10", "abcd-ef-gh",
                          "2024-06-31", "1900-02-29"}) {
    auto r = CivilDate::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
  EXPECT_TRUE(CivilDate::Parse("2000-02-29").ok());
}

TEST(CivilDateTest, DaysSinceEpoch) {
  EXPECT_EQ((CivilDate{1970, 1, 1}).ToDays(), 0);
  EXPECT_EQ((CivilDate{1970, 1, 2}).ToDays(), 1);
  EXPECT_EQ((CivilDate{1969, 12, 31}).ToDays(), -1);
  EXPECT_EQ((CivilDate{2000, 3, 1}).ToDays(), 11017);  // 951868800 / 86400
  EXPECT_EQ((CivilDate{2024, 2, 29}).ToDays(), 1709164800 / 86400);
  EXPECT_EQ((CivilDate{1, 1, 1}).ToDays(), -62135596800 / 86400);
  EXPECT_EQ(CivilDate::FromDays(11017), (CivilDate{2000, 3, 1}));
  EXPECT_EQ(CivilDate::FromDays(-1), (CivilDate{1969, 12, 31}));
}

TEST(CivilDateTest, FromDaysInvertsToDaysAndWalksTheCalendar) {
  // Every day from 1600-01-01 to 2400-12-31: consecutive day numbers give the
  // next calendar day, and FromDays(ToDays(d)) == d.
  CivilDate d{1600, 1, 1};
  int64_t n = d.ToDays();
  while (d.year <= 2400) {
    ASSERT_TRUE(d.Valid()) << d.ToString();
    ASSERT_EQ(d.ToDays(), n) << d.ToString();
    ASSERT_EQ(CivilDate::FromDays(n), d);
    CivilDate next = d;
    if (++next.day > DaysInMonth(next.year, next.month)) {
      next.day = 1;
      if (++next.month > 12) {
        next.month = 1;
        ++next.year;
      }
    }
    d = next;
    ++n;
  }
  EXPECT_EQ(n - (CivilDate{1600, 1, 1}).ToDays(), 292560);  // 801 years, 195 of them leap
}

TEST(CivilDateTest, Weekdays) {
  // 0 = Sunday; reference values from `date -u -d ... +%w`.
  EXPECT_EQ((CivilDate{1970, 1, 1}).Weekday(), 4);
  EXPECT_EQ((CivilDate{1969, 12, 31}).Weekday(), 3);
  EXPECT_EQ((CivilDate{2000, 1, 1}).Weekday(), 6);
  EXPECT_EQ((CivilDate{2024, 3, 13}).Weekday(), 3);
  EXPECT_EQ((CivilDate{2024, 2, 29}).Weekday(), 4);
  EXPECT_EQ((CivilDate{1776, 7, 4}).Weekday(), 4);
  EXPECT_EQ((CivilDate{2100, 3, 1}).Weekday(), 1);
  EXPECT_EQ((CivilDate{1, 1, 1}).Weekday(), 1);
  // Seven consecutive days cover every weekday once.
  int seen = 0;
  for (int i = 0; i < 7; ++i) seen |= 1 << (CivilDate{1965, 6, 28}).AddDays(i).Weekday();
  EXPECT_EQ(seen, 0x7f);
}

TEST(CivilDateTest, AddDays) {
  const CivilDate d{2024, 2, 28};
  EXPECT_EQ(d.AddDays(1), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(d.AddDays(2), (CivilDate{2024, 3, 1}));
  EXPECT_EQ((CivilDate{2023, 2, 28}).AddDays(1), (CivilDate{2023, 3, 1}));
  EXPECT_EQ((CivilDate{2023, 12, 31}).AddDays(1), (CivilDate{2024, 1, 1}));
  EXPECT_EQ((CivilDate{2024, 1, 1}).AddDays(-1), (CivilDate{2023, 12, 31}));
  EXPECT_EQ(d.AddDays(366), (CivilDate{2025, 2, 28}));
  EXPECT_EQ(d.AddDays(0), d);
  EXPECT_EQ((CivilDate{1970, 1, 1}).AddDays(-365), (CivilDate{1969, 1, 1}));
  EXPECT_EQ((CivilDate{2024, 3, 13}).AddDays(30), (CivilDate{2024, 4, 12}));
}

TEST(CivilDateTest, LeapYearsAndMonthLengths) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2100));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2023, 1), 31);
  EXPECT_EQ(DaysInMonth(2023, 4), 30);
  EXPECT_EQ(DaysInMonth(2023, 12), 31);
  EXPECT_EQ(DaysInMonth(2023, 0), 0);
  EXPECT_EQ(DaysInMonth(2023, 13), 0);
  EXPECT_FALSE((CivilDate{2023, 2, 29}).Valid());
  EXPECT_FALSE((CivilDate{2023, 1, 0}).Valid());
  EXPECT_FALSE((CivilDate{10000, 1, 1}).Valid());
  EXPECT_TRUE((CivilDate{9999, 12, 31}).Valid());
}

TEST(CivilDateTest, OrderIsChronological) {
  EXPECT_LT((CivilDate{2023, 12, 31}), (CivilDate{2024, 1, 1}));
  EXPECT_LT((CivilDate{2024, 1, 31}), (CivilDate{2024, 2, 1}));
  EXPECT_LT((CivilDate{2024, 2, 1}), (CivilDate{2024, 2, 2}));
}

TEST(CivilDateTest, UtcDateAndMidnight) {
  EXPECT_EQ(UtcDate(*Instant::Parse("2024-03-13T23:59:59.999999Z")), (CivilDate{2024, 3, 13}));
  EXPECT_EQ(UtcDate(*Instant::Parse("2024-03-13T20:00:00-05:00")), (CivilDate{2024, 3, 14}));
  EXPECT_EQ(UtcDate(Instant::FromMicros(-1)), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(UtcDate(Instant::FromSeconds(-86400)), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(UtcDate(Instant::FromSeconds(-86401)), (CivilDate{1969, 12, 30}));
  EXPECT_EQ(UtcMidnight(CivilDate{2024, 3, 13}).ToRfc3339(), "2024-03-13T00:00:00Z");
  EXPECT_EQ(UtcMidnight(CivilDate{1969, 12, 31}).micros(), -86400 * kUs);
}

}  // namespace
}  // namespace proprio
