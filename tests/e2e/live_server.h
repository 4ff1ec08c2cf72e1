// tests/e2e/live_server.h: the API served over real HTTP on 127.0.0.1 (an
// ephemeral port) from a fresh database, SQLite in a temporary folder or a
// PostgreSQL database on the test harness's cluster, for the HTTP
// end-to-end tests of each resource. It also seeds what those tests start
// from: carriers with officers, and staff members with API tokens.
//
//   class HttpThingTest : public ::testing::TestWithParam<Backend> {
//     void SetUp() override {
//       if (auto why = LiveServer::SkipReason(GetParam())) GTEST_SKIP() << *why;
//       ASSERT_TRUE(live_.Start(GetParam()).ok());
//       carrier_ = live_.AddCarrier("910001");
//       token_ = live_.AddStaff(carrier_, "Priya Raman", {Role::kComplianceOfficer});
//     }
//     LiveServer live_;
//   };
//   INSTANTIATE_TEST_SUITE_P(Backends, HttpThingTest, AllBackends(), BackendName);
//
// A test on PostgreSQL declares FIXTURES postgres and the harness variable in
// CMake (see http_tests.cmake); without them its PostgreSQL cases skip.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "api/api.h"
#include "api/server.h"
#include "core/domain.h"
#include "http_client.h"
#include "server_traces.h"
#include "pg_test_db.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::testing {

enum class Backend { kSqlite, kPostgres };

inline auto AllBackends() {
  return ::testing::Values(Backend::kSqlite, Backend::kPostgres);
}
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

class LiveServer {
 public:
  // What most tests want: cheap password hashing, 4 workers, and the request
  // log kept in memory (ServerTraces) rather than written to stderr.
  static api::ApiOptions DefaultApiOptions();

  LiveServer() = default;
  ~LiveServer();  // stops the server, closes and removes the database
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  // Why `backend` cannot run here (PostgreSQL without the harness), or nullopt.
  static std::optional<std::string> SkipReason(Backend backend);

  Status Start(Backend backend = Backend::kSqlite, api::ApiOptions options = DefaultApiOptions());
  void Stop();

  store::Store& store() { return *store_; }
  api::Api& api() { return *api_; }
  uint16_t port() const { return server_->port(); }
  const std::string& dir() const { return dir_; }
  // One keep-alive connection, made on first use.
  HttpClient& client();

  // A carrier "Carrier <filer>" in America/New_York whose signing officer
  // is Dana Whitfield, Chief Financial Officer; `adjust` may change it first.
  CarrierId AddCarrier(const std::string& filer_id_499,
                       const std::function<void(Carrier&)>& adjust = nullptr);
  // A staff member of `carrier` with `roles`, and an API token for them.
  std::string AddStaff(CarrierId carrier, const std::string& name, std::vector<Role> roles);

 private:
  std::string dir_;
  PgTestDb pg_;
  bool pg_created_ = false;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  void ScanTraces();

  std::unique_ptr<HttpClient> client_;
  std::shared_ptr<std::string> log_;  // what the server logged, when Start set the sink
  std::shared_ptr<std::mutex> log_mu_;
};

}  // namespace proprio::testing
