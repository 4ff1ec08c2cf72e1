// services/internal/breach_internal.h: what the breach_*.cc files share:
// loading a case with its facts and clock, the ledger entry of a step, input
// checks. Private to src/services/breach_*.cc; the public interface is
// services/breach.h.
//
//   breach_cases.cc      opening, reading and listing cases; due obligations; JSON
//   breach_actions.cc    recording a step (preconditions: rules/s2011_breach.h)
//   breach_documents.cc  document facts, customer letters, the annual summary
//   breach_retention.cc  erasing a closed case's records after retention
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "services/breach.h"

namespace proprio::services::breach_internal {

inline constexpr size_t kMaxTextBytes = 4000;
inline constexpr size_t kMaxShortBytes = 200;
// Clocks of machines differ a little: an `at` this far ahead of now is accepted.
inline constexpr int64_t kFutureSlackMicros = 60 * kMicrosPerSecond;

// InvalidArgument "field: message" naming `field`.
Status Bad(const std::string& field, const std::string& message);
Status CheckText(const std::string& field, const std::string& v, size_t max, bool required);
std::string Join(const std::vector<std::string>& v, const char* sep);
// `at` plus `years` calendar years (February 29 becomes March 1).
Instant AddYears(Instant at, int years);
std::string LocalRfc3339(const rules::TimeZone& zone, Instant t);

// The rule set and the policy kept with the case.
Result<rules::RuleSet> CaseRuleSet(const store::BreachCaseRow& row);
Result<rules::Policy> CasePolicy(const store::BreachCaseRow& row);
// The case with its affected customers, actions, facts and clock.
Result<BreachCase> Load(store::Tx& tx, CarrierId carrier, int64_t id);
// Customers by id or account number, each checked to belong to the carrier.
Status ResolveCustomers(store::Tx& tx, CarrierId carrier, const std::vector<CustomerId>& ids,
                        const std::vector<std::string>& accounts, const std::string& ids_field,
                        const std::string& accounts_field, std::vector<CustomerId>& out);
// Appends the case's ledger entry (subject "breach:N"); free text goes in
// `payload`, kept `retention_years`.
Status AppendEvent(store::Tx& tx, CarrierId carrier, int64_t case_id, const std::string& type,
                   nlohmann::json body, const nlohmann::json& payload, Instant at,
                   const std::string& actor, int retention_years, int64_t* seq);

}  // namespace proprio::services::breach_internal
