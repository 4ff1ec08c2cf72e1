// Decisions: services::DecisionService with its in-memory approval index over
// 1M customers (loaded from SQLite; PROPRIO_BENCH_CUSTOMERS=N for another
// count; PROPRIO_BENCH_WITHOUT_KEYSET_INDEX=1 drops the (carrier_id, id)
// index first, the load's baseline), against the baseline of one indexed SQLite query per decision (the
// customer joined with its approval events, folded and decided, on a warmed
// connection), in the same run. Reports per-decision latency (p50, p99),
// batch throughput on one core, the index's bytes per customer and load time,
// and the cost of bringing the index up to date after one consent change
// (BM_CatchUpAfterOneChange: independent of the customer count when the
// catch-up reads only what changed).
//
// With PROPRIO_CEDAR_QUESTIONS=FILE it also writes the first questions, the
// customer facts they need and the answers given here as JSON lines, for the
// Cedar baseline (bench/cedar/decide.js), which must answer them the same.
//
// Questions: a seeded random mix over the purposes and recipients whose rules
// bench/cedar/cpni.cedar also expresses (47 U.S.C. 222(c)-(d), 64.2005,
// 64.2007(b)), at 2025-06-02T15:00:00Z, under the FCC floor. Customers: a
// random non-empty subset of local, interexchange and CMRS; 35% with opt-in
// for random scopes, 35% with an opt-out notice in force, 10% with a revocation.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>

#include "bench_util.h"
#include "rules/decide.h"
#include "services/campaigns.h"
#include "services/consent.h"
#include "services/decisions.h"
#include "services/time_zones.h"

namespace proprio::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const Instant kAt = Instant::Parse("2025-06-02T15:00:00Z").value();

constexpr rules::Purpose kPurposes[] = {
    rules::Purpose::kProvideService,        rules::Purpose::kBillingCollection,
    rules::Purpose::kFraudProtection,       rules::Purpose::kLegalProcess,
    rules::Purpose::kCustomerWrittenRequest, rules::Purpose::kMarketingSameCategory,
    rules::Purpose::kMarketingOtherCategory, rules::Purpose::kMarketingAdjunctToBasic,
    rules::Purpose::kInsideWiring,          rules::Purpose::kResearch,
    rules::Purpose::kTrackCompetingCallers};
constexpr rules::RecipientKind kRecipients[] = {
    rules::RecipientKind::kCarrierItself, rules::RecipientKind::kAgent,
    rules::RecipientKind::kAffiliate,     rules::RecipientKind::kJointVenturer,
    rules::RecipientKind::kThirdParty};
constexpr rules::Offering kOfferings[] = {rules::Offering::kUnspecified, rules::Offering::kLocal,
                                          rules::Offering::kInterexchange, rules::Offering::kCmrs,
                                          rules::Offering::kNonCommunications};
constexpr ServiceCategory kCategories[] = {ServiceCategory::kLocal, ServiceCategory::kInterexchange,
                                           ServiceCategory::kCmrs};
constexpr rules::ContextFlag kFlags[] = {rules::ContextFlag::kLegalProcess,
                                         rules::ContextFlag::kWrittenAuthorization,
                                         rules::ContextFlag::kRecipientServesCustomer,
                                         rules::ContextFlag::kRecipientProvidesCommServices};

int64_t RssKb() {
  std::ifstream in("/proc/self/statm");
  int64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// The database, the service with its index loaded, and the questions.
class World {
 public:
  static World& Get() {
    if (!instance_) instance_ = new World();
    return *instance_;
  }
  // Removes the database (at exit; the World lives for every benchmark).
  static void Destroy() {
    delete instance_;
    instance_ = nullptr;
  }

  int64_t customers() const { return customers_; }
  CarrierId carrier() const { return db_.carrier(); }
  services::DecisionService& service() { return *service_; }
  store::Store& store() { return db_.store(); }
  const std::vector<rules::DecisionRequest>& questions() const { return questions_; }
  const std::string& db_path() const { return db_.path(); }
  double load_seconds() const { return load_seconds_; }
  int64_t rss_delta_kb() const { return rss_delta_kb_; }

 private:
  static int64_t CustomerCount() {
    if (const char* n = std::getenv("PROPRIO_BENCH_CUSTOMERS")) return std::max<int64_t>(1, std::atoll(n));
    return Size(1'000'000, 2'000);
  }

  World() : customers_(CustomerCount()) {
    Populate();
    service_ = std::make_unique<services::DecisionService>(db_.store(),
                                                           services::DecisionServiceOptions{});
    const int64_t rss_before = RssKb();
    const auto t0 = Clock::now();
    Status st = service_->LoadIndex();
    load_seconds_ = std::chrono::duration<double>(Clock::now() - t0).count();
    rss_delta_kb_ = RssKb() - rss_before;
    if (!st.ok()) {
      std::fprintf(stderr, "index load failed: %s\n", st.ToString().c_str());
      std::abort();
    }
    MakeQuestions();
  }

  // Customers and approval events written straight into the schema.
  void Populate() {
    sqlite3* h = nullptr;
    sqlite3_open(db_.path().c_str(), &h);
    sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; BEGIN", nullptr, nullptr,
                 nullptr);
    sqlite3_stmt *cust = nullptr, *ev = nullptr;
    sqlite3_prepare_v2(h,
                       "INSERT INTO customers (id, carrier_id, account_number, customer_type, name, "
                       "street, city, state, postal_code, country, telephone_numbers, "
                       "address_since, email, services, account_representative, "
                       "cpni_contract_ref, created_at) VALUES (?, ?, ?, 0, 'Bench Customer', "
                       "'1 Main St', 'Longwood', 'FL', '32750', 'US', '+14075550100', "
                       "'2020-01-01', '', ?, '', '', 0)",
                       -1, &cust, nullptr);
    sqlite3_prepare_v2(h,
                       "INSERT INTO approval_events (carrier_id, customer_id, kind, event_at, "
                       "scopes, notice_id, notice_channel, email_consent, evidence_channel, "
                       "document_id, recording_id, staff_id, call_id, call_end, recorded_at, "
                       "actor, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, '', 0, '', NULL, "
                       "0, 'bench', 0)",
                       -1, &ev, nullptr);
    std::mt19937_64 rng(2013);
    const int64_t carrier = db_.carrier().value();
    auto event = [&](int64_t id, rules::ApprovalEventKind kind, Instant at, uint32_t scopes,
                     int64_t notice, const char* doc) {
      sqlite3_bind_int64(ev, 1, carrier);
      sqlite3_bind_int64(ev, 2, id);
      sqlite3_bind_int64(ev, 3, static_cast<int>(kind));
      sqlite3_bind_int64(ev, 4, at.micros());
      sqlite3_bind_int64(ev, 5, scopes);
      sqlite3_bind_int64(ev, 6, notice);
      sqlite3_bind_int64(ev, 7, static_cast<int>(rules::NoticeChannel::kElectronic));
      sqlite3_bind_text(ev, 8, doc, -1, SQLITE_STATIC);
      sqlite3_step(ev);
      sqlite3_reset(ev);
    };
    const Instant opt_in_at = Instant::Parse("2024-02-01T15:00:00Z").value();
    const Instant notice_at = Instant::Parse("2024-09-03T15:00:00Z").value();
    const Instant revoke_at = Instant::Parse("2025-01-10T15:00:00Z").value();
    for (int64_t id = 1; id <= customers_; ++id) {
      const std::string account = "B" + std::to_string(id);
      const uint32_t services = 1 + static_cast<uint32_t>(rng() % 7);  // bits of local, ix, cmrs
      sqlite3_bind_int64(cust, 1, id);
      sqlite3_bind_int64(cust, 2, carrier);
      sqlite3_bind_text(cust, 3, account.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(cust, 4, services);
      sqlite3_step(cust);
      sqlite3_reset(cust);
      const uint64_t r = rng() % 100;
      const uint32_t scopes = 1 + static_cast<uint32_t>(rng() % 63);
      if (r < 35) {
        event(id, rules::ApprovalEventKind::kOptInGranted, opt_in_at, scopes, 0, "FORM");
      } else if (r < 70) {
        event(id, rules::ApprovalEventKind::kOptOutNoticeSent, notice_at,
              rules::kOptOutScopes.bits(), 1, "");
      }
      if (rng() % 100 < 10) {
        event(id, rules::ApprovalEventKind::kOptInRevoked, revoke_at, 1u << (rng() % 6), 0, "");
      }
    }
    sqlite3_finalize(cust);
    sqlite3_finalize(ev);
    sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
    // The baseline of the load time: the schema before migration 0009.
    if (std::getenv("PROPRIO_BENCH_WITHOUT_KEYSET_INDEX")) {
      sqlite3_exec(h, "DROP INDEX customers_carrier_id", nullptr, nullptr, nullptr);
    }
    sqlite3_close(h);
  }

  void MakeQuestions() {
    std::mt19937_64 rng(6103);
    const size_t n = static_cast<size_t>(Size(1 << 20, 4096));
    questions_.reserve(n);
    while (questions_.size() < n) {
      rules::DecisionRequest r;
      r.customer = CustomerId(1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(customers_)));
      r.purpose = kPurposes[rng() % std::size(kPurposes)];
      r.recipient.kind = kRecipients[rng() % std::size(kRecipients)];
      if (r.purpose == rules::Purpose::kLegalProcess) {
        r.recipient.kind = rules::RecipientKind::kLawEnforcement;
      }
      if (r.purpose == rules::Purpose::kCustomerWrittenRequest) {
        r.recipient.kind = rules::RecipientKind::kCustomerDesignee;
      }
      r.action = r.recipient.kind == rules::RecipientKind::kCarrierItself
                     ? rules::Action::kUse
                     : (rng() % 2 ? rules::Action::kDisclose : rules::Action::kPermitAccess);
      r.cpni = rules::CpniSet{rules::CpniCategory::kUsage};
      r.service_category = kCategories[rng() % std::size(kCategories)];
      r.offering = kOfferings[rng() % std::size(kOfferings)];
      for (rules::ContextFlag f : kFlags) {
        if (rng() % 3 == 0) r.context.flags.Add(f);
      }
      r.at = kAt;
      if (!rules::ValidateRequest(r).ok()) continue;
      questions_.push_back(r);
    }
  }

  static inline World* instance_ = nullptr;
  TempDb db_;
  const int64_t customers_;
  std::unique_ptr<services::DecisionService> service_;
  std::vector<rules::DecisionRequest> questions_;
  double load_seconds_ = 0;
  int64_t rss_delta_kb_ = 0;
};

void Percentiles(benchmark::State& state, std::vector<int64_t>& ns) {
  if (ns.empty()) return;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {
    return static_cast<double>(ns[std::min(ns.size() - 1, static_cast<size_t>(q * ns.size()))]);
  };
  state.counters["p50_ns"] = at(0.50);
  state.counters["p99_ns"] = at(0.99);
  state.counters["p999_ns"] = at(0.999);
}

// One decision per call through the service: lock, index lookup, fold to the
// instant, rule set, Decide.
void BM_DecideSingle(benchmark::State& state) {
  World& w = World::Get();
  const auto& qs = w.questions();
  std::vector<int64_t> ns;
  ns.reserve(1 << 22);
  size_t i = 0;
  int64_t allowed = 0;
  rules::Decision d;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    Status st = w.service().Evaluate(w.carrier(), std::span(&qs[i], 1), {}, &d);
    const auto t1 = Clock::now();
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    if (ns.size() < ns.capacity()) ns.push_back((t1 - t0).count());
    allowed += d.allowed;
    if (++i == qs.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allowed_pct"] = 100.0 * static_cast<double>(allowed) /
                                  static_cast<double>(std::max<int64_t>(1, state.iterations()));
  Percentiles(state, ns);
}

// Many decisions per call, one lock for the batch: decisions per second on
// one core.
void BM_DecideBatch(benchmark::State& state) {
  World& w = World::Get();
  const auto& qs = w.questions();
  const size_t batch = static_cast<size_t>(state.range(0));
  std::vector<rules::Decision> out(batch);
  size_t i = 0;
  for (auto _ : state) {
    if (i + batch > qs.size()) i = 0;
    Status st = w.service().Evaluate(w.carrier(), std::span(qs.data() + i, batch), {}, out.data(),
                                     true);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    benchmark::DoNotOptimize(out.data());
    i += batch;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}

// The index itself: bytes per customer, load time, resident memory added.
void BM_IndexMemory(benchmark::State& state) {
  World& w = World::Get();
  for (auto _ : state) benchmark::DoNotOptimize(w.service().index().customers());
  const double customers = static_cast<double>(w.service().index().customers());
  state.counters["customers"] = customers;
  state.counters["index_bytes_per_customer"] =
      static_cast<double>(w.service().index().MemoryBytes()) / customers;
  state.counters["rss_bytes_per_customer"] = static_cast<double>(w.rss_delta_kb()) * 1024 / customers;
  state.counters["load_s"] = w.load_seconds();
}

// Baseline: one indexed SQLite query per decision (the customer row joined
// with its approval events), the events folded to the instant, Decide.
void BM_SqliteQueryPerDecision(benchmark::State& state) {
  World& w = World::Get();
  const auto& qs = w.questions();
  sqlite3* h = nullptr;
  sqlite3_open_v2(w.db_path().c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_exec(h, "PRAGMA cache_size=-262144", nullptr, nullptr, nullptr);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT c.services, c.customer_type, e.kind, e.event_at, e.scopes, "
                     "e.notice_id, e.notice_channel, e.email_consent, e.evidence_channel, "
                     "e.document_id, e.call_id, e.call_end FROM customers c "
                     "LEFT JOIN approval_events e ON e.carrier_id = c.carrier_id AND "
                     "e.customer_id = c.id WHERE c.carrier_id = ? AND c.id = ? "
                     "ORDER BY e.event_at, e.id",
                     -1, &q, nullptr);
  const auto zone = services::LoadTimeZone("America/New_York").value();
  const rules::Policy& policy = rules::FloorPolicy();
  // Warm the connection first (its page cache filled by the questions'
  // customers), so the rate does not depend on how long the run is.
  static bool warmed = false;
  if (!warmed) {
    for (size_t k = 0; k < std::min<size_t>(qs.size(), 1 << 18); ++k) {
      sqlite3_bind_int64(q, 1, w.carrier().value());
      sqlite3_bind_int64(q, 2, qs[k].customer.value());
      while (sqlite3_step(q) == SQLITE_ROW) {
      }
      sqlite3_reset(q);
    }
    warmed = true;
  }
  std::vector<int64_t> ns;
  ns.reserve(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    const rules::DecisionRequest& r = qs[i];
    const auto t0 = Clock::now();
    sqlite3_bind_int64(q, 1, w.carrier().value());
    sqlite3_bind_int64(q, 2, r.customer.value());
    rules::CustomerFacts facts;
    facts.customer = r.customer;
    rules::ApprovalRecord record;
    while (sqlite3_step(q) == SQLITE_ROW) {
      facts.services = ServiceSet(static_cast<uint32_t>(sqlite3_column_int64(q, 0)));
      if (sqlite3_column_type(q, 2) == SQLITE_NULL) continue;
      rules::ApprovalEvent e;
      e.kind = static_cast<rules::ApprovalEventKind>(sqlite3_column_int64(q, 2));
      e.at = Instant::FromMicros(sqlite3_column_int64(q, 3));
      if (e.at > r.at) continue;
      e.scopes = rules::ScopeSet::FromBits(static_cast<uint32_t>(sqlite3_column_int64(q, 4)));
      e.notice_id = sqlite3_column_int64(q, 5);
      e.notice_channel = static_cast<rules::NoticeChannel>(sqlite3_column_int64(q, 6));
      e.evidence.channel = static_cast<rules::ConsentChannel>(sqlite3_column_int64(q, 8));
      const auto* doc = reinterpret_cast<const char*>(sqlite3_column_text(q, 9));
      if (doc) e.evidence.document_id = doc;
      (void)record.Apply(e, rules::RuleSetFor(e.at, {}), policy, *zone);
    }
    sqlite3_reset(q);
    facts.approval = record.StatusAt(r.at);
    const rules::Decision d = rules::Decide(r, facts, rules::RuleSetFor(r.at, {}), policy);
    const auto t1 = Clock::now();
    benchmark::DoNotOptimize(d.allowed);
    if (ns.size() < ns.capacity()) ns.push_back((t1 - t0).count());
    if (++i == qs.size()) i = 0;
  }
  sqlite3_finalize(q);
  sqlite3_close(h);
  state.SetItemsProcessed(state.iterations());
  Percentiles(state, ns);
}

// One consent change (a customer opts out, recorded durably through the
// consent service), then the index brought up to date: the time of the
// catch-up alone (the write is not timed). It reads the ledger entries since
// the last one seen and the rows they name, so it should not grow with the
// carrier's customer count.
void BM_CatchUpAfterOneChange(benchmark::State& state) {
  World& w = World::Get();
  std::mt19937_64 rng(222);
  const Instant at = Instant::Parse("2025-06-01T15:00:00Z").value();
  for (auto _ : state) {
    rules::ApprovalEvent ev;
    ev.kind = rules::ApprovalEventKind::kOptOutElected;
    ev.at = at;
    ev.scopes = rules::kOptOutScopes;
    const CustomerId customer(1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(w.customers())));
    auto rec = services::RecordConsent(w.store(), w.carrier(), customer, ev,
                                       services::Actor{"bench", Instant::Now()});
    if (!rec.ok()) {
      state.SkipWithError(rec.status().ToString().c_str());
      break;
    }
    const auto t0 = Clock::now();
    const Status st = w.service().Changed(w.carrier());
    const auto t1 = Clock::now();
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  state.counters["customers"] = static_cast<double>(w.customers());
}

// Campaign audiences (issue 12, 47 CFR 64.2009(c), (d)): the audience of one
// approved campaign over every customer of the carrier, decided from the
// in-memory approval index on 2 threads (services::ComputeAudience), against
// the baseline of one indexed SQLite query per customer (the query of
// BM_SqliteQueryPerDecision, folded and decided with the campaign's
// question). The baseline runs over the first PROPRIO_BENCH_SAMPLE customers
// (default 200k) and reports its rate and the time it would take for all
// (`full_s`: scaled linearly). The campaign: usage CPNI from local service to
// market wireless (CMRS), at kAt, under the FCC floor.
store::CampaignRow BenchCampaign(CarrierId carrier) {
  store::CampaignRow c;
  c.id = 1;
  c.carrier = carrier;
  c.name = "bench";
  c.cpni_categories = "usage";
  c.offering = "cmrs";
  c.service_category = "local";
  c.channel = "mail";
  c.starts_on = "2025-06-01";
  c.ends_on = "2025-06-30";
  c.state = "approved";
  return c;
}

void BM_CampaignAudience(benchmark::State& state) {
  World& w = World::Get();
  const store::CampaignRow campaign = BenchCampaign(w.carrier());
  services::AudienceOptions options;
  options.threads = static_cast<int>(state.range(0));
  int64_t reached = 0, customers = 0, rss_growth_kb = 0;
  size_t reasons = 0;
  for (auto _ : state) {
    const int64_t rss_before = RssKb();
    auto a = services::ComputeAudience(w.service(), w.carrier(), campaign, kAt, options);
    rss_growth_kb = std::max(rss_growth_kb, RssKb() - rss_before);
    if (!a.ok()) {
      state.SkipWithError(a.status().ToString().c_str());
      break;
    }
    reached = a->reached;
    customers = a->customers;
    reasons = a->reasons.size();
  }
  state.counters["customers"] = static_cast<double>(customers);
  state.counters["reached"] = static_cast<double>(reached);
  state.counters["reasons"] = static_cast<double>(reasons);
  state.counters["rss_growth_kb"] = static_cast<double>(rss_growth_kb);
  state.counters["rss_total_mb"] = static_cast<double>(RssKb()) / 1024;
  state.counters["index_mb"] = static_cast<double>(w.service().index().MemoryBytes()) / (1 << 20);
  state.SetItemsProcessed(state.iterations() * customers);
}

void BM_CampaignAudienceSqliteBaseline(benchmark::State& state) {
  World& w = World::Get();
  int64_t sample = 200'000;
  if (const char* n = std::getenv("PROPRIO_BENCH_SAMPLE")) sample = std::atoll(n);
  sample = std::min(sample, w.customers());
  sqlite3* h = nullptr;
  sqlite3_open_v2(w.db_path().c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_exec(h, "PRAGMA cache_size=-262144", nullptr, nullptr, nullptr);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT c.services, c.customer_type, e.kind, e.event_at, e.scopes, "
                     "e.notice_id, e.notice_channel, e.email_consent, e.evidence_channel, "
                     "e.document_id, e.call_id, e.call_end FROM customers c "
                     "LEFT JOIN approval_events e ON e.carrier_id = c.carrier_id AND "
                     "e.customer_id = c.id WHERE c.carrier_id = ? AND c.id = ? "
                     "ORDER BY e.event_at, e.id",
                     -1, &q, nullptr);
  const auto zone = services::LoadTimeZone("America/New_York").value();
  const rules::Policy& policy = rules::FloorPolicy();
  rules::DecisionRequest r;
  r.action = rules::Action::kUse;
  r.purpose = rules::Purpose::kMarketing;
  r.cpni = rules::CpniSet{rules::CpniCategory::kUsage};
  r.offering = rules::Offering::kCmrs;
  r.service_category = ServiceCategory::kLocal;
  r.at = kAt;
  const rules::RuleSet rule_set = rules::RuleSetFor(kAt, {});
  auto one = [&](int64_t id) {
    sqlite3_bind_int64(q, 1, w.carrier().value());
    sqlite3_bind_int64(q, 2, id);
    rules::CustomerFacts facts;
    facts.customer = CustomerId(id);
    rules::ApprovalRecord record;
    while (sqlite3_step(q) == SQLITE_ROW) {
      facts.services = ServiceSet(static_cast<uint32_t>(sqlite3_column_int64(q, 0)));
      if (sqlite3_column_type(q, 2) == SQLITE_NULL) continue;
      rules::ApprovalEvent e;
      e.kind = static_cast<rules::ApprovalEventKind>(sqlite3_column_int64(q, 2));
      e.at = Instant::FromMicros(sqlite3_column_int64(q, 3));
      if (e.at > r.at) continue;
      e.scopes = rules::ScopeSet::FromBits(static_cast<uint32_t>(sqlite3_column_int64(q, 4)));
      e.notice_id = sqlite3_column_int64(q, 5);
      e.notice_channel = static_cast<rules::NoticeChannel>(sqlite3_column_int64(q, 6));
      e.evidence.channel = static_cast<rules::ConsentChannel>(sqlite3_column_int64(q, 8));
      const auto* doc = reinterpret_cast<const char*>(sqlite3_column_text(q, 9));
      if (doc) e.evidence.document_id = doc;
      (void)record.Apply(e, rules::RuleSetFor(e.at, {}), policy, *zone);
    }
    sqlite3_reset(q);
    facts.approval = record.StatusAt(r.at);
    r.customer = facts.customer;
    return rules::Decide(r, facts, rule_set, policy).allowed;
  };
  // Warm the page cache over the sample first, as the index is loaded first.
  for (int64_t id = 1; id <= sample; ++id) benchmark::DoNotOptimize(one(id));
  int64_t reached = 0;
  for (auto _ : state) {
    reached = 0;
    for (int64_t id = 1; id <= sample; ++id) reached += one(id);
  }
  sqlite3_finalize(q);
  sqlite3_close(h);
  state.SetItemsProcessed(state.iterations() * sample);
  state.counters["sample"] = static_cast<double>(sample);
  state.counters["sample_reached"] = static_cast<double>(reached);
  // Seconds the baseline would take for every customer (linear in the count).
  state.counters["full_s"] = benchmark::Counter(
      static_cast<double>(sample) / static_cast<double>(w.customers()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_CampaignAudience)->Arg(2)->Iterations(5)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CampaignAudienceSqliteBaseline)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

BENCHMARK(BM_IndexMemory)->Iterations(1);
// Wall-clock rates throughout, as Cedar's baseline is timed (bench/cedar/decide.js).
BENCHMARK(BM_DecideSingle)->UseRealTime();
BENCHMARK(BM_DecideBatch)->Arg(1024)->UseRealTime();
BENCHMARK(BM_SqliteQueryPerDecision)->UseRealTime();
BENCHMARK(BM_CatchUpAfterOneChange)->UseManualTime()->Iterations(200)->Unit(benchmark::kMicrosecond);

// The questions for the Cedar baseline, with the facts each needs and the
// answers given here.
void WriteCedarQuestions(const std::string& path, size_t n) {
  World& w = World::Get();
  const auto& qs = w.questions();
  n = std::min(n, qs.size());
  std::ofstream out(path);
  std::vector<rules::Decision> answers(n);
  Status st = w.service().Evaluate(w.carrier(), std::span(qs.data(), n), {}, answers.data(), true);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    std::abort();
  }
  services::ApprovalIndex::Reader reader(w.service().index());
  for (size_t i = 0; i < n; ++i) {
    const rules::DecisionRequest& r = qs[i];
    rules::CustomerFacts f;
    (void)reader.Facts(w.carrier(), r.customer, r.at, &f);
    json services = json::array();
    for (ServiceCategory c : kCategories) {
      if (f.services.Has(c)) services.push_back(ServiceCategoryName(c));
    }
    json flags = json::object();
    for (rules::ContextFlag fl : kFlags) {
      flags[std::string(rules::ContextFlagName(fl))] = r.context.flags.Has(fl);
    }
    out << json{{"customer", r.customer.value()},
                {"recipient", rules::RecipientKindName(r.recipient.kind)},
                {"purpose", rules::PurposeName(r.purpose)},
                {"service_category", ServiceCategoryName(r.service_category)},
                {"offering", rules::OfferingName(r.offering)},
                {"flags", flags},
                {"services", services},
                {"multi_category", rules::CategoriesOfServiceCount(f.services) >= 2},
                {"opt_in", services::ScopesToJson(f.approval.opt_in)},
                {"opt_out", services::ScopesToJson(f.approval.opt_out)},
                {"allowed", answers[i].allowed}}
               .dump()
        << "\n";
  }
}

}  // namespace
}  // namespace proprio::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (const char* path = std::getenv("PROPRIO_CEDAR_QUESTIONS")) {
    const char* n = std::getenv("PROPRIO_CEDAR_COUNT");
    proprio::bench::WriteCedarQuestions(path, n ? std::strtoull(n, nullptr, 10) : 200'000);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  proprio::bench::World::Destroy();
  return 0;
}
