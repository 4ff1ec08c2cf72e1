// rules/decide.cc: the decision procedure's entry points, request validation,
// the dispatch by legal category and the result. The paragraphs live in
// decide_*.cc (see rules/internal/decide_internal.h). Each branch carries the
// citation of the paragraph it enforces.
#include "rules/decide.h"

#include <algorithm>

#include "rules/internal/decide_internal.h"
#include "rules/internal/names.h"

namespace proprio::rules {
namespace {

using internal::NameOf;
using internal::ParseName;

constexpr std::array<std::string_view, kRequirementKindCount> kRequirementNames = {
    "opt_in_approval",
    "opt_out_or_opt_in_approval",
    "customer_initiated_call",
    "approval_on_call",
    "written_authorization",
    "confidentiality_agreement",
    "limited_use_certification",
    "recipient_serves_customer",
    "recipient_provides_comm_services",
    "legal_process",
    "emergency",
    "customer_authenticated",
    "password",
    "send_to_address_of_record",
    "call_number_of_record",
    "valid_photo_id",
    "partner_on_record",
};

}  // namespace

namespace decide_internal {

namespace {

constexpr std::string_view kRsnFactsMismatch =
    "Denied: the customer facts supplied belong to a different customer.";
constexpr std::string_view kRsnTrack =
    "Denied: CPNI may never be used to identify or track customers who call competing "
    "providers.";
constexpr std::string_view kRsnLegalOk = "Allowed: disclosure required by law (legal process).";
constexpr std::string_view kRsnLegalMissing =
    "Denied: disclosure for legal process needs valid legal process in hand.";
constexpr std::string_view kRsnWrittenOk =
    "Allowed: the customer's affirmative written request designates this recipient.";
constexpr std::string_view kRsnWrittenOkDocument =
    "Allowed: the customer's affirmative written request (document {document}) designates "
    "this recipient.";
constexpr std::string_view kRsnWrittenMissing =
    "Denied: disclosure on the customer's behalf needs the customer's affirmative written "
    "request.";
constexpr std::string_view kRsnProvideOk =
    "Allowed: CPNI may be used to provide the service it comes from.";
constexpr std::string_view kRsnNecessaryOk =
    "Allowed: CPNI may be used for services necessary to the service it comes from.";
constexpr std::string_view kRsnFormerNoService =
    "Denied: a former customer; the carrier no longer provides the service this use serves, so "
    "neither the service itself (47 U.S.C. 222(c)(1)) nor the carve-outs for current customers "
    "apply.";
constexpr std::string_view kRsnNotSubscribed =
    "Denied: the customer does not take the service this CPNI comes from.";
constexpr std::string_view kRsnBillingOk =
    "Allowed: CPNI may be used to initiate, render, bill and collect for service.";
constexpr std::string_view kRsnFraudOk =
    "Allowed: CPNI may be used to protect against fraud, abuse or unlawful use.";
constexpr std::string_view kRsnInsideWiringOk =
    "Allowed: CPNI may be used for inside wiring installation, maintenance and repair.";
constexpr std::string_view kRsnCmrsResearchOk =
    "Allowed: a CMRS provider may use CPNI for research on the health effects of CMRS.";

// Cheap structural checks Decide repeats so it never trusts a bad request.
bool Consistent(const DecisionRequest& r) {
  if (static_cast<int>(r.action) >= kActionCount || static_cast<int>(r.purpose) >= kPurposeCount ||
      static_cast<int>(r.recipient.kind) >= kRecipientKindCount ||
      static_cast<int>(r.offering) >= kOfferingCount ||
      static_cast<int>(r.context.channel) >= kAccessChannelCount ||
      static_cast<int>(r.service_category) >= kServiceCategoryCount) {
    return false;
  }
  if (!r.customer.valid() || r.cpni.empty() || r.at.micros() == 0 || r.recipient.id < 0) {
    return false;
  }
  if ((r.action == Action::kUse) != (r.recipient.kind == RecipientKind::kCarrierItself)) {
    return false;
  }
  if ((r.purpose == Purpose::kCustomerAccountAccess) !=
      (r.recipient.kind == RecipientKind::kCustomer)) {
    return false;
  }
  return IsCategoryOfService(r.service_category);
}

}  // namespace

Decision Evaluator::Run() {
  if (!Consistent(req_)) {
    Block(kRsnMalformed);
    return Finish();
  }
  if (facts_.customer != req_.customer) {
    Block(kRsnFactsMismatch);
    return Finish();
  }
  if (purpose_ == Purpose::kCustomerAccountAccess) {
    CustomerAccess();
    return Finish();
  }
  if (req_.recipient.kind == RecipientKind::kNewCarrier &&
      (purpose_ == Purpose::kProvideService || purpose_ == Purpose::kNecessaryServices)) {
    NewCarrier();
    RecipientOverlays();
    return Finish();
  }
  bool overlays = true;
  if (facts_.former_customer && FormerCustomer()) {
    RecipientOverlays();
    return Finish();
  }
  switch (purpose_) {
    case Purpose::kTrackCompetingCallers:
      // 64.2005(b)(2): never, whatever the approval.
      Basis(k2005b2);
      Block(kRsnTrack);
      overlays = false;
      break;
    case Purpose::kLegalProcess:
      // 222(c)(1): "except as required by law". A duty: no policy overlay.
      Basis(k222c1);
      if (Flag(ContextFlag::kLegalProcess)) {
        Allow(kRsnLegalOk);
      } else {
        Need(RequirementKind::kLegalProcess);
        Block(kRsnLegalMissing);
      }
      overlays = false;
      break;
    case Purpose::kCustomerWrittenRequest:
      // 222(c)(2): the carrier SHALL disclose to any person the customer
      // designates in an affirmative written request. A duty: no overlay.
      Basis(k222c2);
      if (Flag(ContextFlag::kWrittenAuthorization)) {
        if (!req_.context.written_request_document.empty()) {
          const std::string& doc = req_.context.written_request_document;
          const size_t n = std::min(doc.size(), kMaxDocumentId);
          std::copy_n(doc.data(), n, d_.written_request_document.data());
          d_.written_request_document[n] = '\0';
          Allow(kRsnWrittenOkDocument);
        } else {
          Allow(kRsnWrittenOk);
        }
      } else {
        Need(RequirementKind::kWrittenAuthorization);
        Block(kRsnWrittenMissing);
      }
      overlays = false;
      break;
    case Purpose::kEmergency911:
    case Purpose::kEmergencyFamily:
      overlays = !Emergency();
      break;
    case Purpose::kProvideService:
    case Purpose::kNecessaryServices:
      // 222(c)(1)(A)-(B): the service the CPNI comes from, services
      // necessary to or used in it (including directories).
      Basis(k222c1);
      if (!ActsForCarrier(req_.recipient.kind)) {
        ApprovalPath(false, 0);
      } else if (!facts_.services.Has(req_.service_category)) {
        Block(kRsnNotSubscribed);
      } else {
        Allow(purpose_ == Purpose::kProvideService ? kRsnProvideOk : kRsnNecessaryOk);
      }
      break;
    case Purpose::kBillingCollection:
      // 222(d)(1): initiate, render, bill and collect.
      Basis(k222d1);
      if (ActsForCarrier(req_.recipient.kind)) {
        Allow(kRsnBillingOk);
      } else {
        ApprovalPath(false, 0);
      }
      break;
    case Purpose::kFraudProtection:
      // 222(d)(2), 64.2005(d): protect the carrier, users and other carriers.
      Basis(k222d2);
      Basis(k2005d);
      Allow(kRsnFraudOk);
      break;
    case Purpose::kInboundTelemarketing:
      InboundTelemarketing();
      break;
    case Purpose::kMarketing:  // LegalCategory never leaves it: the source's category
    case Purpose::kMarketingSameCategory:
      SameCategory();
      break;
    case Purpose::kMarketingOtherCategory:
      // 64.2005(b): a category the customer does not buy needs approval.
      Basis(k2005b);
      // CPE or an information service this CPNI may not serve: the (b)(1)
      // exception was weighed and does not reach it; cite it so the
      // answer shows why.
      if (kOfferingClass[static_cast<size_t>(req_.offering)] == OfferingClass::kCpeOrInfo) {
        Basis(k2005b1);
      }
      ApprovalPath(CommMarketing(), 0);
      break;
    case Purpose::kMarketingCpeInfoServices:
      CpeInfoServices();
      break;
    case Purpose::kMarketingAdjunctToBasic:
      Adjunct();
      break;
    case Purpose::kInsideWiring:
      // 64.2005(c)(1): inside wiring installation, maintenance and repair.
      Basis(k2005c1);
      if (ActsForCarrier(req_.recipient.kind)) {
        CarveOut(kRsnInsideWiringOk);
      } else {
        ApprovalPath(false, 0);
      }
      break;
    case Purpose::kCmrsHealthResearch:
      // 64.2005(c)(2): CMRS providers, research on health effects of CMRS.
      Basis(k2005c2);
      if (req_.service_category == ServiceCategory::kCmrs) {
        CarveOut(kRsnCmrsResearchOk);
      } else {
        ApprovalPath(false, 0);
      }
      break;
    case Purpose::kResearch:
    case Purpose::kOther:
    case Purpose::kCustomerAccountAccess:
      // 64.2007(b): everything not otherwise permitted needs opt-in.
      ApprovalPath(false, 0);
      break;
  }
  if (overlays) RecipientOverlays();
  return Finish();
}

// A former customer (64.2003(f): "customer" is one the carrier currently
// serves; the account is closed). Duties imposed by law, billing and
// collection of the final bill (222(d)(1)), fraud protection (222(d)(2)),
// emergencies (222(d)(4)), the ban on tracking competitors' callers and the
// customer's own access are decided as for any customer (returns false).
// The service itself and services necessary to it, inside wiring and CMRS
// research are refused: no service is provided. Every other use (marketing
// in any category, inbound telemarketing, research) needs OPT-IN approval
// (64.2007(b)) or one-time consent on the customer's call (64.2008(f)):
// the carve-outs for current customers' categories of service (64.2005(a),
// (c)) do not reach a former customer, and Proprio does not rely on opt-out
// approval once the service ended (the safe side; 64.2008(d)(2) notices go
// to customers). Returns true when it decided.
bool Evaluator::FormerCustomer() {
  switch (purpose_) {
    case Purpose::kTrackCompetingCallers:
    case Purpose::kLegalProcess:
    case Purpose::kCustomerWrittenRequest:
    case Purpose::kEmergency911:
    case Purpose::kEmergencyFamily:
    case Purpose::kBillingCollection:
    case Purpose::kFraudProtection:
    case Purpose::kCustomerAccountAccess:
      return false;
    case Purpose::kProvideService:
    case Purpose::kNecessaryServices:
    case Purpose::kInsideWiring:
    case Purpose::kCmrsHealthResearch:
      Basis(k2003f);
      Basis(k222c1);
      Block(kRsnFormerNoService);
      return true;
    default:
      Basis(k2003f);
      former_opt_in_ = true;
      ApprovalPath(CommMarketing(), 0);
      return true;
  }
}

Decision Evaluator::Finish() {
  d_.allowed = !blocked_ && !allow_reason_.empty();
  // Alternatives not taken (e.g. 64.2005(a)(1) vs approval) leave nothing to ask for.
  if (d_.allowed) d_.requirements.clear();
  if (d_.allowed) {
    d_.reason = allow_reason_;
    d_.opt_out_lapsed_on.reset();
    d_.opt_out_renewal_months = 0;
  } else {
    d_.written_request_document[0] = '\0';
    d_.reason = block_reason_.empty() ? kRsnMalformed : block_reason_;
  }
  return d_;
}

}  // namespace decide_internal

namespace {

using decide_internal::Evaluator;

Status Bad(std::string_view field, const std::string& why) {
  return Status::InvalidArgument(std::string(field) + ": " + why, std::string(field));
}

}  // namespace

std::string_view RequirementKindName(RequirementKind k) { return NameOf(kRequirementNames, k); }

std::string LabelNote(const Decision& d) {
  if (!d.label_overridden) return {};
  return "The purpose label '" + std::string(PurposeName(d.label)) +
         "' does not fit the facts (the offering, the service the CPNI comes from and the "
         "customer's services on record, 47 CFR 64.2005); the facts decide, as '" +
         std::string(PurposeName(d.legal_category)) + "'.";
}

std::string ReasonText(const Decision& d) {
  std::string out(d.reason);
  auto fill = [&out](std::string_view key, const std::string& value) {
    const size_t at = out.find(key);
    if (at != std::string::npos) out.replace(at, key.size(), value);
  };
  if (out.find('{') == std::string::npos) return out;
  fill("{document}", std::string(d.written_request_document.data()));
  fill("{date}", d.opt_out_lapsed_on ? d.opt_out_lapsed_on->ToString() : "an earlier date");
  const int m = d.opt_out_renewal_months;
  fill("{period}", m <= 0 || m == 24 ? std::string("two years")
                   : m % 12 == 0    ? std::to_string(m / 12) + (m == 12 ? " year" : " years")
                                    : std::to_string(m) + (m == 1 ? " month" : " months"));
  return out;
}

Result<RequirementKind> ParseRequirementKind(std::string_view name, std::string_view field) {
  return ParseName<RequirementKind>(kRequirementNames, name, field, "requirement");
}

Status ValidateRequest(const DecisionRequest& r) {
  if (!r.customer.valid()) return Bad("customer", "the customer is required");
  if (static_cast<int>(r.action) >= kActionCount) return Bad("action", "unknown action");
  if (static_cast<int>(r.purpose) >= kPurposeCount) return Bad("purpose", "unknown purpose");
  if (static_cast<int>(r.recipient.kind) >= kRecipientKindCount) {
    return Bad("recipient.kind", "unknown recipient kind");
  }
  if (r.recipient.id < 0) return Bad("recipient.id", "must not be negative");
  if (static_cast<int>(r.offering) >= kOfferingCount) return Bad("offering", "unknown offering");
  if (static_cast<int>(r.context.channel) >= kAccessChannelCount) {
    return Bad("context.channel", "unknown channel");
  }
  if ((r.context.flags.bits() >> kContextFlagCount) != 0) {
    return Bad("context", "unknown context flag");
  }
  // 64.2007(b)(2) agreements and the policy's certifications are facts of the
  // partner registry (RecipientFacts), not the requester's word.
  if (r.context.flags.Has(ContextFlag::kConfidentialityAgreement)) {
    return Bad("context.confidentiality_agreement",
               "a confidentiality agreement is recorded on the partner registry (proprio partner "
               "agreement), not asserted by a request: name the partner with recipient.id");
  }
  if (r.context.flags.Has(ContextFlag::kLimitedUseCertified)) {
    return Bad("context.limited_use_certified",
               "a limited-use certification is recorded on the partner registry (proprio partner "
               "certify), not asserted by a request: name the partner with recipient.id");
  }
  if ((r.cpni.bits() >> kCpniCategoryCount) != 0) return Bad("cpni", "unknown CPNI category");
  if (r.cpni.empty()) return Bad("cpni", "name at least one CPNI category");
  if (static_cast<int>(r.service_category) >= kServiceCategoryCount ||
      !IsCategoryOfService(r.service_category)) {
    return Bad("service_category",
               "CPNI comes from a telecommunications service: local, interexchange, cmrs or "
               "interconnected_voip");
  }
  if (r.at.micros() == 0) return Bad("at", "the instant of the use is required (RFC 3339)");
  if (r.action == Action::kUse && r.recipient.kind != RecipientKind::kCarrierItself) {
    return Bad("recipient.kind",
               "'use' is by the carrier itself; giving CPNI to another party is 'disclose' or "
               "'permit_access'");
  }
  if (r.action != Action::kUse && r.recipient.kind == RecipientKind::kCarrierItself) {
    return Bad("action", "the carrier itself 'use's CPNI; it does not disclose it to itself");
  }
  if (r.purpose == Purpose::kCustomerAccountAccess &&
      r.recipient.kind != RecipientKind::kCustomer) {
    return Bad("recipient.kind", "customer_account_access discloses CPNI to the customer");
  }
  if (r.recipient.kind == RecipientKind::kCustomer &&
      r.purpose != Purpose::kCustomerAccountAccess) {
    return Bad("purpose", "CPNI disclosed to the customer is customer_account_access");
  }
  if (r.purpose == Purpose::kCustomerAccountAccess && r.context.channel == AccessChannel::kNone) {
    return Bad("context.channel",
               "say how the CPNI reaches the customer: inbound_call, online, in_store, "
               "address_of_record or number_of_record");
  }
  const std::string& doc = r.context.written_request_document;
  if (doc.size() > kMaxDocumentId) {
    return Bad("context.written_request_document", "at most 64 bytes");
  }
  for (char ch : doc) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      return Bad("context.written_request_document", "a document id, printable characters only");
    }
  }
  const bool written = r.context.flags.Has(ContextFlag::kWrittenAuthorization);
  if (!doc.empty() && !written) {
    return Bad("context.written_authorization",
               "a written request's document id comes with written_authorization");
  }
  if (written && doc.empty() && r.recipient.kind == RecipientKind::kNewCarrier &&
      (r.purpose == Purpose::kProvideService || r.purpose == Purpose::kNecessaryServices)) {
    return Bad("context.written_request_document",
               "give the document id of the customer's affirmative written request on record "
               "that designates the new carrier (47 U.S.C. 222(c)(2))");
  }
  if (r.purpose == Purpose::kMarketingCpeInfoServices && r.offering == Offering::kUnspecified) {
    return Bad("offering", "name the CPE or information service being marketed");
  }
  return Status::Ok();
}

namespace internal {
Decision DecideUnchecked(const DecisionRequest& request, const CustomerFacts& facts,
                         const RuleSet& rules, const Policy& policy) {
  return Evaluator(request, facts, rules, policy).Run();
}
}  // namespace internal

Decision Decide(const DecisionRequest& request, const CustomerFacts& facts, const RuleSet& rules,
                const Policy& policy) {
  Decision d = Evaluator(request, facts, rules, policy).Run();
  if (d.allowed && &policy != &FloorPolicy()) {
    // Safety net: a policy never allows what the floor denies.
    Decision floor = Evaluator(request, facts, rules, FloorPolicy()).Run();
    if (!floor.allowed) {
      floor.policy_version = policy.version;
      return floor;
    }
  }
  return d;
}

}  // namespace proprio::rules
