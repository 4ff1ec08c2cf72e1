// services/sim_requests.h: SIM change and port-out requests and the customer's
// lock against them (47 CFR 64.2010(h), 52.37; FCC 23-95, WC Docket 21-341,
// 88 FR 85794, Dec. 8, 2023). The decisions are rules/s2010h_sim_change.h's;
// this file runs them over the store, in one transaction per call.
//
// A request names the customer, its kind (sim_change | port_out) and the
// verification session of services/customer_auth.h in which the customer was
// authenticated: the session's passed steps are the methods (64.2010(h)(1));
// the session must be the customer's (InvalidArgument naming "session"
// otherwise, nothing written). Each request, allowed or refused, is:
//   - recorded (sim_requests: who, when, channel, methods, outcome, basis),
//     kept until rules::SimRecordsKeptUntil (64.2010(h)(5));
//   - a ledger entry sim.requested (no CPNI, no secret);
//   - notified at once to the customer's contact of record through the
//     account-change outbox (services/notifications.h, kinds sim_change and
//     port_out), never to new contact data, never with CPNI (64.2010(h)(3));
//   - counted, when refused for want of secure authentication in an open
//     session, as a failed attempt (64.2010(h)(2)). So is every failed check of
//     a password, back-up answer, online password, reset code or photo ID of
//     the customer's. At the policy's count within its window further requests
//     are refused for its period, and the customer is sent one
//     sim_failed_attempts notice for the refusal.
// The lock (64.2010(h)(4)) is turned on and off at no cost in an
// authenticated session (rules::CheckSimLockChange); each change is a
// ledger entry (sim.lock_set, sim.lock_cleared) and a notice.
// The compliance date is the installation's rules::RuleConfig
// (sim_change_compliance); before it the request is decided under the
// carrier's policy and the answer says the paragraphs are not yet in force.
//
//   ASSIGN_OR_RETURN(SimRequestResult r, RequestSimChange(store, carrier, in, config, actor));
//   if (!r.decision.allowed) show(r.decision.reason, r.decision.requirements);
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "rules/rule_set.h"
#include "rules/s2010h_sim_change.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

struct SimRequestInput {
  CustomerId customer;
  rules::SimRequestKind kind = rules::SimRequestKind::kSimChange;
  int64_t session = 0;  // the verification session (required, > 0)
};

struct SimRequestResult {
  store::SimRequestRow row;
  rules::SimDecision decision;
  std::vector<int64_t> notifications;   // queued for this request
  std::optional<Instant> refused_until;  // (h)(2): refused for failed attempts until
};

// InvalidArgument naming "session" (missing, or another customer's);
// NotFound for an unknown customer or session of the carrier.
Result<SimRequestResult> RequestSimChange(store::Store& store, CarrierId carrier,
                                          const SimRequestInput& in,
                                          const rules::RuleConfig& config, const Actor& actor);

struct SimLockView {
  CarrierId carrier;
  CustomerId customer;
  bool locked = false;
  std::optional<store::SimLockRow> last_change;
};

// The lock (off when never set). NotFound for an unknown customer.
Result<SimLockView> GetSimLock(store::Store& store, CarrierId carrier, CustomerId customer);
// Turns the lock on or off in `session` (PermissionDenied, field "session",
// unless it authenticated the customer securely). Setting the state it
// already has changes nothing and appends nothing.
Result<SimLockView> SetSimLock(store::Store& store, CarrierId carrier, CustomerId customer,
                               int64_t session, bool locked, const rules::RuleConfig& config,
                               const Actor& actor);

// The customer's requests, newest first (a page below request id `before`).
Result<store::Page<store::SimRequestRow>> ListSimRequests(store::Store& store, CarrierId carrier,
                                                          CustomerId customer, int64_t before,
                                                          int limit);

// A verification session's passed steps (customer_auth.h SessionFlag bits)
// as 64.2010(h)(1) methods.
std::vector<rules::SimAuthMethod> SimMethodsOfSession(uint32_t flags);

nlohmann::json SimRequestJson(const store::SimRequestRow& row);
nlohmann::json SimLockJson(const SimLockView& view);

}  // namespace proprio::services
