// 47 CFR 64.2010(h) and 52.37 (FCC 23-95): SIM change and port-out decisions,
// one test per duty, named by citation.
#include "rules/s2010h_sim_change.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "rules/testing/rules_test_util.h"

namespace proprio::rules {
namespace {

using test_util::At;

RuleSet Rs(std::string_view at, std::optional<CivilDate> compliance = CivilDate{2025, 1, 1}) {
  RuleConfig config;
  config.sim_change_compliance = compliance;
  return RuleSetFor(At(at), config);
}

SimRequestFacts Facts(std::vector<SimAuthMethod> methods, std::string_view at = "2026-06-01T15:00:00Z") {
  SimRequestFacts f;
  f.at = At(at);
  f.session_open = true;
  f.methods = std::move(methods);
  return f;
}

bool Has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// 64.2010(h)(1): a password, back-up answer, call back, photo ID or online
// sign-in authenticates a SIM change; stated call detail, a mailing or a
// business contract's method does not, and the refusal names what is missing.
TEST(SimChangeRules, c64_2010_h_1_SecureAuthenticationBeforeSimChange) {
  const RuleSet rs = Rs("2026-06-01T15:00:00Z");
  for (SimAuthMethod m : {SimAuthMethod::kPassword, SimAuthMethod::kBackupAnswer,
                          SimAuthMethod::kCallBack, SimAuthMethod::kPhotoId,
                          SimAuthMethod::kOnlineSignIn}) {
    const SimDecision d = DecideSimRequest(rs, FloorPolicy(), Facts({m}));
    EXPECT_TRUE(d.allowed) << SimAuthMethodName(m) << ": " << d.reason;
    EXPECT_EQ(d.outcome, "allowed");
    EXPECT_TRUE(Has(d.basis, "47 CFR 64.2010(h)(1)"));
    EXPECT_TRUE(d.notify);
    EXPECT_TRUE(d.in_force);
  }
  for (SimAuthMethod m : {SimAuthMethod::kCallerStatedCallDetail,
                          SimAuthMethod::kSentToAddressOfRecord,
                          SimAuthMethod::kBusinessAlternative}) {
    const SimDecision d = DecideSimRequest(rs, FloorPolicy(), Facts({m}));
    EXPECT_FALSE(d.allowed) << SimAuthMethodName(m);
    EXPECT_EQ(d.outcome, "refused_not_authenticated");
    EXPECT_TRUE(d.failed_attempt);
    EXPECT_EQ(d.basis, std::vector<std::string>{"47 CFR 64.2010(h)(1)"});
    EXPECT_NE(d.reason.find(SimAuthMethodName(m)), std::string::npos) << d.reason;
    ASSERT_EQ(d.requirements.size(), 1u);
    EXPECT_EQ(d.requirements[0].rfind("secure_authentication", 0), 0u);
    EXPECT_TRUE(d.notify);  // (h)(3): refused requests are notified too
  }
  SimRequestFacts closed = Facts({SimAuthMethod::kPassword});
  closed.session_open = false;
  const SimDecision no_session = DecideSimRequest(rs, FloorPolicy(), closed);
  EXPECT_EQ(no_session.outcome, "refused_not_authenticated");
  EXPECT_FALSE(no_session.failed_attempt);  // no session, no attempt
}

// 64.2010(h)(1) with 52.37: a port-out is decided alike and cites 52.37 too.
TEST(SimChangeRules, c64_2010_h_1_PortOutCites52_37) {
  SimRequestFacts f = Facts({SimAuthMethod::kCallerStatedCallDetail});
  f.kind = SimRequestKind::kPortOut;
  const SimDecision d = DecideSimRequest(Rs("2026-06-01T15:00:00Z"), FloorPolicy(), f);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(Has(d.basis, "47 CFR 64.2010(h)(1)"));
  EXPECT_TRUE(Has(d.basis, "47 CFR 52.37"));
  EXPECT_NE(d.reason.find("port-out"), std::string::npos);
  EXPECT_EQ(*ParseSimRequestKind("port_out"), SimRequestKind::kPortOut);
  auto bad = ParseSimRequestKind("esim");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "kind");
}

// 64.2010(h)(2): three failures within 24 hours refuse further requests for
// 24 hours from the last; two do not; old failures fall out of the window.
TEST(SimChangeRules, c64_2010_h_2_FailedAttemptsRefuseForAPeriod) {
  const Policy& p = FloorPolicy();
  EXPECT_EQ(p.sim_failed_attempts, 3);
  const std::vector<Instant> two = {At("2026-06-01T10:00:00Z"), At("2026-06-01T11:00:00Z")};
  EXPECT_FALSE(FailedAttemptsRefusedUntil(two, p, At("2026-06-01T12:00:00Z")));
  std::vector<Instant> three = two;
  three.push_back(At("2026-06-01T11:30:00Z"));
  auto until = FailedAttemptsRefusedUntil(three, p, At("2026-06-01T12:00:00Z"));
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, At("2026-06-02T11:30:00Z"));
  // The refusal ends 24 hours after the last failure.
  EXPECT_FALSE(FailedAttemptsRefusedUntil(three, p, At("2026-06-02T11:30:00Z")));
  // Failures older than the window do not count.
  const std::vector<Instant> spread = {At("2026-05-30T10:00:00Z"), At("2026-06-01T10:00:00Z"),
                                       At("2026-06-01T11:00:00Z")};
  EXPECT_FALSE(FailedAttemptsRefusedUntil(spread, p, At("2026-06-01T12:00:00Z")));

  SimRequestFacts f = Facts({SimAuthMethod::kPassword}, "2026-06-01T12:00:00Z");
  f.refused_until = until;
  f.failed_requests = 1;
  f.failed_checks = 2;  // wrong passwords count as much as refused requests
  const SimDecision d = DecideSimRequest(Rs("2026-06-01T12:00:00Z"), p, f);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.outcome, "refused_failed_attempts");
  EXPECT_EQ(d.basis, std::vector<std::string>{"47 CFR 64.2010(h)(2)"});
  EXPECT_NE(d.reason.find("2026-06-02T11:30:00Z"), std::string::npos);
  // The answer says what was counted.
  EXPECT_NE(d.reason.find("within 24 hours (failed checks of a password, back-up answer, online "
                          "password, reset code or photo ID: 2; requests refused for want of "
                          "secure authentication: 1)"),
            std::string::npos)
      << d.reason;
  EXPECT_FALSE(d.failed_attempt);

  Policy strict = p;
  strict.sim_failed_attempts = 2;
  strict.sim_refusal_hours = 48;
  EXPECT_EQ(*FailedAttemptsRefusedUntil(two, strict, At("2026-06-01T12:00:00Z")),
            At("2026-06-03T11:00:00Z"));
}

// 64.2010(h)(3): every covered request is notified; with no contact of record
// the request is refused (the notice must precede a SIM change).
TEST(SimChangeRules, c64_2010_h_3_NoticeOfEveryRequest) {
  SimRequestFacts f = Facts({SimAuthMethod::kPassword});
  f.has_contact_of_record = false;
  const SimDecision d = DecideSimRequest(Rs("2026-06-01T15:00:00Z"), FloorPolicy(), f);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.outcome, "refused_no_contact");
  EXPECT_EQ(d.basis, std::vector<std::string>{"47 CFR 64.2010(h)(3)"});
  const SimDecision ok =
      DecideSimRequest(Rs("2026-06-01T15:00:00Z"), FloorPolicy(), Facts({SimAuthMethod::kCallBack}));
  EXPECT_TRUE(ok.notify);
  EXPECT_TRUE(Has(ok.basis, "47 CFR 64.2010(h)(3)"));
}

// 64.2010(h)(4): while the lock is on, requests are refused even with a
// password; the lock changes only after secure authentication.
TEST(SimChangeRules, c64_2010_h_4_AccountLock) {
  const RuleSet rs = Rs("2026-06-01T15:00:00Z");
  SimRequestFacts f = Facts({SimAuthMethod::kPassword});
  f.locked = true;
  const SimDecision d = DecideSimRequest(rs, FloorPolicy(), f);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.outcome, "refused_locked");
  EXPECT_EQ(d.basis, std::vector<std::string>{"47 CFR 64.2010(h)(4)"});
  EXPECT_EQ(d.requirements, std::vector<std::string>{"customer_unlocks_account"});

  EXPECT_TRUE(CheckSimLockChange(rs, true, {SimAuthMethod::kPhotoId}).ok());
  const Status no = CheckSimLockChange(rs, true, {SimAuthMethod::kCallerStatedCallDetail});
  EXPECT_EQ(no.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(no.field(), "session");
  EXPECT_NE(no.message().find("47 CFR 64.2010(h)(4)"), std::string::npos);
  EXPECT_NE(no.message().find("47 CFR 64.2010(h)(1)"), std::string::npos);
  EXPECT_FALSE(CheckSimLockChange(rs, false, {SimAuthMethod::kPassword}).ok());
}

// 64.2010(h)(5): records kept 3 years (believed; CONFIRM), or the policy's
// longer period; policies may not shorten it.
TEST(SimChangeRules, c64_2010_h_5_RecordsKeptThreeYears) {
  EXPECT_EQ(SimRecordsKeptUntil(FloorPolicy(), At("2026-06-01T15:00:00Z")),
            At("2029-06-01T15:00:00Z"));
  EXPECT_EQ(SimRecordsKeptUntil(FloorPolicy(), At("2028-02-29T08:00:00Z")),
            At("2031-02-28T08:00:00Z"));
  Policy longer = FloorPolicy();
  longer.sim_record_years = 5;
  EXPECT_EQ(SimRecordsKeptUntil(longer, At("2026-06-01T15:00:00Z")), At("2031-06-01T15:00:00Z"));
  Policy shorter = FloorPolicy();
  shorter.sim_record_years = 2;
  const Status st = ValidatePolicy(shorter);
  EXPECT_EQ(st.field(), "sim_change.record_years");
  EXPECT_NE(st.message().find("47 CFR 64.2010(h)(5)"), std::string::npos);
}

// 64.2010(h)(6): no CPNI for the employee before the customer is
// authenticated; stated call detail alone authenticates nobody.
TEST(SimChangeRules, c64_2010_h_6_NoCpniBeforeAuthentication) {
  const RuleSet rs = Rs("2026-06-01T15:00:00Z");
  const Status st = CpniClosedBeforeAuthentication(rs, {SimAuthMethod::kCallerStatedCallDetail});
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("47 CFR 64.2010(h)(6)"), std::string::npos);
  EXPECT_FALSE(CpniClosedBeforeAuthentication(rs, {}).ok());
  EXPECT_TRUE(CpniClosedBeforeAuthentication(rs, {SimAuthMethod::kPassword}).ok());
}

// 64.2010(h): a wireless provider's policy may not turn the protections off;
// a non-wireless carrier's may, and its requests are then not covered.
TEST(SimChangeRules, c64_2010_h_WirelessProvidersOnly) {
  Policy off = FloorPolicy();
  off.sim_protections = false;
  const Status st = ValidatePolicy(off);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "sim_change.protections");
  EXPECT_NE(st.message().find("47 CFR 64.2010(h)"), std::string::npos);
  off.wireless_provider = false;
  EXPECT_TRUE(ValidatePolicy(off).ok());
  const SimDecision d = DecideSimRequest(Rs("2026-06-01T15:00:00Z"), off,
                                         Facts({SimAuthMethod::kCallerStatedCallDetail}));
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.applies);
  EXPECT_FALSE(d.notify);
  EXPECT_EQ(d.outcome, "not_applicable");

  auto parsed = ParsePolicy("name = \"x\"\nversion = 2\n[sim_change]\nprotections = false\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().field(), "sim_change.protections");
  auto wireline = ParsePolicy(
      "name = \"x\"\nversion = 2\n[sim_change]\nwireless_provider = false\nprotections = false\n");
  ASSERT_TRUE(wireline.ok()) << wireline.status().ToString();
  EXPECT_FALSE(wireline->sim_protections);
  auto bad = ParsePolicy("name = \"x\"\nversion = 2\n[sim_change]\nfailed_attempts = 0\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "sim_change.failed_attempts");
  // The canonical TOML round-trips the section.
  Policy custom = FloorPolicy();
  custom.version = 3;
  custom.sim_failed_attempts = 5;
  custom.sim_refusal_hours = 48;
  auto round = ParsePolicy(PolicyToToml(custom));
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  EXPECT_EQ(*round, custom);
}

// 64.2010(h): the compliance date is configuration; without it (or before it)
// the request is decided under the policy and the answer says the paragraphs
// are not yet in force. fcc-2024 carries (h), fcc-2007 does not.
TEST(SimChangeRules, c64_2010_h_ComplianceDateIsConfiguration) {
  const RuleSet none = Rs("2026-06-01T15:00:00Z", std::nullopt);
  EXPECT_FALSE(none.SimChangeInForce(At("2026-06-01T15:00:00Z")));
  const SimDecision d = DecideSimRequest(none, FloorPolicy(), Facts({SimAuthMethod::kPassword}));
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.in_force);
  EXPECT_NE(d.reason.find("not yet in force"), std::string::npos) << d.reason;

  const RuleSet later = Rs("2026-06-01T15:00:00Z", CivilDate{2026, 7, 1});
  EXPECT_FALSE(later.SimChangeInForce(At("2026-06-01T15:00:00Z")));
  EXPECT_TRUE(later.SimChangeInForce(At("2026-07-01T04:00:00Z")));  // 00:00 EDT
  EXPECT_FALSE(later.SimChangeInForce(At("2026-07-01T03:59:59Z")));
  EXPECT_EQ(later.sim_rules.size(), SimChangeRules().size());
  EXPECT_EQ(later.Cite("sim_change.lock"), "47 CFR 64.2010(h)(4)");

  const RuleSet old = RuleSetFor(At("2020-01-01T00:00:00Z"), RuleConfig{});
  EXPECT_TRUE(old.sim_rules.empty());
  EXPECT_FALSE(old.SimChangeInForce(At("2020-01-01T00:00:00Z")));

  RuleConfig early;
  early.sim_change_compliance = CivilDate{2023, 12, 31};
  const Status st = ValidateRuleConfig(early);
  EXPECT_EQ(st.field(), "sim_change_compliance");
  early.sim_change_compliance = CivilDate{2025, 2, 30};
  EXPECT_EQ(ValidateRuleConfig(early).field(), "sim_change_compliance");
  early.sim_change_compliance = CivilDate{2024, 1, 8};
  EXPECT_TRUE(ValidateRuleConfig(early).ok());
}

}  // namespace
}  // namespace proprio::rules
