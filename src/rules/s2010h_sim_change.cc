// rules/s2010h_sim_change.cc: 47 CFR 64.2010(h) and 52.37 (FCC 23-95) decisions.
#include "rules/s2010h_sim_change.h"

#include <algorithm>

namespace proprio::rules {
namespace {

constexpr int64_t kMicrosPerHour = 3600LL * kMicrosPerSecond;

std::string Cite(const RuleSet& rs, std::string_view id) {
  // fcc-2007 carries no 64.2010(h): cite the table's entry all the same (the
  // request is still decided under the carrier's policy).
  for (const Rule& r : SimChangeRules()) {
    if (r.id == id) return std::string(r.citation);
  }
  return std::string(rs.Cite(id));
}

bool AnySecure(const std::vector<SimAuthMethod>& methods) {
  return std::any_of(methods.begin(), methods.end(), SecureSimMethod);
}

bool AnyAuthenticating(const std::vector<SimAuthMethod>& methods) {
  return std::any_of(methods.begin(), methods.end(), [](SimAuthMethod m) {
    return m != SimAuthMethod::kCallerStatedCallDetail &&
           m != SimAuthMethod::kSentToAddressOfRecord;
  });
}

std::string NotInForceNote(const RuleSet& rs) {
  if (rs.sim_rules.empty()) {
    return " (" + std::string(rs.name) +
           " does not carry 47 CFR 64.2010(h): decided under the carrier's policy)";
  }
  return " (47 CFR 64.2010(h) and 52.37 are not yet in force: no compliance date is "
         "configured (sim_change_compliance); decided under the carrier's policy)";
}

}  // namespace

const char* SimRequestKindName(SimRequestKind k) {
  return k == SimRequestKind::kPortOut ? "port_out" : "sim_change";
}

Result<SimRequestKind> ParseSimRequestKind(std::string_view name, std::string_view field) {
  if (name == "sim_change") return SimRequestKind::kSimChange;
  if (name == "port_out") return SimRequestKind::kPortOut;
  return Status::InvalidArgument(
      std::string(field) + " '" + std::string(name) + "' is not sim_change or port_out",
      std::string(field));
}

const char* SimAuthMethodName(SimAuthMethod m) {
  switch (m) {
    case SimAuthMethod::kPassword:
      return "password";
    case SimAuthMethod::kBackupAnswer:
      return "backup_answer";
    case SimAuthMethod::kCallBack:
      return "call_back";
    case SimAuthMethod::kPhotoId:
      return "photo_id";
    case SimAuthMethod::kOnlineSignIn:
      return "online_sign_in";
    case SimAuthMethod::kBusinessAlternative:
      return "business_alternative";
    case SimAuthMethod::kCallerStatedCallDetail:
      return "caller_stated_call_detail";
    case SimAuthMethod::kSentToAddressOfRecord:
      return "sent_to_address_of_record";
  }
  return "unknown";
}

// 64.2010(h)(1).
bool SecureSimMethod(SimAuthMethod m) {
  switch (m) {
    case SimAuthMethod::kPassword:
    case SimAuthMethod::kBackupAnswer:
    case SimAuthMethod::kCallBack:
    case SimAuthMethod::kPhotoId:
    case SimAuthMethod::kOnlineSignIn:
      return true;
    case SimAuthMethod::kBusinessAlternative:
    case SimAuthMethod::kCallerStatedCallDetail:
    case SimAuthMethod::kSentToAddressOfRecord:
      return false;
  }
  return false;
}

std::vector<std::string> SimBasis(const RuleSet& rs, SimRequestKind kind, std::string_view id) {
  std::vector<std::string> out{Cite(rs, id)};
  // Port-outs: 47 CFR 52.37 as amended by FCC 23-95 (paragraphs CONFIRM).
  if (kind == SimRequestKind::kPortOut) out.emplace_back("47 CFR 52.37");
  return out;
}

SimDecision DecideSimRequest(const RuleSet& rs, const Policy& policy, const SimRequestFacts& f) {
  SimDecision d;
  d.in_force = rs.SimChangeInForce(f.at);
  const std::string note = d.in_force ? "" : NotInForceNote(rs);
  const bool port = f.kind == SimRequestKind::kPortOut;
  const std::string what = port ? "port-out" : "SIM change";
  if (!policy.sim_protections) {
    // 64.2010(h) binds wireless providers only; FloorViolations refuses a
    // wireless provider's policy that turns it off.
    d.applies = false;
    d.allowed = true;
    d.outcome = "not_applicable";
    d.basis = SimBasis(rs, f.kind, "sim_change");
    d.reason = "Allowed: the carrier's policy says it is not a wireless provider, so the " + what +
               " protections of 47 CFR 64.2010(h) do not apply.";
    return d;
  }
  d.notify = true;  // (h)(3): every request, allowed or not
  if (f.refused_until && *f.refused_until > f.at) {
    d.outcome = "refused_failed_attempts";
    d.basis = SimBasis(rs, f.kind, "sim_change.failed_attempts");
    d.reason = "Refused: too many failed authentication attempts on this account within " +
               std::to_string(policy.sim_failed_window_hours) +
               " hours (failed checks of a password, back-up answer, online password, reset "
               "code or photo ID: " + std::to_string(f.failed_checks) +
               "; requests refused for want of secure authentication: " +
               std::to_string(f.failed_requests) + "); " + what + " requests are refused until " +
               f.refused_until->ToRfc3339() + note + ".";
    d.requirements = {"wait_until:" + f.refused_until->ToRfc3339()};
    return d;
  }
  if (f.locked) {
    d.outcome = "refused_locked";
    d.basis = SimBasis(rs, f.kind, "sim_change.lock");
    d.reason = "Refused: the customer has locked the account against SIM changes and port-outs; "
               "the customer may turn the lock off after authenticating" + note + ".";
    d.requirements = {"customer_unlocks_account"};
    return d;
  }
  if (!f.session_open || !AnySecure(f.methods)) {
    d.outcome = "refused_not_authenticated";
    // An attempt made in a session that did not authenticate securely; a
    // request without an open session is no attempt at all.
    d.failed_attempt = f.session_open;
    d.basis = SimBasis(rs, f.kind, "sim_change.authentication");
    if (!f.session_open) {
      d.reason = "Refused: a " + what + " needs an open verification session for this customer "
                 "that authenticated the customer with a secure method" + note + ".";
    } else {
      std::string used;
      for (SimAuthMethod m : f.methods) used += (used.empty() ? "" : ", ") + std::string(SimAuthMethodName(m));
      d.reason = "Refused: " + (used.empty() ? std::string("no method") : used) +
                 " does not authenticate a " + what +
                 ": it relies on call detail, account information or a mailing, which "
                 "47 CFR 64.2010(h)(1) excludes" + note + ".";
    }
    d.requirements = {"secure_authentication: password, backup_answer, call_back to the number "
                      "of record, photo_id in store or online_sign_in (not call detail, "
                      "biographical, account or recent payment information)"};
    return d;
  }
  if (!f.has_contact_of_record) {
    d.outcome = "refused_no_contact";
    d.notify = false;
    d.basis = SimBasis(rs, f.kind, "sim_change.notice");
    d.reason = "Refused: there is no telephone number or address of record to notify the "
               "customer of the " + what + " request before it is carried out" + note + ".";
    d.requirements = {"contact_of_record"};
    return d;
  }
  d.allowed = true;
  d.outcome = "allowed";
  d.basis = SimBasis(rs, f.kind, "sim_change.authentication");
  d.basis.push_back(Cite(rs, "sim_change.notice"));
  d.reason = "Allowed: the customer was authenticated with a secure method; the customer is "
             "notified of the " + what + " request at the contact of record" + note + ".";
  return d;
}

std::optional<Instant> FailedAttemptsRefusedUntil(const std::vector<Instant>& failures,
                                                  const Policy& policy, Instant at) {
  const Instant from = at + (-policy.sim_failed_window_hours * kMicrosPerHour);
  int64_t count = 0;
  Instant last = Instant::FromMicros(0);
  for (Instant t : failures) {
    if (t < from || t > at) continue;
    ++count;
    if (t > last) last = t;
  }
  if (count < policy.sim_failed_attempts) return std::nullopt;
  const Instant until = last + policy.sim_refusal_hours * kMicrosPerHour;
  if (until <= at) return std::nullopt;
  return until;
}

Status CheckSimLockChange(const RuleSet& rs, bool session_open,
                          const std::vector<SimAuthMethod>& methods) {
  if (session_open && AnySecure(methods)) return Status::Ok();
  return Status(
      StatusCode::kPermissionDenied,
      "the SIM change and port-out lock is turned on or off only by the customer after "
      "authentication with a secure method (password, back-up answer, call back to the number "
      "of record, photo ID in store or online sign-in) (" +
          Cite(rs, "sim_change.lock") + ", " + Cite(rs, "sim_change.authentication") + ")",
      "session");
}

Status CpniClosedBeforeAuthentication(const RuleSet& rs, const std::vector<SimAuthMethod>& methods) {
  if (AnyAuthenticating(methods)) return Status::Ok();
  return Status(
      StatusCode::kPermissionDenied,
      "the customer is not authenticated: the employee handling this SIM change or port-out "
      "contact may not reach CPNI until then (" + Cite(rs, "sim_change.employee_access") +
          "; 47 CFR 64.2010(a))",
      "session");
}

Instant SimRecordsKeptUntil(const Policy& policy, Instant at) {
  const int years = std::max(3, policy.sim_record_years);
  const CivilDate day = UtcDate(at);
  CivilDate until{day.year + years, day.month, day.day};
  if (!until.Valid()) until = CivilDate{until.year, until.month, 28};
  return UtcMidnight(until) + (at.micros() - UtcMidnight(day).micros());
}

}  // namespace proprio::rules
