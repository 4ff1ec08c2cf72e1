// tests/e2e/cli_runner.h: runs the built proprio binary as a user would and
// captures its exit code, standard output and standard error.
#pragma once

#include <string>
#include <vector>

namespace proprio::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `proprio args...` in `cwd` with `stdin_text` on standard input.
RunResult RunProprio(const std::vector<std::string>& args, const std::string& cwd,
                     const std::string& stdin_text = "");

// Starts `proprio args...` in `cwd` without waiting; output is discarded.
// Returns the child's pid.
int StartProprio(const std::vector<std::string>& args, const std::string& cwd);

}  // namespace proprio::testing
