// End-to-end tests of the SIM change and port-out routes (47 CFR 64.2010(h),
// 52.37; FCC 23-95) over real HTTP on loopback, on SQLite and on PostgreSQL:
// a request in a session where the caller only stated call detail is refused
// citing 64.2010(h)(1) and still recorded and notified; a photo-ID session
// allows it; the lock is turned on and off only in a securely authenticated
// session and refuses requests while on (64.2010(h)(4)); bad input names the
// field with nothing written; CSRs and supervisors act, auditors read,
// marketing does not, another carrier's staff gets 404; the routes are in the
// OpenAPI document with closed schemas.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "live_server.h"
#include "services/customer_auth.h"
#include "services/registry.h"

namespace proprio::testing {
namespace {

using nlohmann::json;

services::Actor Now() { return {"test", Instant::Now()}; }

class HttpSimTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (auto why = LiveServer::SkipReason(GetParam())) GTEST_SKIP() << *why;
    api::ApiOptions options = LiveServer::DefaultApiOptions();
    options.rules.sim_change_compliance = CivilDate{2024, 7, 8};
    ASSERT_TRUE(live_.Start(GetParam(), options).ok());
    carriers_ = {live_.AddCarrier("910001"), live_.AddCarrier("910002")};
    tokens_["csr"] = live_.AddStaff(carriers_[0], "Alicia Gomez", {Role::kCsr});
    tokens_["supervisor"] = live_.AddStaff(carriers_[0], "Tom Becker", {Role::kSupervisor});
    tokens_["auditor"] = live_.AddStaff(carriers_[0], "Kim Tran", {Role::kAuditor});
    tokens_["marketing"] = live_.AddStaff(carriers_[0], "Jordan Pike", {Role::kMarketing});
    tokens_["other"] = live_.AddStaff(carriers_[1], "Other CSR", {Role::kCsr});
    Customer k;
    k.carrier = carriers_[0];
    k.account_number = "W-1";
    k.name = "Pat Jones";
    k.phones_of_record = {"+14075550100"};
    k.address_of_record = {"5 Oak Ave", "Orlando", "FL", "32803", "US"};
    auto added = services::AddCustomer(live_.store(), k, Now());
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    customer_ = added->id;

    Staff checker;
    checker.carrier = carriers_[0];
    checker.name = "Store Clerk";
    checker.roles = {Role::kCsr};
    const StaffId clerk = services::AddStaff(live_.store(), checker, Now()).value().id;
    services::CustomerAuthPolicy policy;
    policy.cost = {1, 64, 1};
    services::OpenVerificationRequest call{carriers_[0], customer_,
                                           services::VerificationChannel::kPhone, "", "c-1"};
    weak_ = services::OpenVerification(live_.store(), call, policy, Now()).value().row.id;
    ASSERT_TRUE(services::RecordCallerStatedCallDetail(live_.store(), carriers_[0], weak_,
                                                       "a call yesterday", policy, Now())
                    .ok());
    services::OpenVerificationRequest visit{carriers_[0], customer_,
                                            services::VerificationChannel::kInStore, "", ""};
    strong_ = services::OpenVerification(live_.store(), visit, policy, Now()).value().row.id;
    ASSERT_TRUE(services::RecordPhotoId(live_.store(), carriers_[0], strong_,
                                        {"passport", "U.S. Department of State", "Z123",
                                         CivilDate{2040, 1, 1}, true, clerk},
                                        policy, Now())
                    ->passed);
  }
  std::string Base() const {
    return "/v1/carriers/" + carriers_[0].ToString() + "/customers/" + customer_.ToString();
  }
  HttpResponse Post(const std::string& target, const json& body, const std::string& who) {
    return live_.client().PostJson(target, body, tokens_[who]);
  }
  HttpResponse Get(const std::string& target, const std::string& who) {
    return live_.client().Get(target, tokens_[who]);
  }
  HttpResponse Send(const std::string& method, const std::string& target, const json& body,
                    const std::string& who) {
    return live_.client().Send(method, target, body.is_null() ? "" : body.dump(),
                               {{"Authorization", "Bearer " + tokens_[who]}});
  }

  LiveServer live_;
  std::vector<CarrierId> carriers_;
  std::map<std::string, std::string> tokens_;
  CustomerId customer_;
  int64_t weak_ = 0;
  int64_t strong_ = 0;
};

// 64.2010(h)(1), (h)(3), (h)(5): refused without secure authentication,
// allowed with a photo ID; both recorded, notified and listed.
TEST_P(HttpSimTest, c64_2010_h_1_RequestsDecidedRecordedNotified) {
  auto refused = Post(Base() + "/sim-requests", {{"kind", "sim_change"}, {"session", weak_}}, "csr");
  ASSERT_EQ(refused.status, 201) << refused.body;
  const json r = refused.Json();
  EXPECT_EQ(r["allowed"], false);
  EXPECT_EQ(r["outcome"], "refused_not_authenticated");
  EXPECT_EQ(r["basis"], json::array({"47 CFR 64.2010(h)(1)"}));
  EXPECT_EQ(r["methods"], json::array({"caller_stated_call_detail"}));
  EXPECT_EQ(r["in_force"], true);
  EXPECT_FALSE(r["requires"].empty());
  EXPECT_EQ(r["notifications"].size(), 1u);

  auto port = Post(Base() + "/sim-requests", {{"kind", "port_out"}, {"session", strong_}},
                   "supervisor");
  ASSERT_EQ(port.status, 201) << port.body;
  EXPECT_EQ(port.Json()["allowed"], true);
  EXPECT_EQ(port.Json()["methods"], json::array({"photo_id"}));
  const json basis = port.Json()["basis"];
  EXPECT_NE(std::find(basis.begin(), basis.end(), "47 CFR 52.37"), basis.end());

  auto list = Get(Base() + "/sim-requests?limit=1", "auditor");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["sim_requests"].size(), 1u);
  EXPECT_EQ(list.Json()["sim_requests"][0]["kind"], "port_out");
  ASSERT_TRUE(list.Json()["next_cursor"].is_string());
  auto rest = Get(Base() + "/sim-requests?cursor=" + list.Json()["next_cursor"].get<std::string>(),
                  "auditor");
  ASSERT_EQ(rest.status, 200);
  ASSERT_EQ(rest.Json()["sim_requests"].size(), 1u);
  EXPECT_EQ(rest.Json()["sim_requests"][0]["outcome"], "refused_not_authenticated");
}

// 64.2010(h)(4): the lock at no cost, only after secure authentication.
TEST_P(HttpSimTest, c64_2010_h_4_LockOnAndOff) {
  auto weak = Send("PUT", Base() + "/sim-lock", {{"session", weak_}}, "csr");
  EXPECT_EQ(weak.status, 403) << weak.body;
  EXPECT_EQ(weak.Json()["field"], "session");
  EXPECT_EQ(Get(Base() + "/sim-lock", "auditor").Json()["locked"], false);

  auto on = Send("PUT", Base() + "/sim-lock", {{"session", strong_}}, "csr");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(on.Json()["locked"], true);
  EXPECT_EQ(on.Json()["no_cost"], true);
  EXPECT_EQ(Get(Base() + "/sim-lock", "auditor").Json()["locked"], true);
  auto refused = Post(Base() + "/sim-requests", {{"kind", "sim_change"}, {"session", strong_}}, "csr");
  ASSERT_EQ(refused.status, 201);
  EXPECT_EQ(refused.Json()["outcome"], "refused_locked");
  EXPECT_EQ(refused.Json()["basis"], json::array({"47 CFR 64.2010(h)(4)"}));

  auto off = Send("DELETE", Base() + "/sim-lock?session=" + std::to_string(strong_), nullptr,
                  "supervisor");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.Json()["locked"], false);
  auto missing = Send("DELETE", Base() + "/sim-lock", nullptr, "csr");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.Json()["field"], "session");
}

// Bad input names the field, nothing written; roles and carrier scope.
TEST_P(HttpSimTest, c64_2010_h_BadInputRolesAndScope) {
  const std::string url = Base() + "/sim-requests";
  auto kind = Post(url, {{"kind", "esim"}, {"session", strong_}}, "csr");
  EXPECT_EQ(kind.status, 400);
  EXPECT_EQ(kind.Json()["field"], "kind");
  auto none = Post(url, {{"kind", "sim_change"}}, "csr");
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.Json()["field"], "session");
  auto extra = Post(url, {{"kind", "sim_change"}, {"session", strong_}, {"new_iccid", "8901"}},
                    "csr");
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(extra.Json()["field"], "new_iccid");
  auto unknown = Post(url, {{"kind", "sim_change"}, {"session", 999999}}, "csr");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.Json()["field"], "session");
  EXPECT_TRUE(Get(url, "auditor").Json()["sim_requests"].empty());

  EXPECT_EQ(Post(url, {{"kind", "sim_change"}, {"session", strong_}}, "auditor").status, 403);
  EXPECT_EQ(Post(url, {{"kind", "sim_change"}, {"session", strong_}}, "marketing").status, 403);
  EXPECT_EQ(Get(url, "marketing").status, 403);
  EXPECT_EQ(Get(url, "other").status, 404);
  EXPECT_EQ(Post(url, {{"kind", "sim_change"}, {"session", strong_}}, "other").status, 404);
  EXPECT_TRUE(Get(url, "auditor").Json()["sim_requests"].empty());

  auto doc = live_.client().Get("/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const json paths = doc.Json()["paths"];
  const std::string p = "/v1/carriers/{carrier}/customers/{customer}";
  ASSERT_TRUE(paths.contains(p + "/sim-requests"));
  ASSERT_TRUE(paths.contains(p + "/sim-lock"));
  EXPECT_TRUE(paths[p + "/sim-lock"].contains("put"));
  EXPECT_TRUE(paths[p + "/sim-lock"].contains("delete"));
  EXPECT_NE(doc.body.find("refused_not_authenticated"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, HttpSimTest, AllBackends(), BackendName);

}  // namespace
}  // namespace proprio::testing
