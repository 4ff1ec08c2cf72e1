// SIM change and port-out requests and the lock on both backends (migration
// 0015_sim_requests, tx_sim.cc, services/sim_requests.h): 47 CFR 64.2010(h)
// and 52.37 (FCC 23-95) end to end over real verification sessions, the
// notification outbox and the ledger, on SQLite and on PostgreSQL (the
// harness cluster; skipped without it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "pg_test_db.h"
#include "services/customer_auth.h"
#include "services/notifications.h"
#include "services/policies.h"
#include "services/registry.h"
#include "services/sim_requests.h"

namespace proprio::testing {
namespace {

using namespace proprio::services;

Instant T0() { return *Instant::Parse("2026-03-03T15:00:00Z"); }
Actor At(const std::string& actor, int64_t minutes) {
  return {actor, T0() + minutes * 60 * kMicrosPerSecond};
}

// A wireless carrier with a CSR, two customers and a webhook for notices.
struct Wireless {
  CustomerAuthPolicy policy;
  CarrierId carrier;
  StaffId csr;
  std::string rep;  // the CSR's actor id
  CustomerId id;    // the customer of the scenario, numbers of record +14075550100
  CustomerId other;
};

void SetUpWireless(store::Store& store, Wireless& w) {
  w.policy.cost = {1, 64, 1};
  const Actor setup{"test", T0() + (-100 * kMicrosPerDay)};
  Carrier c;
  c.legal_name = "Wireless Both Backends";
  c.filer_id_499 = "829001";
  c.address = {"1 Main St", "Orlando", "FL", "32801", "US"};
  c.time_zone = "America/New_York";
  auto carrier = AddCarrier(store, c, setup);
  ASSERT_TRUE(carrier.ok()) << carrier.status().ToString();
  w.carrier = carrier->id;
  Staff s;
  s.carrier = w.carrier;
  s.name = "Casey Rep";
  s.roles = {Role::kCsr};
  auto csr = AddStaff(store, s, setup);
  ASSERT_TRUE(csr.ok());
  w.csr = csr->id;
  w.rep = "staff:" + csr->id.ToString();
  Customer k;
  k.carrier = w.carrier;
  k.account_number = "W-1";
  k.name = "Pat Jones";
  k.phones_of_record = {"+14075550100"};
  k.address_of_record = {"5 Oak Ave", "Orlando", "FL", "32803", "US"};
  k.address_since = CivilDate{2022, 1, 1};
  auto customer = AddCustomer(store, k, setup);
  ASSERT_TRUE(customer.ok()) << customer.status().ToString();
  w.id = customer->id;
  k.account_number = "W-2";
  k.phones_of_record = {"+14075550101"};
  auto second = AddCustomer(store, k, setup);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  w.other = second->id;

  store::NotificationSettingsRow settings;
  settings.carrier = w.carrier;
  settings.webhook_url = "http://127.0.0.1:9/x";
  settings.channels = "text";
  ASSERT_TRUE(PutNotificationSettings(store, settings, setup).ok());
}

void Scenario(store::Store& store) {
  Wireless w;
  SetUpWireless(store, w);
  if (::testing::Test::HasFatalFailure()) return;
  const CustomerAuthPolicy& policy = w.policy;
  const std::string& rep = w.rep;
  const CustomerId id = w.id;
  const CustomerId other = w.other;

  rules::RuleConfig config;
  config.sim_change_compliance = CivilDate{2026, 1, 15};

  // 64.2010(h)(1): a caller who only states call detail is refused, with the
  // citation; the request is recorded and notified all the same
  // (64.2010(h)(3)) and counts as a failed attempt (64.2010(h)(2)).
  OpenVerificationRequest call{w.carrier, id, VerificationChannel::kPhone, "+13055550111", "c-1"};
  auto weak = OpenVerification(store, call, policy, At(rep, 0));
  ASSERT_TRUE(weak.ok()) << weak.status().ToString();
  ASSERT_TRUE(RecordCallerStatedCallDetail(store, w.carrier, weak->row.id,
                                           "call to +1 407 555 0199 yesterday", policy, At(rep, 1))
                  .ok());
  SimRequestInput in{id, rules::SimRequestKind::kSimChange, weak->row.id};
  auto refused = RequestSimChange(store, w.carrier, in, config, At(rep, 2));
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_FALSE(refused->decision.allowed);
  EXPECT_EQ(refused->row.outcome, "refused_not_authenticated");
  EXPECT_EQ(refused->row.basis, "47 CFR 64.2010(h)(1)");
  EXPECT_EQ(refused->row.methods, "caller_stated_call_detail");
  EXPECT_TRUE(refused->row.failed_attempt);
  EXPECT_TRUE(refused->row.in_force);
  EXPECT_EQ(refused->row.channel, "phone");
  EXPECT_EQ(refused->row.staff_id, w.csr.value());
  ASSERT_EQ(refused->notifications.size(), 1u);
  auto notice = GetNotification(store, w.carrier, refused->notifications[0]);
  ASSERT_TRUE(notice.ok());
  EXPECT_EQ(notice->change_kind, "sim_change");
  EXPECT_EQ(notice->destination, "+14075550100");  // the number of record
  EXPECT_NE(notice->message.find("new SIM card"), std::string::npos);
  EXPECT_EQ(notice->message.find("0199"), std::string::npos);  // no CPNI
  // 64.2010(h)(5): kept 3 years.
  EXPECT_EQ(refused->row.retain_until, *Instant::Parse("2029-03-03T15:02:00Z"));

  // 64.2010(h)(6): this is now a SIM contact, so the session opens no CPNI to
  // the employee, not even the call detail the caller stated.
  auto closed = DecisionContextForSession(store, w.carrier, weak->row.id, id,
                                          T0() + 150 * kMicrosPerSecond);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(closed.status().message().find("47 CFR 64.2010(h)(6)"), std::string::npos);

  // A port-out request in the same weak session: refused, 52.37 cited.
  in.kind = rules::SimRequestKind::kPortOut;
  auto port = RequestSimChange(store, w.carrier, in, config, At(rep, 3));
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(port->row.basis, "47 CFR 64.2010(h)(1);47 CFR 52.37");
  EXPECT_EQ(GetNotification(store, w.carrier, port->notifications[0])->change_kind, "port_out");

  // The third failure within 24 hours reaches the threshold: the customer is
  // told, and further requests are refused even with a password.
  auto third = RequestSimChange(store, w.carrier, in, config, At(rep, 4));
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(third->refused_until.has_value());
  EXPECT_EQ(*third->refused_until, T0() + (4 * 60 + 24 * 3600) * kMicrosPerSecond);
  ASSERT_EQ(third->notifications.size(), 2u);
  EXPECT_EQ(GetNotification(store, w.carrier, third->notifications[1])->change_kind,
            "sim_failed_attempts");

  // Enrol a password in store (photo ID), then call again.
  OpenVerificationRequest visit{w.carrier, id, VerificationChannel::kInStore, "", ""};
  auto v = OpenVerification(store, visit, policy, At(rep, 5));
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(RecordPhotoId(store, w.carrier, v->row.id,
                            {"passport", "U.S. Department of State", "Z123", CivilDate{2030, 1, 1},
                             true, w.csr},
                            policy, At(rep, 6))
                  ->passed);
  in = {id, rules::SimRequestKind::kSimChange, v->row.id};
  auto blocked = RequestSimChange(store, w.carrier, in, config, At(rep, 7));
  ASSERT_TRUE(blocked.ok());
  EXPECT_EQ(blocked->row.outcome, "refused_failed_attempts");
  EXPECT_EQ(blocked->row.basis, "47 CFR 64.2010(h)(2)");
  EXPECT_FALSE(blocked->row.failed_attempt);

  // A day later the photo-ID session (re-opened) authenticates the request.
  auto v2 = OpenVerification(store, visit, policy, At(rep, 24 * 60 + 10));
  ASSERT_TRUE(RecordPhotoId(store, w.carrier, v2->row.id,
                            {"passport", "U.S. Department of State", "Z123", CivilDate{2030, 1, 1},
                             true, w.csr},
                            policy, At(rep, 24 * 60 + 11))
                  ->passed);
  in.session = v2->row.id;
  auto ok = RequestSimChange(store, w.carrier, in, config, At(rep, 24 * 60 + 12));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->decision.allowed) << ok->decision.reason;
  EXPECT_EQ(ok->row.methods, "photo_id");
  EXPECT_EQ(ok->row.channel, "in_store");
  EXPECT_EQ(ok->notifications.size(), 1u);

  // 64.2010(h)(4): the lock, only in a securely authenticated session.
  auto no_lock = SetSimLock(store, w.carrier, id, weak->row.id, true, config, At(rep, 24 * 60 + 13));
  ASSERT_FALSE(no_lock.ok());
  EXPECT_EQ(no_lock.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(no_lock.status().field(), "session");
  auto locked = SetSimLock(store, w.carrier, id, v2->row.id, true, config, At(rep, 24 * 60 + 14));
  ASSERT_TRUE(locked.ok()) << locked.status().ToString();
  EXPECT_TRUE(locked->locked);
  EXPECT_TRUE(GetSimLock(store, w.carrier, id)->locked);
  EXPECT_FALSE(GetSimLock(store, w.carrier, other)->locked);
  auto while_locked = RequestSimChange(store, w.carrier, in, config, At(rep, 24 * 60 + 15));
  ASSERT_TRUE(while_locked.ok());
  EXPECT_EQ(while_locked->row.outcome, "refused_locked");
  EXPECT_EQ(while_locked->row.basis, "47 CFR 64.2010(h)(4)");
  auto unlocked = SetSimLock(store, w.carrier, id, v2->row.id, false, config, At(rep, 24 * 60 + 16));
  ASSERT_TRUE(unlocked.ok());
  EXPECT_FALSE(unlocked->locked);
  EXPECT_TRUE(RequestSimChange(store, w.carrier, in, config, At(rep, 24 * 60 + 17))->decision.allowed);

  // Bad input names the field and writes nothing: another customer's session.
  SimRequestInput wrong{other, rules::SimRequestKind::kSimChange, v2->row.id};
  auto bad = RequestSimChange(store, w.carrier, wrong, config, At(rep, 24 * 60 + 18));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "session");
  wrong.session = 0;
  EXPECT_EQ(RequestSimChange(store, w.carrier, wrong, config, At(rep, 24 * 60 + 18)).status().field(),
            "session");
  auto none = ListSimRequests(store, w.carrier, other, 0, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->items.empty());

  // The records: newest first, paged.
  auto page = ListSimRequests(store, w.carrier, id, 0, 3);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 3u);
  ASSERT_TRUE(page->next.has_value());
  EXPECT_EQ(page->items[0].outcome, "allowed");
  EXPECT_EQ(page->items[1].outcome, "refused_locked");
  auto rest = ListSimRequests(store, w.carrier, id, *page->next, 10);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->items.size(), 4u);  // 7 requests in all
  EXPECT_FALSE(rest->next.has_value());
  EXPECT_EQ(rest->items.back().outcome, "refused_not_authenticated");

  // Every request and lock change is a ledger entry; the chain verifies.
  int requested = 0, lock_set = 0, lock_cleared = 0;
  Status read = store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto report, tx.VerifyLedger(w.carrier));
    EXPECT_TRUE(report.valid);
    ASSIGN_OR_RETURN(auto head, tx.LedgerHead(w.carrier));
    for (int64_t seq = 1; seq <= head.size; ++seq) {
      ASSIGN_OR_RETURN(auto e, tx.ReadEntry(w.carrier, seq));
      if (e.first.type == "sim.requested") ++requested;
      if (e.first.type == "sim.lock_set") ++lock_set;
      if (e.first.type == "sim.lock_cleared") ++lock_cleared;
    }
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(requested, 7);
  EXPECT_EQ(lock_set, 1);
  EXPECT_EQ(lock_cleared, 1);
}

// 64.2010(h): without a compliance date the request is still decided and
// recorded, saying the paragraphs are not yet in force; a non-wireless
// carrier's policy turns the protections off; a wireless one's may not.
void NotInForceScenario(store::Store& store) {
  CustomerAuthPolicy policy;
  policy.cost = {1, 64, 1};
  const Actor setup{"test", T0() + (-100 * kMicrosPerDay)};
  Carrier c;
  c.legal_name = "Wireline Tel";
  c.filer_id_499 = "829002";
  c.address = {"1 Main St", "Orlando", "FL", "32801", "US"};
  c.time_zone = "America/New_York";
  auto carrier = AddCarrier(store, c, setup);
  ASSERT_TRUE(carrier.ok());
  Customer k;
  k.carrier = carrier->id;
  k.account_number = "L-1";
  k.name = "Lee Smith";
  k.phones_of_record = {"+14075550102"};
  k.address_of_record = {"7 Pine St", "Orlando", "FL", "32803", "US"};
  auto added = AddCustomer(store, k, setup);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  const CustomerId id = added->id;
  OpenVerificationRequest call{carrier->id, id, VerificationChannel::kPhone, "", ""};
  auto weak = OpenVerification(store, call, policy, At("cli", 0));
  ASSERT_TRUE(weak.ok());
  SimRequestInput in{id, rules::SimRequestKind::kSimChange, weak->row.id};
  auto r = RequestSimChange(store, carrier->id, in, rules::RuleConfig{}, At("cli", 1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->row.in_force);
  EXPECT_EQ(r->row.outcome, "refused_not_authenticated");
  EXPECT_NE(r->row.reason.find("not yet in force"), std::string::npos);

  auto looser = SetPolicy(store, carrier->id,
                          "name = \"w\"\nversion = 1\n[sim_change]\nprotections = false\n",
                          At("cli", 2));
  ASSERT_FALSE(looser.ok());
  EXPECT_EQ(looser.status().field(), "sim_change.protections");
  auto wireline = SetPolicy(
      store, carrier->id,
      "name = \"w\"\nversion = 1\n[sim_change]\nwireless_provider = false\nprotections = false\n",
      At("cli", 3));
  ASSERT_TRUE(wireline.ok()) << wireline.status().ToString();
  auto off = RequestSimChange(store, carrier->id, in, rules::RuleConfig{}, At("cli", 4));
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->row.outcome, "not_applicable");
  EXPECT_TRUE(off->notifications.empty());
}

// 64.2010(h)(2): failed checks of the password count toward the limit before
// any SIM request is made. Two wrong passwords leave a request allowed; the
// third refuses the next one for the policy's period, although that caller
// was called back at the number of record, and the customer is told once.
void WrongPasswordsScenario(store::Store& store) {
  Wireless w;
  SetUpWireless(store, w);
  if (::testing::Test::HasFatalFailure()) return;
  rules::RuleConfig config;
  config.sim_change_compliance = CivilDate{2026, 1, 15};
  auto in_store = OpenVerification(
      store, {w.carrier, w.id, VerificationChannel::kInStore, "", ""}, w.policy, At(w.rep, 0));
  ASSERT_TRUE(in_store.ok()) << in_store.status().ToString();
  ASSERT_TRUE(RecordPhotoId(store, w.carrier, in_store->row.id,
                            {"passport", "U.S. Department of State", "Z123", CivilDate{2030, 1, 1},
                             true, w.csr},
                            w.policy, At(w.rep, 1))
                  ->passed);
  SecretAuthorization enrol;
  enrol.session_id = in_store->row.id;
  auto set = SetCpniPassword(store, w.carrier, w.id, "Heron-Blue-7731", enrol, w.policy,
                             At(w.rep, 2));
  ASSERT_TRUE(set.ok()) << set.status().ToString();

  // A call: two wrong passwords, then a call back to the number of record.
  auto call = [&](int minute, int wrong) -> int64_t {
    auto s = OpenVerification(store,
                              {w.carrier, w.id, VerificationChannel::kPhone, "+13055550111", ""},
                              w.policy, At(w.rep, minute));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return 0;
    for (int i = 1; i <= wrong; ++i) {
      auto step = VerifyCallerPassword(store, w.carrier, s->row.id, "guess-" + std::to_string(i),
                                       w.policy, At(w.rep, minute + i));
      EXPECT_TRUE(step.ok() && !step->passed && step->outcome == "failed");
    }
    auto back = RecordCallBack(store, w.carrier, s->row.id, "+14075550100", true, w.policy,
                               At(w.rep, minute + wrong + 1));
    EXPECT_TRUE(back.ok() && back->passed);
    return s->row.id;
  };
  const int64_t first = call(10, 2);
  SimRequestInput in{w.id, rules::SimRequestKind::kSimChange, first};
  auto allowed = RequestSimChange(store, w.carrier, in, config, At(w.rep, 14));
  ASSERT_TRUE(allowed.ok()) << allowed.status().ToString();
  EXPECT_TRUE(allowed->decision.allowed) << allowed->decision.reason;
  EXPECT_FALSE(allowed->refused_until.has_value());

  // The third wrong password (minute 21) reaches the count of 3 in 24 hours.
  in.session = call(20, 1);
  auto refused = RequestSimChange(store, w.carrier, in, config, At(w.rep, 23));
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->row.outcome, "refused_failed_attempts");
  EXPECT_EQ(refused->row.basis, "47 CFR 64.2010(h)(2)");
  EXPECT_FALSE(refused->row.failed_attempt);
  ASSERT_TRUE(refused->refused_until.has_value());
  EXPECT_EQ(*refused->refused_until, T0() + (21 * 60 + 24 * 3600) * kMicrosPerSecond);
  EXPECT_NE(refused->row.reason.find("reset code or photo ID: 3; requests refused for want of "
                                     "secure authentication: 0)"),
            std::string::npos)
      << refused->row.reason;
  ASSERT_EQ(refused->notifications.size(), 2u);
  EXPECT_EQ(GetNotification(store, w.carrier, refused->notifications[0])->change_kind,
            "sim_change");
  EXPECT_EQ(GetNotification(store, w.carrier, refused->notifications[1])->change_kind,
            "sim_failed_attempts");

  // Asked again within the refusal: refused, and the customer is not told of
  // the refusal twice (the request itself is notified, 64.2010(h)(3)).
  in.kind = rules::SimRequestKind::kPortOut;
  auto again = RequestSimChange(store, w.carrier, in, config, At(w.rep, 24));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->row.outcome, "refused_failed_attempts");
  EXPECT_EQ(again->row.basis, "47 CFR 64.2010(h)(2);47 CFR 52.37");
  ASSERT_EQ(again->notifications.size(), 1u);
  EXPECT_EQ(GetNotification(store, w.carrier, again->notifications[0])->change_kind, "port_out");

  // Another customer's failures count only for that customer.
  EXPECT_TRUE(ListSimRequests(store, w.carrier, w.other, 0, 10)->items.empty());
}

void OnSqlite(const std::function<void(store::Store&)>& scenario) {
  char tmpl[] = "/tmp/proprio_simstore_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  {
    auto store = store::Store::Open(store::StoreOptions::Sqlite(dir + "/p.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
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

TEST(SimStoreTest, c64_2010_h_SqliteRequestsLocksAndFailedAttempts) { OnSqlite(Scenario); }
TEST(SimStoreTest, c64_2010_h_PostgresRequestsLocksAndFailedAttempts) { OnPostgres(Scenario); }
TEST(SimStoreTest, c64_2010_h_SqliteNotInForceAndWireline) { OnSqlite(NotInForceScenario); }
TEST(SimStoreTest, c64_2010_h_PostgresNotInForceAndWireline) { OnPostgres(NotInForceScenario); }
TEST(SimStoreTest, c64_2010_h_2_SqliteWrongPasswordsCountBeforeAnyRequest) {
  OnSqlite(WrongPasswordsScenario);
}
TEST(SimStoreTest, c64_2010_h_2_PostgresWrongPasswordsCountBeforeAnyRequest) {
  OnPostgres(WrongPasswordsScenario);
}

}  // namespace
}  // namespace proprio::testing
