// store/access_records.h: the rows behind sign-in, tokens and idempotent
// retries (migration 0002_access), as the Tx methods in tx_access.cc read and
// write them. Secrets never appear here: passwords are argon2id encodings and
// tokens are SHA-256 hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ids.h"
#include "core/time.h"

namespace proprio::store {

using AccountId = Id<struct AccountTag>;

struct AccountRecord {
  AccountId id;
  std::optional<std::string> login;  // nullopt: API tokens only
  std::optional<StaffId> staff;      // nullopt: a platform administrator
  std::string name;
  std::optional<std::string> password_hash;  // argon2id encoded
  int64_t failed_attempts = 0;
  Instant locked_until;  // epoch: not locked
  bool active = true;
  Instant created_at;
};

enum class TokenKind : uint8_t { kSession = 0, kApi = 1 };

struct TokenRecord {
  int64_t id = 0;
  std::string token_hash;  // 32 bytes, SHA-256 of the token text
  AccountId account;
  TokenKind kind = TokenKind::kSession;
  std::string label;
  Instant created_at;
  Instant expires_at;  // epoch: never
  std::optional<Instant> revoked_at;
};

// A key's claim and, once answered, its answer (migration 0006). Status 0 is
// a pending claim: its request was started by the process `claimed_by` and
// has not answered yet.
struct IdempotencyRecord {
  static constexpr int kPending = 0;

  CarrierId carrier;  // 0 for routes outside a carrier
  AccountId account;
  std::string key;
  std::string request_hash;  // 32 bytes
  int status = kPending;     // the HTTP status of the answer; 0: pending
  std::string content_type;
  std::string body;
  // The answer's own headers, as the API encodes them (a JSON array of
  // [name, value] pairs); empty when none were kept.
  std::string headers;
  Instant created_at;     // when the claim was made
  std::string claimed_by;  // instance id of the claiming process

  bool pending() const { return status == kPending; }
};

}  // namespace proprio::store
