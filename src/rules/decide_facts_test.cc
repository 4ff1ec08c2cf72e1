// Tests of rules/decide.h, issue 14: decisions from facts (64.2005, the total
// service approach): the legal category derived from the offering, the service
// the CPNI comes from and the customer's services, whatever the purpose label.
#include "rules/decide.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/testing/decide_test_util.h"

namespace proprio::rules {
namespace {

using namespace decide_test;  // NOLINT: the builders of decide_test_util.h

namespace facts_form {

using P = Purpose;
using S = ServiceCategory;
using O = Offering;
using R = RecipientKind;

Decision D(const DecisionRequest& r, const CustomerFacts& f) {
  EXPECT_TRUE(ValidateRequest(r).ok()) << ValidateRequest(r).message();
  return Decide(r, f, RuleSetFor(kNow, {}), FloorPolicy());
}

// One fact pattern per 64.2005 exception and its boundary, asked in the plain
// form ("marketing" plus the offering and the source service).
struct FactCase {
  std::string name;  // carries the citation
  DecisionRequest request;
  CustomerFacts facts;
  bool allowed;
  Purpose legal_category;
  std::string_view citation;  // in basis
};

std::vector<FactCase> FactCases() {
  std::vector<FactCase> c;
  auto mk = [](S from, O o) { return Req().purpose(P::kMarketing).from(from).offering(o); };
  // 64.2005(a): a category the customer buys; boundary: one it does not.
  c.push_back({"c64_2005_a_MarketingCmrsToACmrsCustomer", mk(S::kLocal, O::kCmrs),
               Facts().buys(S::kCmrs), true, P::kMarketingSameCategory, "47 CFR 64.2005(a)"});
  c.push_back({"c64_2005_a_MarketingWithoutOfferingIsTheSourceCategory",
               Req().purpose(P::kMarketing), Facts(), true, P::kMarketingSameCategory,
               "47 CFR 64.2005(a)"});
  c.push_back({"c64_2005_b_MarketingCmrsToALocalOnlyCustomer", mk(S::kLocal, O::kCmrs), Facts(),
               false, P::kMarketingOtherCategory, "47 CFR 64.2005(b)"});
  c.push_back({"c64_2005_b_MarketingNonCommunications", mk(S::kLocal, O::kNonCommunications),
               Facts(), false, P::kMarketingOtherCategory, "47 CFR 64.2005(b)"});
  // 64.2005(b)(1): a wireless carrier's CPNI for CPE and information services.
  for (O o : {O::kCpe, O::kInternetAccess, O::kVoiceMessaging, O::kFaxStoreForward,
              O::kProtocolConversion, O::kOtherInformationService}) {
    c.push_back({"c64_2005_b_1_CmrsCpniFor_" + std::string(OfferingName(o)), mk(S::kCmrs, o),
                 Facts().only(S::kCmrs), true, P::kMarketingCpeInfoServices,
                 "47 CFR 64.2005(b)(1)"});
  }
  // 64.2005(b)(1): a wireline carrier's CPNI (local and interexchange) for
  // CPE, call answering, voice mail or messaging, voice storage and
  // retrieval (all kVoiceMessaging), fax store and forward, protocol
  // conversion.
  for (S from : {S::kLocal, S::kInterexchange}) {
    for (O o : {O::kCpe, O::kVoiceMessaging, O::kFaxStoreForward, O::kProtocolConversion}) {
      c.push_back({"c64_2005_b_1_WirelineCpniFrom_" + std::string(ServiceCategoryName(from)) +
                       "_For_" + std::string(OfferingName(o)),
                   mk(from, o), Facts().buys(from), true, P::kMarketingCpeInfoServices,
                   "47 CFR 64.2005(b)(1)"});
    }
  }
  // Boundary of (b)(1): wireline CPNI does not reach internet access or other
  // information services; interconnected VoIP CPNI is not listed at all.
  c.push_back({"c64_2005_b_1_BoundaryWirelineNotForInternetAccess",
               mk(S::kLocal, O::kInternetAccess), Facts(), false, P::kMarketingOtherCategory,
               "47 CFR 64.2005(b)(1)"});
  c.push_back({"c64_2005_b_1_BoundaryWirelineNotForOtherInformationService",
               mk(S::kLocal, O::kOtherInformationService), Facts(), false,
               P::kMarketingOtherCategory, "47 CFR 64.2005(b)(1)"});
  c.push_back({"c64_2005_b_1_BoundaryVoipCpniNotListed", mk(S::kInterconnectedVoip, O::kCpe),
               Facts().only(S::kInterconnectedVoip), false, P::kMarketingOtherCategory,
               "47 CFR 64.2005(b)"});
  // 64.2005(c)(3): adjunct-to-basic, by a LEC or CMRS provider; boundary: an
  // interexchange carrier's CPNI, and disclosure rather than use.
  c.push_back({"c64_2005_c_3_AdjunctToBasicByLec", mk(S::kLocal, O::kAdjunctToBasic), Facts(),
               true, P::kMarketingAdjunctToBasic, "47 CFR 64.2005(c)(3)"});
  c.push_back({"c64_2005_c_3_AdjunctToBasicByCmrs", mk(S::kCmrs, O::kAdjunctToBasic),
               Facts().only(S::kCmrs), true, P::kMarketingAdjunctToBasic,
               "47 CFR 64.2005(c)(3)"});
  c.push_back({"c64_2005_c_3_BoundaryAdjunctNotFromInterexchange",
               mk(S::kInterexchange, O::kAdjunctToBasic), Facts().buys(S::kInterexchange), false,
               P::kMarketingAdjunctToBasic, "47 CFR 64.2005(c)(3)"});
  c.push_back({"c64_2005_c_3_BoundaryAdjunctIsUseNotDisclosure",
               mk(S::kLocal, O::kAdjunctToBasic).to(R::kAgent), Facts(), false,
               P::kMarketingAdjunctToBasic, "47 CFR 64.2005(c)(3)"});
  // 64.2005(c)(1): inside wiring installation, maintenance and repair is a
  // use of its own; boundary: marketing inside wiring is not (c)(1).
  c.push_back({"c64_2005_c_1_InsideWiringService",
               Req().purpose(P::kInsideWiring).offering(O::kInsideWiring), Facts(), true,
               P::kInsideWiring, "47 CFR 64.2005(c)(1)"});
  c.push_back({"c64_2005_c_1_BoundaryMarketingInsideWiringNeedsApproval",
               mk(S::kLocal, O::kInsideWiring), Facts(), false, P::kMarketingOtherCategory,
               "47 CFR 64.2005(b)"});
  // 64.2005(c)(2): CMRS health research, by a CMRS provider only.
  c.push_back({"c64_2005_c_2_CmrsHealthResearch",
               Req().purpose(P::kCmrsHealthResearch).from(S::kCmrs), Facts().only(S::kCmrs), true,
               P::kCmrsHealthResearch, "47 CFR 64.2005(c)(2)"});
  c.push_back({"c64_2005_c_2_BoundaryNotFromWirelineCpni",
               Req().purpose(P::kCmrsHealthResearch).from(S::kLocal), Facts(), false,
               P::kCmrsHealthResearch, "47 CFR 64.2005(c)(2)"});
  return c;
}

class FactsFormTest : public ::testing::TestWithParam<FactCase> {};

TEST_P(FactsFormTest, DerivesTheLegalCategoryFromTheFacts) {
  const FactCase& c = GetParam();
  const Decision d = D(c.request, c.facts);
  EXPECT_EQ(d.allowed, c.allowed) << Describe(d);
  EXPECT_EQ(PurposeName(d.legal_category), PurposeName(c.legal_category));
  EXPECT_TRUE(d.basis.contains(c.citation)) << "missing " << c.citation << ": " << Describe(d);
  EXPECT_FALSE(d.label_overridden) << "plain 'marketing' is a fact, not a label";
}

INSTANTIATE_TEST_SUITE_P(Cfr64_2005, FactsFormTest, ::testing::ValuesIn(FactCases()),
                         [](const ::testing::TestParamInfo<FactCase>& param_info) {
                           return param_info.param.name;
                         });

// Every legacy marketing_* label gives the answer the facts give: the label
// can no longer change the outcome (issue 14's examples and their siblings).
TEST(FactsFormLabelTest, c64_2005_LegacyLabelsAnswerAsTheFactsDo) {
  for (const FactCase& c : FactCases()) {
    if (c.request.purpose != P::kMarketing || c.request.offering == O::kUnspecified) continue;
    const Decision facts = D(c.request, c.facts);
    for (P label : {P::kMarketingSameCategory, P::kMarketingOtherCategory,
                    P::kMarketingCpeInfoServices, P::kMarketingAdjunctToBasic}) {
      DecisionRequest r = c.request;
      r.purpose = label;
      const Decision d = D(r, c.facts);
      SCOPED_TRACE(c.name + " as " + std::string(PurposeName(label)));
      EXPECT_EQ(d.allowed, facts.allowed) << Describe(d);
      EXPECT_EQ(d.legal_category, facts.legal_category);
      EXPECT_EQ(d.label_overridden, label != facts.legal_category);
      EXPECT_EQ(d.label, label);
      EXPECT_EQ(std::vector<std::string_view>(d.basis.begin(), d.basis.end()),
                std::vector<std::string_view>(facts.basis.begin(), facts.basis.end()));
    }
  }
}

// The first example: fcc-2024, a wireline customer who buys local
// service only, no approval on record, voice mail marketed with CPNI from
// local service. Both labels are now allowed under 64.2005(b)(1).
TEST(FactsFormLabelTest, c64_2005_b_1_VoiceMessagingToALocalOnlyCustomerWhateverTheLabel) {
  const Instant at = At("2025-06-02T15:00:00Z");
  const RuleSet& rules = RuleSetFor(at, {});
  ASSERT_EQ(rules.name, "fcc-2024");
  Req other = Req().purpose(P::kMarketingOtherCategory).offering(O::kVoiceMessaging);
  other.r.at = at;
  Req cpe = Req().purpose(P::kMarketingCpeInfoServices).offering(O::kVoiceMessaging);
  cpe.r.at = at;
  const Decision a = Decide(other, Facts(), rules, FloorPolicy());
  const Decision b = Decide(cpe, Facts(), rules, FloorPolicy());
  EXPECT_TRUE(a.allowed) << Describe(a);
  EXPECT_TRUE(b.allowed) << Describe(b);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_TRUE(a.basis.contains("47 CFR 64.2005(b)(1)"));
  EXPECT_TRUE(a.label_overridden);
  EXPECT_FALSE(b.label_overridden);
  EXPECT_EQ(PurposeName(a.legal_category), "marketing_cpe_info_services");
  EXPECT_EQ(LabelNote(a),
            "The purpose label 'marketing_other_category' does not fit the facts (the offering, "
            "the service the CPNI comes from and the customer's services on record, 47 CFR "
            "64.2005); the facts decide, as 'marketing_cpe_info_services'.");
  EXPECT_EQ(LabelNote(b), "");
}

// The second example: adjunct-to-basic marketed under the other-
// category label is decided under 64.2005(c)(3).
TEST(FactsFormLabelTest, c64_2005_c_3_AdjunctToBasicWhateverTheLabel) {
  const Decision a =
      D(Req().purpose(P::kMarketingOtherCategory).offering(O::kAdjunctToBasic), Facts());
  const Decision b =
      D(Req().purpose(P::kMarketingAdjunctToBasic).offering(O::kAdjunctToBasic), Facts());
  EXPECT_TRUE(a.allowed) << Describe(a);
  EXPECT_TRUE(b.allowed) << Describe(b);
  EXPECT_TRUE(a.basis.contains("47 CFR 64.2005(c)(3)"));
  EXPECT_TRUE(a.label_overridden);
  EXPECT_FALSE(b.label_overridden);
}

// The facts also win against a label that claims an exception they do not
// support: marketing CMRS to a local-only customer is not 64.2005(a).
TEST(FactsFormLabelTest, c64_2005_b_SameCategoryLabelDoesNotBeatTheServicesOnRecord) {
  const Decision d = D(Req().purpose(P::kMarketingSameCategory).offering(O::kCmrs), Facts());
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.label_overridden);
  EXPECT_EQ(d.legal_category, P::kMarketingOtherCategory);
  EXPECT_TRUE(d.basis.contains("47 CFR 64.2005(b)"));
}

// A policy that drops a carve-out drops it for the derived category, however
// the request is labelled.
TEST(FactsFormLabelTest, c64_2005_b_1_PolicyCarveOutFollowsTheDerivedCategory) {
  Policy p = FloorPolicy();
  p.uses_without_approval.Remove(P::kMarketingCpeInfoServices);
  const Decision d = Decide(Req().purpose(P::kMarketingOtherCategory).offering(O::kVoiceMessaging),
                            Facts(), RuleSetFor(kNow, {}), p);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.basis.contains("carrier policy: [uses_without_approval] purposes"));
}

TEST(FactsFormLabelTest, PlainPurposeTermsParse) {
  EXPECT_EQ(*ParsePurpose("marketing"), P::kMarketing);
  EXPECT_EQ(*ParsePurpose("billing"), P::kBillingCollection);
  EXPECT_EQ(*ParsePurpose("service"), P::kProvideService);
  EXPECT_EQ(PurposeName(P::kMarketing), "marketing");
}

}  // namespace facts_form

}  // namespace
}  // namespace proprio::rules