// End-to-end tests of the opt-out failure routes (47 CFR 64.2009(f)) over
// real HTTP: roles (compliance officer and general counsel write, auditors
// read), another carrier kept out, the notice's due instant, PATCH with
// If-Match, the letter refused (400 naming the field) until complete, then
// as text and PDF (read back with pdftotext), its sending recorded once, bad
// input as problem+json naming the field with nothing written, and the
// routes in the OpenAPI document with closed schemas. On SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "live_server.h"
#include "report/testing/pdf_check.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

class HttpOptOutFailureTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (auto why = LiveServer::SkipReason(GetParam())) GTEST_SKIP() << *why;
    ASSERT_TRUE(live_.Start(GetParam()).ok());
    carriers_ = {live_.AddCarrier("910001"), live_.AddCarrier("910002")};
    tokens_["Priya Raman"] = live_.AddStaff(carriers_[0], "Priya Raman", {Role::kComplianceOfficer});
    tokens_["Kim Tran"] = live_.AddStaff(carriers_[0], "Kim Tran", {Role::kAuditor});
    tokens_["Alicia Gomez"] = live_.AddStaff(carriers_[0], "Alicia Gomez", {Role::kCsr});
    tokens_["Dana Whitfield"] =
        live_.AddStaff(carriers_[0], "Dana Whitfield", {Role::kGeneralCounsel});
    tokens_["other"] = live_.AddStaff(carriers_[1], "Other compliance", {Role::kComplianceOfficer});
  }
  std::string Base() const { return "/v1/carriers/" + carriers_[0].ToString() + "/opt-out-failures"; }
  HttpResponse Post(const std::string& target, const json& body, const std::string& who) {
    return client().PostJson(target, body, tokens_[who]);
  }
  HttpResponse Get(const std::string& target, const std::string& who) {
    return client().Get(target, tokens_[who]);
  }
  HttpResponse Patch(const std::string& target, const json& body, const std::string& who,
                     const std::string& etag) {
    Headers h = {{"Authorization", "Bearer " + tokens_[who]}};
    if (!etag.empty()) h.emplace_back("If-Match", etag);
    return client().Send("PATCH", target, body.dump(), h, "application/merge-patch+json");
  }
  HttpClient& client() { return live_.client(); }
  size_t Count() { return Get(Base(), "Kim Tran").Json()["incidents"].size(); }

  LiveServer live_;
  std::vector<CarrierId> carriers_;
  std::map<std::string, std::string> tokens_;
};

const json kIncident = {{"learned_at", "2026-11-25T23:30:00-05:00"},
                        {"started_at", "2026-11-16T08:00:00-05:00"},
                        {"mechanisms", "A toll-free opt-out line and a web form"},
                        {"problems", "The web form discarded opt-out elections"},
                        {"determination", "more_than_anomaly"},
                        {"determined_by", "Priya Raman"}};

TEST_P(HttpOptOutFailureTest, c64_2009_f_RecordPatchLetterAndSending) {
  // Roles: a CSR and an auditor may not record; another carrier's staff sees nothing.
  EXPECT_EQ(Post(Base(), kIncident, "Alicia Gomez").status, 403);
  EXPECT_EQ(Post(Base(), kIncident, "Kim Tran").status, 403);
  EXPECT_EQ(Post(Base(), kIncident, "other").status, 404);
  auto created = Post(Base(), kIncident, "Priya Raman");
  ASSERT_EQ(created.status, 201) << created.body;
  const json f = created.Json();
  const std::string one = Base() + "/" + std::to_string(f["id"].get<int64_t>());
  EXPECT_EQ(created.Header("location"), one);
  EXPECT_EQ(f["notice"]["due_local"], "2026-12-03T23:59:59-05:00");
  EXPECT_EQ(f["notice"]["basis"][0], "47 CFR 64.2009(f)");
  EXPECT_EQ(Get(one, "other").status, 404);
  auto read = Get(one, "Kim Tran");
  ASSERT_EQ(read.status, 200);
  const std::string etag = read.Header("etag");
  EXPECT_EQ(etag, "\"" + std::to_string(f["ledger_seq"].get<int64_t>()) + "\"");

  // The letter is refused until complete, naming the first missing item.
  auto refused = Get(one + "/notice.txt", "Kim Tran");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Json()["field"], "remedy");
  EXPECT_EQ(Post(one + "/fcc-notice", {{"sent_at", "2026-12-02T10:00:00-05:00"}, {"reference", "1"}},
                 "Priya Raman")
                .Json()["field"],
            "remedy");

  const json contents = {{"remedy", "Form repaired; elections re-entered"},
                         {"remedy_date", "2026-11-30"},
                         {"state_commission_notified", false},
                         {"customer_notice", "Dear Customer, your choice may not have been recorded."},
                         {"contact", "Priya Raman, +1 202 555 0100"}};
  // PATCH needs If-Match (428), the current one (412), and a writer (403).
  EXPECT_EQ(Patch(one, contents, "Priya Raman", "").status, 428);
  EXPECT_EQ(Patch(one, contents, "Priya Raman", "\"1\"").status, 412);
  EXPECT_EQ(Patch(one, contents, "Kim Tran", etag).status, 403);
  auto patched = Patch(one, contents, "Dana Whitfield", etag);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(patched.Json()["missing"].empty());
  EXPECT_NE(patched.Header("etag"), etag);

  auto txt = Get(one + "/notice.txt", "Kim Tran");
  ASSERT_EQ(txt.status, 200) << txt.body;
  EXPECT_EQ(txt.Header("content-type").rfind("text/plain", 0), 0u);
  EXPECT_NE(txt.body.find("have not been notified"), std::string::npos) << txt.body;
  auto pdf = Get(one + "/notice.pdf", "Kim Tran");
  ASSERT_EQ(pdf.status, 200);
  auto text = report::testing::PdfText(pdf.body);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_NE(text->find("Office of the Secretary"), std::string::npos) << *text;
  EXPECT_NE(text->find("It was implemented on November 30, 2026"), std::string::npos) << *text;

  // Sending: dates in order, a writer, once.
  auto early = Post(one + "/fcc-notice",
                    {{"sent_at", "2026-11-20T10:00:00-05:00"}, {"reference", "ECFS 1"}},
                    "Priya Raman");
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(early.Json()["field"], "sent_at");
  EXPECT_EQ(Post(one + "/fcc-notice",
                 {{"sent_at", "2026-12-02T10:00:00-05:00"}, {"reference", "ECFS 1"}}, "Kim Tran")
                .status,
            403);
  auto sent = Post(one + "/fcc-notice",
                   {{"sent_at", "2026-12-02T10:00:00-05:00"}, {"reference", "ECFS 1"}},
                   "Priya Raman");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.Json()["notice"]["state"], "met");
  EXPECT_EQ(Post(one + "/fcc-notice",
                 {{"sent_at", "2026-12-02T11:00:00-05:00"}, {"reference", "ECFS 2"}},
                 "Priya Raman")
                .status,
            409);
  EXPECT_TRUE(Get(Base() + "?state=open", "Kim Tran").Json()["incidents"].empty());
}

TEST_P(HttpOptOutFailureTest, c64_2009_f_BadInputIsRefusedNamingTheField) {
  auto bad = [&](json body, const std::string& field) {
    auto r = Post(Base(), body, "Priya Raman");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json()["field"], field) << r.body;
  };
  json b = kIncident;
  b["started_at"] = "2026-11-26T08:00:00-05:00";
  bad(b, "started_at");
  b = kIncident;
  b.erase("learned_at");
  bad(b, "learned_at");
  b = kIncident;
  b["determination"] = "glitch";
  bad(b, "determination");
  b = kIncident;
  b["colour"] = "red";
  bad(b, "colour");
  b = kIncident;
  b["state_commission_notified"] = false;
  b["state_commission_action"] = "fined us";
  bad(b, "state_commission_action");
  EXPECT_EQ(Count(), 0u);
  EXPECT_EQ(Get(Base() + "/99", "Kim Tran").status, 404);
  EXPECT_EQ(Get(Base() + "/99/notice.pdf", "Kim Tran").status, 404);
  EXPECT_EQ(Get(Base() + "?state=closed", "Kim Tran").status, 400);
}

TEST_P(HttpOptOutFailureTest, OpenApiDocumentsTheRoutesWithClosedSchemas) {
  const json& doc = live_.api().OpenApi();
  const std::string base = "/v1/carriers/{carrier}/opt-out-failures";
  for (const auto& [path, method] : std::vector<std::pair<std::string, std::string>>{
           {base, "post"}, {base, "get"}, {base + "/{incident}", "get"},
           {base + "/{incident}", "patch"}, {base + "/{incident}/notice.pdf", "get"},
           {base + "/{incident}/notice.txt", "get"}, {base + "/{incident}/fcc-notice", "post"}}) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    ASSERT_TRUE(doc["paths"][path].contains(method)) << path << " " << method;
    const json& op = doc["paths"][path][method];
    bool has4xx = false;
    for (const auto& [status, r] : op["responses"].items()) {
      (void)r;
      has4xx = has4xx || status[0] == '4';
    }
    EXPECT_TRUE(has4xx) << path << " " << method;
    if (op.contains("requestBody")) {
      const json& s = op["requestBody"]["content"]["application/json"]["schema"];
      EXPECT_EQ(s["additionalProperties"], false) << path;
    }
  }
  const json& created = doc["paths"][base]["post"]["responses"]["201"]["content"]
                           ["application/json"]["schema"];
  EXPECT_EQ(created["additionalProperties"], false);
  EXPECT_EQ(created["required"].size(), created["properties"].size());
}

INSTANTIATE_TEST_SUITE_P(Backends, HttpOptOutFailureTest, AllBackends(), BackendName);

}  // namespace
}  // namespace proprio::testing
