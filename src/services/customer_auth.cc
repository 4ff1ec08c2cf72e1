#include "services/customer_auth.h"

#include <sys/random.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/text.h"
#include "rules/address_of_record.h"
#include "services/notifications.h"
#include "services/policies.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;

namespace {

// 64.2010 carries no deployment configuration: the rule set in force at `at`,
// whose table (rules/rule_set.cc) every citation here comes from.
rules::RuleSet AuthRules(Instant at) { return rules::RuleSetFor(at, rules::RuleConfig{}); }
std::string Cite(Instant at, std::string_view id) { return std::string(AuthRules(at).Cite(id)); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// ---- randomness, tokens ----

Status FillRandomBytes(uint8_t* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::getrandom(out + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::Internal("getrandom failed");
    }
    got += static_cast<size_t>(r);
  }
  return Status::Ok();
}

// A code of `n` characters from `alphabet`, uniformly (rejection sampling).
Result<std::string> RandomCode(size_t n, std::string_view alphabet) {
  std::string out;
  const unsigned limit = 256 - (256 % alphabet.size());
  while (out.size() < n) {
    uint8_t buf[32];
    RETURN_IF_ERROR(FillRandomBytes(buf, sizeof buf));
    for (uint8_t b : buf) {
      if (b < limit && out.size() < n) out += alphabet[b % alphabet.size()];
    }
  }
  return out;
}

// ---- sessions ----

uint32_t Bit(SessionFlag f) { return 1u << static_cast<uint32_t>(f); }

StaffId StaffIdOf(const std::string& actor_id) {
  const std::string s = StaffActorOf(actor_id);
  if (s.empty()) return StaffId();
  return StaffId(std::strtoll(s.c_str() + 6, nullptr, 10));
}

// The actor recorded on steps: "staff:12" for staff (so failures by one CSR
// add up across routes), the actor id otherwise.
std::string StepActor(const Actor& actor) {
  const std::string s = StaffActorOf(actor.id);
  return s.empty() ? actor.id.substr(0, actor.id.find(" via ")) : s;
}

bool SessionOpen(const store::VerificationSessionRow& s, Instant now) {
  return s.closed_at == Instant() && s.expires_at > now;
}

Result<store::VerificationSessionRow> OpenSession(store::Tx& tx, CarrierId carrier, int64_t id,
                                                  Instant now) {
  ASSIGN_OR_RETURN(store::VerificationSessionRow s, tx.GetVerificationSession(carrier, id));
  if (s.closed_at != Instant()) {
    return Status::FailedPrecondition("verification session " + std::to_string(id) +
                                      " is closed; open a new one");
  }
  if (s.expires_at <= now) {
    return Status::FailedPrecondition("verification session " + std::to_string(id) +
                                      " has expired; open a new one");
  }
  return s;
}

Result<SessionView> ViewIn(store::Tx& tx, CarrierId carrier, int64_t id, Instant now) {
  SessionView v;
  ASSIGN_OR_RETURN(v.row, tx.GetVerificationSession(carrier, id));
  v.row.token_hash.reset();
  ASSIGN_OR_RETURN(v.steps, tx.ListVerificationSteps(carrier, id));
  v.open = SessionOpen(v.row, now);
  v.authenticated = v.open && SessionAuthenticated(v.row.flags);
  ASSIGN_OR_RETURN(auto backup, tx.GetCustomerSecret(carrier, v.row.customer,
                                                     static_cast<int>(SecretKind::kBackup)));
  if (backup) v.backup_question = backup->question;
  const Instant since = now + (-PretextingThresholds().window_us);
  ASSIGN_OR_RETURN(
      store::FailureTally account,
      tx.TallyFailures(carrier, store::FailureKey::kCustomer, v.row.customer.ToString(), since));
  v.account_failures_24h = account.failures;
  if (!v.row.calling_number.empty()) {
    ASSIGN_OR_RETURN(
        store::FailureTally number,
        tx.TallyFailures(carrier, store::FailureKey::kCallingNumber, v.row.calling_number, since));
    v.number_failures_24h = number.failures;
    v.number_accounts_24h = number.accounts;
  }
  return v;
}

struct StepSpec {
  std::string kind;     // password | backup_answer | ...
  std::string outcome;  // passed | failed | refused | no_answer
  std::string reason;
  std::string citation;
  json body = json::object();   // no personal data
  std::optional<json> payload;  // personal data
};

// Appends the step's ledger entry, stores the step, and for a failure runs the
// pretexting checks. Returns the step id.
Result<int64_t> RecordStep(store::Tx& tx, store::VerificationSessionRow& session,
                           const StepSpec& spec, const CustomerAuthPolicy& policy,
                           const Actor& actor, std::vector<int64_t>* flags);

Result<std::vector<int64_t>> CheckPretexting(store::Tx& tx, const store::VerificationStepRow& step,
                                             const CustomerAuthPolicy& policy, const Actor& actor);

Result<int64_t> RecordStep(store::Tx& tx, store::VerificationSessionRow& session,
                           const StepSpec& spec, const CustomerAuthPolicy& policy,
                           const Actor& actor, std::vector<int64_t>* flags) {
  store::LedgerEvent ev;
  ev.carrier = session.carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = "auth." + spec.kind + "." + spec.outcome;
  ev.subject = "customer:" + session.customer.ToString();
  json body = spec.body;
  body["session"] = session.id;
  body["channel"] = session.channel;
  body["outcome"] = spec.outcome;
  if (!spec.citation.empty()) body["basis"] = spec.citation;
  ev.body = body.dump();
  if (spec.payload) {
    ev.payload = spec.payload->dump();
    ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
  }
  ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
  store::VerificationStepRow step;
  step.carrier = session.carrier;
  step.session_id = session.id;
  step.customer = session.customer;
  step.calling_number = session.calling_number;
  step.actor = StepActor(actor);
  step.at = actor.now;
  step.kind = spec.kind;
  step.outcome = spec.outcome;
  json detail = spec.body;
  if (!spec.reason.empty()) detail["reason"] = spec.reason;
  if (!spec.citation.empty()) detail["basis"] = spec.citation;
  step.detail = detail.dump();
  step.ledger_seq = appended.seq;
  ASSIGN_OR_RETURN(step.id, tx.InsertVerificationStep(step));
  session.ledger_seq = appended.seq;
  if (spec.outcome == "failed") {
    ASSIGN_OR_RETURN(std::vector<int64_t> raised, CheckPretexting(tx, step, policy, actor));
    if (flags) flags->insert(flags->end(), raised.begin(), raised.end());
  }
  return step.id;
}

Result<int64_t> RaiseFlag(store::Tx& tx, CarrierId carrier, const std::string& kind,
                          const std::string& key, const store::FailureTally& tally,
                          const CustomerAuthPolicy& policy, const Actor& actor) {
  json steps = json::array();
  size_t start = 0;
  while (start < tally.step_ids.size()) {
    const size_t comma = std::min(tally.step_ids.find(',', start), tally.step_ids.size());
    steps.push_back(std::strtoll(tally.step_ids.substr(start, comma - start).c_str(), nullptr, 10));
    start = comma + 1;
  }
  const json evidence = {{"window_from", (actor.now + (-policy.pretexting.window_us)).ToRfc3339()},
                         {"window_to", actor.now.ToRfc3339()},
                         {"failures", tally.failures},
                         {"accounts", tally.accounts},
                         {"steps", steps}};
  ASSIGN_OR_RETURN(auto open, tx.FindOpenPretextingFlag(carrier, kind, key));
  store::PretextingFlagRow f;
  const bool fresh = !open.has_value();
  if (open) {
    f = *open;
    if (f.failures == tally.failures && f.accounts == tally.accounts) return f.id;
  } else {
    f.carrier = carrier;
    f.kind = kind;
    f.key = key;
    f.raised_at = actor.now;
    f.state = "open";
  }
  f.updated_at = actor.now;
  f.failures = tally.failures;
  f.accounts = tally.accounts;
  f.evidence = evidence.dump();
  if (fresh) {
    ASSIGN_OR_RETURN(f.id, tx.InsertPretextingFlag(f));
  }
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = fresh ? "auth.pretexting_flagged" : "auth.pretexting_evidence_added";
  ev.subject = "pretexting_flag:" + std::to_string(f.id);
  ev.body = json{{"flag", f.id},
                 {"kind", kind},
                 {"failures", tally.failures},
                 {"accounts", tally.accounts},
                 {"steps", steps},
                 {"basis", Cite(actor.now, "disclosure.safeguards")}}
                .dump();
  ev.payload = json{{"key", key}}.dump();
  ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
  ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
  f.ledger_seq = appended.seq;
  RETURN_IF_ERROR(tx.UpdatePretextingFlag(f));
  return f.id;
}

Result<std::vector<int64_t>> CheckPretexting(store::Tx& tx, const store::VerificationStepRow& step,
                                             const CustomerAuthPolicy& policy, const Actor& actor) {
  std::vector<int64_t> raised;
  const PretextingThresholds& t = policy.pretexting;
  const Instant since = actor.now + (-t.window_us);
  if (!step.calling_number.empty()) {
    ASSIGN_OR_RETURN(store::FailureTally tally,
                     tx.TallyFailures(step.carrier, store::FailureKey::kCallingNumber,
                                      step.calling_number, since));
    if (tally.accounts >= t.number_accounts || tally.failures >= t.number_failures) {
      ASSIGN_OR_RETURN(int64_t id, RaiseFlag(tx, step.carrier, "calling_number",
                                             step.calling_number, tally, policy, actor));
      raised.push_back(id);
    }
  }
  if (step.actor.rfind("staff:", 0) == 0) {
    ASSIGN_OR_RETURN(store::FailureTally tally,
                     tx.TallyFailures(step.carrier, store::FailureKey::kActor, step.actor, since));
    if (tally.accounts >= t.staff_accounts) {
      ASSIGN_OR_RETURN(int64_t id,
                       RaiseFlag(tx, step.carrier, "staff", step.actor, tally, policy, actor));
      raised.push_back(id);
    }
  }
  if (step.customer.valid()) {
    const std::string key = step.customer.ToString();
    ASSIGN_OR_RETURN(store::FailureTally tally,
                     tx.TallyFailures(step.carrier, store::FailureKey::kCustomer, key, since));
    if (tally.failures >= t.account_failures) {
      ASSIGN_OR_RETURN(int64_t id,
                       RaiseFlag(tx, step.carrier, "account", key, tally, policy, actor));
      raised.push_back(id);
    }
  }
  return raised;
}

// A fixed encoding to verify against when there is no secret, so that the
// time taken does not tell whether one is set.
// (One per cost, so that it costs what a real check costs.)
std::string DummyEncoding(const PasswordCost& cost) {
  static std::mutex mu;
  static std::map<std::tuple<uint32_t, uint32_t, uint32_t>, std::string> cache;
  const auto key = std::make_tuple(cost.iterations, cost.memory_kib, cost.lanes);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  auto h = HashPassword("proprio-no-such-secret", cost);
  std::lock_guard<std::mutex> lock(mu);
  return cache[key] = h.ok() ? *h : std::string();
}

rules::Lockout PhoneLockout(const CustomerAuthPolicy& p) {
  return {p.phone_lock_after, p.phone_lock_base_us, p.phone_lock_max_us};
}
rules::Lockout OnlineLockout(const CustomerAuthPolicy& p) {
  return {p.online_lock_after, p.online_lock_base_us, p.online_lock_max_us};
}

std::string SetupPathOf(const store::VerificationSessionRow& s) {
  if (HasFlag(s.flags, SessionFlag::kPasswordVerified)) return "session:password";
  if (HasFlag(s.flags, SessionFlag::kBackupVerified)) return "session:backup_answer";
  if (HasFlag(s.flags, SessionFlag::kCalledBack)) return "session:call_back";
  if (HasFlag(s.flags, SessionFlag::kPhotoIdVerified)) return "session:photo_id";
  if (HasFlag(s.flags, SessionFlag::kBusinessAlternative)) return "session:business_contract";
  if (HasFlag(s.flags, SessionFlag::kOnlineSignedIn)) return "session:online";
  return "session";
}

// 64.2010(e): a secret is set without authentication only at service
// initiation. That path is open only to the staff who open accounts
// (kServiceInitiationRoles), and only while the service itself is new: on the
// day the customer's service began (service_since, the carrier's date) and
// the policy's service_initiation_days after. A customer whose service_since
// is not known (imported: an existing account) never qualifies; nor does the
// record's creation in Proprio (created_at), which says nothing about when
// the service began. PermissionDenied (field at_service_initiation) with the
// reason otherwise.
Status CheckServiceInitiation(store::Tx& tx, const Customer& c, const SecretAuthorization& auth,
                              const Actor& actor) {
  const rules::RuleSet rs = AuthRules(actor.now);
  std::vector<Role> roles;
  bool known_roles = false;
  if (auth.actor_roles) {
    roles = *auth.actor_roles;
    known_roles = true;
  } else if (const StaffId staff = StaffIdOf(actor.id); staff.valid()) {
    auto found = tx.GetStaff(staff);
    if (!found.ok() && !found.status().IsNotFound()) return found.status();
    if (!found.ok() || found->carrier != c.carrier || !found->active) {
      return rules::RefuseInactiveInitiationStaff(rs, staff.ToString());
    }
    roles = found->roles;
    known_roles = true;
  }
  // Without a staff identity (the command line's operator, "cli") the caller
  // acts for the carrier as a whole: no role to check.
  if (known_roles) RETURN_IF_ERROR(rules::CheckServiceInitiationRoles(rs, roles));
  ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, c.carrier));
  const CivilDate today = cr.zone ? cr.zone->LocalDate(actor.now) : UtcDate(actor.now);
  return rules::CheckServiceInitiationWindow(rs, c, today,
                                             cr.policy->policy.service_initiation_days);
}

// What authenticated the customer before a secret is set (64.2010(e)).
// Consumes a reset code. Returns the setup path.
Result<std::string> Authorize(store::Tx& tx, const Customer& c, const SecretAuthorization& auth,
                              const Actor& actor, bool allow_service_initiation,
                              const std::string& consumed_code_path) {
  const int given = (auth.session_id != 0 ? 1 : 0) + (!auth.reset_code.empty() ? 1 : 0) +
                    (auth.at_service_initiation ? 1 : 0);
  if (given != 1) {
    return Status::InvalidArgument(
        "say how the customer was authenticated first (" + Cite(actor.now, "disclosure.passwords") + "): one of a "
        "verification session, a one-time reset code, or service initiation",
        "verification");
  }
  if (auth.at_service_initiation) {
    RETURN_IF_ERROR(CheckServiceInitiation(tx, c, auth, actor));
    if (!allow_service_initiation) {
      return Status::FailedPrecondition(
          "service initiation is a path for the first password only; a later change needs a "
          "verification (" + Cite(actor.now, "disclosure.passwords") + ")");
    }
    return std::string("service_initiation");
  }
  if (auth.session_id != 0) {
    ASSIGN_OR_RETURN(store::VerificationSessionRow s,
                     OpenSession(tx, c.carrier, auth.session_id, actor.now));
    if (s.customer != c.id) {
      return Status::PermissionDenied("verification session " + std::to_string(auth.session_id) +
                                      " is for another customer");
    }
    if (!SessionAuthenticated(s.flags)) {
      return Status::FailedPrecondition(
          "the customer is not authenticated in this session: give the password or back-up "
          "answer, call back the telephone number of record, or check photo ID in store before "
          "setting a secret (" + Cite(actor.now, "disclosure.passwords") + "); a stated call detail does not authenticate");
    }
    return SetupPathOf(s);
  }
  // A one-time code sent to the number or address of record, checked and
  // used up by ConsumeResetCode before this transaction.
  if (consumed_code_path.empty()) {
    return Status::Unauthenticated("the one-time code is wrong or has expired");
  }
  return consumed_code_path;
}

// Checks a one-time code and uses it up, in a transaction of its own so that
// a wrong code counts against the code's attempts even though the change it
// was meant for is refused. Returns the setup path ("reset_code:text").
Result<std::string> ConsumeResetCode(store::Store& store, CarrierId carrier, CustomerId customer,
                                     const std::string& given, const CustomerAuthPolicy& policy,
                                     const Actor& actor) {
  std::string path;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(std::vector<store::ResetCodeRow> codes,
                     tx.ListLiveResetCodes(carrier, customer, actor.now));
    const std::string hash = TokenHash(given);
    for (store::ResetCodeRow& code : codes) {
      if (code.attempts < policy.reset_code_attempts && ConstantTimeEquals(code.code_hash, hash)) {
        code.used_at = actor.now;
        path = "reset_code:" + code.channel;
        return tx.UpdateResetCode(code);
      }
    }
    for (store::ResetCodeRow& code : codes) {
      code.attempts += 1;
      if (code.attempts >= policy.reset_code_attempts) code.used_at = actor.now;
      RETURN_IF_ERROR(tx.UpdateResetCode(code));
    }
    return Status::Ok();
  }));
  if (path.empty()) return Status::Unauthenticated("the one-time code is wrong or has expired");
  return path;
}

Status AppendSimple(store::Tx& tx, CarrierId carrier, const Actor& actor, const std::string& type,
                    const std::string& subject, const json& body,
                    std::optional<json> payload = std::nullopt, int64_t* seq = nullptr) {
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = type;
  ev.subject = subject;
  ev.body = body.dump();
  if (payload) {
    ev.payload = payload->dump();
    ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
  }
  ASSIGN_OR_RETURN(store::AppendResult appended, tx.Append(ev));
  if (seq) *seq = appended.seq;
  return Status::Ok();
}

// A refused secret leaves a trace (the reason, never the secret).
void RecordRefusal(store::Store& store, CarrierId carrier, CustomerId customer,
                   const std::string& kind, const Status& why, const Actor& actor) {
  (void)store.Transact([&](store::Tx& tx) -> Status {
    return AppendSimple(tx, carrier, actor, "auth.secret_refused",
                        "customer:" + customer.ToString(),
                        {{"secret", kind}, {"field", why.field()}, {"reason", why.message()}});
  });
}

// A refusal on the service-initiation path (47 CFR 64.2010(e)) leaves a
// trace too: the secret's kind and the path in the entry, the reason (which
// may name the account's dates) in its erasable payload; never the secret.
// Returns `why`.
Status RecordInitiationRefusal(store::Store& store, CarrierId carrier, CustomerId customer,
                               const std::string& kind, const SecretAuthorization& auth,
                               const Status& why, const Actor& actor) {
  if (!auth.at_service_initiation || why.code() != StatusCode::kPermissionDenied) return why;
  (void)store.Transact([&](store::Tx& tx) -> Status {
    return AppendSimple(tx, carrier, actor, "auth.secret_refused",
                        "customer:" + customer.ToString(),
                        {{"secret", kind},
                         {"setup_path", "service_initiation"},
                         {"field", why.field()},
                         {"basis", Cite(actor.now, "disclosure.passwords")}},
                        json{{"reason", why.message()}});
  });
  return why;
}

Result<Customer> ReadCustomer(store::Store& store, CarrierId carrier, CustomerId id) {
  Customer c;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, tx.GetCustomer(carrier, id));
    return Status::Ok();
  }));
  return c;
}

// Stores a secret with its ledger entry and queues the notices.
Result<SecretSetResult> StoreSecret(store::Tx& tx, const Customer& c, SecretKind kind,
                                    const std::string& question, const std::string& encoded,
                                    const std::string& path, bool reset, const Actor& actor) {
  SecretSetResult out;
  out.setup_path = path;
  ASSIGN_OR_RETURN(auto existing, tx.GetCustomerSecret(c.carrier, c.id, static_cast<int>(kind)));
  out.created = !existing.has_value();
  const char* name = kind == SecretKind::kPassword ? "password" : "backup";
  store::CustomerSecretRow row;
  row.carrier = c.carrier;
  row.customer = c.id;
  row.kind = static_cast<int>(kind);
  row.question = question;
  row.secret_hash = encoded;
  row.set_at = actor.now;
  row.set_by = StepActor(actor);
  row.setup_path = path;
  const ChangeEvent event =
      reset ? ChangeEvent::kReset : (out.created ? ChangeEvent::kCreated : ChangeEvent::kChanged);
  RETURN_IF_ERROR(AppendSimple(tx, c.carrier, actor, "auth.secret_set",
                               "customer:" + c.id.ToString(),
                               {{"secret", name},
                                {"event", ChangeEventName(event)},
                                {"setup_path", path},
                                {"basis", Cite(actor.now, "disclosure.passwords")}},
                               std::nullopt, &row.ledger_seq));
  out.ledger_seq = row.ledger_seq;
  RETURN_IF_ERROR(tx.UpsertCustomerSecret(row));
  // 64.2010(f): notify at once, except at service initiation.
  if (path != "service_initiation") {
    ASSIGN_OR_RETURN(
        out.notifications,
        QueueAccountChangeNotices(
            tx, c, c, kind == SecretKind::kPassword ? ChangeKind::kPassword : ChangeKind::kBackup,
            event, actor));
  }
  return out;
}

Status CheckLogin(const std::string& login) {
  if (login.size() < 3 || login.size() > 64) {
    return Status::InvalidArgument("the login must be 3 to 64 characters", "login");
  }
  for (char c : login) {
    if (!(IsAlnum(c) || c == '.' || c == '_' || c == '-' || c == '@')) {
      return Status::InvalidArgument("the login may hold letters, digits and . _ - @ only",
                                     "login");
    }
  }
  return Status::Ok();
}

}  // namespace

// ---- public checks ----

PasswordCost CustomerPasswordCost() {
  if (std::getenv("PROPRIO_ARGON2") != nullptr) return PasswordCost::FromEnvironment();
  PasswordCost cost;
  cost.iterations = 1;
  cost.memory_kib = 64 * 1024;
  cost.lanes = 1;
  return cost;
}

std::string StaffActorOf(const std::string& actor_id) {
  if (actor_id.rfind("staff:", 0) != 0) return {};
  size_t end = 6;
  while (end < actor_id.size() && IsDigit(actor_id[end])) ++end;
  if (end == 6) return {};
  return actor_id.substr(0, end);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Compare every byte of the longer input; the result does not depend on
  // where the inputs differ.
  const size_t n = std::max(a.size(), b.size());
  volatile unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

Status CheckCpniPassword(const Customer& customer, std::string_view password) {
  return rules::CheckCpniPassword(AuthRules(Instant::Now()), customer, password);
}

Status CheckBackupQuestion(std::string_view question) {
  return rules::CheckBackupQuestion(AuthRules(Instant::Now()), question);
}

Status CheckBackupAnswer(const Customer& customer, std::string_view answer) {
  return rules::CheckBackupAnswer(AuthRules(Instant::Now()), customer, answer);
}

bool SessionAuthenticated(uint32_t flags) {
  return (flags & (Bit(SessionFlag::kPasswordVerified) | Bit(SessionFlag::kBackupVerified) |
                   Bit(SessionFlag::kCalledBack) | Bit(SessionFlag::kPhotoIdVerified) |
                   Bit(SessionFlag::kBusinessAlternative) | Bit(SessionFlag::kOnlineSignedIn))) !=
         0;
}

const char* VerificationChannelName(VerificationChannel c) {
  switch (c) {
    case VerificationChannel::kPhone:
      return "phone";
    case VerificationChannel::kOnline:
      return "online";
    case VerificationChannel::kInStore:
      return "in_store";
  }
  return "phone";
}

Result<VerificationChannel> ParseVerificationChannel(std::string_view name) {
  if (name == "phone") return VerificationChannel::kPhone;
  if (name == "online") return VerificationChannel::kOnline;
  if (name == "in_store") return VerificationChannel::kInStore;
  return Status::InvalidArgument("channel must be phone, online or in_store", "channel");
}

// ---- secrets ----

Result<SecretSetResult> SetCpniPassword(store::Store& store, CarrierId carrier, CustomerId customer,
                                        std::string_view password, const SecretAuthorization& auth,
                                        const CustomerAuthPolicy& policy, const Actor& actor) {
  ASSIGN_OR_RETURN(Customer c, ReadCustomer(store, carrier, customer));
  if (Status st = CheckCpniPassword(c, password); !st.ok()) {
    RecordRefusal(store, carrier, customer, "password", st, actor);
    return st;
  }
  ASSIGN_OR_RETURN(std::string encoded, HashPassword(password, policy.cost));
  std::string code_path;
  if (!auth.reset_code.empty() && auth.session_id == 0 && !auth.at_service_initiation) {
    ASSIGN_OR_RETURN(code_path,
                     ConsumeResetCode(store, carrier, customer, auth.reset_code, policy, actor));
  }
  SecretSetResult out;
  const Status stored = store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer fresh, tx.GetCustomer(carrier, customer));
    ASSIGN_OR_RETURN(auto existing, tx.GetCustomerSecret(carrier, customer, 0));
    ASSIGN_OR_RETURN(std::string path,
                     Authorize(tx, fresh, auth, actor, !existing.has_value(), code_path));
    ASSIGN_OR_RETURN(out, StoreSecret(tx, fresh, SecretKind::kPassword, "", encoded, path,
                                      path.rfind("reset_code", 0) == 0, actor));
    // A new password clears the telephone lockout.
    ASSIGN_OR_RETURN(store::CustomerAuthStateRow state, tx.GetCustomerAuthState(carrier, customer));
    if (state.phone_failures != 0 || state.online_failures != 0) {
      state.phone_failures = 0;
      state.phone_locked_until = Instant();
      state.online_failures = 0;
      state.online_locked_until = Instant();
      RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    }
    return Status::Ok();
  });
  if (!stored.ok()) {
    return RecordInitiationRefusal(store, carrier, customer, "password", auth, stored, actor);
  }
  return out;
}

Result<SecretSetResult> SetBackupAuthentication(store::Store& store, CarrierId carrier,
                                                CustomerId customer, std::string_view question,
                                                std::string_view answer,
                                                const SecretAuthorization& auth,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor) {
  ASSIGN_OR_RETURN(Customer c, ReadCustomer(store, carrier, customer));
  Status st = CheckBackupQuestion(question);
  if (st.ok()) st = CheckBackupAnswer(c, answer);
  if (!st.ok()) {
    RecordRefusal(store, carrier, customer, "backup", st, actor);
    return st;
  }
  ASSIGN_OR_RETURN(std::string encoded, HashPassword(NormalizeAnswer(answer), policy.cost));
  const std::string q(Trim(question));
  std::string code_path;
  if (!auth.reset_code.empty() && auth.session_id == 0 && !auth.at_service_initiation) {
    ASSIGN_OR_RETURN(code_path,
                     ConsumeResetCode(store, carrier, customer, auth.reset_code, policy, actor));
  }
  SecretSetResult out;
  const Status stored = store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer fresh, tx.GetCustomer(carrier, customer));
    ASSIGN_OR_RETURN(auto existing, tx.GetCustomerSecret(carrier, customer, 1));
    ASSIGN_OR_RETURN(std::string path,
                     Authorize(tx, fresh, auth, actor, !existing.has_value(), code_path));
    ASSIGN_OR_RETURN(out,
                     StoreSecret(tx, fresh, SecretKind::kBackup, q, encoded, path, false, actor));
    return Status::Ok();
  });
  if (!stored.ok()) {
    return RecordInitiationRefusal(store, carrier, customer, "backup", auth, stored, actor);
  }
  return out;
}

Result<SecretsStatus> GetSecretsStatus(store::Store& store, CarrierId carrier,
                                       CustomerId customer) {
  SecretsStatus out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCustomer(carrier, customer).status());
    ASSIGN_OR_RETURN(out.password, tx.GetCustomerSecret(carrier, customer, 0));
    ASSIGN_OR_RETURN(out.backup, tx.GetCustomerSecret(carrier, customer, 1));
    ASSIGN_OR_RETURN(out.online, tx.GetOnlineAccount(carrier, customer));
    ASSIGN_OR_RETURN(out.state, tx.GetCustomerAuthState(carrier, customer));
    return Status::Ok();
  }));
  if (out.password) out.password->secret_hash.clear();
  if (out.backup) out.backup->secret_hash.clear();
  return out;
}

// ---- sessions ----

Result<SessionView> OpenVerification(store::Store& store, const OpenVerificationRequest& request,
                                     const CustomerAuthPolicy& policy, const Actor& actor) {
  if (request.channel == VerificationChannel::kOnline) {
    return Status::InvalidArgument(
        "online sessions begin with an online sign-in (" + Cite(actor.now, "disclosure.online") + ")", "channel");
  }
  std::string number;
  if (!request.calling_number.empty()) {
    if (request.channel != VerificationChannel::kPhone) {
      return Status::InvalidArgument("calling_number is for telephone sessions", "calling_number");
    }
    auto e164 = NormalizeE164(request.calling_number);
    if (!e164.ok()) return Status::InvalidArgument(e164.status().message(), "calling_number");
    number = *e164;
  }
  if (request.call_id.size() > 100) {
    return Status::InvalidArgument("call_id must be at most 100 bytes", "call_id");
  }
  store::VerificationSessionRow s;
  s.carrier = request.carrier;
  s.customer = request.customer;
  s.channel = VerificationChannelName(request.channel);
  s.calling_number = number;
  s.call_id = request.call_id;
  s.actor = StepActor(actor);
  s.staff = StaffIdOf(actor.id);
  s.opened_at = actor.now;
  s.expires_at =
      actor.now + (request.channel == VerificationChannel::kPhone ? policy.phone_session_us
                                                                  : policy.store_session_us);
  SessionView view;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCustomer(request.carrier, request.customer).status());
    ASSIGN_OR_RETURN(s.id, tx.InsertVerificationSession(s));
    json payload = json::object();
    if (!number.empty()) payload["calling_number"] = number;
    if (!s.call_id.empty()) payload["call_id"] = s.call_id;
    RETURN_IF_ERROR(AppendSimple(
        tx, s.carrier, actor, "auth.session_opened", "customer:" + s.customer.ToString(),
        {{"session", s.id},
         {"channel", s.channel},
         {"staff", s.staff.value()},
         {"expires_at", s.expires_at.ToRfc3339()}},
        payload.empty() ? std::nullopt : std::optional<json>(payload), &s.ledger_seq));
    RETURN_IF_ERROR(tx.UpdateVerificationSession(s));
    ASSIGN_OR_RETURN(view, ViewIn(tx, s.carrier, s.id, actor.now));
    return Status::Ok();
  }));
  return view;
}

Result<SessionView> GetVerification(store::Store& store, CarrierId carrier, int64_t session_id,
                                    Instant now) {
  SessionView view;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(view, ViewIn(tx, carrier, session_id, now));
    return Status::Ok();
  }));
  return view;
}

Status CloseVerification(store::Store& store, CarrierId carrier, int64_t session_id,
                         const Actor& actor) {
  return store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::VerificationSessionRow s,
                     tx.GetVerificationSession(carrier, session_id));
    if (s.closed_at != Instant()) return Status::Ok();
    s.closed_at = actor.now;
    RETURN_IF_ERROR(
        AppendSimple(tx, carrier, actor, "auth.session_closed", "customer:" + s.customer.ToString(),
                     {{"session", s.id}, {"flags", s.flags}}, std::nullopt, &s.ledger_seq));
    return tx.UpdateVerificationSession(s);
  });
}

namespace {

// Password or back-up answer by telephone (64.2010(b), (e)).
Result<StepResult> VerifySecretOnCall(store::Store& store, CarrierId carrier, int64_t session_id,
                                      SecretKind kind, std::string_view given,
                                      const CustomerAuthPolicy& policy, const Actor& actor) {
  const bool password = kind == SecretKind::kPassword;
  const std::string step_kind = password ? "password" : "backup_answer";
  if (given.size() > (password ? kMaxCpniPasswordBytes : kMaxAnswerBytes)) {
    return Status::InvalidArgument(
        "the " + std::string(password ? "password" : "answer") + " is too long",
        password ? "password" : "answer");
  }
  const std::string candidate = password ? std::string(given) : NormalizeAnswer(given);
  std::optional<store::CustomerSecretRow> secret;
  store::VerificationSessionRow session;
  store::CustomerAuthStateRow state;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(session, OpenSession(tx, carrier, session_id, actor.now));
    ASSIGN_OR_RETURN(secret,
                     tx.GetCustomerSecret(carrier, session.customer, static_cast<int>(kind)));
    ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, session.customer));
    return Status::Ok();
  }));
  if (session.channel != "phone") {
    return Status::FailedPrecondition("this is a " + session.channel +
                                      " session; passwords by telephone need a phone session");
  }
  StepSpec spec;
  spec.kind = step_kind;
  spec.citation = Cite(actor.now, password ? "disclosure.telephone" : "disclosure.passwords");
  const bool session_locked = HasFlag(session.flags, SessionFlag::kLocked);
  const bool account_locked = state.phone_locked_until > actor.now;
  bool good = false;
  if (session_locked || account_locked) {
    spec.outcome = "refused";
    spec.reason = session_locked
                      ? "too many failed attempts on this call: release call detail only by "
                        "sending it to the address of record or calling back the telephone "
                        "number of record"
                      : "after repeated failures, passwords and back-up answers by telephone are "
                        "locked for this account until " +
                            state.phone_locked_until.ToRfc3339() +
                            ": call back the telephone number of record or send to the address "
                            "of record";
    spec.body = {{"reason", session_locked ? "session_locked" : "account_locked"}};
  } else {
    // Verify even when nothing is set, so the time taken says nothing.
    good = VerifyPassword(secret ? secret->secret_hash : DummyEncoding(policy.cost), candidate) &&
           secret.has_value();
    if (good) {
      spec.outcome = "passed";
      spec.reason = password ? "the caller gave the account password"
                             : "the caller answered the back-up question";
    } else {
      spec.outcome = "failed";
      spec.reason = secret ? (password ? "the password is wrong" : "the answer is wrong")
                           : (password ? "no CPNI password is set on this account"
                                       : "no back-up authentication is set on this account");
      spec.body = {{"reason", secret ? "mismatch" : "not_set"}};
    }
  }
  StepResult result;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(session, OpenSession(tx, carrier, session_id, actor.now));
    ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, session.customer));
    if (spec.outcome == "passed") {
      session.flags |=
          Bit(password ? SessionFlag::kPasswordVerified : SessionFlag::kBackupVerified);
      state.phone_failures = 0;
      state.phone_locked_until = Instant();
    } else if (spec.outcome == "failed") {
      session.failures += 1;
      if (session.failures >= policy.session_failures) session.flags |= Bit(SessionFlag::kLocked);
      state.phone_failures += 1;
      if (auto until = rules::LockedUntil(state.phone_failures, PhoneLockout(policy), actor.now)) {
        state.phone_locked_until = *until;
        spec.body["account_locked_until"] = state.phone_locked_until.ToRfc3339();
      }
      spec.body["session_failures"] = session.failures;
      spec.body["account_failures"] = state.phone_failures;
    }
    ASSIGN_OR_RETURN(result.step_id,
                     RecordStep(tx, session, spec, policy, actor, &result.flags_raised));
    RETURN_IF_ERROR(tx.UpdateVerificationSession(session));
    RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    ASSIGN_OR_RETURN(result.session, ViewIn(tx, carrier, session_id, actor.now));
    return Status::Ok();
  }));
  result.passed = spec.outcome == "passed";
  result.outcome = spec.outcome;
  result.reason = spec.reason;
  result.citation = spec.citation;
  return result;
}

// Runs a step that needs no secret: `decide` fills the spec from the session
// and customer, and may change the session and state.
Result<StepResult> SimpleStep(
    store::Store& store, CarrierId carrier, int64_t session_id, const CustomerAuthPolicy& policy,
    const Actor& actor,
    const std::function<Status(store::Tx&, store::VerificationSessionRow&, const Customer&,
                               store::CustomerAuthStateRow&, StepSpec&)>& decide) {
  StepResult result;
  StepSpec spec;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::VerificationSessionRow session,
                     OpenSession(tx, carrier, session_id, actor.now));
    ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(carrier, session.customer));
    ASSIGN_OR_RETURN(store::CustomerAuthStateRow state,
                     tx.GetCustomerAuthState(carrier, session.customer));
    RETURN_IF_ERROR(decide(tx, session, c, state, spec));
    if (spec.outcome == "failed") session.failures += 1;
    ASSIGN_OR_RETURN(result.step_id,
                     RecordStep(tx, session, spec, policy, actor, &result.flags_raised));
    RETURN_IF_ERROR(tx.UpdateVerificationSession(session));
    RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    ASSIGN_OR_RETURN(result.session, ViewIn(tx, carrier, session_id, actor.now));
    return Status::Ok();
  }));
  result.passed = spec.outcome == "passed";
  result.outcome = spec.outcome;
  result.reason = spec.reason;
  result.citation = spec.citation;
  return result;
}

}  // namespace

Result<StepResult> VerifyCallerPassword(store::Store& store, CarrierId carrier, int64_t session_id,
                                        std::string_view password, const CustomerAuthPolicy& policy,
                                        const Actor& actor) {
  return VerifySecretOnCall(store, carrier, session_id, SecretKind::kPassword, password, policy,
                            actor);
}

Result<StepResult> VerifyBackupAnswer(store::Store& store, CarrierId carrier, int64_t session_id,
                                      std::string_view answer, const CustomerAuthPolicy& policy,
                                      const Actor& actor) {
  return VerifySecretOnCall(store, carrier, session_id, SecretKind::kBackup, answer, policy, actor);
}

Result<StepResult> RecordCallerStatedCallDetail(store::Store& store, CarrierId carrier,
                                                int64_t session_id, std::string_view description,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor) {
  const std::string text(Trim(description));
  if (text.empty() || text.size() > 500 || !IsValidUtf8(text)) {
    return Status::InvalidArgument(
        "describe the call detail the caller stated (1 to 500 bytes), e.g. the number called and "
        "the date",
        "description");
  }
  return SimpleStep(
      store, carrier, session_id, policy, actor,
      [&](store::Tx&, store::VerificationSessionRow& s, const Customer&,
          store::CustomerAuthStateRow&, StepSpec& spec) -> Status {
        if (s.channel != "phone") {
          return Status::FailedPrecondition("stated call detail is for telephone sessions");
        }
        spec.kind = "caller_call_detail";
        spec.outcome = "passed";
        spec.citation = Cite(actor.now, "disclosure.telephone");
        spec.reason =
            "the caller stated this call detail without help: discuss that call "
            "detail only; any other call detail needs the password, the address of "
            "record or a call back";
        spec.payload = json{{"stated_call_detail", text}};
        s.flags |= Bit(SessionFlag::kCallerStatedCallDetail);
        s.stated_call_detail = text;
        return Status::Ok();
      });
}

Result<StepResult> RecordCallBack(store::Store& store, CarrierId carrier, int64_t session_id,
                                  std::string_view number, bool reached,
                                  const CustomerAuthPolicy& policy, const Actor& actor) {
  auto e164 = NormalizeE164(number);
  if (!e164.ok()) return Status::InvalidArgument(e164.status().message(), "number");
  return SimpleStep(
      store, carrier, session_id, policy, actor,
      [&](store::Tx&, store::VerificationSessionRow& s, const Customer& c,
          store::CustomerAuthStateRow& state, StepSpec& spec) -> Status {
        if (s.channel != "phone") {
          return Status::FailedPrecondition("call backs are for telephone sessions");
        }
        spec.kind = "call_back";
        spec.citation = Cite(actor.now, "disclosure.telephone");
        spec.payload = json{{"number", *e164}};
        const bool of_record = std::find(c.phones_of_record.begin(), c.phones_of_record.end(),
                                         *e164) != c.phones_of_record.end();
        if (!of_record) {
          spec.outcome = "refused";
          spec.reason =
              "that number is not a telephone number of record of this account; a contact number "
              "the caller gives does not count (" + Cite(actor.now, "definitions") + "): call a number of record";
          spec.body = {{"reason", "not_of_record"}};
          return Status::Ok();
        }
        if (!reached) {
          spec.outcome = "no_answer";
          spec.reason = "the customer was not reached at the telephone number of record";
          return Status::Ok();
        }
        spec.outcome = "passed";
        spec.reason = "the customer was reached at the telephone number of record";
        s.flags |= Bit(SessionFlag::kCalledBack);
        state.phone_failures = 0;
        state.phone_locked_until = Instant();
        return Status::Ok();
      });
}

Result<AddressRelease> ReleaseToAddressOfRecord(store::Store& store, CarrierId carrier,
                                                int64_t session_id, AddressKind kind,
                                                const CustomerAuthPolicy& policy,
                                                const Actor& actor) {
  AddressRelease out;
  ASSIGN_OR_RETURN(
      out.step,
      SimpleStep(store, carrier, session_id, policy, actor,
                 [&](store::Tx& tx, store::VerificationSessionRow& s, const Customer& c,
                     store::CustomerAuthStateRow& state, StepSpec& spec) -> Status {
                   spec.kind = "send_to_address_of_record";
                   spec.citation = Cite(actor.now, "disclosure.telephone");
                   // 64.2003(b): 30 days in the carrier's zone.
                   ASSIGN_OR_RETURN(auto zone, CarrierTimeZone(tx, carrier));
                   CivilDate since;
                   std::string dest;
                   if (kind == AddressKind::kPostal) {
                     since = c.address_since;
                     if (state.postal_since.Valid() && state.postal_since > since) {
                       since = state.postal_since;
                     }
                     dest = c.address_of_record.OneLine();
                   } else {
                     since = state.email_since.Valid()
                                 ? state.email_since
                                 : rules::AddressSetOn(c.created_at, *zone);
                     dest = c.email;
                   }
                   spec.body = {{"address", kind == AddressKind::kPostal ? "postal" : "email"}};
                   if (dest.empty()) {
                     spec.outcome = "refused";
                     spec.reason = "the account has no such address";
                     return Status::Ok();
                   }
                   if (!rules::IsAddressOfRecord(since, actor.now, *zone,
                                                 policy.address_of_record_days)) {
                     spec.outcome = "refused";
                     spec.citation = Cite(actor.now, "disclosure.telephone");
                     spec.reason =
                         "that address was set on " + since.ToString() + ", less than " +
                         std::to_string(policy.address_of_record_days) +
                         " days ago, so it is not yet the address of record (47 CFR 64.2003(b); "
                         "days of the carrier's zone): send nothing there; call back the "
                         "telephone number of record instead";
                     spec.body["reason"] = "address_too_new";
                     spec.body["on_file_since"] = since.ToString();
                     return Status::Ok();
                   }
                   spec.outcome = "passed";
                   spec.reason = "send the call detail to the address of record";
                   spec.payload = json{{"destination", dest}};
                   s.flags |= Bit(SessionFlag::kSentToAddressOfRecord);
                   out.destination = dest;
                   out.on_file_since = since;
                   return Status::Ok();
                 }));
  return out;
}

Result<StepResult> RecordPhotoId(store::Store& store, CarrierId carrier, int64_t session_id,
                                 const PhotoId& id, const CustomerAuthPolicy& policy,
                                 const Actor& actor) {
  static const char* const kTypes[] = {
      "drivers_license", "passport",  "passport_card",          "state_id",
      "military_id",     "tribal_id", "permanent_resident_card"};
  bool known = false;
  for (const char* t : kTypes) known = known || id.type == t;
  if (!known) {
    return Status::InvalidArgument(
        "id type must be a government-issued photo ID: drivers_license, passport, passport_card, "
        "state_id, military_id, tribal_id or permanent_resident_card (" + Cite(actor.now, "definitions") + ")",
        "id_type");
  }
  const std::string issuer(Trim(id.issuer));
  if (issuer.empty() || issuer.size() > 100) {
    return Status::InvalidArgument("issuer is required (at most 100 bytes)", "issuer");
  }
  if (id.last4.size() != 4 || !std::all_of(id.last4.begin(), id.last4.end(), IsAlnum)) {
    return Status::InvalidArgument("last4 must be the last 4 letters or digits of the ID number",
                                   "last4");
  }
  if (!id.expires_on.Valid()) {
    return Status::InvalidArgument("expires_on is required (YYYY-MM-DD)", "expires_on");
  }
  const StaffId staff = id.staff.valid() ? id.staff : StaffIdOf(actor.id);
  if (!staff.valid()) {
    return Status::InvalidArgument("the staff member who checked the ID is required", "staff");
  }
  return SimpleStep(
      store, carrier, session_id, policy, actor,
      [&](store::Tx& tx, store::VerificationSessionRow& s, const Customer&,
          store::CustomerAuthStateRow& state, StepSpec& spec) -> Status {
        if (s.channel != "in_store") {
          return Status::FailedPrecondition("photo ID is checked in in_store sessions");
        }
        auto member = tx.GetStaff(staff);
        if (!member.ok() || member->carrier != carrier) {
          return Status::InvalidArgument("no staff member " + staff.ToString() + " at this carrier",
                                         "staff");
        }
        spec.kind = "photo_id";
        spec.citation = Cite(actor.now, "disclosure.in_store");
        spec.body = {{"id_type", id.type}, {"staff", staff.value()}};
        spec.payload = json{{"id_type", id.type},
                            {"issuer", issuer},
                            {"last4", id.last4},
                            {"expires_on", id.expires_on.ToString()},
                            {"staff", staff.value()}};
        if (id.expires_on < UtcDate(actor.now)) {
          spec.outcome = "refused";
          spec.reason = "the ID expired on " + id.expires_on.ToString() +
                        ": an expired ID is not a valid photo ID (" + Cite(actor.now, "definitions") + ")";
          spec.body["reason"] = "expired";
          return Status::Ok();
        }
        if (!id.matches_account_holder) {
          spec.outcome = "failed";
          spec.reason = "the photo ID does not match the account holder: show no CPNI";
          spec.body["reason"] = "mismatch";
          return Status::Ok();
        }
        spec.outcome = "passed";
        spec.reason = "valid photo ID matching the account holder";
        s.flags |= Bit(SessionFlag::kPhotoIdVerified);
        state.phone_failures = 0;
        state.phone_locked_until = Instant();
        return Status::Ok();
      });
}

Result<StepResult> RecordBusinessAlternative(store::Store& store, CarrierId carrier,
                                             int64_t session_id, std::string_view contract_ref,
                                             std::string_view method,
                                             const CustomerAuthPolicy& policy, const Actor& actor) {
  const std::string ref(Trim(contract_ref)), how(Trim(method));
  if (ref.empty() || ref.size() > kMaxNameBytes) {
    return Status::InvalidArgument("contract_ref is required", "contract_ref");
  }
  if (how.empty() || how.size() > 200) {
    return Status::InvalidArgument(
        "method is required: the contract's authentication procedure that was followed", "method");
  }
  return SimpleStep(
      store, carrier, session_id, policy, actor,
      [&](store::Tx&, store::VerificationSessionRow& s, const Customer& c,
          store::CustomerAuthStateRow&, StepSpec& spec) -> Status {
        spec.kind = "business_alternative";
        spec.citation = Cite(actor.now, "disclosure.business_customers");
        spec.body = {{"method", how}};
        spec.payload = json{{"contract_ref", ref}};
        if (c.type != CustomerType::kBusiness || c.account_representative.empty() ||
            c.cpni_contract_ref.empty()) {
          spec.outcome = "refused";
          spec.reason =
              "alternative authentication applies only to business customers with a dedicated "
              "account representative and a contract that addresses CPNI protection (" +
              Cite(actor.now, "disclosure.business_customers") +
              "); authenticate this customer by password, call back or photo ID";
          spec.body["reason"] = "not_eligible";
          return Status::Ok();
        }
        if (!ConstantTimeEquals(ref, c.cpni_contract_ref)) {
          spec.outcome = "failed";
          spec.reason = "that is not this customer's CPNI contract";
          spec.body["reason"] = "contract_mismatch";
          return Status::Ok();
        }
        spec.outcome = "passed";
        spec.reason = "authenticated under the business customer's CPNI contract";
        s.flags |= Bit(SessionFlag::kBusinessAlternative);
        return Status::Ok();
      });
}

rules::DecisionContext ContextFromSession(const store::VerificationSessionRow& s,
                                          bool release_by_mail) {
  rules::DecisionContext ctx;
  ctx.call_id = s.call_id;
  const uint32_t f = s.flags;
  const bool secret =
      HasFlag(f, SessionFlag::kPasswordVerified) || HasFlag(f, SessionFlag::kBackupVerified);
  if (s.channel == "phone") {
    ctx.flags.Add(rules::ContextFlag::kCustomerInitiatedCall);
    ctx.channel = rules::AccessChannel::kInboundCall;
    if (secret) ctx.flags.Add(rules::ContextFlag::kPasswordProvided);
    if (secret || HasFlag(f, SessionFlag::kCalledBack) ||
        HasFlag(f, SessionFlag::kBusinessAlternative)) {
      ctx.flags.Add(rules::ContextFlag::kCustomerAuthenticated);
    }
    if (HasFlag(f, SessionFlag::kCallerStatedCallDetail)) {
      ctx.flags.Add(rules::ContextFlag::kCallerProvidedCallDetail);
    }
    if (HasFlag(f, SessionFlag::kCalledBack)) ctx.channel = rules::AccessChannel::kNumberOfRecord;
  } else if (s.channel == "online") {
    ctx.channel = rules::AccessChannel::kOnline;
    if (HasFlag(f, SessionFlag::kOnlineSignedIn)) {
      ctx.flags.Add(rules::ContextFlag::kPasswordProvided);
      ctx.flags.Add(rules::ContextFlag::kCustomerAuthenticated);
    }
  } else {
    ctx.channel = rules::AccessChannel::kInStore;
    if (HasFlag(f, SessionFlag::kPhotoIdVerified)) {
      ctx.flags.Add(rules::ContextFlag::kPhotoIdVerified);
      ctx.flags.Add(rules::ContextFlag::kCustomerAuthenticated);
    }
    if (HasFlag(f, SessionFlag::kBusinessAlternative)) {
      ctx.flags.Add(rules::ContextFlag::kCustomerAuthenticated);
    }
  }
  if (release_by_mail && HasFlag(f, SessionFlag::kSentToAddressOfRecord)) {
    ctx.channel = rules::AccessChannel::kAddressOfRecord;
  }
  return ctx;
}

Result<rules::DecisionContext> DecisionContextForSession(store::Store& store, CarrierId carrier,
                                                         int64_t session_id, CustomerId customer,
                                                         Instant at, bool release_by_mail) {
  store::VerificationSessionRow s;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(s, OpenSession(tx, carrier, session_id, at));
    return Status::Ok();
  }));
  if (customer.valid() && s.customer != customer) {
    return Status::PermissionDenied("verification session " + std::to_string(session_id) +
                                    " is for another customer");
  }
  if (release_by_mail && !HasFlag(s.flags, SessionFlag::kSentToAddressOfRecord)) {
    return Status::FailedPrecondition(
        "no release to the address of record was recorded in this session");
  }
  return ContextFromSession(s, release_by_mail);
}

// ---- online ----

Result<SecretSetResult> SetOnlineAccount(store::Store& store, CarrierId carrier,
                                         CustomerId customer, const std::string& login,
                                         const SecretAuthorization& auth,
                                         const CustomerAuthPolicy& policy, const Actor& actor) {
  RETURN_IF_ERROR(CheckLogin(login));
  std::string code_path;
  if (!auth.reset_code.empty() && auth.session_id == 0 && !auth.at_service_initiation) {
    ASSIGN_OR_RETURN(code_path,
                     ConsumeResetCode(store, carrier, customer, auth.reset_code, policy, actor));
  }
  SecretSetResult out;
  const Status stored = store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(carrier, customer));
    ASSIGN_OR_RETURN(auto password, tx.GetCustomerSecret(carrier, customer, 0));
    if (!password) {
      return Status::FailedPrecondition(
          "set a CPNI password first: online access is only with the password (" +
          Cite(actor.now, "disclosure.online") + ")");
    }
    ASSIGN_OR_RETURN(auto existing, tx.GetOnlineAccount(carrier, customer));
    ASSIGN_OR_RETURN(out.setup_path,
                     Authorize(tx, c, auth, actor, !existing.has_value(), code_path));
    store::OnlineAccountRow a;
    a.carrier = carrier;
    a.customer = customer;
    a.login = login;
    a.created_at = existing ? existing->created_at : actor.now;
    a.last_sign_in = existing ? existing->last_sign_in : Instant();
    out.created = !existing.has_value();
    const ChangeEvent event = out.created ? ChangeEvent::kCreated : ChangeEvent::kChanged;
    RETURN_IF_ERROR(AppendSimple(
        tx, carrier, actor, "auth.online_account_set", "customer:" + customer.ToString(),
        {{"event", ChangeEventName(event)}, {"setup_path", out.setup_path}, {"basis", Cite(actor.now, "disclosure.online")}},
        json{{"login", login}}, &a.ledger_seq));
    out.ledger_seq = a.ledger_seq;
    RETURN_IF_ERROR(tx.UpsertOnlineAccount(a));
    if (out.setup_path != "service_initiation") {
      ASSIGN_OR_RETURN(out.notifications, QueueAccountChangeNotices(
                                              tx, c, c, ChangeKind::kOnlineAccount, event, actor));
    }
    return Status::Ok();
  });
  if (!stored.ok()) {
    return RecordInitiationRefusal(store, carrier, customer, "online_account", auth, stored,
                                   actor);
  }
  return out;
}

Result<OnlineSignInResult> OnlineSignIn(store::Store& store, CarrierId carrier,
                                        const std::string& login, std::string_view password,
                                        const CustomerAuthPolicy& policy, const Actor& actor,
                                        int64_t* retry_after_seconds) {
  const Status wrong = Status::Unauthenticated("wrong login or password");
  if (login.empty() || login.size() > 64 || password.size() > kMaxCpniPasswordBytes) return wrong;
  std::optional<store::OnlineAccountRow> account;
  std::optional<store::CustomerSecretRow> secret;
  store::CustomerAuthStateRow state;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(account, tx.FindOnlineAccountByLogin(carrier, login));
    if (account) {
      ASSIGN_OR_RETURN(secret, tx.GetCustomerSecret(carrier, account->customer, 0));
      ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, account->customer));
    }
    return Status::Ok();
  }));
  if (!account) {
    (void)VerifyPassword(DummyEncoding(policy.cost), password);
    return wrong;
  }
  if (state.online_locked_until > actor.now) {
    if (retry_after_seconds) {
      *retry_after_seconds =
          (state.online_locked_until - actor.now + kMicrosPerSecond - 1) / kMicrosPerSecond;
    }
    (void)store.Transact([&](store::Tx& tx) -> Status {
      store::VerificationSessionRow pseudo;
      pseudo.carrier = carrier;
      pseudo.customer = account->customer;
      pseudo.channel = "online";
      StepSpec spec;
      spec.kind = "online_sign_in";
      spec.outcome = "refused";
      spec.citation = Cite(actor.now, "disclosure.online");
      spec.body = {{"reason", "locked"}};
      return RecordStep(tx, pseudo, spec, policy, actor, nullptr).status();
    });
    return Status::ResourceExhausted(
        "too many failed sign-ins: the online account is locked until " +
        state.online_locked_until.ToRfc3339());
  }
  const bool good =
      VerifyPassword(secret ? secret->secret_hash : DummyEncoding(policy.cost), password) &&
      secret.has_value();
  OnlineSignInResult out;
  Instant locked_until;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, account->customer));
    StepSpec spec;
    spec.kind = "online_sign_in";
    spec.citation = Cite(actor.now, "disclosure.online");
    store::VerificationSessionRow s;
    s.carrier = carrier;
    s.customer = account->customer;
    s.channel = "online";
    s.actor = StepActor(actor);
    s.opened_at = actor.now;
    if (!good) {
      state.online_failures += 1;
      if (auto until =
              rules::LockedUntil(state.online_failures, OnlineLockout(policy), actor.now)) {
        state.online_locked_until = *until;
        locked_until = state.online_locked_until;
        spec.body["locked_until"] = locked_until.ToRfc3339();
      }
      spec.outcome = "failed";
      spec.body["failures"] = state.online_failures;
      RETURN_IF_ERROR(RecordStep(tx, s, spec, policy, actor, nullptr).status());
      return tx.PutCustomerAuthState(state);
    }
    state.online_failures = 0;
    state.online_locked_until = Instant();
    RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    ASSIGN_OR_RETURN(out.token, NewToken());
    s.token_hash = TokenHash(out.token);
    s.expires_at = actor.now + policy.online_session_us;
    s.flags = Bit(SessionFlag::kOnlineSignedIn);
    ASSIGN_OR_RETURN(s.id, tx.InsertVerificationSession(s));
    spec.outcome = "passed";
    spec.reason = "signed in with the password";
    RETURN_IF_ERROR(RecordStep(tx, s, spec, policy, actor, nullptr).status());
    RETURN_IF_ERROR(tx.UpdateVerificationSession(s));
    store::OnlineAccountRow a = *account;
    a.last_sign_in = actor.now;
    RETURN_IF_ERROR(tx.UpsertOnlineAccount(a));
    ASSIGN_OR_RETURN(out.session, ViewIn(tx, carrier, s.id, actor.now));
    return Status::Ok();
  }));
  if (!good) {
    if (locked_until != Instant() && retry_after_seconds) {
      *retry_after_seconds = (locked_until - actor.now + kMicrosPerSecond - 1) / kMicrosPerSecond;
    }
    return wrong;
  }
  return out;
}

Status RequestPasswordReset(store::Store& store, CarrierId carrier, const std::string& login,
                            ResetChannel channel, const CustomerAuthPolicy& policy,
                            const Actor& actor) {
  const bool mail = channel == ResetChannel::kMail;
  ASSIGN_OR_RETURN(std::string code, mail ? RandomCode(10, "ABCDEFGHJKMNPQRSTUVWXYZ23456789")
                                          : RandomCode(6, "0123456789"));
  const int64_t valid_us = mail ? 14LL * 86400 * kMicrosPerSecond : policy.reset_code_us;
  return store.Transact([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(auto account, tx.FindOnlineAccountByLogin(carrier, login));
    if (!account) return Status::Ok();  // the same answer for an unknown login
    ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(carrier, account->customer));
    ASSIGN_OR_RETURN(auto live, tx.ListLiveResetCodes(carrier, c.id, actor.now));
    if (live.size() >= 3) {
      return Status::ResourceExhausted(
          "three reset codes are already outstanding; use one or wait for them to expire");
    }
    store::ResetCodeRow row;
    row.carrier = carrier;
    row.customer = c.id;
    row.code_hash = TokenHash(code);
    row.channel = mail ? "mail" : "text";
    row.created_at = actor.now;
    row.expires_at = actor.now + valid_us;
    RETURN_IF_ERROR(tx.InsertResetCode(row).status());
    ASSIGN_OR_RETURN(int64_t notice,
                     QueueResetCode(tx, c, code, mail, valid_us / (60 * kMicrosPerSecond), actor));
    return AppendSimple(tx, carrier, actor, "auth.reset_code_issued", "customer:" + c.id.ToString(),
                        {{"channel", row.channel},
                         {"notification", notice},
                         {"expires_at", row.expires_at.ToRfc3339()},
                         {"basis", Cite(actor.now, "disclosure.passwords")}});
  });
}

Result<SecretSetResult> ResetPasswordOnline(store::Store& store, CarrierId carrier,
                                            const std::string& login, std::string_view code,
                                            std::string_view backup_answer,
                                            std::string_view new_password,
                                            const CustomerAuthPolicy& policy, const Actor& actor) {
  if (code.empty() == backup_answer.empty()) {
    return Status::InvalidArgument(
        "give either the one-time code sent to the number or address of record, or the back-up "
        "answer (" + Cite(actor.now, "disclosure.passwords") + ")",
        "code");
  }
  std::optional<store::OnlineAccountRow> account;
  std::optional<store::CustomerSecretRow> backup;
  store::CustomerAuthStateRow state;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(account, tx.FindOnlineAccountByLogin(carrier, login));
    if (account) {
      ASSIGN_OR_RETURN(backup, tx.GetCustomerSecret(carrier, account->customer, 1));
      ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, account->customer));
    }
    return Status::Ok();
  }));
  const Status wrong = Status::Unauthenticated("wrong login, code or answer");
  if (!account) {
    (void)VerifyPassword(DummyEncoding(policy.cost), backup_answer);
    return wrong;
  }
  if (!code.empty()) {
    SecretAuthorization auth;
    auth.reset_code = std::string(code);
    Result<SecretSetResult> r =
        SetCpniPassword(store, carrier, account->customer, new_password, auth, policy, actor);
    if (!r.ok() && r.status().code() == StatusCode::kUnauthenticated) {
      (void)store.Transact([&](store::Tx& tx) -> Status {
        store::VerificationSessionRow pseudo;
        pseudo.carrier = carrier;
        pseudo.customer = account->customer;
        pseudo.channel = "online";
        StepSpec spec;
        spec.kind = "reset_code";
        spec.outcome = "failed";
        spec.citation = Cite(actor.now, "disclosure.passwords");
        return RecordStep(tx, pseudo, spec, policy, actor, nullptr).status();
      });
    }
    return r;
  }
  // The back-up answer (64.2010(e)), under the online lockout.
  if (state.online_locked_until > actor.now) {
    return Status::ResourceExhausted("too many failures: the online account is locked until " +
                                     state.online_locked_until.ToRfc3339());
  }
  ASSIGN_OR_RETURN(Customer c, ReadCustomer(store, carrier, account->customer));
  RETURN_IF_ERROR(CheckCpniPassword(c, new_password));
  const bool good = VerifyPassword(backup ? backup->secret_hash : DummyEncoding(policy.cost),
                                   NormalizeAnswer(backup_answer)) &&
                    backup.has_value();
  std::string encoded;
  if (good) {
    ASSIGN_OR_RETURN(encoded, HashPassword(new_password, policy.cost));
  }
  SecretSetResult out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(state, tx.GetCustomerAuthState(carrier, c.id));
    store::VerificationSessionRow pseudo;
    pseudo.carrier = carrier;
    pseudo.customer = c.id;
    pseudo.channel = "online";
    StepSpec spec;
    spec.kind = "backup_answer";
    spec.citation = Cite(actor.now, "disclosure.passwords");
    if (!good) {
      state.online_failures += 1;
      if (auto until =
              rules::LockedUntil(state.online_failures, OnlineLockout(policy), actor.now)) {
        state.online_locked_until = *until;
      }
      spec.outcome = "failed";
      RETURN_IF_ERROR(RecordStep(tx, pseudo, spec, policy, actor, nullptr).status());
      return tx.PutCustomerAuthState(state);
    }
    spec.outcome = "passed";
    RETURN_IF_ERROR(RecordStep(tx, pseudo, spec, policy, actor, nullptr).status());
    state.online_failures = 0;
    state.online_locked_until = Instant();
    state.phone_failures = 0;
    state.phone_locked_until = Instant();
    RETURN_IF_ERROR(tx.PutCustomerAuthState(state));
    ASSIGN_OR_RETURN(out, StoreSecret(tx, c, SecretKind::kPassword, "", encoded,
                                      "online_backup_answer", true, actor));
    return Status::Ok();
  }));
  if (!good) return wrong;
  return out;
}

// ---- pretexting ----

namespace {

// Reads the carrier's flags in state `state` ("" = any) with `list`.
template <typename Out, typename ListFn>
Result<Out> ReadFlags(store::Store& store, CarrierId carrier, const std::string& state,
                      ListFn list) {
  if (!state.empty() && state != "open" && state != "reviewed") {
    return Status::InvalidArgument("state must be open or reviewed", "state");
  }
  Out out;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
    ASSIGN_OR_RETURN(out, list(tx));
    return Status::Ok();
  }));
  return out;
}

}  // namespace

Result<std::vector<store::PretextingFlagRow>> ListPretextingFlags(store::Store& store,
                                                                  CarrierId carrier,
                                                                  const std::string& state,
                                                                  Instant from, Instant to) {
  return ReadFlags<std::vector<store::PretextingFlagRow>>(
      store, carrier, state,
      [&](store::Tx& tx) { return tx.ListPretextingFlags(carrier, state, from, to); });
}

Result<store::Page<store::PretextingFlagRow>> ListPretextingFlags(store::Store& store,
                                                                  CarrierId carrier,
                                                                  const std::string& state,
                                                                  int64_t after, int limit) {
  return ReadFlags<store::Page<store::PretextingFlagRow>>(
      store, carrier, state,
      [&](store::Tx& tx) { return tx.ListPretextingFlags(carrier, state, after, limit); });
}

Result<store::PretextingFlagRow> ReviewPretextingFlag(store::Store& store, CarrierId carrier,
                                                      int64_t flag_id, const std::string& note,
                                                      const Actor& actor) {
  const std::string text(Trim(note));
  if (text.empty() || text.size() > 2000) {
    return Status::InvalidArgument("a review note (1 to 2000 bytes) is required", "note");
  }
  store::PretextingFlagRow f;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(f, tx.GetPretextingFlag(carrier, flag_id));
    if (f.state == "reviewed") {
      return Status::FailedPrecondition("flag " + std::to_string(flag_id) +
                                        " was already reviewed");
    }
    f.state = "reviewed";
    f.reviewed_by = StepActor(actor);
    f.reviewed_at = actor.now;
    f.review_note = text;
    RETURN_IF_ERROR(AppendSimple(tx, carrier, actor, "auth.pretexting_reviewed",
                                 "pretexting_flag:" + std::to_string(f.id), {{"flag", f.id}},
                                 json{{"note", text}}, &f.ledger_seq));
    return tx.UpdatePretextingFlag(f);
  }));
  return f;
}

Result<PretextingSummary> SummarizePretexting(store::Store& store, CarrierId carrier, int year) {
  if (year < 2000 || year > 2200) return Status::InvalidArgument("year out of range", "year");
  const Instant from = UtcMidnight(CivilDate{year, 1, 1});
  const Instant to = UtcMidnight(CivilDate{year + 1, 1, 1});
  ASSIGN_OR_RETURN(std::vector<store::PretextingFlagRow> flags,
                   ListPretextingFlags(store, carrier, "", from, to));
  PretextingSummary s;
  s.year = year;
  for (const auto& f : flags) {
    ++s.flags;
    if (f.kind == "calling_number") ++s.by_calling_number;
    if (f.kind == "staff") ++s.by_staff;
    if (f.kind == "account") ++s.by_account;
    if (f.state == "reviewed")
      ++s.reviewed;
    else
      ++s.open;
  }
  return s;
}

}  // namespace proprio::services
