// services/json_codec.h: JSON forms of the domain types, shared by the CLI,
// ledger payloads and (later) the HTTP API, so that every surface shows the
// same field names.
#pragma once

#include <nlohmann/json.hpp>

#include "core/domain.h"
#include "core/status.h"

namespace proprio::services {

nlohmann::json CarrierToJson(const Carrier& c);
nlohmann::json CustomerToJson(const Customer& c);
// The personal data of a customer (name, contact data, address): what goes in
// a ledger payload rather than an entry.
nlohmann::json CustomerPersonalData(const Customer& c);
nlohmann::json StaffToJson(const Staff& s);

}  // namespace proprio::services
