// services/customer_auth_secrets.cc: the CPNI password and the back-up
// authentication (47 CFR 64.2010(e)): checked by rules/s2010_authentication,
// set only after the customer was authenticated (a session, a one-time code,
// or service initiation), stored as argon2id encodings with a ledger entry.
#include "services/customer_auth.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "services/internal/customer_auth_internal.h"
#include "services/notifications.h"
#include "services/policies.h"

namespace proprio::services {

using nlohmann::json;
using namespace auth_internal;  // the helpers customer_auth_*.cc share

namespace {

std::string SetupPathOf(const store::VerificationSessionRow& s) {
  if (HasFlag(s.flags, SessionFlag::kPasswordVerified)) return "session:password";
  if (HasFlag(s.flags, SessionFlag::kBackupVerified)) return "session:backup_answer";
  if (HasFlag(s.flags, SessionFlag::kCalledBack)) return "session:call_back";
  if (HasFlag(s.flags, SessionFlag::kPhotoIdVerified)) return "session:photo_id";
  if (HasFlag(s.flags, SessionFlag::kBusinessAlternative)) return "session:business_contract";
  if (HasFlag(s.flags, SessionFlag::kOnlineSignedIn)) return "session:online";
  return "session";
}

// 64.2010(e): a secret is set without authentication only at service
// initiation. That path is open only to the staff who open accounts
// (kServiceInitiationRoles), and only while the service itself is new: on the
// day the customer's service began (service_since, the carrier's date) and
// the policy's service_initiation_days after. A customer whose service_since
// is not known (imported: an existing account) never qualifies; nor does the
// record's creation in Proprio (created_at), which says nothing about when
// the service began. PermissionDenied (field at_service_initiation) with the
// reason otherwise.
Status CheckServiceInitiation(store::Tx& tx, const Customer& c, const SecretAuthorization& auth,
                              const Actor& actor) {
  const rules::RuleSet rs = AuthRules(actor.now);
  std::vector<Role> roles;
  bool known_roles = false;
  if (auth.actor_roles) {
    roles = *auth.actor_roles;
    known_roles = true;
  } else if (const StaffId staff = StaffIdOf(actor.id); staff.valid()) {
    auto found = tx.GetStaff(staff);
    if (!found.ok() && !found.status().IsNotFound()) return found.status();
    if (!found.ok() || found->carrier != c.carrier || !found->active) {
      return rules::RefuseInactiveInitiationStaff(rs, staff.ToString());
    }
    roles = found->roles;
    known_roles = true;
  }
  // Without a staff identity (the command line's operator, "cli") the caller
  // acts for the carrier as a whole: no role to check.
  if (known_roles) RETURN_IF_ERROR(rules::CheckServiceInitiationRoles(rs, roles));
  ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, c.carrier));
  const CivilDate today = cr.zone ? cr.zone->LocalDate(actor.now) : UtcDate(actor.now);
  return rules::CheckServiceInitiationWindow(rs, c, today,
                                             cr.policy->policy.service_initiation_days);
}

// A refused secret leaves a trace (the reason, never the secret).
void RecordRefusal(store::Store& store, CarrierId carrier, CustomerId customer,
                   const std::string& kind, const Status& why, const Actor& actor) {
  (void)store.Transact([&](store::Tx& tx) -> Status {
    return AppendSimple(tx, carrier, actor, "auth.secret_refused",
                        "customer:" + customer.ToString(),
                        {{"secret", kind}, {"field", why.field()}, {"reason", why.message()}});
  });
}

}  // namespace

namespace auth_internal {

// What authenticated the customer before a secret is set (64.2010(e)).
// Consumes a reset code. Returns the setup path.
Result<std::string> Authorize(store::Tx& tx, const Customer& c, const SecretAuthorization& auth,
                              const Actor& actor, bool allow_service_initiation,
                              const std::string& consumed_code_path) {
  const int given = (auth.session_id != 0 ? 1 : 0) + (!auth.reset_code.empty() ? 1 : 0) +
                    (auth.at_service_initiation ? 1 : 0);
  if (given != 1) {
    return Status::InvalidArgument(
        "say how the customer was authenticated first (" + Cite(actor.now, "disclosure.passwords") + "): one of a "
        "verification session, a one-time reset code, or service initiation",
        "verification");
  }
  if (auth.at_service_initiation) {
    RETURN_IF_ERROR(CheckServiceInitiation(tx, c, auth, actor));
    if (!allow_service_initiation) {
      return Status::FailedPrecondition(
          "service initiation is a path for the first password only; a later change needs a "
          "verification (" + Cite(actor.now, "disclosure.passwords") + ")");
    }
    return std::string("service_initiation");
  }
  if (auth.session_id != 0) {
    ASSIGN_OR_RETURN(store::VerificationSessionRow s,
                     OpenSession(tx, c.carrier, auth.session_id, actor.now));
    if (s.customer != c.id) {
      return Status::PermissionDenied("verification session " + std::to_string(auth.session_id) +
                                      " is for another customer");
    }
    if (!SessionAuthenticated(s.flags)) {
      return Status::FailedPrecondition(
          "the customer is not authenticated in this session: give the password or back-up "
          "answer, call back the telephone number of record, or check photo ID in store before "
          "setting a secret (" + Cite(actor.now, "disclosure.passwords") + "); a stated call detail does not authenticate");
    }
    return SetupPathOf(s);
  }
  // A one-time code sent to the number or address of record, checked and
  // used up by ConsumeResetCode before this transaction.
  if (consumed_code_path.empty()) {
    return Status::Unauthenticated("the one-time code is wrong or has expired");
  }
  return consumed_code_path;
}

// Checks a one-time code and uses it up, in a transaction of its own so that
// a wrong code counts against the code's attempts even though the change it
// was meant for is refused. Returns the setup path ("reset_code:text").
Result<std::string> ConsumeResetCode(store::Store& store, CarrierId carrier, CustomerId customer,
                                     const std::string& given, const CustomerAuthPolicy& policy,
                                     const Actor& actor) {
  std::string path;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(std::vector<store::ResetCodeRow> codes,
                     tx.ListLiveResetCodes(carrier, customer, actor.now));
    const std::string hash = TokenHash(given);
    for (store::ResetCodeRow& code : codes) {
      if (code.attempts < policy.reset_code_attempts && ConstantTimeEquals(code.code_hash, hash)) {
        code.used_at = actor.now;
        path = "reset_code:" + code.channel;
        return tx.UpdateResetCode(code);
      }
    }
    for (store::ResetCodeRow& code : codes) {
      code.attempts += 1;
      if (code.attempts >= policy.reset_code_attempts) code.used_at = actor.now;
      RETURN_IF_ERROR(tx.UpdateResetCode(code));
    }
    return Status::Ok();
  }));
  if (path.empty()) return Status::Unauthenticated("the one-time code is wrong or has expired");
  return path;
}

// A refusal on the service-initiation path (47 CFR 64.2010(e)) leaves a
// trace too: the secret's kind and the path in the entry, the reason (which
// may name the account's dates) in its erasable payload; never the secret.
// Returns `why`.
Status RecordInitiationRefusal(store::Store& store, CarrierId carrier, CustomerId customer,
                               const std::string& kind, const SecretAuthorization& auth,
                               const Status& why, const Actor& actor) {
  if (!auth.at_service_initiation || why.code() != StatusCode::kPermissionDenied) return why;
  (void)store.Transact([&](store::Tx& tx) -> Status {
    return AppendSimple(tx, carrier, actor, "auth.secret_refused",
                        "customer:" + customer.ToString(),
                        {{"secret", kind},
                         {"setup_path", "service_initiation"},
                         {"field", why.field()},
                         {"basis", Cite(actor.now, "disclosure.passwords")}},
                        json{{"reason", why.message()}});
  });
  return why;
}

Result<Customer> ReadCustomer(store::Store& store, CarrierId carrier, CustomerId id) {
  Customer c;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, tx.GetCustomer(carrier, id));
    return Status::Ok();
  }));
  return c;
}

// Stores a secret with its ledger entry and queues the notices.
Result<SecretSetResult> StoreSecret(store::Tx& tx, const Customer& c, SecretKind kind,
                                    const std::string& question, const std::string& encoded,
                                    const std::string& path, bool reset, const Actor& actor) {
  SecretSetResult out;
  out.setup_path = path;
  ASSIGN_OR_RETURN(auto existing, tx.GetCustomerSecret(c.carrier, c.id, static_cast<int>(kind)));
  out.created = !existing.has_value();
  const char* name = kind == SecretKind::kPassword ? "password" : "backup";
  store::CustomerSecretRow row;
  row.carrier = c.carrier;
  row.customer = c.id;
  row.kind = static_cast<int>(kind);
  row.question = question;
  row.secret_hash = encoded;
  row.set_at = actor.now;
  row.set_by = StepActor(actor);
  row.setup_path = path;
  const ChangeEvent event =
      reset ? ChangeEvent::kReset : (out.created ? ChangeEvent::kCreated : ChangeEvent::kChanged);
  RETURN_IF_ERROR(AppendSimple(tx, c.carrier, actor, "auth.secret_set",
                               "customer:" + c.id.ToString(),
                               {{"secret", name},
                                {"event", ChangeEventName(event)},
                                {"setup_path", path},
                                {"basis", Cite(actor.now, "disclosure.passwords")}},
                               std::nullopt, &row.ledger_seq));
  out.ledger_seq = row.ledger_seq;
  RETURN_IF_ERROR(tx.UpsertCustomerSecret(row));
  // 64.2010(f): notify at once, except at service initiation.
  if (path != "service_initiation") {
    ASSIGN_OR_RETURN(
        out.notifications,
        QueueAccountChangeNotices(
            tx, c, c, kind == SecretKind::kPassword ? ChangeKind::kPassword : ChangeKind::kBackup,
            event, actor));
  }
  return out;
}

}  // namespace auth_internal

PasswordCost CustomerPasswordCost() {
  if (std::getenv("PROPRIO_ARGON2") != nullptr) return PasswordCost::FromEnvironment();
  PasswordCost cost;
  cost.iterations = 1;
  cost.memory_kib = 64 * 1024;
  cost.lanes = 1;
  return cost;
}

Status CheckCpniPassword(const Customer& customer, std::string_view password) {
  return rules::CheckCpniPassword(AuthRules(Instant::Now()), customer, password);
}

Status CheckBackupQuestion(std::string_view question) {
  return rules::CheckBackupQuestion(AuthRules(Instant::Now()), question);
}

Status CheckBackupAnswer(const Customer& customer, std::string_view answer) {
  return rules::CheckBackupAnswer(AuthRules(Instant::Now()), customer, answer);
}

Result<SecretSetResult> SetCpniPassword(store::Store& store, CarrierId carrier, CustomerId customer,
                                        std::string_view password, const SecretAuthorization& auth,
                                        const CustomerAuthPolicy& policy, const Actor& actor) {
  ASSIGN_OR_RETURN(Customer c, ReadCustomer(store, carrier, customer));
  if (Status st = CheckCpniPassword(c, password); !st.ok()) {
    RecordRefusal(store, carrier, customer, "password", st, actor);
    return st;
  }
  ASSIGN_OR_RETURN(std::string encoded, HashPassword(password, policy.cost));
  std::string code_path;
  if (!auth.reset_code.empty() && auth.session_id == 0 && !auth.at_service_initiation) {
    ASSIGN_OR_RETURN(code_path,
                     ConsumeResetCode(store, carrier, customer, auth.reset_code, policy, actor));
  }
  SecretSetResult out;
  const Status stored = store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer fresh, tx.GetCustomer(carrier, customer));
    ASSIGN_OR_RETURN(auto existing, tx.GetCustomerSecret(carrier, customer, 0));
    ASSIGN_OR_RETURN(std::string path,
                     Authorize(tx, fresh, auth, actor, !existing.has_value(), code_path));
    ASSIGN_OR_RETURN(out, StoreSecret(tx, fresh, SecretKind::kPassword, "", encoded, path,
                                      path.rfind("reset_code", 0) == 0, actor));
    // A new password clears the telephone lockout.
    ASSIGN_OR_RETURN(store::CustomerAuthStateRow state, tx.GetCustomerAuthState(carrier, customer));
    if (state.phone_failures != 0 || state.online_failures != 0) {
      state.phone_failures = 0;
      state.phone_locked_until = Instant();
      state.online_failures = 0;
      state.online_locked_until = Instant();
      RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    }
    return Status::Ok();
  });
  if (!stored.ok()) {
    return RecordInitiationRefusal(store, carrier, customer, "password", auth, stored, actor);
  }
  return out;
}

Result<SecretSetResult> SetBackupAuthentication(store::Store& store, CarrierId carrier,
                                                CustomerId customer, std::string_view question,
                                                std::string_view answer,
                                                const SecretAuthorization& auth,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor) {
  ASSIGN_OR_RETURN(Customer c, ReadCustomer(store, carrier, customer));
  Status st = CheckBackupQuestion(question);
  if (st.ok()) st = CheckBackupAnswer(c, answer);
  if (!st.ok()) {
    RecordRefusal(store, carrier, customer, "backup", st, actor);
    return st;
  }
  ASSIGN_OR_RETURN(std::string encoded, HashPassword(NormalizeAnswer(answer), policy.cost));
  const std::string q(Trim(question));
  std::string code_path;
  if (!auth.reset_code.empty() && auth.session_id == 0 && !auth.at_service_initiation) {
    ASSIGN_OR_RETURN(code_path,
                     ConsumeResetCode(store, carrier, customer, auth.reset_code, policy, actor));
  }
  SecretSetResult out;
  const Status stored = store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer fresh, tx.GetCustomer(carrier, customer));
    ASSIGN_OR_RETURN(auto existing, tx.GetCustomerSecret(carrier, customer, 1));
    ASSIGN_OR_RETURN(std::string path,
                     Authorize(tx, fresh, auth, actor, !existing.has_value(), code_path));
    ASSIGN_OR_RETURN(out,
                     StoreSecret(tx, fresh, SecretKind::kBackup, q, encoded, path, false, actor));
    return Status::Ok();
  });
  if (!stored.ok()) {
    return RecordInitiationRefusal(store, carrier, customer, "backup", auth, stored, actor);
  }
  return out;
}

Result<SecretsStatus> GetSecretsStatus(store::Store& store, CarrierId carrier,
                                       CustomerId customer) {
  SecretsStatus out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCustomer(carrier, customer).status());
    ASSIGN_OR_RETURN(out.password, tx.GetCustomerSecret(carrier, customer, 0));
    ASSIGN_OR_RETURN(out.backup, tx.GetCustomerSecret(carrier, customer, 1));
    ASSIGN_OR_RETURN(out.online, tx.GetOnlineAccount(carrier, customer));
    ASSIGN_OR_RETURN(out.state, tx.GetCustomerAuthState(carrier, customer));
    return Status::Ok();
  }));
  if (out.password) out.password->secret_hash.clear();
  if (out.backup) out.backup->secret_hash.clear();
  return out;
}

}  // namespace proprio::services
