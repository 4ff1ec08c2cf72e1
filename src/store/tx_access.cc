// store/tx_access.cc: the Tx operations behind sign-in, tokens, idempotent
// retries and customer updates (migration 0002_access), over both backends.
#include <algorithm>

#include "store/internal/page.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store {

using internal::Bytes;
using internal::Null;
using internal::Row;
using internal::Value;

namespace {

constexpr char kAccountColumns[] =
    "id, login, staff_id, name, password_hash, failed_attempts, locked_until, active, created_at";

AccountRecord AccountFromRow(const Row& r) {
  AccountRecord a;
  a.id = AccountId(r.Int(0));
  if (!r.IsNull(1)) a.login = r.Text(1);
  if (!r.IsNull(2)) a.staff = StaffId(r.Int(2));
  a.name = r.Text(3);
  if (!r.IsNull(4)) a.password_hash = r.Text(4);
  a.failed_attempts = r.Int(5);
  a.locked_until = Instant::FromMicros(r.Int(6));
  a.active = r.Int(7) != 0;
  a.created_at = Instant::FromMicros(r.Int(8));
  return a;
}

constexpr char kTokenColumns[] =
    "id, token_hash, account_id, kind, label, created_at, expires_at, revoked_at";

TokenRecord TokenFromRow(const Row& r) {
  TokenRecord t;
  t.id = r.Int(0);
  t.token_hash = r.Blob(1);
  t.account = AccountId(r.Int(2));
  t.kind = r.Int(3) == 1 ? TokenKind::kApi : TokenKind::kSession;
  t.label = r.Text(4);
  t.created_at = Instant::FromMicros(r.Int(5));
  t.expires_at = Instant::FromMicros(r.Int(6));
  if (!r.IsNull(7)) t.revoked_at = Instant::FromMicros(r.Int(7));
  return t;
}

std::string JoinPhones(const std::vector<std::string>& phones) {
  std::string out;
  for (const std::string& p : phones) {
    if (!out.empty()) out += ';';
    out += p;
  }
  return out;
}

}  // namespace

// ---- accounts ----

Result<AccountId> Tx::InsertAccount(const AccountRecord& a) {
  const Value login = a.login ? Value(std::string_view(*a.login)) : Value(Null{});
  const Value staff = a.staff ? Value(a.staff->value()) : Value(Null{});
  const Value hash = a.password_hash ? Value(std::string_view(*a.password_hash)) : Value(Null{});
  auto id = conn_.QueryInt(
      "INSERT INTO accounts (login, staff_id, name, password_hash, failed_attempts, "
      "locked_until, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {login, staff, a.name, hash, a.failed_attempts, a.locked_until.micros(),
       int64_t{a.active ? 1 : 0}, a.created_at.micros()});
  if (!id.ok() && id.status().IsAlreadyExists()) {
    if (a.staff) {
      // Either the login or the staff member's account is taken.
      ASSIGN_OR_RETURN(auto existing, FindAccountByStaff(*a.staff));
      if (existing) {
        return Status::AlreadyExists("staff member " + a.staff->ToString() +
                                         " already has an account",
                                     "staff");
      }
    }
    return Status::AlreadyExists("the login is taken", "login");
  }
  if (!id.ok() && id.status().code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no staff member " + (a.staff ? a.staff->ToString() : "?"));
  }
  if (!id.ok()) return id.status();
  return AccountId(*id);
}

Result<std::optional<AccountRecord>> Tx::FindAccountByLogin(const std::string& login) {
  std::optional<AccountRecord> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kAccountColumns +
                                " FROM accounts WHERE login = ?",
                            {login}, [&](const Row& r) {
                              found = AccountFromRow(r);
                              return Status::Ok();
                            }));
  return found;
}

Result<std::optional<AccountRecord>> Tx::FindAccountByStaff(StaffId staff) {
  std::optional<AccountRecord> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kAccountColumns +
                                " FROM accounts WHERE staff_id = ?",
                            {staff.value()}, [&](const Row& r) {
                              found = AccountFromRow(r);
                              return Status::Ok();
                            }));
  return found;
}

Result<AccountRecord> Tx::GetAccount(AccountId id) {
  std::optional<AccountRecord> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kAccountColumns +
                                " FROM accounts WHERE id = ?",
                            {id.value()}, [&](const Row& r) {
                              found = AccountFromRow(r);
                              return Status::Ok();
                            }));
  if (!found) return Status::NotFound("no account " + id.ToString());
  return *found;
}

Result<int64_t> Tx::CountAccounts() { return conn_.QueryInt("SELECT COUNT(*) FROM accounts"); }

Status Tx::SetAccountPassword(AccountId id, const std::string& password_hash) {
  return conn_.Exec(
      "UPDATE accounts SET password_hash = ?, failed_attempts = 0, locked_until = 0 WHERE id = ?",
      {password_hash, id.value()});
}

Status Tx::SetAccountLogin(AccountId id, const std::string& login) {
  Status st = conn_.Exec("UPDATE accounts SET login = ? WHERE id = ?", {login, id.value()});
  if (st.IsAlreadyExists()) return Status::AlreadyExists("the login is taken", "login");
  return st;
}

Status Tx::RecordSignInOutcome(AccountId id, int64_t failed_attempts, Instant locked_until) {
  return conn_.Exec("UPDATE accounts SET failed_attempts = ?, locked_until = ? WHERE id = ?",
                    {failed_attempts, locked_until.micros(), id.value()});
}

Status Tx::AddAccountCarrier(AccountId id, CarrierId carrier, Instant at) {
  Status st = conn_.Exec(
      "INSERT INTO account_carriers (account_id, carrier_id, added_at) VALUES (?, ?, ?) "
      "ON CONFLICT (account_id, carrier_id) DO NOTHING",
      {id.value(), carrier.value(), at.micros()});
  if (st.code() == StatusCode::kFailedPrecondition) {
    return Status::NotFound("no carrier " + carrier.ToString() + " or account " + id.ToString());
  }
  return st;
}

Result<std::vector<CarrierId>> Tx::AccountCarriers(AccountId id) {
  std::vector<CarrierId> out;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT carrier_id FROM account_carriers WHERE account_id = ? ORDER BY carrier_id",
      {id.value()}, [&](const Row& r) {
        out.push_back(CarrierId(r.Int(0)));
        return Status::Ok();
      }));
  return out;
}

Result<Staff> Tx::GetStaff(StaffId id) {
  std::optional<Staff> found;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT id, carrier_id, name, email, roles, hired_on, active, created_at FROM staff "
      "WHERE id = ?",
      {id.value()}, [&](const Row& r) {
        Staff s;
        s.id = StaffId(r.Int(0));
        s.carrier = CarrierId(r.Int(1));
        s.name = r.Text(2);
        s.email = r.Text(3);
        const std::string roles = r.Text(4);
        for (size_t start = 0; start <= roles.size();) {
          const size_t comma = std::min(roles.find(',', start), roles.size());
          auto role = ParseRole(roles.substr(start, comma - start));
          if (role.ok()) s.roles.push_back(*role);
          start = comma + 1;
        }
        auto hired = CivilDate::Parse(r.Text(5));
        if (hired.ok()) s.hired_on = *hired;
        s.active = r.Int(6) != 0;
        s.created_at = Instant::FromMicros(r.Int(7));
        found = std::move(s);
        return Status::Ok();
      }));
  if (!found) return Status::NotFound("no staff member " + id.ToString());
  return *found;
}

// ---- tokens ----

Result<int64_t> Tx::InsertToken(const TokenRecord& t) {
  return conn_.QueryInt(
      "INSERT INTO auth_tokens (token_hash, account_id, kind, label, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {Bytes{t.token_hash}, t.account.value(), int64_t{static_cast<int>(t.kind)}, t.label,
       t.created_at.micros(), t.expires_at.micros()});
}

Result<std::optional<TokenRecord>> Tx::FindToken(const std::string& token_hash) {
  std::optional<TokenRecord> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kTokenColumns +
                                " FROM auth_tokens WHERE token_hash = ?",
                            {Bytes{token_hash}}, [&](const Row& r) {
                              found = TokenFromRow(r);
                              return Status::Ok();
                            }));
  return found;
}

Result<std::optional<TokenRecord>> Tx::GetToken(int64_t id) {
  std::optional<TokenRecord> found;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kTokenColumns +
                                " FROM auth_tokens WHERE id = ?",
                            {id}, [&](const Row& r) {
                              found = TokenFromRow(r);
                              return Status::Ok();
                            }));
  return found;
}

Result<std::vector<TokenRecord>> Tx::ListTokens(AccountId account) {
  std::vector<TokenRecord> out;
  RETURN_IF_ERROR(conn_.Run(std::string("SELECT ") + kTokenColumns +
                                " FROM auth_tokens WHERE account_id = ? ORDER BY id",
                            {account.value()}, [&](const Row& r) {
                              out.push_back(TokenFromRow(r));
                              return Status::Ok();
                            }));
  return out;
}

Result<TokenPage> Tx::ListTokens(AccountId account, int64_t after, int limit) {
  ASSIGN_OR_RETURN(
      Page<TokenRecord> read,
      internal::ReadPage<TokenRecord>(
          limit, TokenFromRow, internal::kById, [&](int64_t fetch, const internal::RowFn& add) {
            return conn_.Run(std::string("SELECT ") + kTokenColumns +
                                 " FROM auth_tokens WHERE account_id = ? AND id > ? ORDER BY id "
                                 "LIMIT ?",
                             {account.value(), after, fetch}, add);
          }));
  TokenPage page;
  page.tokens = std::move(read.items);
  page.next = read.next;
  return page;
}

Status Tx::RevokeToken(int64_t id, Instant at) {
  return conn_.Exec("UPDATE auth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                    {at.micros(), id});
}

// ---- idempotency ----

Result<std::optional<IdempotencyRecord>> Tx::FindIdempotency(CarrierId carrier,
                                                              AccountId account,
                                                              const std::string& key) {
  std::optional<IdempotencyRecord> found;
  RETURN_IF_ERROR(conn_.Run(
      "SELECT request_hash, status, content_type, body, created_at, claimed_by, headers "
      "FROM idempotency_keys WHERE carrier_id = ? AND account_id = ? AND idem_key = ?",
      {carrier.value(), account.value(), key}, [&](const Row& r) {
        IdempotencyRecord rec;
        rec.carrier = carrier;
        rec.account = account;
        rec.key = key;
        rec.request_hash = r.Blob(0);
        rec.status = static_cast<int>(r.Int(1));
        rec.content_type = r.Text(2);
        rec.body = r.Blob(3);
        rec.created_at = Instant::FromMicros(r.Int(4));
        rec.claimed_by = r.Text(5);
        rec.headers = r.Text(6);
        found = std::move(rec);
        return Status::Ok();
      }));
  return found;
}

Status Tx::InsertIdempotency(const IdempotencyRecord& r) {
  return conn_.Exec(
      "INSERT INTO idempotency_keys (carrier_id, account_id, idem_key, request_hash, status, "
      "content_type, body, created_at, claimed_by, headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (carrier_id, account_id, idem_key) DO NOTHING",
      {r.carrier.value(), r.account.value(), r.key, Bytes{r.request_hash}, int64_t{r.status},
       r.content_type, Bytes{r.body}, r.created_at.micros(), r.claimed_by, r.headers});
}

// The insert decides between concurrent claims: on PostgreSQL a second
// INSERT waits for the first transaction and then skips the row, and the
// SELECT that follows (a new snapshot under READ COMMITTED) sees the winner.
Result<std::optional<IdempotencyRecord>> Tx::ClaimIdempotency(const IdempotencyRecord& r) {
  if (!r.pending()) return Status::InvalidArgument("a claim is pending (status 0)", "status");
  bool inserted = false;
  RETURN_IF_ERROR(conn_.Run(
      "INSERT INTO idempotency_keys (carrier_id, account_id, idem_key, request_hash, status, "
      "content_type, body, created_at, claimed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (carrier_id, account_id, idem_key) DO NOTHING RETURNING carrier_id",
      {r.carrier.value(), r.account.value(), r.key, Bytes{r.request_hash}, int64_t{r.status},
       r.content_type, Bytes{r.body}, r.created_at.micros(), r.claimed_by},
      [&](const Row&) {
        inserted = true;
        return Status::Ok();
      }));
  if (inserted) return std::optional<IdempotencyRecord>();
  ASSIGN_OR_RETURN(auto found, FindIdempotency(r.carrier, r.account, r.key));
  if (!found) return Status::Aborted("the Idempotency-Key claim lost a race; retry");
  return found;
}

Status Tx::CompleteIdempotency(const IdempotencyRecord& r) {
  bool found = false;
  RETURN_IF_ERROR(conn_.Run(
      "UPDATE idempotency_keys SET status = ?, content_type = ?, body = ?, headers = ? "
      "WHERE carrier_id = ? AND account_id = ? AND idem_key = ? AND status = 0 "
      "AND claimed_by = ? RETURNING carrier_id",
      {int64_t{r.status}, r.content_type, Bytes{r.body}, r.headers, r.carrier.value(),
       r.account.value(), r.key, r.claimed_by},
      [&](const Row&) {
        found = true;
        return Status::Ok();
      }));
  if (!found) return Status::NotFound("no pending claim of this Idempotency-Key");
  return Status::Ok();
}

Status Tx::ReleaseIdempotency(CarrierId carrier, AccountId account, const std::string& key,
                              const std::string& claimed_by) {
  return conn_.Exec(
      "DELETE FROM idempotency_keys WHERE carrier_id = ? AND account_id = ? AND idem_key = ? "
      "AND status = 0 AND claimed_by = ?",
      {carrier.value(), account.value(), key, claimed_by});
}

// ---- customers ----

Status Tx::CloseCustomer(CarrierId carrier, CustomerId id, Instant closed_at) {
  bool found = false;
  RETURN_IF_ERROR(conn_.Run(
      "UPDATE customers SET closed_at = ? WHERE id = ? AND carrier_id = ? AND closed_at IS NULL "
      "RETURNING id",
      {closed_at.micros(), id.value(), carrier.value()}, [&](const Row&) {
        found = true;
        return Status::Ok();
      }));
  if (!found) {
    return Status::FailedPrecondition("customer " + id.ToString() +
                                      " is unknown or already closed");
  }
  return Status::Ok();
}

Status Tx::UpdateCustomer(const Customer& c) {
  const std::string since = c.address_since.ToString();
  const std::string phones = JoinPhones(c.phones_of_record);
  const auto& a = c.address_of_record;
  bool found = false;
  Status st = conn_.Run(
      "UPDATE customers SET account_number = ?, customer_type = ?, name = ?, street = ?, "
      "city = ?, state = ?, postal_code = ?, country = ?, telephone_numbers = ?, "
      "address_since = ?, email = ?, services = ?, account_representative = ?, "
      "cpni_contract_ref = ? WHERE id = ? AND carrier_id = ? RETURNING id",
      {c.account_number, int64_t{static_cast<int>(c.type)}, c.name, a.street, a.city, a.state,
       a.postal_code, a.country, phones, since, c.email, int64_t{c.services.bits()},
       c.account_representative, c.cpni_contract_ref, c.id.value(), c.carrier.value()},
      [&](const Row&) {
        found = true;
        return Status::Ok();
      });
  if (st.IsAlreadyExists()) {
    return Status::AlreadyExists("account number " + c.account_number +
                                     " already exists for this carrier",
                                 "account_number");
  }
  RETURN_IF_ERROR(st);
  if (!found) return Status::NotFound("no customer " + c.id.ToString() + " for this carrier");
  RETURN_IF_ERROR(conn_.Exec("DELETE FROM customer_phones WHERE carrier_id = ? AND customer_id = ?",
                             {c.carrier.value(), c.id.value()}));
  for (const std::string& phone : c.phones_of_record) {
    RETURN_IF_ERROR(conn_.Exec(
        "INSERT INTO customer_phones (carrier_id, e164, customer_id) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        {c.carrier.value(), phone, c.id.value()}));
  }
  return Status::Ok();
}

// ---- ledger ----

Result<int64_t> Tx::LedgerEntriesTotal() {
  return conn_.QueryInt("SELECT COALESCE(SUM(size), 0) FROM ledger_heads");
}

}  // namespace proprio::store
