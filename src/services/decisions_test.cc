// Tests of services/decisions: one case per rule paragraph through the
// service (index) and through the store (DecideOnce), the citation asserted
// in the answer and the decision logged with its id; the seed policy's
// overlays; the rule-set switch date and what-if; malformed requests, each
// with its own error naming the field; a stricter policy never allowing what
// the floor denies, over random requests.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <set>

#include "services/consent_test_util.h"
#include "services/decisions.h"
#include "services/partners.h"

namespace proprio::services {
namespace {

using testing::At;
using testing::ConsentFixture;
using testing::SeedPolicyText;
using AS = rules::ApprovalScope;
using nlohmann::json;

constexpr char kWhen[] = "2024-06-03T15:00:00Z";

enum class Given {
  kNothing,
  kOptOutNotice,     // wireline: electronic opt-out notice sent 2024-01-01
  kOptInAll,         // wireline: opt-in for every scope on 2024-01-02
  kOptInThenRevoke,  // wireline: opt-in third parties, then revoked
  kOneTimeOnCall,    // wireline: one-time consent on call "c-1" around kWhen
  kSeedPolicy,       // the seed carrier's policy
  kOptOutThenSeed,   // the opt-out notice, then the seed policy (opt-in only)
  kSeedPolicyWithWr17,  // the seed policy, and the wireline customer's written
                        // authorization WR-17 for a new carrier on record
};

struct Case {
  std::string name;  // carries the citation
  Given given;
  char who;  // 'W' wireline (local, interexchange), 'M' CMRS only, 'B' business
  json request;  // without "customer" and "at" (kWhen unless given)
  bool allowed;
  std::string citation;  // must be in basis
  std::string first_requirement;  // for denials: requires[0].kind, or empty
};

json Use(const char* purpose, const char* service = "local") {
  return {{"action", "use"},
          {"purpose", purpose},
          {"cpni", {"usage"}},
          {"service_category", service}};
}
json Give(const char* action, const char* recipient, const char* purpose,
          const char* service = "local") {
  return {{"action", action},
          {"purpose", purpose},
          {"recipient", {{"kind", recipient}}},
          {"cpni", {"usage"}},
          {"service_category", service}};
}
json With(json j, const char* key, json value) {
  j[key] = std::move(value);
  return j;
}
json Ctx(json j, json context) { return With(std::move(j), "context", std::move(context)); }

std::vector<Case> Cases() {
  const std::string pol_opt_in = "carrier policy: [approval] mode = \"opt_in_only\"";
  return {
      // ---- 47 U.S.C. 222 ----
      {"c222_c_1_ProvideService", Given::kNothing, 'W', Use("provide_service"), true,
       "47 U.S.C. 222(c)(1)", ""},
      {"c222_c_1_LegalProcess", Given::kNothing, 'W',
       Ctx(Give("disclose", "law_enforcement", "legal_process"), {{"legal_process", true}}), true,
       "47 U.S.C. 222(c)(1)", ""},
      {"c222_c_1_LegalProcessMissing", Given::kNothing, 'W',
       Give("disclose", "law_enforcement", "legal_process"), false, "47 U.S.C. 222(c)(1)",
       "legal_process"},
      {"c222_c_2_CustomerWrittenRequest", Given::kNothing, 'W',
       Ctx(Give("disclose", "customer_designee", "customer_written_request"),
           {{"written_authorization", true}}),
       true, "47 U.S.C. 222(c)(2)", ""},
      {"c222_d_1_BillingByAgent", Given::kNothing, 'W',
       Give("permit_access", "agent", "billing_collection"), true, "47 U.S.C. 222(d)(1)", ""},
      {"c222_d_2_Fraud", Given::kNothing, 'W', Use("fraud_protection"), true,
       "47 U.S.C. 222(d)(2)", ""},
      {"c64_2005_d_Fraud", Given::kNothing, 'W', Use("fraud_protection"), true,
       "47 CFR 64.2005(d)", ""},
      {"c222_d_3_InboundTelemarketing", Given::kNothing, 'W',
       Ctx(Use("inbound_telemarketing"),
           {{"customer_initiated_call", true}, {"approval_on_call", true}}),
       true, "47 U.S.C. 222(d)(3)", ""},
      {"c222_d_3_InboundTelemarketingNeedsTheCall", Given::kNothing, 'W',
       Use("inbound_telemarketing"), false, "47 U.S.C. 222(d)(3)", "customer_initiated_call"},
      {"c222_d_4_Emergency911", Given::kNothing, 'M',
       With(Ctx(Give("disclose", "public_safety", "emergency_911", "cmrs"), {{"emergency", true}}),
            "cpni", json::array({"location"})),
       true, "47 U.S.C. 222(d)(4)", ""},
      // ---- 64.2005 ----
      {"c64_2005_a_SameCategory", Given::kNothing, 'W',
       With(Use("marketing_same_category"), "offering", "interexchange"), true,
       "47 CFR 64.2005(a)", ""},
      {"c64_2005_a_1_AffiliateServingAMultiCategoryCustomer", Given::kNothing, 'W',
       Ctx(Give("disclose", "affiliate", "marketing_same_category"),
           {{"recipient_serves_customer", true}}),
       true, "47 CFR 64.2005(a)(1)", ""},
      {"c64_2005_a_2_AffiliateOfAOneCategoryCustomer", Given::kNothing, 'M',
       Give("disclose", "affiliate", "marketing_same_category", "cmrs"), false,
       "47 CFR 64.2005(a)(2)", "opt_in_approval"},
      {"c64_2005_b_OtherCategoryNeedsApproval", Given::kNothing, 'M',
       With(Use("marketing_other_category", "cmrs"), "offering", "local"), false,
       "47 CFR 64.2005(b)", "opt_out_or_opt_in_approval"},
      {"c64_2005_b_1_CmrsCpniForCpe", Given::kNothing, 'M',
       With(Use("marketing_cpe_info_services", "cmrs"), "offering", "cpe"), true,
       "47 CFR 64.2005(b)(1)", ""},
      {"c64_2005_b_2_NeverTrackCompetingCallers", Given::kOptInAll, 'W',
       Use("track_competing_callers"), false, "47 CFR 64.2005(b)(2)", ""},
      {"c64_2005_c_1_InsideWiring", Given::kNothing, 'W', Use("inside_wiring"), true,
       "47 CFR 64.2005(c)(1)", ""},
      {"c64_2005_c_2_CmrsHealthResearch", Given::kNothing, 'M',
       Use("cmrs_health_research", "cmrs"), true, "47 CFR 64.2005(c)(2)", ""},
      {"c64_2005_c_3_AdjunctToBasic", Given::kNothing, 'W', Use("marketing_adjunct_to_basic"),
       true, "47 CFR 64.2005(c)(3)", ""},
      // ---- issue 14: the facts decide, whatever the label ----
      {"c64_2005_b_1_PlainMarketingOfVoiceMailWithWirelineCpni", Given::kNothing, 'W',
       With(Use("marketing"), "offering", "voice_messaging"), true, "47 CFR 64.2005(b)(1)", ""},
      {"c64_2005_b_1_OtherCategoryLabelOverriddenByTheFacts", Given::kNothing, 'W',
       With(Use("marketing_other_category"), "offering", "voice_messaging"), true,
       "47 CFR 64.2005(b)(1)", ""},
      {"c64_2005_c_3_PlainMarketingOfAdjunctToBasic", Given::kNothing, 'W',
       With(Use("marketing"), "offering", "adjunct_to_basic"), true, "47 CFR 64.2005(c)(3)", ""},
      {"c64_2005_b_PlainMarketingOfACategoryNotBought", Given::kNothing, 'M',
       With(Use("marketing", "cmrs"), "offering", "local"), false, "47 CFR 64.2005(b)",
       "opt_out_or_opt_in_approval"},
      // ---- 64.2007, 64.2008 ----
      {"c64_2007_b_ThirdPartyNeedsOptIn", Given::kNothing, 'W',
       Give("disclose", "third_party", "marketing_other_category"), false, "47 CFR 64.2007(b)",
       "opt_in_approval"},
      {"c64_2007_b_ThirdPartyWithOptIn", Given::kOptInAll, 'W',
       Give("disclose", "third_party", "marketing_other_category"), true, "47 CFR 64.2007(b)",
       ""},
      {"c64_2007_a_2_RevokedStaysRevoked", Given::kOptInThenRevoke, 'W',
       Give("disclose", "third_party", "research"), false, "47 CFR 64.2007(a)(2)",
       "opt_in_approval"},
      {"c64_2008_d_1_OptOutApprovalAssumed", Given::kOptOutNotice, 'W',
       With(Use("marketing_other_category"), "offering", "cmrs"), true, "47 CFR 64.2008(d)(1)",
       ""},
      {"c64_2008_d_1_OptOutWaitStillRunning", Given::kOptOutNotice, 'W',
       With(With(Use("marketing_other_category"), "offering", "cmrs"), "at",
            "2024-01-31T12:00:00Z"),
       false, "47 CFR 64.2008(d)(1)", "opt_out_or_opt_in_approval"},
      {"c64_2008_f_OneTimeConsentOnTheCall", Given::kOneTimeOnCall, 'W',
       Ctx(With(Use("marketing_other_category"), "offering", "cmrs"), {{"call_id", "c-1"}}), true,
       "47 CFR 64.2008(f)", ""},
      // ---- 64.2010 ----
      {"c64_2010_a_AuthenticateTheCaller", Given::kNothing, 'W',
       Ctx(Give("disclose", "customer", "customer_account_access"), {{"channel", "inbound_call"}}),
       false, "47 CFR 64.2010(a)", "customer_authenticated"},
      {"c64_2010_b_CallDetailNeedsThePassword", Given::kNothing, 'W',
       With(Ctx(Give("disclose", "customer", "customer_account_access"),
                {{"channel", "inbound_call"}, {"customer_authenticated", true}}),
            "cpni", json::array({"call_detail"})),
       false, "47 CFR 64.2010(b)", "password"},
      {"c64_2010_c_OnlineWithPassword", Given::kNothing, 'W',
       Ctx(Give("disclose", "customer", "customer_account_access"),
           {{"channel", "online"}, {"password_provided", true}}),
       true, "47 CFR 64.2010(c)", ""},
      {"c64_2010_d_InStoreWithPhotoId", Given::kNothing, 'W',
       Ctx(Give("disclose", "customer", "customer_account_access"),
           {{"channel", "in_store"}, {"photo_id_verified", true}}),
       true, "47 CFR 64.2010(d)", ""},
      {"c64_2010_g_BusinessContract", Given::kNothing, 'B',
       With(Ctx(Give("disclose", "customer", "customer_account_access"),
                {{"channel", "inbound_call"}, {"customer_authenticated", true}}),
            "cpni", json::array({"call_detail"})),
       true, "47 CFR 64.2010(g)", ""},
      // ---- the seed policy's overlays ----
      {"SeedPolicy_NeverToThirdParties", Given::kSeedPolicy, 'W',
       Give("disclose", "third_party", "marketing_other_category"), false,
       "carrier policy: [disclosure] third_parties = \"never\"", ""},
      {"c222_c_2_NewCarrierNeedsTheWrittenRequestOnRecord", Given::kNothing, 'W',
       Give("disclose", "new_carrier", "provide_service"), false, "47 U.S.C. 222(c)(2)",
       "written_authorization"},
      {"c222_c_2_NewCarrierOnTheWrittenRequestOnRecord", Given::kSeedPolicyWithWr17, 'W',
       Ctx(Give("disclose", "new_carrier", "provide_service"),
           {{"written_authorization", true}, {"written_request_document", "WR-17"}}),
       true, "47 U.S.C. 222(c)(2)", ""},
      {"SeedPolicy_NewCarrierNeedsWrittenAuthorization", Given::kSeedPolicy, 'W',
       Give("disclose", "new_carrier", "provide_service"), false,
       "carrier policy: [disclosure] new_carrier_requires_written_authorization", ""},
      {"SeedPolicy_JointVenturerNeedsAgreementAndOptIn", Given::kSeedPolicy, 'W',
       Give("permit_access", "joint_venturer", "necessary_services"), false,
       "carrier policy: [disclosure] jv_contractor_requires_confidentiality_agreement",
       "confidentiality_agreement"},
      {"SeedPolicy_OptInOnlyIgnoresOptOut", Given::kOptOutThenSeed, 'W',
       With(Use("marketing_other_category"), "offering", "cmrs"), false, pol_opt_in,
       "opt_in_approval"},
      {"SeedPolicy_AgentNeedsLimitedUseCertification", Given::kSeedPolicy, 'W',
       Give("permit_access", "agent", "billing_collection"), false,
       "carrier policy: [disclosure] agent_requires_limited_use_certification",
       "limited_use_certification"},
  };
}

class DecisionCaseTest : public ConsentFixture, public ::testing::WithParamInterface<Case> {
 protected:
  void Setup(Given g) {
    const Instant t0 = At("2024-01-01T15:00:00Z");
    switch (g) {
      case Given::kNothing:
        break;
      case Given::kOptOutNotice:
      case Given::kOptOutThenSeed:
        SendOptOut(wireline_, t0, Template("oo", "opt_out", "electronic"));
        if (g == Given::kOptOutThenSeed) {
          ASSERT_TRUE(SetPolicy(*store_, carrier_, SeedPolicyText(), actor_).ok());
        }
        break;
      case Given::kOptInAll:
        ASSERT_TRUE(RecordConsent(*store_, carrier_, wireline_,
                                  OptIn(At("2024-01-02T15:00:00Z"), rules::kAllScopes), actor_)
                        .ok());
        break;
      case Given::kOptInThenRevoke: {
        ASSERT_TRUE(RecordConsent(*store_, carrier_, wireline_,
                                  OptIn(At("2024-01-02T15:00:00Z"),
                                        rules::ScopeSet{AS::kThirdParties}),
                                  actor_)
                        .ok());
        rules::ApprovalEvent revoke;
        revoke.kind = rules::ApprovalEventKind::kOptInRevoked;
        revoke.at = At("2024-02-02T15:00:00Z");
        revoke.scopes = rules::ScopeSet{AS::kThirdParties};
        ASSERT_TRUE(RecordConsent(*store_, carrier_, wireline_, revoke, actor_).ok());
        break;
      }
      case Given::kOneTimeOnCall: {
        rules::ApprovalEvent once = OptIn(At("2024-06-03T14:50:00Z"),
                                          rules::ScopeSet{AS::kOwnMarketingCommRelated});
        once.kind = rules::ApprovalEventKind::kOneTimeConsent;
        once.evidence.channel = rules::ConsentChannel::kOral;
        once.evidence.recording_id = "REC-9";
        once.call_id = "c-1";
        once.call_end = At("2024-06-03T15:10:00Z");
        ASSERT_TRUE(RecordConsent(*store_, carrier_, wireline_, once, actor_).ok());
        break;
      }
      case Given::kSeedPolicy:
        ASSERT_TRUE(SetPolicy(*store_, carrier_, SeedPolicyText(), actor_).ok());
        break;
      case Given::kSeedPolicyWithWr17: {
        ASSERT_TRUE(SetPolicy(*store_, carrier_, SeedPolicyText(), actor_).ok());
        // Recorded before the decisions' instant (kWhen): evidence on record.
        const Actor before{"test", At("2024-01-02T15:00:00Z")};
        auto wr = RecordNewCarrierAuthorization(*store_, carrier_, wireline_, "NewCo", "WR-17",
                                                {2024, 1, 2}, before);
        ASSERT_TRUE(wr.ok()) << wr.status().ToString();
        break;
      }
    }
  }

  rules::DecisionRequest Request(const Case& c) {
    json j = c.request;
    j["customer"] = (c.who == 'W' ? wireline_ : c.who == 'M' ? wireless_ : business_).value();
    if (!j.contains("at")) j["at"] = kWhen;
    auto r = DecisionRequestFromJson(j);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : rules::DecisionRequest{};
  }
};

std::string Describe(const rules::Decision& d) { return DecisionToJson(d).dump(); }

// Issue 14: the answer names the legal category the facts gave and says when
// they overrode the caller's label.
TEST(DecisionJsonTest, c64_2005_AnswerSaysWhenTheFactsOverrodeTheLabel) {
  rules::Decision d;
  d.legal_category = rules::Purpose::kMarketingCpeInfoServices;
  d.label = rules::Purpose::kMarketingOtherCategory;
  d.label_overridden = true;
  json j = DecisionToJson(d);
  EXPECT_EQ(j["legal_category"], "marketing_cpe_info_services");
  EXPECT_EQ(j["label_overridden"], true);
  EXPECT_EQ(j["note"], rules::LabelNote(d));
  EXPECT_NE(j["note"].get<std::string>().find("'marketing_other_category'"), std::string::npos);
  d.label_overridden = false;
  j = DecisionToJson(d);
  EXPECT_EQ(j["label_overridden"], false);
  EXPECT_FALSE(j.contains("note"));
}

TEST_P(DecisionCaseTest, DecidesOnTheCitedRuleThroughIndexAndStore) {
  const Case& c = GetParam();
  Setup(c.given);
  const rules::DecisionRequest req = Request(c);

  // Through the store (the CLI's path), logged in the same transaction.
  auto once = DecideOnce(*store_, carrier_, std::span(&req, 1), {}, {}, actor_);
  ASSERT_TRUE(once.ok()) << once.status().ToString();
  const rules::Decision& d = (*once)[0];
  EXPECT_EQ(d.allowed, c.allowed) << Describe(d);
  EXPECT_TRUE(d.basis.contains(c.citation)) << "missing " << c.citation << ": " << Describe(d);
  EXPECT_TRUE(std::string_view(d.reason).starts_with(c.allowed ? "Allowed" : "Denied"));
  if (!c.first_requirement.empty()) {
    ASSERT_FALSE(d.requirements.empty()) << Describe(d);
    EXPECT_EQ(rules::RequirementKindName(d.requirements[0].kind), c.first_requirement)
        << Describe(d);
  }
  EXPECT_GT(d.decision_id, 0);

  // Through the service and its index: the same answer, logged too.
  DecisionService service(*store_, {});
  ASSERT_TRUE(service.LoadIndex().ok());
  auto logged = service.Decide(carrier_, std::span(&req, 1), {}, actor_);
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  const rules::Decision& s = (*logged)[0];
  json a = DecisionToJson(d), b = DecisionToJson(s);
  a.erase("decision_id");
  b.erase("decision_id");
  EXPECT_EQ(a, b);
  EXPECT_GT(s.decision_id, d.decision_id);

  // The log holds the decision under its id.
  std::optional<store::DecisionRow> row;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.GetDecision(carrier_, s.decision_id));
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->allowed, c.allowed);
  EXPECT_NE(row->basis.find(c.citation), std::string::npos);
  const json shown = DecisionRowToJson(*row);
  EXPECT_EQ(shown["request"]["purpose"], c.request["purpose"]);
  EXPECT_EQ(shown["requires"], b["requires"]);
}

INSTANTIATE_TEST_SUITE_P(Rules, DecisionCaseTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& p) { return p.param.name; });

class DecisionServiceTest : public ConsentFixture {};

// The rule set in force at the request's instant decides: fcc-2024 from
// 00:00 on 2024-03-13 in Washington (EDT by then).
TEST_F(DecisionServiceTest, RuleSetSwitchDateAndWhatIf) {
  auto ask = [&](const char* at, const std::string& rule_set) {
    json j = Use("provide_service");
    j["customer"] = wireline_.value();
    j["at"] = at;
    const rules::DecisionRequest r = DecisionRequestFromJson(j).value();
    DecideOptions o;
    o.rule_set = rule_set;
    auto d = DecideOnce(*store_, carrier_, std::span(&r, 1), o, {}, actor_);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? std::string((*d)[0].rule_set) : std::string();
  };
  EXPECT_EQ(ask("2024-03-13T03:59:59Z", ""), "fcc-2007");
  EXPECT_EQ(ask("2024-03-13T04:00:00Z", ""), "fcc-2024");
  EXPECT_EQ(ask("2013-02-20T12:00:00Z", ""), "fcc-2007");
  EXPECT_EQ(ask("2025-01-01T12:00:00Z", "fcc-2007"), "fcc-2007");
  EXPECT_EQ(ask("2012-01-01T12:00:00Z", "fcc-2024"), "fcc-2024");
  json j = Use("provide_service");
  j["customer"] = wireline_.value();
  j["at"] = kWhen;
  const rules::DecisionRequest r = DecisionRequestFromJson(j).value();
  DecideOptions bad;
  bad.rule_set = "fcc-1996";
  auto refused = DecideOnce(*store_, carrier_, std::span(&r, 1), bad, {}, actor_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "rule_set");
  DecisionService service(*store_, {});
  rules::Decision out;
  EXPECT_EQ(service.Evaluate(carrier_, std::span(&r, 1), bad, &out).field(), "rule_set");
}

struct BadRequest {
  std::string name;
  std::function<void(json&)> change;
  std::string field;
  std::string needle;  // in the message
};

TEST_F(DecisionServiceTest, MalformedRequestsEachNameTheirField) {
  const json good = {{"customer", 1},
                     {"action", "disclose"},
                     {"purpose", "marketing_same_category"},
                     {"recipient", {{"kind", "affiliate"}, {"id", 7}}},
                     {"cpni", {"usage"}},
                     {"service_category", "local"},
                     {"context", {{"recipient_serves_customer", true}}},
                     {"at", kWhen}};
  ASSERT_TRUE(DecisionRequestFromJson(good).ok()) << DecisionRequestFromJson(good).status().ToString();
  const std::vector<BadRequest> cases = {
      {"UnknownPurpose", [](json& j) { j["purpose"] = "curiosity"; }, "purpose",
       "unknown purpose 'curiosity'"},
      {"MissingCustomer", [](json& j) { j.erase("customer"); }, "customer", "required"},
      {"CustomerNotAnId", [](json& j) { j["customer"] = "forty-two"; }, "customer", "integer"},
      {"BadInstant", [](json& j) { j["at"] = "2024-13-45T99:00:00Z"; }, "at", "RFC 3339"},
      {"MissingInstant", [](json& j) { j.erase("at"); }, "at", "required"},
      {"UnknownAction", [](json& j) { j["action"] = "sell"; }, "action", "unknown action"},
      {"UnknownRecipient", [](json& j) { j["recipient"]["kind"] = "friend"; }, "recipient.kind",
       "unknown recipient kind"},
      {"NegativeRecipientId", [](json& j) { j["recipient"]["id"] = -1; }, "recipient.id", ""},
      {"UnknownCpni", [](json& j) { j["cpni"] = {"usage", "dna"}; }, "cpni[1]",
       "unknown CPNI category"},
      {"NoCpni", [](json& j) { j["cpni"] = json::array(); }, "cpni", "at least one"},
      {"NotATelecomService", [](json& j) { j["service_category"] = "internet_access"; },
       "service_category", "telecommunications service"},
      {"UnknownContextFlag", [](json& j) { j["context"]["vibes"] = true; }, "context.vibes",
       "unknown context flag"},
      {"ContextFlagNotBoolean", [](json& j) { j["context"]["emergency"] = "yes"; },
       "context.emergency", "true or false"},
      {"UnknownChannel", [](json& j) { j["context"]["channel"] = "pigeon"; }, "context.channel",
       ""},
      {"UnknownField", [](json& j) { j["colour"] = "blue"; }, "colour", "unknown field"},
      {"UseByAnotherParty", [](json& j) { j["action"] = "use"; }, "recipient.kind", "'use'"},
      {"CustomerAccessToSomeoneElse", [](json& j) { j["purpose"] = "customer_account_access"; },
       "recipient.kind", "customer_account_access"},
      {"CpeWithoutOffering", [](json& j) { j["purpose"] = "marketing_cpe_info_services"; },
       "offering", "name the CPE"},
  };
  for (const BadRequest& c : cases) {
    json j = good;
    c.change(j);
    auto r = DecisionRequestFromJson(j);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << c.name;
    EXPECT_EQ(r.status().field(), c.field) << c.name << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos)
        << c.name << ": " << r.status().message();
    // In a batch the same error names the request.
    bool batch = false;
    auto b = DecisionRequestsFromJson({{"requests", {good, j}}}, &batch);
    ASSERT_FALSE(b.ok()) << c.name;
    EXPECT_EQ(b.status().field(), "requests[1]." + c.field) << c.name;
  }
  bool batch = false;
  EXPECT_FALSE(DecisionRequestsFromJson(json::array(), &batch).ok());
  EXPECT_EQ(DecisionRequestsFromJson({{"requests", json::array()}}, &batch).status().field(),
            "requests");
  EXPECT_EQ(DecisionRequestsFromJson({{"requests", "all"}}, &batch).status().field(), "requests");
}

TEST_F(DecisionServiceTest, UnknownCustomerIsNotFoundNamingTheRequest) {
  json j = Use("provide_service");
  j["at"] = kWhen;
  j["customer"] = wireline_.value();
  const rules::DecisionRequest ok = DecisionRequestFromJson(j).value();
  j["customer"] = 987654;
  const rules::DecisionRequest missing = DecisionRequestFromJson(j).value();
  const std::vector<rules::DecisionRequest> both = {ok, missing};
  DecisionService service(*store_, {});
  ASSERT_TRUE(service.LoadIndex().ok());
  auto r = service.Decide(carrier_, both, {}, actor_, true);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_EQ(r.status().field(), "requests[1].customer");
  auto once = DecideOnce(*store_, carrier_, std::span(&missing, 1), {}, {}, actor_);
  EXPECT_EQ(once.status().field(), "customer");
  // Another carrier's customer is not visible either.
  auto other = DecideOnce(*store_, CarrierId(55), std::span(&ok, 1), {}, {}, actor_);
  EXPECT_TRUE(other.status().IsNotFound());
}

TEST_F(DecisionServiceTest, BatchIsLoggedWithDistinctIdsAndSeesWritesAtOnce) {
  DecisionService service(*store_, {});
  ASSERT_TRUE(service.LoadIndex().ok());
  std::vector<rules::DecisionRequest> reqs;
  for (CustomerId c : {wireline_, wireless_, business_}) {
    json j = Give("disclose", "third_party", "marketing_other_category");
    j["customer"] = c.value();
    j["at"] = kWhen;
    reqs.push_back(DecisionRequestFromJson(j).value());
  }
  auto first = service.Decide(carrier_, reqs, {}, actor_, true);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::set<int64_t> ids;
  for (const rules::Decision& d : *first) {
    EXPECT_FALSE(d.allowed);
    ids.insert(d.decision_id);
  }
  EXPECT_EQ(ids.size(), 3u);
  // Opt-in recorded through the index's catch-up: the next decision sees it.
  ASSERT_TRUE(RecordConsent(*store_, carrier_, wireless_,
                            OptIn(At("2024-06-01T00:00:00Z"), rules::ScopeSet{AS::kThirdParties}),
                            actor_, &service.index())
                  .ok());
  auto second = service.Decide(carrier_, reqs, {}, actor_, true);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE((*second)[0].allowed);
  EXPECT_TRUE((*second)[1].allowed);
  // A customer added by another writer is found (the index catches up on a miss).
  const CustomerId late = AddOne("L-9", "local", CustomerType::kResidential);
  json j = Use("provide_service");
  j["customer"] = late.value();
  j["at"] = kWhen;
  const rules::DecisionRequest lr = DecisionRequestFromJson(j).value();
  auto third = service.Decide(carrier_, std::span(&lr, 1), {}, actor_);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE((*third)[0].allowed);
  // A question about the past (before the opt-in) is answered from the store.
  json past = Give("disclose", "third_party", "marketing_other_category");
  past["customer"] = wireless_.value();
  past["at"] = "2024-05-01T00:00:00Z";
  const rules::DecisionRequest pr = DecisionRequestFromJson(past).value();
  auto fourth = service.Decide(carrier_, std::span(&pr, 1), {}, actor_);
  ASSERT_TRUE(fourth.ok());
  EXPECT_FALSE((*fourth)[0].allowed);
}

// A stricter policy never allows what the floor denies: the seed carrier and
// a floor carrier with the same customers and approvals, random requests.
TEST_F(DecisionServiceTest, StricterPolicyNeverAllowsWhatTheFloorDenies) {
  Carrier c;
  c.legal_name = "Seed Telephone";
  c.filer_id_499 = "700009";
  c.time_zone = "America/New_York";
  const CarrierId seed = AddCarrier(*store_, c, actor_).value().id;
  ASSERT_TRUE(SetPolicy(*store_, seed, SeedPolicyText(), actor_).ok());
  std::vector<std::pair<CustomerId, CustomerId>> pairs;
  const char* services[] = {"local;interexchange", "cmrs", "local"};
  const CustomerId floor_ids[] = {wireline_, wireless_, business_};
  for (int i = 0; i < 3; ++i) {
    Customer cu;
    cu.carrier = seed;
    cu.account_number = "S-" + std::to_string(i);
    cu.type = i == 2 ? CustomerType::kBusiness : CustomerType::kResidential;
    cu.name = "Seed " + std::to_string(i);
    cu.phones_of_record = {"(407) 555-02" + std::to_string(10 + i)};
    cu.address_of_record = {"1 Main St", "Longwood", "FL", "32750", "US"};
    cu.services = ServiceSet::Parse(services[i]).value();
    if (i == 2) {
      cu.account_representative = "R";
      cu.cpni_contract_ref = "C";
    }
    pairs.push_back({floor_ids[i], AddCustomer(*store_, cu, actor_).value().id});
  }
  // Same approvals on both sides.
  std::mt19937 rng(11);
  for (const auto& [f, s] : pairs) {
    const rules::ScopeSet scopes = rules::ScopeSet::FromBits(rng() % 64);
    if (scopes.empty()) continue;
    ASSERT_TRUE(RecordConsent(*store_, carrier_, f, OptIn(At("2024-02-01T00:00:00Z"), scopes), actor_).ok());
    ASSERT_TRUE(RecordConsent(*store_, seed, s, OptIn(At("2024-02-01T00:00:00Z"), scopes), actor_).ok());
  }
  DecisionService service(*store_, {});
  ASSERT_TRUE(service.LoadIndex().ok());
  int allowed_floor = 0, allowed_seed = 0;
  for (int i = 0; i < 3000; ++i) {
    rules::DecisionRequest r;
    const auto& [f, s] = pairs[rng() % pairs.size()];
    r.purpose = static_cast<rules::Purpose>(rng() % rules::kPurposeCount);
    r.recipient.kind = static_cast<rules::RecipientKind>(rng() % rules::kRecipientKindCount);
    r.action = r.recipient.kind == rules::RecipientKind::kCarrierItself
                   ? rules::Action::kUse
                   : (rng() % 2 ? rules::Action::kDisclose : rules::Action::kPermitAccess);
    r.cpni = rules::CpniSet::FromBits(1 + rng() % 31);
    r.service_category = static_cast<ServiceCategory>(rng() % 4);
    r.offering = static_cast<rules::Offering>(rng() % rules::kOfferingCount);
    r.context.flags = rules::ContextFlags::FromBits(rng() % (1u << rules::kContextFlagCount));
    r.context.channel = static_cast<rules::AccessChannel>(rng() % rules::kAccessChannelCount);
    r.at = At(kWhen);
    r.customer = f;
    if (!rules::ValidateRequest(r).ok()) continue;
    rules::Decision floor_d, seed_d;
    ASSERT_TRUE(service.Evaluate(carrier_, std::span(&r, 1), {}, &floor_d).ok());
    r.customer = s;
    ASSERT_TRUE(service.Evaluate(seed, std::span(&r, 1), {}, &seed_d).ok());
    allowed_floor += floor_d.allowed;
    allowed_seed += seed_d.allowed;
    if (seed_d.allowed) {
      EXPECT_TRUE(floor_d.allowed) << DecisionRequestToJson(r).dump() << "\nseed: "
                                   << Describe(seed_d) << "\nfloor: " << Describe(floor_d);
    }
  }
  EXPECT_GT(allowed_seed, 0);
  EXPECT_LT(allowed_seed, allowed_floor);
}

}  // namespace
}  // namespace proprio::services
