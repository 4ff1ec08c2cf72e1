// rules/decide.h: may this CPNI be used, disclosed or accessed, on which rule,
// and what would make it allowed.
//
// Decide() is a pure function of the request, the customer's facts (services
// by category, approval status at the request's instant, business contract),
// the rule set in force and the carrier's policy. It allocates nothing: the
// citations, the reason and the requirement names are static strings, held
// in small fixed lists.
//
// What it covers:
//   - 47 U.S.C. 222(c)(1) (the service itself, as required by law), 222(c)(2)
//     (the customer's written request), 222(d)(1)-(4) (billing, fraud,
//     inbound telemarketing on the customer's call, emergencies);
//   - every paragraph of 64.2005: the category-of-service rule (a) with its
//     affiliate limits (a)(1)/(a)(2), approval for other categories (b) with
//     the CPE and information-service exceptions (b)(1) and the ban on
//     tracking callers of competitors (b)(2), inside wiring, CMRS health
//     research and adjunct-to-basic marketing (c), fraud protection (d);
//   - which approval 64.2007(b) asks for: opt-out or opt-in for the carrier's
//     own marketing of communications-related services and disclosure for it
//     to agents and to affiliates providing such services; opt-in for
//     everything else (joint venturers, independent contractors, third
//     parties); one-time oral consent on the call (64.2008(f));
//   - 64.2010(a)-(d), (g) when the recipient is the customer: authentication
//     by channel, call detail by telephone only with a password, sent to the
//     address of record or by calling the number of record;
//   - the partner a request names by recipient id (rules/s2007_partners.h,
//     decide_partners.cc): on the carrier's registry and of the kind named
//     (64.2007(b)); joint venturers and independent contractors only under
//     a confidentiality agreement in force on the day (64.2007(b)(2));
//     facts the service reads from the registry (RecipientFacts), never a
//     flag of the request;
//   - the policy's overlays: opt-in only, dropped carve-outs, no third
//     parties, written authorization on record before a new carrier,
//     confidentiality agreement and opt-in for joint venturers and
//     contractors, agents' and dealers' limited-use certification on the
//     registry, password for all CPNI by telephone, no 64.2010(g)
//     alternative.
// A policy can only make a decision stricter: Decide re-checks every allowed
// decision under the floor and returns the floor's denial if it differs.
// Duties imposed by law (legal process, the customer's written request) and
// emergency disclosures under 222(d)(4) are not subject to policy overlays.
//
//   Decision d = Decide(request, facts, RuleSetFor(request.at, config), policy);
//   if (!d.allowed) show(d.reason, d.requirements);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/domain.h"
#include "core/ids.h"
#include "core/status.h"
#include "core/time.h"
#include "rules/approval.h"
#include "rules/policy.h"
#include "rules/rule_set.h"
#include "rules/s2007_partners.h"
#include "rules/vocabulary.h"

namespace proprio::rules {

struct Recipient {
  RecipientKind kind = RecipientKind::kCarrierItself;
  int64_t id = 0;  // the party's id when the recipient is a known party, else 0
  friend bool operator==(const Recipient&, const Recipient&) = default;
};

struct DecisionContext {
  ContextFlags flags;
  AccessChannel channel = AccessChannel::kNone;  // kCustomerAccountAccess only
  std::string call_id;  // the call in progress, matched to one-time consent
  // The document id of the customer's affirmative written request on record
  // (47 U.S.C. 222(c)(2)), with kWrittenAuthorization; required when CPNI
  // goes to a new carrier to provide service. At most kMaxDocumentId bytes.
  std::string written_request_document;
  friend bool operator==(const DecisionContext&, const DecisionContext&) = default;
};

inline constexpr size_t kMaxDocumentId = 64;

// The request fields of ARCHITECTURE.md ("Fixed interfaces"), plus
// `offering` (what the use serves or markets) and the context's channel and
// call id.
struct DecisionRequest {
  CustomerId customer;
  Action action = Action::kUse;
  Purpose purpose = Purpose::kProvideService;
  Recipient recipient;
  CpniSet cpni;
  // The category of service the CPNI comes from (64.2005(a)-(c)).
  ServiceCategory service_category = ServiceCategory::kLocal;
  Offering offering = Offering::kUnspecified;
  DecisionContext context;
  Instant at;
  friend bool operator==(const DecisionRequest&, const DecisionRequest&) = default;
};

// OK, or InvalidArgument naming the first bad field: "customer" (missing),
// "at" (missing), "cpni" (empty), "service_category" (not a
// telecommunications service), "action"/"recipient.kind" (use is by the
// carrier itself; disclose and permit_access are to someone else),
// "purpose"/"recipient.kind" (customer_account_access is to the customer),
// "context.channel" (required for customer_account_access),
// "context.written_request_document" (required, with written_authorization,
// to provide service through a new carrier; at most kMaxDocumentId bytes),
// "offering"
// (required for marketing_cpe_info_services), "recipient.id" (negative),
// "context.confidentiality_agreement" / "context.limited_use_certified"
// (facts of the partner registry, never asserted by a request),
// and any out-of-range enumerator.
Status ValidateRequest(const DecisionRequest& request);

// What Proprio knows about the recipient the request names by id (a partner
// in the carrier's registry, rules/s2007_partners.h). The service looks the
// id up and fills this in; the rules never trust a flag for it.
struct RecipientFacts {
  bool on_record = false;  // the id is a partner of this carrier
  PartnerKind kind = PartnerKind::kAffiliate;
  ConfidentialityAgreement agreement;     // 64.2007(b)(2), jv and contractors
  LimitedUseCertification certification;  // carrier policy, agents and dealers
  CivilDate today;  // the request's instant as the carrier's local date
  friend bool operator==(const RecipientFacts&, const RecipientFacts&) = default;
};

// What Proprio knows about the customer at the request's instant.
struct CustomerFacts {
  CustomerId customer;
  ServiceSet services;  // categories the customer buys from the carrier
  CustomerType type = CustomerType::kResidential;
  // 64.2010(g): a business customer with a dedicated account representative
  // and a contract that specifically addresses CPNI protection.
  bool business_cpni_contract = false;
  ApprovalStatus approval;  // at the request's instant (ApprovalRecord::StatusAt)
  // The account was closed at or before the request's instant: no longer a
  // customer in the sense of 64.2003(f). Billing and collection, fraud
  // protection, emergencies, duties imposed by law and the customer's own
  // access are decided as usual; the service itself, inside wiring and CMRS
  // research are denied; every other use needs opt-in approval (64.2007(b)) or
  // one-time consent on the call (64.2008(f)).
  bool former_customer = false;
  // The recipient named by request.recipient.id (when it is not 0).
  RecipientFacts recipient;
  // The customer's written authorization whose document id the request gives
  // (context.written_request_document) is on record for this customer,
  // recorded at or before the request's instant (services/partners.h
  // RecordNewCarrierAuthorization): evidence, not the request's word.
  bool written_authorization_on_record = false;
};

enum class RequirementKind : uint8_t {
  kOptInApproval = 0,         // opt-in approval for `scope`
  kOptOutOrOptInApproval,     // opt-out or opt-in approval for `scope`
  kCustomerInitiatedCall,     // only during a call the customer initiated
  kApprovalOnCall,            // the customer's approval on this call
  kWrittenAuthorization,      // the customer's affirmative written request/authorization
  kConfidentialityAgreement,  // the recipient signs a confidentiality agreement
  kLimitedUseCertification,   // the agent certifies limited use
  kRecipientServesCustomer,   // the affiliate provides a service offering to the customer
  kRecipientProvidesCommServices,  // the affiliate provides communications-related services
  kLegalProcess,              // valid legal process
  kEmergency,                 // an emergency as 222(d)(4) describes
  kCustomerAuthenticated,     // authenticate the customer (64.2010(a))
  kPassword,                  // the account password, unprompted (64.2010(b),(c))
  kSendToAddressOfRecord,     // send to the address of record instead (64.2010(b))
  kCallNumberOfRecord,        // call the telephone number of record instead (64.2010(b))
  kValidPhotoId,              // valid photo ID (64.2010(d))
  kPartnerOnRecord,           // the recipient is a partner of this kind on the registry (64.2007(b))
};
inline constexpr int kRequirementKindCount = 17;
std::string_view RequirementKindName(RequirementKind k);
Result<RequirementKind> ParseRequirementKind(std::string_view name,
                                             std::string_view field = "requires");

// One thing that would make a denied request allowed. Requirements with the
// same non-zero `any_of_group` are alternatives (any one suffices); every
// group, and every requirement with group 0, is needed.
struct Requirement {
  RequirementKind kind = RequirementKind::kOptInApproval;
  bool has_scope = false;
  ApprovalScope scope = ApprovalScope::kOwnMarketingCommRelated;  // when has_scope
  uint8_t any_of_group = 0;
  friend bool operator==(const Requirement&, const Requirement&) = default;
};

// A fixed-capacity list that never allocates. push_back beyond capacity is
// dropped (capacities are sized for the longest answer Decide gives).
template <typename T, size_t N>
class SmallList {
 public:
  void push_back(const T& v) {
    if (size_ < N) items_[size_++] = v;
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return items_[i]; }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + size_; }
  bool contains(const T& v) const {
    for (const T& x : *this) {
      if (x == v) return true;
    }
    return false;
  }

 private:
  std::array<T, N> items_{};
  size_t size_ = 0;
};

struct Decision {
  bool allowed = false;
  SmallList<std::string_view, 10> basis;  // citations, most general first
  // One sentence a CSR understands. It may hold {date} and {period}
  // placeholders: show it with ReasonText().
  std::string_view reason;
  SmallList<Requirement, 8> requirements;  // serialised as "requires"
  std::string_view rule_set;               // RuleSet::name
  int64_t policy_version = 0;
  int64_t decision_id = 0;  // assigned by the service layer when logged
  // Denied because opt-out approval lapsed (64.2008(d)(2)): the local date it
  // lapsed and the renewal period in months that applied.
  std::optional<CivilDate> opt_out_lapsed_on;
  int opt_out_renewal_months = 0;
  // The purpose the rules were applied to: the request's purpose, or for
  // marketing the legal category derived from the facts (LegalCategory).
  Purpose legal_category = Purpose::kOther;
  // The caller named a marketing_* label (a legacy alias) that the facts
  // contradict: `label` is what it said, `legal_category` what decided.
  bool label_overridden = false;
  Purpose label = Purpose::kOther;
  // Allowed on the customer's written request (222(c)(2)): its document id,
  // NUL-terminated (a copy: a decision does not point into its request).
  std::array<char, kMaxDocumentId + 1> written_request_document{};
};

// The reason as shown to people and logged: Decision::reason with its
// placeholders filled in (e.g. the date an opt-out approval lapsed). Allocates.
std::string ReasonText(const Decision& d);

// One sentence saying that the facts overrode the caller's label, or "" when
// they did not. Allocates.
std::string LabelNote(const Decision& d);

// 64.2005(a)-(c), the total service approach: the legal category of a
// marketing use, from the facts alone. For kMarketing and the marketing_*
// labels (aliases for one release), with an offering named:
//   - a category of service (local, interexchange, cmrs, interconnected_voip)
//     the customer buys, with CPNI from a service it buys: 64.2005(a)
//     (kMarketingSameCategory);
//   - CPE or an information service 64.2005(b)(1) lets this CPNI serve
//     (wireless: CPE and information services; wireline: CPE, call answering,
//     voice mail or messaging, voice storage and retrieval, fax store and
//     forward, protocol conversion): kMarketingCpeInfoServices;
//   - adjunct-to-basic services: 64.2005(c)(3) (kMarketingAdjunctToBasic;
//     Decide checks the provider and the action);
//   - anything else: 64.2005(b) (kMarketingOtherCategory).
// Without an offering the label stands (kMarketing: the source's own
// category, 64.2005(a)). Every other purpose is returned unchanged.
Purpose LegalCategory(Purpose purpose, Offering offering, ServiceCategory source,
                      ServiceSet services);

// REQUIRES nothing: an invalid request is denied with a reason saying so
// (call ValidateRequest first for a precise error).
Decision Decide(const DecisionRequest& request, const CustomerFacts& facts,
                const RuleSet& rules, const Policy& policy);

namespace internal {
// Decide without the final floor re-check; for the property test only.
Decision DecideUnchecked(const DecisionRequest& request, const CustomerFacts& facts,
                         const RuleSet& rules, const Policy& policy);
}  // namespace internal

}  // namespace proprio::rules
