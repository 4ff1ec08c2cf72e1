// Customer authentication and account-change notifications over real HTTP
// on loopback: verification sessions and steps, the decision taken with the
// session's context, secrets, notifications, pretexting flags, /metrics, the
// OpenAPI document, roles, and the server's log scanned for secrets.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "api/server.h"
#include "http_client.h"
#include "server_traces.h"
#include "services/registry.h"
#include "services/staff_auth.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "Tangerine-Kayak-42";
constexpr char kAnswer[] = "Captain Whiskers";
constexpr char kWrong[] = "Wrong-Guess-Secret-9";

class AuthHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-authhttp-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto st = store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/proprio.db"));
    ASSERT_TRUE(st.ok());
    store_ = std::move(*st);
    api::ApiOptions ao;
    ao.auth.cost = {1, 64, 1};
    ao.workers = 8;
    ao.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += line + "\n";
    };
    api::ServerOptions sv;
    sv.listen = "127.0.0.1:0";
    sv.io_threads = 2;
    api_ = std::make_unique<api::Api>(*store_, ao);
    server_ = std::make_unique<api::Server>(*api_, sv);
    ASSERT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { server_->Run(); });
    Seed();
  }
  void TearDown() override {
    {
      std::string log;
      {
        std::lock_guard<std::mutex> lock(log_mu_);
        log = log_;
      }
      ScanServerTraces(server_->port(), log, dir_, "proprio.db");
    }
    server_->Shutdown();
    thread_.join();
    server_.reset();
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Seed() {
    const services::Actor actor{"test", Instant::Now()};
    Carrier c;
    c.legal_name = "Alpha Tel";
    c.filer_id_499 = "800001";
    c.address = {"1 Main St", "Longwood", "FL", "32750", "US"};
    c.time_zone = "America/New_York";
    carrier_ = services::AddCarrier(*store_, c, actor)->id;
    c.legal_name = "Beta Tel";
    c.filer_id_499 = "800002";
    carrier_b_ = services::AddCarrier(*store_, c, actor)->id;
    for (Role r :
         {Role::kCsr, Role::kSecurity, Role::kMarketing, Role::kComplianceOfficer, Role::kSystem}) {
      Staff s;
      s.carrier = carrier_;
      s.name = std::string("Staff ") + RoleName(r);
      s.roles = {r};
      auto added = services::AddStaff(*store_, s, actor);
      ASSERT_TRUE(added.ok());
      staff_[r] = added->id;
      tokens_[r] = services::IssueApiToken(*store_, added->id, "t", actor)->token;
    }
    Staff other;
    other.carrier = carrier_b_;
    other.name = "Beta CSR";
    other.roles = {Role::kCsr};
    token_b_ =
        services::IssueApiToken(*store_, services::AddStaff(*store_, other, actor)->id, "t", actor)
            ->token;
    Customer k;
    k.carrier = carrier_;
    k.account_number = "ACCT-55123-9";
    k.name = "Dana Whitfield";
    k.phones_of_record = {"+14075550142"};
    k.address_of_record = {"1187 Magnolia Crescent", "Longwood", "FL", "32750", "US"};
    k.address_since = CivilDate{2023, 6, 1};
    k.services = *ServiceSet::Parse("local");
    services::Actor old{"test", Instant::Now() + (-400LL * kMicrosPerDay)};
    customer_ = services::AddCustomer(*store_, k, old)->id;
  }

  std::string A() const { return "/v1/carriers/" + carrier_.ToString(); }
  std::string Cust() const { return A() + "/customers/" + customer_.ToString(); }
  HttpResponse Post(const std::string& path, const json& body, Role r) {
    return client().PostJson(path, body, tokens_[r]);
  }
  HttpResponse Put(const std::string& path, const json& body, Role r) {
    return client().Send("PUT", path, body.dump(), {{"Authorization", "Bearer " + tokens_[r]}});
  }
  HttpResponse Get(const std::string& path, Role r) { return client().Get(path, tokens_[r]); }
  HttpClient& client() {
    if (!client_) client_ = std::make_unique<HttpClient>(server_->port());
    return *client_;
  }
  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }

  int64_t OpenInStoreAndCheckId() {
    auto open = Post(A() + "/verifications",
                     {{"customer", customer_.value()}, {"channel", "in_store"}}, Role::kCsr);
    EXPECT_EQ(open.status, 201) << open.body;
    const int64_t id = open.Json()["id"];
    auto step = Post(A() + "/verifications/" + std::to_string(id) + "/steps",
                     {{"kind", "photo_id"},
                      {"id_type", "drivers_license"},
                      {"issuer", "FL"},
                      {"last4", "7Q2Z"},
                      {"expires_on", "2031-01-01"},
                      {"matches_account_holder", true}},
                     Role::kCsr);
    EXPECT_EQ(step.status, 200) << step.body;
    EXPECT_TRUE(step.Json()["passed"].get<bool>()) << step.body;
    return id;
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  std::unique_ptr<HttpClient> client_;
  std::mutex log_mu_;
  std::string log_;
  CarrierId carrier_, carrier_b_;
  CustomerId customer_;
  std::map<Role, StaffId> staff_;
  std::map<Role, std::string> tokens_;
  std::string token_b_;
};

TEST_F(AuthHttpTest, EveryAuthRouteIsInOpenApi) {
  auto doc = client().Get("/v1/openapi.json").Json();
  const json& paths = doc["paths"];
  for (const char* p :
       {"/v1/carriers/{carrier}/verifications",
        "/v1/carriers/{carrier}/verifications/{verification}",
        "/v1/carriers/{carrier}/verifications/{verification}/steps",
        "/v1/carriers/{carrier}/verifications/{verification}/context",
        "/v1/carriers/{carrier}/verifications/{verification}/decisions",
        "/v1/carriers/{carrier}/customers/{customer}/secrets",
        "/v1/carriers/{carrier}/customers/{customer}/secrets/password",
        "/v1/carriers/{carrier}/customers/{customer}/secrets/backup",
        "/v1/carriers/{carrier}/notifications", "/v1/carriers/{carrier}/notifications/settings",
        "/v1/carriers/{carrier}/notifications/{notification}",
        "/v1/carriers/{carrier}/online-sessions", "/v1/carriers/{carrier}/pretexting-flags"}) {
    EXPECT_TRUE(paths.contains(p)) << p;
  }
}

TEST_F(AuthHttpTest, Rule_64_2010_b_PhoneVerificationDrivesTheDecision) {
  const int64_t visit = OpenInStoreAndCheckId();
  // Secrets: a biographical password is refused with the reason and rule.
  auto bad = Put(Cust() + "/secrets/password",
                 {{"password", "Whitfield-1187"}, {"verification", visit}}, Role::kCsr);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["field"], "password");
  EXPECT_NE(bad.body.find("64.2010"), std::string::npos);
  auto pw = Put(Cust() + "/secrets/password", {{"password", kPassword}, {"verification", visit}},
                Role::kCsr);
  ASSERT_EQ(pw.status, 200) << pw.body;
  EXPECT_EQ(pw.Json()["setup_path"], "session:photo_id");
  EXPECT_EQ(pw.Json()["notifications"].size(), 2u);
  auto backup = Put(Cust() + "/secrets/backup",
                    {{"question", "What was your first pet's name?"},
                     {"answer", kAnswer},
                     {"verification", visit}},
                    Role::kCsr);
  ASSERT_EQ(backup.status, 200) << backup.body;
  auto status = Get(Cust() + "/secrets", Role::kCsr);
  ASSERT_EQ(status.status, 200);
  EXPECT_TRUE(status.Json()["password"]["set"].get<bool>());
  EXPECT_EQ(status.body.find("argon2"), std::string::npos);

  // A call: the CSR opens a session; call detail is denied until the password.
  auto open = Post(A() + "/verifications",
                   {{"customer", customer_.value()},
                    {"channel", "phone"},
                    {"calling_number", "+1 321 555 0199"},
                    {"call_id", "c-1"}},
                   Role::kCsr);
  ASSERT_EQ(open.status, 201) << open.body;
  const std::string v = A() + "/verifications/" + std::to_string(open.Json()["id"].get<int64_t>());
  const json ask = {{"customer", customer_.value()},
                    {"action", "disclose"},
                    {"purpose", "customer_account_access"},
                    {"recipient", {{"kind", "customer"}}},
                    {"cpni", {"call_detail"}},
                    {"service_category", "local"}};
  auto denied = Post(v + "/decisions", ask, Role::kCsr);
  ASSERT_EQ(denied.status, 200) << denied.body;
  EXPECT_FALSE(denied.Json()["allowed"].get<bool>());
  // A client cannot assert the context itself.
  json forged = ask;
  forged["context"] = {{"password_provided", true}, {"channel", "inbound_call"}};
  EXPECT_EQ(Post(v + "/decisions", forged, Role::kCsr).status, 400);
  auto wrong = Post(v + "/steps", {{"kind", "password"}, {"password", kWrong}}, Role::kCsr);
  ASSERT_EQ(wrong.status, 200);
  EXPECT_EQ(wrong.Json()["outcome"], "failed");
  auto right = Post(v + "/steps", {{"kind", "password"}, {"password", kPassword}}, Role::kCsr);
  ASSERT_EQ(right.status, 200);
  EXPECT_TRUE(right.Json()["passed"].get<bool>());
  auto allowed = Post(v + "/decisions", ask, Role::kCsr);
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_TRUE(allowed.Json()["allowed"].get<bool>()) << allowed.body;
  EXPECT_GT(allowed.Json()["decision_id"].get<int64_t>(), 0);
  auto ctx = Get(v + "/context", Role::kCsr);
  EXPECT_TRUE(ctx.Json()["password_provided"].get<bool>());
  EXPECT_EQ(ctx.Json()["channel"], "inbound_call");
  EXPECT_EQ(Post(v + "/close", json::object(), Role::kCsr).status, 200);
  EXPECT_EQ(Post(v + "/decisions", ask, Role::kCsr).status, 409);  // the session is closed

  // Roles and carrier scope.
  EXPECT_EQ(Post(A() + "/verifications", {{"customer", customer_.value()}, {"channel", "phone"}},
                 Role::kMarketing)
                .status,
            403);
  EXPECT_EQ(client().Get(v, token_b_).status, 404);

  // Notices are queued and visible; /metrics counts them.
  auto pending = Get(A() + "/notifications?state=pending", Role::kComplianceOfficer);
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(pending.Json()["notifications"].size(), 4u);
  EXPECT_EQ(pending.Json()["backlog"]["pending"], 4);
  const std::string metrics = client().Get("/metrics").body;
  EXPECT_NE(metrics.find("proprio_account_notifications_pending 4"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("proprio_account_notifications_alert 0"), std::string::npos);
  EXPECT_NE(metrics.find("proprio_auth_checks_total"), std::string::npos);

  // The log never carries a secret.
  const std::string log = Log();
  for (const char* secret : {kPassword, kAnswer, kWrong, "Whitfield-1187"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
}

TEST_F(AuthHttpTest, PretextingFlagsForTheSecurityRole) {
  for (int i = 0; i < 3; ++i) {
    auto open = Post(
        A() + "/verifications",
        {{"customer", customer_.value()}, {"channel", "phone"}, {"calling_number", "+12025550123"}},
        Role::kCsr);
    ASSERT_EQ(open.status, 201);
    const std::string v =
        A() + "/verifications/" + std::to_string(open.Json()["id"].get<int64_t>());
    ASSERT_EQ(Post(v + "/steps", {{"kind", "password"}, {"password", kWrong}}, Role::kCsr).status,
              200);
  }
  auto flags = Get(A() + "/pretexting-flags?state=open", Role::kSecurity);
  ASSERT_EQ(flags.status, 200) << flags.body;
  ASSERT_FALSE(flags.Json()["flags"].empty());
  const json f = flags.Json()["flags"][0];
  // A page at a time, by id: limit, next_cursor, the page after it.
  const json every = Get(A() + "/pretexting-flags", Role::kSecurity).Json();
  EXPECT_TRUE(every["next_cursor"].is_null());
  const json first = Get(A() + "/pretexting-flags?limit=1", Role::kSecurity).Json();
  ASSERT_EQ(first["flags"].size(), 1u);
  EXPECT_EQ(first["flags"][0]["id"], every["flags"][0]["id"]);
  EXPECT_EQ(first["next_cursor"].is_null(), every["flags"].size() == 1);
  const json rest = Get(A() + "/pretexting-flags?cursor=" +
                            std::to_string(first["flags"][0]["id"].get<int64_t>()),
                        Role::kSecurity)
                        .Json();
  EXPECT_EQ(rest["flags"].size(), every["flags"].size() - 1);
  EXPECT_EQ(Get(A() + "/pretexting-flags?limit=0", Role::kSecurity).Json()["field"], "limit");
  EXPECT_EQ(Get(A() + "/pretexting-flags?cursor=x", Role::kSecurity).Json()["field"], "cursor");
  EXPECT_EQ(f["kind"], "account");
  EXPECT_EQ(f["evidence"]["steps"].size(), 3u);
  EXPECT_EQ(Get(A() + "/pretexting-flags", Role::kCsr).status, 403);
  auto review =
      Post(A() + "/pretexting-flags/" + std::to_string(f["id"].get<int64_t>()) + "/review",
           {{"note", "caller hung up when asked for a call back; no disclosure"}}, Role::kSecurity);
  ASSERT_EQ(review.status, 200) << review.body;
  EXPECT_EQ(review.Json()["state"], "reviewed");
  auto summary =
      Get(A() + "/pretexting-flags/summary?year=" + std::to_string(UtcDate(Instant::Now()).year),
          Role::kComplianceOfficer);
  ASSERT_EQ(summary.status, 200);
  EXPECT_GE(summary.Json()["by_account"].get<int64_t>(), 1);
}

// 47 CFR 64.2010(e): an import of a long-standing customer, then at once a
// first password "at service initiation": 403 problem+json with the rule,
// and the refusal is in the ledger. A customer opened now through the API
// may have one, from the role that opens accounts only.
TEST_F(AuthHttpTest, Rule_64_2010_e_ServiceInitiationOnlyForNewServiceAndTheOpeningRole) {
  auto imported = client().Send(
      "POST", A() + "/customers/imports",
      "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code,"
      "address_since\n"
      "9001,residential,Lena Marsh,(407) 555-0111,2 Oak St,Orlando,FL,32801,2009-05-01\n",
      {{"Authorization", "Bearer " + tokens_[Role::kComplianceOfficer]}}, "text/csv");
  ASSERT_EQ(imported.status, 201) << imported.body;
  auto page = Get(A() + "/customers?limit=10", Role::kCsr).Json();
  int64_t lena = 0;
  for (const json& c : page["customers"]) {
    if (c["account_number"] == "9001") lena = c["id"];
  }
  ASSERT_GT(lena, 0) << page.dump();
  const std::string lena_path = A() + "/customers/" + std::to_string(lena);
  auto record = Get(lena_path, Role::kCsr);
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_TRUE(record.Json()["service_since"].is_null()) << record.body;

  auto refused = Put(lena_path + "/secrets/password",
                     {{"password", kPassword}, {"at_service_initiation", true}}, Role::kCsr);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.Header("content-type"), "application/problem+json");
  EXPECT_NE(refused.body.find("47 CFR 64.2010(e)"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.Json()["field"], "at_service_initiation") << refused.body;
  auto backup = Put(lena_path + "/secrets/backup",
                    {{"question", "What was your first pet's name?"},
                     {"answer", kAnswer},
                     {"at_service_initiation", true}},
                    Role::kCsr);
  EXPECT_EQ(backup.status, 403) << backup.body;
  auto secrets = Get(lena_path + "/secrets", Role::kCsr).Json();
  EXPECT_FALSE(secrets["password"]["set"].get<bool>()) << secrets.dump();

  // A new account opened through the API: service began today.
  auto opened = Post(A() + "/customers",
                     {{"account_number", "9002"},
                      {"name", "Omar Reyes"},
                      {"telephone_numbers", {"(407) 555-0112"}},
                      {"address",
                       {{"street", "3 Oak St"},
                        {"city", "Orlando"},
                        {"state", "FL"},
                        {"postal_code", "32801"}}}},
                     Role::kCsr);
  ASSERT_EQ(opened.status, 201) << opened.body;
  ASSERT_TRUE(opened.Json()["service_since"].is_string()) << opened.body;
  const std::string omar_path = A() + "/customers/" + std::to_string(opened.Json()["id"].get<int64_t>());
  // Only the roles that open accounts: a supervisor may set secrets, not this way.
  Staff sup;
  sup.carrier = carrier_;
  sup.name = "Sam Supervisor";
  sup.roles = {Role::kSupervisor};
  const services::Actor actor{"test", Instant::Now()};
  const std::string sup_token =
      services::IssueApiToken(*store_, services::AddStaff(*store_, sup, actor)->id, "t", actor)
          ->token;
  auto by_supervisor = client().Send(
      "PUT", omar_path + "/secrets/password",
      json{{"password", kPassword}, {"at_service_initiation", true}}.dump(),
      {{"Authorization", "Bearer " + sup_token}});
  EXPECT_EQ(by_supervisor.status, 403) << by_supervisor.body;
  EXPECT_NE(by_supervisor.body.find("47 CFR 64.2010(e)"), std::string::npos) << by_supervisor.body;
  auto first = Put(omar_path + "/secrets/password",
                   {{"password", kPassword}, {"at_service_initiation", true}}, Role::kCsr);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["setup_path"], "service_initiation");
  EXPECT_GT(first.Json()["ledger_seq"].get<int64_t>(), 0);
  // The day service began cannot be moved afterwards.
  auto current = Get(omar_path, Role::kCsr);
  auto moved = client().Send("PATCH", omar_path, json{{"service_since", "2009-05-01"}}.dump(),
                             {{"Authorization", "Bearer " + tokens_[Role::kCsr]},
                              {"If-Match", current.Header("etag")}});
  EXPECT_EQ(moved.status, 400) << moved.body;
  EXPECT_EQ(moved.Json()["field"], "service_since") << moved.body;
  // The OpenAPI document describes the field and the path's limits.
  auto doc = client().Get("/v1/openapi.json").Json();
  EXPECT_TRUE(doc["components"]["schemas"]["Customer"]["properties"].contains("service_since"));
  EXPECT_TRUE(
      doc["components"]["schemas"]["CustomerInput"]["properties"].contains("service_since"));
}

TEST_F(AuthHttpTest, NotificationSettingsAndOnlineSignIn) {
  auto put = Put(A() + "/notifications/settings",
                 {{"channels", {"text"}}, {"bound_seconds", 120}, {"callback_phone", "8005550199"}},
                 Role::kComplianceOfficer);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json()["callback_phone"], "+18005550199");
  EXPECT_EQ(
      Put(A() + "/notifications/settings", {{"destination", "x@y.z"}}, Role::kComplianceOfficer)
          .status,
      400);  // a notice's destination is never chosen by the caller
  const int64_t visit = OpenInStoreAndCheckId();
  ASSERT_EQ(Put(Cust() + "/secrets/password", {{"password", kPassword}, {"verification", visit}},
                Role::kCsr)
                .status,
            200);
  ASSERT_EQ(Put(Cust() + "/secrets/online-account", {{"login", "dana-w"}, {"verification", visit}},
                Role::kCsr)
                .status,
            200);
  auto bad =
      Post(A() + "/online-sessions", {{"login", "dana-w"}, {"password", kWrong}}, Role::kSystem);
  EXPECT_EQ(bad.status, 401);
  auto good =
      Post(A() + "/online-sessions", {{"login", "dana-w"}, {"password", kPassword}}, Role::kSystem);
  ASSERT_EQ(good.status, 201) << good.body;
  EXPECT_EQ(good.Json()["session"]["context"]["channel"], "online");
  EXPECT_EQ(
      Post(A() + "/online-sessions", {{"login", "dana-w"}, {"password", kPassword}}, Role::kCsr)
          .status,
      403);
  EXPECT_EQ(Log().find(kPassword), std::string::npos);
}

}  // namespace
}  // namespace proprio::testing
