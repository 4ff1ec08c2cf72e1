// proprio: the command-line face of Proprio. Each subcommand lives in its own
// file under src/cli and calls into services; this file wires them up.
#include <algorithm>
#include <cstring>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "cli/common.h"
#include "core/text.h"

namespace {

// --json anywhere on the command line (the parser may stop before it reads
// the flag itself).
bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

// The first argument that is neither a global option nor its value: the
// command the user meant.
std::string FirstCommandWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--db" || a == "--postgres") {
      ++i;
      continue;
    }
    if (a.rfind("-", 0) == 0) continue;
    return a;
  }
  return "";
}

std::string CommandList(const CLI::App& app) {
  std::string list;
  for (const CLI::App* sub : app.get_subcommands({})) {
    list += "  " + sub->get_name();
    list.append(sub->get_name().size() < 14 ? 14 - sub->get_name().size() : 1, ' ');
    // The description's first clause: one line a command.
    std::string what = sub->get_description();
    const size_t cut = what.find_first_of(":.?(");
    if (cut != std::string::npos) what.resize(cut + (what[cut] == '?' ? 1 : 0));
    while (!what.empty() && what.back() == ' ') what.pop_back();
    list += what + "\n";
  }
  return list;
}

// Every `--carrier` a command requires becomes optional while parsing: a
// single-carrier installation (the usual one) need not name its carrier, so
// the requirement is checked after parsing by DefaultCarrier. Returns them.
std::set<CLI::Option*> RelaxCarrierOptions(CLI::App& app) {
  std::set<CLI::Option*> relaxed;
  for (CLI::App* sub : app.get_subcommands({})) {
    CLI::Option* opt = sub->get_option_no_throw("--carrier");
    if (opt != nullptr && opt->get_required()) {
      opt->required(false);
      opt->description(opt->get_description() +
                       " (required when the installation has more than one carrier)");
      relaxed.insert(opt);
    }
    relaxed.merge(RelaxCarrierOptions(*sub));
  }
  return relaxed;
}

// The command chosen: the deepest subcommand parsed.
CLI::App* ChosenCommand(CLI::App& app) {
  CLI::App* at = &app;
  for (;;) {
    auto parsed = at->get_subcommands();
    if (parsed.empty()) return at;
    at = parsed.front();
  }
}

// A relaxed --carrier left out: the installation's only carrier, or
// InvalidArgument naming `carrier` (as the parser would have) when there are
// none or several.
proprio::Status DefaultCarrier(CLI::App& app, const std::set<CLI::Option*>& relaxed,
                               const proprio::cli::Context& ctx) {
  CLI::Option* opt = ChosenCommand(app)->get_option_no_throw("--carrier");
  if (opt == nullptr || relaxed.count(opt) == 0 || opt->count() > 0) return proprio::Status::Ok();
  auto store = ctx.OpenStore();
  if (!store.ok()) return store.status();
  std::vector<proprio::Carrier> carriers;
  proprio::Status st = (*store)->Read([&](proprio::store::Tx& tx) -> proprio::Status {
    auto all = tx.ListCarriers();
    if (!all.ok()) return all.status();
    carriers = std::move(*all);
    return proprio::Status::Ok();
  });
  if (!st.ok()) return st;
  if (carriers.size() != 1) {
    return proprio::Status::InvalidArgument(
        "--carrier is required: this installation has " + std::to_string(carriers.size()) +
            " carriers (proprio carrier list)",
        "carrier");
  }
  opt->add_result(std::to_string(carriers.front().id.value()));
  opt->run_callback();
  return proprio::Status::Ok();
}

}  // namespace

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
  app.set_version_flag("--version", std::string("proprio ") + PROPRIO_VERSION,
                       "print the version and exit");
  app.footer(
      "Exit codes: 0 ok, 1 internal error, 2 invalid input or usage, 3 denied, 4 not found,\n"
      "5 already exists, 6 failed precondition (e.g. not a database, address in use),\n"
      "7 not permitted, 8 ledger does not verify, 9 database unavailable.");

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
  proprio::cli::RegisterCertification(app, ctx);
  proprio::cli::RegisterOptOutFailure(app, ctx);
  proprio::cli::RegisterDue(app, ctx);
  proprio::cli::RegisterRules(app, ctx);
  proprio::cli::RegisterCampaign(app, ctx);
  proprio::cli::RegisterPartner(app, ctx);
  proprio::cli::RegisterSim(app, ctx);

  const std::set<CLI::Option*> relaxed_carrier = RelaxCarrierOptions(app);

  const bool json = WantsJson(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A usage error: exit 2, and with --json the same error document as any
    // other failure, so a script parses one shape.
    std::string message = e.what();
    const std::string word = FirstCommandWord(argc, argv);
    const bool unknown_command =
        !word.empty() && app.get_subcommands([&](CLI::App* sub) {
                           return sub->check_name(word);
                         }).empty();
    if (unknown_command) message = "unknown command '" + word + "'";
    ctx.global.json = json;
    if (json) {
      // "--carrier is required" names the field carrier.
      std::string field = unknown_command ? "command" : "";
      if (message.rfind("--", 0) == 0) field = message.substr(2, message.find_first_of(" =") - 2);
      std::replace(field.begin(), field.end(), '-', '_');
      return proprio::cli::Fail(ctx, proprio::Status::InvalidArgument(message, field));
    }
    if (unknown_command) {
      std::cerr << "proprio: error: " << message << "\n\ncommands:\n" << CommandList(app)
                << "\nRun 'proprio --help' for the options, 'proprio COMMAND --help' for a command.\n";
      return 2;
    }
    app.exit(e);
    return 2;
  }
  // Every argument is text from outside: refused unless it is UTF-8, naming
  // the option it was given to, before any command reads it.
  Status utf8 = proprio::cli::CheckParsedUtf8(app);
  if (utf8.ok()) utf8 = proprio::cli::CheckArgumentsUtf8(argc, argv);  // any other argument
  if (!utf8.ok()) return proprio::cli::Fail(ctx, utf8);
  if (ctx.action) {
    const Status carrier = DefaultCarrier(app, relaxed_carrier, ctx);
    if (!carrier.ok()) return proprio::cli::Fail(ctx, carrier);
  }
  for (const auto& step : ctx.finalize) step();
  if (!ctx.action) {
    std::cerr << app.help();
    return 2;
  }
  return ctx.action();
}
