// services/registry.h: carriers, customers and staff — creating them with
// their ledger entries, and reading customers with the read recorded.
//
// Every write appends a ledger entry in the same transaction. Personal data
// (names, contact data, addresses) goes in the entry's payload, never in the
// entry itself, so it can be erased when its retention ends.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/domain.h"
#include "store/store.h"

namespace proprio::services {

// Who acts, and when; passed to every service call so the ledger can say so.
struct Actor {
  std::string id = "cli";  // "cli", "staff:12", "system:billing"
  Instant now = Instant::Now();
};

// Personal-data payloads are kept at least this long (approval and notice
// records: 64.2007(a)(3), 64.2008(a)(2) — one year; we keep two).
inline constexpr int64_t kDefaultPayloadRetentionDays = 2 * 365 + 1;

// A ledger event by `actor`, at actor.now. `payload` holds personal data, kept
// beside the chain for kDefaultPayloadRetentionDays; `body` must hold none.
store::LedgerEvent MakeEvent(const Actor& actor, CarrierId carrier, std::string type,
                             std::string subject, const nlohmann::json& body,
                             const nlohmann::json* payload = nullptr);

// Validates, checks the time zone exists, stores, and appends carrier.created.
Result<Carrier> AddCarrier(store::Store& store, Carrier carrier, const Actor& actor);

// Normalises (E.164 numbers, trimmed text), stores, appends customer.created.
// Adding one customer opens a new account: service_since defaults to today in
// the carrier's time zone (the service-initiation path of 47 CFR 64.2010(e) is
// then open for the window of the carrier's policy); a given service_since
// (an existing account entered by hand) is kept, and one after today is
// InvalidArgument (field "service_since"). Imports (services/importer.h) are
// migrations of existing accounts and leave it unknown unless the file says.
Result<Customer> AddCustomer(store::Store& store, Customer customer, const Actor& actor);

// Reads one customer's record, CPNI included, and records the access in the
// carrier's ledger (cpni.accessed) with `purpose`.
Result<Customer> ShowCustomer(store::Store& store, CarrierId carrier, CustomerId id,
                              const std::string& purpose, const Actor& actor);
Result<Customer> ShowCustomerByAccount(store::Store& store, CarrierId carrier,
                                       const std::string& account_number,
                                       const std::string& purpose, const Actor& actor);

Result<Staff> AddStaff(store::Store& store, Staff staff, const Actor& actor);

// True when the IANA zone is installed (tzdata).
bool TimeZoneExists(const std::string& name);

}  // namespace proprio::services
