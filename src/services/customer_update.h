// services/customer_update.h: changing a customer's record, with optimistic
// concurrency (the record's version, which the HTTP API shows as its ETag).
//
// The version is a hash of every field of the record, so any change, through
// any path, gives a new version; no counter has to be kept in step.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/domain.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

// 32 hex digits identifying the record's current content: a hash of its JSON
// form (CustomerJsonText), so a caller that has the text already need not
// build it twice.
std::string CustomerVersion(const Customer& c);
std::string CustomerJsonText(const Customer& c);
std::string CustomerVersionOfText(std::string_view json_text);

// Reads the customer in a write transaction, checks `expected_version` (when
// given; Aborted with field "If-Match" when it differs), lets `change` edit a
// copy, normalises and validates it, stores it and appends customer.updated
// (the names of the changed fields; personal data in the payload). The id,
// carrier and creation time cannot change; a change of service_since is
// InvalidArgument (field "service_since"). When `change` leaves
// address_since unset (an invalid date), a changed address of record is dated
// today in the carrier's time zone (64.2003(b), rules/address_of_record.h) and
// an unchanged one keeps its date. A change that changes nothing is
// stored nowhere and returns the record as it is.
// 64.2003(f): closes the account: from `closed_at` (default now; not in the
// future, not before the customer was created) the customer is a former
// customer, whose decisions follow rules/decide.h (former_customer). The
// record and everything about it is kept under its retention. Appends
// customer.closed {closed_at} (the reason in its payload). FailedPrecondition (field customer)
// when already closed; NotFound for an unknown customer.
Result<Customer> CloseCustomer(store::Store& store, CarrierId carrier, CustomerId id,
                               std::optional<Instant> closed_at, const std::string& reason,
                               const Actor& actor);

Result<Customer> UpdateCustomer(store::Store& store, CarrierId carrier, CustomerId id,
                                const std::optional<std::string>& expected_version,
                                const std::function<Status(Customer&)>& change,
                                const Actor& actor);

}  // namespace proprio::services
