// The customer's JSON text is written by hand for speed; its hash is the
// record's ETag, so it must equal the general JSON writer's text byte for byte.
#include <gtest/gtest.h>

#include "services/customer_update.h"
#include "services/json_codec.h"

namespace proprio::services {
namespace {

std::string GeneralWriter(const Customer& c) {
  return CustomerToJson(c).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Customer Residential() {
  Customer c;
  c.id = CustomerId(42);
  c.carrier = CarrierId(7);
  c.account_number = "ACCT-000042";
  c.name = "Ana María O'Neil";
  c.phones_of_record = {"+12025550143", "+12025550199"};
  c.address_of_record = {"12 Elm St Apt 3", "Springfield", "IL", "62704", "US"};
  c.address_since = *CivilDate::Parse("2021-03-14");
  c.email = "ana@example.com";
  c.services.Add(ServiceCategory::kLocal);
  c.services.Add(ServiceCategory::kCmrs);
  c.services.Add(ServiceCategory::kInternetAccess);
  c.created_at = Instant::FromMicros(1'700'000'000'123'456);
  return c;
}

TEST(CustomerJsonText, ResidentialMatchesTheGeneralWriter) {
  const Customer c = Residential();
  EXPECT_EQ(CustomerJsonText(c), GeneralWriter(c));
  EXPECT_NE(CustomerJsonText(c).find("\"name\":\"Ana María O'Neil\""), std::string::npos);
}

TEST(CustomerJsonText, BusinessFieldsInTheirSortedPlaces) {
  Customer c = Residential();
  c.type = CustomerType::kBusiness;
  c.account_representative = "Dana Whitfield";
  c.cpni_contract_ref = "MSA-2024-17 §4";
  const std::string text = CustomerJsonText(c);
  EXPECT_EQ(text, GeneralWriter(c));
  EXPECT_LT(text.find("account_representative"), text.find("address"));
  EXPECT_LT(text.find("carrier"), text.find("cpni_contract"));
}

TEST(CustomerJsonText, EscapesAsTheGeneralWriterDoes) {
  Customer c = Residential();
  c.name = std::string("quote\" backslash\\ slash/ tab\t nl\n cr\r bs\b ff\f nul") +
           std::string(1, '\0') + "\x01\x1f\x7f end";
  c.address_of_record.street = "日本語 ✓ emoji \xF0\x9F\x93\x9E";
  EXPECT_EQ(CustomerJsonText(c), GeneralWriter(c));
}

TEST(CustomerJsonText, EmptyListsAndFields) {
  Customer c = Residential();
  c.phones_of_record.clear();
  c.services = ServiceSet();
  c.email.clear();
  const std::string text = CustomerJsonText(c);
  EXPECT_EQ(text, GeneralWriter(c));
  EXPECT_NE(text.find("\"services\":[]"), std::string::npos);
  EXPECT_NE(text.find("\"telephone_numbers\":[]"), std::string::npos);
}

TEST(CustomerJsonText, EveryServiceCategory) {
  Customer c = Residential();
  c.services = ServiceSet((1u << kServiceCategoryCount) - 1);
  EXPECT_EQ(CustomerJsonText(c), GeneralWriter(c));
}

TEST(CustomerJsonText, TextThatIsNotUtf8IsReplacedAsBefore) {
  Customer c = Residential();
  c.name = "broken \xC3( byte";
  const std::string text = CustomerJsonText(c);
  EXPECT_EQ(text, GeneralWriter(c));
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
}

TEST(CustomerJsonText, VersionIsTheHashOfTheText) {
  const Customer c = Residential();
  EXPECT_EQ(CustomerVersion(c), CustomerVersionOfText(GeneralWriter(c)));
  Customer moved = c;
  moved.address_of_record.city = "Chicago";
  EXPECT_NE(CustomerVersion(moved), CustomerVersion(c));
}

}  // namespace
}  // namespace proprio::services
