// rules/testing/decide_test_util.h: request and facts builders shared by the tests of
// rules/decide.h (decide_test.cc, decide_facts_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "rules/decide.h"
#include "rules/testing/rules_test_util.h"

namespace proprio::rules::decide_test {

using AS = ApprovalScope;
using RK = RequirementKind;

using test_util::At;

inline const Instant kNow = Instant::FromSeconds(1735732800);  // 2025-01-01T12:00:00Z

// Request builder: the carrier itself using usage CPNI of local service.
struct Req {
  DecisionRequest r;
  Req() {
    r.customer = CustomerId(42);
    r.cpni = CpniSet{CpniCategory::kUsage};
    r.at = kNow;
  }
  Req& purpose(Purpose p) { r.purpose = p; return *this; }
  Req& to(RecipientKind k, Action a = Action::kDisclose) {
    r.recipient.kind = k;
    r.action = k == RecipientKind::kCarrierItself ? Action::kUse : a;
    return *this;
  }
  Req& from(ServiceCategory s) { r.service_category = s; return *this; }
  Req& offering(Offering o) { r.offering = o; return *this; }
  Req& flag(ContextFlag f) { r.context.flags.Add(f); return *this; }
  Req& cpni(CpniSet c) { r.cpni = c; return *this; }
  Req& channel(AccessChannel c) { r.context.channel = c; return *this; }
  Req& call(std::string id) { r.context.call_id = std::move(id); return *this; }
  Req& partner(int64_t id) { r.recipient.id = id; return *this; }
  Req& written(std::string document) {
    r.context.flags.Add(ContextFlag::kWrittenAuthorization);
    r.context.written_request_document = std::move(document);
    return *this;
  }
  operator DecisionRequest() const { return r; }  // NOLINT
};

// Facts builder: a local-service residential customer with no approvals.
struct Facts {
  CustomerFacts f;
  Facts() {
    f.customer = CustomerId(42);
    f.services.Add(ServiceCategory::kLocal);
  }
  explicit Facts(const CustomerFacts& from) : f(from) {}
  Facts& buys(ServiceCategory s) { f.services.Add(s); return *this; }
  Facts& only(ServiceCategory s) { f.services = ServiceSet(); f.services.Add(s); return *this; }
  Facts& opt_in(AS s) { f.approval.opt_in.Add(s); return *this; }
  Facts& opt_out(AS s) { f.approval.opt_out.Add(s); return *this; }
  Facts& pending(AS s) { f.approval.opt_out_pending.Add(s); return *this; }
  Facts& denied(AS s) { f.approval.disapproved.Add(s); return *this; }
  Facts& one_time(std::string_view call, ScopeSet scopes) {
    f.approval.one_time_call = CallIdHash(call);
    f.approval.one_time_scopes = scopes;
    f.approval.one_time_from = kNow + (-600 * kMicrosPerSecond);
    f.approval.one_time_until = kNow + 600 * kMicrosPerSecond;
    return *this;
  }
  Facts& business_contract() {
    f.type = CustomerType::kBusiness;
    f.business_cpni_contract = true;
    return *this;
  }
  // The recipient is partner `kind` on the registry (kNow is 2025-01-01).
  Facts& partner(PartnerKind kind) {
    f.recipient.on_record = true;
    f.recipient.kind = kind;
    f.recipient.today = CivilDate{2025, 1, 1};
    return *this;
  }
  // Its 64.2007(b)(2) agreement with all three terms, in force [from, until].
  Facts& agreement(CivilDate from, std::optional<CivilDate> until = std::nullopt) {
    ConfidentialityAgreement& a = f.recipient.agreement;
    a.on_record = true;
    a.effective_on = from;
    a.expires_on = until;
    a.use_only_for_purpose = a.no_further_disclosure = a.safeguards = true;
    return *this;
  }
  Facts& certified(CivilDate on, std::optional<CivilDate> until = std::nullopt) {
    f.recipient.certification = {true, on, until};
    return *this;
  }
  Facts& written_on_record() { f.written_authorization_on_record = true; return *this; }
  operator CustomerFacts() const { return f; }  // NOLINT
};

inline Requirement Need(RK kind, uint8_t group = 0) {
  Requirement r;
  r.kind = kind;
  r.any_of_group = group;
  return r;
}
inline Requirement NeedScope(RK kind, AS scope, uint8_t group = 0) {
  Requirement r = Need(kind, group);
  r.has_scope = true;
  r.scope = scope;
  return r;
}

struct Case {
  std::string name;  // carries the citation
  DecisionRequest request;
  CustomerFacts facts;
  bool allowed;
  std::string_view citation;  // must be in basis
  std::vector<Requirement> requires_;  // exactly, for denials
};

inline std::string Describe(const Decision& d) {
  std::string s = std::string(d.allowed ? "allowed" : "denied") + " | " + std::string(d.reason) +
                  " | basis:";
  for (std::string_view b : d.basis) s += " [" + std::string(b) + "]";
  s += " | requires:";
  for (const Requirement& r : d.requirements) {
    s += " " + std::string(RequirementKindName(r.kind));
    if (r.has_scope) s += ":" + std::string(ApprovalScopeName(r.scope));
    if (r.any_of_group) s += "/g" + std::to_string(r.any_of_group);
  }
  return s;
}

}  // namespace proprio::rules::decide_test
