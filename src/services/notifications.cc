#include "services/notifications.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/text.h"
#include "report/pdf.h"
#include "rules/address_of_record.h"
#include "services/staff_auth.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;

namespace {

// 64.2003(b) "address of record": 30 days on file, counted in the carrier's
// zone (rules/address_of_record.h).
bool OnFileLongEnough(CivilDate since, Instant now, const rules::TimeZone& zone) {
  return rules::IsAddressOfRecord(since, now, zone);
}

std::vector<std::string> SplitChannels(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t semi = std::min(list.find(';', start), list.size());
    std::string item(Trim(std::string_view(list).substr(start, semi - start)));
    if (!item.empty()) out.push_back(item);
    start = semi + 1;
  }
  return out;
}

bool KnownChannel(const std::string& c) {
  return c == "text" || c == "voicemail" || c == "mail" || c == "email";
}

std::string Describe(const std::string& kind, const std::string& event) {
  if (kind == "password") {
    if (event == "created") return "a CPNI password was set up on your account";
    if (event == "reset") return "the CPNI password on your account was reset";
    return "the CPNI password on your account was changed";
  }
  if (kind == "backup") {
    return event == "created"
               ? "a back-up security question and answer were set up on your account"
               : "the back-up security question and answer on your account were changed";
  }
  if (kind == "online_account") {
    return event == "created" ? "an online account was created for your account"
                              : "the online account of your account was changed";
  }
  if (kind == "postal_address") return "the postal address of record on your account was changed";
  if (kind == "email_address") {
    return event == "created" ? "an e-mail address of record was added to your account"
                              : "the e-mail address of record on your account was changed";
  }
  // 64.2010(h)(2)-(4), 52.37: what was asked, never the new SIM, device,
  // carrier or any CPNI.
  if (kind == "sim_change") {
    return "a request was made to move your telephone number to a new SIM card";
  }
  if (kind == "port_out") {
    return "a request was made to transfer (port) your telephone number to another provider";
  }
  if (kind == "sim_lock") {
    return event == "created"
               ? "the lock against SIM changes and number transfers was turned on for your account"
               : "the lock against SIM changes and number transfers was turned off for your account";
  }
  if (kind == "sim_failed_attempts") {
    return "repeated attempts to verify your identity failed, so SIM change and number transfer "
           "requests on your account are refused for a time";
  }
  return "a change was made to your account";
}

// The calendar date of `at` where the carrier is, as its customers read
// dates. A zone that no longer loads (tzdata removed) falls back to UTC,
// marked, rather than holding back the notice.
std::string CarrierDate(const Carrier& carrier, Instant at) {
  auto zone = LoadTimeZone(carrier.time_zone);
  if (!zone.ok()) return UtcDate(at).ToString() + " (UTC)";
  return (*zone)->LocalDate(at).ToString();
}

// The message never contains the changed data: only what kind of change, when,
// and how to reach the carrier.
std::string Message(const Carrier& carrier, const std::string& kind, const std::string& event,
                    Instant at, const std::string& callback) {
  std::string desc = Describe(kind, event);
  std::string text = carrier.legal_name + ": on " + CarrierDate(carrier, at) + ", " + desc +
                     ". If you did not make or authorize this " +
                     (kind == "sim_change" || kind == "port_out" ? "request" : "change") +
                     ", call us at " +
                     (callback.empty() ? std::string("the number on your bill") : callback) +
                     ". We will never ask you for your password.";
  return text;
}

Result<std::string> NewIdempotencyKey(CarrierId carrier) {
  ASSIGN_OR_RETURN(std::string token, NewToken());
  return "proprio-n-" + carrier.ToString() + "-" + token.substr(4, 22);
}

Result<store::NotificationSettingsRow> SettingsIn(store::Tx& tx, CarrierId carrier) {
  ASSIGN_OR_RETURN(auto found, tx.GetNotificationSettings(carrier));
  if (found) return *found;
  store::NotificationSettingsRow d;
  d.carrier = carrier;
  return d;
}

struct Target {
  std::string channel;
  std::string destination;
};

// 64.2003(b), 64.2010(f): the last postal address that was an address of
// record at `now`: the current one (`c`) when on file 30 days, else the one
// kept in the auth state (the last one that had been on file 30 days when it
// was replaced; NoteCustomerContactChange keeps it so). Empty when there is
// none: an address on file less than 30 days never receives the notice (a
// pretexter's first change would otherwise receive the notice of the second).
PostalAddress LastPostalOfRecord(const Customer& c, const store::CustomerAuthStateRow& state,
                                 Instant now, const rules::TimeZone& zone) {
  CivilDate since = c.address_since;
  if (state.postal_since.Valid() && state.postal_since > since) since = state.postal_since;
  if (!c.address_of_record.street.empty() && OnFileLongEnough(since, now, zone)) {
    return c.address_of_record;
  }
  return state.previous_address;
}

// The same for the e-mail address of record.
std::string LastEmailOfRecord(const Customer& c, const store::CustomerAuthStateRow& state,
                              Instant now, const rules::TimeZone& zone) {
  const CivilDate since =
      state.email_since.Valid() ? state.email_since : rules::AddressSetOn(c.created_at, zone);
  if (!c.email.empty() && OnFileLongEnough(since, now, zone)) return c.email;
  return state.previous_email;
}

// Where each configured channel goes for this change: the number or address
// of record as it was, never the new contact data, never an address on file
// less than 30 days. A change of an address of record also always goes to the
// telephone number of record when there is one (by text unless voicemail is
// configured), whatever the channels: the mail may go to an old address.
Result<std::vector<Target>> Targets(store::Tx& tx, const Customer& before, const Customer& after,
                                    const std::string& kind,
                                    const store::NotificationSettingsRow& settings, Instant now) {
  ASSIGN_OR_RETURN(store::CustomerAuthStateRow state,
                   tx.GetCustomerAuthState(after.carrier, after.id));
  ASSIGN_OR_RETURN(auto zone, CarrierTimeZone(tx, after.carrier));
  const auto& phones =
      before.phones_of_record.empty() ? after.phones_of_record : before.phones_of_record;
  std::vector<Target> out;
  bool to_phone = false;
  for (const std::string& channel : SplitChannels(settings.channels)) {
    if (channel == "text" || channel == "voicemail") {
      // The telephone number of record (the underlying service), as it was.
      if (!phones.empty()) {
        out.push_back({channel, phones.front()});
        to_phone = true;
      }
    } else if (channel == "mail") {
      // `before` is the record as it was: for a postal change its address is
      // the old one, never the new one.
      const PostalAddress a = LastPostalOfRecord(before, state, now, *zone);
      if (!a.street.empty()) out.push_back({channel, a.OneLine()});
    } else if (channel == "email") {
      const std::string dest = LastEmailOfRecord(before, state, now, *zone);
      if (!dest.empty()) out.push_back({channel, dest});
    }
  }
  if (!to_phone && !phones.empty() && (kind == "postal_address" || kind == "email_address")) {
    out.push_back({"text", phones.front()});
  }
  return out;
}

Result<int64_t> InsertAndRecord(store::Tx& tx, store::NotificationRow& n, const Actor& actor) {
  ASSIGN_OR_RETURN(n.id, tx.InsertNotification(n));
  store::LedgerEvent ev;
  ev.carrier = n.carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = "notification.queued";
  ev.subject = "customer:" + n.customer.ToString();
  ev.body = json{{"notification", n.id},
                 {"change_kind", n.change_kind},
                 {"change_event", n.change_event},
                 {"channel", n.channel},
                 {"due_by", n.due_by.ToRfc3339()}}
                .dump();
  ev.payload = json{{"destination", n.destination}, {"recipient_name", n.recipient_name}}.dump();
  ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
  ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
  n.ledger_seq = appended.seq;
  RETURN_IF_ERROR(tx.UpdateNotification(n));
  return n.id;
}

Status Record(store::Tx& tx, store::NotificationRow& n, const Actor& actor, const std::string& type,
              json body) {
  store::LedgerEvent ev;
  ev.carrier = n.carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = type;
  ev.subject = "customer:" + n.customer.ToString();
  body["notification"] = n.id;
  ev.body = body.dump();
  ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
  n.ledger_seq = appended.seq;
  return tx.UpdateNotification(n);
}

bool Retryable(int status) {
  return status == 0 || status >= 500 || status == 408 || status == 425 || status == 429;
}

Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Unavailable("cannot write " + tmp);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return Status::Unavailable("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Unavailable("cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

const char* ChangeKindName(ChangeKind k) {
  switch (k) {
    case ChangeKind::kPassword:
      return "password";
    case ChangeKind::kBackup:
      return "backup";
    case ChangeKind::kOnlineAccount:
      return "online_account";
    case ChangeKind::kPostalAddress:
      return "postal_address";
    case ChangeKind::kEmailAddress:
      return "email_address";
    case ChangeKind::kSimChange:
      return "sim_change";
    case ChangeKind::kPortOut:
      return "port_out";
    case ChangeKind::kSimLock:
      return "sim_lock";
    case ChangeKind::kSimFailedAttempts:
      return "sim_failed_attempts";
  }
  return "password";
}

const char* ChangeEventName(ChangeEvent e) {
  switch (e) {
    case ChangeEvent::kCreated:
      return "created";
    case ChangeEvent::kChanged:
      return "changed";
    case ChangeEvent::kReset:
      return "reset";
  }
  return "changed";
}

Result<std::vector<int64_t>> QueueAccountChangeNotices(store::Tx& tx, const Customer& before,
                                                       const Customer& after, ChangeKind kind,
                                                       ChangeEvent event, const Actor& actor) {
  ASSIGN_OR_RETURN(Carrier carrier, tx.GetCarrier(after.carrier));
  ASSIGN_OR_RETURN(store::NotificationSettingsRow settings, SettingsIn(tx, after.carrier));
  const std::string kind_name = ChangeKindName(kind);
  ASSIGN_OR_RETURN(std::vector<Target> targets,
                   Targets(tx, before, after, kind_name, settings, actor.now));
  if (targets.empty()) {
    return Status::FailedPrecondition(
        "no telephone number or address of record to send the account-change notice to "
        "(47 CFR 64.2010(f)); the change is not made");
  }
  std::vector<int64_t> ids;
  for (const Target& t : targets) {
    store::NotificationRow n;
    n.carrier = after.carrier;
    n.customer = after.id;
    n.change_kind = kind_name;
    n.change_event = ChangeEventName(event);
    n.channel = t.channel;
    n.destination = t.destination;
    n.recipient_name = before.name.empty() ? after.name : before.name;
    n.message =
        Message(carrier, kind_name, n.change_event, actor.now, settings.callback_phone);
    ASSIGN_OR_RETURN(n.idempotency_key, NewIdempotencyKey(after.carrier));
    n.state = "queued";
    n.next_attempt_at = actor.now;
    n.created_at = actor.now;
    n.due_by = actor.now + settings.bound_seconds * kMicrosPerSecond;
    ASSIGN_OR_RETURN(int64_t id, InsertAndRecord(tx, n, actor));
    ids.push_back(id);
  }
  return ids;
}

Status NoteCustomerContactChange(store::Tx& tx, const Customer& before, const Customer& after,
                                 const Actor& actor) {
  const bool postal = !(before.address_of_record == after.address_of_record);
  const bool email = before.email != after.email;
  if (!postal && !email) return Status::Ok();
  ASSIGN_OR_RETURN(store::CustomerAuthStateRow state,
                   tx.GetCustomerAuthState(after.carrier, after.id));
  // Queue first: the notices look at the state as it was (the old e-mail's age).
  if (postal) {
    RETURN_IF_ERROR(QueueAccountChangeNotices(tx, before, after, ChangeKind::kPostalAddress,
                                              ChangeEvent::kChanged, actor)
                        .status());
  }
  if (email) {
    RETURN_IF_ERROR(QueueAccountChangeNotices(
                        tx, before, after, ChangeKind::kEmailAddress,
                        before.email.empty() ? ChangeEvent::kCreated : ChangeEvent::kChanged, actor)
                        .status());
  }
  ASSIGN_OR_RETURN(auto zone, CarrierTimeZone(tx, after.carrier));
  // previous_*: the last address that was of record (30 days), not merely the
  // one replaced: a replaced address on file less than 30 days never was.
  if (postal) {
    state.previous_address = LastPostalOfRecord(before, state, actor.now, *zone);
    state.postal_since = rules::AddressSetOn(actor.now, *zone);
  }
  if (email) {
    state.previous_email = LastEmailOfRecord(before, state, actor.now, *zone);
    state.email_since = rules::AddressSetOn(actor.now, *zone);
  }
  return tx.PutCustomerAuthState(state);
}

Result<int64_t> QueueResetCode(store::Tx& tx, const Customer& customer, const std::string& code,
                               bool by_mail, int64_t valid_minutes, const Actor& actor) {
  ASSIGN_OR_RETURN(Carrier carrier, tx.GetCarrier(customer.carrier));
  ASSIGN_OR_RETURN(store::NotificationSettingsRow settings, SettingsIn(tx, customer.carrier));
  ASSIGN_OR_RETURN(store::CustomerAuthStateRow state,
                   tx.GetCustomerAuthState(customer.carrier, customer.id));
  store::NotificationRow n;
  n.carrier = customer.carrier;
  n.customer = customer.id;
  n.change_kind = "reset_code";
  n.change_event = "created";
  if (by_mail) {
    // 64.2010(e): only to the address of record (on file 30 days).
    CivilDate since = customer.address_since;
    if (state.postal_since.Valid() && state.postal_since > since) since = state.postal_since;
    ASSIGN_OR_RETURN(auto zone, CarrierTimeZone(tx, customer.carrier));
    if (!OnFileLongEnough(since, actor.now, *zone)) {
      return Status::FailedPrecondition(
          "the postal address has been on file less than 30 days, so it is not yet the address "
          "of record (47 CFR 64.2003(b)); send the code by text to the telephone number of record");
    }
    n.channel = "mail";
    n.destination = customer.address_of_record.OneLine();
  } else {
    if (customer.phones_of_record.empty()) {
      return Status::FailedPrecondition("the account has no telephone number of record");
    }
    n.channel = "text";
    n.destination = customer.phones_of_record.front();
  }
  n.recipient_name = customer.name;
  n.message = carrier.legal_name + ": your one-time code to reset your password is " + code +
              ". It expires in " + std::to_string(valid_minutes) + " minutes. " +
              carrier.legal_name + " will never ask you for it.";
  ASSIGN_OR_RETURN(n.idempotency_key, NewIdempotencyKey(customer.carrier));
  n.next_attempt_at = actor.now;
  n.created_at = actor.now;
  n.due_by = actor.now + settings.bound_seconds * kMicrosPerSecond;
  return InsertAndRecord(tx, n, actor);
}

// ---- settings ----

Result<store::NotificationSettingsRow> GetNotificationSettings(store::Store& store,
                                                               CarrierId carrier) {
  store::NotificationSettingsRow out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(out, SettingsIn(tx, carrier));
    return Status::Ok();
  }));
  return out;
}

Status PutNotificationSettings(store::Store& store, store::NotificationSettingsRow s,
                               const Actor& actor) {
  if (!s.webhook_url.empty()) {
    const bool http = s.webhook_url.rfind("http://", 0) == 0;
    const bool https = s.webhook_url.rfind("https://", 0) == 0;
    if ((!http && !https) || s.webhook_url.size() > 2000 ||
        s.webhook_url.find_first_of(" \r\n\t") != std::string::npos) {
      return Status::InvalidArgument("webhook_url must be an http:// or https:// URL",
                                     "webhook_url");
    }
  }
  const std::vector<std::string> channels = SplitChannels(s.channels);
  if (channels.empty()) {
    return Status::InvalidArgument(
        "channels must name at least one of text, voicemail, mail, email (64.2010(f))", "channels");
  }
  for (const std::string& c : channels) {
    if (!KnownChannel(c)) {
      return Status::InvalidArgument(
          "unknown channel '" + c + "': use text, voicemail, mail or email", "channels");
    }
  }
  std::string joined;
  for (const std::string& c : channels) joined += (joined.empty() ? "" : ";") + c;
  s.channels = joined;
  if (s.bound_seconds < 60 || s.bound_seconds > 30LL * 86400) {
    return Status::InvalidArgument("bound_seconds must be between 60 and 2592000", "bound_seconds");
  }
  if (s.max_attempts < 1 || s.max_attempts > 100) {
    return Status::InvalidArgument("max_attempts must be between 1 and 100", "max_attempts");
  }
  if (s.backoff_base_ms < 10 || s.backoff_max_ms < s.backoff_base_ms ||
      s.backoff_max_ms > 86'400'000) {
    return Status::InvalidArgument(
        "backoff_base_ms must be >= 10 and backoff_max_ms between it and 86400000",
        "backoff_base_ms");
  }
  if (!s.callback_phone.empty()) {
    auto e164 = NormalizeE164(s.callback_phone);
    if (!e164.ok()) return Status::InvalidArgument(e164.status().message(), "callback_phone");
    s.callback_phone = *e164;
  }
  s.updated_at = actor.now;
  return store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(s.carrier).status());
    RETURN_IF_ERROR(tx.PutNotificationSettings(s));
    store::LedgerEvent ev;
    ev.carrier = s.carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "notification.settings_changed";
    ev.subject = "carrier:" + s.carrier.ToString();
    ev.body = json{{"webhook", !s.webhook_url.empty()},    {"channels", s.channels},
                   {"bound_seconds", s.bound_seconds},     {"max_attempts", s.max_attempts},
                   {"backoff_base_ms", s.backoff_base_ms}, {"backoff_max_ms", s.backoff_max_ms}}
                  .dump();
    return tx.Append(ev).status();
  });
}

// ---- delivery ----

bool NotificationOverdue(const store::NotificationRow& n, Instant now) {
  return n.state != "delivered" && n.state != "printed" && n.due_by <= now;
}

std::string RenderNotificationLetter(const store::NotificationRow& n, const Carrier& carrier,
                                     const std::string& /*callback_phone: in n.message*/) {
  report::PdfWriter pdf(
      n.change_kind == "reset_code" ? "Your one-time code" : "Notice of a change to your account",
      carrier.legal_name);
  pdf.Lines(carrier.legal_name, report::Font::kBold);
  if (!carrier.address.OneLine().empty()) pdf.Lines(carrier.address.OneLine());
  pdf.Space(18);
  pdf.Lines(CarrierDate(carrier, n.created_at));
  pdf.Space(18);
  pdf.Lines(n.recipient_name + "\n" + n.destination);
  if (n.change_kind == "reset_code") {
    pdf.Heading("Your one-time code");
    pdf.Paragraph(n.message);
  } else {
    pdf.Heading("Notice of a change to your account");
    pdf.Paragraph(n.message);
    // The message already says whom to call if the customer did not make the
    // change; the letter does not say it twice.
    pdf.Paragraph(
        "For your protection this letter does not repeat the new details, and it is sent to "
        "your address of record rather than to any new contact information. If you made this "
        "change, you need not do anything.");
  }
  pdf.Paragraph("Reference: notice " + std::to_string(n.id), report::Font::kRegular, 9);
  return pdf.Finish();
}

namespace {

std::string HmacSha256(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

Result<std::string> LoadWebhookKey() {
  const char* path = std::getenv(kWebhookKeyFileEnv);
  if (path == nullptr || *path == '\0') return std::string();
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.is_open() || in.bad()) {
    return Status::FailedPrecondition(std::string("cannot read the webhook key file ") + path +
                                      " (" + kWebhookKeyFileEnv + ")");
  }
  if (key.size() < 32) {
    return Status::FailedPrecondition(
        std::string("the webhook key file ") + path + " (" + kWebhookKeyFileEnv +
        ") holds fewer than 32 bytes; make one with: head -c 32 /dev/urandom | base64 > FILE");
  }
  return key;
}

std::string CarrierWebhookKey(const std::string& installation_key, CarrierId carrier) {
  return HmacSha256(installation_key, "proprio-webhook-v1:carrier:" + carrier.ToString());
}

std::string WebhookSignature(const std::string& carrier_key, Instant at, std::string_view body) {
  const std::string t = std::to_string(at.micros() / kMicrosPerSecond);
  std::string message = t + ".";
  message.append(body);
  return "t=" + t + ",v1=" + ToHex(HmacSha256(carrier_key, message));
}

namespace {

Status DeliverWebhook(store::Store& store, CarrierId carrier,
                      const store::NotificationSettingsRow& settings,
                      const DeliveryOptions& options, const Actor& actor, DeliveryReport& report) {
  std::vector<store::NotificationRow> claimed;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(
        claimed, tx.ClaimDueNotifications(carrier, false, actor.now, actor.now + options.lease_us,
                                          options.batch));
    return Status::Ok();
  }));
  const std::string carrier_key =
      options.webhook_key.empty() ? std::string() : CarrierWebhookKey(options.webhook_key, carrier);
  for (store::NotificationRow& n : claimed) {
    const json body = {{"notification", n.id},         {"idempotency_key", n.idempotency_key},
                       {"carrier", n.carrier.value()}, {"customer", n.customer.value()},
                       {"channel", n.channel},         {"to", n.destination},
                       {"message", n.message},         {"created_at", n.created_at.ToRfc3339()}};
    const std::string text = body.dump();
    const WebhookResponse resp = options.transport->Post(
        settings.webhook_url, n.idempotency_key, text,
        carrier_key.empty() ? std::string() : WebhookSignature(carrier_key, actor.now, text));
    ++report.attempted;
    std::optional<DeliveryFailure> failure;
    RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
      failure.reset();
      n.attempts += 1;
      n.lease_until = Instant();
      if (resp.status >= 200 && resp.status < 300) {
        n.state = "delivered";
        n.delivered_at = actor.now;
        n.last_error.clear();
        if (n.change_kind == "reset_code") n.message = "(one-time code delivered)";
        ++report.delivered;
        return Record(tx, n, actor, "notification.delivered",
                      {{"attempts", n.attempts}, {"http_status", resp.status}});
      }
      n.last_error =
          resp.status == 0 ? resp.error.substr(0, 200) : "HTTP " + std::to_string(resp.status);
      if (!Retryable(resp.status) || n.attempts >= settings.max_attempts) {
        n.state = "failed";
        ++report.failed;
        failure = DeliveryFailure{n.carrier, n.id, n.attempts, resp.status, true, Instant()};
        return Record(
            tx, n, actor, "notification.failed",
            {{"attempts", n.attempts}, {"http_status", resp.status}, {"error", n.last_error}});
      }
      const int shift = static_cast<int>(std::min<int64_t>(n.attempts - 1, 30));
      const int64_t wait_ms =
          std::min<int64_t>(settings.backoff_max_ms, settings.backoff_base_ms << shift);
      n.state = "retrying";
      n.next_attempt_at = actor.now + wait_ms * 1000;
      ++report.retrying;
      failure =
          DeliveryFailure{n.carrier, n.id, n.attempts, resp.status, false, n.next_attempt_at};
      return Record(tx, n, actor, "notification.attempt_failed",
                    {{"attempts", n.attempts},
                     {"http_status", resp.status},
                     {"error", n.last_error},
                     {"next_attempt_at", n.next_attempt_at.ToRfc3339()}});
    }));
    if (failure && options.on_failure) options.on_failure(*failure);
  }
  return Status::Ok();
}

Status PrintLetters(store::Store& store, CarrierId carrier,
                    const store::NotificationSettingsRow& settings, const DeliveryOptions& options,
                    const Actor& actor, DeliveryReport& report) {
  std::vector<store::NotificationRow> claimed;
  Carrier c;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, tx.GetCarrier(carrier));
    ASSIGN_OR_RETURN(
        claimed, tx.ClaimDueNotifications(carrier, true, actor.now, actor.now + options.lease_us,
                                          options.batch));
    return Status::Ok();
  }));
  std::error_code ec;
  std::filesystem::create_directories(options.letters_dir, ec);
  for (store::NotificationRow& n : claimed) {
    const std::string name = "notice-" + carrier.ToString() + "-" + std::to_string(n.id) + ".pdf";
    const std::string path = (std::filesystem::path(options.letters_dir) / name).string();
    RETURN_IF_ERROR(
        WriteFileAtomically(path, RenderNotificationLetter(n, c, settings.callback_phone)));
    report.letters.push_back(path);
    RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
      n.attempts += 1;
      n.state = "printed";
      n.delivered_at = actor.now;
      n.lease_until = Instant();
      n.last_error.clear();
      if (n.change_kind == "reset_code") n.message = "(one-time code printed)";
      ++report.printed;
      return Record(tx, n, actor, "notification.printed", {{"file", name}});
    }));
  }
  return Status::Ok();
}

}  // namespace

Result<DeliveryReport> DeliverDueNotifications(store::Store& store, CarrierId carrier,
                                               const DeliveryOptions& options, const Actor& actor) {
  std::vector<CarrierId> carriers;
  if (carrier.valid()) {
    carriers.push_back(carrier);
  } else {
    RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(carriers, tx.CarriersWithPendingNotifications());
      return Status::Ok();
    }));
  }
  DeliveryReport report;
  for (CarrierId c : carriers) {
    store::NotificationSettingsRow settings;
    RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
      RETURN_IF_ERROR(tx.GetCarrier(c).status());
      ASSIGN_OR_RETURN(settings, SettingsIn(tx, c));
      return Status::Ok();
    }));
    if (options.transport != nullptr && !settings.webhook_url.empty()) {
      RETURN_IF_ERROR(DeliverWebhook(store, c, settings, options, actor, report));
    }
    if (!options.letters_dir.empty()) {
      RETURN_IF_ERROR(PrintLetters(store, c, settings, options, actor, report));
    }
  }
  return report;
}

Result<store::NotificationRow> RetryNotification(store::Store& store, CarrierId carrier, int64_t id,
                                                 const Actor& actor) {
  store::NotificationRow n;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(n, tx.GetNotification(carrier, id));
    if (n.state != "failed") {
      return Status::FailedPrecondition("notification " + std::to_string(id) + " is " + n.state +
                                        "; only a failed one can be retried");
    }
    n.state = "retrying";
    n.attempts = 0;
    n.next_attempt_at = actor.now;
    return Record(tx, n, actor, "notification.requeued", json::object());
  }));
  return n;
}

Result<std::vector<store::NotificationRow>> ListNotifications(store::Store& store,
                                                              CarrierId carrier,
                                                              const store::NotificationFilter& f) {
  std::vector<store::NotificationRow> out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(out, tx.ListNotifications(carrier, f));
    return Status::Ok();
  }));
  return out;
}

Result<store::NotificationRow> GetNotification(store::Store& store, CarrierId carrier, int64_t id) {
  store::NotificationRow out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.GetNotification(carrier, id));
    return Status::Ok();
  }));
  return out;
}

Result<store::NotificationBacklog> NotificationBacklog(store::Store& store, CarrierId carrier,
                                                       Instant now) {
  store::NotificationBacklog out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.GetNotificationBacklog(carrier, now));
    return Status::Ok();
  }));
  return out;
}

// ---- worker ----

NotificationWorker::NotificationWorker(store::Store& store, DeliveryOptions options,
                                       std::chrono::milliseconds interval)
    : store_(store), options_(std::move(options)), interval_(interval) {}

NotificationWorker::~NotificationWorker() { Stop(); }

void NotificationWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void NotificationWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NotificationWorker::Poke() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

void NotificationWorker::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, interval_, [this] { return stop_ || poked_; });
      if (stop_) return;
      poked_ = false;
    }
    Actor actor;
    actor.id = "system:notifications";
    actor.now = Instant::Now();
    (void)DeliverDueNotifications(store_, CarrierId(), options_, actor);
    rounds_.fetch_add(1);
  }
}

}  // namespace proprio::services
