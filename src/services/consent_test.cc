// Tests of services/policies, consent, notices, time_zones and the approval
// index: storage with ledger entries, the opt-out wait boundaries in the
// carrier's zone (day 29/30/31, mailed + 3, DST, the two-year renewal), and
// the index agreeing with the store.
#include <gtest/gtest.h>

#include <random>

#include "services/approval_index.h"
#include "services/consent.h"
#include "services/consent_test_util.h"
#include "services/customer_update.h"
#include "services/notices.h"
#include "services/policies.h"
#include "services/registry.h"
#include "services/time_zones.h"

namespace proprio::services {
namespace {

using testing::At;
using testing::ConsentFixture;
using testing::FullChecklist;
using testing::SeedPolicyText;
using AS = rules::ApprovalScope;
using nlohmann::json;

class PolicyServiceTest : public ConsentFixture {};
class ConsentServiceTest : public ConsentFixture {};
class NoticeServiceTest : public ConsentFixture {};
class OptOutWaitTest : public ConsentFixture {};
class ApprovalIndexTest : public ConsentFixture {};

// ---- time zones ----

TEST(TimeZonesTest, LoadsOnceAndRefusesUnknownNames) {
  auto a = LoadTimeZone("America/New_York");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = LoadTimeZone("America/New_York");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->get(), b->get());  // cached
  EXPECT_EQ((*a)->UtcOffset(At("2024-07-01T12:00:00Z")), -4 * 3600);
  EXPECT_EQ((*a)->UtcOffset(At("2024-01-01T12:00:00Z")), -5 * 3600);
  EXPECT_TRUE(LoadTimeZone("UTC").ok());
  for (const char* bad : {"", "Mars/Olympus_Mons", "../etc/passwd", "/etc/localtime", "America"}) {
    auto r = LoadTimeZone(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().field(), "time_zone");
  }
}

// ---- policies ----

TEST_F(PolicyServiceTest, FloorUntilSetThenVersionedWithALedgerEntry) {
  StoredPolicy floor;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(floor, LoadCurrentPolicy(tx, carrier_));
    return Status::Ok();
  }).ok());
  EXPECT_TRUE(floor.floor());
  EXPECT_EQ(floor.policy, rules::FloorPolicy());

  auto set = SetPolicy(*store_, carrier_, SeedPolicyText(), actor_);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->policy.version, 1);
  EXPECT_EQ(set->policy.approval_mode, rules::ApprovalMode::kOptInOnly);
  EXPECT_EQ(set->sha256.size(), 64u);
  // The same text again is idempotent; other text at the same version is not.
  auto again = SetPolicy(*store_, carrier_, SeedPolicyText(), actor_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ledger_seq, set->ledger_seq);
  std::string other = SeedPolicyText();
  other.replace(other.find("training_interval_months = 12"), 29, "training_interval_months = 6");
  auto clash = SetPolicy(*store_, carrier_, other, actor_);
  ASSERT_FALSE(clash.ok());
  EXPECT_TRUE(clash.status().IsAlreadyExists());
  EXPECT_EQ(clash.status().field(), "version");
  other.replace(other.find("version = 1"), 11, "version = 2");
  auto v2 = SetPolicy(*store_, carrier_, other, actor_);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  // An older version is refused naming the field.
  std::string old = "name = \"Old\"\nversion = 1\n";
  auto refused = SetPolicy(*store_, carrier_, old, actor_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "version");

  std::vector<StoredPolicy> history;
  StoredPolicy current;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(history, LoadPolicyHistory(tx, carrier_));
    ASSIGN_OR_RETURN(current, LoadCurrentPolicy(tx, carrier_));
    return Status::Ok();
  }).ok());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(current.policy.version, 2);
  EXPECT_EQ(current.policy.training_interval_months, 6);
  // The ledger says so.
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto entry, tx.ReadEntry(carrier_, v2->ledger_seq));
    EXPECT_EQ(entry.first.type, "policy.set");
    EXPECT_NE(entry.first.body.find("\"version\":2"), std::string::npos) << entry.first.body;
    return Status::Ok();
  }).ok());
}

TEST_F(PolicyServiceTest, LooserPolicyIsRefusedNamingTheRule) {
  auto r = SetPolicy(*store_, carrier_,
                     "name = \"Loose\"\nversion = 1\n[approval]\nopt_out_wait_days = 29\n", actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_EQ(r.status().field(), "approval.opt_out_wait_days");
  EXPECT_NE(r.status().message().find("64.2008(d)(1)"), std::string::npos) << r.status().message();
  auto none = SetPolicy(*store_, CarrierId(999), SeedPolicyText(), actor_);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.status().IsNotFound());
}

TEST_F(PolicyServiceTest, CarrierCalendarUsesZoneAndClosures) {
  ASSERT_TRUE(SetPolicy(*store_, carrier_,
                        "name = \"C\"\nversion = 1\n"
                        "[breach]\nagency_notice = { days = 7, unit = \"calendar\" }\n"
                        "[safeguards]\nopt_mechanism_failure_notice = { days = 5, unit = "
                        "\"calendar\" }\n[calendar]\nextra_closures = [2018-12-05]\n",
                        actor_)
                  .ok());
  CarrierRules cr;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(cr, LoadCarrierRules(tx, carrier_));
    return Status::Ok();
  }).ok());
  const rules::BusinessCalendar cal = cr.Calendar();
  EXPECT_FALSE(cal.IsBusinessDay({2018, 12, 5}));
  EXPECT_EQ(cal.AddBusinessDays({2018, 12, 4}, 1), (CivilDate{2018, 12, 6}));
  // The due instant is the end of the last day in New York (EST).
  EXPECT_EQ(cal.DueInstant({2024, 1, 2}).ToRfc3339(), "2024-01-03T04:59:59.999999Z");
}

// ---- consent events ----

TEST_F(ConsentServiceTest, OptInIsStoredWithLedgerEntryAndPersonalDataInPayload) {
  rules::ApprovalEvent e = OptIn(At("2024-05-01T15:00:00Z"),
                                 rules::ScopeSet{AS::kThirdParties, AS::kAffiliates});
  e.evidence.recording_id = "REC-123";
  auto r = RecordConsent(*store_, carrier_, wireline_, e, actor_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->id, 0);
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto entry, tx.ReadEntry(carrier_, r->ledger_seq));
    EXPECT_EQ(entry.first.type, "approval.opt_in_granted");
    EXPECT_EQ(entry.first.subject, "customer:" + wireline_.ToString());
    EXPECT_EQ(entry.first.body.find("FORM-1"), std::string::npos) << entry.first.body;
    EXPECT_EQ(entry.first.body.find("REC-123"), std::string::npos);
    EXPECT_TRUE(entry.second.has_value());
    EXPECT_NE(entry.second->find("FORM-1"), std::string::npos);
    return Status::Ok();
  }).ok());
  ConsentReport st = StatusAt(wireline_, "2024-05-02T00:00:00Z");
  EXPECT_EQ(st.status.opt_in, (rules::ScopeSet{AS::kThirdParties, AS::kAffiliates}));
  EXPECT_EQ(st.events, 1u);
  // Before the grant: nothing.
  EXPECT_TRUE(StatusAt(wireline_, "2024-05-01T14:59:59Z").status.opt_in.empty());
  auto history = ConsentHistory(*store_, carrier_, wireline_);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(ApprovalEventToJson((*history)[0])["evidence"]["document_id"], "FORM-1");
}

// 64.2007(a)(3): the evidence of an approval still in force is kept: three
// years after the grant (a year and more past any date counted from the grant)
// its payload cannot be erased.
TEST_F(ConsentServiceTest, Cfr64_2007a3EvidenceOfAnApprovalInForceIsNotErasable) {
  auto r = RecordConsent(*store_, carrier_, wireline_,
                         OptIn(At("2024-05-01T15:00:00Z"), rules::ScopeSet{AS::kThirdParties}),
                         actor_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Instant later = actor_.now + 3 * 366 * kMicrosPerDay;
  Status erased = store_->Transact([&](store::Tx& tx) -> Status {
    return tx.ErasePayload(carrier_, r->ledger_seq, later, "test", "retention test").status();
  });
  EXPECT_EQ(erased.code(), StatusCode::kFailedPrecondition) << erased.ToString();
  EXPECT_NE(erased.message().find("9999-12-31"), std::string::npos) << erased.message();
}

// 64.2007(a)(1): the carrier must be able to prove an approval.
TEST_F(ConsentServiceTest, c64_2007_a_1_ApprovalWithoutEvidenceIsRefused) {
  rules::ApprovalEvent e = OptIn(At("2024-05-01T15:00:00Z"), rules::ScopeSet{AS::kAgents});
  e.evidence.document_id.clear();
  auto r = RecordConsent(*store_, carrier_, wireline_, e, actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "evidence.document_id");
  EXPECT_NE(r.status().message().find("64.2007(a)(1)"), std::string::npos);
  e.evidence.channel = rules::ConsentChannel::kOral;
  r = RecordConsent(*store_, carrier_, wireline_, e, actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "evidence");
  e.evidence.staff = StaffId(3);
  EXPECT_TRUE(RecordConsent(*store_, carrier_, wireline_, e, actor_).ok());
}

// 64.2008(a)(1): notice of the right to restrict CPNI comes before any
// solicitation of approval. An opt-in (or one-time consent) for a customer
// never sent a notice is refused, citing the paragraph, unless the evidence
// shows the notice given in the same contact (evidence.notice_in_contact).
TEST_F(ConsentServiceTest, Cfr64_2008a1ApprovalWithoutPriorNoticeIsRefused) {
  rules::ApprovalEvent e = OptIn(At("2024-05-01T15:00:00Z"), rules::ScopeSet{AS::kThirdParties});
  e.evidence.notice_in_contact = false;
  auto refused = RecordConsent(*store_, carrier_, wireline_, e, actor_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().field(), "evidence.notice_in_contact");
  EXPECT_NE(refused.status().message().find("47 CFR 64.2008(a)(1)"), std::string::npos)
      << refused.status().message();
  rules::ApprovalEvent once = e;
  once.kind = rules::ApprovalEventKind::kOneTimeConsent;
  once.evidence = {rules::ConsentChannel::kOral, "", "REC-9", StaffId(), false};
  once.call_id = "call-9";
  EXPECT_EQ(RecordConsent(*store_, carrier_, wireline_, once, actor_).status().field(),
            "evidence.notice_in_contact");
  // Oral notice on the same call (64.2008(f)), shown by the recording: recorded.
  once.evidence.notice_in_contact = true;
  EXPECT_TRUE(RecordConsent(*store_, carrier_, wireline_, once, actor_).ok());
  // A notice sent after the opt-in does not cover it; one sent before does.
  const int64_t tpl = Template("opt-in letter", "opt_in", "electronic");
  NoticeSendRequest req;
  req.template_id = tpl;
  req.scopes = rules::ScopeSet{AS::kThirdParties};
  req.sent_at = At("2024-05-02T15:00:00Z");
  req.customers = {wireline_};
  ASSERT_TRUE(SendNotice(*store_, carrier_, req, actor_).ok());
  EXPECT_FALSE(RecordConsent(*store_, carrier_, wireline_, e, actor_).ok());
  e.at = At("2024-05-02T15:00:00Z");
  auto later = RecordConsent(*store_, carrier_, wireline_, e, actor_);
  EXPECT_TRUE(later.ok()) << later.status().ToString();
  // Another customer was sent nothing.
  EXPECT_FALSE(RecordConsent(*store_, carrier_, wireless_, e, actor_).ok());
}

TEST_F(ConsentServiceTest, MalformedEventsAreRefusedNamingTheField) {
  auto future = RecordConsent(*store_, carrier_, wireline_,
                              OptIn(actor_.now + 3600 * kMicrosPerSecond, rules::ScopeSet{AS::kAgents}),
                              actor_);
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.status().field(), "at");
  rules::ApprovalEvent notice;
  notice.kind = rules::ApprovalEventKind::kOptOutNoticeSent;
  notice.at = At("2024-01-01T00:00:00Z");
  notice.scopes = rules::ScopeSet{AS::kAgents};
  notice.notice_id = 1;
  auto direct = RecordConsent(*store_, carrier_, wireline_, notice, actor_);
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(direct.status().field(), "kind");
  auto unknown = RecordConsent(*store_, carrier_, CustomerId(9999),
                               OptIn(At("2024-01-01T00:00:00Z"), rules::ScopeSet{AS::kAgents}),
                               actor_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.status().IsNotFound());
  EXPECT_EQ(unknown.status().field(), "customer");
  rules::ApprovalEvent bounce;
  bounce.kind = rules::ApprovalEventKind::kOptOutNoticeBounced;
  bounce.at = At("2024-01-02T00:00:00Z");
  bounce.notice_id = 77;
  auto stray = RecordConsent(*store_, carrier_, wireline_, bounce, actor_);
  ASSERT_FALSE(stray.ok());
  EXPECT_EQ(stray.status().field(), "notice_id");
  // One-time consent needs the call (64.2008(f)).
  rules::ApprovalEvent once = OptIn(At("2024-01-02T00:00:00Z"), rules::ScopeSet{AS::kAgents});
  once.kind = rules::ApprovalEventKind::kOneTimeConsent;
  auto no_call = RecordConsent(*store_, carrier_, wireline_, once, actor_);
  ASSERT_FALSE(no_call.ok());
  EXPECT_EQ(no_call.status().field(), "call_id");
}

TEST_F(ConsentServiceTest, EventJsonIsStrict) {
  json good = {{"kind", "opt_in_granted"},
               {"at", "2024-05-01T15:00:00Z"},
               {"scopes", {"third_parties"}},
               {"evidence", {{"channel", "written"}, {"document_id", "F-1"}}}};
  auto e = ApprovalEventFromJson(good);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->scopes, rules::ScopeSet{AS::kThirdParties});
  struct Bad {
    const char* key;
    json value;
    const char* field;
  };
  for (const Bad& b : std::vector<Bad>{{"kind", "opt_maybe", "kind"},
                                       {"at", "yesterday", "at"},
                                       {"scopes", json::array({"friends"}), "scopes[0]"},
                                       {"evidence", {{"channel", "telepathy"}}, "evidence.channel"},
                                       {"colour", "blue", "colour"}}) {
    json j = good;
    j[b.key] = b.value;
    auto r = ApprovalEventFromJson(j);
    ASSERT_FALSE(r.ok()) << b.key;
    EXPECT_EQ(r.status().field(), b.field) << r.status().message();
  }
  json missing = good;
  missing.erase("at");
  EXPECT_EQ(ApprovalEventFromJson(missing).status().field(), "at");
}

TEST_F(ConsentServiceTest, RevocationStaysUntilTheCustomerChangesIt) {
  ASSERT_TRUE(RecordConsent(*store_, carrier_, wireline_,
                            OptIn(At("2024-01-01T12:00:00Z"), rules::ScopeSet{AS::kAffiliates}),
                            actor_)
                  .ok());
  rules::ApprovalEvent revoke;
  revoke.kind = rules::ApprovalEventKind::kOptInRevoked;
  revoke.at = At("2024-02-01T12:00:00Z");
  revoke.scopes = rules::ScopeSet{AS::kAffiliates};
  ASSERT_TRUE(RecordConsent(*store_, carrier_, wireline_, revoke, actor_).ok());
  EXPECT_TRUE(StatusAt(wireline_, "2024-01-15T00:00:00Z").status.opt_in.Has(AS::kAffiliates));
  const ConsentReport later = StatusAt(wireline_, "2025-06-01T00:00:00Z");
  EXPECT_FALSE(later.status.opt_in.Has(AS::kAffiliates));
  EXPECT_TRUE(later.status.disapproved.Has(AS::kAffiliates));
}

// ---- notices ----

TEST_F(NoticeServiceTest, c64_2008_c_TemplateWithDefectsIsRefusedListingEachWithItsCitation) {
  json checklist = FullChecklist();
  checklist["states_denial_does_not_affect_service"] = false;
  checklist["encourages_freezing_third_party_access"] = true;
  auto in = NoticeTemplateFromJson(
      {{"name", "bad"}, {"kind", "opt_in"}, {"channel", "mail"}, {"checklist", checklist}});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  auto r = AddNoticeTemplate(*store_, carrier_, *in, actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "checklist.states_denial_does_not_affect_service");
  EXPECT_NE(r.status().message().find("47 CFR 64.2008(c)(3)"), std::string::npos);
  EXPECT_NE(r.status().message().find("47 CFR 64.2008(c)(8)"), std::string::npos);
  EXPECT_NE(r.status().message().find("2 items"), std::string::npos) << r.status().message();
  auto list = ListNoticeTemplates(*store_, carrier_);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  // Unknown checklist items are refused by name.
  checklist["mentions_cats"] = true;
  auto unknown = NoticeTemplateFromJson(
      {{"name", "x"}, {"kind", "opt_in"}, {"channel", "mail"}, {"checklist", checklist}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "checklist.mentions_cats");
}

TEST_F(NoticeServiceTest, OptOutNoticeUnderOptInOnlyPolicyIsRefused) {
  ASSERT_TRUE(SetPolicy(*store_, carrier_, SeedPolicyText(), actor_).ok());
  auto in = NoticeTemplateFromJson({{"name", "oo"},
                                    {"kind", "opt_out"},
                                    {"channel", "mail"},
                                    {"checklist", FullChecklist()}});
  ASSERT_TRUE(in.ok());
  auto r = AddNoticeTemplate(*store_, carrier_, *in, actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "checklist.kind");
  EXPECT_NE(r.status().message().find("opt_in_only"), std::string::npos) << r.status().message();
}

TEST_F(NoticeServiceTest, SendingRecordsOneEventPerCustomer) {
  // 64.2008(b): the notice is individual: one recorded notice per customer.
  const int64_t tpl = Template("mailer", "opt_out", "mail");
  NoticeSendRequest req;
  req.template_id = tpl;
  req.scopes = rules::ScopeSet{AS::kOwnMarketingCommRelated};
  req.sent_at = At("2024-01-01T15:00:00Z");
  req.all_customers = true;
  auto r = SendNotice(*store_, carrier_, req, actor_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->customers, 3);
  for (CustomerId c : {wireline_, wireless_, business_}) {
    auto h = ConsentHistory(*store_, carrier_, c);
    ASSERT_TRUE(h.ok());
    ASSERT_EQ(h->size(), 1u);
    EXPECT_EQ((*h)[0].event.kind, rules::ApprovalEventKind::kOptOutNoticeSent);
    EXPECT_EQ((*h)[0].event.notice_id, r->notice_id);
  }
  // Opt-out notices solicit only what 64.2007(b) lets opt-out cover.
  req.scopes = rules::ScopeSet{AS::kThirdParties};
  auto third = SendNotice(*store_, carrier_, req, actor_);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().field(), "scopes");
  EXPECT_NE(third.status().message().find("64.2007(b)"), std::string::npos);
  // Unknown customer and template.
  req.scopes = rules::ScopeSet{AS::kAgents};
  req.all_customers = false;
  req.customers = {wireline_, CustomerId(4242)};
  auto missing = SendNotice(*store_, carrier_, req, actor_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().field(), "customers[1]");
  req.customers = {wireline_};
  req.template_id = 999;
  EXPECT_EQ(SendNotice(*store_, carrier_, req, actor_).status().field(), "template");
  // An e-mailed opt-out notice needs consent to e-mail on file (64.2008(d)(3)(i)).
  const int64_t email = Template("email", "opt_out", "email");
  req.template_id = email;
  auto no_consent = SendNotice(*store_, carrier_, req, actor_);
  ASSERT_FALSE(no_consent.ok());
  EXPECT_EQ(no_consent.status().field(), "email_consent_on_file");
  req.email_consent_on_file = true;
  EXPECT_TRUE(SendNotice(*store_, carrier_, req, actor_).ok());
}

TEST_F(NoticeServiceTest, OptInNoticeIsRecordedPerCustomerWithoutAnApprovalEvent) {
  const int64_t tpl = Template("optin", "opt_in", "electronic");
  NoticeSendRequest req;
  req.template_id = tpl;
  req.scopes = rules::ScopeSet{AS::kThirdParties};
  req.sent_at = At("2024-01-01T15:00:00Z");
  req.customers = {wireline_, wireless_};
  auto r = SendNotice(*store_, carrier_, req, actor_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->customers, 2);
  auto h = ConsentHistory(*store_, carrier_, wireline_);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->empty());
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto entry, tx.ReadEntry(carrier_, r->ledger_seq));
    EXPECT_EQ(entry.first.type, "notice.batch_sent");
    ASSIGN_OR_RETURN(auto one, tx.ReadEntry(carrier_, r->ledger_seq - 1));
    EXPECT_EQ(one.first.type, "notice.sent");
    return Status::Ok();
  }).ok());
}

// ---- 64.2008(d): the opt-out waiting period, in the carrier's zone ----

// Electronic notice sent on 2024-01-01 (New York): day 30 is Jan 31;
// approval is assumed from 00:00 EST on Feb 1 (05:00Z).
TEST_F(OptOutWaitTest, c64_2008_d_1_ElectronicDays29_30_31) {
  SendOptOut(wireline_, At("2024-01-01T15:00:00Z"), Template("e", "opt_out", "electronic"));
  const ConsentReport day29 = StatusAt(wireline_, "2024-01-30T17:00:00Z");
  EXPECT_TRUE(day29.status.opt_out_pending.Has(AS::kOwnMarketingCommRelated));
  ASSERT_TRUE(day29.status.opt_out_assumed_from.has_value());
  EXPECT_EQ(day29.status.opt_out_assumed_from->ToRfc3339(), "2024-02-01T05:00:00Z");
  const ConsentReport day30_end = StatusAt(wireline_, "2024-02-01T04:59:59Z");
  EXPECT_TRUE(day30_end.status.opt_out.empty());
  EXPECT_TRUE(day30_end.status.opt_out_pending.Has(AS::kAgents));
  const ConsentReport day31 = StatusAt(wireline_, "2024-02-01T05:00:00Z");
  EXPECT_EQ(day31.status.opt_out, rules::kOptOutScopes);
  EXPECT_TRUE(day31.status.opt_out_pending.empty());
}

// 64.2008(d)(1)(ii): for mail the wait starts the third day after mailing.
TEST_F(OptOutWaitTest, c64_2008_d_1_ii_MailedPlusThree) {
  SendOptOut(wireline_, At("2024-01-01T15:00:00Z"), Template("m", "opt_out", "mail"));
  EXPECT_TRUE(StatusAt(wireline_, "2024-02-04T04:59:59Z").status.opt_out.empty());
  EXPECT_EQ(StatusAt(wireline_, "2024-02-04T05:00:00Z").status.opt_out, rules::kOptOutScopes);
}

// The wait ends at local midnight, which moves with daylight saving time.
TEST_F(OptOutWaitTest, c64_2008_d_1_WaitEndsAtLocalMidnightAcrossDst) {
  // Sent 2024-02-09 (EST); assumed from 2024-03-11 00:00 EDT = 04:00Z.
  SendOptOut(wireline_, At("2024-02-09T17:00:00Z"), Template("s", "opt_out", "electronic"));
  EXPECT_TRUE(StatusAt(wireline_, "2024-03-11T03:59:59Z").status.opt_out.empty());
  EXPECT_FALSE(StatusAt(wireline_, "2024-03-11T04:00:00Z").status.opt_out.empty());
  // Sent 2024-10-04 (EDT); assumed from 2024-11-04 00:00 EST = 05:00Z.
  SendOptOut(wireless_, At("2024-10-04T16:00:00Z"), Template("f", "opt_out", "electronic"));
  EXPECT_TRUE(StatusAt(wireless_, "2024-11-04T04:59:59Z").status.opt_out.empty());
  EXPECT_FALSE(StatusAt(wireless_, "2024-11-04T05:00:00Z").status.opt_out.empty());
}

// 64.2008(d)(2): opt-out notices every two years, or the approval lapses.
TEST_F(OptOutWaitTest, c64_2008_d_2_TwoYearRenewal) {
  const int64_t tpl = Template("r", "opt_out", "electronic");
  SendOptOut(wireline_, At("2024-01-01T15:00:00Z"), tpl);
  const ConsentReport before = StatusAt(wireline_, "2026-01-01T04:59:59Z");
  EXPECT_FALSE(before.status.opt_out.empty());
  ASSERT_TRUE(before.status.opt_out_lapses_at.has_value());
  EXPECT_EQ(before.status.opt_out_lapses_at->ToRfc3339(), "2026-01-01T05:00:00Z");
  EXPECT_TRUE(StatusAt(wireline_, "2026-01-01T05:00:00Z").status.opt_out.empty());
  // A renewal sent before the lapse keeps approval continuous.
  SendOptOut(wireless_, At("2024-01-01T15:00:00Z"), tpl);
  SendOptOut(wireless_, At("2025-12-15T15:00:00Z"), tpl);
  EXPECT_FALSE(StatusAt(wireless_, "2026-01-01T05:00:00Z").status.opt_out.empty());
  EXPECT_FALSE(StatusAt(wireless_, "2027-12-14T12:00:00Z").status.opt_out.empty());
}

TEST_F(OptOutWaitTest, PolicyLongerWaitAndOptOutElection) {
  ASSERT_TRUE(SetPolicy(*store_, carrier_,
                        "name = \"Long wait\"\nversion = 1\n[approval]\nopt_out_wait_days = 35\n",
                        actor_)
                  .ok());
  SendOptOut(wireline_, At("2024-01-01T15:00:00Z"), Template("l", "opt_out", "electronic", 35));
  EXPECT_TRUE(StatusAt(wireline_, "2024-02-06T04:59:59Z").status.opt_out.empty());
  EXPECT_FALSE(StatusAt(wireline_, "2024-02-06T05:00:00Z").status.opt_out.empty());
  // The customer opts out (at any time; no cost): disapproval from then on.
  rules::ApprovalEvent out;
  out.kind = rules::ApprovalEventKind::kOptOutElected;
  out.at = At("2024-03-01T03:00:00Z");
  out.scopes = rules::kOptOutScopes;
  ASSERT_TRUE(RecordConsent(*store_, carrier_, wireline_, out, actor_).ok());
  const ConsentReport after = StatusAt(wireline_, "2024-03-01T03:00:00Z");
  EXPECT_TRUE(after.status.opt_out.empty());
  EXPECT_EQ(after.status.disapproved, rules::kOptOutScopes);
  // A template stating the floor's 30 days is refused under this policy.
  auto in = NoticeTemplateFromJson({{"name", "short"},
                                    {"kind", "opt_out"},
                                    {"channel", "mail"},
                                    {"checklist", FullChecklist(30)}});
  ASSERT_TRUE(in.ok());
  auto refused = AddNoticeTemplate(*store_, carrier_, *in, actor_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "checklist.stated_waiting_days");
}

// ---- the approval index ----

TEST_F(ApprovalIndexTest, FollowsTheLedgerAndAgreesWithTheStore) {
  ApprovalIndex index;
  ASSERT_TRUE(index.Load(*store_).ok());
  EXPECT_EQ(index.customers(), 3u);
  const int64_t tpl = Template("i", "opt_out", "electronic");
  // Through the index: catches up after each write.
  SendOptOut(wireline_, At("2024-01-01T15:00:00Z"), tpl, &index);
  ASSERT_TRUE(RecordConsent(*store_, carrier_, wireless_,
                            OptIn(At("2024-01-05T15:00:00Z"), rules::ScopeSet{AS::kThirdParties}),
                            actor_, &index)
                  .ok());
  // A customer added behind the index's back appears at the next catch-up.
  const CustomerId late = AddOne("L-1", "cmrs;local", CustomerType::kResidential);
  ASSERT_TRUE(index.CatchUp(*store_, carrier_).ok());
  EXPECT_EQ(index.customers(), 4u);
  rules::CustomerFacts f;
  {
    ApprovalIndex::Reader reader(index);
    ASSERT_EQ(reader.Facts(carrier_, late, At("2024-06-01T00:00:00Z"), &f),
              ApprovalIndex::Found::kYes);
    EXPECT_EQ(rules::CategoriesOfServiceCount(f.services), 2);
    ASSERT_EQ(reader.Facts(carrier_, wireline_, At("2024-02-01T05:00:00Z"), &f),
              ApprovalIndex::Found::kYes);
    EXPECT_EQ(f.approval.opt_out, rules::kOptOutScopes);
    ASSERT_EQ(reader.Facts(carrier_, wireless_, At("2024-02-01T05:00:00Z"), &f),
              ApprovalIndex::Found::kYes);
    EXPECT_TRUE(f.approval.opt_in.Has(AS::kThirdParties));
    // Before the last event the store must answer.
    EXPECT_EQ(reader.Facts(carrier_, wireless_, At("2024-01-01T00:00:00Z"), &f),
              ApprovalIndex::Found::kPast);
    EXPECT_EQ(reader.Facts(carrier_, CustomerId(999), At("2024-01-01T00:00:00Z"), &f),
              ApprovalIndex::Found::kNoCustomer);
    EXPECT_EQ(reader.Facts(CarrierId(77), wireline_, At("2024-01-01T00:00:00Z"), &f),
              ApprovalIndex::Found::kNoCarrier);
  }
  // Another carrier's customer is not found under this carrier.
  Carrier other;
  other.legal_name = "Other Telephone";
  other.filer_id_499 = "700002";
  other.time_zone = "America/Chicago";
  const CarrierId other_id = AddCarrier(*store_, other, actor_).value().id;
  Customer oc;
  oc.carrier = other_id;
  oc.account_number = "O-1";
  oc.name = "Other Customer";
  oc.phones_of_record = {"(312) 555-0100"};
  oc.address_of_record = {"1 State St", "Chicago", "IL", "60601", "US"};
  const CustomerId other_customer = AddCustomer(*store_, oc, actor_).value().id;
  ASSERT_TRUE(index.CatchUpAll(*store_).ok());
  {
    ApprovalIndex::Reader reader(index);
    EXPECT_EQ(reader.Facts(carrier_, other_customer, At("2024-01-01T00:00:00Z"), &f),
              ApprovalIndex::Found::kNoCustomer);
    EXPECT_EQ(reader.Facts(other_id, other_customer, At("2024-01-01T00:00:00Z"), &f),
              ApprovalIndex::Found::kYes);
  }
  // A backdated event refolds the record in time order.
  rules::ApprovalEvent revoke;
  revoke.kind = rules::ApprovalEventKind::kOptInRevoked;
  revoke.at = At("2024-01-03T00:00:00Z");
  revoke.scopes = rules::ScopeSet{AS::kThirdParties};
  ASSERT_TRUE(RecordConsent(*store_, carrier_, wireless_, revoke, actor_, &index).ok());
  {
    ApprovalIndex::Reader reader(index);
    ASSERT_EQ(reader.Facts(carrier_, wireless_, At("2024-02-01T00:00:00Z"), &f),
              ApprovalIndex::Found::kYes);
    // Revoked on the 3rd, granted on the 5th: granted.
    EXPECT_TRUE(f.approval.opt_in.Has(AS::kThirdParties));
  }
  EXPECT_TRUE(StatusAt(wireless_, "2024-02-01T00:00:00Z").status.opt_in.Has(AS::kThirdParties));
  // A policy change refolds the carrier under the new policy.
  ASSERT_TRUE(SetPolicy(*store_, carrier_,
                        "name = \"Long\"\nversion = 1\n[approval]\nopt_out_wait_days = 40\n",
                        actor_)
                  .ok());
  ASSERT_TRUE(index.CatchUp(*store_, carrier_).ok());
  {
    ApprovalIndex::Reader reader(index);
    ASSERT_EQ(reader.Facts(carrier_, wireline_, At("2024-02-01T05:00:00Z"), &f),
              ApprovalIndex::Found::kYes);
    EXPECT_TRUE(f.approval.opt_out.empty());
    EXPECT_EQ(reader.Carrier(carrier_)->policy->policy.version, 1);
  }
  EXPECT_EQ(index.SeenSeq(carrier_), [&] {
    int64_t size = 0;
    EXPECT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto head, tx.LedgerHead(carrier_));
      size = head.size;
      return Status::Ok();
    }).ok());
    return size;
  }());
}

// Issue 23: a catch-up reads what the ledger recorded since the last entry it
// saw and only the rows those entries name, never the carrier's customers
// (which made every refresh under read load cost a walk of 1M customers).
TEST_F(ApprovalIndexTest, CatchUpReadsOnlyTheCustomersTheLedgerNames) {
  for (int i = 0; i < 80; ++i) AddOne("N-" + std::to_string(i), "local", CustomerType::kResidential);
  ApprovalIndex index;
  ASSERT_TRUE(index.Load(*store_).ok());
  EXPECT_EQ(index.customers(), 83u);
  auto head = [&] {
    int64_t size = 0;
    EXPECT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto h, tx.LedgerHead(carrier_));
      size = h.size;
      return Status::Ok();
    }).ok());
    return size;
  };

  // 40 CPNI reads (cpni.accessed entries): nothing about approvals changed,
  // so no customer or event row is read.
  const int64_t before_reads = head();
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(ShowCustomer(*store_, carrier_, wireline_, "billing", actor_).ok());
  }
  ASSERT_EQ(head(), before_reads + 40);
  ASSERT_TRUE(index.CatchUp(*store_, carrier_).ok());
  ApprovalIndex::CatchUpStats stats = index.LastCatchUp();
  EXPECT_FALSE(stats.reloaded);
  EXPECT_EQ(stats.ledger_entries, 40);
  EXPECT_EQ(stats.customer_rows, 0);
  EXPECT_EQ(stats.event_rows, 0);
  EXPECT_TRUE(stats.customers.empty());
  EXPECT_EQ(index.SeenSeq(carrier_), head());

  // A consent change written behind the index's back (another process):
  // after the catch-up the index answers with it, having read that
  // customer's one event and nobody else.
  ASSERT_TRUE(RecordConsent(*store_, carrier_, wireless_,
                            OptIn(At("2024-01-05T15:00:00Z"), rules::ScopeSet{AS::kThirdParties}),
                            actor_)
                  .ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(ShowCustomer(*store_, carrier_, business_, "billing", actor_).ok());
  }
  rules::CustomerFacts f;
  {
    ApprovalIndex::Reader reader(index);
    ASSERT_EQ(reader.Facts(carrier_, wireless_, At("2024-02-01T05:00:00Z"), &f),
              ApprovalIndex::Found::kYes);
    EXPECT_FALSE(f.approval.opt_in.Has(AS::kThirdParties));  // not yet seen
  }
  ASSERT_TRUE(index.CatchUp(*store_, carrier_).ok());
  stats = index.LastCatchUp();
  EXPECT_FALSE(stats.reloaded);
  EXPECT_EQ(stats.ledger_entries, head() - before_reads - 40);
  EXPECT_EQ(stats.customer_rows, 0);
  EXPECT_EQ(stats.event_rows, 1);
  EXPECT_EQ(stats.customers, std::vector<CustomerId>{wireless_});
  {
    ApprovalIndex::Reader reader(index);
    ASSERT_EQ(reader.Facts(carrier_, wireless_, At("2024-02-01T05:00:00Z"), &f),
              ApprovalIndex::Found::kYes);
    EXPECT_TRUE(f.approval.opt_in.Has(AS::kThirdParties));
  }

  // A closed account (customer.closed) is read again, alone: a former
  // customer is answered from the store (64.2003(f)).
  ASSERT_TRUE(CloseCustomer(*store_, carrier_, business_, std::nullopt, "moved away", actor_).ok());
  ASSERT_TRUE(index.CatchUp(*store_, carrier_).ok());
  stats = index.LastCatchUp();
  EXPECT_EQ(stats.customer_rows, 1);
  EXPECT_EQ(stats.event_rows, 0);
  EXPECT_EQ(stats.customers, std::vector<CustomerId>{business_});
  {
    ApprovalIndex::Reader reader(index);
    EXPECT_EQ(reader.Facts(carrier_, business_, At("2030-01-01T00:00:00Z"), &f),
              ApprovalIndex::Found::kPast);
  }

  // A new customer is the one row after the highest id the index knows.
  const CustomerId late = AddOne("L-1", "cmrs", CustomerType::kResidential);
  ASSERT_TRUE(index.CatchUp(*store_, carrier_).ok());
  stats = index.LastCatchUp();
  EXPECT_EQ(stats.customer_rows, 1);
  EXPECT_EQ(stats.customers, std::vector<CustomerId>{late});
  EXPECT_EQ(index.customers(), 84u);

  // Nothing new: nothing read.
  ASSERT_TRUE(index.CatchUp(*store_, carrier_).ok());
  stats = index.LastCatchUp();
  EXPECT_EQ(stats.ledger_entries, 0);
  EXPECT_EQ(stats.customer_rows, 0);
}

// Random histories: the index's answer equals the store's fold at every
// instant at or after the last event.
TEST_F(ApprovalIndexTest, RandomHistoriesMatchTheStore) {
  const int64_t tpl = Template("rnd", "opt_out", "mail");
  std::mt19937 rng(7);
  const Instant base = At("2023-06-01T00:00:00Z");
  std::vector<CustomerId> customers = {wireline_, wireless_, business_};
  for (int i = 0; i < 60; ++i) {
    const CustomerId c = customers[rng() % customers.size()];
    const Instant at = base + static_cast<int64_t>(rng() % (800 * 86400)) * kMicrosPerSecond;
    const rules::ScopeSet scopes = rules::ScopeSet::FromBits(1 + rng() % 63);
    switch (rng() % 5) {
      case 0:
        SendOptOut(c, at, tpl);
        break;
      case 1:
        ASSERT_TRUE(RecordConsent(*store_, carrier_, c, OptIn(at, scopes), actor_).ok());
        break;
      default: {
        rules::ApprovalEvent e;
        e.kind = std::array{rules::ApprovalEventKind::kOptOutElected,
                            rules::ApprovalEventKind::kOptInRevoked,
                            rules::ApprovalEventKind::kOptInLimited}[rng() % 3];
        e.at = at;
        e.scopes = scopes;
        ASSERT_TRUE(RecordConsent(*store_, carrier_, c, e, actor_).ok());
      }
    }
  }
  ApprovalIndex index;
  ASSERT_TRUE(index.Load(*store_).ok());
  for (CustomerId c : customers) {
    for (const char* when : {"2025-09-01T00:00:00Z", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z"}) {
      rules::CustomerFacts f;
      ApprovalIndex::Reader reader(index);
      ASSERT_EQ(reader.Facts(carrier_, c, At(when), &f), ApprovalIndex::Found::kYes);
      EXPECT_EQ(f.approval, StatusAt(c, when).status) << c.value() << " at " << when;
    }
  }
}

TEST(ApprovalIndexMemoryTest, AMillionCustomersFitTheBudget) {
  ApprovalIndex index;
  CarrierRules cr;
  cr.carrier = CarrierId(1);
  cr.zone = std::make_shared<const rules::TimeZone>(rules::TimeZone::Utc());
  cr.policy = std::make_shared<const StoredPolicy>();
  index.PutCarrier(cr);
  for (int64_t id = 1; id <= 1'000'000; ++id) {
    index.PutCustomer({CustomerId(id), CarrierId(1), 0, 1, false, std::nullopt});
  }
  EXPECT_EQ(index.customers(), 1'000'000u);
  const double per_customer = static_cast<double>(index.MemoryBytes()) / 1e6;
  EXPECT_LE(per_customer, 200.0);
  EXPECT_GE(per_customer, 112.0);
}

}  // namespace
}  // namespace proprio::services
