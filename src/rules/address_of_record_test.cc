// Tests of rules/address_of_record.h: 64.2003(b) counted in the carrier's zone.
#include "rules/address_of_record.h"

#include <gtest/gtest.h>

#include "rules/testing/rules_test_util.h"

namespace proprio::rules {
namespace {

using test_util::At;
using test_util::NewYork;

// Set 2025-03-01 10:00 EST (15:00Z). Counting UTC dates made it the address
// of record at 2025-03-31T00:00Z = 2025-03-30 20:00 EDT, after 29 days and 10
// hours. In the carrier's zone: Mar 2 .. Mar 31 are the 30 days; of record
// from 2025-04-01 00:00 EDT (04:00Z), not a microsecond before.
TEST(AddressOfRecordTest, Cfr64_2003bThirtyDaysCountedInTheCarriersZoneAcrossDst) {
  const TimeZone ny = NewYork();
  const Instant set = At("2025-03-01T15:00:00Z");
  const CivilDate since = AddressSetOn(set, ny);
  EXPECT_EQ(since, (CivilDate{2025, 3, 1}));
  EXPECT_EQ(AddressOfRecordFrom(since, ny).ToRfc3339(), "2025-04-01T04:00:00Z");
  EXPECT_FALSE(IsAddressOfRecord(since, At("2025-03-31T00:00:00Z"), ny));  // 20:00 EDT Mar 30
  EXPECT_FALSE(IsAddressOfRecord(since, At("2025-04-01T03:59:59.999999Z"), ny));
  EXPECT_TRUE(IsAddressOfRecord(since, At("2025-04-01T04:00:00Z"), ny));
  EXPECT_EQ(kAddressOfRecordDays, 30);
}

// A change at 21:00 EST on Nov 30 is dated Nov 30 in New York (Dec 1 in UTC).
TEST(AddressOfRecordTest, Cfr64_2003bTheDayAnAddressIsSetIsTheCarriersLocalDay) {
  const TimeZone ny = NewYork();
  EXPECT_EQ(AddressSetOn(At("2025-12-01T02:00:00Z"), ny), (CivilDate{2025, 11, 30}));
  EXPECT_EQ(AddressOfRecordFrom({2025, 11, 30}, ny).ToRfc3339(), "2025-12-31T05:00:00Z");
}

TEST(AddressOfRecordTest, Cfr64_2003bALongerPeriodButNeverAShorterOne) {
  const TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(AddressOfRecordFrom({2025, 1, 1}, utc, 45).ToRfc3339(), "2025-02-16T00:00:00Z");
  EXPECT_EQ(AddressOfRecordFrom({2025, 1, 1}, utc, 10).ToRfc3339(), "2025-02-01T00:00:00Z");
  EXPECT_FALSE(IsAddressOfRecord(CivilDate{}, At("2030-01-01T00:00:00Z"), utc));
}

}  // namespace
}  // namespace proprio::rules
