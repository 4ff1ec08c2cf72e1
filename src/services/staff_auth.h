// services/staff_auth.h: who is calling — staff passwords (argon2id), sign-in
// with lockout, session and API tokens, and the principal a token stands for.
//
// Secrets never leave this module in the clear except once: the token text
// returned by SignIn and IssueApiToken, which the caller hands to its user.
// The store keeps argon2id encodings of passwords and SHA-256 hashes of tokens.
//
// Token format: "prp_" followed by 43 base64url characters (256 random bits
// from OpenSSL's RAND_bytes). Session tokens expire (AuthPolicy::session_ttl); API tokens
// (for systems such as billing) do not, and both can be revoked.
//
// Lockout: after `lock_after` consecutive failed sign-ins an account is locked
// for `lock_base`, doubled for each further failure up to `lock_max`; while
// locked, even the right password is refused. Each failure, lock and sign-in
// is appended to the ledger of the carriers the account acts for.
//
//   ASSIGN_OR_RETURN(SignInResult s, SignIn(store, "p.raman", password, policy, now));
//   ASSIGN_OR_RETURN(Principal p, ResolveToken(store, s.token, now));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

// argon2id parameters. The encoding stores them, so a changed cost applies to
// new hashes and old ones still verify.
struct PasswordCost {
  uint32_t iterations = 2;
  uint32_t memory_kib = 64 * 1024;  // ~85 ms per hash on the reference machine
  uint32_t lanes = 1;

  // The default, or PROPRIO_ARGON2="m=KIB,t=N,p=N" from the environment
  // (tests use a cheap setting; production keeps the default).
  static PasswordCost FromEnvironment();
};

inline constexpr size_t kMinPasswordBytes = 12;
inline constexpr size_t kMaxPasswordBytes = 1024;

Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost);
bool VerifyPassword(const std::string& encoded, std::string_view password);

struct AuthPolicy {
  PasswordCost cost = PasswordCost::FromEnvironment();
  int64_t session_ttl_us = 8LL * 3600 * kMicrosPerSecond;
  int lock_after = 5;
  int64_t lock_base_us = 30 * kMicrosPerSecond;
  int64_t lock_max_us = 15 * 60 * kMicrosPerSecond;
};

// The authenticated caller of a request.
struct Principal {
  store::AccountId account;
  std::optional<StaffId> staff;  // nullopt: platform administrator
  std::string name;
  std::vector<Role> roles;
  std::vector<CarrierId> carriers;  // sorted: the carriers it may act for
  int64_t token_id = 0;
  store::TokenKind token_kind = store::TokenKind::kSession;
  Instant token_expires;  // epoch: never

  // "staff:12", or "account:3" for a platform administrator.
  std::string ActorId() const;
  bool HasRole(Role r) const;
  bool ActsFor(CarrierId c) const;
};

// A token's text (shown once) and its stored record.
struct IssuedToken {
  std::string token;
  store::TokenRecord record;
};

// Creates the platform administrator (`proprio init --admin-name`); it may
// create carriers and becomes a member of each it creates. AlreadyExists when
// the login is taken.
Result<store::AccountRecord> CreatePlatformAdmin(store::Store& store, const std::string& name,
                                                 const std::string& login,
                                                 std::string_view password,
                                                 const PasswordCost& cost, const Actor& actor);

// Gives a staff member a login and password (creating the account or
// replacing its password); appended to the staff member's carrier's ledger as
// staff.credentials_set. An empty password makes a token-only account.
Result<store::AccountRecord> SetStaffCredentials(store::Store& store, StaffId staff,
                                                 const std::string& login,
                                                 std::string_view password,
                                                 const PasswordCost& cost, const Actor& actor);

// Lets an account act for one more carrier (staff.carrier_granted).
Status GrantCarrier(store::Store& store, store::AccountId account, CarrierId carrier,
                    const Actor& actor);

struct SignInResult {
  IssuedToken session;
  Principal principal;
};

// Checks login and password. Unauthenticated for a wrong login or password
// (the same answer for both); ResourceExhausted while locked, with
// *retry_after_seconds set.
Result<SignInResult> SignIn(store::Store& store, const std::string& login,
                            std::string_view password, const AuthPolicy& policy, Instant now,
                            int64_t* retry_after_seconds = nullptr);

// The principal behind a token; Unauthenticated when it is unknown, expired,
// revoked or its account or staff member is inactive.
Result<Principal> ResolveToken(store::Store& store, std::string_view token, Instant now);

// An API token for a staff member (usually of role system), created with an
// account if the staff member has none. Appended as staff.token_issued.
Result<IssuedToken> IssueApiToken(store::Store& store, StaffId staff, const std::string& label,
                                  const Actor& actor);

// Revokes a token. NotFound unless it belongs to `owner` (when given).
// Appended as staff.token_revoked to the carrier's ledger when given.
Status RevokeToken(store::Store& store, int64_t token_id,
                   std::optional<store::AccountId> owner, std::optional<CarrierId> carrier,
                   const Actor& actor);

// SHA-256 of a token's text, as stored.
std::string TokenHash(std::string_view token);
// 256 random bits from OpenSSL's RAND_bytes, as a "prp_..." token.
Result<std::string> NewToken();

}  // namespace proprio::services
