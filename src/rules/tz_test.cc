// Tests of rules/tz.h. They read zone files from /usr/share/zoneinfo (test
// code may do I/O; the library never does) and compare with glibc.
#include "rules/tz.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "rules/testing/rules_test_util.h"

namespace proprio::rules {
namespace {

std::string ReadZoneFile(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TimeZone Zone(const std::string& name) {
  const std::string bytes = ReadZoneFile(name);
  Result<TimeZone> tz = TimeZone::FromTzif(bytes, name);
  EXPECT_TRUE(tz.ok()) << name << ": " << tz.status().ToString();
  return tz.ok() ? std::move(*tz) : TimeZone::Utc();
}

using test_util::At;

CivilDate D(int y, int m, int d) { return CivilDate{y, m, d}; }

#define SKIP_WITHOUT_TZDATA()                                                    \
  if (ReadZoneFile("America/New_York").empty()) GTEST_SKIP() << "no tzdata installed"

// ---- UTC ----

TEST(TimeZoneTest, UtcHasNoOffset) {
  const TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(utc.UtcOffset(At("2024-07-01T12:00:00Z")), 0);
  EXPECT_EQ(utc.LocalDate(At("2024-07-01T23:59:59Z")), D(2024, 7, 1));
  EXPECT_EQ(utc.StartOfDay(D(2024, 7, 1)), At("2024-07-01T00:00:00Z"));
  EXPECT_EQ(utc.name(), "UTC");
}

// ---- America/New_York and America/Los_Angeles, DST boundaries ----

TEST(TimeZoneTest, NewYorkOffsetsAroundSpringForward2024) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone ny = Zone("America/New_York");
  // 2024-03-10 02:00 EST -> 03:00 EDT, at 07:00Z.
  EXPECT_EQ(ny.UtcOffset(At("2024-03-10T06:59:59Z")), -5 * 3600);
  EXPECT_EQ(ny.UtcOffset(At("2024-03-10T07:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny.UtcOffset(At("2024-01-15T12:00:00Z")), -5 * 3600);
  EXPECT_EQ(ny.UtcOffset(At("2024-07-01T12:00:00Z")), -4 * 3600);
}

TEST(TimeZoneTest, NewYorkOffsetsAroundFallBack2024) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone ny = Zone("America/New_York");
  // 2024-11-03 02:00 EDT -> 01:00 EST, at 06:00Z.
  EXPECT_EQ(ny.UtcOffset(At("2024-11-03T05:59:59Z")), -4 * 3600);
  EXPECT_EQ(ny.UtcOffset(At("2024-11-03T06:00:00Z")), -5 * 3600);
}

TEST(TimeZoneTest, LosAngelesOffsetsAroundDst2024) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone la = Zone("America/Los_Angeles");
  EXPECT_EQ(la.UtcOffset(At("2024-03-10T09:59:59Z")), -8 * 3600);
  EXPECT_EQ(la.UtcOffset(At("2024-03-10T10:00:00Z")), -7 * 3600);
  EXPECT_EQ(la.UtcOffset(At("2024-11-03T08:59:59Z")), -7 * 3600);
  EXPECT_EQ(la.UtcOffset(At("2024-11-03T09:00:00Z")), -8 * 3600);
}

TEST(TimeZoneTest, SkippedLocalTimeIsReadWithTheOffsetBeforeTheGap) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone ny = Zone("America/New_York");
  // 02:30 on 2024-03-10 never happened in New York: 02:30 EST = 07:30Z = 03:30 EDT.
  const Instant t = ny.LocalToUtc(D(2024, 3, 10), 2 * 3600 + 30 * 60);
  EXPECT_EQ(t, At("2024-03-10T07:30:00Z"));
  EXPECT_EQ(ny.ToLocal(t).seconds_of_day, 3 * 3600 + 30 * 60);
  // The first instant of the gap.
  EXPECT_EQ(ny.LocalToUtc(D(2024, 3, 10), 2 * 3600), At("2024-03-10T07:00:00Z"));
  const TimeZone la = Zone("America/Los_Angeles");
  EXPECT_EQ(la.LocalToUtc(D(2024, 3, 10), 2 * 3600 + 15 * 60), At("2024-03-10T10:15:00Z"));
}

TEST(TimeZoneTest, RepeatedLocalTimeResolvesToTheEarlierInstant) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone ny = Zone("America/New_York");
  // 01:30 on 2024-11-03 happened twice: 05:30Z (EDT) and 06:30Z (EST).
  EXPECT_EQ(ny.LocalToUtc(D(2024, 11, 3), 3600 + 30 * 60), At("2024-11-03T05:30:00Z"));
  const TimeZone la = Zone("America/Los_Angeles");
  EXPECT_EQ(la.LocalToUtc(D(2024, 11, 3), 3600 + 59 * 60), At("2024-11-03T08:59:00Z"));
}

TEST(TimeZoneTest, StartOfDayAndDayLengthAcrossDst) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(ny.StartOfDay(D(2024, 3, 10)), At("2024-03-10T05:00:00Z"));
  EXPECT_EQ(ny.StartOfDay(D(2024, 3, 11)), At("2024-03-11T04:00:00Z"));
  EXPECT_EQ(ny.StartOfDay(D(2024, 3, 11)) - ny.StartOfDay(D(2024, 3, 10)),
            23 * 3600 * kMicrosPerSecond);
  EXPECT_EQ(ny.StartOfDay(D(2024, 11, 4)) - ny.StartOfDay(D(2024, 11, 3)),
            25 * 3600 * kMicrosPerSecond);
  // 86400 seconds of day is the next midnight.
  EXPECT_EQ(ny.LocalToUtc(D(2024, 3, 10), 86400), ny.StartOfDay(D(2024, 3, 11)));
}

TEST(TimeZoneTest, LocalDateAroundMidnight) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(ny.LocalDate(At("2024-07-02T03:59:59Z")), D(2024, 7, 1));
  EXPECT_EQ(ny.LocalDate(At("2024-07-02T04:00:00Z")), D(2024, 7, 2));
  const LocalDateTime l = ny.ToLocal(At("2024-07-02T03:59:59.25Z"));
  EXPECT_EQ(l.seconds_of_day, 86399);
  EXPECT_EQ(l.micros, 250000);
}

TEST(TimeZoneTest, FooterRuleAppliesAfterTheTransitionTable) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone ny = Zone("America/New_York");
  // Second Sunday of March 2040 is 2040-03-11; first Sunday of November is 11-04.
  EXPECT_EQ(ny.UtcOffset(At("2040-03-11T06:59:59Z")), -5 * 3600);
  EXPECT_EQ(ny.UtcOffset(At("2040-03-11T07:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny.UtcOffset(At("2040-11-04T05:59:59Z")), -4 * 3600);
  EXPECT_EQ(ny.UtcOffset(At("2040-11-04T06:00:00Z")), -5 * 3600);
  EXPECT_EQ(ny.UtcOffset(At("2200-07-01T00:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny.LocalToUtc(D(2040, 3, 11), 2 * 3600 + 1800), At("2040-03-11T07:30:00Z"));
}

// Builds a version 2 TZif file with no transitions and only a footer, as a
// "slim" file is for the years after its last rule change.
std::string FooterOnlyTzif(const std::string& footer, int32_t utoff) {
  auto be32 = [](uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
    return s;
  };
  auto header = [&] {
    std::string h = "TZif2" + std::string(15, '\0');
    for (uint32_t c : {0u, 0u, 0u, 0u, 1u, 4u}) h += be32(c);  // typecnt 1, charcnt 4
    return h;
  };
  const std::string type = be32(static_cast<uint32_t>(utoff)) + std::string(1, '\0') +
                           std::string(1, '\0') + std::string("EST", 4);
  return header() + type + header() + type + "\n" + footer + "\n";
}

TEST(TimeZoneTest, FooterOnlyFileMatchesTheFullTableFrom2007) {
  SKIP_WITHOUT_TZDATA();
  const TimeZone full = Zone("America/New_York");
  Result<TimeZone> slim = TimeZone::FromTzif(FooterOnlyTzif("EST5EDT,M3.2.0,M11.1.0", -18000));
  ASSERT_TRUE(slim.ok()) << slim.status().ToString();
  std::mt19937_64 rng(2007);
  const int64_t lo = At("2007-03-11T07:00:00Z").seconds();
  const int64_t hi = At("2037-12-31T00:00:00Z").seconds();
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  for (int i = 0; i < 20000; ++i) {
    const Instant t = Instant::FromSeconds(dist(rng));
    ASSERT_EQ(slim->UtcOffset(t), full.UtcOffset(t)) << t.ToRfc3339();
  }
}

// glibc as an independent oracle: tm_gmtoff for random instants, many zones,
// including southern-hemisphere DST, negative DST (Dublin), half-hour DST
// (Lord Howe), and v3 footers with negative transition times (Nuuk).
class GlibcOracleTest : public ::testing::TestWithParam<const char*> {};

TEST_P(GlibcOracleTest, OffsetsMatchLocaltime) {
  SKIP_WITHOUT_TZDATA();
  const std::string name = GetParam();
  if (ReadZoneFile(name).empty()) GTEST_SKIP() << "no zone " << name;
  const TimeZone tz = Zone(name);
  const std::string tz_env = ":" + name;
  ASSERT_EQ(setenv("TZ", tz_env.c_str(), 1), 0);
  tzset();
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> dist(At("1902-01-01T00:00:00Z").seconds(),
                                              At("2099-12-31T00:00:00Z").seconds());
  for (int i = 0; i < 20000; ++i) {
    const time_t t = static_cast<time_t>(dist(rng));
    struct tm tm_local {};
    ASSERT_NE(localtime_r(&t, &tm_local), nullptr);
    ASSERT_EQ(tz.UtcOffset(Instant::FromSeconds(t)), tm_local.tm_gmtoff)
        << name << " at " << Instant::FromSeconds(t).ToRfc3339();
  }
  unsetenv("TZ");
  tzset();
}

INSTANTIATE_TEST_SUITE_P(Zones, GlibcOracleTest,
                         ::testing::Values("America/New_York", "America/Los_Angeles",
                                           "America/Chicago", "America/Phoenix",
                                           "Pacific/Honolulu", "America/Anchorage",
                                           "Europe/London", "Europe/Dublin",
                                           "Australia/Sydney", "Australia/Lord_Howe",
                                           "Asia/Kolkata", "America/Sao_Paulo",
                                           "Africa/Casablanca", "Pacific/Chatham",
                                           "America/St_Johns", "America/Nuuk",
                                           "Pacific/Apia", "Asia/Tehran"),
                         [](const ::testing::TestParamInfo<const char*>& param_info) {
                           std::string s = param_info.param;
                           for (char& c : s) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return s;
                         });

// Round trips: LocalToUtc(ToLocal(u)) is u or, for a repeated local time, the
// earlier occurrence; either way it reads back as the same local time.
TEST(TimeZoneTest, LocalRoundTripProperty) {
  SKIP_WITHOUT_TZDATA();
  for (const char* name : {"America/New_York", "America/Los_Angeles", "Australia/Lord_Howe",
                           "Europe/Dublin", "America/Nuuk"}) {
    const TimeZone tz = Zone(name);
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int64_t> dist(At("1970-01-01T00:00:00Z").seconds(),
                                                At("2060-01-01T00:00:00Z").seconds());
    for (int i = 0; i < 20000; ++i) {
      const Instant u = Instant::FromSeconds(dist(rng));
      const LocalDateTime l = tz.ToLocal(u);
      const Instant back = tz.LocalToUtc(l.date, l.seconds_of_day);
      ASSERT_LE(back, u) << name << " " << u.ToRfc3339();
      ASSERT_EQ(tz.ToLocal(back), l) << name << " " << u.ToRfc3339();
    }
  }
}

// ---- POSIX TZ strings ----

TEST(PosixTzTest, ParsesUsRule) {
  Result<internal::PosixTz> r = internal::ParsePosixTz("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->std_offset, -18000);
  EXPECT_TRUE(r->has_dst);
  EXPECT_EQ(r->dst_offset, -14400);
  EXPECT_EQ(r->start.month, 3);
  EXPECT_EQ(r->start.week, 2);
  EXPECT_EQ(r->end.month, 11);
  EXPECT_EQ(r->end.time, 7200);
}

TEST(PosixTzTest, ParsesQuotedNamesAndFixedOffsets) {
  Result<TimeZone> ist = TimeZone::FromPosixTz("<+0530>-5:30");
  ASSERT_TRUE(ist.ok());
  EXPECT_EQ(ist->UtcOffset(At("2024-01-01T00:00:00Z")), 5 * 3600 + 1800);
  EXPECT_EQ(ist->LocalDate(At("2024-01-01T18:30:00Z")), D(2024, 1, 2));
}

TEST(PosixTzTest, DstNameWithoutRuleUsesTheUsRule) {
  Result<TimeZone> tz = TimeZone::FromPosixTz("EST5EDT");
  ASSERT_TRUE(tz.ok());
  EXPECT_EQ(tz->UtcOffset(At("2024-03-10T07:00:00Z")), -4 * 3600);
  EXPECT_EQ(tz->UtcOffset(At("2024-03-10T06:59:59Z")), -5 * 3600);
}

TEST(PosixTzTest, NegativeDstAndNegativeTransitionTimes) {
  // Europe/Dublin: IST (+1) is "standard", GMT in winter is "daylight".
  Result<TimeZone> dublin = TimeZone::FromPosixTz("IST-1GMT0,M10.5.0,M3.5.0/1");
  ASSERT_TRUE(dublin.ok());
  EXPECT_EQ(dublin->UtcOffset(At("2030-01-15T12:00:00Z")), 0);
  EXPECT_EQ(dublin->UtcOffset(At("2030-07-15T12:00:00Z")), 3600);
  // America/Nuuk: transitions at -1:00 and 0:00 local (TZif v3).
  Result<TimeZone> nuuk = TimeZone::FromPosixTz("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  ASSERT_TRUE(nuuk.ok());
  // Last Sunday of March 2030 is 03-31; -1:00 local (-02) = 03-30 23:00 -02 = 03-31 01:00Z.
  EXPECT_EQ(nuuk->UtcOffset(At("2030-03-31T00:59:59Z")), -7200);
  EXPECT_EQ(nuuk->UtcOffset(At("2030-03-31T01:00:00Z")), -3600);
}

TEST(PosixTzTest, AllYearDaylightTime) {
  // TZif v3 example: DST all year ("EST5EDT4,0/0,J365/25").
  Result<TimeZone> tz = TimeZone::FromPosixTz("EST5EDT4,0/0,J365/25");
  ASSERT_TRUE(tz.ok());
  for (const char* t : {"2030-01-01T00:00:00Z", "2030-01-01T05:00:00Z", "2030-06-01T00:00:00Z",
                        "2030-12-31T23:59:59Z", "2031-01-01T04:59:59Z"}) {
    EXPECT_EQ(tz->UtcOffset(At(t)), -4 * 3600) << t;
  }
}

TEST(PosixTzTest, MalformedStringsAreRefusedWithThePosition) {
  for (const char* bad : {"", "E5", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0",
                          "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0", "EST99",
                          "EST5EDT,J0,J365", "EST5EDT,M3.2.0,M11.1.0junk", "<>5"}) {
    Result<internal::PosixTz> r = internal::ParsePosixTz(bad);
    EXPECT_FALSE(r.ok()) << "accepted '" << bad << "'";
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("bad POSIX TZ string"), std::string::npos);
      EXPECT_EQ(r.status().field(), "tz");
    }
  }
}

// ---- malformed TZif ----

void ExpectTzifError(const std::string& bytes, const std::string& needle) {
  Result<TimeZone> tz = TimeZone::FromTzif(bytes);
  ASSERT_FALSE(tz.ok()) << "accepted; wanted error containing '" << needle << "'";
  EXPECT_TRUE(tz.status().IsInvalidArgument());
  EXPECT_EQ(tz.status().field(), "tzif");
  EXPECT_NE(tz.status().message().find(needle), std::string::npos) << tz.status().message();
}

TEST(TzifTest, MalformedFilesAreRefused) {
  SKIP_WITHOUT_TZDATA();
  const std::string good = ReadZoneFile("America/New_York");
  ASSERT_TRUE(TimeZone::FromTzif(good).ok());

  ExpectTzifError("", "truncated header");
  ExpectTzifError("NotAZoneFileAtAllNotAZoneFileAtAllNotAZoneFile", "magic");
  ExpectTzifError(good.substr(0, 100), "truncated");
  ExpectTzifError(good.substr(0, good.size() - 1), "footer");

  std::string v1 = good;
  v1[4] = '\0';
  ExpectTzifError(v1, "version 1");

  std::string bad_version = good;
  bad_version[4] = '9';
  ExpectTzifError(bad_version, "unknown version");

  // Corrupt the footer's POSIX string.
  std::string bad_footer = good;
  const size_t nl = bad_footer.rfind('\n', bad_footer.size() - 2);
  bad_footer.replace(nl + 1, bad_footer.size() - nl - 2, "EST5EDT,M3.2.0");
  ExpectTzifError(bad_footer, "footer");

  // Footer-only synthetic file with a zero type count.
  std::string no_types = FooterOnlyTzif("EST5", -18000);
  no_types[20 + 16 + 3] = 0;  // typecnt low byte of the first header
  ExpectTzifError(no_types, "typecnt");
}

TEST(TzifTest, UnsortedTransitionsAreRefused) {
  SKIP_WITHOUT_TZDATA();
  std::string bytes = ReadZoneFile("America/New_York");
  // Locate the 64-bit block: skip the v1 header and data.
  auto be32 = [&](size_t pos) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[pos + i]);
    return v;
  };
  const uint32_t isut = be32(20), isstd = be32(24), leap = be32(28), timecnt = be32(32),
                 typecnt = be32(36), charcnt = be32(40);
  const size_t v2 = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
  ASSERT_EQ(bytes.substr(v2, 4), "TZif");
  const size_t times = v2 + 44;
  // Swap the second and third transition times.
  std::string a = bytes.substr(times + 8, 8), b = bytes.substr(times + 16, 8);
  bytes.replace(times + 8, 8, b);
  bytes.replace(times + 16, 8, a);
  ExpectTzifError(bytes, "not strictly increasing");
}

TEST(TzifTest, CorruptedFilesNeverCrash) {
  SKIP_WITHOUT_TZDATA();
  const std::string good = ReadZoneFile("America/Los_Angeles");
  std::mt19937_64 rng(8536);
  int parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xff);
    }
    if (rng() % 8 == 0) bytes.resize(rng() % bytes.size());
    Result<TimeZone> tz = TimeZone::FromTzif(bytes);
    if (!tz.ok()) continue;
    ++parsed;
    for (const char* t : {"1900-01-01T00:00:00Z", "2024-03-10T10:30:00Z", "2100-07-01T00:00:00Z"}) {
      const Instant u = At(t);
      const LocalDateTime l = tz->ToLocal(u);
      EXPECT_LE(tz->LocalToUtc(l.date, l.seconds_of_day), u);
    }
  }
  EXPECT_GT(parsed, 0);
}

TEST(TzifTest, LeapSecondZonesAreRefused) {
  const std::string right = ReadZoneFile("right/America/New_York");
  if (right.empty()) GTEST_SKIP() << "no right/ zones installed";
  ExpectTzifError(right, "leap-second");
}

}  // namespace
}  // namespace proprio::rules
