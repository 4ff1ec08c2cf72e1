// services/consent.h: a customer's CPNI approvals (47 CFR 64.2007-64.2008) as
// ledger events, and the status derived from them.
//
// Every event is validated (rules::ValidateApprovalEvent: evidence for
// approvals, 64.2007(a)(1); a call id for one-time consent, 64.2008(f); ...),
// stored in approval_events and appended to the carrier's ledger as
// "approval.<kind>" in the same transaction: the body holds the kind, scopes
// and instants; the evidence references and the call id (personal data) go in
// the payload, kept at least the policy's approval_record_years from when the
// approval ENDS (64.2007(a)(3)): while it is in force the payload has no
// erasure date (kApprovalKeptWhileInForce). Opt-out notices are recorded by sending a notice
// (services/notices.h), which checks the notice first.
//
// Status at an instant is a fold of the events in time order
// (rules::DeriveStatus), in the carrier's time zone, under its policy.
//
//   ASSIGN_OR_RETURN(ApprovalEventRecord r, RecordConsent(store, carrier, customer, event, actor));
//   ASSIGN_OR_RETURN(ConsentReport s, ConsentStatus(store, carrier, customer, Instant::Now()));
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/domain.h"
#include "rules/approval.h"
#include "services/approval_index.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

struct ApprovalEventRecord {
  int64_t id = 0;
  CustomerId customer;
  rules::ApprovalEvent event;
  Instant recorded_at;
  std::string actor;
  int64_t ledger_seq = 0;
};

// retain_until of the evidence payload of an approval whose end is not known
// when it is recorded (64.2007(a)(3)): 9999-12-31, i.e. kept; the erasure
// date is rules::ApprovalRecordRetainUntil once a later event ends it.
inline const Instant kApprovalKeptWhileInForce = UtcMidnight(CivilDate{9999, 12, 31});

// An event may be dated this far after the moment it is recorded (clock skew).
inline constexpr int64_t kMaxEventFutureSkew = 5 * 60 * kMicrosPerSecond;

// Records one event for `customer`. InvalidArgument naming the field (and the
// citation) for an invalid event, an event dated in the future, or an opt-out
// notice (send notices with SendNotice); NotFound for an unknown customer or
// carrier, or a bounce of a notice the customer was not sent. When `index` is
// given it catches up after the commit, so decisions see the event at once.
Result<ApprovalEventRecord> RecordConsent(store::Store& store, CarrierId carrier,
                                          CustomerId customer, rules::ApprovalEvent event,
                                          const Actor& actor, ApprovalIndex* index = nullptr);

// Appends one approval event and its row inside an open transaction (used by
// RecordConsent and SendNotice). REQUIRES: the event passed validation.
Result<ApprovalEventRecord> AppendApprovalEvent(store::Tx& tx, CarrierId carrier,
                                                CustomerId customer,
                                                const rules::ApprovalEvent& event,
                                                int approval_record_years, const Actor& actor);

struct ConsentReport {
  // The last opt-out notice sent at or before `at` that counts (not bounced):
  // the history behind opt-out approval, kept after it lapses (64.2008(d)(2)).
  struct Notice {
    int64_t notice_id = 0;
    Instant sent_at;
    rules::NoticeChannel channel = rules::NoticeChannel::kMail;
    rules::ScopeSet scopes;
  };
  CustomerId customer;
  Instant at;
  rules::ApprovalStatus status;
  int64_t policy_version = 0;
  rules::ApprovalMode approval_mode = rules::ApprovalMode::kFloor;
  std::string rule_set;
  size_t events = 0;  // events folded (those at or before `at`)
  std::optional<Notice> last_opt_out_notice;
};

// The status at `at` (any instant: past, present or a future date).
Result<ConsentReport> ConsentStatus(store::Store& store, CarrierId carrier, CustomerId customer,
                                    Instant at);

// Every event of the customer, in the order the status folds them.
Result<std::vector<ApprovalEventRecord>> ConsentHistory(store::Store& store, CarrierId carrier,
                                                        CustomerId customer);
// A page of the customer's events by id (the order they were recorded), after
// event `after`. NotFound (field customer) for another carrier's customer.
Result<store::Page<ApprovalEventRecord>> ConsentHistory(store::Store& store, CarrierId carrier,
                                                        CustomerId customer, int64_t after,
                                                        int limit);

// ---- JSON ----
// An event as the CLI and the API take it:
//   {"kind": "opt_in_granted", "at": "2024-05-01T15:00:00Z",
//    "scopes": ["own_marketing_comm_related", "affiliates"],
//    "evidence": {"channel": "written", "document_id": "DOC-1",
//                 "recording_id": "", "staff": 12},
//    "notice_id": 3,                     (opt_out_notice_bounced)
//    "call_id": "c-77", "call_end": "..."  (one_time_consent, call_ended)}
// Unknown fields are refused; errors name the field ("scopes[1]").
Result<rules::ApprovalEvent> ApprovalEventFromJson(const nlohmann::json& j);
nlohmann::json ApprovalEventToJson(const ApprovalEventRecord& r);
nlohmann::json ConsentReportToJson(const ConsentReport& r);
nlohmann::json ScopesToJson(rules::ScopeSet scopes);
// Parses an array of scope names (field `field`, items "field[i]").
Result<rules::ScopeSet> ScopesFromJson(const nlohmann::json& j, const std::string& field);

}  // namespace proprio::services
