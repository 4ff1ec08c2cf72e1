// The web console's server side (issue 13), end to end over real HTTP on
// loopback: the embedded files at / and /assets/ with their caching and
// Content-Security-Policy.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "api/console_assets.h"
#include "api/server.h"
#include "http_client.h"
#include "server_traces.h"
#include "services/registry.h"
#include "services/staff_auth.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "correct horse battery";

services::Actor TestActor() { return {"test", Instant::Now()}; }

// An in-process server on a fresh SQLite database: carriers A and B, each with
// a customer; a CSR of A who signs in as "csr.alpha" (and has an API token).
class HttpConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-console-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store::StoreOptions so = store::StoreOptions::Sqlite(dir_ + "/proprio.db");
    auto st = store::Store::Open(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    api::ApiOptions ao;
    ao.auth.cost = {1, 64, 1};
    ao.workers = 4;
    ao.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += line + "\n";
    };
    api_ = std::make_unique<api::Api>(*store_, ao);
    api::ServerOptions sv;
    sv.listen = "127.0.0.1:0";
    sv.io_threads = 2;
    server_ = std::make_unique<api::Server>(*api_, sv);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    thread_ = std::thread([this] { server_->Run(); });
    carrier_a_ = AddCarrier("Alpha Tel", "800001");
    carrier_b_ = AddCarrier("Beta Tel", "800002");
    Staff s;
    s.carrier = carrier_a_;
    s.name = "Casey Alpha";
    s.roles = {Role::kCsr};
    auto added = services::AddStaff(*store_, s, TestActor());
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    auto token = services::IssueApiToken(*store_, added->id, "test", TestActor());
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    csr_token_ = token->token;
    auto account = services::SetStaffCredentials(*store_, added->id, "csr.alpha", kPassword,
                                                 {1, 64, 1}, TestActor());
    ASSERT_TRUE(account.ok()) << account.status().ToString();
    customer_a_ = AddCustomer(carrier_a_, "A-1001", "+14075550201");
    customer_b_ = AddCustomer(carrier_b_, "B-2002", "+14075550302");
  }
  void TearDown() override {
    if (server_) {
      std::string log;
      {
        std::lock_guard<std::mutex> lock(log_mu_);
        log = log_;
      }
      ScanServerTraces(server_->port(), log, dir_, "proprio.db");
      server_->Shutdown();
      thread_.join();
    }
    server_.reset();
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  CarrierId AddCarrier(const std::string& name, const std::string& filer) {
    Carrier c;
    c.legal_name = name;
    c.filer_id_499 = filer;
    c.address = {"1 Main St", "Longwood", "FL", "32750", "US"};
    c.time_zone = "America/New_York";
    auto a = services::AddCarrier(*store_, c, TestActor());
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a->id : CarrierId();
  }
  CustomerId AddCustomer(CarrierId carrier, const std::string& account, const std::string& phone) {
    Customer cu;
    cu.carrier = carrier;
    cu.account_number = account;
    cu.name = "Customer " + account;
    cu.phones_of_record = {phone};
    cu.address_of_record = {"1 Elm St", "Sanford", "FL", "32771", "US"};
    cu.services.Add(ServiceCategory::kLocal);
    auto added = services::AddCustomer(*store_, cu, TestActor());
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : CustomerId();
  }
  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }
  uint16_t port() const { return server_->port(); }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  std::mutex log_mu_;
  std::string log_;
  CarrierId carrier_a_, carrier_b_;
  CustomerId customer_a_, customer_b_;
  std::string csr_token_;
};

// ---- the embedded console ----

TEST_F(HttpConsoleTest, IndexIsServedWithStrictCspAndRevalidated) {
  HttpClient c(port());
  HttpResponse r = c.Get("/");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<div id=\"app\">"), std::string::npos);
  // No inline script: every <script> names a src on this origin.
  EXPECT_NE(r.body.find("<script type=\"module\" src=\"/assets/"), std::string::npos);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  const std::string csp = r.Header("content-security-policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(r.Header("cache-control"), "no-cache");
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  const std::string etag = r.Header("etag");
  ASSERT_FALSE(etag.empty());
  HttpResponse again = c.Send("GET", "/", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(c.Get("/index.html").body, r.body);
}

TEST_F(HttpConsoleTest, HashedAssetsAreImmutableForAYearWithETags) {
  HttpClient c(port());
  int scripts = 0, styles = 0;
  for (const api::ConsoleAsset& a : api::ConsoleAssets()) {
    if (!a.hashed) continue;
    HttpResponse r = c.Get(std::string(a.path));
    ASSERT_EQ(r.status, 200) << a.path;
    EXPECT_EQ(r.body.size(), a.body.size());
    EXPECT_EQ(r.Header("cache-control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(r.Header("etag"), std::string(a.etag));
    EXPECT_FALSE(r.Header("content-security-policy").empty());
    if (a.path.ends_with(".js")) {
      ++scripts;
      EXPECT_EQ(r.Header("content-type"), "text/javascript; charset=utf-8");
    }
    if (a.path.ends_with(".css")) ++styles;
    HttpResponse cached = c.Send("GET", std::string(a.path), "", {{"If-None-Match", r.Header("etag")}});
    EXPECT_EQ(cached.status, 304);
  }
  EXPECT_EQ(scripts, 1);
  EXPECT_EQ(styles, 1);
  EXPECT_EQ(c.Get("/assets/main-NOSUCHHASH.js").status, 404);
  EXPECT_EQ(c.Get("/assets/../v1/me").status, 404);  // no path walking
  EXPECT_EQ(c.Send("POST", "/", "{}").status, 404);
  // The API's own answers stay no-store.
  EXPECT_EQ(c.Get("/v1/me").Header("cache-control"), "no-store");
}

}  // namespace
}  // namespace proprio::testing
