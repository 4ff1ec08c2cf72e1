// The annual CPNI certification (47 CFR 64.2009(e)) and the records it rests
// on, from the command line, over services/certification.h:
//
//   proprio training course add  --carrier C --title T --version V [--policy-version N]
//                                [--topic cpni|sim_change ...]
//   proprio training course list --carrier C
//   proprio training record --carrier C --staff S --course K [--on DATE] [--manual-acknowledged]
//   proprio training list   --carrier C [--year Y]
//   proprio training due    --carrier C [--all]        (exit 6 when someone is overdue)
//   proprio discipline record --carrier C --staff S --violation TEXT --action TEXT [--on DATE]
//   proprio discipline list   --carrier C [--year Y]
//   proprio complaint add     --carrier C --channel CH --category CAT --summary TEXT
//                             [--received DATE] [--customer N] [--outcome TEXT]
//   proprio complaint resolve --carrier C --complaint ID --outcome TEXT
//   proprio complaint list    --carrier C [--year Y]
//   proprio broker-action add    --carrier C --forum F --broker NAME [--filed DATE]
//                                [--docket D] [--status S] [--description TEXT]
//   proprio broker-action update --carrier C --action ID --status S
//   proprio broker-action list   --carrier C [--year Y]
//   proprio pretexter review --carrier C --year Y --summary TEXT [--steps TEXT]
//   proprio pretexter list   --carrier C [--year Y]
//   proprio certification prepare --carrier C --year Y [--sim-change-compliance DATE]
//                                 (exit 6 when not ready)
//   proprio certification build   (--carrier C | --all) --year Y [--officer NAME] [--out DIR]
//                                 [--breach-2024-effective DATE] [--sim-change-compliance DATE]
//                                 [--breach-2024-effective DATE]
//   proprio certification sign    --carrier C --certification ID --officer NAME
//                                 --reviewed-evidence
//   proprio certification show    --carrier C --certification ID [--out DIR]
//   proprio certification list    --carrier C [--year Y]
//
// Dates are the carrier's local dates (YYYY-MM-DD), today when not given.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/command_kit.h"
#include "cli/common.h"
#include "services/certification.h"

namespace proprio::cli {

using nlohmann::json;

namespace {

namespace fs = std::filesystem;

struct Args {
  int64_t carrier = 0;
  int64_t staff = 0;
  int64_t course = 0;
  int64_t customer = 0;
  int64_t id = 0;
  int year = 0;
  int64_t policy_version = -1;
  bool all = false;
  bool manual_acknowledged = false;
  bool reviewed_evidence = false;
  std::string title, version, on, violation, action, channel, category, summary, outcome;
  std::string forum, broker, docket, status = "pending", description, steps, officer, out;
  std::string breach_2024;
  std::string sim_compliance;
  std::vector<std::string> topics;
};

void CarrierOption(CLI::App* cmd, Args& a) {
  cmd->add_option("--carrier", a.carrier, "carrier id")->required();
}
void YearOption(CLI::App* cmd, Args& a, bool required) {
  auto* o = cmd->add_option("--year", a.year, "calendar year (YYYY)");
  if (required) o->required();
}

// Every record of a kind (the CLI pages through them).
Result<json> AllRecords(store::Store& s, CarrierId carrier, const char* kind, int year) {
  json items = json::array();
  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_RETURN(auto page, services::ListComplianceRecords(s, carrier, kind, year, after, 1000));
    for (const auto& r : page.items) items.push_back(services::ComplianceRecordToJson(r));
    if (!page.next) break;
    after = *page.next;
  }
  return json{{"records", items}};
}

std::string RecordLine(const json& r) {
  std::string line = r["kind"].get<std::string>() + " " + std::to_string(r["id"].get<int64_t>()) +
                     " on " + r["occurred_on"].get<std::string>();
  if (!r["category"].get<std::string>().empty()) line += ", " + r["category"].get<std::string>();
  line += ", " + r["status"].get<std::string>() + " (ledger entry " +
          std::to_string(r["ledger_seq"].get<int64_t>()) + ")\n";
  return line;
}

std::string RecordsText(const json& out, const std::vector<std::string>& header,
                        const std::function<std::vector<std::string>(const json&)>& row) {
  if (out["records"].empty()) return "no records\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : out["records"]) rows.push_back(row(r));
  return Table(header, rows);
}

std::string ReadinessText(const json& r) {
  std::string out = "Certification for " + std::to_string(r["year"].get<int>()) + " of " +
                    r["carrier_name"].get<std::string>() + ": due " +
                    r["due_on"].get<std::string>() + " (47 CFR 64.2009(e); 47 CFR 1.4(j))\n";
  if (r["ready"].get<bool>()) out += "READY to build and sign\n";
  if (!r["gaps"].empty()) {
    out += r["ready"].get<bool>() ? "Note:\n" : "NOT READY:\n";
    for (const auto& g : r["gaps"]) {
      out += "  - " + g["message"].get<std::string>() + " [" + g["citation"].get<std::string>() +
             "]\n";
    }
  }
  return out;
}

std::string CertificationText(const json& c) {
  return "certification " + std::to_string(c["id"].get<int64_t>()) + " for " +
         std::to_string(c["year"].get<int64_t>()) + ": " + c["state"].get<std::string>() +
         (c["ready"].get<bool>() ? "" : " (DRAFT: not ready to file)") + ", officer " +
         c["officer"]["name"].get<std::string>() + " (" + c["officer"]["title"].get<std::string>() +
         "), due " + c["due_on"].get<std::string>() + ", PDF sha256 " +
         c["pdf_sha256"].get<std::string>() + ", ledger " +
         std::to_string(c["ledger"]["size"].get<int64_t>()) + " entries\n" +
         (c.contains("files") ? "wrote " + c["files"][0].get<std::string>() + " and " +
                                    c["files"][1].get<std::string>() + "\n"
                              : "");
}

// Writes the filing's PDF and JSON into `dir` (created when missing).
Result<json> WriteFiling(const store::CertificationRow& c, const Carrier& carrier,
                         const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::InvalidArgument("out: cannot create " + dir + ": " + ec.message(), "out");
  const std::string base = (fs::path(dir) / ("cpni-certification-" + carrier.filer_id_499 + "-" +
                                             std::to_string(c.year)))
                               .string();
  std::ofstream pdf(base + ".pdf", std::ios::binary);
  pdf << c.pdf;
  std::ofstream js(base + ".json", std::ios::binary);
  js << SafeDump(json::parse(c.document), 2) << "\n";
  if (!pdf.good() || !js.good()) return Status::Internal("could not write " + base + ".pdf/.json");
  return json::array({base + ".pdf", base + ".json"});
}

Result<Carrier> CarrierOf(store::Store& s, CarrierId id) {
  Carrier c;
  RETURN_IF_ERROR(s.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, tx.GetCarrier(id));
    return Status::Ok();
  }));
  return c;
}

// "a, b" from a JSON array of strings.
std::string Joined(const json& items) {
  std::string out;
  for (const auto& t : items) out += (out.empty() ? "" : ", ") + t.get<std::string>();
  return out;
}

void RegisterTraining(CLI::App& app, Context& ctx, const std::shared_ptr<Args>& a) {
  CLI::App* training = AddCommand(app, "training", "CPNI training of staff (47 CFR 64.2009(b))");
  training->require_subcommand(1);
  CLI::App* course = AddCommand(*training, "course", "Training courses");
  course->require_subcommand(1);
  CLI::App* add = Leaf(course, ctx, "add", "Add a course (title and version)", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto c, services::AddTrainingCourse(
                                       s, CarrierId(a->carrier),
                                       {a->title, a->version, a->policy_version, a->topics},
                                       actor));
          return services::TrainingCourseToJson(c);
        },
        [](const json& c) {
          return "course " + std::to_string(c["id"].get<int64_t>()) + ": " +
                 c["title"].get<std::string>() + " version " + c["version"].get<std::string>() +
                 " (policy version " + std::to_string(c["policy_version"].get<int64_t>()) +
                 "; topics " + Joined(c["topics"]) + ")\n";
        });
  });
  CarrierOption(add, *a);
  add->add_option("--title", a->title, "course title")->required();
  add->add_option("--version", a->version, "course version")->required();
  add->add_option("--policy-version", a->policy_version,
                  "the policy version the course teaches (default: the one in force)");
  add->add_option("--topic", a->topics,
                  "what it covers, repeatable: cpni (64.2009(b), the default), sim_change (SIM "
                  "swap and port-out fraud, 64.2010(h)(7))");
  CLI::App* list = Leaf(course, ctx, "list", "The carrier's courses", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor&) -> Result<json> {
          ASSIGN_OR_RETURN(auto courses, services::ListTrainingCourses(s, CarrierId(a->carrier)));
          json items = json::array();
          for (const auto& c : courses) items.push_back(services::TrainingCourseToJson(c));
          return json{{"courses", items}};
        },
        [](const json& out) {
          if (out["courses"].empty()) return std::string("no courses\n");
          std::vector<std::vector<std::string>> rows;
          for (const auto& c : out["courses"]) {
            rows.push_back({std::to_string(c["id"].get<int64_t>()), c["title"], c["version"],
                            std::to_string(c["policy_version"].get<int64_t>()),
                            Joined(c["topics"])});
          }
          return Table({"ID", "TITLE", "VERSION", "POLICY", "TOPICS"}, rows);
        });
  });
  CarrierOption(list, *a);

  CLI::App* record = Leaf(training, ctx, "record", "Record that a staff member completed a course",
                          [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(CivilDate on, DateOption(a->on, "on"));
          ASSIGN_OR_RETURN(auto r, services::RecordTrainingCompletion(
                                       s, CarrierId(a->carrier),
                                       {StaffId(a->staff), a->course, on, a->manual_acknowledged},
                                       actor));
          return services::ComplianceRecordToJson(r);
        },
        RecordLine);
  });
  CarrierOption(record, *a);
  record->add_option("--staff", a->staff, "staff member id")->required();
  record->add_option("--course", a->course, "course id")->required();
  record->add_option("--on", a->on, "completion date YYYY-MM-DD (default today)");
  record->add_flag("--manual-acknowledged", a->manual_acknowledged,
                   "the staff member acknowledged the carrier's CPNI manual");

  CLI::App* tlist = Leaf(training, ctx, "list", "Training completions", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor&) -> Result<json> {
          return AllRecords(s, CarrierId(a->carrier), services::kTrainingCompletion, a->year);
        },
        [](const json& out) {
          return RecordsText(out, {"ID", "DATE", "STAFF", "COURSE", "MANUAL"}, [](const json& r) {
            return std::vector<std::string>{
                std::to_string(r["id"].get<int64_t>()), r["occurred_on"], Dash(r["staff"]),
                Dash(r["details"]["course"]) + " " + Dash(r["details"]["course_version"]),
                r["details"].value("manual_acknowledged", false) ? "yes" : "no"};
          });
        });
  });
  CarrierOption(tlist, *a);
  YearOption(tlist, *a, false);

  CLI::App* due = Leaf(training, ctx, "due",
                       "Staff overdue for CPNI training (--all: everyone with a due date)",
                       [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto staff_due,
                           services::ListTrainingDue(s, CarrierId(a->carrier), actor.now));
          json items = json::array();
          int overdue = 0;
          for (const auto& d : staff_due) {
            overdue += d.overdue ? 1 : 0;
            if (a->all || d.overdue) items.push_back(services::TrainingDueToJson(d));
          }
          return json{{"due", items}, {"overdue", overdue}, {"exit", overdue > 0 ? 6 : 0}};
        },
        [](const json& out) {
          if (out["due"].empty()) return std::string("nobody is overdue for CPNI training\n");
          std::vector<std::vector<std::string>> rows;
          for (const auto& d : out["due"]) {
            rows.push_back({std::to_string(d["staff"].get<int64_t>()), d["name"], d["due_on"],
                            Dash(d["last_completed"]), d["overdue"].get<bool>() ? "OVERDUE" : "due"});
          }
          return Table({"STAFF", "NAME", "DUE", "LAST", "STATE"}, rows) +
                 std::to_string(out["overdue"].get<int>()) + " overdue (47 CFR 64.2009(b))\n";
        });
  });
  CarrierOption(due, *a);
  due->add_flag("--all", a->all, "list everyone with a due date, not only the overdue");
}

void RegisterDiscipline(CLI::App& app, Context& ctx, const std::shared_ptr<Args>& a) {
  CLI::App* discipline =
      AddCommand(app, "discipline", "Disciplinary actions for CPNI violations (47 CFR 64.2009(b))");
  discipline->require_subcommand(1);
  CLI::App* record = Leaf(discipline, ctx, "record", "Record an action taken against a staff member",
                          [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(CivilDate on, DateOption(a->on, "on"));
          ASSIGN_OR_RETURN(auto r, services::RecordDisciplinaryAction(
                                       s, CarrierId(a->carrier),
                                       {StaffId(a->staff), on, a->violation, a->action}, actor));
          return services::ComplianceRecordToJson(r);
        },
        RecordLine);
  });
  CarrierOption(record, *a);
  record->add_option("--staff", a->staff, "staff member id")->required();
  record->add_option("--violation", a->violation, "what the staff member did")->required();
  record->add_option("--action", a->action, "the action taken (e.g. written warning)")->required();
  record->add_option("--on", a->on, "date of the action YYYY-MM-DD (default today)");
  CLI::App* list = Leaf(discipline, ctx, "list", "Disciplinary actions", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor&) -> Result<json> {
          return AllRecords(s, CarrierId(a->carrier), services::kDisciplinaryAction, a->year);
        },
        [](const json& out) {
          return RecordsText(out, {"ID", "DATE", "STAFF", "ACTION"}, [](const json& r) {
            return std::vector<std::string>{std::to_string(r["id"].get<int64_t>()),
                                            r["occurred_on"], Dash(r["staff"]), r["category"]};
          });
        });
  });
  CarrierOption(list, *a);
  YearOption(list, *a, false);
}

void RegisterComplaint(CLI::App& app, Context& ctx, const std::shared_ptr<Args>& a) {
  CLI::App* complaint = AddCommand(
      app, "complaint", "Customer complaints about unauthorized release of CPNI (47 CFR 64.2009(e))");
  complaint->require_subcommand(1);
  CLI::App* add = Leaf(complaint, ctx, "add", "Record a complaint", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(CivilDate on, DateOption(a->on, "received"));
          services::ComplaintInput in{on, a->channel, a->category, std::nullopt, a->summary,
                                      a->outcome};
          if (a->customer > 0) in.customer = CustomerId(a->customer);
          ASSIGN_OR_RETURN(auto r, services::RecordComplaint(s, CarrierId(a->carrier), in, actor));
          return services::ComplianceRecordToJson(r);
        },
        RecordLine);
  });
  CarrierOption(add, *a);
  add->add_option("--received", a->on, "date received YYYY-MM-DD (default today)");
  add->add_option("--channel", a->channel, "telephone, mail, email, web, store, regulator, ...")
      ->required();
  add->add_option("--category", a->category,
                  "employee_access, unauthorized_disclosure, online_access or other")
      ->required();
  add->add_option("--customer", a->customer, "the customer's id, if known");
  add->add_option("--summary", a->summary, "what the customer complained of")->required();
  add->add_option("--outcome", a->outcome, "how it was resolved (omit while open)");
  CLI::App* resolve = Leaf(complaint, ctx, "resolve", "Record how a complaint was resolved",
                           [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto r, services::ResolveComplaint(s, CarrierId(a->carrier), a->id,
                                                              a->outcome, actor));
          return services::ComplianceRecordToJson(r);
        },
        RecordLine);
  });
  CarrierOption(resolve, *a);
  resolve->add_option("--complaint", a->id, "complaint id")->required();
  resolve->add_option("--outcome", a->outcome, "how it was resolved")->required();
  CLI::App* list = Leaf(complaint, ctx, "list", "Complaints", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor&) -> Result<json> {
          return AllRecords(s, CarrierId(a->carrier), services::kComplaint, a->year);
        },
        [](const json& out) {
          return RecordsText(out, {"ID", "RECEIVED", "CATEGORY", "CHANNEL", "STATUS", "CUSTOMER"},
                             [](const json& r) {
                               return std::vector<std::string>{
                                   std::to_string(r["id"].get<int64_t>()), r["occurred_on"],
                                   r["category"], Dash(r["details"]["channel"]), r["status"],
                                   Dash(r["customer"])};
                             });
        });
  });
  CarrierOption(list, *a);
  YearOption(list, *a, false);
}

void RegisterBrokerAction(CLI::App& app, Context& ctx, const std::shared_ptr<Args>& a) {
  CLI::App* broker = AddCommand(app, "broker-action",
                                "Actions taken against data brokers (47 CFR 64.2009(e))");
  broker->require_subcommand(1);
  CLI::App* add = Leaf(broker, ctx, "add", "Record a proceeding or petition against a data broker",
                       [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(CivilDate on, DateOption(a->on, "filed"));
          ASSIGN_OR_RETURN(auto r, services::RecordBrokerAction(
                                       s, CarrierId(a->carrier),
                                       {on, a->forum, a->broker, a->docket, a->status,
                                        a->description},
                                       actor));
          return services::ComplianceRecordToJson(r);
        },
        RecordLine);
  });
  CarrierOption(add, *a);
  add->add_option("--filed", a->on, "date filed YYYY-MM-DD (default today)");
  add->add_option("--forum", a->forum, "court, state_commission or fcc")->required();
  add->add_option("--broker", a->broker, "the data broker")->required();
  add->add_option("--docket", a->docket, "docket or case number");
  add->add_option("--status", a->status, "status (default pending)");
  add->add_option("--description", a->description, "what was sought");
  CLI::App* update = Leaf(broker, ctx, "update", "Record a new status of an action", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto r, services::UpdateBrokerAction(s, CarrierId(a->carrier), a->id,
                                                                a->status, actor));
          return services::ComplianceRecordToJson(r);
        },
        RecordLine);
  });
  CarrierOption(update, *a);
  update->add_option("--action", a->id, "broker action id")->required();
  update->add_option("--status", a->status, "the new status")->required();
  CLI::App* list = Leaf(broker, ctx, "list", "Actions against data brokers", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor&) -> Result<json> {
          return AllRecords(s, CarrierId(a->carrier), services::kBrokerAction, a->year);
        },
        [](const json& out) {
          return RecordsText(out, {"ID", "FILED", "FORUM", "BROKER", "DOCKET", "STATUS"},
                             [](const json& r) {
                               return std::vector<std::string>{
                                   std::to_string(r["id"].get<int64_t>()), r["occurred_on"],
                                   r["category"], Dash(r["details"]["broker"]),
                                   Dash(r["details"]["docket"]), r["status"]};
                             });
        });
  });
  CarrierOption(list, *a);
  YearOption(list, *a, false);
}

void RegisterPretexter(CLI::App& app, Context& ctx, const std::shared_ptr<Args>& a) {
  CLI::App* pretexter = AddCommand(
      app, "pretexter", "What the carrier learned of pretexters' methods (47 CFR 64.2009(e))");
  pretexter->require_subcommand(1);
  CLI::App* review = Leaf(pretexter, ctx, "review",
                          "Summarise a year's pretexting flags and the steps taken", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto r, services::RecordPretexterReview(
                                       s, CarrierId(a->carrier), {a->year, a->summary, a->steps},
                                       actor));
          return services::ComplianceRecordToJson(r);
        },
        [](const json& r) {
          return "pretexter review " + std::to_string(r["id"].get<int64_t>()) + " of " +
                 r["category"].get<std::string>() + ": " +
                 std::to_string(r["details"]["flags"].get<int64_t>()) +
                 " pretexting flags in the year (ledger entry " +
                 std::to_string(r["ledger_seq"].get<int64_t>()) + ")\n";
        });
  });
  CarrierOption(review, *a);
  YearOption(review, *a, true);
  review->add_option("--summary", a->summary, "what was learned of pretexters' methods")->required();
  review->add_option("--steps", a->steps, "the steps taken to protect CPNI");
  CLI::App* list = Leaf(pretexter, ctx, "list", "Pretexter reviews", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor&) -> Result<json> {
          return AllRecords(s, CarrierId(a->carrier), services::kPretexterReview, a->year);
        },
        [](const json& out) {
          return RecordsText(out, {"ID", "REVIEWED", "YEAR", "FLAGS"}, [](const json& r) {
            return std::vector<std::string>{std::to_string(r["id"].get<int64_t>()),
                                            r["occurred_on"], r["category"],
                                            Dash(r["details"]["flags"])};
          });
        });
  });
  CarrierOption(list, *a);
  YearOption(list, *a, false);
}

// The dates `serve` takes as its configuration, given again here:
// --breach-2024-effective and --sim-change-compliance.
Result<rules::RuleConfig> RuleConfigOf(const Args& a) {
  rules::RuleConfig config;
  if (!a.breach_2024.empty()) {
    ASSIGN_OR_RETURN(CivilDate d, DateOption(a.breach_2024, "breach_2024_effective"));
    config.breach_2024_effective = d;
  }
  if (!a.sim_compliance.empty()) {
    ASSIGN_OR_RETURN(CivilDate d, DateOption(a.sim_compliance, "sim_change_compliance"));
    config.sim_change_compliance = d;
  }
  RETURN_IF_ERROR(rules::ValidateRuleConfig(config));
  return config;
}

void SimComplianceOption(CLI::App* cmd, Args& a) {
  cmd->add_option("--sim-change-compliance", a.sim_compliance,
                  "date 47 CFR 64.2010(h) took effect, as `serve` takes it (YYYY-MM-DD): from "
                  "then on CSRs and supervisors need SIM change training (64.2010(h)(7))");
}

void RegisterCertificationCommands(CLI::App& app, Context& ctx, const std::shared_ptr<Args>& a) {
  CLI::App* cert = AddCommand(app, "certification",
                              "The annual CPNI certification, EB Docket 06-36 (47 CFR 64.2009(e))");
  cert->require_subcommand(1);
  CLI::App* prepare = Leaf(cert, ctx, "prepare",
                           "Check a year's filing: due date and what is missing (exit 6 if not "
                           "ready)",
                           [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(const rules::RuleConfig config, RuleConfigOf(*a));
          ASSIGN_OR_RETURN(auto r, services::PrepareCertification(s, CarrierId(a->carrier),
                                                                  a->year, actor.now, config));
          json out = services::ReadinessToJson(r);
          out["exit"] = r.ready() ? 0 : 6;
          return out;
        },
        ReadinessText);
  });
  CarrierOption(prepare, *a);
  YearOption(prepare, *a, true);
  SimComplianceOption(prepare, *a);

  CLI::App* build = Leaf(cert, ctx, "build",
                         "Build the filing (PDF and JSON) from the records; --all: every carrier",
                         [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          services::BuildOptions options;
          options.officer = a->officer;
          ASSIGN_OR_RETURN(options.rule_config, RuleConfigOf(*a));
          if ((a->carrier > 0) == a->all) {
            return Status::InvalidArgument("give --carrier or --all, not both", "carrier");
          }
          if (a->all && a->out.empty()) {
            return Status::InvalidArgument("--all needs --out DIR for the filings", "out");
          }
          std::vector<Carrier> carriers;
          if (a->all) {
            RETURN_IF_ERROR(s.Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(carriers, tx.ListCarriers());
              return Status::Ok();
            }));
          } else {
            ASSIGN_OR_RETURN(Carrier c, CarrierOf(s, CarrierId(a->carrier)));
            carriers.push_back(c);
          }
          json built = json::array();
          for (const Carrier& c : carriers) {
            auto row = services::BuildCertification(s, c.id, a->year, options, actor);
            if (!row.ok()) {
              if (!a->all) return row.status();
              built.push_back({{"carrier", c.id.value()},
                               {"carrier_name", c.legal_name},
                               {"error", row.status().message()}});
              continue;
            }
            json j = services::CertificationToJson(*row, false);
            j["carrier_name"] = c.legal_name;
            j["gaps"] = json::parse(row->document)["gaps"];
            if (!a->out.empty()) {
              ASSIGN_OR_RETURN(j["files"], WriteFiling(*row, c, a->out));
            }
            built.push_back(j);
          }
          if (!a->all) return built[0];
          return json{{"certifications", built}};
        },
        [](const json& out) {
          if (!out.contains("certifications")) return CertificationText(out);
          std::vector<std::vector<std::string>> rows;
          for (const auto& c : out["certifications"]) {
            std::string state = c.contains("error") ? "ERROR: " + c["error"].get<std::string>()
                                : c["ready"].get<bool>() ? "ready"
                                                         : "missing: ";
            if (!c.contains("error") && !c["ready"].get<bool>()) {
              std::string gaps;
              for (const auto& g : c["gaps"]) gaps += (gaps.empty() ? "" : "; ") + g.get<std::string>();
              state += gaps;
            }
            rows.push_back({std::to_string(c["carrier"].get<int64_t>()), c["carrier_name"],
                            c.contains("id") ? std::to_string(c["id"].get<int64_t>()) : "-",
                            state});
          }
          return Table({"CARRIER", "NAME", "CERTIFICATION", "STATE"}, rows);
        });
  });
  build->add_option("--carrier", a->carrier, "carrier id");
  build->add_flag("--all", a->all, "every carrier in the installation (needs --out)");
  YearOption(build, *a, true);
  build->add_option("--officer", a->officer, "the signing officer's name (default: the first "
                                             "signatory officer)");
  build->add_option("--out", a->out, "folder to write cpni-certification-FILER-YEAR.pdf/.json");
  build->add_option("--breach-2024-effective", a->breach_2024,
                    "date the 2024 64.2011 took effect, as `serve` takes it (YYYY-MM-DD)");
  SimComplianceOption(build, *a);

  CLI::App* sign = Leaf(cert, ctx, "sign", "The officer signs a ready filing", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor& actor) -> Result<json> {
          ASSIGN_OR_RETURN(auto row, services::SignCertification(s, CarrierId(a->carrier), a->id,
                                                                 a->officer, a->reviewed_evidence,
                                                                 actor));
          return services::CertificationToJson(row, false);
        },
        CertificationText);
  });
  CarrierOption(sign, *a);
  sign->add_option("--certification", a->id, "certification id")->required();
  sign->add_option("--officer", a->officer, "the signing officer's name, as on the filing")
      ->required();
  sign->add_flag("--reviewed-evidence", a->reviewed_evidence,
                 "the officer states they reviewed the records the filing rests on");

  CLI::App* show = Leaf(cert, ctx, "show", "One filing; --out writes its PDF and JSON", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor&) -> Result<json> {
          ASSIGN_OR_RETURN(auto row, services::GetCertification(s, CarrierId(a->carrier), a->id));
          json j = services::CertificationToJson(row, a->out.empty());
          if (!a->out.empty()) {
            ASSIGN_OR_RETURN(Carrier c, CarrierOf(s, CarrierId(a->carrier)));
            ASSIGN_OR_RETURN(j["files"], WriteFiling(row, c, a->out));
          }
          return j;
        },
        CertificationText);
  });
  CarrierOption(show, *a);
  show->add_option("--certification", a->id, "certification id")->required();
  show->add_option("--out", a->out, "folder to write the PDF and JSON into");

  CLI::App* list = Leaf(cert, ctx, "list", "The carrier's filings, newest first", [&ctx, a] {
    return Run(
        ctx,
        [a](store::Store& s, const services::Actor&) -> Result<json> {
          ASSIGN_OR_RETURN(auto rows, services::ListCertifications(s, CarrierId(a->carrier), a->year));
          json items = json::array();
          for (const auto& r : rows) items.push_back(services::CertificationToJson(r, false));
          return json{{"certifications", items}};
        },
        [](const json& out) {
          if (out["certifications"].empty()) return std::string("no certifications\n");
          std::vector<std::vector<std::string>> rows;
          for (const auto& c : out["certifications"]) {
            rows.push_back({std::to_string(c["id"].get<int64_t>()),
                            std::to_string(c["year"].get<int64_t>()), c["state"],
                            c["ready"].get<bool>() ? "yes" : "no", c["officer"]["name"],
                            c["due_on"], Dash(c["signed_at"])});
          }
          return Table({"ID", "YEAR", "STATE", "READY", "OFFICER", "DUE", "SIGNED"}, rows);
        });
  });
  CarrierOption(list, *a);
  YearOption(list, *a, false);
}

}  // namespace

void RegisterCertification(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<Args>();
  RegisterTraining(app, ctx, a);
  RegisterDiscipline(app, ctx, a);
  RegisterComplaint(app, ctx, a);
  RegisterBrokerAction(app, ctx, a);
  RegisterPretexter(app, ctx, a);
  RegisterCertificationCommands(app, ctx, a);
}

}  // namespace proprio::cli
