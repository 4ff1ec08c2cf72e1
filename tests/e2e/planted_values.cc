// tests/e2e/planted_values.cc: the planted-value scan (issue 15). Compiled
// into an HTTP end-to-end test binary, it collects every secret and CPNI
// value the binary's tests send or receive, and fails the test that leaks one
// to where it must never be:
//   - planted: the values of request fields that carry a password, a back-up
//     answer, a token or call detail a caller stated (password, new_password,
//     backup_answer, answer, token, stated_call_detail),
//     the bearer tokens of Authorization headers, and the tokens the server
//     hands out (response fields token);
//   - never in: a problem+json body (checked as each answer arrives), the
//     server's log, /metrics, or any file beside the database (checked as
//     each LiveServer stops, tests/e2e/live_server.h).
// Values shorter than 8 bytes are not planted: they would match by chance.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>

#include "http_client.h"
#include "planted_values.h"

namespace proprio::testing {
namespace {

constexpr size_t kShortest = 8;

std::mutex g_mu;
std::set<std::string> g_planted;
size_t g_scans = 0;

bool SecretKey(const std::string& key) {
  // Not "cpni": in a decision request it names categories (call_detail),
  // words the answers rightly use.
  static const std::set<std::string> kKeys = {"password", "new_password", "current_password",
                                              "backup_answer", "answer", "token",
                                              "stated_call_detail"};
  return kKeys.count(key) > 0;
}

void PlantAll(const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.size() >= kShortest) g_planted.insert(s);
  } else if (v.is_structured()) {
    for (const auto& e : v) PlantAll(e);
  }
}

// Walks `v`, planting every string under a secret key.
void PlantSecrets(const nlohmann::json& v) {
  if (v.is_object()) {
    for (const auto& [key, value] : v.items()) {
      if (SecretKey(key)) {
        PlantAll(value);
      } else {
        PlantSecrets(value);
      }
    }
  } else if (v.is_array()) {
    for (const auto& e : v) PlantSecrets(e);
  }
}

// The planted values found in `text`, for a failure message (never printed
// whole: a test log is a place they must not be either, so only a prefix).
std::string Found(const std::string& text) {
  std::string found;
  for (const std::string& p : g_planted) {
    if (text.find(p) != std::string::npos) found += " '" + p.substr(0, 3) + "...'";
  }
  return found;
}

void Observe(const Exchange& x) {
  std::lock_guard<std::mutex> lock(g_mu);
  for (const auto& [name, value] : x.request_headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == "authorization" && value.rfind("Bearer ", 0) == 0 &&
        value.size() - 7 >= kShortest) {
      g_planted.insert(value.substr(7));
    }
  }
  if (!x.request_body.empty()) {
    PlantSecrets(nlohmann::json::parse(x.request_body, nullptr, false));
  }
  const HttpResponse& r = x.response;
  if (r.Header("content-type").find("problem+json") != std::string::npos) {
    const std::string found = Found(r.body);
    if (!found.empty()) {
      ADD_FAILURE() << "planted value in the problem body of " << x.method << " " << x.target
                    << ":" << found;
    }
  } else if (r.Header("content-type").find("json") != std::string::npos) {
    // Tokens the server hands out (sign-in, API tokens) are secrets from now on.
    const nlohmann::json body = r.Json();
    if (body.is_object() && body.contains("token")) PlantAll(body["token"]);
  }
}

void Scan(const ServerTraces& t) {
  std::lock_guard<std::mutex> lock(g_mu);
  ++g_scans;
  if (std::string f = Found(t.log); !f.empty()) ADD_FAILURE() << "planted value in the log:" << f;
  if (std::string f = Found(t.metrics); !f.empty()) {
    ADD_FAILURE() << "planted value in /metrics:" << f;
  }
  for (const auto& [path, contents] : t.files) {
    if (std::string f = Found(contents); !f.empty()) {
      ADD_FAILURE() << "planted value in " << path << ":" << f;
    }
  }
}

class PlantedValueScan : public ::testing::Environment {
 public:
  void SetUp() override {
    AddExchangeObserver(&Observe);
    SetTraceScanner(&Scan);
  }
  void TearDown() override {
    RemoveExchangeObserver(&Observe);
    SetTraceScanner(nullptr);
    std::lock_guard<std::mutex> lock(g_mu);
    std::printf("Planted-value scan: %zu values planted, %zu servers' logs, metrics and files "
                "scanned\n",
                g_planted.size(), g_scans);
  }
};

[[maybe_unused]] ::testing::Environment* const kPlantedValueScan =
    ::testing::AddGlobalTestEnvironment(new PlantedValueScan);

}  // namespace

void PlantValue(const std::string& value) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_planted.insert(value);
}

void ScanTracesForPlantedValues(const ServerTraces& traces) { Scan(traces); }

}  // namespace proprio::testing
