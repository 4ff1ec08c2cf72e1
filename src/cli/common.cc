#include "cli/common.h"

#include <iostream>

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
    std::cerr << nlohmann::json{{"error", err}}.dump() << "\n";
  } else {
    std::cerr << "proprio: error: " << s.message();
    if (!s.field().empty() && s.message().find(s.field()) == std::string::npos) {
      std::cerr << " (field: " << s.field() << ")";
    }
    std::cerr << "\n";
  }
  return ExitCodeFor(s);
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& help) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->fallthrough();
  return sub;
}

}  // namespace proprio::cli
