// services/consent_test_util.h: a temporary store with one carrier (America/
// New_York) and a few customers, for the consent and decision tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "rules/testing/rules_test_util.h"
#include "services/consent.h"
#include "services/decisions.h"
#include "services/notices.h"
#include "services/policies.h"
#include "services/registry.h"

namespace proprio::services::testing {

using rules::test_util::At;

inline std::string SeedPolicyText() {
  std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A notice checklist with every 64.2008(c) item satisfied.
inline nlohmann::json FullChecklist(int waiting_days = 30) {
  return {{"states_right_and_duty_to_protect", true},
          {"specifies_cpni_types", true},
          {"names_recipients", true},
          {"describes_purposes", true},
          {"states_right_to_disapprove_and_withdraw", true},
          {"gives_precise_steps", true},
          {"states_denial_does_not_affect_service", true},
          {"comprehensible_not_misleading", true},
          {"legible_and_prominent", true},
          {"states_approval_valid_until_revoked", true},
          {"solicitation_proximate", true},
          {"email_reply_to_opt_out", true},
          {"email_subject_clear", true},
          {"no_cost_24x7_opt_out", true},
          {"stated_waiting_days", waiting_days}};
}

class ConsentFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-consent-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::move(store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/t.db")).value());
    Carrier c;
    c.legal_name = "Consent Telephone";
    c.filer_id_499 = "700001";
    c.time_zone = "America/New_York";
    carrier_ = AddCarrier(*store_, c, actor_).value().id;
    // Local and interexchange (two categories of service).
    wireline_ = AddOne("W-1", "local;interexchange", CustomerType::kResidential);
    // CMRS only (one category).
    wireless_ = AddOne("M-1", "cmrs", CustomerType::kResidential);
    // A business customer with a representative and a CPNI contract.
    business_ = AddOne("B-1", "local", CustomerType::kBusiness);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  CustomerId AddOne(const std::string& account, const std::string& services, CustomerType type) {
    Customer c;
    c.carrier = carrier_;
    c.account_number = account;
    c.type = type;
    c.name = "Customer " + account;
    c.phones_of_record = {"(407) 555-01" + std::to_string(10 + next_phone_++)};
    c.address_of_record = {"1 Main St", "Longwood", "FL", "32750", "US"};
    c.services = ServiceSet::Parse(services).value();
    if (type == CustomerType::kBusiness) {
      c.account_representative = "Rita Rep";
      c.cpni_contract_ref = "MSA-9";
    }
    auto added = AddCustomer(*store_, c, actor_);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : CustomerId();
  }

  // Stores a notice template; returns its id.
  int64_t Template(const std::string& name, const std::string& kind, const std::string& channel,
                   int waiting_days = 30) {
    auto in = NoticeTemplateFromJson({{"name", name},
                                      {"kind", kind},
                                      {"channel", channel},
                                      {"document_ref", "DOC-" + name},
                                      {"checklist", FullChecklist(waiting_days)}});
    EXPECT_TRUE(in.ok()) << in.status().ToString();
    auto t = AddNoticeTemplate(*store_, carrier_, *in, actor_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? t->id : 0;
  }

  // Sends an opt-out notice for own marketing, affiliates and agents.
  NoticeSendReport SendOptOut(CustomerId customer, Instant sent_at, int64_t template_id,
                              ApprovalIndex* index = nullptr) {
    NoticeSendRequest req;
    req.template_id = template_id;
    req.scopes = rules::kOptOutScopes;
    req.sent_at = sent_at;
    req.customers = {customer};
    auto r = SendNotice(*store_, carrier_, req, actor_, index);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : NoticeSendReport{};
  }

  rules::ApprovalEvent OptIn(Instant at, rules::ScopeSet scopes) {
    rules::ApprovalEvent e;
    e.kind = rules::ApprovalEventKind::kOptInGranted;
    e.at = at;
    e.scopes = scopes;
    e.evidence.channel = rules::ConsentChannel::kWritten;
    e.evidence.document_id = "FORM-1";
    e.evidence.notice_in_contact = true;  // the signed form carries the 64.2008 notice
    return e;
  }

  ConsentReport StatusAt(CustomerId customer, std::string_view at) {
    auto r = ConsentStatus(*store_, carrier_, customer, At(at));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ConsentReport{};
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  Actor actor_{"test", Instant::Now()};
  CarrierId carrier_;
  CustomerId wireline_, wireless_, business_;
  int next_phone_ = 0;
};

}  // namespace proprio::services::testing
