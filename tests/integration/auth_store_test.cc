// Customer authentication and the notification outbox on both backends
// (migration 0005, tx_auth.cc): the same scenario on SQLite and PostgreSQL —
// secrets, a verified call, failure tallies and a pretexting flag, an
// address change queuing notices, claims, back-off, the backlog, online
// sign-in, and a ledger that verifies.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "pg_test_db.h"
#include "services/auth_json.h"
#include "services/customer_auth.h"
#include "services/decisions.h"
#include "services/customer_update.h"
#include "services/notifications.h"
#include "services/registry.h"

namespace proprio::testing {
namespace {

using namespace proprio::services;

Instant T0() { return *Instant::Parse("2025-03-03T15:00:00Z"); }

class Scripted : public WebhookTransport {
 public:
  int calls = 0;
  WebhookResponse Post(const std::string&, const std::string&, const std::string&,
                       const std::string&) override {
    WebhookResponse r;
    r.status = ++calls == 1 ? 503 : 200;
    return r;
  }
};

void Scenario(store::Store& store) {
  CustomerAuthPolicy policy;
  policy.cost = {1, 64, 1};
  const Actor setup{"test", T0()};
  Carrier c;
  c.legal_name = "Both Backends Tel";
  c.filer_id_499 = "812377";
  c.address = {"1 Main St", "Orlando", "FL", "32801", "US"};
  c.time_zone = "America/New_York";
  auto carrier = AddCarrier(store, c, setup);
  ASSERT_TRUE(carrier.ok()) << carrier.status().ToString();
  Staff s;
  s.carrier = carrier->id;
  s.name = "Casey Rep";
  s.roles = {Role::kCsr};
  const StaffId csr = AddStaff(store, s, setup)->id;
  const Actor rep{"staff:" + csr.ToString(), T0()};
  Customer k;
  k.carrier = carrier->id;
  k.account_number = "A-1";
  k.name = "Pat Jones";
  k.phones_of_record = {"+14075550100"};
  k.address_of_record = {"5 Oak Ave", "Orlando", "FL", "32803", "US"};
  k.address_since = CivilDate{2022, 1, 1};
  const CustomerId customer = AddCustomer(store, k, {"test", T0() + (-100 * kMicrosPerDay)})->id;
  k.account_number = "A-2";
  k.phones_of_record = {"+14075550101"};
  const CustomerId other = AddCustomer(store, k, {"test", T0() + (-100 * kMicrosPerDay)})->id;

  store::NotificationSettingsRow settings;
  settings.carrier = carrier->id;
  settings.webhook_url = "http://127.0.0.1:9/x";
  settings.channels = "text";
  settings.backoff_base_ms = 1000;
  ASSERT_TRUE(PutNotificationSettings(store, settings, setup).ok());

  // Enrol in store, then verify on a call.
  OpenVerificationRequest visit{carrier->id, customer, VerificationChannel::kInStore, "", ""};
  auto v = OpenVerification(store, visit, policy, rep);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_TRUE(RecordPhotoId(store, carrier->id, v->row.id,
                            {"passport", "U.S. Department of State", "Z123", CivilDate{2030, 1, 1},
                             true, csr},
                            policy, rep)
                  ->passed);
  SecretAuthorization auth;
  auth.session_id = v->row.id;
  auto set = SetCpniPassword(store, carrier->id, customer, "Tangerine-Kayak-42", auth, policy, rep);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->notifications.size(), 1u);
  ASSERT_TRUE(SetOnlineAccount(store, carrier->id, customer, "pat-j", auth, policy, rep).ok());
  // Not for another customer (no password, and the session is not theirs).
  EXPECT_FALSE(SetOnlineAccount(store, carrier->id, other, "pat-k", auth, policy, rep).ok());

  OpenVerificationRequest call{carrier->id, customer, VerificationChannel::kPhone, "+13055550111",
                               "c-1"};
  const int64_t c1 = OpenVerification(store, call, policy, rep)->row.id;
  call.customer = other;
  const int64_t c2 = OpenVerification(store, call, policy, rep)->row.id;
  EXPECT_EQ(VerifyCallerPassword(store, carrier->id, c1, "nope-nope-1", policy, rep)->outcome,
            "failed");
  auto second = VerifyCallerPassword(store, carrier->id, c2, "nope-nope-2", policy, rep);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->flags_raised.empty());  // one number, two accounts
  EXPECT_TRUE(
      VerifyCallerPassword(store, carrier->id, c1, "Tangerine-Kayak-42", policy, rep)->passed);
  auto ctx = DecisionContextForSession(store, carrier->id, c1, customer, T0());
  ASSERT_TRUE(ctx.ok());
  EXPECT_TRUE(ctx->flags.Has(rules::ContextFlag::kPasswordProvided));

  // 47 CFR 64.2010(b) with `decide --session`: the authentication context
  // comes only from the session's recorded steps, on this backend too.
  const nlohmann::json ask = {{"customer", customer.value()},
                              {"action", "disclose"},
                              {"purpose", "customer_account_access"},
                              {"recipient", {{"kind", "customer"}}},
                              {"cpni", {"call_detail"}},
                              {"service_category", "local"}};
  auto bound = BindDecisionsToSessions(store, carrier->id, ask, c1, T0());
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ((*bound)["context"]["password_provided"], true);
  EXPECT_EQ((*bound)["context"]["channel"], "inbound_call");
  EXPECT_EQ((*bound)["context"]["call_id"], "c-1");
  auto asked = DecisionRequestFromJson(WithDefaultInstant(*bound, T0()));
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  EXPECT_EQ(asked->at, T0());
  auto decided = DecideOnce(store, carrier->id, std::span(&*asked, 1), {}, {}, rep);
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_TRUE((*decided)[0].allowed) << rules::ReasonText((*decided)[0]);
  EXPECT_TRUE((*decided)[0].basis.contains("47 CFR 64.2010(b)"));
  // A client's own authentication claim is refused, naming the field.
  nlohmann::json forged = ask;
  forged["context"] = {{"customer_authenticated", true}};
  auto refused = BindDecisionsToSessions(store, carrier->id, forged, c1, T0());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().field(), "context.customer_authenticated");
  // Context that is not about authentication stays.
  nlohmann::json legal = ask;
  legal["context"] = {{"legal_process", true}};
  auto kept = BindDecisionsToSessions(store, carrier->id, legal, c1, T0());
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ((*kept)["context"]["legal_process"], true);
  // "session" in the JSON: another customer's session is refused.
  nlohmann::json named = ask;
  named["session"] = c2;
  auto foreign = BindDecisionsToSessions(store, carrier->id, named, std::nullopt, T0());
  EXPECT_EQ(foreign.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(foreign.status().field(), "session");
  auto flags = ListPretextingFlags(store, carrier->id, "open", Instant(), Instant());
  ASSERT_TRUE(flags.ok());
  ASSERT_FALSE(flags->empty());
  EXPECT_EQ(flags->front().kind, "calling_number");
  EXPECT_EQ(flags->front().accounts, 2);

  // Address change: a notice to the number of record; claims and back-off.
  ASSERT_TRUE(UpdateCustomer(
                  store, carrier->id, customer, std::nullopt,
                  [](Customer& x) {
                    x.address_of_record = {"9 New Rd", "Tampa", "FL", "33602", "US"};
                    return Status::Ok();
                  },
                  rep)
                  .ok());
  auto backlog = NotificationBacklog(store, carrier->id, T0());
  ASSERT_TRUE(backlog.ok()) << backlog.status().ToString();
  EXPECT_EQ(backlog->pending, 3);  // password, online account, address
  EXPECT_EQ(backlog->overdue, 0);
  EXPECT_EQ(NotificationBacklog(store, CarrierId(), T0() + 7200 * kMicrosPerSecond)->overdue, 3);
  Scripted t;
  DeliveryOptions o;
  o.transport = &t;
  auto r1 = DeliverDueNotifications(store, carrier->id, o, {"system:test", T0()});
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->retrying, 1);
  EXPECT_EQ(r1->delivered, 2);
  auto r2 = DeliverDueNotifications(store, CarrierId(), o, {"system:test", T0() + 1000 * 1000});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->delivered, 1);
  EXPECT_EQ(NotificationBacklog(store, carrier->id, T0())->pending, 0);

  // Online.
  auto online = OnlineSignIn(store, carrier->id, "pat-j", "Tangerine-Kayak-42", policy,
                             {"system:portal", T0()});
  ASSERT_TRUE(online.ok()) << online.status().ToString();
  EXPECT_TRUE(online->session.authenticated);

  Status verified = store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto report, tx.VerifyLedger(carrier->id));
    return report.valid ? Status::Ok() : Status::DataLoss("ledger does not verify");
  });
  EXPECT_TRUE(verified.ok()) << verified.ToString();
}

TEST(AuthStoreTest, SqliteScenario) {
  char tmpl[] = "/tmp/proprio_authstore_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  {
    auto store = store::Store::Open(store::StoreOptions::Sqlite(dir + "/p.db"));
    ASSERT_TRUE(store.ok());
    Scenario(**store);
  }
  std::filesystem::remove_all(dir);
}

TEST(AuthStoreTest, PostgresScenario) {
  if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
  PgTestDb db;
  ASSERT_TRUE(db.Create().ok());
  {
    auto store = store::Store::Open(store::StoreOptions::Postgres(db.url()));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Scenario(**store);
  }
  db.Drop();
}

}  // namespace
}  // namespace proprio::testing
