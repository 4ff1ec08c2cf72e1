// Import throughput: customers per second from CSV into SQLite, durable at the
// end (one transaction, synchronous=FULL), against a baseline of raw SQLite
// inserting the same rows, already parsed, into the same tables.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include "bench_util.h"
#include "core/csv.h"
#include "services/demo.h"
#include "services/importer.h"

namespace proprio::bench {
namespace {

const std::string& Csv(int64_t n) {
  static std::string csv;
  static int64_t made = 0;
  if (made != n) {
    csv = services::DemoCustomersCsv(static_cast<int>(n), 42);
    made = n;
  }
  return csv;
}

void BM_ImportCsv(benchmark::State& state) {
  const int64_t n = state.range(0);
  const std::string& csv = Csv(n);
  for (auto _ : state) {
    state.PauseTiming();
    auto db = std::make_unique<TempDb>();
    services::ImportOptions options;
    options.carrier = db->carrier();
    // The cost of the keyset index (migration 0009): measure without it.
    if (std::getenv("PROPRIO_BENCH_WITHOUT_KEYSET_INDEX")) {
      sqlite3* h = nullptr;
      sqlite3_open(db->path().c_str(), &h);
      sqlite3_exec(h, "DROP INDEX customers_carrier_id", nullptr, nullptr, nullptr);
      sqlite3_close(h);
    }
    state.ResumeTiming();
    auto report = services::ImportCustomersCsv(db->store(), csv, options, services::Actor{});
    if (!report.ok() || report->imported != n) state.SkipWithError("import failed");
    state.PauseTiming();
    db.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(csv.size()));
}

// Baseline: the same rows, parsed beforehand, inserted by hand-written SQLite
// calls (prepared statements, one transaction) into the same schema.
void BM_RawSqliteInsert(benchmark::State& state) {
  const int64_t n = state.range(0);
  struct Row {
    std::vector<std::string> f;
  };
  std::vector<Row> rows;
  {
    CsvReader r(Csv(n));
    std::vector<std::string> fields;
    r.Next(&fields);
    while (r.Next(&fields) == CsvReader::State::kRecord) rows.push_back({fields});
  }
  for (auto _ : state) {
    state.PauseTiming();
    auto db = std::make_unique<TempDb>();
    sqlite3* h = nullptr;
    sqlite3_open(db->path().c_str(), &h);
    sqlite3_exec(h,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                 "PRAGMA cache_size=-65536",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt *ins = nullptr, *phone = nullptr;
    sqlite3_prepare_v2(h,
                       "INSERT INTO customers (carrier_id, account_number, customer_type, name, "
                       "street, city, state, postal_code, country, address_since, email, services, "
                       "account_representative, cpni_contract_ref, created_at, telephone_numbers) "
                       "VALUES (?, ?, 0, ?, ?, ?, ?, ?, 'US', ?, ?, 1, ?, ?, 0, ?)",
                       -1, &ins, nullptr);
    sqlite3_prepare_v2(h,
                       "INSERT INTO customer_phones (customer_id, carrier_id, e164) VALUES (?, ?, ?)",
                       -1, &phone, nullptr);
    state.ResumeTiming();
    sqlite3_exec(h, "BEGIN", nullptr, nullptr, nullptr);
    for (const Row& row : rows) {
      const auto& f = row.f;
      sqlite3_bind_int64(ins, 1, db->carrier().value());
      const int cols[] = {0, 2, 4, 5, 6, 7, 8, 9, 11, 12};
      for (int i = 0; i < 10; ++i) {
        sqlite3_bind_text(ins, i + 2, f[cols[i]].data(), static_cast<int>(f[cols[i]].size()),
                          SQLITE_STATIC);
      }
      sqlite3_bind_text(ins, 12, f[3].data(), static_cast<int>(f[3].size()), SQLITE_STATIC);
      sqlite3_step(ins);
      sqlite3_reset(ins);
      // Every number of record, as the integer of its digits, as the store keeps them.
      const int64_t customer = sqlite3_last_insert_rowid(h);
      int64_t key = 0;
      for (size_t i = 0; i <= f[3].size(); ++i) {
        const char ch = i < f[3].size() ? f[3][i] : ';';
        if (ch >= '0' && ch <= '9') key = key * 10 + (ch - '0');
        if (ch != ';') continue;
        sqlite3_bind_int64(phone, 1, customer);
        sqlite3_bind_int64(phone, 2, db->carrier().value());
        sqlite3_bind_int64(phone, 3, 10'000'000'000 + key);
        sqlite3_step(phone);
        sqlite3_reset(phone);
        key = 0;
      }
    }
    sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
    state.PauseTiming();
    sqlite3_finalize(ins);
    sqlite3_finalize(phone);
    sqlite3_close(h);
    db.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}

const int64_t kRows = Size(1'000'000, 2'000);
BENCHMARK(BM_ImportCsv)->Arg(kRows)->Unit(benchmark::kMillisecond)->Iterations(Smoke() ? 1 : 3)->UseRealTime();
BENCHMARK(BM_RawSqliteInsert)->Arg(kRows)->Unit(benchmark::kMillisecond)->Iterations(Smoke() ? 1 : 3)->UseRealTime();

}  // namespace
}  // namespace proprio::bench

BENCHMARK_MAIN();
