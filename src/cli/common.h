// cli/common.h: what every proprio subcommand shares — the global options
// (--db, --postgres, --json), opening the store, printing results and errors,
// and the one mapping from Status codes to exit codes:
//
//   0 ok                    5 already exists
//   1 internal error        6 failed precondition (e.g. newer schema)
//   2 invalid input/usage   7 permission denied / unauthenticated
//   3 denied (decisions)    8 data loss (ledger does not verify)
//   4 not found             9 unavailable (database unreachable)
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "services/registry.h"
#include "store/store.h"

namespace proprio::cli {

struct GlobalOptions {
  std::string db = "proprio.db";
  std::string postgres;
  bool json = false;
};

// The command chosen on the command line; it returns the exit code.
using Action = std::function<int()>;

struct Context {
  GlobalOptions global;
  Action action;
  // Run after parsing, before `action`; a command file may wrap or replace the
  // action another registered (e.g. init --admin-name adds a step to init).
  std::vector<std::function<void()>> finalize;

  Result<std::unique_ptr<store::Store>> OpenStore() const;
  services::Actor actor() const;
};

int ExitCodeFor(const Status& s);
// Prints `s` to stderr (as JSON with --json) and returns its exit code.
int Fail(const Context& ctx, const Status& s);
// Prints a JSON document to stdout.
void PrintJson(const nlohmann::json& j);

// Command registration, one per file.
void RegisterInit(CLI::App& app, Context& ctx);
void RegisterCarrier(CLI::App& app, Context& ctx);
void RegisterCustomer(CLI::App& app, Context& ctx);
void RegisterStaff(CLI::App& app, Context& ctx);
void RegisterImport(CLI::App& app, Context& ctx);
void RegisterAudit(CLI::App& app, Context& ctx);
void RegisterDemo(CLI::App& app, Context& ctx);
// consent_commands.cc: decide, consent, notice, policy, calendar.
void RegisterDecisions(CLI::App& app, Context& ctx);
void RegisterBreach(CLI::App& app, Context& ctx);  // breach_commands.cc
// serve_command.cc: proprio serve. access_commands.cc: init --admin-*, staff
// add --login/--password-stdin, staff password|grant|token|revoke-token.
// REQUIRES: after RegisterInit and RegisterStaff.
void RegisterServe(CLI::App& app, Context& ctx);
void RegisterAccess(CLI::App& app, Context& ctx);
// auth_commands.cc: proprio auth ... and proprio notifications ...
void RegisterAuth(CLI::App& app, Context& ctx);

// Adds a subcommand that accepts the global options after its name too.
CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& help);

}  // namespace proprio::cli
