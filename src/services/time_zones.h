// services/time_zones.h: carriers' IANA time zones, read once per process
// from the system's zoneinfo files (tzdata) into rules::TimeZone.
//
// rules/ does no I/O; this is where a zone's TZif bytes are read. Zones are
// cached for the life of the process and shared (a TimeZone is immutable).
// The directory is $TZDIR when set, else /usr/share/zoneinfo.
//
//   ASSIGN_OR_RETURN(auto zone, LoadTimeZone(carrier.time_zone));
//   CivilDate today = zone->LocalDate(Instant::Now());
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "core/ids.h"
#include "core/status.h"
#include "rules/tz.h"

namespace proprio::store {
class Tx;
}

namespace proprio::services {

// The zone named `name` ("America/New_York"; "UTC" needs no file).
// InvalidArgument (field "time_zone") for a name that is not a zone file:
// empty, absolute, with "..", missing, or not valid TZif.
Result<std::shared_ptr<const rules::TimeZone>> LoadTimeZone(const std::string& name);

// The zone of `carrier` (its time_zone column), in which its customers' days
// are counted (64.2003(b) address of record, approvals, breach clocks).
Result<std::shared_ptr<const rules::TimeZone>> CarrierTimeZone(store::Tx& tx, CarrierId carrier);

}  // namespace proprio::services
