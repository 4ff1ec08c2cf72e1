#include "api/log.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/time.h"

namespace proprio::api {

Logger::Logger(LogSink sink) : sink_(std::move(sink)) {
  if (!sink_) {
    sink_ = [](const std::string& line) {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fputc('\n', stderr);
    };
  }
}

void Logger::Write(const LogLine& l) {
  nlohmann::json j;
  j["ts"] = Instant::Now().ToRfc3339();
  j["level"] = l.level;
  j["msg"] = l.msg;
  if (!l.request_id.empty()) j["request_id"] = l.request_id;
  if (!l.method.empty()) j["method"] = l.method;
  if (!l.route.empty()) j["route"] = l.route;
  if (l.status) j["status"] = l.status;
  if (l.duration_ms >= 0) j["duration_ms"] = static_cast<double>(static_cast<int64_t>(l.duration_ms * 1000)) / 1000;
  if (!l.actor.empty()) j["actor"] = l.actor;
  if (!l.problem.empty()) j["problem"] = l.problem;
  if (!l.field.empty()) j["field"] = l.field;
  if (!l.detail.empty()) j["detail"] = l.detail;
  const std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(mu_);
  sink_(line);
}

}  // namespace proprio::api
