// services/customer_auth_telephone.cc: telephone sessions (47 CFR 64.2010(b)):
// the password or back-up answer under the session and account lockouts,
// call detail the caller states, the call back to a number of record, and
// release to the address of record.
#include "services/customer_auth.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "rules/address_of_record.h"
#include "services/internal/customer_auth_internal.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;
using namespace auth_internal;  // the helpers customer_auth_*.cc share

namespace {

rules::Lockout PhoneLockout(const CustomerAuthPolicy& p) {
  return {p.phone_lock_after, p.phone_lock_base_us, p.phone_lock_max_us};
}

// Password or back-up answer by telephone (64.2010(b), (e)).
Result<StepResult> VerifySecretOnCall(store::Store& store, CarrierId carrier, int64_t session_id,
                                      SecretKind kind, std::string_view given,
                                      const CustomerAuthPolicy& policy, const Actor& actor) {
  const bool password = kind == SecretKind::kPassword;
  const std::string step_kind = password ? "password" : "backup_answer";
  if (given.size() > (password ? kMaxCpniPasswordBytes : kMaxAnswerBytes)) {
    return Status::InvalidArgument(
        "the " + std::string(password ? "password" : "answer") + " is too long",
        password ? "password" : "answer");
  }
  const std::string candidate = password ? std::string(given) : NormalizeAnswer(given);
  std::optional<store::CustomerSecretRow> secret;
  store::VerificationSessionRow session;
  store::CustomerAuthStateRow state;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(session, OpenSession(tx, carrier, session_id, actor.now));
    ASSIGN_OR_RETURN(secret,
                     tx.GetCustomerSecret(carrier, session.customer, static_cast<int>(kind)));
    ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, session.customer));
    return Status::Ok();
  }));
  if (session.channel != "phone") {
    return Status::FailedPrecondition("this is a " + session.channel +
                                      " session; passwords by telephone need a phone session");
  }
  StepSpec spec;
  spec.kind = step_kind;
  spec.citation = Cite(actor.now, password ? "disclosure.telephone" : "disclosure.passwords");
  const bool session_locked = HasFlag(session.flags, SessionFlag::kLocked);
  const bool account_locked = state.phone_locked_until > actor.now;
  bool good = false;
  if (session_locked || account_locked) {
    spec.outcome = "refused";
    spec.reason = session_locked
                      ? "too many failed attempts on this call: release call detail only by "
                        "sending it to the address of record or calling back the telephone "
                        "number of record"
                      : "after repeated failures, passwords and back-up answers by telephone are "
                        "locked for this account until " +
                            state.phone_locked_until.ToRfc3339() +
                            ": call back the telephone number of record or send to the address "
                            "of record";
    spec.body = {{"reason", session_locked ? "session_locked" : "account_locked"}};
  } else {
    // Verify even when nothing is set, so the time taken says nothing.
    good = VerifyPassword(secret ? secret->secret_hash : DummyEncoding(policy.cost), candidate) &&
           secret.has_value();
    if (good) {
      spec.outcome = "passed";
      spec.reason = password ? "the caller gave the account password"
                             : "the caller answered the back-up question";
    } else {
      spec.outcome = "failed";
      spec.reason = secret ? (password ? "the password is wrong" : "the answer is wrong")
                           : (password ? "no CPNI password is set on this account"
                                       : "no back-up authentication is set on this account");
      spec.body = {{"reason", secret ? "mismatch" : "not_set"}};
    }
  }
  StepResult result;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(session, OpenSession(tx, carrier, session_id, actor.now));
    ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, session.customer));
    if (spec.outcome == "passed") {
      session.flags |=
          Bit(password ? SessionFlag::kPasswordVerified : SessionFlag::kBackupVerified);
      state.phone_failures = 0;
      state.phone_locked_until = Instant();
    } else if (spec.outcome == "failed") {
      session.failures += 1;
      if (session.failures >= policy.session_failures) session.flags |= Bit(SessionFlag::kLocked);
      state.phone_failures += 1;
      if (auto until = rules::LockedUntil(state.phone_failures, PhoneLockout(policy), actor.now)) {
        state.phone_locked_until = *until;
        spec.body["account_locked_until"] = state.phone_locked_until.ToRfc3339();
      }
      spec.body["session_failures"] = session.failures;
      spec.body["account_failures"] = state.phone_failures;
    }
    ASSIGN_OR_RETURN(result.step_id,
                     RecordStep(tx, session, spec, policy, actor, &result.flags_raised));
    RETURN_IF_ERROR(tx.UpdateVerificationSession(session));
    RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    ASSIGN_OR_RETURN(result.session, ViewIn(tx, carrier, session_id, actor.now));
    return Status::Ok();
  }));
  result.passed = spec.outcome == "passed";
  result.outcome = spec.outcome;
  result.reason = spec.reason;
  result.citation = spec.citation;
  return result;
}

}  // namespace

Result<StepResult> VerifyCallerPassword(store::Store& store, CarrierId carrier, int64_t session_id,
                                        std::string_view password, const CustomerAuthPolicy& policy,
                                        const Actor& actor) {
  return VerifySecretOnCall(store, carrier, session_id, SecretKind::kPassword, password, policy,
                            actor);
}

Result<StepResult> VerifyBackupAnswer(store::Store& store, CarrierId carrier, int64_t session_id,
                                      std::string_view answer, const CustomerAuthPolicy& policy,
                                      const Actor& actor) {
  return VerifySecretOnCall(store, carrier, session_id, SecretKind::kBackup, answer, policy, actor);
}

Result<StepResult> RecordCallerStatedCallDetail(store::Store& store, CarrierId carrier,
                                                int64_t session_id, std::string_view description,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor) {
  const std::string text(Trim(description));
  if (text.empty() || text.size() > 500 || !IsValidUtf8(text)) {
    return Status::InvalidArgument(
        "describe the call detail the caller stated (1 to 500 bytes), e.g. the number called and "
        "the date",
        "description");
  }
  return SimpleStep(
      store, carrier, session_id, policy, actor,
      [&](store::Tx&, store::VerificationSessionRow& s, const Customer&,
          store::CustomerAuthStateRow&, StepSpec& spec) -> Status {
        if (s.channel != "phone") {
          return Status::FailedPrecondition("stated call detail is for telephone sessions");
        }
        spec.kind = "caller_call_detail";
        spec.outcome = "passed";
        spec.citation = Cite(actor.now, "disclosure.telephone");
        spec.reason =
            "the caller stated this call detail without help: discuss that call "
            "detail only; any other call detail needs the password, the address of "
            "record or a call back";
        spec.payload = json{{"stated_call_detail", text}};
        s.flags |= Bit(SessionFlag::kCallerStatedCallDetail);
        s.stated_call_detail = text;
        return Status::Ok();
      });
}

Result<StepResult> RecordCallBack(store::Store& store, CarrierId carrier, int64_t session_id,
                                  std::string_view number, bool reached,
                                  const CustomerAuthPolicy& policy, const Actor& actor) {
  auto e164 = NormalizeE164(number);
  if (!e164.ok()) return Status::InvalidArgument(e164.status().message(), "number");
  return SimpleStep(
      store, carrier, session_id, policy, actor,
      [&](store::Tx&, store::VerificationSessionRow& s, const Customer& c,
          store::CustomerAuthStateRow& state, StepSpec& spec) -> Status {
        if (s.channel != "phone") {
          return Status::FailedPrecondition("call backs are for telephone sessions");
        }
        spec.kind = "call_back";
        spec.citation = Cite(actor.now, "disclosure.telephone");
        spec.payload = json{{"number", *e164}};
        const bool of_record = std::find(c.phones_of_record.begin(), c.phones_of_record.end(),
                                         *e164) != c.phones_of_record.end();
        if (!of_record) {
          spec.outcome = "refused";
          spec.reason =
              "that number is not a telephone number of record of this account; a contact number "
              "the caller gives does not count (" + Cite(actor.now, "definitions") + "): call a number of record";
          spec.body = {{"reason", "not_of_record"}};
          return Status::Ok();
        }
        if (!reached) {
          spec.outcome = "no_answer";
          spec.reason = "the customer was not reached at the telephone number of record";
          return Status::Ok();
        }
        spec.outcome = "passed";
        spec.reason = "the customer was reached at the telephone number of record";
        s.flags |= Bit(SessionFlag::kCalledBack);
        state.phone_failures = 0;
        state.phone_locked_until = Instant();
        return Status::Ok();
      });
}

Result<AddressRelease> ReleaseToAddressOfRecord(store::Store& store, CarrierId carrier,
                                                int64_t session_id, AddressKind kind,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor) {
  AddressRelease out;
  ASSIGN_OR_RETURN(
      out.step,
      SimpleStep(store, carrier, session_id, policy, actor,
                 [&](store::Tx& tx, store::VerificationSessionRow& s, const Customer& c,
                     store::CustomerAuthStateRow& state, StepSpec& spec) -> Status {
                   spec.kind = "send_to_address_of_record";
                   spec.citation = Cite(actor.now, "disclosure.telephone");
                   // 64.2003(b): 30 days in the carrier's zone.
                   ASSIGN_OR_RETURN(auto zone, CarrierTimeZone(tx, carrier));
                   CivilDate since;
                   std::string dest;
                   if (kind == AddressKind::kPostal) {
                     since = c.address_since;
                     if (state.postal_since.Valid() && state.postal_since > since) {
                       since = state.postal_since;
                     }
                     dest = c.address_of_record.OneLine();
                   } else {
                     since = state.email_since.Valid()
                                 ? state.email_since
                                 : rules::AddressSetOn(c.created_at, *zone);
                     dest = c.email;
                   }
                   spec.body = {{"address", kind == AddressKind::kPostal ? "postal" : "email"}};
                   if (dest.empty()) {
                     spec.outcome = "refused";
                     spec.reason = "the account has no such address";
                     return Status::Ok();
                   }
                   if (!rules::IsAddressOfRecord(since, actor.now, *zone,
                                                 policy.address_of_record_days)) {
                     spec.outcome = "refused";
                     spec.citation = Cite(actor.now, "disclosure.telephone");
                     spec.reason =
                         "that address was set on " + since.ToString() + ", less than " +
                         std::to_string(policy.address_of_record_days) +
                         " days ago, so it is not yet the address of record (47 CFR 64.2003(b); "
                         "days of the carrier's zone): send nothing there; call back the "
                         "telephone number of record instead";
                     spec.body["reason"] = "address_too_new";
                     spec.body["on_file_since"] = since.ToString();
                     return Status::Ok();
                   }
                   spec.outcome = "passed";
                   spec.reason = "send the call detail to the address of record";
                   spec.payload = json{{"destination", dest}};
                   s.flags |= Bit(SessionFlag::kSentToAddressOfRecord);
                   out.destination = dest;
                   out.on_file_since = since;
                   return Status::Ok();
                 }));
  return out;
}

}  // namespace proprio::services
