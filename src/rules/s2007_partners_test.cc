// Tests of rules/s2007_partners.h and of decide()'s partner check
// (rules/decide_partners.cc): one test per paragraph, the citation in the
// name and asserted in the decision's basis or the error.
#include "rules/s2007_partners.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "rules/decide.h"
#include "rules/testing/decide_test_util.h"

namespace proprio::rules {
namespace {

using namespace decide_test;  // NOLINT: the builders of decide_test_util.h

const Policy& SeedPolicy() {
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

Decision Floor(const DecisionRequest& r, const CustomerFacts& f) {
  return Decide(r, f, RuleSetFor(r.at, {}), FloorPolicy());
}

std::vector<Requirement> Reqs(const Decision& d) {
  return {d.requirements.begin(), d.requirements.end()};
}

// An agent billing on the carrier's behalf (222(d)(1)) when the floor alone
// applies: only the registry's facts are in question.
Req AgentBilling(int64_t id) {
  return Req().purpose(Purpose::kBillingCollection).to(RecipientKind::kAgent).partner(id);
}

Req ContractorWiring(int64_t id) {
  return Req().purpose(Purpose::kInsideWiring)
      .to(RecipientKind::kIndependentContractor, Action::kPermitAccess)
      .partner(id);
}

// 47 CFR 64.2007(b): a recipient named by id must be a partner of the
// carrier's registry, registered as the kind the request names.
TEST(PartnerRules, S64_2007_b_UnknownOrMismatchedPartnerIsDenied) {
  const Decision unknown = Floor(AgentBilling(9), Facts());
  EXPECT_FALSE(unknown.allowed) << Describe(unknown);
  EXPECT_TRUE(unknown.basis.contains("47 CFR 64.2007(b)")) << Describe(unknown);
  EXPECT_EQ(Reqs(unknown), std::vector<Requirement>{Need(RK::kPartnerOnRecord)});
  EXPECT_NE(std::string(unknown.reason).find("not a partner on the carrier's registry"),
            std::string::npos);

  // Registered as a joint venturer, named as an agent.
  const Decision other = Floor(AgentBilling(9), Facts().partner(PartnerKind::kJointVenturer));
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(Reqs(other), std::vector<Requirement>{Need(RK::kPartnerOnRecord)});
  EXPECT_NE(std::string(other.reason).find("another kind"), std::string::npos);

  // A dealer is named as an agent; an affiliate as an affiliate.
  EXPECT_TRUE(Floor(AgentBilling(9), Facts().partner(PartnerKind::kDealer)).allowed);
  EXPECT_TRUE(Floor(AgentBilling(9), Facts().partner(PartnerKind::kAgent)).allowed);
  const Req affiliate =
      Req().purpose(Purpose::kBillingCollection).to(RecipientKind::kAffiliate).partner(3);
  EXPECT_TRUE(Floor(affiliate, Facts().partner(PartnerKind::kAffiliate)).allowed);
  EXPECT_FALSE(Floor(affiliate, Facts().partner(PartnerKind::kAgent)).allowed);

  // Without an id (no registry question) the floor answers as before.
  EXPECT_TRUE(Floor(Req().purpose(Purpose::kBillingCollection).to(RecipientKind::kAgent),
                    Facts()).allowed);
  EXPECT_EQ(RecipientKindOfPartner(PartnerKind::kDealer), RecipientKind::kAgent);
}

// 47 CFR 64.2007(b)(2): joint venturers and independent contractors get
// CPNI only under a confidentiality agreement in force on the day of the use.
TEST(PartnerRules, S64_2007_b_2_AgreementInForceOnTheDay) {
  const CustomerFacts base = Facts().partner(PartnerKind::kIndependentContractor);
  const Requirement agreement = Need(RK::kConfidentialityAgreement);
  struct Row {
    const char* name;
    CustomerFacts facts;
    bool allowed;
    const char* reason;
  };
  const Row rows[] = {
      {"no agreement", base, false, "no confidentiality agreement on record"},
      {"not yet", Facts(base).agreement({2025, 1, 2}), false, "not yet in effect"},
      {"expired", Facts(base).agreement({2023, 1, 1}, CivilDate{2024, 12, 31}), false,
       "expired"},
      {"last day", Facts(base).agreement({2023, 1, 1}, CivilDate{2025, 1, 1}), true, ""},
      {"first day", Facts(base).agreement({2025, 1, 1}), true, ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const Decision d = Floor(ContractorWiring(5), row.facts);
    EXPECT_EQ(d.allowed, row.allowed) << Describe(d);
    if (!row.allowed) {
      EXPECT_TRUE(d.basis.contains("47 CFR 64.2007(b)(2)")) << Describe(d);
      EXPECT_EQ(Reqs(d), std::vector<Requirement>{agreement}) << Describe(d);
      EXPECT_NE(std::string(d.reason).find(row.reason), std::string::npos) << d.reason;
    }
  }
  // An agreement missing one of the three terms is no agreement.
  CustomerFacts partial = Facts(base).agreement({2024, 1, 1});
  partial.recipient.agreement.safeguards = false;
  const Decision lacking = Floor(ContractorWiring(5), partial);
  EXPECT_FALSE(lacking.allowed);
  EXPECT_NE(std::string(lacking.reason).find("lacks a term"), std::string::npos) << lacking.reason;
  // Not named: no agreement can be on record.
  const Decision unnamed = Floor(ContractorWiring(0), Facts());
  EXPECT_FALSE(unnamed.allowed);
  EXPECT_EQ(Reqs(unnamed), std::vector<Requirement>{agreement});
  EXPECT_NE(std::string(unnamed.reason).find("recipient.id"), std::string::npos);
  // Under the seed policy: its clause cited too, and opt-in still needed.
  const Decision seed = Decide(ContractorWiring(5), base, RuleSetFor(kNow, {}), SeedPolicy());
  EXPECT_FALSE(seed.allowed);
  EXPECT_TRUE(seed.basis.contains(
      "carrier policy: [disclosure] jv_contractor_requires_confidentiality_agreement"));
  EXPECT_EQ(Reqs(seed), (std::vector<Requirement>{
                            agreement, NeedScope(RK::kOptInApproval,
                                                 AS::kJointVenturersContractors)}));
}

// 47 CFR 64.2007(b)(2): what an agreement must hold to be recorded: dates in
// order and each of the three terms attested; errors name the field.
TEST(PartnerRules, S64_2007_b_2_AgreementTermsAndDatesOnEntry) {
  ConfidentialityAgreement a;
  a.on_record = true;
  a.effective_on = {2024, 3, 1};
  a.use_only_for_purpose = a.no_further_disclosure = a.safeguards = true;
  EXPECT_TRUE(CheckConfidentialityAgreement(a).ok());
  a.expires_on = CivilDate{2024, 2, 29};
  EXPECT_EQ(CheckConfidentialityAgreement(a).field(), "agreement.expires_on");
  a.expires_on = CivilDate{2024, 3, 1};
  EXPECT_TRUE(CheckConfidentialityAgreement(a).ok());
  a.no_further_disclosure = false;
  Status st = CheckConfidentialityAgreement(a);
  EXPECT_EQ(st.field(), "agreement.terms.no_further_disclosure");
  EXPECT_NE(st.message().find("47 CFR 64.2007(b)(2)"), std::string::npos);
  a.no_further_disclosure = true;
  a.use_only_for_purpose = false;
  EXPECT_EQ(CheckConfidentialityAgreement(a).field(), "agreement.terms.use_only_for_purpose");
  a.use_only_for_purpose = true;
  a.safeguards = false;
  EXPECT_EQ(CheckConfidentialityAgreement(a, "").field(), "terms.safeguards");
  a.effective_on = {};
  EXPECT_EQ(CheckConfidentialityAgreement(a).field(), "agreement.effective_on");

  LimitedUseCertification c{true, {2024, 5, 1}, CivilDate{2024, 4, 30}};
  EXPECT_EQ(CheckLimitedUseCertification(c).field(), "certification.expires_on");
  c.expires_on.reset();
  EXPECT_TRUE(CheckLimitedUseCertification(c).ok());
  EXPECT_FALSE(CertificationInForce(c, {2024, 4, 30}));
  EXPECT_TRUE(CertificationInForce(c, {2024, 5, 1}));
}

// The seed policy's clause 4: outside dealers and agents certify that they
// use CPNI only for the purpose provided; the certification is on record.
TEST(PartnerRules, SeedClause4_DealersAndAgentsCertifyLimitedUse) {
  const RuleSet rs = RuleSetFor(kNow, {});
  for (PartnerKind kind : {PartnerKind::kAgent, PartnerKind::kDealer}) {
    SCOPED_TRACE(std::string(PartnerKindName(kind)));
    const Decision none = Decide(AgentBilling(4), Facts().partner(kind), rs, SeedPolicy());
    EXPECT_FALSE(none.allowed) << Describe(none);
    EXPECT_TRUE(none.basis.contains(
        kind == PartnerKind::kDealer
            ? "carrier policy: [disclosure] dealer_requires_limited_use_certification"
            : "carrier policy: [disclosure] agent_requires_limited_use_certification"))
        << Describe(none);
    EXPECT_EQ(Reqs(none), std::vector<Requirement>{Need(RK::kLimitedUseCertification)});
    const Decision expired = Decide(
        AgentBilling(4), Facts().partner(kind).certified({2023, 1, 1}, CivilDate{2024, 12, 31}),
        rs, SeedPolicy());
    EXPECT_FALSE(expired.allowed);
    const Decision ok =
        Decide(AgentBilling(4), Facts().partner(kind).certified({2024, 12, 31}), rs, SeedPolicy());
    EXPECT_TRUE(ok.allowed) << Describe(ok);
  }
  // The floor asks for no certification.
  EXPECT_TRUE(Floor(AgentBilling(4), Facts().partner(PartnerKind::kDealer)).allowed);
  // A request cannot assert the certification or the agreement itself.
  EXPECT_EQ(ValidateRequest(Req(AgentBilling(4)).flag(ContextFlag::kLimitedUseCertified)).field(),
            "context.limited_use_certified");
  EXPECT_EQ(
      ValidateRequest(Req(ContractorWiring(4)).flag(ContextFlag::kConfidentialityAgreement)).field(),
      "context.confidentiality_agreement");
}

TEST(PartnerRules, KindNamesRoundTrip) {
  for (int i = 0; i < kPartnerKindCount; ++i) {
    const auto k = static_cast<PartnerKind>(i);
    Result<PartnerKind> back = ParsePartnerKind(PartnerKindName(k));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, k);
  }
  Result<PartnerKind> bad = ParsePartnerKind("vendor", "kind");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "kind");
}

}  // namespace
}  // namespace proprio::rules
