#include "core/domain.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <type_traits>

namespace proprio {
namespace {

Carrier GoodCarrier() {
  Carrier c;
  c.legal_name = "Suncoast Telephone Company";
  c.filer_id_499 = "825123";
  c.address = {"100 Main St", "Orlando", "FL", "32801", "US"};
  c.time_zone = "America/New_York";
  c.officers = {{"Ada Lovelace", "Chief Compliance Officer", true}, {"Alan Turing", "CEO", false}};
  return c;
}

Customer GoodCustomer() {
  Customer c;
  c.carrier = CarrierId(1);
  c.account_number = "  A-1001 ";
  c.type = CustomerType::kResidential;
  c.name = " Grace Hopper ";
  c.phones_of_record = {"(407) 260-1011", "+1 407 555 2020"};
  c.address_of_record = {"1 Elm St, Apt 2", "Orlando", "FL", "32801-1234", "US"};
  c.address_since = CivilDate{2019, 6, 1};
  c.email = " grace@example.com ";
  c.services.Add(ServiceCategory::kLocal);
  c.services.Add(ServiceCategory::kCmrs);
  return c;
}

// Applies `change` to a good carrier and expects InvalidArgument naming `field`.
void ExpectCarrierRefused(const std::function<void(Carrier&)>& change, const std::string& field) {
  Carrier c = GoodCarrier();
  change(c);
  Status s = ValidateCarrier(c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field << ": " << s.ToString();
  EXPECT_EQ(s.field(), field) << s.ToString();
  EXPECT_FALSE(s.message().empty());
}

void ExpectCustomerRefused(const std::function<void(Customer&)>& change, const std::string& field) {
  Customer c = GoodCustomer();
  change(c);
  Status s = NormalizeCustomer(c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field << ": " << s.ToString();
  EXPECT_EQ(s.field(), field) << s.ToString();
  EXPECT_FALSE(s.message().empty());
}

// ---- carriers ----

TEST(CarrierTest, GoodCarrierValidates) {
  EXPECT_TRUE(ValidateCarrier(GoodCarrier()).ok());
  Carrier no_address = GoodCarrier();
  no_address.address = {};  // the carrier's address is optional
  EXPECT_TRUE(ValidateCarrier(no_address).ok()) << ValidateCarrier(no_address).ToString();
}

TEST(CarrierTest, RefusalsNameTheField) {
  ExpectCarrierRefused([](Carrier& c) { c.legal_name = ""; }, "legal_name");
  ExpectCarrierRefused([](Carrier& c) { c.legal_name = "   "; }, "legal_name");
  ExpectCarrierRefused([](Carrier& c) { c.legal_name = std::string(kMaxNameBytes + 1, 'x'); },
                       "legal_name");
  ExpectCarrierRefused([](Carrier& c) { c.legal_name = "Bad \xc3 UTF-8"; }, "legal_name");
  ExpectCarrierRefused([](Carrier& c) { c.legal_name = "Tab\there"; }, "legal_name");
  ExpectCarrierRefused([](Carrier& c) { c.filer_id_499 = ""; }, "filer_id_499");
  ExpectCarrierRefused([](Carrier& c) { c.filer_id_499 = "82512A"; }, "filer_id_499");
  ExpectCarrierRefused([](Carrier& c) { c.filer_id_499 = "1234567890123"; }, "filer_id_499");
  ExpectCarrierRefused([](Carrier& c) { c.filer_id_499 = " 825123"; }, "filer_id_499");
  ExpectCarrierRefused([](Carrier& c) { c.address.state = "Fl"; }, "address.state");
  ExpectCarrierRefused([](Carrier& c) { c.address.state = "FLA"; }, "address.state");
  ExpectCarrierRefused([](Carrier& c) { c.address.postal_code = "3280"; }, "address.postal_code");
  ExpectCarrierRefused([](Carrier& c) { c.address.postal_code = "32801-12"; },
                       "address.postal_code");
  ExpectCarrierRefused([](Carrier& c) { c.address.postal_code = "3280A"; }, "address.postal_code");
  ExpectCarrierRefused([](Carrier& c) { c.address.country = "USA"; }, "address.country");
  ExpectCarrierRefused([](Carrier& c) { c.time_zone = ""; }, "time_zone");
  ExpectCarrierRefused([](Carrier& c) { c.time_zone = "/etc/localtime"; }, "time_zone");
  ExpectCarrierRefused([](Carrier& c) { c.time_zone = "America/../../etc"; }, "time_zone");
  ExpectCarrierRefused([](Carrier& c) { c.time_zone = std::string(65, 'A'); }, "time_zone");
  ExpectCarrierRefused([](Carrier& c) { c.officers[1].name = ""; }, "officers[1].name");
  ExpectCarrierRefused([](Carrier& c) { c.officers[0].title = ""; }, "officers[0].title");
}

TEST(CarrierTest, LimitsAreInclusive) {
  Carrier c = GoodCarrier();
  c.legal_name = std::string(kMaxNameBytes, 'x');
  c.filer_id_499 = "123456789012";
  EXPECT_TRUE(ValidateCarrier(c).ok()) << ValidateCarrier(c).ToString();
  c.address.country = "CA";  // US-only checks do not apply elsewhere
  c.address.state = "Ontario";
  c.address.postal_code = "K1A 0B1";
  EXPECT_TRUE(ValidateCarrier(c).ok()) << ValidateCarrier(c).ToString();
}

TEST(PostalAddressTest, OneLine) {
  PostalAddress a{"1 Elm St", "Orlando", "FL", "32801", "US"};
  EXPECT_EQ(a.OneLine(), "1 Elm St, Orlando, FL 32801");
  EXPECT_EQ((PostalAddress{"1 Elm St", "", "", "", "US"}).OneLine(), "1 Elm St");
}

// ---- customers ----

TEST(CustomerTest, NormalizesPhonesAndTrimsText) {
  Customer c = GoodCustomer();
  ASSERT_TRUE(NormalizeCustomer(c).ok()) << NormalizeCustomer(c).ToString();
  EXPECT_EQ(c.account_number, "A-1001");
  EXPECT_EQ(c.name, "Grace Hopper");
  EXPECT_EQ(c.email, "grace@example.com");
  ASSERT_EQ(c.phones_of_record.size(), 2u);
  EXPECT_EQ(c.phones_of_record[0], "+14072601011");
  EXPECT_EQ(c.phones_of_record[1], "+14075552020");
  // Normalising twice changes nothing.
  Customer again = c;
  ASSERT_TRUE(NormalizeCustomer(again).ok());
  EXPECT_EQ(again.phones_of_record, c.phones_of_record);
  EXPECT_EQ(again.account_number, c.account_number);
}

TEST(CustomerTest, BusinessCustomerMayHaveRepresentativeAndContract) {
  Customer c = GoodCustomer();
  c.type = CustomerType::kBusiness;
  c.account_representative = "Dana Rep";
  c.cpni_contract_ref = "MSA-2023-17 s.9";
  c.email = "";
  EXPECT_TRUE(NormalizeCustomer(c).ok()) << NormalizeCustomer(c).ToString();
}

TEST(CustomerTest, RefusalsNameTheField) {
  ExpectCustomerRefused([](Customer& c) { c.account_number = "  "; }, "account_number");
  ExpectCustomerRefused(
      [](Customer& c) { c.account_number = std::string(kMaxAccountNumberBytes + 1, '9'); },
      "account_number");
  ExpectCustomerRefused([](Customer& c) { c.account_number = "A\x01"; }, "account_number");
  ExpectCustomerRefused([](Customer& c) { c.name = ""; }, "name");
  ExpectCustomerRefused([](Customer& c) { c.name = "Ren\xe9"; }, "name");  // Latin-1, not UTF-8
  ExpectCustomerRefused([](Customer& c) { c.name = std::string(kMaxNameBytes + 1, 'n'); }, "name");
  ExpectCustomerRefused([](Customer& c) { c.address_of_record.street = ""; }, "address.street");
  ExpectCustomerRefused([](Customer& c) { c.address_of_record.city = ""; }, "address.city");
  ExpectCustomerRefused([](Customer& c) { c.address_of_record.state = "fl"; }, "address.state");
  ExpectCustomerRefused([](Customer& c) { c.address_of_record.postal_code = "ABCDE"; },
                        "address.postal_code");
  ExpectCustomerRefused(
      [](Customer& c) { c.address_of_record.street = std::string(kMaxAddressLineBytes + 1, 's'); },
      "address.street");
  ExpectCustomerRefused([](Customer& c) { c.phones_of_record.clear(); }, "telephone_numbers");
  ExpectCustomerRefused([](Customer& c) { c.phones_of_record = {"407-260-101"}; },
                        "telephone_numbers");
  ExpectCustomerRefused([](Customer& c) { c.phones_of_record[1] = "call me"; },
                        "telephone_numbers");
  ExpectCustomerRefused(
      [](Customer& c) { c.phones_of_record = {"(407) 260-1011", "+14072601011"}; },
      "telephone_numbers");  // the same number twice after normalisation
  ExpectCustomerRefused(
      [](Customer& c) {
        c.phones_of_record.clear();
        for (size_t i = 0; i <= kMaxPhonesPerCustomer; ++i) {
          c.phones_of_record.push_back("+1407260" + std::to_string(1000 + i));
        }
      },
      "telephone_numbers");
  ExpectCustomerRefused([](Customer& c) { c.email = "grace.example.com"; }, "email");
  ExpectCustomerRefused([](Customer& c) { c.email = std::string(250, 'g') + "@example.com"; },
                        "email");
  ExpectCustomerRefused([](Customer& c) { c.address_since = CivilDate{2023, 2, 29}; },
                        "address_since");
  ExpectCustomerRefused([](Customer& c) { c.account_representative = "Dana Rep"; },
                        "account_representative");  // residential customers have none
  ExpectCustomerRefused([](Customer& c) { c.cpni_contract_ref = "MSA-1"; }, "cpni_contract");
}

TEST(CustomerTest, PhoneLimitIsInclusive) {
  Customer c = GoodCustomer();
  c.phones_of_record.clear();
  for (size_t i = 0; i < kMaxPhonesPerCustomer; ++i) {
    c.phones_of_record.push_back("+1407260" + std::to_string(1000 + i));
  }
  EXPECT_TRUE(NormalizeCustomer(c).ok()) << NormalizeCustomer(c).ToString();
  EXPECT_EQ(c.phones_of_record.size(), kMaxPhonesPerCustomer);
}

// ---- service categories ----

TEST(ServiceSetTest, ParseAndFormat) {
  auto s = ServiceSet::Parse(" local ; cmrs;interconnected_voip ");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->bits(), 0b1101u);  // local=0, cmrs=2, interconnected_voip=3
  EXPECT_EQ(s->size(), 3);
  EXPECT_TRUE(s->Has(ServiceCategory::kLocal));
  EXPECT_FALSE(s->Has(ServiceCategory::kInterexchange));
  EXPECT_EQ(s->ToString(), "local;cmrs;interconnected_voip");
  ASSERT_EQ(s->List().size(), 3u);
  EXPECT_EQ(s->List()[1], ServiceCategory::kCmrs);

  auto same = ServiceSet::Parse(s->ToString());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *s);

  auto empty = ServiceSet::Parse("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto dup = ServiceSet::Parse("cmrs;cmrs;;");
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->bits(), 0b100u);
}

TEST(ServiceSetTest, UnknownCategoryNamesTheField) {
  auto s = ServiceSet::Parse("local;satellite_tv");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().field(), "services");
  EXPECT_NE(s.status().message().find("satellite_tv"), std::string::npos);
  EXPECT_FALSE(ServiceSet::Parse("Local").ok());  // names are case-sensitive
}

TEST(ServiceSetTest, EveryCategoryNameRoundTrips) {
  ServiceSet all;
  for (int i = 0; i < kServiceCategoryCount; ++i) {
    const auto c = static_cast<ServiceCategory>(i);
    auto back = ParseServiceCategory(ServiceCategoryName(c));
    ASSERT_TRUE(back.ok()) << ServiceCategoryName(c);
    EXPECT_EQ(*back, c);
    all.Add(c);
  }
  EXPECT_EQ(all.bits(), (1u << kServiceCategoryCount) - 1);
  EXPECT_EQ(all.size(), kServiceCategoryCount);
  EXPECT_EQ(all.ToString(),
            "local;interexchange;cmrs;interconnected_voip;internet_access;voice_messaging;cpe");
}

// ---- customer types, roles, staff ----

TEST(CustomerTypeTest, ParseAndName) {
  EXPECT_EQ(*ParseCustomerType("residential"), CustomerType::kResidential);
  EXPECT_EQ(*ParseCustomerType("business"), CustomerType::kBusiness);
  EXPECT_STREQ(CustomerTypeName(CustomerType::kBusiness), "business");
  auto bad = ParseCustomerType("Business");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "customer_type");
}

TEST(RoleTest, EveryRoleNameRoundTrips) {
  const char* names[] = {"admin", "compliance_officer", "general_counsel", "supervisor", "csr",
                         "marketing", "security", "auditor", "system"};
  for (const char* n : names) {
    auto r = ParseRole(n);
    ASSERT_TRUE(r.ok()) << n;
    EXPECT_STREQ(RoleName(*r), n);
  }
  auto bad = ParseRole("root");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "role");
}

TEST(StaffTest, Validate) {
  Staff s;
  s.name = "Carol CSR";
  s.email = "carol@example.com";
  s.roles = {Role::kCsr};
  EXPECT_TRUE(ValidateStaff(s).ok());
  Staff no_name = s;
  no_name.name = "";
  EXPECT_EQ(ValidateStaff(no_name).field(), "name");
  Staff bad_email = s;
  bad_email.email = "carol";
  EXPECT_EQ(ValidateStaff(bad_email).field(), "email");
  Staff no_roles = s;
  no_roles.roles.clear();
  EXPECT_EQ(ValidateStaff(no_roles).field(), "role");
}

TEST(IdTest, StrongIdsCompareAndPrint) {
  EXPECT_FALSE(CarrierId().valid());
  EXPECT_TRUE(CarrierId(3).valid());
  EXPECT_FALSE(CarrierId(-1).valid());
  EXPECT_LT(CustomerId(2), CustomerId(10));
  EXPECT_EQ(CustomerId(42).ToString(), "42");
  EXPECT_EQ(std::hash<CustomerId>()(CustomerId(7)), std::hash<int64_t>()(7));
  static_assert(!std::is_convertible_v<CarrierId, CustomerId>);
  static_assert(!std::is_convertible_v<int64_t, CarrierId>);
}

}  // namespace
}  // namespace proprio
