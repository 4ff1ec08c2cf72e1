// core/time.h: UTC instants and civil dates.
//
// Instant is microseconds since the Unix epoch, always UTC. It is read and
// written as RFC 3339 ("2024-03-13T14:05:00Z", offsets accepted on input and
// normalised to Z on output). CivilDate is a proleptic Gregorian calendar date
// with no zone. Conversions between instants and local dates in a carrier's
// time zone belong to rules/calendar, not here.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace proprio {

class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant FromMicros(int64_t us) { return Instant(us); }
  static constexpr Instant FromSeconds(int64_t s) { return Instant(s * 1'000'000); }
  static Instant Now();

  // Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)"; 't' and 'z' too.
  static Result<Instant> Parse(std::string_view text);
  // "YYYY-MM-DDTHH:MM:SSZ", or with ".ffffff" when there are microseconds.
  std::string ToRfc3339() const;

  constexpr int64_t micros() const { return us_; }
  constexpr int64_t seconds() const { return us_ >= 0 ? us_ / 1'000'000 : -((-us_ + 999'999) / 1'000'000); }
  friend constexpr auto operator<=>(Instant, Instant) = default;
  constexpr Instant operator+(int64_t us) const { return Instant(us_ + us); }
  constexpr int64_t operator-(Instant other) const { return us_ - other.us_; }

 private:
  constexpr explicit Instant(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400LL * kMicrosPerSecond;

// A default-constructed CivilDate is no date at all (Valid() is false), so
// "not given" needs no separate flag.
struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31

  // "YYYY-MM-DD"
  static Result<CivilDate> Parse(std::string_view text);
  std::string ToString() const;
  // Days since 1970-01-01 (negative before).
  int64_t ToDays() const;
  static CivilDate FromDays(int64_t days);
  // 0 = Sunday ... 6 = Saturday
  int Weekday() const;
  CivilDate AddDays(int64_t n) const { return FromDays(ToDays() + n); }
  bool Valid() const;

  friend constexpr auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

int DaysInMonth(int year, int month);
bool IsLeapYear(int year);

// The UTC date of an instant.
CivilDate UtcDate(Instant t);
// Midnight UTC at the start of `d`.
Instant UtcMidnight(CivilDate d);

}  // namespace proprio
