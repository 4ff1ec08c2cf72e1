// rules/decide_marketing.cc: 64.2005, the total service approach: marketing
// within the categories the customer buys, the CPE and information services
// exceptions (b)(1), the carve-outs of (c), and inbound telemarketing
// (47 U.S.C. 222(d)(3)); LegalCategory derives the category from the facts.
#include "rules/decide.h"

#include <algorithm>

#include "rules/internal/decide_internal.h"

namespace proprio::rules {
namespace {

using decide_internal::kOfferingClass;
using decide_internal::OfferingClass;

// The category of service an offering belongs to, for 64.2005(a).
bool OfferingCategory(Offering o, ServiceCategory source, ServiceCategory* out) {
  switch (o) {
    case Offering::kUnspecified: *out = source; return true;
    case Offering::kLocal: *out = ServiceCategory::kLocal; return true;
    case Offering::kInterexchange: *out = ServiceCategory::kInterexchange; return true;
    case Offering::kCmrs: *out = ServiceCategory::kCmrs; return true;
    case Offering::kInterconnectedVoip: *out = ServiceCategory::kInterconnectedVoip; return true;
    default: return false;
  }
}

bool IsMarketingLabel(Purpose p) {
  return p == Purpose::kMarketing || p == Purpose::kMarketingSameCategory ||
         p == Purpose::kMarketingOtherCategory || p == Purpose::kMarketingCpeInfoServices ||
         p == Purpose::kMarketingAdjunctToBasic;
}

// 64.2005(b)(1): the offerings each kind of CPNI may serve without approval.
bool CpeInfoException(ServiceCategory source, Offering o) {
  if (source == ServiceCategory::kCmrs) {
    // CMRS CPNI: CPE and information services.
    return o == Offering::kCpe || o == Offering::kInternetAccess ||
           o == Offering::kVoiceMessaging || o == Offering::kFaxStoreForward ||
           o == Offering::kProtocolConversion || o == Offering::kOtherInformationService;
  }
  if (source == ServiceCategory::kLocal || source == ServiceCategory::kInterexchange) {
    // Wireline CPNI: CPE, call answering, voice mail or messaging, voice
    // storage and retrieval, fax store and forward, protocol conversion.
    return o == Offering::kCpe || o == Offering::kVoiceMessaging ||
           o == Offering::kFaxStoreForward || o == Offering::kProtocolConversion;
  }
  return false;
}

}  // namespace

namespace decide_internal {

namespace {

constexpr std::string_view kRsnInboundOk =
    "Allowed: inbound telemarketing on the customer's call, with the customer's approval on "
    "the call.";
constexpr std::string_view kRsnInboundMissing =
    "Denied: inbound telemarketing needs a customer-initiated call and the customer's "
    "approval on it.";
constexpr std::string_view kRsnSameCategoryOk =
    "Allowed: marketing within a category of service the customer already buys.";
constexpr std::string_view kRsnAffiliateOk =
    "Allowed: the customer buys more than one category of service and the affiliate serves "
    "the customer.";
constexpr std::string_view kRsnCpeInfoOk =
    "Allowed: this CPNI may be used for CPE or the listed information services without "
    "approval.";
constexpr std::string_view kRsnAdjunctOk =
    "Allowed: the carrier may use CPNI to market adjunct-to-basic features.";

}  // namespace

// A use the floor permits without approval; a policy may have dropped it
// from its uses without approval, and then it needs approval instead.
void Evaluator::CarveOut(std::string_view reason) {
  if (policy_.uses_without_approval.Has(purpose_)) {
    Allow(reason);
    return;
  }
  Basis(kPolCarveOut);
  ApprovalPath(CommMarketing(), 0);
}

void Evaluator::InboundTelemarketing() {
  // 222(d)(3): for the duration of a customer-initiated call, with the
  // customer's approval of the use on that call.
  Basis(k222d3);
  const RecipientKind k = req_.recipient.kind;
  if (k != RecipientKind::kCarrierItself && k != RecipientKind::kAgent) {
    ApprovalPath(CommMarketing(), 0);
    return;
  }
  if (!policy_.uses_without_approval.Has(Purpose::kInboundTelemarketing)) {
    CarveOut(kRsnInboundOk);  // dropped by the policy: approval path
    return;
  }
  const ApprovalScope scope = k == RecipientKind::kAgent
                                  ? ApprovalScope::kAgents
                                  : ApprovalScope::kOwnMarketingCommRelated;
  const bool on_call = Flag(ContextFlag::kCustomerInitiatedCall);
  const bool approved = Flag(ContextFlag::kApprovalOnCall) ||
                        facts_.approval.OneTimeCovers(call_, req_.at, scope);
  if (on_call && approved) {
    Allow(kRsnInboundOk);
    return;
  }
  // Outside 222(d)(3), a standing approval under 64.2007(b) still serves.
  if (HasApproval(CommMarketing())) {
    ApprovalPath(CommMarketing(), 0);
    return;
  }
  if (!on_call) Need(RequirementKind::kCustomerInitiatedCall);
  if (!approved) Need(RequirementKind::kApprovalOnCall);
  Block(kRsnInboundMissing);
}

void Evaluator::SameCategory() {
  // 64.2005(a): offerings among the categories the customer already buys.
  Basis(k2005a);
  ServiceCategory target;
  const bool is_category = OfferingCategory(req_.offering, req_.service_category, &target);
  const bool comm = CommMarketing();
  if (!is_category || !facts_.services.Has(target) ||
      !facts_.services.Has(req_.service_category)) {
    // 64.2005(b): outside the customer's categories, approval is needed.
    Basis(k2005b);
    ApprovalPath(comm, 0);
    return;
  }
  switch (req_.recipient.kind) {
    case RecipientKind::kCarrierItself:
    case RecipientKind::kAgent:
      CarveOut(kRsnSameCategoryOk);
      return;
    case RecipientKind::kAffiliate:
      if (CategoriesOfServiceCount(facts_.services) >= 2) {
        // 64.2005(a)(1): shared among affiliates that serve the customer.
        Basis(k2005a1);
        if (Flag(ContextFlag::kRecipientServesCustomer)) {
          CarveOut(kRsnAffiliateOk);
          return;
        }
        // Either the affiliate serves the customer, or approval.
        Need(RequirementKind::kRecipientServesCustomer, 1);
        ApprovalPath(comm, 1);
        return;
      }
      // 64.2005(a)(2): one category: affiliates only with approval.
      Basis(k2005a2);
      ApprovalPath(comm, 0);
      return;
    default:
      ApprovalPath(comm, 0);
      return;
  }
}

void Evaluator::CpeInfoServices() {
  // 64.2005(b)(1): CPE and information services exceptions.
  Basis(k2005b);
  Basis(k2005b1);
  const RecipientKind k = req_.recipient.kind;
  const bool recipient_ok = k == RecipientKind::kCarrierItself || k == RecipientKind::kAgent ||
                            k == RecipientKind::kAffiliate;
  if (recipient_ok && CpeInfoException(req_.service_category, req_.offering)) {
    CarveOut(kRsnCpeInfoOk);
    return;
  }
  ApprovalPath(CommMarketing(), 0);
}

void Evaluator::Adjunct() {
  // 64.2005(c)(3): LECs, CMRS and interconnected VoIP providers may USE
  // CPNI to market services formerly known as adjunct-to-basic.
  Basis(k2005c3);
  const ServiceCategory s = req_.service_category;
  const bool provider_ok = s == ServiceCategory::kLocal || s == ServiceCategory::kCmrs ||
                           s == ServiceCategory::kInterconnectedVoip;
  if (provider_ok && req_.action == Action::kUse &&
      (req_.offering == Offering::kUnspecified || req_.offering == Offering::kAdjunctToBasic)) {
    CarveOut(kRsnAdjunctOk);
    return;
  }
  ApprovalPath(CommMarketing(), 0);
}
}  // namespace decide_internal

Purpose LegalCategory(Purpose purpose, Offering offering, ServiceCategory source,
                      ServiceSet services) {
  if (!IsMarketingLabel(purpose) || static_cast<int>(offering) >= kOfferingCount) return purpose;
  switch (kOfferingClass[static_cast<size_t>(offering)]) {
    case OfferingClass::kNone:
      // Nothing named: the label stands; plain marketing is of the source's
      // own category (64.2005(a)).
      return purpose == Purpose::kMarketing ? Purpose::kMarketingSameCategory : purpose;
    case OfferingClass::kCategoryOfService: {
      // 64.2005(a): within the categories the customer already buys.
      ServiceCategory target = source;
      OfferingCategory(offering, source, &target);
      return services.Has(target) && services.Has(source) ? Purpose::kMarketingSameCategory
                                                          : Purpose::kMarketingOtherCategory;
    }
    case OfferingClass::kCpeOrInfo:
      // 64.2005(b)(1), else (b).
      return CpeInfoException(source, offering) ? Purpose::kMarketingCpeInfoServices
                                                : Purpose::kMarketingOtherCategory;
    case OfferingClass::kAdjunct:
      return Purpose::kMarketingAdjunctToBasic;  // 64.2005(c)(3)
    case OfferingClass::kOther:
      break;
  }
  return Purpose::kMarketingOtherCategory;  // 64.2005(b)
}
}  // namespace proprio::rules
