// rules/tz.cc: TZif (RFC 8536) and POSIX TZ string parsing; offset lookup.
#include "rules/tz.h"

#include <algorithm>
#include <array>
#include <limits>

namespace proprio::rules {
namespace {

using internal::PosixDate;
using internal::PosixTz;

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();
// RFC 8536 3.2: utoff SHOULD be in [-89999, 93599] (just over +/- 25 hours).
constexpr int32_t kMinUtcOffset = -89999;
constexpr int32_t kMaxUtcOffset = 93599;
// Upper bounds on table sizes; real files are far smaller. They keep a hostile
// file from making us reserve gigabytes.
constexpr uint64_t kMaxTransitions = 1u << 20;
constexpr uint64_t kMaxTypes = 256;
constexpr uint64_t kMaxChars = 1u << 16;

Status TzifError(const std::string& why) {
  return Status::InvalidArgument("bad TZif data: " + why, "tzif");
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// ---- POSIX TZ strings ----

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  Result<PosixTz> Parse() {
    PosixTz tz;
    if (!Name()) return Error("expected a zone abbreviation (3+ letters or <...>)");
    int32_t west = 0;
    if (!Offset(&west, 24)) return Error("expected a UTC offset after the abbreviation");
    tz.std_offset = -west;
    if (AtEnd()) return Checked(tz);
    if (!Name()) return Error("expected a daylight-time abbreviation");
    tz.has_dst = true;
    tz.dst_offset = tz.std_offset + 3600;
    if (!AtEnd() && s_[pos_] != ',') {
      if (!Offset(&west, 24)) return Error("expected a daylight-time UTC offset");
      tz.dst_offset = -west;
    }
    if (AtEnd()) {
      // POSIX leaves the default rule to the implementation; tzcode uses the
      // US rule in force since 2007.
      tz.start = PosixDate{PosixDate::Kind::kMonthWeekDay, 0, 3, 2, 0, 7200};
      tz.end = PosixDate{PosixDate::Kind::kMonthWeekDay, 0, 11, 1, 0, 7200};
      return Checked(tz);
    }
    if (!Eat(',') || !Date(&tz.start)) {
      return Error("expected ',' and the date daylight time starts");
    }
    if (!Eat(',') || !Date(&tz.end)) return Error("expected ',' and the date daylight time ends");
    if (!AtEnd()) return Error("unexpected characters after the rule");
    return Checked(tz);
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  bool Eat(char c) {
    if (AtEnd() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  static bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  bool Name() {
    if (Eat('<')) {
      const size_t start = pos_;
      while (!AtEnd() && s_[pos_] != '>') {
        const char c = s_[pos_];
        if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-') return false;
        ++pos_;
      }
      const size_t len = pos_ - start;
      return Eat('>') && len >= 1;
    }
    const size_t start = pos_;
    while (!AtEnd() && IsAlpha(s_[pos_])) ++pos_;
    return pos_ - start >= 3;
  }

  // Digits as a non-negative number, at most `max_digits` of them.
  bool Number(int* out, int max_digits) {
    int n = 0, v = 0;
    while (!AtEnd() && IsDigit(s_[pos_]) && n < max_digits) {
      v = v * 10 + (s_[pos_] - '0');
      ++pos_;
      ++n;
    }
    if (n == 0) return false;
    *out = v;
    return true;
  }

  // [+-]hh[:mm[:ss]] with hh <= max_hours; the signed number of seconds.
  bool Offset(int32_t* out, int max_hours) {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!Number(&h, 3) || h > max_hours) return false;
    if (Eat(':')) {
      if (!Number(&m, 2) || m > 59) return false;
      if (Eat(':') && (!Number(&sec, 2) || sec > 59)) return false;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool Date(PosixDate* d) {
    if (Eat('J')) {
      d->kind = PosixDate::Kind::kJulian1;
      if (!Number(&d->day, 3) || d->day < 1 || d->day > 365) return false;
    } else if (Eat('M')) {
      d->kind = PosixDate::Kind::kMonthWeekDay;
      if (!Number(&d->month, 2) || d->month < 1 || d->month > 12) return false;
      if (!Eat('.') || !Number(&d->week, 1) || d->week < 1 || d->week > 5) return false;
      if (!Eat('.') || !Number(&d->weekday, 1) || d->weekday > 6) return false;
    } else {
      d->kind = PosixDate::Kind::kJulian0;
      if (!Number(&d->day, 3) || d->day > 365) return false;
    }
    d->time = 7200;
    if (Eat('/')) {
      // TZif version 3 allows -167..167 hours here (RFC 8536 3.3.1).
      if (!Offset(&d->time, 167)) return false;
    }
    return true;
  }

  Result<PosixTz> Checked(const PosixTz& tz) const {
    auto in_range = [](int32_t o) { return o >= kMinUtcOffset && o <= kMaxUtcOffset; };
    if (!in_range(tz.std_offset) || (tz.has_dst && !in_range(tz.dst_offset))) {
      return Error("UTC offset out of range");
    }
    return tz;
  }

  Status Error(const char* why) const {
    return Status::InvalidArgument("bad POSIX TZ string '" + std::string(s_) + "' at offset " +
                                       std::to_string(pos_) + ": " + why,
                                   "tz");
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Days since the epoch of rule date `d` in `year`.
int64_t RuleDays(const PosixDate& d, int year) {
  const int64_t jan1 = CivilDate{year, 1, 1}.ToDays();
  switch (d.kind) {
    case PosixDate::Kind::kJulian1:
      return jan1 + d.day - 1 + (IsLeapYear(year) && d.day >= 60 ? 1 : 0);
    case PosixDate::Kind::kJulian0:
      return jan1 + d.day;
    case PosixDate::Kind::kMonthWeekDay:
      break;
  }
  const CivilDate first{year, d.month, 1};
  int day = 1 + (d.weekday - first.Weekday() + 7) % 7 + 7 * (d.week - 1);
  while (day > DaysInMonth(year, d.month)) day -= 7;
  return CivilDate{year, d.month, day}.ToDays();
}

// UTC seconds at which rule date `d` of `year` occurs, read in local time
// with UTC offset `offset`.
int64_t RuleTransition(const PosixDate& d, int year, int32_t offset) {
  return RuleDays(d, year) * 86400 + d.time - offset;
}

// ---- TZif ----

class ByteReader {
 public:
  explicit ByteReader(std::string_view b) : b_(b) {}
  size_t pos() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }
  bool Has(uint64_t n) const { return n <= remaining(); }
  void Skip(size_t n) { pos_ += n; }
  uint8_t U8() { return static_cast<uint8_t>(b_[pos_++]); }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | U8();
    return v;
  }
  int32_t I32() { return static_cast<int32_t>(U32()); }
  int64_t I64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | U8();
    return static_cast<int64_t>(v);
  }
  std::string_view Take(size_t n) {
    std::string_view s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct TzifHeader {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

Result<TzifHeader> ReadHeader(ByteReader& r) {
  if (!r.Has(44)) return TzifError("truncated header");
  if (r.Take(4) != "TZif") return TzifError("missing 'TZif' magic");
  TzifHeader h;
  h.version = static_cast<char>(r.U8());
  if (h.version != 0 && h.version != '2' && h.version != '3' && h.version != '4') {
    return TzifError("unknown version byte " + std::to_string(static_cast<int>(h.version)));
  }
  r.Skip(15);
  h.isutcnt = r.U32();
  h.isstdcnt = r.U32();
  h.leapcnt = r.U32();
  h.timecnt = r.U32();
  h.typecnt = r.U32();
  h.charcnt = r.U32();
  if (h.typecnt == 0 || h.typecnt > kMaxTypes) return TzifError("typecnt out of range");
  if (h.charcnt == 0 || h.charcnt > kMaxChars) return TzifError("charcnt out of range");
  if (h.timecnt > kMaxTransitions) return TzifError("timecnt out of range");
  if (h.leapcnt > kMaxTransitions) return TzifError("leapcnt out of range");
  if (h.isutcnt != 0 && h.isutcnt != h.typecnt) return TzifError("isutcnt must be 0 or typecnt");
  if (h.isstdcnt != 0 && h.isstdcnt != h.typecnt) return TzifError("isstdcnt must be 0 or typecnt");
  return h;
}

uint64_t BlockSize(const TzifHeader& h, uint64_t time_size) {
  return uint64_t{h.timecnt} * time_size + h.timecnt + uint64_t{h.typecnt} * 6 + h.charcnt +
         uint64_t{h.leapcnt} * (time_size + 4) + h.isstdcnt + h.isutcnt;
}

}  // namespace

namespace internal {
Result<PosixTz> ParsePosixTz(std::string_view spec) { return PosixParser(spec).Parse(); }
}  // namespace internal

TimeZone TimeZone::Utc() {
  TimeZone tz;
  tz.name_ = "UTC";
  return tz;
}

Result<TimeZone> TimeZone::FromPosixTz(std::string_view spec, std::string name) {
  ASSIGN_OR_RETURN(PosixTz rule, internal::ParsePosixTz(spec));
  TimeZone tz;
  tz.name_ = name.empty() ? std::string(spec) : std::move(name);
  tz.initial_offset_ = rule.std_offset;
  tz.footer_ = rule;
  return tz;
}

Result<TimeZone> TimeZone::FromTzif(std::string_view bytes, std::string name) {
  ByteReader r(bytes);
  ASSIGN_OR_RETURN(TzifHeader v1, ReadHeader(r));
  if (v1.version == 0) {
    return TzifError("version 1 file (no 64-bit data); version 2 or later is required");
  }
  const uint64_t v1_size = BlockSize(v1, 4);
  if (!r.Has(v1_size)) return TzifError("truncated version 1 data block");
  r.Skip(static_cast<size_t>(v1_size));

  ASSIGN_OR_RETURN(TzifHeader h, ReadHeader(r));
  if (h.version != v1.version) return TzifError("the two headers disagree on the version");
  if (!r.Has(BlockSize(h, 8))) return TzifError("truncated 64-bit data block");
  if (h.leapcnt != 0) {
    return TzifError("leap-second records present (a right/ zone); use the posix zone");
  }

  TimeZone tz;
  tz.name_ = std::move(name);
  tz.transitions_.resize(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    tz.transitions_[i] = r.I64();
    if (i > 0 && tz.transitions_[i] <= tz.transitions_[i - 1]) {
      return TzifError("transition times are not strictly increasing at index " +
                       std::to_string(i));
    }
  }
  std::vector<uint8_t> type_index(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    type_index[i] = r.U8();
    if (type_index[i] >= h.typecnt) {
      return TzifError("transition " + std::to_string(i) + " names local time type " +
                       std::to_string(type_index[i]) + " of " + std::to_string(h.typecnt));
    }
  }
  std::vector<int32_t> type_offset(h.typecnt);
  for (uint32_t i = 0; i < h.typecnt; ++i) {
    type_offset[i] = r.I32();
    const uint8_t isdst = r.U8();
    const uint8_t desig = r.U8();
    if (type_offset[i] < kMinUtcOffset || type_offset[i] > kMaxUtcOffset) {
      return TzifError("local time type " + std::to_string(i) + " has UTC offset " +
                       std::to_string(type_offset[i]) + " s, out of range");
    }
    if (isdst > 1) return TzifError("isdst must be 0 or 1");
    if (desig >= h.charcnt) return TzifError("abbreviation index out of range");
  }
  r.Skip(h.charcnt + h.isstdcnt + h.isutcnt);  // abbreviations and indicators unused

  tz.offsets_.resize(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) tz.offsets_[i] = type_offset[type_index[i]];
  tz.initial_offset_ = type_offset[0];

  // Footer: "\n" POSIX-TZ-string "\n" (may be empty).
  if (r.remaining() < 2 || r.U8() != '\n') return TzifError("missing footer");
  const std::string_view rest = bytes.substr(r.pos());
  const size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) return TzifError("unterminated footer");
  const std::string_view footer = rest.substr(0, nl);
  if (!footer.empty()) {
    Result<PosixTz> rule = internal::ParsePosixTz(footer);
    if (!rule.ok()) return TzifError("footer: " + rule.status().message());
    tz.footer_ = *rule;
  }
  return tz;
}

TimeZone::Segment TimeZone::FooterSegmentAt(int64_t t, int64_t floor) const {
  const PosixTz& rule = *footer_;
  if (!rule.has_dst) return {floor, kMaxTime, rule.std_offset};

  struct Event {
    int64_t time;
    int order;  // ties: DST ending (0) sorts before DST starting (1)
    int32_t offset_after;
  };
  const int year = CivilDate::FromDays(FloorDiv(t + rule.std_offset, 86400)).year;
  std::array<Event, 10> ev{};
  size_t n = 0;
  for (int y = year - 2; y <= year + 2; ++y) {
    ev[n++] = {RuleTransition(rule.start, y, rule.std_offset), 1, rule.dst_offset};
    ev[n++] = {RuleTransition(rule.end, y, rule.dst_offset), 0, rule.std_offset};
  }
  std::sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.order < b.order;
  });
  // The last event at or before t (the two years before t guarantee one).
  size_t idx = 0;
  for (size_t i = 0; i < n; ++i) {
    if (ev[i].time <= t) idx = i;
  }
  const int32_t offset = ev[idx].offset_after;
  size_t b = idx;
  while (b > 0 && ev[b - 1].offset_after == offset) --b;
  Segment seg{std::max(ev[b].time, floor), kMaxTime, offset};
  for (size_t i = idx + 1; i < n; ++i) {
    if (ev[i].offset_after != offset) {
      seg.end = ev[i].time;
      break;
    }
  }
  return seg;
}

TimeZone::Segment TimeZone::SegmentAt(int64_t t) const {
  if (transitions_.empty()) {
    if (footer_) return FooterSegmentAt(t, kMinTime);
    return {kMinTime, kMaxTime, initial_offset_};
  }
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  const size_t idx = static_cast<size_t>(it - transitions_.begin());  // transitions <= t
  if (idx == 0) return {kMinTime, transitions_.front(), initial_offset_};
  if (idx == transitions_.size()) {
    if (footer_) return FooterSegmentAt(t, transitions_.back());
    return {transitions_.back(), kMaxTime, offsets_.back()};
  }
  return {transitions_[idx - 1], transitions_[idx], offsets_[idx - 1]};
}

int32_t TimeZone::UtcOffset(Instant t) const { return SegmentAt(t.seconds()).offset; }

LocalDateTime TimeZone::ToLocal(Instant t) const {
  const int64_t local_us = t.micros() + int64_t{UtcOffset(t)} * kMicrosPerSecond;
  const int64_t days = FloorDiv(local_us, kMicrosPerDay);
  const int64_t rem = local_us - days * kMicrosPerDay;
  LocalDateTime out;
  out.date = CivilDate::FromDays(days);
  out.seconds_of_day = static_cast<int>(rem / kMicrosPerSecond);
  out.micros = static_cast<int>(rem % kMicrosPerSecond);
  return out;
}

Instant TimeZone::LocalToUtc(CivilDate date, int64_t seconds_of_day) const {
  const int64_t local = date.ToDays() * 86400 + seconds_of_day;
  // Every solution u of u + offset(u) == local lies within the offset bounds.
  Segment seg = SegmentAt(local - kMaxUtcOffset);
  bool has_prev = false;
  int32_t prev_offset = 0;
  for (;;) {
    if (has_prev && prev_offset < seg.offset) {
      // Clocks jumped forward at seg.begin: local times in
      // [begin + prev_offset, begin + seg.offset) never happened; read them
      // with the offset before the gap.
      if (seg.begin + prev_offset <= local && local < seg.begin + seg.offset) {
        return Instant::FromSeconds(local - prev_offset);
      }
    }
    const int64_t u = local - seg.offset;
    if (u >= seg.begin && u < seg.end) return Instant::FromSeconds(u);  // earliest match
    if (seg.end == kMaxTime || seg.end > local - kMinUtcOffset) break;
    has_prev = true;
    prev_offset = seg.offset;
    seg = SegmentAt(seg.end);
  }
  // Unreachable for consistent data; fall back to the last offset seen.
  return Instant::FromSeconds(local - seg.offset);
}

}  // namespace proprio::rules
