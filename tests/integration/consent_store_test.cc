// Consent, notices, policies and the decision log on both backends: the
// tx_consent.cc statements and the services over them, on SQLite and on
// PostgreSQL (the harness cluster; skipped without it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pg_test_db.h"
#include "services/approval_index.h"
#include "services/consent.h"
#include "services/customer_update.h"
#include "services/decisions.h"
#include "services/notices.h"
#include "services/partners.h"
#include "services/policies.h"

namespace proprio {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::PgTestDb;
using AS = rules::ApprovalScope;

enum class Backend { kSqlite, kPostgres };

Instant At(std::string_view s) { return Instant::Parse(s).value(); }

std::string SeedPolicyText() {
  std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ConsentStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store::StoreOptions options;
    if (GetParam() == Backend::kPostgres) {
      if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
      const Status created = pg_.Create();
      ASSERT_TRUE(created.ok()) << created.ToString();
      options.sqlite_path.clear();
      options.postgres_url = pg_.url();
    } else {
      static std::atomic<int> counter{0};
      dir_ = fs::path(::testing::TempDir()) /
             ("proprio_consent_store_" + std::to_string(getpid()) + "_" +
              std::to_string(counter.fetch_add(1)));
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      options.sqlite_path = (dir_ / "proprio.db").string();
    }
    auto opened = store::Store::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    Carrier c;
    c.legal_name = "Both Backends Telephone";
    c.filer_id_499 = "810001";
    c.time_zone = "America/New_York";
    carrier_ = services::AddCarrier(*store_, c, actor_).value().id;
    for (int i = 0; i < 2; ++i) {
      Customer cu;
      cu.carrier = carrier_;
      cu.account_number = "A-" + std::to_string(i);
      cu.type = i == 1 ? CustomerType::kBusiness : CustomerType::kResidential;
      cu.name = "Customer " + std::to_string(i);
      cu.phones_of_record = {"(407) 555-03" + std::to_string(10 + i)};
      cu.address_of_record = {"1 Main St", "Longwood", "FL", "32750", "US"};
      cu.services = ServiceSet::Parse(i == 1 ? "local" : "local;cmrs").value();
      if (i == 1) {
        cu.account_representative = "Rep";
        cu.cpni_contract_ref = "MSA";
      }
      customers_.push_back(services::AddCustomer(*store_, cu, actor_).value().id);
    }
  }
  void TearDown() override {
    store_.reset();
    if (GetParam() == Backend::kPostgres) {
      pg_.Drop();
    } else if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  // An opt-out notice template under the floor; returns its id.
  int64_t OptOutTemplate(const std::string& name, const std::string& channel) {
    auto in = services::NoticeTemplateFromJson(
        {{"name", name},
         {"kind", "opt_out"},
         {"channel", channel},
         {"checklist",
          {{"states_right_and_duty_to_protect", true}, {"specifies_cpni_types", true},
           {"names_recipients", true}, {"describes_purposes", true},
           {"states_right_to_disapprove_and_withdraw", true}, {"gives_precise_steps", true},
           {"states_denial_does_not_affect_service", true},
           {"comprehensible_not_misleading", true}, {"legible_and_prominent", true},
           {"states_approval_valid_until_revoked", true}, {"solicitation_proximate", true},
           {"no_cost_24x7_opt_out", true}, {"stated_waiting_days", 30}}}});
    EXPECT_TRUE(in.ok()) << in.status().ToString();
    auto t = services::AddNoticeTemplate(*store_, carrier_, *in, actor_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? t->id : 0;
  }

  std::unique_ptr<store::Store> store_;
  PgTestDb pg_;
  fs::path dir_;
  services::Actor actor_{"test", Instant::Now()};
  CarrierId carrier_;
  std::vector<CustomerId> customers_;
};

TEST_P(ConsentStoreTest, PoliciesNoticesConsentDecisions) {
  // Facts read back, the business contract included.
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto facts, tx.CustomerFactsAfter(carrier_, CustomerId(), 10));
    EXPECT_EQ(facts.size(), 2u);
    EXPECT_FALSE(facts[0].business_cpni_contract);
    EXPECT_TRUE(facts[1].business_cpni_contract);
    ASSIGN_OR_RETURN(auto one, tx.GetCustomerFacts(carrier_, customers_[1]));
    EXPECT_TRUE(one.has_value() && one->customer_type == 1);
    ASSIGN_OR_RETURN(auto none, tx.GetCustomerFacts(CarrierId(carrier_.value() + 1), customers_[1]));
    EXPECT_FALSE(none.has_value());
    return Status::Ok();
  }).ok());

  // An opt-out notice under the floor, then an opt-in.
  auto tpl_in = services::NoticeTemplateFromJson(
      {{"name", "opt-out mailer"},
       {"kind", "opt_out"},
       {"channel", "electronic"},
       {"checklist",
        {{"states_right_and_duty_to_protect", true}, {"specifies_cpni_types", true},
         {"names_recipients", true}, {"describes_purposes", true},
         {"states_right_to_disapprove_and_withdraw", true}, {"gives_precise_steps", true},
         {"states_denial_does_not_affect_service", true},
         {"comprehensible_not_misleading", true}, {"legible_and_prominent", true},
         {"states_approval_valid_until_revoked", true}, {"solicitation_proximate", true},
         {"no_cost_24x7_opt_out", true}, {"stated_waiting_days", 30}}}});
  ASSERT_TRUE(tpl_in.ok()) << tpl_in.status().ToString();
  auto tpl = services::AddNoticeTemplate(*store_, carrier_, *tpl_in, actor_);
  ASSERT_TRUE(tpl.ok()) << tpl.status().ToString();
  auto dup = services::AddNoticeTemplate(*store_, carrier_, *tpl_in, actor_);
  EXPECT_TRUE(dup.status().IsAlreadyExists());
  EXPECT_EQ(dup.status().field(), "name");
  auto listed = services::ListNoticeTemplates(*store_, carrier_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].input.notice.no_cost_24x7_opt_out);

  services::NoticeSendRequest send;
  send.template_id = tpl->id;
  send.scopes = rules::kOptOutScopes;
  send.sent_at = At("2024-01-01T15:00:00Z");
  send.all_customers = true;
  auto sent = services::SendNotice(*store_, carrier_, send, actor_);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->customers, 2);

  rules::ApprovalEvent opt_in;
  opt_in.kind = rules::ApprovalEventKind::kOptInGranted;
  opt_in.at = At("2024-03-01T15:00:00Z");
  opt_in.scopes = rules::ScopeSet{AS::kThirdParties};
  opt_in.evidence.document_id = "F-1";
  auto rec = services::RecordConsent(*store_, carrier_, customers_[0], opt_in, actor_);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();

  auto status = services::ConsentStatus(*store_, carrier_, customers_[0], At("2024-03-02T00:00:00Z"));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->status.opt_out, rules::kOptOutScopes);
  EXPECT_TRUE(status->status.opt_in.Has(AS::kThirdParties));
  EXPECT_EQ(status->events, 2u);
  auto history = services::ConsentHistory(*store_, carrier_, customers_[0]);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].event.kind, rules::ApprovalEventKind::kOptOutNoticeSent);
  EXPECT_EQ((*history)[1].event.evidence.document_id, "F-1");

  // The index follows the ledger on this backend too.
  services::DecisionService service(*store_, {});
  ASSERT_TRUE(service.LoadIndex().ok());
  EXPECT_EQ(service.index().customers(), 2u);
  json j = {{"customer", customers_[0].value()},
            {"action", "disclose"},
            {"purpose", "marketing_other_category"},
            {"recipient", {{"kind", "third_party"}}},
            {"cpni", {"usage"}},
            {"service_category", "local"},
            {"at", "2024-06-01T12:00:00Z"}};
  const rules::DecisionRequest req = services::DecisionRequestFromJson(j).value();
  auto d = service.Decide(carrier_, std::span(&req, 1), {}, actor_);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE((*d)[0].allowed);
  auto once = services::DecideOnce(*store_, carrier_, std::span(&req, 1), {}, {}, actor_);
  ASSERT_TRUE(once.ok());
  EXPECT_TRUE((*once)[0].allowed);
  EXPECT_NE((*once)[0].decision_id, (*d)[0].decision_id);
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto row, tx.GetDecision(carrier_, (*d)[0].decision_id));
    EXPECT_TRUE(row.has_value());
    if (row) {
      EXPECT_TRUE(row->allowed);
      EXPECT_EQ(row->rule_set, "fcc-2024");
      EXPECT_NE(row->basis.find("47 CFR 64.2007(b)"), std::string::npos);
    }
    ASSIGN_OR_RETURN(auto other, tx.GetDecision(CarrierId(carrier_.value() + 1), (*d)[0].decision_id));
    EXPECT_FALSE(other.has_value());
    return Status::Ok();
  }).ok());

  // The seed policy: versioned, and the index refolds under it.
  auto policy = services::SetPolicy(*store_, carrier_, SeedPolicyText(), actor_);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  ASSERT_TRUE(service.Changed(carrier_).ok());
  auto after = service.Decide(carrier_, std::span(&req, 1), {}, actor_);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE((*after)[0].allowed);  // third_parties = "never"
  EXPECT_EQ((*after)[0].policy_version, 1);
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto current, services::LoadCurrentPolicy(tx, carrier_));
    EXPECT_EQ(current.policy.version, 1);
    ASSIGN_OR_RETURN(auto v, services::LoadPolicyVersion(tx, carrier_, 1));
    EXPECT_EQ(v.sha256, policy->sha256);
    EXPECT_TRUE(services::LoadPolicyVersion(tx, carrier_, 7).status().IsNotFound());
    ASSIGN_OR_RETURN(auto marks, tx.LedgerMarksAfter(carrier_, 0, 1000));
    EXPECT_EQ(marks.back().type, "policy.set");
    ASSIGN_OR_RETURN(auto verify, tx.VerifyLedger(carrier_));
    EXPECT_TRUE(verify.valid);
    return Status::Ok();
  }).ok());
}

// 64.2003(f): a closed account is a former customer on both backends: the
// record is kept with closed_at, closing twice is refused, and marketing in a
// category the customer used to buy then needs opt-in approval (it did not,
// before the close: 64.2005(a)); billing and collection still may use CPNI.
TEST_P(ConsentStoreTest, Cfr64_2003fClosedCustomerIsAFormerCustomer) {
  services::DecisionService service(*store_, {});
  ASSERT_TRUE(service.LoadIndex().ok());
  json j = {{"customer", customers_[0].value()},
            {"action", "use"},
            {"purpose", "marketing_same_category"},
            {"recipient", {{"kind", "carrier_itself"}}},
            {"cpni", {"usage"}},
            {"service_category", "local"},
            {"at", "2030-01-01T12:00:00Z"}};
  const rules::DecisionRequest same = services::DecisionRequestFromJson(j).value();
  j["purpose"] = "billing_collection";
  const rules::DecisionRequest billing = services::DecisionRequestFromJson(j).value();
  auto before = service.Decide(carrier_, std::span(&same, 1), {}, actor_);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_TRUE((*before)[0].allowed);

  const Instant closed_at = actor_.now;
  auto closed = services::CloseCustomer(*store_, carrier_, customers_[0], closed_at,
                                        "moved out of the service area", actor_);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->closed_at, closed_at);
  auto again = services::CloseCustomer(*store_, carrier_, customers_[0], std::nullopt, "", actor_);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(carrier_, customers_[0]));
    EXPECT_TRUE(c.closed_at.has_value());
    EXPECT_EQ(c.name, "Customer 0");  // the record is kept
    ASSIGN_OR_RETURN(auto facts, tx.GetCustomerFacts(carrier_, customers_[0]));
    EXPECT_TRUE(facts && facts->closed_at.has_value());
    ASSIGN_OR_RETURN(auto other, tx.GetCustomerFacts(carrier_, customers_[1]));
    EXPECT_TRUE(other && !other->closed_at.has_value());
    ASSIGN_OR_RETURN(auto marks, tx.LedgerMarksAfter(carrier_, 0, 1000));
    EXPECT_EQ(marks.back().type, "customer.closed");
    return Status::Ok();
  }).ok());

  ASSERT_TRUE(service.Changed(carrier_).ok());
  auto after = service.Decide(carrier_, std::span(&same, 1), {}, actor_);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_FALSE((*after)[0].allowed);
  const auto& basis = (*after)[0].basis;
  EXPECT_NE(std::find(basis.begin(), basis.end(), "47 CFR 64.2003(f)"), basis.end());
  ASSERT_EQ((*after)[0].requirements.size(), 1u);
  EXPECT_EQ((*after)[0].requirements[0].kind, rules::RequirementKind::kOptInApproval);
  auto once = services::DecideOnce(*store_, carrier_, std::span(&same, 1), {}, {}, actor_);
  ASSERT_TRUE(once.ok());
  EXPECT_FALSE((*once)[0].allowed);
  auto bill = service.Decide(carrier_, std::span(&billing, 1), {}, actor_);
  ASSERT_TRUE(bill.ok());
  EXPECT_TRUE((*bill)[0].allowed);
}

// 47 CFR 64.2008(d)(2): a mailed opt-out notice sent 2023-01-10 and never
// renewed. After the lapse the decision names the lapse, its date and what
// renews it, on both paths (index and store) and in the decision log; the
// status keeps the history (last notice, lapse date).
TEST_P(ConsentStoreTest, LapsedOptOut_47CFR64_2008d2_IsNamedWithItsDateAndRenewal) {
  services::NoticeSendRequest send;
  send.template_id = OptOutTemplate("mailer", "mail");
  send.scopes = rules::kOptOutScopes;
  send.sent_at = At("2023-01-10T15:00:00Z");
  send.customers = {customers_[0]};
  auto sent = services::SendNotice(*store_, carrier_, send, actor_);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();

  const std::string expected =
      "Denied: the customer's opt-out approval lapsed on 2025-01-10 because no opt-out notice "
      "was given in two years (47 CFR 64.2008(d)(2)); a new opt-out notice renews it once its "
      "waiting period has passed (47 CFR 64.2008(d)(1)), or the customer's opt-in approval.";
  json j = {{"customer", customers_[0].value()},
            {"action", "use"},
            {"purpose", "marketing_other_category"},
            {"cpni", {"usage"}},
            {"service_category", "local"},
            {"offering", "interexchange"},
            {"at", "2025-02-01T12:00:00Z"}};
  const rules::DecisionRequest req = services::DecisionRequestFromJson(j).value();
  auto once = services::DecideOnce(*store_, carrier_, std::span(&req, 1), {}, {}, actor_);
  ASSERT_TRUE(once.ok()) << once.status().ToString();
  const rules::Decision& d = (*once)[0];
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(rules::ReasonText(d), expected);
  EXPECT_TRUE(d.basis.contains("47 CFR 64.2008(d)(2)"));
  ASSERT_EQ(d.requirements.size(), 1u);
  EXPECT_EQ(d.requirements[0].kind, rules::RequirementKind::kOptOutOrOptInApproval);
  EXPECT_EQ(services::DecisionToJson(d)["reason"], expected);

  services::DecisionService service(*store_, {});
  ASSERT_TRUE(service.LoadIndex().ok());
  auto indexed = service.Decide(carrier_, std::span(&req, 1), {}, actor_);
  ASSERT_TRUE(indexed.ok()) << indexed.status().ToString();
  EXPECT_EQ(rules::ReasonText((*indexed)[0]), expected);
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto row, tx.GetDecision(carrier_, (*indexed)[0].decision_id));
    EXPECT_TRUE(row.has_value());
    if (row) {
      EXPECT_EQ(row->reason, expected);
    }
    return Status::Ok();
  }).ok());

  // Just before the lapse (local midnight in New York) approval is in force.
  j["at"] = "2025-01-10T04:59:59Z";
  const rules::DecisionRequest before = services::DecisionRequestFromJson(j).value();
  auto b = services::DecideOnce(*store_, carrier_, std::span(&before, 1), {}, {}, actor_);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE((*b)[0].allowed);

  auto status = services::ConsentStatus(*store_, carrier_, customers_[0],
                                        At("2025-02-01T12:00:00Z"));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_TRUE(status->status.opt_out.empty());
  EXPECT_EQ(status->status.opt_out_lapsed, rules::kOptOutScopes);
  ASSERT_TRUE(status->last_opt_out_notice.has_value());
  EXPECT_EQ(status->last_opt_out_notice->sent_at, At("2023-01-10T15:00:00Z"));
  const json sj = services::ConsentReportToJson(*status);
  EXPECT_EQ(sj["opt_out_lapsed_at"], "2025-01-10T05:00:00Z");
  EXPECT_EQ(sj["opt_out_lapsed_on"], "2025-01-10");
  EXPECT_EQ(sj["opt_out_lapses_at"], "2025-01-10T05:00:00Z");  // history, not null
  EXPECT_EQ(sj["last_opt_out_notice"]["sent_at"], "2023-01-10T15:00:00Z");
  EXPECT_EQ(sj["last_opt_out_notice"]["channel"], "mail");

  // A new notice renews it: pending during its wait, not lapsed.
  send.sent_at = At("2025-02-03T15:00:00Z");
  ASSERT_TRUE(services::SendNotice(*store_, carrier_, send, actor_).ok());
  auto renewed = services::ConsentStatus(*store_, carrier_, customers_[0],
                                         At("2025-02-04T12:00:00Z"));
  ASSERT_TRUE(renewed.ok());
  EXPECT_TRUE(renewed->status.opt_out_lapsed.empty());
  EXPECT_EQ(renewed->status.opt_out_pending, rules::kOptOutScopes);
  EXPECT_EQ(renewed->last_opt_out_notice->sent_at, At("2025-02-03T15:00:00Z"));
}

// 47 U.S.C. 222(c)(2): CPNI to a new carrier on the customer's written request
// on record; the decision log keeps the request's document id (in the reason)
// on both backends, under the seed policy's express written authorization.
TEST_P(ConsentStoreTest, NewCarrier_47USC222c2_WrittenRequestOnRecordIsLogged) {
  ASSERT_TRUE(services::SetPolicy(*store_, carrier_, SeedPolicyText(), actor_).ok());
  json j = {{"customer", customers_[0].value()},
            {"action", "disclose"},
            {"purpose", "provide_service"},
            {"recipient", {{"kind", "new_carrier"}}},
            {"cpni", {"usage", "billing"}},
            {"service_category", "local"},
            {"at", "2024-06-01T12:00:00Z"}};
  const rules::DecisionRequest without = services::DecisionRequestFromJson(j).value();
  auto no = services::DecideOnce(*store_, carrier_, std::span(&without, 1), {}, {}, actor_);
  ASSERT_TRUE(no.ok()) << no.status().ToString();
  EXPECT_FALSE((*no)[0].allowed);
  EXPECT_EQ(services::DecisionToJson((*no)[0])["requires"],
            json::array({{{"kind", "written_authorization"}}}));
  j["context"] = {{"written_authorization", true}, {"written_request_document", "WR-17"}};
  const rules::DecisionRequest with = services::DecisionRequestFromJson(j).value();
  // The written request is evidence on record (services/partners.h), recorded
  // before the disclosure's instant; the request only names it.
  auto named_only = services::DecideOnce(*store_, carrier_, std::span(&with, 1), {}, {}, actor_);
  ASSERT_TRUE(named_only.ok()) << named_only.status().ToString();
  EXPECT_FALSE((*named_only)[0].allowed);
  auto wr = services::RecordNewCarrierAuthorization(
      *store_, carrier_, customers_[0], "NewCo", "WR-17", CivilDate{2024, 5, 1},
      services::Actor{"test", *Instant::Parse("2024-05-01T15:00:00Z")});
  ASSERT_TRUE(wr.ok()) << wr.status().ToString();
  services::DecisionService service(*store_, {});
  ASSERT_TRUE(service.LoadIndex().ok());
  auto yes = service.Decide(carrier_, std::span(&with, 1), {}, actor_);
  ASSERT_TRUE(yes.ok()) << yes.status().ToString();
  EXPECT_TRUE((*yes)[0].allowed);
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto row, tx.GetDecision(carrier_, (*yes)[0].decision_id));
    EXPECT_TRUE(row.has_value());
    if (row) {
      EXPECT_EQ(row->reason,
                "Allowed: the customer's affirmative written request on record (document "
                "WR-17) designates the new carrier (47 U.S.C. 222(c)(2)).");
      EXPECT_NE(row->basis.find("47 U.S.C. 222(c)(2)"), std::string::npos);
    }
    return Status::Ok();
  }).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsentStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& p) {
                           return p.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace proprio
