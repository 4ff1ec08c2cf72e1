// The API document tells the whole truth (issue 18): the document-level
// rules (servers, license, contact, declared tags, a description and a 4xx on
// every operation, closed object schemas), the test validator failing where
// it must, and a walk of every GET route (and the main POSTs) for several
// roles whose answers openapi_conformance.cc checks against /openapi.json.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <ctime>
#include <filesystem>
#include <set>
#include <thread>

#include "api/api.h"
#include "api/server.h"
#include "http_client.h"
#include "openapi_check.h"
#include "services/registry.h"
#include "services/staff_auth.h"

namespace proprio::testing {
std::set<std::string> CoveredOperations();  // openapi_conformance.cc
namespace {

using nlohmann::json;

services::Actor TestActor() { return {"test", Instant::Now()}; }

// The last calendar year that has ended (UTC): certification readiness is
// refused for a year that has not (47 CFR 64.2009(e)).
int LastYear() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return utc.tm_year + 1900 - 1;
}

class HttpOpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-openapi-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto st = store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/proprio.db"));
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    api::ApiOptions ao;
    ao.auth.cost = {1, 64, 1};
    ao.workers = 2;
    ao.log = [](const std::string&) {};
    api_ = std::make_unique<api::Api>(*store_, ao);
    api::ServerOptions sv;
    sv.listen = "127.0.0.1:0";
    sv.io_threads = 1;
    server_ = std::make_unique<api::Server>(*api_, sv);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    thread_ = std::thread([this] { server_->Run(); });
    Seed();
  }
  void TearDown() override {
    if (server_) {
      server_->Shutdown();
      thread_.join();
    }
    server_.reset();
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Seed() {
    Carrier c;
    c.legal_name = "Alpha Tel";
    c.filer_id_499 = "800001";
    c.address = {"1 Main St", "Longwood", "FL", "32750", "US"};
    c.time_zone = "America/New_York";
    auto a = services::AddCarrier(*store_, c, TestActor());
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    carrier_ = a->id;
    for (Role r : kRoles) {
      Staff s;
      s.carrier = carrier_;
      s.name = std::string("Staff ") + RoleName(r);
      s.roles = {r};
      auto added = services::AddStaff(*store_, s, TestActor());
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      staff_[r] = added->id;
      auto token = services::IssueApiToken(*store_, added->id, "test", TestActor());
      ASSERT_TRUE(token.ok()) << token.status().ToString();
      tokens_[r] = token->token;
    }
    Customer cu;
    cu.carrier = carrier_;
    cu.account_number = "A-1";
    cu.name = "Alpha Customer";
    cu.phones_of_record = {"+14075550201"};
    cu.address_of_record = {"1 Elm St", "Sanford", "FL", "32771", "US"};
    cu.services.Add(ServiceCategory::kLocal);
    auto added = services::AddCustomer(*store_, cu, TestActor());
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    customer_ = added->id;
  }

  json Document() {
    HttpClient c(server_->port());
    HttpResponse r = c.Get("/v1/openapi.json");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  // A concrete path for a document path: the seeded ids, last year; empty
  // when the path needs an id this fixture does not make (a breach, a
  // certification: their own end-to-end tests walk them).
  std::string Fill(const std::string& pattern) const {
    std::string out;
    for (size_t at = 0; at < pattern.size();) {
      if (pattern[at] != '{') {
        out += pattern[at++];
        continue;
      }
      const size_t end = pattern.find('}', at);
      const std::string name = pattern.substr(at + 1, end - at - 1);
      if (name == "carrier") out += carrier_.ToString();
      else if (name == "customer") out += customer_.ToString();
      else if (name == "staff") out += staff_.at(Role::kAdmin).ToString();
      else if (name == "year") out += std::to_string(LastYear());
      else return "";
      at = end + 1;
    }
    return out;
  }

  static constexpr Role kRoles[] = {Role::kAdmin, Role::kComplianceOfficer,
                                    Role::kGeneralCounsel, Role::kSupervisor,
                                    Role::kCsr, Role::kAuditor, Role::kSecurity,
                                    Role::kMarketing};
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  CarrierId carrier_;
  CustomerId customer_;
  std::map<Role, StaffId> staff_;
  std::map<Role, std::string> tokens_;
};

TEST_F(HttpOpenApiTest, TheDocumentKeepsTheDocumentLevelRules) {
  const json doc = Document();
  const std::vector<std::string> problems = DocumentProblems(doc);
  std::string all;
  for (const std::string& p : problems) all += p + "\n";
  EXPECT_TRUE(problems.empty()) << problems.size() << " problems:\n" << all;
  // Spot checks of what the rules stand for.
  EXPECT_FALSE(doc["servers"].empty());
  EXPECT_EQ(doc["info"]["license"]["name"], "Proprietary");
  const json& readyz = doc["paths"]["/readyz"]["get"];
  EXPECT_TRUE(readyz.contains("description"));
  EXPECT_TRUE(readyz["responses"].contains("400"));
}

TEST_F(HttpOpenApiTest, TheRulesCheckerFindsWhatIsMissing) {
  json doc = Document();
  doc.erase("servers");
  doc["info"].erase("license");
  doc["paths"]["/readyz"]["get"].erase("description");
  doc["paths"]["/readyz"]["get"]["tags"] = {"undeclared"};
  doc["paths"]["/healthz"]["get"]["responses"].erase("400");
  doc["paths"]["/healthz"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
      {{"type", "object"}};
  const std::vector<std::string> p = DocumentProblems(doc);
  auto has = [&](const std::string& text) {
    for (const std::string& line : p) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("no servers"));
  EXPECT_TRUE(has("no info.license"));
  EXPECT_TRUE(has("get /readyz: no description"));
  EXPECT_TRUE(has("get /readyz: tag undeclared is not declared"));
  EXPECT_TRUE(has("get /healthz: no 4xx response"));
  EXPECT_TRUE(has("get /healthz 200 application/json: an object schema that is not closed"));
}

TEST(OpenApiValidator, FailsOnWhatTheSchemaDoesNotAllow) {
  const json doc = {{"components",
                     {{"schemas",
                       {{"Thing", {{"type", "object"},
                                   {"properties",
                                    {{"id", {{"type", "integer"}}},
                                     {"on", {{"type", "string"}, {"format", "date"}}},
                                     {"at", {{"type", "string"}, {"format", "date-time"}}},
                                     {"kind", {{"type", "string"}, {"enum", {"a", "b"}}}},
                                     {"maybe", {{"oneOf", {{{"type", "string"}},
                                                           {{"type", "null"}}}}}},
                                     {"list", {{"type", "array"},
                                               {"items", {{"type", "integer"}}}}}}},
                                   {"required", {"id"}}}}}}}}};
  const json ref = {{"$ref", "#/components/schemas/Thing"}};
  EXPECT_TRUE(ValidateSchema(doc, ref,
                             {{"id", 1},
                              {"on", "2026-12-03"},
                              {"at", "2026-12-03T04:59:59.5Z"},
                              {"kind", "a"},
                              {"maybe", nullptr},
                              {"list", {1, 2}}})
                  .empty());
  EXPECT_TRUE(ValidateSchema(doc, ref, {{"id", 1}, {"at", "2026-12-03T04:59:59-05:00"}}).empty());
  // A field the schema does not list: closed unless it says otherwise.
  EXPECT_EQ(ValidateSchema(doc, ref, {{"id", 1}, {"extra", true}}).size(), 1u);
  EXPECT_EQ(ValidateSchema(doc, ref, json::object()).size(), 1u);           // required
  EXPECT_EQ(ValidateSchema(doc, ref, {{"id", "1"}}).size(), 1u);            // type
  EXPECT_EQ(ValidateSchema(doc, ref, {{"id", 1}, {"on", "12/03/2026"}}).size(), 1u);
  EXPECT_EQ(ValidateSchema(doc, ref, {{"id", 1}, {"at", "2026-12-03 04:59"}}).size(), 1u);
  EXPECT_EQ(ValidateSchema(doc, ref, {{"id", 1}, {"kind", "c"}}).size(), 1u);
  EXPECT_EQ(ValidateSchema(doc, ref, {{"id", 1}, {"maybe", 3}}).size(), 1u);
  EXPECT_EQ(ValidateSchema(doc, ref, {{"id", 1}, {"list", {1, "x"}}}).size(), 1u);
  EXPECT_EQ(ValidateSchema(doc, ref, json::array()).size(), 1u);
}

TEST_F(HttpOpenApiTest, EveryGetRouteAnswersWhatTheDocumentSaysForEveryRole) {
  const json doc = Document();
  HttpClient c(server_->port());
  // The main POSTs first, so the lists have something in them.
  const std::string base = "/v1/carriers/" + carrier_.ToString();
  HttpResponse added = c.PostJson(
      base + "/customers",
      {{"account_number", "A-2"},
       {"name", "Second Customer"},
       {"telephone_numbers", {"+14075550202"}},
       {"address", {{"street", "2 Elm St"}, {"city", "Sanford"}, {"state", "FL"},
                    {"postal_code", "32771"}}}},
      tokens_[Role::kCsr]);
  EXPECT_EQ(added.status, 201) << added.body;
  HttpResponse staff = c.PostJson(base + "/staff", {{"name", "New Hire"}, {"roles", {"csr"}}},
                                  tokens_[Role::kAdmin]);
  EXPECT_EQ(staff.status, 201) << staff.body;
  HttpResponse token = c.PostJson(
      base + "/staff/" + staff_[Role::kCsr].ToString() + "/tokens", {{"label", "walk"}},
      tokens_[Role::kAdmin]);
  EXPECT_EQ(token.status, 201) << token.body;
  std::vector<std::string> not_ok;
  int checked = 0;
  for (const auto& [pattern, item] : doc["paths"].items()) {
    if (!item.contains("get")) continue;
    const std::string path = Fill(pattern);
    if (path.empty()) continue;
    // The routes that need a query to answer 200.
    std::string query;
    if (pattern.ends_with("/calendar/business-days")) query = "?from=2026-12-01&days=3";
    bool ok = false;
    std::string last;
    for (Role r : kRoles) {
      HttpResponse res = c.Get(path + query, tokens_[r]);
      if (res.status != 200) {
        last += std::string(RoleName(r)) + " " + std::to_string(res.status) + " " +
                res.body.substr(0, 160) + "\n";
      }
      ++checked;
      ok = ok || res.status == 200;
    }
    if (!ok) not_ok.push_back(pattern + ": " + last);
  }
  std::string list;
  for (const std::string& p : not_ok) list += p + "\n";
  EXPECT_TRUE(not_ok.empty()) << "no role got a 200 from:\n" << list;
  EXPECT_GT(checked, 100);
  // The checker saw the answers: every walked GET is among the covered.
  const std::set<std::string> covered = CoveredOperations();
  EXPECT_TRUE(covered.count("GET /readyz"));
  EXPECT_TRUE(covered.count("GET /v1/carriers/{carrier}/policy"));
  EXPECT_TRUE(covered.count("POST /v1/carriers/{carrier}/customers"));
}

}  // namespace
}  // namespace proprio::testing
