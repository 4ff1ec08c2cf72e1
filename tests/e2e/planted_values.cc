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
// Compiled into a CLI end-to-end test binary, it does the same for each run
// of the proprio binary (tests/e2e/cli_runner.h; ScanRun below says what).
// Values shorter than 8 bytes are not planted: they would match by chance.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "planted_values.h"

namespace proprio::testing {
namespace {

constexpr size_t kShortest = 8;

std::mutex g_mu;
std::set<std::string> g_planted;
std::set<std::string> g_typed;  // typed at a CLI's secret prompt: never echoed
size_t g_scans = 0;
size_t g_runs = 0;

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
std::string Found(const std::string& text, const std::set<std::string>& planted = g_planted) {
  std::string found;
  for (const std::string& p : planted) {
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

// A flag whose standard input lines are secrets (--password-stdin,
// --backup-answer-stdin, --code-stdin, ...).
bool ReadsSecretsFromStdin(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a.size() > 8 && a.rfind("--", 0) == 0 && a.compare(a.size() - 6, 6, "-stdin") == 0) {
      return true;
    }
  }
  return false;
}

std::string Command(const std::vector<std::string>& args) {
  std::string c = "proprio";
  for (size_t i = 0; i < args.size() && i < 3 && args[i].rfind("--", 0) != 0; ++i) {
    c += " " + args[i];
  }
  return c;
}

// A run of the proprio binary (tests/e2e/cli_runner): what was typed at a
// secret prompt, the call detail a caller stated (--stated), and tokens it
// printed are planted; none may show in its standard error or a file it
// wrote, and what was typed may not be echoed on its standard output either.
// (Standard output rightly shows CPNI, and a token it hands out, to the
// operator.)
void ScanRun(const CliRun& run) {
  std::lock_guard<std::mutex> lock(g_mu);
  ++g_runs;
  std::set<std::string> typed;
  if (ReadsSecretsFromStdin(run.args)) {
    std::string line;
    for (char ch : run.stdin_text + "\n") {
      if (ch != '\n') {
        line += ch;
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() >= kShortest) typed.insert(line);
      line.clear();
    }
  }
  for (size_t i = 0; i + 1 < run.args.size(); ++i) {
    if (run.args[i] == "--stated" && run.args[i + 1].size() >= kShortest) {
      g_planted.insert(run.args[i + 1]);
    }
  }
  g_typed.insert(typed.begin(), typed.end());
  g_planted.insert(typed.begin(), typed.end());
  const std::string command = Command(run.args);
  if (std::string f = Found(run.err); !f.empty()) {
    ADD_FAILURE() << "planted value in the standard error of `" << command << "`:" << f;
  }
  if (std::string f = Found(run.out, g_typed); !f.empty()) {
    ADD_FAILURE() << "a typed secret echoed on the standard output of `" << command << "`:" << f;
  }
  for (const auto& [path, contents] : run.files) {
    if (std::string f = Found(contents); !f.empty()) {
      ADD_FAILURE() << "planted value in " << path << " (after `" << command << "`):" << f;
    }
  }
  const nlohmann::json out = nlohmann::json::parse(run.out, nullptr, false);
  if (out.is_object() && out.contains("token")) PlantAll(out["token"]);
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
    SetCliRunScanner(&ScanRun);
  }
  void TearDown() override {
    RemoveExchangeObserver(&Observe);
    SetTraceScanner(nullptr);
    SetCliRunScanner(nullptr);
    std::lock_guard<std::mutex> lock(g_mu);
    std::printf("Planted-value scan: %zu values planted, %zu servers' logs, metrics and files "
                "scanned, %zu command runs' output and files scanned\n",
                g_planted.size(), g_scans, g_runs);
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

void ScanCliRunForPlantedValues(const CliRun& run) { ScanRun(run); }

}  // namespace proprio::testing
