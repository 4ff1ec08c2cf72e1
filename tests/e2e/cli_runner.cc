#include "cli_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "server_traces.h"

namespace proprio::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Forks and execs the proprio binary in `cwd` with its standard streams on
// the given files. Returns the child's pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& cwd, const std::string& in,
            const std::string& out, const std::string& err) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  if (chdir(cwd.c_str()) != 0) _exit(127);
  dup2(open(in.c_str(), O_RDONLY), 0);
  dup2(open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 1);
  dup2(open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 2);
  std::string bin = PROPRIO_BIN;
  std::vector<std::string> copy = args;
  std::vector<char*> argv{bin.data()};
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(bin.c_str(), argv.data());
  _exit(127);
}

// The files a run may have written in `cwd`: new or changed since the last
// run looked (so a test's scans cost what it writes), not the run's own
// standard streams, not the database's.
std::vector<std::pair<std::string, std::string>> ChangedFiles(const std::vector<std::string>& args,
                                                              const std::string& cwd) {
  std::string database = "proprio.db";
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--db") database = std::filesystem::path(args[i + 1]).filename().string();
  }
  static std::mutex mu;
  static std::map<std::string, std::pair<uintmax_t, std::filesystem::file_time_type>> seen;
  std::lock_guard<std::mutex> lock(mu);
  return FilesIn(cwd, [&](const std::filesystem::directory_entry& e) {
    const std::string name = e.path().filename().string();
    if (name == ".stdin" || name == ".stdout" || name == ".stderr" ||
        name.rfind(database, 0) == 0) {
      return false;
    }
    std::error_code ec;
    const auto stamp = std::make_pair(e.file_size(ec), e.last_write_time(ec));
    auto [at, added] = seen.try_emplace(e.path().string(), stamp);
    if (!added && at->second == stamp) return false;
    at->second = stamp;
    return true;
  });
}

}  // namespace

RunResult RunProprio(const std::vector<std::string>& args, const std::string& cwd,
                     const std::string& stdin_text) {
  const std::string in_path = cwd + "/.stdin", out_path = cwd + "/.stdout",
                    err_path = cwd + "/.stderr";
  std::ofstream(in_path, std::ios::trunc) << stdin_text;
  const pid_t pid = Spawn(args, cwd, in_path, out_path, err_path);
  int status = 0;
  waitpid(pid, &status, 0);
  // What was typed may be a password: it does not stay on disk.
  std::filesystem::remove(in_path);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  if (HasCliRunScanner()) {
    ScanCliRun(CliRun{args, stdin_text, result.out, result.err, ChangedFiles(args, cwd)});
  }
  return result;
}

int StartProprio(const std::vector<std::string>& args, const std::string& cwd) {
  return Spawn(args, cwd, "/dev/null", "/dev/null", "/dev/null");
}

}  // namespace proprio::testing
