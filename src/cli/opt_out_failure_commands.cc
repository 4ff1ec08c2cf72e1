// Opt-out mechanism failures and the written notice to the Commission of
// 47 CFR 64.2009(f), from the command line, over services/opt_out_failures.h:
//
//   proprio opt-out-failure add    --carrier C --learned-at T --mechanisms TEXT --problems TEXT
//                                  --determination anomaly|more_than_anomaly --determined-by NAME
//                                  [--reasons TEXT] [--started-at T] [contents ...]
//   proprio opt-out-failure update --carrier C --incident ID [contents ...]
//                                  [--determination D --determined-by NAME [--reasons TEXT]]
//   proprio opt-out-failure notice --carrier C --incident ID [--out DIR]
//   proprio opt-out-failure sent   --carrier C --incident ID --sent-at T --reference REF
//   proprio opt-out-failure list   --carrier C [--open]
//   proprio opt-out-failure show   --carrier C --incident ID
//
// contents: --remedy TEXT --remedy-date DATE --state-commission-notified yes|no
//           --state-commission-action TEXT (--customer-notice TEXT | --customer-notice-file F)
//           --contact TEXT
// Instants are RFC 3339; dates YYYY-MM-DD (the carrier's). `notice` prints the
// letter as text and, with --out, writes opt-out-failure-ID.pdf and .txt; it
// refuses (exit 2, naming the field) a letter missing any content
// 64.2009(f)(1) lists. Every change is a ledger entry.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command_kit.h"
#include "cli/common.h"
#include "services/opt_out_failures.h"

namespace proprio::cli {

using nlohmann::json;

namespace {

namespace fs = std::filesystem;

struct Args {
  int64_t carrier = 0;
  int64_t id = 0;
  std::string learned_at, started_at, mechanisms, problems, determination, determined_by, reasons;
  std::string remedy, remedy_date, state_notified, state_action, customer_notice,
      customer_notice_file, contact;
  std::string sent_at, reference, out;
  bool open = false;
  // The parsed commands, to ask which options were given.
  CLI::App* add_cmd = nullptr;
  CLI::App* update_cmd = nullptr;
};

// command_kit's Leaf, with the --carrier every command here takes.
CLI::App* Leaf(CLI::App* parent, Context& ctx, const std::shared_ptr<Args>& a,
               const std::string& name, const std::string& help, std::function<int()> action) {
  CLI::App* cmd = cli::Leaf(parent, ctx, name, help, std::move(action));
  cmd->add_option("--carrier", a->carrier, "carrier id")->required();
  return cmd;
}

Result<Instant> InstantArg(const std::string& text, const std::string& field) {
  auto t = Instant::Parse(text);
  if (!t.ok()) {
    return Status::InvalidArgument(
        field + ": '" + text + "' is not an RFC 3339 instant (e.g. 2026-11-25T10:00:00-05:00)",
        field);
  }
  return *t;
}

// A date that was given: empty is refused like any other non-date.
Result<CivilDate> DateArg(const std::string& text, const char* field) {
  if (text.empty()) {
    return Status::InvalidArgument(std::string(field) + ": '' is not a date YYYY-MM-DD", field);
  }
  return DateOption(text, field);
}

Result<bool> YesNo(const std::string& text, const std::string& field) {
  if (text == "yes" || text == "true") return true;
  if (text == "no" || text == "false") return false;
  return Status::InvalidArgument(field + ": '" + text + "' is not yes or no", field);
}

// The customer notice: given inline, or read from a file (the copy as sent).
Result<std::optional<std::string>> CustomerNotice(const Args& a, const CLI::App* cmd) {
  const bool inline_given = cmd->count("--customer-notice") > 0;
  if (inline_given && !a.customer_notice_file.empty()) {
    return Status::InvalidArgument("give --customer-notice or --customer-notice-file, not both",
                                   "customer_notice");
  }
  if (!a.customer_notice_file.empty()) {
    std::ifstream in(a.customer_notice_file, std::ios::binary);
    if (!in) {
      return Status::InvalidArgument("customer_notice_file: cannot read " + a.customer_notice_file,
                                     "customer_notice_file");
    }
    std::stringstream s;
    s << in.rdbuf();
    RETURN_IF_ERROR(CheckUtf8(s.str(), "customer_notice_file"));
    return std::optional<std::string>(s.str());
  }
  if (inline_given) return std::optional<std::string>(a.customer_notice);
  return std::optional<std::string>();
}

void ContentOptions(CLI::App* cmd, Args& a) {
  cmd->add_option("--remedy", a.remedy, "the remedy proposed");
  cmd->add_option("--remedy-date", a.remedy_date,
                  "when the remedy will be or was implemented YYYY-MM-DD");
  cmd->add_option("--state-commission-notified", a.state_notified,
                  "yes or no: were the relevant state commission(s) notified");
  cmd->add_option("--state-commission-action", a.state_action,
                  "whether the state commission(s) took any action (\"none\" is an answer)");
  cmd->add_option("--customer-notice", a.customer_notice,
                  "the notice provided to customers (its text)");
  cmd->add_option("--customer-notice-file", a.customer_notice_file,
                  "a file holding the notice provided to customers");
  cmd->add_option("--contact", a.contact, "contact information for the letter");
}

std::string Summary(const json& f) {
  const json& n = f["notice"];
  std::string out = "opt-out failure " + std::to_string(f["id"].get<int64_t>()) + " learned " +
                    f["learned_on"].get<std::string>() + ", " +
                    f["determination"]["degree"].get<std::string>() + " (determined by " +
                    f["determination"]["by"].get<std::string>() + "): ";
  const std::string state = n["state"];
  if (state == "not_required") {
    out += "no notice owed [" + n["basis"][0].get<std::string>() + "]\n";
  } else if (state == "met") {
    out += "notice sent " + f["fcc_notice"]["sent_at"].get<std::string>() + " ref " +
           f["fcc_notice"]["reference"].get<std::string>() +
           (n["met_late"].get<bool>() ? " (LATE)" : "") + "\n";
  } else {
    const std::string left = n["time_left"].get<std::string>();
    out += n["overdue"].get<bool>()
               ? "notice OVERDUE " + n["due_local"].get<std::string>() + " (overdue by " +
                     left.substr(1) + ")"
               : "notice due " + n["due_local"].get<std::string>() + " (" + left + " left)";
    out += " [" + n["basis"][0].get<std::string>() + "]\n";
  }
  out += "  " + n["explanation"].get<std::string>() + "\n";
  if (!f["missing"].empty() && state != "not_required") {
    std::string m;
    for (const auto& x : f["missing"]) m += (m.empty() ? "" : ", ") + x.get<std::string>();
    out += "  the letter still lacks: " + m + " (47 CFR 64.2009(f)(1))\n";
  }
  out += "  ledger entry " + std::to_string(f["ledger_seq"].get<int64_t>()) + "\n";
  return out;
}

void RegisterCommands(CLI::App& app, Context& ctx, const std::shared_ptr<Args>& a) {
  CLI::App* top = AddCommand(app, "opt-out-failure",
                             "Opt-out mechanism failures and the notice to the FCC (47 CFR "
                             "64.2009(f))");
  top->require_subcommand(1);

  CLI::App* add = Leaf(top, ctx, a, "add", "Record a failure and the person's determination", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          services::OptOutFailureInput in;
          ASSIGN_OR_RETURN(in.learned_at, InstantArg(a->learned_at, "learned_at"));
          if (!a->started_at.empty()) {
            ASSIGN_OR_RETURN(Instant t, InstantArg(a->started_at, "started_at"));
            in.started_at = t;
          }
          in.mechanisms = a->mechanisms;
          in.problems = a->problems;
          in.determination = a->determination;
          in.determined_by = a->determined_by;
          in.reasons = a->reasons;
          in.remedy = a->remedy;
          if (!a->remedy_date.empty()) {
            ASSIGN_OR_RETURN(in.remedy_date, DateArg(a->remedy_date, "remedy_date"));
          }
          if (!a->state_notified.empty()) {
            ASSIGN_OR_RETURN(bool b, YesNo(a->state_notified, "state_commission_notified"));
            in.state_commission_notified = b;
          }
          in.state_commission_action = a->state_action;
          ASSIGN_OR_RETURN(auto notice, CustomerNotice(*a, a->add_cmd));
          in.customer_notice = notice.value_or("");
          in.contact = a->contact;
          ASSIGN_OR_RETURN(auto f, services::RecordOptOutFailure(s, CarrierId(a->carrier), in,
                                                                 actor));
          return services::OptOutFailureToJson(f, actor.now);
        },
        Summary);
  });
  add->add_option("--learned-at", a->learned_at, "when the carrier learned of the failure (RFC 3339)")
      ->required();
  add->add_option("--started-at", a->started_at, "when the failure began (RFC 3339)");
  add->add_option("--mechanisms", a->mechanisms, "the opt-out mechanism(s) used")->required();
  add->add_option("--problems", a->problems, "the problem(s) experienced")->required();
  add->add_option("--determination", a->determination,
                  "anomaly or more_than_anomaly: a person's determination")
      ->required();
  add->add_option("--determined-by", a->determined_by, "who determined it")->required();
  add->add_option("--reasons", a->reasons, "why");
  ContentOptions(add, *a);
  a->add_cmd = add;

  CLI::App* update = Leaf(top, ctx, a, "update", "Change an incident's facts or the letter's contents",
                [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          services::OptOutFailureUpdate u;
          auto given = [&](const char* opt) { return a->update_cmd->count(opt) > 0; };
          if (given("--mechanisms")) u.mechanisms = a->mechanisms;
          if (given("--problems")) u.problems = a->problems;
          if (given("--remedy")) u.remedy = a->remedy;
          if (given("--remedy-date")) {
            ASSIGN_OR_RETURN(CivilDate d, DateArg(a->remedy_date, "remedy_date"));
            u.remedy_date = d;
          }
          if (given("--state-commission-notified")) {
            ASSIGN_OR_RETURN(bool b, YesNo(a->state_notified, "state_commission_notified"));
            u.state_commission_notified = b;
          }
          if (given("--state-commission-action")) u.state_commission_action = a->state_action;
          ASSIGN_OR_RETURN(auto notice, CustomerNotice(*a, a->update_cmd));
          if (notice) u.customer_notice = *notice;
          if (given("--contact")) u.contact = a->contact;
          if (given("--determination")) u.determination = a->determination;
          if (given("--determined-by")) u.determined_by = a->determined_by;
          if (given("--reasons")) u.reasons = a->reasons;
          ASSIGN_OR_RETURN(auto f, services::UpdateOptOutFailure(s, CarrierId(a->carrier), a->id,
                                                                 u, actor));
          return services::OptOutFailureToJson(f, actor.now);
        },
        Summary);
  });
  update->add_option("--incident", a->id, "incident id")->required();
  update->add_option("--mechanisms", a->mechanisms, "the opt-out mechanism(s) used");
  update->add_option("--problems", a->problems, "the problem(s) experienced");
  update->add_option("--determination", a->determination, "a new determination");
  update->add_option("--determined-by", a->determined_by, "who made the new determination");
  update->add_option("--reasons", a->reasons, "why");
  ContentOptions(update, *a);
  a->update_cmd = update;

  CLI::App* notice = Leaf(top, ctx, a, "notice",
                          "The letter to the FCC as text; --out DIR writes its PDF and text",
                          [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto facts, services::OptOutFailureNoticeFacts(
                                           s, CarrierId(a->carrier), a->id, actor.now));
          const std::string text = report::OptOutFailureNoticeText(facts);
          json out = {{"incident", a->id}, {"date", facts.date.ToString()}, {"text", text}};
          if (!a->out.empty()) {
            std::error_code ec;
            fs::create_directories(a->out, ec);
            if (ec) return Status::InvalidArgument("out: cannot create " + a->out, "out");
            const std::string base =
                (fs::path(a->out) / ("opt-out-failure-" + std::to_string(a->id))).string();
            std::ofstream pdf(base + ".pdf", std::ios::binary);
            pdf << report::OptOutFailureNoticePdf(facts);
            std::ofstream txt(base + ".txt", std::ios::binary);
            txt << text;
            if (!pdf.good() || !txt.good()) return Status::Internal("could not write " + base);
            out["files"] = {base + ".pdf", base + ".txt"};
          }
          return out;
        },
        [](const json& out) {
          std::string s = out["text"];
          if (out.contains("files")) {
            s += "\nwrote " + out["files"][0].get<std::string>() + " and " +
                 out["files"][1].get<std::string>() + "\n";
          }
          return s;
        });
  });
  notice->add_option("--incident", a->id, "incident id")->required();
  notice->add_option("--out", a->out, "folder to write opt-out-failure-ID.pdf and .txt into");

  CLI::App* sent = Leaf(top, ctx, a, "sent", "Record that the letter was sent to the FCC",
                        [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(Instant at, InstantArg(a->sent_at, "sent_at"));
          ASSIGN_OR_RETURN(auto f, services::MarkOptOutFailureNoticeSent(
                                       s, CarrierId(a->carrier), a->id, at, a->reference, actor));
          return services::OptOutFailureToJson(f, actor.now);
        },
        Summary);
  });
  sent->add_option("--incident", a->id, "incident id")->required();
  sent->add_option("--sent-at", a->sent_at, "when it was sent (RFC 3339)")->required();
  sent->add_option("--reference", a->reference, "confirmation or tracking number")->required();

  CLI::App* list = Leaf(top, ctx, a, "list", "The carrier's incidents (--open: notices owed)",
                        [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto all, services::ListOptOutFailures(s, CarrierId(a->carrier), a->open));
          json items = json::array();
          for (const auto& f : all) items.push_back(services::OptOutFailureToJson(f, actor.now));
          return json{{"incidents", items}};
        },
        [](const json& out) {
          if (out["incidents"].empty()) return std::string("no opt-out failure incidents\n");
          std::string s;
          for (const auto& f : out["incidents"]) s += Summary(f);
          return s;
        });
  });
  list->add_flag("--open", a->open, "only incidents whose notice is owed and not sent");

  CLI::App* show = Leaf(top, ctx, a, "show", "One incident", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto f, services::GetOptOutFailure(s, CarrierId(a->carrier), a->id));
          return services::OptOutFailureToJson(f, actor.now);
        },
        Summary);
  });
  show->add_option("--incident", a->id, "incident id")->required();
}

}  // namespace

void RegisterOptOutFailure(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<Args>();
  RegisterCommands(app, ctx, a);
}

}  // namespace proprio::cli
