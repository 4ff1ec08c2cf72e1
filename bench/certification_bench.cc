// The annual certification (47 CFR 64.2009(e)) for a large carrier: 1M
// customers, 100k complaints in the year, 10M ledger entries (smoke: 1k, 100,
// 2k). The database is built once (customers by the importer, complaints
// through the store with their ledger entries, then filler entries up to the
// ledger size), and its build time is reported separately.
//  - BM_PrepareCertification: the readiness check.
//  - BM_BuildCertification: the filing, JSON and PDF, stored with its entry.
//  - BM_CountByScanBaseline: the baseline, the complaint summary computed by
//    reading every complaint record of the year (what the filing would cost
//    without the (carrier_id, kind, occurred_on, category, status) index).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "bench_util.h"
#include "services/certification.h"
#include "services/demo.h"
#include "services/importer.h"
#include "services/policies.h"

namespace proprio::bench {
namespace {

constexpr int kYear = 2025;

struct World {
  std::unique_ptr<TempDb> db;
  CarrierId carrier;  // with a signatory officer, unlike TempDb's
  int64_t complaints = 0;
  int64_t entries = 0;
};

World& TheWorld() {
  static World* world = [] {
    auto* w = new World;
    const auto start = std::chrono::steady_clock::now();
    w->db = std::make_unique<TempDb>();
    store::Store& s = w->db->store();
    services::Actor actor{"bench", Instant::Parse("2026-01-20T15:00:00Z").value()};
    Carrier c;
    c.legal_name = "Large Telephone Company";
    c.filer_id_499 = "100002";
    c.time_zone = "America/New_York";
    c.officers = {{"Bench Officer", "Chief Executive Officer", true}};
    const CarrierId carrier = services::AddCarrier(s, c, actor).value().id;
    w->carrier = carrier;
    const int64_t customers = Size(1'000'000, 1'000);
    services::ImportOptions options;
    options.carrier = carrier;
    options.source_name = "bench";
    auto report = services::ImportCustomersCsv(
        s, services::DemoCustomersCsv(static_cast<int>(customers), 7), options, actor);
    if (!report.ok() || !report->committed) std::abort();
    const int64_t complaints = Size(100'000, 100);
    const char* categories[] = {"employee_access", "unauthorized_disclosure", "online_access",
                                "other"};
    // Complaints with their ledger entries, 10k to a transaction.
    for (int64_t done = 0; done < complaints;) {
      const int64_t batch = std::min<int64_t>(10'000, complaints - done);
      Status st = s.Transact([&](store::Tx& tx) -> Status {
        for (int64_t i = 0; i < batch; ++i) {
          const int64_t n = done + i;
          store::ComplianceRecordRow row;
          row.carrier = carrier;
          row.kind = services::kComplaint;
          row.occurred_on = CivilDate{kYear, 1, 1}.AddDays(n % 365).ToString();
          row.category = categories[n % 4];
          row.status = n % 10 == 0 ? "open" : "resolved";
          row.details = R"({"channel":"telephone","summary":"s","outcome":"o"})";
          row.recorded_at = actor.now;
          row.recorded_by = "bench";
          ASSIGN_OR_RETURN(row.id, tx.InsertComplianceRecord(row));
          store::LedgerEvent ev = services::MakeEvent(actor, carrier, "complaint.received",
                                                      "complaint:" + std::to_string(row.id),
                                                      {{"category", row.category}});
          RETURN_IF_ERROR(tx.Append(ev).status());
        }
        return Status::Ok();
      });
      if (!st.ok()) {
        std::cerr << st.ToString() << "\n";
        std::abort();
      }
      done += batch;
    }
    w->complaints = complaints;
    // Filler entries up to the ledger size, 50k to a transaction.
    const int64_t target = Size(10'000'000, 2'000);
    int64_t size = 0;
    (void)s.Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto head, tx.LedgerHead(carrier));
      size = head.size;
      return Status::Ok();
    });
    while (size < target) {
      const int64_t batch = std::min<int64_t>(50'000, target - size);
      Status st = s.Transact([&](store::Tx& tx) -> Status {
        for (int64_t i = 0; i < batch; ++i) {
          store::LedgerEvent ev;
          ev.carrier = carrier;
          ev.at = actor.now;
          ev.actor = "bench";
          ev.type = "cpni.accessed";
          ev.subject = "customer:" + std::to_string(1 + (size + i) % customers);
          ev.body = R"({"purpose":"billing_inquiry"})";
          RETURN_IF_ERROR(tx.Append(ev).status());
        }
        return Status::Ok();
      });
      if (!st.ok()) std::abort();
      size += batch;
    }
    w->entries = size;
    std::fprintf(stderr, "world: %lld customers, %lld complaints, %lld ledger entries, built in %.1f s\n",
                 static_cast<long long>(customers), static_cast<long long>(complaints),
                 static_cast<long long>(size),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return w;
  }();
  return *world;
}

services::Actor Now() { return {"bench", Instant::Parse("2026-01-20T15:00:00Z").value()}; }

void BM_PrepareCertification(benchmark::State& state) {
  World& w = TheWorld();
  for (auto _ : state) {
    auto r = services::PrepareCertification(w.db->store(), w.carrier, kYear, Now().now,
                                          rules::RuleConfig{});
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["complaints"] = static_cast<double>(w.complaints);
  state.counters["ledger_entries"] = static_cast<double>(w.entries);
}

void BM_BuildCertification(benchmark::State& state) {
  World& w = TheWorld();
  services::BuildOptions options;
  for (auto _ : state) {
    auto row = services::BuildCertification(w.db->store(), w.carrier, kYear, options, Now());
    if (!row.ok()) state.SkipWithError(row.status().ToString().c_str());
    benchmark::DoNotOptimize(row);
  }
}

void BM_CountByScanBaseline(benchmark::State& state) {
  World& w = TheWorld();
  for (auto _ : state) {
    std::map<std::string, int64_t> by_category;
    int64_t after = 0;
    for (;;) {
      auto page = services::ListComplianceRecords(w.db->store(), w.carrier,
                                                  services::kComplaint, kYear, after, 1000);
      if (!page.ok()) state.SkipWithError(page.status().ToString().c_str());
      for (const auto& r : page->items) ++by_category[r.category];
      if (!page->next) break;
      after = *page->next;
    }
    benchmark::DoNotOptimize(by_category);
  }
}

BENCHMARK(BM_PrepareCertification)->Unit(benchmark::kMillisecond)->Iterations(Smoke() ? 1 : 5)->UseRealTime();
BENCHMARK(BM_BuildCertification)->Unit(benchmark::kMillisecond)->Iterations(Smoke() ? 1 : 5)->UseRealTime();
BENCHMARK(BM_CountByScanBaseline)->Unit(benchmark::kMillisecond)->Iterations(Smoke() ? 1 : 3)->UseRealTime();

}  // namespace
}  // namespace proprio::bench

BENCHMARK_MAIN();
