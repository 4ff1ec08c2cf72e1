// services/approval_index.h: every customer's decision facts in memory —
// services, type, business CPNI contract and the folded approval record
// (rules::ApprovalRecord) — so a decision needs no database read.
//
// The index is a projection of the store that follows each carrier's ledger
// by sequence number (ARCHITECTURE.md, "Ledger"): Load() reads every carrier
// once; CatchUp() applies what the ledger recorded since (approval.* events,
// customer.created/updated and imports, policy.set, which refolds the
// carrier's records under the new policy). Writers in this process call
// CatchUp after their commit, so their decisions see their writes; writes by
// other processes are seen at the next CatchUp (DecisionService runs one
// periodically).
//
// Layout: one 112-byte entry per customer, in pages of 4096 entries addressed
// by customer id (ids are assigned densely by the store), so a lookup is two
// array indexations and memory is about 112 bytes per customer plus unused
// slots of partly filled pages.
//
// Exactness: an ApprovalRecord answers exactly for instants at or after the
// last event it folded. Facts() says kPast for an earlier instant, and the
// caller answers from the store's events (DeriveStatus). An event recorded
// with an instant earlier than the customer's last one refolds that
// customer's record from the store in event-time order.
//
// Thread-safety: all methods may be called concurrently; lookups take a
// shared lock (Reader holds one for a batch), updates an exclusive one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <vector>

#include "core/domain.h"
#include "rules/approval.h"
#include "rules/decide.h"
#include "rules/rule_set.h"
#include "services/policies.h"
#include "store/store.h"

namespace proprio::services {

// Converts a stored approval event to the rules form (and back).
rules::ApprovalEvent ApprovalEventFromRow(const store::ApprovalEventRow& row);

class ApprovalIndex {
 public:
  explicit ApprovalIndex(rules::RuleConfig config = {});
  ~ApprovalIndex();
  ApprovalIndex(const ApprovalIndex&) = delete;
  ApprovalIndex& operator=(const ApprovalIndex&) = delete;

  // Reads every carrier, its customers and approval events (replacing what
  // the index held).
  Status Load(store::Store& store);
  // Applies the carrier's ledger entries after the last one seen (loads the
  // carrier when the index does not know it yet).
  Status CatchUp(store::Store& store, CarrierId carrier);
  // CatchUp for every carrier in the store.
  Status CatchUpAll(store::Store& store);

  enum class Found : uint8_t {
    kYes,         // facts filled
    kNoCarrier,   // the index does not hold this carrier
    kNoCustomer,  // no such customer at this carrier
    kPast,        // `at` precedes the customer's last folded event, or the customer is
                  // closed (a former customer, 64.2003(f)): ask the store
  };

  // A shared lock over the index for many lookups (a batch of decisions).
  class Reader {
   public:
    explicit Reader(const ApprovalIndex& index);
    // The carrier's rules context (null when the index does not hold it).
    const CarrierRules* Carrier(CarrierId carrier) const;
    Found Facts(CarrierId carrier, CustomerId customer, Instant at,
                rules::CustomerFacts* facts) const;
    // The highest customer id of `carrier` the index holds (0: none): a walk
    // over a carrier's customers asks Facts for ids 1..MaxCustomer and skips
    // kNoCustomer (another carrier's id or a gap).
    CustomerId MaxCustomer(CarrierId carrier) const;

   private:
    const ApprovalIndex& index_;
    std::shared_lock<std::shared_mutex> lock_;
  };

  // For tests and benchmarks: populate without a store.
  void PutCarrier(CarrierRules rules);
  // REQUIRES: PutCarrier(row.carrier) first; row.id > 0.
  void PutCustomer(const store::CustomerFactsRow& row);
  // Folds one event into the customer's record (events in time order).
  Status Apply(CarrierId carrier, CustomerId customer, const rules::ApprovalEvent& event);

  size_t customers() const;
  // Bytes held by the customer entries and their page table.
  size_t MemoryBytes() const;
  // The last ledger seq of `carrier` the index has applied (0: none).
  int64_t SeenSeq(CarrierId carrier) const;

  // What the last CatchUp read from the store: its cost is meant to follow
  // what changed (the ledger entries since the last one seen and the rows
  // they name), never the carrier's customer count (issue 23).
  struct CatchUpStats {
    bool reloaded = false;          // the carrier was read whole (unknown carrier, policy.set)
    int64_t ledger_entries = 0;     // ledger entries read after the last one seen
    int64_t customer_rows = 0;      // customer rows read (new customers, updated ones)
    int64_t event_rows = 0;         // approval event rows read (new ones, refolds)
    std::vector<CustomerId> customers;  // distinct customers refreshed, ascending (empty on reload)
  };
  CatchUpStats LastCatchUp() const;

  static constexpr size_t kEntryBytes = 112;

 private:
  struct Entry;
  struct Page;
  struct CarrierState {
    CarrierRules rules;
    int64_t seen_seq = 0;
    CustomerId max_customer;
  };

  Entry* Slot(CustomerId id, bool create);
  const Entry* Find(CarrierId carrier, CustomerId id) const;
  void PutLocked(const store::CustomerFactsRow& row);
  Status ApplyLocked(const CarrierRules& rules, Entry& e, const rules::ApprovalEvent& event);
  // Reads the carrier's state from `tx` (customers and events up to the
  // snapshot) into fresh entries. REQUIRES: mu_ held exclusively.
  Status LoadCarrier(store::Tx& tx, CarrierId carrier);
  // The same without holding mu_ while reading: folds aside, then swaps in.
  // (A policy change refolds a whole carrier; lookups go on meanwhile.)
  Status ReloadCarrier(store::Store& store, CarrierId carrier);

  const rules::RuleConfig config_;
  mutable std::mutex writer_mu_;  // one writer at a time: entries are never applied twice
  mutable std::shared_mutex mu_;
  std::vector<std::unique_ptr<Page>> pages_;
  std::map<CarrierId, CarrierState> carriers_;
  size_t customers_ = 0;
  CatchUpStats last_catch_up_;  // guarded by writer_mu_
};

}  // namespace proprio::services
