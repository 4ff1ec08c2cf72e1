// api/log.h: structured logs, one JSON object per line.
//
// What may be logged is fixed here, by the fields a LogLine has: request id,
// method, route pattern (never the path with its query, never a body or a
// header), status, duration, actor id, problem type and field name. Nothing
// in it can carry a CPNI value, a password or a token; free-text messages are
// for the server's own events (start, stop, internal errors' messages, which
// name no personal data).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace proprio::api {

using LogSink = std::function<void(const std::string& line)>;

struct LogLine {
  std::string level = "info";  // info, warn, error
  std::string msg;             // "request", "listening", ...
  std::string request_id;
  std::string method;
  std::string route;  // the route's pattern, or "unmatched"
  int status = 0;
  double duration_ms = -1;
  std::string actor;
  std::string problem;  // problem type slug
  std::string field;    // the input field an error is about
  std::string detail;   // server events only (never request data)
};

class Logger {
 public:
  explicit Logger(LogSink sink);
  void Write(const LogLine& line);

 private:
  LogSink sink_;
  std::mutex mu_;
};

}  // namespace proprio::api
