// End-to-end tests of the campaign routes (47 CFR 64.2009(c), (d)) over real
// HTTP on loopback, on SQLite and on PostgreSQL: marketing proposes and
// submits, only the approver the carrier's policy names approves (never the
// author, never another role), each step a ledger entry naming who and why;
// no audience before approval; dates out of order refused naming the field
// with nothing written; the audience counted by reason on a known fixture;
// the CSV export with its SHA-256 in one ledger entry; another carrier's
// staff gets 404; the routes in the OpenAPI document with closed schemas.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "api/api.h"
#include "api/server.h"
#include "http_client.h"
#include "ledger/sha256.h"
#include "pg_test_db.h"
#include "services/consent.h"
#include "services/policies.h"
#include "services/registry.h"
#include "services/staff_auth.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

services::Actor Now() { return {"test", Instant::Now()}; }

class HttpCampaignTest : public ::testing::Test {
 protected:
  void Start(const std::string& pg_url) {
    char tmpl[] = "/tmp/proprio-http-camp-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto opened = store::Store::Open(pg_url.empty() ? store::StoreOptions::Sqlite(dir_ + "/p.db")
                                                    : store::StoreOptions::Postgres(pg_url));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    api::ApiOptions ao;
    ao.auth.cost = {1, 64, 1};
    ao.workers = 4;
    ao.log_requests = false;
    api_ = std::make_unique<api::Api>(*store_, ao);
    api::ServerOptions sv;
    sv.listen = "127.0.0.1:0";
    sv.io_threads = 1;
    server_ = std::make_unique<api::Server>(*api_, sv);
    ASSERT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { server_->Run(); });
    for (const char* filer : {"910001", "910002"}) {
      Carrier c;
      c.legal_name = std::string("Carrier ") + filer;
      c.filer_id_499 = filer;
      c.time_zone = "America/New_York";
      c.officers = {{"Dana Whitfield", "Chief Financial Officer", true}};
      carriers_.push_back(services::AddCarrier(*store_, c, Now()).value().id);
    }
    ASSERT_TRUE(services::SetPolicy(*store_, carriers_[0],
                                    "name = \"Campaign test\"\nversion = 1\n[safeguards]\n"
                                    "outbound_marketing_approver = \"general_counsel\"\n",
                                    Now())
                    .ok());
    for (auto [name, role] : std::vector<std::pair<std::string, Role>>{
             {"Jordan Pike", Role::kMarketing},
             {"Marcus Oyelaran", Role::kGeneralCounsel},
             {"Tom Becker", Role::kSupervisor},
             {"Priya Raman", Role::kComplianceOfficer},
             {"Alicia Gomez", Role::kCsr}}) {
      Staff s;
      s.carrier = carriers_[0];
      s.name = name;
      s.roles = {role};
      auto added = services::AddStaff(*store_, s, Now()).value();
      staff_[name] = added.id.value();
      tokens_[name] = services::IssueApiToken(*store_, added.id, "t", Now()).value().token;
    }
    Staff other;
    other.carrier = carriers_[1];
    other.name = "Other marketing";
    other.roles = {Role::kMarketing};
    auto added = services::AddStaff(*store_, other, Now()).value();
    tokens_["other"] = services::IssueApiToken(*store_, added.id, "t", Now()).value().token;
    // Customers 1-5, local service; 1 and 2 also wireless (within the
    // relationship for a wireless offer, 64.2005(a)); 3 opted in; 4, 5 neither.
    int n = 0;
    for (const char* services_of : {"local;cmrs", "local;cmrs", "local", "local", "local"}) {
      Customer c;
      c.carrier = carriers_[0];
      c.account_number = "A-" + std::to_string(++n);
      c.name = "Customer " + c.account_number;
      c.phones_of_record = {"+1407555011" + std::to_string(n - 1)};
      c.address_of_record = {"1 Main St", "Longwood", "FL", "32750", "US"};
      c.services = ServiceSet::Parse(services_of).value();
      customers_.push_back(services::AddCustomer(*store_, c, Now()).value().id);
    }
    rules::ApprovalEvent opt_in;
    opt_in.kind = rules::ApprovalEventKind::kOptInGranted;
    opt_in.at = *Instant::Parse("2026-01-05T15:00:00Z");
    opt_in.scopes = {rules::ApprovalScope::kOwnMarketingCommRelated};
    opt_in.evidence.document_id = "FORM-3";
    opt_in.evidence.notice_in_contact = true;
    auto rec = services::RecordConsent(*store_, carriers_[0], customers_[2], opt_in, Now());
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  }
  void TearDown() override {
    if (server_) {
      server_->Shutdown();
      thread_.join();
    }
    server_.reset();
    api_.reset();
    store_.reset();
    if (pg_) pg_->Drop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string Base(size_t carrier = 0) const {
    return "/v1/carriers/" + carriers_[carrier].ToString() + "/campaigns";
  }
  HttpResponse Post(const std::string& target, const json& body, const std::string& who) {
    return client().PostJson(target, body, tokens_[who]);
  }
  HttpResponse Get(const std::string& target, const std::string& who) {
    return client().Get(target, tokens_[who]);
  }
  HttpClient& client() {
    if (!client_) client_ = std::make_unique<HttpClient>(server_->port());
    return *client_;
  }
  json Entry(int64_t seq) {
    return Get("/v1/carriers/" + carriers_[0].ToString() + "/ledger/entries/" +
                   std::to_string(seq),
               "Priya Raman")
        .Json();
  }
  void Scenario();

  std::unique_ptr<PgTestDb> pg_;
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  std::unique_ptr<HttpClient> client_;
  std::vector<CarrierId> carriers_;
  std::vector<CustomerId> customers_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, int64_t> staff_;
};

json Campaign(const std::string& starts, const std::string& ends) {
  return {{"name", "Wireless upgrade"},
          {"description", "Offer wireless plans to local customers"},
          {"cpni", {"call_detail", "usage"}},
          {"offering", "cmrs"},
          {"products", "Wireless family plan"},
          {"channel", "telephone"},
          {"starts_on", starts},
          {"ends_on", ends}};
}

void HttpCampaignTest::Scenario() {
  // Roles: a CSR may not propose; dates out of order: 400 naming the field, nothing written.
  EXPECT_EQ(Post(Base(), Campaign("2030-01-01", "2030-03-31"), "Alicia Gomez").status, 403);
  auto bad = Post(Base(), Campaign("2030-03-31", "2030-01-01"), "Jordan Pike");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["field"], "ends_on") << bad.body;
  EXPECT_TRUE(Get(Base(), "Priya Raman").Json()["campaigns"].empty());

  auto created = Post(Base(), Campaign("2030-01-01", "2030-03-31"), "Jordan Pike");
  ASSERT_EQ(created.status, 201) << created.body;
  const json c = created.Json();
  const std::string one = Base() + "/" + std::to_string(c["id"].get<int64_t>());
  EXPECT_EQ(created.Header("location"), one);
  EXPECT_EQ(c["owner"], staff_["Jordan Pike"]);
  EXPECT_EQ(c["state"], "draft");

  // Another carrier's staff sees nothing of it.
  EXPECT_EQ(Get(one, "other").status, 404);
  EXPECT_EQ(Get(Base(), "other").status, 404);
  EXPECT_EQ(Post(one + "/submit", json::object(), "other").status, 404);

  // No audience before approval (64.2009(d)).
  auto early = Get(one + "/audience", "Priya Raman");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(early.Json()["field"], "state");

  auto submitted = Post(one + "/submit", json::object(), "Jordan Pike");
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(submitted.Json()["state"], "submitted");
  // The author may not approve (marketing is let through to be refused by the
  // rule, not the route); nor a supervisor the policy does not name.
  auto own = Post(one + "/approve", json::object(), "Jordan Pike");
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_EQ(own.Json()["field"], "reviewer");
  auto sup = Post(one + "/approve", json::object(), "Tom Becker");
  EXPECT_EQ(sup.status, 403) << sup.body;
  EXPECT_EQ(sup.Json()["field"], "reviewer");
  EXPECT_EQ(Get(one, "Priya Raman").Json()["campaign"]["state"], "submitted");

  auto approved = Post(one + "/approve", {{"note", "Scripts reviewed"}}, "Marcus Oyelaran");
  ASSERT_EQ(approved.status, 200) << approved.body;
  const json a = approved.Json();
  EXPECT_EQ(a["reviewer"], staff_["Marcus Oyelaran"]);
  json entry = Entry(a["ledger_seq"].get<int64_t>());
  EXPECT_EQ(entry["type"], "campaign.approve");
  EXPECT_EQ(entry["actor"].get<std::string>().rfind(
                "staff:" + std::to_string(staff_["Marcus Oyelaran"]), 0),
            0u)
      << entry.dump();
  EXPECT_EQ(entry["body"]["note"], "Scripts reviewed");
  EXPECT_EQ(entry["body"]["citation"], "47 CFR 64.2009(d)");

  // The audience: 3 of 5 reached; 2 excluded on 64.2007.
  auto aud = Get(one + "/audience?at=2030-01-02T15:00:00Z", "Priya Raman");
  ASSERT_EQ(aud.status, 200) << aud.body;
  const json au = aud.Json();
  EXPECT_EQ(au["customers"], 5);
  EXPECT_EQ(au["reached"], 3);
  EXPECT_EQ(au["excluded"], 2);
  int64_t within = 0, opted_in = 0, denied = 0;
  for (const auto& r : au["reasons"]) {
    const std::string basis = r["basis"];
    if (r["allowed"] == true && basis.find("64.2005(a)") != std::string::npos) {
      within += r["customers"].get<int64_t>();
    } else if (r["allowed"] == true) {
      opted_in += r["customers"].get<int64_t>();
    } else {
      denied += r["customers"].get<int64_t>();
      EXPECT_NE(basis.find("64.2007"), std::string::npos) << basis;
    }
  }
  EXPECT_EQ(within, 2) << au.dump();
  EXPECT_EQ(opted_in, 1) << au.dump();
  EXPECT_EQ(denied, 2) << au.dump();
  EXPECT_EQ(Get(one + "/audience?at=yesterday", "Priya Raman").Json()["field"], "at");

  // The export: CSV, its SHA-256 in the header and in one ledger entry.
  auto exported = client().Send("POST", one + "/audience/export?at=2030-01-02T15:00:00Z", "",
                                {{"Authorization", "Bearer " + tokens_["Jordan Pike"]}});
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.body,
            "customer,account_number,name,telephone\n"
            "1,\"A-1\",\"Customer A-1\",\"+14075550110\"\n"
            "2,\"A-2\",\"Customer A-2\",\"+14075550111\"\n"
            "3,\"A-3\",\"Customer A-3\",\"+14075550112\"\n");
  const std::string sha = ledger::HashHex(ledger::Sha256Of(exported.body));
  EXPECT_EQ(exported.Header("x-content-sha256"), sha);
  json shown = Get(one, "Priya Raman").Json();
  ASSERT_EQ(shown["records"].size(), 1u);
  const int64_t seq = shown["records"][0]["ledger_seq"];
  json ex = Entry(seq);
  EXPECT_EQ(ex["type"], "campaign.audience_exported");
  EXPECT_EQ(ex["body"]["sha256"], sha);
  EXPECT_EQ(ex["body"]["reached"], 3);
  // One entry for the export, not one per customer.
  EXPECT_EQ(Get("/v1/carriers/" + carriers_[0].ToString() + "/ledger/entries/" +
                    std::to_string(seq + 1),
                "Priya Raman")
                .status,
            404);

  // Run, attach a result, complete.
  EXPECT_EQ(Post(one + "/start", json::object(), "Jordan Pike").Json()["state"], "running");
  auto result = Post(one + "/results", {{"summary", "Called 3, 1 took the plan"}, {"contacted", 3},
                                        {"accepted", 1}},
                     "Jordan Pike");
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.Json()["details"]["accepted"], 1);
  EXPECT_EQ(Post(one + "/results", {{"summary", "x"}, {"extra", 1}}, "Jordan Pike").Json()["field"],
            "extra");
  EXPECT_EQ(Post(one + "/complete", json::object(), "Jordan Pike").Json()["state"], "completed");

  // The list pages with a cursor, newest first.
  ASSERT_EQ(Post(Base(), Campaign("2030-04-01", "2030-04-30"), "Jordan Pike").status, 201);
  json page = Get(Base() + "?limit=1", "Priya Raman").Json();
  ASSERT_EQ(page["campaigns"].size(), 1u);
  EXPECT_EQ(page["campaigns"][0]["id"], c["id"].get<int64_t>() + 1);
  ASSERT_TRUE(page["next_cursor"].is_string());
  json rest = Get(Base() + "?limit=1&cursor=" + page["next_cursor"].get<std::string>(),
                  "Priya Raman")
                  .Json();
  ASSERT_EQ(rest["campaigns"].size(), 1u);
  EXPECT_EQ(rest["campaigns"][0]["id"], c["id"]);
  EXPECT_TRUE(rest["next_cursor"].is_null());
}

TEST_F(HttpCampaignTest, c64_2009_d_ReviewAudienceExportOnSqlite) {
  Start("");
  if (HasFatalFailure()) return;
  Scenario();
}

TEST_F(HttpCampaignTest, c64_2009_d_ReviewAudienceExportOnPostgres) {
  if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
  pg_ = std::make_unique<PgTestDb>();
  ASSERT_TRUE(pg_->Create().ok());
  Start(pg_->url());
  if (HasFatalFailure()) return;
  Scenario();
}

// 47 CFR 64.2009(c): every campaign route documented, request and response
// schemas closed.
TEST_F(HttpCampaignTest, c64_2009_c_OpenApiDocumentsTheRoutesWithClosedSchemas) {
  Start("");
  if (HasFatalFailure()) return;
  const json& doc = api_->OpenApi();
  const std::string base = "/v1/carriers/{carrier}/campaigns";
  const std::string one = base + "/{campaign}";
  for (const auto& [path, method] : std::vector<std::pair<std::string, std::string>>{
           {base, "get"}, {base, "post"}, {one, "get"}, {one + "/submit", "post"},
           {one + "/approve", "post"}, {one + "/reject", "post"}, {one + "/start", "post"},
           {one + "/complete", "post"}, {one + "/audience", "get"},
           {one + "/audience/export", "post"}, {one + "/results", "post"}}) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    ASSERT_TRUE(doc["paths"][path].contains(method)) << path << " " << method;
    const json& op = doc["paths"][path][method];
    if (op.contains("requestBody")) {
      const json& s = op["requestBody"]["content"]["application/json"]["schema"];
      EXPECT_EQ(s.value("additionalProperties", json()), false) << path;
    }
    for (const auto& [status, r] : op["responses"].items()) {
      if (status[0] != '2' || !r.contains("content") ||
          !r["content"].contains("application/json")) {
        continue;
      }
      const json& s = r["content"]["application/json"]["schema"];
      EXPECT_EQ(s.value("additionalProperties", json()), false) << path << " " << method;
      EXPECT_EQ(s.value("required", json::array()).size(), s.value("properties", json::object()).size())
          << path << " " << method;
    }
  }
}

}  // namespace
}  // namespace proprio::testing
