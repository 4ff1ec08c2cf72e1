// Breach cases on both backends: the tx_breach.cc statements and
// services/breach.h over them, on SQLite and on PostgreSQL (the harness
// cluster; skipped without it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "pg_test_db.h"
#include "services/breach.h"

namespace proprio {
namespace {

namespace fs = std::filesystem;
using testing::PgTestDb;

enum class Backend { kSqlite, kPostgres };

Instant At(std::string_view s) { return Instant::Parse(s).value(); }
services::Actor Now(std::string_view s) { return {"test", At(s)}; }

class BreachStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store::StoreOptions options;
    if (GetParam() == Backend::kPostgres) {
      if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
      const Status created = pg_.Create();
      ASSERT_TRUE(created.ok()) << created.ToString();
      options.sqlite_path.clear();
      options.postgres_url = pg_.url();
    } else {
      static std::atomic<int> counter{0};
      dir_ = fs::path(::testing::TempDir()) /
             ("proprio_breach_store_" + std::to_string(getpid()) + "_" +
              std::to_string(counter.fetch_add(1)));
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      options.sqlite_path = (dir_ / "proprio.db").string();
    }
    auto opened = store::Store::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    for (const char* filer : {"820001", "820002"}) {
      Carrier c;
      c.legal_name = std::string("Carrier ") + filer;
      c.filer_id_499 = filer;
      c.time_zone = "America/New_York";
      carriers_.push_back(services::AddCarrier(*store_, c, Now("2024-12-01T00:00:00Z")).value().id);
    }
    Customer cu;
    cu.carrier = carriers_[0];
    cu.account_number = "A-1";
    cu.name = "Customer One";
    cu.phones_of_record = {"(212) 555-0101"};
    cu.address_of_record = {"1 Main St", "Albany", "NY", "12207", "US"};
    customer_ = services::AddCustomer(*store_, cu, Now("2024-12-01T00:00:00Z")).value().id;
  }
  void TearDown() override {
    store_.reset();
    if (GetParam() == Backend::kPostgres) {
      pg_.Drop();
    } else if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  std::unique_ptr<store::Store> store_;
  PgTestDb pg_;
  fs::path dir_;
  std::vector<CarrierId> carriers_;
  CustomerId customer_;
};

TEST_P(BreachStoreTest, CaseTimelineRetentionAndErasure) {
  services::BreachOpenInput in;
  in.description = "stolen laptop with call records";
  in.discovered_how = "employee report";
  in.discovered_at = At("2024-12-20T14:00:00Z");
  in.determined_at = At("2024-12-20T15:00:00Z");
  in.cpni = {"call_detail", "billing"};
  in.customers = {customer_};
  in.estimated_loss_cents = 990;
  auto c = services::OpenBreach(*store_, carriers_[0], in, {}, Now("2024-12-20T16:00:00Z"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const int64_t id = c->row.id;
  EXPECT_EQ(c->row.estimated_loss_cents, 990);
  EXPECT_EQ(c->row.cpni, "call_detail;billing");
  // Another carrier sees nothing.
  EXPECT_TRUE(services::GetBreach(*store_, carriers_[1], id).status().IsNotFound());
  auto open = services::OpenBreach(*store_, carriers_[1], in, {}, Now("2024-12-20T16:00:00Z"));
  EXPECT_EQ(open.status().field(), "customers[0]") << "another carrier's customer";

  services::BreachActionInput a;
  a.kind = services::BreachActionKind::kAgencyNotified;
  a.agencies = {"usss", "fbi"};
  a.reference = "CRF-1";
  a.at = At("2024-12-23T15:00:00Z");
  ASSERT_TRUE(services::RecordBreachAction(*store_, carriers_[0], id, a, Now("2024-12-23T15:00:00Z")).ok());
  services::BreachActionInput n;
  n.kind = services::BreachActionKind::kCustomerNotified;
  n.customer = customer_;
  n.channel = "email";
  n.outcome = "delivered";
  n.notes = "sent to the address of record";
  // Agency notice Mon 12-23: 7 full business days are 12-24, 12-26, 12-27,
  // 12-30, 12-31, 01-02, 01-03 -> from Sat 2025-01-04 00:00 EST.
  n.at = At("2025-01-03T20:00:00Z");
  EXPECT_EQ(services::RecordBreachAction(*store_, carriers_[0], id, n, Now("2025-01-03T20:00:00Z"))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  n.at = At("2025-01-04T05:00:00Z");
  ASSERT_TRUE(services::RecordBreachAction(*store_, carriers_[0], id, n, Now("2025-01-04T06:00:00Z")).ok());
  services::BreachActionInput close;
  close.kind = services::BreachActionKind::kClosed;
  auto closed = services::RecordBreachAction(*store_, carriers_[0], id, close, Now("2025-01-05T00:00:00Z"));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->row.retain_until->ToRfc3339(), "2027-01-05T00:00:00Z");
  EXPECT_EQ(closed->actions.size(), 3u);
  EXPECT_EQ(closed->actions[1].customer, customer_);

  auto all = services::ListBreaches(*store_, CarrierId(), "closed");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  EXPECT_TRUE(services::ListBreaches(*store_, carriers_[0], "open")->empty());

  EXPECT_EQ(services::EraseBreachRecords(*store_, carriers_[0], id, Now("2027-01-04T23:59:59Z"))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  auto erased = services::EraseBreachRecords(*store_, carriers_[0], id, Now("2027-01-05T00:00:00Z"));
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased->row.description, "[erased]");
  EXPECT_EQ(erased->actions[1].details.find("address of record"), std::string::npos);
  ledger::VerifyReport report;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(report, tx.VerifyLedger(carriers_[0]));
    return Status::Ok();
  }).ok());
  EXPECT_TRUE(report.valid);
  EXPECT_GE(report.payloads_erased, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, BreachStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) {
                           return p.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace proprio
