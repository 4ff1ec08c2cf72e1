#include "cli/common.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "core/text.h"
#include "services/time_zones.h"

namespace proprio::cli {

Result<std::unique_ptr<store::Store>> Context::OpenStore() const {
  store::StoreOptions options;
  options.sqlite_path = global.db;
  options.postgres_url = global.postgres;
  return store::Store::Open(options);
}

services::Actor Context::actor() const {
  services::Actor a;
  a.id = "cli";
  a.now = Instant::Now();
  return a;
}

std::string LocalTimeText(Instant t, const std::string& time_zone) {
  auto zone = services::LoadTimeZone(time_zone);
  if (!zone.ok()) return t.ToRfc3339();
  const rules::LocalDateTime local = (*zone)->ToLocal(t);
  const int32_t offset = (*zone)->UtcOffset(t);
  const int32_t abs_offset = offset < 0 ? -offset : offset;
  char buf[48];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d %c%02d:%02d", local.seconds_of_day / 3600,
                local.seconds_of_day / 60 % 60, local.seconds_of_day % 60,
                offset < 0 ? '-' : '+', abs_offset / 3600, abs_offset / 60 % 60);
  return local.date.ToString() + buf;
}

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kNotFound: return 4;
    case StatusCode::kAlreadyExists: return 5;
    case StatusCode::kFailedPrecondition: return 6;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated: return 7;
    case StatusCode::kDataLoss: return 8;
    case StatusCode::kUnavailable: return 9;
    case StatusCode::kResourceExhausted:
    case StatusCode::kAborted:
    case StatusCode::kInternal: return 1;
  }
  return 1;
}

int Fail(const Context& ctx, const Status& s) {
  if (ctx.global.json) {
    nlohmann::json err = {{"code", StatusCodeName(s.code())}, {"message", s.message()}};
    if (!s.field().empty()) err["field"] = s.field();
    std::cerr << SafeDump(nlohmann::json{{"error", err}}) << "\n";
  } else {
    std::cerr << "proprio: error: " << s.message();
    if (!s.field().empty() && s.message().find(s.field()) == std::string::npos) {
      std::cerr << " (field: " << s.field() << ")";
    }
    std::cerr << "\n";
  }
  return ExitCodeFor(s);
}

void PrintJson(const nlohmann::json& j) { std::cout << SafeDump(j, 2) << "\n"; }

std::string SafeDump(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// "--document-id" -> "document_id"; "-f" -> "f".
std::string FieldOfOption(std::string_view opt) {
  while (!opt.empty() && opt.front() == '-') opt.remove_prefix(1);
  std::string out(opt.substr(0, opt.find('=')));
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

bool IsOption(const char* arg) { return arg[0] == '-' && arg[1] != '\0' && std::strcmp(arg, "-") != 0; }

}  // namespace

Status CheckArgumentsUtf8(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (IsValidUtf8(arg)) continue;
    std::string field;
    if (IsOption(argv[i])) {
      // "--purpose=p\xa7" names itself; a bad option name is still that option.
      field = FieldOfOption(arg);
    } else if (i > 1 && IsOption(argv[i - 1]) && std::strchr(argv[i - 1], '=') == nullptr) {
      field = FieldOfOption(argv[i - 1]);
    }
    if (field.empty() || !IsValidUtf8(field)) field = "argument " + std::to_string(i);
    return Status::InvalidArgument(
        (field.rfind("argument ", 0) == 0 ? field : "--" + field) + " is not valid UTF-8 text",
        field);
  }
  return Status::Ok();
}

Status CheckParsedUtf8(const CLI::App& app) {
  for (const CLI::Option* opt : app.get_options()) {
    for (const std::string& value : opt->results()) {
      if (IsValidUtf8(value)) continue;
      const bool positional = opt->get_lnames().empty() && opt->get_snames().empty();
      const std::string name = !opt->get_lnames().empty()   ? opt->get_lnames().front()
                               : !opt->get_snames().empty() ? opt->get_snames().front()
                                                            : opt->get_name(true);
      const std::string field = FieldOfOption(name);
      return Status::InvalidArgument(
          (positional ? name : "--" + name) + " is not valid UTF-8 text", field);
    }
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    if (Status st = CheckParsedUtf8(*sub); !st.ok()) return st;
  }
  return Status::Ok();
}

Status CheckUtf8(std::string_view text, const std::string& field) {
  if (IsValidUtf8(text)) return Status::Ok();
  // The first line holding a bad byte ('\n' is never inside a UTF-8 sequence).
  size_t line = 1, start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (!IsValidUtf8(text.substr(start, end - start))) break;
    start = end + 1;
    ++line;
  }
  return Status::InvalidArgument(field + ": line " + std::to_string(line) +
                                     " is not valid UTF-8 text",
                                 field);
}

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& help) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->fallthrough();
  return sub;
}

}  // namespace proprio::cli
