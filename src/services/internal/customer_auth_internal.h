// services/internal/customer_auth_internal.h: what the customer_auth_*.cc
// files share (verification sessions, steps, ledger entries, the secret
// plumbing the online paths reuse). Private to src/services/customer_auth_*.cc;
// the public interface is services/customer_auth.h.
//
// One file per paragraph of 47 CFR 64.2010:
//   customer_auth_sessions.cc    sessions, steps and the decision context (all channels)
//   customer_auth_secrets.cc     (e) passwords and back-up authentication
//   customer_auth_telephone.cc   (b) telephone
//   customer_auth_in_store.cc    (d) in store, (g) business customers
//   customer_auth_online.cc      (c) online access, resets
//   customer_auth_pretexting.cc  (a) pretexting flags
// The pure decisions are rules/s2010_authentication.h's.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_set.h"
#include "services/customer_auth.h"

namespace proprio::services::auth_internal {

// 64.2010 carries no deployment configuration: the rule set in force at `at`,
// whose table (rules/rule_set.cc) every citation here comes from.
rules::RuleSet AuthRules(Instant at);
std::string Cite(Instant at, std::string_view id);

bool IsAlnum(char c);
inline uint32_t Bit(SessionFlag f) { return 1u << static_cast<uint32_t>(f); }

// The staff member of an actor "staff:N ..." (invalid when none).
StaffId StaffIdOf(const std::string& actor_id);
// The actor recorded on steps: "staff:12" for staff (so failures by one CSR
// add up across routes), the actor id otherwise.
std::string StepActor(const Actor& actor);

// The session, FailedPrecondition when it is closed or expired at `now`.
Result<store::VerificationSessionRow> OpenSession(store::Tx& tx, CarrierId carrier, int64_t id,
                                                  Instant now);
Result<SessionView> ViewIn(store::Tx& tx, CarrierId carrier, int64_t id, Instant now);

struct StepSpec {
  std::string kind;     // password | backup_answer | ...
  std::string outcome;  // passed | failed | refused | no_answer
  std::string reason;
  std::string citation;
  nlohmann::json body = nlohmann::json::object();  // no personal data
  std::optional<nlohmann::json> payload;           // personal data
};

// Appends the step's ledger entry, stores the step, and for a failure runs the
// pretexting checks (customer_auth_pretexting.cc). Returns the step id.
Result<int64_t> RecordStep(store::Tx& tx, store::VerificationSessionRow& session,
                           const StepSpec& spec, const CustomerAuthPolicy& policy,
                           const Actor& actor, std::vector<int64_t>* flags);
// 64.2010(a): tallies the failure `step` by calling number, staff member and
// account; raises or updates flags past the thresholds. Returns their ids.
Result<std::vector<int64_t>> CheckPretexting(store::Tx& tx, const store::VerificationStepRow& step,
                                             const CustomerAuthPolicy& policy, const Actor& actor);

// Runs a step that needs no secret: `decide` fills the spec from the session
// and customer, and may change the session and state.
Result<StepResult> SimpleStep(
    store::Store& store, CarrierId carrier, int64_t session_id, const CustomerAuthPolicy& policy,
    const Actor& actor,
    const std::function<Status(store::Tx&, store::VerificationSessionRow&, const Customer&,
                               store::CustomerAuthStateRow&, StepSpec&)>& decide);

// A fixed encoding to verify against when there is no secret, so that the
// time taken does not tell whether one is set.
std::string DummyEncoding(const PasswordCost& cost);

Status AppendSimple(store::Tx& tx, CarrierId carrier, const Actor& actor, const std::string& type,
                    const std::string& subject, const nlohmann::json& body,
                    std::optional<nlohmann::json> payload = std::nullopt, int64_t* seq = nullptr);

// ---- secrets (customer_auth_secrets.cc), reused by the online paths ----

// What authenticated the customer before a secret is set (64.2010(e)).
// Returns the setup path.
Result<std::string> Authorize(store::Tx& tx, const Customer& c, const SecretAuthorization& auth,
                              const Actor& actor, bool allow_service_initiation,
                              const std::string& consumed_code_path);
// Checks a one-time code and uses it up in a transaction of its own.
Result<std::string> ConsumeResetCode(store::Store& store, CarrierId carrier, CustomerId customer,
                                     const std::string& given, const CustomerAuthPolicy& policy,
                                     const Actor& actor);
// Records a refusal on the service-initiation path; returns `why`.
Status RecordInitiationRefusal(store::Store& store, CarrierId carrier, CustomerId customer,
                               const std::string& kind, const SecretAuthorization& auth,
                               const Status& why, const Actor& actor);
Result<Customer> ReadCustomer(store::Store& store, CarrierId carrier, CustomerId id);
// Stores a secret with its ledger entry and queues the notices (64.2010(f)).
Result<SecretSetResult> StoreSecret(store::Tx& tx, const Customer& c, SecretKind kind,
                                    const std::string& question, const std::string& encoded,
                                    const std::string& path, bool reset, const Actor& actor);

}  // namespace proprio::services::auth_internal
