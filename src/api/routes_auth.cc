// Customer authentication (47 CFR 64.2010) and account-change notifications:
//   /v1/carriers/{carrier}/verifications ...           sessions and their steps
//   /v1/carriers/{carrier}/online-sessions, online-password-resets (the portal)
//   /v1/carriers/{carrier}/customers/{customer}/secrets ...
//   /v1/carriers/{carrier}/notifications ...            the outbox, settings, deliveries
//   /v1/carriers/{carrier}/pretexting-flags ...         for the security role
//
// argon2id work (setting or checking a password or back-up answer, online
// sign-in) runs on a small pool of its own, so that a burst of checks
// queues there instead of holding every API worker: other requests keep
// being served. Past kMaxQueuedChecks waiting checks the answer is 503 with
// Retry-After. The pool also owns the outbox worker that delivers notices
// through the carrier's webhook (and writes letters to $PROPRIO_LETTERS_DIR
// when set).
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdlib>
#include <thread>

#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/webhook_client.h"
#include "rules/rule_set.h"
#include "services/auth_json.h"
#include "services/customer_auth.h"
#include "services/decisions.h"
#include "services/notifications.h"

namespace proprio::api {

using nlohmann::json;

namespace {

constexpr int64_t kMaxQueuedChecks = 64;

const std::vector<Role> kVerifiers = {Role::kCsr, Role::kSupervisor, Role::kSecurity,
                                      Role::kComplianceOfficer, Role::kSystem};
const std::vector<Role> kSecretWriters = {Role::kCsr, Role::kSupervisor, Role::kSystem};
const std::vector<Role> kSecretReaders = {Role::kCsr,      Role::kSupervisor,
                                          Role::kSecurity, Role::kComplianceOfficer,
                                          Role::kAuditor,  Role::kSystem};
const std::vector<Role> kPortal = {Role::kSystem};
const std::vector<Role> kNoticeReaders = {Role::kAdmin,    Role::kComplianceOfficer,
                                          Role::kSecurity, Role::kSupervisor,
                                          Role::kAuditor,  Role::kSystem};
const std::vector<Role> kNoticeWriters = {Role::kAdmin, Role::kComplianceOfficer, Role::kSystem};
const std::vector<Role> kFlagReaders = {Role::kSecurity, Role::kComplianceOfficer,
                                        Role::kAuditor};

// The hashing pool, the policy and the outbox worker of one Api.
struct AuthRuntime {
  explicit AuthRuntime(Api& api)
      : threads(Threads()),
        webhook_key(api.options().webhook_key),
        logger(&api.logger()),
        pool(static_cast<size_t>(threads)),
        worker(api.store(), Delivery(), std::chrono::seconds(5)) {
    // The API's staff cost when someone chose one (tests, PROPRIO_ARGON2);
    // otherwise the cost chosen for customer secrets.
    const services::PasswordCost staff = api.options().auth.cost, unset;
    const bool chosen = staff.iterations != unset.iterations ||
                        staff.memory_kib != unset.memory_kib || staff.lanes != unset.lanes;
    if (chosen) policy.cost = staff;
    worker.Start();
  }
  ~AuthRuntime() {
    worker.Stop();
    pool.join();
  }

  static int Threads() {
    if (const char* env = std::getenv("PROPRIO_AUTH_HASH_THREADS")) {
      const int n = std::atoi(env);
      if (n > 0 && n <= 64) return n;
    }
    // Leave a core for everything else.
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / 2);
  }
  services::DeliveryOptions Delivery() {
    services::DeliveryOptions o;
    o.transport = &client;
    o.webhook_key = webhook_key;
    if (const char* dir = std::getenv("PROPRIO_LETTERS_DIR")) o.letters_dir = dir;
    // Every failed attempt is a log line (warn; error when it failed for
    // good): ids, attempt and HTTP status only, never the message, the
    // destination or the webhook URL.
    o.on_failure = [log = logger](const services::DeliveryFailure& f) {
      LogLine line;
      line.level = f.final ? "error" : "warn";
      line.msg = f.final ? "webhook delivery failed" : "webhook delivery retry";
      line.status = f.http_status;
      line.detail = "carrier " + f.carrier.ToString() + " notification " +
                    std::to_string(f.notification) + " attempt " + std::to_string(f.attempts) +
                    (f.http_status == 0 ? ": no HTTP answer" : ": HTTP " + std::to_string(f.http_status)) +
                    (f.final ? "; no further attempts" : "; next attempt at " + f.next_attempt_at.ToRfc3339());
      log->Write(line);
    };
    return o;
  }

  // Runs `fn` on the hashing pool; false when too many checks wait already.
  bool Submit(std::function<void()> fn) {
    if (queued.fetch_add(1) >= kMaxQueuedChecks) {
      queued.fetch_sub(1);
      rejected.fetch_add(1);
      return false;
    }
    boost::asio::post(pool, [this, fn = std::move(fn)] {
      fn();
      queued.fetch_sub(1);
      done.fetch_add(1);
    });
    return true;
  }

  int threads;
  services::CustomerAuthPolicy policy;
  services::WebhookClient client;
  std::string webhook_key;  // ApiOptions::webhook_key
  Logger* logger;           // the Api's, which outlives this runtime
  boost::asio::thread_pool pool;
  services::NotificationWorker worker;
  std::atomic<int64_t> queued{0};
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> rejected{0};
};

std::mutex g_runtimes_mu;
std::map<const Api*, std::weak_ptr<AuthRuntime>>& Runtimes() {
  static std::map<const Api*, std::weak_ptr<AuthRuntime>> m;
  return m;
}

// Runs the argon2id part of a request on the hashing pool.
void Hashing(AuthRuntime& rt, const std::shared_ptr<Call>& call, std::function<void()> fn) {
  // The last-resort guard of Api::Guarded, on the hashing pool's threads.
  auto guarded = [call, fn = std::move(fn)] {
    try {
      fn();
    } catch (...) {
      call->Send(Problem(500, "internal", "Internal error",
                         "the server failed to handle this request", call->req.request_id));
    }
  };
  if (!rt.Submit(std::move(guarded))) {
    Response r = Problem(503, "unavailable", "Service unavailable",
                         "too many password checks are waiting; retry in a second",
                         call->req.request_id);
    r.Header("Retry-After", "1");
    call->Send(std::move(r));
  }
}

// The schemas below are those of services/auth_json.cc's answers.
json Closed(json properties, std::vector<std::string> required) {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", std::move(required)},
          {"properties", std::move(properties)}};
}
json S() { return {{"type", "string"}}; }
json I() { return {{"type", "integer"}}; }
json B() { return {{"type", "boolean"}}; }
json T() { return {{"type", "string"}, {"format", "date-time"}}; }
json NullT() { return {{"type", {"string", "null"}}, {"format", "date-time"}}; }
json Arr(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
// A map whose keys and values the recording step or rule chooses (a step's
// detail, a flag's evidence): described, not listed.
json Map(const char* what) {
  return {{"type", "object"}, {"description", what}, {"additionalProperties", json::object()}};
}
// DecisionContextToJson: the flags set (true), the channel and call id.
json ContextSchema() {
  return DecisionRequestSchemaForRoutes()["properties"]["context"];
}
const json kSessionSchema = Closed(
    {{"id", I()},
     {"customer", I()},
     {"channel", S()},
     {"calling_number", S()},
     {"call_id", S()},
     {"opened_by", S()},
     {"opened_at", T()},
     {"expires_at", T()},
     {"closed_at", NullT()},
     {"open", B()},
     {"authenticated", B()},
     {"flags", Arr({{"type", "string"},
                    {"enum", {"password_verified", "backup_answer_verified",
                              "caller_stated_call_detail", "called_back_number_of_record",
                              "photo_id_verified", "business_alternative", "online_signed_in",
                              "sent_to_address_of_record", "locked"}}})},
     {"failures", I()},
     {"stated_call_detail",
      {{"type", "string"},
       {"description", "the call detail the caller stated unaided (64.2010(b)); empty if none"}}},
     {"backup_question", S()},
     {"failed_verifications_24h",
      Closed({{"account", I()}, {"calling_number", I()}, {"calling_number_accounts", I()}},
             {"account", "calling_number", "calling_number_accounts"})},
     {"context", ContextSchema()},
     {"steps", Arr(Closed({{"id", I()},
                           {"kind", S()},
                           {"outcome", S()},
                           {"at", T()},
                           {"actor", S()},
                           {"detail", Map("what the step recorded (never a secret)")},
                           {"ledger_seq", I()}},
                          {"id", "kind", "outcome", "at", "actor", "detail", "ledger_seq"}))}},
    {"id", "customer", "channel", "opened_at", "expires_at", "closed_at", "open",
     "authenticated", "flags", "failures", "context", "steps"});
const json kStepResultSchema = Closed(
    {{"passed", B()},
     {"outcome", {{"type", "string"}, {"enum", {"passed", "failed", "refused", "no_answer"}}}},
     {"reason", S()},
     {"basis", S()},
     {"step", I()},
     {"pretexting_flags", Arr(I())},
     {"session", kSessionSchema}},
    {"passed", "outcome", "reason", "basis", "step", "pretexting_flags", "session"});
const json kAuthorizationProps = {
    {"verification",
     {{"type", "integer"},
      {"description", "an authenticated verification session of this customer (64.2010(e))"}}},
    {"reset_code",
     {{"type", "string"},
      {"description", "a one-time code sent to the number or address of record"}}},
    {"at_service_initiation",
     {{"type", "boolean"},
      {"description",
       "the first secret, set without authentication when service is initiated (64.2010(e)): "
       "only for the roles that open accounts (csr, system) and only on the day the customer's "
       "service_since began and the carrier policy's authentication.service_initiation_days "
       "after; otherwise 403 (never for an imported customer without service_since)"}}}};
const json kSecretSetSchema = Closed({{"created", B()},
                                     {"setup_path", S()},
                                     {"notifications", Arr(I())},
                                     {"ledger_seq", I()}},
                                    {"created", "setup_path", "notifications", "ledger_seq"});
json SecretStatus(bool with_question) {
  json p = {{"set", B()}, {"set_at", T()}, {"set_by", S()}, {"setup_path", S()}};
  if (with_question) p["question"] = S();
  return Closed(p, {"set"});
}
const json kSecretsStatusSchema = Closed(
    {{"password", SecretStatus(false)},
     {"backup", SecretStatus(true)},
     {"online_account", Closed({{"set", B()}, {"login", S()}, {"created_at", T()},
                                {"last_sign_in", NullT()}},
                               {"set"})},
     {"phone_failures", I()},
     {"phone_locked_until", NullT()},
     {"online_failures", I()},
     {"online_locked_until", NullT()}},
    {"password", "backup", "online_account", "phone_failures", "phone_locked_until",
     "online_failures", "online_locked_until"});
const json kNotificationSchema = Closed(
    {{"id", I()},
     {"customer", I()},
     {"change_kind", S()},
     {"change_event", S()},
     {"channel", {{"type", "string"}, {"enum", {"text", "voicemail", "mail", "email"}}}},
     {"destination", S()},
     {"state",
      {{"type", "string"},
       {"enum", {"queued", "sending", "retrying", "delivered", "printed", "failed"}}}},
     {"attempts", I()},
     {"next_attempt_at", NullT()},
     {"last_error", S()},
     {"created_at", T()},
     {"due_by", T()},
     {"delivered_at", NullT()},
     {"overdue", B()},
     {"idempotency_key", S()},
     {"ledger_seq", I()}},
    {"id", "customer", "change_kind", "channel", "state", "attempts", "next_attempt_at",
     "created_at", "due_by", "delivered_at", "overdue"});
json SettingsProperties() {
  return {{"webhook_url", S()},
          {"channels", Arr({{"type", "string"}, {"enum", {"text", "voicemail", "mail", "email"}}})},
          {"bound_seconds", I()},
          {"max_attempts", I()},
          {"backoff_base_ms", I()},
          {"backoff_max_ms", I()},
          {"callback_phone", S()}};
}
const json kSettingsInputSchema = Closed(SettingsProperties(), {});
const json kSettingsSchema = [] {
  json p = SettingsProperties();
  p["updated_at"] = {{"type", "string"},
                     {"description", "RFC 3339; empty until the settings are first changed"}};
  return Closed(p, {"webhook_url", "channels", "bound_seconds", "max_attempts",
                    "backoff_base_ms", "backoff_max_ms", "callback_phone", "updated_at"});
}();
const json kBacklogSchema = Closed({{"pending", I()}, {"overdue", I()}, {"failed", I()},
                                    {"oldest_due", NullT()}, {"alert", B()}},
                                   {"pending", "overdue", "failed", "oldest_due", "alert"});
const json kDeliveryReportSchema =
    Closed({{"attempted", I()}, {"delivered", I()}, {"retrying", I()}, {"failed", I()},
            {"printed", I()}, {"letters", Arr(S())}},
           {"attempted", "delivered", "retrying", "failed", "printed", "letters"});
const json kFlagSchema = Closed(
    {{"id", I()},
     {"kind", S()},
     {"key", S()},
     {"raised_at", T()},
     {"updated_at", T()},
     {"failures", I()},
     {"accounts", I()},
     {"evidence", Map("what raised the flag: the step ids and the window counted")},
     {"state", S()},
     {"reviewed_by", S()},
     {"reviewed_at", NullT()},
     {"review_note", S()},
     {"basis", S()},
     {"ledger_seq", I()}},
    {"id", "kind", "key", "raised_at", "failures", "accounts", "evidence", "state", "basis"});
const json kFlagSummarySchema =
    Closed({{"year", I()}, {"flags", I()}, {"by_calling_number", I()}, {"by_staff", I()},
            {"by_account", I()}, {"reviewed", I()}, {"open", I()}, {"basis", S()}},
           {"year", "flags", "reviewed", "open", "basis"});

Result<services::SecretAuthorization> ReadAuthorization(ObjectReader& r) {
  services::SecretAuthorization auth;
  if (auto v = r.OptInt("verification", 1, INT64_MAX / 2)) auth.session_id = *v;
  if (auto c = r.OptString("reset_code", 64)) auth.reset_code = *c;
  if (auto i = r.OptBool("at_service_initiation")) auth.at_service_initiation = *i;
  return auth;
}

void SendStep(const std::shared_ptr<Call>& call, const Result<services::StepResult>& r) {
  if (!r.ok()) return call->Fail(r.status());
  call->Json(200, services::StepResultToJson(*r));
}

// One verification step; the body's `kind` says which.
void Step(Api& api, const std::shared_ptr<AuthRuntime>& rt, const std::shared_ptr<Call>& call) {
  auto id = call->IdParam("verification");
  if (!id.ok()) return call->Fail(id.status());
  auto body = ParseJsonObject(call->req);
  if (!body.ok()) return call->Fail(body.status());
  ObjectReader r(*body);
  const std::string kind = r.String("kind", 32);
  const CarrierId carrier = call->carrier;
  const int64_t session = *id;
  const services::Actor actor = call->actor;
  store::Store& store = api.store();
  if (kind == "password" || kind == "backup_answer") {
    const bool pw = kind == "password";
    const std::string secret = r.String(pw ? "password" : "answer",
                                        pw ? services::kMaxCpniPasswordBytes
                                           : services::kMaxAnswerBytes);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    return Hashing(*rt, call, [&store, rt, call, carrier, session, actor, pw, secret] {
      SendStep(call, pw ? services::VerifyCallerPassword(store, carrier, session, secret,
                                                         rt->policy, actor)
                        : services::VerifyBackupAnswer(store, carrier, session, secret,
                                                       rt->policy, actor));
    });
  }
  if (kind == "caller_call_detail") {
    const std::string text = r.String("description", 500);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    return SendStep(call, services::RecordCallerStatedCallDetail(store, carrier, session, text,
                                                                 rt->policy, actor));
  }
  if (kind == "call_back") {
    const std::string number = r.String("number", 32);
    const bool reached = r.OptBool("reached").value_or(false);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    return SendStep(call, services::RecordCallBack(store, carrier, session, number, reached,
                                                   rt->policy, actor));
  }
  if (kind == "send_to_address_of_record") {
    const std::string to = r.OptString("address", 16).value_or("postal");
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    if (to != "postal" && to != "email") {
      return call->Fail(Status::InvalidArgument("address must be postal or email", "address"));
    }
    auto rel = services::ReleaseToAddressOfRecord(
        store, carrier, session,
        to == "postal" ? services::AddressKind::kPostal : services::AddressKind::kEmail,
        rt->policy, actor);
    if (!rel.ok()) return call->Fail(rel.status());
    json out = services::StepResultToJson(rel->step);
    out["destination"] = rel->destination;
    out["on_file_since"] = rel->on_file_since.Valid() ? rel->on_file_since.ToString() : "";
    return call->Json(200, out);
  }
  if (kind == "photo_id") {
    services::PhotoId pid;
    pid.type = r.String("id_type", 32);
    pid.issuer = r.String("issuer", 100);
    pid.last4 = r.String("last4", 4);
    const std::string expires = r.String("expires_on", 10);
    pid.matches_account_holder = r.OptBool("matches_account_holder").value_or(false);
    if (auto by = r.OptInt("checked_by", 1, INT64_MAX / 2)) pid.staff = StaffId(*by);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    auto d = CivilDate::Parse(expires);
    if (!d.ok()) {
      return call->Fail(Status::InvalidArgument("expires_on must be YYYY-MM-DD", "expires_on"));
    }
    pid.expires_on = *d;
    return SendStep(call, services::RecordPhotoId(store, carrier, session, pid, rt->policy, actor));
  }
  if (kind == "business_alternative") {
    const std::string ref = r.String("contract_ref", kMaxNameBytes);
    const std::string method = r.String("method", 200);
    if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
    return SendStep(call, services::RecordBusinessAlternative(store, carrier, session, ref,
                                                              method, rt->policy, actor));
  }
  if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
  call->Fail(Status::InvalidArgument(
      "kind must be password, backup_answer, caller_call_detail, call_back, "
      "send_to_address_of_record, photo_id or business_alternative",
      "kind"));
}

void SecretPut(Api& api, const std::shared_ptr<AuthRuntime>& rt, const std::shared_ptr<Call>& call,
               const std::string& which) {
  auto customer = call->IdParam("customer");
  if (!customer.ok()) return call->Fail(customer.status());
  auto body = ParseJsonObject(call->req);
  if (!body.ok()) return call->Fail(body.status());
  ObjectReader r(*body);
  std::string password, question, answer, login;
  if (which == "password") password = r.String("password", services::kMaxCpniPasswordBytes);
  if (which == "backup") {
    question = r.String("question", services::kMaxQuestionBytes);
    answer = r.String("answer", services::kMaxAnswerBytes);
  }
  if (which == "online_account") login = r.String("login", 64);
  auto auth = ReadAuthorization(r);
  if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
  // The service-initiation path is for the roles that open accounts
  // (services::kServiceInitiationRoles): the service checks the caller's.
  if (call->principal) auth->actor_roles = call->principal->roles;
  store::Store& store = api.store();
  const CarrierId carrier = call->carrier;
  const CustomerId who(*customer);
  const services::Actor actor = call->actor;
  auto done = [call, rt](const Result<services::SecretSetResult>& res) {
    if (!res.ok()) return call->Fail(res.status());
    rt->worker.Poke();
    call->Json(200, services::SecretSetToJson(*res));
  };
  if (which == "online_account") {
    return done(services::SetOnlineAccount(store, carrier, who, login, *auth, rt->policy, actor));
  }
  Hashing(*rt, call, [&store, rt, carrier, who, actor, which, password, question, answer,
                      a = *auth, done] {
    done(which == "password"
             ? services::SetCpniPassword(store, carrier, who, password, a, rt->policy, actor)
             : services::SetBackupAuthentication(store, carrier, who, question, answer, a,
                                                 rt->policy, actor));
  });
}

}  // namespace

void AddAuthGauges(Api& api, std::map<std::string, double>& gauges) {
  auto backlog = services::NotificationBacklog(api.store(), CarrierId(), Instant::Now());
  if (backlog.ok()) {
    gauges["proprio_account_notifications_pending"] = static_cast<double>(backlog->pending);
    gauges["proprio_account_notifications_overdue"] = static_cast<double>(backlog->overdue);
    gauges["proprio_account_notifications_failed"] = static_cast<double>(backlog->failed);
    // 64.2010(f): notices must go out at once; any overdue one is an alert.
    gauges["proprio_account_notifications_alert"] = backlog->overdue > 0 ? 1 : 0;
  }
  std::shared_ptr<AuthRuntime> rt;
  {
    std::lock_guard<std::mutex> lock(g_runtimes_mu);
    auto it = Runtimes().find(&api);
    if (it != Runtimes().end()) rt = it->second.lock();
  }
  if (rt) {
    gauges["proprio_auth_checks_queued"] = static_cast<double>(rt->queued.load());
    gauges["proprio_auth_checks_total"] = static_cast<double>(rt->done.load());
    gauges["proprio_auth_checks_rejected_total"] = static_cast<double>(rt->rejected.load());
    gauges["proprio_auth_hash_threads"] = rt->threads;
  }
}

void AddAuthRoutes(Api& api, std::vector<RouteSpec>& routes) {
  auto rt = std::make_shared<AuthRuntime>(api);
  {
    std::lock_guard<std::mutex> lock(g_runtimes_mu);
    for (auto it = Runtimes().begin(); it != Runtimes().end();) {
      it = it->second.expired() ? Runtimes().erase(it) : std::next(it);
    }
    Runtimes()[&api] = rt;
  }
  const std::string base = "/v1/carriers/{carrier}";

  // ---- verification sessions ----
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/verifications",
      .summary = "Open a verification session for a customer-initiated call (phone) or a store "
                 "visit (in_store) before any CPNI is disclosed (64.2010(a))",
      .tag = "authentication",
      .roles = kVerifiers,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties",
                          {{"customer", {{"type", "integer"}}},
                           {"channel", {{"type", "string"}, {"enum", {"phone", "in_store"}}}},
                           {"calling_number", {{"type", "string"}}},
                           {"call_id", {{"type", "string"}}}}},
                         {"required", {"customer", "channel"}},
                         {"additionalProperties", false}},
      .success_status = 201,
      .response_schema = kSessionSchema,
      .location = base + "/verifications/{/id}",
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            services::OpenVerificationRequest req;
            req.carrier = call->carrier;
            req.customer = CustomerId(r.OptInt("customer", 1, INT64_MAX / 2).value_or(0));
            const std::string channel = r.String("channel", 16);
            req.calling_number = r.OptString("calling_number", 32).value_or("");
            req.call_id = r.OptString("call_id", 100).value_or("");
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            if (!req.customer.valid()) {
              return call->Fail(Status::InvalidArgument("customer is required", "customer"));
            }
            auto ch = services::ParseVerificationChannel(channel);
            if (!ch.ok()) return call->Fail(ch.status());
            req.channel = *ch;
            auto v = services::OpenVerification(api.store(), req, rt->policy, call->actor);
            if (!v.ok()) return call->Fail(v.status());
            Response resp;
            resp.status = 201;
            resp.body = services::SessionToJson(*v).dump();
            call->Send(std::move(resp));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/verifications/{verification}",
      .summary = "A verification session: its steps, outcomes and decision context",
      .tag = "authentication",
      .roles = kVerifiers,
      .response_schema = kSessionSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("verification");
            if (!id.ok()) return call->Fail(id.status());
            auto v = services::GetVerification(api.store(), call->carrier, *id, Instant::Now());
            if (!v.ok()) return call->Fail(v.status());
            call->Json(200, services::SessionToJson(*v));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/verifications/{verification}/steps",
      .summary =
          "Record a step: password or backup_answer (64.2010(b),(e)), caller_call_detail "
          "(discuss only that detail), call_back (telephone number of record only), "
          "send_to_address_of_record (on file 30 days), photo_id (64.2010(d)), "
          "business_alternative (64.2010(g)). Failures count per account and calling number "
          "and may raise pretexting flags",
      .tag = "authentication",
      .roles = kVerifiers,
      .request_type = "application/json",
      .request_schema =
          {{"type", "object"},
           {"properties",
            {{"kind",
              {{"type", "string"},
               {"enum",
                {"password", "backup_answer", "caller_call_detail", "call_back",
                 "send_to_address_of_record", "photo_id", "business_alternative"}}}},
             {"password", {{"type", "string"}, {"writeOnly", true}}},
             {"answer", {{"type", "string"}, {"writeOnly", true}}},
             {"description", {{"type", "string"}}},
             {"number", {{"type", "string"}}},
             {"reached", {{"type", "boolean"}}},
             {"address", {{"type", "string"}, {"enum", {"postal", "email"}}}},
             {"id_type", {{"type", "string"}}},
             {"issuer", {{"type", "string"}}},
             {"last4", {{"type", "string"}}},
             {"expires_on", {{"type", "string"}, {"format", "date"}}},
             {"matches_account_holder", {{"type", "boolean"}}},
             {"checked_by", {{"type", "integer"}}},
             {"contract_ref", {{"type", "string"}}},
             {"method", {{"type", "string"}}}}},
           {"required", {"kind"}},
           {"additionalProperties", false}},
      .response_schema = kStepResultSchema,
      .handler = [&api, rt](const std::shared_ptr<Call>& call) { Step(api, rt, call); }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/verifications/{verification}/close",
      .summary = "Close a session (the call ended, the customer left)",
      .tag = "authentication",
      .roles = kVerifiers,
      .response_schema = kSessionSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("verification");
            if (!id.ok()) return call->Fail(id.status());
            Status st = services::CloseVerification(api.store(), call->carrier, *id, call->actor);
            if (!st.ok()) return call->Fail(st);
            auto v = services::GetVerification(api.store(), call->carrier, *id, Instant::Now());
            if (!v.ok()) return call->Fail(v.status());
            call->Json(200, services::SessionToJson(*v));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/verifications/{verification}/context",
      .summary = "The decision-request context (flags and channel) the session establishes",
      .tag = "authentication",
      .roles = kVerifiers,
      .query = {{"customer", "integer", "the customer the decision is about"},
                {"release", "string", "address_of_record: the release-by-mail channel"}},
      .response_schema = ContextSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("verification");
            if (!id.ok()) return call->Fail(id.status());
            auto customer = QueryInt(call->req, "customer", 0, 0, INT64_MAX / 16);
            if (!customer.ok()) return call->Fail(customer.status());
            const std::string release = call->req.Query("release");
            if (!release.empty() && release != "address_of_record") {
              return call->Fail(
                  Status::InvalidArgument("release must be address_of_record", "release"));
            }
            auto ctx = services::DecisionContextForSession(api.store(), call->carrier, *id,
                                                           CustomerId(*customer), Instant::Now(),
                                                           !release.empty());
            if (!ctx.ok()) return call->Fail(ctx.status());
            call->Json(200, services::DecisionContextToJson(*ctx));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/verifications/{verification}/decisions",
      .summary = "Decide a request about the session's customer with the context the session "
                 "establishes: channel, call_id and the authentication flags in the body are "
                 "refused (400 naming context.<key>: the session, not the client, says who is "
                 "authenticated); other context flags may be given; `at` defaults to now; "
                 "logged like every decision",
      .tag = "authentication",
      .roles = kVerifiers,
      .query = {{"release", "string", "address_of_record: the release-by-mail channel"}},
      .request_type = "application/json",
      .request_schema = [] {
        json r = DecisionRequestSchemaForRoutes();
        r["required"] = {"customer", "action", "purpose", "cpni", "service_category"};
        return r;
      }(),
      .response_schema = [] {
        json a = DecisionAnswerSchemaForRoutes();
        a["properties"]["verification"] = I();
        a["properties"]["context"] = ContextSchema();
        return a;
      }(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("verification");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            if (body->contains("requests")) {
              return call->Fail(Status::InvalidArgument(
                  "one request about the session's customer", "requests"));
            }
            const bool by_mail = call->req.Query("release") == "address_of_record";
            const json& cust = (*body)["customer"];
            const CustomerId customer(cust.is_number_integer() ? cust.get<int64_t>() : 0);
            if (!customer.valid()) {
              return call->Fail(Status::InvalidArgument("customer is required", "customer"));
            }
            // The same binding as `proprio decide --session`: the channel, call id
            // and authentication flags come only from the session's steps; other
            // context (legal_process, written_authorization, ...) may be given.
            const Instant now = Instant::Now();
            auto bound = services::BindDecisionsToSessions(
                api.store(), call->carrier,
                services::WithDefaultInstant(std::move(*body), now), *id, now, by_mail);
            if (!bound.ok()) return call->Fail(bound.status());
            const json request = std::move(*bound);
            auto parsed = services::DecisionRequestFromJson(request);
            if (!parsed.ok()) return call->Fail(parsed.status());
            std::vector<rules::DecisionRequest> one = {*parsed};
            auto decided = services::DecideOnce(api.store(), call->carrier, one, {},
                                                api.options().rules, call->actor);
            if (!decided.ok()) return call->Fail(decided.status());
            json out = services::DecisionToJson(decided->front());
            out["verification"] = *id;
            out["context"] = request["context"];
            call->Json(200, out);
          }});

  // ---- online ----
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/online-sessions",
      .summary = "The customer portal signs a customer in with the online login and the CPNI "
                 "password only (64.2010(c)); repeated failures lock with a growing back-off "
                 "(429)",
      .tag = "authentication",
      .roles = kPortal,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties",
                          {{"login", {{"type", "string"}}},
                           {"password", {{"type", "string"}, {"writeOnly", true}}}}},
                         {"required", {"login", "password"}},
                         {"additionalProperties", false}},
      .success_status = 201,
      .response_schema = Closed({{"token", S()}, {"session", kSessionSchema}},
                                {"token", "session"}),
      .location = base + "/verifications/{/session/id}",
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string login = r.String("login", 64);
            const std::string password = r.String("password", services::kMaxCpniPasswordBytes);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            store::Store& store = api.store();
            Hashing(*rt, call, [&store, rt, call, login, password] {
              int64_t retry = 0;
              auto res = services::OnlineSignIn(store, call->carrier, login, password, rt->policy,
                                                call->actor, &retry);
              if (!res.ok()) {
                Response resp = ProblemResponse(res.status(), call->req.request_id);
                if (retry > 0) resp.Header("Retry-After", std::to_string(retry));
                return call->Send(std::move(resp));
              }
              call->Json(201, {{"token", res->token},
                               {"session", services::SessionToJson(res->session)}});
            });
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/online-password-resets",
      .summary = "Send a one-time reset code to the telephone number (text) or address (mail) "
                 "of record (64.2010(e)); the same answer whether or not the login exists",
      .tag = "authentication",
      .roles = kPortal,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties",
                          {{"login", {{"type", "string"}}},
                           {"via", {{"type", "string"}, {"enum", {"text", "mail"}}}}}},
                         {"required", {"login"}},
                         {"additionalProperties", false}},
      .success_status = 202,
      .response_schema = Closed({{"requested", {{"type", "boolean"}, {"enum", {true}}}}},
                                {"requested"}),
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string login = r.String("login", 64);
            const std::string via = r.OptString("via", 8).value_or("text");
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            if (via != "text" && via != "mail") {
              return call->Fail(Status::InvalidArgument("via must be text or mail", "via"));
            }
            Status st = services::RequestPasswordReset(
                api.store(), call->carrier, login,
                via == "mail" ? services::ResetChannel::kMail : services::ResetChannel::kText,
                rt->policy, call->actor);
            if (!st.ok()) return call->Fail(st);
            rt->worker.Poke();
            call->Json(202, {{"requested", true}});
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/online-password-resets/complete",
      .summary = "Reset the CPNI password with the one-time code or the back-up answer, never "
                 "with information a pretexter could know (64.2010(e))",
      .tag = "authentication",
      .roles = kPortal,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties",
                          {{"login", {{"type", "string"}}},
                           {"code", {{"type", "string"}, {"writeOnly", true}}},
                           {"backup_answer", {{"type", "string"}, {"writeOnly", true}}},
                           {"new_password", {{"type", "string"}, {"writeOnly", true}}}}},
                         {"required", {"login", "new_password"}},
                         {"additionalProperties", false}},
      .response_schema = kSecretSetSchema,
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string login = r.String("login", 64);
            const std::string code = r.OptString("code", 64).value_or("");
            const std::string answer =
                r.OptString("backup_answer", services::kMaxAnswerBytes).value_or("");
            const std::string pw = r.String("new_password", services::kMaxCpniPasswordBytes);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            store::Store& store = api.store();
            Hashing(*rt, call, [&store, rt, call, login, code, answer, pw] {
              auto res = services::ResetPasswordOnline(store, call->carrier, login, code, answer,
                                                       pw, rt->policy, call->actor);
              if (!res.ok()) return call->Fail(res.status());
              rt->worker.Poke();
              call->Json(200, services::SecretSetToJson(*res));
            });
          }});

  // ---- secrets ----
  const std::string secrets = base + "/customers/{customer}/secrets";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = secrets,
      .summary = "What is set (password, back-up question, online account, lockouts); never "
                 "the secrets or their hashes",
      .tag = "authentication",
      .roles = kSecretReaders,
      .response_schema = kSecretsStatusSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto s = services::GetSecretsStatus(api.store(), call->carrier, CustomerId(*id));
            if (!s.ok()) return call->Fail(s.status());
            call->Json(200, services::SecretsStatusToJson(*s));
          }});
  json password_props = kAuthorizationProps;
  password_props["password"] = {{"type", "string"}, {"writeOnly", true}};
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = secrets + "/password",
      .summary = "Set or change the CPNI password (argon2id; refused when built on biographical "
                 "or account information, 64.2010(b),(e)); needs a prior authentication; queues "
                 "the account-change notice (64.2010(f))",
      .tag = "authentication",
      .roles = kSecretWriters,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties", password_props},
                         {"required", {"password"}},
                         {"additionalProperties", false}},
      .response_schema = kSecretSetSchema,
      .handler = [&api, rt](const std::shared_ptr<Call>& call) {
        SecretPut(api, rt, call, "password");
      }});
  json backup_props = kAuthorizationProps;
  backup_props["question"] = {{"type", "string"}};
  backup_props["answer"] = {{"type", "string"}, {"writeOnly", true}};
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = secrets + "/backup",
      .summary = "Set or change the back-up question and answer (refused when the question or "
                 "answer is biographical or account information, 64.2010(e))",
      .tag = "authentication",
      .roles = kSecretWriters,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties", backup_props},
                         {"required", {"question", "answer"}},
                         {"additionalProperties", false}},
      .response_schema = kSecretSetSchema,
      .handler = [&api, rt](const std::shared_ptr<Call>& call) {
        SecretPut(api, rt, call, "backup");
      }});
  json online_props = kAuthorizationProps;
  online_props["login"] = {{"type", "string"}};
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = secrets + "/online-account",
      .summary = "Create or rename the online account (needs the CPNI password and a prior "
                 "authentication, 64.2010(c)); queues the account-change notice",
      .tag = "authentication",
      .roles = kSecretWriters,
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties", online_props},
                         {"required", {"login"}},
                         {"additionalProperties", false}},
      .response_schema = kSecretSetSchema,
      .handler = [&api, rt](const std::shared_ptr<Call>& call) {
        SecretPut(api, rt, call, "online_account");
      }});

  // ---- notifications ----
  const std::string notes = base + "/notifications";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = notes,
      .summary = "Account-change notices (64.2010(f)) and their states; state=pending lists "
                 "those not yet delivered, with overdue ones flagged and a backlog alert",
      .tag = "notifications",
      .roles = kNoticeReaders,
      .query = PageQuery({{"state", "string", "pending: not yet delivered"},
                          {"customer", "integer", "only this customer"}}),
      .response_schema = {{"type", "object"},
                          {"properties",
                           {{"notifications", {{"type", "array"}, {"items", kNotificationSchema}}},
                            {"backlog", kBacklogSchema},
                            {"next_cursor", {{"type", {"string", "null"}}}}}}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            store::NotificationFilter f;
            const std::string state = call->req.Query("state");
            if (!state.empty() && state != "pending" && state != "all") {
              return call->Fail(Status::InvalidArgument("state must be pending or all", "state"));
            }
            f.pending_only = state == "pending";
            auto customer = QueryInt(call->req, "customer", 0, 0, INT64_MAX / 16);
            if (!customer.ok()) return call->Fail(customer.status());
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            f.customer = CustomerId(*customer);
            f.limit = page->limit + 1;
            f.after_id = page->after;
            auto list = services::ListNotifications(api.store(), call->carrier, f);
            if (!list.ok()) return call->Fail(list.status());
            const Instant now = Instant::Now();
            auto backlog = services::NotificationBacklog(api.store(), call->carrier, now);
            if (!backlog.ok()) return call->Fail(backlog.status());
            json items = json::array();
            json next = nullptr;
            for (size_t i = 0; i < list->size(); ++i) {
              if (static_cast<int64_t>(i) == page->limit) {
                next = std::to_string((*list)[i - 1].id);
                break;
              }
              items.push_back(services::NotificationToJson((*list)[i], now));
            }
            call->Json(200, {{"notifications", items},
                             {"backlog", services::BacklogToJson(*backlog)},
                             {"next_cursor", next}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = notes + "/settings",
      .summary = "The carrier's notification webhook, channels, delivery bound and back-off",
      .tag = "notifications",
      .roles = kNoticeReaders,
      .response_schema = kSettingsSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto s = services::GetNotificationSettings(api.store(), call->carrier);
            if (!s.ok()) return call->Fail(s.status());
            call->Json(200, services::NotificationSettingsToJson(*s));
          }});
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = notes + "/settings",
      .summary = "Change the webhook (http/https), channels (text, voicemail, mail, email), the "
                 "bound after which an undelivered notice raises an alert, and retry back-off",
      .tag = "notifications",
      .roles = kNoticeWriters,
      .request_type = "application/json",
      .request_schema = kSettingsInputSchema,
      .response_schema = kSettingsSchema,
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto cur = services::GetNotificationSettings(api.store(), call->carrier);
            if (!cur.ok()) return call->Fail(cur.status());
            store::NotificationSettingsRow s = *cur;
            ObjectReader r(*body);
            if (auto v = r.OptString("webhook_url", 2000)) s.webhook_url = *v;
            if (auto v = r.OptStringArray("channels", 4, 16)) {
              s.channels.clear();
              for (const std::string& c : *v) s.channels += (s.channels.empty() ? "" : ";") + c;
            }
            if (auto v = r.OptInt("bound_seconds", 0, INT64_MAX / 2)) s.bound_seconds = *v;
            if (auto v = r.OptInt("max_attempts", 0, 1000)) s.max_attempts = *v;
            if (auto v = r.OptInt("backoff_base_ms", 0, INT64_MAX / 2)) s.backoff_base_ms = *v;
            if (auto v = r.OptInt("backoff_max_ms", 0, INT64_MAX / 2)) s.backoff_max_ms = *v;
            if (auto v = r.OptString("callback_phone", 32)) s.callback_phone = *v;
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            Status st = services::PutNotificationSettings(api.store(), s, call->actor);
            if (!st.ok()) return call->Fail(st);
            auto now = services::GetNotificationSettings(api.store(), call->carrier);
            if (!now.ok()) return call->Fail(now.status());
            rt->worker.Poke();
            call->Json(200, services::NotificationSettingsToJson(*now));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = notes + "/deliveries",
      .summary = "Deliver the carrier's due notices through its webhook now (the outbox "
                 "worker also does so every few seconds)",
      .tag = "notifications",
      .roles = kNoticeWriters,
      .success_status = 200,
      .response_schema = kDeliveryReportSchema,
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto r = services::DeliverDueNotifications(api.store(), call->carrier, rt->Delivery(),
                                                       call->actor);
            if (!r.ok()) return call->Fail(r.status());
            call->Json(200, services::DeliveryReportToJson(*r));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = notes + "/{notification}",
      .summary = "One notice and its state",
      .tag = "notifications",
      .roles = kNoticeReaders,
      .response_schema = kNotificationSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("notification");
            if (!id.ok()) return call->Fail(id.status());
            auto n = services::GetNotification(api.store(), call->carrier, *id);
            if (!n.ok()) return call->Fail(n.status());
            call->Json(200, services::NotificationToJson(*n, Instant::Now()));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = notes + "/{notification}/retry",
      .summary = "Requeue a failed notice (same destination, same idempotency key)",
      .tag = "notifications",
      .roles = kNoticeWriters,
      .response_schema = kNotificationSchema,
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("notification");
            if (!id.ok()) return call->Fail(id.status());
            auto n = services::RetryNotification(api.store(), call->carrier, *id, call->actor);
            if (!n.ok()) return call->Fail(n.status());
            rt->worker.Poke();
            call->Json(200, services::NotificationToJson(*n, Instant::Now()));
          }});

  // ---- pretexting ----
  const std::string flags = base + "/pretexting-flags";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = flags,
      .summary = "Suspected pretexting: repeated failed verifications from one calling number, "
                 "by one staff member or against one account, with the evidence (64.2010(a))",
      .tag = "authentication",
      .roles = kFlagReaders,
      .query = PageQuery({{"state", "string", "open or reviewed"}}),
      .response_schema = PageSchema("flags", kFlagSchema),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            auto list = services::ListPretextingFlags(api.store(), call->carrier,
                                                      call->req.Query("state"), page->after,
                                                      page->limit);
            if (!list.ok()) return call->Fail(list.status());
            call->Json(200, PageJson("flags", *list, services::PretextingFlagToJson));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = flags + "/summary",
      .summary = "The year's pretexting figures for the annual certification (64.2009(e))",
      .tag = "authentication",
      .roles = kFlagReaders,
      .query = {{"year", "integer", "calendar year"}},
      .response_schema = kFlagSummarySchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto year = QueryInt(call->req, "year", 0, 2000, 2200);
            if (!year.ok()) return call->Fail(year.status());
            const int y = *year == 0 ? UtcDate(Instant::Now()).year : static_cast<int>(*year);
            auto s = services::SummarizePretexting(api.store(), call->carrier, y);
            if (!s.ok()) return call->Fail(s.status());
            call->Json(200, services::PretextingSummaryToJson(*s));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = flags + "/{flag}/review",
      .summary = "The security role records its review of a flag",
      .tag = "authentication",
      .roles = {Role::kSecurity},
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"properties", {{"note", {{"type", "string"}}}}},
                         {"required", {"note"}},
                         {"additionalProperties", false}},
      .response_schema = kFlagSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("flag");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string note = r.String("note", 2000);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto f = services::ReviewPretextingFlag(api.store(), call->carrier, *id, note,
                                                    call->actor);
            if (!f.ok()) return call->Fail(f.status());
            call->Json(200, services::PretextingFlagToJson(*f));
          }});
}

}  // namespace proprio::api
