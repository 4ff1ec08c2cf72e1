// store/auth_records.h: the rows of migration 0005_authentication (customer
// secrets, verification sessions and steps, online accounts, reset codes,
// pretexting flags, the account-change notification outbox and its
// settings), as the Tx methods in tx_auth.cc read and write them.
//
// Secrets never appear here in the clear: secret_hash is an argon2id
// encoding, code_hash and token_hash are SHA-256. Enumerations are their wire
// names (services/customer_auth.h and services/notifications.h own them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/domain.h"
#include "core/ids.h"
#include "core/time.h"

namespace proprio::store {

struct CustomerSecretRow {
  CarrierId carrier;
  CustomerId customer;
  int kind = 0;  // 0 CPNI password, 1 back-up authentication
  std::string question;
  std::string secret_hash;
  Instant set_at;
  std::string set_by;
  std::string setup_path;
  int64_t ledger_seq = 0;
};

struct CustomerAuthStateRow {
  CarrierId carrier;
  CustomerId customer;
  int64_t phone_failures = 0;
  Instant phone_locked_until;
  int64_t online_failures = 0;
  Instant online_locked_until;
  CivilDate postal_since;          // the last change Proprio saw (invalid: none)
  CivilDate email_since;           // invalid: since the customer was created
  // The last address (e-mail) that was of record, i.e. on file 30 days, before
  // the current one (64.2003(b)); empty: none known.
  PostalAddress previous_address;
  std::string previous_email;
};

struct OnlineAccountRow {
  CarrierId carrier;
  CustomerId customer;
  std::string login;
  Instant created_at;
  Instant last_sign_in;  // epoch: never
  int64_t ledger_seq = 0;
};

struct VerificationSessionRow {
  int64_t id = 0;
  CarrierId carrier;
  CustomerId customer;
  std::string channel;  // phone | online | in_store
  std::string calling_number;
  std::string call_id;
  std::string actor;
  StaffId staff;  // 0: none
  Instant opened_at;
  Instant expires_at;
  Instant closed_at;  // epoch: open
  uint32_t flags = 0;
  int64_t failures = 0;
  std::string stated_call_detail;
  std::optional<std::string> token_hash;
  int64_t ledger_seq = 0;
};

struct VerificationStepRow {
  int64_t id = 0;
  CarrierId carrier;
  int64_t session_id = 0;
  CustomerId customer;
  std::string calling_number;
  std::string actor;
  Instant at;
  std::string kind;
  std::string outcome;  // passed | failed | refused
  std::string detail;   // JSON object
  int64_t ledger_seq = 0;
};

// What failed steps are counted by (Tx::TallyFailures).
enum class FailureKey : uint8_t { kCallingNumber, kActor, kCustomer };

// Failed steps in a window, for the pretexting checks.
struct FailureTally {
  int64_t failures = 0;
  int64_t accounts = 0;  // distinct customers
  std::string step_ids;  // comma-separated, newest last (at most 50)
};

struct ResetCodeRow {
  int64_t id = 0;
  CarrierId carrier;
  CustomerId customer;
  std::string code_hash;
  std::string channel;
  Instant created_at;
  Instant expires_at;
  Instant used_at;  // epoch: unused
  int64_t attempts = 0;
};

struct PretextingFlagRow {
  int64_t id = 0;
  CarrierId carrier;
  std::string kind;  // calling_number | staff | account
  std::string key;
  Instant raised_at;
  Instant updated_at;
  int64_t failures = 0;
  int64_t accounts = 0;
  std::string evidence;  // JSON object
  std::string state = "open";
  std::string reviewed_by;
  Instant reviewed_at;
  std::string review_note;
  int64_t ledger_seq = 0;
};

struct NotificationSettingsRow {
  CarrierId carrier;
  std::string webhook_url;
  std::string channels = "text;mail";
  int64_t bound_seconds = 3600;
  int64_t max_attempts = 8;
  int64_t backoff_base_ms = 30'000;
  int64_t backoff_max_ms = 3'600'000;
  std::string callback_phone;
  Instant updated_at;
};

struct NotificationRow {
  int64_t id = 0;
  CarrierId carrier;
  CustomerId customer;
  std::string change_kind;
  std::string change_event;
  std::string channel;
  std::string destination;
  std::string recipient_name;
  std::string message;
  std::string idempotency_key;
  std::string state = "queued";
  int64_t attempts = 0;
  Instant next_attempt_at;
  Instant lease_until;
  std::string last_error;
  Instant created_at;
  Instant due_by;
  Instant delivered_at;  // epoch: not yet
  int64_t ledger_seq = 0;
};

struct NotificationFilter {
  bool pending_only = false;  // not yet delivered (or printed)
  CustomerId customer;        // 0: every customer
  int64_t after_id = 0;       // cursor
  int limit = 100;
};

// Undelivered notifications (for one carrier, or all).
struct NotificationBacklog {
  int64_t pending = 0;  // not delivered or printed
  int64_t overdue = 0;  // of those, past due_by
  int64_t failed = 0;   // gave up retrying
  Instant oldest_due;   // epoch: none pending
};

}  // namespace proprio::store
