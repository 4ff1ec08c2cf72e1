// store/sim_records.h: the rows of migration 0015 (SIM change and port-out
// requests, and the customer's lock) as tx_sim.cc reads and writes them.
// services/sim_requests.h gives them meaning (47 CFR 64.2010(h), 52.37); the
// store knows nothing of the rules: kinds, outcomes and methods are text.
#pragma once

#include <cstdint>
#include <string>

#include "core/ids.h"
#include "core/time.h"

namespace proprio::store {

struct SimRequestRow {
  int64_t id = 0;
  CarrierId carrier;
  CustomerId customer;
  std::string kind;  // sim_change | port_out
  Instant requested_at;
  std::string actor;
  int64_t staff_id = 0;
  std::string channel;  // the session's: phone | online | in_store ("" without one)
  int64_t session_id = 0;
  std::string methods;  // comma-separated
  std::string outcome;
  std::string reason;
  std::string basis;  // ';'-separated citations
  bool in_force = false;
  bool failed_attempt = false;
  std::string notifications;  // comma-separated notification ids
  std::string rule_set;
  int64_t policy_version = 0;
  Instant retain_until;
  int64_t ledger_seq = 0;
};

struct SimLockRow {
  CarrierId carrier;
  CustomerId customer;
  bool locked = false;
  Instant changed_at;
  std::string changed_by;
  int64_t session_id = 0;
  int64_t ledger_seq = 0;
};

}  // namespace proprio::store
