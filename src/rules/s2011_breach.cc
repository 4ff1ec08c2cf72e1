// rules/s2011_breach.cc: the preconditions of breach actions, each refusal
// citing the rule set's entry for its paragraph.
#include "rules/s2011_breach.h"

#include <algorithm>
#include <iterator>
#include <set>

namespace proprio::rules {
namespace {

constexpr const char* kKindNames[] = {
    "agency_notified",    "delay_requested",    "delay_extended",  "urgent_determined",
    "harm_determined",    "no_harm_determined", "customer_notified", "affected_updated",
    "annual_summary_filed", "closed"};

bool In(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

Status Bad(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(field + ": " + message, field);
}

std::string Cite(const RuleSet& rs, const char* id) { return std::string(rs.Cite(id)); }

Status CheckAgencyNotified(const BreachActionInput& in) {
  if (in.agencies.empty()) return Bad("agencies", "name the agencies notified (usss, fbi, fcc)");
  for (size_t i = 0; i < in.agencies.size(); ++i) {
    if (!In({"usss", "fbi", "fcc"}, in.agencies[i])) {
      return Bad("agencies[" + std::to_string(i) + "]",
                 "unknown agency '" + in.agencies[i] + "' (usss, fbi, fcc)");
    }
  }
  if (in.reference.empty()) {
    return Bad("reference", "the central reporting facility's reference is required");
  }
  return Status::Ok();
}

Status CheckDelay(const RuleSet& rs, const BreachCaseState& c, const BreachActionInput& in) {
  const bool y2024 = rs.breach.regime == BreachRegime::k2024;
  const bool ext = in.kind == BreachActionKind::kDelayExtended;
  const std::string cite = Cite(rs, "breach.agency_delay");  // 2024: (a)(2)
  // 2007 64.2011(b)(3): the investigating law enforcement agency
  // (usss, fbi, other). 2024 64.2011: also the Commission or a national
  // security agency, within the same limits (in writing; an initial
  // delay of at most 30 days, then extensions).
  if (!y2024 && In({"fcc", "national_security"}, in.agency)) {
    return Bad("agency",
               "under " + std::string(rs.name) + " only the law enforcement agency "
               "investigating the breach may direct a delay of customer notice (" + cite +
               "): usss, fbi or other; the FCC and national security agencies may direct "
               "one only under the amended 64.2011 (fcc-2024)");
  }
  if (!In({"usss", "fbi", "other", "fcc", "national_security"}, in.agency)) {
    return Bad("agency", y2024 ? "the agency that directs the delay: usss, fbi, other (law "
                                 "enforcement), fcc or national_security"
                               : "the law enforcement agency that directs the delay: usss, "
                                 "fbi or other");
  }
  if (!in.requested_on.Valid()) return Bad("requested_on", "is required (YYYY-MM-DD)");
  if (!in.until.Valid()) return Bad("until", "is required: the delay's last day (YYYY-MM-DD)");
  if (in.until < in.requested_on) return Bad("until", "is before requested_on");
  if (!in.in_writing) {
    return Bad("in_writing", "a directed delay " + std::string(ext ? "extension " : "") +
                                 "is recorded once the agency has given it in writing (" + cite +
                                 ")");
  }
  if (!ext && in.until.ToDays() - in.requested_on.ToDays() >
                  rs.breach.law_enforcement_initial_delay_days) {
    return Bad("until", "an initial delay is at most " +
                            std::to_string(rs.breach.law_enforcement_initial_delay_days) +
                            " days (" + cite + "); record an extension for more");
  }
  if (ext && !c.facts.delay_until) {
    return Status::FailedPrecondition(
        "there is no directed delay to extend; record delay_requested first (" + cite + ")");
  }
  if (ext && in.until <= *c.facts.delay_until) {
    return Bad("until", "an extension must end after the current delay (" +
                            c.facts.delay_until->ToString() + ")");
  }
  return Status::Ok();
}

Status NeedReasons(const BreachActionInput& in) {
  if (in.reasons.empty()) {
    return Bad("reasons", "is required for " + std::string(BreachActionKindName(in.kind)));
  }
  return Status::Ok();
}

Status CheckUrgent(const RuleSet& rs, const Policy& policy, const BreachCaseState& c,
                   const BreachActionInput& in, Instant at) {
  if (policy.breach_urgent_notice_requires_agency_consultation &&
      !In({"usss", "fbi", "fcc", "other"}, in.agency)) {
    return Bad("agency", "name the investigating agency consulted (usss, fbi, fcc, other): "
                         "customers are notified early only after consulting it (" +
                             Cite(rs, "breach.urgent_need") + ")");
  }
  RETURN_IF_ERROR(NeedReasons(in));
  if (rs.breach.regime == BreachRegime::k2024) return Status::Ok();
  // 2007 64.2011(b)(2): the carrier "shall so indicate in its notification"
  // to law enforcement. The urgent need is recorded with the agency notice
  // (its reference) or as an amendment to it (the amendment's reference),
  // never on its own.
  const std::string cite = Cite(rs, "breach.urgent_need");
  if (!c.facts.agency_notified_at || at < *c.facts.agency_notified_at) {
    return Status(StatusCode::kFailedPrecondition,
                  "the urgent need is indicated in the notification to law enforcement (" + cite +
                      "): record agency_notified first, then urgent_determined "
                      "with the reference of that notification or of its amendment",
                  "kind");
  }
  if (in.reference.empty()) {
    return Bad("reference",
               "the central reporting facility's reference of the notification (or of "
               "its amendment) in which the urgent need was indicated (" + cite + ")");
  }
  return Status::Ok();
}

Status CheckNoHarm(const RuleSet& rs, const BreachActionInput& in) {
  if (!rs.breach.harm_based_customer_exception) {
    return Status::FailedPrecondition(
        "the 64.2011 in force for this case (" + std::string(rs.breach.citation) + ", " +
        std::string(rs.name) + ") has no no-harm exception: the agencies and the customers "
        "are notified whatever the harm (" +
        Cite(rs, "breach.agency_notice") + ", " + Cite(rs, "breach.customer_notice") + ")");
  }
  return NeedReasons(in);
}

Status CheckCustomerNotified(const RuleSet& rs, const BreachCaseState& c,
                             const BreachActionInput& in, Instant at,
                             const ResolvedCustomers& resolved) {
  const std::vector<std::string>& channels = BreachNoticeChannels();
  const std::vector<std::string>& outcomes = BreachNoticeOutcomes();
  if (!In(channels, in.channel)) return Bad("channel", "one of: " + Join(channels, ", "));
  if (!In(outcomes, in.outcome)) return Bad("outcome", "one of: " + Join(outcomes, ", "));
  if (in.count < 0 || in.count > kMaxBreachCount) return Bad("count", "out of range");
  if (in.customer || !in.account.empty()) {
    RETURN_IF_ERROR(resolved.status);
    const std::vector<CustomerId>& one = resolved.ids;
    if (one.size() != 1) return Bad("customer", "give the customer or the account, not both");
    if (!std::binary_search(c.affected.begin(), c.affected.end(), one[0])) {
      return Bad("customer", "customer " + one[0].ToString() +
                                 " is not among the case's affected customers (add it with "
                                 "affected_updated)");
    }
  } else if (in.count == 0 && !in.all_notified) {
    return Bad("customer", "give the customer (or account) notified, or a count of "
                           "customers notified at once");
  }
  return CheckCustomerNotice(c.facts, c.clock, rs, at);
}

Status CheckAffectedUpdated(const BreachCaseState& c, const BreachActionInput& in,
                            const ResolvedCustomers& resolved) {
  if (in.affected_unknown && in.affected_count) {
    return Bad("affected_count", "give a count or say it is unknown, not both");
  }
  RETURN_IF_ERROR(resolved.status);
  std::set<int64_t> all;
  for (CustomerId x : c.affected) all.insert(x.value());
  for (CustomerId x : resolved.ids) all.insert(x.value());
  const int64_t linked = static_cast<int64_t>(all.size());
  if (in.affected_count) {
    if (*in.affected_count < 1 || *in.affected_count > kMaxBreachCount) {
      return Bad("affected_count", "must be between 1 and " + std::to_string(kMaxBreachCount));
    }
    if (*in.affected_count < linked) {
      return Bad("affected_count", "is smaller than the " + std::to_string(linked) +
                                       " customers linked to the case");
    }
  } else if (!in.affected_unknown && resolved.ids.empty()) {
    return Bad("add_customers", "give customers to add, a count, or unknown");
  }
  return Status::Ok();
}

Status CheckAnnualSummaryFiled(const RuleSet& rs, const BreachCaseState& c,
                               const BreachActionInput& in) {
  if (!c.clock.Find(ObligationKind::kAnnualSummary)) {
    return Status::FailedPrecondition(
        "this case is not reported in the annual summary: that is for breaches of fewer "
        "than 500 customers where no harm is reasonably likely, under the 2024 64.2011 (" +
        Cite(rs, "breach.threshold") + ")");
  }
  if (in.reference.empty()) return Bad("reference", "the filing's reference is required");
  return Status::Ok();
}

Status CheckClosed(const BreachCaseState& c) {
  std::vector<std::string> open;
  for (const Obligation& o : c.clock.obligations) {
    if (o.state == ObligationState::kOpen) {
      open.push_back(std::string(ObligationKindName(o.kind)) + " (" + Join(o.basis, ", ") + ")");
    }
  }
  if (!open.empty()) {
    return Status::FailedPrecondition("breach case " + std::to_string(c.id) +
                                      " cannot be closed while obligations are open: " +
                                      Join(open, "; "));
  }
  return Status::Ok();
}

}  // namespace

const char* BreachActionKindName(BreachActionKind k) { return kKindNames[static_cast<int>(k)]; }

Result<BreachActionKind> ParseBreachActionKind(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kKindNames)); ++i) {
    if (name == kKindNames[i]) return static_cast<BreachActionKind>(i);
  }
  std::string all;
  for (const char* k : kKindNames) all += (all.empty() ? "" : ", ") + std::string(k);
  return Bad("kind", "unknown action '" + std::string(name) + "' (one of: " + all + ")");
}

const std::vector<std::string>& BreachNoticeChannels() {
  static const std::vector<std::string> kChannels = {"mail", "email",     "telephone",
                                                     "text", "in_person", "substitute"};
  return kChannels;
}

const std::vector<std::string>& BreachNoticeOutcomes() {
  static const std::vector<std::string> kOutcomes = {"sent", "delivered", "returned", "failed"};
  return kOutcomes;
}

Status CheckBreachAction(const RuleSet& rs, const Policy& policy, const BreachCaseState& c,
                         const BreachActionInput& in, Instant at,
                         const ResolvedCustomers& resolved) {
  if (!c.open) {
    return Status::FailedPrecondition("breach case " + std::to_string(c.id) +
                                      " is closed; nothing more can be recorded");
  }
  if (at < c.discovered_at) return Bad("at", "is before the breach was discovered");
  switch (in.kind) {
    case BreachActionKind::kAgencyNotified:
      return CheckAgencyNotified(in);
    case BreachActionKind::kDelayRequested:
    case BreachActionKind::kDelayExtended:
      return CheckDelay(rs, c, in);
    case BreachActionKind::kUrgentDetermined:
      return CheckUrgent(rs, policy, c, in, at);
    case BreachActionKind::kHarmDetermined:
      return NeedReasons(in);
    case BreachActionKind::kNoHarmDetermined:
      return CheckNoHarm(rs, in);
    case BreachActionKind::kCustomerNotified:
      return CheckCustomerNotified(rs, c, in, at, resolved);
    case BreachActionKind::kAffectedUpdated:
      return CheckAffectedUpdated(c, in, resolved);
    case BreachActionKind::kAnnualSummaryFiled:
      return CheckAnnualSummaryFiled(rs, c, in);
    case BreachActionKind::kClosed:
      return CheckClosed(c);
  }
  return Status::Ok();
}

}  // namespace proprio::rules
