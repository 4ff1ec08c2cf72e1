// services/customer_auth_sessions.cc: verification sessions of every channel
// (47 CFR 64.2010): opening, reading and closing them, recording a step with
// its ledger entry, and turning a session into a decision's context.
#include "services/customer_auth.h"
#include "services/sim_requests.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/text.h"
#include "services/internal/customer_auth_internal.h"

namespace proprio::services {

using nlohmann::json;
using namespace auth_internal;  // the helpers customer_auth_*.cc share

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool SessionOpen(const store::VerificationSessionRow& s, Instant now) {
  return s.closed_at == Instant() && s.expires_at > now;
}

}  // namespace

namespace auth_internal {

rules::RuleSet AuthRules(Instant at) { return rules::RuleSetFor(at, rules::RuleConfig{}); }
std::string Cite(Instant at, std::string_view id) { return std::string(AuthRules(at).Cite(id)); }

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

StaffId StaffIdOf(const std::string& actor_id) {
  const std::string s = StaffActorOf(actor_id);
  if (s.empty()) return StaffId();
  return StaffId(std::strtoll(s.c_str() + 6, nullptr, 10));
}

std::string StepActor(const Actor& actor) {
  const std::string s = StaffActorOf(actor.id);
  return s.empty() ? actor.id.substr(0, actor.id.find(" via ")) : s;
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

// One per cost, so that it costs what a real check costs.
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

Status AppendSimple(store::Tx& tx, CarrierId carrier, const Actor& actor, const std::string& type,
                    const std::string& subject, const json& body, std::optional<json> payload,
                    int64_t* seq) {
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

}  // namespace auth_internal

std::string StaffActorOf(const std::string& actor_id) {
  if (actor_id.rfind("staff:", 0) != 0) return {};
  size_t end = 6;
  while (end < actor_id.size() && IsDigit(actor_id[end])) ++end;
  if (end == 6) return {};
  return actor_id.substr(0, end);
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
    // 64.2010(h)(6): in a SIM change or port-out contact the employee reaches
    // no CPNI before the customer is authenticated, not even the call detail
    // the caller states (64.2010(b) would otherwise let it be discussed).
    if (!release_by_mail && !SessionAuthenticated(s.flags)) {
      ASSIGN_OR_RETURN(const bool sim_contact, tx.SimRequestInSession(carrier, session_id));
      if (sim_contact) {
        RETURN_IF_ERROR(rules::CpniClosedBeforeAuthentication(
            rules::RuleSetFor(at, rules::RuleConfig{}), SimMethodsOfSession(s.flags)));
      }
    }
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

}  // namespace proprio::services
