// Sales and marketing campaigns that use CPNI (47 CFR 64.2009(c)) and their
// supervisory review (64.2009(d)), from the command line, over
// services/campaigns.h:
//
//   proprio campaign add --carrier C --name N --description D --cpni CAT[,CAT]
//                        --offering O [--service-category S] --products TEXT
//                        --channel mail|telephone|sms|email --starts DATE --ends DATE
//                        --owner STAFF
//   proprio campaign submit|approve|reject|revise|start|complete --carrier C
//                        --campaign ID --staff S [--note TEXT]
//   proprio campaign show     --carrier C --campaign ID
//   proprio campaign list     --carrier C [--state S]
//   proprio campaign audience --carrier C --campaign ID [--at INSTANT] [--out FILE.csv]
//   proprio campaign result   --carrier C --campaign ID --summary TEXT
//                             [--contacted N] [--accepted N]
//
// `audience` without --out counts the customers the campaign may reach and
// those excluded, by reason; with --out it also writes them as CSV and records
// the export (one ledger entry with the file's SHA-256).
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command_kit.h"
#include "cli/common.h"
#include "services/campaigns.h"

namespace proprio::cli {

using nlohmann::json;

namespace {

struct CampaignArgs {
  int64_t carrier = 0;
  int64_t campaign = 0;
  int64_t staff = 0;
  int64_t owner = 0;
  int64_t contacted = -1;
  int64_t accepted = -1;
  std::string name, description, cpni, offering, service_category = "local", products, channel;
  std::string starts, ends, note, state, at, out, summary;
};

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string CampaignLine(const json& c) {
  return "campaign " + std::to_string(c["id"].get<int64_t>()) + " '" +
         c["name"].get<std::string>() + "': " + c["state"].get<std::string>() + " (ledger entry " +
         std::to_string(c["ledger_seq"].get<int64_t>()) + ")\n";
}

std::string CampaignText(const json& j) {
  const json& c = j["campaign"];
  std::string cpni;
  for (const auto& x : c["cpni"]) cpni += (cpni.empty() ? "" : ", ") + x.get<std::string>();
  std::ostringstream out;
  out << "campaign " << c["id"].get<int64_t>() << ": " << c["name"].get<std::string>() << "\n"
      << "  state:       " << c["state"].get<std::string>() << "\n"
      << "  description: " << c["description"].get<std::string>() << "\n"
      << "  CPNI used:   " << cpni << " (from " << c["service_category"].get<std::string>()
      << " service)\n"
      << "  offering:    " << c["offering"].get<std::string>() << ": "
      << c["products"].get<std::string>() << "\n"
      << "  channel:     " << c["channel"].get<std::string>() << ", " << c["starts_on"].get<std::string>()
      << " to " << c["ends_on"].get<std::string>() << "\n"
      << "  owner:       staff " << c["owner"].get<int64_t>() << "\n"
      << "  reviewed by: " << Dash(c["reviewer"])
      << (c["review_note"].get<std::string>().empty() ? "" : " (" + c["review_note"].get<std::string>() + ")")
      << "\n";
  if (j.contains("records") && !j["records"].empty()) {
    out << "records:\n";
    for (const auto& r : j["records"]) {
      out << "  " << r["kind"].get<std::string>() << " " << r["id"].get<int64_t>() << " at "
          << r["recorded_at"].get<std::string>() << " by " << r["recorded_by"].get<std::string>()
          << ": " << r["details"].dump() << "\n";
    }
  }
  return out.str();
}

std::string AudienceText(const json& a) {
  std::ostringstream out;
  out << "campaign " << a["campaign"].get<int64_t>() << " at " << a["at"].get<std::string>() << " ("
      << a["rule_set"].get<std::string>() << ", policy version " << a["policy_version"].get<int64_t>()
      << "): " << a["reached"].get<int64_t>() << " of " << a["customers"].get<int64_t>()
      << " customers may be reached, " << a["excluded"].get<int64_t>() << " excluded\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : a["reasons"]) {
    rows.push_back({std::to_string(r["customers"].get<int64_t>()),
                    r["allowed"].get<bool>() ? "reached" : "excluded", r["reason"].get<std::string>(),
                    r["basis"].get<std::string>()});
  }
  if (!rows.empty()) out << Table({"CUSTOMERS", "OUTCOME", "REASON", "BASIS"}, rows);
  if (a.contains("file")) {
    out << "wrote " << a["file"].get<std::string>() << " (sha256 " << a["sha256"].get<std::string>()
        << "); export recorded as record " << a["record"].get<int64_t>() << "\n";
  }
  return out.str();
}

void Common(CLI::App* cmd, CampaignArgs& a, bool campaign) {
  cmd->add_option("--carrier", a.carrier, "carrier id")->required();
  if (campaign) cmd->add_option("--campaign", a.campaign, "campaign id")->required();
}

int Step(Context& ctx, const CampaignArgs& a, rules::CampaignStep step) {
  return Run(
      ctx,
      [&](store::Store& s, const services::Actor& actor) -> Result<json> {
        ASSIGN_OR_RETURN(auto row, services::StepCampaign(s, CarrierId(a.carrier), a.campaign, step,
                                                          StaffId(a.staff), a.note, actor));
        return services::CampaignToJson(row);
      },
      CampaignLine);
}

}  // namespace

void RegisterCampaign(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<CampaignArgs>();
  CLI::App* group = AddCommand(app, "campaign",
                               "Marketing campaigns that use CPNI and their supervisory review "
                               "(47 CFR 64.2009(c), (d))");

  CLI::App* add = Leaf(group, ctx, "add", "Record a proposed campaign (a draft)", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor& actor) -> Result<json> {
          services::CampaignInput in;
          in.name = a->name;
          in.description = a->description;
          in.cpni = SplitList(a->cpni);
          in.offering = a->offering;
          in.service_category = a->service_category;
          in.products = a->products;
          in.channel = a->channel;
          ASSIGN_OR_RETURN(in.starts_on, DateOption(a->starts, "starts_on"));
          ASSIGN_OR_RETURN(in.ends_on, DateOption(a->ends, "ends_on"));
          in.owner = StaffId(a->owner);
          ASSIGN_OR_RETURN(auto row, services::AddCampaign(s, CarrierId(a->carrier), in, actor));
          return services::CampaignToJson(row);
        },
        CampaignLine);
  });
  Common(add, *a, false);
  add->add_option("--name", a->name, "a short name")->required();
  add->add_option("--description", a->description, "what the campaign does")->required();
  add->add_option("--cpni", a->cpni, "the CPNI categories it uses, comma-separated")->required();
  add->add_option("--offering", a->offering, "what it markets (decision vocabulary)")->required();
  add->add_option("--service-category", a->service_category,
                  "the service the CPNI comes from (default local)");
  add->add_option("--products", a->products, "the products and services offered, in words")
      ->required();
  add->add_option("--channel", a->channel, "mail, telephone, sms or email")->required();
  add->add_option("--starts", a->starts, "first day (YYYY-MM-DD)")->required();
  add->add_option("--ends", a->ends, "last day (YYYY-MM-DD)")->required();
  add->add_option("--owner", a->owner, "the staff member proposing it")->required();

  const std::pair<const char*, rules::CampaignStep> steps[] = {
      {"submit", rules::CampaignStep::kSubmit},   {"approve", rules::CampaignStep::kApprove},
      {"reject", rules::CampaignStep::kReject},   {"revise", rules::CampaignStep::kRevise},
      {"start", rules::CampaignStep::kStart},     {"complete", rules::CampaignStep::kComplete}};
  for (const auto& [name, step] : steps) {
    const rules::CampaignStep s = step;
    const std::string help = std::string(name) == "approve"
                                 ? "Approve a submitted campaign (a supervisor, not its author)"
                                 : std::string(name) == "reject"
                                       ? "Reject a submitted campaign, saying why"
                                       : std::string("Move the campaign: ") + name;
    CLI::App* cmd = Leaf(group, ctx, name, help, [&ctx, a, s] { return Step(ctx, *a, s); });
    Common(cmd, *a, true);
    cmd->add_option("--staff", a->staff, "the staff member taking the step")->required();
    cmd->add_option("--note", a->note, "why (required to reject)");
  }

  CLI::App* show = Leaf(group, ctx, "show", "A campaign and its records", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor&) -> Result<json> {
          ASSIGN_OR_RETURN(auto row, services::GetCampaign(s, CarrierId(a->carrier), a->campaign));
          ASSIGN_OR_RETURN(auto records,
                           services::ListCampaignRecords(s, CarrierId(a->carrier), a->campaign));
          json items = json::array();
          for (const auto& r : records) items.push_back(services::CampaignRecordToJson(r));
          return json{{"campaign", services::CampaignToJson(row)}, {"records", items}};
        },
        CampaignText);
  });
  Common(show, *a, true);

  CLI::App* list = Leaf(group, ctx, "list", "Campaigns, newest first", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor&) -> Result<json> {
          json items = json::array();
          for (int64_t before = 0;;) {
            ASSIGN_OR_RETURN(auto page, services::ListCampaigns(s, CarrierId(a->carrier), a->state,
                                                                before, 1000));
            for (const auto& c : page.items) items.push_back(services::CampaignToJson(c));
            if (!page.next) break;
            before = *page.next;
          }
          return json{{"campaigns", items}};
        },
        [](const json& j) -> std::string {
          if (j["campaigns"].empty()) return "no campaigns\n";
          std::vector<std::vector<std::string>> rows;
          for (const auto& c : j["campaigns"]) {
            rows.push_back({std::to_string(c["id"].get<int64_t>()), c["state"].get<std::string>(),
                            c["starts_on"].get<std::string>(), c["ends_on"].get<std::string>(),
                            c["channel"].get<std::string>(), c["name"].get<std::string>()});
          }
          return Table({"ID", "STATE", "STARTS", "ENDS", "CHANNEL", "NAME"}, rows);
        });
  });
  Common(list, *a, false);
  list->add_option("--state", a->state, "only campaigns in this state");

  CLI::App* audience = Leaf(
      group, ctx, "audience",
      "The customers an approved campaign may reach, and those excluded by reason", [&ctx, a] {
        return Run(
            ctx,
            [&](store::Store& s, const services::Actor& actor) -> Result<json> {
              const CarrierId carrier(a->carrier);
              ASSIGN_OR_RETURN(auto campaign, services::GetCampaign(s, carrier, a->campaign));
              Instant at;
              if (a->at.empty()) {
                ASSIGN_OR_RETURN(at, services::DefaultAudienceInstant(s, campaign, actor.now));
              } else {
                auto parsed = Instant::Parse(a->at);
                if (!parsed.ok()) {
                  return Status::InvalidArgument("at: '" + a->at + "' is not an RFC 3339 instant",
                                                 "at");
                }
                at = *parsed;
              }
              services::DecisionService decisions(s, {});
              if (a->out.empty()) {
                ASSIGN_OR_RETURN(auto aud, services::ComputeAudience(decisions, carrier, campaign,
                                                                     at, {}));
                return services::AudienceToJson(aud);
              }
              // The file opens before the export is recorded: a path that
              // cannot be written records no access.
              std::ofstream file(a->out, std::ios::binary | std::ios::trunc);
              if (!file) return Status::InvalidArgument("cannot write " + a->out, "out");
              ASSIGN_OR_RETURN(auto exported,
                               services::ExportAudience(decisions, carrier, a->campaign, at, actor));
              file << exported.csv;
              file.close();
              if (!file) return Status::InvalidArgument("cannot write " + a->out, "out");
              json j = services::AudienceToJson(exported.audience);
              j["file"] = a->out;
              j["sha256"] = exported.sha256;
              j["record"] = exported.record.id;
              return j;
            },
            AudienceText);
      });
  Common(audience, *a, true);
  audience->add_option("--at", a->at,
                       "the instant to decide for (default: the campaign's first day, or now)");
  audience->add_option("--out", a->out, "write the audience as CSV and record the export");

  CLI::App* result = Leaf(group, ctx, "result", "Attach a sales and marketing result", [&ctx, a] {
    return Run(
        ctx,
        [&](store::Store& s, const services::Actor& actor) -> Result<json> {
          json r = {{"summary", a->summary}};
          if (a->contacted >= 0) r["contacted"] = a->contacted;
          if (a->accepted >= 0) r["accepted"] = a->accepted;
          ASSIGN_OR_RETURN(auto rec, services::AttachCampaignResult(s, CarrierId(a->carrier),
                                                                    a->campaign, r, actor));
          return services::CampaignRecordToJson(rec);
        },
        [](const json& r) {
          return "result " + std::to_string(r["id"].get<int64_t>()) + " attached to campaign " +
                 std::to_string(r["campaign"].get<int64_t>()) + " (ledger entry " +
                 std::to_string(r["ledger_seq"].get<int64_t>()) + ")\n";
        });
  });
  Common(result, *a, true);
  result->add_option("--summary", a->summary, "what the campaign achieved")->required();
  result->add_option("--contacted", a->contacted, "customers contacted");
  result->add_option("--accepted", a->accepted, "customers who took the offer");
}

}  // namespace proprio::cli
