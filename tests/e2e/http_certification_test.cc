// End-to-end tests of the certification routes (47 CFR 64.2009(b), (e)) over
// real HTTP: records with Location, roles, another carrier kept out, bad
// input as problem+json naming the field, readiness, the filing built and
// downloaded as PDF, and signing only by the filing's own officer. On SQLite
// and PostgreSQL.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "live_server.h"
#include "services/policies.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

services::Actor Now() { return {"test", Instant::Now()}; }
std::string LastYear() { return std::to_string(UtcDate(Instant::Now()).year - 1); }

class HttpCertificationTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (auto why = LiveServer::SkipReason(GetParam())) GTEST_SKIP() << *why;
    ASSERT_TRUE(live_.Start(GetParam()).ok());
    carriers_ = {live_.AddCarrier("910001"), live_.AddCarrier("910002")};
    std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
    std::stringstream toml;
    toml << in.rdbuf();
    ASSERT_TRUE(services::SetPolicy(live_.store(), carriers_[0], toml.str(), Now()).ok());
    tokens_["Priya Raman"] = live_.AddStaff(carriers_[0], "Priya Raman", {Role::kComplianceOfficer});
    tokens_["Kim Tran"] = live_.AddStaff(carriers_[0], "Kim Tran", {Role::kAuditor});
    tokens_["Alicia Gomez"] = live_.AddStaff(carriers_[0], "Alicia Gomez", {Role::kCsr});
    tokens_["Dana Whitfield"] =
        live_.AddStaff(carriers_[0], "Dana Whitfield", {Role::kGeneralCounsel});
    tokens_["other"] = live_.AddStaff(carriers_[1], "Other compliance", {Role::kComplianceOfficer});
  }
  std::string Base() const { return "/v1/carriers/" + carriers_[0].ToString(); }
  HttpResponse Post(const std::string& target, const json& body, const std::string& who) {
    return client().PostJson(target, body, tokens_[who]);
  }
  HttpResponse Get(const std::string& target, const std::string& who) {
    return client().Get(target, tokens_[who]);
  }
  HttpClient& client() { return live_.client(); }

  LiveServer live_;
  std::vector<CarrierId> carriers_;
  std::map<std::string, std::string> tokens_;
};

TEST_P(HttpCertificationTest, c64_2009_e_RecordsReadinessBuildAndSignature) {
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

INSTANTIATE_TEST_SUITE_P(Backends, HttpCertificationTest, AllBackends(), BackendName);

}  // namespace
}  // namespace proprio::testing
