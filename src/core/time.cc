#include "core/time.h"

#include <chrono>
#include <cstdio>

namespace proprio {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

bool ReadDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool CivilDate::Valid() const {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

int64_t CivilDate::ToDays() const {
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

CivilDate CivilDate::FromDays(int64_t days) { return CivilFromDays(days); }

int CivilDate::Weekday() const {
  int64_t w = (ToDays() + 4) % 7;  // 1970-01-01 was a Thursday
  if (w < 0) w += 7;
  return static_cast<int>(w);
}

Result<CivilDate> CivilDate::Parse(std::string_view s) {
  CivilDate d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !ReadDigits(s, 0, 4, &d.year) ||
      !ReadDigits(s, 5, 2, &d.month) || !ReadDigits(s, 8, 2, &d.day)) {
    return Status::InvalidArgument("expected a date as YYYY-MM-DD, got '" + std::string(s) + "'");
  }
  if (!d.Valid()) {
    return Status::InvalidArgument("no such calendar date: '" + std::string(s) + "'");
  }
  return d;
}

std::string CivilDate::ToString() const {
  if (year < 0 || year > 9999 || month < 0 || month > 99 || day < 0 || day > 99) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
  }
  // Formatted by hand: dates are written once per stored row.
  std::string out = "0000-00-00";
  out[0] = static_cast<char>('0' + year / 1000);
  out[1] = static_cast<char>('0' + year / 100 % 10);
  out[2] = static_cast<char>('0' + year / 10 % 10);
  out[3] = static_cast<char>('0' + year % 10);
  out[5] = static_cast<char>('0' + month / 10);
  out[6] = static_cast<char>('0' + month % 10);
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
  return out;
}

Instant Instant::Now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return Instant(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

Result<Instant> Instant::Parse(std::string_view s) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument(std::string("expected an RFC 3339 instant such as "
                                               "2024-03-13T14:05:00Z (") +
                                   why + "), got '" + std::string(s) + "'");
  };
  if (s.size() < 20) return bad("too short");
  ASSIGN_OR_RETURN(CivilDate date, CivilDate::Parse(s.substr(0, 10)));
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad("missing 'T'");
  int hh = 0, mm = 0, ss = 0;
  if (!ReadDigits(s, 11, 2, &hh) || s[13] != ':' || !ReadDigits(s, 14, 2, &mm) ||
      s[16] != ':' || !ReadDigits(s, 17, 2, &ss)) {
    return bad("bad time of day");
  }
  if (hh > 23 || mm > 59 || ss > 60) return bad("time of day out of range");
  if (ss == 60) ss = 59;  // a leap second is held as the second before it
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad("empty fraction");
    for (int i = digits; i < 6; ++i) frac_us *= 10;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!ReadDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad("bad UTC offset");
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return bad("missing zone: end with Z or an offset");
  }
  if (pos != s.size()) return bad("trailing characters");
  const int64_t secs = date.ToDays() * 86400 + hh * 3600 + mm * 60 + ss - offset_s;
  return Instant(secs * kMicrosPerSecond + frac_us);
}

std::string Instant::ToRfc3339() const {
  const int64_t secs = seconds();
  const int64_t frac = us_ - secs * kMicrosPerSecond;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  const CivilDate d = CivilDate::FromDays(days);
  char buf[40];
  if (frac == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day,
                  static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                  static_cast<int>(rem % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", d.year, d.month, d.day,
                  static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                  static_cast<int>(rem % 60), static_cast<int>(frac));
  }
  return buf;
}

CivilDate UtcDate(Instant t) {
  const int64_t s = t.seconds();
  return CivilDate::FromDays(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

Instant UtcMidnight(CivilDate d) { return Instant::FromSeconds(d.ToDays() * 86400); }

}  // namespace proprio
