// The account-change outbox (47 CFR 64.2010(f)) with a scripted transport:
// retries with back-off and the same idempotency key, permanent failures,
// leases, overdue alerts, printable letters.
#include "services/notifications.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "report/testing/pdf_check.h"
#include "services/customer_auth.h"
#include "services/customer_update.h"

namespace proprio::services {
namespace {

// The PDF's text as pdftotext reads it (whitespace folded), its fonts embedded.
std::string PdfText(const std::string& pdf) {
  EXPECT_EQ(report::testing::NotEmbedded(pdf), "");
  auto text = report::testing::PdfText(pdf);
  EXPECT_TRUE(text.ok()) << text.status().message();
  return text.ok() ? *text : "";
}

using nlohmann::json;

Instant T0() { return *Instant::Parse("2025-03-03T15:00:00Z"); }

class ScriptedTransport : public WebhookTransport {
 public:
  std::vector<int> script;  // statuses to answer, then 200
  struct Call {
    std::string url, key, body, signature;
  };
  std::vector<Call> calls;
  WebhookResponse Post(const std::string& url, const std::string& key, const std::string& body,
                       const std::string& signature) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls.push_back({url, key, body, signature});
    WebhookResponse r;
    r.status = calls.size() <= script.size() ? script[calls.size() - 1] : 200;
    if (r.status == 0) r.error = "connection refused";
    return r;
  }

 private:
  std::mutex mu_;
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio_outbox_XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    auto opened = store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/p.db"));
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    Carrier c;
    c.legal_name = "Example Telephone Co.";
    c.filer_id_499 = "812345";
    c.address = {"1 Main St", "Orlando", "FL", "32801", "US"};
    c.time_zone = "America/New_York";
    carrier_ = AddCarrier(*store_, c, At(T0()))->id;
    Customer k;
    k.carrier = carrier_;
    k.account_number = "A-100";
    k.name = "Pat Jones";
    k.phones_of_record = {"+14075550100"};
    k.address_of_record = {"5 Oak Ave", "Orlando", "FL", "32803", "US"};
    k.address_since = CivilDate{2022, 1, 1};
    customer_ = AddCustomer(*store_, k, At(T0() + (-100 * kMicrosPerDay)))->id;
    store::NotificationSettingsRow s;
    s.carrier = carrier_;
    s.webhook_url = "http://127.0.0.1:9/hook";
    s.channels = "text;mail";
    s.bound_seconds = 600;
    s.max_attempts = 3;
    s.backoff_base_ms = 1000;
    s.backoff_max_ms = 60000;
    s.callback_phone = "+18005550199";
    ASSERT_TRUE(PutNotificationSettings(*store_, s, At(T0())).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Actor At(Instant now) {
    Actor a;
    a.id = "system:test";
    a.now = now;
    return a;
  }
  void ChangeAddress(Instant now) {
    ASSERT_TRUE(UpdateCustomer(
                    *store_, carrier_, customer_, std::nullopt,
                    [](Customer& c) {
                      c.address_of_record = {"9 New Rd", "Tampa", "FL", "33602", "US"};
                      return Status::Ok();
                    },
                    At(now))
                    .ok());
  }
  store::NotificationRow Text() {
    store::NotificationFilter f;
    auto list = ListNotifications(*store_, carrier_, f);
    for (const auto& n : *list) {
      if (n.channel == "text") return n;
    }
    ADD_FAILURE() << "no text notice";
    return {};
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  CarrierId carrier_;
  CustomerId customer_;
};

TEST_F(OutboxTest, Rule_64_2010_f_WebhookRetriesWithBackoffAndOneIdempotencyKey) {
  ChangeAddress(T0());
  ScriptedTransport t;
  t.script = {503, 0};
  DeliveryOptions o;
  o.transport = &t;
  auto r1 = DeliverDueNotifications(*store_, carrier_, o, At(T0()));
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->retrying, 1);
  auto n = Text();
  EXPECT_EQ(n.state, "retrying");
  EXPECT_EQ(n.last_error, "HTTP 503");
  EXPECT_EQ(n.next_attempt_at, T0() + 1000 * 1000);
  // Not due yet: nothing is sent.
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0() + 500 * 1000)).ok());
  EXPECT_EQ(t.calls.size(), 1u);
  auto r2 = DeliverDueNotifications(*store_, carrier_, o, At(T0() + 1000 * 1000));
  ASSERT_TRUE(r2.ok());
  n = Text();
  EXPECT_EQ(n.state, "retrying");
  EXPECT_EQ(n.last_error, "connection refused");
  EXPECT_EQ(n.next_attempt_at, T0() + 1000 * 1000 + 2000 * 1000);  // doubled
  auto r3 = DeliverDueNotifications(*store_, carrier_, o, At(T0() + 3000 * 1000));
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->delivered, 1);
  n = Text();
  EXPECT_EQ(n.state, "delivered");
  EXPECT_EQ(n.attempts, 3);
  ASSERT_EQ(t.calls.size(), 3u);
  for (const auto& c : t.calls) {
    EXPECT_EQ(c.key, n.idempotency_key);
    EXPECT_EQ(c.url, "http://127.0.0.1:9/hook");
    auto body = json::parse(c.body);
    EXPECT_EQ(body["to"], "+14075550100");
    EXPECT_EQ(body["idempotency_key"], n.idempotency_key);
    EXPECT_EQ(c.body.find("New Rd"), std::string::npos);
    EXPECT_EQ(c.body.find("Tampa"), std::string::npos);
  }
}

TEST_F(OutboxTest, PermanentFailureAndRetryBound) {
  ChangeAddress(T0());
  ScriptedTransport t;
  t.script = {400};
  DeliveryOptions o;
  o.transport = &t;
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0())).ok());
  EXPECT_EQ(Text().state, "failed");
  auto requeued = RetryNotification(*store_, carrier_, Text().id, At(T0()));
  ASSERT_TRUE(requeued.ok());
  EXPECT_EQ(requeued->state, "retrying");
  t.script = {400, 500, 500, 500};
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0())).ok());
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0() + 2000 * 1000)).ok());
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0() + 9000 * 1000)).ok());
  EXPECT_EQ(Text().state, "failed");  // max_attempts = 3
  EXPECT_EQ(Text().attempts, 3);
}

TEST_F(OutboxTest, OverdueRaisesAnAlert) {
  ChangeAddress(T0());
  auto b = NotificationBacklog(*store_, carrier_, T0() + 599 * kMicrosPerSecond);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->pending, 2);
  EXPECT_EQ(b->overdue, 0);
  b = NotificationBacklog(*store_, carrier_, T0() + 600 * kMicrosPerSecond);
  EXPECT_EQ(b->overdue, 2);
  EXPECT_TRUE(NotificationOverdue(Text(), T0() + 601 * kMicrosPerSecond));
  // Delivered notices are no longer pending.
  ScriptedTransport t;
  DeliveryOptions o;
  o.transport = &t;
  o.letters_dir = dir_ + "/letters";
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0() + kMicrosPerSecond)).ok());
  b = NotificationBacklog(*store_, carrier_, T0() + 700 * kMicrosPerSecond);
  EXPECT_EQ(b->pending, 0);
  EXPECT_EQ(b->overdue, 0);
}

TEST_F(OutboxTest, LeaseLapseResendsWithTheSameKey) {
  ChangeAddress(T0());
  // A worker claimed the notice and died before recording the answer.
  ASSERT_TRUE(
      store_
          ->Transact([&](store::Tx& tx) -> Status {
            return tx.ClaimDueNotifications(carrier_, false, T0(), T0() + 1000, 10).status();
          })
          .ok());
  EXPECT_EQ(Text().state, "sending");
  ScriptedTransport t;
  DeliveryOptions o;
  o.transport = &t;
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0() + 500)).ok());
  EXPECT_TRUE(t.calls.empty());  // still leased
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0() + 1000)).ok());
  ASSERT_EQ(t.calls.size(), 1u);
  EXPECT_EQ(t.calls[0].key, Text().idempotency_key);
  EXPECT_EQ(Text().state, "delivered");
}

TEST_F(OutboxTest, Rule_64_2010_f_LettersArePrintablePdfsToTheOldAddress) {
  ChangeAddress(T0());
  DeliveryOptions o;
  o.letters_dir = dir_ + "/letters";
  auto r = DeliverDueNotifications(*store_, carrier_, o, At(T0()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->letters.size(), 1u);
  std::ifstream in(r->letters[0], std::ios::binary);
  const std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
  const std::string text = PdfText(pdf);
  EXPECT_NE(text.find("Pat Jones"), std::string::npos);
  EXPECT_NE(text.find("5 Oak Ave"), std::string::npos);  // the old address of record
  EXPECT_EQ(text.find("New Rd"), std::string::npos);     // never the new one
  EXPECT_NE(text.find("postal address of record"), std::string::npos);
  EXPECT_NE(text.find("+18005550199"), std::string::npos);
  store::NotificationFilter f;
  auto listed = ListNotifications(*store_, carrier_, f);  // kept alive for the loop
  ASSERT_TRUE(listed.ok());
  for (const auto& n : *listed) {
    if (n.channel == "mail") {
      EXPECT_EQ(n.state, "printed");
    }
    if (n.channel == "text") {
      EXPECT_EQ(n.state, "queued");  // no transport given
    }
  }
}

TEST_F(OutboxTest, Rule_64_2010_f_NoticesAreDatedWhereTheCarrierIs) {
  // 02:30 UTC on 4 March is still 3 March in Orlando (America/New_York).
  const Instant evening = *Instant::Parse("2025-03-04T02:30:00Z");
  ChangeAddress(evening);
  const store::NotificationRow text = Text();
  EXPECT_NE(text.message.find("on 2025-03-03,"), std::string::npos) << text.message;
  DeliveryOptions o;
  o.letters_dir = dir_ + "/letters";
  auto r = DeliverDueNotifications(*store_, carrier_, o, At(evening));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->letters.size(), 1u);
  std::ifstream in(r->letters[0], std::ios::binary);
  const std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string letter = PdfText(pdf);
  EXPECT_NE(letter.find("2025-03-03"), std::string::npos);
  EXPECT_EQ(letter.find("2025-03-04"), std::string::npos);
}

TEST_F(OutboxTest, WebhookPostsAreSignedPerCarrierWhenTheInstallationHasAKey) {
  ChangeAddress(T0());
  ScriptedTransport transport;
  DeliveryOptions o;
  o.transport = &transport;
  o.webhook_key = std::string(32, 'k');
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0())).ok());
  ASSERT_EQ(transport.calls.size(), 1u);
  const auto& call = transport.calls[0];
  const std::string t = std::to_string(T0().micros() / kMicrosPerSecond);
  EXPECT_EQ(call.signature.rfind("t=" + t + ",v1=", 0), 0u) << call.signature;
  EXPECT_EQ(call.signature.size(), 2 + t.size() + 4 + 64);
  EXPECT_EQ(call.signature,
            WebhookSignature(CarrierWebhookKey(o.webhook_key, carrier_), T0(), call.body));
  // Each carrier has its own key; a changed body no longer matches.
  EXPECT_NE(CarrierWebhookKey(o.webhook_key, carrier_),
            CarrierWebhookKey(o.webhook_key, CarrierId(carrier_.value() + 1)));
  EXPECT_EQ(CarrierWebhookKey(o.webhook_key, carrier_).size(), 32u);
  EXPECT_NE(call.signature, WebhookSignature(CarrierWebhookKey(o.webhook_key, carrier_), T0(),
                                             call.body + " "));
}

TEST_F(OutboxTest, WithoutAKeyWebhookPostsAreUnsigned) {
  ChangeAddress(T0());
  ScriptedTransport transport;
  DeliveryOptions o;
  o.transport = &transport;
  ASSERT_TRUE(DeliverDueNotifications(*store_, carrier_, o, At(T0())).ok());
  ASSERT_EQ(transport.calls.size(), 1u);
  EXPECT_TRUE(transport.calls[0].signature.empty());
}

TEST_F(OutboxTest, TheWebhookKeyFileIsCheckedWhenSet) {
  unsetenv(kWebhookKeyFileEnv);
  auto none = LoadWebhookKey();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  const std::string path = dir_ + "/webhook.key";
  setenv(kWebhookKeyFileEnv, path.c_str(), 1);
  EXPECT_EQ(LoadWebhookKey().status().code(), StatusCode::kFailedPrecondition);  // missing
  std::ofstream(path) << "too short";
  auto short_key = LoadWebhookKey();
  EXPECT_EQ(short_key.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(short_key.status().message().find(path), std::string::npos);
  EXPECT_EQ(short_key.status().message().find("too short"), std::string::npos);  // never the key
  std::ofstream(path) << std::string(40, 'x');
  auto key = LoadWebhookKey();
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, std::string(40, 'x'));
  unsetenv(kWebhookKeyFileEnv);
}

TEST_F(OutboxTest, SettingsAreValidated) {
  store::NotificationSettingsRow s;
  s.carrier = carrier_;
  s.webhook_url = "ftp://x";
  EXPECT_EQ(PutNotificationSettings(*store_, s, At(T0())).field(), "webhook_url");
  s.webhook_url = "";
  s.channels = "pigeon";
  EXPECT_EQ(PutNotificationSettings(*store_, s, At(T0())).field(), "channels");
  s.channels = "text";
  s.bound_seconds = 5;
  EXPECT_EQ(PutNotificationSettings(*store_, s, At(T0())).field(), "bound_seconds");
}

TEST_F(OutboxTest, WorkerDeliversInTheBackground) {
  ScriptedTransport t;
  DeliveryOptions o;
  o.transport = &t;
  NotificationWorker worker(*store_, o, std::chrono::milliseconds(20));
  worker.Start();
  ChangeAddress(Instant::Now());
  worker.Poke();
  for (int i = 0; i < 200 && Text().state != "delivered"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.Stop();
  EXPECT_EQ(Text().state, "delivered");
}

// 64.2010(f), 64.2003(b): a pretexter changes the address (5 Oak Ave, on file
// since 2022) to 9 New Rd, then five days later to 12 Drop Box Ln. The mail
// notice of the second change goes to 5 Oak Ave, the last address of record,
// never to 9 New Rd (on file five days); the text goes to the number of record.
TEST_F(OutboxTest, Cfr64_2010fAddressChangeNoticeGoesToTheLastAddressOfRecord) {
  ChangeAddress(T0());
  const Instant second = T0() + 5 * kMicrosPerDay;
  ASSERT_TRUE(UpdateCustomer(
                  *store_, carrier_, customer_, std::nullopt,
                  [](Customer& c) {
                    c.address_of_record = {"12 Drop Box Ln", "Miami", "FL", "33101", "US"};
                    return Status::Ok();
                  },
                  At(second))
                  .ok());
  store::NotificationFilter f;
  auto list = ListNotifications(*store_, carrier_, f);
  ASSERT_TRUE(list.ok());
  int mail = 0, text = 0;
  for (const auto& n : *list) {
    EXPECT_EQ(n.destination.find("New Rd"), std::string::npos) << n.destination;
    EXPECT_EQ(n.destination.find("Drop Box"), std::string::npos) << n.destination;
    if (n.channel == "mail") {
      ++mail;
      EXPECT_EQ(n.destination.find("5 Oak Ave"), 0u) << n.destination;
    }
    if (n.channel == "text") {
      ++text;
      EXPECT_EQ(n.destination, "+14075550100");
    }
  }
  EXPECT_EQ(mail, 2);
  EXPECT_EQ(text, 2);
  // A third change 31 days after the first: 9 New Rd was replaced before it
  // was ever of record, 12 Drop Box Ln has been on file 26 days: 5 Oak Ave.
  const Instant third = T0() + 31 * kMicrosPerDay;
  ASSERT_TRUE(UpdateCustomer(
                  *store_, carrier_, customer_, std::nullopt,
                  [](Customer& c) {
                    c.address_of_record = {"3 Elm St", "Orlando", "FL", "32801", "US"};
                    return Status::Ok();
                  },
                  At(third))
                  .ok());
  list = ListNotifications(*store_, carrier_, f);
  ASSERT_TRUE(list.ok());
  for (const auto& n : *list) {
    if (n.channel == "mail") {
      EXPECT_EQ(n.destination.find("5 Oak Ave"), 0u) << n.destination;
    }
  }
}

// 64.2010(f): with mail the only channel configured, an address change still
// goes to the telephone number of record by text.
TEST_F(OutboxTest, Cfr64_2010fAddressChangeAlwaysGoesToTheNumberOfRecord) {
  store::NotificationSettingsRow s;
  s.carrier = carrier_;
  s.channels = "mail";
  s.bound_seconds = 600;
  ASSERT_TRUE(PutNotificationSettings(*store_, s, At(T0())).ok());
  ChangeAddress(T0());
  store::NotificationFilter f;
  auto list = ListNotifications(*store_, carrier_, f);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  bool texted = false;
  for (const auto& n : *list) texted |= n.channel == "text" && n.destination == "+14075550100";
  EXPECT_TRUE(texted);
}

}  // namespace
}  // namespace proprio::services
