#include "services/staff_auth.h"

#include <argon2.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "ledger/sha256.h"
#include "services/secure_random.h"

namespace proprio::services {

using nlohmann::json;

namespace {

constexpr char kTokenPrefix[] = "prp_";
constexpr size_t kTokenBytes = 32;

std::string Base64Url(const uint8_t* data, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  return out;
}

Status CheckPassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return Status::InvalidArgument(
        "the password must be at least " + std::to_string(kMinPasswordBytes) + " bytes long",
        "password");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument(
        "the password must be at most " + std::to_string(kMaxPasswordBytes) + " bytes long",
        "password");
  }
  return Status::Ok();
}

// The carriers whose ledgers hear about an account: its staff member's own
// carrier and its memberships.
Result<std::vector<CarrierId>> CarriersOf(store::Tx& tx, const store::AccountRecord& a) {
  ASSIGN_OR_RETURN(std::vector<CarrierId> carriers, tx.AccountCarriers(a.id));
  if (a.staff) {
    ASSIGN_OR_RETURN(Staff s, tx.GetStaff(*a.staff));
    carriers.push_back(s.carrier);
  }
  std::sort(carriers.begin(), carriers.end());
  carriers.erase(std::unique(carriers.begin(), carriers.end()), carriers.end());
  return carriers;
}

std::string SubjectOf(const store::AccountRecord& a) {
  return a.staff ? "staff:" + a.staff->ToString() : "account:" + a.id.ToString();
}

Status AppendToAll(store::Tx& tx, const std::vector<CarrierId>& carriers, Instant at,
                   const std::string& actor, const std::string& type, const std::string& subject,
                   const json& body) {
  const std::string text = body.dump();
  for (CarrierId c : carriers) {
    store::LedgerEvent ev;
    ev.carrier = c;
    ev.at = at;
    ev.actor = actor;
    ev.type = type;
    ev.subject = subject;
    ev.body = text;
    RETURN_IF_ERROR(tx.Append(ev).status());
  }
  return Status::Ok();
}

Result<IssuedToken> MakeToken(store::AccountId account, store::TokenKind kind,
                              const std::string& label, Instant now, Instant expires) {
  IssuedToken t;
  ASSIGN_OR_RETURN(t.token, NewToken());
  t.record.token_hash = TokenHash(t.token);
  t.record.account = account;
  t.record.kind = kind;
  t.record.label = label;
  t.record.created_at = now;
  t.record.expires_at = expires;
  return t;
}

// A fixed hash to verify against when the login is unknown, so that the time
// taken does not tell whether a login exists.
const std::string& DummyHash(const PasswordCost& cost) {
  static const std::string hash = [&] {
    auto h = HashPassword("proprio-no-such-login", cost);
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

}  // namespace

PasswordCost PasswordCost::FromEnvironment() {
  PasswordCost cost;
  const char* env = std::getenv("PROPRIO_ARGON2");
  if (env == nullptr) return cost;
  std::string_view s(env);
  while (!s.empty()) {
    const size_t comma = std::min(s.find(','), s.size());
    const std::string_view item = s.substr(0, comma);
    if (item.size() > 2 && item[1] == '=') {
      const unsigned long v = std::strtoul(std::string(item.substr(2)).c_str(), nullptr, 10);
      if (v > 0 && v < (1ul << 24)) {
        if (item[0] == 'm') cost.memory_kib = static_cast<uint32_t>(std::max(8ul, v));
        if (item[0] == 't') cost.iterations = static_cast<uint32_t>(v);
        if (item[0] == 'p') cost.lanes = static_cast<uint32_t>(v);
      }
    }
    s.remove_prefix(std::min(comma + 1, s.size()));
  }
  cost.memory_kib = std::max(cost.memory_kib, 8 * cost.lanes);
  return cost;
}

Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  uint8_t salt[16];
  RETURN_IF_ERROR(RandBytes(salt, sizeof salt));
  const size_t len =
      argon2_encodedlen(cost.iterations, cost.memory_kib, cost.lanes, sizeof salt, 32, Argon2_id);
  std::string encoded(len, '\0');
  const int rc = argon2id_hash_encoded(cost.iterations, cost.memory_kib, cost.lanes,
                                       password.data(), password.size(), salt, sizeof salt, 32,
                                       encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Status::Internal(std::string("argon2id failed: ") + argon2_error_message(rc));
  }
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

bool VerifyPassword(const std::string& encoded, std::string_view password) {
  if (encoded.empty()) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string TokenHash(std::string_view token) {
  return std::string(ledger::HashBytes(ledger::Sha256Of(token)));
}

Result<std::string> NewToken() {
  uint8_t bytes[kTokenBytes];
  RETURN_IF_ERROR(RandBytes(bytes, sizeof bytes));
  return kTokenPrefix + Base64Url(bytes, sizeof bytes);
}

std::string Principal::ActorId() const {
  return staff ? "staff:" + staff->ToString() : "account:" + account.ToString();
}

bool Principal::HasRole(Role r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

bool Principal::ActsFor(CarrierId c) const {
  return std::binary_search(carriers.begin(), carriers.end(), c);
}

Result<store::AccountRecord> CreatePlatformAdmin(store::Store& store, const std::string& name,
                                                 const std::string& login,
                                                 std::string_view password,
                                                 const PasswordCost& cost, const Actor& actor) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status::InvalidArgument("the administrator needs a name of 1 to 200 bytes", "name");
  }
  if (login.empty() || login.size() > kMaxEmailBytes) {
    return Status::InvalidArgument("the login must be 1 to 254 bytes", "login");
  }
  RETURN_IF_ERROR(CheckPassword(password));
  store::AccountRecord a;
  a.login = login;
  a.name = name;
  ASSIGN_OR_RETURN(a.password_hash, HashPassword(password, cost));
  a.created_at = actor.now;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(a.id, tx.InsertAccount(a));
    return Status::Ok();
  }));
  return a;
}

Result<store::AccountRecord> SetStaffCredentials(store::Store& store, StaffId staff,
                                                 const std::string& login,
                                                 std::string_view password,
                                                 const PasswordCost& cost, const Actor& actor) {
  if (login.empty() || login.size() > kMaxEmailBytes) {
    return Status::InvalidArgument("the login must be 1 to 254 bytes", "login");
  }
  std::optional<std::string> hash;
  if (!password.empty()) {
    RETURN_IF_ERROR(CheckPassword(password));
    ASSIGN_OR_RETURN(hash, HashPassword(password, cost));
  }
  store::AccountRecord out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Staff s, tx.GetStaff(staff));
    ASSIGN_OR_RETURN(std::optional<store::AccountRecord> existing, tx.FindAccountByStaff(staff));
    if (existing) {
      out = *existing;
      if (out.login != login) {
        RETURN_IF_ERROR(tx.SetAccountLogin(out.id, login));
        out.login = login;
      }
      if (hash) {
        RETURN_IF_ERROR(tx.SetAccountPassword(out.id, *hash));
        out.password_hash = hash;
      }
    } else {
      out.login = login;
      out.staff = staff;
      out.name = s.name;
      out.password_hash = hash;
      out.created_at = actor.now;
      ASSIGN_OR_RETURN(out.id, tx.InsertAccount(out));
    }
    store::LedgerEvent ev;
    ev.carrier = s.carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "staff.credentials_set";
    ev.subject = "staff:" + staff.ToString();
    ev.body = json{{"account", out.id.value()}, {"password", hash.has_value()}}.dump();
    return tx.Append(ev).status();
  }));
  return out;
}

Status GrantCarrier(store::Store& store, store::AccountId account, CarrierId carrier,
                    const Actor& actor) {
  return store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::AccountRecord a, tx.GetAccount(account));
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    RETURN_IF_ERROR(tx.AddAccountCarrier(account, carrier, actor.now));
    store::LedgerEvent ev;
    ev.carrier = carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "staff.carrier_granted";
    ev.subject = SubjectOf(a);
    ev.body = json{{"account", account.value()}}.dump();
    return tx.Append(ev).status();
  });
}

Result<SignInResult> SignIn(store::Store& store, const std::string& login,
                            std::string_view password, const AuthPolicy& policy, Instant now,
                            int64_t* retry_after_seconds) {
  const Status wrong = Status::Unauthenticated("wrong login or password");
  if (login.empty() || login.size() > kMaxEmailBytes || password.size() > kMaxPasswordBytes) {
    return wrong;
  }
  std::optional<store::AccountRecord> account;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(account, tx.FindAccountByLogin(login));
    return Status::Ok();
  }));
  if (!account || !account->active || !account->password_hash) {
    (void)VerifyPassword(DummyHash(policy.cost), password);
    return wrong;
  }
  if (account->locked_until > now) {
    if (retry_after_seconds) {
      *retry_after_seconds = (account->locked_until - now + kMicrosPerSecond - 1) / kMicrosPerSecond;
    }
    return Status::ResourceExhausted("too many failed sign-ins: the account is locked until " +
                                     account->locked_until.ToRfc3339());
  }
  const bool good = VerifyPassword(*account->password_hash, password);

  SignInResult result;
  bool locked_now = false;
  Instant locked_until;
  Status st = store.Transact([&](store::Tx& tx) -> Status {
    // Re-read: concurrent failures must add up.
    ASSIGN_OR_RETURN(store::AccountRecord a, tx.GetAccount(account->id));
    ASSIGN_OR_RETURN(std::vector<CarrierId> carriers, CarriersOf(tx, a));
    const std::string subject = SubjectOf(a);
    if (!good) {
      const int64_t failures = a.failed_attempts + 1;
      locked_until = a.locked_until;
      if (failures >= policy.lock_after) {
        const int64_t extra = std::min<int64_t>(failures - policy.lock_after, 20);
        const int64_t wait = std::min(policy.lock_max_us, policy.lock_base_us << extra);
        locked_until = now + wait;
        locked_now = true;
      }
      RETURN_IF_ERROR(tx.RecordSignInOutcome(a.id, failures, locked_until));
      json body = {{"account", a.id.value()}, {"failed_attempts", failures}};
      if (locked_now) body["locked_until"] = locked_until.ToRfc3339();
      RETURN_IF_ERROR(AppendToAll(tx, carriers, now, subject,
                                  locked_now ? "auth.locked" : "auth.sign_in_failed", subject,
                                  body));
      return Status::Ok();
    }
    if (a.failed_attempts != 0 || a.locked_until != Instant()) {
      RETURN_IF_ERROR(tx.RecordSignInOutcome(a.id, 0, Instant()));
    }
    ASSIGN_OR_RETURN(result.session, MakeToken(a.id, store::TokenKind::kSession, "session", now,
                                               now + policy.session_ttl_us));
    ASSIGN_OR_RETURN(result.session.record.id, tx.InsertToken(result.session.record));
    return AppendToAll(tx, carriers, now, subject, "auth.signed_in", subject,
                       json{{"account", a.id.value()}, {"session", result.session.record.id}});
  });
  RETURN_IF_ERROR(st);
  if (!good) {
    if (locked_now && retry_after_seconds) {
      *retry_after_seconds = (locked_until - now + kMicrosPerSecond - 1) / kMicrosPerSecond;
    }
    return wrong;
  }
  ASSIGN_OR_RETURN(result.principal, ResolveToken(store, result.session.token, now));
  return result;
}

Result<Principal> ResolveToken(store::Store& store, std::string_view token, Instant now) {
  const Status invalid = Status::Unauthenticated("the token is not valid");
  if (token.size() != 4 + 43 || token.substr(0, 4) != kTokenPrefix) return invalid;
  Principal p;
  Status st = store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(std::optional<store::TokenRecord> t, tx.FindToken(TokenHash(token)));
    if (!t) return invalid;
    if (t->revoked_at) return Status::Unauthenticated("the token was revoked");
    if (t->expires_at != Instant() && t->expires_at <= now) {
      return Status::Unauthenticated("the token has expired");
    }
    ASSIGN_OR_RETURN(store::AccountRecord a, tx.GetAccount(t->account));
    if (!a.active) return invalid;
    p.account = a.id;
    p.staff = a.staff;
    p.name = a.name;
    p.token_id = t->id;
    p.token_kind = t->kind;
    p.token_expires = t->expires_at;
    ASSIGN_OR_RETURN(p.carriers, tx.AccountCarriers(a.id));
    if (a.staff) {
      ASSIGN_OR_RETURN(Staff s, tx.GetStaff(*a.staff));
      if (!s.active) return invalid;
      p.name = s.name;
      p.roles = s.roles;
      p.carriers.push_back(s.carrier);
    } else {
      p.roles = {Role::kAdmin};
    }
    std::sort(p.carriers.begin(), p.carriers.end());
    p.carriers.erase(std::unique(p.carriers.begin(), p.carriers.end()), p.carriers.end());
    return Status::Ok();
  });
  RETURN_IF_ERROR(st);
  return p;
}

Result<IssuedToken> IssueApiToken(store::Store& store, StaffId staff, const std::string& label,
                                  const Actor& actor) {
  if (label.size() > kMaxNameBytes) {
    return Status::InvalidArgument("the label must be at most 200 bytes", "label");
  }
  IssuedToken out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Staff s, tx.GetStaff(staff));
    ASSIGN_OR_RETURN(std::optional<store::AccountRecord> a, tx.FindAccountByStaff(staff));
    if (!a) {
      store::AccountRecord fresh;
      fresh.staff = staff;
      fresh.name = s.name;
      fresh.created_at = actor.now;
      ASSIGN_OR_RETURN(fresh.id, tx.InsertAccount(fresh));
      a = fresh;
    }
    ASSIGN_OR_RETURN(out, MakeToken(a->id, store::TokenKind::kApi, label.empty() ? "api" : label,
                                    actor.now, Instant()));
    ASSIGN_OR_RETURN(out.record.id, tx.InsertToken(out.record));
    store::LedgerEvent ev;
    ev.carrier = s.carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "staff.token_issued";
    ev.subject = "staff:" + staff.ToString();
    ev.body = json{{"token", out.record.id}, {"label", out.record.label}}.dump();
    return tx.Append(ev).status();
  }));
  return out;
}

Status RevokeToken(store::Store& store, int64_t token_id, std::optional<store::AccountId> owner,
                   std::optional<CarrierId> carrier, const Actor& actor) {
  return store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(std::optional<store::TokenRecord> t, tx.GetToken(token_id));
    if (!t || (owner && t->account != *owner)) {
      return Status::NotFound("no token " + std::to_string(token_id));
    }
    if (t->revoked_at) return Status::Ok();
    RETURN_IF_ERROR(tx.RevokeToken(token_id, actor.now));
    if (!carrier) return Status::Ok();
    ASSIGN_OR_RETURN(store::AccountRecord a, tx.GetAccount(t->account));
    store::LedgerEvent ev;
    ev.carrier = *carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "staff.token_revoked";
    ev.subject = SubjectOf(a);
    ev.body = json{{"token", token_id}}.dump();
    return tx.Append(ev).status();
  });
}

}  // namespace proprio::services
