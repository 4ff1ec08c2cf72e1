// bench/bench_util.h: shared set-up for the benchmarks: temporary SQLite
// databases, a carrier to work in, and sizes that shrink under the CTest
// smoke run (PROPRIO_BENCH_SMOKE=1) so the benchmarks never rot.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "services/registry.h"
#include "store/store.h"

namespace proprio::bench {

inline bool Smoke() { return std::getenv("PROPRIO_BENCH_SMOKE") != nullptr; }
inline int64_t Size(int64_t full, int64_t smoke) { return Smoke() ? smoke : full; }

// A fresh directory holding a fresh database, removed on destruction. The
// directory is under $PROPRIO_BENCH_DIR (default /var/tmp: a real disk, so
// that durability costs what it costs in production).
class TempDb {
 public:
  TempDb() {
    const char* base = std::getenv("PROPRIO_BENCH_DIR");
    std::string tmpl = std::string(base ? base : "/var/tmp") + "/proprio-bench-XXXXXX";
    dir_ = mkdtemp(tmpl.data());
    path_ = dir_ + "/bench.db";
    store_ = std::move(store::Store::Open(store::StoreOptions::Sqlite(path_)).value());
    Carrier c;
    c.legal_name = "Bench Telephone";
    c.filer_id_499 = "100001";
    c.time_zone = "America/New_York";
    carrier_ = services::AddCarrier(*store_, c, services::Actor{}).value().id;
  }
  ~TempDb() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  store::Store& store() { return *store_; }
  CarrierId carrier() const { return carrier_; }
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
  std::unique_ptr<store::Store> store_;
  CarrierId carrier_;
};

}  // namespace proprio::bench
