// End-to-end tests of the HTTP API over real HTTP on loopback: an in-process
// proprio server (api::Api + api::Server) on a temporary SQLite database (and
// PostgreSQL for the core flows), driven by a Beast client.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "api/api.h"
#include "api/server.h"
#include "http_client.h"
#include "planted_values.h"
#include "server_traces.h"
#include "ledger/proof.h"
#include "ledger/sha256.h"
#include "pg_test_db.h"
#include "services/registry.h"
#include "services/staff_auth.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "correct horse battery";

// Values planted in requests; none may ever appear in a log line.
constexpr char kPlantedName[] = "Zebediah Quuxworth";
constexpr char kPlantedPhone[] = "+14075550187";
constexpr char kPlantedEmail[] = "zebediah.q@example.org";
constexpr char kPlantedAccount[] = "PLANT-77331";

services::PasswordCost CheapCost() { return {1, 64, 1}; }

class Harness {
 public:
  // Opens the store (SQLite in `dir`, or PostgreSQL at `pg_url`) and starts a server.
  void Start(const std::string& dir, const std::string& pg_url = "",
             std::function<void(api::ApiOptions&, api::ServerOptions&)> tweak = nullptr) {
    dir_ = dir;
    store::StoreOptions so =
        pg_url.empty() ? store::StoreOptions::Sqlite(dir + "/proprio.db")
                       : store::StoreOptions::Postgres(pg_url);
    so.max_readers = 8;
    auto st = store::Store::Open(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    api::ApiOptions ao;
    ao.auth.cost = CheapCost();
    ao.auth.lock_after = 3;
    ao.auth.lock_base_us = 60 * kMicrosPerSecond;
    ao.workers = 8;
    ao.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += line + "\n";
    };
    api::ServerOptions sv;
    sv.listen = "127.0.0.1:0";
    sv.io_threads = 2;
    sv.body_limit = 64 * 1024;
    sv.header_timeout = std::chrono::milliseconds(400);
    sv.idle_timeout = std::chrono::milliseconds(800);
    sv.body_timeout = std::chrono::milliseconds(600);
    sv.drain_timeout = std::chrono::milliseconds(5000);
    if (tweak) tweak(ao, sv);
    api_ = std::make_unique<api::Api>(*store_, ao);
    server_ = std::make_unique<api::Server>(*api_, sv);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    thread_ = std::thread([this] { server_->Run(); });
  }
  void Stop() {
    if (!server_) return;
    ScanServerTraces(server_->port(), Log(), dir_, "proprio.db");
    server_->Shutdown();
    thread_.join();
    server_.reset();
    api_.reset();
    store_.reset();
  }
  ~Harness() { Stop(); }

  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }

  uint16_t port() const { return server_->port(); }
  store::Store& store() { return *store_; }
  api::Api& api() { return *api_; }

 private:
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  std::mutex log_mu_;
  std::string log_;
};

services::Actor TestActor() { return {"test", Instant::Now()}; }

Carrier MakeCarrier(const std::string& name, const std::string& filer) {
  Carrier c;
  c.legal_name = name;
  c.filer_id_499 = filer;
  c.address = {"1 Main St", "Longwood", "FL", "32750", "US"};
  c.time_zone = "America/New_York";
  return c;
}

json CustomerBody(const std::string& account, const std::string& name = "Ann Example",
                  const std::string& phone = "(407) 555-0100") {
  return {{"account_number", account},
          {"customer_type", "residential"},
          {"name", name},
          {"telephone_numbers", {phone}},
          {"address",
           {{"street", "5 Oak Haven Ln"}, {"city", "Sanford"}, {"state", "FL"},
            {"postal_code", "32771"}}},
          {"services", {"local", "interexchange"}}};
}

// Two carriers, one staff member per role in carrier A (each with an API
// token), a CSR in carrier B, and a few customers.
class HttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-http-XXXXXX";
    dir_ = mkdtemp(tmpl);
    StartServer();
  }
  void TearDown() override {
    h_.Stop();
    std::filesystem::remove_all(dir_);
  }

  virtual void StartServer() { h_.Start(dir_); Seed(); }

  void Seed() {
    auto a = services::AddCarrier(h_.store(), MakeCarrier("Alpha Tel", "800001"), TestActor());
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    auto b = services::AddCarrier(h_.store(), MakeCarrier("Beta Tel", "800002"), TestActor());
    ASSERT_TRUE(b.ok());
    carrier_a_ = a->id;
    carrier_b_ = b->id;
    for (Role r : {Role::kAdmin, Role::kComplianceOfficer, Role::kGeneralCounsel, Role::kSupervisor,
                   Role::kCsr, Role::kMarketing, Role::kSecurity, Role::kAuditor, Role::kSystem}) {
      Staff s;
      s.carrier = carrier_a_;
      s.name = std::string("Staff ") + RoleName(r);
      s.roles = {r};
      auto added = services::AddStaff(h_.store(), s, TestActor());
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      staff_[r] = added->id;
      auto token = services::IssueApiToken(h_.store(), added->id, "test", TestActor());
      ASSERT_TRUE(token.ok()) << token.status().ToString();
      tokens_[r] = token->token;
    }
    Staff csr_b;
    csr_b.carrier = carrier_b_;
    csr_b.name = "Beta CSR";
    csr_b.roles = {Role::kCsr};
    auto added_b = services::AddStaff(h_.store(), csr_b, TestActor());
    ASSERT_TRUE(added_b.ok());
    auto token_b = services::IssueApiToken(h_.store(), added_b->id, "test", TestActor());
    ASSERT_TRUE(token_b.ok());
    token_b_ = token_b->token;
    for (int i = 0; i < 3; ++i) {
      Customer c;
      c.carrier = carrier_a_;
      c.account_number = "A-" + std::to_string(i);
      c.name = "Alpha Customer " + std::to_string(i);
      c.phones_of_record = {"+1407555020" + std::to_string(i)};
      c.address_of_record = {"1 Elm St", "Sanford", "FL", "32771", "US"};
      c.services.Add(ServiceCategory::kLocal);
      auto added = services::AddCustomer(h_.store(), c, TestActor());
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      customers_a_.push_back(added->id);
    }
    Customer cb;
    cb.carrier = carrier_b_;
    cb.account_number = "B-1";
    cb.name = "Beta Customer";
    cb.phones_of_record = {"+14075550300"};
    cb.address_of_record = {"2 Elm St", "Sanford", "FL", "32771", "US"};
    auto added_b_customer = services::AddCustomer(h_.store(), cb, TestActor());
    ASSERT_TRUE(added_b_customer.ok());
    customer_b_ = added_b_customer->id;
  }

  std::string A() const { return "/v1/carriers/" + carrier_a_.ToString(); }
  std::string B() const { return "/v1/carriers/" + carrier_b_.ToString(); }
  Headers Auth(const std::string& token) const { return {{"Authorization", "Bearer " + token}}; }

  // The ledger entries of a carrier with type `type`.
  std::vector<ledger::Entry> Entries(CarrierId carrier, const std::string& type) {
    std::vector<ledger::Entry> out;
    Status st = h_.store().Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(ledger::Head head, tx.LedgerHead(carrier));
      for (int64_t seq = 1; seq <= head.size; ++seq) {
        ASSIGN_OR_RETURN(auto e, tx.ReadEntry(carrier, seq));
        if (e.first.type == type) out.push_back(e.first);
      }
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // The account behind a staff member's token.
  store::AccountId AccountOf(StaffId staff) {
    store::AccountId id;
    Status st = h_.store().Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto account, tx.FindAccountByStaff(staff));
      if (!account) return Status::NotFound("no account");
      id = account->id;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return id;
  }

  std::optional<store::IdempotencyRecord> FindKey(CarrierId carrier, store::AccountId account,
                                                  const std::string& key) {
    std::optional<store::IdempotencyRecord> found;
    Status st = h_.store().Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(found, tx.FindIdempotency(carrier, account, key));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return found;
  }

  // Staff members of carrier A named `name`.
  int StaffNamed(const std::string& name) {
    int n = 0;
    Status st = h_.store().Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto staff, tx.ListStaff(carrier_a_));
      for (const Staff& s : staff) n += s.name == name;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }

  // Posts one new staff member with one Idempotency-Key from 12 clients at
  // once, spread over the servers on `ports`: the POST runs exactly once, and
  // every other answer is its replay or 409 idempotency-key-in-use.
  void ExpectSameKeyRunsOnce(const std::vector<uint16_t>& ports, const std::string& key,
                             const std::string& name) {
    const json body = {{"name", name}, {"roles", {"csr"}}};
    constexpr int kClients = 12;
    std::vector<HttpResponse> answers(kClients);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
      threads.emplace_back([&, i] {
        HttpClient c(ports[static_cast<size_t>(i) % ports.size()]);
        c.Get("/healthz");  // connected before the start
        ready.fetch_add(1);
        while (ready.load() < kClients) std::this_thread::yield();
        answers[static_cast<size_t>(i)] =
            c.PostJson(A() + "/staff", body, tokens_[Role::kAdmin], {{"Idempotency-Key", key}});
      });
    }
    for (auto& t : threads) t.join();
    int created = 0, replayed = 0, in_use = 0;
    std::string first;
    for (const HttpResponse& a : answers) {
      if (a.status == 201 && a.Header("idempotent-replayed").empty()) {
        ++created;
        first = a.body;
      } else if (a.status == 201 && a.Header("idempotent-replayed") == "true") {
        ++replayed;
      } else if (a.status == 409 &&
                 a.Json()["type"] == "https://proprio.dev/problems/idempotency-key-in-use") {
        ++in_use;
      } else {
        ADD_FAILURE() << "unexpected answer " << a.status << ": " << a.body << a.error;
      }
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(created + replayed + in_use, kClients);
    for (const HttpResponse& a : answers) {
      if (a.status == 201) {
        EXPECT_EQ(a.body, first);
      }
    }
    EXPECT_EQ(StaffNamed(name), 1);
    auto rec = FindKey(carrier_a_, AccountOf(staff_[Role::kAdmin]), key);
    ASSERT_TRUE(rec.has_value());
    EXPECT_EQ(rec->status, 201);
    EXPECT_EQ(rec->body, first);
  }

  std::string dir_;
  Harness h_;
  CarrierId carrier_a_, carrier_b_;
  std::map<Role, StaffId> staff_;
  std::map<Role, std::string> tokens_;
  std::string token_b_;
  std::vector<CustomerId> customers_a_;
  CustomerId customer_b_;
};

TEST_F(HttpApiTest, HealthReadyAndOpenApiListsEveryRoute) {
  HttpClient c(h_.port());
  auto health = c.Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json()["status"], "ok");
  // The build's version, as `proprio --version` prints it.
  EXPECT_TRUE(health.Json()["version"].is_string()) << health.body;
  EXPECT_NE(health.Json()["version"].get<std::string>().find('.'), std::string::npos);
  auto ready = c.Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.Json()["status"], "ready");
  auto doc = c.Get("/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  json j = doc.Json();
  EXPECT_EQ(j["openapi"], "3.1.0");
  ASSERT_FALSE(h_.api().routes().empty());
  for (const api::RouteSpec& r : h_.api().routes()) {
    std::string method = r.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_TRUE(j["paths"].contains(r.pattern)) << "route missing from OpenAPI: " << r.Name();
    ASSERT_TRUE(j["paths"][r.pattern].contains(method)) << "route missing: " << r.Name();
    const json& op = j["paths"][r.pattern][method];
    EXPECT_TRUE(op.contains("x-proprio-roles")) << r.Name();
    EXPECT_TRUE(op["responses"].contains(std::to_string(r.success_status))) << r.Name();
    if (!r.request_type.empty()) {
      EXPECT_TRUE(op.contains("requestBody")) << r.Name();
    }
  }
  // Every $ref resolves.
  const std::string text = doc.body;
  for (size_t at = text.find("#/components/schemas/"); at != std::string::npos;
       at = text.find("#/components/schemas/", at + 1)) {
    const size_t start = at + std::string("#/components/schemas/").size();
    const std::string name = text.substr(start, text.find('"', start) - start);
    EXPECT_TRUE(j["components"]["schemas"].contains(name)) << name;
  }
}

TEST_F(HttpApiTest, UnknownRouteAndWrongMethodAreProblems) {
  HttpClient c(h_.port());
  auto missing = c.Get("/v1/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), "application/problem+json");
  EXPECT_EQ(missing.Json()["type"], "https://proprio.dev/problems/not-found");
  auto wrong = c.Send("DELETE", "/healthz");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("allow"), "GET, HEAD");
  EXPECT_EQ(c.Get(A() + "/customers").status, 401);
  EXPECT_NE(c.Get(A() + "/customers").Header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(c.Get(A() + "/customers", "prp_not-a-real-token").status, 401);
}

// Every authenticated route, asked by every role: the server answers 403
// exactly for the roles the route does not declare, and never 403 (nor 401)
// for those it does.
TEST_F(HttpApiTest, RoleRouteMatrix) {
  HttpClient c(h_.port());
  int pairs = 0;
  for (const api::RouteSpec& r : h_.api().routes()) {
    if (!r.authenticated || r.Name() == "DELETE /v1/sessions/current") continue;
    std::string target = r.pattern;
    auto fill = [&](const std::string& name, const std::string& value) {
      const size_t at = target.find("{" + name + "}");
      if (at != std::string::npos) target.replace(at, name.size() + 2, value);
    };
    fill("carrier", carrier_a_.ToString());
    fill("customer", customers_a_[0].ToString());
    fill("staff", staff_[Role::kSystem].ToString());
    fill("token", "999999");
    fill("seq", "1");
    for (const auto& [role, token] : tokens_) {
      const bool allowed =
          r.roles.empty() || std::find(r.roles.begin(), r.roles.end(), role) != r.roles.end();
      Headers h = Auth(token);
      if (r.method == "PUT" || r.method == "PATCH") h.push_back({"If-Match", "\"0\""});
      const std::string ct = r.request_type.empty() ? "application/json" : r.request_type;
      auto res = c.Send(r.method, target, r.method == "GET" || r.method == "DELETE" ? "" : "{}", h,
                        ct);
      ASSERT_NE(res.status, 0) << res.error;
      if (allowed) {
        EXPECT_NE(res.status, 403) << r.Name() << " as " << RoleName(role) << ": " << res.body;
        EXPECT_NE(res.status, 401) << r.Name() << " as " << RoleName(role);
      } else {
        EXPECT_EQ(res.status, 403) << r.Name() << " as " << RoleName(role) << ": " << res.body;
        EXPECT_EQ(res.Json()["type"], "https://proprio.dev/problems/permission-denied");
      }
      ++pairs;
    }
  }
  EXPECT_GT(pairs, 100);
  // Policy the table must keep: auditors only read; marketing never reads CPNI.
  for (const api::RouteSpec& r : h_.api().routes()) {
    const bool auditor = std::find(r.roles.begin(), r.roles.end(), Role::kAuditor) != r.roles.end();
    if (auditor) {
      EXPECT_EQ(r.method, "GET") << r.Name();
    }
    if (r.reads_cpni) {
      EXPECT_EQ(std::find(r.roles.begin(), r.roles.end(), Role::kMarketing), r.roles.end())
          << r.Name();
    }
  }
  // Refusals inside the carrier are recorded in its ledger.
  EXPECT_FALSE(Entries(carrier_a_, "access.refused").empty());
}

// 64.2003(f): POST .../customers/{id}/close makes a former customer; the
// record is kept and shows closed_at; closing twice is 409.
TEST_F(HttpApiTest, Cfr64_2003fCloseACustomer) {
  HttpClient c(h_.port());
  const std::string path = A() + "/customers/" + customers_a_[1].ToString();
  auto closed = c.PostJson(path + "/close", json{{"reason", "moved away"}},
                           tokens_[Role::kCsr]);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_TRUE(closed.Json()["closed_at"].is_string()) << closed.body;
  EXPECT_EQ(c.PostJson(path + "/close", json::object(), tokens_[Role::kCsr]).status, 409);
  auto bad = c.PostJson(A() + "/customers/" + customers_a_[0].ToString() + "/close",
                        json{{"closed_at", "yesterday"}}, tokens_[Role::kCsr]);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["field"], "closed_at");
  auto shown = c.Get(path, tokens_[Role::kCsr]);
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.Json()["closed_at"], closed.Json()["closed_at"]);
}

TEST_F(HttpApiTest, EveryAnswerForbidsSniffingAndStoring) {
  // Issue 15: a customer record (CPNI), a refusal and a public route alike.
  HttpClient c(h_.port());
  const auto record = c.Get(A() + "/customers/" + customers_a_[0].ToString(), tokens_[Role::kCsr]);
  const auto refusal = c.Get(A() + "/customers/" + customers_a_[0].ToString(), "not-a-token");
  const auto health = c.Get("/healthz");
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_EQ(refusal.status, 401);
  EXPECT_EQ(health.status, 200);
  for (const auto* r : {&record, &refusal, &health}) {
    EXPECT_EQ(r->Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r->Header("cache-control"), "no-store");
    EXPECT_EQ(r->Header("strict-transport-security"), "");  // plain HTTP: no HSTS
  }
}

TEST_F(HttpApiTest, AnotherCarriersResourceIsNotFoundAndRecorded) {
  HttpClient c(h_.port());
  const std::string csr_a = tokens_[Role::kCsr];
  auto other = c.Get(B() + "/customers/" + customer_b_.ToString(), csr_a);
  auto nowhere = c.Get("/v1/carriers/999999/customers/" + customer_b_.ToString(), csr_a);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(nowhere.status, 404);
  EXPECT_EQ(other.Json()["type"], nowhere.Json()["type"]);
  EXPECT_EQ(other.body.find("Beta"), std::string::npos);
  // Carrier B's customer id under carrier A's path is not found either.
  EXPECT_EQ(c.Get(A() + "/customers/" + customer_b_.ToString(), csr_a).status, 404);
  // The attempt is in carrier B's ledger, with who and which route.
  auto refused = Entries(carrier_b_, "access.refused");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].actor.find("staff:" + staff_[Role::kCsr].ToString()), std::string::npos);
  EXPECT_NE(refused[0].actor.find("GET /v1/carriers/{carrier}/customers/{customer}"),
            std::string::npos);
  // Carrier B's own CSR reads it.
  EXPECT_EQ(c.Get(B() + "/customers/" + customer_b_.ToString(), token_b_).status, 200);
  // Lists of carriers show only one's own.
  auto carriers = c.Get("/v1/carriers", csr_a).Json();
  ASSERT_EQ(carriers["carriers"].size(), 1u);
  EXPECT_EQ(carriers["carriers"][0]["id"], carrier_a_.value());
}

TEST_F(HttpApiTest, CpniReadIsRecordedBeforeTheAnswer) {
  HttpClient c(h_.port());
  const size_t before = Entries(carrier_a_, "cpni.accessed").size();
  auto res = c.Get(A() + "/customers/" + customers_a_[1].ToString() + "?purpose=billing_inquiry",
                   tokens_[Role::kCsr]);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.Json()["account_number"], "A-1");
  EXPECT_FALSE(res.Header("etag").empty());
  auto after = Entries(carrier_a_, "cpni.accessed");
  ASSERT_EQ(after.size(), before + 1);
  const ledger::Entry& e = after.back();
  EXPECT_EQ(e.subject, "customer:" + customers_a_[1].ToString());
  EXPECT_NE(e.actor.find("staff:" + staff_[Role::kCsr].ToString()), std::string::npos);
  EXPECT_NE(e.body.find("billing_inquiry"), std::string::npos);
  EXPECT_EQ(c.Get(A() + "/customers/" + customers_a_[1].ToString() + "?purpose=Bad%20Purpose",
                  tokens_[Role::kCsr])
                .status,
            400);
}

TEST_F(HttpApiTest, StrictJsonNamesTheField) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  auto post = [&](const std::string& body) {
    return c.Send("POST", A() + "/customers", body, Auth(token));
  };
  auto truncated = post("{\"account_number\": ");
  EXPECT_EQ(truncated.status, 400);
  EXPECT_EQ(truncated.Json()["field"], "body");
  EXPECT_NE(truncated.Json()["detail"].get<std::string>().find("malformed JSON"), std::string::npos);
  EXPECT_EQ(post("[1,2]").Json()["field"], "body");
  json wrong_type = CustomerBody("X-1");
  wrong_type["name"] = 42;
  auto r1 = post(wrong_type.dump());
  EXPECT_EQ(r1.status, 400);
  EXPECT_EQ(r1.Json()["field"], "name");
  json unknown = CustomerBody("X-2");
  unknown["nickname"] = "Annie";
  auto r2 = post(unknown.dump());
  EXPECT_EQ(r2.status, 400);
  EXPECT_EQ(r2.Json()["field"], "nickname");
  json nested = CustomerBody("X-3");
  nested["address"]["city"] = true;
  EXPECT_EQ(post(nested.dump()).Json()["field"], "address.city");
  json nested_unknown = CustomerBody("X-4");
  nested_unknown["address"]["planet"] = "Earth";
  EXPECT_EQ(post(nested_unknown.dump()).Json()["field"], "address.planet");
  json bad_service = CustomerBody("X-5");
  bad_service["services"] = {"local", "telepathy"};
  EXPECT_EQ(post(bad_service.dump()).Json()["field"], "services[1]");
  json missing = CustomerBody("X-6");
  missing.erase("name");
  EXPECT_EQ(post(missing.dump()).Json()["field"], "name");
  auto dup = post(R"({"account_number":"X-7","account_number":"X-8"})");
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(dup.Json()["field"], "account_number");
  json bad_phone = CustomerBody("X-9", "Ann", "12");
  EXPECT_EQ(post(bad_phone.dump()).Json()["field"], "telephone_numbers");
  auto wrong_ct = c.Send("POST", A() + "/customers", CustomerBody("X-10").dump(), Auth(token),
                         "text/plain");
  EXPECT_EQ(wrong_ct.status, 415);  // was 400 before issue 18
  EXPECT_EQ(wrong_ct.Json()["field"], "Content-Type");
  auto ok = post(CustomerBody("X-11").dump());
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.Json()["telephone_numbers"][0], "+14075550100");
  EXPECT_EQ(post(CustomerBody("X-11").dump()).status, 409);
}

TEST_F(HttpApiTest, OversizedAndTruncatedBodies) {
  HttpClient c(h_.port());
  const std::string big(80 * 1024, 'x');
  auto res = c.Send("POST", A() + "/customers", big, Auth(tokens_[Role::kCsr]));
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(res.Json()["type"], "https://proprio.dev/problems/payload-too-large");
  // Chunked, so the size is only known while reading.
  {
    RawConnection raw(h_.port());
    std::string req = "POST " + A() + "/customers HTTP/1.1\r\nHost: x\r\nContent-Type: "
                      "application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    raw.Send(req);
    for (int i = 0; i < 20; ++i) {
      char size[16];
      std::snprintf(size, sizeof size, "%x\r\n", 8192);
      if (!raw.Send(size + std::string(8192, 'y') + "\r\n")) break;
    }
    bool closed = false;
    std::string answer = raw.ReadUntilClosed(3000, &closed);
    EXPECT_NE(answer.find("413"), std::string::npos) << answer.substr(0, 200);
  }
  // A body shorter than its Content-Length, then the client stops sending.
  {
    RawConnection raw(h_.port());
    raw.Send("POST " + A() + "/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 100\r\n\r\n{\"account_number\": \"T-1\"");
    raw.ShutdownWrite();
    bool closed = false;
    std::string answer = raw.ReadUntilClosed(3000, &closed);
    EXPECT_NE(answer.find("400 Bad Request"), std::string::npos) << answer;
    EXPECT_NE(answer.find("truncated"), std::string::npos) << answer;
    EXPECT_TRUE(closed);
  }
  // ... or keeps the connection open without sending the rest: 408 after body_timeout.
  {
    RawConnection raw(h_.port());
    raw.Send("POST " + A() + "/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 100\r\n\r\n{\"account_number\": \"T-2\"");
    bool closed = false;
    std::string answer = raw.ReadUntilClosed(3000, &closed);
    EXPECT_NE(answer.find("408"), std::string::npos) << answer;
    EXPECT_TRUE(closed);
  }
  // Nothing was stored by any of them.
  EXPECT_EQ(c.Get(A() + "/customers?limit=1000", tokens_[Role::kCsr]).Json()["customers"].size(),
            3u);
}

TEST(HttpLimitsTest, ConnectionsPastThePerAddressCapAre503AndClosed) {
  char tmpl[] = "/tmp/proprio-caps-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  {
    Harness h;
    h.Start(dir, "", [](api::ApiOptions&, api::ServerOptions& sv) {
      sv.max_connections_per_address = 3;
      sv.idle_timeout = std::chrono::milliseconds(5000);
      sv.header_timeout = std::chrono::milliseconds(5000);
    });
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawConnection>(h.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // all three accepted
    {
      RawConnection fourth(h.port());
      fourth.Send(request);
      bool closed = false;
      const std::string got = fourth.ReadUntilClosed(2000, &closed);
      EXPECT_TRUE(closed);
      EXPECT_NE(got.find("HTTP/1.1 503"), std::string::npos) << got;
      EXPECT_NE(got.find("too-many-connections"), std::string::npos) << got;
    }
    // One of the three leaves: a new connection is served.
    held.pop_back();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    HttpClient again(h.port());
    EXPECT_EQ(again.Get("/healthz").status, 200);
  }
  std::filesystem::remove_all(dir);
}

TEST_F(HttpApiTest, SlowHeaderAndIdleClientsAreCut) {
  // One byte every 100 ms: the header never completes within 400 ms.
  RawConnection slow(h_.port());
  const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaa\r\n\r\n";
  const auto start = std::chrono::steady_clock::now();
  bool cut = false;
  for (char ch : header) {
    if (!slow.Send(std::string(1, ch))) {
      cut = true;
      break;
    }
    bool closed = false;
    std::string got = slow.ReadUntilClosed(100, &closed);
    if (closed || !got.empty()) {
      cut = true;
      EXPECT_EQ(got.find("200 OK"), std::string::npos);
      break;
    }
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(cut);
  EXPECT_LT(waited, std::chrono::milliseconds(3000));
  // A connection that never sends a byte is closed after the idle timeout.
  RawConnection idle(h_.port());
  bool closed = false;
  idle.ReadUntilClosed(3000, &closed);
  EXPECT_TRUE(closed);
  // The server still answers others.
  HttpClient c(h_.port());
  EXPECT_EQ(c.Get("/healthz").status, 200);
}

TEST_F(HttpApiTest, IdempotentRetries) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  Headers key = {{"Idempotency-Key", "create-ann-1"}};
  auto first = c.PostJson(A() + "/customers", CustomerBody("I-1"), token, key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = c.PostJson(A() + "/customers", CustomerBody("I-1"), token, key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  // With the first answer's own headers, and this request's id.
  ASSERT_FALSE(first.Header("location").empty());
  EXPECT_EQ(again.Header("location"), first.Header("location"));
  EXPECT_EQ(again.Header("etag"), first.Header("etag"));
  EXPECT_FALSE(again.Header("x-request-id").empty());
  EXPECT_NE(again.Header("x-request-id"), first.Header("x-request-id"));
  auto other = c.PostJson(A() + "/customers", CustomerBody("I-2"), token, key);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.Json()["type"], "https://proprio.dev/problems/idempotency-key-reused");
  // The key is per caller: another staff member's same key is a new request.
  auto supervisor = c.PostJson(A() + "/customers", CustomerBody("I-3"), tokens_[Role::kSupervisor],
                               key);
  EXPECT_EQ(supervisor.status, 201);
  // A first answer that was an error is replayed too.
  Headers key2 = {{"Idempotency-Key", "dup-1"}};
  auto dup = c.PostJson(A() + "/customers", CustomerBody("I-1"), token, key2);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(c.PostJson(A() + "/customers", CustomerBody("I-1"), token, key2).body, dup.body);
  EXPECT_EQ(Entries(carrier_a_, "customer.created").size(), 3u + 2u);
}

// PATCH is not idempotent (RFC 9110 9.2.2): a retry with the same If-Match
// would be refused 412 once the first one ran. With an Idempotency-Key the
// retry gets the first answer again, and the change is recorded once.
TEST_F(HttpApiTest, APatchRetriedWithItsIdempotencyKeyGetsTheFirstAnswer) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  const std::string url = A() + "/customers/" + customers_a_[1].ToString();
  const std::string etag = c.Get(url, token).Header("etag");
  ASSERT_FALSE(etag.empty());
  const size_t updates_before = Entries(carrier_a_, "customer.updated").size();
  Headers h = Auth(token);
  h.push_back({"If-Match", etag});
  Headers keyed = h;
  keyed.push_back({"Idempotency-Key", "patch-email-1"});
  auto first = c.Send("PATCH", url, R"({"email":"kept@example.net"})", keyed);
  ASSERT_EQ(first.status, 200) << first.body;
  auto again = c.Send("PATCH", url, R"({"email":"kept@example.net"})", keyed);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Header("etag"), first.Header("etag"));
  // Without the key the same retry is refused: the ETag it names is stale.
  EXPECT_EQ(c.Send("PATCH", url, R"({"email":"kept@example.net"})", h).status, 412);
  // Another body under the same key is 422.
  auto other = c.Send("PATCH", url, R"({"email":"other@example.net"})", keyed);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(Entries(carrier_a_, "customer.updated").size(), updates_before + 1);
}

TEST_F(HttpApiTest, UpdatesNeedTheCurrentETag) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  const std::string url = A() + "/customers/" + customers_a_[0].ToString();
  auto read = c.Get(url, token);
  const std::string etag = read.Header("etag");
  ASSERT_FALSE(etag.empty());
  Headers auth = Auth(token);
  auto no_match = c.Send("PATCH", url, R"({"email":"new@example.net"})", auth);
  EXPECT_EQ(no_match.status, 428);
  Headers stale = auth;
  stale.push_back({"If-Match", "\"0123456789abcdef0123456789abcdef\""});
  EXPECT_EQ(c.Send("PATCH", url, R"({"email":"new@example.net"})", stale).status, 412);
  Headers current = auth;
  current.push_back({"If-Match", etag});
  auto patched = c.Send("PATCH", url, R"({"email":"new@example.net"})", current);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["email"], "new@example.net");
  EXPECT_EQ(patched.Json()["name"], "Alpha Customer 0");
  EXPECT_NE(patched.Header("etag"), etag);
  // The old ETag is stale now.
  EXPECT_EQ(c.Send("PATCH", url, R"({"email":"x@example.net"})", current).status, 412);
  // A JSON merge patch (RFC 7396) is taken on PATCH; text is 415 naming Content-Type.
  Headers fresh = auth;
  fresh.push_back({"If-Match", patched.Header("etag")});
  auto merged = c.Send("PATCH", url, R"({"email":"merge@example.net"})", fresh,
                       "application/merge-patch+json");
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.Json()["email"], "merge@example.net");
  patched = merged;
  fresh = auth;
  fresh.push_back({"If-Match", merged.Header("etag")});
  auto text = c.Send("PATCH", url, R"({"email":"t@example.net"})", fresh, "text/plain");
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(text.Json()["field"], "Content-Type");
  EXPECT_EQ(text.Json()["type"].get<std::string>().find("unsupported-media-type") ==
                std::string::npos,
            false);
  // PUT replaces: fields left out are cleared; unknown fields are refused.
  Headers now = auth;
  now.push_back({"If-Match", patched.Header("etag")});
  json put = CustomerBody("A-0", "Alpha Customer Zero");
  auto replaced = c.Send("PUT", url, put.dump(), now);
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.Json()["email"], "");
  EXPECT_EQ(replaced.Json()["name"], "Alpha Customer Zero");
  auto updates = Entries(carrier_a_, "customer.updated");
  ASSERT_EQ(updates.size(), 3u);  // the PATCH, the merge patch, the PUT
  EXPECT_NE(updates[0].body.find("email"), std::string::npos);
  EXPECT_EQ(updates[0].body.find("new@example.net"), std::string::npos);  // payload only
}

TEST_F(HttpApiTest, ListsPaginateByCursor) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kAuditor];
  auto page1 = c.Get(A() + "/customers?limit=2", token).Json();
  ASSERT_EQ(page1["customers"].size(), 2u);
  ASSERT_TRUE(page1["next_cursor"].is_string());
  auto page2 =
      c.Get(A() + "/customers?limit=2&cursor=" + page1["next_cursor"].get<std::string>(), token)
          .Json();
  ASSERT_EQ(page2["customers"].size(), 1u);
  EXPECT_TRUE(page2["next_cursor"].is_null());
  EXPECT_EQ(c.Get(A() + "/customers?limit=0", token).Json()["field"], "limit");
  EXPECT_EQ(c.Get(A() + "/customers?cursor=abc", token).Json()["field"], "cursor");
}

// HTTP conventions (issue 18), applied by the pipeline to every route.

// If-None-Match, weak comparison (RFC 9110 13.1.2, 8.8.3.2).
TEST(HttpConventionsTest, IfNoneMatchUsesTheWeakComparison) {
  EXPECT_TRUE(api::IfNoneMatchMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(api::IfNoneMatchMatches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(api::IfNoneMatchMatches("\"x\", W/\"abc\" ,\"y\"", "\"abc\""));
  EXPECT_TRUE(api::IfNoneMatchMatches(" * ", "\"abc\""));
  EXPECT_FALSE(api::IfNoneMatchMatches("\"abd\"", "\"abc\""));
  EXPECT_FALSE(api::IfNoneMatchMatches("abc", "\"abc\""));  // not an entity tag
  EXPECT_FALSE(api::IfNoneMatchMatches("", "\"abc\""));
  EXPECT_FALSE(api::IfNoneMatchMatches("*", ""));  // no ETag: nothing to match
}

// Link rel="next" (RFC 8288): the target with its cursor replaced.
TEST(HttpConventionsTest, NextLinkKeepsTheQueryAndReplacesTheCursor) {
  EXPECT_EQ(api::NextLinkHeader("/v1/carriers/1/customers", "17"),
            "</v1/carriers/1/customers?cursor=17>; rel=\"next\"");
  EXPECT_EQ(api::NextLinkHeader("/v1/x?limit=2&cursor=5&state=open", "9"),
            "</v1/x?limit=2&state=open&cursor=9>; rel=\"next\"");
  EXPECT_EQ(api::NextLinkHeader("/v1/x?cursor=5", "a b/>"),
            "</v1/x?cursor=a%20b%2F%3E>; rel=\"next\"");
}

TEST(HttpConventionsTest, LocationTemplatesTakeParametersAndBodyFields) {
  const std::map<std::string, std::string> params = {{"carrier", "3"}, {"staff", "12"}};
  EXPECT_EQ(api::ExpandLocation("/v1/carriers/{carrier}/staff/{staff}/tokens/{/id}", params,
                                R"({"id": 41, "token": "secret"})"),
            "/v1/carriers/3/staff/12/tokens/41");
  EXPECT_EQ(api::ExpandLocation("/v1/carriers/{carrier}/verifications/{/session/id}", params,
                                R"({"session": {"id": 8}})"),
            "/v1/carriers/3/verifications/8");
  EXPECT_EQ(api::ExpandLocation("/v1/me", params, "not json"), "/v1/me");
  // A missing parameter or field, or a value that is not an id: no Location.
  EXPECT_FALSE(api::ExpandLocation("/v1/{customer}", params, "{}").has_value());
  EXPECT_FALSE(api::ExpandLocation("/v1/{/id}", params, R"({"other": 1})").has_value());
  EXPECT_FALSE(api::ExpandLocation("/v1/{/id}", params, R"({"id": "a/b"})").has_value());
  EXPECT_FALSE(api::ExpandLocation("/v1/{/id}", params, R"({"id": null})").has_value());
}

// RFC 9110 10.2.2: every 201 says where the created resource is.
TEST_F(HttpApiTest, EveryCreatedAnswerCarriesLocation) {
  json doc = h_.api().OpenApi();  // a copy: operator[] may add what is missing
  int created_routes = 0;
  for (const api::RouteSpec& r : h_.api().routes()) {
    if (r.success_status != 201) continue;
    ++created_routes;
    EXPECT_FALSE(r.location.empty()) << r.Name() << " answers 201 without a Location template";
    std::string method = r.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_TRUE(doc["paths"][r.pattern][method]["responses"]["201"]["headers"].contains(
        "Location"))
        << r.Name();
  }
  EXPECT_GE(created_routes, 20);

  HttpClient c(h_.port());
  const std::string admin = tokens_[Role::kAdmin];
  // A customer: its URL, which reads it.
  auto customer = c.PostJson(A() + "/customers", CustomerBody("L-1"), tokens_[Role::kCsr]);
  ASSERT_EQ(customer.status, 201) << customer.body;
  const std::string customer_url =
      A() + "/customers/" + std::to_string(customer.Json()["id"].get<int64_t>());
  EXPECT_EQ(customer.Header("location"), customer_url);
  EXPECT_EQ(c.Get(customer_url, tokens_[Role::kCsr]).status, 200);
  // A staff member, and an API token of theirs (routes that had none before).
  auto staff = c.PostJson(A() + "/staff", {{"name", "Lou Location"}, {"roles", {"csr"}}}, admin,
                          {{"Idempotency-Key", "loc-staff-1"}});
  ASSERT_EQ(staff.status, 201) << staff.body;
  const std::string staff_url =
      A() + "/staff/" + std::to_string(staff.Json()["id"].get<int64_t>());
  EXPECT_EQ(staff.Header("location"), staff_url);
  // The replay of an Idempotency-Key carries it too.
  auto replay = c.PostJson(A() + "/staff", {{"name", "Lou Location"}, {"roles", {"csr"}}}, admin,
                           {{"Idempotency-Key", "loc-staff-1"}});
  EXPECT_EQ(replay.Header("idempotent-replayed"), "true");
  EXPECT_EQ(replay.Header("location"), staff_url);
  auto token = c.PostJson(staff_url + "/tokens", {{"label", "ci"}}, admin);
  ASSERT_EQ(token.status, 201) << token.body;
  EXPECT_EQ(token.Header("location"),
            staff_url + "/tokens/" + std::to_string(token.Json()["id"].get<int64_t>()));
  // A CSV import: the ledger entry that records it, which an auditor reads.
  const std::string csv =
      "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code\n"
      "L-2,residential,Lena Two,(407) 555-0141,1 A St,Sanford,FL,32771\n";
  auto imported = c.Send("POST", A() + "/customers/imports", csv, Auth(tokens_[Role::kSupervisor]),
                       "text/csv");
  ASSERT_EQ(imported.status, 201) << imported.body;
  const std::string entry_url =
      A() + "/ledger/entries/" + std::to_string(imported.Json()["ledger_seq"].get<int64_t>());
  EXPECT_EQ(imported.Header("location"), entry_url);
  EXPECT_EQ(c.Get(entry_url, tokens_[Role::kAuditor]).status, 200);
  // Signing in: the session is the caller's, read at /v1/me.
  ASSERT_TRUE(services::SetStaffCredentials(h_.store(), staff_[Role::kCsr], "csr.loc", kPassword,
                                            CheapCost(), TestActor())
                  .ok());
  auto session = c.PostJson("/v1/sessions", {{"login", "csr.loc"}, {"password", kPassword}});
  ASSERT_EQ(session.status, 201) << session.body;
  EXPECT_EQ(session.Header("location"), "/v1/me");
  // A refused create has none.
  auto bad = c.PostJson(A() + "/customers", {{"account_number", "L-3"}}, tokens_[Role::kCsr]);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Header("location"), "");
}

// RFC 9110 13.1.2 and 15.4.5: If-None-Match on a GET that carries an ETag.
TEST_F(HttpApiTest, IfNoneMatchAnswers304WhenTheCopyIsCurrent) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  const std::string url = A() + "/customers/" + customers_a_[0].ToString();
  auto first = c.Get(url, token);
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.Header("etag");
  ASSERT_FALSE(etag.empty());
  const size_t reads = Entries(carrier_a_, "cpni.accessed").size();
  auto conditional = [&](const std::string& method, const std::string& value) {
    Headers h = Auth(token);
    h.push_back({"If-None-Match", value});
    return c.Send(method, url, "", h, "");
  };
  auto same = conditional("GET", etag);
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");
  EXPECT_EQ(same.Header("etag"), etag);
  EXPECT_EQ(same.Header("content-type"), "");
  EXPECT_EQ(conditional("GET", "W/" + etag).status, 304);
  EXPECT_EQ(conditional("GET", "\"other\", " + etag).status, 304);
  EXPECT_EQ(conditional("GET", "*").status, 304);
  EXPECT_EQ(conditional("HEAD", etag).status, 304);
  auto other = conditional("GET", "\"0123456789abcdef0123456789abcdef\"");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.Json()["name"], "Alpha Customer 0");
  // A 304 still read the record: each read is in the ledger (64.2009(c)).
  EXPECT_EQ(Entries(carrier_a_, "cpni.accessed").size(), reads + 6);
  // After a change the old copy is stale: 200 with the new version.
  Headers patch = Auth(token);
  patch.push_back({"If-Match", etag});
  ASSERT_EQ(c.Send("PATCH", url, R"({"email":"inm@example.net"})", patch).status, 200);
  auto changed = conditional("GET", etag);
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.Header("etag"), etag);
  // A route without an ETag ignores If-None-Match.
  Headers star = Auth(token);
  star.push_back({"If-None-Match", "*"});
  EXPECT_EQ(c.Send("GET", A() + "/customers", "", star, "").status, 200);
  // Another carrier's record is still 404, not 304.
  Headers other_carrier = Auth(token_b_);
  other_carrier.push_back({"If-None-Match", "*"});
  EXPECT_EQ(c.Send("GET", url, "", other_carrier, "").status, 404);
  // The document says so.
  json doc = h_.api().OpenApi();
  json op = doc["paths"]["/v1/carriers/{carrier}/customers/{customer}"]["get"];
  EXPECT_TRUE(op["responses"].contains("304"));
  EXPECT_TRUE(op["responses"]["200"]["headers"].contains("ETag"));
}

// RFC 8288: a page with a next page links it.
TEST_F(HttpApiTest, PagesLinkTheNextPage) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kAuditor];
  auto page1 = c.Get(A() + "/customers?limit=2", token);
  ASSERT_EQ(page1.status, 200);
  const std::string next = page1.Json()["next_cursor"];
  EXPECT_EQ(page1.Header("link"),
            "<" + A() + "/customers?limit=2&cursor=" + next + ">; rel=\"next\"");
  // Following the link gives the next page, the last: no Link.
  const std::string link = page1.Header("link");
  const std::string target = link.substr(1, link.find('>') - 1);
  auto page2 = c.Get(target, token);
  ASSERT_EQ(page2.status, 200);
  EXPECT_EQ(page2.Json()["customers"].size(), 1u);
  EXPECT_TRUE(page2.Json()["next_cursor"].is_null());
  EXPECT_EQ(page2.Header("link"), "");
  // Every paged route documents the header.
  json doc = h_.api().OpenApi();
  for (const api::RouteSpec& r : h_.api().routes()) {
    for (const api::QueryParam& q : r.query) {
      if (q.name != "cursor") continue;
      EXPECT_TRUE(doc["paths"][r.pattern]["get"]["responses"]["200"]["headers"].contains("Link"))
          << r.Name();
    }
  }
}

TEST_F(HttpApiTest, SessionsExpireRevokeAndLockOut) {
  auto account = services::SetStaffCredentials(h_.store(), staff_[Role::kCsr], "csr.alpha",
                                               kPassword, CheapCost(), TestActor());
  ASSERT_TRUE(account.ok()) << account.status().ToString();
  HttpClient c(h_.port());
  auto signin = c.PostJson("/v1/sessions", {{"login", "csr.alpha"}, {"password", kPassword}});
  ASSERT_EQ(signin.status, 201) << signin.body;
  const std::string session = signin.Json()["token"];
  EXPECT_EQ(session.substr(0, 4), "prp_");
  EXPECT_EQ(c.Get("/v1/me", session).Json()["roles"][0], "csr");
  EXPECT_EQ(c.Get(A() + "/customers", session).status, 200);
  // Signing out revokes the session at once.
  EXPECT_EQ(c.Send("DELETE", "/v1/sessions/current", "", Auth(session)).status, 204);
  EXPECT_EQ(c.Get(A() + "/customers", session).status, 401);

  // An expired session (issued with a one-microsecond lifetime).
  services::AuthPolicy instant = h_.api().options().auth;
  instant.session_ttl_us = 1;
  auto expired = services::SignIn(h_.store(), "csr.alpha", kPassword, instant, Instant::Now());
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  auto late = c.Get(A() + "/customers", expired->session.token);
  EXPECT_EQ(late.status, 401);
  EXPECT_NE(late.Json()["detail"].get<std::string>().find("expired"), std::string::npos);

  // A revoked API token (revoked by an admin through the API).
  const std::string admin = tokens_[Role::kAdmin];
  auto issued = c.PostJson(A() + "/staff/" + staff_[Role::kSystem].ToString() + "/tokens",
                           {{"label", "billing"}}, admin);
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string api_token = issued.Json()["token"];
  EXPECT_EQ(c.Get(A() + "/customers", api_token).status, 200);
  auto listed = c.Get(A() + "/staff/" + staff_[Role::kSystem].ToString() + "/tokens", admin);
  EXPECT_EQ(listed.body.find(api_token), std::string::npos);  // never the token's text
  auto revoked = c.Send("DELETE",
                        A() + "/staff/" + staff_[Role::kSystem].ToString() + "/tokens/" +
                            std::to_string(issued.Json()["id"].get<int64_t>()),
                        "", Auth(admin));
  EXPECT_EQ(revoked.status, 204);
  EXPECT_EQ(c.Get(A() + "/customers", api_token).status, 401);
  EXPECT_FALSE(Entries(carrier_a_, "staff.token_revoked").empty());

  // Lockout: three wrong passwords lock the account; then even the right one is refused.
  for (int i = 0; i < 3; ++i) {
    auto wrong = c.PostJson("/v1/sessions", {{"login", "csr.alpha"}, {"password", "wrong-password!"}});
    EXPECT_EQ(wrong.status, 401) << wrong.body;
  }
  auto locked = c.PostJson("/v1/sessions", {{"login", "csr.alpha"}, {"password", kPassword}});
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.Json()["type"], "https://proprio.dev/problems/resource-exhausted");
  EXPECT_FALSE(locked.Header("retry-after").empty());
  EXPECT_EQ(Entries(carrier_a_, "auth.sign_in_failed").size(), 2u);
  EXPECT_EQ(Entries(carrier_a_, "auth.locked").size(), 1u);
  // Unknown logins get the same answer as wrong passwords.
  auto unknown = c.PostJson("/v1/sessions", {{"login", "nobody"}, {"password", kPassword}});
  EXPECT_EQ(unknown.status, 401);
  auto metrics = c.Get("/metrics").body;
  EXPECT_NE(metrics.find("proprio_sign_in_failures_total 5"), std::string::npos) << metrics;
}

TEST_F(HttpApiTest, MetricsCountRequestsAndLedger) {
  HttpClient c(h_.port());
  c.Get(A() + "/customers/" + customers_a_[0].ToString(), tokens_[Role::kCsr]);
  c.Get("/v1/nothing");
  auto m = c.Get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.Header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find("proprio_http_requests_total{route=\"GET "
                        "/v1/carriers/{carrier}/customers/{customer}\",status=\"200\"} 1"),
            std::string::npos)
      << m.body;
  // The latency histogram is labelled by route (issue 18).
  EXPECT_NE(m.body.find("proprio_http_request_duration_seconds_bucket{route=\"GET "
                        "/v1/carriers/{carrier}/customers/{customer}\",le=\"+Inf\"} 1"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("proprio_ledger_entries "), std::string::npos);
  // promtool's rules: HELP and TYPE for every metric; _total only on counters.
  std::map<std::string, std::string> type;
  std::set<std::string> help;
  std::istringstream lines(m.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) help.insert(line.substr(7, line.find(' ', 7) - 7));
    if (line.rfind("# TYPE ", 0) == 0) {
      const size_t sp = line.find(' ', 7);
      type[line.substr(7, sp - 7)] = line.substr(sp + 1);
    }
  }
  for (const auto& [name, t] : type) {
    EXPECT_TRUE(help.count(name)) << name << " has no HELP";
    const bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
    EXPECT_EQ(total, t == "counter") << name << " is a " << t;
  }
  // Build and process metrics.
  EXPECT_NE(m.body.find("proprio_build_info{version=\""), std::string::npos);
  EXPECT_TRUE(type.count("process_cpu_seconds_total"));
  EXPECT_TRUE(type.count("process_resident_memory_bytes"));
  EXPECT_TRUE(type.count("process_start_time_seconds"));
  EXPECT_TRUE(type.count("process_open_fds"));
  // The version is on /healthz too.
  EXPECT_FALSE(c.Get("/healthz").Json()["version"].get<std::string>().empty());
}

TEST_F(HttpApiTest, LedgerVerificationAndInclusionProof) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kAuditor];
  auto head = c.Get(A() + "/ledger", token).Json();
  ASSERT_GT(head["entries"].get<int64_t>(), 3);
  auto verify = c.Get(A() + "/ledger/verification", token).Json();
  EXPECT_TRUE(verify["valid"].get<bool>()) << verify.dump();
  auto proof_text = c.Get(A() + "/ledger/entries/2/proof", token);
  ASSERT_EQ(proof_text.status, 200);
  auto proof = ledger::InclusionProof::FromJson(proof_text.body);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  ledger::Hash root;
  ASSERT_TRUE(ledger::ParseHashHex(head["root"].get<std::string>(), &root));
  EXPECT_TRUE(ledger::CheckProof(*proof, root).valid);
  auto entry = c.Get(A() + "/ledger/entries/1", token).Json();
  EXPECT_EQ(entry["type"], "carrier.created");
  EXPECT_EQ(c.Get(A() + "/ledger/entries/99999/proof", token).status, 404);
}

TEST_F(HttpApiTest, CsvImportUsesTheImporter) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kSupervisor];
  const std::string header =
      "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code\n";
  auto good = c.Send("POST", A() + "/customers/imports",
                     header + "C-1,residential,Cara One,(407) 555-0111,1 A St,Sanford,FL,32771\n"
                              "C-2,business,Two LLC,(407) 555-0112,2 B St,Sanford,FL,32771\n",
                     Auth(token), "text/csv");
  ASSERT_EQ(good.status, 201) << good.body;
  EXPECT_EQ(good.Json()["imported"], 2);
  auto bad = c.Send("POST", A() + "/customers/imports",
                    header + "C-3,residential,Cara Three,(407) 555-0113,1 A St,Sanford,FL,32771\n"
                             "C-4,residential,Bad Phone,12,1 A St,Sanford,FL,32771\n",
                    Auth(token), "text/csv");
  EXPECT_EQ(bad.status, 422) << bad.body;
  ASSERT_EQ(bad.Json()["errors"].size(), 1u);
  EXPECT_EQ(bad.Json()["errors"][0]["line"], 3);
  EXPECT_EQ(bad.Json()["errors"][0]["column"], "telephone_numbers");
  auto wrong_type = c.Send("POST", A() + "/customers/imports", header, Auth(token),
                           "application/json");
  EXPECT_EQ(wrong_type.status, 415);
}

TEST_F(HttpApiTest, AdminsAddCarriersAndStaff) {
  auto admin = services::CreatePlatformAdmin(h_.store(), "Ada Admin", "ada", kPassword,
                                             CheapCost(), TestActor());
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  HttpClient c(h_.port());
  auto signin = c.PostJson("/v1/sessions", {{"login", "ada"}, {"password", kPassword}});
  ASSERT_EQ(signin.status, 201);
  const std::string token = signin.Json()["token"];
  EXPECT_EQ(c.Get("/v1/carriers", token).Json()["carriers"].size(), 0u);
  json carrier = {{"legal_name", "Gamma Tel"},
                  {"filer_id_499", "800003"},
                  {"time_zone", "America/Chicago"},
                  {"address",
                   {{"street", "9 Pine"}, {"city", "Austin"}, {"state", "TX"},
                    {"postal_code", "73301"}}},
                  {"officers", {{{"name", "Pat Lee"}, {"title", "CEO"}, {"signatory", true}}}}};
  auto created = c.PostJson("/v1/carriers", carrier, token);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = std::to_string(created.Json()["id"].get<int64_t>());
  EXPECT_EQ(c.Get("/v1/carriers/" + id, token).status, 200);
  auto staff = c.PostJson("/v1/carriers/" + id + "/staff",
                          {{"name", "Gina CSR"}, {"roles", {"csr"}}, {"login", "gina"},
                           {"password", kPassword}},
                          token);
  ASSERT_EQ(staff.status, 201) << staff.body;
  auto gina = c.PostJson("/v1/sessions", {{"login", "gina"}, {"password", kPassword}});
  ASSERT_EQ(gina.status, 201);
  EXPECT_EQ(c.Get("/v1/carriers/" + id + "/customers", gina.Json()["token"]).status, 200);
  // A carrier admin of Alpha cannot add carriers' staff elsewhere.
  EXPECT_EQ(c.PostJson("/v1/carriers/" + id + "/staff", {{"name", "X"}, {"roles", {"csr"}}},
                       tokens_[Role::kAdmin])
                .status,
            404);
}

TEST_F(HttpApiTest, LogsNeverCarryCpniPasswordsOrTokens) {
  auto account = services::SetStaffCredentials(h_.store(), staff_[Role::kCsr], "csr.log",
                                               kPassword, CheapCost(), TestActor());
  ASSERT_TRUE(account.ok());
  HttpClient c(h_.port());
  auto signin = c.PostJson("/v1/sessions", {{"login", "csr.log"}, {"password", kPassword}});
  ASSERT_EQ(signin.status, 201);
  const std::string session = signin.Json()["token"];
  json planted = CustomerBody(kPlantedAccount, kPlantedName, kPlantedPhone);
  planted["email"] = kPlantedEmail;
  auto created = c.PostJson(A() + "/customers", planted, session);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = std::to_string(created.Json()["id"].get<int64_t>());
  c.Get(A() + "/customers/" + id, session);
  c.PostJson(A() + "/customers", planted, session);  // 409, names the account number
  json bad = planted;
  bad["email"] = std::string(kPlantedEmail) + " not an address";
  c.PostJson(A() + "/customers", bad, session);
  json unknown = planted;
  unknown[kPlantedPhone] = kPlantedName;
  c.PostJson(A() + "/customers", unknown, session);
  c.Get(A() + "/customers?cursor=" + std::string(kPlantedPhone), session);
  c.PostJson("/v1/sessions", {{"login", "csr.log"}, {"password", "wrong " + std::string(kPassword)}});
  c.Get("/v1/carriers/" + std::string(kPlantedAccount), session);
  const std::string log = h_.Log();
  EXPECT_NE(log.find("\"request_id\""), std::string::npos);
  for (const std::string& secret :
       {std::string(kPlantedName), std::string(kPlantedPhone), std::string("4075550187"),
        std::string(kPlantedEmail), std::string(kPlantedAccount), std::string(kPassword), session,
        session.substr(4), std::string("Alpha Customer")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "log carries " << secret << "\n" << log;
  }
  // Every line is one JSON object.
  size_t lines = 0;
  for (size_t start = 0; start < log.size();) {
    const size_t end = log.find('\n', start);
    EXPECT_TRUE(json::accept(log.substr(start, end - start)));
    start = end + 1;
    ++lines;
  }
  EXPECT_GT(lines, 5u);
}

// A self-signed certificate for 127.0.0.1, written as PEM files.
bool WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* cert = X509_new();
  if (key == nullptr || cert == nullptr) return false;
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  bool ok = X509_sign(cert, key, EVP_sha256()) > 0;
  FILE* k = std::fopen(key_path.c_str(), "w");
  FILE* c = std::fopen(cert_path.c_str(), "w");
  ok = ok && k && c && PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) &&
       PEM_write_X509(c, cert);
  if (k) std::fclose(k);
  if (c) std::fclose(c);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

TEST(HttpTlsTest, ServesHttpsWhenGivenACertificate) {
  char tmpl[] = "/tmp/proprio-tls-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  ASSERT_TRUE(WriteSelfSignedCertificate(dir + "/cert.pem", dir + "/key.pem"));
  {
    Harness h;
    h.Start(dir, "", [&](api::ApiOptions&, api::ServerOptions& sv) {
      sv.tls_cert_file = dir + "/cert.pem";
      sv.tls_key_file = dir + "/key.pem";
    });
    HttpClient secure(h.port(), /*tls=*/true);
    auto res = secure.Get("/healthz");
    EXPECT_EQ(res.status, 200) << res.error;
    // Security headers (issue 15): HSTS under TLS, beside the ones every answer has.
    EXPECT_EQ(res.Header("strict-transport-security"), "max-age=31536000");
    EXPECT_EQ(res.Header("x-content-type-options"), "nosniff");
    auto again = secure.Get("/readyz");  // same connection, kept alive
    EXPECT_EQ(again.status, 200) << again.error;
    HttpClient plain(h.port());
    EXPECT_NE(plain.Get("/healthz").status, 200);
  }
  std::filesystem::remove_all(dir);
}

// ---- cursor pages on every list ----

TEST_F(HttpApiTest, StaffTokensAndCarriersPaginateByCursor) {
  // Carrier A has 9 staff members; the system one gets two more tokens, and
  // the admin a membership of carrier B and of a third carrier.
  for (const char* label : {"second", "third"}) {
    ASSERT_TRUE(
        services::IssueApiToken(h_.store(), staff_[Role::kSystem], label, TestActor()).ok());
  }
  auto c3 = services::AddCarrier(h_.store(), MakeCarrier("Gamma Tel", "800003"), TestActor());
  ASSERT_TRUE(c3.ok());
  const store::AccountId admin = AccountOf(staff_[Role::kAdmin]);
  ASSERT_TRUE(services::GrantCarrier(h_.store(), admin, carrier_b_, TestActor()).ok());
  ASSERT_TRUE(services::GrantCarrier(h_.store(), admin, c3->id, TestActor()).ok());
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kAdmin];

  // Walks a list `limit` at a time; returns the ids in order and the pages.
  auto walk = [&](const std::string& url, const std::string& items, int limit, int* pages) {
    std::vector<int64_t> ids;
    std::string cursor;
    *pages = 0;
    for (;;) {
      std::string target = url + "?limit=" + std::to_string(limit);
      if (!cursor.empty()) target += "&cursor=" + cursor;
      auto res = c.Get(target, token);
      EXPECT_EQ(res.status, 200) << target << ": " << res.body;
      if (res.status != 200) break;
      json page = res.Json();
      ++*pages;
      EXPECT_LE(page[items].size(), static_cast<size_t>(limit));
      for (const json& item : page[items]) ids.push_back(item["id"].get<int64_t>());
      EXPECT_TRUE(page.contains("next_cursor")) << target;
      if (page["next_cursor"].is_null()) break;
      EXPECT_EQ(page[items].size(), static_cast<size_t>(limit));
      cursor = page["next_cursor"].get<std::string>();
      if (*pages > 20) break;
    }
    return ids;
  };

  std::vector<int64_t> want_staff;
  for (const auto& [role, id] : staff_) want_staff.push_back(id.value());
  std::sort(want_staff.begin(), want_staff.end());
  int pages = 0;
  EXPECT_EQ(walk(A() + "/staff", "staff", 4, &pages), want_staff);
  EXPECT_EQ(pages, 3);  // 4 + 4 + 1
  auto all = c.Get(A() + "/staff", token).Json();  // default limit 100: one page
  EXPECT_EQ(all["staff"].size(), 9u);
  EXPECT_TRUE(all["next_cursor"].is_null());
  auto exact = c.Get(A() + "/staff?limit=9", token).Json();  // a full last page ends the list
  EXPECT_EQ(exact["staff"].size(), 9u);
  EXPECT_TRUE(exact["next_cursor"].is_null());

  const std::string tokens_url = A() + "/staff/" + staff_[Role::kSystem].ToString() + "/tokens";
  std::vector<int64_t> token_ids = walk(tokens_url, "tokens", 2, &pages);
  EXPECT_EQ(token_ids.size(), 3u);
  EXPECT_EQ(pages, 2);
  EXPECT_TRUE(std::is_sorted(token_ids.begin(), token_ids.end()));
  EXPECT_EQ(std::set<int64_t>(token_ids.begin(), token_ids.end()).size(), 3u);

  std::vector<int64_t> carriers = walk("/v1/carriers", "carriers", 2, &pages);
  EXPECT_EQ(carriers,
            (std::vector<int64_t>{carrier_a_.value(), carrier_b_.value(), c3->id.value()}));
  EXPECT_EQ(pages, 2);

  // Bad limits and cursors are 400 problems naming the field.
  for (const std::string& url : {A() + "/staff", tokens_url, std::string("/v1/carriers")}) {
    for (const char* q : {"?limit=0", "?limit=1001", "?limit=ten", "?limit=1&limit=2"}) {
      auto res = c.Get(url + q, token);
      EXPECT_EQ(res.status, 400) << url << q;
      EXPECT_EQ(res.Header("content-type"), "application/problem+json");
      EXPECT_EQ(res.Json()["field"], "limit") << url << q;
    }
    for (const char* q : {"?cursor=abc", "?cursor=-1", "?cursor=99999999999999999999"}) {
      auto res = c.Get(url + q, token);
      EXPECT_EQ(res.status, 400) << url << q;
      EXPECT_EQ(res.Json()["field"], "cursor") << url << q;
    }
  }
  // A cursor past the end is an empty last page.
  auto past = c.Get(A() + "/staff?cursor=" + std::to_string(want_staff.back()), token).Json();
  EXPECT_TRUE(past["staff"].empty());
  EXPECT_TRUE(past["next_cursor"].is_null());
  // The pages are documented.
  json doc = c.Get("/v1/openapi.json").Json();
  for (const std::string& path :
       {std::string("/v1/carriers"), std::string("/v1/carriers/{carrier}/staff"),
        std::string("/v1/carriers/{carrier}/staff/{staff}/tokens")}) {
    const json& op = doc["paths"][path]["get"];
    std::set<std::string> names;
    for (const json& p : op["parameters"]) names.insert(p["name"].get<std::string>());
    EXPECT_TRUE(names.count("limit") && names.count("cursor")) << path;
    EXPECT_TRUE(op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
                    .contains("next_cursor"))
        << path;
  }
}

// ---- Idempotency-Key: a durable claim before the handler runs ----

TEST_F(HttpApiTest, IdempotencyClaimIsDurableAndCompletedWithTheAnswer) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  const store::AccountId csr = AccountOf(staff_[Role::kCsr]);
  Headers key = {{"Idempotency-Key", "durable-1"}};
  auto first = c.PostJson(A() + "/customers", CustomerBody("D-1"), token, key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto rec = FindKey(carrier_a_, csr, "durable-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status, 201);
  EXPECT_EQ(rec->body, first.body);
  EXPECT_EQ(rec->content_type, "application/json");
  EXPECT_NE(rec->headers.find("\"Location\""), std::string::npos) << rec->headers;
  EXPECT_EQ(rec->claimed_by, h_.api().instance_id());
  // The answer survives the process: a new server on the same database replays it.
  h_.Stop();
  h_.Start(dir_);
  EXPECT_NE(h_.api().instance_id(), rec->claimed_by);
  HttpClient again(h_.port());
  auto replay = again.PostJson(A() + "/customers", CustomerBody("D-1"), token, key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.Header("idempotent-replayed"), "true");
  EXPECT_EQ(replay.Header("location"), first.Header("location"));
  EXPECT_FALSE(replay.Header("location").empty());
  auto other = again.PostJson(A() + "/customers", CustomerBody("D-2"), token, key);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.Json()["type"], "https://proprio.dev/problems/idempotency-key-reused");
  EXPECT_EQ(other.Json()["field"], "Idempotency-Key");
  int created = 0;
  for (const auto& e : Entries(carrier_a_, "customer.created")) {
    created += e.subject == "customer:" + std::to_string(first.Json()["id"].get<int64_t>());
  }
  EXPECT_EQ(created, 1);
}

TEST_F(HttpApiTest, PendingClaimsAnswer409InUseOrOutcomeUnknown) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  const store::AccountId csr = AccountOf(staff_[Role::kCsr]);
  const std::string target = A() + "/customers";
  // A claim as the server writes it, for this request's hash.
  auto plant = [&](const std::string& key, const json& body, const std::string& by, Instant at) {
    store::IdempotencyRecord r;
    r.carrier = carrier_a_;
    r.account = csr;
    r.key = key;
    r.request_hash = std::string(ledger::HashBytes(ledger::Sha256Of(
        "POST\n" + target + "\napplication/json\n" + body.dump())));
    r.status = store::IdempotencyRecord::kPending;
    r.created_at = at;
    r.claimed_by = by;
    Status st = h_.store().Transact([&](store::Tx& tx) { return tx.InsertIdempotency(r); });
    ASSERT_TRUE(st.ok()) << st.ToString();
  };
  const size_t created_before = Entries(carrier_a_, "customer.created").size();
  const Instant now = Instant::Now();

  // Left by a process that is gone (another instance, long ago): the outcome is unknown.
  plant("stale-1", CustomerBody("P-1"), "a-process-that-crashed", now + (-3600 * kMicrosPerSecond));
  auto stale = c.PostJson(target, CustomerBody("P-1"), token, {{"Idempotency-Key", "stale-1"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.Header("content-type"), "application/problem+json");
  EXPECT_EQ(stale.Json()["type"], "https://proprio.dev/problems/idempotency-outcome-unknown");
  EXPECT_EQ(stale.Json()["field"], "Idempotency-Key");
  EXPECT_NE(stale.Json()["detail"].get<std::string>().find("new Idempotency-Key"),
            std::string::npos);
  // Asked again, the same answer: the claim is kept, the request never runs.
  EXPECT_EQ(c.PostJson(target, CustomerBody("P-1"), token, {{"Idempotency-Key", "stale-1"}})
                .Json()["type"],
            "https://proprio.dev/problems/idempotency-outcome-unknown");
  auto kept = FindKey(carrier_a_, csr, "stale-1");
  ASSERT_TRUE(kept.has_value());
  EXPECT_TRUE(kept->pending());
  // The same key with another body is still a misuse of the key.
  auto misuse = c.PostJson(target, CustomerBody("P-9"), token, {{"Idempotency-Key", "stale-1"}});
  EXPECT_EQ(misuse.status, 422);

  // A fresh claim of another process (it may still be running there): in use.
  plant("fresh-1", CustomerBody("P-2"), "another-live-server", now);
  auto busy = c.PostJson(target, CustomerBody("P-2"), token, {{"Idempotency-Key", "fresh-1"}});
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(busy.Json()["type"], "https://proprio.dev/problems/idempotency-key-in-use");

  // A claim of this very process that it no longer runs (its answer was not
  // kept): unknown as well.
  plant("mine-1", CustomerBody("P-3"), h_.api().instance_id(), now);
  auto mine = c.PostJson(target, CustomerBody("P-3"), token, {{"Idempotency-Key", "mine-1"}});
  EXPECT_EQ(mine.status, 409);
  EXPECT_EQ(mine.Json()["type"], "https://proprio.dev/problems/idempotency-outcome-unknown");

  // None of them ran; a new key does.
  EXPECT_EQ(Entries(carrier_a_, "customer.created").size(), created_before);
  auto fresh = c.PostJson(target, CustomerBody("P-1"), token, {{"Idempotency-Key", "stale-2"}});
  EXPECT_EQ(fresh.status, 201) << fresh.body;
  EXPECT_EQ(Entries(carrier_a_, "customer.created").size(), created_before + 1);
  // Both problem types are documented.
  const std::string doc = c.Get("/v1/openapi.json").body;
  EXPECT_NE(doc.find("problems/idempotency-outcome-unknown"), std::string::npos);
  EXPECT_NE(doc.find("problems/idempotency-key-in-use"), std::string::npos);
}

TEST_F(HttpApiTest, ConcurrentSameKeyRequestsRunOnce) {
  ExpectSameKeyRunsOnce({h_.port()}, "race-1", "Concurrent Clerk");
}

TEST_F(HttpApiTest, TwoServersOnOneDatabaseRunASameKeyRequestOnce) {
  Harness second;
  second.Start(dir_);
  ExpectSameKeyRunsOnce({h_.port(), second.port()}, "race-2", "Shared Clerk");
  second.Stop();
}

TEST_F(HttpApiTest, AServerErrorReleasesTheKey) {
  // A trigger naming a missing table makes every customer insert fail inside
  // the store: 500 for the API.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/proprio.db").c_str(), &db), SQLITE_OK);
  auto exec = [&](const char* sql) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
  };
  exec("CREATE TRIGGER break_customers BEFORE INSERT ON customers "
       "BEGIN INSERT INTO no_such_table VALUES (1); END");
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  const store::AccountId csr = AccountOf(staff_[Role::kCsr]);
  Headers key = {{"Idempotency-Key", "after-5xx"}};
  auto failed = c.PostJson(A() + "/customers", CustomerBody("R-1"), token, key);
  EXPECT_EQ(failed.status, 500) << failed.body;
  EXPECT_FALSE(FindKey(carrier_a_, csr, "after-5xx").has_value());  // released
  // Retried, it runs again (not a replay of the 500).
  auto again = c.PostJson(A() + "/customers", CustomerBody("R-1"), token, key);
  EXPECT_EQ(again.status, 500);
  EXPECT_TRUE(again.Header("idempotent-replayed").empty());
  exec("DROP TRIGGER break_customers");
  sqlite3_close(db);
  auto ok = c.PostJson(A() + "/customers", CustomerBody("R-1"), token, key);
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_TRUE(ok.Header("idempotent-replayed").empty());
  auto rec = FindKey(carrier_a_, csr, "after-5xx");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status, 201);
  auto replay = c.PostJson(A() + "/customers", CustomerBody("R-1"), token, key);
  EXPECT_EQ(replay.Header("idempotent-replayed"), "true");
  EXPECT_EQ(replay.body, ok.body);
}

// ---- HEAD on every GET route ----

TEST_F(HttpApiTest, HeadAnswersLikeGetWithoutABody) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  auto head_of = [&](const std::string& target, const std::string& tok) {
    Headers h;
    if (!tok.empty()) h = Auth(tok);
    return c.Send("HEAD", target, "", h);
  };
  struct Case {
    std::string target, token;
  };
  const std::string record = A() + "/customers/" + customers_a_[0].ToString();
  for (const Case& k : std::vector<Case>{{"/healthz", ""},
                                         {"/v1/openapi.json", ""},
                                         {A() + "/customers?limit=2", token},
                                         {A() + "/staff", tokens_[Role::kAuditor]},
                                         {A() + "/customers/999999", token},
                                         {A() + "/customers", ""},
                                         {A() + "/customers?limit=0", token}}) {
    auto get = c.Get(k.target, k.token);
    auto head = head_of(k.target, k.token);
    ASSERT_NE(head.status, 0) << head.error;
    EXPECT_EQ(head.status, get.status) << k.target;
    EXPECT_FALSE(get.body.empty()) << k.target;
    EXPECT_TRUE(head.body.empty()) << k.target;
    EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size())) << k.target;
    EXPECT_EQ(head.Header("content-type"), get.Header("content-type")) << k.target;
  }
  // The connection is still framed right after the HEADs.
  EXPECT_EQ(c.Get("/healthz").status, 200);

  // HEAD of a customer record is an access attempt: recorded like a GET,
  // with the method in the actor; same ETag and length, no body.
  const size_t reads_before = Entries(carrier_a_, "cpni.accessed").size();
  auto get = c.Get(record, token);
  ASSERT_EQ(get.status, 200);
  auto head = head_of(record, token);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("etag"), get.Header("etag"));
  EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
  auto reads = Entries(carrier_a_, "cpni.accessed");
  ASSERT_EQ(reads.size(), reads_before + 2);
  EXPECT_NE(
      reads[reads.size() - 2].actor.find(" via GET /v1/carriers/{carrier}/customers/{customer}"),
      std::string::npos)
      << reads[reads.size() - 2].actor;
  EXPECT_NE(reads.back().actor.find(" via HEAD /v1/carriers/{carrier}/customers/{customer}"),
            std::string::npos)
      << reads.back().actor;
  // Another carrier's record: 404 and recorded, as for GET.
  const size_t refused_before = Entries(carrier_b_, "access.refused").size();
  EXPECT_EQ(head_of(B() + "/customers/" + customer_b_.ToString(), token).status, 404);
  EXPECT_EQ(Entries(carrier_b_, "access.refused").size(), refused_before + 1);
  // A role that may not GET may not HEAD.
  EXPECT_EQ(head_of(record, tokens_[Role::kMarketing]).status, 403);

  // On the wire: the header block and nothing after it.
  RawConnection raw(h_.port());
  ASSERT_TRUE(raw.Send("HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  bool closed = false;
  const std::string bytes = raw.ReadUntilClosed(2000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(bytes.rfind("HTTP/1.1 200", 0), 0u) << bytes;
  const size_t end = bytes.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(end + 4, bytes.size()) << bytes;
  EXPECT_NE(bytes.find("Content-Length: " + std::to_string(c.Get("/healthz").body.size())),
            std::string::npos)
      << bytes;

  // HEAD is allowed wherever GET is, and only there; the OpenAPI says so.
  auto wrong = c.Send("DELETE", "/healthz");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("allow"), "GET, HEAD");
  auto no_head = c.Send("HEAD", "/v1/sessions");
  EXPECT_EQ(no_head.status, 405);
  EXPECT_EQ(no_head.Header("allow"), "POST");
  json doc = c.Get("/v1/openapi.json").Json();
  int gets = 0;
  for (const api::RouteSpec& r : h_.api().routes()) {
    if (r.method != "GET") continue;
    ++gets;
    EXPECT_TRUE(doc["paths"][r.pattern].contains("head")) << r.pattern;
  }
  EXPECT_GT(gets, 20);
  // Metrics tell HEAD from GET.
  EXPECT_NE(c.Get("/metrics").body.find("HEAD /v1/carriers/{carrier}/customers/{customer}"),
            std::string::npos);
}

// The same core flows on PostgreSQL.
class HttpApiPostgresTest : public HttpApiTest {
 protected:
  void SetUp() override {
    if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
    ASSERT_TRUE(db_.Create().ok());
    char tmpl[] = "/tmp/proprio-http-XXXXXX";
    dir_ = mkdtemp(tmpl);
    h_.Start(dir_, db_.url());
    Seed();
  }
  void TearDown() override {
    h_.Stop();
    db_.Drop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  PgTestDb db_;
};

TEST_F(HttpApiPostgresTest, CustomersReadsUpdatesAndIdempotencyOnPostgres) {
  HttpClient c(h_.port());
  const std::string token = tokens_[Role::kCsr];
  Headers key = {{"Idempotency-Key", "pg-1"}};
  auto created = c.PostJson(A() + "/customers", CustomerBody("PG-1"), token, key);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(c.PostJson(A() + "/customers", CustomerBody("PG-1"), token, key).body, created.body);
  const std::string url = A() + "/customers/" + std::to_string(created.Json()["id"].get<int64_t>());
  auto read = c.Get(url, token);
  ASSERT_EQ(read.status, 200);
  Headers h = Auth(token);
  h.push_back({"If-Match", read.Header("etag")});
  EXPECT_EQ(c.Send("PATCH", url, R"({"name":"Renamed"})", h).status, 200);
  EXPECT_EQ(c.Get(B() + "/customers/" + customer_b_.ToString(), token).status, 404);
  EXPECT_EQ(Entries(carrier_a_, "cpni.accessed").size(), 1u);
  EXPECT_EQ(Entries(carrier_b_, "access.refused").size(), 1u);
  EXPECT_TRUE(c.Get(A() + "/ledger/verification", tokens_[Role::kAuditor]).Json()["valid"]);
  EXPECT_EQ(c.Get("/readyz").Json()["backend"], "postgres");
}

TEST_F(HttpApiPostgresTest, TwoServersOnPostgresRunASameKeyRequestOnce) {
  Harness second;
  second.Start(dir_, db_.url());
  ExpectSameKeyRunsOnce({h_.port(), second.port()}, "pg-race", "Postgres Clerk");
  // Pages and HEAD on PostgreSQL.
  HttpClient c(h_.port());
  auto created = c.PostJson(A() + "/staff", {{"name", "Once"}, {"roles", {"csr"}}},
                            tokens_[Role::kAdmin], {{"Idempotency-Key", "pg-once"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto head = c.Send("HEAD", A() + "/staff?limit=1", "", Auth(tokens_[Role::kAdmin]));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  auto page = c.Get(A() + "/staff?limit=1", tokens_[Role::kAdmin]);
  EXPECT_EQ(head.Header("content-length"), std::to_string(page.body.size()));
  EXPECT_EQ(page.Json()["staff"].size(), 1u);
  EXPECT_TRUE(page.Json()["next_cursor"].is_string());
  second.Stop();
}

// The planted-value scan (issue 15) can fail: a planted value in a server's
// log or in a file beside its database fails the test that left it there.
ServerTraces g_leaky_log{"{\"msg\":\"request\",\"detail\":\"Planted-Secret-7731\"}\n", "", {}};
ServerTraces g_leaky_file{"", "", {{"/tmp/proprio-x/notes.txt", "x Planted-Secret-7731 y"}}};
ServerTraces g_leaky_metrics{"", "proprio_x{v=\"Planted-Secret-7731\"} 1\n", {}};

TEST(PlantedValueScan, AValueLeakedToALogMetricsOrAFileFailsTheTest) {
  PlantValue("Planted-Secret-7731");
  EXPECT_NONFATAL_FAILURE(ScanTracesForPlantedValues(g_leaky_log), "planted value in the log");
  EXPECT_NONFATAL_FAILURE(ScanTracesForPlantedValues(g_leaky_file),
                          "planted value in /tmp/proprio-x/notes.txt");
  EXPECT_NONFATAL_FAILURE(ScanTracesForPlantedValues(g_leaky_metrics),
                          "planted value in /metrics");
}

}  // namespace
}  // namespace proprio::testing
