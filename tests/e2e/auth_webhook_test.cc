// The notification outbox against a real HTTP receiver on loopback that
// first refuses connections, then answers 503, then recovers: the notice is
// retried with back-off under one idempotency key and delivered exactly once
// from the receiver's point of view (it drops duplicate keys).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "services/webhook_client.h"
#include "core/text.h"
#include "services/customer_update.h"
#include "services/notifications.h"
#include "services/registry.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

// A minimal HTTP/1.1 receiver: one request per connection, answers the
// scripted statuses in turn (then 200), records bodies and idempotency keys.
class Receiver {
 public:
  explicit Receiver(std::vector<int> script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  // Binds a fixed port (to come back up where it was).
  Receiver(std::vector<int> script, uint16_t port) : script_(std::move(script)), port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~Receiver() { Stop(); }

  void Start() {
    ::listen(fd_, 16);
    thread_ = std::thread([this] { Loop(); });
  }
  void Stop() {
    if (fd_ < 0) return;
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    fd_ = -1;
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return port_; }
  int fd() const { return fd_; }

  struct Seen {
    int status;
    std::string key;
    std::string body;
    std::string signature;  // the Proprio-Signature header
  };
  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  // Messages accepted, each key once.
  std::vector<std::string> accepted() {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }

 private:
  void Loop() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      size_t need = std::string::npos;
      while (true) {
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
        const size_t end = req.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          size_t length = 0;
          const size_t cl = Lower(req.substr(0, end)).find("content-length:");
          if (cl != std::string::npos) length = std::stoul(req.substr(cl + 15));
          need = end + 4 + length;
        }
        if (need != std::string::npos && req.size() >= need) break;
      }
      const size_t end = req.find("\r\n\r\n");
      const std::string head = end == std::string::npos ? req : req.substr(0, end);
      const std::string body = end == std::string::npos ? "" : req.substr(end + 4);
      const std::string key = HeaderValue(head, "idempotency-key:");
      const std::string signature = HeaderValue(head, "proprio-signature:");
      int status = 200;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (calls_ < script_.size()) status = script_[calls_];
        ++calls_;
        seen_.push_back({status, key, body, signature});
        if (status == 200 && keys_.insert(key).second) accepted_.push_back(body);
      }
      const std::string reply = "HTTP/1.1 " + std::to_string(status) +
                                (status == 200 ? " OK" : " Unavailable") +
                                (status / 100 == 3 ? "\r\nLocation: /elsewhere" : "") +
                                "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)::write(c, reply.data(), reply.size());
      ::close(c);
    }
  }
  // The value of the header `name` ("name:", lower case) in `head`.
  static std::string HeaderValue(const std::string& head, const std::string& name) {
    const size_t k = Lower(head).find(name);
    if (k == std::string::npos) return {};
    const size_t eol = head.find("\r\n", k);
    std::string value = head.substr(k + name.size(), eol - k - name.size());
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    return value;
  }
  static std::string Lower(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }

  std::vector<int> script_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  size_t calls_ = 0;
  std::vector<Seen> seen_;
  std::set<std::string> keys_;
  std::vector<std::string> accepted_;
};

Instant T0() { return *Instant::Parse("2025-03-03T15:00:00Z"); }

std::string Hmac(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

TEST(AuthWebhookTest, Rule_64_2010_f_ReceiverFailsThenRecovers) {
  char tmpl[] = "/tmp/proprio_webhook_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  auto opened = store::Store::Open(store::StoreOptions::Sqlite(dir + "/p.db"));
  ASSERT_TRUE(opened.ok());
  auto store = std::move(*opened);
  services::Actor setup{"test", T0()};
  Carrier c;
  c.legal_name = "Loopback Tel";
  c.filer_id_499 = "812399";
  c.address = {"1 Main St", "Orlando", "FL", "32801", "US"};
  c.time_zone = "America/New_York";
  const CarrierId carrier = services::AddCarrier(*store, c, setup)->id;
  Customer k;
  k.carrier = carrier;
  k.account_number = "L-1";
  k.name = "Sam Loop";
  k.phones_of_record = {"+14075550123"};
  k.address_of_record = {"5 Oak Ave", "Orlando", "FL", "32803", "US"};
  const CustomerId customer = services::AddCustomer(*store, k, setup)->id;

  // The receiver's port is reserved, then it goes down: connections are refused.
  uint16_t port = 0;
  {
    Receiver probe({});
    port = probe.port();
  }
  store::NotificationSettingsRow s;
  s.carrier = carrier;
  s.webhook_url = "http://127.0.0.1:" + std::to_string(port) + "/messages";
  s.channels = "text";
  s.max_attempts = 10;
  s.backoff_base_ms = 100;
  s.backoff_max_ms = 1000;
  ASSERT_TRUE(services::PutNotificationSettings(*store, s, setup).ok());
  ASSERT_TRUE(services::UpdateCustomer(
                  *store, carrier, customer, std::nullopt,
                  [](Customer& x) {
                    x.address_of_record = {"9 New Rd", "Tampa", "FL", "33602", "US"};
                    return Status::Ok();
                  },
                  setup)
                  .ok());
  services::WebhookClientOptions wo;
  wo.timeout = std::chrono::milliseconds(2000);
  services::WebhookClient client(wo);
  services::DeliveryOptions o;
  o.transport = &client;
  o.webhook_key = "an installation key of 32 bytes!!";
  // Every failed attempt is reported for the log (issue 18), not only counted.
  std::vector<services::DeliveryFailure> failures;
  o.on_failure = [&](const services::DeliveryFailure& f) { failures.push_back(f); };
  auto state = [&] {
    store::NotificationFilter f;
    return (*services::ListNotifications(*store, carrier, f)).front();
  };
  // 1: down.
  auto r1 = services::DeliverDueNotifications(*store, carrier, o, {"system:test", T0()});
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(state().state, "retrying");
  EXPECT_NE(state().last_error.find("connect"), std::string::npos) << state().last_error;
  // 2, 3: up but failing with 503; 4: recovered.
  Receiver rx({503, 503}, port);
  rx.Start();
  Instant t = T0();
  for (int i = 0; i < 6 && state().state != "delivered"; ++i) {
    t = state().next_attempt_at;
    ASSERT_TRUE(services::DeliverDueNotifications(*store, carrier, o, {"system:test", t}).ok());
  }
  const store::NotificationRow n = state();
  EXPECT_EQ(n.state, "delivered");
  EXPECT_EQ(n.attempts, 4);
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].http_status, 0);  // refused: no HTTP answer
  EXPECT_EQ(failures[1].http_status, 503);
  EXPECT_EQ(failures[2].attempts, 3);
  for (const auto& f : failures) {
    EXPECT_FALSE(f.final);
    EXPECT_EQ(f.notification, n.id);
    EXPECT_GT(f.next_attempt_at.micros(), 0);
  }
  const auto seen = rx.seen();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& x : seen) {
    EXPECT_EQ(x.key, n.idempotency_key);
    // Signed for this carrier, as its receiver would check (computed here
    // with OpenSSL directly, not with the code under test).
    const size_t comma = x.signature.find(",v1=");
    ASSERT_EQ(x.signature.rfind("t=", 0), 0u) << x.signature;
    ASSERT_NE(comma, std::string::npos) << x.signature;
    const std::string carrier_key =
        Hmac(o.webhook_key, "proprio-webhook-v1:carrier:" + carrier.ToString());
    EXPECT_EQ(x.signature.substr(comma + 4),
              ToHex(Hmac(carrier_key, x.signature.substr(2, comma - 2) + "." + x.body)));
    const std::string other_key = Hmac(o.webhook_key, "proprio-webhook-v1:carrier:999");
    EXPECT_NE(x.signature.substr(comma + 4),
              ToHex(Hmac(other_key, x.signature.substr(2, comma - 2) + "." + x.body)));
  }
  EXPECT_EQ(seen[0].status, 503);
  EXPECT_EQ(seen[2].status, 200);
  // Back-off grew: 100 ms, 200 ms, 400 ms after attempts 1..3.
  ASSERT_EQ(rx.accepted().size(), 1u);
  const json body = json::parse(rx.accepted()[0]);
  EXPECT_EQ(body["to"], "+14075550123");
  EXPECT_EQ(body["channel"], "text");
  EXPECT_EQ(rx.accepted()[0].find("Tampa"), std::string::npos);
  // A redelivery (lost answer) is dropped by the receiver: same key.
  ASSERT_TRUE(store
                  ->Transact([&](store::Tx& tx) -> Status {
                    store::NotificationRow again = n;
                    again.state = "retrying";
                    again.next_attempt_at = t;
                    return tx.UpdateNotification(again);
                  })
                  .ok());
  ASSERT_TRUE(services::DeliverDueNotifications(*store, carrier, o, {"system:test", t}).ok());
  EXPECT_EQ(rx.seen().size(), 4u);
  EXPECT_EQ(rx.accepted().size(), 1u);
  // The ledger holds each attempt.
  int attempts = 0, delivered = 0;
  ASSERT_TRUE(store
                  ->Read([&](store::Tx& tx) -> Status {
                    ASSIGN_OR_RETURN(ledger::Head head, tx.LedgerHead(carrier));
                    for (int64_t seq = 1; seq <= head.size; ++seq) {
                      ASSIGN_OR_RETURN(auto e, tx.ReadEntry(carrier, seq));
                      if (e.first.type == "notification.attempt_failed") ++attempts;
                      if (e.first.type == "notification.delivered") ++delivered;
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(delivered, 2);
  rx.Stop();
  store.reset();
  std::filesystem::remove_all(dir);
}

TEST(AuthWebhookTest, SilentReceiverTimesOut) {
  // Accepts connections (the kernel's backlog) but never answers.
  Receiver silent({});
  ::listen(silent.fd(), 4);
  services::WebhookClientOptions wo;
  wo.timeout = std::chrono::milliseconds(300);
  services::WebhookClient client(wo);
  const auto start = std::chrono::steady_clock::now();
  const services::WebhookResponse r =
      client.Post("http://127.0.0.1:" + std::to_string(silent.port()) + "/x", "k-1", "{}", "");
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
  EXPECT_LT(took, 2.0);
}

TEST(AuthWebhookTest, RedirectsAreNotFollowed) {
  // A notice goes where the carrier configured it: a 301 is the answer, and
  // the client does not post again to the Location it names.
  Receiver rx({301});
  rx.Start();
  services::WebhookClient client;
  const services::WebhookResponse r =
      client.Post("http://127.0.0.1:" + std::to_string(rx.port()) + "/x", "k-2", "{\"a\":1}",
                  "t=1,v1=ab");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.error, "");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto seen = rx.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].key, "k-2");
  EXPECT_EQ(seen[0].signature, "t=1,v1=ab");
  EXPECT_EQ(seen[0].body, "{\"a\":1}");
  rx.Stop();
}

TEST(AuthWebhookTest, UnresolvableHostIsAnErrorNotAStatus) {
  services::WebhookClientOptions wo;
  wo.timeout = std::chrono::milliseconds(2000);
  services::WebhookClient client(wo);
  const services::WebhookResponse r = client.Post("http://nonexistent.invalid/x", "k-3", "{}", "");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("cannot resolve", 0), 0u) << r.error;
}

TEST(AuthWebhookTest, ParsesUrls) {
  auto p = services::ParseHttpUrl("https://msg.example.com/v1/send?x=1");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->tls);
  EXPECT_EQ(p->host, "msg.example.com");
  EXPECT_EQ(p->port, "443");
  EXPECT_EQ(p->target, "/v1/send?x=1");
  p = services::ParseHttpUrl("http://[::1]:8080");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host, "::1");
  EXPECT_EQ(p->port, "8080");
  EXPECT_EQ(p->target, "/");
  EXPECT_FALSE(services::ParseHttpUrl("ftp://x/").ok());
  EXPECT_FALSE(services::ParseHttpUrl("http://user@host/").ok());
  EXPECT_FALSE(services::ParseHttpUrl("http://host:8x/").ok());
  EXPECT_FALSE(services::ParseHttpUrl("http://user:pw@host/").ok());
  EXPECT_FALSE(services::ParseHttpUrl("https:///path").ok());
  const Result<services::ParsedUrl> bad = services::ParseHttpUrl("gopher://x/");
  EXPECT_EQ(bad.status().field(), "webhook_url");
}

}  // namespace
}  // namespace proprio::testing
