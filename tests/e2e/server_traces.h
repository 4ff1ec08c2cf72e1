// tests/e2e/server_traces.h: what a test server leaves outside its database
// (its log, its /metrics, every other file in its folder), handed to the
// planted-value scan (tests/e2e/planted_values.cc) when the server stops; and
// what each run of the proprio binary by tests/e2e/cli_runner leaves (its
// output, the files in its folder), handed over as each run ends.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
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

// One finished run of `proprio args...` in `cwd`.
struct CliRun {
  std::vector<std::string> args;
  std::string stdin_text;
  std::string out, err;
  std::vector<std::pair<std::string, std::string>> files;  // in cwd, not the database's
};

using CliRunScanner = void (*)(const CliRun& run);
// Installed by tests/e2e/planted_values.cc; null: none.
void SetCliRunScanner(CliRunScanner scanner);
bool HasCliRunScanner();
// Hands `run` to the scanner, if any.
void ScanCliRun(const CliRun& run);
// The regular files under `dir` (path, contents) that `wanted` accepts.
std::vector<std::pair<std::string, std::string>> FilesIn(
    const std::string& dir, const std::function<bool(const std::filesystem::directory_entry&)>& wanted);

}  // namespace proprio::testing
