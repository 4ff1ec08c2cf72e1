// Tests of services/breach.h on a real SQLite store, with fixed dates (the
// expected dates are counted in rules/breach_obligations_test.cc; repeated
// here where a case depends on them). Carrier zone: America/New_York.
#include "services/breach.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/breach_documents.h"
#include "report/testing/pdf_check.h"
#include "services/policies.h"

namespace proprio::services {
namespace {

// The PDF's text as pdftotext reads it (whitespace folded), its fonts embedded.
std::string PdfText(const std::string& pdf) {
  EXPECT_EQ(report::testing::NotEmbedded(pdf), "");
  auto text = report::testing::PdfText(pdf);
  EXPECT_TRUE(text.ok()) << text.status().message();
  return text.ok() ? *text : "";
}

using rules::ObligationKind;
using rules::ObligationState;

Instant At(std::string_view s) { return Instant::Parse(s).value(); }

class BreachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-breach-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::move(store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/t.db")).value());
    Carrier c;
    c.legal_name = "Fusion Telecommunications International, Inc.";
    c.filer_id_499 = "825160";
    c.time_zone = "America/New_York";
    c.address = {"420 Lexington Ave", "New York", "NY", "10170", "US"};
    carrier_ = AddCarrier(*store_, c, Now("2024-12-01T12:00:00Z")).value().id;
    for (int i = 1; i <= 3; ++i) {
      Customer cu;
      cu.carrier = carrier_;
      cu.account_number = "ACC-000" + std::to_string(i);
      cu.name = "Customer " + std::to_string(i);
      cu.phones_of_record = {"(212) 555-010" + std::to_string(i)};
      cu.address_of_record = {std::to_string(i) + " Main St", "Albany", "NY", "12207", "US"};
      customers_.push_back(AddCustomer(*store_, cu, Now("2024-12-01T12:00:00Z")).value().id);
    }
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  static Actor Now(std::string_view t) { return Actor{"test", At(t)}; }

  // Determined Fri 2024-12-20 10:00 EST, the three customers affected.
  BreachOpenInput Input() {
    BreachOpenInput in;
    in.description = "A contractor exported call records";
    in.discovered_how = "billing system audit log";
    in.discovered_at = At("2024-12-19T15:00:00Z");
    in.determined_at = At("2024-12-20T15:00:00Z");
    in.cpni = {"call_detail"};
    in.other_data = {"name"};
    in.customers = customers_;
    return in;
  }
  BreachCase Open(BreachOpenInput in, std::string_view now = "2024-12-20T16:00:00Z") {
    auto c = OpenBreach(*store_, carrier_, in, settings_, Now(now));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : BreachCase{};
  }
  Result<BreachCase> Record(int64_t id, BreachActionInput a, std::string_view now) {
    return RecordBreachAction(*store_, carrier_, id, a, Now(now));
  }
  static BreachActionInput Agency(std::vector<std::string> agencies, std::string_view at) {
    BreachActionInput a;
    a.kind = BreachActionKind::kAgencyNotified;
    a.agencies = std::move(agencies);
    a.reference = "CRF-2024-0001";
    a.at = At(at);
    return a;
  }
  BreachActionInput Notice(CustomerId c, std::string_view at) {
    BreachActionInput a;
    a.kind = BreachActionKind::kCustomerNotified;
    a.customer = c;
    a.channel = "mail";
    a.outcome = "sent";
    a.at = At(at);
    return a;
  }
  static const rules::Obligation& Get(const BreachCase& c, ObligationKind k) {
    static const rules::Obligation none;
    const rules::Obligation* o = c.clock.Find(k);
    return o ? *o : none;
  }
  static std::string Due(const BreachCase& c, ObligationKind k) {
    const auto& o = Get(c, k);
    return o.due ? o.due->ToRfc3339() : "(none)";
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  CarrierId carrier_;
  std::vector<CustomerId> customers_;
  BreachSettings settings_;
};

TEST_F(BreachTest, Fcc2007CaseFromOpeningToErasure) {
  BreachCase c = Open(Input());
  EXPECT_EQ(c.row.rule_set, "fcc-2024");  // the set in force; its 64.2011 is still 2007's
  EXPECT_EQ(c.row.breach_regime, "2007");
  EXPECT_EQ(c.row.affected_count, 3);
  // 7 business days after Fri 12-20 (Christmas, New Year skipped): Thu 2025-01-02.
  EXPECT_EQ(Due(c, ObligationKind::kAgencyNotice), "2025-01-03T04:59:59.999999Z");

  // Customers before the agencies: refused, citing 64.2011(a).
  auto early = Record(c.row.id, Notice(customers_[0], "2024-12-23T15:00:00Z"), "2024-12-23T16:00:00Z");
  ASSERT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("47 CFR 64.2011(a)"), std::string::npos);

  // USSS alone does not complete the notice; FBI a day later does.
  c = Record(c.row.id, Agency({"usss"}, "2025-01-01T15:00:00Z"), "2025-01-01T16:00:00Z").value();
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kOpen);
  c = Record(c.row.id, Agency({"fbi"}, "2025-01-02T20:00:00Z"), "2025-01-02T21:00:00Z").value();
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kMet);
  EXPECT_EQ(c.agencies_notified, (std::vector<std::string>{"fbi", "usss"}));

  // During the 7 full business days: refused citing (b)(1); from Tue 01-14: allowed.
  auto waiting = Record(c.row.id, Notice(customers_[0], "2025-01-13T20:00:00Z"), "2025-01-13T21:00:00Z");
  ASSERT_EQ(waiting.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(waiting.status().message().find("47 CFR 64.2011(b)(1)"), std::string::npos);
  for (CustomerId cu : {customers_[0], customers_[1]}) {
    c = Record(c.row.id, Notice(cu, "2025-01-14T15:00:00Z"), "2025-01-14T16:00:00Z").value();
  }
  // Closing with a customer still to notify is refused, naming the obligation.
  BreachActionInput close;
  close.kind = BreachActionKind::kClosed;
  close.at = At("2025-01-14T17:00:00Z");
  auto refused = Record(c.row.id, close, "2025-01-14T17:00:00Z");
  ASSERT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("customer_notice"), std::string::npos);
  c = Record(c.row.id, Notice(customers_[2], "2025-01-14T18:00:00Z"), "2025-01-14T18:00:00Z").value();
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).state, ObligationState::kMet);
  close.at = At("2025-01-15T15:00:00Z");
  c = Record(c.row.id, close, "2025-01-15T15:00:00Z").value();
  EXPECT_EQ(c.row.state, "closed");
  EXPECT_EQ(c.row.retain_until->ToRfc3339(), "2027-01-15T15:00:00Z");
  // Closed: nothing more is recorded.
  EXPECT_EQ(Record(c.row.id, Notice(customers_[0], "2025-01-16T15:00:00Z"), "2025-01-16T15:00:00Z")
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  // The timeline: every step a ledger entry.
  EXPECT_EQ(c.actions.size(), 6u);
  for (const auto& a : c.actions) EXPECT_GT(a.ledger_seq, c.row.ledger_seq);

  // Never erased before the retention ends; afterwards through the ledger.
  auto too_soon = EraseBreachRecords(*store_, carrier_, c.row.id, Now("2027-01-15T14:59:59Z"));
  ASSERT_EQ(too_soon.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(too_soon.status().message().find("2027-01-15T15:00:00Z"), std::string::npos);
  auto erased = EraseBreachRecords(*store_, carrier_, c.row.id, Now("2027-01-15T15:00:00Z"));
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased->row.description, "[erased]");
  ledger::VerifyReport report;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(report, tx.VerifyLedger(carrier_));
    auto entry = tx.ReadEntry(carrier_, c.row.ledger_seq);
    EXPECT_TRUE(entry.ok());
    EXPECT_FALSE(entry->second.has_value()) << "payload erased";
    return Status::Ok();
  }).ok());
  EXPECT_TRUE(report.valid) << "the chain verifies after erasure";
}

TEST_F(BreachTest, PayloadsOfOpenCasesAreNotErasable) {
  BreachCase c = Open(Input());
  auto r = EraseBreachRecords(*store_, carrier_, c.row.id, Now("2030-01-01T00:00:00Z"));
  ASSERT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("64.2011(d)"), std::string::npos);
  // The ledger's own mechanism refuses too before retain_until (2 years).
  Status st = store_->Transact([&](store::Tx& tx) {
    return tx.ErasePayload(carrier_, c.row.ledger_seq, At("2026-12-20T15:00:00Z"), "test", "early")
        .status();
  });
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
}

TEST_F(BreachTest, SeedPolicyGivesSevenCalendarDaysForTheAgencies) {
  std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
  std::ostringstream toml;
  toml << in.rdbuf();
  ASSERT_TRUE(SetPolicy(*store_, carrier_, toml.str(), Now("2024-12-02T12:00:00Z")).ok());
  BreachCase c = Open(Input());
  EXPECT_EQ(c.row.policy_version, 1);
  // Sat 12-21 (1) .. Fri 12-27 (7): 2024-12-27 23:59:59.999999 EST.
  EXPECT_EQ(Due(c, ObligationKind::kAgencyNotice), "2024-12-28T04:59:59.999999Z");
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).governed_by, "policy");
}

TEST_F(BreachTest, Fcc2024SmallNoHarmBreachGoesToTheAnnualSummary) {
  BreachOpenInput in = Input();
  in.breach_2024_effective = CivilDate{2024, 3, 13};
  in.customers.clear();
  in.affected_count = 499;
  BreachCase c = Open(in);
  EXPECT_EQ(c.row.breach_regime, "2024");
  // Harm undetermined: the agency notice (FCC too) is owed; customers by Sun 2025-01-19.
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kOpen);
  EXPECT_EQ(Due(c, ObligationKind::kCustomerNotice), "2025-01-20T04:59:59.999999Z");
  BreachActionInput nh;
  nh.kind = BreachActionKind::kNoHarmDetermined;
  nh.at = At("2024-12-21T15:00:00Z");
  auto missing = Record(c.row.id, nh, "2024-12-21T15:00:00Z");
  EXPECT_EQ(missing.status().field(), "reasons");
  nh.reasons = "the file was encrypted and the key was not exposed";
  c = Record(c.row.id, nh, "2024-12-21T15:00:00Z").value();
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kNotRequired);
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).state, ObligationState::kNotRequired);
  EXPECT_EQ(Due(c, ObligationKind::kAnnualSummary), "2025-02-02T04:59:59.999999Z");
  // 2024 64.2011(b): no customer notice is owed, so no letter is made.
  auto letters = PrepareBreachLetters(*store_, carrier_, c.row.id, std::nullopt,
                                      Now("2024-12-22T15:00:00Z"));
  EXPECT_EQ(letters.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(letters.status().message().find("not required"), std::string::npos);

  auto summary = BreachAnnualSummary(*store_, carrier_, 2024);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->items.size(), 1u);
  EXPECT_EQ(summary->items[0].affected_count, 499);
  EXPECT_EQ(summary->items[0].no_harm_reasons, nh.reasons);
  EXPECT_EQ(summary->due_on, (CivilDate{2025, 2, 1}));
  EXPECT_TRUE(BreachAnnualSummary(*store_, carrier_, 2025)->items.empty());

  BreachActionInput filed;
  filed.kind = BreachActionKind::kAnnualSummaryFiled;
  filed.reference = "FCC-SUM-2024";
  filed.at = At("2025-01-30T15:00:00Z");
  c = Record(c.row.id, filed, "2025-01-30T15:00:00Z").value();
  EXPECT_TRUE(c.clock.AllSettled());
}

TEST_F(BreachTest, Fcc2024FiveHundredNoHarmOwesTheAgencyNotice) {
  BreachOpenInput in = Input();
  in.breach_2024_effective = CivilDate{2024, 3, 13};
  in.affected_count = 500;
  BreachCase c = Open(in);
  BreachActionInput nh;
  nh.kind = BreachActionKind::kNoHarmDetermined;
  nh.reasons = "encrypted";
  nh.at = At("2024-12-21T15:00:00Z");
  c = Record(c.row.id, nh, "2024-12-21T15:00:00Z").value();
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kOpen);
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).state, ObligationState::kNotRequired);
  EXPECT_EQ(c.clock.Find(ObligationKind::kAnnualSummary), nullptr);
  // The FCC is a recipient under 2024: USSS and FBI alone do not complete it.
  c = Record(c.row.id, Agency({"usss", "fbi"}, "2024-12-23T15:00:00Z"), "2024-12-23T15:00:00Z").value();
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kOpen);
  c = Record(c.row.id, Agency({"fcc"}, "2024-12-23T16:00:00Z"), "2024-12-23T16:00:00Z").value();
  EXPECT_EQ(Get(c, ObligationKind::kAgencyNotice).state, ObligationState::kMet);
}

TEST_F(BreachTest, NoHarmDeterminationIsRefusedUnderThe2007Rules) {
  BreachCase c = Open(Input());
  BreachActionInput nh;
  nh.kind = BreachActionKind::kNoHarmDetermined;
  nh.reasons = "encrypted";
  auto r = Record(c.row.id, nh, "2024-12-21T15:00:00Z");
  ASSERT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no no-harm exception"), std::string::npos);
  EXPECT_NE(r.status().message().find("47 CFR 64.2011(b)"), std::string::npos);
}

TEST_F(BreachTest, AgencyDelayAndItsExtension) {
  BreachCase c = Open(Input());
  c = Record(c.row.id, Agency({"usss", "fbi"}, "2025-01-02T20:00:00Z"), "2025-01-02T20:00:00Z").value();
  BreachActionInput ext;
  ext.kind = BreachActionKind::kDelayExtended;
  ext.agency = "fbi";
  ext.requested_on = CivilDate{2025, 1, 20};
  ext.until = CivilDate{2025, 3, 3};
  ext.in_writing = true;
  auto nothing = Record(c.row.id, ext, "2025-01-20T15:00:00Z");
  ASSERT_EQ(nothing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(nothing.status().message().find("64.2011(b)(3)"), std::string::npos);

  BreachActionInput delay;
  delay.kind = BreachActionKind::kDelayRequested;
  delay.agency = "fbi";
  delay.requested_on = CivilDate{2025, 1, 3};
  delay.until = CivilDate{2025, 2, 3};  // 31 days
  delay.in_writing = true;
  delay.at = At("2025-01-03T15:00:00Z");
  EXPECT_EQ(Record(c.row.id, delay, "2025-01-03T15:00:00Z").status().field(), "until");
  delay.until = CivilDate{2025, 2, 1};
  delay.in_writing = false;
  EXPECT_EQ(Record(c.row.id, delay, "2025-01-03T15:00:00Z").status().field(), "in_writing");
  delay.in_writing = true;
  c = Record(c.row.id, delay, "2025-01-03T15:00:00Z").value();
  // Held through Sat 02-01: from Sun 2025-02-02 00:00 EST.
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).not_before->ToRfc3339(), "2025-02-02T05:00:00Z");
  auto held = Record(c.row.id, Notice(customers_[0], "2025-01-20T15:00:00Z"), "2025-01-20T15:00:00Z");
  ASSERT_EQ(held.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(held.status().message().find("47 CFR 64.2011(b)(3)"), std::string::npos);
  ext.at = At("2025-01-20T15:00:00Z");
  c = Record(c.row.id, ext, "2025-01-20T15:00:00Z").value();
  EXPECT_EQ(c.facts.delay_until, (CivilDate{2025, 3, 3}));
  EXPECT_EQ(Get(c, ObligationKind::kCustomerNotice).not_before->ToRfc3339(), "2025-03-04T05:00:00Z");
  ext.until = CivilDate{2025, 3, 1};  // shorter than the delay in force
  EXPECT_EQ(Record(c.row.id, ext, "2025-01-21T15:00:00Z").status().field(), "until");
  EXPECT_TRUE(Record(c.row.id, Notice(customers_[0], "2025-03-04T15:00:00Z"), "2025-03-04T15:00:00Z").ok());
}

// fcc-2024 64.2011: the Commission or a national security agency may also
// direct a delay of customer notice, within the same limits (in writing, an
// initial delay of at most 30 days); fcc-2007 64.2011(b)(3) names only the
// investigating law enforcement agency.
TEST_F(BreachTest, Cfr64_2011Fcc2024DelayDirectedByTheFccOrANationalSecurityAgency) {
  BreachOpenInput in = Input();
  in.breach_2024_effective = CivilDate{2024, 3, 13};
  BreachCase c = Open(in);
  c = Record(c.row.id, Agency({"usss", "fbi", "fcc"}, "2024-12-23T15:00:00Z"),
             "2024-12-23T15:00:00Z")
          .value();
  BreachActionInput delay;
  delay.kind = BreachActionKind::kDelayRequested;
  delay.agency = "fcc";
  delay.requested_on = CivilDate{2024, 12, 23};
  delay.until = CivilDate{2025, 1, 23};  // 31 days: more than an initial delay
  delay.in_writing = true;
  delay.at = At("2024-12-23T16:00:00Z");
  EXPECT_EQ(Record(c.row.id, delay, "2024-12-23T16:00:00Z").status().field(), "until");
  delay.until = CivilDate{2025, 1, 22};
  delay.in_writing = false;
  EXPECT_EQ(Record(c.row.id, delay, "2024-12-23T16:00:00Z").status().field(), "in_writing");
  delay.in_writing = true;
  auto by_fcc = Record(c.row.id, delay, "2024-12-23T16:00:00Z");
  ASSERT_TRUE(by_fcc.ok()) << by_fcc.status().ToString();
  EXPECT_EQ(by_fcc->facts.delay_until, (CivilDate{2025, 1, 22}));
  BreachActionInput ext = delay;
  ext.kind = BreachActionKind::kDelayExtended;
  ext.agency = "national_security";
  ext.requested_on = CivilDate{2025, 1, 20};
  ext.until = CivilDate{2025, 3, 3};
  ext.at = At("2025-01-20T15:00:00Z");
  auto by_ns = Record(c.row.id, ext, "2025-01-20T15:00:00Z");
  ASSERT_TRUE(by_ns.ok()) << by_ns.status().ToString();
  EXPECT_EQ(by_ns->facts.delay_until, (CivilDate{2025, 3, 3}));
  EXPECT_EQ(Get(*by_ns, ObligationKind::kCustomerNotice).governed_by, "law enforcement delay");
  delay.agency = "cia";
  EXPECT_EQ(Record(c.row.id, delay, "2025-01-20T15:00:00Z").status().field(), "agency");

  // fcc-2007: refused, citing 64.2011(b)(3).
  BreachCase old = Open(Input());
  for (const char* agency : {"fcc", "national_security"}) {
    delay.agency = agency;
    delay.until = CivilDate{2025, 1, 22};
    auto r = Record(old.row.id, delay, "2024-12-23T16:00:00Z");
    ASSERT_FALSE(r.ok()) << agency;
    EXPECT_EQ(r.status().field(), "agency");
    EXPECT_NE(r.status().message().find("47 CFR 64.2011(b)(3)"), std::string::npos)
        << r.status().message();
  }
}

TEST_F(BreachTest, UrgentNeedAfterConsultingTheAgencyLiftsTheWait) {
  BreachCase c = Open(Input());
  c = Record(c.row.id, Agency({"usss", "fbi"}, "2025-01-02T20:00:00Z"), "2025-01-02T20:00:00Z").value();
  BreachActionInput urgent;
  urgent.kind = BreachActionKind::kUrgentDetermined;
  urgent.reasons = "the exported records are being used to port numbers away";
  urgent.at = At("2025-01-02T21:00:00Z");
  EXPECT_EQ(Record(c.row.id, urgent, "2025-01-02T21:00:00Z").status().field(), "agency");
  urgent.agency = "fbi";
  urgent.reference = "CRF-2024-0001";  // indicated in the agency notice itself
  c = Record(c.row.id, urgent, "2025-01-02T21:00:00Z").value();
  EXPECT_TRUE(c.facts.urgent);
  EXPECT_TRUE(Record(c.row.id, Notice(customers_[0], "2025-01-02T22:00:00Z"), "2025-01-02T22:00:00Z").ok());
  auto facts = BreachDocumentFacts(*store_, carrier_, c.row.id, At("2025-01-03T15:00:00Z"));
  ASSERT_TRUE(facts.ok());
  EXPECT_TRUE(facts->urgent);
  EXPECT_EQ(facts->urgent_reasons, urgent.reasons);
}

// 2007 64.2011(b)(2): the carrier "shall so indicate in its notification" to
// law enforcement: urgent_determined is tied to the agency notice (its
// reference, or an amendment's), never on its own, and the agency report says
// where it was indicated.
TEST_F(BreachTest, Cfr64_2011b2UrgentNeedIsIndicatedInTheNotificationToLawEnforcement) {
  BreachCase c = Open(Input());
  BreachActionInput urgent;
  urgent.kind = BreachActionKind::kUrgentDetermined;
  urgent.agency = "usss";
  urgent.reasons = "numbers are being ported away";
  urgent.reference = "CRF-2024-0001-A1";
  urgent.at = At("2024-12-23T15:00:00Z");
  auto before = Record(c.row.id, urgent, "2024-12-23T15:00:00Z");
  ASSERT_EQ(before.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(before.status().message().find("47 CFR 64.2011(b)(2)"), std::string::npos)
      << before.status().message();
  c = Record(c.row.id, Agency({"usss", "fbi"}, "2024-12-23T16:00:00Z"), "2024-12-23T16:00:00Z")
          .value();
  urgent.at = At("2024-12-23T17:00:00Z");
  urgent.reference.clear();
  auto no_ref = Record(c.row.id, urgent, "2024-12-23T17:00:00Z");
  EXPECT_EQ(no_ref.status().field(), "reference");
  EXPECT_NE(no_ref.status().message().find("64.2011(b)(2)"), std::string::npos);
  urgent.reference = "CRF-2024-0001-A1";  // an amendment of the notification
  auto amended = Record(c.row.id, urgent, "2024-12-23T17:00:00Z");
  ASSERT_TRUE(amended.ok()) << amended.status().ToString();
  EXPECT_TRUE(amended->facts.urgent);
  auto facts = BreachDocumentFacts(*store_, carrier_, c.row.id, At("2025-01-03T15:00:00Z"));
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(facts->urgent_reference, "CRF-2024-0001-A1");
  EXPECT_TRUE(facts->urgent_in_amendment);
  const nlohmann::json report = report::AgencyReportJson(*facts);
  EXPECT_EQ(report["urgent_customer_notice"]["indicated_in_notification"]["reference"],
            "CRF-2024-0001-A1");
  EXPECT_EQ(report["urgent_customer_notice"]["indicated_in_notification"]["as"], "amendment");
  const std::string pdf = PdfText(report::AgencyReportPdf(*facts, {2024, 12, 23}));
  EXPECT_NE(pdf.find("64.2011(b)(2)"), std::string::npos) << pdf;
}

TEST_F(BreachTest, BadInputIsRefusedNamingTheField) {
  auto field = [&](BreachOpenInput in) {
    auto r = OpenBreach(*store_, carrier_, in, settings_, Now("2024-12-20T16:00:00Z"));
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
    return r.status().field();
  };
  BreachOpenInput in = Input();
  in.description.clear();
  EXPECT_EQ(field(in), "description");
  in = Input();
  in.determined_at = At("2024-12-18T15:00:00Z");
  EXPECT_EQ(field(in), "determined_at");
  in = Input();
  in.determined_at = At("2025-12-18T15:00:00Z");
  EXPECT_EQ(field(in), "determined_at");
  in = Input();
  in.discovered_at = Instant();
  EXPECT_EQ(field(in), "discovered_at");
  in = Input();
  in.cpni = {"call_detail", "horoscope"};
  EXPECT_EQ(field(in), "cpni[1]");
  in = Input();
  in.other_data = {"shoe_size"};
  EXPECT_EQ(field(in), "other_data[0]");
  in = Input();
  in.customers = {CustomerId(9999)};
  EXPECT_EQ(field(in), "customers[0]");
  in = Input();
  in.accounts = {"NOPE"};
  EXPECT_EQ(field(in), "accounts[0]");
  in = Input();
  in.affected_count = 2;  // fewer than the 3 linked
  EXPECT_EQ(field(in), "affected_count");
  in = Input();
  in.affected_unknown = true;
  in.affected_count = 10;
  EXPECT_EQ(field(in), "affected_count");
  in = Input();
  in.intentional = false;  // not a breach under the 2007 64.2011(e)
  EXPECT_EQ(field(in), "intentional");
  in = Input();
  in.rule_set = "fcc-1996";
  EXPECT_EQ(field(in), "rule_set");
  in = Input();
  in.started_on = CivilDate{2024, 12, 10};
  in.ended_on = CivilDate{2024, 12, 1};
  EXPECT_EQ(field(in), "ended_on");

  BreachCase c = Open(Input());
  BreachActionInput a = Agency({"cia"}, "2024-12-21T15:00:00Z");
  EXPECT_EQ(Record(c.row.id, a, "2024-12-21T15:00:00Z").status().field(), "agencies[0]");
  a = Agency({"usss"}, "2024-12-21T15:00:00Z");
  a.reference.clear();
  EXPECT_EQ(Record(c.row.id, a, "2024-12-21T15:00:00Z").status().field(), "reference");
  a = Agency({"usss"}, "2024-12-22T15:00:00Z");
  EXPECT_EQ(Record(c.row.id, a, "2024-12-21T15:00:00Z").status().field(), "at");  // future
  BreachActionInput n = Notice(customers_[0], "2024-12-21T15:00:00Z");
  n.channel = "pigeon";
  EXPECT_EQ(Record(c.row.id, n, "2024-12-21T15:00:00Z").status().field(), "channel");
  EXPECT_EQ(ParseBreachActionKind("teleport").status().field(), "kind");
  EXPECT_EQ(GetBreach(*store_, CarrierId(carrier_.value() + 1), c.row.id).status().code(),
            StatusCode::kNotFound);
}

TEST_F(BreachTest, UnknownCountAndUpdatesOfTheAffected) {
  BreachOpenInput in = Input();
  in.customers.clear();
  in.affected_unknown = true;
  BreachCase c = Open(in);
  EXPECT_FALSE(c.row.affected_count.has_value());
  BreachActionInput up;
  up.kind = BreachActionKind::kAffectedUpdated;
  up.add_customers = {customers_[0], customers_[1]};
  up.affected_count = 1200;
  up.at = At("2024-12-22T15:00:00Z");
  c = Record(c.row.id, up, "2024-12-22T15:00:00Z").value();
  EXPECT_EQ(c.row.affected_count, 1200);
  EXPECT_EQ(c.affected.size(), 2u);
}

TEST_F(BreachTest, DueListsOverdueFirstAcrossCases) {
  BreachCase a = Open(Input());                   // agency due 2025-01-02 (EST)
  BreachOpenInput later = Input();
  later.determined_at = At("2025-01-06T15:00:00Z");  // Mon: due Wed 2025-01-15
  later.discovered_at = later.determined_at;
  BreachCase b = Open(later, "2025-01-06T16:00:00Z");
  auto due = ListDueObligations(*store_, CarrierId(), At("2025-01-05T12:00:00Z"));
  ASSERT_TRUE(due.ok());
  ASSERT_GE(due->size(), 2u);
  EXPECT_EQ((*due)[0].case_id, a.row.id);
  EXPECT_TRUE((*due)[0].overdue);
  EXPECT_EQ((*due)[0].obligation.kind, ObligationKind::kAgencyNotice);
  EXPECT_EQ((*due)[1].case_id, b.row.id);
  EXPECT_FALSE((*due)[1].overdue);
  // 2007 customer notices have no fixed deadline: listed last.
  EXPECT_FALSE(due->back().obligation.due.has_value());
  auto n = CountBreachObligations(*store_, At("2025-01-05T12:00:00Z"));
  EXPECT_EQ(n->open, 4);
  EXPECT_EQ(n->overdue, 1);
  const nlohmann::json j = DueItemToJson((*due)[0], At("2025-01-05T12:00:00Z"));
  EXPECT_EQ(j["due_local"], "2025-01-02T23:59:59.999999-05:00");
  EXPECT_EQ(j["time_left"], "-2d 07h 00m");
}

TEST_F(BreachTest, LettersNameEachCustomerAndAreRecorded) {
  BreachCase c = Open(Input());
  auto letters = PrepareBreachLetters(*store_, carrier_, c.row.id, std::nullopt,
                                      Now("2025-01-14T15:00:00Z"));
  ASSERT_TRUE(letters.ok()) << letters.status().ToString();
  ASSERT_EQ(letters->size(), 3u);
  const std::string text = PdfText((*letters)[1].pdf);
  EXPECT_NE(text.find("Dear Customer 2,"), std::string::npos) << text;
  EXPECT_NE(text.find("account ending 0002"), std::string::npos);
  EXPECT_EQ(text.find("ACC-"), std::string::npos) << "only the last four characters";
  // 47 CFR 64.2011(b) (2007): no agency notice is recorded, so the letter may
  // not be sent yet and says so; it does not claim a report to law enforcement.
  EXPECT_NE((*letters)[1].hold.find("64.2011"), std::string::npos) << (*letters)[1].hold;
  EXPECT_NE(text.find("DRAFT, NOT TO BE SENT YET"), std::string::npos);
  EXPECT_EQ(text.find("reported the breach"), std::string::npos);
  EXPECT_NE(text.find("January 14, 2025"), std::string::npos);
  EXPECT_EQ((*letters)[1].file_name, "breach-" + std::to_string(c.row.id) + "-customer-" +
                                          customers_[1].ToString() + ".pdf");
  ledger::Head head;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(head, tx.LedgerHead(carrier_));
    auto e = tx.ReadEntry(carrier_, head.size);
    EXPECT_EQ(e->first.type, "breach.letters_prepared");
    return Status::Ok();
  }).ok());
  auto one = PrepareBreachLetters(*store_, carrier_, c.row.id, CustomerId(9999),
                                  Now("2025-01-14T15:00:00Z"));
  EXPECT_EQ(one.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace proprio::services
