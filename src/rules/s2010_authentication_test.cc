// 47 CFR 64.2010's pure checks: one test per rule, named after its citation;
// each asserts the refusal's field and the citation from the rule set's table.
#include "rules/s2010_authentication.h"

#include <gtest/gtest.h>

namespace proprio::rules {
namespace {

RuleSet Rules() { return RuleSetFor(*Instant::Parse("2025-03-03T15:00:00Z"), RuleConfig{}); }

Customer Dana() {
  Customer c;
  c.id = CustomerId(7);
  c.account_number = "ACCT-55123-9";
  c.name = "Dana Whitfield";
  c.email = "dana.whitfield@example.com";
  c.phones_of_record = {"+14075550142"};
  c.address_of_record = {"1187 Magnolia Street", "Orlando", "FL", "32750", "US"};
  return c;
}

TEST(AuthenticationRulesTest, CitationsComeFromTheRuleSetTable) {
  const RuleSet rs = Rules();
  EXPECT_EQ(rs.Cite("disclosure.passwords"), "47 CFR 64.2010(e)");
  EXPECT_EQ(CiteBoth(rs, "disclosure.telephone", "disclosure.passwords"),
            "47 CFR 64.2010(b), (e)");
  EXPECT_EQ(CiteBoth(rs, "definitions", "disclosure.passwords"),
            "47 CFR 64.2003, 47 CFR 64.2010(e)");
}

TEST(AuthenticationRulesTest, c64_2010_b_e_PasswordRefusesBiographicalAndAccountInformation) {
  const RuleSet rs = Rules();
  const Customer c = Dana();
  struct Case {
    const char* secret;
    const char* reason;
  };
  const Case cases[] = {
      {"my ssn 123-45-6789", "social security"}, {"born 03/14/1985!", "date"},
      {"bill was $84.17", "amount"},            {"ACCT-55123-9", "account number"},
      {"ends in 0142 ok", "telephone number"},  {"zip 32750 home", "ZIP"},
      {"house 1187 door", "house number"},      {"magnolia-rules", "address"},
      {"Whitfield2025x", "name"},               {"dana.whitfield!!", "name"},
  };
  for (const Case& k : cases) {
    const Status st = CheckCpniPassword(rs, c, k.secret);
    EXPECT_TRUE(st.IsInvalidArgument()) << k.secret;
    EXPECT_EQ(st.field(), "password");
    EXPECT_NE(st.message().find(k.reason), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("47 CFR 64.2010(b), (e) does not allow a password"),
              std::string::npos)
        << st.message();
    EXPECT_EQ(st.message().find(k.secret), std::string::npos) << st.message();
  }
  EXPECT_TRUE(CheckCpniPassword(rs, c, "Tangerine-Kayak-42").ok());
  const Status short_one = CheckCpniPassword(rs, c, "short");
  EXPECT_EQ(short_one.field(), "password");
  EXPECT_EQ(short_one.message(), "the password must be 8 to 128 bytes long");
}

TEST(AuthenticationRulesTest, c64_2010_e_BackupQuestionAndAnswer) {
  const RuleSet rs = Rules();
  const Status q = CheckBackupQuestion(rs, "What is your mother's maiden name?");
  EXPECT_EQ(q.field(), "question");
  EXPECT_NE(q.message().find("a mother's maiden name"), std::string::npos);
  EXPECT_NE(q.message().find("47 CFR 64.2010(e) does not allow a back-up authentication"),
            std::string::npos)
      << q.message();
  EXPECT_TRUE(CheckBackupQuestion(rs, "What was your first pet's name?").ok());
  const Status a = CheckBackupAnswer(rs, Dana(), "Whitfield");
  EXPECT_EQ(a.field(), "answer");
  EXPECT_NE(a.message().find("47 CFR 64.2010(e) does not allow a back-up authentication"),
            std::string::npos)
      << a.message();
  EXPECT_TRUE(CheckBackupAnswer(rs, Dana(), "Captain Whiskers").ok());
  EXPECT_EQ(NormalizeAnswer("  Captain   WHISKERS "), "captain whiskers");
}

TEST(AuthenticationRulesTest, c64_2010_e_ServiceInitiationRolesAndWindow) {
  const RuleSet rs = Rules();
  EXPECT_TRUE(CheckServiceInitiationRoles(rs, {Role::kCsr}).ok());
  EXPECT_TRUE(CheckServiceInitiationRoles(rs, {Role::kSystem}).ok());
  const Status role = CheckServiceInitiationRoles(rs, {Role::kSupervisor});
  EXPECT_EQ(role.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(role.field(), "at_service_initiation");
  EXPECT_NE(role.message().find("(47 CFR 64.2010(e))"), std::string::npos);
  const Status staff = RefuseInactiveInitiationStaff(rs, "4");
  EXPECT_EQ(staff.field(), "at_service_initiation");
  EXPECT_NE(staff.message().find("staff member 4 is not an active"), std::string::npos);

  Customer c = Dana();
  const Status unknown = CheckServiceInitiationWindow(rs, c, CivilDate{2025, 3, 3}, 1);
  EXPECT_EQ(unknown.field(), "at_service_initiation");
  EXPECT_NE(unknown.message().find("has no service_since"), std::string::npos);
  c.service_since = CivilDate{2025, 3, 2};
  EXPECT_TRUE(CheckServiceInitiationWindow(rs, c, CivilDate{2025, 3, 2}, 1).ok());
  EXPECT_TRUE(CheckServiceInitiationWindow(rs, c, CivilDate{2025, 3, 3}, 1).ok());
  const Status late = CheckServiceInitiationWindow(rs, c, CivilDate{2025, 3, 4}, 1);
  EXPECT_EQ(late.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(late.message().find("open on that day and 1 day after"), std::string::npos)
      << late.message();
  EXPECT_NE(late.message().find("(47 CFR 64.2010(e))"), std::string::npos);
  const Status only = CheckServiceInitiationWindow(rs, c, CivilDate{2025, 3, 3}, 0);
  EXPECT_NE(only.message().find("open on that day only"), std::string::npos);
  EXPECT_FALSE(CheckServiceInitiationWindow(rs, c, CivilDate{2025, 3, 1}, 1).ok());
}

TEST(AuthenticationRulesTest, LockoutBacksOffFromBaseToMax) {
  const Lockout phone{3, 3600LL * kMicrosPerSecond, 24LL * 3600 * kMicrosPerSecond};
  const Instant now = *Instant::Parse("2025-03-03T15:00:00Z");
  EXPECT_FALSE(LockedUntil(2, phone, now).has_value());
  EXPECT_EQ(*LockedUntil(3, phone, now), now + 3600LL * kMicrosPerSecond);
  EXPECT_EQ(LockoutMicros(4, phone), 2 * 3600LL * kMicrosPerSecond);
  EXPECT_EQ(LockoutMicros(5, phone), 4 * 3600LL * kMicrosPerSecond);
  EXPECT_EQ(LockoutMicros(9, phone), 24LL * 3600 * kMicrosPerSecond);   // capped
  EXPECT_EQ(LockoutMicros(200, phone), 24LL * 3600 * kMicrosPerSecond);  // no overflow
}

}  // namespace
}  // namespace proprio::rules
