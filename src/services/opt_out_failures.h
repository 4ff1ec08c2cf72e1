// services/opt_out_failures.h: incidents where a carrier's opt-out mechanisms
// failed, and the written notice to the Commission 47 CFR 64.2009(f) asks
// for when consumers' inability to opt out is more than an anomaly.
//
// An incident is a compliance record (store/certification_records.h, kind
// "opt_out_failure"; no table of its own): occurred_on is the carrier's date
// it learned of the failure, category the person's determination
// ("anomaly" | "more_than_anomaly"), status "open" (notice owed, not sent),
// "not_required" (an anomaly) or "sent"; details is a JSON object:
//
//   learned_at, started_at|null       RFC 3339 (UTC)
//   mechanisms, problems              the mechanism(s) used, the problem(s)
//   determination {degree, by, reasons, at}
//   remedy, remedy_date|null          remedy proposed; YYYY-MM-DD it will be/was in place
//   state_commission_notified (bool|null), state_commission_action
//   customer_notice                   a copy of the notice provided to customers
//   contact                           contact information for the letter
//   rule_set, policy_version          in force when the carrier learned of it
//   fcc_notice|null {sent_at, reference, text_sha256, letter_date}
//
// Every change is a ledger entry in the same transaction:
// "opt_out_failure.recorded", "opt_out_failure.updated",
// "opt_out_failure.notice_sent". The free text (descriptions, the customer
// notice, the contact) goes in the entry's payload, never its body.
//
// The clock and the letter's contents are rules/s2009_opt_out_failure.h; the
// letter is report/opt_out_failure_notice.h.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/opt_out_failure_notice.h"
#include "rules/s2009_opt_out_failure.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

inline constexpr char kOptOutFailure[] = "opt_out_failure";

struct OptOutFailureInput {
  Instant learned_at;                 // required, not in the future
  std::optional<Instant> started_at;  // when the failure began; not after learned_at
  std::string mechanisms;             // required
  std::string problems;               // required
  std::string determination;          // rules::FailureDegree name, required
  std::string determined_by;          // the person who determined it, required
  std::string reasons;                // why (optional)
  // Contents of the letter that may be known at once (or added by update).
  std::string remedy;
  CivilDate remedy_date;  // invalid: not yet known
  std::optional<bool> state_commission_notified;
  std::string state_commission_action;
  std::string customer_notice;
  std::string contact;
};

// What an update changes: every field given replaces the stored one.
struct OptOutFailureUpdate {
  std::optional<std::string> mechanisms, problems, remedy, state_commission_action,
      customer_notice, contact;
  std::optional<CivilDate> remedy_date;
  std::optional<bool> state_commission_notified;
  // A new determination (with who made it and why).
  std::optional<std::string> determination, determined_by, reasons;
  // Optimistic concurrency: the ledger_seq the caller read (the HTTP ETag);
  // Aborted naming "If-Match" when it changed.
  std::optional<int64_t> expected_version;
  bool empty() const;
};

struct OptOutFailure {
  store::ComplianceRecordRow row;
  nlohmann::json details;  // the row's details, parsed
  rules::OptOutFailureClock clock;
  std::vector<rules::ContentGap> missing;  // contents the letter still lacks
  std::string time_zone;
};

// InvalidArgument naming the field: learned_at missing or in the future,
// started_at after learned_at, remedy_date before the failure began, text
// missing or too long, an unknown determination. NotFound: no carrier.
Result<OptOutFailure> RecordOptOutFailure(store::Store& store, CarrierId carrier,
                                          const OptOutFailureInput& in, const Actor& actor);
// FailedPrecondition once the notice was sent (the letter the Commission has
// is the record); InvalidArgument "update" when nothing is given.
Result<OptOutFailure> UpdateOptOutFailure(store::Store& store, CarrierId carrier, int64_t id,
                                          const OptOutFailureUpdate& update, const Actor& actor);
// Records that the letter was sent to the Commission at `sent_at` (reference:
// the filing's confirmation or tracking number). InvalidArgument: a content
// item missing (named), sent_at before learned_at or in the future,
// reference missing; FailedPrecondition: already sent, or an anomaly (no
// notice owed).
Result<OptOutFailure> MarkOptOutFailureNoticeSent(store::Store& store, CarrierId carrier,
                                                  int64_t id, Instant sent_at,
                                                  const std::string& reference,
                                                  const Actor& actor);
Result<OptOutFailure> GetOptOutFailure(store::Store& store, CarrierId carrier, int64_t id);
// Every incident of the carrier, by id; `open_only`: notices owed and not sent.
Result<std::vector<OptOutFailure>> ListOptOutFailures(store::Store& store, CarrierId carrier,
                                                      bool open_only);

// The letter's facts (dated `now` in the carrier's zone, or the date it was
// sent). InvalidArgument naming the first missing content item (64.2009(f)(1));
// FailedPrecondition for an anomaly.
Result<report::OptOutFailureNoticeFacts> OptOutFailureNoticeFacts(store::Store& store,
                                                                  CarrierId carrier, int64_t id,
                                                                  Instant now);

// Open notices for `proprio due`: every carrier when `carrier` is invalid.
struct OptOutFailureDue {
  CarrierId carrier;
  int64_t id = 0;
  std::string time_zone;
  rules::OptOutFailureClock clock;
  bool overdue = false;
  int64_t micros_left = 0;  // negative when overdue
};
Result<std::vector<OptOutFailureDue>> ListOptOutFailuresDue(store::Store& store, CarrierId carrier,
                                                            Instant now);

// The notice's clock at `now`: state, due, due_local (the carrier's zone),
// last_day, time_left, seconds_left, overdue, met_at, met_late, governed_by,
// basis, explanation.
nlohmann::json OptOutFailureNoticeToJson(const rules::OptOutFailureClock& clock,
                                         const std::string& time_zone, Instant now);
// The incident with its notice evaluated at `now` (due, due_local,
// time_left, overdue, missing contents).
nlohmann::json OptOutFailureToJson(const OptOutFailure& f, Instant now);

}  // namespace proprio::services
