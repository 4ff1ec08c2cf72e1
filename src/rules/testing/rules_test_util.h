// rules/testing/rules_test_util.h: what the rules' tests (and the services'
// tests over them) share: instants written as RFC 3339 and the system's real
// zones, with the POSIX rule as fallback on a machine without tzdata.
// Header-only; tests only.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "core/time.h"
#include "rules/tz.h"

namespace proprio::rules::test_util {

// The instant an RFC 3339 literal names; a typo fails the test that wrote it.
inline Instant At(std::string_view rfc3339) {
  Result<Instant> t = Instant::Parse(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : Instant();
}

inline std::string Rfc(std::optional<Instant> t) { return t ? t->ToRfc3339() : "(none)"; }

// The zone `name` from /usr/share/zoneinfo, or nullopt without tzdata.
inline std::optional<TimeZone> SystemZone(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  Result<TimeZone> tz = TimeZone::FromTzif(s.str(), name);
  if (!tz.ok()) return std::nullopt;
  return std::move(*tz);
}

// America/New_York; without tzdata the POSIX rule, which gives the same
// answers from 2007 on (every date these tests use).
inline TimeZone NewYork() {
  if (std::optional<TimeZone> tz = SystemZone("America/New_York")) return std::move(*tz);
  return *TimeZone::FromPosixTz("EST5EDT,M3.2.0,M11.1.0", "America/New_York");
}

}  // namespace proprio::rules::test_util
