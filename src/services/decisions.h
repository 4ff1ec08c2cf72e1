// services/decisions.h: may this CPNI be used, disclosed or accessed —
// rules::Decide() with the customer's facts, the rule set in force and the
// carrier's policy, every decision logged with an id.
//
// Facts come from the in-memory ApprovalIndex when it holds the customer and
// the request's instant is not before the customer's last approval event;
// otherwise from the store (the customer's row and approval events, folded to
// the instant), which also answers what-if questions about the past. The rule
// set is the one in force at each request's instant (rules::RuleSetFor), or
// the one DecideOptions::rule_set names for a what-if.
//
// Logging: DecisionService writes the decision log through group commit (one
// transaction, one fsync, for many requests' decisions) and answers only once
// the decisions are durable, each with its decision_id. DecideOnce (the CLI)
// logs in its own transaction.
//
// Request JSON (ARCHITECTURE.md "Fixed interfaces"; unknown fields refused):
//   {"customer": 42, "action": "disclose", "purpose": "marketing",
//    "recipient": {"kind": "affiliate", "id": 7},
//    "cpni": ["usage", "service_configuration"], "service_category": "local",
//    "offering": "interexchange",
//    "context": {"customer_initiated_call": true, "approval_on_call": true,
//                "channel": "inbound_call", "call_id": "c-991"},
//    "at": "2025-01-06T15:04:05Z"}
// `recipient` defaults to {"kind": "carrier_itself"}; `offering` and
// `context` are optional; the context's other keys are rules::ContextFlag
// names with boolean values. A batch is {"requests": [ ... ]} (at most
// kMaxDecisionBatch); its errors name "requests[i].<field>".
// `purpose` "marketing" has its legal category derived from the offering, the
// service_category and the customer's services (rules::LegalCategory); the
// marketing_* labels are deprecated aliases for one release.
// Response: {"allowed", "basis", "reason", "requires", "rule_set",
// "policy_version", "decision_id", "legal_category", "label_overridden"}, plus
// "note" when the facts overrode the request's label; "requires" items are {"kind"} plus
// "scope" (approvals) and "any_of" (a group of alternatives: any one
// suffices). A batch answers {"decisions": [ ... ]} in request order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "rules/decide.h"
#include "rules/rule_set.h"
#include "services/approval_index.h"
#include "services/registry.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace proprio::services {

inline constexpr size_t kMaxDecisionBatch = 10'000;

struct DecideOptions {
  // What-if: "fcc-2007" or "fcc-2024" for every request; empty: the set in
  // force at each request's instant.
  std::string rule_set;
};

// ---- JSON ----
// One request; `prefix` ("requests[3].") is put before every field named in
// an error. Also runs rules::ValidateRequest.
Result<rules::DecisionRequest> DecisionRequestFromJson(const nlohmann::json& j,
                                                       const std::string& prefix = "");
// One request object, or {"requests": [...]} (then *batch is true).
Result<std::vector<rules::DecisionRequest>> DecisionRequestsFromJson(const nlohmann::json& body,
                                                                     bool* batch);
// One rule for `at` wherever a request is given (flags or JSON): a request
// object without "at" is asked at `now`. `body` is one request or
// {"requests": [...]}; anything else is returned unchanged.
nlohmann::json WithDefaultInstant(nlohmann::json body, Instant now);
nlohmann::json DecisionToJson(const rules::Decision& d);
nlohmann::json DecisionRequestToJson(const rules::DecisionRequest& r);
// A logged decision as stored (for GET .../decisions/{id}).
nlohmann::json DecisionRowToJson(const store::DecisionRow& row);

// The approval status of a customer at `at` from its stored events, folded
// exactly as the index folds them.
rules::ApprovalStatus FoldApprovalStatus(const std::vector<store::ApprovalEventRow>& events,
                                         Instant at, const CarrierRules& rules,
                                         const rules::RuleConfig& config);

// Decides from the store, without the index; logs each decision in the same
// transaction (decision ids assigned). For the CLI and one-off questions.
// NotFound (field "customer" / "requests[i].customer") for an unknown
// customer; InvalidArgument (field "rule_set") for an unknown rule set.
Result<std::vector<rules::Decision>> DecideOnce(store::Store& store, CarrierId carrier,
                                                std::span<const rules::DecisionRequest> requests,
                                                const DecideOptions& options,
                                                const rules::RuleConfig& config,
                                                const Actor& actor, bool batch = false);

struct DecisionServiceOptions {
  rules::RuleConfig rules;
  store::GroupCommitter::Options log{4096, std::chrono::microseconds(200)};
  // How often the index follows the ledger for writes by other processes
  // (0: only when this process writes, or a customer is missing).
  std::chrono::milliseconds refresh{250};
};

class DecisionService {
 public:
  DecisionService(store::Store& store, DecisionServiceOptions options);
  // Stops the background thread and commits the queued decision log.
  ~DecisionService();
  DecisionService(const DecisionService&) = delete;
  DecisionService& operator=(const DecisionService&) = delete;

  // Loads the index now (blocking). Until it is loaded, decisions read the store.
  Status LoadIndex();
  // Loads the index on a background thread, then follows the ledger every
  // `refresh`. Idempotent.
  void Start();
  bool index_ready() const { return ready_.load(std::memory_order_acquire); }

  // Decides without logging (decision_id 0): the benchmarked hot path.
  // `out` has room for requests.size() decisions. `batch` only shapes error
  // field names.
  Status Evaluate(CarrierId carrier, std::span<const rules::DecisionRequest> requests,
                  const DecideOptions& options, rules::Decision* out, bool batch = false);

  // Decides and logs; returns once the log is durable.
  Result<std::vector<rules::Decision>> Decide(CarrierId carrier,
                                              std::span<const rules::DecisionRequest> requests,
                                              const DecideOptions& options, const Actor& actor,
                                              bool batch = false);
  // Decides now and answers through `done` (on the log writer's thread) once
  // the log is durable; errors in the requests are answered at once. When
  // given, `prepare` sees the decisions (decision_id still 0) on the calling
  // thread before they are logged, so a caller can build its answer there and
  // leave `done` only the ids to fill in (the writer thread stays free).
  void DecideAsync(CarrierId carrier, std::vector<rules::DecisionRequest> requests,
                   const DecideOptions& options, const Actor& actor, bool batch,
                   std::function<void(Result<std::vector<rules::Decision>>)> done,
                   const std::function<void(const std::vector<rules::Decision>&)>& prepare =
                       nullptr);

  // Tells the index this process changed `carrier` (consent, notices, policy,
  // customers): it catches up before the next decision.
  Status Changed(CarrierId carrier);

  ApprovalIndex& index() { return index_; }
  store::Store& store() { return store_; }
  const rules::RuleConfig& rule_config() const { return options_.rules; }
  uint64_t log_batches() const { return committer_.batches(); }

 private:
  Status EvaluateFromStore(CarrierId carrier, std::span<const rules::DecisionRequest> requests,
                           std::span<const size_t> which, const DecideOptions& options,
                           rules::Decision* out, bool batch);
  void Loop();

  store::Store& store_;
  const DecisionServiceOptions options_;
  ApprovalIndex index_;
  store::GroupCommitter committer_;
  std::atomic<bool> ready_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool started_ = false;
  std::thread thread_;
};

}  // namespace proprio::services
