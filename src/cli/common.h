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
// Prints a JSON document to stdout. Like every JSON dump of the CLI it never
// throws: bytes that are not UTF-8 (refused at the edge, so none should
// arrive) would be printed as U+FFFD.
void PrintJson(const nlohmann::json& j);
// `j` as compact JSON, never throwing (invalid UTF-8 becomes U+FFFD).
std::string SafeDump(const nlohmann::json& j, int indent = -1);

// An instant as people read it in `time_zone` (a carrier's IANA zone), to the
// second, with the zone's UTC offset: "2025-01-02 23:59:59 -05:00". Human
// output only; --json keeps RFC 3339. A zone that cannot be loaded gives the
// RFC 3339 text in UTC rather than nothing.
std::string LocalTimeText(Instant t, const std::string& time_zone);

// After parsing: InvalidArgument naming the option ("document_id" for
// --document-id, "file" for the positional FILE) of the first value given on
// the command line that is not UTF-8.
Status CheckParsedUtf8(const CLI::App& app);
// The same over the raw arguments (those no option took): the option before a
// value, or "argument N".
Status CheckArgumentsUtf8(int argc, const char* const* argv);
// InvalidArgument naming `field` unless `text` is UTF-8 (for file contents:
// the message names the line of the first bad byte).
Status CheckUtf8(std::string_view text, const std::string& field);

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
// certification_commands.cc: training, discipline, complaint, broker-action,
// pretexter, certification (47 CFR 64.2009(b), (e)).
void RegisterCertification(CLI::App& app, Context& ctx);
// opt_out_failure_commands.cc: opt-out mechanism failures (47 CFR 64.2009(f)).
void RegisterOptOutFailure(CLI::App& app, Context& ctx);
// due_command.cc: proprio due, every open obligation of every kind.
void RegisterDue(CLI::App& app, Context& ctx);
// rules_commands.cc: proprio rules list|show, which code enforces which rule.
void RegisterRules(CLI::App& app, Context& ctx);
// campaign_commands.cc: marketing campaigns (47 CFR 64.2009(c), (d)).
void RegisterCampaign(CLI::App& app, Context& ctx);
// partner_commands.cc: the partner registry (47 CFR 64.2007(b)).
void RegisterPartner(CLI::App& app, Context& ctx);
// sim_commands.cc: SIM change and port-out requests and the lock (47 CFR 64.2010(h)).
void RegisterSim(CLI::App& app, Context& ctx);

// Adds a subcommand that accepts the global options after its name too.
CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& help);

}  // namespace proprio::cli
