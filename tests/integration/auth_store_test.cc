// Customer authentication and the notification outbox on both backends
// (migration 0005, tx_auth.cc): the same scenario on SQLite and PostgreSQL —
// secrets, a verified call, failure tallies and a pretexting flag, an
// address change queuing notices, claims, back-off, the backlog, online
// sign-in, and a ledger that verifies.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "pg_test_db.h"
#include "services/auth_json.h"
#include "services/customer_auth.h"
#include "services/decisions.h"
#include "services/customer_update.h"
#include "services/importer.h"
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

// A carrier (New York time) with one CSR, for the scenarios below.
struct CarrierWithCsr : Carrier {
  StaffId csr;
};

Result<CarrierWithCsr> AddCarrierWithCsr(store::Store& store, const std::string& filer_id,
                                         const Actor& setup) {
  Carrier c;
  c.legal_name = "Both Backends Tel";
  c.filer_id_499 = filer_id;
  c.address = {"1 Main St", "Orlando", "FL", "32801", "US"};
  c.time_zone = "America/New_York";
  ASSIGN_OR_RETURN(Carrier carrier, AddCarrier(store, c, setup));
  Staff s;
  s.carrier = carrier.id;
  s.name = "Casey Rep";
  s.roles = {Role::kCsr};
  ASSIGN_OR_RETURN(Staff staff, AddStaff(store, s, setup));
  CarrierWithCsr out;
  static_cast<Carrier&>(out) = carrier;
  out.csr = staff.id;
  return out;
}

void Scenario(store::Store& store) {
  CustomerAuthPolicy policy;
  policy.cost = {1, 64, 1};
  const Actor setup{"test", T0()};
  auto carrier = AddCarrierWithCsr(store, "812377", setup);
  ASSERT_TRUE(carrier.ok()) << carrier.status().ToString();
  const StaffId csr = carrier->csr;
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

// 47 CFR 64.2010(e) on both backends: an import of a long-standing customer
// (no service_since: an existing account) followed at once by a first
// password "at service initiation" is refused, and the refusal is in the
// ledger; a customer opened today (or imported with today's service_since)
// may have one, as a ledger entry.
void ServiceInitiationScenario(store::Store& store) {
  CustomerAuthPolicy policy;
  policy.cost = {1, 64, 1};
  const Actor setup{"test", T0()};
  auto carrier = AddCarrierWithCsr(store, "812378", setup);
  ASSERT_TRUE(carrier.ok()) << carrier.status().ToString();
  const StaffId csr = carrier->csr;
  const Actor rep{"staff:" + csr.ToString(), T0() + 60 * kMicrosPerSecond};
  ImportOptions o;
  o.carrier = carrier->id;
  auto report = ImportCustomersCsv(
      store,
      "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code,"
      "address_since,service_since\n"
      "OLD-1,residential,Lena Marsh,(407) 555-0111,2 Oak St,Orlando,FL,32801,2009-05-01,\n"
      "NEW-1,residential,Omar Reyes,(407) 555-0112,3 Oak St,Orlando,FL,32801,2025-03-03,"
      "2025-03-03\n",
      o, setup);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->imported, 2);
  std::optional<Customer> old_one, new_one;
  ASSERT_TRUE(store
                  .Read([&](store::Tx& tx) -> Status {
                    ASSIGN_OR_RETURN(old_one, tx.FindCustomerByAccount(carrier->id, "OLD-1"));
                    ASSIGN_OR_RETURN(new_one, tx.FindCustomerByAccount(carrier->id, "NEW-1"));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(old_one && new_one);
  EXPECT_FALSE(old_one->service_since.Valid());
  EXPECT_EQ(new_one->service_since, (CivilDate{2025, 3, 3}));

  SecretAuthorization init;
  init.at_service_initiation = true;
  auto refused =
      SetCpniPassword(store, carrier->id, old_one->id, "Tangerine-Kayak-42", init, policy, rep);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("47 CFR 64.2010(e)"), std::string::npos);
  auto imported_new =
      SetCpniPassword(store, carrier->id, new_one->id, "Tangerine-Kayak-42", init, policy, rep);
  ASSERT_TRUE(imported_new.ok()) << imported_new.status().ToString();
  Customer k;
  k.carrier = carrier->id;
  k.account_number = "NEW-2";
  k.name = "Pat Jones";
  k.phones_of_record = {"+14075550113"};
  k.address_of_record = {"5 Oak Ave", "Orlando", "FL", "32803", "US"};
  auto opened = AddCustomer(store, k, setup);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->service_since, (CivilDate{2025, 3, 3}));  // 10:00 in New York
  auto first = SetCpniPassword(store, carrier->id, opened->id, "Tangerine-Kayak-42", init, policy,
                               rep);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->setup_path, "service_initiation");

  std::vector<std::string> types;
  Status read = store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(ledger::Head head, tx.LedgerHead(carrier->id));
    for (int64_t seq = 1; seq <= head.size; ++seq) {
      ASSIGN_OR_RETURN(auto e, tx.ReadEntry(carrier->id, seq));
      if (e.first.type.rfind("auth.secret", 0) == 0) {
        types.push_back(e.first.type + " " + e.first.subject);
      }
    }
    ASSIGN_OR_RETURN(auto verified, tx.VerifyLedger(carrier->id));
    EXPECT_TRUE(verified.valid);
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(types, (std::vector<std::string>{
                       "auth.secret_refused customer:" + old_one->id.ToString(),
                       "auth.secret_set customer:" + new_one->id.ToString(),
                       "auth.secret_set customer:" + opened->id.ToString()}));
}

// Runs `scenario` on a fresh SQLite file and on a fresh PostgreSQL database.
void OnSqlite(const std::function<void(store::Store&)>& scenario) {
  char tmpl[] = "/tmp/proprio_authstore_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  {
    auto store = store::Store::Open(store::StoreOptions::Sqlite(dir + "/p.db"));
    ASSERT_TRUE(store.ok());
    scenario(**store);
  }
  std::filesystem::remove_all(dir);
}

void OnPostgres(const std::function<void(store::Store&)>& scenario) {
  if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
  PgTestDb db;
  ASSERT_TRUE(db.Create().ok());
  {
    auto store = store::Store::Open(store::StoreOptions::Postgres(db.url()));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    scenario(**store);
  }
  db.Drop();
}

TEST(AuthStoreTest, Rule_64_2010_e_SqliteImportedCustomerIsNotServiceInitiation) {
  OnSqlite(ServiceInitiationScenario);
}

TEST(AuthStoreTest, Rule_64_2010_e_PostgresImportedCustomerIsNotServiceInitiation) {
  OnPostgres(ServiceInitiationScenario);
}

TEST(AuthStoreTest, SqliteScenario) { OnSqlite(Scenario); }

TEST(AuthStoreTest, PostgresScenario) { OnPostgres(Scenario); }

}  // namespace
}  // namespace proprio::testing
