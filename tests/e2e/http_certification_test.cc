// End-to-end tests of the certification routes (47 CFR 64.2009(b), (e)) over
// real HTTP: records with Location, roles, another carrier kept out, bad
// input as problem+json naming the field, readiness, the filing built and
// downloaded as PDF, and signing only by the filing's own officer.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/api.h"
#include "api/server.h"
#include "http_client.h"
#include "services/policies.h"
#include "services/registry.h"
#include "services/staff_auth.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

services::Actor Now() { return {"test", Instant::Now()}; }
std::string LastYear() { return std::to_string(UtcDate(Instant::Now()).year - 1); }

class HttpCertificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-http-cert-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::move(store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/p.db")).value());
    api::ApiOptions ao;
    ao.auth.cost = {1, 64, 1};
    ao.workers = 4;
    ao.log_requests = false;
    api_ = std::make_unique<api::Api>(*store_, ao);
    api::ServerOptions sv;
    sv.listen = "127.0.0.1:0";
    sv.io_threads = 1;
    server_ = std::make_unique<api::Server>(*api_, sv);
    ASSERT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { server_->Run(); });
    for (const char* filer : {"910001", "910002"}) {
      Carrier c;
      c.legal_name = std::string("Carrier ") + filer;
      c.filer_id_499 = filer;
      c.time_zone = "America/New_York";
      c.officers = {{"Dana Whitfield", "Chief Financial Officer", true}};
      carriers_.push_back(services::AddCarrier(*store_, c, Now()).value().id);
    }
    std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
    std::stringstream toml;
    toml << in.rdbuf();
    ASSERT_TRUE(services::SetPolicy(*store_, carriers_[0], toml.str(), Now()).ok());
    for (auto [name, role] : std::vector<std::pair<std::string, Role>>{
             {"Priya Raman", Role::kComplianceOfficer},
             {"Kim Tran", Role::kAuditor},
             {"Alicia Gomez", Role::kCsr},
             {"Dana Whitfield", Role::kGeneralCounsel}}) {
      Staff s;
      s.carrier = carriers_[0];
      s.name = name;
      s.roles = {role};
      auto added = services::AddStaff(*store_, s, Now()).value();
      tokens_[name] = services::IssueApiToken(*store_, added.id, "t", Now()).value().token;
    }
    Staff other;
    other.carrier = carriers_[1];
    other.name = "Other compliance";
    other.roles = {Role::kComplianceOfficer};
    auto added = services::AddStaff(*store_, other, Now()).value();
    tokens_["other"] = services::IssueApiToken(*store_, added.id, "t", Now()).value().token;
  }
  void TearDown() override {
    server_->Shutdown();
    thread_.join();
    server_.reset();
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string Base() const { return "/v1/carriers/" + carriers_[0].ToString(); }
  HttpResponse Post(const std::string& target, const json& body, const std::string& who) {
    return client().PostJson(target, body, tokens_[who]);
  }
  HttpResponse Get(const std::string& target, const std::string& who) {
    return client().Get(target, tokens_[who]);
  }
  HttpClient& client() {
    if (!client_) client_ = std::make_unique<HttpClient>(server_->port());
    return *client_;
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  std::unique_ptr<HttpClient> client_;
  std::vector<CarrierId> carriers_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(HttpCertificationTest, c64_2009_e_RecordsReadinessBuildAndSignature) {
  const std::string year = LastYear();
  const json complaint = {{"received_on", year + "-05-01"},
                          {"channel", "web"},
                          {"category", "online_access"},
                          {"summary", "Someone signed in to my account"},
                          {"outcome", "Password reset; account locked"}};
  // Roles: a CSR may not record complaints; an auditor reads but does not write.
  EXPECT_EQ(Post(Base() + "/complaints", complaint, "Alicia Gomez").status, 403);
  EXPECT_EQ(Post(Base() + "/complaints", complaint, "Kim Tran").status, 403);
  auto created = Post(Base() + "/complaints", complaint, "Priya Raman");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("location"), Base() + "/complaints/" +
                                            std::to_string(created.Json()["id"].get<int64_t>()));
  EXPECT_EQ(created.Json()["status"], "resolved");
  // Bad input: 400 problem+json naming the field; nothing written.
  json bad = complaint;
  bad["category"] = "rudeness";
  auto refused = Post(Base() + "/complaints", bad, "Priya Raman");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("\"category\""), std::string::npos) << refused.body;
  auto listed = Get(Base() + "/complaints?year=" + year, "Kim Tran");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Json()["records"].size(), 1u);
  // Another carrier's staff sees nothing of it: the carrier is not theirs to name.
  EXPECT_EQ(Get(Base() + "/complaints", "other").status, 404);

  auto ready = Get(Base() + "/certification-readiness/" + year, "Priya Raman");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.Json()["ready"], false);
  EXPECT_EQ(ready.Json()["gaps"][0]["field"], "pretexters");
  auto review = Post(Base() + "/pretexter-reviews",
                     {{"year", std::stoi(year)}, {"summary", "Nothing new learned"}},
                     "Priya Raman");
  ASSERT_EQ(review.status, 201) << review.body;
  EXPECT_EQ(Get(Base() + "/certification-readiness/" + year, "Priya Raman").Json()["ready"], true);

  auto built = Post(Base() + "/certifications", {{"year", std::stoi(year)}}, "Priya Raman");
  ASSERT_EQ(built.status, 201) << built.body;
  const std::string one = built.Header("location");
  EXPECT_EQ(built.Json()["ready"], true);
  EXPECT_EQ(built.Json()["officer"]["name"], "Dana Whitfield");
  auto pdf = Get(one + "/filing.pdf", "Kim Tran");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  auto full = Get(one, "Kim Tran");
  EXPECT_EQ(full.Json()["document"]["complaints"]["by_category"][2]["count"], 1);

  // Only the filing's officer signs, stating the review.
  EXPECT_EQ(Post(one + "/signature", {{"reviewed_evidence", true}}, "Priya Raman").status, 403);
  auto unreviewed = Post(one + "/signature", {{"reviewed_evidence", false}}, "Dana Whitfield");
  EXPECT_EQ(unreviewed.status, 400);
  EXPECT_NE(unreviewed.body.find("reviewed"), std::string::npos);
  auto signed_ = Post(one + "/signature", {{"reviewed_evidence", true}}, "Dana Whitfield");
  ASSERT_EQ(signed_.status, 200) << signed_.body;
  EXPECT_EQ(signed_.Json()["state"], "signed");
  EXPECT_EQ(Post(one + "/signature", {{"reviewed_evidence", true}}, "Dana Whitfield").status, 409);
  // A year that has not ended.
  auto future = Post(Base() + "/certifications", {{"year", std::stoi(year) + 1}}, "Priya Raman");
  EXPECT_EQ(future.status, 400);
  EXPECT_NE(future.body.find("\"year\""), std::string::npos);
}

}  // namespace
}  // namespace proprio::testing
