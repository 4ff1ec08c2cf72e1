// SIM change and port-out requests and the customer's lock against them
// (47 CFR 64.2010(h), 52.37; FCC 23-95), from the command line, over
// services/sim_requests.h:
//
//   proprio sim request --carrier C --customer N --kind sim_change|port_out --session S
//                       [--staff ID] [--sim-change-compliance YYYY-MM-DD]
//   proprio sim lock    --carrier C --customer N --session S [--staff ID]
//   proprio sim unlock  --carrier C --customer N --session S [--staff ID]
//   proprio sim list    --carrier C --customer N [--limit N] [--cursor ID]
//   proprio sim status  --carrier C --customer N
//
// The session is a verification session of `proprio auth call|store open`
// that authenticated the customer. --sim-change-compliance is the date the
// duties are in force (the installation's configuration, as `proprio serve
// --sim-change-compliance`); without it the request is decided under the
// carrier's policy and the answer says the paragraphs are not yet in force.
// Exit codes: 0 allowed (or done); 3 refused (the request is still recorded
// and notified); 7 a lock change without secure authentication; otherwise as
// README's table.
#include <iostream>
#include <sstream>

#include "cli/command_kit.h"
#include "cli/common.h"
#include "services/sim_requests.h"

namespace proprio::cli {

using nlohmann::json;

namespace {

struct SimArgs {
  int64_t carrier = 0;
  int64_t customer = 0;
  int64_t session = 0;
  int64_t staff = 0;
  int64_t limit = 100;
  int64_t cursor = 0;
  std::string kind;
  std::string compliance;
};

Result<rules::RuleConfig> ConfigOf(const SimArgs& a) {
  rules::RuleConfig config;
  ASSIGN_OR_RETURN(CivilDate d, DateOption(a.compliance, "sim_change_compliance"));
  if (d.Valid()) config.sim_change_compliance = d;
  RETURN_IF_ERROR(rules::ValidateRuleConfig(config));
  return config;
}

services::Actor ActorOf(const services::Actor& base, const SimArgs& a) {
  services::Actor actor = base;
  if (a.staff > 0) actor.id = "staff:" + std::to_string(a.staff);
  return actor;
}

std::string Join(const json& arr, const char* sep) {
  std::string out;
  for (const auto& x : arr) out += (out.empty() ? "" : sep) + x.get<std::string>();
  return out;
}

std::string RequestText(const json& r) {
  std::ostringstream out;
  out << r["kind"].get<std::string>() << " request " << r["id"].get<int64_t>() << ": "
      << (r["allowed"].get<bool>() ? "ALLOWED" : "REFUSED") << " (" << r["outcome"].get<std::string>()
      << ")\n"
      << "  reason:        " << r["reason"].get<std::string>() << "\n"
      << "  basis:         " << Join(r["basis"], ", ") << "\n"
      << "  methods:       " << (r["methods"].empty() ? "-" : Join(r["methods"], ", ")) << "\n";
  if (r.contains("requires") && !r["requires"].empty()) {
    out << "  requires:      " << Join(r["requires"], "; ") << "\n";
  }
  if (r.contains("refused_until") && !r["refused_until"].is_null()) {
    out << "  refused until: " << r["refused_until"].get<std::string>() << "\n";
  }
  std::string notices;
  for (const auto& n : r["notifications"]) notices += (notices.empty() ? "" : ", ") + std::to_string(n.get<int64_t>());
  out << "  notified:      " << (notices.empty() ? "-" : "notifications " + notices) << "\n"
      << "  in force:      " << (r["in_force"].get<bool>() ? "yes" : "not yet (no compliance date)")
      << "\n"
      << "  kept until:    " << r["retain_until"].get<std::string>() << " (ledger entry "
      << r["ledger_seq"].get<int64_t>() << ")\n";
  return out.str();
}

std::string LockText(const json& l) {
  std::ostringstream out;
  out << "customer " << l["customer"].get<int64_t>() << ": SIM change and port-out lock "
      << (l["locked"].get<bool>() ? "ON" : "OFF") << " (no cost)";
  if (!l["changed_at"].is_null()) {
    out << ", last changed " << l["changed_at"].get<std::string>() << " by "
        << l["changed_by"].get<std::string>() << " in session " << l["session"].get<int64_t>()
        << " (ledger entry " << l["ledger_seq"].get<int64_t>() << ")";
  }
  out << "\n";
  return out.str();
}

std::string ListText(const json& page) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : page["sim_requests"]) {
    rows.push_back({std::to_string(r["id"].get<int64_t>()), r["requested_at"].get<std::string>(),
                    r["kind"].get<std::string>(), r["channel"].get<std::string>(),
                    r["methods"].empty() ? "-" : Join(r["methods"], ","),
                    r["outcome"].get<std::string>(), r["actor"].get<std::string>()});
  }
  std::string out = rows.empty() ? "no SIM change or port-out requests\n"
                                 : Table({"ID", "AT", "KIND", "CHANNEL", "METHODS", "OUTCOME",
                                          "BY"},
                                         rows);
  if (!page["next_cursor"].is_null()) {
    out += "more: --cursor " + page["next_cursor"].get<std::string>() + "\n";
  }
  return out;
}

void Common(CLI::App* cmd, SimArgs& a) {
  cmd->add_option("--carrier", a.carrier, "carrier id")->required();
  cmd->add_option("--customer", a.customer, "customer id")->required();
}

void Acting(CLI::App* cmd, SimArgs& a) {
  cmd->add_option("--session", a.session,
                  "the verification session that authenticated the customer")
      ->required();
  cmd->add_option("--staff", a.staff, "the staff member acting (recorded in the ledger)");
  cmd->add_option("--sim-change-compliance", a.compliance,
                  "the date 47 CFR 64.2010(h) and 52.37 are in force (YYYY-MM-DD; default: not "
                  "yet)");
}

int Lock(Context& ctx, const SimArgs& a, bool on) {
  return Run(
      ctx,
      [&](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(rules::RuleConfig config, ConfigOf(a));
        ASSIGN_OR_RETURN(auto view, services::SetSimLock(s, CarrierId(a.carrier),
                                                         CustomerId(a.customer), a.session, on,
                                                         config, ActorOf(actor, a)));
        return services::SimLockJson(view);
      },
      LockText);
}

}  // namespace

void RegisterSim(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<SimArgs>();
  CLI::App* group = AddCommand(app, "sim",
                               "SIM change and port-out requests and the customer's lock "
                               "(47 CFR 64.2010(h), 52.37)");

  CLI::App* request = Leaf(
      group, ctx, "request",
      "Decide, record and notify a SIM change or port-out request made in a verification session",
      [&ctx, a] {
        return Run(
            ctx,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              ASSIGN_OR_RETURN(rules::RuleConfig config, ConfigOf(*a));
              services::SimRequestInput in;
              in.customer = CustomerId(a->customer);
              ASSIGN_OR_RETURN(in.kind, rules::ParseSimRequestKind(a->kind));
              in.session = a->session;
              ASSIGN_OR_RETURN(auto result, services::RequestSimChange(s, CarrierId(a->carrier), in,
                                                                       config, ActorOf(actor, *a)));
              json j = services::SimRequestJson(result.row);
              j["requires"] = result.decision.requirements;
              j["refused_until"] = result.refused_until ? json(result.refused_until->ToRfc3339())
                                                        : json(nullptr);
              if (!result.decision.allowed) j["exit"] = 3;
              return j;
            },
            RequestText);
      });
  Common(request, *a);
  request->add_option("--kind", a->kind, "sim_change or port_out")->required();
  Acting(request, *a);

  CLI::App* lock = Leaf(group, ctx, "lock",
                        "Turn the customer's lock against SIM changes and port-outs on (no cost)",
                        [&ctx, a] { return Lock(ctx, *a, true); });
  Common(lock, *a);
  Acting(lock, *a);
  CLI::App* unlock = Leaf(group, ctx, "unlock", "Turn the customer's lock off",
                          [&ctx, a] { return Lock(ctx, *a, false); });
  Common(unlock, *a);
  Acting(unlock, *a);

  CLI::App* list = Leaf(group, ctx, "list", "The customer's requests, newest first", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor&) -> Result<json> {
          ASSIGN_OR_RETURN(auto page, services::ListSimRequests(s, CarrierId(a->carrier),
                                                                CustomerId(a->customer), a->cursor,
                                                                static_cast<int>(a->limit)));
          json items = json::array();
          for (const auto& r : page.items) items.push_back(services::SimRequestJson(r));
          return json{{"sim_requests", items},
                      {"next_cursor", page.next ? json(std::to_string(*page.next)) : json(nullptr)}};
        },
        ListText);
  });
  Common(list, *a);
  list->add_option("--limit", a->limit, "at most this many (1-1000)");
  list->add_option("--cursor", a->cursor, "the next_cursor of the previous page");

  CLI::App* status = Leaf(group, ctx, "status", "Whether the customer's lock is on", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor&) -> Result<json> {
          ASSIGN_OR_RETURN(auto view,
                           services::GetSimLock(s, CarrierId(a->carrier), CustomerId(a->customer)));
          return services::SimLockJson(view);
        },
        LockText);
  });
  Common(status, *a);
}

}  // namespace proprio::cli
