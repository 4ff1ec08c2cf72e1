// services/policies.h: carrier CPNI policies (rules/policy.h TOML) stored in
// versions, and each carrier's rules context: its time zone, the policy in
// force and the business calendar they make.
//
// A policy is checked against the FCC floor before it is stored; a looser one
// is refused naming the key and the rule it would break. Every version is
// kept; the highest is in force; a carrier without one runs on the floor
// (version 0). Setting a policy appends policy.set to the carrier's ledger.
//
//   ASSIGN_OR_RETURN(StoredPolicy p, SetPolicy(store, carrier, toml_text, actor));
//   ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
//   rules::BusinessCalendar cal = cr.Calendar();
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "rules/calendar.h"
#include "rules/policy.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

struct StoredPolicy {
  rules::Policy policy;  // the floor (version 0) when the carrier has none
  std::string toml;      // as submitted; for the floor, its canonical TOML
  std::string sha256;    // hex of toml (empty for the floor)
  Instant set_at;
  std::string actor;
  int64_t ledger_seq = 0;

  bool floor() const { return policy.version == 0; }
};

// Parses and checks policy TOML against the floor: InvalidArgument naming the
// dotted key (field) and, for a looser value, the rule's citation.
Result<rules::Policy> CheckPolicy(std::string_view toml_text);

// Checks, then stores `toml_text` as the carrier's policy in force. Its
// `version` must be above the current one (InvalidArgument, field version);
// the same version with the same text again returns the stored one
// (idempotent), with other text it is AlreadyExists. NotFound: no carrier.
Result<StoredPolicy> SetPolicy(store::Store& store, CarrierId carrier,
                               const std::string& toml_text, const Actor& actor);

// The policy in force (the floor when none is stored).
Result<StoredPolicy> LoadCurrentPolicy(store::Tx& tx, CarrierId carrier);
// One stored version (NotFound when absent; version 0 is the floor).
Result<StoredPolicy> LoadPolicyVersion(store::Tx& tx, CarrierId carrier, int64_t version);
// Every stored version, oldest first.
Result<std::vector<StoredPolicy>> LoadPolicyHistory(store::Tx& tx, CarrierId carrier);
// A page of them by version, after version `after` (the page's key is a version).
Result<store::Page<StoredPolicy>> LoadPolicyHistory(store::Tx& tx, CarrierId carrier,
                                                    int64_t after, int limit);

// Summary, without the TOML text: version, name, sha256, set_at, actor,
// ledger_seq and the overlays that shape decisions.
nlohmann::json PolicySummaryJson(const StoredPolicy& p);

// What decisions and deadlines of one carrier are computed with.
struct CarrierRules {
  CarrierId carrier;
  std::shared_ptr<const rules::TimeZone> zone;
  std::shared_ptr<const StoredPolicy> policy;

  // The carrier's zone, federal holidays and the policy's closures.
  rules::BusinessCalendar Calendar() const;
};

// NotFound: no carrier. InvalidArgument: its time zone cannot be loaded.
Result<CarrierRules> LoadCarrierRules(store::Tx& tx, CarrierId carrier);

}  // namespace proprio::services
