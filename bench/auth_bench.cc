// Customer authentication benchmarks (issue 5, item 10).
//
// BM_Argon2idVerify/m/t: one argon2id check (libargon2, one lane) per memory
// (MiB) and passes, to choose the cost that lands at 50-100 ms on this
// machine. The baseline in the same run is OWASP's minimum for argon2id
// (m=19 MiB, t=2, p=1).
// BM_CallPasswordStep: a whole telephone password step through the service
// (session read, argon2id check, step and ledger entry committed) at the
// cost PROPRIO_ARGON2 names (default: the chosen one).
#include <benchmark/benchmark.h>

#include "bench_util.h"
#include "services/customer_auth.h"

namespace proprio::bench {
namespace {

void BM_Argon2idVerify(benchmark::State& state) {
  services::PasswordCost cost;
  cost.memory_kib = static_cast<uint32_t>(state.range(0) * 1024);
  cost.iterations = static_cast<uint32_t>(state.range(1));
  cost.lanes = 1;
  if (Smoke()) cost = {1, 64, 1};
  const std::string encoded = services::HashPassword("Tangerine-Kayak-42", cost).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(services::VerifyPassword(encoded, "Tangerine-Kayak-41"));
  }
  state.counters["checks_per_s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
// {MiB, passes}: the baseline (19, 2) and candidates around 50-100 ms.
BENCHMARK(BM_Argon2idVerify)
    ->Args({19, 2})
    ->Args({32, 2})
    ->Args({46, 1})
    ->Args({64, 1})
    ->Args({64, 2})
    ->Args({64, 3})
    ->Args({128, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_CallPasswordStep(benchmark::State& state) {
  TempDb db;
  services::CustomerAuthPolicy policy;
  if (Smoke()) policy.cost = {1, 64, 1};
  policy.phone_lock_after = 1 << 30;  // measure checks, not lockouts
  policy.session_failures = 1 << 30;
  policy.pretexting.account_failures = 1 << 30;
  services::Actor actor;
  actor.id = "staff:1";
  Customer c;
  c.carrier = db.carrier();
  c.account_number = "B-1";
  c.name = "Bench Customer";
  c.phones_of_record = {"+14075550100"};
  c.address_of_record = {"1 Main St", "Orlando", "FL", "32801", "US"};
  const CustomerId id = services::AddCustomer(db.store(), c, actor).value().id;
  services::SecretAuthorization init;
  init.at_service_initiation = true;
  init.actor_roles = std::vector<Role>{Role::kCsr};  // the CSR opening the account
  (void)services::SetCpniPassword(db.store(), db.carrier(), id, "Tangerine-Kayak-42", init, policy,
                                  actor)
      .value();
  services::OpenVerificationRequest open{db.carrier(), id, services::VerificationChannel::kPhone,
                                         "", "bench"};
  const int64_t session =
      services::OpenVerification(db.store(), open, policy, actor).value().row.id;
  for (auto _ : state) {
    auto r = services::VerifyCallerPassword(db.store(), db.carrier(), session, "Tangerine-Kayak-42",
                                            policy, actor);
    if (!r.ok() || !r->passed) state.SkipWithError("verification failed");
  }
  state.counters["steps_per_s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_CallPasswordStep)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace proprio::bench

BENCHMARK_MAIN();
