#include "server_traces.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "http_client.h"

namespace proprio::testing {
namespace {
std::atomic<TraceScanner> g_scanner{nullptr};
std::atomic<CliRunScanner> g_cli_scanner{nullptr};
}  // namespace

void SetTraceScanner(TraceScanner scanner) { g_scanner = scanner; }

void ScanServerTraces(uint16_t port, const std::string& log, const std::string& dir,
                      const std::string& database_prefix) {
  const TraceScanner scanner = g_scanner.load();
  if (scanner == nullptr) return;
  ServerTraces traces;
  traces.log = log;
  // A test that held connections up to the server's cap may have closed them
  // a moment ago: until the server has seen them go, /metrics is refused 503.
  HttpResponse metrics = HttpClient(port).Get("/metrics");
  for (int i = 0; i < 50 && metrics.status == 503; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    metrics = HttpClient(port).Get("/metrics");
  }
  traces.metrics = metrics.body;
  traces.files = FilesIn(dir, [&](const std::filesystem::directory_entry& e) {
    return e.path().filename().string().rfind(database_prefix, 0) != 0;
  });
  scanner(traces);
}

std::vector<std::pair<std::string, std::string>> FilesIn(
    const std::string& dir,
    const std::function<bool(const std::filesystem::directory_entry&)>& wanted) {
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || !wanted(entry)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files.emplace_back(entry.path().string(), std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return files;
}

void SetCliRunScanner(CliRunScanner scanner) { g_cli_scanner = scanner; }

bool HasCliRunScanner() { return g_cli_scanner.load() != nullptr; }

void ScanCliRun(const CliRun& run) {
  if (const CliRunScanner scanner = g_cli_scanner.load()) scanner(run);
}

}  // namespace proprio::testing
