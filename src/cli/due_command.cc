// proprio due [--carrier C] [--now T]: one list of every open obligation of
// every carrier, overdue first: breach notices (47 CFR 64.2011, as `breach
// due` lists them), the annual certification not yet signed (47 CFR
// 64.2009(e), due date per 47 CFR 1.4(j)) and staff overdue for CPNI
// training (64.2009(b)), and notices to the FCC of opt-out mechanism
// failures not yet sent (64.2009(f)), each with its due instant and the time
// left. Exit 0; with --json the list is the document.
#include <algorithm>
#include <iostream>

#include "cli/common.h"
#include "services/breach.h"
#include "services/certification.h"
#include "services/opt_out_failures.h"

namespace proprio::cli {

using nlohmann::json;

namespace {

struct DueArgs {
  int64_t carrier = 0;
  std::string now;
};

// The obligations, each {kind, carrier, what, due_on|due, overdue, basis}.
Result<json> Obligations(store::Store& s, CarrierId only, Instant now) {
  json out = json::array();
  ASSIGN_OR_RETURN(auto breaches, services::ListDueObligations(s, only, now));
  for (const auto& d : breaches) {
    const json j = services::DueItemToJson(d, now);
    out.push_back({{"kind", "breach." + j["kind"].get<std::string>()},
                   {"carrier", d.carrier.value()},
                   {"what", "breach case " + std::to_string(d.case_id) + ": " +
                                j["recipients"].get<std::string>()},
                   {"due", j.value("due_local", std::string())},
                   {"overdue", d.overdue},
                   {"basis", j["basis"]}});
  }
  ASSIGN_OR_RETURN(auto failures, services::ListOptOutFailuresDue(s, only, now));
  for (const auto& f : failures) {
    const json n = services::OptOutFailureNoticeToJson(f.clock, f.time_zone, now);
    const std::string left = n["time_left"].get<std::string>();
    out.push_back({{"kind", "opt_out_failure.fcc_notice"},
                   {"carrier", f.carrier.value()},
                   {"what", "opt-out failure " + std::to_string(f.id) + ": letter to the FCC (" +
                                (f.overdue ? "overdue by " + left.substr(1) : left + " left") +
                                ")"},
                   {"due", n["due_local"].is_string() ? n["due_local"].get<std::string>()
                                                      : f.clock.due->ToRfc3339()},
                   {"overdue", f.overdue},
                   {"time_left", n["time_left"]},
                   {"basis", f.clock.basis}});
  }
  ASSIGN_OR_RETURN(auto filings, services::ListCertificationsDue(s, now));
  for (const auto& f : filings) {
    if (only.valid() && f.carrier != only) continue;
    ASSIGN_OR_RETURN(auto training, services::ListTrainingDue(s, f.carrier, now));
    const int64_t late = std::count_if(training.begin(), training.end(),
                                       [](const auto& t) { return t.overdue; });
    if (late > 0) {
      out.push_back({{"kind", "training"},
                     {"carrier", f.carrier.value()},
                     {"what", std::to_string(late) + " staff overdue for CPNI training"},
                     {"due", training.front().due_on.ToString()},
                     {"overdue", true},
                     {"basis", {std::string(rules::kTrainingCitation)}}});
    }
    out.push_back({{"kind", "certification"},
                   {"carrier", f.carrier.value()},
                   {"what", "annual CPNI certification for " + std::to_string(f.year) + " (" +
                                f.carrier_name + ")"},
                   {"due", f.due_on.ToString()},
                   {"overdue", UtcDate(now) > f.due_on},
                   {"basis", {std::string(rules::kCertificationCitation),
                              std::string(rules::kFilingHolidayCitation)}}});
  }
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
    if (a["overdue"] != b["overdue"]) return a["overdue"].get<bool>();
    return a["due"].get<std::string>() < b["due"].get<std::string>();
  });
  return out;
}

}  // namespace

void RegisterDue(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<DueArgs>();
  CLI::App* due = AddCommand(app, "due",
                             "Every open obligation: breach notices, certification, training, "
                             "opt-out failure notices; overdue first");
  due->add_option("--carrier", a->carrier, "only this carrier");
  due->add_option("--now", a->now, "what-if: evaluate at this instant (RFC 3339)");
  due->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      Instant now = Instant::Now();
      if (!a->now.empty()) {
        auto t = Instant::Parse(a->now);
        if (!t.ok()) {
          return Fail(ctx, Status::InvalidArgument("now: '" + a->now + "' is not an RFC 3339 instant",
                                                   "now"));
        }
        now = *t;
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto list = Obligations(**store, CarrierId(a->carrier), now);
      if (!list.ok()) return Fail(ctx, list.status());
      if (ctx.global.json) {
        PrintJson({{"now", now.ToRfc3339()}, {"obligations", *list}});
        return 0;
      }
      if (list->empty()) {
        std::cout << "nothing is due\n";
        return 0;
      }
      std::printf("%-8s %-28s %-36s %-10s %s\n", "CARRIER", "OBLIGATION", "DUE", "STATE",
                  "WHAT");
      for (const auto& o : *list) {
        std::printf("%-8lld %-28s %-36s %-10s %s\n",
                    static_cast<long long>(o["carrier"].get<int64_t>()),
                    o["kind"].get<std::string>().c_str(),
                    o["due"].get<std::string>().empty() ? "no fixed deadline"
                                                        : o["due"].get<std::string>().c_str(),
                    o["overdue"].get<bool>() ? "OVERDUE" : "open", o["what"].get<std::string>().c_str());
      }
      return 0;
    };
  });
}

}  // namespace proprio::cli
