// The customer import (services/importer.h) on any CSV, into a SQLite
// database: all or nothing. A file with a bad row imports nothing and names
// the line and the reason; a file it takes, it takes whole.
#include <stdlib.h>

#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_util.h"
#include "services/importer.h"
#include "services/registry.h"
#include "store/store.h"

using namespace proprio;

namespace {

struct World {
  std::unique_ptr<store::Store> store;
  CarrierId carrier;
};

World& TheWorld() {
  static World* w = [] {
    auto* world = new World;
    char tmpl[] = "/tmp/proprio-fuzz-import-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    world->store =
        std::move(store::Store::Open(store::StoreOptions::Sqlite(dir + "/p.db")).value());
    Carrier c;
    c.legal_name = "Fuzz Telephone";
    c.filer_id_499 = "999002";
    c.time_zone = "America/New_York";
    world->carrier = services::AddCarrier(*world->store, c, {"fuzz", Instant::Now()}).value().id;
    return world;
  }();
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 32 * 1024) return 0;
  World& w = TheWorld();
  services::ImportOptions options;
  options.carrier = w.carrier;
  options.source_name = "fuzz.csv";
  auto report = services::ImportCustomersCsv(*w.store, AsText(data, size), options,
                                             {"fuzz", Instant::Now()});
  if (!report.ok()) {
    FUZZ_CHECK(!report.status().message().empty(), "a refused file says why");
    return 0;
  }
  if (report->committed) {
    FUZZ_CHECK(report->rejected == 0 && report->imported == report->rows,
               "a committed import took every row");
  } else {
    FUZZ_CHECK(report->imported == 0, "nothing half-imported");
    FUZZ_CHECK(report->rejected >= 1 && !report->first_errors.empty(), "a refusal names rows");
    for (const auto& e : report->first_errors) {
      FUZZ_CHECK(e.line >= 1 && !e.reason.empty(), "every bad row has its line and reason");
    }
  }
  return 0;
}
