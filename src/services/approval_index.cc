#include "services/approval_index.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <set>

namespace proprio::services {

namespace {

constexpr int kPageBits = 12;
constexpr size_t kPageSize = size_t{1} << kPageBits;
constexpr uint8_t kPresent = 1;
constexpr uint8_t kBusiness = 2;
constexpr uint8_t kContract = 4;
// A former customer (64.2003(f)): answered from the store, which knows when
// the account closed (decisions are rare; the entry stays compact).
constexpr uint8_t kClosed = 8;
constexpr int kFactsBatch = 50'000;
constexpr int kMarksBatch = 50'000;

// Ids beyond this are not indexed (decisions about them read the store).
constexpr int64_t kMaxIndexedId = int64_t{1} << 36;

}  // namespace

rules::ApprovalEvent ApprovalEventFromRow(const store::ApprovalEventRow& row) {
  rules::ApprovalEvent e;
  e.kind = static_cast<rules::ApprovalEventKind>(row.kind);
  e.at = row.at;
  e.scopes = rules::ScopeSet::FromBits(row.scopes);
  e.notice_id = row.notice_id;
  e.notice_channel = static_cast<rules::NoticeChannel>(row.notice_channel);
  e.email_consent_on_file = row.email_consent;
  e.evidence.channel = static_cast<rules::ConsentChannel>(row.evidence_channel);
  e.evidence.document_id = row.document_id;
  e.evidence.recording_id = row.recording_id;
  e.evidence.staff = row.staff;
  e.call_id = row.call_id;
  e.call_end = row.call_end;
  return e;
}

struct ApprovalIndex::Entry {
  rules::ApprovalRecord record;
  int64_t last_event_us = 0;
  uint32_t carrier = 0;
  uint8_t services = 0;
  uint8_t flags = 0;
};

struct ApprovalIndex::Page {
  std::array<Entry, kPageSize> entries{};
};

ApprovalIndex::ApprovalIndex(rules::RuleConfig config) : config_(std::move(config)) {
  static_assert(sizeof(Entry) == kEntryBytes,
                "the index entry is part of the memory budget (<= 200 bytes per customer)");
}
ApprovalIndex::~ApprovalIndex() = default;

ApprovalIndex::Entry* ApprovalIndex::Slot(CustomerId id, bool create) {
  const auto page = static_cast<size_t>(id.value()) >> kPageBits;
  if (page >= pages_.size()) {
    if (!create) return nullptr;
    pages_.resize(page + 1);
  }
  if (!pages_[page]) {
    if (!create) return nullptr;
    pages_[page] = std::make_unique<Page>();
  }
  return &pages_[page]->entries[static_cast<size_t>(id.value()) & (kPageSize - 1)];
}

const ApprovalIndex::Entry* ApprovalIndex::Find(CarrierId carrier, CustomerId id) const {
  if (id.value() <= 0) return nullptr;
  const auto page = static_cast<size_t>(id.value()) >> kPageBits;
  if (page >= pages_.size() || !pages_[page]) return nullptr;
  const Entry& e = pages_[page]->entries[static_cast<size_t>(id.value()) & (kPageSize - 1)];
  if (!(e.flags & kPresent) || e.carrier != static_cast<uint64_t>(carrier.value())) return nullptr;
  return &e;
}

void ApprovalIndex::PutLocked(const store::CustomerFactsRow& row) {
  if (row.id.value() <= 0 || row.id.value() > kMaxIndexedId) return;
  Entry* e = Slot(row.id, true);
  if (!(e->flags & kPresent)) ++customers_;
  e->carrier = static_cast<uint32_t>(row.carrier.value());
  e->services = static_cast<uint8_t>(row.services);
  e->flags = kPresent | (row.customer_type == 1 ? kBusiness : 0) |
             (row.business_cpni_contract ? kContract : 0) | (row.closed_at ? kClosed : 0);
  auto it = carriers_.find(row.carrier);
  if (it != carriers_.end() && row.id > it->second.max_customer) it->second.max_customer = row.id;
}

Status ApprovalIndex::ApplyLocked(const CarrierRules& cr, Entry& e,
                                  const rules::ApprovalEvent& event) {
  const rules::RuleSet rs = rules::RuleSetFor(event.at, config_);
  RETURN_IF_ERROR(e.record.Apply(event, rs, cr.policy->policy, *cr.zone));
  e.last_event_us = std::max(e.last_event_us, event.at.micros());
  return Status::Ok();
}

void ApprovalIndex::PutCarrier(CarrierRules rules) {
  std::unique_lock lock(mu_);
  CarrierState& st = carriers_[rules.carrier];
  st.rules = std::move(rules);
}

void ApprovalIndex::PutCustomer(const store::CustomerFactsRow& row) {
  std::unique_lock lock(mu_);
  PutLocked(row);
}

Status ApprovalIndex::Apply(CarrierId carrier, CustomerId customer,
                            const rules::ApprovalEvent& event) {
  std::unique_lock lock(mu_);
  auto it = carriers_.find(carrier);
  if (it == carriers_.end()) return Status::NotFound("no carrier " + carrier.ToString());
  Entry* e = Slot(customer, false);
  if (!e || !(e->flags & kPresent) || e->carrier != static_cast<uint64_t>(carrier.value())) {
    return Status::NotFound("no customer " + customer.ToString());
  }
  return ApplyLocked(it->second.rules, *e, event);
}

Status ApprovalIndex::LoadCarrier(store::Tx& tx, CarrierId carrier) {
  // REQUIRES: mu_ held exclusively.
  if (carrier.value() > static_cast<int64_t>(UINT32_MAX)) {
    return Status::Internal("carrier ids above 2^32 do not fit the approval index");
  }
  ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
  ASSIGN_OR_RETURN(ledger::Head head, tx.LedgerHead(carrier));
  CarrierState& st = carriers_[carrier];
  st.rules = std::move(cr);
  st.seen_seq = head.size;
  CustomerId after;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<store::CustomerFactsRow> rows,
                     tx.CustomerFactsAfter(carrier, after, kFactsBatch));
    for (const store::CustomerFactsRow& r : rows) {
      PutLocked(r);
      // A reload starts each record afresh.
      Entry* e = Slot(r.id, false);
      if (!e) continue;
      e->record = rules::ApprovalRecord();
      e->last_event_us = 0;
    }
    if (rows.size() < static_cast<size_t>(kFactsBatch)) break;
    after = rows.back().id;
  }
  const CarrierRules& rules = st.rules;
  return tx.ScanApprovalEvents(carrier, [&](const store::ApprovalEventRow& row) -> Status {
    Entry* e = Slot(row.customer, false);
    if (!e || !(e->flags & kPresent)) return Status::Ok();
    (void)ApplyLocked(rules, *e, ApprovalEventFromRow(row));  // invalid events are skipped
    return Status::Ok();
  });
}

Status ApprovalIndex::ReloadCarrier(store::Store& store, CarrierId carrier) {
  // REQUIRES: writer_mu_ held, mu_ not held. The carrier is folded aside,
  // without blocking lookups, and swapped in under the lock.
  if (carrier.value() > static_cast<int64_t>(UINT32_MAX)) {
    return Status::Internal("carrier ids above 2^32 do not fit the approval index");
  }
  struct Staged {
    store::CustomerFactsRow facts;
    rules::ApprovalRecord record;
    int64_t last_event_us = 0;
  };
  std::vector<Staged> staged;
  CarrierRules cr;
  int64_t head = 0;
  int64_t event_rows = 0;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(cr, LoadCarrierRules(tx, carrier));
    ASSIGN_OR_RETURN(ledger::Head h, tx.LedgerHead(carrier));
    head = h.size;
    for (CustomerId after;;) {
      ASSIGN_OR_RETURN(std::vector<store::CustomerFactsRow> rows,
                       tx.CustomerFactsAfter(carrier, after, kFactsBatch));
      for (const store::CustomerFactsRow& r : rows) staged.push_back(Staged{r, {}, 0});
      if (rows.size() < static_cast<size_t>(kFactsBatch)) break;
      after = rows.back().id;
    }
    // Both in customer id order: a merge.
    size_t j = 0;
    return tx.ScanApprovalEvents(carrier, [&](const store::ApprovalEventRow& row) -> Status {
      ++event_rows;
      while (j < staged.size() && staged[j].facts.id < row.customer) ++j;
      if (j == staged.size() || staged[j].facts.id != row.customer) return Status::Ok();
      Staged& s = staged[j];
      const rules::RuleSet rs = rules::RuleSetFor(row.at, config_);
      if (s.record.Apply(ApprovalEventFromRow(row), rs, cr.policy->policy, *cr.zone).ok()) {
        s.last_event_us = std::max(s.last_event_us, row.at.micros());
      }
      return Status::Ok();
    });
  }));
  std::unique_lock lock(mu_);
  CarrierState& st = carriers_[carrier];
  st.rules = std::move(cr);
  st.seen_seq = head;
  for (const Staged& s : staged) {
    PutLocked(s.facts);
    Entry* e = Slot(s.facts.id, false);
    if (!e) continue;
    e->record = s.record;
    e->last_event_us = s.last_event_us;
  }
  last_catch_up_.reloaded = true;
  last_catch_up_.customer_rows = static_cast<int64_t>(staged.size());
  last_catch_up_.event_rows = event_rows;
  return Status::Ok();
}

Status ApprovalIndex::Load(store::Store& store) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  std::unique_lock lock(mu_);
  pages_.clear();
  carriers_.clear();
  customers_ = 0;
  return store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(std::vector<Carrier> carriers, tx.ListCarriers());
    for (const Carrier& c : carriers) RETURN_IF_ERROR(LoadCarrier(tx, c.id));
    return Status::Ok();
  });
}

Status ApprovalIndex::CatchUpAll(store::Store& store) {
  std::vector<Carrier> carriers;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(carriers, tx.ListCarriers());
    return Status::Ok();
  }));
  for (const Carrier& c : carriers) RETURN_IF_ERROR(CatchUp(store, c.id));
  return Status::Ok();
}

ApprovalIndex::CatchUpStats ApprovalIndex::LastCatchUp() const {
  std::lock_guard<std::mutex> writer(writer_mu_);
  return last_catch_up_;
}

Status ApprovalIndex::CatchUp(store::Store& store, CarrierId carrier) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  last_catch_up_ = CatchUpStats();
  CatchUpStats& stats = last_catch_up_;
  int64_t seen = 0;
  CustomerId max_customer;
  bool known = false;
  {
    std::shared_lock lock(mu_);
    auto it = carriers_.find(carrier);
    if (it != carriers_.end()) {
      known = true;
      seen = it->second.seen_seq;
      max_customer = it->second.max_customer;
    }
  }
  auto reload = [&]() { return ReloadCarrier(store, carrier); };
  if (!known) return reload();

  // Read what the ledger recorded since `seen`, in one snapshot.
  int64_t upto = seen;
  bool policy_changed = false;
  std::set<CustomerId> updated;
  std::vector<store::ApprovalEventRow> events;
  std::vector<store::CustomerFactsRow> facts;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(ledger::Head head, tx.LedgerHead(carrier));
    upto = head.size;
    if (upto <= seen) return Status::Ok();
    for (int64_t at = seen; at < upto;) {
      ASSIGN_OR_RETURN(std::vector<store::LedgerMark> marks,
                       tx.LedgerMarksAfter(carrier, at, kMarksBatch));
      if (marks.empty()) break;
      for (const store::LedgerMark& m : marks) {
        if (m.seq > upto) break;
        ++stats.ledger_entries;
        if (m.type == "policy.set") policy_changed = true;
        if ((m.type == "customer.updated" || m.type == "customer.closed") &&
            m.subject.starts_with("customer:")) {
          updated.insert(CustomerId(std::atoll(m.subject.c_str() + 9)));
        }
      }
      at = marks.back().seq;
    }
    if (policy_changed) return Status::Ok();
    ASSIGN_OR_RETURN(events, tx.ApprovalEventsAfter(carrier, seen));
    for (CustomerId after = max_customer;;) {
      ASSIGN_OR_RETURN(std::vector<store::CustomerFactsRow> rows,
                       tx.CustomerFactsAfter(carrier, after, kFactsBatch));
      facts.insert(facts.end(), rows.begin(), rows.end());
      if (rows.size() < static_cast<size_t>(kFactsBatch)) break;
      after = rows.back().id;
    }
    for (CustomerId id : updated) {
      ASSIGN_OR_RETURN(std::optional<store::CustomerFactsRow> row, tx.GetCustomerFacts(carrier, id));
      if (row) facts.push_back(*row);
    }
    return Status::Ok();
  }));
  if (upto <= seen) return Status::Ok();
  if (policy_changed) return reload();
  stats.customer_rows = static_cast<int64_t>(facts.size());
  stats.event_rows = static_cast<int64_t>(events.size());

  // Events older than what a record already folded need the record refolded
  // in event-time order (a notice recorded after a later event, say).
  std::set<CustomerId> refold;
  {
    std::shared_lock lock(mu_);
    std::map<CustomerId, int64_t> last;
    for (const store::ApprovalEventRow& row : events) {
      auto [it, fresh] = last.emplace(row.customer, 0);
      if (fresh) {
        const Entry* e = Find(carrier, row.customer);
        it->second = e ? e->last_event_us : 0;
      }
      if (row.at.micros() < it->second) refold.insert(row.customer);
      it->second = std::max(it->second, row.at.micros());
    }
  }
  std::map<CustomerId, std::vector<store::ApprovalEventRow>> refolded;
  if (!refold.empty()) {
    RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
      for (CustomerId id : refold) {
        ASSIGN_OR_RETURN(std::vector<store::ApprovalEventRow> all,
                         tx.ListApprovalEvents(carrier, id));
        std::erase_if(all, [&](const store::ApprovalEventRow& r) { return r.ledger_seq > upto; });
        stats.event_rows += static_cast<int64_t>(all.size());
        refolded[id] = std::move(all);
      }
      return Status::Ok();
    }));
  }

  std::unique_lock lock(mu_);
  CarrierState& st = carriers_[carrier];
  for (const store::CustomerFactsRow& r : facts) PutLocked(r);
  // Events arrive in ledger order; within one customer that is time order
  // unless the customer is refolded below.
  std::stable_sort(events.begin(), events.end(),
                   [](const store::ApprovalEventRow& a, const store::ApprovalEventRow& b) {
                     return a.at < b.at;
                   });
  for (const store::ApprovalEventRow& row : events) {
    if (refold.count(row.customer)) continue;
    Entry* e = Slot(row.customer, false);
    if (!e || !(e->flags & kPresent)) continue;
    (void)ApplyLocked(st.rules, *e, ApprovalEventFromRow(row));
  }
  for (auto& [id, rows] : refolded) {
    Entry* e = Slot(id, false);
    if (!e || !(e->flags & kPresent)) continue;
    e->record = rules::ApprovalRecord();
    e->last_event_us = 0;
    for (const store::ApprovalEventRow& row : rows) {
      (void)ApplyLocked(st.rules, *e, ApprovalEventFromRow(row));
    }
  }
  st.seen_seq = upto;
  std::set<CustomerId> touched;
  for (const store::CustomerFactsRow& r : facts) touched.insert(r.id);
  for (const store::ApprovalEventRow& row : events) touched.insert(row.customer);
  stats.customers.assign(touched.begin(), touched.end());
  return Status::Ok();
}

ApprovalIndex::Reader::Reader(const ApprovalIndex& index) : index_(index), lock_(index.mu_) {}

const CarrierRules* ApprovalIndex::Reader::Carrier(CarrierId carrier) const {
  auto it = index_.carriers_.find(carrier);
  return it == index_.carriers_.end() ? nullptr : &it->second.rules;
}

ApprovalIndex::Found ApprovalIndex::Reader::Facts(CarrierId carrier, CustomerId customer,
                                                   Instant at, rules::CustomerFacts* facts) const {
  const Entry* e = index_.Find(carrier, customer);
  if (!e) {
    return index_.carriers_.count(carrier) ? Found::kNoCustomer : Found::kNoCarrier;
  }
  if (at.micros() < e->last_event_us || (e->flags & kClosed)) return Found::kPast;
  facts->customer = customer;
  facts->services = ServiceSet(e->services);
  facts->type = (e->flags & kBusiness) ? CustomerType::kBusiness : CustomerType::kResidential;
  facts->business_cpni_contract = (e->flags & kContract) != 0;
  facts->approval = e->record.StatusAt(at);
  if (facts->approval.opt_out_lapsed_at) {
    // Rare: the local date of a lapse (64.2008(d)(2)) for the explanation.
    auto it = index_.carriers_.find(carrier);
    if (it != index_.carriers_.end() && it->second.rules.zone) {
      facts->approval.opt_out_lapsed_on =
          it->second.rules.zone->LocalDate(*facts->approval.opt_out_lapsed_at);
    }
  }
  return Found::kYes;
}

CustomerId ApprovalIndex::Reader::MaxCustomer(CarrierId carrier) const {
  auto it = index_.carriers_.find(carrier);
  return it == index_.carriers_.end() ? CustomerId(0) : it->second.max_customer;
}

size_t ApprovalIndex::customers() const {
  std::shared_lock lock(mu_);
  return customers_;
}

size_t ApprovalIndex::MemoryBytes() const {
  std::shared_lock lock(mu_);
  size_t pages = 0;
  for (const auto& p : pages_) pages += p ? sizeof(Page) : 0;
  return pages + pages_.capacity() * sizeof(pages_[0]);
}

int64_t ApprovalIndex::SeenSeq(CarrierId carrier) const {
  std::shared_lock lock(mu_);
  auto it = carriers_.find(carrier);
  return it == carriers_.end() ? 0 : it->second.seen_seq;
}

}  // namespace proprio::services
