// services/customer_auth_online.cc: online access (47 CFR 64.2010(c)): the
// online account, sign-in with the CPNI password under a lockout with
// back-off, and password resets through the back-up answer or a one-time code
// sent to the telephone number or address of record (64.2010(e)).
#include "services/customer_auth.h"

#include <nlohmann/json.hpp>

#include "services/internal/customer_auth_internal.h"
#include "services/notifications.h"

namespace proprio::services {

using nlohmann::json;
using namespace auth_internal;  // the helpers customer_auth_*.cc share

namespace {

// ---- randomness, tokens ----

// A code of `n` characters from `alphabet`, uniformly (rejection sampling).
Result<std::string> RandomCode(size_t n, std::string_view alphabet) {
  std::string out;
  const unsigned limit = 256 - (256 % alphabet.size());
  while (out.size() < n) {
    uint8_t buf[32];
    RETURN_IF_ERROR(RandBytes(buf, sizeof buf));
    for (uint8_t b : buf) {
      if (b < limit && out.size() < n) out += alphabet[b % alphabet.size()];
    }
  }
  return out;
}

rules::Lockout OnlineLockout(const CustomerAuthPolicy& p) {
  return {p.online_lock_after, p.online_lock_base_us, p.online_lock_max_us};
}

Status CheckLogin(const std::string& login) {
  if (login.size() < 3 || login.size() > 64) {
    return Status::InvalidArgument("the login must be 3 to 64 characters", "login");
  }
  for (char c : login) {
    if (!(IsAlnum(c) || c == '.' || c == '_' || c == '-' || c == '@')) {
      return Status::InvalidArgument("the login may hold letters, digits and . _ - @ only",
                                     "login");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<SecretSetResult> SetOnlineAccount(store::Store& store, CarrierId carrier,
                                         CustomerId customer, const std::string& login,
                                         const SecretAuthorization& auth,
                                         const CustomerAuthPolicy& policy, const Actor& actor) {
  RETURN_IF_ERROR(CheckLogin(login));
  std::string code_path;
  if (!auth.reset_code.empty() && auth.session_id == 0 && !auth.at_service_initiation) {
    ASSIGN_OR_RETURN(code_path,
                     ConsumeResetCode(store, carrier, customer, auth.reset_code, policy, actor));
  }
  SecretSetResult out;
  const Status stored = store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(carrier, customer));
    ASSIGN_OR_RETURN(auto password, tx.GetCustomerSecret(carrier, customer, 0));
    if (!password) {
      return Status::FailedPrecondition(
          "set a CPNI password first: online access is only with the password (" +
          Cite(actor.now, "disclosure.online") + ")");
    }
    ASSIGN_OR_RETURN(auto existing, tx.GetOnlineAccount(carrier, customer));
    ASSIGN_OR_RETURN(out.setup_path,
                     Authorize(tx, c, auth, actor, !existing.has_value(), code_path));
    store::OnlineAccountRow a;
    a.carrier = carrier;
    a.customer = customer;
    a.login = login;
    a.created_at = existing ? existing->created_at : actor.now;
    a.last_sign_in = existing ? existing->last_sign_in : Instant();
    out.created = !existing.has_value();
    const ChangeEvent event = out.created ? ChangeEvent::kCreated : ChangeEvent::kChanged;
    RETURN_IF_ERROR(AppendSimple(
        tx, carrier, actor, "auth.online_account_set", "customer:" + customer.ToString(),
        {{"event", ChangeEventName(event)}, {"setup_path", out.setup_path}, {"basis", Cite(actor.now, "disclosure.online")}},
        json{{"login", login}}, &a.ledger_seq));
    out.ledger_seq = a.ledger_seq;
    RETURN_IF_ERROR(tx.UpsertOnlineAccount(a));
    if (out.setup_path != "service_initiation") {
      ASSIGN_OR_RETURN(out.notifications, QueueAccountChangeNotices(
                                              tx, c, c, ChangeKind::kOnlineAccount, event, actor));
    }
    return Status::Ok();
  });
  if (!stored.ok()) {
    return RecordInitiationRefusal(store, carrier, customer, "online_account", auth, stored,
                                   actor);
  }
  return out;
}

Result<OnlineSignInResult> OnlineSignIn(store::Store& store, CarrierId carrier,
                                        const std::string& login, std::string_view password,
                                        const CustomerAuthPolicy& policy, const Actor& actor,
                                        int64_t* retry_after_seconds) {
  const Status wrong = Status::Unauthenticated("wrong login or password");
  if (login.empty() || login.size() > 64 || password.size() > kMaxCpniPasswordBytes) return wrong;
  std::optional<store::OnlineAccountRow> account;
  std::optional<store::CustomerSecretRow> secret;
  store::CustomerAuthStateRow state;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(account, tx.FindOnlineAccountByLogin(carrier, login));
    if (account) {
      ASSIGN_OR_RETURN(secret, tx.GetCustomerSecret(carrier, account->customer, 0));
      ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, account->customer));
    }
    return Status::Ok();
  }));
  if (!account) {
    (void)VerifyPassword(DummyEncoding(policy.cost), password);
    return wrong;
  }
  if (state.online_locked_until > actor.now) {
    if (retry_after_seconds) {
      *retry_after_seconds =
          (state.online_locked_until - actor.now + kMicrosPerSecond - 1) / kMicrosPerSecond;
    }
    (void)store.Transact([&](store::Tx& tx) -> Status {
      store::VerificationSessionRow pseudo;
      pseudo.carrier = carrier;
      pseudo.customer = account->customer;
      pseudo.channel = "online";
      StepSpec spec;
      spec.kind = "online_sign_in";
      spec.outcome = "refused";
      spec.citation = Cite(actor.now, "disclosure.online");
      spec.body = {{"reason", "locked"}};
      return RecordStep(tx, pseudo, spec, policy, actor, nullptr).status();
    });
    return Status::ResourceExhausted(
        "too many failed sign-ins: the online account is locked until " +
        state.online_locked_until.ToRfc3339());
  }
  const bool good =
      VerifyPassword(secret ? secret->secret_hash : DummyEncoding(policy.cost), password) &&
      secret.has_value();
  OnlineSignInResult out;
  Instant locked_until;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, account->customer));
    StepSpec spec;
    spec.kind = "online_sign_in";
    spec.citation = Cite(actor.now, "disclosure.online");
    store::VerificationSessionRow s;
    s.carrier = carrier;
    s.customer = account->customer;
    s.channel = "online";
    s.actor = StepActor(actor);
    s.opened_at = actor.now;
    if (!good) {
      state.online_failures += 1;
      if (auto until =
              rules::LockedUntil(state.online_failures, OnlineLockout(policy), actor.now)) {
        state.online_locked_until = *until;
        locked_until = state.online_locked_until;
        spec.body["locked_until"] = locked_until.ToRfc3339();
      }
      spec.outcome = "failed";
      spec.body["failures"] = state.online_failures;
      RETURN_IF_ERROR(RecordStep(tx, s, spec, policy, actor, nullptr).status());
      return tx.PutCustomerAuthState(state);
    }
    state.online_failures = 0;
    state.online_locked_until = Instant();
    RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    ASSIGN_OR_RETURN(out.token, NewToken());
    s.token_hash = TokenHash(out.token);
    s.expires_at = actor.now + policy.online_session_us;
    s.flags = Bit(SessionFlag::kOnlineSignedIn);
    ASSIGN_OR_RETURN(s.id, tx.InsertVerificationSession(s));
    spec.outcome = "passed";
    spec.reason = "signed in with the password";
    RETURN_IF_ERROR(RecordStep(tx, s, spec, policy, actor, nullptr).status());
    RETURN_IF_ERROR(tx.UpdateVerificationSession(s));
    store::OnlineAccountRow a = *account;
    a.last_sign_in = actor.now;
    RETURN_IF_ERROR(tx.UpsertOnlineAccount(a));
    ASSIGN_OR_RETURN(out.session, ViewIn(tx, carrier, s.id, actor.now));
    return Status::Ok();
  }));
  if (!good) {
    if (locked_until != Instant() && retry_after_seconds) {
      *retry_after_seconds = (locked_until - actor.now + kMicrosPerSecond - 1) / kMicrosPerSecond;
    }
    return wrong;
  }
  return out;
}

Status RequestPasswordReset(store::Store& store, CarrierId carrier, const std::string& login,
                            ResetChannel channel, const CustomerAuthPolicy& policy,
                            const Actor& actor) {
  const bool mail = channel == ResetChannel::kMail;
  ASSIGN_OR_RETURN(std::string code, mail ? RandomCode(10, "ABCDEFGHJKMNPQRSTUVWXYZ23456789")
                                          : RandomCode(6, "0123456789"));
  const int64_t valid_us = mail ? 14LL * 86400 * kMicrosPerSecond : policy.reset_code_us;
  return store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(auto account, tx.FindOnlineAccountByLogin(carrier, login));
    if (!account) return Status::Ok();  // the same answer for an unknown login
    ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(carrier, account->customer));
    ASSIGN_OR_RETURN(auto live, tx.ListLiveResetCodes(carrier, c.id, actor.now));
    if (live.size() >= 3) {
      return Status::ResourceExhausted(
          "three reset codes are already outstanding; use one or wait for them to expire");
    }
    store::ResetCodeRow row;
    row.carrier = carrier;
    row.customer = c.id;
    row.code_hash = TokenHash(code);
    row.channel = mail ? "mail" : "text";
    row.created_at = actor.now;
    row.expires_at = actor.now + valid_us;
    RETURN_IF_ERROR(tx.InsertResetCode(row).status());
    ASSIGN_OR_RETURN(int64_t notice,
                     QueueResetCode(tx, c, code, mail, valid_us / (60 * kMicrosPerSecond), actor));
    return AppendSimple(tx, carrier, actor, "auth.reset_code_issued", "customer:" + c.id.ToString(),
                        {{"channel", row.channel},
                         {"notification", notice},
                         {"expires_at", row.expires_at.ToRfc3339()},
                         {"basis", Cite(actor.now, "disclosure.passwords")}});
  });
}

Result<SecretSetResult> ResetPasswordOnline(store::Store& store, CarrierId carrier,
                                            const std::string& login, std::string_view code,
                                            std::string_view backup_answer,
                                            std::string_view new_password,
                                            const CustomerAuthPolicy& policy, const Actor& actor) {
  if (code.empty() == backup_answer.empty()) {
    return Status::InvalidArgument(
        "give either the one-time code sent to the number or address of record, or the back-up "
        "answer (" + Cite(actor.now, "disclosure.passwords") + ")",
        "code");
  }
  std::optional<store::OnlineAccountRow> account;
  std::optional<store::CustomerSecretRow> backup;
  store::CustomerAuthStateRow state;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(account, tx.FindOnlineAccountByLogin(carrier, login));
    if (account) {
      ASSIGN_OR_RETURN(backup, tx.GetCustomerSecret(carrier, account->customer, 1));
      ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, account->customer));
    }
    return Status::Ok();
  }));
  const Status wrong = Status::Unauthenticated("wrong login, code or answer");
  if (!account) {
    (void)VerifyPassword(DummyEncoding(policy.cost), backup_answer);
    return wrong;
  }
  if (!code.empty()) {
    SecretAuthorization auth;
    auth.reset_code = std::string(code);
    Result<SecretSetResult> r =
        SetCpniPassword(store, carrier, account->customer, new_password, auth, policy, actor);
    if (!r.ok() && r.status().code() == StatusCode::kUnauthenticated) {
      (void)store.Transact([&](store::Tx& tx) -> Status {
        store::VerificationSessionRow pseudo;
        pseudo.carrier = carrier;
        pseudo.customer = account->customer;
        pseudo.channel = "online";
        StepSpec spec;
        spec.kind = "reset_code";
        spec.outcome = "failed";
        spec.citation = Cite(actor.now, "disclosure.passwords");
        return RecordStep(tx, pseudo, spec, policy, actor, nullptr).status();
      });
    }
    return r;
  }
  // The back-up answer (64.2010(e)), under the online lockout.
  if (state.online_locked_until > actor.now) {
    return Status::ResourceExhausted("too many failures: the online account is locked until " +
                                     state.online_locked_until.ToRfc3339());
  }
  ASSIGN_OR_RETURN(Customer c, ReadCustomer(store, carrier, account->customer));
  RETURN_IF_ERROR(CheckCpniPassword(c, new_password));
  const bool good = VerifyPassword(backup ? backup->secret_hash : DummyEncoding(policy.cost),
                                   NormalizeAnswer(backup_answer)) &&
                    backup.has_value();
  std::string encoded;
  if (good) {
    ASSIGN_OR_RETURN(encoded, HashPassword(new_password, policy.cost));
  }
  SecretSetResult out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, c.id));
    store::VerificationSessionRow pseudo;
    pseudo.carrier = carrier;
    pseudo.customer = c.id;
    pseudo.channel = "online";
    StepSpec spec;
    spec.kind = "backup_answer";
    spec.citation = Cite(actor.now, "disclosure.passwords");
    if (!good) {
      state.online_failures += 1;
      if (auto until =
              rules::LockedUntil(state.online_failures, OnlineLockout(policy), actor.now)) {
        state.online_locked_until = *until;
      }
      spec.outcome = "failed";
      RETURN_IF_ERROR(RecordStep(tx, pseudo, spec, policy, actor, nullptr).status());
      return tx.PutCustomerAuthState(state);
    }
    spec.outcome = "passed";
    RETURN_IF_ERROR(RecordStep(tx, pseudo, spec, policy, actor, nullptr).status());
    state.online_failures = 0;
    state.online_locked_until = Instant();
    state.phone_failures = 0;
    state.phone_locked_until = Instant();
    RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    ASSIGN_OR_RETURN(out, StoreSecret(tx, c, SecretKind::kPassword, "", encoded,
                                      "online_backup_answer", true, actor));
    return Status::Ok();
  }));
  if (!good) return wrong;
  return out;
}

}  // namespace proprio::services
