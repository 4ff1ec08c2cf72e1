// rules/s2010h_sim_change.h: the decisions of 47 CFR 64.2010(h) (SIM change
// protections) and 47 CFR 52.37 (port-out protections) of FCC 23-95 (WC
// Docket 21-341, 88 FR 85794, Dec. 8, 2023) that need no I/O. Pure: plain
// values in, a decision, a Status or an instant out; no store, no clock.
//
// Who: wireless providers (prepaid, postpaid, resellers). A carrier policy
// that says wireless_provider = false may turn the protections off
// (rules/policy.h [sim_change]); a wireless provider's may not.
// When: fcc-2024 carries 64.2010(h) (RuleSet::sim_rules); its duties are in
// force from the configured compliance date (RuleSet::SimChangeInForce). Until
// then a request is still decided and recorded under the carrier's policy, and
// the answer says that the paragraphs are not yet in force.
//
// The duties, as the registry numbers them (numbering CONFIRM, see
// rules/rule_set.cc kSimChange):
//   (h)(1) secure authentication before a SIM change or port-out: a method
//          that does not rely on readily available biographical or account
//          information, recent payment information or call detail
//          (SecureSimMethod);
//   (h)(2) failed attempts: at the policy's count within its window, further
//          requests are refused for its period and the customer is notified
//          (FailedAttemptsRefusedUntil);
//   (h)(3) immediate notice of every request, to the contact of record, never
//          revealing CPNI, before a SIM change is carried out (DecideSimRequest
//          refuses when there is no contact of record to notify);
//   (h)(4) an account lock at no cost, turned on and off by the customer only
//          after authentication (CheckSimLockChange); while on, requests are
//          refused (DecideSimRequest);
//   (h)(5) records of every request kept 3 years (believed: CONFIRM) or the
//          policy's longer period (SimRecordsKeptUntil);
//   (h)(6) the employee handling the contact sees no CPNI before the customer
//          is authenticated (CpniClosedBeforeAuthentication).
//
//   RuleSet rs = RuleSetFor(now, config);
//   SimDecision d = DecideSimRequest(rs, policy, facts);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "rules/policy.h"
#include "rules/rule_set.h"

namespace proprio::rules {

enum class SimRequestKind : uint8_t { kSimChange = 0, kPortOut = 1 };
const char* SimRequestKindName(SimRequestKind k);  // "sim_change" | "port_out"
// InvalidArgument naming `field` for another name.
Result<SimRequestKind> ParseSimRequestKind(std::string_view name, std::string_view field = "kind");

// How a verification session authenticated the customer (its passed steps).
enum class SimAuthMethod : uint8_t {
  kPassword = 0,                 // the CPNI password of 64.2010(e)
  kBackupAnswer = 1,             // the back-up answer of 64.2010(e)
  kCallBack = 2,                 // reached at the telephone number of record
  kPhotoId = 3,                  // valid photo ID in store (64.2010(d))
  kOnlineSignIn = 4,             // online login and password (64.2010(c))
  kBusinessAlternative = 5,      // a business contract's method (64.2010(g))
  kCallerStatedCallDetail = 6,   // the caller stated call detail (64.2010(b))
  kSentToAddressOfRecord = 7,    // a release by mail: no authentication
};
const char* SimAuthMethodName(SimAuthMethod m);
// 64.2010(h)(1): true for a method that does not rely on readily available
// biographical or account information, recent payment information or call
// detail: the password, the back-up answer (both checked under 64.2010(e) not
// to be such information), a call back to the number of record, a photo ID in
// store, the online password. Not call detail the caller states, not a release
// by mail, not a business contract's method (its contract may rest on account
// information; the carrier should authenticate the business's representative
// with one of the others).
bool SecureSimMethod(SimAuthMethod m);

// The facts a SIM change or port-out request is decided on.
struct SimRequestFacts {
  SimRequestKind kind = SimRequestKind::kSimChange;
  Instant at;
  bool session_open = false;  // a verification session, open, for this customer
  std::vector<SimAuthMethod> methods;  // the session's passed methods
  bool locked = false;                 // the customer's SIM lock is on
  // Refused for failed attempts until this instant (FailedAttemptsRefusedUntil).
  std::optional<Instant> refused_until;
  // What was counted toward it within the policy's window (for the answer's
  // reason): requests refused for want of secure authentication, and failed
  // checks of a password, back-up answer, online password, reset code or photo
  // ID in the customer's verification sessions and sign-ins.
  int failed_requests = 0;
  int failed_checks = 0;
  bool has_contact_of_record = true;  // somewhere to send the notice
};

struct SimDecision {
  bool allowed = false;
  // "allowed" | "refused_not_authenticated" | "refused_locked" |
  // "refused_failed_attempts" | "refused_no_contact" | "not_applicable"
  std::string outcome;
  bool applies = true;    // the policy keeps the protections on
  bool in_force = false;  // RuleSet::SimChangeInForce(at)
  std::vector<std::string> basis;     // citations
  std::string reason;                 // one sentence a CSR understands
  std::vector<std::string> requirements;  // what would make it allowed
  // The refusal counts as a failed authentication attempt (64.2010(h)(2)):
  // refused for want of secure authentication in an open session.
  bool failed_attempt = false;
  // 64.2010(h)(3): the customer is notified of the request (every request
  // the protections cover, allowed or not).
  bool notify = false;
};

// The citations of a request of `kind`: the (h) paragraph `id` and, for a
// port-out, 47 CFR 52.37.
std::vector<std::string> SimBasis(const RuleSet& rs, SimRequestKind kind, std::string_view id);

// Decides a request. Order: not applicable (policy off) -> refused for
// failed attempts (h)(2) -> locked (h)(4) -> not authenticated with a secure
// method (h)(1) -> no contact of record for the notice (h)(3) -> allowed.
SimDecision DecideSimRequest(const RuleSet& rs, const Policy& policy, const SimRequestFacts& facts);

// 64.2010(h)(2): given the instants of the customer's failed attempts (any
// order), the end of the refusal at `at`: when at least policy.sim_failed_attempts
// of them fall within the policy's window before `at` (inclusive), the last of
// them plus refusal_hours, if that is after `at`. Empty otherwise.
std::optional<Instant> FailedAttemptsRefusedUntil(const std::vector<Instant>& failures,
                                                  const Policy& policy, Instant at);

// 64.2010(h)(4): the lock is turned on or off only by the customer after
// authentication with a secure method ((h)(1)). OK or PermissionDenied
// (field "session") naming both paragraphs and what is missing.
Status CheckSimLockChange(const RuleSet& rs, bool session_open,
                          const std::vector<SimAuthMethod>& methods);

// 64.2010(h)(6) (with 64.2010(a), (b)): before authentication, the employee
// handling a SIM change or port-out contact may not reach CPNI. OK once a
// method authenticated the customer (any 64.2010 method); PermissionDenied
// (field "session") otherwise.
Status CpniClosedBeforeAuthentication(const RuleSet& rs, const std::vector<SimAuthMethod>& methods);

// 64.2010(h)(5): records of a request made at `at` are kept until this instant:
// max(3, policy.sim_record_years) years later (February 29 -> February 28).
Instant SimRecordsKeptUntil(const Policy& policy, Instant at);

}  // namespace proprio::rules
