// store/tx_auth.cc: the Tx operations behind customer authentication and
// account-change notifications (migration 0005_authentication), over both
// backends.
#include <algorithm>
#include <cstdlib>

#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Bytes;
using internal::Null;
using internal::Row;
using internal::Value;

namespace {

constexpr char kSecretColumns[] =
    "carrier_id, customer_id, kind, question, secret_hash, set_at, set_by, setup_path, "
    "ledger_seq";

CustomerSecretRow SecretFromRow(const Row& r) {
  CustomerSecretRow s;
  s.carrier = CarrierId(r.Int(0));
  s.customer = CustomerId(r.Int(1));
  s.kind = static_cast<int>(r.Int(2));
  s.question = r.Text(3);
  s.secret_hash = r.Text(4);
  s.set_at = Instant::FromMicros(r.Int(5));
  s.set_by = r.Text(6);
  s.setup_path = r.Text(7);
  s.ledger_seq = r.Int(8);
  return s;
}

constexpr char kSessionColumns[] =
    "id, carrier_id, customer_id, channel, calling_number, call_id, actor, staff_id, opened_at, "
    "expires_at, closed_at, flags, failures, stated_call_detail, token_hash, ledger_seq";

VerificationSessionRow SessionFromRow(const Row& r) {
  VerificationSessionRow s;
  s.id = r.Int(0);
  s.carrier = CarrierId(r.Int(1));
  s.customer = CustomerId(r.Int(2));
  s.channel = r.Text(3);
  s.calling_number = r.Text(4);
  s.call_id = r.Text(5);
  s.actor = r.Text(6);
  s.staff = StaffId(r.Int(7));
  s.opened_at = Instant::FromMicros(r.Int(8));
  s.expires_at = Instant::FromMicros(r.Int(9));
  s.closed_at = Instant::FromMicros(r.Int(10));
  s.flags = static_cast<uint32_t>(r.Int(11));
  s.failures = r.Int(12);
  s.stated_call_detail = r.Text(13);
  if (!r.IsNull(14)) s.token_hash = r.Blob(14);
  s.ledger_seq = r.Int(15);
  return s;
}

constexpr char kStepColumns[] =
    "id, carrier_id, session_id, customer_id, calling_number, actor, at, kind, outcome, detail, "
    "ledger_seq";

VerificationStepRow StepFromRow(const Row& r) {
  VerificationStepRow s;
  s.id = r.Int(0);
  s.carrier = CarrierId(r.Int(1));
  s.session_id = r.Int(2);
  s.customer = CustomerId(r.Int(3));
  s.calling_number = r.Text(4);
  s.actor = r.Text(5);
  s.at = Instant::FromMicros(r.Int(6));
  s.kind = r.Text(7);
  s.outcome = r.Text(8);
  s.detail = r.Text(9);
  s.ledger_seq = r.Int(10);
  return s;
}

constexpr char kResetColumns[] =
    "id, carrier_id, customer_id, code_hash, channel, created_at, expires_at, used_at, attempts";

ResetCodeRow ResetFromRow(const Row& r) {
  ResetCodeRow c;
  c.id = r.Int(0);
  c.carrier = CarrierId(r.Int(1));
  c.customer = CustomerId(r.Int(2));
  c.code_hash = r.Blob(3);
  c.channel = r.Text(4);
  c.created_at = Instant::FromMicros(r.Int(5));
  c.expires_at = Instant::FromMicros(r.Int(6));
  c.used_at = Instant::FromMicros(r.Int(7));
  c.attempts = r.Int(8);
  return c;
}

constexpr char kFlagColumns[] =
    "id, carrier_id, kind, flag_key, raised_at, updated_at, failures, accounts, evidence, state, "
    "reviewed_by, reviewed_at, review_note, ledger_seq";

PretextingFlagRow FlagFromRow(const Row& r) {
  PretextingFlagRow f;
  f.id = r.Int(0);
  f.carrier = CarrierId(r.Int(1));
  f.kind = r.Text(2);
  f.key = r.Text(3);
  f.raised_at = Instant::FromMicros(r.Int(4));
  f.updated_at = Instant::FromMicros(r.Int(5));
  f.failures = r.Int(6);
  f.accounts = r.Int(7);
  f.evidence = r.Text(8);
  f.state = r.Text(9);
  f.reviewed_by = r.Text(10);
  f.reviewed_at = Instant::FromMicros(r.Int(11));
  f.review_note = r.Text(12);
  f.ledger_seq = r.Int(13);
  return f;
}

constexpr char kSettingsColumns[] =
    "carrier_id, webhook_url, channels, bound_seconds, max_attempts, backoff_base_ms, "
    "backoff_max_ms, callback_phone, updated_at";

NotificationSettingsRow SettingsFromRow(const Row& r) {
  NotificationSettingsRow s;
  s.carrier = CarrierId(r.Int(0));
  s.webhook_url = r.Text(1);
  s.channels = r.Text(2);
  s.bound_seconds = r.Int(3);
  s.max_attempts = r.Int(4);
  s.backoff_base_ms = r.Int(5);
  s.backoff_max_ms = r.Int(6);
  s.callback_phone = r.Text(7);
  s.updated_at = Instant::FromMicros(r.Int(8));
  return s;
}

constexpr char kNotificationColumns[] =
    "id, carrier_id, customer_id, change_kind, change_event, channel, destination, "
    "recipient_name, message, idempotency_key, state, attempts, next_attempt_at, lease_until, "
    "last_error, created_at, due_by, delivered_at, ledger_seq";

NotificationRow NotificationFromRow(const Row& r) {
  NotificationRow n;
  n.id = r.Int(0);
  n.carrier = CarrierId(r.Int(1));
  n.customer = CustomerId(r.Int(2));
  n.change_kind = r.Text(3);
  n.change_event = r.Text(4);
  n.channel = r.Text(5);
  n.destination = r.Text(6);
  n.recipient_name = r.Text(7);
  n.message = r.Text(8);
  n.idempotency_key = r.Text(9);
  n.state = r.Text(10);
  n.attempts = r.Int(11);
  n.next_attempt_at = Instant::FromMicros(r.Int(12));
  n.lease_until = Instant::FromMicros(r.Int(13));
  n.last_error = r.Text(14);
  n.created_at = Instant::FromMicros(r.Int(15));
  n.due_by = Instant::FromMicros(r.Int(16));
  n.delivered_at = Instant::FromMicros(r.Int(17));
  n.ledger_seq = r.Int(18);
  return n;
}

std::string Select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

}  // namespace

// ---- secrets ----

Status Tx::UpsertCustomerSecret(const CustomerSecretRow& s) {
  Status st = conn_.Exec(
      "INSERT INTO customer_secrets (carrier_id, customer_id, kind, question, secret_hash, "
      "set_at, set_by, setup_path, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (carrier_id, customer_id, kind) DO UPDATE SET question = excluded.question, "
      "secret_hash = excluded.secret_hash, set_at = excluded.set_at, set_by = excluded.set_by, "
      "setup_path = excluded.setup_path, ledger_seq = excluded.ledger_seq",
      {s.carrier.value(), s.customer.value(), int64_t{s.kind}, s.question, s.secret_hash,
       s.set_at.micros(), s.set_by, s.setup_path, s.ledger_seq});
  if (st.code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no customer " + s.customer.ToString());
  }
  return st;
}

Result<std::optional<CustomerSecretRow>> Tx::GetCustomerSecret(CarrierId carrier,
                                                               CustomerId customer, int kind) {
  std::optional<CustomerSecretRow> found;
  RETURN_IF_ERROR(conn_.Run(
      Select(kSecretColumns,
             "FROM customer_secrets WHERE carrier_id = ? AND customer_id = ? AND kind = ?"),
      {carrier.value(), customer.value(), int64_t{kind}}, [&](const Row& r) {
        found = SecretFromRow(r);
        return Status::Ok();
      }));
  return found;
}

// ---- per-customer state ----

Result<CustomerAuthStateRow> Tx::GetCustomerAuthState(CarrierId carrier, CustomerId customer) {
  CustomerAuthStateRow s;
  s.carrier = carrier;
  s.customer = customer;
  s.previous_address.country.clear();
  RETURN_IF_ERROR(conn_.Run(
      "SELECT phone_failures, phone_locked_until, online_failures, online_locked_until, "
      "email_since, previous_street, previous_city, previous_state, previous_postal_code, "
      "previous_country, previous_email, postal_since FROM customer_auth_state "
      "WHERE carrier_id = ? AND customer_id = ?",
      {carrier.value(), customer.value()}, [&](const Row& r) {
        s.phone_failures = r.Int(0);
        s.phone_locked_until = Instant::FromMicros(r.Int(1));
        s.online_failures = r.Int(2);
        s.online_locked_until = Instant::FromMicros(r.Int(3));
        const std::string since = r.Text(4);
        if (!since.empty()) {
          auto d = CivilDate::Parse(since);
          if (d.ok()) s.email_since = *d;
        }
        s.previous_address.street = r.Text(5);
        s.previous_address.city = r.Text(6);
        s.previous_address.state = r.Text(7);
        s.previous_address.postal_code = r.Text(8);
        s.previous_address.country = r.Text(9);
        s.previous_email = r.Text(10);
        const std::string postal = r.Text(11);
        if (!postal.empty()) {
          auto d = CivilDate::Parse(postal);
          if (d.ok()) s.postal_since = *d;
        }
        return Status::Ok();
      }));
  return s;
}

Status Tx::PutCustomerAuthState(const CustomerAuthStateRow& s) {
  const std::string since = s.email_since.Valid() ? s.email_since.ToString() : std::string();
  const std::string postal = s.postal_since.Valid() ? s.postal_since.ToString() : std::string();
  Status st = conn_.Exec(
      "INSERT INTO customer_auth_state (carrier_id, customer_id, phone_failures, "
      "phone_locked_until, online_failures, online_locked_until, email_since, previous_street, "
      "previous_city, previous_state, previous_postal_code, previous_country, previous_email, "
      "postal_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (carrier_id, customer_id) DO UPDATE SET "
      "phone_failures = excluded.phone_failures, phone_locked_until = excluded.phone_locked_until, "
      "online_failures = excluded.online_failures, "
      "online_locked_until = excluded.online_locked_until, email_since = excluded.email_since, "
      "previous_street = excluded.previous_street, previous_city = excluded.previous_city, "
      "previous_state = excluded.previous_state, "
      "previous_postal_code = excluded.previous_postal_code, "
      "previous_country = excluded.previous_country, previous_email = excluded.previous_email, "
      "postal_since = excluded.postal_since",
      {s.carrier.value(), s.customer.value(), s.phone_failures, s.phone_locked_until.micros(),
       s.online_failures, s.online_locked_until.micros(), since, s.previous_address.street,
       s.previous_address.city, s.previous_address.state, s.previous_address.postal_code,
       s.previous_address.country, s.previous_email, postal});
  if (st.code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no customer " + s.customer.ToString());
  }
  return st;
}

// ---- online accounts ----

Status Tx::UpsertOnlineAccount(const OnlineAccountRow& a) {
  Status st = conn_.Exec(
      "INSERT INTO online_accounts (carrier_id, customer_id, login, created_at, last_sign_in, "
      "ledger_seq) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (carrier_id, customer_id) DO UPDATE SET "
      "login = excluded.login, last_sign_in = excluded.last_sign_in, "
      "ledger_seq = excluded.ledger_seq",
      {a.carrier.value(), a.customer.value(), a.login, a.created_at.micros(),
       a.last_sign_in.micros(), a.ledger_seq});
  if (st.IsAlreadyExists()) return Status::AlreadyExists("the login is taken", "login");
  if (st.code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no customer " + a.customer.ToString());
  }
  return st;
}

namespace {
constexpr char kOnlineColumns[] =
    "carrier_id, customer_id, login, created_at, last_sign_in, ledger_seq";
OnlineAccountRow OnlineFromRow(const Row& r) {
  OnlineAccountRow a;
  a.carrier = CarrierId(r.Int(0));
  a.customer = CustomerId(r.Int(1));
  a.login = r.Text(2);
  a.created_at = Instant::FromMicros(r.Int(3));
  a.last_sign_in = Instant::FromMicros(r.Int(4));
  a.ledger_seq = r.Int(5);
  return a;
}
}  // namespace

Result<std::optional<OnlineAccountRow>> Tx::GetOnlineAccount(CarrierId carrier,
                                                             CustomerId customer) {
  std::optional<OnlineAccountRow> found;
  RETURN_IF_ERROR(conn_.Run(
      Select(kOnlineColumns, "FROM online_accounts WHERE carrier_id = ? AND customer_id = ?"),
      {carrier.value(), customer.value()}, [&](const Row& r) {
        found = OnlineFromRow(r);
        return Status::Ok();
      }));
  return found;
}

Result<std::optional<OnlineAccountRow>> Tx::FindOnlineAccountByLogin(CarrierId carrier,
                                                                     const std::string& login) {
  std::optional<OnlineAccountRow> found;
  RETURN_IF_ERROR(
      conn_.Run(Select(kOnlineColumns, "FROM online_accounts WHERE carrier_id = ? AND login = ?"),
                {carrier.value(), login}, [&](const Row& r) {
                  found = OnlineFromRow(r);
                  return Status::Ok();
                }));
  return found;
}

// ---- sessions and steps ----

Result<int64_t> Tx::InsertVerificationSession(const VerificationSessionRow& s) {
  const Value token = s.token_hash ? Value(Bytes{*s.token_hash}) : Value(Null{});
  auto id = conn_.Insert(
      "INSERT INTO verification_sessions (carrier_id, customer_id, channel, calling_number, "
      "call_id, actor, staff_id, opened_at, expires_at, closed_at, flags, failures, "
      "stated_call_detail, token_hash, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {s.carrier.value(), s.customer.value(), s.channel, s.calling_number, s.call_id, s.actor,
       s.staff.value(), s.opened_at.micros(), s.expires_at.micros(), s.closed_at.micros(),
       int64_t{s.flags}, s.failures, s.stated_call_detail, token, s.ledger_seq});
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no customer " + s.customer.ToString());
  }
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status::Internal("verification session not inserted");
  return **id;
}

Result<VerificationSessionRow> Tx::GetVerificationSession(CarrierId carrier, int64_t id) {
  std::optional<VerificationSessionRow> found;
  RETURN_IF_ERROR(conn_.Run(
      Select(kSessionColumns, "FROM verification_sessions WHERE carrier_id = ? AND id = ?"),
      {carrier.value(), id}, [&](const Row& r) {
        found = SessionFromRow(r);
        return Status::Ok();
      }));
  if (!found) return Status::NotFound("no verification session " + std::to_string(id));
  return *found;
}

Result<std::optional<VerificationSessionRow>> Tx::FindVerificationSessionByToken(
    CarrierId carrier, const std::string& token_hash) {
  std::optional<VerificationSessionRow> found;
  RETURN_IF_ERROR(conn_.Run(
      Select(kSessionColumns, "FROM verification_sessions WHERE carrier_id = ? AND token_hash = ?"),
      {carrier.value(), Bytes{token_hash}}, [&](const Row& r) {
        found = SessionFromRow(r);
        return Status::Ok();
      }));
  return found;
}

Status Tx::UpdateVerificationSession(const VerificationSessionRow& s) {
  return conn_.Exec(
      "UPDATE verification_sessions SET expires_at = ?, closed_at = ?, flags = ?, failures = ?, "
      "stated_call_detail = ?, ledger_seq = ? WHERE carrier_id = ? AND id = ?",
      {s.expires_at.micros(), s.closed_at.micros(), int64_t{s.flags}, s.failures,
       s.stated_call_detail, s.ledger_seq, s.carrier.value(), s.id});
}

Result<int64_t> Tx::InsertVerificationStep(const VerificationStepRow& s) {
  auto id = conn_.Insert(
      "INSERT INTO verification_steps (carrier_id, session_id, customer_id, calling_number, "
      "actor, at, kind, outcome, detail, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {s.carrier.value(), s.session_id, s.customer.value(), s.calling_number, s.actor,
       s.at.micros(), s.kind, s.outcome, s.detail, s.ledger_seq});
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status::Internal("verification step not inserted");
  return **id;
}

Result<std::vector<VerificationStepRow>> Tx::ListVerificationSteps(CarrierId carrier,
                                                                   int64_t session_id) {
  std::vector<VerificationStepRow> out;
  RETURN_IF_ERROR(conn_.Run(
      Select(kStepColumns,
             "FROM verification_steps WHERE carrier_id = ? AND session_id = ? ORDER BY id"),
      {carrier.value(), session_id}, [&](const Row& r) {
        out.push_back(StepFromRow(r));
        return Status::Ok();
      }));
  return out;
}

Result<FailureTally> Tx::TallyFailures(CarrierId carrier, FailureKey by, const std::string& key,
                                       Instant since) {
  const char* column = by == FailureKey::kCallingNumber ? "calling_number"
                       : by == FailureKey::kActor       ? "actor"
                                                        : "customer_id";
  const std::string where = std::string(" FROM verification_steps WHERE carrier_id = ? AND ") +
                            column + " = ? AND at >= ? AND outcome = 'failed'";
  FailureTally t;
  int64_t customer_key = 0;
  if (by == FailureKey::kCustomer) {
    customer_key = std::strtoll(key.c_str(), nullptr, 10);
  }
  const Value k = by == FailureKey::kCustomer ? Value(customer_key) : Value(std::string_view(key));
  RETURN_IF_ERROR(conn_.Run("SELECT COUNT(*), COUNT(DISTINCT customer_id)" + where,
                            {carrier.value(), k, since.micros()}, [&](const Row& r) {
                              t.failures = r.Int(0);
                              t.accounts = r.Int(1);
                              return Status::Ok();
                            }));
  std::vector<int64_t> ids;
  RETURN_IF_ERROR(conn_.Run("SELECT id" + where + " ORDER BY id DESC LIMIT 50",
                            {carrier.value(), k, since.micros()}, [&](const Row& r) {
                              ids.push_back(r.Int(0));
                              return Status::Ok();
                            }));
  std::reverse(ids.begin(), ids.end());
  for (int64_t id : ids) {
    if (!t.step_ids.empty()) t.step_ids += ',';
    t.step_ids += std::to_string(id);
  }
  return t;
}

// ---- reset codes ----

Result<int64_t> Tx::InsertResetCode(const ResetCodeRow& c) {
  auto id = conn_.Insert(
      "INSERT INTO auth_reset_codes (carrier_id, customer_id, code_hash, channel, created_at, "
      "expires_at, used_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {c.carrier.value(), c.customer.value(), Bytes{c.code_hash}, c.channel, c.created_at.micros(),
       c.expires_at.micros(), c.used_at.micros(), c.attempts});
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status::Internal("reset code not inserted");
  return **id;
}

Result<std::vector<ResetCodeRow>> Tx::ListLiveResetCodes(CarrierId carrier, CustomerId customer,
                                                         Instant now) {
  std::vector<ResetCodeRow> out;
  RETURN_IF_ERROR(conn_.Run(
      Select(kResetColumns,
             "FROM auth_reset_codes WHERE carrier_id = ? AND customer_id = ? AND used_at = 0 "
             "AND expires_at > ? ORDER BY id"),
      {carrier.value(), customer.value(), now.micros()}, [&](const Row& r) {
        out.push_back(ResetFromRow(r));
        return Status::Ok();
      }));
  return out;
}

Status Tx::UpdateResetCode(const ResetCodeRow& c) {
  return conn_.Exec(
      "UPDATE auth_reset_codes SET used_at = ?, attempts = ? WHERE carrier_id = ? AND id = ?",
      {c.used_at.micros(), c.attempts, c.carrier.value(), c.id});
}

// ---- pretexting flags ----

Result<int64_t> Tx::InsertPretextingFlag(const PretextingFlagRow& f) {
  auto id = conn_.Insert(
      "INSERT INTO pretexting_flags (carrier_id, kind, flag_key, raised_at, updated_at, failures, "
      "accounts, evidence, state, reviewed_by, reviewed_at, review_note, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {f.carrier.value(), f.kind, f.key, f.raised_at.micros(), f.updated_at.micros(), f.failures,
       f.accounts, f.evidence, f.state, f.reviewed_by, f.reviewed_at.micros(), f.review_note,
       f.ledger_seq});
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status::Internal("pretexting flag not inserted");
  return **id;
}

Result<std::optional<PretextingFlagRow>> Tx::FindOpenPretextingFlag(CarrierId carrier,
                                                                    const std::string& kind,
                                                                    const std::string& key) {
  std::optional<PretextingFlagRow> found;
  RETURN_IF_ERROR(
      conn_.Run(Select(kFlagColumns,
                       "FROM pretexting_flags WHERE carrier_id = ? AND kind = ? AND flag_key = ? "
                       "AND state = 'open' ORDER BY id DESC LIMIT 1"),
                {carrier.value(), kind, key}, [&](const Row& r) {
                  found = FlagFromRow(r);
                  return Status::Ok();
                }));
  return found;
}

Result<PretextingFlagRow> Tx::GetPretextingFlag(CarrierId carrier, int64_t id) {
  std::optional<PretextingFlagRow> found;
  RETURN_IF_ERROR(
      conn_.Run(Select(kFlagColumns, "FROM pretexting_flags WHERE carrier_id = ? AND id = ?"),
                {carrier.value(), id}, [&](const Row& r) {
                  found = FlagFromRow(r);
                  return Status::Ok();
                }));
  if (!found) return Status::NotFound("no pretexting flag " + std::to_string(id));
  return *found;
}

Status Tx::UpdatePretextingFlag(const PretextingFlagRow& f) {
  return conn_.Exec(
      "UPDATE pretexting_flags SET updated_at = ?, failures = ?, accounts = ?, evidence = ?, "
      "state = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?, ledger_seq = ? "
      "WHERE carrier_id = ? AND id = ?",
      {f.updated_at.micros(), f.failures, f.accounts, f.evidence, f.state, f.reviewed_by,
       f.reviewed_at.micros(), f.review_note, f.ledger_seq, f.carrier.value(), f.id});
}

Result<std::vector<PretextingFlagRow>> Tx::ListPretextingFlags(CarrierId carrier,
                                                               const std::string& state,
                                                               Instant from, Instant to) {
  std::vector<PretextingFlagRow> out;
  const int64_t to_us = to == Instant() ? INT64_MAX : to.micros();
  auto add = [&](const Row& r) {
    out.push_back(FlagFromRow(r));
    return Status::Ok();
  };
  if (state.empty()) {
    RETURN_IF_ERROR(conn_.Run(
        Select(kFlagColumns,
               "FROM pretexting_flags WHERE carrier_id = ? AND raised_at >= ? AND raised_at < ? "
               "ORDER BY id"),
        {carrier.value(), from.micros(), to_us}, add));
  } else {
    RETURN_IF_ERROR(conn_.Run(
        Select(kFlagColumns,
               "FROM pretexting_flags WHERE carrier_id = ? AND raised_at >= ? AND raised_at < ? "
               "AND state = ? ORDER BY id"),
        {carrier.value(), from.micros(), to_us, state}, add));
  }
  return out;
}

Result<Page<PretextingFlagRow>> Tx::ListPretextingFlags(CarrierId carrier,
                                                        const std::string& state, int64_t after,
                                                        int limit) {
  return internal::ReadPage<PretextingFlagRow>(
      limit, FlagFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& add) {
        if (state.empty()) {
          return conn_.Run(Select(kFlagColumns,
                                  "FROM pretexting_flags WHERE carrier_id = ? AND id > ? "
                                  "ORDER BY id LIMIT ?"),
                           {carrier.value(), after, fetch}, add);
        }
        return conn_.Run(Select(kFlagColumns,
                                "FROM pretexting_flags WHERE carrier_id = ? AND state = ? "
                                "AND id > ? ORDER BY id LIMIT ?"),
                         {carrier.value(), state, after, fetch}, add);
      });
}

// ---- notification settings and outbox ----

Result<std::optional<NotificationSettingsRow>> Tx::GetNotificationSettings(CarrierId carrier) {
  std::optional<NotificationSettingsRow> found;
  RETURN_IF_ERROR(
      conn_.Run(Select(kSettingsColumns, "FROM notification_settings WHERE carrier_id = ?"),
                {carrier.value()}, [&](const Row& r) {
                  found = SettingsFromRow(r);
                  return Status::Ok();
                }));
  return found;
}

Status Tx::PutNotificationSettings(const NotificationSettingsRow& s) {
  Status st = conn_.Exec(
      "INSERT INTO notification_settings (carrier_id, webhook_url, channels, bound_seconds, "
      "max_attempts, backoff_base_ms, backoff_max_ms, callback_phone, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (carrier_id) DO UPDATE SET "
      "webhook_url = excluded.webhook_url, channels = excluded.channels, "
      "bound_seconds = excluded.bound_seconds, max_attempts = excluded.max_attempts, "
      "backoff_base_ms = excluded.backoff_base_ms, backoff_max_ms = excluded.backoff_max_ms, "
      "callback_phone = excluded.callback_phone, updated_at = excluded.updated_at",
      {s.carrier.value(), s.webhook_url, s.channels, s.bound_seconds, s.max_attempts,
       s.backoff_base_ms, s.backoff_max_ms, s.callback_phone, s.updated_at.micros()});
  if (st.code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + s.carrier.ToString());
  }
  return st;
}

Result<int64_t> Tx::InsertNotification(const NotificationRow& n) {
  auto id = conn_.Insert(
      "INSERT INTO account_notifications (carrier_id, customer_id, change_kind, change_event, "
      "channel, destination, recipient_name, message, idempotency_key, state, attempts, "
      "next_attempt_at, lease_until, last_error, created_at, due_by, delivered_at, ledger_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {n.carrier.value(), n.customer.value(), n.change_kind, n.change_event, n.channel,
       n.destination, n.recipient_name, n.message, n.idempotency_key, n.state, n.attempts,
       n.next_attempt_at.micros(), n.lease_until.micros(), n.last_error, n.created_at.micros(),
       n.due_by.micros(), n.delivered_at.micros(), n.ledger_seq});
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status::Internal("notification not inserted");
  return **id;
}

Result<NotificationRow> Tx::GetNotification(CarrierId carrier, int64_t id) {
  std::optional<NotificationRow> found;
  RETURN_IF_ERROR(conn_.Run(
      Select(kNotificationColumns, "FROM account_notifications WHERE carrier_id = ? AND id = ?"),
      {carrier.value(), id}, [&](const Row& r) {
        found = NotificationFromRow(r);
        return Status::Ok();
      }));
  if (!found) return Status::NotFound("no notification " + std::to_string(id));
  return *found;
}

Result<std::vector<NotificationRow>> Tx::ListNotifications(CarrierId carrier,
                                                           const NotificationFilter& f) {
  std::vector<NotificationRow> out;
  std::string sql =
      Select(kNotificationColumns, "FROM account_notifications WHERE carrier_id = ? AND id > ?");
  if (f.pending_only) sql += " AND state NOT IN ('delivered', 'printed')";
  if (f.customer.valid()) sql += " AND customer_id = ?";
  sql += " ORDER BY id LIMIT ?";
  auto add = [&](const Row& r) {
    out.push_back(NotificationFromRow(r));
    return Status::Ok();
  };
  const int64_t limit = f.limit > 0 ? f.limit : 100;
  if (f.customer.valid()) {
    RETURN_IF_ERROR(conn_.Run(sql, {carrier.value(), f.after_id, f.customer.value(), limit}, add));
  } else {
    RETURN_IF_ERROR(conn_.Run(sql, {carrier.value(), f.after_id, limit}, add));
  }
  return out;
}

Result<std::vector<NotificationRow>> Tx::ClaimDueNotifications(CarrierId carrier, bool mail,
                                                               Instant now, Instant lease_until,
                                                               int limit) {
  std::vector<int64_t> ids;
  const std::string channel_test = mail ? "channel = 'mail'" : "channel <> 'mail'";
  RETURN_IF_ERROR(
      conn_.Run("SELECT id FROM account_notifications WHERE carrier_id = ? AND " + channel_test +
                    " AND ((state IN ('queued', 'retrying') AND next_attempt_at <= ?) "
                    "OR (state = 'sending' AND lease_until <= ?)) ORDER BY id LIMIT ?",
                {carrier.value(), now.micros(), now.micros(), int64_t{limit}}, [&](const Row& r) {
                  ids.push_back(r.Int(0));
                  return Status::Ok();
                }));
  std::vector<NotificationRow> out;
  for (int64_t id : ids) {
    RETURN_IF_ERROR(
        conn_.Exec("UPDATE account_notifications SET state = 'sending', lease_until = ? "
                   "WHERE carrier_id = ? AND id = ?",
                   {lease_until.micros(), carrier.value(), id}));
    ASSIGN_OR_RETURN(NotificationRow n, GetNotification(carrier, id));
    out.push_back(std::move(n));
  }
  return out;
}

Status Tx::UpdateNotification(const NotificationRow& n) {
  return conn_.Exec(
      "UPDATE account_notifications SET state = ?, attempts = ?, next_attempt_at = ?, "
      "lease_until = ?, last_error = ?, delivered_at = ?, message = ?, ledger_seq = ? "
      "WHERE carrier_id = ? AND id = ?",
      {n.state, n.attempts, n.next_attempt_at.micros(), n.lease_until.micros(), n.last_error,
       n.delivered_at.micros(), n.message, n.ledger_seq, n.carrier.value(), n.id});
}

Result<NotificationBacklog> Tx::GetNotificationBacklog(CarrierId carrier, Instant now) {
  NotificationBacklog b;
  const std::string where =
      " FROM account_notifications WHERE state NOT IN ('delivered', 'printed')";
  auto read = [&](const Row& r) {
    b.pending = r.Int(0);
    b.overdue = r.IsNull(1) ? 0 : r.Int(1);
    b.failed = r.IsNull(2) ? 0 : r.Int(2);
    if (!r.IsNull(3)) b.oldest_due = Instant::FromMicros(r.Int(3));
    return Status::Ok();
  };
  const std::string cols =
      "SELECT COUNT(*), SUM(CASE WHEN due_by <= ? THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), MIN(due_by)";
  if (carrier.valid()) {
    RETURN_IF_ERROR(
        conn_.Run(cols + where + " AND carrier_id = ?", {now.micros(), carrier.value()}, read));
  } else {
    RETURN_IF_ERROR(conn_.Run(cols + where, {now.micros()}, read));
  }
  return b;
}

Result<std::vector<CarrierId>> Tx::CarriersWithPendingNotifications() {
  std::vector<CarrierId> out;
  RETURN_IF_ERROR(
      conn_.Run("SELECT DISTINCT carrier_id FROM account_notifications "
                "WHERE state IN ('queued', 'retrying', 'sending') ORDER BY carrier_id",
                {}, [&](const Row& r) {
                  out.push_back(CarrierId(r.Int(0)));
                  return Status::Ok();
                }));
  return out;
}

}  // namespace proprio::store
