#include "cli_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

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

}  // namespace

RunResult RunProprio(const std::vector<std::string>& args, const std::string& cwd,
                     const std::string& stdin_text) {
  const std::string in_path = cwd + "/.stdin", out_path = cwd + "/.stdout",
                    err_path = cwd + "/.stderr";
  std::ofstream(in_path, std::ios::trunc) << stdin_text;
  const pid_t pid = Spawn(args, cwd, in_path, out_path, err_path);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  return result;
}

int StartProprio(const std::vector<std::string>& args, const std::string& cwd) {
  return Spawn(args, cwd, "/dev/null", "/dev/null", "/dev/null");
}

}  // namespace proprio::testing
