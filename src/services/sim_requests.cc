// services/sim_requests.cc: SIM change and port-out requests and the lock
// (47 CFR 64.2010(h), 52.37) over the store. See sim_requests.h.
#include "services/sim_requests.h"

#include <cstdlib>
#include <string>
#include <utility>

#include "core/text.h"
#include "services/customer_auth.h"
#include "services/notifications.h"
#include "services/policies.h"

namespace proprio::services {
namespace {

using nlohmann::json;

constexpr int64_t kMicrosPerHour = 3600LL * kMicrosPerSecond;

std::string Subject(CustomerId customer) { return "customer:" + customer.ToString(); }

StaffId StaffOf(const Actor& actor) {
  const std::string s = StaffActorOf(actor.id);
  if (s.empty()) return StaffId();
  return StaffId(std::strtoll(s.c_str() + 6, nullptr, 10));
}

}  // namespace

std::vector<rules::SimAuthMethod> SimMethodsOfSession(uint32_t flags) {
  using M = rules::SimAuthMethod;
  std::vector<M> out;
  const std::pair<SessionFlag, M> kMap[] = {
      {SessionFlag::kPasswordVerified, M::kPassword},
      {SessionFlag::kBackupVerified, M::kBackupAnswer},
      {SessionFlag::kCalledBack, M::kCallBack},
      {SessionFlag::kPhotoIdVerified, M::kPhotoId},
      {SessionFlag::kOnlineSignedIn, M::kOnlineSignIn},
      {SessionFlag::kBusinessAlternative, M::kBusinessAlternative},
      {SessionFlag::kCallerStatedCallDetail, M::kCallerStatedCallDetail},
      {SessionFlag::kSentToAddressOfRecord, M::kSentToAddressOfRecord},
  };
  for (const auto& [flag, method] : kMap) {
    if (HasFlag(flags, flag)) out.push_back(method);
  }
  return out;
}

namespace {

std::vector<rules::SimAuthMethod> MethodsOf(uint32_t flags) { return SimMethodsOfSession(flags); }

std::string JoinMethods(const std::vector<rules::SimAuthMethod>& methods) {
  std::string out;
  for (rules::SimAuthMethod m : methods) {
    if (!out.empty()) out += ",";
    out += rules::SimAuthMethodName(m);
  }
  return out;
}

std::string JoinStrings(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

bool SessionOpenAt(const store::VerificationSessionRow& s, Instant now) {
  return s.closed_at == Instant() && s.expires_at > now;
}

// The session `id` of the carrier, checked to be `customer`'s.
Result<store::VerificationSessionRow> CustomerSession(store::Tx& tx, CarrierId carrier,
                                                      CustomerId customer, int64_t id) {
  if (id <= 0) {
    return Status::InvalidArgument(
        "session: name the verification session in which the customer was authenticated "
        "(47 CFR 64.2010(h)(1))",
        "session");
  }
  auto row = tx.GetVerificationSession(carrier, id);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return Status::InvalidArgument("session " + std::to_string(id) + " does not exist",
                                     "session");
    }
    return row.status();
  }
  if (row->customer != customer) {
    return Status::InvalidArgument("session " + std::to_string(id) +
                                       " is another customer's verification session",
                                   "session");
  }
  return *row;
}

// Where a notice can go: a telephone number of record or an address of record.
bool HasContactOfRecord(const Customer& c) {
  return !c.phones_of_record.empty() || !c.address_of_record.street.empty() || !c.email.empty();
}

}  // namespace

Result<SimRequestResult> RequestSimChange(store::Store& store, CarrierId carrier,
                                          const SimRequestInput& in,
                                          const rules::RuleConfig& config, const Actor& actor) {
  if (!in.customer.valid()) return Status::InvalidArgument("customer is required", "customer");
  RETURN_IF_ERROR(rules::ValidateRuleConfig(config));
  SimRequestResult out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    out = SimRequestResult{};
    ASSIGN_OR_RETURN(Customer customer, tx.GetCustomer(carrier, in.customer));
    ASSIGN_OR_RETURN(store::VerificationSessionRow session,
                     CustomerSession(tx, carrier, in.customer, in.session));
    ASSIGN_OR_RETURN(CarrierRules cr, LoadCarrierRules(tx, carrier));
    const rules::Policy& policy = cr.policy->policy;
    const rules::RuleSet rs = rules::RuleSetFor(actor.now, config);

    rules::SimRequestFacts facts;
    facts.kind = in.kind;
    facts.at = actor.now;
    facts.session_open = SessionOpenAt(session, actor.now);
    facts.methods = MethodsOf(session.flags);
    ASSIGN_OR_RETURN(auto lock, tx.GetSimLock(carrier, in.customer));
    facts.locked = lock && lock->locked;
    // 64.2010(h)(2): the customer's failed attempts within the window: the
    // requests refused for want of secure authentication, and every failed
    // check of what the customer must know or show (a wrong password or
    // back-up answer on a call, online, a refused photo ID). Whoever fails
    // them is stopped before asking for the SIM, not only after: the carrier
    // cannot tell what an earlier caller was after.
    const Instant since = actor.now + (-policy.sim_failed_window_hours * kMicrosPerHour);
    ASSIGN_OR_RETURN(std::vector<Instant> failures,
                     tx.SimFailedAttemptsSince(carrier, in.customer, since));
    ASSIGN_OR_RETURN(const std::vector<Instant> checks,
                     tx.FailedAuthenticationChecksSince(carrier, in.customer, since));
    facts.failed_requests = static_cast<int>(failures.size());
    facts.failed_checks = static_cast<int>(checks.size());
    failures.insert(failures.end(), checks.begin(), checks.end());
    facts.refused_until = rules::FailedAttemptsRefusedUntil(failures, policy, actor.now);
    facts.has_contact_of_record = HasContactOfRecord(customer);
    out.decision = rules::DecideSimRequest(rs, policy, facts);
    out.refused_until = facts.refused_until;

    // 64.2010(h)(3): notice of every request, to the contact of record.
    if (out.decision.notify) {
      const ChangeKind kind = in.kind == rules::SimRequestKind::kPortOut ? ChangeKind::kPortOut
                                                                         : ChangeKind::kSimChange;
      ASSIGN_OR_RETURN(out.notifications, QueueAccountChangeNotices(tx, customer, customer, kind,
                                                                    ChangeEvent::kCreated, actor));
    }
    // 64.2010(h)(2): when this failure reaches the threshold, or failed
    // checks reached it before any request came, requests are refused and the
    // customer is told, once for each refusal (from the last failure counted).
    std::optional<Instant> refusal;
    if (out.decision.failed_attempt) {
      failures.push_back(actor.now);
      refusal = rules::FailedAttemptsRefusedUntil(failures, policy, actor.now);
    } else if (out.decision.outcome == "refused_failed_attempts") {
      refusal = facts.refused_until;
    }
    if (refusal) {
      out.refused_until = refusal;
      const Instant last_failure = *refusal + (-policy.sim_refusal_hours * kMicrosPerHour);
      ASSIGN_OR_RETURN(const bool told, tx.NoticeQueuedSince(carrier, in.customer,
                                                              "sim_failed_attempts", last_failure));
      if (!told) {
        ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         QueueAccountChangeNotices(tx, customer, customer,
                                                   ChangeKind::kSimFailedAttempts,
                                                   ChangeEvent::kCreated, actor));
        out.notifications.insert(out.notifications.end(), ids.begin(), ids.end());
      }
    }

    store::SimRequestRow& row = out.row;
    row.carrier = carrier;
    row.customer = in.customer;
    row.kind = rules::SimRequestKindName(in.kind);
    row.requested_at = actor.now;
    row.actor = actor.id.substr(0, actor.id.find(" via "));
    row.staff_id = StaffOf(actor).value();
    row.channel = session.channel;
    row.session_id = session.id;
    row.methods = JoinMethods(facts.methods);
    row.outcome = out.decision.outcome;
    row.reason = out.decision.reason;
    row.basis = JoinStrings(out.decision.basis, ";");
    row.in_force = out.decision.in_force;
    row.failed_attempt = out.decision.failed_attempt;
    std::vector<std::string> ids;
    for (int64_t id : out.notifications) ids.push_back(std::to_string(id));
    row.notifications = JoinStrings(ids, ",");
    row.rule_set = std::string(rs.name);
    row.policy_version = policy.version;
    row.retain_until = rules::SimRecordsKeptUntil(policy, actor.now);
    ASSIGN_OR_RETURN(row.id, tx.InsertSimRequest(row));
    // 64.2010(h)(5): every request a ledger entry (no CPNI, no secret).
    json body = {{"request", row.id},
                 {"kind", row.kind},
                 {"session", row.session_id},
                 {"channel", row.channel},
                 {"methods", facts.methods.empty() ? json::array() : json(SplitList(row.methods, ','))},
                 {"outcome", row.outcome},
                 {"basis", out.decision.basis},
                 {"in_force", row.in_force},
                 {"failed_attempt", row.failed_attempt},
                 {"notifications", out.notifications},
                 {"rule_set", row.rule_set},
                 {"policy_version", row.policy_version},
                 {"retain_until", row.retain_until.ToRfc3339()}};
    if (out.refused_until) body["refused_until"] = out.refused_until->ToRfc3339();
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, "sim.requested", Subject(in.customer), body)));
    row.ledger_seq = appended.seq;
    return tx.SetSimRequestLedgerSeq(carrier, row.id, row.ledger_seq);
  }));
  return out;
}

Result<SimLockView> GetSimLock(store::Store& store, CarrierId carrier, CustomerId customer) {
  SimLockView view;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCustomer(carrier, customer).status());
    ASSIGN_OR_RETURN(view.last_change, tx.GetSimLock(carrier, customer));
    return Status::Ok();
  }));
  view.carrier = carrier;
  view.customer = customer;
  view.locked = view.last_change && view.last_change->locked;
  return view;
}

Result<SimLockView> SetSimLock(store::Store& store, CarrierId carrier, CustomerId customer,
                               int64_t session_id, bool locked, const rules::RuleConfig& config,
                               const Actor& actor) {
  RETURN_IF_ERROR(rules::ValidateRuleConfig(config));
  SimLockView view;
  view.carrier = carrier;
  view.customer = customer;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(carrier, customer));
    ASSIGN_OR_RETURN(store::VerificationSessionRow session,
                     CustomerSession(tx, carrier, customer, session_id));
    const rules::RuleSet rs = rules::RuleSetFor(actor.now, config);
    // 64.2010(h)(4), (h)(1): only the customer, after secure authentication.
    RETURN_IF_ERROR(rules::CheckSimLockChange(rs, SessionOpenAt(session, actor.now),
                                              MethodsOf(session.flags)));
    ASSIGN_OR_RETURN(view.last_change, tx.GetSimLock(carrier, customer));
    const bool was = view.last_change && view.last_change->locked;
    if (was == locked && view.last_change) {
      view.locked = was;
      return Status::Ok();
    }
    if (!was && !locked) {  // never set: nothing to turn off
      view.locked = false;
      return Status::Ok();
    }
    store::SimLockRow row;
    row.carrier = carrier;
    row.customer = customer;
    row.locked = locked;
    row.changed_at = actor.now;
    row.changed_by = actor.id.substr(0, actor.id.find(" via "));
    row.session_id = session.id;
    ASSIGN_OR_RETURN(std::vector<int64_t> notices,
                     QueueAccountChangeNotices(tx, c, c, ChangeKind::kSimLock,
                                               locked ? ChangeEvent::kCreated : ChangeEvent::kChanged,
                                               actor));
    json body = {{"locked", locked},
                 {"session", session.id},
                 {"channel", session.channel},
                 {"methods", json(SplitList(JoinMethods(MethodsOf(session.flags)), ','))},
                 {"basis", rules::SimBasis(rs, rules::SimRequestKind::kSimChange,
                                           "sim_change.lock")},
                 {"notifications", notices},
                 {"no_cost", true}};
    ASSIGN_OR_RETURN(auto appended,
                     tx.Append(MakeEvent(actor, carrier, locked ? "sim.lock_set" : "sim.lock_cleared",
                                         Subject(customer), body)));
    row.ledger_seq = appended.seq;
    RETURN_IF_ERROR(tx.PutSimLock(row));
    view.last_change = row;
    view.locked = locked;
    return Status::Ok();
  }));
  return view;
}

Result<store::Page<store::SimRequestRow>> ListSimRequests(store::Store& store, CarrierId carrier,
                                                          CustomerId customer, int64_t before,
                                                          int limit) {
  store::Page<store::SimRequestRow> page;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetCustomer(carrier, customer).status());
    ASSIGN_OR_RETURN(page, tx.ListSimRequests(carrier, customer, before, limit));
    return Status::Ok();
  }));
  return page;
}

json SimRequestJson(const store::SimRequestRow& r) {
  std::vector<int64_t> notices;
  for (const std::string& s : SplitList(r.notifications, ',')) notices.push_back(std::stoll(s));
  return {{"id", r.id},
          {"customer", r.customer.value()},
          {"kind", r.kind},
          {"requested_at", r.requested_at.ToRfc3339()},
          {"actor", r.actor},
          {"staff", r.staff_id == 0 ? json(nullptr) : json(r.staff_id)},
          {"channel", r.channel},
          {"session", r.session_id},
          {"methods", SplitList(r.methods, ',')},
          {"allowed", r.outcome == "allowed" || r.outcome == "not_applicable"},
          {"outcome", r.outcome},
          {"reason", r.reason},
          {"basis", SplitList(r.basis, ';')},
          {"in_force", r.in_force},
          {"failed_attempt", r.failed_attempt},
          {"notifications", notices},
          {"rule_set", r.rule_set},
          {"policy_version", r.policy_version},
          {"retain_until", r.retain_until.ToRfc3339()},
          {"ledger_seq", r.ledger_seq}};
}

json SimLockJson(const SimLockView& v) {
  json j = {{"customer", v.customer.value()}, {"locked", v.locked}, {"no_cost", true}};
  if (v.last_change) {
    j["changed_at"] = v.last_change->changed_at.ToRfc3339();
    j["changed_by"] = v.last_change->changed_by;
    j["session"] = v.last_change->session_id;
    j["ledger_seq"] = v.last_change->ledger_seq;
  } else {
    j["changed_at"] = nullptr;
    j["changed_by"] = nullptr;
    j["session"] = nullptr;
    j["ledger_seq"] = nullptr;
  }
  return j;
}

}  // namespace proprio::services
