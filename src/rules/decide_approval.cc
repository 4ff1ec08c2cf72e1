// rules/decide_approval.cc: 64.2007(b) which approval a use needs, and the
// customer's approval states of 64.2008: one-time (f), opt-in, opt-out after
// the waiting period (d)(1), lapsed (d)(2), denied (64.2007(a)(2)).
#include "rules/decide.h"

#include <algorithm>

#include "rules/internal/decide_internal.h"

namespace proprio::rules {
namespace decide_internal {

namespace {

constexpr std::string_view kRsnOneTimeOk =
    "Allowed: the customer gave one-time consent on this call.";
constexpr std::string_view kRsnOptOutOk =
    "Allowed: opt-out approval is in force (notice given, waiting period over, no objection).";
constexpr std::string_view kRsnDisapproved =
    "Denied: the customer has denied or revoked approval for this use.";
constexpr std::string_view kRsnPending =
    "Denied: the opt-out waiting period after the notice has not ended yet.";
// {date} and {period} are filled in by ReasonText (Decision::opt_out_lapsed_on,
// Decision::opt_out_renewal_months).
constexpr std::string_view kRsnLapsed =
    "Denied: the customer's opt-out approval lapsed on {date} because no opt-out notice was "
    "given in {period} (47 CFR 64.2008(d)(2)); a new opt-out notice renews it once its waiting "
    "period has passed (47 CFR 64.2008(d)(1)), or the customer's opt-in approval.";
constexpr std::string_view kRsnNeedOptIn = "Denied: this use needs the customer's opt-in approval.";
constexpr std::string_view kRsnNeedApproval =
    "Denied: this use needs the customer's opt-out or opt-in approval.";

}  // namespace

// 64.2007(b): which approval this recipient and purpose need, and whether
// the customer has given it. `comm_marketing`: marketing of
// communications-related services. `group`: alternatives group for the
// approval requirement.
Evaluator::Needed Evaluator::ApprovalNeeded(bool comm_marketing) const {
  ApprovalScope scope = ApprovalScope::kThirdParties;
  bool opt_out_ok = false;
  switch (req_.recipient.kind) {
    case RecipientKind::kCarrierItself:
      scope = comm_marketing ? ApprovalScope::kOwnMarketingCommRelated
                             : ApprovalScope::kOwnOtherUses;
      opt_out_ok = comm_marketing;
      break;
    case RecipientKind::kAgent:
      scope = ApprovalScope::kAgents;
      opt_out_ok = comm_marketing;
      break;
    case RecipientKind::kAffiliate:
      // Only affiliates that provide communications-related services.
      scope = ApprovalScope::kAffiliates;
      opt_out_ok = comm_marketing && Flag(ContextFlag::kRecipientProvidesCommServices);
      break;
    case RecipientKind::kJointVenturer:
    case RecipientKind::kIndependentContractor:
      scope = ApprovalScope::kJointVenturersContractors;  // opt-in (2007 order)
      break;
    default:
      scope = ApprovalScope::kThirdParties;
      break;
  }
  if (former_opt_in_) opt_out_ok = false;  // a former customer: opt-in (FormerCustomer)
  const bool by_policy = opt_out_ok && policy_.approval_mode == ApprovalMode::kOptInOnly;
  return Needed{scope, opt_out_ok && !by_policy, by_policy};
}

// Whether the customer's approval covers this use (no side effects).
bool Evaluator::HasApproval(bool comm_marketing) const {
  const Needed n = ApprovalNeeded(comm_marketing);
  const ApprovalStatus& st = facts_.approval;
  return st.OneTimeCovers(call_, req_.at, n.scope) || st.opt_in.Has(n.scope) ||
         (n.opt_out_ok && st.opt_out.Has(n.scope));
}

void Evaluator::ApprovalPath(bool comm_marketing, uint8_t group) {
  Basis(k2007b);
  const Needed n = ApprovalNeeded(comm_marketing);
  const ApprovalScope scope = n.scope;
  const bool opt_out_ok = n.opt_out_ok;
  if (n.opt_in_only_by_policy) Basis(kPolOptInOnly);
  const ApprovalStatus& st = facts_.approval;
  if (st.OneTimeCovers(call_, req_.at, scope)) {
    // 64.2008(f): one-time use for the duration of the call.
    Basis(k2008f);
    Allow(kRsnOneTimeOk);
    return;
  }
  if (st.opt_in.Has(scope)) {
    Allow(kRsnOptInOk);
    return;
  }
  if (opt_out_ok && st.opt_out.Has(scope)) {
    // 64.2008(d)(1): approval assumed after the waiting period.
    Basis(k2008d1);
    Allow(kRsnOptOutOk);
    return;
  }
  NeedApproval(!opt_out_ok, scope, group);
  if (st.disapproved.Has(scope)) {
    // 64.2007(a)(2): the denial stays until the customer changes it.
    Basis(k2007a2);
    Block(kRsnDisapproved);
  } else if (opt_out_ok && st.opt_out_pending.Has(scope)) {
    Basis(k2008d1);
    Block(kRsnPending);
  } else if (opt_out_ok && st.opt_out_lapsed.Has(scope) && st.opt_out_lapsed_at) {
    // 64.2008(d)(2): opt-out notices every two years; the approval lapsed.
    Basis(k2008d2);
    if (block_reason_.empty()) {
      d_.opt_out_lapsed_on = st.opt_out_lapsed_on;
      d_.opt_out_renewal_months = renewal_months_;
    }
    Block(kRsnLapsed);
  } else {
    Block(opt_out_ok ? kRsnNeedApproval : kRsnNeedOptIn);
  }
}
}  // namespace decide_internal
}  // namespace proprio::rules
