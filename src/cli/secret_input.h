// cli/secret_input.h: reading a secret (a password, a back-up answer, a
// reset code) from standard input, as `passwd`, `ssh-keygen` and
// `docker login --password-stdin` do:
//
// - From a terminal: the prompt is written to standard error (standard output
//   stays for the command's answer), echo is turned off (termios: ECHO off,
//   ECHONL on so that the Enter still moves to the next line), and the secret
//   ends at the line; the terminal's settings are restored afterwards, also
//   when SIGINT, SIGTERM, SIGQUIT or SIGHUP ends the program meanwhile.
// - From a pipe or a file: no prompt; exactly one line is read (byte by byte,
//   so that a second secret on the next line is left for the next read). The
//   line ends at "\n"; a "\r" before it is dropped; the end of input ends the
//   last line.
//
// A line longer than kMaxSecretLineBytes is InvalidArgument naming `field`;
// no input at all is the empty secret (the service refuses it, naming its
// field).
#pragma once

#include <string>

#include "core/status.h"

namespace proprio::cli {

inline constexpr size_t kMaxSecretLineBytes = 4096;

// REQUIRES: `prompt` holds no secret (it is shown as given, e.g. "Password: ").
Result<std::string> ReadSecretLine(const std::string& prompt, const std::string& field);

// The same from file descriptor `fd`, prompting on `prompt_fd` (for tests).
Result<std::string> ReadSecretLineFrom(int fd, int prompt_fd, const std::string& prompt,
                                       const std::string& field);

}  // namespace proprio::cli
