// The annual certification of 47 CFR 64.2009(e) and its records on both
// backends: tx_certification.cc's statements and services/certification.h
// over them, on SQLite and on PostgreSQL (the harness cluster; skipped
// without it). Filings are read back with poppler's pdftotext.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pg_test_db.h"
#include "services/certification.h"
#include "services/policies.h"

namespace proprio {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::PgTestDb;

enum class Backend { kSqlite, kPostgres };

Instant At(std::string_view s) { return Instant::Parse(s).value(); }
services::Actor Now(std::string_view s) { return {"test", At(s)}; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The text of a PDF as poppler reads it, lines joined with spaces.
std::string PdfText(const std::string& pdf, const fs::path& dir) {
  const fs::path file = dir / "filing.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  const std::string cmd = "pdftotext -q -enc UTF-8 '" + file.string() + "' '" +
                          (dir / "filing.txt").string() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string text = ReadFile(dir / "filing.txt");
  for (char& c : text) {
    if (c == '\n' || c == '\f') c = ' ';
  }
  std::string squeezed;
  for (char c : text) {
    if (c == ' ' && !squeezed.empty() && squeezed.back() == ' ') continue;
    squeezed += c;
  }
  return squeezed;
}

class CertificationStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::path(::testing::TempDir()) / ("proprio_cert_store_" + std::to_string(getpid()) +
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
      c.legal_name = filer == std::string("825160") ? "Fusion Telecommunications International, Inc."
                                                    : "Other Carrier LLC";
      c.filer_id_499 = filer;
      c.time_zone = "America/New_York";
      c.officers = {{"Don Hutchins", "CFO", true}, {"Pat Doe", "Secretary", false}};
      carriers_.push_back(services::AddCarrier(*store_, c, Now("2024-01-02T15:00:00Z")).value().id);
    }
    Staff s;
    s.carrier = carriers_[0];
    s.name = "Alicia Gomez";
    s.roles = {Role::kCsr};
    s.hired_on = CivilDate{2024, 1, 8};
    staff_ = services::AddStaff(*store_, s, Now("2024-01-02T15:00:00Z")).value().id;
    Customer cu;
    cu.carrier = carriers_[0];
    cu.account_number = "A-1";
    cu.name = "Nguyễn Thị Minh Khai";
    cu.phones_of_record = {"(212) 555-0101"};
    cu.address_of_record = {"2 Phố Huế", "Albany", "NY", "12207", "US"};
    customer_ = services::AddCustomer(*store_, cu, Now("2024-01-02T15:00:00Z")).value().id;
  }
  void TearDown() override {
    store_.reset();
    if (GetParam() == Backend::kPostgres) pg_.Drop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void SetSeedPolicy() {
    const std::string toml =
        ReadFile(fs::path(PROPRIO_SOURCE_DIR) / "policies/examples/seed-carrier.toml");
    auto set = services::SetPolicy(*store_, carriers_[0], toml, Now("2024-01-03T15:00:00Z"));
    ASSERT_TRUE(set.ok()) << set.status().ToString();
  }

  // Everything a ready 2024 filing needs.
  void MakeReady() {
    SetSeedPolicy();
    auto course = services::AddTrainingCourse(*store_, carriers_[0], {"CPNI basics", "2024.1", -1, {}},
                                              Now("2024-01-04T15:00:00Z"));
    ASSERT_TRUE(course.ok()) << course.status().ToString();
    course_ = course->id;
    auto done = services::RecordTrainingCompletion(
        *store_, carriers_[0], {staff_, course_, CivilDate{2024, 1, 9}, true},
        Now("2024-01-09T15:00:00Z"));
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    // A completion in 2025 keeps the staff member in date for the check made then.
    ASSERT_TRUE(services::RecordTrainingCompletion(*store_, carriers_[0],
                                                   {staff_, course_, CivilDate{2025, 1, 6}, true},
                                                   Now("2025-01-06T15:00:00Z"))
                    .ok());
    auto review = services::RecordPretexterReview(
        *store_, carriers_[0],
        {2024, "Callers posing as account holders asked for call detail without a password.",
         "CSRs were retrained on 64.2010(b)."},
        Now("2025-01-10T15:00:00Z"));
    ASSERT_TRUE(review.ok()) << review.status().ToString();
  }

  std::unique_ptr<store::Store> store_;
  PgTestDb pg_;
  fs::path dir_;
  std::vector<CarrierId> carriers_;
  StaffId staff_;
  CustomerId customer_;
  int64_t course_ = 0;
};

TEST_P(CertificationStoreTest, c64_2009_e_ComplaintsAreRecordedResolvedAndCountedByCategory) {
  const CarrierId c = carriers_[0];
  auto first = services::RecordComplaint(
      *store_, c, {CivilDate{2024, 3, 4}, "telephone", "employee_access", customer_,
                   "An employee looked up my calls", ""},
      Now("2024-03-04T15:00:00Z"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, "open");
  EXPECT_EQ(first->category, "employee_access");
  EXPECT_GT(first->ledger_seq, 0);
  ASSERT_TRUE(services::RecordComplaint(*store_, c,
                                        {CivilDate{2024, 5, 1}, "web", "online_access",
                                         std::nullopt, "Someone got into my account", "Reset"},
                                        Now("2024-05-01T15:00:00Z"))
                  .ok());
  // Another year's complaint is not counted in 2024.
  ASSERT_TRUE(services::RecordComplaint(*store_, c,
                                        {CivilDate{2025, 1, 2}, "mail", "other", std::nullopt,
                                         "Letter", "Answered"},
                                        Now("2025-01-02T15:00:00Z"))
                  .ok());

  auto resolved = services::ResolveComplaint(*store_, c, first->id, "Access revoked, employee disciplined",
                                             Now("2024-03-10T15:00:00Z"));
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->status, "resolved");
  auto again = services::ResolveComplaint(*store_, c, first->id, "twice", Now("2024-03-11T15:00:00Z"));
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);

  auto page = services::ListComplianceRecords(*store_, c, services::kComplaint, 2024, 0, 100);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 2u);
  // The other carrier sees none of them, and cannot resolve them.
  EXPECT_TRUE(services::ListComplianceRecords(*store_, carriers_[1], services::kComplaint, 0, 0, 100)
                  ->items.empty());
  EXPECT_EQ(services::ResolveComplaint(*store_, carriers_[1], first->id, "x", Now("2024-03-11T15:00:00Z"))
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_P(CertificationStoreTest, c64_2009_e_BadRecordsNameTheFieldAndWriteNothing) {
  const CarrierId c = carriers_[0];
  store::Store& s = *store_;
  auto size = [&] {
    int64_t n = 0;
    EXPECT_TRUE(s.Read([&](store::Tx& tx) -> Status {
                   ASSIGN_OR_RETURN(auto head, tx.LedgerHead(c));
                   n = head.size;
                   return Status::Ok();
                 }).ok());
    return n;
  };
  const int64_t entries = size();
  auto bad_category = services::RecordComplaint(
      s, c, {CivilDate{2024, 3, 4}, "telephone", "rudeness", std::nullopt, "x", ""},
      Now("2024-03-04T15:00:00Z"));
  EXPECT_EQ(bad_category.status().field(), "category");
  auto future = services::RecordComplaint(
      s, c, {CivilDate{2024, 3, 5}, "telephone", "other", std::nullopt, "x", ""},
      Now("2024-03-04T15:00:00Z"));
  EXPECT_EQ(future.status().field(), "received_on");
  auto stranger = services::RecordComplaint(
      s, c, {CivilDate{2024, 3, 4}, "telephone", "other", CustomerId(999999), "x", ""},
      Now("2024-03-04T15:00:00Z"));
  EXPECT_EQ(stranger.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(stranger.status().field(), "customer");
  auto forum = services::RecordBrokerAction(s, c, {CivilDate{2024, 3, 4}, "arbitration", "X", "", "pending", ""},
                                            Now("2024-03-04T15:00:00Z"));
  EXPECT_EQ(forum.status().field(), "forum");
  auto course = services::AddTrainingCourse(s, c, {"CPNI basics", "1", -1, {}}, Now("2024-03-04T15:00:00Z"));
  ASSERT_TRUE(course.ok());
  auto dup = services::AddTrainingCourse(s, c, {"CPNI basics", "1", -1, {}}, Now("2024-03-04T15:00:00Z"));
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().field(), "version");
  // Another carrier's staff member cannot complete this carrier's course.
  Staff other;
  other.carrier = carriers_[1];
  other.name = "Elsewhere";
  other.roles = {Role::kCsr};
  const StaffId other_id = services::AddStaff(s, other, Now("2024-03-04T15:00:00Z")).value().id;
  auto foreign = services::RecordTrainingCompletion(s, c, {other_id, course->id, {}, false},
                                                    Now("2024-03-04T15:00:00Z"));
  EXPECT_EQ(foreign.status().field(), "staff");
  // Only the course (and its entry) was written.
  EXPECT_EQ(size(), entries + 1);
}

TEST_P(CertificationStoreTest, c64_2009_b_TrainingDueAtHireAndYearlyUnderThePolicy) {
  const CarrierId c = carriers_[0];
  // The floor names no schedule: nobody is due.
  EXPECT_TRUE(services::ListTrainingDue(*store_, c, At("2024-06-01T15:00:00Z"))->empty());
  SetSeedPolicy();  // training at hire and every 12 months
  auto due = services::ListTrainingDue(*store_, c, At("2024-06-01T15:00:00Z"));
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].due_on.ToString(), "2024-01-08");  // the hire date
  EXPECT_TRUE((*due)[0].overdue);
  auto course = services::AddTrainingCourse(*store_, c, {"CPNI basics", "2024.1", -1, {}},
                                            Now("2024-06-01T15:00:00Z"));
  ASSERT_TRUE(course.ok());
  EXPECT_EQ(course->policy_version, 1);  // the policy in force
  ASSERT_TRUE(services::RecordTrainingCompletion(*store_, c,
                                                 {staff_, course->id, CivilDate{2024, 6, 1}, true},
                                                 Now("2024-06-01T15:00:00Z"))
                  .ok());
  due = services::ListTrainingDue(*store_, c, At("2024-06-02T15:00:00Z"));
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].due_on.ToString(), "2025-06-01");
  EXPECT_FALSE((*due)[0].overdue);
  EXPECT_EQ((*due)[0].last_completed->ToString(), "2024-06-01");
  EXPECT_TRUE(services::ListTrainingDue(*store_, c, At("2025-06-02T15:00:00Z"))->at(0).overdue);
}

TEST_P(CertificationStoreTest, c64_2009_e_PrepareListsWhatIsMissing) {
  const CarrierId c = carriers_[0];
  auto future = services::PrepareCertification(*store_, c, 2025, At("2025-06-01T15:00:00Z"), rules::RuleConfig{});
  EXPECT_EQ(future.status().field(), "year");
  auto r = services::PrepareCertification(*store_, c, 2024, At("2025-01-15T15:00:00Z"), rules::RuleConfig{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->due_on.ToString(), "2025-03-03");  // March 1, 2025 was a Saturday (1.4(j))
  std::vector<std::string> fields;
  for (const auto& g : r->gaps) fields.push_back(g.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"policy", "pretexters"}));
  EXPECT_FALSE(r->ready());

  MakeReady();
  r = services::PrepareCertification(*store_, c, 2024, At("2025-01-15T15:00:00Z"), rules::RuleConfig{});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->gaps.empty()) << r->gaps[0].message;
  EXPECT_TRUE(r->ready());
  // The other carrier has a signatory but neither a policy nor a review.
  auto other = services::PrepareCertification(*store_, carriers_[1], 2024, At("2025-01-15T15:00:00Z"), rules::RuleConfig{});
  EXPECT_FALSE(other->ready());
}

// 64.2010(h)(7): once the SIM change rules are in force in the year, a
// wireless provider's CSR without a course on SIM change fraud is a gap;
// recording one clears it. Before the compliance date it is none.
TEST_P(CertificationStoreTest, c64_2010_h_7_CsrsNeedSimChangeTrainingOnceInForce) {
  const CarrierId c = carriers_[0];
  MakeReady();
  const Instant when = At("2025-01-15T15:00:00Z");
  rules::RuleConfig config;
  config.sim_change_compliance = CivilDate{2024, 7, 15};
  auto r = services::PrepareCertification(*store_, c, 2024, when, config);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->gaps.size(), 1u);
  EXPECT_EQ(r->gaps[0].field, "sim_training");
  EXPECT_EQ(r->gaps[0].citation, "47 CFR 64.2010(h)(7)");
  EXPECT_NE(r->gaps[0].message.find("1 staff member who takes customers' calls or visits has "
                                    "not completed training on SIM swap and port-out fraud"),
            std::string::npos)
      << r->gaps[0].message;
  EXPECT_TRUE(r->facts.sim_training_applies);
  EXPECT_EQ(r->facts.sim_training_missing, 1);
  EXPECT_FALSE(r->ready());
  // In force only from 2025: not a gap of 2024.
  config.sim_change_compliance = CivilDate{2025, 1, 2};
  r = services::PrepareCertification(*store_, c, 2024, when, config);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->facts.sim_training_applies);
  EXPECT_TRUE(r->ready());

  // An unknown topic names the field and writes nothing.
  auto bad = services::AddTrainingCourse(*store_, c, {"SIM fraud", "1", -1, {"sim_swap"}},
                                         Now("2024-08-01T15:00:00Z"));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().field(), "topics");
  EXPECT_EQ(services::ListTrainingCourses(*store_, c)->size(), 1u);
  auto sim = services::AddTrainingCourse(*store_, c,
                                         {"SIM fraud", "1", -1, {"sim_change", "cpni", "sim_change"}},
                                         Now("2024-08-01T15:00:00Z"));
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();
  EXPECT_EQ(sim->topics, "cpni;sim_change");  // known order, once each
  EXPECT_EQ(services::TrainingCourseToJson(*sim)["topics"],
            nlohmann::json::array({"cpni", "sim_change"}));
  EXPECT_EQ(services::ListTrainingCourses(*store_, c)->at(0).topics, "cpni");
  ASSERT_TRUE(services::RecordTrainingCompletion(*store_, c,
                                                 {staff_, sim->id, CivilDate{2024, 8, 2}, true},
                                                 Now("2024-08-02T15:00:00Z"))
                  .ok());
  config.sim_change_compliance = CivilDate{2024, 7, 15};
  r = services::PrepareCertification(*store_, c, 2024, when, config);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->facts.sim_training_missing, 0);
  EXPECT_TRUE(r->ready()) << (r->gaps.empty() ? "" : r->gaps[0].message);
}

TEST_P(CertificationStoreTest, c64_2009_e_BuildSignAndReadTheFilingBack) {
  const CarrierId c = carriers_[0];
  MakeReady();
  ASSERT_TRUE(services::RecordComplaint(*store_, c,
                                        {CivilDate{2024, 3, 4}, "telephone", "employee_access",
                                         customer_, "Looked up", "Disciplined"},
                                        Now("2024-03-04T15:00:00Z"))
                  .ok());
  ASSERT_TRUE(services::RecordBrokerAction(*store_, c,
                                           {CivilDate{2024, 7, 1}, "court", "DataHarvest LLC",
                                            "No. 24-cv-0101", "pending", "Injunction sought"},
                                           Now("2024-07-01T15:00:00Z"))
                  .ok());
  const services::Actor when = Now("2025-01-15T15:00:00Z");
  auto built = services::BuildCertification(*store_, c, 2024, {}, when);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->state, "built");
  EXPECT_EQ(built->officer_name, "Don Hutchins");
  EXPECT_EQ(built->pdf_sha256.size(), 64u);
  const json doc = json::parse(built->document);
  EXPECT_EQ(doc["format"], "proprio-cpni-certification/1");
  EXPECT_EQ(doc["ready"], true);
  EXPECT_EQ(doc["complaints"]["total"], 1);
  EXPECT_EQ(doc["complaints"]["by_category"][0]["category"], "employee_access");
  EXPECT_EQ(doc["complaints"]["by_category"][0]["count"], 1);
  EXPECT_EQ(doc["broker_actions"].size(), 1u);
  EXPECT_EQ(doc["training"]["completions"], 1);  // 2024 only
  // The ledger head it rests on is the one before its own entry.
  int64_t head_size = 0;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
                       ASSIGN_OR_RETURN(auto head, tx.LedgerHead(c));
                       head_size = head.size;
                       return Status::Ok();
                     }).ok());
  EXPECT_EQ(doc["ledger"]["size"], head_size - 1);
  EXPECT_EQ(built->ledger_seq, head_size);

  const std::string text = PdfText(built->pdf, dir_);
  EXPECT_NE(text.find("EB Docket No. 06-36"), std::string::npos) << text;
  EXPECT_NE(text.find("Fusion Telecommunications International, Inc."), std::string::npos);
  EXPECT_NE(text.find("Form 499 Filer ID: 825160"), std::string::npos);
  EXPECT_NE(text.find("I, Don Hutchins, certify that I am an officer"), std::string::npos);
  EXPECT_NE(text.find("DataHarvest LLC"), std::string::npos);
  EXPECT_NE(text.find("received 1 customer complaint"), std::string::npos);
  EXPECT_NE(text.find("Callers posing as account holders"), std::string::npos);
  EXPECT_NE(text.find("Accompanying Statement"), std::string::npos);
  EXPECT_NE(text.find("the General Counsel"), std::string::npos);
  EXPECT_EQ(text.find("DRAFT"), std::string::npos);

  // Signing: the named officer, who states they reviewed the evidence.
  EXPECT_EQ(services::SignCertification(*store_, c, built->id, "Pat Doe", true, when).status().field(),
            "officer");
  EXPECT_EQ(services::SignCertification(*store_, c, built->id, "Don Hutchins", false, when)
                .status()
                .field(),
            "reviewed");
  auto signed_ = services::SignCertification(*store_, c, built->id, "Don Hutchins", true,
                                             Now("2025-01-20T15:00:00Z"));
  ASSERT_TRUE(signed_.ok()) << signed_.status().ToString();
  EXPECT_EQ(signed_->state, "signed");
  EXPECT_NE(signed_->pdf_sha256, built->pdf_sha256);
  EXPECT_NE(PdfText(signed_->pdf, dir_).find("Signed: /s/ Don Hutchins"), std::string::npos);
  EXPECT_EQ(services::SignCertification(*store_, c, built->id, "Don Hutchins", true, when)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  // A second filing for the year may be built (a correction) but not signed.
  auto second = services::BuildCertification(*store_, c, 2024, {}, when);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(json::parse(second->document)["gaps"].size(), 1u);  // "already signed"
  EXPECT_EQ(services::SignCertification(*store_, c, second->id, "Don Hutchins", true, when)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  auto list = services::ListCertifications(*store_, c, 2024);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, second->id);  // newest first
  EXPECT_EQ(services::GetCertification(*store_, carriers_[1], built->id).status().code(),
            StatusCode::kNotFound);
}

TEST_P(CertificationStoreTest, c64_2009_e_ADraftSaysSoAndCannotBeSigned) {
  const CarrierId c = carriers_[0];
  auto built = services::BuildCertification(*store_, c, 2024, {}, Now("2025-01-15T15:00:00Z"));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(json::parse(built->document)["ready"], false);
  const std::string text = PdfText(built->pdf, dir_);
  EXPECT_NE(text.find("DRAFT - NOT READY TO FILE"), std::string::npos) << text;
  EXPECT_NE(text.find("never set a CPNI policy"), std::string::npos);
  EXPECT_EQ(services::SignCertification(*store_, c, built->id, "Don Hutchins", true,
                                        Now("2025-01-15T15:00:00Z"))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(services::BuildCertification(*store_, c, 2024, {"Pat Doe", {}}, Now("2025-01-15T15:00:00Z"))
                .status()
                .field(),
            "officer");
}

INSTANTIATE_TEST_SUITE_P(Backends, CertificationStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return param_info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace proprio
