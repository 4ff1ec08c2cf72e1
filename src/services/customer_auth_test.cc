// Customer authentication (47 CFR 64.2010): one case per paragraph, named
// after its citation, the pretexting scripts, timing-safe comparison, and
// scans proving no secret reaches the ledger. Real SQLite in a temp file.
#include "services/customer_auth.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "rules/decide.h"
#include "rules/rule_set.h"
#include "services/customer_update.h"
#include "services/importer.h"
#include "services/policies.h"
#include "services/notifications.h"

namespace proprio::services {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "Tangerine-Kayak-42";
constexpr char kAnswer[] = "Captain Whiskers";

Instant T0() { return *Instant::Parse("2025-03-03T15:00:00Z"); }

Result<Customer> ReadCustomerForTest(store::Store& s, CarrierId carrier, CustomerId id) {
  Customer out;
  RETURN_IF_ERROR(s.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.GetCustomer(carrier, id));
    return Status::Ok();
  }));
  return out;
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio_auth_XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    auto s = store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/p.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    policy_.cost = {1, 64, 1};
    Carrier c;
    c.legal_name = "Fusion Telecommunications International, Inc.";
    c.filer_id_499 = "825160";
    c.address = {"420 Lexington Ave", "New York", "NY", "10170", "US"};
    c.time_zone = "America/New_York";
    auto added = AddCarrier(*store_, c, At(T0()));
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    carrier_ = added->id;
    Staff csr;
    csr.carrier = carrier_;
    csr.name = "Casey Rep";
    csr.roles = {Role::kCsr};
    csr.hired_on = CivilDate{2020, 1, 1};
    auto st = AddStaff(*store_, csr, At(T0()));
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    csr_ = st->id;
    customer_ = NewCustomer("ACCT-55123-9", "Dana Whitfield", "+14075550142");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Actor At(Instant now, const std::string& id = "cli") {
    Actor a;
    a.id = id;
    a.now = now;
    return a;
  }
  Actor Csr(Instant now) { return At(now, "staff:" + csr_.ToString() + " via test"); }

  CustomerId NewCustomer(const std::string& account, const std::string& name,
                         const std::string& phone, CustomerType type = CustomerType::kResidential) {
    Customer c;
    c.carrier = carrier_;
    c.account_number = account;
    c.type = type;
    c.name = name;
    c.phones_of_record = {phone};
    c.address_of_record = {"1187 Magnolia Crescent", "Longwood", "FL", "32750", "US"};
    c.address_since = CivilDate{2023, 6, 1};
    c.email = "dana.whitfield@example.org";
    c.services = *ServiceSet::Parse("local;interexchange");
    if (type == CustomerType::kBusiness) {
      c.account_representative = "Robin Account-Rep";
      c.cpni_contract_ref = "MSA-2024-0117";
    }
    auto added = AddCustomer(*store_, c, At(T0() + (-400LL * kMicrosPerDay)));
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added->id;
  }

  // Gives the customer a password and back-up answer through an in-store ID check.
  void Enroll(CustomerId who, Instant now) {
    auto s = OpenStore(who, now);
    PhotoId id{"drivers_license", "FL", "7Q2Z", CivilDate{2029, 1, 1}, true, csr_};
    auto r = RecordPhotoId(*store_, carrier_, s, id, policy_, Csr(now));
    ASSERT_TRUE(r.ok() && r->passed) << r.status().ToString();
    SecretAuthorization auth;
    auth.session_id = s;
    ASSERT_TRUE(SetCpniPassword(*store_, carrier_, who, kPassword, auth, policy_, Csr(now)).ok());
    auto b = SetBackupAuthentication(*store_, carrier_, who, "What was your first pet's name?",
                                     kAnswer, auth, policy_, Csr(now));
    ASSERT_TRUE(b.ok()) << b.status().ToString();
  }

  int64_t OpenCall(CustomerId who, Instant now, const std::string& number = "+13215550199") {
    OpenVerificationRequest req;
    req.carrier = carrier_;
    req.customer = who;
    req.channel = VerificationChannel::kPhone;
    req.calling_number = number;
    req.call_id = "call-" + std::to_string(now.micros());
    auto v = OpenVerification(*store_, req, policy_, Csr(now));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v->row.id;
  }
  int64_t OpenStore(CustomerId who, Instant now) {
    OpenVerificationRequest req;
    req.carrier = carrier_;
    req.customer = who;
    req.channel = VerificationChannel::kInStore;
    auto v = OpenVerification(*store_, req, policy_, Csr(now));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v->row.id;
  }

  rules::Decision DecideAccess(int64_t session, CustomerId who, rules::CpniSet cpni,
                               bool by_mail = false) {
    auto ctx = DecisionContextForSession(*store_, carrier_, session, who, T0(), by_mail);
    EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
    rules::DecisionRequest req;
    req.customer = who;
    req.action = rules::Action::kDisclose;
    req.purpose = rules::Purpose::kCustomerAccountAccess;
    req.recipient.kind = rules::RecipientKind::kCustomer;
    req.cpni = cpni;
    req.service_category = ServiceCategory::kLocal;
    req.context = *ctx;
    req.at = T0();
    rules::CustomerFacts facts;
    facts.customer = who;
    facts.services = *ServiceSet::Parse("local;interexchange");
    rules::RuleConfig config;
    return rules::Decide(req, facts, rules::RuleSetFor(T0(), config), rules::FloorPolicy());
  }

  // Every ledger entry and payload of the carrier, as text.
  std::string LedgerText() {
    std::string all;
    Status st = store_->Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(ledger::Head head, tx.LedgerHead(carrier_));
      for (int64_t seq = 1; seq <= head.size; ++seq) {
        ASSIGN_OR_RETURN(auto e, tx.ReadEntry(carrier_, seq));
        all += e.first.type + " " + e.first.body + "\n";
        if (e.second) all += *e.second + "\n";
      }
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return all;
  }

  std::vector<store::NotificationRow> Notices(CustomerId who) {
    store::NotificationFilter f;
    f.customer = who;
    f.limit = 1000;
    auto list = ListNotifications(*store_, carrier_, f);
    EXPECT_TRUE(list.ok());
    return *list;
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  CustomerAuthPolicy policy_;
  CarrierId carrier_;
  StaffId csr_;
  CustomerId customer_;
};

// ---- 64.2010(e): secrets are not built on biographical or account information ----

TEST_F(AuthTest, Rule_64_2010_e_RefusesPasswordsBuiltOnBiographicalOrAccountInformation) {
  auto c = *ReadCustomerForTest(*store_, carrier_, customer_);
  struct Case {
    const char* secret;
    const char* reason;
  };
  const Case cases[] = {
      {"my ssn 123-45-6789", "social security"},
      {"born 03/14/1985!", "date"},
      {"19850314-secret", "date"},
      {"bill was $84.17", "amount"},
      {"paid 84.17 again", "amount"},
      {"acct 55123 pass", "account number"},
      {"ACCT-55123-9", "account number"},
      {"call4075550142", "telephone number"},
      {"ends in 0142 ok", "telephone number"},
      {"zip 32750 home", "ZIP"},
      {"house 1187 door", "house number"},
      {"magnolia-rules", "address"},
      {"Whitfield2025x", "name"},
      {"dana.whitfield!!", "name"},
  };
  for (const Case& k : cases) {
    Status st = CheckCpniPassword(c, k.secret);
    EXPECT_TRUE(st.IsInvalidArgument()) << k.secret;
    EXPECT_EQ(st.field(), "password") << k.secret;
    EXPECT_NE(st.message().find(k.reason), std::string::npos) << k.secret << ": " << st.message();
    EXPECT_NE(st.message().find("47 CFR 64.2010(b), (e)"), std::string::npos) << st.message();
    // The refusal never repeats the secret.
    EXPECT_EQ(st.message().find(k.secret), std::string::npos) << st.message();
  }
  EXPECT_TRUE(CheckCpniPassword(c, kPassword).ok());
  EXPECT_TRUE(CheckCpniPassword(c, "short").IsInvalidArgument());
}

TEST_F(AuthTest, Rule_64_2010_e_RefusesBackupPromptsForBiographicalOrAccountInformation) {
  for (const char* q : {"What is your mother's maiden name?", "What is your date of birth?",
                        "In what city were you born?", "Last four of your SSN?",
                        "What is your home address?", "What was the amount of your last bill?",
                        "What is your account number?", "What is your phone number?"}) {
    Status st = CheckBackupQuestion(q);
    EXPECT_TRUE(st.IsInvalidArgument()) << q;
    EXPECT_EQ(st.field(), "question");
    EXPECT_NE(st.message().find("47 CFR 64.2010(e)"), std::string::npos) << st.message();
  }
  EXPECT_TRUE(CheckBackupQuestion("What was your first pet's name?").ok());
  auto c = *ReadCustomerForTest(*store_, carrier_, customer_);
  Status st = CheckBackupAnswer(c, "Whitfield");
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(st.field(), "answer");
  EXPECT_NE(st.message().find("47 CFR 64.2010(e)"), std::string::npos);
  EXPECT_TRUE(CheckBackupAnswer(c, "04/02/1961").IsInvalidArgument());
  EXPECT_TRUE(CheckBackupAnswer(c, kAnswer).ok());
}

TEST_F(AuthTest, Rule_64_2010_e_PasswordEstablishedOnlyAfterAuthenticationWithoutBiographicalInfo) {
  const Instant now = T0();
  // No path given.
  SecretAuthorization none;
  EXPECT_TRUE(SetCpniPassword(*store_, carrier_, customer_, kPassword, none, policy_, Csr(now))
                  .status()
                  .IsInvalidArgument());
  // Service initiation is long past for this customer: not permitted.
  SecretAuthorization init;
  init.at_service_initiation = true;
  EXPECT_EQ(SetCpniPassword(*store_, carrier_, customer_, kPassword, init, policy_, Csr(now))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  // A session where the caller only stated call detail does not authenticate.
  const int64_t call = OpenCall(customer_, now);
  ASSERT_TRUE(RecordCallerStatedCallDetail(*store_, carrier_, call,
                                           "call to +1 321 555 0100 on March 1, 4 minutes", policy_,
                                           Csr(now))
                  .ok());
  SecretAuthorization weak;
  weak.session_id = call;
  EXPECT_EQ(SetCpniPassword(*store_, carrier_, customer_, kPassword, weak, policy_, Csr(now))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  // Calling back the telephone number of record authenticates.
  auto cb = RecordCallBack(*store_, carrier_, call, "(407) 555-0142", true, policy_, Csr(now));
  ASSERT_TRUE(cb.ok() && cb->passed) << cb.status().ToString();
  auto set = SetCpniPassword(*store_, carrier_, customer_, kPassword, weak, policy_, Csr(now));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE(set->created);
  EXPECT_EQ(set->setup_path, "session:call_back");
  // A new customer may set the first password at service initiation, unnotified.
  Customer fresh;
  fresh.carrier = carrier_;
  fresh.account_number = "NEW-1";
  fresh.name = "Ezra Pound";
  fresh.phones_of_record = {"+14075550177"};
  fresh.address_of_record = {"9 Elm Row", "Orlando", "FL", "32801", "US"};
  auto added = AddCustomer(*store_, fresh, At(now));
  ASSERT_TRUE(added.ok());
  auto first = SetCpniPassword(*store_, carrier_, added->id, kPassword, init, policy_, Csr(now));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->setup_path, "service_initiation");
  EXPECT_TRUE(first->notifications.empty());  // 64.2010(f): not at service initiation
  // But not for a change.
  EXPECT_EQ(
      SetCpniPassword(*store_, carrier_, added->id, "Another-Good-One", init, policy_, Csr(now))
          .status()
          .code(),
      StatusCode::kFailedPrecondition);
}

// ---- 64.2010(e): the service-initiation path, only while the service is new ----

// The customer whose record is created in Proprio today but whose service
// began in 2009 (entered by hand, or imported): the record's created_at is
// not service initiation.
TEST_F(AuthTest, Rule_64_2010_e_ServiceInitiationFollowsServiceSinceNotCreatedAt) {
  const Instant now = T0();
  Customer old;
  old.carrier = carrier_;
  old.account_number = "OLD-2009";
  old.name = "Ezra Pound";
  old.phones_of_record = {"+14075550177"};
  old.address_of_record = {"9 Elm Row", "Orlando", "FL", "32801", "US"};
  old.address_since = CivilDate{2009, 5, 1};
  old.service_since = CivilDate{2009, 5, 1};
  auto added = AddCustomer(*store_, old, At(now));  // created_at = now
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->service_since, (CivilDate{2009, 5, 1}));
  SecretAuthorization init;
  init.at_service_initiation = true;
  auto pw = SetCpniPassword(*store_, carrier_, added->id, kPassword, init, policy_, Csr(now));
  ASSERT_FALSE(pw.ok());
  EXPECT_EQ(pw.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(pw.status().field(), "at_service_initiation");
  EXPECT_NE(pw.status().message().find("47 CFR 64.2010(e)"), std::string::npos)
      << pw.status().message();
  EXPECT_NE(pw.status().message().find("2009-05-01"), std::string::npos) << pw.status().message();
  auto backup = SetBackupAuthentication(*store_, carrier_, added->id,
                                        "What was your first pet's name?", kAnswer, init, policy_,
                                        Csr(now));
  EXPECT_EQ(backup.status().code(), StatusCode::kPermissionDenied);
  // Nothing was stored, and each refusal is in the ledger with its rule.
  auto status = GetSecretsStatus(*store_, carrier_, added->id);
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->password.has_value());
  EXPECT_FALSE(status->backup.has_value());
  const std::string ledger = LedgerText();
  size_t refusals = 0;
  for (size_t at = ledger.find("auth.secret_refused"); at != std::string::npos;
       at = ledger.find("auth.secret_refused", at + 1)) {
    ++refusals;
    const std::string line = ledger.substr(at, ledger.find('\n', at) - at);
    EXPECT_NE(line.find("\"setup_path\":\"service_initiation\""), std::string::npos) << line;
    EXPECT_NE(line.find("47 CFR 64.2010(e)"), std::string::npos) << line;
  }
  EXPECT_EQ(refusals, 2u);
  EXPECT_EQ(ledger.find(kPassword), std::string::npos);
}

TEST_F(AuthTest, Rule_64_2010_e_ImportedCustomerWithoutServiceSinceIsNeverNew) {
  const Instant now = T0();
  const std::string csv =
      "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code,"
      "address_since,service_since\n"
      "IMP-1,residential,Lena Marsh,(407) 555-0111,2 Oak St,Orlando,FL,32801,2009-05-01,\n"
      "IMP-2,residential,Omar Reyes,(407) 555-0112,3 Oak St,Orlando,FL,32801,2025-03-03,"
      "2025-03-03\n";
  ImportOptions o;
  o.carrier = carrier_;
  auto report = ImportCustomersCsv(*store_, csv, o, At(now));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->imported, 2) << (report->first_errors.empty()
                                         ? std::string()
                                         : report->first_errors[0].reason);
  std::optional<Customer> lena, omar;
  ASSERT_TRUE(store_
                  ->Read([&](store::Tx& tx) -> Status {
                    ASSIGN_OR_RETURN(lena, tx.FindCustomerByAccount(carrier_, "IMP-1"));
                    ASSIGN_OR_RETURN(omar, tx.FindCustomerByAccount(carrier_, "IMP-2"));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(lena && omar);
  EXPECT_FALSE(lena->service_since.Valid());  // not known: an existing customer
  EXPECT_EQ(omar->service_since, (CivilDate{2025, 3, 3}));

  SecretAuthorization init;
  init.at_service_initiation = true;
  // Imported a minute ago (created_at), but not a new customer.
  auto refused =
      SetCpniPassword(*store_, carrier_, lena->id, kPassword, init, policy_, Csr(now + 60'000'000));
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("47 CFR 64.2010(e)"), std::string::npos);
  EXPECT_NE(refused.status().message().find("service_since"), std::string::npos)
      << refused.status().message();
  // Whose service began today (the file says so) is new.
  auto first =
      SetCpniPassword(*store_, carrier_, omar->id, kPassword, init, policy_, Csr(now + 60'000'000));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->setup_path, "service_initiation");
  EXPECT_GT(first->ledger_seq, 0);  // a ledger entry like any other secret

  // The online account: Lena's password comes through an authenticated visit;
  // her online account is still no service initiation.
  const int64_t visit = OpenStore(lena->id, now);
  PhotoId id{"drivers_license", "FL", "7Q2Z", CivilDate{2029, 1, 1}, true, csr_};
  ASSERT_TRUE(RecordPhotoId(*store_, carrier_, visit, id, policy_, Csr(now))->passed);
  SecretAuthorization session;
  session.session_id = visit;
  ASSERT_TRUE(SetCpniPassword(*store_, carrier_, lena->id, kPassword, session, policy_, Csr(now))
                  .ok());
  EXPECT_EQ(SetOnlineAccount(*store_, carrier_, lena->id, "lena-m", init, policy_, Csr(now))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  auto online = SetOnlineAccount(*store_, carrier_, omar->id, "omar-r", init, policy_, Csr(now));
  ASSERT_TRUE(online.ok()) << online.status().ToString();
  EXPECT_EQ(online->setup_path, "service_initiation");
  EXPECT_GT(online->ledger_seq, 0);
}

TEST_F(AuthTest, Rule_64_2010_e_ServiceInitiationWindowIsCarrierPolicy) {
  // Monday 2025-03-03 10:00 in New York.
  const Instant now = T0();
  auto customer_since = [&](const std::string& account, CivilDate since) {
    Customer c;
    c.carrier = carrier_;
    c.account_number = account;
    c.name = "Window Case";
    c.phones_of_record = {"+14075550" + account.substr(account.size() - 3)};
    c.address_of_record = {"9 Elm Row", "Orlando", "FL", "32801", "US"};
    c.service_since = since;
    auto added = AddCustomer(*store_, c, At(now));
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added->id;
  };
  SecretAuthorization init;
  init.at_service_initiation = true;
  auto attempt = [&](CustomerId who) {
    return SetCpniPassword(*store_, carrier_, who, kPassword, init, policy_, Csr(now)).status();
  };
  // The floor's window: the day service began and 1 day after.
  EXPECT_EQ(rules::FloorPolicy().service_initiation_days, 1);
  EXPECT_TRUE(attempt(customer_since("W-101", CivilDate{2025, 3, 2})).ok());
  const Status two_days = attempt(customer_since("W-102", CivilDate{2025, 3, 1}));
  EXPECT_EQ(two_days.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(two_days.message().find("service_initiation_days"), std::string::npos)
      << two_days.message();
  // A carrier policy of 3 days opens it for that customer; 0 closes it the day after.
  auto set = SetPolicy(*store_, carrier_,
                       "name = \"Window\"\nversion = 1\n[authentication]\n"
                       "service_initiation_days = 3\n",
                       At(now));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE(attempt(customer_since("W-103", CivilDate{2025, 2, 28})).ok());
  EXPECT_EQ(attempt(customer_since("W-104", CivilDate{2025, 2, 27})).code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(SetPolicy(*store_, carrier_,
                        "name = \"Window\"\nversion = 2\n[authentication]\n"
                        "service_initiation_days = 0\n",
                        At(now))
                  .ok());
  EXPECT_EQ(attempt(customer_since("W-105", CivilDate{2025, 3, 2})).code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(attempt(customer_since("W-106", CivilDate{2025, 3, 3})).ok());
  // A window beyond a week is not initiation: refused naming the key and rule.
  auto loose = SetPolicy(*store_, carrier_,
                         "name = \"Window\"\nversion = 3\n[authentication]\n"
                         "service_initiation_days = 30\n",
                         At(now));
  ASSERT_FALSE(loose.ok());
  EXPECT_EQ(loose.status().field(), "authentication.service_initiation_days");
}

TEST_F(AuthTest, Rule_64_2010_e_ServiceInitiationOnlyForTheRolesThatOpenAccounts) {
  const Instant now = T0();
  Staff sup;
  sup.carrier = carrier_;
  sup.name = "Sam Supervisor";
  sup.roles = {Role::kSupervisor, Role::kSecurity};
  sup.hired_on = CivilDate{2020, 1, 1};
  const StaffId supervisor = AddStaff(*store_, sup, At(now))->id;
  auto fresh = [&](const std::string& account, const std::string& phone) {
    Customer c;
    c.carrier = carrier_;
    c.account_number = account;
    c.name = "Role Case";
    c.phones_of_record = {phone};
    c.address_of_record = {"9 Elm Row", "Orlando", "FL", "32801", "US"};
    auto added = AddCustomer(*store_, c, At(now));  // a new account: service began today
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    EXPECT_EQ(added->service_since, (CivilDate{2025, 3, 3}));
    return added->id;
  };
  SecretAuthorization init;
  init.at_service_initiation = true;
  // A supervisor (the CLI's --staff) may not; nor may roles the API names.
  const CustomerId a = fresh("R-1", "+14075550181");
  Status st = SetCpniPassword(*store_, carrier_, a, kPassword, init, policy_,
                              At(now, "staff:" + supervisor.ToString()))
                  .status();
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("47 CFR 64.2010(e)"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("csr"), std::string::npos) << st.message();
  SecretAuthorization api = init;
  api.actor_roles = std::vector<Role>{Role::kSupervisor, Role::kComplianceOfficer};
  EXPECT_EQ(SetCpniPassword(*store_, carrier_, a, kPassword, api, policy_, At(now, "staff:99 via x"))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  // An unknown staff member is refused too.
  EXPECT_EQ(SetCpniPassword(*store_, carrier_, a, kPassword, init, policy_, At(now, "staff:999"))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  // The CSR who opens the account, the order-entry system, and the operator.
  EXPECT_TRUE(SetCpniPassword(*store_, carrier_, a, kPassword, init, policy_, Csr(now)).ok());
  api.actor_roles = std::vector<Role>{Role::kSystem};
  EXPECT_TRUE(SetCpniPassword(*store_, carrier_, fresh("R-2", "+14075550182"), kPassword, api,
                              policy_, At(now, "staff:98 via x"))
                  .ok());
  EXPECT_TRUE(SetCpniPassword(*store_, carrier_, fresh("R-3", "+14075550183"), kPassword, init,
                              policy_, At(now, "cli"))
                  .ok());
  EXPECT_TRUE(MayUseServiceInitiation({Role::kCsr}));
  EXPECT_FALSE(MayUseServiceInitiation({Role::kAdmin, Role::kSupervisor}));
}

TEST_F(AuthTest, Rule_64_2010_e_ServiceSinceIsTheCarriersDateAndCannotBeMoved) {
  // 22:30 on 2025-03-03 in New York is already 2025-03-04 in UTC.
  const Instant evening = *Instant::Parse("2025-03-04T03:30:00Z");
  Customer c;
  c.carrier = carrier_;
  c.account_number = "EVE-1";
  c.name = "Late Signup";
  c.phones_of_record = {"+14075550190"};
  c.address_of_record = {"9 Elm Row", "Orlando", "FL", "32801", "US"};
  auto added = AddCustomer(*store_, c, At(evening));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->service_since, (CivilDate{2025, 3, 3}));
  // A day after today is refused.
  c.account_number = "EVE-2";
  c.phones_of_record = {"+14075550191"};
  c.service_since = CivilDate{2025, 3, 4};
  auto future = AddCustomer(*store_, c, At(evening));
  EXPECT_TRUE(future.status().IsInvalidArgument());
  EXPECT_EQ(future.status().field(), "service_since");
  // An update cannot move it (that would reopen the path), nor clear it.
  for (CivilDate moved : {CivilDate{2025, 3, 10}, CivilDate{}}) {
    auto updated = UpdateCustomer(
        *store_, carrier_, added->id, std::nullopt,
        [&](Customer& x) {
          x.service_since = moved;
          return Status::Ok();
        },
        At(evening));
    EXPECT_TRUE(updated.status().IsInvalidArgument());
    EXPECT_EQ(updated.status().field(), "service_since");
  }
  auto renamed = UpdateCustomer(
      *store_, carrier_, added->id, std::nullopt,
      [](Customer& x) {
        x.name = "Late Signup Jr";
        return Status::Ok();
      },
      At(evening));
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ(renamed->service_since, (CivilDate{2025, 3, 3}));
}

// ---- 64.2010(b): telephone ----

TEST_F(AuthTest, Rule_64_2010_b_CallDetailOnlyAfterPassword) {
  Enroll(customer_, T0());
  const int64_t call = OpenCall(customer_, T0());
  rules::Decision before = DecideAccess(call, customer_, {rules::CpniCategory::kCallDetail});
  EXPECT_FALSE(before.allowed);
  auto bad = VerifyCallerPassword(*store_, carrier_, call, "wrong-password-1", policy_, Csr(T0()));
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->passed);
  EXPECT_EQ(bad->outcome, "failed");
  EXPECT_FALSE(DecideAccess(call, customer_, {rules::CpniCategory::kCallDetail}).allowed);
  auto good = VerifyCallerPassword(*store_, carrier_, call, kPassword, policy_, Csr(T0()));
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->passed);
  EXPECT_EQ(good->citation, "47 CFR 64.2010(b)");
  rules::Decision after = DecideAccess(call, customer_, {rules::CpniCategory::kCallDetail});
  EXPECT_TRUE(after.allowed) << after.reason;
  // The session recorded both steps with their outcomes.
  auto view = GetVerification(*store_, carrier_, call, T0());
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->steps.size(), 2u);
  EXPECT_EQ(view->steps[0].outcome, "failed");
  EXPECT_EQ(view->steps[1].outcome, "passed");
  // A closed session no longer answers for the decision.
  ASSERT_TRUE(CloseVerification(*store_, carrier_, call, Csr(T0())).ok());
  EXPECT_EQ(DecisionContextForSession(*store_, carrier_, call, customer_, T0()).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(AuthTest, Rule_64_2010_b_CallerStatedCallDetailAllowsOnlyThatDetail) {
  const int64_t call = OpenCall(customer_, T0());
  auto r = RecordCallerStatedCallDetail(*store_, carrier_, call,
                                        "call to +1 321 555 0100 on 2025-03-01, about 4 minutes",
                                        policy_, Csr(T0()));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->passed);
  EXPECT_FALSE(r->session.authenticated);  // not an authentication
  EXPECT_NE(r->reason.find("only"), std::string::npos);
  EXPECT_TRUE(DecideAccess(call, customer_, {rules::CpniCategory::kCallDetail}).allowed);
  EXPECT_FALSE(DecideAccess(call, customer_,
                            {rules::CpniCategory::kCallDetail, rules::CpniCategory::kBilling})
                   .allowed);
  EXPECT_FALSE(DecideAccess(call, customer_, {rules::CpniCategory::kUsage}).allowed);
}

TEST_F(AuthTest, Rule_64_2010_b_CallBackOnlyToTelephoneNumberOfRecord) {
  const int64_t call = OpenCall(customer_, T0());
  auto contact = RecordCallBack(*store_, carrier_, call, "+13215550199", true, policy_, Csr(T0()));
  ASSERT_TRUE(contact.ok());
  EXPECT_EQ(contact->outcome, "refused");
  EXPECT_NE(contact->reason.find("not a telephone number of record"), std::string::npos);
  auto missed = RecordCallBack(*store_, carrier_, call, "+14075550142", false, policy_, Csr(T0()));
  ASSERT_TRUE(missed.ok());
  EXPECT_EQ(missed->outcome, "no_answer");
  EXPECT_FALSE(DecideAccess(call, customer_, {rules::CpniCategory::kCallDetail}).allowed);
  auto reached = RecordCallBack(*store_, carrier_, call, "+14075550142", true, policy_, Csr(T0()));
  ASSERT_TRUE(reached.ok());
  EXPECT_TRUE(reached->passed);
  auto ctx = DecisionContextForSession(*store_, carrier_, call, customer_, T0());
  ASSERT_TRUE(ctx.ok());
  EXPECT_EQ(ctx->channel, rules::AccessChannel::kNumberOfRecord);
  EXPECT_TRUE(DecideAccess(call, customer_, {rules::CpniCategory::kCallDetail}).allowed);
}

TEST_F(AuthTest, Rule_64_2010_b_SendToAddressOfRecordOnlyAfterThirtyDays) {
  const int64_t call = OpenCall(customer_, T0());
  auto r =
      ReleaseToAddressOfRecord(*store_, carrier_, call, AddressKind::kPostal, policy_, Csr(T0()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->step.passed);
  EXPECT_EQ(r->destination, "1187 Magnolia Crescent, Longwood, FL 32750");
  EXPECT_TRUE(DecideAccess(call, customer_, {rules::CpniCategory::kCallDetail}, true).allowed);
}

// ---- 64.2010(a): other CPNI after authentication; pretexting measures ----

TEST_F(AuthTest, Rule_64_2010_a_OtherCpniNeedsAuthenticationAndFailuresAreCounted) {
  Enroll(customer_, T0());
  const int64_t call = OpenCall(customer_, T0());
  EXPECT_FALSE(DecideAccess(call, customer_, {rules::CpniCategory::kUsage}).allowed);
  ASSERT_TRUE(
      VerifyBackupAnswer(*store_, carrier_, call, "  captain   WHISKERS ", policy_, Csr(T0()))
          ->passed);
  EXPECT_TRUE(DecideAccess(call, customer_, {rules::CpniCategory::kUsage}).allowed);
  // Per calling number: failures against two accounts from one number raise a flag.
  const CustomerId other = NewCustomer("ACCT-77001-2", "Morgan Lee", "+14075550163");
  const Instant t = T0() + kMicrosPerSecond;
  const int64_t c1 = OpenCall(customer_, t, "+13055550111");
  const int64_t c2 = OpenCall(other, t, "+13055550111");
  ASSERT_FALSE(VerifyCallerPassword(*store_, carrier_, c1, "guess-one-x", policy_, Csr(t))->passed);
  auto second = VerifyCallerPassword(*store_, carrier_, c2, "guess-two-x", policy_, Csr(t));
  ASSERT_TRUE(second.ok());
  ASSERT_FALSE(second->flags_raised.empty());
  // Counted per account and per calling number, shown to the CSR.
  EXPECT_EQ(second->session.number_failures_24h, 2);
  EXPECT_EQ(second->session.number_accounts_24h, 2);
  EXPECT_EQ(second->session.account_failures_24h, 1);
  auto flags = ListPretextingFlags(*store_, carrier_, "open", Instant(), Instant());
  ASSERT_TRUE(flags.ok());
  bool by_number = false;
  for (const auto& f : *flags) {
    if (f.kind == "calling_number" && f.key == "+13055550111") {
      by_number = true;
      EXPECT_EQ(f.accounts, 2);
      EXPECT_NE(f.evidence.find("\"steps\""), std::string::npos);
    }
  }
  EXPECT_TRUE(by_number);
}

TEST_F(AuthTest, Rule_64_2010_a_OneCsrFailingAcrossAccountsIsFlagged) {
  // A CSR "verifying" callers on three accounts without the password, each
  // from a different number (a pretexter coaching an insider, or the insider).
  std::vector<CustomerId> accounts = {customer_,
                                      NewCustomer("ACCT-70001-1", "Avery One", "+14075550171"),
                                      NewCustomer("ACCT-70002-2", "Blake Two", "+14075550172")};
  std::vector<int64_t> raised;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const int64_t call = OpenCall(accounts[i], T0(), "+1305555020" + std::to_string(i));
    auto r = VerifyCallerPassword(*store_, carrier_, call, "guess-" + std::to_string(i) + "-xyz",
                                  policy_, Csr(T0()));
    ASSERT_TRUE(r.ok());
    raised = r->flags_raised;
  }
  ASSERT_FALSE(raised.empty());
  auto flags = ListPretextingFlags(*store_, carrier_, "open", Instant(), Instant());
  ASSERT_TRUE(flags.ok());
  bool by_staff = false;
  for (const auto& f : *flags) {
    if (f.kind == "staff") {
      by_staff = true;
      EXPECT_EQ(f.key, "staff:" + csr_.ToString());
      EXPECT_EQ(f.accounts, 3);
      EXPECT_EQ(json::parse(f.evidence)["steps"].size(), 3u);
    }
  }
  EXPECT_TRUE(by_staff);
  // The flag is in the ledger for the security role and the certification.
  EXPECT_NE(LedgerText().find("auth.pretexting_flagged"), std::string::npos);
  auto reviewed = ReviewPretextingFlag(*store_, carrier_, (*flags)[0].id,
                                       "reviewed the calls with the supervisor", At(T0()));
  ASSERT_TRUE(reviewed.ok());
  EXPECT_EQ(reviewed->state, "reviewed");
  auto summary = SummarizePretexting(*store_, carrier_, 2025);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->by_staff, 1);
  EXPECT_EQ(summary->reviewed, 1);
}

// ---- 64.2010(c): online ----

TEST_F(AuthTest, Rule_64_2010_c_OnlineAccessOnlyWithPasswordLockoutWithBackoff) {
  Enroll(customer_, T0());
  const int64_t visit = OpenStore(customer_, T0());
  ASSERT_TRUE(RecordPhotoId(*store_, carrier_, visit,
                            {"passport", "U.S. Department of State", "X991", CivilDate{2030, 5, 1},
                             true, csr_},
                            policy_, Csr(T0()))
                  ->passed);
  SecretAuthorization auth;
  auth.session_id = visit;
  auto acct = SetOnlineAccount(*store_, carrier_, customer_, "dana-w", auth, policy_, Csr(T0()));
  ASSERT_TRUE(acct.ok()) << acct.status().ToString();
  EXPECT_FALSE(acct->notifications.empty());  // 64.2010(f): online account created
  const Actor web = At(T0(), "system:portal");
  auto ok = OnlineSignIn(*store_, carrier_, "dana-w", kPassword, policy_, web);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->session.authenticated);
  EXPECT_FALSE(ok->token.empty());
  auto ctx = DecisionContextForSession(*store_, carrier_, ok->session.row.id, customer_, T0());
  ASSERT_TRUE(ctx.ok());
  EXPECT_EQ(ctx->channel, rules::AccessChannel::kOnline);
  EXPECT_TRUE(ctx->flags.Has(rules::ContextFlag::kPasswordProvided));
  // Unknown login and wrong password answer alike.
  EXPECT_EQ(
      OnlineSignIn(*store_, carrier_, "nobody", kPassword, policy_, web).status().message(),
      OnlineSignIn(*store_, carrier_, "dana-w", "nope-nope-1", policy_, web).status().message());
  // Lockout after online_lock_after failures, growing.
  for (int i = 1; i < policy_.online_lock_after; ++i) {
    ASSERT_EQ(
        OnlineSignIn(*store_, carrier_, "dana-w", "nope-nope-1", policy_, web).status().code(),
        StatusCode::kUnauthenticated);
  }
  int64_t retry = 0;
  auto locked = OnlineSignIn(*store_, carrier_, "dana-w", kPassword, policy_, web, &retry);
  EXPECT_EQ(locked.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(retry, policy_.online_lock_base_us / kMicrosPerSecond);
  const Actor later = At(T0() + policy_.online_lock_base_us + kMicrosPerSecond, "system:portal");
  ASSERT_EQ(
      OnlineSignIn(*store_, carrier_, "dana-w", "nope-nope-1", policy_, later).status().code(),
      StatusCode::kUnauthenticated);
  retry = 0;
  EXPECT_EQ(
      OnlineSignIn(*store_, carrier_, "dana-w", kPassword, policy_, later, &retry).status().code(),
      StatusCode::kResourceExhausted);
  EXPECT_EQ(retry, 2 * policy_.online_lock_base_us / kMicrosPerSecond);  // doubled
}

TEST_F(AuthTest, Rule_64_2010_c_ResetOnlyThroughBackupOrNumberOfRecord) {
  Enroll(customer_, T0());
  const int64_t visit = OpenStore(customer_, T0());
  ASSERT_TRUE(RecordPhotoId(*store_, carrier_, visit,
                            {"state_id", "FL", "3K9P", CivilDate{2028, 2, 2}, true, csr_}, policy_,
                            Csr(T0()))
                  ->passed);
  SecretAuthorization auth;
  auth.session_id = visit;
  ASSERT_TRUE(
      SetOnlineAccount(*store_, carrier_, customer_, "dana-w", auth, policy_, Csr(T0())).ok());
  const Actor web = At(T0(), "system:portal");
  // Biographical "proof" cannot reset: only the back-up answer or a code.
  EXPECT_EQ(ResetPasswordOnline(*store_, carrier_, "dana-w", "", "Whitfield", "Brand-New-Pass-9",
                                policy_, web)
                .status()
                .code(),
            StatusCode::kUnauthenticated);
  auto by_answer = ResetPasswordOnline(*store_, carrier_, "dana-w", "", kAnswer, "Brand-New-Pass-9",
                                       policy_, web);
  ASSERT_TRUE(by_answer.ok()) << by_answer.status().ToString();
  EXPECT_EQ(by_answer->setup_path, "online_backup_answer");
  EXPECT_FALSE(by_answer->notifications.empty());
  // A code goes to the telephone number of record; the code is in the outbox
  // only, and a wrong one fails.
  ASSERT_TRUE(
      RequestPasswordReset(*store_, carrier_, "dana-w", ResetChannel::kText, policy_, web).ok());
  EXPECT_TRUE(
      RequestPasswordReset(*store_, carrier_, "nobody", ResetChannel::kText, policy_, web).ok());
  std::string code;
  for (const auto& n : Notices(customer_)) {
    if (n.change_kind == "reset_code") {
      EXPECT_EQ(n.destination, "+14075550142");
      const size_t at = n.message.find("is ");
      code = n.message.substr(at + 3, 6);
    }
  }
  ASSERT_EQ(code.size(), 6u);
  EXPECT_EQ(ResetPasswordOnline(*store_, carrier_, "dana-w", "000000x", "", "Brand-New-Pass-7",
                                policy_, web)
                .status()
                .code(),
            StatusCode::kUnauthenticated);
  auto by_code =
      ResetPasswordOnline(*store_, carrier_, "dana-w", code, "", "Brand-New-Pass-7", policy_, web);
  ASSERT_TRUE(by_code.ok()) << by_code.status().ToString();
  EXPECT_EQ(by_code->setup_path, "reset_code:text");
  // Used once only.
  EXPECT_FALSE(
      ResetPasswordOnline(*store_, carrier_, "dana-w", code, "", "Brand-New-Pass-8", policy_, web)
          .ok());
  EXPECT_TRUE(OnlineSignIn(*store_, carrier_, "dana-w", "Brand-New-Pass-7", policy_, web).ok());
}

TEST_F(AuthTest, Rule_64_2010_e_ResetCodeGuessesAreCountedAndUseItUp) {
  Enroll(customer_, T0());
  const Actor web = At(T0(), "system:portal");
  ASSERT_TRUE(RequestPasswordReset(*store_, carrier_, "x", ResetChannel::kText, policy_, web).ok());
  SecretAuthorization by_code;
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
                store::ResetCodeRow row;
                row.carrier = carrier_;
                row.customer = customer_;
                row.code_hash = TokenHash("424242");
                row.channel = "text";
                row.created_at = T0();
                row.expires_at = T0() + policy_.reset_code_us;
                return tx.InsertResetCode(row).status();
              }).ok());
  for (int i = 0; i < policy_.reset_code_attempts; ++i) {
    by_code.reset_code = "00000" + std::to_string(i);
    EXPECT_EQ(SetCpniPassword(*store_, carrier_, customer_, "Brand-New-Pass-9", by_code, policy_,
                              web)
                  .status()
                  .code(),
              StatusCode::kUnauthenticated);
  }
  // The guesses were kept although each change was refused: the code is spent.
  by_code.reset_code = "424242";
  EXPECT_EQ(SetCpniPassword(*store_, carrier_, customer_, "Brand-New-Pass-9", by_code, policy_, web)
                .status()
                .code(),
            StatusCode::kUnauthenticated);
}

// ---- 64.2010(d): in store ----

TEST_F(AuthTest, Rule_64_2010_d_InStoreValidPhotoIdRecorded) {
  const int64_t visit = OpenStore(customer_, T0());
  EXPECT_FALSE(DecideAccess(visit, customer_, {rules::CpniCategory::kBilling}).allowed);
  // Not government-issued.
  EXPECT_TRUE(RecordPhotoId(*store_, carrier_, visit,
                            {"student_card", "UCF", "1234", CivilDate{2030, 1, 1}, true, csr_},
                            policy_, Csr(T0()))
                  .status()
                  .IsInvalidArgument());
  // Expired.
  auto expired = RecordPhotoId(*store_, carrier_, visit,
                               {"drivers_license", "FL", "7Q2Z", CivilDate{2024, 1, 1}, true, csr_},
                               policy_, Csr(T0()));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->outcome, "refused");
  EXPECT_NE(expired->reason.find("expired"), std::string::npos);
  // Does not match the account holder.
  auto other = RecordPhotoId(*store_, carrier_, visit,
                             {"drivers_license", "FL", "7Q2Z", CivilDate{2029, 1, 1}, false, csr_},
                             policy_, Csr(T0()));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->outcome, "failed");
  auto good = RecordPhotoId(*store_, carrier_, visit,
                            {"drivers_license", "FL", "7Q2Z", CivilDate{2029, 1, 1}, true, csr_},
                            policy_, Csr(T0()));
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->passed);
  EXPECT_EQ(good->citation, "47 CFR 64.2010(d)");
  EXPECT_TRUE(DecideAccess(visit, customer_, {rules::CpniCategory::kBilling}).allowed);
  // Recorded: type, issuer, last 4, staff member (in the payload).
  const std::string ledger = LedgerText();
  EXPECT_NE(ledger.find("\"issuer\":\"FL\""), std::string::npos);
  EXPECT_NE(ledger.find("\"last4\":\"7Q2Z\""), std::string::npos);
  EXPECT_NE(ledger.find("\"staff\":" + csr_.ToString()), std::string::npos);
  // Photo ID is for store visits only.
  const int64_t call = OpenCall(customer_, T0());
  EXPECT_EQ(RecordPhotoId(*store_, carrier_, call,
                          {"drivers_license", "FL", "7Q2Z", CivilDate{2029, 1, 1}, true, csr_},
                          policy_, Csr(T0()))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

// ---- 64.2010(g): business customers ----

TEST_F(AuthTest, Rule_64_2010_g_BusinessAlternativeOnlyForContractCustomers) {
  const CustomerId biz =
      NewCustomer("BIZ-3301", "Acme Logistics LLC", "+14075550188", CustomerType::kBusiness);
  const int64_t call = OpenCall(biz, T0());
  auto wrong =
      RecordBusinessAlternative(*store_, carrier_, call, "MSA-1999-0001",
                                "call-back to the registered administrator", policy_, Csr(T0()));
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->outcome, "failed");
  auto good =
      RecordBusinessAlternative(*store_, carrier_, call, "MSA-2024-0117",
                                "call-back to the registered administrator", policy_, Csr(T0()));
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->passed);
  EXPECT_EQ(good->citation, "47 CFR 64.2010(g)");
  EXPECT_NE(LedgerText().find("MSA-2024-0117"), std::string::npos);  // the contract reference
  // Only for them: a residential customer is refused.
  const int64_t res = OpenCall(customer_, T0());
  auto refused =
      RecordBusinessAlternative(*store_, carrier_, res, "MSA-2024-0117",
                                "call-back to the registered administrator", policy_, Csr(T0()));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->outcome, "refused");
  EXPECT_NE(refused->reason.find("64.2010(g)"), std::string::npos);
  EXPECT_FALSE(refused->session.authenticated);
}

// ---- 64.2010(f): account-change notices ----

TEST_F(AuthTest, Rule_64_2010_f_NoticeOnEveryChangeNeverToNewValueNeverRevealing) {
  Enroll(customer_, T0());
  auto notices = Notices(customer_);
  // Password created and back-up created: text to the number of record and a letter.
  ASSERT_EQ(notices.size(), 4u);
  for (const auto& n : notices) {
    EXPECT_EQ(n.state, "queued");
    EXPECT_EQ(n.message.find(kPassword), std::string::npos);
    EXPECT_EQ(n.message.find("Whiskers"), std::string::npos);
    if (n.channel == "text") {
      EXPECT_EQ(n.destination, "+14075550142");
    }
    if (n.channel == "mail") {
      EXPECT_EQ(n.destination, "1187 Magnolia Crescent, Longwood, FL 32750");
    }
  }
  // Address of record changed: the notice goes to the old address and the
  // number of record, and does not say the new address.
  auto updated = UpdateCustomer(
      *store_, carrier_, customer_, std::nullopt,
      [](Customer& c) {
        c.address_of_record = {"77 Harbor View Rd", "Tampa", "FL", "33602", "US"};
        return Status::Ok();
      },
      Csr(T0()));
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  notices = Notices(customer_);
  ASSERT_EQ(notices.size(), 6u);
  for (size_t i = 4; i < 6; ++i) {
    const auto& n = notices[i];
    EXPECT_EQ(n.change_kind, "postal_address");
    EXPECT_EQ(n.destination.find("Harbor"), std::string::npos);
    EXPECT_EQ(n.message.find("Harbor"), std::string::npos);
    EXPECT_EQ(n.message.find("Tampa"), std::string::npos);
    if (n.channel == "mail") {
      EXPECT_EQ(n.destination, "1187 Magnolia Crescent, Longwood, FL 32750");
    }
    EXPECT_EQ(n.due_by - n.created_at, 3600 * kMicrosPerSecond);
  }
  // A change that touches no authentication data is not notified.
  ASSERT_TRUE(UpdateCustomer(
                  *store_, carrier_, customer_, std::nullopt,
                  [](Customer& c) {
                    c.name = "Dana Whitfield-Ray";
                    return Status::Ok();
                  },
                  Csr(T0()))
                  .ok());
  EXPECT_EQ(Notices(customer_).size(), 6u);
}

// ---- pretexting scripts ----

TEST_F(AuthTest, Pretexting_WrongPasswordThriceThenBiographicalBackupAnswer) {
  Enroll(customer_, T0());
  const int64_t call = OpenCall(customer_, T0(), "+12025550123");
  for (const char* guess : {"password123", "Dana1985!!", "Magnolia1187"}) {
    auto r = VerifyCallerPassword(*store_, carrier_, call, guess, policy_, Csr(T0()));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->outcome, "failed");
  }
  // The pretexter "knows" her mother's maiden name and birthday; the back-up
  // answer could never have been biographical, and the account is locked anyway.
  auto backup = VerifyBackupAnswer(*store_, carrier_, call, "Whitfield", policy_, Csr(T0()));
  ASSERT_TRUE(backup.ok());
  EXPECT_FALSE(backup->passed);
  EXPECT_EQ(backup->outcome, "refused");
  EXPECT_FALSE(DecideAccess(call, customer_, {rules::CpniCategory::kCallDetail}).allowed);
  // A new call the next minute from another number is still locked.
  const Instant later = T0() + 60 * kMicrosPerSecond;
  const int64_t again = OpenCall(customer_, later, "+12025550999");
  auto right = VerifyCallerPassword(*store_, carrier_, again, kPassword, policy_, Csr(later));
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->outcome, "refused");
  EXPECT_NE(right->reason.find("locked"), std::string::npos);
  // Flagged for the security role against the account, with the evidence.
  auto flags = ListPretextingFlags(*store_, carrier_, "open", Instant(), Instant());
  ASSERT_TRUE(flags.ok());
  bool account_flag = false;
  for (const auto& f : *flags) {
    if (f.kind == "account" && f.key == customer_.ToString()) {
      account_flag = true;
      EXPECT_GE(f.failures, 3);
      auto ev = json::parse(f.evidence);
      EXPECT_EQ(ev["steps"].size(), 3u);
    }
  }
  EXPECT_TRUE(account_flag);
  // Recorded for the certification.
  auto summary = SummarizePretexting(*store_, carrier_, 2025);
  ASSERT_TRUE(summary.ok());
  EXPECT_GE(summary->by_account, 1);
  // A call back to the number of record still works for the real customer.
  EXPECT_TRUE(
      RecordCallBack(*store_, carrier_, again, "+14075550142", true, policy_, Csr(later))->passed);
}

TEST_F(AuthTest, Pretexting_ChangeOfAddressThenSendCallDetailThere) {
  // The pretexter talks a CSR into changing the address, then asks for call
  // detail to be mailed "to my address".
  ASSERT_TRUE(UpdateCustomer(
                  *store_, carrier_, customer_, std::nullopt,
                  [](Customer& c) {
                    c.address_of_record = {"12 Drop Box Ln", "Miami", "FL", "33101", "US"};
                    c.address_since = CivilDate{2020, 1, 1};  // even if backdated
                    return Status::Ok();
                  },
                  Csr(T0()))
                  .ok());
  const int64_t call = OpenCall(customer_, T0());
  auto r =
      ReleaseToAddressOfRecord(*store_, carrier_, call, AddressKind::kPostal, policy_, Csr(T0()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->step.outcome, "refused");
  EXPECT_TRUE(r->destination.empty());
  EXPECT_NE(r->step.reason.find("not yet the address of record"), std::string::npos);
  EXPECT_EQ(
      DecisionContextForSession(*store_, carrier_, call, customer_, T0(), true).status().code(),
      StatusCode::kFailedPrecondition);
  // The real customer was told at the old address and the number of record.
  bool old_address = false;
  for (const auto& n : Notices(customer_)) {
    EXPECT_EQ(n.destination.find("Drop Box"), std::string::npos);
    old_address = old_address || n.destination.find("Magnolia") != std::string::npos;
  }
  EXPECT_TRUE(old_address);
  // Thirty days later the address is of record.
  const Instant later = T0() + 31 * kMicrosPerDay;
  const int64_t call2 = OpenCall(customer_, later);
  auto r2 =
      ReleaseToAddressOfRecord(*store_, carrier_, call2, AddressKind::kPostal, policy_, Csr(later));
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->step.passed);
}

TEST_F(AuthTest, Pretexting_NotificationAimedAtNewEmail) {
  store::NotificationSettingsRow s;
  s.carrier = carrier_;
  s.channels = "text;email;mail";
  ASSERT_TRUE(PutNotificationSettings(*store_, s, At(T0())).ok());
  ASSERT_TRUE(UpdateCustomer(
                  *store_, carrier_, customer_, std::nullopt,
                  [](Customer& c) {
                    c.email = "attacker@evil.example";
                    return Status::Ok();
                  },
                  Csr(T0()))
                  .ok());
  auto notices = Notices(customer_);
  ASSERT_EQ(notices.size(), 3u);
  for (const auto& n : notices) {
    EXPECT_EQ(n.change_kind, "email_address");
    EXPECT_NE(n.destination, "attacker@evil.example");
    EXPECT_EQ(n.message.find("attacker"), std::string::npos);
    if (n.channel == "email") {
      EXPECT_EQ(n.destination, "dana.whitfield@example.org");
    }
  }
  // Then a password change right away: the e-mail notice still goes to the old
  // address (the new one is not of record for 30 days).
  Enroll(customer_, T0() + kMicrosPerSecond);
  for (const auto& n : Notices(customer_)) {
    EXPECT_NE(n.destination, "attacker@evil.example") << n.change_kind;
  }
  // And a release by e-mail is refused.
  const int64_t call = OpenCall(customer_, T0() + 2 * kMicrosPerSecond);
  auto r = ReleaseToAddressOfRecord(*store_, carrier_, call, AddressKind::kEmail, policy_,
                                    Csr(T0() + 2 * kMicrosPerSecond));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->step.outcome, "refused");
}

// ---- timing-safe comparison, secrets kept out of the ledger ----

TEST_F(AuthTest, ConstantTimeEqualsComparesEveryByte) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
  // Time does not depend on where the first difference is.
  const std::string a(1 << 16, 'x');
  std::string early = a, late = a;
  early[0] = 'y';
  late[a.size() - 1] = 'y';
  auto time_of = [&](const std::string& b) {
    const auto start = std::chrono::steady_clock::now();
    bool eq = false;
    for (int i = 0; i < 200; ++i) eq = eq || ConstantTimeEquals(a, b);
    EXPECT_FALSE(eq);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double best_early = 1e9, best_late = 1e9;
  for (int round = 0; round < 5; ++round) {
    best_early = std::min(best_early, time_of(early));
    best_late = std::min(best_late, time_of(late));
  }
  EXPECT_LT(best_early / best_late, 3.0);
  EXPECT_GT(best_early / best_late, 1.0 / 3.0);
}

TEST_F(AuthTest, VerifyingWithoutASecretCostsTheSameArgon2Work) {
  // A customer without a password is verified against a dummy encoding, so
  // the answer time does not reveal whether a password exists.
  policy_.cost = {1, 8 * 1024, 1};
  Enroll(customer_, T0());
  const CustomerId bare = NewCustomer("ACCT-90001-1", "Lee Bare", "+14075550111");
  auto time_of = [&](CustomerId who) {
    double best = 1e9;
    for (int i = 0; i < 3; ++i) {
      const int64_t call = OpenCall(who, T0() + i);
      const auto start = std::chrono::steady_clock::now();
      EXPECT_TRUE(VerifyCallerPassword(*store_, carrier_, call, "not-the-one-x", policy_,
                                       At(T0() + i, "cli"))
                      .ok());
      best = std::min(
          best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
  };
  const double with = time_of(customer_), without = time_of(bare);
  EXPECT_GT(without, with / 4) << "with " << with << " s, without " << without << " s";
}

TEST_F(AuthTest, SecretsNeverReachTheLedgerOrTheOutbox) {
  Enroll(customer_, T0());
  const int64_t call = OpenCall(customer_, T0());
  (void)VerifyCallerPassword(*store_, carrier_, call, "Wrong-But-Secret-77", policy_, Csr(T0()));
  (void)VerifyCallerPassword(*store_, carrier_, call, kPassword, policy_, Csr(T0()));
  (void)SetCpniPassword(*store_, carrier_, customer_, "ACCT-55123-9",
                        SecretAuthorization{call, "", false, std::nullopt}, policy_, Csr(T0()));
  const std::string ledger = LedgerText();
  for (const std::string& secret :
       {std::string(kPassword), std::string(kAnswer), std::string("captain whiskers"),
        std::string("Wrong-But-Secret-77"), std::string("$argon2id")}) {
    EXPECT_EQ(ledger.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(ledger.find("auth.secret_refused"), std::string::npos);
  for (const auto& n : Notices(customer_)) {
    EXPECT_EQ(n.message.find(kPassword), std::string::npos);
  }
  // The status shows what is set, never the hash.
  auto status = GetSecretsStatus(*store_, carrier_, customer_);
  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(status->password.has_value());
  EXPECT_TRUE(status->password->secret_hash.empty());
  // Every step is in the ledger and the ledger verifies.
  EXPECT_NE(ledger.find("auth.password.failed"), std::string::npos);
  EXPECT_NE(ledger.find("auth.password.passed"), std::string::npos);
  Status verified = store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto report, tx.VerifyLedger(carrier_));
    return report.valid ? Status::Ok() : Status::DataLoss("ledger does not verify");
  });
  EXPECT_TRUE(verified.ok()) << verified.ToString();
}

// 64.2003(b): an address set 2025-03-01 10:00 EST is dated 2025-03-01 in the
// carrier's zone and is the address of record only once 30 whole local days
// have passed: from 2025-04-01 00:00 EDT. Counting UTC dates released call
// detail there at 2025-03-30 20:00 EDT (29 days 10 hours).
TEST_F(AuthTest, Cfr64_2003bAddressOfRecordAfterThirtyDaysInTheCarriersZone) {
  const Instant set = *Instant::Parse("2025-03-01T15:00:00Z");
  auto updated = UpdateCustomer(
      *store_, carrier_, customer_, std::nullopt,
      [](Customer& c) {
        c.address_of_record = {"77 Harbor View Rd", "Tampa", "FL", "33602", "US"};
        c.address_since = CivilDate{};  // as the API does: the service dates it
        return Status::Ok();
      },
      Csr(set));
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->address_since, (CivilDate{2025, 3, 1}));
  auto release = [&](const char* at) {
    const Instant now = *Instant::Parse(at);
    const int64_t call = OpenCall(customer_, now);
    auto r = ReleaseToAddressOfRecord(*store_, carrier_, call, AddressKind::kPostal, policy_,
                                      Csr(now));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->step : StepResult{};
  };
  const StepResult utc_day = release("2025-03-31T00:00:00Z");  // 20:00 EDT on Mar 30
  EXPECT_EQ(utc_day.outcome, "refused");
  EXPECT_NE(utc_day.reason.find("47 CFR 64.2003(b)"), std::string::npos) << utc_day.reason;
  EXPECT_EQ(release("2025-04-01T03:59:59.999999Z").outcome, "refused");
  EXPECT_EQ(release("2025-04-01T04:00:00Z").outcome, "passed");
}

// A change at 21:00 EST on 2025-03-01 (02:00Z on 03-02) is dated 03-01 where
// the carrier is: the day of the change is the carrier's local day.
TEST_F(AuthTest, Cfr64_2003bAnAddressIsDatedWithTheCarriersLocalDay) {
  auto updated = UpdateCustomer(
      *store_, carrier_, customer_, std::nullopt,
      [](Customer& c) {
        c.address_of_record = {"77 Harbor View Rd", "Tampa", "FL", "33602", "US"};
        c.address_since = CivilDate{};  // as the API does: the service dates it
        return Status::Ok();
      },
      Csr(*Instant::Parse("2025-03-02T02:00:00Z")));
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->address_since, (CivilDate{2025, 3, 1}));
}

}  // namespace
}  // namespace proprio::services
