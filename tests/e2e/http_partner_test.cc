// End-to-end tests of the partner routes (47 CFR 64.2007(b), (b)(2)) over
// real HTTP on loopback, on SQLite and on PostgreSQL (LiveServer): register a
// contractor with its confidentiality agreement, read it with its ETag,
// change it with If-Match (428 without, 412 stale), list by cursor; bad input
// as problem+json naming the field with nothing written; roles and another
// carrier kept out; decisions naming the partner by id read the registry,
// and a new carrier's disclosure needs the customer's written authorization
// recorded through its route; the routes documented with closed schemas.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "live_server.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

services::Actor Now() { return {"test", Instant::Now()}; }

class HttpPartnerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (auto why = LiveServer::SkipReason(GetParam())) GTEST_SKIP() << *why;
    ASSERT_TRUE(live_.Start(GetParam()).ok());
    carriers_ = {live_.AddCarrier("910001"), live_.AddCarrier("910002")};
    tokens_["Priya Raman"] = live_.AddStaff(carriers_[0], "Priya Raman", {Role::kComplianceOfficer});
    tokens_["Kim Tran"] = live_.AddStaff(carriers_[0], "Kim Tran", {Role::kAuditor});
    tokens_["Alicia Gomez"] = live_.AddStaff(carriers_[0], "Alicia Gomez", {Role::kCsr});
    tokens_["other"] = live_.AddStaff(carriers_[1], "Other compliance", {Role::kComplianceOfficer});
    Customer c;
    c.carrier = carriers_[0];
    c.account_number = "A-1";
    c.name = "Customer A-1";
    c.phones_of_record = {"+14075550110"};
    c.address_of_record = {"1 Main St", "Longwood", "FL", "32750", "US"};
    c.services = ServiceSet::Parse("local").value();
    customer_ = services::AddCustomer(live_.store(), c, Now()).value().id;
  }
  std::string Base(size_t carrier = 0) const {
    return "/v1/carriers/" + carriers_[carrier].ToString() + "/partners";
  }
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
    return client().Send("PATCH", target, body.dump(), h, "application/json");
  }
  HttpClient& client() { return live_.client(); }
  size_t Count() { return Get(Base(), "Kim Tran").Json()["partners"].size(); }
  json Decide(const json& request) {
    auto r = Post("/v1/carriers/" + carriers_[0].ToString() + "/decisions", request,
                  "Priya Raman");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  LiveServer live_;
  std::vector<CarrierId> carriers_;
  std::map<std::string, std::string> tokens_;
  CustomerId customer_;
};

const json kAgreement = {{"document", "NDA-2024-7"},
                         {"effective_on", "2024-01-01"},
                         {"expires_on", "2030-12-31"},
                         {"terms", {"use_only_for_purpose", "no_further_disclosure", "safeguards"}}};

// 47 CFR 64.2007(b)(2): the registry over HTTP, and decisions that read it.
TEST_P(HttpPartnerTest, S64_2007_b_2_RegistryAndDecisionsOverHttp) {
  // Bad input: a missing term, dates out of order, an unknown kind: 400
  // naming the field, nothing written.
  json missing = {{"name", "Acme Wiring"}, {"kind", "independent_contractor"},
                  {"agreement", kAgreement}};
  missing["agreement"]["terms"] = {"use_only_for_purpose", "no_further_disclosure"};
  auto bad = Post(Base(), missing, "Priya Raman");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["field"], "agreement.terms.safeguards");
  json order = {{"name", "Acme Wiring"}, {"kind", "independent_contractor"},
                {"agreement", kAgreement}};
  order["agreement"]["expires_on"] = "2023-12-31";
  EXPECT_EQ(Post(Base(), order, "Priya Raman").Json()["field"], "agreement.expires_on");
  EXPECT_EQ(Post(Base(), {{"name", "X"}, {"kind", "vendor"}}, "Priya Raman").Json()["field"],
            "kind");
  EXPECT_EQ(Post(Base(), {{"name", "X"}, {"kind", "agent"}, {"colour", "red"}}, "Priya Raman")
                .status,
            400);
  EXPECT_EQ(Count(), 0u);

  // Roles: an auditor and a CSR may not register; another carrier sees nothing.
  json acme = {{"name", "Acme Wiring"}, {"kind", "independent_contractor"},
               {"agreement", kAgreement}};
  EXPECT_EQ(Post(Base(), acme, "Kim Tran").status, 403);
  EXPECT_EQ(Post(Base(), acme, "Alicia Gomez").status, 403);
  auto created = Post(Base(), acme, "Priya Raman");
  ASSERT_EQ(created.status, 201) << created.body;
  const json p = created.Json();
  const int64_t id = p["id"].get<int64_t>();
  EXPECT_EQ(p["agreement"]["terms"].size(), 3u);
  EXPECT_EQ(created.Header("location"), Base() + "/" + std::to_string(id));
  const std::string one = Base() + "/" + std::to_string(id);
  auto read = Get(one, "Kim Tran");
  ASSERT_EQ(read.status, 200);
  const std::string etag = read.Header("etag");
  EXPECT_EQ(etag, "\"" + std::to_string(p["ledger_seq"].get<int64_t>()) + "\"");
  EXPECT_EQ(Get("/v1/carriers/" + carriers_[1].ToString() + "/partners/" + std::to_string(id),
                "other")
                .status,
            404);
  EXPECT_EQ(Get(one, "other").status, 404);
  EXPECT_EQ(Post(Base(), {{"name", "Y"}, {"kind", "agent"}}, "other").status, 404);

  // PATCH: If-Match required (428), current (412), and bad input names the field.
  json contact = {{"contact", "ops@acme.example"}};
  EXPECT_EQ(Patch(one, contact, "Priya Raman", "").status, 428);
  EXPECT_EQ(Patch(one, contact, "Priya Raman", "\"99999\"").status, 412);
  json later = {{"agreement", kAgreement}};
  later["agreement"]["effective_on"] = "2031-01-01";
  auto refused = Patch(one, later, "Priya Raman", etag);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Json()["field"], "agreement.expires_on");
  EXPECT_EQ(Get(one, "Kim Tran").Header("etag"), etag);  // nothing written
  auto patched = Patch(one, contact, "Priya Raman", etag);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["contact"], "ops@acme.example");
  EXPECT_NE(patched.Header("etag"), etag);

  // Paged by cursor.
  for (const char* name : {"Dealer One", "Dealer Two"}) {
    ASSERT_EQ(Post(Base(), {{"name", name}, {"kind", "dealer"}}, "Priya Raman").status, 201);
  }
  auto first = Get(Base() + "?limit=2", "Kim Tran").Json();
  ASSERT_EQ(first["partners"].size(), 2u);
  ASSERT_FALSE(first["next_cursor"].is_null());
  auto second = Get(Base() + "?limit=2&cursor=" + first["next_cursor"].get<std::string>(),
                    "Kim Tran")
                    .Json();
  ASSERT_EQ(second["partners"].size(), 1u);
  EXPECT_EQ(second["partners"][0]["name"], "Dealer Two");
  EXPECT_EQ(Get(Base() + "?kind=dealer", "Kim Tran").Json()["partners"].size(), 2u);

  // Decisions name the partner by id: allowed with the agreement in force,
  // denied for an unknown id (47 CFR 64.2007(b)), and a request may not
  // assert the agreement itself.
  json req = {{"customer", customer_.value()},
              {"action", "permit_access"},
              {"purpose", "inside_wiring"},
              {"recipient", {{"kind", "independent_contractor"}, {"id", id}}},
              {"cpni", {"service_configuration"}},
              {"service_category", "local"},
              {"at", "2026-06-01T15:00:00Z"}};
  json ok = Decide(req);
  EXPECT_EQ(ok["allowed"], true) << ok.dump();
  req["recipient"]["id"] = id + 100;
  json unknown = Decide(req);
  EXPECT_EQ(unknown["allowed"], false);
  EXPECT_EQ(unknown["requires"][0]["kind"], "partner_on_record");
  req["recipient"]["id"] = id;
  req["context"] = {{"confidentiality_agreement", true}};
  auto asserted = Post("/v1/carriers/" + carriers_[0].ToString() + "/decisions", req,
                       "Priya Raman");
  EXPECT_EQ(asserted.status, 400);
  EXPECT_EQ(asserted.Json()["field"], "context.confidentiality_agreement");
}

// 47 U.S.C. 222(c)(2): a new carrier's disclosure on the customer's written
// authorization recorded as evidence through its route.
TEST_P(HttpPartnerTest, c222_c_2_NewCarrierAuthorizationRecordedAsEvidence) {
  json req = {{"customer", customer_.value()},
              {"action", "disclose"},
              {"purpose", "provide_service"},
              {"recipient", {{"kind", "new_carrier"}}},
              {"cpni", {"service_configuration"}},
              {"service_category", "local"},
              {"context", {{"written_authorization", true},
                           {"written_request_document", "LOA-9"}}},
              {"at", Instant::Now().ToRfc3339()}};
  json before = Decide(req);
  EXPECT_EQ(before["allowed"], false);
  EXPECT_EQ(before["requires"][0]["kind"], "written_authorization");
  const std::string route = "/v1/carriers/" + carriers_[0].ToString() + "/customers/" +
                            customer_.ToString() + "/new-carrier-authorizations";
  auto future = Post(route, {{"new_carrier", "NewCo"}, {"document", "LOA-9"},
                             {"signed_on", "2099-01-01"}},
                     "Alicia Gomez");
  EXPECT_EQ(future.status, 400);
  EXPECT_EQ(future.Json()["field"], "signed_on");
  EXPECT_EQ(Post(route, {{"new_carrier", "NewCo"}, {"document", "LOA-9"}}, "Alicia Gomez")
                .Json()["field"],
            "signed_on");
  auto rec = Post(route, {{"new_carrier", "NewCo"}, {"document", "LOA-9"},
                          {"signed_on", "2026-01-05"}},
                  "Alicia Gomez");
  ASSERT_EQ(rec.status, 201) << rec.body;
  EXPECT_EQ(rec.Json()["document"], "LOA-9");
  EXPECT_EQ(Post(route, {{"new_carrier", "NewCo"}, {"document", "LOA-9"},
                         {"signed_on", "2026-01-05"}},
                 "Alicia Gomez")
                .status,
            409);
  req["at"] = Instant::Now().ToRfc3339();  // after the authorization was recorded
  json after = Decide(req);
  EXPECT_EQ(after["allowed"], true) << after.dump();
  EXPECT_NE(after["reason"].get<std::string>().find("LOA-9"), std::string::npos);
}

TEST_P(HttpPartnerTest, RoutesDocumentedWithClosedSchemas) {
  json doc = client().Get("/v1/openapi.json").Json();
  const json& paths = doc["paths"];
  ASSERT_TRUE(paths.contains("/v1/carriers/{carrier}/partners"));
  ASSERT_TRUE(paths.contains("/v1/carriers/{carrier}/partners/{partner}"));
  ASSERT_TRUE(paths.contains("/v1/carriers/{carrier}/customers/{customer}/new-carrier-authorizations"));
  const json& list = paths["/v1/carriers/{carrier}/partners"]["get"];
  std::set<std::string> names;
  for (const json& q : list["parameters"]) names.insert(q["name"].get<std::string>());
  EXPECT_TRUE(names.count("cursor") && names.count("limit") && names.count("kind"));
  const json& post = paths["/v1/carriers/{carrier}/partners"]["post"];
  const json& body = post["requestBody"]["content"]["application/json"]["schema"];
  EXPECT_EQ(body["additionalProperties"], false) << body.dump();
  EXPECT_EQ(body["properties"]["agreement"]["additionalProperties"], false);
  const json& patch = paths["/v1/carriers/{carrier}/partners/{partner}"]["patch"];
  EXPECT_FALSE(patch.is_null());
  const json& out = paths["/v1/carriers/{carrier}/partners/{partner}"]["get"]["responses"]["200"]
                         ["content"]["application/json"]["schema"];
  EXPECT_EQ(out["additionalProperties"], false) << out.dump();
}

INSTANTIATE_TEST_SUITE_P(Backends, HttpPartnerTest, AllBackends(), BackendName);

}  // namespace
}  // namespace proprio::testing
