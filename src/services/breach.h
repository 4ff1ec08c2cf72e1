// services/breach.h: CPNI breach cases (47 CFR 64.2011) — opening a case,
// recording each step, the clocks that run against it, the documents it
// needs, and its records' retention.
//
// A case holds what the rule asks to keep: the description, how and when it
// was discovered, the instant it was reasonably determined (the clocks start
// there), the CPNI and other data involved, whether it was intentional, the
// affected customers (linked to customer records, or a count, or unknown),
// the rule set in force at the determination (or a what-if set), and the
// carrier's policy in force when the case was opened (its TOML is kept with
// the case, so the clocks of a case never change afterwards). Every step is a
// ledger entry ("breach.opened", "breach.agency_notified", ...): the entry's
// body holds no personal data; free text (description, reasons, notes) is in
// its payload, kept the retention period (the larger of 64.2011(d)'s 2 years
// and the policy's), never erased earlier, erasable afterwards
// (EraseBreachRecords).
//
// Obligations come from rules/breach_obligations.h, computed at every read
// from the case's facts (so `due` and /metrics are always current). Actions
// out of order are refused with the rule cited (FailedPrecondition): a
// customer notice before the agency notice, during the 2007 wait or a
// directed delay; a no-harm determination under the 2007 rules; closing with
// an obligation open. Bad input is InvalidArgument naming the field.
//
//   ASSIGN_OR_RETURN(BreachCase c, OpenBreach(store, carrier, input, settings, actor));
//   ASSIGN_OR_RETURN(c, RecordBreachAction(store, carrier, c.row.id, action, actor));
//   ASSIGN_OR_RETURN(auto due, ListDueObligations(store, CarrierId(), Instant::Now()));
//
// Action details (breach_actions.details JSON, and the ledger body less the
// free text): agency_notified {agencies, reference}; delay_requested /
// delay_extended {agency, requested_on, until, in_writing}; urgent_determined
// {agency, reasons; under the 2007 rules also reference, indicated_in:
// "agency_notice" | "amendment": 64.2011(b)(2) has the urgent need indicated
// in the notification to law enforcement, so it is recorded after
// agency_notified with the reference of that notification or its
// amendment}; harm_determined / no_harm_determined {reasons};
// customer_notified {channel, outcome, count, all_notified}; affected_updated
// {added, affected_count}; annual_summary_filed {reference, year}; closed
// {reasons}; records_erased {entries}; letters_prepared {letters}.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "report/breach_documents.h"
#include "rules/breach_obligations.h"
#include "rules/rule_set.h"
#include "rules/s2011_breach.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

// Names accepted in other_data (besides CPNI categories in `cpni`).
const std::vector<std::string>& BreachOtherDataNames();
// Other data whose exposure puts customers at risk of identity theft.
bool IdentityTheftRisk(const std::vector<std::string>& other_data);

// Deployment configuration: the operator's date for the fcc-2024 64.2011.
struct BreachSettings {
  rules::RuleConfig rule_config;
};

struct BreachOpenInput {
  std::string description;
  std::string discovered_how;
  Instant discovered_at;   // required (epoch = not given)
  Instant determined_at;   // required; the clocks start here
  std::vector<std::string> cpni;        // rules::CpniCategory names
  std::vector<std::string> other_data;  // BreachOtherDataNames()
  bool intentional = true;
  std::vector<CustomerId> customers;     // affected customers, linked
  std::vector<std::string> accounts;     // or by account number
  std::optional<int64_t> affected_count; // nullopt: the linked customers, or unknown
  bool affected_unknown = false;         // the number cannot be determined
  std::string method;                    // method of compromise
  CivilDate started_on;                  // date range (optional)
  CivilDate ended_on;
  std::optional<int64_t> estimated_loss_cents;
  std::string contact;                   // default: the carrier's name and address
  // What-if: a rule set by name ("fcc-2007", "fcc-2024") instead of the one in
  // force at the determination, and a date for the fcc-2024 64.2011 instead of
  // the settings'.
  std::string rule_set;
  std::optional<CivilDate> breach_2024_effective;
};

// The actions and their preconditions are rules/s2011_breach.h's.
using rules::BreachActionInput;
using rules::BreachActionKind;
using rules::BreachActionKindName;
using rules::ParseBreachActionKind;

struct BreachCase {
  store::BreachCaseRow row;
  std::vector<CustomerId> affected;
  std::vector<store::BreachActionRow> actions;
  std::string time_zone;
  std::vector<std::string> agencies_notified;
  rules::BreachFacts facts;
  rules::BreachClock clock;
};

Result<BreachCase> OpenBreach(store::Store& store, CarrierId carrier, const BreachOpenInput& in,
                              const BreachSettings& settings, const Actor& actor);
// NotFound unless the case belongs to the carrier.
Result<BreachCase> GetBreach(store::Store& store, CarrierId carrier, int64_t id);
// `state`: "" (all), "open" or "closed".
Result<std::vector<BreachCase>> ListBreaches(store::Store& store, CarrierId carrier,
                                             const std::string& state);
// A page of the carrier's cases by id, after case `after`.
Result<store::Page<BreachCase>> ListBreaches(store::Store& store, CarrierId carrier,
                                             const std::string& state, int64_t after, int limit);
Result<BreachCase> RecordBreachAction(store::Store& store, CarrierId carrier, int64_t id,
                                      const BreachActionInput& in, const Actor& actor);

struct DueItem {
  CarrierId carrier;
  int64_t case_id = 0;
  std::string time_zone;
  rules::Obligation obligation;
  bool overdue = false;
  std::optional<int64_t> micros_left;  // negative when overdue; empty: no fixed deadline
};
// Every open obligation of the open cases of `carrier` (every carrier when
// invalid): overdue first, then by due instant, those without a deadline last.
Result<std::vector<DueItem>> ListDueObligations(store::Store& store, CarrierId carrier,
                                                Instant now);
// The open obligations of a page of the carrier's open cases (at most `limit`
// cases, by id, after case `after`): by case id, then in the case's order
// (agency notice, customer notice, annual summary). The page's key is a case id.
Result<store::Page<DueItem>> ListDueObligations(store::Store& store, CarrierId carrier,
                                                Instant now, int64_t after, int limit);

struct ObligationCounts {
  int64_t open = 0;
  int64_t overdue = 0;
};
Result<ObligationCounts> CountBreachObligations(store::Store& store, Instant now);

// The facts documents are made from.
// `now` dates the documents in the carrier's zone (facts.today) and decides
// whether a customer letter may be sent yet (facts.letter_hold).
Result<report::BreachDocFacts> BreachDocumentFacts(store::Store& store, CarrierId carrier,
                                                   int64_t id, Instant now);

struct BreachLetter {
  std::optional<CustomerId> customer;  // empty: the generic letter
  std::string file_name;               // "breach-7-customer-42.pdf"
  std::string pdf;
  // Why the rules do not yet allow the letter to be sent ("" when they do);
  // such a letter is marked as a draft.
  std::string hold;
};
// One letter per linked affected customer (or `only`), or the generic letter
// when none is linked. FailedPrecondition when the customer notice is not
// required (2024 64.2011(b) no-harm determination). Reading the customers' names and addresses is
// recorded (breach.letters_prepared).
Result<std::vector<BreachLetter>> PrepareBreachLetters(store::Store& store, CarrierId carrier,
                                                       int64_t id, std::optional<CustomerId> only,
                                                       const Actor& actor);

// The small no-harm breaches (2024 64.2011(a)(3)) determined in `year` (the
// carrier's zone), for the annual summary to the FCC.
Result<report::AnnualSummaryInput> BreachAnnualSummary(store::Store& store, CarrierId carrier,
                                                       int year);

// Erases a closed case's personal data once its retention has ended: the
// payloads of its ledger entries (Tx::ErasePayload) and the free text of its
// rows; appends breach.records_erased. FailedPrecondition before retain_until
// or while the case is open.
Result<BreachCase> EraseBreachRecords(store::Store& store, CarrierId carrier, int64_t id,
                                      const Actor& actor);

// JSON of a case (with obligations evaluated at `now`) and of a due item.
nlohmann::json BreachCaseToJson(const BreachCase& c, Instant now);
nlohmann::json ObligationToJson(const rules::Obligation& o, Instant now);
nlohmann::json DueItemToJson(const DueItem& d, Instant now);

// "3d 04h 05m" / "-1d 02h 00m" (for the CLI).
std::string DurationText(int64_t micros);

}  // namespace proprio::services
