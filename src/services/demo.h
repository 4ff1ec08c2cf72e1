// services/demo.h: a demo carrier with realistic synthetic customers.
//
// Everything is made up and deterministic (a fixed seed): names from common
// US name lists, Florida addresses and ZIP codes, numbers in real Florida
// area codes with exchanges that are not assigned to anyone in particular.
// Running it again on the same database finds the demo carrier and adds
// nothing.
#pragma once

#include <string>

#include "services/importer.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

inline constexpr char kDemoFilerId[] = "899001";
// Every demo staff member signs in to proprio serve with login "first.last"
// (priya.raman, alicia.gomez, robin.ellis, ...) and this published password.
// Demo data only: never use it for a real carrier.
inline constexpr char kDemoPassword[] = "proprio-demo-2013";

struct DemoSummary {
  Carrier carrier;
  bool created = false;  // false when the demo carrier was already there
  int64_t customers = 0;
  int64_t staff = 0;
  ledger::Head head;
  // The signed annual certification (47 CFR 64.2009(e)) for the year before
  // the demo was built; 0 when the demo carrier already existed.
  int64_t certification = 0;
};

// The seed carrier's policy (policies/examples/seed-carrier.toml), which the
// demo carrier adopts.
const char* DemoPolicyToml();

// The demo customers as an import CSV (header included).
std::string DemoCustomersCsv(int count, uint64_t seed);

// Builds the demo carrier: the seed's policy, staff with sign-in, customers,
// and the records of a ready-to-file certification for last year (training,
// a resolved complaint, a pretexter review), built and signed by its officer.
Result<DemoSummary> BuildDemo(store::Store& store, int customers, const Actor& actor);

}  // namespace proprio::services
