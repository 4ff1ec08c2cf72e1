// rules/address_of_record.cc: 64.2003(b) (see the header).
#include "rules/address_of_record.h"

#include <algorithm>

namespace proprio::rules {

Instant AddressOfRecordFrom(CivilDate since, const TimeZone& zone, int days) {
  return zone.StartOfDay(since.AddDays(std::max(days, kAddressOfRecordDays) + 1));
}

bool IsAddressOfRecord(CivilDate since, Instant now, const TimeZone& zone, int days) {
  return since.Valid() && now >= AddressOfRecordFrom(since, zone, days);
}

}  // namespace proprio::rules
