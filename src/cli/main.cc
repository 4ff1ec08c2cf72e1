// proprio: the command-line face of Proprio. Each subcommand lives in its own
// file under src/cli and calls into services; this file wires them up.
#include <iostream>

#include "cli/common.h"
#include "core/text.h"

int main(int argc, char** argv) {
  using proprio::Status;
  using proprio::cli::Context;
  CLI::App app{
      "proprio: CPNI compliance engine (47 CFR 64.2001-64.2011).\n"
      "Keeps carriers' customer records and approvals, decides whether CPNI may be used,\n"
      "and writes every change to a tamper-evident ledger.\n\n"
      "Start with:  proprio init   then   proprio demo   then   proprio audit verify"};
  app.name("proprio");
  app.require_subcommand(1);
  Context ctx;
  app.add_option("--db", ctx.global.db, "SQLite database file (the default store)")
      ->capture_default_str();
  app.add_option("--postgres", ctx.global.postgres,
                 "PostgreSQL URL, e.g. postgresql://user@127.0.0.1/proprio (instead of --db)");
  app.add_flag("--json", ctx.global.json, "machine-readable JSON output");
  app.footer(
      "Exit codes: 0 ok, 1 internal error, 2 invalid input, 3 denied, 4 not found,\n"
      "5 already exists, 6 failed precondition, 7 not permitted, 8 ledger does not verify,\n"
      "9 database unavailable.");

  proprio::cli::RegisterInit(app, ctx);
  proprio::cli::RegisterCarrier(app, ctx);
  proprio::cli::RegisterCustomer(app, ctx);
  proprio::cli::RegisterStaff(app, ctx);
  proprio::cli::RegisterImport(app, ctx);
  proprio::cli::RegisterAudit(app, ctx);
  proprio::cli::RegisterDemo(app, ctx);
  proprio::cli::RegisterDecisions(app, ctx);
  proprio::cli::RegisterBreach(app, ctx);
  proprio::cli::RegisterServe(app, ctx);
  proprio::cli::RegisterAccess(app, ctx);
  proprio::cli::RegisterAuth(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  // Every argument is text from outside: refused unless it is UTF-8, naming
  // the option it was given to, before any command reads it.
  Status utf8 = proprio::cli::CheckParsedUtf8(app);
  if (utf8.ok()) utf8 = proprio::cli::CheckArgumentsUtf8(argc, argv);  // any other argument
  if (!utf8.ok()) return proprio::cli::Fail(ctx, utf8);
  for (const auto& step : ctx.finalize) step();
  if (!ctx.action) {
    std::cerr << app.help();
    return 2;
  }
  return ctx.action();
}
