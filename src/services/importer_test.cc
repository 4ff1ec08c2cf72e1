#include "services/importer.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <deque>
#include <filesystem>

#include "services/demo.h"

namespace proprio::services {
namespace {

constexpr char kHeader[] =
    "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code,"
    "address_since,email,services\n";

std::string Row(const std::string& account, const std::string& phone = "407-555-0100",
                const std::string& services = "local;interexchange",
                const std::string& name = "Ada Lovelace") {
  return account + ",residential," + name + "," + phone +
         ",1 Main St,Longwood,FL,32750,2020-01-02,ada@example.net," + services + "\n";
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-import-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto store = store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/t.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    Carrier c;
    c.legal_name = "Test Telephone";
    c.filer_id_499 = "123456";
    c.time_zone = "America/New_York";
    auto added = AddCarrier(*store_, c, actor_);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    carrier_ = added->id;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  ImportReport Import(const std::string& csv, bool skip_invalid = false) {
    ImportOptions o;
    o.carrier = carrier_;
    o.skip_invalid = skip_invalid;
    o.source_name = "test.csv";
    o.on_reject = [&](const ImportRowError& e) {
      rejects_.push_back(e);
      rejects_.back().raw = raw_rows_.emplace_back(e.raw);  // `e.raw` lives only as long as the CSV
    };
    auto r = ImportCustomersCsv(*store_, csv, o, actor_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImportReport{};
  }

  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(n, tx.CountCustomers(carrier_));
      return Status::Ok();
    }).ok());
    return n;
  }

  int64_t LedgerSize() {
    ledger::Head h;
    EXPECT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(h, tx.LedgerHead(carrier_));
      return Status::Ok();
    }).ok());
    return h.size;
  }

  // Imports one bad row between two good ones and checks it is named.
  void ExpectBadRow(const std::string& bad_row, int64_t line, const std::string& column,
                    const std::string& reason_part) {
    const int64_t before = Count();
    const int64_t ledger_before = LedgerSize();
    ImportReport r = Import(std::string(kHeader) + Row("A1") + bad_row + Row("A3"));
    EXPECT_FALSE(r.committed);
    EXPECT_EQ(r.rejected, 1);
    EXPECT_EQ(r.imported, 0);
    ASSERT_EQ(r.first_errors.size(), 1u);
    EXPECT_EQ(r.first_errors[0].line, line);
    EXPECT_EQ(r.first_errors[0].column, column);
    EXPECT_NE(r.first_errors[0].reason.find(reason_part), std::string::npos)
        << r.first_errors[0].reason;
    EXPECT_EQ(Count(), before) << "nothing may be imported when a row is bad";
    EXPECT_EQ(LedgerSize(), ledger_before);
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  CarrierId carrier_;
  Actor actor_{"test", Instant::Parse("2026-11-26T12:00:00Z").value()};
  std::vector<ImportRowError> rejects_;
  std::deque<std::string> raw_rows_;
};

TEST_F(ImporterTest, ImportsGoodRowsAndAppendsOneLedgerEntry) {
  const int64_t ledger_before = LedgerSize();
  ImportReport r = Import(std::string(kHeader) + Row("A1") + Row("A2", "+44 20 7946 0000;4075550101"));
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.rows, 2);
  EXPECT_EQ(r.imported, 2);
  EXPECT_EQ(Count(), 2);
  EXPECT_EQ(LedgerSize(), ledger_before + 1);
  EXPECT_EQ(r.ledger_seq, ledger_before + 1);
  EXPECT_EQ(r.file_sha256.size(), 64u);
  std::optional<Customer> c;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, tx.FindCustomerByAccount(carrier_, "A2"));
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->phones_of_record, (std::vector<std::string>{"+442079460000", "+14075550101"}));
  EXPECT_TRUE(c->services.Has(ServiceCategory::kInterexchange));
  EXPECT_EQ(c->address_since.ToString(), "2020-01-02");
}

TEST_F(ImporterTest, ColumnsMayComeInAnyOrderAndOptionalOnesMayBeMissing) {
  ImportReport r = Import(
      "name,account_number,street,city,state,postal_code,telephone_numbers,customer_type\n"
      "\"Smith, Jane\",Z9,2 Elm St,Sanford,FL,32771,(321) 555-0199,residential\n");
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.imported, 1);
}

TEST_F(ImporterTest, DuplicateAccountInFileIsABadRow) {
  ExpectBadRow(Row("A1"), 3, "account_number", "appears earlier in the file");
}

TEST_F(ImporterTest, DuplicateAccountAlreadyStoredIsABadRow) {
  ASSERT_TRUE(Import(std::string(kHeader) + Row("OLD")).committed);
  ExpectBadRow(Row("OLD"), 3, "account_number", "already exists");
}

TEST_F(ImporterTest, MalformedTelephoneNumberIsABadRow) {
  ExpectBadRow(Row("A2", "555-0100"), 3, "telephone_numbers", "telephone number");
  ExpectBadRow(Row("A2", "(107) 555-0100"), 3, "telephone_numbers", "North American");
  ExpectBadRow(Row("A2", "407-555-01x0"), 3, "telephone_numbers", "not a digit");
}

TEST_F(ImporterTest, UnknownServiceCategoryIsABadRow) {
  ExpectBadRow(Row("A2", "4075550100", "local;satellite_tv"), 3, "services",
               "unknown service category 'satellite_tv'");
}

TEST_F(ImporterTest, BadUtf8IsABadRow) {
  ExpectBadRow(Row("A2", "4075550100", "local", "Jos\xC3 Garc\xED" "a"), 3, "name", "UTF-8");
}

TEST_F(ImporterTest, OversizedFieldIsABadRow) {
  ExpectBadRow(Row("A2", "4075550100", "local", std::string(2000, 'x')), 3, "name", "bytes");
  ExpectBadRow(Row("A2", "4075550100", "local", std::string(300, 'x')), 3, "name",
               "longer than 200 bytes");
}

TEST_F(ImporterTest, WrongFieldCountIsABadRow) {
  ExpectBadRow("A2,residential,Bob\n", 3, "", "the row has 3 fields; the header has 11");
}

TEST_F(ImporterTest, BusinessFieldsOnResidentialCustomerAreRefused) {
  ImportReport r = Import(
      "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code,"
      "account_representative\n"
      "A1,residential,Bob,4075550100,1 Main St,Longwood,FL,32750,Alice Rep\n");
  EXPECT_FALSE(r.committed);
  ASSERT_EQ(r.first_errors.size(), 1u);
  EXPECT_EQ(r.first_errors[0].column, "account_representative");
  EXPECT_NE(r.first_errors[0].reason.find("64.2010(g)"), std::string::npos);
}

TEST_F(ImporterTest, TruncatedFileInsideQuoteIsABadRow) {
  ImportReport r = Import(std::string(kHeader) + Row("A1") + "A2,residential,\"Unfinished name");
  EXPECT_FALSE(r.committed);
  ASSERT_EQ(r.first_errors.size(), 1u);
  EXPECT_EQ(r.first_errors[0].line, 3);
  EXPECT_NE(r.first_errors[0].reason.find("truncated"), std::string::npos);
  EXPECT_EQ(Count(), 0);
}

TEST_F(ImporterTest, TruncatedLastLineIsABadRow) {
  ImportReport r = Import(std::string(kHeader) + Row("A1") + "A2,residential,Bob,40755");
  EXPECT_FALSE(r.committed);
  ASSERT_EQ(r.first_errors.size(), 1u);
  EXPECT_EQ(r.first_errors[0].line, 3);
  EXPECT_NE(r.first_errors[0].reason.find("fields"), std::string::npos);
}

TEST_F(ImporterTest, ReportsEveryBadRowNotOnlyTheFirst) {
  ImportReport r = Import(std::string(kHeader) + Row("A1", "12") + Row("A2") +
                          Row("A3", "4075550100", "cable"));
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(r.rejected, 2);
  ASSERT_EQ(r.first_errors.size(), 2u);
  EXPECT_EQ(r.first_errors[0].line, 2);
  EXPECT_EQ(r.first_errors[1].line, 4);
  EXPECT_EQ(Count(), 0);
}

TEST_F(ImporterTest, SkipInvalidImportsGoodRowsAndHandsOverRejectsWithTheirText) {
  ImportReport r = Import(std::string(kHeader) + Row("A1") + Row("A2", "12") + Row("A3"), true);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.imported, 2);
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(Count(), 2);
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_EQ(rejects_[0].line, 3);
  EXPECT_EQ(rejects_[0].column, "telephone_numbers");
  EXPECT_EQ(std::string(rejects_[0].raw).substr(0, 3), "A2,");
}

TEST_F(ImporterTest, EmptyFileIsRefusedNamingLineOne) {
  ImportOptions o;
  o.carrier = carrier_;
  auto r = ImportCustomersCsv(*store_, "", o, actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 1"), std::string::npos);
}

TEST_F(ImporterTest, HeaderOnlyImportsNothingButSucceeds) {
  ImportReport r = Import(kHeader);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.rows, 0);
  EXPECT_EQ(r.imported, 0);
}

TEST_F(ImporterTest, UnknownOrMissingColumnsAreRefused) {
  ImportOptions o;
  o.carrier = carrier_;
  auto unknown = ImportCustomersCsv(*store_, "account_number,favourite_colour\n", o, actor_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "favourite_colour");
  auto missing = ImportCustomersCsv(*store_, "account_number,customer_type,name\n", o, actor_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().field(), "telephone_numbers");
}

TEST_F(ImporterTest, UnknownCarrierIsNotFound) {
  ImportOptions o;
  o.carrier = CarrierId(999);
  auto r = ImportCustomersCsv(*store_, std::string(kHeader) + Row("A1"), o, actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST_F(ImporterTest, HundredThousandRows) {
  const std::string csv = DemoCustomersCsv(100000, 7);
  ImportReport r = Import(csv);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.imported, 100000);
  EXPECT_EQ(Count(), 100000);
  ledger::VerifyReport v;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(v, tx.VerifyLedger(carrier_));
    return Status::Ok();
  }).ok());
  EXPECT_TRUE(v.valid);
}

}  // namespace
}  // namespace proprio::services
