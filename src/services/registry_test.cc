#include "services/registry.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace proprio::services {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-registry-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::move(store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/t.db")).value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Carrier MakeCarrier() {
    Carrier c;
    c.legal_name = "Test Telephone";
    c.filer_id_499 = "123456";
    c.time_zone = "America/Chicago";
    return AddCarrier(*store_, c, actor_).value();
  }
  Customer MakeCustomer(CarrierId carrier) {
    Customer c;
    c.carrier = carrier;
    c.account_number = "ACC-1";
    c.name = "Grace Hopper";
    c.phones_of_record = {"(407) 555-0123"};
    c.address_of_record = {"1 Main St", "Longwood", "FL", "32750", "US"};
    c.services.Add(ServiceCategory::kCmrs);
    return c;
  }
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  Actor actor_{"test", Instant::Parse("2026-11-26T12:00:00Z").value()};
};

TEST_F(RegistryTest, UnknownTimeZoneIsRefused) {
  Carrier c;
  c.legal_name = "X";
  c.filer_id_499 = "1";
  c.time_zone = "Mars/Olympus_Mons";
  auto r = AddCarrier(*store_, c, actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "time_zone");
}

TEST_F(RegistryTest, AddCustomerNormalisesAndKeepsPersonalDataOutOfTheEntry) {
  const Carrier carrier = MakeCarrier();
  auto added = AddCustomer(*store_, MakeCustomer(carrier.id), actor_);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->phones_of_record[0], "+14075550123");
  EXPECT_EQ(added->address_since.ToString(), "2026-11-26");  // defaults to today
  std::pair<ledger::Entry, std::optional<std::string>> entry;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(entry, tx.ReadEntry(carrier.id, 2));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(entry.first.type, "customer.created");
  EXPECT_EQ(entry.first.body.find("Grace"), std::string::npos);
  EXPECT_EQ(entry.first.body.find("555"), std::string::npos);
  ASSERT_TRUE(entry.second.has_value());
  EXPECT_NE(entry.second->find("Grace Hopper"), std::string::npos);
}

TEST_F(RegistryTest, ShowCustomerRecordsTheAccessInTheLedger) {
  const Carrier carrier = MakeCarrier();
  const Customer c = AddCustomer(*store_, MakeCustomer(carrier.id), actor_).value();
  auto shown = ShowCustomer(*store_, carrier.id, c.id, "billing_inquiry", actor_);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->name, "Grace Hopper");
  std::pair<ledger::Entry, std::optional<std::string>> entry;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(entry, tx.ReadEntry(carrier.id, 3));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(entry.first.type, "cpni.accessed");
  EXPECT_EQ(entry.first.subject, "customer:" + c.id.ToString());
  EXPECT_EQ(nlohmann::json::parse(entry.first.body)["purpose"], "billing_inquiry");
}

TEST_F(RegistryTest, AnotherCarriersCustomerIsNotFound) {
  const Carrier a = MakeCarrier();
  Carrier other;
  other.legal_name = "Other";
  other.filer_id_499 = "654321";
  other.time_zone = "UTC";
  const Carrier b = AddCarrier(*store_, other, actor_).value();
  const Customer c = AddCustomer(*store_, MakeCustomer(a.id), actor_).value();
  auto r = ShowCustomer(*store_, b.id, c.id, "x", actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  auto by_account = ShowCustomerByAccount(*store_, b.id, "ACC-1", "x", actor_);
  EXPECT_EQ(by_account.status().code(), StatusCode::kNotFound);
}

TEST_F(RegistryTest, DuplicateAccountNamesTheField) {
  const Carrier carrier = MakeCarrier();
  ASSERT_TRUE(AddCustomer(*store_, MakeCustomer(carrier.id), actor_).ok());
  auto again = AddCustomer(*store_, MakeCustomer(carrier.id), actor_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().field(), "account_number");
}

}  // namespace
}  // namespace proprio::services
