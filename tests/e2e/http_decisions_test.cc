// End-to-end tests of the decision, consent, notice, policy and calendar
// routes over real HTTP on loopback: an in-process server on a temporary
// SQLite database, driven by the Beast test client.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/api.h"
#include "api/server.h"
#include "http_client.h"
#include "http_pages.h"
#include "services/registry.h"
#include "services/staff_auth.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

services::Actor TestActor() { return {"test", Instant::Now()}; }

std::string SeedPolicyText() {
  std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json FullChecklist() {
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
          {"no_cost_24x7_opt_out", true},
          {"stated_waiting_days", 30}};
}

// Carrier A (floor, America/New_York) with customers 0: local+interexchange,
// 1: CMRS, 2: business with a CPNI contract; carrier B with one customer; a
// staff member with an API token per role in A.
class HttpDecisionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/proprio-http-decisions-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto st = store::Store::Open(store::StoreOptions::Sqlite(dir_ + "/proprio.db"));
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    carrier_a_ = AddCarrier("Alpha Tel", "910001");
    carrier_b_ = AddCarrier("Beta Tel", "910002");
    for (Role r : {Role::kAdmin, Role::kComplianceOfficer, Role::kGeneralCounsel,
                   Role::kSupervisor, Role::kCsr, Role::kMarketing, Role::kSecurity,
                   Role::kAuditor, Role::kSystem}) {
      Staff s;
      s.carrier = carrier_a_;
      s.name = std::string("Staff ") + RoleName(r);
      s.roles = {r};
      auto added = services::AddStaff(*store_, s, TestActor());
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      auto token = services::IssueApiToken(*store_, added->id, "test", TestActor());
      ASSERT_TRUE(token.ok()) << token.status().ToString();
      tokens_[r] = token->token;
    }
    const char* services[] = {"local;interexchange", "cmrs", "local"};
    for (int i = 0; i < 3; ++i) {
      customers_.push_back(AddCustomer(carrier_a_, "A-" + std::to_string(i), services[i], i == 2));
    }
    customer_b_ = AddCustomer(carrier_b_, "B-0", "local", false);

    api::ApiOptions ao;
    ao.auth.cost = {1, 64, 1};
    ao.workers = 8;
    ao.log = [](const std::string&) {};
    api_ = std::make_unique<api::Api>(*store_, ao);
    api::ServerOptions sv;
    sv.listen = "127.0.0.1:0";
    sv.io_threads = 2;
    server_ = std::make_unique<api::Server>(*api_, sv);
    ASSERT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (server_) {
      server_->Shutdown();
      thread_.join();
    }
    server_.reset();
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  CarrierId AddCarrier(const std::string& name, const std::string& filer) {
    Carrier c;
    c.legal_name = name;
    c.filer_id_499 = filer;
    c.address = {"1 Main St", "Longwood", "FL", "32750", "US"};
    c.time_zone = "America/New_York";
    return services::AddCarrier(*store_, c, TestActor()).value().id;
  }
  CustomerId AddCustomer(CarrierId carrier, const std::string& account, const char* services,
                         bool business) {
    Customer c;
    c.carrier = carrier;
    c.account_number = account;
    c.name = "Customer " + account;
    c.phones_of_record = {"+1407555" + std::to_string(1000 + phone_++)};
    c.address_of_record = {"1 Elm St", "Sanford", "FL", "32771", "US"};
    c.services = ServiceSet::Parse(services).value();
    if (business) {
      c.type = CustomerType::kBusiness;
      c.account_representative = "Rita";
      c.cpni_contract_ref = "MSA-1";
    }
    return services::AddCustomer(*store_, c, TestActor()).value().id;
  }

  std::string A() const { return "/v1/carriers/" + carrier_a_.ToString(); }
  std::string B() const { return "/v1/carriers/" + carrier_b_.ToString(); }
  std::string CustomerPath(int i) const { return A() + "/customers/" + customers_[i].ToString(); }
  std::string Token(Role r) { return tokens_[r]; }

  json Request(int customer, json fields) {
    fields["customer"] = customers_[customer].value();
    if (!fields.contains("at")) fields["at"] = "2024-06-03T15:00:00Z";
    if (!fields.contains("cpni")) fields["cpni"] = {"usage"};
    if (!fields.contains("service_category")) fields["service_category"] = "local";
    return fields;
  }
  HttpResponse Decide(HttpClient& c, const json& body, Role role = Role::kCsr,
                      const std::string& query = "") {
    return c.PostJson(A() + "/decisions" + query, body, Token(role));
  }
  HttpResponse PostToml(HttpClient& c, const std::string& target, const std::string& text,
                        Role role = Role::kComplianceOfficer) {
    return c.Send("POST", target, text, {{"Authorization", "Bearer " + Token(role)}},
                  "application/toml");
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  CarrierId carrier_a_, carrier_b_;
  std::map<Role, std::string> tokens_;
  std::vector<CustomerId> customers_;
  CustomerId customer_b_;
  int phone_ = 0;
};

TEST_F(HttpDecisionsTest, EveryRouteIsInOpenApi) {
  HttpClient c(server_->port());
  json doc = c.Get("/v1/openapi.json").Json();
  int mine = 0;
  for (const api::RouteSpec& r : api_->routes()) {
    const std::string tag = r.tag;
    if (tag != "decisions" && tag != "consent" && tag != "notices" && tag != "policies" &&
        tag != "calendar") {
      continue;
    }
    ++mine;
    std::string method = r.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_TRUE(doc["paths"].contains(r.pattern)) << r.Name();
    EXPECT_TRUE(doc["paths"][r.pattern].contains(method)) << r.Name();
  }
  EXPECT_GE(mine, 15);
  const json& post = doc["paths"]["/v1/carriers/{carrier}/decisions"]["post"];
  EXPECT_EQ(post["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"][0]
                ["required"],
            json::array({"allowed", "basis", "reason", "requires", "rule_set", "policy_version",
                         "decision_id"}));
}

struct Paragraph {
  std::string citation;
  int customer;
  json fields;
  bool allowed;
};

// One case per paragraph over HTTP: the answer has exactly the fixed fields
// and cites the paragraph.
TEST_F(HttpDecisionsTest, DecisionsCiteTheParagraph) {
  HttpClient c(server_->port());
  const std::vector<Paragraph> cases = {
      {"47 U.S.C. 222(c)(1)", 0, {{"action", "use"}, {"purpose", "provide_service"}}, true},
      {"47 U.S.C. 222(c)(2)", 0,
       {{"action", "disclose"}, {"purpose", "customer_written_request"},
        {"recipient", {{"kind", "customer_designee"}}},
        {"context", {{"written_authorization", true}}}},
       true},
      {"47 U.S.C. 222(d)(1)", 0,
       {{"action", "permit_access"}, {"purpose", "billing_collection"},
        {"recipient", {{"kind", "agent"}}}},
       true},
      {"47 U.S.C. 222(d)(3)", 0,
       {{"action", "use"}, {"purpose", "inbound_telemarketing"},
        {"context", {{"customer_initiated_call", true}, {"approval_on_call", true}}}},
       true},
      {"47 U.S.C. 222(d)(4)", 1,
       {{"action", "disclose"}, {"purpose", "emergency_911"},
        {"recipient", {{"kind", "public_safety"}}}, {"service_category", "cmrs"},
        {"cpni", {"location"}}, {"context", {{"emergency", true}}}},
       true},
      {"47 CFR 64.2005(a)(1)", 0,
       {{"action", "disclose"}, {"purpose", "marketing_same_category"},
        // No id: a named partner would be looked up in the registry
        // (64.2007(b), http_partner_test.cc).
        {"recipient", {{"kind", "affiliate"}}},
        {"context", {{"recipient_serves_customer", true}}}},
       true},
      {"47 CFR 64.2005(b)(2)", 0, {{"action", "use"}, {"purpose", "track_competing_callers"}},
       false},
      {"47 CFR 64.2005(c)(3)", 0, {{"action", "use"}, {"purpose", "marketing_adjunct_to_basic"}},
       true},
      {"47 CFR 64.2007(b)", 0,
       {{"action", "disclose"}, {"purpose", "research"}, {"recipient", {{"kind", "third_party"}}}},
       false},
      {"47 CFR 64.2010(a)", 0,
       {{"action", "disclose"}, {"purpose", "customer_account_access"},
        {"recipient", {{"kind", "customer"}}}, {"context", {{"channel", "inbound_call"}}}},
       false},
      {"47 CFR 64.2010(g)", 2,
       {{"action", "disclose"}, {"purpose", "customer_account_access"},
        {"recipient", {{"kind", "customer"}}}, {"cpni", {"call_detail"}},
        {"context", {{"channel", "inbound_call"}, {"customer_authenticated", true}}}},
       true},
  };
  for (const Paragraph& p : cases) {
    HttpResponse r = Decide(c, Request(p.customer, p.fields));
    ASSERT_EQ(r.status, 200) << p.citation << " " << r.body;
    json d = r.Json();
    // Issue 14 added legal_category and label_overridden (9 keys; a 10th,
    // note, only when the facts overrode the label).
    EXPECT_EQ(d.size(), 9u) << d.dump();
    for (const char* key : {"allowed", "basis", "reason", "requires", "rule_set", "policy_version",
                            "decision_id", "legal_category", "label_overridden"}) {
      EXPECT_TRUE(d.contains(key)) << key;
    }
    EXPECT_EQ(d["allowed"], p.allowed) << p.citation << " " << d.dump();
    EXPECT_NE(std::find(d["basis"].begin(), d["basis"].end(), p.citation), d["basis"].end())
        << p.citation << " " << d.dump();
    EXPECT_GT(d["decision_id"].get<int64_t>(), 0);
  }
}

// Issue 14: POST decisions takes the facts form; a legacy label the facts
// contradict is overridden and the answer says so. Customer 2 buys local
// service only and has no approval on record (the issue's example).
TEST_F(HttpDecisionsTest, c64_2005_b_1_FactsDecideNotTheLabel) {
  HttpClient c(server_->port());
  json facts = {{"action", "use"}, {"purpose", "marketing"}, {"offering", "voice_messaging"}};
  HttpResponse plain = Decide(c, Request(2, facts));
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_TRUE(plain.Json()["allowed"]) << plain.body;
  EXPECT_EQ(plain.Json()["legal_category"], "marketing_cpe_info_services");
  EXPECT_EQ(plain.Json()["label_overridden"], false);
  for (const char* label : {"marketing_other_category", "marketing_same_category"}) {
    json legacy = facts;
    legacy["purpose"] = label;
    HttpResponse r = Decide(c, Request(2, legacy));
    ASSERT_EQ(r.status, 200) << r.body;
    json d = r.Json();
    EXPECT_TRUE(d["allowed"]) << label << " " << r.body;
    EXPECT_EQ(d["label_overridden"], true) << r.body;
    EXPECT_EQ(d["legal_category"], "marketing_cpe_info_services");
    EXPECT_NE(d["note"].get<std::string>().find(label), std::string::npos) << r.body;
    EXPECT_NE(std::find(d["basis"].begin(), d["basis"].end(), "47 CFR 64.2005(b)(1)"),
              d["basis"].end())
        << r.body;
  }
}

TEST_F(HttpDecisionsTest, BatchIsAnsweredInOrderAndEachDecisionIsLogged) {
  HttpClient c(server_->port());
  json batch = {{"requests",
                 {Request(0, {{"action", "use"}, {"purpose", "provide_service"}}),
                  Request(1, {{"action", "disclose"},
                              {"purpose", "research"},
                              {"recipient", {{"kind", "third_party"}}}}),
                  Request(2, {{"action", "use"}, {"purpose", "fraud_protection"}})}}};
  HttpResponse r = Decide(c, batch, Role::kSystem);
  ASSERT_EQ(r.status, 200) << r.body;
  json out = r.Json();
  ASSERT_EQ(out["decisions"].size(), 3u);
  EXPECT_TRUE(out["decisions"][0]["allowed"]);
  EXPECT_FALSE(out["decisions"][1]["allowed"]);
  EXPECT_TRUE(out["decisions"][2]["allowed"]);
  const int64_t id = out["decisions"][1]["decision_id"];
  HttpResponse logged = c.Get(A() + "/decisions/" + std::to_string(id),
                              Token(Role::kComplianceOfficer));
  ASSERT_EQ(logged.status, 200) << logged.body;
  json row = logged.Json();
  EXPECT_EQ(row["decision_id"], id);
  EXPECT_FALSE(row["allowed"]);
  EXPECT_EQ(row["request"]["purpose"], "research");
  EXPECT_EQ(row["requires"][0]["kind"], "opt_in_approval");
  EXPECT_EQ(row["requires"][0]["scope"], "third_parties");
  EXPECT_NE(row["actor"].get<std::string>().find("staff:"), std::string::npos);
  // Not another carrier's, and not for a CSR.
  EXPECT_EQ(c.Get(B() + "/decisions/" + std::to_string(id), Token(Role::kComplianceOfficer)).status,
            404);
  EXPECT_EQ(c.Get(A() + "/decisions/" + std::to_string(id), Token(Role::kCsr)).status, 403);
  EXPECT_EQ(c.Get(A() + "/decisions/99999", Token(Role::kAuditor)).status, 404);
  // An auditor reads but does not ask.
  EXPECT_EQ(Decide(c, batch, Role::kAuditor).status, 403);
}

TEST_F(HttpDecisionsTest, MalformedRequestsAreProblemsNamingTheField) {
  HttpClient c(server_->port());
  const json good = Request(0, {{"action", "use"}, {"purpose", "provide_service"}});
  struct Bad {
    std::string name;
    json body;
    int status;
    std::string field;
  };
  auto with = [&](const char* key, json value) {
    json j = good;
    j[key] = std::move(value);
    return j;
  };
  json no_customer = good;
  no_customer.erase("customer");
  json other_customer = good;
  other_customer["customer"] = customer_b_.value();
  const std::vector<Bad> cases = {
      {"unknown purpose", with("purpose", "curiosity"), 400, "purpose"},
      {"missing customer", no_customer, 400, "customer"},
      {"bad instant", with("at", "2024-06-03 15:00"), 400, "at"},
      {"unknown field", with("colour", "blue"), 400, "colour"},
      {"unknown flag", with("context", {{"vibes", true}}), 400, "context.vibes"},
      {"batch item", {{"requests", {good, with("at", "soon")}}}, 400, "requests[1].at"},
      {"empty batch", {{"requests", json::array()}}, 400, "requests"},
      {"unknown customer", with("customer", 424242), 404, "customer"},
      {"another carrier's customer", other_customer, 404, "customer"},
  };
  for (const Bad& b : cases) {
    HttpResponse r = Decide(c, b.body);
    EXPECT_EQ(r.status, b.status) << b.name << ": " << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json") << b.name;
    EXPECT_EQ(r.Json()["field"], b.field) << b.name << ": " << r.body;
  }
  HttpResponse wrong_type = c.Send("POST", A() + "/decisions", good.dump(),
                                   {{"Authorization", "Bearer " + Token(Role::kCsr)}},
                                   "text/plain");
  EXPECT_EQ(wrong_type.status, 415);  // was 400 before issue 18
  EXPECT_EQ(wrong_type.Json()["field"], "Content-Type");
  HttpResponse bad_set = Decide(c, good, Role::kCsr, "?rule_set=fcc-1996");
  EXPECT_EQ(bad_set.status, 400);
  EXPECT_EQ(bad_set.Json()["field"], "rule_set");
  HttpResponse what_if = Decide(c, good, Role::kCsr, "?rule_set=fcc-2007");
  ASSERT_EQ(what_if.status, 200);
  EXPECT_EQ(what_if.Json()["rule_set"], "fcc-2007");
  EXPECT_EQ(c.PostJson(B() + "/decisions", good, Token(Role::kCsr)).status, 404);
}

TEST_F(HttpDecisionsTest, ConsentEventsChangeTheNextDecision) {
  HttpClient c(server_->port());
  const json ask = Request(0, {{"action", "disclose"},
                               {"purpose", "marketing_other_category"},
                               {"recipient", {{"kind", "third_party"}}}});
  EXPECT_FALSE(Decide(c, ask).Json()["allowed"]);
  json event = {{"kind", "opt_in_granted"},
                {"at", "2024-05-01T15:00:00Z"},
                {"scopes", {"third_parties"}},
                {"evidence",
                 {{"channel", "electronic"}, {"document_id", "WEB-77"}, {"notice_in_contact", true}}}};
  HttpResponse rec = c.PostJson(CustomerPath(0) + "/consent-events", event, Token(Role::kCsr));
  ASSERT_EQ(rec.status, 201) << rec.body;
  EXPECT_EQ(rec.Json()["kind"], "opt_in_granted");
  json d = Decide(c, ask).Json();
  EXPECT_TRUE(d["allowed"]) << d.dump();
  EXPECT_NE(std::find(d["basis"].begin(), d["basis"].end(), "47 CFR 64.2007(b)"), d["basis"].end());
  HttpResponse status = c.Get(CustomerPath(0) + "/consent?at=2024-05-02T00:00:00Z", Token(Role::kMarketing));
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.Json()["opt_in"], json::array({"third_parties"}));
  EXPECT_EQ(c.Get(CustomerPath(0) + "/consent?at=tomorrow", Token(Role::kCsr)).Json()["field"], "at");
  HttpResponse history = c.Get(CustomerPath(0) + "/consent-events", Token(Role::kAuditor));
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(history.Json()["events"][0]["evidence"]["document_id"], "WEB-77");
  // Errors name the field; the marketing role may read but not record.
  event.erase("evidence");
  HttpResponse no_evidence = c.PostJson(CustomerPath(0) + "/consent-events", event, Token(Role::kCsr));
  EXPECT_EQ(no_evidence.status, 400);
  EXPECT_EQ(no_evidence.Json()["field"], "evidence.document_id");
  EXPECT_EQ(c.PostJson(CustomerPath(0) + "/consent-events", event, Token(Role::kMarketing)).status, 403);
  EXPECT_EQ(c.PostJson(B() + "/customers/" + customer_b_.ToString() + "/consent-events", event,
                       Token(Role::kCsr))
                .status,
            404);
}

TEST_F(HttpDecisionsTest, ConsentEventsPageById) {
  HttpClient c(server_->port());
  // Seven events of customer 0, recorded latest first (so the order they were
  // recorded is not the order of their instants), and one of customer 1
  // between each.
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    json event = {{"kind", "opt_in_granted"},
                  {"at", "2024-05-" + std::string(i < 1 ? "2" : "1") + std::to_string(9 - i) +
                             "T15:00:00Z"},
                  {"scopes", {"third_parties"}},
                  {"evidence",
                   {{"channel", "electronic"},
                    {"document_id", "WEB-" + std::to_string(i)},
                    {"notice_in_contact", true}}}};
    HttpResponse rec = c.PostJson(CustomerPath(0) + "/consent-events", event, Token(Role::kCsr));
    ASSERT_EQ(rec.status, 201) << rec.body;
    ids.push_back(rec.Json()["id"].get<int64_t>());
    ASSERT_EQ(c.PostJson(CustomerPath(1) + "/consent-events", event, Token(Role::kCsr)).status, 201);
  }
  // Every event once, by id, 3 at a time: 3 + 3 + 1, the last without a cursor.
  PageWalk walk = WalkPages(c, CustomerPath(0) + "/consent-events", "events", 3,
                            Token(Role::kAuditor));
  EXPECT_EQ(Keys(walk), ids);
  EXPECT_EQ(walk.pages, 3);
  for (const json& e : walk.items) EXPECT_EQ(e["customer"], customers_[0].value());
  EXPECT_EQ(walk.items[0]["evidence"]["document_id"], "WEB-0");
  json exact = c.Get(CustomerPath(0) + "/consent-events?limit=7", Token(Role::kAuditor)).Json();
  EXPECT_EQ(exact["events"].size(), 7u);
  EXPECT_TRUE(exact["next_cursor"].is_null());
  json past = c.Get(CustomerPath(0) + "/consent-events?cursor=" + std::to_string(ids.back()),
                    Token(Role::kAuditor))
                  .Json();
  EXPECT_TRUE(past["events"].empty());
  EXPECT_TRUE(past["next_cursor"].is_null());
  ExpectBadPageQueriesRefused(c, CustomerPath(0) + "/consent-events", Token(Role::kAuditor));
  // Another carrier's customer is still 404, whatever the page.
  EXPECT_EQ(c.Get(B() + "/customers/" + customer_b_.ToString() + "/consent-events?limit=2",
                  Token(Role::kCsr))
                .status,
            404);
}

TEST_F(HttpDecisionsTest, NoticesAreCheckedStoredAndSent) {
  HttpClient c(server_->port());
  json checklist = FullChecklist();
  checklist["gives_precise_steps"] = false;
  json bad = {{"name", "mailer"}, {"kind", "opt_out"}, {"channel", "mail"}, {"checklist", checklist}};
  HttpResponse check = c.PostJson(A() + "/notice-templates/check", bad, Token(Role::kMarketing));
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_FALSE(check.Json()["usable"]);
  EXPECT_EQ(check.Json()["defects"][0]["citation"], "47 CFR 64.2008(c)(3)");
  HttpResponse refused = c.PostJson(A() + "/notice-templates", bad, Token(Role::kComplianceOfficer));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Json()["field"], "checklist.gives_precise_steps");
  bad["checklist"] = FullChecklist();
  HttpResponse stored = c.PostJson(A() + "/notice-templates", bad, Token(Role::kComplianceOfficer));
  ASSERT_EQ(stored.status, 201) << stored.body;
  const int64_t tpl = stored.Json()["id"];
  EXPECT_EQ(c.Get(A() + "/notice-templates", Token(Role::kCsr)).Json()["templates"].size(), 1u);
  bad["name"] = "mailer 2";
  HttpResponse second = c.PostJson(A() + "/notice-templates", bad, Token(Role::kComplianceOfficer));
  ASSERT_EQ(second.status, 201) << second.body;
  PageWalk templates = WalkPages(c, A() + "/notice-templates", "templates", 1, Token(Role::kCsr));
  EXPECT_EQ(Keys(templates), (std::vector<int64_t>{tpl, second.Json()["id"].get<int64_t>()}));
  EXPECT_EQ(templates.pages, 2);
  EXPECT_EQ(c.Get(A() + "/notice-templates?limit=0", Token(Role::kCsr)).Json()["field"], "limit");
  EXPECT_EQ(c.Get(A() + "/notice-templates/" + std::to_string(tpl), Token(Role::kCsr)).status, 200);
  EXPECT_EQ(c.Get(B() + "/notice-templates/" + std::to_string(tpl), Token(Role::kCsr)).status, 404);
  json send = {{"template", tpl},
               {"scopes", {"own_marketing_comm_related"}},
               {"sent_at", "2024-01-01T15:00:00Z"},
               {"customers", {customers_[1].value()}}};
  HttpResponse sent = c.PostJson(A() + "/notices", send, Token(Role::kSupervisor));
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.Json()["customers"], 1);
  // Mailed 2024-01-01: assumed from 00:00 EST 2024-02-04.
  const json ask = Request(1, {{"action", "use"},
                               {"purpose", "marketing_other_category"},
                               {"service_category", "cmrs"},
                               {"offering", "local"}});
  json early = ask;
  early["at"] = "2024-02-04T04:59:59Z";
  EXPECT_FALSE(Decide(c, early).Json()["allowed"]);
  json later = ask;
  later["at"] = "2024-02-04T05:00:00Z";
  json d = Decide(c, later).Json();
  EXPECT_TRUE(d["allowed"]) << d.dump();
  EXPECT_NE(std::find(d["basis"].begin(), d["basis"].end(), "47 CFR 64.2008(d)(1)"), d["basis"].end());
  send["customers"] = {999999};
  HttpResponse missing = c.PostJson(A() + "/notices", send, Token(Role::kSupervisor));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json()["field"], "customers[0]");
}

TEST_F(HttpDecisionsTest, PolicyVersionsAndTheirOverlays) {
  HttpClient c(server_->port());
  HttpResponse loose = PostToml(c, "/v1/policies/check",
                                "name = \"Loose\"\nversion = 1\n[approval]\nopt_out_wait_days = 20\n",
                                Role::kCsr);
  EXPECT_EQ(loose.status, 400);
  EXPECT_EQ(loose.Json()["field"], "approval.opt_out_wait_days");
  EXPECT_NE(loose.Json()["detail"].get<std::string>().find("64.2008(d)(1)"), std::string::npos);
  HttpResponse checked = PostToml(c, "/v1/policies/check", SeedPolicyText(), Role::kCsr);
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_EQ(checked.Json()["approval_mode"], "opt_in_only");
  EXPECT_EQ(c.Get(A() + "/policy", Token(Role::kCsr)).Json()["version"], 0);
  EXPECT_EQ(PostToml(c, A() + "/policy/versions", SeedPolicyText(), Role::kCsr).status, 403);
  HttpResponse set = PostToml(c, A() + "/policy/versions", SeedPolicyText());
  ASSERT_EQ(set.status, 201) << set.body;
  EXPECT_EQ(set.Json()["version"], 1);
  json current = c.Get(A() + "/policy", Token(Role::kCsr)).Json();
  EXPECT_EQ(current["version"], 1);
  EXPECT_NE(current["toml"].get<std::string>().find("Clause 6"), std::string::npos);
  EXPECT_EQ(c.Get(A() + "/policy?version=0", Token(Role::kCsr)).Json()["floor"], true);
  json versions = c.Get(A() + "/policy/versions?limit=1", Token(Role::kAuditor)).Json();
  EXPECT_EQ(versions["policies"].size(), 1u);
  EXPECT_TRUE(versions["next_cursor"].is_null());
  EXPECT_TRUE(
      c.Get(A() + "/policy/versions?cursor=1", Token(Role::kAuditor)).Json()["policies"].empty());
  EXPECT_EQ(c.Get(A() + "/policy/versions?cursor=x", Token(Role::kAuditor)).Json()["field"],
            "cursor");
  HttpResponse plain = c.Send("POST", A() + "/policy/versions", SeedPolicyText(),
                              {{"Authorization", "Bearer " + Token(Role::kComplianceOfficer)}},
                              "text/plain");
  EXPECT_EQ(plain.status, 415);  // was 400 before issue 18
  EXPECT_EQ(plain.Json()["field"], "Content-Type");
  // The seed never shares with third parties, whatever the approval.
  json d = Decide(c, Request(0, {{"action", "disclose"},
                                 {"purpose", "research"},
                                 {"recipient", {{"kind", "third_party"}}}}))
               .Json();
  EXPECT_FALSE(d["allowed"]);
  EXPECT_EQ(d["policy_version"], 1);
  EXPECT_NE(std::find(d["basis"].begin(), d["basis"].end(),
                      "carrier policy: [disclosure] third_parties = \"never\""),
            d["basis"].end())
      << d.dump();
}

TEST_F(HttpDecisionsTest, CalendarOfTheCarrier) {
  HttpClient c(server_->port());
  json h = c.Get(A() + "/calendar/holidays?year=2026", Token(Role::kCsr)).Json();
  EXPECT_EQ(h["time_zone"], "America/New_York");
  bool observed = false;
  for (const json& d : h["holidays"]) {
    observed |= d["date"] == "2026-07-03" && d["actual"] == "2026-07-04";
  }
  EXPECT_TRUE(observed) << h.dump();
  json next = c.Get(A() + "/calendar/business-days?from=2024-12-31&days=1", Token(Role::kCsr)).Json();
  EXPECT_EQ(next["date"], "2025-01-02");
  EXPECT_EQ(next["due"], "2025-01-03T04:59:59.999999Z");
  json back = c.Get(A() + "/calendar/business-days?from=2025-01-02&days=-1", Token(Role::kCsr)).Json();
  EXPECT_EQ(back["date"], "2024-12-31");
  HttpResponse bad = c.Get(A() + "/calendar/business-days?from=2024-02-30&days=1", Token(Role::kCsr));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["field"], "from");
  EXPECT_EQ(c.Get(A() + "/calendar/business-days?from=2024-02-01", Token(Role::kCsr)).Json()["field"],
            "days");
}

}  // namespace
}  // namespace proprio::testing
