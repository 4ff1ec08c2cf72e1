// Store tests, run against both backends: SQLite (a temporary file) and
// PostgreSQL (a fresh database on the harness cluster, see pg_test_db.h).
// Tampering goes through a raw connection (sqlite3 / libpq), as an attacker
// with write access to the database would.
#include "store/internal/migrations.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/text.h"
#include "ledger/block.h"
#include "ledger/proof.h"
#include "pg_test_db.h"

namespace proprio::store {
namespace {

namespace fs = std::filesystem;
using ledger::ProblemKind;
using ledger::VerifyReport;
using testing::PgTestDb;

enum class Backend { kSqlite, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "sqlite" : "postgres";
}

const Instant kT0 = Instant::FromSeconds(1710338700);  // 2024-03-13T14:05:00Z
constexpr int64_t kDay = kMicrosPerDay;
const Instant kRetainUntil = kT0 + 30 * kDay;

// ---- raw access to the database underneath the store ----

class RawDb {
 public:
  virtual ~RawDb() = default;
  // Each fails the test (non-fatally) on a database error.
  virtual void Exec(const std::string& sql) = 0;
  virtual int64_t Int(const std::string& sql) = 0;
  // The first column of the first row, as bytes.
  virtual std::string Blob(const std::string& sql) = 0;
  // Runs `sql` with $1 bound to `blob` as a byte string.
  virtual void ExecBlob(const std::string& sql, const std::string& blob) = 0;
  // The planner's plan for `sql` (written with '?' placeholders), one line per
  // step: how the database would run it.
  virtual std::string Plan(const std::string& sql) = 0;
};

class SqliteRaw final : public RawDb {
 public:
  explicit SqliteRaw(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << "open " << path;
    sqlite3_busy_timeout(db_, 10000);
  }
  ~SqliteRaw() override { sqlite3_close(db_); }

  void Exec(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (err ? err : "?");
    }
    sqlite3_free(err);
  }
  int64_t Int(const std::string& sql) override {
    int64_t v = -1;
    Query(sql, nullptr, [&](sqlite3_stmt* s) { v = sqlite3_column_int64(s, 0); });
    return v;
  }
  std::string Blob(const std::string& sql) override {
    std::string v;
    Query(sql, nullptr, [&](sqlite3_stmt* s) {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(s, 0));
      v.assign(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(s, 0)));
    });
    return v;
  }
  void ExecBlob(const std::string& sql, const std::string& blob) override {
    Query(sql, &blob, nullptr);
  }
  std::string Plan(const std::string& sql) override {
    const std::string explain = "EXPLAIN QUERY PLAN " + sql;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, explain.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << explain << ": " << sqlite3_errmsg(db_);
      return "";
    }
    std::string plan;
    while (sqlite3_step(s) == SQLITE_ROW) {
      plan += reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
      plan += '\n';
    }
    sqlite3_finalize(s);
    return plan;
  }

 private:
  template <typename Fn>
  void Query(const std::string& sql, const std::string* blob, Fn on_row) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return;
    }
    if (blob) sqlite3_bind_blob(s, 1, blob->data(), static_cast<int>(blob->size()), SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      if constexpr (!std::is_same_v<Fn, std::nullptr_t>) on_row(s);
    } else if (rc != SQLITE_DONE) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_finalize(s);
  }

  sqlite3* db_ = nullptr;
};

class PgRaw final : public RawDb {
 public:
  explicit PgRaw(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) ADD_FAILURE() << PQerrorMessage(conn_);
  }
  ~PgRaw() override { PQfinish(conn_); }

  void Exec(const std::string& sql) override { PQclear(Check(PQexec(conn_, sql.c_str()), sql)); }
  int64_t Int(const std::string& sql) override {
    PGresult* r = Check(PQexec(conn_, sql.c_str()), sql);
    const int64_t v = r && PQntuples(r) > 0 ? std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10) : -1;
    PQclear(r);
    return v;
  }
  std::string Blob(const std::string& sql) override {
    PGresult* r = Check(PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                                     /*resultFormat=*/1),
                        sql);
    std::string v;
    if (r && PQntuples(r) > 0) {
      v.assign(PQgetvalue(r, 0, 0), static_cast<size_t>(PQgetlength(r, 0, 0)));
    }
    PQclear(r);
    return v;
  }
  void ExecBlob(const std::string& sql, const std::string& blob) override {
    const char* values[] = {blob.data()};
    const int lengths[] = {static_cast<int>(blob.size())};
    const int formats[] = {1};
    PQclear(Check(PQexecParams(conn_, sql.c_str(), 1, nullptr, values, lengths, formats, 0), sql));
  }
  std::string Plan(const std::string& sql) override {
    // '?' -> $n, as the store's connection does; a generic plan, as for a
    // prepared statement, so the plan does not depend on the values.
    std::string numbered;
    int n = 0;
    for (char c : sql) {
      if (c == '?') {
        numbered += "$" + std::to_string(++n);
      } else {
        numbered += c;
      }
    }
    Exec("SET plan_cache_mode = force_generic_plan");
    Exec("PREPARE plan_probe AS " + numbered);
    std::string args;
    for (int i = 0; i < n; ++i) args += (i ? ", " : "") + std::string("1");
    PGresult* r = Check(PQexec(conn_, ("EXPLAIN EXECUTE plan_probe(" + args + ")").c_str()), sql);
    std::string plan;
    for (int i = 0; r && i < PQntuples(r); ++i) {
      plan += PQgetvalue(r, i, 0);
      plan += '\n';
    }
    PQclear(r);
    Exec("DEALLOCATE plan_probe");
    return plan;
  }

 private:
  // Returns the result when it succeeded (caller clears it), else nullptr.
  PGresult* Check(PGresult* r, const std::string& sql) {
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
    return nullptr;
  }

  PGconn* conn_;
};

// ---- domain values ----

Carrier MakeCarrier(const std::string& filer_id, const std::string& name) {
  Carrier c;
  c.legal_name = name;
  c.filer_id_499 = filer_id;
  c.address = {"100 Main St", "Orlando", "FL", "32801", "US"};
  c.time_zone = "America/New_York";
  c.officers = {{"Ada Lovelace", "Chief Compliance Officer", true}, {"Alan Turing", "CEO", false}};
  c.created_at = kT0;
  return c;
}

Customer MakeCustomer(CarrierId carrier, const std::string& account, int n = 0) {
  Customer c;
  c.carrier = carrier;
  c.account_number = account;
  c.type = CustomerType::kResidential;
  c.name = "Customer " + account;
  c.phones_of_record = {"(407) 260-" + std::to_string(1000 + n)};
  c.address_of_record = {std::to_string(n + 1) + " Elm St", "Orlando", "FL", "32801", "US"};
  c.address_since = CivilDate{2019, 6, 1};
  c.email = "c" + std::to_string(n) + "@example.com";
  c.services.Add(ServiceCategory::kLocal);
  c.created_at = kT0 + n;
  EXPECT_TRUE(NormalizeCustomer(c).ok());
  return c;
}

// The n-th event of a test ledger; even-numbered events carry a payload.
LedgerEvent MakeEvent(CarrierId carrier, int n) {
  LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = kT0 + n * 60 * kMicrosPerSecond;
  ev.actor = "staff:7";
  ev.type = n % 2 == 0 ? "consent.opt_in" : "customer.updated";
  ev.subject = "customer:" + std::to_string(100 + n);
  ev.body = "{\"n\":" + std::to_string(n) + "}";
  if (n % 2 == 0) {
    ev.payload = "{\"name\":\"Customer " + std::to_string(n) + "\",\"phone\":\"+14072601011\"}";
    ev.retain_until = kRetainUntil;
  }
  return ev;
}

// ---- the fixture ----

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
      const Status created = pg_.Create();
      ASSERT_TRUE(created.ok()) << created.ToString();
      options_.sqlite_path.clear();
      options_.postgres_url = pg_.url();
    } else {
      static std::atomic<int> counter{0};
      dir_ = fs::path(::testing::TempDir()) /
             ("proprio_store_test_" + std::to_string(getpid()) + "_" +
              std::to_string(counter.fetch_add(1)));
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      options_.sqlite_path = (dir_ / "proprio.db").string();
    }
    auto opened = Store::Open(options_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
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

  std::unique_ptr<RawDb> Raw() {
    if (GetParam() == Backend::kPostgres) return std::make_unique<PgRaw>(pg_.url());
    return std::make_unique<SqliteRaw>(options_.sqlite_path);
  }

  CarrierId AddCarrier(const std::string& filer_id = "825123") {
    CarrierId id;
    const Status st = store_->Transact([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(id, tx.InsertCarrier(MakeCarrier(filer_id, "Carrier " + filer_id)));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return id;
  }

  CustomerId AddCustomer(const Customer& c) {
    CustomerId id;
    const Status st = store_->Transact([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(id, tx.InsertCustomer(c));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return id;
  }

  // Appends events 1..n in transactions of 1, 2, 3, ... events.
  std::vector<AppendResult> BuildLedger(CarrierId carrier, int n) {
    std::vector<AppendResult> out;
    int next = 1;
    for (int batch = 1; next <= n; ++batch) {
      const Status st = store_->Transact([&](Tx& tx) -> Status {
        for (int i = 0; i < batch && next <= n; ++i, ++next) {
          ASSIGN_OR_RETURN(AppendResult r, tx.Append(MakeEvent(carrier, next)));
          out.push_back(r);
        }
        return Status::Ok();
      });
      EXPECT_TRUE(st.ok()) << st.ToString();
      if (!st.ok()) break;
    }
    return out;
  }

  ledger::Head Head(CarrierId carrier) {
    ledger::Head head;
    const Status st = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(head, tx.LedgerHead(carrier));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return head;
  }

  VerifyReport Verify(CarrierId carrier) {
    VerifyReport report;
    const Status st = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(report, tx.VerifyLedger(carrier));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return report;
  }

  Result<ledger::InclusionProof> Prove(CarrierId carrier, int64_t seq) {
    std::optional<ledger::InclusionProof> proof;
    const Status st = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(proof, tx.ProveEntry(carrier, seq));
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return *proof;
  }

  std::string Where(CarrierId carrier, int64_t seq) {
    return " WHERE carrier_id = " + carrier.ToString() + " AND seq = " + std::to_string(seq);
  }

  StoreOptions options_;
  std::unique_ptr<Store> store_;
  PgTestDb pg_;
  fs::path dir_;
};

std::string Describe(const VerifyReport& r) {
  std::string out = r.valid ? "valid" : "invalid";
  for (const auto& p : r.problems) {
    out += "\n  " + std::string(ledger::ProblemKindName(p.kind)) + " " + std::to_string(p.entry) +
           ": " + p.detail;
  }
  return out;
}

void ExpectFirst(const VerifyReport& r, ProblemKind kind, int64_t entry) {
  EXPECT_FALSE(r.valid) << Describe(r);
  ASSERT_FALSE(r.problems.empty()) << Describe(r);
  EXPECT_EQ(r.problems[0].kind, kind) << Describe(r);
  EXPECT_EQ(r.problems[0].entry, entry) << Describe(r);
}

// ---- opening and migrating ----

TEST(MigrationsTest, VersionsAreConsecutiveFromOne) {
  int expected = 1;
  for (const internal::Migration& m : internal::Migrations()) {
    EXPECT_EQ(m.version, expected) << m.name;
    EXPECT_EQ(std::string(m.name).substr(0, 4), (expected < 10 ? "000" : "00") + std::to_string(expected));
    ++expected;
  }
  EXPECT_EQ(LatestSchemaVersion(), expected - 1);
}

TEST_P(StoreTest, OpensAndMigrates) {
  EXPECT_EQ(store_->schema_version(), LatestSchemaVersion());
  EXPECT_STREQ(store_->backend_name(), GetParam() == Backend::kSqlite ? "sqlite" : "postgres");
  auto raw = Raw();
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM schema_migrations"), LatestSchemaVersion());
  EXPECT_EQ(raw->Int("SELECT MAX(version) FROM schema_migrations"), LatestSchemaVersion());
  for (const char* table : {"carriers", "customers", "customer_phones", "staff", "ledger_entries",
                            "ledger_payloads", "ledger_heads"}) {
    EXPECT_EQ(raw->Int(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(raw->Blob("PRAGMA journal_mode"), "wal");
  }
}

TEST_P(StoreTest, OpeningTwiceIsIdempotent) {
  const CarrierId carrier = AddCarrier();
  auto second = Store::Open(options_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)->schema_version(), LatestSchemaVersion());
  // The second store sees what the first wrote.
  Status st = (*second)->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Carrier c, tx.GetCarrier(carrier));
    EXPECT_EQ(c.filer_id_499, "825123");
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  second->reset();

  // Closed and opened again: same schema, same data, no second migration row.
  store_.reset();
  auto third = Store::Open(options_);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  store_ = std::move(*third);
  EXPECT_EQ(Raw()->Int("SELECT COUNT(*) FROM schema_migrations"), LatestSchemaVersion());
  st = store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto carriers, tx.ListCarriers());
    EXPECT_EQ(carriers.size(), 1u);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, NewerSchemaIsRefused) {
  store_.reset();
  Raw()->Exec("INSERT INTO schema_migrations (version, name, applied_at) "
              "VALUES (99, '0099_from_the_future', 0)");
  auto opened = Store::Open(options_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("newer"), std::string::npos)
      << opened.status().message();
  EXPECT_NE(opened.status().message().find("99"), std::string::npos)
      << opened.status().message();
}

// ---- carriers ----

TEST_P(StoreTest, CarrierInsertGetList) {
  const Carrier want = MakeCarrier("825123", "Suncoast Telephone Company");
  ASSERT_TRUE(ValidateCarrier(want).ok());
  CarrierId a, b;
  Status st = store_->Transact([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(a, tx.InsertCarrier(want));
    ASSIGN_OR_RETURN(b, tx.InsertCarrier(MakeCarrier("825124", "Gulf Wireless")));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(a.valid());
  EXPECT_NE(a, b);

  st = store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Carrier got, tx.GetCarrier(a));
    EXPECT_EQ(got.id, a);
    EXPECT_EQ(got.legal_name, want.legal_name);
    EXPECT_EQ(got.filer_id_499, want.filer_id_499);
    EXPECT_EQ(got.address, want.address);
    EXPECT_EQ(got.time_zone, want.time_zone);
    EXPECT_EQ(got.officers, want.officers);
    EXPECT_EQ(got.created_at, want.created_at);

    ASSIGN_OR_RETURN(auto list, tx.ListCarriers());
    EXPECT_EQ(list.size(), 2u);
    if (list.size() == 2) {
      EXPECT_EQ(list[0].id, a);
      EXPECT_EQ(list[1].id, b);
      EXPECT_EQ(list[1].legal_name, "Gulf Wireless");
    }
    ASSIGN_OR_RETURN(auto found, tx.FindCarrierByFilerId("825124"));
    EXPECT_TRUE(found.has_value() && found->id == b);
    ASSIGN_OR_RETURN(auto none, tx.FindCarrierByFilerId("999999"));
    EXPECT_FALSE(none.has_value());

    auto missing = tx.GetCarrier(CarrierId(b.value() + 100));
    EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, DuplicateFilerIdIsAlreadyExists) {
  AddCarrier("825123");
  Status inner;
  const Status st = store_->Transact([&](Tx& tx) -> Status {
    auto r = tx.InsertCarrier(MakeCarrier("825123", "Impostor Telecom"));
    inner = r.status();
    return r.status();
  });
  EXPECT_EQ(inner.code(), StatusCode::kAlreadyExists) << inner.ToString();
  EXPECT_EQ(inner.field(), "filer_id_499");
  EXPECT_NE(inner.message().find("825123"), std::string::npos);
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Raw()->Int("SELECT COUNT(*) FROM carriers"), 1);
}

// ---- customers ----

TEST_P(StoreTest, CustomerInsertGetRoundTrip) {
  const CarrierId carrier = AddCarrier();
  Customer want = MakeCustomer(carrier, "B-77");
  want.type = CustomerType::kBusiness;
  want.name = "Zürich Café Holdings LLC";
  want.phones_of_record = {"+14072601011", "(407) 555-2020", "+44 20 7946 0958"};
  want.address_of_record = {"500 Corporate Blvd, Suite 9", "Tampa", "FL", "33602-1234", "US"};
  want.address_since = CivilDate{2021, 2, 28};
  want.email = "it@zurich-cafe.example";
  want.services = ServiceSet();
  want.services.Add(ServiceCategory::kInterexchange);
  want.services.Add(ServiceCategory::kInterconnectedVoip);
  want.services.Add(ServiceCategory::kCpe);
  want.account_representative = "Dana Rep";
  want.cpni_contract_ref = "MSA-2023-17 s.9";
  want.created_at = kT0 + 123456;
  ASSERT_TRUE(NormalizeCustomer(want).ok());
  const CustomerId id = AddCustomer(want);
  ASSERT_TRUE(id.valid());

  const Status st = store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer got, tx.GetCustomer(carrier, id));
    EXPECT_EQ(got.id, id);
    EXPECT_EQ(got.carrier, carrier);
    EXPECT_EQ(got.account_number, "B-77");
    EXPECT_EQ(got.type, CustomerType::kBusiness);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.phones_of_record,
              (std::vector<std::string>{"+14072601011", "+14075552020", "+442079460958"}));
    EXPECT_EQ(got.address_of_record, want.address_of_record);
    EXPECT_EQ(got.address_since, (CivilDate{2021, 2, 28}));
    EXPECT_EQ(got.email, want.email);
    EXPECT_EQ(got.services.bits(), 0b1001010u);  // interexchange=1, voip=3, cpe=6
    EXPECT_EQ(got.account_representative, "Dana Rep");
    EXPECT_EQ(got.cpni_contract_ref, "MSA-2023-17 s.9");
    EXPECT_EQ(got.created_at, want.created_at);

    ASSIGN_OR_RETURN(auto by_account, tx.FindCustomerByAccount(carrier, "B-77"));
    EXPECT_TRUE(by_account.has_value());
    if (by_account) {
      EXPECT_EQ(by_account->id, id);
      EXPECT_EQ(by_account->phones_of_record.size(), 3u);
    }
    ASSIGN_OR_RETURN(auto none, tx.FindCustomerByAccount(carrier, "B-78"));
    EXPECT_FALSE(none.has_value());
    ASSIGN_OR_RETURN(int64_t count, tx.CountCustomers(carrier));
    EXPECT_EQ(count, 1);
    ASSIGN_OR_RETURN(auto existing, tx.ExistingAccounts(carrier, {"B-76", "B-77", "B-78"}));
    EXPECT_EQ(existing, (std::vector<std::string>{"B-77"}));
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

// Migration 0011: the day service began (47 CFR 64.2010(e): the
// service-initiation path follows it). '' in the column is "not known" (an
// imported, existing customer); an update never writes it.
TEST_P(StoreTest, Rule_64_2010_e_ServiceSinceColumnRoundTripsAndAnUpdateKeepsIt) {
  const CarrierId carrier = AddCarrier();
  Customer fresh = MakeCustomer(carrier, "N-1", 1);
  fresh.service_since = CivilDate{2024, 3, 13};
  const CustomerId known = AddCustomer(fresh);
  const CustomerId unknown = AddCustomer(MakeCustomer(carrier, "E-1", 2));
  auto raw = Raw();
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM customers WHERE service_since = '2024-03-13' AND id = " +
                     known.ToString()),
            1);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM customers WHERE service_since = '' AND id = " +
                     unknown.ToString()),
            1);
  Status st = store_->Transact([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer a, tx.GetCustomer(carrier, known));
    EXPECT_EQ(a.service_since, (CivilDate{2024, 3, 13}));
    ASSIGN_OR_RETURN(Customer b, tx.GetCustomer(carrier, unknown));
    EXPECT_FALSE(b.service_since.Valid());
    ASSIGN_OR_RETURN(auto by_account, tx.FindCustomerByAccount(carrier, "N-1"));
    EXPECT_TRUE(by_account && by_account->service_since == (CivilDate{2024, 3, 13}));
    ASSIGN_OR_RETURN(CustomerPage page, tx.ListCustomers(carrier, CustomerId(), 10));
    EXPECT_EQ(page.customers.size(), 2u);
    if (page.customers.size() == 2) {
      EXPECT_EQ(page.customers[0].service_since, (CivilDate{2024, 3, 13}));
      EXPECT_FALSE(page.customers[1].service_since.Valid());
    }
    // An update writes the record's other fields, never service_since.
    a.name = "Renamed";
    a.service_since = CivilDate{2026, 1, 1};
    RETURN_IF_ERROR(tx.UpdateCustomer(a));
    b.service_since = CivilDate{2026, 1, 1};
    return tx.UpdateCustomer(b);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer a, tx.GetCustomer(carrier, known));
    EXPECT_EQ(a.name, "Renamed");
    EXPECT_EQ(a.service_since, (CivilDate{2024, 3, 13}));
    ASSIGN_OR_RETURN(Customer b, tx.GetCustomer(carrier, unknown));
    EXPECT_FALSE(b.service_since.Valid());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, AnotherCarriersCustomerIsNotFound) {
  const CarrierId mine = AddCarrier("825123");
  const CarrierId theirs = AddCarrier("825124");
  const CustomerId id = AddCustomer(MakeCustomer(mine, "A-1"));
  const Status st = store_->Read([&](Tx& tx) -> Status {
    auto cross = tx.GetCustomer(theirs, id);
    EXPECT_EQ(cross.status().code(), StatusCode::kNotFound);
    ASSIGN_OR_RETURN(auto by_account, tx.FindCustomerByAccount(theirs, "A-1"));
    EXPECT_FALSE(by_account.has_value());
    ASSIGN_OR_RETURN(int64_t count, tx.CountCustomers(theirs));
    EXPECT_EQ(count, 0);
    EXPECT_TRUE(tx.GetCustomer(mine, id).ok());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, DuplicateAccountIsAlreadyExistsPerCarrier) {
  const CarrierId a = AddCarrier("825123");
  const CarrierId b = AddCarrier("825124");
  AddCustomer(MakeCustomer(a, "A-1", 1));
  Status inner;
  const Status st = store_->Transact([&](Tx& tx) -> Status {
    auto r = tx.InsertCustomer(MakeCustomer(a, "A-1", 2));
    inner = r.status();
    return r.status();
  });
  EXPECT_EQ(inner.code(), StatusCode::kAlreadyExists) << inner.ToString();
  EXPECT_EQ(inner.field(), "account_number");
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  // The same account number at another carrier is fine.
  EXPECT_TRUE(AddCustomer(MakeCustomer(b, "A-1", 3)).valid());
  auto raw = Raw();
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM customers"), 2);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM customer_phones"), 2);
}

TEST_P(StoreTest, CustomerOfAnUnknownCarrierIsNotFound) {
  AddCarrier();
  Status inner;
  const Status st = store_->Transact([&](Tx& tx) -> Status {
    auto r = tx.InsertCustomer(MakeCustomer(CarrierId(424242), "A-1"));
    inner = r.status();
    return r.status();
  });
  EXPECT_EQ(inner.code(), StatusCode::kNotFound) << inner.ToString();
  EXPECT_FALSE(st.ok());
}

// A carrier's customers are walked in id order from a key (the approval
// index's load and catch-up, Tx::CustomerFactsAfter; the customer pages,
// Tx::ListCustomers) through the (carrier_id, id) index of migration 0009:
// without it each batch searched the carrier's whole set and sorted it, so a
// full walk was quadratic (issue 23: 179-196 s for 10M customers).
TEST_P(StoreTest, CustomerKeysetWalkReadsTheCarrierIdIndexInOrder) {
  // A compliance firm's installation: ten carriers, their customers' ids
  // interleaved, so walking the id order alone would read nine rows of other
  // carriers for each of this one's.
  std::vector<CarrierId> carriers;
  for (int c = 0; c < 10; ++c) carriers.push_back(AddCarrier(std::to_string(825100 + c)));
  ASSERT_TRUE(store_
                  ->Transact([&](Tx& tx) -> Status {
                    for (int i = 0; i < 2000; ++i) {
                      RETURN_IF_ERROR(tx.InsertCustomer(MakeCustomer(carriers[i % 10],
                                                                     "K-" + std::to_string(i), i))
                                          .status());
                    }
                    return Status::Ok();
                  })
                  .ok());
  auto raw = Raw();
  raw->Exec("ANALYZE");
  const std::string plan =
      raw->Plan("SELECT id, services FROM customers WHERE carrier_id = ? AND id > ? "
                "ORDER BY id LIMIT ?");
  if (GetParam() == Backend::kSqlite) {
    EXPECT_NE(plan.find("customers_carrier_id"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  } else {
    // PostgreSQL's planner chooses by cost between (carrier_id, id) and the
    // primary key with a filter (both read in id order); what must never
    // happen is a scan of the carrier's rows followed by a sort.
    EXPECT_NE(plan.find("Index Scan using customers_"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("Sort"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
  }
}

TEST_P(StoreTest, ListPaginatesByCursor) {
  const CarrierId carrier = AddCarrier("825123");
  const CarrierId other = AddCarrier("825124");
  std::vector<CustomerId> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(AddCustomer(MakeCustomer(carrier, "A-" + std::to_string(i), i)));
    AddCustomer(MakeCustomer(other, "O-" + std::to_string(i), i));  // interleaved ids
  }
  std::vector<CustomerId> seen;
  std::vector<size_t> page_sizes;
  CustomerId cursor;
  const Status st = store_->Read([&](Tx& tx) -> Status {
    for (int guard = 0; guard < 10; ++guard) {
      ASSIGN_OR_RETURN(CustomerPage page, tx.ListCustomers(carrier, cursor, 3));
      page_sizes.push_back(page.customers.size());
      for (const Customer& c : page.customers) {
        EXPECT_EQ(c.carrier, carrier);
        EXPECT_EQ(c.phones_of_record.size(), 1u);
        seen.push_back(c.id);
      }
      if (!page.next) break;
      EXPECT_EQ(*page.next, page.customers.back().id);
      cursor = *page.next;
    }
    // Exactly a multiple of the page size: the last full page has no cursor.
    ASSIGN_OR_RETURN(CustomerPage six, tx.ListCustomers(carrier, ids[2], 3));
    EXPECT_EQ(six.customers.size(), 3u);
    EXPECT_TRUE(six.next.has_value());
    ASSIGN_OR_RETURN(CustomerPage last, tx.ListCustomers(carrier, ids[3], 3));
    EXPECT_EQ(last.customers.size(), 3u);
    EXPECT_FALSE(last.next.has_value());
    ASSIGN_OR_RETURN(CustomerPage past, tx.ListCustomers(carrier, ids[6], 3));
    EXPECT_TRUE(past.customers.empty());
    EXPECT_FALSE(past.next.has_value());

    EXPECT_EQ(tx.ListCustomers(carrier, CustomerId(), 0).status().field(), "limit");
    EXPECT_EQ(tx.ListCustomers(carrier, CustomerId(), 1001).status().code(),
              StatusCode::kInvalidArgument);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(page_sizes, (std::vector<size_t>{3, 3, 1}));
  EXPECT_EQ(seen, ids);
}

// Walks a paged list `limit` at a time in one read; the keys in order.
template <typename T>
std::vector<int64_t> WalkPages(Store& store, int limit,
                               const std::function<Result<Page<T>>(Tx&, int64_t, int)>& list,
                               const std::function<int64_t(const T&)>& key,
                               std::vector<size_t>* sizes = nullptr) {
  std::vector<int64_t> keys;
  int64_t after = 0;
  const Status st = store.Read([&](Tx& tx) -> Status {
    for (int guard = 0; guard < 50; ++guard) {
      ASSIGN_OR_RETURN(Page<T> page, list(tx, after, limit));
      if (sizes) sizes->push_back(page.items.size());
      EXPECT_LE(page.items.size(), static_cast<size_t>(limit));
      for (const T& item : page.items) keys.push_back(key(item));
      if (!page.next) return Status::Ok();
      EXPECT_EQ(page.items.size(), static_cast<size_t>(limit));
      EXPECT_EQ(*page.next, key(page.items.back()));
      after = *page.next;
    }
    return Status::Internal("the pages do not end");
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return keys;
}

template <typename T>
int64_t IdOf(const T& row) {
  return row.id;
}

TEST_P(StoreTest, RecordListsPageByKeyWithinTheCarrier) {
  const CarrierId carrier = AddCarrier("825123");
  const CarrierId other = AddCarrier("825124");
  const CustomerId customer = AddCustomer(MakeCustomer(carrier, "A-1", 1));
  const CustomerId neighbour = AddCustomer(MakeCustomer(carrier, "A-2", 2));
  const CustomerId stranger = AddCustomer(MakeCustomer(other, "O-1", 1));
  std::vector<int64_t> cases, open_cases, events, templates, flags, open_flags, versions;
  // Five of each for `carrier`, interleaved with rows of the other carrier
  // (and of another customer); events recorded latest instant first.
  Status st = store_->Transact([&](Tx& tx) -> Status {
    for (int i = 0; i < 5; ++i) {
      for (const CarrierId c : {carrier, other}) {
        const bool mine = c == carrier;
        BreachCaseRow b;
        b.carrier = c;
        b.state = i % 2 == 0 ? "open" : "closed";
        ASSIGN_OR_RETURN(int64_t case_id, tx.InsertBreachCase(b));
        ApprovalEventRow e;
        e.carrier = c;
        e.customer = mine ? customer : stranger;
        e.at = Instant::FromMicros(1'700'000'000'000'000 - i * 1'000'000);
        e.actor = "test";
        ASSIGN_OR_RETURN(int64_t event_id, tx.InsertApprovalEvent(e));
        if (mine) {
          e.customer = neighbour;
          RETURN_IF_ERROR(tx.InsertApprovalEvent(e).status());
        }
        NoticeTemplateRow t;
        t.carrier = c;
        t.name = "template " + std::to_string(i);
        t.checklist = "{}";
        ASSIGN_OR_RETURN(int64_t template_id, tx.InsertNoticeTemplate(t));
        PretextingFlagRow f;
        f.carrier = c;
        f.kind = "calling_number";
        f.key = "+1202555010" + std::to_string(i);
        f.evidence = "{}";
        f.state = i % 2 == 0 ? "open" : "reviewed";
        ASSIGN_OR_RETURN(int64_t flag_id, tx.InsertPretextingFlag(f));
        PolicyRow p;
        p.carrier = c;
        p.version = mine ? 2 * i + 1 : 10 + i;
        p.name = "policy";
        RETURN_IF_ERROR(tx.InsertPolicy(p));
        if (!mine) continue;
        cases.push_back(case_id);
        if (i % 2 == 0) open_cases.push_back(case_id);
        events.push_back(event_id);
        templates.push_back(template_id);
        flags.push_back(flag_id);
        if (i % 2 == 0) open_flags.push_back(flag_id);
        versions.push_back(p.version);
      }
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  std::vector<size_t> sizes;
  EXPECT_EQ(WalkPages<BreachCaseRow>(
                *store_, 2,
                [&](Tx& tx, int64_t after, int limit) {
                  return tx.ListBreachCases(carrier, "", after, limit);
                },
                IdOf<BreachCaseRow>, &sizes),
            cases);
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(WalkPages<BreachCaseRow>(
                *store_, 2,
                [&](Tx& tx, int64_t after, int limit) {
                  return tx.ListBreachCases(carrier, "open", after, limit);
                },
                IdOf<BreachCaseRow>),
            open_cases);
  EXPECT_EQ(WalkPages<ApprovalEventRow>(
                *store_, 2,
                [&](Tx& tx, int64_t after, int limit) {
                  return tx.ListApprovalEvents(carrier, customer, after, limit);
                },
                IdOf<ApprovalEventRow>),
            events);
  EXPECT_EQ(WalkPages<NoticeTemplateRow>(
                *store_, 2,
                [&](Tx& tx, int64_t after, int limit) {
                  return tx.ListNoticeTemplates(carrier, after, limit);
                },
                IdOf<NoticeTemplateRow>),
            templates);
  EXPECT_EQ(WalkPages<PretextingFlagRow>(
                *store_, 2,
                [&](Tx& tx, int64_t after, int limit) {
                  return tx.ListPretextingFlags(carrier, "", after, limit);
                },
                IdOf<PretextingFlagRow>),
            flags);
  EXPECT_EQ(WalkPages<PretextingFlagRow>(
                *store_, 1,
                [&](Tx& tx, int64_t after, int limit) {
                  return tx.ListPretextingFlags(carrier, "open", after, limit);
                },
                IdOf<PretextingFlagRow>),
            open_flags);
  sizes.clear();
  EXPECT_EQ(WalkPages<PolicyRow>(
                *store_, 3,
                [&](Tx& tx, int64_t after, int limit) {
                  return tx.ListPolicies(carrier, after, limit);
                },
                [](const PolicyRow& p) { return p.version; }, &sizes),
            versions);
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 2}));

  st = store_->Read([&](Tx& tx) -> Status {
    // A full last page has no cursor; a cursor past the end is an empty page.
    ASSIGN_OR_RETURN(auto last, tx.ListNoticeTemplates(carrier, templates[2], 2));
    EXPECT_EQ(last.items.size(), 2u);
    EXPECT_FALSE(last.next.has_value());
    ASSIGN_OR_RETURN(auto past, tx.ListBreachCases(carrier, "", cases.back(), 2));
    EXPECT_TRUE(past.items.empty());
    EXPECT_FALSE(past.next.has_value());
    // Limits outside 1..1000 name the field; a page of cases is one carrier's.
    EXPECT_EQ(tx.ListApprovalEvents(carrier, customer, 0, 0).status().field(), "limit");
    EXPECT_EQ(tx.ListPolicies(carrier, 0, 1001).status().field(), "limit");
    EXPECT_EQ(tx.ListBreachCases(CarrierId(), "", 0, 10).status().code(),
              StatusCode::kInvalidArgument);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

// ---- transactions ----

TEST_P(StoreTest, FailingTransactionRollsEverythingBack) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 3);
  const ledger::Head before = Head(carrier);
  ASSERT_EQ(before.size, 3);

  const Status st = store_->Transact([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(CustomerId id, tx.InsertCustomer(MakeCustomer(carrier, "R-1")));
    LedgerEvent ev = MakeEvent(carrier, 4);
    ev.type = "customer.created";
    ev.subject = "customer:" + id.ToString();
    ASSIGN_OR_RETURN(AppendResult appended, tx.Append(ev));
    EXPECT_EQ(appended.seq, 4);
    return Status::Aborted("the function fails after writing");
  });
  EXPECT_EQ(st.code(), StatusCode::kAborted);
  EXPECT_EQ(st.message(), "the function fails after writing");

  const ledger::Head after = Head(carrier);
  EXPECT_EQ(after.size, 3);
  EXPECT_EQ(after.root, before.root);
  EXPECT_EQ(after.last_hash, before.last_hash);
  auto raw = Raw();
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM customers"), 0);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM customer_phones"), 0);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_entries"), 3);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_payloads"), 1);  // entry 2's only

  // The next append continues at 4, and the ledger verifies.
  const std::vector<AppendResult> more = BuildLedger(carrier, 1);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].seq, 4);
  const VerifyReport r = Verify(carrier);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.entries, 4);
}

// Ends every connection the store holds, as a PostgreSQL restart does, and
// waits until their backends are gone.
void TerminateOtherConnections(RawDb& raw, const std::string& database) {
  const std::string others = " FROM pg_stat_activity WHERE datname = '" + database +
                             "' AND pid <> pg_backend_pid()";
  raw.Int("SELECT COUNT(pg_terminate_backend(pid))" + others);
  for (int i = 0; i < 500 && raw.Int("SELECT COUNT(*)" + others) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(raw.Int("SELECT COUNT(*)" + others), 0);
}

// After a PostgreSQL restart every open connection is lost: the store opens
// new ones instead of failing on the old ones until it is restarted (the
// crash trials found writes answering 500 while /readyz said ready).
// PostgreSQL only: SQLite has no server whose connections could be lost.
class PostgresStoreTest : public StoreTest {};

TEST_P(PostgresStoreTest, LostConnectionsAreReplacedAndAHalfRunTransactionIsNotRunAgain) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 2);
  ASSERT_EQ(Head(carrier).size, 2);  // a reader connection is open too
  auto raw = Raw();
  ASSERT_NO_FATAL_FAILURE(TerminateOtherConnections(*raw, pg_.name()));

  // BEGIN found the connection lost, so nothing ran: it runs once on a new one.
  int runs = 0;
  Status st = store_->Transact([&](Tx& tx) -> Status {
    ++runs;
    return tx.Append(MakeEvent(carrier, 3)).status();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Head(carrier).size, 3);  // the lost reader was replaced as well

  // Lost part way: Unavailable, and not run again (had COMMIT been lost, the
  // outcome would be unknown); nothing of it stays.
  runs = 0;
  st = store_->Transact([&](Tx& tx) -> Status {
    ++runs;
    RETURN_IF_ERROR(tx.Append(MakeEvent(carrier, 4)).status());
    TerminateOtherConnections(*raw, pg_.name());
    return tx.Append(MakeEvent(carrier, 5)).status();
  });
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Head(carrier).size, 3);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_entries"), 3);
  const std::vector<AppendResult> more = BuildLedger(carrier, 1);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].seq, 4);
  EXPECT_TRUE(Verify(carrier).valid);
}

TEST_P(StoreTest, FailingStatementRollsBackEarlierWrites) {
  const CarrierId carrier = AddCarrier();
  AddCustomer(MakeCustomer(carrier, "A-1", 1));
  BuildLedger(carrier, 2);
  const ledger::Head before = Head(carrier);

  const Status st = store_->Transact([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.Append(MakeEvent(carrier, 3)).status());
    RETURN_IF_ERROR(tx.InsertCustomer(MakeCustomer(carrier, "A-2", 2)).status());
    return tx.InsertCustomer(MakeCustomer(carrier, "A-1", 3)).status();  // duplicate
  });
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Head(carrier).size, before.size);
  EXPECT_EQ(Head(carrier).root, before.root);
  auto raw = Raw();
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM customers"), 1);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_entries"), 2);
  // The store is usable afterwards.
  EXPECT_TRUE(AddCustomer(MakeCustomer(carrier, "A-2", 2)).valid());
}

// ---- the ledger ----

TEST_P(StoreTest, LedgerAppendsChainAndVerify) {
  const CarrierId carrier = AddCarrier("825123");
  const CarrierId other = AddCarrier("825124");
  const std::vector<AppendResult> appended = BuildLedger(carrier, 10);  // 4 transactions
  ASSERT_EQ(appended.size(), 10u);
  const std::vector<AppendResult> theirs = BuildLedger(other, 2);
  ASSERT_EQ(theirs.size(), 2u);
  EXPECT_EQ(theirs[0].seq, 1);  // each carrier has its own ledger

  std::vector<ledger::Hash> leaves;
  const Status st = store_->Read([&](Tx& tx) -> Status {
    ledger::Hash prev = ledger::kZeroHash;
    for (int64_t seq = 1; seq <= 10; ++seq) {
      EXPECT_EQ(appended[static_cast<size_t>(seq - 1)].seq, seq);
      ASSIGN_OR_RETURN(auto read, tx.ReadEntry(carrier, seq));
      const ledger::Entry& e = read.first;
      const LedgerEvent ev = MakeEvent(carrier, static_cast<int>(seq));
      EXPECT_EQ(e.carrier, carrier);
      EXPECT_EQ(e.seq, seq);
      EXPECT_EQ(e.type, ev.type);
      EXPECT_EQ(e.subject, ev.subject);
      EXPECT_EQ(e.body, ev.body);
      EXPECT_EQ(e.at, ev.at);
      EXPECT_EQ(e.prev_hash, prev) << "entry " << seq;
      EXPECT_EQ(read.second, ev.payload);
      if (ev.payload) {
        EXPECT_TRUE(e.payload_hash && *e.payload_hash == ledger::Sha256Of(*ev.payload));
      }
      const std::string bytes = e.Encode();
      prev = ledger::ChainHash(bytes);
      EXPECT_EQ(prev, appended[static_cast<size_t>(seq - 1)].hash);
      leaves.push_back(ledger::LeafHash(bytes));
    }
    EXPECT_EQ(tx.ReadEntry(carrier, 11).status().code(), StatusCode::kNotFound);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  const ledger::Head head = Head(carrier);
  EXPECT_EQ(head.size, 10);
  EXPECT_EQ(head.last_hash, appended.back().hash);
  EXPECT_EQ(head.root, ledger::MerkleRoot(leaves));

  const VerifyReport r = Verify(carrier);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.carrier, carrier);
  EXPECT_EQ(r.entries, 10);
  EXPECT_EQ(r.payloads_checked, 5);
  EXPECT_EQ(r.payloads_erased, 0);
  EXPECT_EQ(r.root, head.root);

  const VerifyReport o = Verify(other);
  EXPECT_TRUE(o.valid) << Describe(o);
  EXPECT_EQ(o.entries, 2);
}

TEST_P(StoreTest, EveryEntryHasAnInclusionProof) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 10);
  const ledger::Head head = Head(carrier);
  ledger::Hash wrong_root = head.root;
  wrong_root[0] ^= 1;
  for (int64_t seq = 1; seq <= 10; ++seq) {
    auto proof = Prove(carrier, seq);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(proof->entry, seq);
    EXPECT_EQ(proof->tree_size, 10u);
    EXPECT_EQ(proof->root, head.root);
    const ledger::ProofCheck check = ledger::CheckProof(*proof, head.root);
    EXPECT_TRUE(check.valid) << "entry " << seq << ": " << check.reason;
    EXPECT_EQ(check.entry.seq, seq);
    // Through its JSON document, with no database.
    auto back = ledger::InclusionProof::FromJson(proof->ToJson());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(ledger::CheckProof(*back, head.root).valid);
    EXPECT_FALSE(ledger::CheckProof(*back, wrong_root).valid);
  }
  EXPECT_EQ(Prove(carrier, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Prove(carrier, 11).status().code(), StatusCode::kNotFound);
}

// ---- tampering underneath the store ----

TEST_P(StoreTest, FlippedEntryByteIsReportedAsAltered) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  {
    auto raw = Raw();
    std::string bytes = raw->Blob("SELECT entry FROM ledger_entries" + Where(carrier, 3));
    ASSERT_GT(bytes.size(), 60u);
    bytes[60] ^= 0x01;
    raw->ExecBlob("UPDATE ledger_entries SET entry = $1" + Where(carrier, 3), bytes);
  }
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kAltered, 3);
  EXPECT_EQ(r.entries, 8);
  // A proof cannot be made from a ledger that no longer matches its head.
  EXPECT_EQ(Prove(carrier, 5).status().code(), StatusCode::kDataLoss);
}

TEST_P(StoreTest, DeletedEntryIsReportedAsRemoved) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  Raw()->Exec("DELETE FROM ledger_entries" + Where(carrier, 3));  // entry 3 has no payload
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kRemoved, 3);
  EXPECT_EQ(r.entries, 7);
}

TEST_P(StoreTest, UpdatedPayloadIsReportedAsPayloadAltered) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  Raw()->ExecBlob("UPDATE ledger_payloads SET body = $1" + Where(carrier, 4),
                  "{\"name\":\"Someone Else\"}");
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kPayloadAltered, 4);
  EXPECT_EQ(r.problems.size(), 1u) << Describe(r);
}

TEST_P(StoreTest, DeletedTailIsReportedAsTruncated) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  auto raw = Raw();
  const std::string tail =
      " WHERE carrier_id = " + carrier.ToString() + " AND seq > 5";
  raw->Exec("DELETE FROM ledger_payloads" + tail);
  raw->Exec("DELETE FROM ledger_entries" + tail);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_entries"), 5);
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kTruncated, 6);
  EXPECT_EQ(r.entries, 5);
  EXPECT_EQ(r.problems.size(), 1u) << Describe(r);
}

TEST_P(StoreTest, SwappedRowsAreReportedAsReordered) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  auto raw = Raw();
  // Entries 1 and 3 carry no payload, so no payload row points at them.
  raw->Exec("UPDATE ledger_entries SET seq = -3" + Where(carrier, 3));
  raw->Exec("UPDATE ledger_entries SET seq = 3" + Where(carrier, 1));
  raw->Exec("UPDATE ledger_entries SET seq = 1" + Where(carrier, -3));
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kReordered, 1);
}

TEST_P(StoreTest, PayloadRemovedWithoutErasureEntryIsReported) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  auto raw = Raw();
  // Marked erased by hand: no ledger.payload_erased entry records it.
  raw->Exec("UPDATE ledger_payloads SET body = NULL, erased_at = 1" + Where(carrier, 4));
  VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kPayloadRemoved, 4);
  EXPECT_EQ(r.payloads_erased, 0);
  // Deleted outright.
  raw->Exec("DELETE FROM ledger_payloads" + Where(carrier, 4));
  r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kPayloadRemoved, 4);
}

// ---- sealed blocks (ledger/block.h) ----

constexpr int64_t kK = ledger::kBlockEntries;

// Where the entry `seq` starts inside its block's bytes.
size_t OffsetInBlock(const std::string& block, int64_t seq) {
  ledger::BlockReader reader(block);
  std::string_view entry, hash;
  for (int64_t at = ledger::BlockStart(seq); reader.Next(&entry, &hash); ++at) {
    if (at == seq) return reader.offset();
  }
  ADD_FAILURE() << "entry " << seq << " is not in the block";
  return 0;
}

std::string BlockWhere(CarrierId carrier, int64_t first_seq) {
  return " WHERE carrier_id = " + carrier.ToString() + " AND first_seq = " +
         std::to_string(first_seq);
}

TEST_P(StoreTest, FullBlocksAreSealedAndReadLikeRows) {
  const CarrierId carrier = AddCarrier();
  const int n = 3 * kK + 5;
  const std::vector<AppendResult> appended = BuildLedger(carrier, n);
  ASSERT_EQ(appended.size(), static_cast<size_t>(n));
  auto raw = Raw();
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_blocks"), 3);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_entries"), 5);  // the open tail
  EXPECT_EQ(raw->Int("SELECT MIN(seq) FROM ledger_entries"), 3 * kK + 1);
  EXPECT_EQ(raw->Int("SELECT MAX(first_seq) FROM ledger_blocks"), 2 * kK + 1);

  const VerifyReport r = Verify(carrier);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.entries, n);
  EXPECT_EQ(r.payloads_checked, n / 2);
  EXPECT_EQ(r.root, Head(carrier).root);

  const Status st = store_->Read([&](Tx& tx) -> Status {
    for (int64_t seq : {int64_t{1}, kK, kK + 1, 2 * kK + 7, int64_t{n}}) {
      ASSIGN_OR_RETURN(auto read, tx.ReadEntry(carrier, seq));
      EXPECT_EQ(read.first.seq, seq);
      EXPECT_EQ(ledger::ChainHash(read.first.Encode()),
                appended[static_cast<size_t>(seq - 1)].hash);
      EXPECT_EQ(read.second, MakeEvent(carrier, static_cast<int>(seq)).payload);
    }
    // Following the ledger across a block boundary and into the tail.
    ASSIGN_OR_RETURN(auto marks, tx.LedgerMarksAfter(carrier, kK - 3, 6));
    EXPECT_EQ(marks.size(), 6u);
    for (size_t i = 0; i < marks.size(); ++i) EXPECT_EQ(marks[i].seq, kK - 2 + int64_t(i));
    ASSIGN_OR_RETURN(marks, tx.LedgerMarksAfter(carrier, 3 * kK - 1, 100));
    EXPECT_EQ(marks.size(), 6u);
    EXPECT_EQ(marks.back().seq, n);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  for (int64_t seq : {int64_t{2}, kK + 9, int64_t{n}}) {
    auto proof = Prove(carrier, seq);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_TRUE(ledger::CheckProof(*proof, r.root).valid) << "entry " << seq;
  }
}

// Puts a sealed block's entries back one per row, as a ledger appended
// before schema 0007 holds them.
void Unseal(RawDb& raw, Backend backend, CarrierId carrier, int64_t first_seq) {
  const std::string block =
      raw.Blob("SELECT entries FROM ledger_blocks" + BlockWhere(carrier, first_seq));
  auto literal = [&](std::string_view bytes) {
    const std::string hex = ToHex(bytes);
    return backend == Backend::kSqlite ? "X'" + hex + "'" : "decode('" + hex + "', 'hex')";
  };
  ledger::BlockReader reader(block);
  std::string_view entry, hash;
  for (int64_t seq = first_seq; reader.Next(&entry, &hash); ++seq) {
    raw.Exec("INSERT INTO ledger_entries (carrier_id, seq, entry, hash) VALUES (" +
             carrier.ToString() + ", " + std::to_string(seq) + ", " + literal(entry) + ", " +
             literal(hash) + ")");
  }
  raw.Exec("DELETE FROM ledger_blocks" + BlockWhere(carrier, first_seq));
}

TEST_P(StoreTest, RunsStoredAsRowsBeforeBlocksAreSealedOnRequest) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 3 * kK + 5);
  const ledger::Head head = Head(carrier);
  auto raw = Raw();
  Unseal(*raw, GetParam(), carrier, 1);
  Unseal(*raw, GetParam(), carrier, 2 * kK + 1);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_blocks"), 1);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_entries"), 2 * kK + 5);
  VerifyReport r = Verify(carrier);
  EXPECT_TRUE(r.valid) << Describe(r);  // rows and blocks read alike

  int64_t sealed = -1;
  auto seal = [&](int64_t max_blocks) {
    const Status st = store_->Transact([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(sealed, tx.SealStoredRuns(carrier, max_blocks));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  };
  seal(1);
  EXPECT_EQ(sealed, 1);
  seal(10);
  EXPECT_EQ(sealed, 1);  // the open tail (5 entries) stays as rows
  seal(10);
  EXPECT_EQ(sealed, 0);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_blocks"), 3);
  EXPECT_EQ(raw->Int("SELECT COUNT(*) FROM ledger_entries"), 5);
  r = Verify(carrier);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.entries, 3 * kK + 5);
  EXPECT_EQ(r.root, head.root);
  // A run with a row missing is left for audit verify to report.
  Unseal(*raw, GetParam(), carrier, kK + 1);
  raw->Exec("DELETE FROM ledger_entries" + Where(carrier, kK + 3));
  seal(10);
  EXPECT_EQ(sealed, 0);
  ExpectFirst(Verify(carrier), ProblemKind::kRemoved, kK + 3);
}

TEST_P(StoreTest, FlippedByteInASealedEntryNamesTheEntry) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 2 * kK + 3);
  const int64_t target = kK + 6;  // in the second block
  {
    auto raw = Raw();
    std::string block = raw->Blob("SELECT entries FROM ledger_blocks" + BlockWhere(carrier, kK + 1));
    const size_t at = OffsetInBlock(block, target) + 4 + 60;  // inside the entry's bytes
    ASSERT_LT(at, block.size());
    block[at] ^= 0x01;
    raw->ExecBlob("UPDATE ledger_blocks SET entries = $1" + BlockWhere(carrier, kK + 1), block);
  }
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kAltered, target);
  EXPECT_EQ(r.entries, 2 * kK + 3);
  EXPECT_EQ(Prove(carrier, 3).status().code(), StatusCode::kDataLoss);
}

TEST_P(StoreTest, AnAlteredLengthInABlockNamesTheEntry) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, kK + 1);
  auto raw = Raw();
  std::string block = raw->Blob("SELECT entries FROM ledger_blocks" + BlockWhere(carrier, 1));
  block[OffsetInBlock(block, 10)] = '\x40';  // entry 10's length prefix
  raw->ExecBlob("UPDATE ledger_blocks SET entries = $1" + BlockWhere(carrier, 1), block);
  ExpectFirst(Verify(carrier), ProblemKind::kAltered, 10);
}

TEST_P(StoreTest, DeletedBlockIsReportedAsRemoved) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 3 * kK);
  Raw()->Exec("DELETE FROM ledger_blocks" + BlockWhere(carrier, kK + 1));
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kRemoved, kK + 1);
  EXPECT_NE(r.problems[0].detail.find("entries " + std::to_string(kK + 1) + " to " +
                                      std::to_string(2 * kK) + " are missing"),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.entries, 2 * kK);
}

TEST_P(StoreTest, SwappedBlocksAreReportedAsReordered) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 2 * kK + 2);
  auto raw = Raw();
  raw->Exec("UPDATE ledger_blocks SET first_seq = -1" + BlockWhere(carrier, 1));
  raw->Exec("UPDATE ledger_blocks SET first_seq = 1" + BlockWhere(carrier, kK + 1));
  raw->Exec("UPDATE ledger_blocks SET first_seq = " + std::to_string(kK + 1) +
            BlockWhere(carrier, -1));
  ExpectFirst(Verify(carrier), ProblemKind::kReordered, 1);
}

TEST_P(StoreTest, AForgedEntrySplicedIntoABlockIsReportedAsInserted) {
  const CarrierId carrier = AddCarrier();
  const std::vector<AppendResult> appended = BuildLedger(carrier, kK + 4);
  const int64_t k = 20;
  // A self-consistent forgery: it claims position k, links to entry k-1 and
  // carries its own correct hash; the block's later entries move up by one.
  ledger::Entry forged;
  forged.carrier = carrier;
  forged.seq = k;
  forged.at = kT0;
  forged.actor = "staff:7";
  forged.type = "consent.opt_in";
  forged.body = "{\"forged\":true}";
  forged.prev_hash = appended[static_cast<size_t>(k - 2)].hash;
  const std::string bytes = forged.Encode();
  std::string spliced;
  ledger::AppendToBlock(bytes, ledger::HashBytes(ledger::ChainHash(bytes)), &spliced);
  auto raw = Raw();
  std::string block = raw->Blob("SELECT entries FROM ledger_blocks" + BlockWhere(carrier, 1));
  block.insert(OffsetInBlock(block, k), spliced);
  raw->ExecBlob("UPDATE ledger_blocks SET entries = $1" + BlockWhere(carrier, 1), block);
  ExpectFirst(Verify(carrier), ProblemKind::kInserted, k);
}

TEST_P(StoreTest, DeletedSealedTailIsReportedAsTruncated) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 2 * kK + 3);
  auto raw = Raw();
  const std::string after = " WHERE carrier_id = " + carrier.ToString();
  raw->Exec("DELETE FROM ledger_blocks" + after + " AND first_seq > 1");
  raw->Exec("DELETE FROM ledger_entries" + after);
  raw->Exec("DELETE FROM ledger_payloads" + after + " AND seq > " + std::to_string(kK));
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kTruncated, kK + 1);
  EXPECT_EQ(r.entries, kK);
  EXPECT_EQ(r.problems.size(), 1u) << Describe(r);
}

TEST_P(StoreTest, SealedEntriesPayloadsAreCheckedAndErasable) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 2 * kK);
  Raw()->ExecBlob("UPDATE ledger_payloads SET body = $1" + Where(carrier, kK + 2),
                  "{\"name\":\"Someone Else\"}");
  VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kPayloadAltered, kK + 2);
  EXPECT_EQ(r.problems.size(), 1u) << Describe(r);

  // Erasing a sealed entry's payload at the end of retention keeps the
  // ledger valid.
  const Status st = store_->Transact([&](Tx& tx) -> Status {
    return tx.ErasePayload(carrier, kK + 2, kRetainUntil, "staff:7", "retention ended").status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  r = Verify(carrier);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.entries, 2 * kK + 1);
  EXPECT_EQ(r.payloads_erased, 1);
}

// ---- erasure at the end of retention ----

TEST_P(StoreTest, ErasePayloadOnlyAfterRetentionAndTheLedgerStillVerifies) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  const ledger::Head before = Head(carrier);

  Status inner;
  Status st = store_->Transact([&](Tx& tx) -> Status {
    auto r = tx.ErasePayload(carrier, 4, kRetainUntil + (-1), "staff:7", "retention ended");
    inner = r.status();
    return r.status();
  });
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition) << inner.ToString();
  EXPECT_NE(inner.message().find(kRetainUntil.ToRfc3339()), std::string::npos) << inner.message();
  EXPECT_EQ(Head(carrier).size, before.size);

  AppendResult erasure;
  st = store_->Transact([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(erasure, tx.ErasePayload(carrier, 4, kRetainUntil, "staff:7",
                                              "retention ended"));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(erasure.seq, 9);

  st = store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto erased, tx.ReadEntry(carrier, 4));
    EXPECT_FALSE(erased.second.has_value());  // the personal data is gone
    EXPECT_TRUE(erased.first.payload_hash.has_value());  // the entry is unchanged
    ASSIGN_OR_RETURN(auto record, tx.ReadEntry(carrier, 9));
    EXPECT_EQ(record.first.type, ledger::kPayloadErasedType);
    EXPECT_EQ(record.first.actor, "staff:7");
    EXPECT_NE(record.first.body.find("\"entry\":4"), std::string::npos) << record.first.body;
    EXPECT_EQ(record.first.at, kRetainUntil);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();

  const VerifyReport r = Verify(carrier);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.entries, 9);
  EXPECT_EQ(r.payloads_erased, 1);
  EXPECT_EQ(r.payloads_checked, 3);  // 2, 6, 8
  EXPECT_EQ(r.root, Head(carrier).root);
  // The erased entry's proof still checks.
  auto proof = Prove(carrier, 4);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_TRUE(ledger::CheckProof(*proof, Head(carrier).root).valid);

  // Erasing twice, or an entry without a payload, is refused.
  st = store_->Transact([&](Tx& tx) -> Status {
    EXPECT_EQ(tx.ErasePayload(carrier, 4, kRetainUntil + kDay, "staff:7", "again").status().code(),
              StatusCode::kFailedPrecondition);
    EXPECT_EQ(tx.ErasePayload(carrier, 3, kRetainUntil + kDay, "staff:7", "none").status().code(),
              StatusCode::kNotFound);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Head(carrier).size, 9);
}

// ---- the payload's retention is in the chain (issue 22) ----

TEST_P(StoreTest, RetentionRowSetToZeroIsReportedByVerify) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  ASSERT_TRUE(Verify(carrier).valid);
  Raw()->Exec("UPDATE ledger_payloads SET retain_until = 0" + Where(carrier, 4));
  const VerifyReport r = Verify(carrier);
  ExpectFirst(r, ProblemKind::kPayloadRetentionAltered, 4);
  EXPECT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_NE(r.problems[0].detail.find(kRetainUntil.ToRfc3339()), std::string::npos)
      << r.problems[0].detail;
}

TEST_P(StoreTest, LoweredRetentionRowDoesNotAllowAnEarlyErasure) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 8);
  Raw()->Exec("UPDATE ledger_payloads SET retain_until = 0" + Where(carrier, 4));
  Status inner;
  (void)store_->Transact([&](Tx& tx) -> Status {
    inner = tx.ErasePayload(carrier, 4, kRetainUntil + (-1), "staff:7", "early").status();
    return inner;
  });
  // The entry's promise binds, not the row.
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition) << inner.ToString();
  EXPECT_NE(inner.message().find(kRetainUntil.ToRfc3339()), std::string::npos) << inner.message();
  EXPECT_EQ(Head(carrier).size, 8);
}

TEST_P(StoreTest, EntriesCommitTheRetentionOfTheirPayload) {
  const CarrierId carrier = AddCarrier();
  BuildLedger(carrier, 4);
  const Status st = store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto with, tx.ReadEntry(carrier, 4));
    EXPECT_EQ(with.first.payload_retain_until, std::optional<Instant>(kRetainUntil));
    ASSIGN_OR_RETURN(auto without, tx.ReadEntry(carrier, 3));
    EXPECT_FALSE(without.first.payload_retain_until.has_value());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, PostgresStoreTest, ::testing::Values(Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace proprio::store
