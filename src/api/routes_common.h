// api/routes_common.h: small helpers the routes_*.cc files share.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api.h"
#include "core/domain.h"

namespace proprio::api {

// {"$ref": "#/components/schemas/<name>"}
inline nlohmann::json Ref(const char* name) {
  return {{"$ref", std::string("#/components/schemas/") + name}};
}

// Role sets the routes share.
inline const std::vector<Role> kCpniReaders = {
    Role::kComplianceOfficer, Role::kGeneralCounsel, Role::kSupervisor, Role::kCsr,
    Role::kSecurity,          Role::kAuditor,        Role::kSystem};
inline const std::vector<Role> kCustomerWriters = {Role::kComplianceOfficer, Role::kSupervisor,
                                                   Role::kCsr, Role::kSystem};
inline const std::vector<Role> kLedgerReaders = {Role::kAdmin, Role::kComplianceOfficer,
                                                 Role::kGeneralCounsel, Role::kSecurity,
                                                 Role::kAuditor};
inline const std::vector<Role> kStaffReaders = {Role::kAdmin, Role::kComplianceOfficer,
                                                Role::kSupervisor, Role::kSecurity,
                                                Role::kAuditor};

class ObjectReader;
// Reads a required address object {street, city, state, postal_code, country?}.
PostalAddress ReadAddress(ObjectReader& parent, const char* name);

// A positive integer from a query parameter, or `fallback` when absent.
Result<int64_t> QueryInt(const Request& req, const std::string& name, int64_t fallback,
                         int64_t min, int64_t max);

}  // namespace proprio::api
