// Tests of rules/decide.h: one case per rule paragraph, the citation in the
// test name and asserted in the decision's basis; then the seed policy's
// overlays; then malformed requests.
#include "rules/decide.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/testing/decide_test_util.h"

namespace proprio::rules {
namespace {

using namespace decide_test;  // NOLINT: the builders of decide_test_util.h

void Check(const Case& c, const Decision& d) {
  EXPECT_EQ(d.allowed, c.allowed) << Describe(d);
  EXPECT_TRUE(d.basis.contains(c.citation)) << "missing " << c.citation << ": " << Describe(d);
  EXPECT_TRUE(std::string_view(d.reason).starts_with(c.allowed ? "Allowed" : "Denied"))
      << d.reason;
  if (!c.allowed) {
    EXPECT_EQ(std::vector<Requirement>(d.requirements.begin(), d.requirements.end()),
              c.requires_)
        << Describe(d);
  } else {
    EXPECT_TRUE(d.requirements.empty()) << Describe(d);
  }
}

std::vector<Case> FloorCases() {
  using P = Purpose;
  using R = RecipientKind;
  using F = ContextFlag;
  using S = ServiceCategory;
  using O = Offering;
  std::vector<Case> c;
  // ---- 47 U.S.C. 222 ----
  c.push_back({"c222_c_1_ProvideTheServiceItComesFrom", Req().purpose(P::kProvideService),
               Facts(), true, "47 U.S.C. 222(c)(1)", {}});
  c.push_back({"c222_c_1_ProvideServiceViaContractor",
               Req().purpose(P::kNecessaryServices).to(R::kIndependentContractor,
                                                        Action::kPermitAccess).partner(7),
               Facts().partner(PartnerKind::kIndependentContractor).agreement({2024, 1, 1}),
               true, "47 U.S.C. 222(c)(1)", {}});
  c.push_back({"c222_c_1_ServiceNotSubscribed", Req().purpose(P::kProvideService).from(S::kCmrs),
               Facts(), false, "47 U.S.C. 222(c)(1)", {}});
  c.push_back({"c222_c_1_ProvideServiceToThirdPartyNeedsOptIn",
               Req().purpose(P::kProvideService).to(R::kThirdParty), Facts(), false,
               "47 CFR 64.2007(b)", {NeedScope(RK::kOptInApproval, AS::kThirdParties)}});
  c.push_back({"c222_c_1_LegalProcess",
               Req().purpose(P::kLegalProcess).to(R::kLawEnforcement).flag(F::kLegalProcess),
               Facts(), true, "47 U.S.C. 222(c)(1)", {}});
  c.push_back({"c222_c_1_LegalProcessMissing",
               Req().purpose(P::kLegalProcess).to(R::kLawEnforcement), Facts(), false,
               "47 U.S.C. 222(c)(1)", {Need(RK::kLegalProcess)}});
  c.push_back({"c222_c_2_CustomerWrittenRequest",
               Req().purpose(P::kCustomerWrittenRequest).to(R::kCustomerDesignee)
                   .flag(F::kWrittenAuthorization),
               Facts(), true, "47 U.S.C. 222(c)(2)", {}});
  c.push_back({"c222_c_2_WrittenRequestMissing",
               Req().purpose(P::kCustomerWrittenRequest).to(R::kNewCarrier), Facts(), false,
               "47 U.S.C. 222(c)(2)", {Need(RK::kWrittenAuthorization)}});
  c.push_back({"c222_d_1_BillingByAgent",
               Req().purpose(P::kBillingCollection).to(R::kAgent), Facts(), true,
               "47 U.S.C. 222(d)(1)", {}});
  c.push_back({"c222_d_2_FraudToLawEnforcement",
               Req().purpose(P::kFraudProtection).to(R::kLawEnforcement), Facts(), true,
               "47 U.S.C. 222(d)(2)", {}});
  c.push_back({"c222_d_3_InboundTelemarketingWithApprovalOnCall",
               Req().purpose(P::kInboundTelemarketing).flag(F::kCustomerInitiatedCall)
                   .flag(F::kApprovalOnCall),
               Facts(), true, "47 U.S.C. 222(d)(3)", {}});
  c.push_back({"c222_d_3_InboundTelemarketingWithOneTimeConsent",
               Req().purpose(P::kInboundTelemarketing).flag(F::kCustomerInitiatedCall)
                   .call("call-7"),
               Facts().one_time("call-7", ScopeSet{AS::kOwnMarketingCommRelated}), true,
               "47 U.S.C. 222(d)(3)", {}});
  c.push_back({"c64_2007_b_TelemarketingOffTheCallWithStandingApproval",
               Req().purpose(P::kInboundTelemarketing),
               Facts().opt_out(AS::kOwnMarketingCommRelated), true, "47 CFR 64.2007(b)", {}});
  c.push_back({"c222_d_3_InboundTelemarketingNeedsCallAndApproval",
               Req().purpose(P::kInboundTelemarketing), Facts(), false, "47 U.S.C. 222(d)(3)",
               {Need(RK::kCustomerInitiatedCall), Need(RK::kApprovalOnCall)}});
  c.push_back({"c222_d_4_A_Emergency911Cmrs",
               Req().purpose(P::kEmergency911).to(R::kPublicSafety).from(S::kCmrs)
                   .cpni(CpniSet{CpniCategory::kLocation}).flag(F::kEmergency),
               Facts().buys(S::kCmrs), true, "47 U.S.C. 222(d)(4)", {}});
  c.push_back({"c222_d_4_EmergencyNeedsAnEmergency",
               Req().purpose(P::kEmergency911).to(R::kPublicSafety).from(S::kInterconnectedVoip),
               Facts(), false, "47 U.S.C. 222(d)(4)", {Need(RK::kEmergency)}});
  c.push_back({"c222_d_4_EmergencyNotForWireline",
               Req().purpose(P::kEmergency911).to(R::kPublicSafety).flag(F::kEmergency), Facts(),
               false, "47 U.S.C. 222(d)(4)", {}});
  c.push_back({"c222_d_4_B_EmergencyFamily",
               Req().purpose(P::kEmergencyFamily).to(R::kImmediateFamily).from(S::kCmrs)
                   .flag(F::kEmergency),
               Facts(), true, "47 U.S.C. 222(d)(4)", {}});
  // ---- 64.2005(a): category of service ----
  c.push_back({"c64_2005_a_SameCategoryByCarrier",
               Req().purpose(P::kMarketingSameCategory).offering(O::kLocal), Facts(), true,
               "47 CFR 64.2005(a)", {}});
  c.push_back({"c64_2005_a_SameCategoryByAgent",
               Req().purpose(P::kMarketingSameCategory).to(R::kAgent), Facts(), true,
               "47 CFR 64.2005(a)", {}});
  c.push_back({"c64_2005_a_1_AffiliateMultiCategoryServingCustomer",
               Req().purpose(P::kMarketingSameCategory).to(R::kAffiliate)
                   .flag(F::kRecipientServesCustomer),
               Facts().buys(S::kCmrs), true, "47 CFR 64.2005(a)(1)", {}});
  c.push_back({"c64_2005_a_1_AffiliateMustServeTheCustomer",
               Req().purpose(P::kMarketingSameCategory).to(R::kAffiliate), Facts().buys(S::kCmrs),
               false, "47 CFR 64.2005(a)(1)",
               {Need(RK::kRecipientServesCustomer, 1),
                NeedScope(RK::kOptInApproval, AS::kAffiliates, 1)}});
  c.push_back({"c64_2005_a_2_SingleCategoryAffiliateNeedsApproval",
               Req().purpose(P::kMarketingSameCategory).to(R::kAffiliate)
                   .flag(F::kRecipientServesCustomer).flag(F::kRecipientProvidesCommServices),
               Facts(), false, "47 CFR 64.2005(a)(2)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kAffiliates)}});
  c.push_back({"c64_2005_a_2_SingleCategoryAffiliateWithOptOut",
               Req().purpose(P::kMarketingSameCategory).to(R::kAffiliate)
                   .flag(F::kRecipientProvidesCommServices),
               Facts().opt_out(AS::kAffiliates), true, "47 CFR 64.2005(a)(2)", {}});
  // ---- 64.2005(b): other categories ----
  c.push_back({"c64_2005_b_OtherCategoryNeedsApproval",
               Req().purpose(P::kMarketingOtherCategory).offering(O::kCmrs), Facts(), false,
               "47 CFR 64.2005(b)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"c64_2005_b_OtherCategoryWithOptOutApproval",
               Req().purpose(P::kMarketingOtherCategory).offering(O::kCmrs),
               Facts().opt_out(AS::kOwnMarketingCommRelated), true, "47 CFR 64.2008(d)(1)", {}});
  c.push_back({"c64_2005_b_SameCategoryClaimNotSubscribed",
               Req().purpose(P::kMarketingSameCategory).offering(O::kCmrs), Facts(), false,
               "47 CFR 64.2005(b)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"c64_2005_b_1_CmrsCpniForCpe",
               Req().purpose(P::kMarketingCpeInfoServices).from(S::kCmrs).offering(O::kCpe),
               Facts().only(S::kCmrs), true, "47 CFR 64.2005(b)(1)", {}});
  c.push_back({"c64_2005_b_1_CmrsCpniForInternetAccess",
               Req().purpose(P::kMarketingCpeInfoServices).from(S::kCmrs)
                   .offering(O::kInternetAccess),
               Facts().only(S::kCmrs), true, "47 CFR 64.2005(b)(1)", {}});
  c.push_back({"c64_2005_b_1_WirelineCpniForVoiceMail",
               Req().purpose(P::kMarketingCpeInfoServices).offering(O::kVoiceMessaging), Facts(),
               true, "47 CFR 64.2005(b)(1)", {}});
  c.push_back({"c64_2005_b_1_WirelineCpniForProtocolConversion",
               Req().purpose(P::kMarketingCpeInfoServices).from(S::kInterexchange)
                   .offering(O::kProtocolConversion),
               Facts().buys(S::kInterexchange), true, "47 CFR 64.2005(b)(1)", {}});
  c.push_back({"c64_2005_b_1_WirelineNotForInternetAccess",
               Req().purpose(P::kMarketingCpeInfoServices).offering(O::kInternetAccess), Facts(),
               false, "47 CFR 64.2005(b)(1)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"c64_2005_b_1_VoipNotListed",
               Req().purpose(P::kMarketingCpeInfoServices).from(S::kInterconnectedVoip)
                   .offering(O::kCpe),
               Facts().buys(S::kInterconnectedVoip), false, "47 CFR 64.2005(b)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"c64_2005_b_2_NeverTrackCallersOfCompetitors",
               Req().purpose(P::kTrackCompetingCallers),
               Facts().opt_in(AS::kOwnMarketingCommRelated).opt_in(AS::kOwnOtherUses), false,
               "47 CFR 64.2005(b)(2)", {}});
  // ---- 64.2005(c), (d) ----
  c.push_back({"c64_2005_c_1_InsideWiringByContractor",
               Req().purpose(P::kInsideWiring).to(R::kIndependentContractor, Action::kPermitAccess)
                   .partner(7),
               Facts().partner(PartnerKind::kIndependentContractor).agreement({2024, 1, 1}),
               true, "47 CFR 64.2005(c)(1)", {}});
  c.push_back({"c64_2005_c_1_InsideWiringToThirdPartyNeedsOptIn",
               Req().purpose(P::kInsideWiring).to(R::kThirdParty), Facts(), false,
               "47 CFR 64.2005(c)(1)", {NeedScope(RK::kOptInApproval, AS::kThirdParties)}});
  c.push_back({"c64_2005_c_2_CmrsHealthResearch",
               Req().purpose(P::kCmrsHealthResearch).to(R::kThirdParty).from(S::kCmrs),
               Facts().only(S::kCmrs), true, "47 CFR 64.2005(c)(2)", {}});
  c.push_back({"c64_2005_c_2_HealthResearchOnlyForCmrs",
               Req().purpose(P::kCmrsHealthResearch), Facts(), false, "47 CFR 64.2005(c)(2)",
               {NeedScope(RK::kOptInApproval, AS::kOwnOtherUses)}});
  c.push_back({"c64_2005_c_3_AdjunctToBasicByLec",
               Req().purpose(P::kMarketingAdjunctToBasic).offering(O::kAdjunctToBasic), Facts(),
               true, "47 CFR 64.2005(c)(3)", {}});
  c.push_back({"c64_2005_c_3_AdjunctToBasicByCmrs",
               Req().purpose(P::kMarketingAdjunctToBasic).from(S::kCmrs), Facts().buys(S::kCmrs),
               true, "47 CFR 64.2005(c)(3)", {}});
  c.push_back({"c64_2005_c_3_AdjunctNotForInterexchange",
               Req().purpose(P::kMarketingAdjunctToBasic).from(S::kInterexchange),
               Facts().buys(S::kInterexchange), false, "47 CFR 64.2005(c)(3)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"c64_2005_c_3_AdjunctIsUseNotDisclosure",
               Req().purpose(P::kMarketingAdjunctToBasic).to(R::kAgent), Facts(), false,
               "47 CFR 64.2005(c)(3)", {NeedScope(RK::kOptOutOrOptInApproval, AS::kAgents)}});
  c.push_back({"c64_2005_d_FraudProtectionToOtherCarrier",
               Req().purpose(P::kFraudProtection).to(R::kThirdParty), Facts(), true,
               "47 CFR 64.2005(d)", {}});
  // ---- 64.2007: which approval ----
  c.push_back({"c64_2007_a_2_DenialStaysInForce",
               Req().purpose(P::kMarketingOtherCategory).offering(O::kCmrs),
               Facts().denied(AS::kOwnMarketingCommRelated), false, "47 CFR 64.2007(a)(2)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"c64_2007_b_AgentWithOptOut",
               Req().purpose(P::kMarketingOtherCategory).to(R::kAgent),
               Facts().opt_out(AS::kAgents), true, "47 CFR 64.2007(b)", {}});
  c.push_back({"c64_2007_b_AffiliateWithoutCommServicesNeedsOptIn",
               Req().purpose(P::kMarketingOtherCategory).to(R::kAffiliate),
               Facts().opt_out(AS::kAffiliates), false, "47 CFR 64.2007(b)",
               {NeedScope(RK::kOptInApproval, AS::kAffiliates)}});
  c.push_back({"c64_2007_b_JointVenturerNeedsOptIn",
               Req().purpose(P::kMarketingOtherCategory).to(R::kJointVenturer).partner(7),
               Facts().opt_out(AS::kOwnMarketingCommRelated)
                   .partner(PartnerKind::kJointVenturer).agreement({2024, 1, 1}),
               false, "47 CFR 64.2007(b)",
               {NeedScope(RK::kOptInApproval, AS::kJointVenturersContractors)}});
  c.push_back({"c64_2007_b_JointVenturerWithOptIn",
               Req().purpose(P::kMarketingOtherCategory).to(R::kJointVenturer).partner(7),
               Facts().opt_in(AS::kJointVenturersContractors)
                   .partner(PartnerKind::kJointVenturer).agreement({2024, 1, 1}),
               true, "47 CFR 64.2007(b)", {}});
  c.push_back({"c64_2007_b_ThirdPartyWithOptIn",
               Req().purpose(P::kMarketingOtherCategory).to(R::kThirdParty),
               Facts().opt_in(AS::kThirdParties), true, "47 CFR 64.2007(b)", {}});
  c.push_back({"c64_2007_b_NonCommunicationsMarketingNeedsOptIn",
               Req().purpose(P::kMarketingOtherCategory).offering(O::kNonCommunications),
               Facts().opt_out(AS::kOwnMarketingCommRelated), false, "47 CFR 64.2007(b)",
               {NeedScope(RK::kOptInApproval, AS::kOwnOtherUses)}});
  c.push_back({"c64_2007_b_ResearchNeedsOptIn", Req().purpose(P::kResearch), Facts(), false,
               "47 CFR 64.2007(b)", {NeedScope(RK::kOptInApproval, AS::kOwnOtherUses)}});
  // ---- 64.2008 ----
  c.push_back({"c64_2008_d_1_WaitingPeriodStillRunning",
               Req().purpose(P::kMarketingOtherCategory),
               Facts().pending(AS::kOwnMarketingCommRelated), false, "47 CFR 64.2008(d)(1)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"c64_2008_f_OneTimeConsentOnTheCall",
               Req().purpose(P::kMarketingOtherCategory).call("call-9"),
               Facts().one_time("call-9", ScopeSet{AS::kOwnMarketingCommRelated}), true,
               "47 CFR 64.2008(f)", {}});
  c.push_back({"c64_2008_f_OneTimeConsentIsForThatCallOnly",
               Req().purpose(P::kMarketingOtherCategory).call("call-10"),
               Facts().one_time("call-9", ScopeSet{AS::kOwnMarketingCommRelated}), false,
               "47 CFR 64.2007(b)",
               {NeedScope(RK::kOptOutOrOptInApproval, AS::kOwnMarketingCommRelated)}});
  // ---- 64.2010: the customer's own CPNI ----
  const Req access = Req().purpose(P::kCustomerAccountAccess).to(R::kCustomer);
  c.push_back({"c64_2010_b_CallDetailByPhoneNeedsPassword",
               Req(access).channel(AccessChannel::kInboundCall)
                   .cpni(CpniSet{CpniCategory::kCallDetail})
                   .flag(F::kCustomerAuthenticated),
               Facts(), false, "47 CFR 64.2010(b)",
               {Need(RK::kPassword, 1), Need(RK::kSendToAddressOfRecord, 1),
                Need(RK::kCallNumberOfRecord, 1)}});
  c.push_back({"c64_2010_b_CallDetailWithPassword",
               Req(access).channel(AccessChannel::kInboundCall)
                   .cpni(CpniSet{CpniCategory::kCallDetail}).flag(F::kPasswordProvided),
               Facts(), true, "47 CFR 64.2010(b)", {}});
  c.push_back({"c64_2010_b_CallDetailTheCallerStatedUnaided",
               Req(access).channel(AccessChannel::kInboundCall)
                   .cpni(CpniSet{CpniCategory::kCallDetail})
                   .flag(F::kCallerProvidedCallDetail),
               Facts(), true, "47 CFR 64.2010(b)", {}});
  c.push_back({"c64_2010_b_SentToAddressOfRecord",
               Req(access).channel(AccessChannel::kAddressOfRecord)
                   .cpni(CpniSet{CpniCategory::kCallDetail}),
               Facts(), true, "47 CFR 64.2010(b)", {}});
  c.push_back({"c64_2010_b_CallTheNumberOfRecord",
               Req(access).channel(AccessChannel::kNumberOfRecord)
                   .cpni(CpniSet{CpniCategory::kCallDetail}),
               Facts(), true, "47 CFR 64.2010(b)", {}});
  c.push_back({"c64_2010_a_OtherCpniNeedsAuthentication",
               Req(access).channel(AccessChannel::kInboundCall)
                   .cpni(CpniSet{CpniCategory::kBilling}),
               Facts(), false, "47 CFR 64.2010(a)", {Need(RK::kCustomerAuthenticated)}});
  c.push_back({"c64_2010_a_OtherCpniAuthenticated",
               Req(access).channel(AccessChannel::kInboundCall)
                   .cpni(CpniSet{CpniCategory::kBilling}).flag(F::kCustomerAuthenticated),
               Facts(), true, "47 CFR 64.2010(a)", {}});
  c.push_back({"c64_2010_c_OnlineNeedsPassword",
               Req(access).channel(AccessChannel::kOnline).flag(F::kCustomerAuthenticated),
               Facts(), false, "47 CFR 64.2010(c)", {Need(RK::kPassword)}});
  c.push_back({"c64_2010_c_OnlineWithPassword",
               Req(access).channel(AccessChannel::kOnline).flag(F::kPasswordProvided), Facts(),
               true, "47 CFR 64.2010(c)", {}});
  c.push_back({"c64_2010_d_InStoreNeedsPhotoId",
               Req(access).channel(AccessChannel::kInStore), Facts(), false, "47 CFR 64.2010(d)",
               {Need(RK::kValidPhotoId)}});
  c.push_back({"c64_2010_d_InStoreWithPhotoId",
               Req(access).channel(AccessChannel::kInStore).flag(F::kPhotoIdVerified), Facts(),
               true, "47 CFR 64.2010(d)", {}});
  c.push_back({"c64_2010_g_BusinessContractAuthentication",
               Req(access).channel(AccessChannel::kInboundCall)
                   .cpni(CpniSet{CpniCategory::kCallDetail}).flag(F::kCustomerAuthenticated),
               Facts().business_contract(), true, "47 CFR 64.2010(g)", {}});
  return c;
}

class FloorDecisionTest : public ::testing::TestWithParam<Case> {};

TEST_P(FloorDecisionTest, DecidesOnTheCitedRule) {
  const Case& c = GetParam();
  ASSERT_TRUE(ValidateRequest(c.request).ok()) << ValidateRequest(c.request).ToString();
  const RuleSet rs = RuleSetFor(c.request.at, {});
  const Decision d = Decide(c.request, c.facts, rs, FloorPolicy());
  Check(c, d);
  EXPECT_EQ(d.rule_set, "fcc-2024");
  EXPECT_EQ(d.policy_version, 0);
  EXPECT_EQ(d.decision_id, 0);
  // The 2007 rule set answers the same.
  const Decision d2007 = Decide(c.request, c.facts, RuleSetFor(At("2013-02-06T00:00:00Z"), {}),
                                FloorPolicy());
  EXPECT_EQ(d2007.allowed, d.allowed);
  EXPECT_EQ(d2007.rule_set, "fcc-2007");
}

INSTANTIATE_TEST_SUITE_P(Rules, FloorDecisionTest, ::testing::ValuesIn(FloorCases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });

// ---- the seed carrier's policy on top ----

const Policy& Seed() {
  static const Policy* seed = [] {
    std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
    std::ostringstream s;
    s << in.rdbuf();
    Result<Policy> p = ParsePolicy(s.str());
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return new Policy(p.ok() ? *p : FloorPolicy());
  }();
  return *seed;
}

struct SeedCase {
  std::string name;
  DecisionRequest request;
  CustomerFacts facts;
  bool floor_allowed;
  bool seed_allowed;
  std::string_view citation;  // in the seed decision's basis
  std::vector<Requirement> requires_;
};

std::vector<SeedCase> SeedCases() {
  using P = Purpose;
  using R = RecipientKind;
  using F = ContextFlag;
  using S = ServiceCategory;
  using O = Offering;
  std::vector<SeedCase> c;
  c.push_back({"Clause7A_OptInOnly_OptOutApprovalIsNotEnough",
               Req().purpose(P::kMarketingOtherCategory).offering(O::kCmrs),
               Facts().opt_out(AS::kOwnMarketingCommRelated), true, false,
               "carrier policy: [approval] mode = \"opt_in_only\"",
               {NeedScope(RK::kOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"Clause7A_OptInApprovalSuffices",
               Req().purpose(P::kMarketingOtherCategory).offering(O::kCmrs),
               Facts().opt_in(AS::kOwnMarketingCommRelated), true, true, "47 CFR 64.2007(b)", {}});
  c.push_back({"Clause3B_CpeExceptionNotListed_NeedsOptIn",
               Req().purpose(P::kMarketingCpeInfoServices).from(S::kCmrs).offering(O::kCpe),
               Facts().only(S::kCmrs), true, false,
               "carrier policy: [uses_without_approval] purposes",
               {NeedScope(RK::kOptInApproval, AS::kOwnMarketingCommRelated)}});
  c.push_back({"Clause3B_SameCategoryListed",
               Req().purpose(P::kMarketingSameCategory), Facts(), true, true, "47 CFR 64.2005(a)",
               {}});
  c.push_back({"Clause6_NoThirdPartyEvenWithOptIn",
               Req().purpose(P::kMarketingOtherCategory).to(R::kThirdParty),
               Facts().opt_in(AS::kThirdParties), true, false,
               "carrier policy: [disclosure] third_parties = \"never\"", {}});
  c.push_back({"Clause6_NoThirdPartyResearchDisclosure",
               Req().purpose(P::kCmrsHealthResearch).to(R::kThirdParty).from(S::kCmrs),
               Facts().only(S::kCmrs).opt_in(AS::kThirdParties), true, false,
               "carrier policy: [disclosure] third_parties = \"never\"", {}});
  c.push_back({"Clause5_NewCarrierNeedsWrittenAuthorization",
               Req().purpose(P::kMarketingOtherCategory).to(R::kNewCarrier),
               Facts().opt_in(AS::kThirdParties), true, false,
               "carrier policy: [disclosure] new_carrier_requires_written_authorization",
               {Need(RK::kWrittenAuthorization)}});
  c.push_back({"Clause5_NewCarrierOnWrittenRequest",
               Req().purpose(P::kCustomerWrittenRequest).to(R::kNewCarrier)
                   .flag(F::kWrittenAuthorization),
               Facts(), true, true, "47 U.S.C. 222(c)(2)", {}});
  // The floor asks for the agreement too (64.2007(b)(2)); the seed also for opt-in.
  c.push_back({"Clause4_ContractorNeedsAgreementAndOptIn",
               Req().purpose(P::kInsideWiring).to(R::kIndependentContractor, Action::kPermitAccess)
                   .partner(7),
               Facts().partner(PartnerKind::kIndependentContractor), false, false,
               "carrier policy: [disclosure] jv_contractor_requires_confidentiality_agreement",
               {Need(RK::kConfidentialityAgreement),
                NeedScope(RK::kOptInApproval, AS::kJointVenturersContractors)}});
  c.push_back({"Clause4_ContractorWithAgreementAndOptIn",
               Req().purpose(P::kInsideWiring).to(R::kIndependentContractor, Action::kPermitAccess)
                   .partner(7),
               Facts().opt_in(AS::kJointVenturersContractors)
                   .partner(PartnerKind::kIndependentContractor).agreement({2024, 1, 1}),
               true, true, "47 CFR 64.2005(c)(1)",
               {}});
  c.push_back({"Clause4_AgentsCertifyLimitedUse",
               Req().purpose(P::kBillingCollection).to(R::kAgent), Facts(), true, false,
               "carrier policy: [disclosure] agent_requires_limited_use_certification",
               {Need(RK::kLimitedUseCertification)}});
  c.push_back({"Clause4_CertifiedAgent",
               Req().purpose(P::kBillingCollection).to(R::kAgent).partner(8),
               Facts().partner(PartnerKind::kAgent).certified({2024, 6, 1}), true, true,
               "47 U.S.C. 222(d)(1)", {}});
  c.push_back({"Clause3A_PhoneReleaseOfAnyCpniNeedsPassword",
               Req().purpose(P::kCustomerAccountAccess).to(R::kCustomer)
                   .channel(AccessChannel::kInboundCall).cpni(CpniSet{CpniCategory::kBilling})
                   .flag(F::kCustomerAuthenticated),
               Facts(), true, false,
               "carrier policy: [authentication] phone_requires_password_for_all_cpni",
               {Need(RK::kPassword, 1), Need(RK::kSendToAddressOfRecord, 1),
                Need(RK::kCallNumberOfRecord, 1)}});
  c.push_back({"Clause11_BusinessContractAuthentication",
               Req().purpose(P::kCustomerAccountAccess).to(R::kCustomer)
                   .channel(AccessChannel::kInboundCall).cpni(CpniSet{CpniCategory::kCallDetail})
                   .flag(F::kCustomerAuthenticated),
               Facts().business_contract(), true, true, "47 CFR 64.2010(g)", {}});
  c.push_back({"Clause1_LegalProcessIsRequiredByLaw",
               Req().purpose(P::kLegalProcess).to(R::kLawEnforcement).flag(F::kLegalProcess),
               Facts(), true, true, "47 U.S.C. 222(c)(1)", {}});
  c.push_back({"Clause1_EmergencyLocation",
               Req().purpose(P::kEmergency911).to(R::kThirdParty).from(S::kCmrs)
                   .flag(F::kEmergency),
               Facts(), true, true, "47 U.S.C. 222(d)(4)", {}});
  c.push_back({"Clause3B_InboundTelemarketing",
               Req().purpose(P::kInboundTelemarketing).flag(F::kCustomerInitiatedCall)
                   .flag(F::kApprovalOnCall),
               Facts(), true, true, "47 U.S.C. 222(d)(3)", {}});
  c.push_back({"Clause7A_OneTimeConsentIsAffirmative",
               Req().purpose(P::kMarketingOtherCategory).call("c-1"),
               Facts().one_time("c-1", ScopeSet{AS::kOwnMarketingCommRelated}), true, true,
               "47 CFR 64.2008(f)", {}});
  c.push_back({"FloorDenialStaysDenied_TrackCompetitors",
               Req().purpose(P::kTrackCompetingCallers), Facts(), false, false,
               "47 CFR 64.2005(b)(2)", {}});
  return c;
}

class SeedDecisionTest : public ::testing::TestWithParam<SeedCase> {};

TEST_P(SeedDecisionTest, PolicyOverlay) {
  const SeedCase& c = GetParam();
  ASSERT_TRUE(ValidateRequest(c.request).ok()) << ValidateRequest(c.request).ToString();
  const RuleSet rs = RuleSetFor(c.request.at, {});
  const Decision floor = Decide(c.request, c.facts, rs, FloorPolicy());
  EXPECT_EQ(floor.allowed, c.floor_allowed) << Describe(floor);
  const Decision d = Decide(c.request, c.facts, rs, Seed());
  EXPECT_EQ(d.policy_version, 1);
  Check(Case{c.name, c.request, c.facts, c.seed_allowed, c.citation, c.requires_}, d);
}

INSTANTIATE_TEST_SUITE_P(SeedPolicy, SeedDecisionTest, ::testing::ValuesIn(SeedCases()),
                         [](const ::testing::TestParamInfo<SeedCase>& param_info) {
                           return param_info.param.name;
                         });

// ---- malformed requests ----

struct BadRequest {
  std::string name;
  DecisionRequest request;
  std::string field;
};

std::vector<BadRequest> BadRequests() {
  std::vector<BadRequest> b;
  DecisionRequest r = Req();
  r.customer = CustomerId();
  b.push_back({"MissingCustomer", r, "customer"});
  r = Req();
  r.purpose = static_cast<Purpose>(200);
  b.push_back({"UnknownPurpose", r, "purpose"});
  r = Req();
  r.at = Instant();
  b.push_back({"MissingInstant", r, "at"});
  r = Req();
  r.cpni = CpniSet{};
  b.push_back({"NoCpni", r, "cpni"});
  r = Req().from(ServiceCategory::kCpe);
  b.push_back({"ServiceCategoryNotTelecom", r, "service_category"});
  r = Req();
  r.recipient.kind = RecipientKind::kThirdParty;  // action stays "use"
  b.push_back({"UseByThirdParty", r, "recipient.kind"});
  r = Req();
  r.action = Action::kDisclose;
  b.push_back({"DiscloseToItself", r, "action"});
  r = Req().purpose(Purpose::kCustomerAccountAccess).to(RecipientKind::kCustomer);
  b.push_back({"AccountAccessWithoutChannel", r, "context.channel"});
  r = Req().purpose(Purpose::kMarketingSameCategory).to(RecipientKind::kCustomer);
  b.push_back({"CustomerRecipientForMarketing", r, "purpose"});
  r = Req().purpose(Purpose::kCustomerAccountAccess).to(RecipientKind::kAgent)
          .channel(AccessChannel::kOnline);
  b.push_back({"AccountAccessToAgent", r, "recipient.kind"});
  r = Req().purpose(Purpose::kMarketingCpeInfoServices);
  b.push_back({"CpeWithoutOffering", r, "offering"});
  r = Req();
  r.recipient.id = -1;
  b.push_back({"NegativeRecipientId", r, "recipient.id"});
  r = Req();
  r.context.channel = static_cast<AccessChannel>(77);
  b.push_back({"UnknownChannel", r, "context.channel"});
  return b;
}

class BadRequestTest : public ::testing::TestWithParam<BadRequest> {};

TEST_P(BadRequestTest, ValidateNamesTheFieldAndDecideDenies) {
  const BadRequest& c = GetParam();
  const Status s = ValidateRequest(c.request);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.field(), c.field) << s.message();
  EXPECT_TRUE(s.message().starts_with(c.field + ": ")) << s.message();
  CustomerFacts facts = Facts();
  const Decision d = Decide(c.request, facts, RuleSetFor(kNow, {}), FloorPolicy());
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(std::string_view(d.reason).starts_with("Denied")) << d.reason;
}

INSTANTIATE_TEST_SUITE_P(Requests, BadRequestTest, ::testing::ValuesIn(BadRequests()),
                         [](const ::testing::TestParamInfo<BadRequest>& param_info) {
                           return param_info.param.name;
                         });

TEST(DecideTest, FactsForAnotherCustomerAreRefused) {
  CustomerFacts facts = Facts();
  facts.customer = CustomerId(7);
  const Decision d =
      Decide(Req().purpose(Purpose::kProvideService), facts, RuleSetFor(kNow, {}), FloorPolicy());
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(std::string_view(d.reason).find("different customer"), std::string_view::npos);
}

TEST(DecideTest, ParseFunctionsNameTheField) {
  struct P {
    Status status;
    const char* field;
    const char* bad;
  };
  const P cases[] = {
      {ParsePurpose("gossip").status(), "purpose", "gossip"},
      {ParseAction("sell").status(), "action", "sell"},
      {ParseRecipientKind("cousin").status(), "recipient.kind", "cousin"},
      {ParseCpniCategory("dna").status(), "cpni", "dna"},
      {ParseOffering("yacht").status(), "offering", "yacht"},
      {ParseContextFlag("vibes").status(), "context", "vibes"},
      {ParseAccessChannel("fax").status(), "context.channel", "fax"},
      {ParseApprovalScope("everyone").status(), "scope", "everyone"},
      {ParseRequestServiceCategory("cable").status(), "service_category", "cable"},
      {ParseRequirementKind("luck").status(), "requires", "luck"},
  };
  for (const P& c : cases) {
    EXPECT_TRUE(c.status.IsInvalidArgument());
    EXPECT_EQ(c.status.field(), c.field);
    EXPECT_NE(c.status.message().find(c.bad), std::string::npos) << c.status.message();
    EXPECT_NE(c.status.message().find("known"), std::string::npos) << c.status.message();
  }
  // Every name parses back to its enumerator.
  for (int i = 0; i < kPurposeCount; ++i) {
    EXPECT_EQ(*ParsePurpose(PurposeName(static_cast<Purpose>(i))), static_cast<Purpose>(i));
  }
  for (int i = 0; i < kRecipientKindCount; ++i) {
    const auto k = static_cast<RecipientKind>(i);
    EXPECT_EQ(*ParseRecipientKind(RecipientKindName(k)), k);
  }
  for (int i = 0; i < kContextFlagCount; ++i) {
    const auto f = static_cast<ContextFlag>(i);
    EXPECT_EQ(*ParseContextFlag(ContextFlagName(f)), f);
  }
  for (int i = 0; i < kOfferingCount; ++i) {
    const auto o = static_cast<Offering>(i);
    EXPECT_EQ(*ParseOffering(OfferingName(o)), o);
  }
  for (int i = 0; i < kRequirementKindCount; ++i) {
    const auto k = static_cast<RequirementKind>(i);
    EXPECT_EQ(*ParseRequirementKind(RequirementKindName(k)), k);
  }
  EXPECT_EQ(*ParseAction("permit_access"), Action::kPermitAccess);
  EXPECT_EQ(*ParseRequestServiceCategory("cmrs"), ServiceCategory::kCmrs);
}

// 64.2003(f): a former customer (the account closed). Marketing within the
// categories it used to buy needs opt-in approval: not the 64.2005(a)
// carve-out, and not opt-out approval; the service itself is denied; billing
// and collection and fraud protection are decided as for any customer.
TEST(DecideTest, Cfr64_2003fFormerCustomerMarketingNeedsOptIn) {
  const RuleSet rs = RuleSetFor(kNow, {});
  auto has = [](const Decision& d, std::string_view cite) {
    return std::find(d.basis.begin(), d.basis.end(), cite) != d.basis.end();
  };
  CustomerFacts current = Facts().opt_out(AS::kOwnMarketingCommRelated);
  CustomerFacts former = current;
  former.former_customer = true;
  const DecisionRequest same = Req().purpose(Purpose::kMarketingSameCategory);
  EXPECT_TRUE(Decide(same, current, rs, FloorPolicy()).allowed);
  const Decision d = Decide(same, former, rs, FloorPolicy());
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(has(d, "47 CFR 64.2003(f)"));
  EXPECT_TRUE(has(d, "47 CFR 64.2007(b)"));
  ASSERT_EQ(d.requirements.size(), 1u);
  EXPECT_EQ(d.requirements[0], NeedScope(RK::kOptInApproval, AS::kOwnMarketingCommRelated));
  former.approval.opt_in.Add(AS::kOwnMarketingCommRelated);
  EXPECT_TRUE(Decide(same, former, rs, FloorPolicy()).allowed);
  former.approval.opt_in = ScopeSet();

  const Decision service = Decide(Req().purpose(Purpose::kProvideService), former, rs,
                                  FloorPolicy());
  EXPECT_FALSE(service.allowed);
  EXPECT_TRUE(has(service, "47 CFR 64.2003(f)"));
  EXPECT_TRUE(service.requirements.empty());
  EXPECT_TRUE(Decide(Req().purpose(Purpose::kBillingCollection), former, rs, FloorPolicy()).allowed);
  EXPECT_TRUE(Decide(Req().purpose(Purpose::kFraudProtection), former, rs, FloorPolicy()).allowed);
}

// 64.2009(a): the customer's approval status is established before CPNI is
// used: marketing that needs approval is denied without it, naming what would
// allow it, and allowed once the status on record shows it.
TEST(DecideTest, c64_2009_a_ApprovalStatusIsEstablishedBeforeUse) {
  const RuleSet rs = RuleSetFor(kNow, {});
  Req req;
  req.purpose(Purpose::kMarketingOtherCategory).offering(Offering::kInterexchange);
  const Decision none = Decide(req, Facts(), rs, FloorPolicy());
  EXPECT_FALSE(none.allowed);
  ASSERT_EQ(none.requirements.size(), 1u);
  EXPECT_EQ(none.requirements[0].kind, RK::kOptOutOrOptInApproval);
  const CustomerFacts approved = Facts().opt_out(AS::kOwnMarketingCommRelated);
  EXPECT_TRUE(Decide(req, approved, rs, FloorPolicy()).allowed);
}

// 64.2008(d)(2): after the two-year lapse the answer names the lapse, its
// date and what renews it; before it, opt-out approval allows.
TEST(DecideTest, c64_2008_d_2_LapsedOptOutIsNamedWithItsDate) {
  ApprovalEvent notice;
  notice.kind = ApprovalEventKind::kOptOutNoticeSent;
  notice.at = At("2023-01-10T15:00:00Z");
  notice.notice_id = 1;
  notice.notice_channel = NoticeChannel::kMail;
  notice.scopes = kOptOutScopes;
  const std::vector<ApprovalEvent> events = {notice};
  const TimeZone ny = TimeZone::FromPosixTz("EST5EDT,M3.2.0,M11.1.0", "US/Eastern").value();
  Req req;
  req.purpose(Purpose::kMarketingOtherCategory).offering(Offering::kInterexchange);
  req.r.at = At("2025-02-01T12:00:00Z");
  Facts facts;
  facts.f.approval = DeriveStatus(events, req.r.at, RuleSetFor(req.r.at, {}), FloorPolicy(), ny);
  const Decision d = Decide(req, facts, RuleSetFor(req.r.at, {}), FloorPolicy());
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.basis.contains("47 CFR 64.2008(d)(2)"));
  EXPECT_EQ(ReasonText(d),
            "Denied: the customer's opt-out approval lapsed on 2025-01-10 because no opt-out "
            "notice was given in two years (47 CFR 64.2008(d)(2)); a new opt-out notice renews "
            "it once its waiting period has passed (47 CFR 64.2008(d)(1)), or the customer's "
            "opt-in approval.");
  ASSERT_EQ(d.requirements.size(), 1u);
  EXPECT_EQ(d.requirements[0].kind, RK::kOptOutOrOptInApproval);

  // A policy renewing every 12 months: the lapse came a year after the notice.
  Policy yearly = FloorPolicy();
  yearly.version = 3;
  yearly.opt_out_renewal_months = 12;
  Facts f12;
  f12.f.approval = DeriveStatus(events, req.r.at, RuleSetFor(req.r.at, {}), yearly, ny);
  const Decision d12 = Decide(req, f12, RuleSetFor(req.r.at, {}), yearly);
  EXPECT_NE(ReasonText(d12).find("lapsed on 2024-01-10 because no opt-out notice was given in "
                                 "1 year (47 CFR 64.2008(d)(2))"),
            std::string::npos)
      << ReasonText(d12);

  // The day before the lapse: allowed on opt-out approval, no lapse named.
  req.r.at = At("2025-01-09T12:00:00Z");
  Facts before;
  before.f.approval =
      DeriveStatus(events, req.r.at, RuleSetFor(req.r.at, {}), FloorPolicy(), ny);
  const Decision ok = Decide(req, before, RuleSetFor(req.r.at, {}), FloorPolicy());
  EXPECT_TRUE(ok.allowed);
  EXPECT_FALSE(ok.opt_out_lapsed_on.has_value());
  EXPECT_EQ(ReasonText(ok), std::string(ok.reason));
}

// 47 U.S.C. 222(c)(2): CPNI to a new carrier to provide the service goes on
// the customer's affirmative written request on record; the denial asks for
// exactly that, and the allowed answer names the request's document.
TEST(DecideTest, c222_c_2_NewCarrierOnTheCustomersWrittenRequestOnRecord) {
  Req req;
  req.purpose(Purpose::kProvideService).to(RecipientKind::kNewCarrier);
  const Decision no = Decide(req, Facts(), RuleSetFor(kNow, {}), FloorPolicy());
  EXPECT_FALSE(no.allowed);
  ASSERT_EQ(no.basis.size(), 1u);
  EXPECT_EQ(no.basis[0], "47 U.S.C. 222(c)(2)");
  ASSERT_EQ(no.requirements.size(), 1u);
  EXPECT_EQ(no.requirements[0], Need(RK::kWrittenAuthorization));
  EXPECT_EQ(ReasonText(no),
            "Denied: CPNI goes to a new carrier only on the customer's affirmative written "
            "request designating it (47 U.S.C. 222(c)(2)): record the request and give its "
            "document id with written_authorization.");

  // The flag without the request's document is refused as input.
  req.flag(ContextFlag::kWrittenAuthorization);
  Status bad = ValidateRequest(req);
  EXPECT_EQ(bad.field(), "context.written_request_document");
  EXPECT_NE(bad.message().find("47 U.S.C. 222(c)(2)"), std::string::npos);

  req.r.context.written_request_document = "WR-17";
  ASSERT_TRUE(ValidateRequest(req).ok());
  // Named but not on record for this customer: the request's word is not evidence.
  const Decision unproven = Decide(req, Facts(), RuleSetFor(kNow, {}), FloorPolicy());
  EXPECT_FALSE(unproven.allowed);
  ASSERT_EQ(unproven.requirements.size(), 1u);
  EXPECT_EQ(unproven.requirements[0], Need(RK::kWrittenAuthorization));
  EXPECT_NE(ReasonText(unproven).find("not on record for this customer"), std::string::npos);
  EXPECT_FALSE(Decide(req, Facts(), RuleSetFor(kNow, {}), Seed()).allowed);

  const Decision yes =
      Decide(req, Facts().written_on_record(), RuleSetFor(kNow, {}), FloorPolicy());
  EXPECT_TRUE(yes.allowed);
  EXPECT_EQ(ReasonText(yes),
            "Allowed: the customer's affirmative written request on record (document WR-17) "
            "designates the new carrier (47 U.S.C. 222(c)(2)).");
  // The seed policy's express written authorization is the same request.
  const Decision seed = Decide(req, Facts().written_on_record(), RuleSetFor(kNow, {}), Seed());
  EXPECT_TRUE(seed.allowed) << ReasonText(seed);

  // A document without the flag names the flag.
  Req doc_only;
  doc_only.purpose(Purpose::kProvideService).to(RecipientKind::kNewCarrier);
  doc_only.r.context.written_request_document = "WR-17";
  EXPECT_EQ(ValidateRequest(doc_only).field(), "context.written_authorization");
}

}  // namespace
}  // namespace proprio::rules
