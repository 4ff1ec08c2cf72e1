// tests/e2e/server_traces.h: what a test server leaves outside its database
// (its log, its /metrics, every other file in its folder), handed to the
// planted-value scan (tests/e2e/planted_values.cc) when the server stops.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace proprio::testing {

struct ServerTraces {
  std::string log;      // every line the server logged, requests included
  std::string metrics;  // GET /metrics just before it stopped
  std::vector<std::pair<std::string, std::string>> files;  // path, contents
};

using TraceScanner = void (*)(const ServerTraces& traces);
// Installed by tests/e2e/planted_values.cc; null: none.
void SetTraceScanner(TraceScanner scanner);

// Gathers the traces of the server on `port` (still running) that logged
// `log` and keeps its files in `dir`, skipping the database files (names
// starting with `database_prefix`), and hands them to the scanner, if any.
void ScanServerTraces(uint16_t port, const std::string& log, const std::string& dir,
                      const std::string& database_prefix);

}  // namespace proprio::testing
