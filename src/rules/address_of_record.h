// rules/address_of_record.h: when a postal or e-mail address becomes the
// "address of record" of 47 CFR 64.2003(b): "a postal or electronic address
// that the carrier has associated with the customer's account for at least 30
// days". The one place Proprio counts those days (authentication, reset codes,
// account-change notices all ask here).
//
// Days are those of the carrier's time zone, counted as approvals and breach
// deadlines are (rules/approval.h, rules/calendar.h): the local day the
// address was set (`since`) is excluded, and the address is of record from
// the start of local day since + 30 + 1, once 30 whole local days have
// passed. Example (America/New_York): set 2025-03-01 10:00 EST, of record
// from 2025-04-01 00:00 EDT; not at 2025-03-30 20:00 EDT (the start of the
// UTC date 2025-03-31, which counting UTC dates used to accept after only 29
// days and 10 hours). An address's `since` is the LOCAL date it was set in
// the carrier's zone (AddressSetOn).
//
// Pure: no I/O, no clock.
#pragma once

#include "core/time.h"
#include "rules/tz.h"

namespace proprio::rules {

// 64.2003(b): at least 30 days on the account.
inline constexpr int kAddressOfRecordDays = 30;

// The local date (carrier's zone) an address set at `at` is dated with.
inline CivilDate AddressSetOn(Instant at, const TimeZone& zone) { return zone.LocalDate(at); }

// The first instant an address set on local day `since` is the address of
// record: the start of local day since + days + 1. `days` is the rule's 30 or
// a policy's longer period (never less: callers pass max(30, policy)).
// REQUIRES: since.Valid().
Instant AddressOfRecordFrom(CivilDate since, const TimeZone& zone,
                            int days = kAddressOfRecordDays);

// True when an address set on local day `since` is the address of record at
// `now`. False for an invalid (unknown) `since`.
bool IsAddressOfRecord(CivilDate since, Instant now, const TimeZone& zone,
                       int days = kAddressOfRecordDays);

}  // namespace proprio::rules
