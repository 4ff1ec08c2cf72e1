// End-to-end tests over real HTTP on loopback of what an attacker probed
// (issue 22): JSON numbers beyond a double, the last-resort guard, the
// sign-in flood (own pool, shedding, failure limits), the Authorization
// scheme's case, text that is not UTF-8 in the query, and Idempotency-Key
// claims left by a process that is gone.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "api/problem.h"
#include "api/server.h"
#include "api/sign_in_guard.h"
#include "http_client.h"
#include "server_traces.h"
#include "ledger/sha256.h"
#include "services/registry.h"
#include "services/staff_auth.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "correct horse battery";
constexpr char kProblems[] = "https://proprio.dev/problems/";

services::Actor TestActor() { return {"test", Instant::Now()}; }

// An in-process server on a fresh SQLite database: carrier A, an admin with
// an API token and a CSR who signs in as "csr.alpha".
class HttpHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-hardening-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    Stop();
    std::filesystem::remove_all(dir_);
  }

  void Start(std::function<void(api::ApiOptions&)> tweak = nullptr) {
    store::StoreOptions so = store::StoreOptions::Sqlite(dir_ + "/proprio.db");
    so.max_readers = 8;
    auto st = store::Store::Open(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    api::ApiOptions ao;
    ao.auth.cost = {1, 64, 1};
    ao.auth.lock_after = 1000;  // the account lockout is not what these tests look at
    ao.workers = 4;
    ao.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += line + "\n";
    };
    if (tweak) tweak(ao);
    api_ = std::make_unique<api::Api>(*store_, ao);
    api::ServerOptions sv;
    sv.listen = "127.0.0.1:0";
    sv.io_threads = 2;
    server_ = std::make_unique<api::Server>(*api_, sv);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    thread_ = std::thread([this] { server_->Run(); });
    Seed();
  }
  void Stop() {
    if (!server_) return;
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
    for (Role r : {Role::kAdmin, Role::kCsr}) {
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
    auto account = services::SetStaffCredentials(*store_, staff_[Role::kCsr], "csr.alpha",
                                                  kPassword, {1, 64, 1}, TestActor());
    ASSERT_TRUE(account.ok()) << account.status().ToString();
    csr_account_ = account->id;
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

  std::string A() const { return "/v1/carriers/" + carrier_.ToString(); }
  static std::string Type(const HttpResponse& r) {
    const json j = r.Json();
    return j.is_object() && j.contains("type") && j["type"].is_string()
               ? j["type"].get<std::string>().substr(sizeof kProblems - 1)
               : std::string();
  }
  static std::string Field(const HttpResponse& r) {
    const json j = r.Json();
    return j.is_object() && j.contains("field") ? j["field"].get<std::string>() : std::string();
  }
  HttpResponse SignIn(HttpClient& c, const std::string& login, const std::string& password) {
    return c.PostJson("/v1/sessions", {{"login", login}, {"password", password}});
  }
  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  std::mutex log_mu_;
  std::string log_;
  CarrierId carrier_;
  CustomerId customer_;
  std::map<Role, StaffId> staff_;
  std::map<Role, std::string> tokens_;
  store::AccountId csr_account_;
};

// ---- 1. JSON numbers beyond a double: 400 naming the field, never a crash ----

TEST_F(HttpHardeningTest, NumberBeyondADoubleAsTheWholeBodyIs400AndTheServerLives) {
  Start();
  HttpClient c(server_->port());
  for (const std::string body : {"1e400", "-1e999999", "1e999999"}) {
    auto r = c.Send("POST", "/v1/sessions", body);
    ASSERT_EQ(r.status, 400) << body << ": " << r.error << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json");
    EXPECT_EQ(Type(r), "invalid-argument") << r.body;
    EXPECT_EQ(Field(r), "body") << r.body;
    EXPECT_NE(r.Json()["detail"].get<std::string>().find("out of range"), std::string::npos)
        << r.body;
  }
  EXPECT_EQ(c.Get("/healthz").status, 200);
  HttpClient fresh(server_->port());
  EXPECT_EQ(fresh.Get("/healthz").status, 200);
}

TEST_F(HttpHardeningTest, NumberBeyondADoubleInAFieldNamesTheField) {
  Start();
  HttpClient c(server_->port());
  // Unauthenticated route: the body is read before any credential is checked.
  auto login = c.Send("POST", "/v1/sessions", R"({"login": 1e400, "password": "x"})");
  ASSERT_EQ(login.status, 400) << login.error << login.body;
  EXPECT_EQ(Field(login), "login") << login.body;
  auto negative = c.Send("POST", "/v1/sessions", R"({"login": "a", "password": -1e999999})");
  ASSERT_EQ(negative.status, 400) << negative.body;
  EXPECT_EQ(Field(negative), "password") << negative.body;
  // Nested objects and arrays are named by their path.
  const Headers auth = {{"Authorization", "Bearer " + tokens_[Role::kCsr]}};
  auto nested = c.Send("POST", A() + "/customers",
                       R"({"account_number": "N-1", "address": {"street": "1 Elm", "zip": 1e400}})",
                       auth);
  ASSERT_EQ(nested.status, 400) << nested.body;
  EXPECT_EQ(Field(nested), "address.zip") << nested.body;
  auto item = c.Send("POST", A() + "/customers",
                     R"({"telephone_numbers": ["+14075550111", {"a": [1, 2e500]}]})", auth);
  ASSERT_EQ(item.status, 400) << item.body;
  EXPECT_EQ(Field(item), "telephone_numbers[1].a[1]") << item.body;
  // The server is still there, for every kind of request.
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(c.Get("/readyz").status, 200);
  EXPECT_EQ(SignIn(c, "csr.alpha", kPassword).status, 201);
  // The log names the field, never the number (request data stays out of it).
  EXPECT_EQ(Log().find("1e400"), std::string::npos);
}

// ---- 1b. the last-resort guard ----

TEST_F(HttpHardeningTest, AnExceptionEscapingAHandlerIsA500ProblemNotAnExit) {
  Start();
  auto call = std::make_shared<api::Call>();
  call->req.method = "POST";
  call->req.request_id = "req-guard-1";
  api::Response answer;
  int answers = 0;
  call->reply_fn = [&](api::Response r) {
    answer = std::move(r);
    ++answers;
  };
  api_->Guarded(call, [] { throw std::runtime_error("number overflow parsing '1e400'"); });
  ASSERT_EQ(answers, 1);
  EXPECT_EQ(answer.status, 500);
  EXPECT_EQ(answer.content_type, "application/problem+json");
  const json body = json::parse(answer.body, nullptr, false);
  EXPECT_EQ(body["type"], std::string(kProblems) + "internal");
  EXPECT_EQ(answer.body.find("1e400"), std::string::npos) << answer.body;
  EXPECT_EQ(Log().find("1e400"), std::string::npos);  // what() may quote the request
  EXPECT_NE(Log().find("unexpected exception in a handler"), std::string::npos) << Log();
  // A handler that answered before throwing keeps its answer.
  auto answered = std::make_shared<api::Call>();
  answered->reply_fn = [&](api::Response r) {
    answer = std::move(r);
    ++answers;
  };
  api_->Guarded(answered, [&] {
    answered->Json(200, json::object());
    throw 7;
  });
  EXPECT_EQ(answers, 2);
  EXPECT_EQ(answer.status, 200);
  HttpClient c(server_->port());
  EXPECT_EQ(c.Get("/healthz").status, 200);
}

// ---- 2. the sign-in flood ----

TEST_F(HttpHardeningTest, FailedSignInsPerLoginAreLimitedWith429AndRetryAfter) {
  Start([](api::ApiOptions& o) {
    o.sign_in.failures_per_login = 3;
    o.sign_in.failures_per_address = 0;
  });
  HttpClient c(server_->port());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(SignIn(c, "csr.alpha", "wrong password " + std::to_string(i)).status, 401);
  }
  // Past the limit even the right password is refused, before any hashing.
  auto limited = SignIn(c, "csr.alpha", kPassword);
  ASSERT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(Type(limited), "resource-exhausted");
  const int retry = std::atoi(limited.Header("retry-after").c_str());
  EXPECT_GE(retry, 1) << limited.Header("retry-after");
  EXPECT_LE(retry, 60) << limited.Header("retry-after");
  // A login that does not exist is limited the same way (the account lockout
  // cannot see it).
  for (int i = 0; i < 3; ++i) EXPECT_EQ(SignIn(c, "nobody", "wrong password").status, 401);
  EXPECT_EQ(SignIn(c, "nobody", "wrong password").status, 429);
  // Other logins from the same address are not limited (no per-address limit here).
  EXPECT_EQ(SignIn(c, "someone.else", "wrong password").status, 401);
  auto metrics = c.Get("/metrics");
  EXPECT_NE(metrics.body.find("proprio_sign_in_limited_total 2"), std::string::npos)
      << metrics.body;
}

TEST_F(HttpHardeningTest, FailedSignInsPerAddressAreLimitedAndASuccessClearsOnlyItsLogin) {
  Start([](api::ApiOptions& o) {
    o.sign_in.failures_per_login = 2;
    o.sign_in.failures_per_address = 4;
  });
  HttpClient c(server_->port());
  EXPECT_EQ(SignIn(c, "csr.alpha", "wrong password").status, 401);
  EXPECT_EQ(SignIn(c, "csr.alpha", kPassword).status, 201);  // clears csr.alpha's count
  EXPECT_EQ(SignIn(c, "csr.alpha", "wrong password").status, 401);
  EXPECT_EQ(SignIn(c, "csr.alpha", kPassword).status, 201);
  // 2 failures from 127.0.0.1 so far; two more with other logins reach 4.
  EXPECT_EQ(SignIn(c, "a.one", "wrong password").status, 401);
  EXPECT_EQ(SignIn(c, "a.two", "wrong password").status, 401);
  auto limited = SignIn(c, "a.three", "wrong password");
  ASSERT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.Header("retry-after").empty());
  EXPECT_NE(limited.Json()["detail"].get<std::string>().find("address"), std::string::npos);
  // The address is limited for every login, the right password included.
  EXPECT_EQ(SignIn(c, "csr.alpha", kPassword).status, 429);
  // Everything else is served as usual.
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(c.Get("/v1/me", tokens_[Role::kCsr]).status, 200);
}

TEST_F(HttpHardeningTest, SignInsPastTheQueueAreShedWith503AndRetryAfter) {
  // One hashing thread, one sign-in at a time, and a costly hash: a burst
  // finds the queue full.
  Start([](api::ApiOptions& o) {
    o.sign_in.hash_threads = 1;
    o.sign_in.max_queued = 1;
    o.sign_in.failures_per_login = 0;
    o.sign_in.failures_per_address = 0;
    o.auth.cost = {3, 32 * 1024, 1};
  });
  constexpr int kClients = 12;
  std::vector<int> statuses(kClients);
  std::vector<std::string> retry(kClients);
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server_->port());
      c.Get("/healthz");  // connected
      ready.fetch_add(1);
      while (ready.load() < kClients) std::this_thread::yield();
      auto r = SignIn(c, "nobody." + std::to_string(i), "wrong password");
      statuses[i] = r.status;
      retry[i] = r.Header("retry-after");
    });
  }
  for (auto& t : threads) t.join();
  int shed = 0, checked = 0;
  for (int i = 0; i < kClients; ++i) {
    if (statuses[i] == 503) {
      ++shed;
      EXPECT_EQ(retry[i], "1");
    } else {
      EXPECT_EQ(statuses[i], 401) << i;
      ++checked;
    }
  }
  EXPECT_GE(shed, 1);
  EXPECT_GE(checked, 1);
  HttpClient c(server_->port());
  auto metrics = c.Get("/metrics");
  EXPECT_NE(metrics.body.find("proprio_sign_in_shed_total " + std::to_string(shed)),
            std::string::npos)
      << metrics.body;
}

TEST_F(HttpHardeningTest, HealthAndReadsAreAnsweredWhileTheSignInPoolIsSaturated) {
  Start([](api::ApiOptions& o) {
    o.sign_in.hash_threads = 1;
    o.sign_in.max_queued = 4;
    o.sign_in.failures_per_login = 0;
    o.sign_in.failures_per_address = 0;
    o.auth.cost = {3, 32 * 1024, 1};
    o.workers = 2;  // fewer workers than flooding clients
  });
  std::atomic<bool> stop{false};
  std::atomic<int> flood_answers{0};
  std::vector<std::thread> flood;
  for (int i = 0; i < 8; ++i) {
    flood.emplace_back([&, i] {
      HttpClient c(server_->port());
      while (!stop.load()) {
        const int s = SignIn(c, "flood." + std::to_string(i), "wrong password").status;
        if (s == 401 || s == 503) flood_answers.fetch_add(1);
      }
    });
  }
  while (flood_answers.load() < 8) std::this_thread::yield();
  // Under the flood every other request is still served (the workers only
  // hand sign-ins over): no timing asserted, only answers.
  HttpClient c(server_->port());
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(c.Get("/healthz").status, 200);
    ASSERT_EQ(c.Get("/readyz").status, 200);
    ASSERT_EQ(c.Get("/v1/me", tokens_[Role::kCsr]).status, 200);
  }
  stop = true;
  for (auto& t : flood) t.join();
}

TEST(SignInGuardTest, SubmitPastTheQueueIsRefusedAndCounted) {
  api::SignInLimits limits;
  limits.hash_threads = 1;
  limits.max_queued = 2;
  api::SignInGuard guard(limits);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  auto blocker = [&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  };
  EXPECT_TRUE(guard.Submit(blocker));
  EXPECT_TRUE(guard.Submit(blocker));
  EXPECT_FALSE(guard.Submit(blocker));
  EXPECT_EQ(guard.shed(), 1u);
  EXPECT_EQ(guard.queued(), 2);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  // An exception escaping the work never ends the process.
  while (guard.queued() > 0) std::this_thread::yield();
  EXPECT_TRUE(guard.Submit([] { throw std::runtime_error("boom"); }));
}

TEST(SignInGuardTest, FailureWindowsExpireAndAddressesAreKeyedPerSlash64) {
  api::FailureCounter counter(2, 10 * kMicrosPerSecond, 4);
  counter.Failed("k", 0);
  EXPECT_EQ(counter.RetryAfter("k", 1), 0);
  counter.Failed("k", 1);
  EXPECT_EQ(counter.RetryAfter("k", 2 * kMicrosPerSecond), 8);
  EXPECT_EQ(counter.RetryAfter("k", 10 * kMicrosPerSecond), 0);  // the window ended
  counter.Failed("k", 10 * kMicrosPerSecond);
  EXPECT_EQ(counter.RetryAfter("k", 10 * kMicrosPerSecond), 0);  // a new window, one failure
  // Bounded: more keys than max_keys forget rather than grow.
  for (int i = 0; i < 10; ++i) counter.Failed("key" + std::to_string(i), 11 * kMicrosPerSecond);
  EXPECT_EQ(api::AddressKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(api::AddressKey("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(api::AddressKey("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(api::AddressKey("10.1.2.3"), "10.1.2.3");
}

// ---- 4. the Authorization scheme is case-insensitive (RFC 9110 11.1) ----

TEST_F(HttpHardeningTest, AuthorizationSchemeIsCaseInsensitive) {
  Start();
  HttpClient c(server_->port());
  const std::string token = tokens_[Role::kCsr];
  for (const std::string scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    auto r = c.Send("GET", "/v1/me", "", {{"Authorization", scheme + " " + token}}, "");
    EXPECT_EQ(r.status, 200) << scheme << ": " << r.body;
  }
  auto spaced = c.Send("GET", "/v1/me", "", {{"Authorization", "BEARER   " + token}}, "");
  EXPECT_EQ(spaced.status, 200) << spaced.body;
  const std::vector<std::string> bad_headers = {"Basic " + token, "Bearer", "Bearerx " + token,
                                                token};
  for (const std::string& bad : bad_headers) {
    auto r = c.Send("GET", "/v1/me", "", {{"Authorization", bad}}, "");
    EXPECT_EQ(r.status, 401) << bad;
  }
}

// ---- 3 (HTTP side). Query text that is not UTF-8 ----

TEST_F(HttpHardeningTest, QueryTextThatIsNotUtf8Is400NamingTheParameter) {
  Start();
  HttpClient c(server_->port());
  auto r = c.Get(A() + "/customers/" + customer_.ToString() + "?purpose=p%A7",
                 tokens_[Role::kCsr]);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Field(r), "purpose") << r.body;
  EXPECT_EQ(c.Get(A() + "/customers/" + customer_.ToString() + "?purpose=customer_service",
                  tokens_[Role::kCsr])
                .status,
            200);
}

// ---- 6. Idempotency-Key claims left by a process that is gone ----

TEST_F(HttpHardeningTest, AClaimOfAGoneProcessIsInUseWithRetryAfterThenOutcomeUnknown) {
  Start();
  HttpClient c(server_->port());
  const std::string token = tokens_[Role::kCsr];
  const std::string target = A() + "/customers";
  const store::AccountId csr = [&] {
    store::AccountId id;
    (void)store_->Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto account, tx.FindAccountByStaff(staff_[Role::kCsr]));
      if (account) id = account->id;
      return Status::Ok();
    });
    return id;
  }();
  const json body = {{"account_number", "K-1"},
                     {"customer_type", "residential"},
                     {"name", "Kay Example"},
                     {"telephone_numbers", {"(407) 555-0100"}},
                     {"address",
                      {{"street", "5 Oak Haven Ln"},
                       {"city", "Sanford"},
                       {"state", "FL"},
                       {"postal_code", "32771"}}},
                     {"services", {"local"}}};
  // The claim a server killed with -9 leaves behind, `age` ago.
  auto plant = [&](const std::string& key, int64_t age_us) {
    store::IdempotencyRecord r;
    r.carrier = carrier_;
    r.account = csr;
    r.key = key;
    r.request_hash = std::string(ledger::HashBytes(
        ledger::Sha256Of("POST\n" + target + "\napplication/json\n" + body.dump())));
    r.status = store::IdempotencyRecord::kPending;
    r.created_at = Instant::Now() + (-age_us);
    r.claimed_by = "a-server-killed-with-9";
    Status st = store_->Transact([&](store::Tx& tx) { return tx.InsertIdempotency(r); });
    ASSERT_TRUE(st.ok()) << st.ToString();
  };
  // Just claimed: the process may still run it elsewhere. 409 in use, and
  // Retry-After says when the window (120 s) ends.
  plant("killed-1", 0);
  auto busy = c.PostJson(target, body, token, {{"Idempotency-Key", "killed-1"}});
  ASSERT_EQ(busy.status, 409) << busy.body;
  EXPECT_EQ(Type(busy), "idempotency-key-in-use");
  int retry = std::atoi(busy.Header("retry-after").c_str());
  EXPECT_GE(retry, 115) << busy.Header("retry-after");
  EXPECT_LE(retry, 120) << busy.Header("retry-after");
  // Near the end of the window, Retry-After is the time left.
  plant("killed-2", 100 * kMicrosPerSecond);
  auto later = c.PostJson(target, body, token, {{"Idempotency-Key", "killed-2"}});
  ASSERT_EQ(later.status, 409);
  EXPECT_EQ(Type(later), "idempotency-key-in-use");
  retry = std::atoi(later.Header("retry-after").c_str());
  EXPECT_GE(retry, 15);
  EXPECT_LE(retry, 20);
  // After the window: the outcome is unknown, as the README says.
  plant("killed-3", 121 * kMicrosPerSecond);
  auto after = c.PostJson(target, body, token, {{"Idempotency-Key", "killed-3"}});
  ASSERT_EQ(after.status, 409);
  EXPECT_EQ(Type(after), "idempotency-outcome-unknown");
  EXPECT_EQ(Field(after), "Idempotency-Key");
}

}  // namespace
}  // namespace proprio::testing
