// The web console's server side (issue 13), end to end over real HTTP on
// loopback: the embedded files at / and /assets/ with their caching and
// Content-Security-Policy; the browser session (HttpOnly SameSite=Strict
// cookie) and its CSRF token on every state-changing request.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "api/browser_session.h"
#include "api/console_assets.h"
#include "api/server.h"
#include "http_client.h"
#include "planted_values.h"
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

// ---- the browser session: cookie and CSRF (api/browser_session.h) ----

// Signs in as the CSR with "cookie": true; returns the Cookie header to send
// back and the CSRF token.
struct BrowserSession {
  std::string cookie;
  std::string csrf;
  std::string set_cookie;
};

class HttpConsoleSessionTest : public HttpConsoleTest {
 protected:
  BrowserSession SignInBrowser(HttpClient& c) {
    HttpResponse r = c.PostJson("/v1/sessions",
                                {{"login", "csr.alpha"}, {"password", kPassword}, {"cookie", true}});
    EXPECT_EQ(r.status, 201) << r.body;
    BrowserSession s;
    s.set_cookie = r.Header("set-cookie");
    s.cookie = s.set_cookie.substr(0, s.set_cookie.find(';'));
    const json body = r.Json();
    if (body.contains("csrf_token")) s.csrf = body["csrf_token"].get<std::string>();
    EXPECT_FALSE(body.contains("token")) << "the session token must not reach script";
    return s;
  }
  std::string A() const { return "/v1/carriers/" + carrier_a_.ToString(); }
  json OpenCall() const { return {{"customer", customer_a_.value()}, {"channel", "phone"}}; }
};

TEST_F(HttpConsoleSessionTest, CookieSignInSetsAnHttpOnlyStrictCookieAndACsrfToken) {
  HttpClient c(port());
  BrowserSession s = SignInBrowser(c);
  EXPECT_TRUE(s.set_cookie.starts_with("proprio_session=")) << s.set_cookie;
  EXPECT_NE(s.set_cookie.find("; HttpOnly"), std::string::npos) << s.set_cookie;
  EXPECT_NE(s.set_cookie.find("; SameSite=Strict"), std::string::npos) << s.set_cookie;
  EXPECT_NE(s.set_cookie.find("; Path=/;"), std::string::npos) << s.set_cookie;
  EXPECT_NE(s.set_cookie.find("; Max-Age="), std::string::npos) << s.set_cookie;
  // Plain HTTP on loopback: not Secure; under TLS it is (below).
  EXPECT_EQ(s.set_cookie.find("Secure"), std::string::npos) << s.set_cookie;
  EXPECT_EQ(s.csrf.size(), 64u);
  HttpResponse me = c.Send("GET", "/v1/me", "", {{"Cookie", s.cookie}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["name"], "Casey Alpha");
  // A bearer sign-in is unchanged: the token in the body, no cookie.
  HttpResponse bearer =
      c.PostJson("/v1/sessions", {{"login", "csr.alpha"}, {"password", kPassword}});
  ASSERT_EQ(bearer.status, 201);
  EXPECT_TRUE(bearer.Json().contains("token"));
  EXPECT_TRUE(bearer.Header("set-cookie").empty());
  // The flags under TLS.
  const std::string secure = api::SessionCookie("t", 60, true);
  EXPECT_NE(secure.find("; Secure"), std::string::npos) << secure;
  EXPECT_NE(secure.find("; HttpOnly"), std::string::npos) << secure;
  EXPECT_NE(api::ClearedSessionCookie(true).find("Max-Age=0"), std::string::npos);
}

TEST_F(HttpConsoleSessionTest, CookiePostWithoutOrWithAWrongCsrfTokenIs403) {
  HttpClient c(port());
  BrowserSession s = SignInBrowser(c);
  const std::string target = A() + "/verifications";
  HttpResponse missing = c.Send("POST", target, OpenCall().dump(), {{"Cookie", s.cookie}});
  EXPECT_EQ(missing.status, 403) << missing.body;
  EXPECT_EQ(missing.Header("content-type"), "application/problem+json");
  EXPECT_EQ(missing.Json()["type"], "https://proprio.dev/problems/csrf-token-invalid");
  EXPECT_EQ(missing.Json()["field"], "X-CSRF-Token");
  std::string wrong_token = s.csrf;
  wrong_token[0] = wrong_token[0] == 'a' ? 'b' : 'a';
  HttpResponse wrong = c.Send("POST", target, OpenCall().dump(),
                              {{"Cookie", s.cookie}, {"X-CSRF-Token", wrong_token}});
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  // Another session's CSRF token does not fit this one.
  BrowserSession other = SignInBrowser(c);
  HttpResponse crossed = c.Send("POST", target, OpenCall().dump(),
                                {{"Cookie", s.cookie}, {"X-CSRF-Token", other.csrf}});
  EXPECT_EQ(crossed.status, 403) << crossed.body;
  HttpResponse right = c.Send("POST", target, OpenCall().dump(),
                              {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
  EXPECT_EQ(right.status, 201) << right.body;
  // Reads need no CSRF token.
  EXPECT_EQ(c.Send("GET", A() + "/customers/" + customer_a_.ToString(), "",
                   {{"Cookie", s.cookie}}).status, 200);
}

TEST_F(HttpConsoleSessionTest, BearerClientsNeedNoCsrfTokenAndTheHeaderWinsOverACookie) {
  HttpClient c(port());
  HttpResponse r = c.PostJson(A() + "/verifications", OpenCall(), csr_token_);
  EXPECT_EQ(r.status, 201) << r.body;
  // With both, the Authorization header authenticates: no CSRF check.
  BrowserSession s = SignInBrowser(c);
  HttpResponse both = c.Send("POST", A() + "/verifications", OpenCall().dump(),
                             {{"Cookie", s.cookie}, {"Authorization", "Bearer " + csr_token_}});
  EXPECT_EQ(both.status, 201) << both.body;
}

TEST_F(HttpConsoleSessionTest, SignOutRevokesTheSessionAndClearsTheCookie) {
  HttpClient c(port());
  BrowserSession s = SignInBrowser(c);
  HttpResponse no_csrf = c.Send("DELETE", "/v1/sessions/current", "", {{"Cookie", s.cookie}});
  EXPECT_EQ(no_csrf.status, 403);
  HttpResponse out = c.Send("DELETE", "/v1/sessions/current", "",
                            {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
  ASSERT_EQ(out.status, 204) << out.body;
  const std::string cleared = out.Header("set-cookie");
  EXPECT_TRUE(cleared.starts_with("proprio_session=;")) << cleared;
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
  EXPECT_EQ(c.Send("GET", "/v1/me", "", {{"Cookie", s.cookie}}).status, 401);
}

TEST(BrowserSessionTest, CookieValueFindsTheNamedCookieOnly) {
  EXPECT_EQ(api::CookieValue("a=1; proprio_session=tok; b=2", "proprio_session"), "tok");
  EXPECT_EQ(api::CookieValue("xproprio_session=tok", "proprio_session"), "");
  EXPECT_EQ(api::CookieValue("proprio_session=\"q\"", "proprio_session"), "q");
  EXPECT_EQ(api::CookieValue("", "proprio_session"), "");
  EXPECT_TRUE(api::CsrfTokenMatches("tok", api::CsrfTokenFor("tok")));
  EXPECT_FALSE(api::CsrfTokenMatches("tok", api::CsrfTokenFor("tok2")));
  EXPECT_FALSE(api::CsrfTokenMatches("tok", ""));
}

// ---- the search by number: in the body, never in the URL ----

TEST_F(HttpConsoleSessionTest, SearchFindsTheCarriersCustomerByNumberOrAccount) {
  HttpClient c(port());
  const std::string target = A() + "/customers/search";
  PlantValue("4075550201");
  PlantValue("A-1001");
  HttpResponse by_phone = c.PostJson(target, {{"telephone_number", "(407) 555-0201"}}, csr_token_);
  ASSERT_EQ(by_phone.status, 200) << by_phone.body;
  ASSERT_EQ(by_phone.Json()["customers"].size(), 1u);
  EXPECT_EQ(by_phone.Json()["customers"][0]["id"], customer_a_.value());
  EXPECT_FALSE(by_phone.Json()["customers"][0].contains("telephone_numbers"));
  HttpResponse by_account = c.PostJson(target, {{"account_number", "A-1001"}}, csr_token_);
  ASSERT_EQ(by_account.status, 200) << by_account.body;
  EXPECT_EQ(by_account.Json()["customers"][0]["account_number"], "A-1001");
  // The browser session: POST, so its CSRF token is needed.
  BrowserSession s = SignInBrowser(c);
  const std::string body = json{{"account_number", "A-1001"}}.dump();
  EXPECT_EQ(c.Send("POST", target, body, {{"Cookie", s.cookie}}).status, 403);
  EXPECT_EQ(c.Send("POST", target, body, {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}}).status,
            200);
  // No number in the server's log (the scan at TearDown checks it again).
  const std::string log = Log();
  EXPECT_EQ(log.find("4075550201"), std::string::npos);
  EXPECT_EQ(log.find("555-0201"), std::string::npos);
  EXPECT_EQ(log.find("A-1001"), std::string::npos);
}

TEST_F(HttpConsoleSessionTest, SearchNeverReachesAnotherCarriersCustomer) {
  HttpClient c(port());
  const std::string target = A() + "/customers/search";
  // Carrier B's customer, asked in carrier A: 404, as if it did not exist.
  HttpResponse phone = c.PostJson(target, {{"telephone_number", "+14075550302"}}, csr_token_);
  EXPECT_EQ(phone.status, 404) << phone.body;
  HttpResponse account = c.PostJson(target, {{"account_number", "B-2002"}}, csr_token_);
  EXPECT_EQ(account.status, 404) << account.body;
  // Carrier B's route itself: the CSR does not act for B.
  HttpResponse other = c.PostJson("/v1/carriers/" + carrier_b_.ToString() + "/customers/search",
                                  {{"account_number", "B-2002"}}, csr_token_);
  EXPECT_EQ(other.status, 404) << other.body;
}

TEST_F(HttpConsoleSessionTest, SearchInputIsCheckedAndNamesTheField) {
  HttpClient c(port());
  const std::string target = A() + "/customers/search";
  HttpResponse none = c.PostJson(target, json::object(), csr_token_);
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.Json()["field"], "telephone_number");
  HttpResponse both = c.PostJson(
      target, {{"telephone_number", "+14075550201"}, {"account_number", "A-1001"}}, csr_token_);
  EXPECT_EQ(both.status, 400);
  HttpResponse bad = c.PostJson(target, {{"telephone_number", "12"}}, csr_token_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["field"], "telephone_number");
  HttpResponse unknown = c.PostJson(target, {{"ssn", "1"}}, csr_token_);
  EXPECT_EQ(unknown.status, 400);
}

}  // namespace
}  // namespace proprio::testing
