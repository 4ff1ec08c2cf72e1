// store/breach_records.h: the rows of breach cases, their affected customers
// and their timeline (migration 0004_breach), as tx_breach.cc reads and writes
// them. services/breach.h gives them meaning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/time.h"

namespace proprio::store {

struct BreachCaseRow {
  int64_t id = 0;
  CarrierId carrier;
  Instant opened_at;
  std::string opened_by;
  Instant discovered_at;
  std::string discovered_how;
  Instant determined_at;
  std::string description;
  std::string method;
  std::string started_on;  // "YYYY-MM-DD" or ""
  std::string ended_on;
  std::string cpni;        // ';'-separated
  std::string other_data;  // ';'-separated
  bool intentional = false;
  std::optional<int64_t> affected_count;  // nullopt: unknown
  std::optional<int64_t> estimated_loss_cents;
  std::string contact;
  std::string rule_set;
  std::string breach_regime;
  std::string breach_2024_effective;  // "" = not set
  int64_t policy_version = 0;
  std::string policy_toml;
  std::string harm = "undetermined";
  std::string state = "open";
  std::optional<Instant> closed_at;
  std::optional<Instant> retain_until;
  std::optional<Instant> erased_at;
  int64_t ledger_seq = 0;
};

struct BreachActionRow {
  int64_t id = 0;
  int64_t case_id = 0;
  CarrierId carrier;
  std::string kind;
  Instant at;
  Instant recorded_at;
  std::string actor;
  std::optional<CustomerId> customer;
  std::string details = "{}";  // JSON object
  int64_t ledger_seq = 0;
};

}  // namespace proprio::store
