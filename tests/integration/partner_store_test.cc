// The partner registry (47 CFR 64.2007(b), (b)(2)) and the customers' written
// authorizations for a new carrier (47 U.S.C. 222(c)(2)) on both backends:
// tx_partners.cc (migration 0014_partners) and services/partners.h over it,
// and decisions that read them, on SQLite and on PostgreSQL (the harness
// cluster; skipped without it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "pg_test_db.h"
#include "services/decisions.h"
#include "services/partners.h"

namespace proprio {
namespace {

namespace fs = std::filesystem;
using testing::PgTestDb;

enum class Backend { kSqlite, kPostgres };

Instant At(std::string_view s) { return Instant::Parse(s).value(); }
services::Actor Now(std::string_view s) { return {"test", At(s)}; }

const std::vector<std::string> kAllTerms = {"use_only_for_purpose", "no_further_disclosure",
                                            "safeguards"};

class PartnerStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::path(::testing::TempDir()) / ("proprio_partner_store_" + std::to_string(getpid()) +
                                             "_" + std::to_string(counter.fetch_add(1)));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store::StoreOptions options;
    if (GetParam() == Backend::kPostgres) {
      if (auto why = PgTestDb::SkipReason()) GTEST_SKIP() << *why;
      const Status created = pg_.Create();
      ASSERT_TRUE(created.ok()) << created.ToString();
      options.sqlite_path.clear();
      options.postgres_url = pg_.url();
    } else {
      options.sqlite_path = (dir_ / "proprio.db").string();
    }
    auto opened = store::Store::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    for (const char* filer : {"825160", "820002"}) {
      Carrier c;
      c.legal_name = std::string("Carrier ") + filer;
      c.filer_id_499 = filer;
      c.time_zone = "America/New_York";
      carriers_.push_back(services::AddCarrier(*store_, c, Now("2024-01-02T15:00:00Z")).value().id);
    }
    Customer cu;
    cu.carrier = carriers_[0];
    cu.account_number = "A-1";
    cu.name = "Ana Ruiz";
    cu.phones_of_record = {"(212) 555-0101"};
    cu.address_of_record = {"2 Main St", "Albany", "NY", "12207", "US"};
    cu.services.Add(ServiceCategory::kLocal);
    customer_ = services::AddCustomer(*store_, cu, Now("2024-01-02T15:00:00Z")).value().id;
  }
  void TearDown() override {
    store_.reset();
    if (GetParam() == Backend::kPostgres) pg_.Drop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  int64_t LedgerSize(CarrierId carrier) {
    int64_t size = -1;
    EXPECT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
                        ASSIGN_OR_RETURN(ledger::Head h, tx.LedgerHead(carrier));
                        size = h.size;
                        return Status::Ok();
                      })
                    .ok());
    return size;
  }

  services::PartnerChange Contractor(std::string name) {
    services::PartnerChange in;
    in.name = std::move(name);
    in.kind = "independent_contractor";
    in.agreement = services::AgreementInput{"NDA-2024-7", {2024, 1, 1}, CivilDate{2024, 12, 31},
                                            kAllTerms};
    return in;
  }

  rules::Decision DecideAt(const rules::DecisionRequest& r) {
    auto d = services::DecideOnce(*store_, carriers_[0], std::span(&r, 1), {}, {},
                                  Now("2024-06-01T15:00:00Z"));
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? (*d)[0] : rules::Decision{};
  }

  std::unique_ptr<store::Store> store_;
  PgTestDb pg_;
  fs::path dir_;
  std::vector<CarrierId> carriers_;
  CustomerId customer_;
};

// 47 CFR 64.2007(b)(2): a contractor's agreement is stored with its dates and
// the three attested terms, each change one ledger entry; read back, listed
// by cursor and by kind; another carrier sees none of it.
TEST_P(PartnerStoreTest, S64_2007_b_2_AgreementStoredAndListed) {
  const int64_t before = LedgerSize(carriers_[0]);
  auto jv = services::AddPartner(*store_, carriers_[0], Contractor("Acme Wiring"),
                                 Now("2024-01-05T15:00:00Z"));
  ASSERT_TRUE(jv.ok()) << jv.status().ToString();
  EXPECT_EQ(LedgerSize(carriers_[0]), before + 1);
  auto got = services::GetPartner(*store_, carriers_[0], jv->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->kind, "independent_contractor");
  EXPECT_EQ(got->agreement_document, "NDA-2024-7");
  EXPECT_EQ(got->agreement_effective_on, "2024-01-01");
  EXPECT_EQ(got->agreement_expires_on, "2024-12-31");
  EXPECT_EQ(got->agreement_terms, "use_only_for_purpose,no_further_disclosure,safeguards");
  const rules::RecipientFacts f = services::RecipientFactsOf(*got, {2024, 6, 1});
  EXPECT_TRUE(rules::AgreementInForce(f.agreement, {2024, 12, 31}));
  EXPECT_FALSE(rules::AgreementInForce(f.agreement, {2025, 1, 1}));

  for (const char* name : {"Dealer One", "Dealer Two"}) {
    services::PartnerChange d;
    d.name = name;
    d.kind = "dealer";
    ASSERT_TRUE(services::AddPartner(*store_, carriers_[0], d, Now("2024-01-06T15:00:00Z")).ok());
  }
  auto page = services::ListPartners(*store_, carriers_[0], "", 0, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].name, "Acme Wiring");
  ASSERT_TRUE(page->next.has_value());
  auto rest = services::ListPartners(*store_, carriers_[0], "", *page->next, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].name, "Dealer Two");
  EXPECT_FALSE(rest->next.has_value());
  auto dealers = services::ListPartners(*store_, carriers_[0], "dealer", 0, 10);
  ASSERT_TRUE(dealers.ok());
  EXPECT_EQ(dealers->items.size(), 2u);
  EXPECT_EQ(services::ListPartners(*store_, carriers_[0], "vendor", 0, 10).status().field(),
            "kind");

  // Another carrier's partner answers not found.
  auto other = services::GetPartner(*store_, carriers_[1], jv->id);
  EXPECT_EQ(other.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(other.status().field(), "partner");
  EXPECT_TRUE(services::ListPartners(*store_, carriers_[1], "", 0, 10)->items.empty());
}

// Bad input names the field and writes nothing: no row, no ledger entry.
TEST_P(PartnerStoreTest, S64_2007_b_2_BadInputWritesNothing) {
  const int64_t before = LedgerSize(carriers_[0]);
  auto expect_refused = [&](const services::PartnerChange& in, StatusCode code,
                            const std::string& field) {
    auto r = services::AddPartner(*store_, carriers_[0], in, Now("2024-01-05T15:00:00Z"));
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_EQ(r.status().field(), field) << r.status().ToString();
    EXPECT_EQ(LedgerSize(carriers_[0]), before) << field;
    EXPECT_TRUE(services::ListPartners(*store_, carriers_[0], "", 0, 10)->items.empty()) << field;
  };
  services::PartnerChange dates = Contractor("X");
  dates.agreement->expires_on = CivilDate{2023, 12, 31};
  expect_refused(dates, StatusCode::kInvalidArgument, "agreement.expires_on");
  services::PartnerChange term = Contractor("X");
  term.agreement->terms = {"use_only_for_purpose", "no_further_disclosure"};
  expect_refused(term, StatusCode::kInvalidArgument, "agreement.terms.safeguards");
  services::PartnerChange unknown_term = Contractor("X");
  unknown_term.agreement->terms.push_back("goodwill");
  expect_refused(unknown_term, StatusCode::kInvalidArgument, "agreement.terms[3]");
  services::PartnerChange no_doc = Contractor("X");
  no_doc.agreement->document.clear();
  expect_refused(no_doc, StatusCode::kInvalidArgument, "agreement.document");
  services::PartnerChange agent_agreement = Contractor("X");
  agent_agreement.kind = "agent";
  expect_refused(agent_agreement, StatusCode::kFailedPrecondition, "agreement");
  services::PartnerChange kind = Contractor("X");
  kind.kind = "vendor";
  expect_refused(kind, StatusCode::kInvalidArgument, "kind");
  services::PartnerChange cert;
  cert.name = "Agent A";
  cert.kind = "agent";
  cert.certification = services::CertificationInput{"CERT-1", {2024, 5, 1}, CivilDate{2024, 4, 1}};
  expect_refused(cert, StatusCode::kInvalidArgument, "certification.expires_on");

  // An unknown partner, a taken name, a stale version.
  services::PartnerChange rename;
  rename.contact = "ops@example.com";
  auto missing = services::UpdatePartner(*store_, carriers_[0], 999, rename, 0,
                                         Now("2024-01-05T15:00:00Z"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().field(), "partner");
  auto a = services::AddPartner(*store_, carriers_[0], Contractor("Acme"), Now("2024-01-05T15:00:00Z"));
  ASSERT_TRUE(a.ok());
  auto dup = services::AddPartner(*store_, carriers_[0], Contractor("Acme"), Now("2024-01-05T15:00:00Z"));
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().field(), "name");
  const int64_t after_add = LedgerSize(carriers_[0]);
  auto stale = services::UpdatePartner(*store_, carriers_[0], a->id, rename, a->ledger_seq + 5,
                                       Now("2024-01-06T15:00:00Z"));
  EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
  EXPECT_EQ(stale.status().field(), "If-Match");
  services::PartnerChange bad_update;
  bad_update.agreement = services::AgreementInput{"NDA-2", {2024, 2, 1}, CivilDate{2024, 1, 1},
                                                  kAllTerms};
  auto bad = services::UpdatePartner(*store_, carriers_[0], a->id, bad_update, a->ledger_seq,
                                     Now("2024-01-06T15:00:00Z"));
  EXPECT_EQ(bad.status().field(), "agreement.expires_on");
  EXPECT_EQ(LedgerSize(carriers_[0]), after_add);
  EXPECT_EQ(services::GetPartner(*store_, carriers_[0], a->id)->agreement_document, "NDA-2024-7");
  auto ok = services::UpdatePartner(*store_, carriers_[0], a->id, rename, a->ledger_seq,
                                    Now("2024-01-06T15:00:00Z"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->contact, "ops@example.com");
  EXPECT_EQ(LedgerSize(carriers_[0]), after_add + 1);
}

// 47 CFR 64.2007(b), (b)(2): decisions read the registry: an unknown id, an
// expired agreement and a partner of another kind are denied; a contractor
// with its agreement in force on the day is allowed.
TEST_P(PartnerStoreTest, S64_2007_b_DecisionsReadTheRegistry) {
  auto jv = services::AddPartner(*store_, carriers_[0], Contractor("Acme Wiring"),
                                 Now("2024-01-05T15:00:00Z"));
  ASSERT_TRUE(jv.ok());
  rules::DecisionRequest r;
  r.customer = customer_;
  r.action = rules::Action::kPermitAccess;
  r.purpose = rules::Purpose::kInsideWiring;
  r.recipient = {rules::RecipientKind::kIndependentContractor, jv->id};
  r.cpni = rules::CpniSet{rules::CpniCategory::kServiceConfiguration};
  r.at = At("2024-06-01T15:00:00Z");
  rules::Decision d = DecideAt(r);
  EXPECT_TRUE(d.allowed) << rules::ReasonText(d);

  r.at = At("2025-01-02T15:00:00Z");  // after the agreement's last day
  d = DecideAt(r);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.basis.contains("47 CFR 64.2007(b)(2)"));
  ASSERT_EQ(d.requirements.size(), 1u);
  EXPECT_EQ(d.requirements[0].kind, rules::RequirementKind::kConfidentialityAgreement);

  r.at = At("2024-06-01T15:00:00Z");
  r.recipient.id = jv->id + 100;  // unknown
  d = DecideAt(r);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.basis.contains("47 CFR 64.2007(b)"));
  ASSERT_EQ(d.requirements.size(), 1u);
  EXPECT_EQ(d.requirements[0].kind, rules::RequirementKind::kPartnerOnRecord);

  r.recipient = {rules::RecipientKind::kJointVenturer, jv->id};  // registered as a contractor
  d = DecideAt(r);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.requirements[0].kind, rules::RequirementKind::kPartnerOnRecord);
}

// 47 U.S.C. 222(c)(2): CPNI goes to a new carrier on the customer's written
// authorization on record at the decision's instant, never on the request's
// word; recording it is one ledger entry, and a second record of the same
// document is refused.
TEST_P(PartnerStoreTest, c222_c_2_NewCarrierNeedsTheAuthorizationOnRecord) {
  rules::DecisionRequest r;
  r.customer = customer_;
  r.action = rules::Action::kDisclose;
  r.purpose = rules::Purpose::kProvideService;
  r.recipient = {rules::RecipientKind::kNewCarrier, 0};
  r.cpni = rules::CpniSet{rules::CpniCategory::kServiceConfiguration};
  r.context.flags.Add(rules::ContextFlag::kWrittenAuthorization);
  r.context.written_request_document = "LOA-55";
  r.at = At("2024-03-01T15:00:00Z");
  EXPECT_FALSE(DecideAt(r).allowed);

  const int64_t before = LedgerSize(carriers_[0]);
  auto bad = services::RecordNewCarrierAuthorization(*store_, carriers_[0], customer_, "NewCo",
                                                     "LOA-55", {2099, 1, 1},
                                                     Now("2024-03-02T15:00:00Z"));
  EXPECT_EQ(bad.status().field(), "signed_on");
  auto nobody = services::RecordNewCarrierAuthorization(*store_, carriers_[0], CustomerId(999),
                                                        "NewCo", "LOA-55", {2024, 3, 1},
                                                        Now("2024-03-02T15:00:00Z"));
  EXPECT_EQ(nobody.status().field(), "customer");
  EXPECT_EQ(LedgerSize(carriers_[0]), before);
  auto rec = services::RecordNewCarrierAuthorization(*store_, carriers_[0], customer_, "NewCo",
                                                     "LOA-55", {2024, 3, 1},
                                                     Now("2024-03-02T15:00:00Z"));
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_EQ(LedgerSize(carriers_[0]), before + 1);
  auto again = services::RecordNewCarrierAuthorization(*store_, carriers_[0], customer_, "NewCo",
                                                       "LOA-55", {2024, 3, 1},
                                                       Now("2024-03-03T15:00:00Z"));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().field(), "document");

  // Before it was recorded: still denied; after: allowed, naming the document.
  EXPECT_FALSE(DecideAt(r).allowed);
  r.at = At("2024-03-05T15:00:00Z");
  const rules::Decision d = DecideAt(r);
  EXPECT_TRUE(d.allowed) << rules::ReasonText(d);
  EXPECT_NE(rules::ReasonText(d).find("LOA-55"), std::string::npos);
  // Another document id is not on record.
  r.context.written_request_document = "LOA-56";
  EXPECT_FALSE(DecideAt(r).allowed);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartnerStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return param_info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace proprio
