// services/notifications.h: account-change notifications (47 CFR 64.2010(f))
// and the outbox that delivers them.
//
// The moment a CPNI password, a back-up authentication, an online account or
// an address of record (postal or e-mail) is created or changed, a notice is
// queued in the same transaction as the change, one per configured channel:
//   text / voicemail: the primary telephone number of record (as it was
//     before the change);
//   mail: the postal address of record; for a change of that address, the
//     previous one; an address on file less than the 30 days of 64.2003 is
//     passed over for the previous one when known;
//   email: the e-mail address of record; for a change of it, the previous
//     one (an e-mail on file less than 30 days is passed over likewise).
// Never to the new contact data, and the message never contains the changed
// data: it names the kind of change and the date and says how to reach the
// carrier. Changes at service initiation are not notified (64.2010(f)).
//
// Delivery: texts, voicemail and e-mail go to the carrier's messaging system
// through its webhook, an HTTP POST of
//   {"notification": 17, "idempotency_key": "proprio-n-1-17-3f2a...",
//    "carrier": 1, "customer": 42, "channel": "text", "to": "+14075550100",
//    "message": "...", "created_at": "2025-03-02T15:04:05Z"}
// with the header Idempotency-Key (the same on every retry, so the receiver
// can drop duplicates). 2xx delivers; 5xx, 408, 425, 429 and network errors
// retry with exponential back-off (base, doubled per attempt, capped) until
// max_attempts, then the notice is failed; other 4xx fail at once. Letters
// are rendered as PDF (report/pdf.h) into a directory and count as delivered
// ("printed") once written. A claimed notice is leased, so a crash between
// the POST and its record sends it again with the same key.
//
// States: queued -> sending -> delivered | retrying -> ... | failed;
// mail: queued -> printed. A notice not delivered by its due_by (creation +
// the carrier's bound) is overdue: /metrics and `proprio notifications
// pending` raise it. Every transition is a ledger entry (notification.*),
// the destination only in the payload.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/domain.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::services {

// kSimChange, kPortOut: a SIM change or port-out request (47 CFR 64.2010(h)(3),
// 52.37), event kCreated; kSimLock: the lock turned on (kCreated) or off
// (kChanged) (64.2010(h)(4)); kSimFailedAttempts: requests refused after
// repeated failed authentication (64.2010(h)(2)), event kCreated. The message
// never names the new SIM, the new carrier or any CPNI.
enum class ChangeKind {
  kPassword,
  kBackup,
  kOnlineAccount,
  kPostalAddress,
  kEmailAddress,
  kSimChange,
  kPortOut,
  kSimLock,
  kSimFailedAttempts,
};
enum class ChangeEvent { kCreated, kChanged, kReset };
const char* ChangeKindName(ChangeKind k);
const char* ChangeEventName(ChangeEvent e);

// Queues the notices for one change of `after` (the customer as it is now;
// `before` as it was: for address changes, the old contact data). Returns
// the notification ids. REQUIRES: inside the transaction that made the change.
Result<std::vector<int64_t>> QueueAccountChangeNotices(store::Tx& tx, const Customer& before,
                                                       const Customer& after, ChangeKind kind,
                                                       ChangeEvent event, const Actor& actor);

// Called by UpdateCustomer in its transaction: when the postal or e-mail
// address of record changed, remembers the previous one (and when the
// e-mail was set) and queues the notices.
Status NoteCustomerContactChange(store::Tx& tx, const Customer& before, const Customer& after,
                                 const Actor& actor);

// A one-time code to the telephone number of record (text) or the postal
// address of record (mail); the message holds the code until delivered, then
// it is blanked. Returns the notification id.
Result<int64_t> QueueResetCode(store::Tx& tx, const Customer& customer, const std::string& code,
                               bool by_mail, int64_t valid_minutes, const Actor& actor);

// ---- settings ----

// The carrier's settings, or the defaults (no webhook; text and mail; one
// hour bound; 8 attempts; back-off 30 s doubling to 1 h).
Result<store::NotificationSettingsRow> GetNotificationSettings(store::Store& store,
                                                               CarrierId carrier);
// Validates (webhook http:// or https:// URL, known channels, bound >= 60 s)
// and stores; notification.settings_changed in the ledger.
Status PutNotificationSettings(store::Store& store, store::NotificationSettingsRow settings,
                               const Actor& actor);

// ---- delivery ----

struct WebhookResponse {
  int status = 0;     // 0: no HTTP answer (connect error, timeout)
  std::string error;  // when status is 0
};

// Posts JSON to a URL with the headers Idempotency-Key and, when `signature`
// is not empty, Proprio-Signature. Implementations: services/webhook_client.h
// (libcurl), fakes in tests. Must be safe to call from several threads.
class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  virtual WebhookResponse Post(const std::string& url, const std::string& idempotency_key,
                               const std::string& body, const std::string& signature) = 0;
};

// Webhook signatures, so that a carrier's messaging gateway can tell a notice
// from Proprio from a forged one. With an installation webhook key, every
// notice posted carries
//   Proprio-Signature: t=<Unix seconds>,v1=<hex HMAC-SHA256(carrier key, "<t>.<body>")>
// The carrier key is HMAC-SHA256(installation key, "proprio-webhook-v1:carrier:<id>"):
// each carrier's receiver gets its own (`proprio notifications webhook-key`),
// so one carrier cannot sign notices to another's. The installation key is
// read from the file PROPRIO_WEBHOOK_KEY_FILE names (at least 32 bytes); it is
// never stored in the database or logged.
inline constexpr char kWebhookKeyFileEnv[] = "PROPRIO_WEBHOOK_KEY_FILE";
// The installation key; "" when the variable is not set. FailedPrecondition
// naming the file when it cannot be read or is shorter than 32 bytes.
Result<std::string> LoadWebhookKey();
// The carrier's key, 32 bytes (hex it to hand it to the carrier).
std::string CarrierWebhookKey(const std::string& installation_key, CarrierId carrier);
// The Proprio-Signature header value for `body` sent at `at`.
std::string WebhookSignature(const std::string& carrier_key, Instant at, std::string_view body);

// A webhook attempt that did not deliver: a retry scheduled, or the notice
// failed for good. Holds no message, destination or URL (a webhook URL may
// carry the receiver's secret), so it may be logged as it is.
struct DeliveryFailure {
  CarrierId carrier;
  int64_t notification = 0;
  int64_t attempts = 0;     // made so far, this one included
  int http_status = 0;      // 0: no HTTP answer (connection, TLS, timeout)
  bool final = false;       // failed for good; else a retry at next_attempt_at
  Instant next_attempt_at;  // when !final
};

struct DeliveryOptions {
  // Called after each failed attempt is recorded (the server logs it; the CLI
  // prints it), so that every failure and retry is seen, not only counted.
  std::function<void(const DeliveryFailure&)> on_failure;
  WebhookTransport* transport = nullptr;  // nullptr: texts wait
  std::string webhook_key;                // installation key; "": posted unsigned
  std::string letters_dir;                // "": letters wait
  int batch = 50;
  int64_t lease_us = 60LL * kMicrosPerSecond;
};

struct DeliveryReport {
  int64_t attempted = 0;
  int64_t delivered = 0;
  int64_t retrying = 0;
  int64_t failed = 0;
  int64_t printed = 0;
  std::vector<std::string> letters;  // files written
};

// Delivers what is due for `carrier` (invalid: every carrier with pending
// notices) at `now`.
Result<DeliveryReport> DeliverDueNotifications(store::Store& store, CarrierId carrier,
                                               const DeliveryOptions& options, const Actor& actor);

// The printable letter for a mail notice (PDF bytes).
std::string RenderNotificationLetter(const store::NotificationRow& n, const Carrier& carrier,
                                     const std::string& callback_phone);

// Requeues a failed notice for another round of attempts (same destination,
// same key). FailedPrecondition unless it failed.
Result<store::NotificationRow> RetryNotification(store::Store& store, CarrierId carrier, int64_t id,
                                                 const Actor& actor);

Result<std::vector<store::NotificationRow>> ListNotifications(store::Store& store,
                                                              CarrierId carrier,
                                                              const store::NotificationFilter& f);
Result<store::NotificationRow> GetNotification(store::Store& store, CarrierId carrier, int64_t id);
Result<store::NotificationBacklog> NotificationBacklog(store::Store& store, CarrierId carrier,
                                                       Instant now);

// True when the notice is past its due time and not delivered.
bool NotificationOverdue(const store::NotificationRow& n, Instant now);

// Delivers due notices on a thread every `interval` until stopped.
class NotificationWorker {
 public:
  NotificationWorker(store::Store& store, DeliveryOptions options,
                     std::chrono::milliseconds interval);
  ~NotificationWorker();
  void Start();
  void Stop();
  // Wakes the worker now (after a change queued notices).
  void Poke();
  uint64_t rounds() const { return rounds_.load(); }

 private:
  void Loop();
  store::Store& store_;
  DeliveryOptions options_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool poked_ = false;
  std::thread thread_;
  std::atomic<uint64_t> rounds_{0};
};

}  // namespace proprio::services
