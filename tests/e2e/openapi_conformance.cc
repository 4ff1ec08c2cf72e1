// tests/e2e/openapi_conformance.cc: compiled into an HTTP end-to-end test, it
// checks every answer the test's HttpClients receive against the server's own
// /openapi.json (issue 18: the document tells the whole truth, every object
// schema closed). A mismatch fails the test that made the request. When the
// binary ends it lists the operations the binary answered with a 2xx.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "http_client.h"
#include "openapi_check.h"

namespace proprio::testing {
namespace {

std::mutex g_mu;
std::map<uint16_t, nlohmann::json> g_docs;  // by port; the same build serves the same document
std::set<std::string> g_covered;            // "get /v1/..." answered 2xx
thread_local bool t_fetching = false;

void Observe(const Exchange& x) {
  const uint16_t port = x.port;
  const bool tls = x.tls;
  const std::string& method = x.method;
  const std::string& target = x.target;
  const HttpResponse& res = x.response;
  if (t_fetching || res.status == 0) return;
  nlohmann::json doc;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_docs.find(port);
    if (it != g_docs.end()) doc = it->second;
  }
  if (doc.is_null()) {
    t_fetching = true;
    HttpClient fetch(port, tls);
    HttpResponse d = fetch.Get("/v1/openapi.json");
    t_fetching = false;
    if (d.status != 200) return;  // the server is going away; nothing to check against
    doc = d.Json();
    std::lock_guard<std::mutex> lock(g_mu);
    g_docs[port] = doc;
  }
  for (const std::string& e :
       CheckResponse(doc, method, target, res.status, res.Header("content-type"), res.body)) {
    ADD_FAILURE() << "OpenAPI: " << e;
  }
  if (res.status >= 200 && res.status < 300) {
    std::string pattern;
    if (FindOperation(doc, method, target, &pattern) != nullptr) {
      std::lock_guard<std::mutex> lock(g_mu);
      g_covered.insert(method + " " + pattern);
    }
  }
}

class Conformance : public ::testing::Environment {
 public:
  void SetUp() override { AddExchangeObserver(&Observe); }
  void TearDown() override {
    RemoveExchangeObserver(&Observe);
    std::lock_guard<std::mutex> lock(g_mu);
    std::printf("OpenAPI conformance: %zu operations answered 2xx and checked\n",
                g_covered.size());
  }
};

// A server started later on a reused port serves the same document, so the
// cache by port is safe; each test binary runs one build.
[[maybe_unused]] ::testing::Environment* const kConformance =
    ::testing::AddGlobalTestEnvironment(new Conformance);

}  // namespace

// The operations answered 2xx so far (for tests that assert coverage).
std::set<std::string> CoveredOperations() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_covered;
}

}  // namespace proprio::testing
