// Shared by the route files of customer authentication (47 CFR 64.2010) and
// account-change notices: the runtime those routes share (the argon2id hashing
// pool, the customer-auth policy, the outbox worker), the role lists and the
// schema fragments of services/auth_json.cc's answers. routes_auth.cc owns the
// runtime and registers the routes of
//   routes_verifications.cc     verification sessions and their steps
//   routes_secrets.cc           customer secrets and the online portal
//   routes_notifications.cc     the outbox, its settings and deliveries
//   routes_pretexting_flags.cc  pretexting flags, for the security role
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/api.h"
#include "api/routes_common.h"
#include "services/customer_auth.h"
#include "services/notifications.h"
#include "services/webhook_client.h"

namespace proprio::api::authn {

using nlohmann::json;

// Past this many waiting argon2id checks the answer is 503 with Retry-After.
inline constexpr int64_t kMaxQueuedChecks = 64;

inline const std::vector<Role> kVerifiers = {Role::kCsr, Role::kSupervisor, Role::kSecurity,
                                             Role::kComplianceOfficer, Role::kSystem};
inline const std::vector<Role> kSecretWriters = {Role::kCsr, Role::kSupervisor, Role::kSystem};
inline const std::vector<Role> kSecretReaders = {Role::kCsr,      Role::kSupervisor,
                                                 Role::kSecurity, Role::kComplianceOfficer,
                                                 Role::kAuditor,  Role::kSystem};
inline const std::vector<Role> kPortal = {Role::kSystem};
inline const std::vector<Role> kNoticeReaders = {Role::kAdmin,    Role::kComplianceOfficer,
                                                 Role::kSecurity, Role::kSupervisor,
                                                 Role::kAuditor,  Role::kSystem};
inline const std::vector<Role> kNoticeWriters = {Role::kAdmin, Role::kComplianceOfficer, Role::kSystem};
inline const std::vector<Role> kFlagReaders = {Role::kSecurity, Role::kComplianceOfficer,
                                               Role::kAuditor};

// The hashing pool, the policy and the outbox worker of one Api.
struct AuthRuntime {
  explicit AuthRuntime(Api& api);
  ~AuthRuntime();
  AuthRuntime(const AuthRuntime&) = delete;
  AuthRuntime& operator=(const AuthRuntime&) = delete;

  // PROPRIO_AUTH_HASH_THREADS, else half the cores.
  static int Threads();
  // Where and how the outbox worker delivers (webhook, letters).
  services::DeliveryOptions Delivery();
  // Runs `fn` on the hashing pool; false when too many checks wait already.
  bool Submit(std::function<void()> fn);

  int threads;
  services::CustomerAuthPolicy policy;
  services::WebhookClient client;
  std::string webhook_key;  // ApiOptions::webhook_key
  Logger* logger;           // the Api's, which outlives this runtime
  boost::asio::thread_pool pool;
  services::NotificationWorker worker;
  std::atomic<int64_t> queued{0};
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> rejected{0};
};

// Runs the argon2id part of a request on the hashing pool; 503 when it is full.
void Hashing(AuthRuntime& rt, const std::shared_ptr<Call>& call, std::function<void()> fn);

// Schema fragments (the short names keep the route descriptions short).
inline json Closed(json properties, std::vector<std::string> required) {
  return schema::Object(std::move(properties), std::move(required));
}
inline json S() { return schema::String(); }
inline json I() { return schema::Integer(); }
inline json B() { return schema::Boolean(); }
inline json T() { return schema::DateTime(); }
inline json NullT() { return {{"type", {"string", "null"}}, {"format", "date-time"}}; }
inline json Arr(json items) { return schema::ArrayOf(std::move(items)); }
// A map whose keys and values the recording step or rule chooses (a step's
// detail, a flag's evidence): described, not listed.
inline json Map(const char* what) {
  return {{"type", "object"}, {"description", what}, {"additionalProperties", json::object()}};
}
// A verification session (routes_verifications.cc); the portal's sign-in
// answers one too.
const json& SessionSchema();

// Each adds its resource's routes under `base` (/v1/carriers/{carrier}).
void AddVerificationRoutes(Api& api, const std::shared_ptr<AuthRuntime>& rt,
                           const std::string& base, std::vector<RouteSpec>& routes);
void AddSecretRoutes(Api& api, const std::shared_ptr<AuthRuntime>& rt, const std::string& base,
                     std::vector<RouteSpec>& routes);
void AddNotificationRoutes(Api& api, const std::shared_ptr<AuthRuntime>& rt,
                           const std::string& base, std::vector<RouteSpec>& routes);
void AddPretextingFlagRoutes(Api& api, const std::string& base, std::vector<RouteSpec>& routes);

}  // namespace proprio::api::authn
