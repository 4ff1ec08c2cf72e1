// End-to-end tests of /v1/carriers/{carrier}/breaches over real HTTP: roles,
// out-of-order steps refused citing the rule, strict input naming the field,
// documents (JSON, PDF), the due list, /metrics gauges and carrier scope, on
// SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "live_server.h"
#include "http_pages.h"
#include "report/testing/pdf_check.h"
#include "services/registry.h"

namespace proprio::testing {
namespace {

// The PDF's text as pdftotext reads it (whitespace folded), its fonts embedded.
std::string PdfText(const std::string& pdf) {
  EXPECT_EQ(report::testing::NotEmbedded(pdf), "");
  auto text = report::testing::PdfText(pdf);
  EXPECT_TRUE(text.ok()) << text.status().message();
  return text.ok() ? *text : "";
}

using nlohmann::json;

services::Actor Now() { return {"test", Instant::Now()}; }

class HttpBreachTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (auto why = LiveServer::SkipReason(GetParam())) GTEST_SKIP() << *why;
    api::ApiOptions ao = LiveServer::DefaultApiOptions();
    ao.rules.breach_2024_effective = operator_breach_2024_;
    ASSERT_TRUE(live_.Start(GetParam(), ao).ok());
    for (const char* filer : {"900001", "900002"}) {
      carriers_.push_back(live_.AddCarrier(filer, [](Carrier& c) {
        c.address = {"1 Main St", "New York", "NY", "10001", "US"};
        c.officers.clear();
      }));
    }
    for (Role r : {Role::kComplianceOfficer, Role::kAuditor, Role::kCsr, Role::kSecurity}) {
      tokens_[r] = live_.AddStaff(carriers_[0], std::string("Staff ") + RoleName(r), {r});
    }
    other_token_ = live_.AddStaff(carriers_[1], "Other compliance", {Role::kComplianceOfficer});
    Customer cu;
    cu.carrier = carriers_[0];
    cu.account_number = "ACCT-4321";
    cu.name = "Imogen Breachley";
    cu.phones_of_record = {"+12125550111"};
    cu.address_of_record = {"9 Elm St", "Albany", "NY", "12207", "US"};
    customer_ = services::AddCustomer(live_.store(), cu, Now()).value().id;
  }
  std::string Base() const { return "/v1/carriers/" + carriers_[0].ToString() + "/breaches"; }
  Headers Auth(Role r) { return {{"Authorization", "Bearer " + tokens_[r]}}; }
  HttpResponse Post(const std::string& target, const json& body, Role r) {
    return client().Send("POST", target, body.dump(), Auth(r));
  }
  HttpResponse Get(const std::string& target, Role r) { return client().Get(target, tokens_[r]); }
  HttpClient& client() { return live_.client(); }
  json OpenBody() {
    return {{"description", "A contractor exported call records"},
            {"discovered_how", "audit log review"},
            {"discovered_at", "2024-12-19T10:00:00-05:00"},
            {"determined_at", "2024-12-20T10:00:00-05:00"},
            {"cpni", {"call_detail"}},
            {"other_data", {"name", "ssn_last4"}},
            {"customers", {customer_.value()}}};
  }

  std::optional<CivilDate> operator_breach_2024_;  // proprio serve --breach-2024-effective
  LiveServer live_;
  std::vector<CarrierId> carriers_;
  std::map<Role, std::string> tokens_;
  std::string other_token_;
  CustomerId customer_;
};

TEST_P(HttpBreachTest, CaseLifecycleOverHttp) {
  // Roles: auditors and CSRs may not open a case.
  EXPECT_EQ(Post(Base(), OpenBody(), Role::kAuditor).status, 403);
  EXPECT_EQ(Post(Base(), OpenBody(), Role::kCsr).status, 403);
  auto opened = Post(Base(), OpenBody(), Role::kComplianceOfficer);
  ASSERT_EQ(opened.status, 201) << opened.body;
  const json c = opened.Json();
  const std::string one = Base() + "/" + std::to_string(c["id"].get<int64_t>());
  EXPECT_EQ(opened.Header("location"), one);
  EXPECT_EQ(c["breach_regime"], "2007");
  EXPECT_EQ(c["obligations"][0]["kind"], "agency_notice");
  EXPECT_EQ(c["obligations"][0]["due"], "2025-01-03T04:59:59.999999Z");  // Thu 2025-01-02, EST
  EXPECT_EQ(c["obligations"][0]["basis"], json({"47 CFR 64.2011(b)"}));

  // Auditors read; they do not write.
  EXPECT_EQ(Get(one, Role::kAuditor).status, 200);
  EXPECT_EQ(Post(one + "/actions", {{"kind", "closed"}}, Role::kAuditor).status, 403);
  EXPECT_EQ(Get(one, Role::kCsr).status, 403);

  // Customers before the agencies: 409 citing the rule.
  json notice = {{"kind", "customer_notified"},
                 {"customer", customer_.value()},
                 {"channel", "mail"},
                 {"outcome", "sent"},
                 {"at", "2024-12-23T10:00:00-05:00"}};
  auto early = Post(one + "/actions", notice, Role::kSecurity);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_NE(early.Json()["detail"].get<std::string>().find("47 CFR 64.2011(a)"), std::string::npos);

  // Bad input names the field; unknown fields are refused.
  json bad = notice;
  bad["channel"] = "carrier pigeon";
  auto r = Post(one + "/actions", bad, Role::kComplianceOfficer);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["field"], "channel");
  bad = notice;
  bad["colour"] = "red";
  EXPECT_EQ(Post(one + "/actions", bad, Role::kComplianceOfficer).Json()["field"], "colour");
  json bad_open = OpenBody();
  bad_open["determined_at"] = "yesterday";
  r = Post(Base(), bad_open, Role::kComplianceOfficer);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["field"], "determined_at");
  bad_open = OpenBody();
  bad_open["cpni"] = {"horoscope"};
  EXPECT_EQ(Post(Base(), bad_open, Role::kComplianceOfficer).Json()["field"], "cpni[0]");

  auto agency = Post(one + "/actions",
                     {{"kind", "agency_notified"},
                      {"agencies", {"usss", "fbi"}},
                      {"reference", "CRF-77"},
                      {"at", "2025-01-02T15:00:00-05:00"}},
                     Role::kComplianceOfficer);
  ASSERT_EQ(agency.status, 201) << agency.body;
  EXPECT_EQ(agency.Json()["obligations"][0]["state"], "met");
  EXPECT_EQ(agency.Json()["obligations"][1]["not_before"], "2025-01-14T05:00:00Z");
  notice["at"] = "2025-01-14T10:00:00-05:00";
  auto sent = Post(one + "/actions", notice, Role::kComplianceOfficer);
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.Json()["obligations"][1]["state"], "met");
  EXPECT_EQ(sent.Json()["timeline"].size(), 2u);

  // Documents.
  auto report = Get(one + "/agency-report", Role::kAuditor);
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(report.Json()["format"], "proprio-breach-agency-report/1");
  EXPECT_EQ(report.Json()["approximate_customers_affected"], 1);
  auto pdf = Get(one + "/agency-report.pdf", Role::kAuditor);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.Header("content-type"), "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(Get(one + "/letters/" + customer_.ToString(), Role::kAuditor).status, 403);
  auto letter = Get(one + "/letters/" + customer_.ToString(), Role::kComplianceOfficer);
  ASSERT_EQ(letter.status, 200) << letter.body;
  const std::string text = PdfText(letter.body);
  EXPECT_NE(text.find("Dear Imogen Breachley,"), std::string::npos) << text;
  EXPECT_NE(text.find("Equifax"), std::string::npos) << "ssn_last4: identity theft risk";

  // Close; erasure is refused until the retention ends.
  auto closed = Post(one + "/actions", {{"kind", "closed"}, {"reasons", "done"}},
                     Role::kComplianceOfficer);
  ASSERT_EQ(closed.status, 201) << closed.body;
  auto erase = client().Send("POST", one + "/erasure", "", Auth(Role::kComplianceOfficer));
  EXPECT_EQ(erase.status, 409);
  EXPECT_NE(erase.Json()["detail"].get<std::string>().find("cannot be erased earlier"),
            std::string::npos);

  // Another carrier's staff: 404.
  EXPECT_EQ(client().Get(one, other_token_).status, 404);
}

TEST_P(HttpBreachTest, CasesAndTheDueListPageByCaseId) {
  // Seven open cases of carrier A, two of carrier B between them.
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    auto opened = Post(Base(), OpenBody(), Role::kComplianceOfficer);
    ASSERT_EQ(opened.status, 201) << opened.body;
    ids.push_back(opened.Json()["id"].get<int64_t>());
    if (i == 1 || i == 4) {
      json body = OpenBody();
      body.erase("customers");
      body["affected_unknown"] = true;
      auto other = client().Send("POST", "/v1/carriers/" + carriers_[1].ToString() + "/breaches",
                                 body.dump(), {{"Authorization", "Bearer " + other_token_}});
      ASSERT_EQ(other.status, 201) << other.body;
    }
  }
  const std::string token = tokens_[Role::kAuditor];

  // Every case once, by id, 3 at a time: 3 + 3 + 1, the last without a cursor.
  PageWalk all = WalkPages(client(), Base(), "breaches", 3, token);
  EXPECT_EQ(Keys(all), ids);
  EXPECT_EQ(all.pages, 3);
  EXPECT_EQ(all.items[0]["obligations"][0]["kind"], "agency_notice");
  EXPECT_EQ(Keys(WalkPages(client(), Base() + "?state=open", "breaches", 2, token)), ids);
  EXPECT_TRUE(WalkPages(client(), Base() + "?state=closed", "breaches", 2, token).items.empty());
  auto one_page = Get(Base() + "?limit=7", Role::kAuditor).Json();
  EXPECT_EQ(one_page["breaches"].size(), 7u);
  EXPECT_TRUE(one_page["next_cursor"].is_null());
  auto past = Get(Base() + "?cursor=" + std::to_string(ids.back()), Role::kAuditor).Json();
  EXPECT_TRUE(past["breaches"].empty());
  EXPECT_TRUE(past["next_cursor"].is_null());

  // The due list: a page of open cases at a time, their obligations by case
  // id; every case's open obligations once.
  PageWalk due = WalkPages(client(), Base() + "/due", "obligations", 2, token, false);
  EXPECT_EQ(due.pages, 4);  // 2 + 2 + 2 + 1 cases
  const std::vector<int64_t> cases = Keys(due, "case");
  EXPECT_TRUE(std::is_sorted(cases.begin(), cases.end()));
  EXPECT_EQ(std::set<int64_t>(cases.begin(), cases.end()),
            std::set<int64_t>(ids.begin(), ids.end()));
  const json whole = Get(Base() + "/due", Role::kAuditor).Json();
  auto case_and_kind = [](const json& items) {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const json& o : items) out.emplace_back(o["case"].get<int64_t>(), o["kind"].get<std::string>());
    return out;
  };
  EXPECT_EQ(case_and_kind(whole["obligations"]), case_and_kind(json(due.items)));
  EXPECT_EQ(whole["open"], due.items.size());
  EXPECT_TRUE(whole["next_cursor"].is_null());
  auto first = Get(Base() + "/due?limit=1", Role::kAuditor).Json();
  EXPECT_EQ(first["next_cursor"], std::to_string(ids[0]));
  for (const json& o : first["obligations"]) EXPECT_EQ(o["case"], ids[0]);
  EXPECT_EQ(first["open"], first["obligations"].size());

  for (const std::string& url : {Base(), Base() + "?state=open", Base() + "/due"}) {
    ExpectBadPageQueriesRefused(client(), url, token);
  }
  // The pages are documented.
  json doc = client().Get("/v1/openapi.json").Json();
  for (const char* path : {"/v1/carriers/{carrier}/breaches", "/v1/carriers/{carrier}/breaches/due"}) {
    const json& op = doc["paths"][path]["get"];
    std::set<std::string> names;
    for (const json& p : op["parameters"]) names.insert(p["name"].get<std::string>());
    EXPECT_TRUE(names.count("limit") && names.count("cursor")) << path;
    EXPECT_TRUE(op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
                    .contains("next_cursor"))
        << path;
  }
}

TEST_P(HttpBreachTest, DueListAndMetrics) {
  ASSERT_EQ(Post(Base(), OpenBody(), Role::kComplianceOfficer).status, 201);
  json later = OpenBody();
  later["customers"] = json::array();
  later["affected_unknown"] = true;
  later["discovered_at"] = "2025-06-02T20:00:00-04:00";
  later["determined_at"] = "2025-06-02T23:30:00-04:00";  // Mon, 23:30 local
  ASSERT_EQ(Post(Base(), later, Role::kComplianceOfficer).status, 201);
  auto due = Get(Base() + "/due", Role::kAuditor);
  ASSERT_EQ(due.status, 200) << due.body;
  const json j = due.Json();
  EXPECT_EQ(j["open"], 4);
  EXPECT_EQ(j["overdue"], 2);  // both agency notices are long past
  EXPECT_TRUE(j["next_cursor"].is_null());
  // By case, then in the case's order: agency notice, customer notice.
  EXPECT_EQ(j["obligations"][0]["due_local"], "2025-01-02T23:59:59.999999-05:00");
  EXPECT_TRUE(j["obligations"][1]["due"].is_null());
  EXPECT_EQ(j["obligations"][2]["due_local"], "2025-06-11T23:59:59.999999-04:00");
  EXPECT_TRUE(j["obligations"][3]["due"].is_null());
  auto metrics = client().Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("proprio_breach_obligations_open 4"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("proprio_breach_obligations_overdue 2"), std::string::npos);
  auto openapi = client().Get("/v1/openapi.json").Json();
  EXPECT_TRUE(openapi["paths"].contains("/v1/carriers/{carrier}/breaches/{breach}/actions"));
  EXPECT_TRUE(openapi["paths"].contains("/v1/carriers/{carrier}/breach-summaries/{year}"));
}

// The operator's date for the amended 64.2011 applies to a case opened
// without its own date.
class HttpBreachOperatorDateTest : public HttpBreachTest {
 protected:
  HttpBreachOperatorDateTest() { operator_breach_2024_ = CivilDate{2024, 12, 1}; }
};

TEST_P(HttpBreachOperatorDateTest, Rule_64_2011_TheOperatorsFcc2024DateDecidesTheRegime) {
  auto opened = Post(Base(), OpenBody(), Role::kComplianceOfficer);  // determined 2024-12-20
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_EQ(opened.Json()["breach_regime"], "2024") << opened.body;
  // A case may still name another date (what-if): after the determination,
  // the 2007 rules applied.
  json body = OpenBody();
  body["breach_2024_effective"] = "2025-06-01";
  auto what_if = Post(Base(), body, Role::kComplianceOfficer);
  ASSERT_EQ(what_if.status, 201) << what_if.body;
  EXPECT_EQ(what_if.Json()["breach_regime"], "2007") << what_if.body;
}

TEST_P(HttpBreachTest, AnnualSummaryOfSmallNoHarmBreaches) {
  json body = OpenBody();
  body["customers"] = json::array();
  body["affected_count"] = 12;
  body["breach_2024_effective"] = "2024-03-13";
  auto opened = Post(Base(), body, Role::kComplianceOfficer);
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string one = Base() + "/" + std::to_string(opened.Json()["id"].get<int64_t>());
  auto nh = Post(one + "/actions",
                 {{"kind", "no_harm_determined"},
                  {"reasons", "the export was recovered unopened"},
                  {"at", "2024-12-21T10:00:00-05:00"}},
                 Role::kSecurity);
  ASSERT_EQ(nh.status, 201) << nh.body;
  EXPECT_EQ(nh.Json()["obligations"][2]["kind"], "annual_summary");
  // Amended 64.2011 (89 FR 9968): the small no-harm exception is (a)(3).
  EXPECT_EQ(nh.Json()["obligations"][0]["kind"], "agency_notice");
  EXPECT_EQ(nh.Json()["obligations"][0]["basis"], json({"47 CFR 64.2011(a)(3)"})) << nh.body;
  EXPECT_EQ(nh.Json()["obligations"][2]["last_day"], "2025-02-01");
  const std::string summary = "/v1/carriers/" + carriers_[0].ToString() + "/breach-summaries/2024";
  auto s = Get(summary, Role::kAuditor);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.Json()["total_breaches"], 1);
  EXPECT_EQ(s.Json()["total_customers_affected"], 12);
  auto pdf = Get(summary + "/document.pdf", Role::kAuditor);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_NE(PdfText(pdf.body).find("1 breach, 12 customers affected."),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, HttpBreachTest, AllBackends(), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, HttpBreachOperatorDateTest, AllBackends(), BackendName);

}  // namespace
}  // namespace proprio::testing
