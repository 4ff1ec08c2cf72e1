// rules/s2011_breach.h: what may be recorded on a CPNI breach case, and when
// (47 CFR 64.2011, 2007 or as amended in 2024): the preconditions of each
// action, checked against the case's facts and clocks (rules/breach_obligations.h).
// Pure: no store, no clock; the service reads the case, resolves the customers
// an action names, and calls CheckBreachAction inside its transaction
// (services/breach_actions.cc).
//
// A refusal is InvalidArgument naming the field for bad input ("agency: ...")
// and FailedPrecondition for an action out of order, each citing the rule
// set's entry (RuleSet::Cite): a customer notice before the agency notice,
// during the 2007 wait or a directed delay; a no-harm determination under the
// 2007 rules; a 2007 urgent need not indicated in the agency notice; closing
// with an obligation open.
//
//   RETURN_IF_ERROR(CheckBreachAction(rule_set, policy, state, action, at, resolved));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/status.h"
#include "core/time.h"
#include "rules/breach_obligations.h"
#include "rules/policy.h"
#include "rules/rule_set.h"

namespace proprio::rules {

// The largest customer count a case or a notice may name.
inline constexpr int64_t kMaxBreachCount = 10'000'000'000LL;

enum class BreachActionKind : uint8_t {
  kAgencyNotified = 0,
  kDelayRequested,
  kDelayExtended,
  kUrgentDetermined,
  kHarmDetermined,
  kNoHarmDetermined,
  kCustomerNotified,
  kAffectedUpdated,
  kAnnualSummaryFiled,
  kClosed,
};
const char* BreachActionKindName(BreachActionKind k);  // "agency_notified", ...
// InvalidArgument (field "kind") listing the kinds for an unknown name.
Result<BreachActionKind> ParseBreachActionKind(std::string_view name);

// Customer notice channels and outcomes.
const std::vector<std::string>& BreachNoticeChannels();  // mail, email, ...
const std::vector<std::string>& BreachNoticeOutcomes();  // sent, delivered, returned, failed

struct BreachActionInput {
  BreachActionKind kind = BreachActionKind::kAgencyNotified;
  std::optional<Instant> at;  // when it happened; default now; never in the future
  // agency_notified
  std::vector<std::string> agencies;  // "usss", "fbi", "fcc"
  // portal reference; annual_summary_filed: filing reference; urgent_determined
  // (2007): the notification or amendment that indicated the urgent need
  std::string reference;
  // delay_requested, delay_extended, urgent_determined: the agency ("usss", "fbi", "fcc", "other";
  // a delay under fcc-2024 also "national_security")
  std::string agency;
  CivilDate requested_on;  // delay: the day the agency asked
  CivilDate until;         // delay: its last day (carrier's zone)
  bool in_writing = false;
  // urgent_determined, harm_determined, no_harm_determined, closed
  std::string reasons;
  // customer_notified: one customer (id or account), or `count` customers at once
  std::optional<CustomerId> customer;
  std::string account;
  int64_t count = 0;
  bool all_notified = false;  // this notice completes the notification of all affected
  std::string channel;        // mail, email, telephone, text, in_person, substitute
  std::string outcome;        // sent, delivered, returned, failed
  // affected_updated
  std::vector<CustomerId> add_customers;
  std::vector<std::string> add_accounts;
  std::optional<int64_t> affected_count;
  bool affected_unknown = false;
  int year = 0;  // annual_summary_filed: the summary's year (default: the determination's)
  std::string notes;
};

// What the preconditions read of a case.
struct BreachCaseState {
  int64_t id = 0;
  bool open = true;
  Instant discovered_at;
  BreachFacts facts;
  BreachClock clock;
  std::vector<CustomerId> affected;  // linked customers, sorted
};

// The customers an action names (customer_notified: `customer`/`account`;
// affected_updated: `add_customers`/`add_accounts`), as the service found
// them, sorted and unique; or why it could not (an unknown id or account,
// naming the field). Empty and OK when the action names none.
struct ResolvedCustomers {
  Status status = Status::Ok();
  std::vector<CustomerId> ids;
};

// OK when `in`, happening at `at`, may be recorded on the case; the refusal
// otherwise. `policy` is the carrier's policy kept with the case.
Status CheckBreachAction(const RuleSet& rs, const Policy& policy, const BreachCaseState& c,
                         const BreachActionInput& in, Instant at,
                         const ResolvedCustomers& resolved);

}  // namespace proprio::rules
