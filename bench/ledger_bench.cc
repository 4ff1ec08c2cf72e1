// Ledger append and verify.
//  - BM_AppendGroupCommit: 64 writers each appending through the group
//    committer; every append acknowledged only after its batch is durable.
//  - BM_AppendOnePerTransaction: the baseline, one durable commit per append.
//  - BM_Verify: proprio audit verify's work over N entries (half with a
//    payload), reported in ledger bytes per second; bench/run.sh compares it
//    with `openssl speed -evp sha256 -multi <cores>` on the same machine (the
//    verifier hashes on every core, so the baseline does too).
//  - BM_VerifyCold: the same with the database file dropped from the page
//    cache before each run (posix_fadvise DONTNEED after a checkpoint), so the
//    reads come from the disk.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "store/group_commit.h"

namespace proprio::bench {
namespace {

store::LedgerEvent MakeEvent(CarrierId carrier, int64_t i, bool payload) {
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = Instant::FromSeconds(1'790'000'000 + i);
  ev.actor = "staff:" + std::to_string(i % 50);
  ev.type = "consent.opt_in_granted";
  ev.subject = "customer:" + std::to_string(100000 + i);
  ev.body = R"({"scope":["own_marketing","affiliates"],"channel":"web","evidence":"form-2291"})";
  if (payload) {
    ev.payload = R"({"name":"Jane Q. Customer","telephone":"+14075550123"})";
    ev.retain_until = ev.at + 400 * kMicrosPerDay;
  }
  return ev;
}

void BM_AppendGroupCommit(benchmark::State& state) {
  const int writers = static_cast<int>(state.range(0));
  const int64_t per_writer = Size(2'000, 20);
  for (auto _ : state) {
    state.PauseTiming();
    auto db = std::make_unique<TempDb>();
    auto committer = std::make_unique<store::GroupCommitter>(db->store());
    std::atomic<int64_t> failures{0};
    state.ResumeTiming();
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        for (int64_t i = 0; i < per_writer; ++i) {
          const store::LedgerEvent ev = MakeEvent(db->carrier(), w * per_writer + i, false);
          Status st = committer->Submit([&](store::Tx& tx) { return tx.Append(ev).status(); });
          if (!st.ok()) ++failures;
        }
      });
    }
    for (auto& t : threads) t.join();
    state.PauseTiming();
    state.counters["batches"] = static_cast<double>(committer->batches());
    committer.reset();
    if (failures > 0) state.SkipWithError("appends failed");
    db.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * writers * per_writer);
}

void BM_AppendOnePerTransaction(benchmark::State& state) {
  auto db = std::make_unique<TempDb>();
  int64_t i = 0;
  for (auto _ : state) {
    const store::LedgerEvent ev = MakeEvent(db->carrier(), i++, false);
    Status st = db->store().Transact([&](store::Tx& tx) { return tx.Append(ev).status(); });
    if (!st.ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// Asks the kernel to drop the file's cached pages (clean pages only: the
// data is durable, so they are).
void DropFromPageCache(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

void VerifyLedger(benchmark::State& state, bool cold) {
  const int64_t n = state.range(0);
  auto db = std::make_unique<TempDb>();
  int64_t bytes = 0;
  Status st = db->store().Transact([&](store::Tx& tx) -> Status {
    for (int64_t i = 0; i < n; ++i) {
      const store::LedgerEvent ev = MakeEvent(db->carrier(), i, i % 2 == 0);
      RETURN_IF_ERROR(tx.Append(ev).status());
    }
    return Status::Ok();
  });
  if (!st.ok()) state.SkipWithError("setup failed");
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      DropFromPageCache(db->path());
      DropFromPageCache(db->path() + "-wal");
      state.ResumeTiming();
    }
    ledger::VerifyReport report;
    st = db->store().Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(report, tx.VerifyLedger(db->carrier()));
      return Status::Ok();
    });
    if (!st.ok() || !report.valid || report.entries != n + 1) state.SkipWithError("verify failed");
    bytes = report.bytes_hashed;
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * bytes);
}

void BM_Verify(benchmark::State& state) { VerifyLedger(state, false); }
void BM_VerifyCold(benchmark::State& state) { VerifyLedger(state, true); }

BENCHMARK(BM_AppendGroupCommit)->Arg(64)->Unit(benchmark::kMillisecond)->Iterations(Smoke() ? 1 : 3)->UseRealTime();
// Real time: a durable commit waits for fsync, which per-CPU-second rates leave out.
BENCHMARK(BM_AppendOnePerTransaction)->Unit(benchmark::kMicrosecond)->Iterations(Smoke() ? 5 : 500)->UseRealTime();
BENCHMARK(BM_Verify)->Arg(Size(1'000'000, 1'000))->Unit(benchmark::kMillisecond)->Iterations(Smoke() ? 1 : 5)->UseRealTime();
BENCHMARK(BM_VerifyCold)->Arg(Size(1'000'000, 1'000))->Unit(benchmark::kMillisecond)->Iterations(Smoke() ? 1 : 3)->UseRealTime();

}  // namespace
}  // namespace proprio::bench

BENCHMARK_MAIN();
