#include "services/auth_json.h"

namespace proprio::services {

using nlohmann::json;

namespace {
std::string InstantOrNull(Instant t) { return t == Instant() ? std::string() : t.ToRfc3339(); }
json OptInstant(Instant t) { return t == Instant() ? json(nullptr) : json(t.ToRfc3339()); }
}  // namespace

json SessionFlagsToJson(uint32_t flags) {
  static const std::pair<SessionFlag, const char*> kNames[] = {
      {SessionFlag::kPasswordVerified, "password_verified"},
      {SessionFlag::kBackupVerified, "backup_answer_verified"},
      {SessionFlag::kCallerStatedCallDetail, "caller_stated_call_detail"},
      {SessionFlag::kCalledBack, "called_back_number_of_record"},
      {SessionFlag::kPhotoIdVerified, "photo_id_verified"},
      {SessionFlag::kBusinessAlternative, "business_alternative"},
      {SessionFlag::kOnlineSignedIn, "online_signed_in"},
      {SessionFlag::kSentToAddressOfRecord, "sent_to_address_of_record"},
      {SessionFlag::kLocked, "locked"},
  };
  json out = json::array();
  for (const auto& [f, name] : kNames) {
    if (HasFlag(flags, f)) out.push_back(name);
  }
  return out;
}

json StepToJson(const store::VerificationStepRow& s) {
  json detail = json::parse(s.detail, nullptr, false);
  if (!detail.is_object()) detail = json::object();
  return {
      {"id", s.id},       {"kind", s.kind},   {"outcome", s.outcome},      {"at", s.at.ToRfc3339()},
      {"actor", s.actor}, {"detail", detail}, {"ledger_seq", s.ledger_seq}};
}

json SessionToJson(const SessionView& s) {
  json steps = json::array();
  for (const auto& st : s.steps) steps.push_back(StepToJson(st));
  json j = {{"id", s.row.id},
            {"customer", s.row.customer.value()},
            {"channel", s.row.channel},
            {"calling_number", s.row.calling_number},
            {"call_id", s.row.call_id},
            {"opened_by", s.row.actor},
            {"opened_at", s.row.opened_at.ToRfc3339()},
            {"expires_at", s.row.expires_at.ToRfc3339()},
            {"closed_at", OptInstant(s.row.closed_at)},
            {"open", s.open},
            {"authenticated", s.authenticated},
            {"flags", SessionFlagsToJson(s.row.flags)},
            {"failures", s.row.failures},
            {"stated_call_detail", s.row.stated_call_detail},
            {"backup_question", s.backup_question},
            {"failed_verifications_24h",
             {{"account", s.account_failures_24h},
              {"calling_number", s.number_failures_24h},
              {"calling_number_accounts", s.number_accounts_24h}}},
            {"context", DecisionContextToJson(ContextFromSession(s.row, false))},
            {"steps", steps}};
  return j;
}

json StepResultToJson(const StepResult& r) {
  json flags = json::array();
  for (int64_t f : r.flags_raised) flags.push_back(f);
  return {{"passed", r.passed},
          {"outcome", r.outcome},
          {"reason", r.reason},
          {"basis", r.citation},
          {"step", r.step_id},
          {"pretexting_flags", flags},
          {"session", SessionToJson(r.session)}};
}

json SecretsStatusToJson(const SecretsStatus& s) {
  auto secret = [](const std::optional<store::CustomerSecretRow>& row, bool with_question) {
    if (!row) return json{{"set", false}};
    json j = {{"set", true},
              {"set_at", row->set_at.ToRfc3339()},
              {"set_by", row->set_by},
              {"setup_path", row->setup_path}};
    if (with_question) j["question"] = row->question;
    return j;
  };
  json online = {{"set", false}};
  if (s.online) {
    online = {{"set", true},
              {"login", s.online->login},
              {"created_at", s.online->created_at.ToRfc3339()},
              {"last_sign_in", OptInstant(s.online->last_sign_in)}};
  }
  return {{"password", secret(s.password, false)},
          {"backup", secret(s.backup, true)},
          {"online_account", online},
          {"phone_failures", s.state.phone_failures},
          {"phone_locked_until", OptInstant(s.state.phone_locked_until)},
          {"online_failures", s.state.online_failures},
          {"online_locked_until", OptInstant(s.state.online_locked_until)}};
}

json SecretSetToJson(const SecretSetResult& r) {
  return {{"created", r.created},
          {"setup_path", r.setup_path},
          {"notifications", r.notifications},
          {"ledger_seq", r.ledger_seq}};
}

json DecisionContextToJson(const rules::DecisionContext& c) {
  json j = json::object();
  for (int i = 0; i < rules::kContextFlagCount; ++i) {
    const auto f = static_cast<rules::ContextFlag>(i);
    if (c.flags.Has(f)) j[std::string(rules::ContextFlagName(f))] = true;
  }
  if (c.channel != rules::AccessChannel::kNone) {
    j["channel"] = std::string(rules::AccessChannelName(c.channel));
  }
  if (!c.call_id.empty()) j["call_id"] = c.call_id;
  return j;
}

bool IsSessionContextKey(std::string_view key) {
  static constexpr std::string_view kKeys[] = {
      "channel",           "call_id",         "customer_initiated_call", "password_provided",
      "customer_authenticated", "photo_id_verified", "caller_provided_call_detail"};
  for (std::string_view k : kKeys) {
    if (k == key) return true;
  }
  return false;
}

namespace {

Status WithField(const Status& s, const std::string& field) {
  if (s.ok()) return s;
  return Status(s.code(), s.message(), field);
}

// One request object bound to its session (see BindDecisionsToSessions).
Result<json> BindOne(store::Store& store, CarrierId carrier, json request,
                     std::optional<int64_t> session_id, Instant now, bool by_mail,
                     const std::string& prefix) {
  if (!request.is_object()) return request;  // the request codec names the problem
  std::optional<int64_t> id = session_id;
  if (auto it = request.find("session"); it != request.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
      return Status::InvalidArgument(prefix + "session: must be a verification session id",
                                     prefix + "session");
    }
    if (id && *id != it->get<int64_t>()) {
      return Status::InvalidArgument(
          prefix + "session: the request names session " + std::to_string(it->get<int64_t>()) +
              ", not " + std::to_string(*id),
          prefix + "session");
    }
    id = it->get<int64_t>();
    request.erase(it);
  }
  if (!id) return request;
  if (auto ctx = request.find("context"); ctx != request.end() && ctx->is_object()) {
    for (auto it = ctx->begin(); it != ctx->end(); ++it) {
      if (IsSessionContextKey(it.key())) {
        const std::string field = prefix + "context." + it.key();
        return Status::InvalidArgument(
            field + ": comes from verification session " + std::to_string(*id) +
                "'s recorded steps, not from the request; leave it out (47 CFR 64.2010)",
            field);
      }
    }
  }
  const json& cust = request.contains("customer") ? request["customer"] : json();
  if (!cust.is_number_integer() || cust.get<int64_t>() <= 0) {
    return Status::InvalidArgument(prefix + "customer: the customer is required",
                                   prefix + "customer");
  }
  Result<rules::DecisionContext> bound = DecisionContextForSession(
      store, carrier, *id, CustomerId(cust.get<int64_t>()), now, by_mail);
  if (!bound.ok()) return WithField(bound.status(), prefix + "session");
  json context = request.contains("context") && request["context"].is_object()
                     ? request["context"]
                     : json::object();
  const json from_session = DecisionContextToJson(*bound);
  for (const auto& [k, v] : from_session.items()) context[k] = v;
  request["context"] = context;
  return request;
}

}  // namespace

Result<json> BindDecisionsToSessions(store::Store& store, CarrierId carrier, json body,
                                     std::optional<int64_t> session_id, Instant now,
                                     bool release_by_mail) {
  if (body.is_object() && body.contains("requests") && body["requests"].is_array()) {
    json& list = body["requests"];
    for (size_t i = 0; i < list.size(); ++i) {
      ASSIGN_OR_RETURN(list[i], BindOne(store, carrier, std::move(list[i]), session_id, now,
                                        release_by_mail,
                                        "requests[" + std::to_string(i) + "]."));
    }
    return body;
  }
  return BindOne(store, carrier, std::move(body), session_id, now, release_by_mail, "");
}

json NotificationToJson(const store::NotificationRow& n, Instant now) {
  return {{"id", n.id},
          {"customer", n.customer.value()},
          {"change_kind", n.change_kind},
          {"change_event", n.change_event},
          {"channel", n.channel},
          {"destination", n.destination},
          {"state", n.state},
          {"attempts", n.attempts},
          {"next_attempt_at", n.state == "retrying" || n.state == "queued"
                                  ? json(n.next_attempt_at.ToRfc3339())
                                  : json(nullptr)},
          {"last_error", n.last_error},
          {"created_at", n.created_at.ToRfc3339()},
          {"due_by", n.due_by.ToRfc3339()},
          {"delivered_at", OptInstant(n.delivered_at)},
          {"overdue", NotificationOverdue(n, now)},
          {"idempotency_key", n.idempotency_key},
          {"ledger_seq", n.ledger_seq}};
}

json NotificationSettingsToJson(const store::NotificationSettingsRow& s) {
  json channels = json::array();
  size_t start = 0;
  while (start <= s.channels.size()) {
    const size_t semi = std::min(s.channels.find(';', start), s.channels.size());
    if (semi > start) channels.push_back(s.channels.substr(start, semi - start));
    start = semi + 1;
  }
  return {{"webhook_url", s.webhook_url},         {"channels", channels},
          {"bound_seconds", s.bound_seconds},     {"max_attempts", s.max_attempts},
          {"backoff_base_ms", s.backoff_base_ms}, {"backoff_max_ms", s.backoff_max_ms},
          {"callback_phone", s.callback_phone},   {"updated_at", InstantOrNull(s.updated_at)}};
}

json BacklogToJson(const store::NotificationBacklog& b) {
  return {{"pending", b.pending},
          {"overdue", b.overdue},
          {"failed", b.failed},
          {"oldest_due", OptInstant(b.oldest_due)},
          {"alert", b.overdue > 0}};
}

json DeliveryReportToJson(const DeliveryReport& r) {
  return {{"attempted", r.attempted}, {"delivered", r.delivered}, {"retrying", r.retrying},
          {"failed", r.failed},       {"printed", r.printed},     {"letters", r.letters}};
}

json PretextingFlagToJson(const store::PretextingFlagRow& f) {
  json evidence = json::parse(f.evidence, nullptr, false);
  if (!evidence.is_object()) evidence = json::object();
  return {{"id", f.id},
          {"kind", f.kind},
          {"key", f.key},
          {"raised_at", f.raised_at.ToRfc3339()},
          {"updated_at", f.updated_at.ToRfc3339()},
          {"failures", f.failures},
          {"accounts", f.accounts},
          {"evidence", evidence},
          {"state", f.state},
          {"reviewed_by", f.reviewed_by},
          {"reviewed_at", OptInstant(f.reviewed_at)},
          {"review_note", f.review_note},
          {"basis", "47 CFR 64.2010(a)"},
          {"ledger_seq", f.ledger_seq}};
}

json PretextingSummaryToJson(const PretextingSummary& s) {
  return {{"year", s.year},
          {"flags", s.flags},
          {"by_calling_number", s.by_calling_number},
          {"by_staff", s.by_staff},
          {"by_account", s.by_account},
          {"reviewed", s.reviewed},
          {"open", s.open},
          {"basis", "47 CFR 64.2010(a), 64.2009(e)"}};
}

}  // namespace proprio::services
