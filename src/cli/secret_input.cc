#include "cli/secret_input.h"

#include <cerrno>
#include <csignal>
#include <iterator>
#include <optional>

#include <termios.h>
#include <unistd.h>

namespace proprio::cli {

namespace {

// The terminal's settings while echo is off, for the signal handler.
volatile sig_atomic_t g_restore_fd = -1;
struct termios g_saved;

void RestoreAndReraise(int sig) {
  if (g_restore_fd >= 0) ::tcsetattr(g_restore_fd, TCSAFLUSH, &g_saved);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};

// Echo off on `fd` for this object's life (and a signal's).
class EchoOff {
 public:
  explicit EchoOff(int fd) {
    if (::tcgetattr(fd, &g_saved) != 0) return;
    struct termios quiet = g_saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    for (size_t i = 0; i < std::size(kSignals); ++i) {
      struct sigaction sa {};
      sa.sa_handler = RestoreAndReraise;
      sigemptyset(&sa.sa_mask);
      ::sigaction(kSignals[i], &sa, &old_[i]);
    }
    g_restore_fd = fd;
    if (::tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
      Restore();
      return;
    }
    fd_ = fd;
  }
  ~EchoOff() { Restore(); }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  void Restore() {
    if (g_restore_fd < 0) return;
    if (fd_ >= 0) ::tcsetattr(fd_, TCSANOW, &g_saved);  // keeps what was typed ahead
    g_restore_fd = -1;
    for (size_t i = 0; i < std::size(kSignals); ++i) ::sigaction(kSignals[i], &old_[i], nullptr);
  }
  int fd_ = -1;
  struct sigaction old_[std::size(kSignals)] = {};
};

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

Result<std::string> ReadSecretLineFrom(int fd, int prompt_fd, const std::string& prompt,
                                       const std::string& field) {
  const bool terminal = ::isatty(fd) == 1;
  std::optional<EchoOff> quiet;
  if (terminal) {
    // Echo off first, then the prompt (as getpass does): whatever is typed
    // once the prompt shows is never echoed.
    quiet.emplace(fd);
    WriteAll(prompt_fd, prompt);
  }
  std::string line;
  bool any = false;
  bool too_long = false;
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of input (or an error): the line ends here
    any = true;
    if (c == '\n') break;
    if (line.size() < kMaxSecretLineBytes) {
      line.push_back(c);
    } else {
      too_long = true;  // read on to the line's end, keep nothing more
    }
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (terminal && ::isatty(prompt_fd) != 1) WriteAll(prompt_fd, "\n");
  if (too_long) {
    return Status::InvalidArgument(field + " is longer than " +
                                       std::to_string(kMaxSecretLineBytes) + " bytes",
                                   field);
  }
  (void)any;  // no input is an empty secret, which the service refuses naming its field
  return line;
}

Result<std::string> ReadSecretLine(const std::string& prompt, const std::string& field) {
  return ReadSecretLineFrom(STDIN_FILENO, STDERR_FILENO, prompt, field);
}

}  // namespace proprio::cli
