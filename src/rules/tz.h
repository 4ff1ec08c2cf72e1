// rules/tz.h: IANA time zones from TZif bytes, without touching the disk.
//
// A TimeZone maps UTC instants to local civil time and back. It is built from
// the bytes of a TZif file (RFC 8536, versions 2 to 4), which the caller reads
// (typically /usr/share/zoneinfo/<name>); this module does no I/O and never
// reads the process's TZ or clock.
//
// Data used: the 64-bit (version 2+) transition table and, for instants after
// its last transition, the POSIX TZ string in the file's footer (Debian ships
// both "fat" files, whose table stops in 2037, and "slim" files, whose table
// stops at the last rule change; both rely on the footer for later years).
// Before the first transition the zone's first local time type applies
// (RFC 8536 section 3.2). Files with leap-second records ("right/" zones) are
// refused: Instant counts POSIX seconds, which have no leap seconds.
//
// Local time to UTC (LocalToUtc) is total. The rule for local times that do
// not exist or exist twice is the one RFC 5545 and java.time call
// "compatible":
//   - a repeated local time (clocks set back, e.g. 01:30 on the first Sunday
//     of November in America/New_York) resolves to its EARLIER occurrence,
//     i.e. with the offset in force before the transition;
//   - a skipped local time (clocks set forward, e.g. 02:30 on the second
//     Sunday of March in America/New_York) is read with the offset in force
//     before the gap, which lands the same distance after the transition
//     (02:30 EST = 03:30 EDT).
// So local midnight always resolves to the first instant of that local day,
// even in zones whose clocks jump at midnight.
//
//   ASSIGN_OR_RETURN(TimeZone ny, TimeZone::FromTzif(bytes, "America/New_York"));
//   CivilDate d = ny.LocalDate(instant);
//   Instant start = ny.StartOfDay(d);
//
// Why by hand and not date/tz (libhowardhinnant-date-dev, as issue 21 asked):
// measured on Debian 12 (date 3.0.1+ds-5, tzdata 2025b), the only build
// Debian ships is the OS-tzdb mode, which reads the transition table and
// ignores the TZif footer. Debian's zone files are "fat" (table up to 2037),
// so date/tz answers America/New_York on 2038-07-01 as EST (-18000) where
// the law and this module say EDT (-14400): every clock past 2037 (ledger
// retention, 2038+ breach and approval dates) would drift by an hour for half
// the year. FooterRuleAppliesAfterTheTransitionTable pins that behaviour.
//
// Thread-safety: a TimeZone is immutable after construction; share freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace proprio::rules {

// A local civil time: date, second of the day and microsecond of the second.
struct LocalDateTime {
  CivilDate date;
  int seconds_of_day = 0;  // 0..86399
  int micros = 0;          // 0..999999
  friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

namespace internal {

// A POSIX TZ rule date: Jn (1..365, February 29 never counted), n (0..365,
// counting February 29) or Mm.w.d (day d of week w of month m; w = 5 means the
// last such day).
struct PosixDate {
  enum class Kind : uint8_t { kJulian1, kJulian0, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int day = 0;    // Jn / n
  int month = 0;  // M
  int week = 0;   // w
  int weekday = 0;  // d, 0 = Sunday
  int32_t time = 2 * 3600;  // local time of day of the transition, seconds (may be
                            // negative or beyond 24h: TZif v3 extension)
};

// A parsed POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0".
struct PosixTz {
  int32_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int32_t dst_offset = 0;  // seconds east of UTC
  PosixDate start;         // DST starts (expressed in standard local time)
  PosixDate end;           // DST ends (expressed in daylight local time)
};

Result<PosixTz> ParsePosixTz(std::string_view spec);

}  // namespace internal

class TimeZone {
 public:
  // UTC, offset zero for ever. Cheap: allocates nothing.
  static TimeZone Utc();

  // Parses the bytes of a TZif file (versions 2, 3 and 4). `name` is kept for
  // display (name()). Errors (InvalidArgument, field "tzif") say what is wrong:
  // bad magic, version 1 only, truncated data, counts out of range, unsorted
  // transitions, an offset out of range, leap-second records, a bad footer.
  static Result<TimeZone> FromTzif(std::string_view bytes, std::string name = {});

  // A zone given only by a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0",
  // "<+0530>-5:30"). Such a zone applies the rule to every year; use it for
  // fixed offsets and tests, and FromTzif for real zones. A DST name without a
  // rule ("EST5EDT") gets the US rule "M3.2.0,M11.1.0", as tzcode does.
  static Result<TimeZone> FromPosixTz(std::string_view spec, std::string name = {});

  const std::string& name() const { return name_; }

  // Seconds east of UTC in force at `t` (e.g. -18000 for EST).
  int32_t UtcOffset(Instant t) const;

  // The local date and time of `t`.
  LocalDateTime ToLocal(Instant t) const;
  CivilDate LocalDate(Instant t) const { return ToLocal(t).date; }

  // The instant at which the local clock reads `date` plus `seconds_of_day`
  // (any value: 86400 is the next day's midnight, negative values go back).
  // Skipped and repeated local times follow the rule in the file comment.
  Instant LocalToUtc(CivilDate date, int64_t seconds_of_day) const;

  // The first instant of local day `date` (LocalToUtc(date, 0)).
  Instant StartOfDay(CivilDate date) const { return LocalToUtc(date, 0); }

 private:
  // A maximal run of time with one UTC offset: [begin, end) in UTC seconds.
  struct Segment {
    int64_t begin;
    int64_t end;
    int32_t offset;
  };

  TimeZone() = default;
  Segment SegmentAt(int64_t utc_seconds) const;
  Segment FooterSegmentAt(int64_t utc_seconds, int64_t floor) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, strictly increasing
  std::vector<int32_t> offsets_;      // offset from transitions_[i] on
  int32_t initial_offset_ = 0;        // before the first transition
  std::optional<internal::PosixTz> footer_;
};

}  // namespace proprio::rules
