// rules/vocabulary.h: the enumerations decisions, approvals and policies are
// written in, with their wire names and parsers.
//
// Every enumeration has a stable snake_case wire name (used in JSON, TOML and
// the CLI) returned by XxxName() and read back by ParseXxx(), which fails with
// InvalidArgument naming the request field ("purpose", "recipient.kind", ...)
// and listing the accepted names. Sets of small enumerations are bit masks
// (EnumSet), so a request or an approval status copies without allocating.
//
//   ASSIGN_OR_RETURN(Purpose p, ParsePurpose(json["purpose"]));
//   PurposeSet s{Purpose::kInsideWiring, Purpose::kBillingCollection};
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "core/domain.h"
#include "core/status.h"

namespace proprio::rules {

// A set of enumerators of E (each < 32) as a bit mask.
template <typename E>
class EnumSet {
 public:
  constexpr EnumSet() = default;
  constexpr EnumSet(std::initializer_list<E> items) {
    for (E e : items) Add(e);
  }
  static constexpr EnumSet FromBits(uint32_t bits) {
    EnumSet s;
    s.bits_ = bits;
    return s;
  }
  constexpr void Add(E e) { bits_ |= Bit(e); }
  constexpr void Remove(E e) { bits_ &= ~Bit(e); }
  constexpr bool Has(E e) const { return (bits_ & Bit(e)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint32_t bits() const { return bits_; }
  constexpr bool ContainsAll(EnumSet other) const { return (bits_ & other.bits_) == other.bits_; }
  constexpr EnumSet operator|(EnumSet o) const { return FromBits(bits_ | o.bits_); }
  constexpr EnumSet operator&(EnumSet o) const { return FromBits(bits_ & o.bits_); }
  // Set difference.
  constexpr EnumSet operator-(EnumSet o) const { return FromBits(bits_ & ~o.bits_); }
  int size() const { return __builtin_popcount(bits_); }
  friend constexpr bool operator==(EnumSet, EnumSet) = default;

 private:
  static constexpr uint32_t Bit(E e) { return 1u << static_cast<uint32_t>(e); }
  uint32_t bits_ = 0;
};

// ---- decision requests ----

enum class Action : uint8_t { kUse = 0, kDisclose, kPermitAccess };
inline constexpr int kActionCount = 3;

// Why CPNI is wanted. Together these cover 47 U.S.C. 222(c)-(d) and every
// paragraph of 47 CFR 64.2005; anything else is kResearch or kOther, which
// need opt-in approval (64.2007(b)).
//
// Marketing is asked as the plain fact kMarketing ("marketing") with the
// offering and the service the CPNI comes from; Decide derives the legal
// category (64.2005(a), (b), (b)(1), (c)(3)) from those facts and the
// customer's services on record (LegalCategory in rules/decide.h). The four
// marketing_* labels are accepted for one release as aliases: when the facts
// contradict the label, the facts decide and the answer says so.
enum class Purpose : uint8_t {
  kProvideService = 0,        // 222(c)(1)(A): the service the CPNI comes from
  kNecessaryServices,         // 222(c)(1)(B): services necessary to it, directories
  kBillingCollection,         // 222(d)(1): initiate, render, bill and collect
  kFraudProtection,           // 222(d)(2), 64.2005(d)
  kInboundTelemarketing,      // 222(d)(3): during a customer-initiated call
  kEmergency911,              // 222(d)(4)(A),(C): PSAPs, emergency services
  kEmergencyFamily,           // 222(d)(4)(B): immediate family in an emergency
  kLegalProcess,              // 222(c)(1): as required by law
  kCustomerWrittenRequest,    // 222(c)(2): to whom the customer designates in writing
  kCustomerAccountAccess,     // 64.2010: the customer's own CPNI, to the customer
  kMarketingSameCategory,     // 64.2005(a), (a)(1), (a)(2)
  kMarketingOtherCategory,    // 64.2005(b): needs approval
  kMarketingCpeInfoServices,  // 64.2005(b)(1)
  kMarketingAdjunctToBasic,   // 64.2005(c)(3)
  kInsideWiring,              // 64.2005(c)(1)
  kCmrsHealthResearch,        // 64.2005(c)(2)
  kTrackCompetingCallers,     // 64.2005(b)(2): never
  kResearch,                  // any other research or analytics: opt-in
  kOther,                     // anything else: opt-in
  kMarketing,                 // plain fact: marketing; the legal category is derived
};
inline constexpr int kPurposeCount = 20;
using PurposeSet = EnumSet<Purpose>;

enum class RecipientKind : uint8_t {
  kCarrierItself = 0,
  kAffiliate,
  kAgent,
  kJointVenturer,
  kIndependentContractor,
  kThirdParty,
  kNewCarrier,
  kCustomerDesignee,
  kLawEnforcement,
  kPublicSafety,     // PSAPs, emergency medical and dispatch providers (222(d)(4)(A))
  kImmediateFamily,  // legal guardian or immediate family (222(d)(4)(B))
  kCustomer,         // the customer of record (64.2010)
};
inline constexpr int kRecipientKindCount = 12;

// Kinds of CPNI (47 U.S.C. 222(h)(1), 64.2003).
enum class CpniCategory : uint8_t {
  kCallDetail = 0,         // numbers called or calling, time, location, duration
  kLocation,               // location of use
  kUsage,                  // quantity and amount of use
  kServiceConfiguration,   // type of service, technical configuration, features
  kBilling,                // information in telephone exchange or toll bills
};
inline constexpr int kCpniCategoryCount = 5;
using CpniSet = EnumSet<CpniCategory>;

// What a use serves or markets, when it matters (64.2005(a)-(c)).
enum class Offering : uint8_t {
  kUnspecified = 0,
  kLocal,
  kInterexchange,
  kCmrs,
  kInterconnectedVoip,
  kInternetAccess,
  kVoiceMessaging,          // call answering, voice mail or messaging, voice storage and retrieval
  kFaxStoreForward,
  kProtocolConversion,
  kOtherInformationService,
  kCpe,
  kAdjunctToBasic,          // speed dialing, caller ID, call waiting, ...
  kInsideWiring,
  kNonCommunications,       // not a communications-related service (e.g. travel booking)
};
inline constexpr int kOfferingCount = 14;

// Facts about the circumstances the requester asserts.
enum class ContextFlag : uint8_t {
  kCustomerInitiatedCall = 0,     // the customer called in and is on the line
  kApprovalOnCall,                // the customer approved this use on this call (222(d)(3))
  kWrittenAuthorization,          // the customer's affirmative written request naming the recipient
  kConfidentialityAgreement,      // the recipient signed a CPNI confidentiality agreement
  kLimitedUseCertified,           // the agent certified it uses CPNI only for the stated purpose
  kRecipientServesCustomer,       // the affiliate provides a service offering to the customer
  kRecipientProvidesCommServices, // the affiliate provides communications-related services
  kLegalProcess,                  // valid legal process (subpoena, court order) is in hand
  kEmergency,                     // an emergency call or a risk of death or serious harm
  kPasswordProvided,              // the caller gave the account password unprompted (64.2010(b))
  kCustomerAuthenticated,         // authenticated by other means allowed by 64.2010(a)
  kPhotoIdVerified,               // valid photo ID matching the account (64.2010(d))
  kCallerProvidedCallDetail,      // the caller stated the call detail unaided (64.2010(b))
};
inline constexpr int kContextFlagCount = 13;
using ContextFlags = EnumSet<ContextFlag>;

// How CPNI reaches the customer (64.2010), for kCustomerAccountAccess.
enum class AccessChannel : uint8_t {
  kNone = 0,
  kInboundCall,      // the customer called the carrier
  kOnline,           // online account
  kInStore,          // retail location
  kAddressOfRecord,  // sent to the postal or e-mail address of record
  kNumberOfRecord,   // the carrier calls the telephone number of record
};
inline constexpr int kAccessChannelCount = 6;

// ---- approvals ----

// What an approval covers (64.2007(b)).
enum class ApprovalScope : uint8_t {
  kOwnMarketingCommRelated = 0,  // the carrier's own marketing of communications-related services
  kAffiliates,
  kAgents,
  kJointVenturersContractors,
  kThirdParties,
  kOwnOtherUses,  // the carrier's other uses (non-communications marketing, research)
};
inline constexpr int kApprovalScopeCount = 6;
using ScopeSet = EnumSet<ApprovalScope>;
inline constexpr ScopeSet kAllScopes = ScopeSet::FromBits((1u << kApprovalScopeCount) - 1);
// 64.2007(b): the scopes opt-out approval can cover.
inline constexpr ScopeSet kOptOutScopes{ApprovalScope::kOwnMarketingCommRelated,
                                        ApprovalScope::kAffiliates, ApprovalScope::kAgents};

// ---- names ----

std::string_view ActionName(Action a);
std::string_view PurposeName(Purpose p);
std::string_view RecipientKindName(RecipientKind k);
std::string_view CpniCategoryName(CpniCategory c);
std::string_view OfferingName(Offering o);
std::string_view ContextFlagName(ContextFlag f);
std::string_view AccessChannelName(AccessChannel c);
std::string_view ApprovalScopeName(ApprovalScope s);

// Each returns InvalidArgument naming `field` on an unknown name.
// ParsePurpose also reads the plain terms "billing" (billing_collection) and
// "service" (provide_service).
Result<Action> ParseAction(std::string_view name, std::string_view field = "action");
Result<Purpose> ParsePurpose(std::string_view name, std::string_view field = "purpose");
Result<RecipientKind> ParseRecipientKind(std::string_view name,
                                         std::string_view field = "recipient.kind");
Result<CpniCategory> ParseCpniCategory(std::string_view name, std::string_view field = "cpni");
Result<Offering> ParseOffering(std::string_view name, std::string_view field = "offering");
Result<ContextFlag> ParseContextFlag(std::string_view name, std::string_view field = "context");
Result<AccessChannel> ParseAccessChannel(std::string_view name,
                                         std::string_view field = "context.channel");
Result<ApprovalScope> ParseApprovalScope(std::string_view name, std::string_view field = "scope");
// core's ServiceCategory, with the request's field name.
Result<ServiceCategory> ParseRequestServiceCategory(std::string_view name,
                                                    std::string_view field = "service_category");

// ---- helpers shared by approval and decide ----

// Categories of service in the sense of 64.2005(a): local, interexchange, CMRS
// and (as Proprio reads the 2007 extension to interconnected VoIP) VoIP.
bool IsCategoryOfService(ServiceCategory c);
// How many categories of service in `services` (64.2005(a)(1) vs (a)(2)).
int CategoriesOfServiceCount(ServiceSet services);

// 64-bit FNV-1a of a telephony call id. 0 means "no call": the empty id
// hashes to 0 and no other id does.
uint64_t CallIdHash(std::string_view call_id);

}  // namespace proprio::rules
