// store/consent_records.h: the rows of migration 0003_consent (approval
// events, notice templates and sends, carrier policies, the decision log) as
// the Tx methods in tx_consent.cc read and write them.
//
// The store knows nothing of rules/: enumerations are the integer index of
// the rules enumerator (rules::ApprovalEventKind, rules::Purpose, ...) and
// sets are bit masks; services/ converts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ids.h"
#include "core/time.h"

namespace proprio::store {

struct ApprovalEventRow {
  int64_t id = 0;  // assigned on insert
  CarrierId carrier;
  CustomerId customer;
  int kind = 0;  // rules::ApprovalEventKind
  Instant at;
  uint32_t scopes = 0;  // rules::ScopeSet bits
  int64_t notice_id = 0;
  int notice_channel = 0;  // rules::NoticeChannel
  bool email_consent = false;
  int evidence_channel = 0;  // rules::ConsentChannel
  std::string document_id;
  std::string recording_id;
  StaffId staff;  // 0: none
  std::string call_id;
  std::optional<Instant> call_end;
  Instant recorded_at;
  std::string actor;
  int64_t ledger_seq = 0;
};

struct NoticeTemplateRow {
  int64_t id = 0;
  CarrierId carrier;
  std::string name;
  int kind = 0;     // rules::NoticeKind
  int channel = 0;  // rules::NoticeChannel
  std::string checklist;  // JSON object
  std::string document_ref;
  int64_t policy_version = 0;
  Instant created_at;
  std::string actor;
  int64_t ledger_seq = 0;
};

struct NoticeSendRow {
  int64_t id = 0;
  CarrierId carrier;
  int64_t template_id = 0;
  int channel = 0;
  uint32_t scopes = 0;
  Instant sent_at;
  int64_t customers = 0;
  Instant recorded_at;
  std::string actor;
  int64_t ledger_seq = 0;
};

struct PolicyRow {
  CarrierId carrier;
  int64_t version = 0;
  std::string name;
  std::string toml;
  std::string sha256;  // hex
  Instant set_at;
  std::string actor;
  int64_t ledger_seq = 0;
};

struct DecisionRow {
  int64_t id = 0;  // assigned on insert
  CarrierId carrier;
  CustomerId customer;
  Instant at;
  Instant decided_at;
  std::string actor;
  int action = 0;
  int purpose = 0;
  int recipient_kind = 0;
  int64_t recipient_id = 0;
  uint32_t cpni = 0;
  int service_category = 0;
  int offering = 0;
  uint32_t context_flags = 0;
  int channel = 0;
  bool allowed = false;
  std::string rule_set;
  bool what_if = false;
  int64_t policy_version = 0;
  std::string basis;     // '|'-separated citations
  std::string requires_;  // ','-separated requirement names
  std::string reason;
};

// What a customer's decisions need to know about the customer: facts kept in
// the in-memory approval index.
struct CustomerFactsRow {
  CustomerId id;
  CarrierId carrier;
  int customer_type = 0;  // core CustomerType
  uint32_t services = 0;  // core ServiceSet bits
  bool business_cpni_contract = false;  // representative and contract both set
  std::optional<Instant> closed_at;     // a former customer (64.2003(f)) since
};

// A ledger entry's type and subject, for projections following the ledger.
struct LedgerMark {
  int64_t seq = 0;
  std::string type;
  std::string subject;
};

}  // namespace proprio::store
