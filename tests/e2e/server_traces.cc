#include "server_traces.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "http_client.h"

namespace proprio::testing {
namespace {
std::atomic<TraceScanner> g_scanner{nullptr};
}  // namespace

void SetTraceScanner(TraceScanner scanner) { g_scanner = scanner; }

void ScanServerTraces(uint16_t port, const std::string& log, const std::string& dir,
                      const std::string& database_prefix) {
  const TraceScanner scanner = g_scanner.load();
  if (scanner == nullptr) return;
  ServerTraces traces;
  traces.log = log;
  traces.metrics = HttpClient(port).Get("/metrics").body;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path().filename().string().rfind(database_prefix, 0) == 0) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    traces.files.emplace_back(entry.path().string(),
                              std::string(std::istreambuf_iterator<char>(in), {}));
  }
  scanner(traces);
}

}  // namespace proprio::testing
