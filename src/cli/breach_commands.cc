// proprio breach open|show|list|record|due|letters|summary|erase: CPNI breach
// cases (47 CFR 64.2011) over services/breach.h.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "rules/rule_set.h"
#include "services/breach.h"

namespace proprio::cli {
namespace {

using nlohmann::json;

Result<Instant> ParseInstantField(const std::string& text, const std::string& field) {
  auto t = Instant::Parse(text);
  if (!t.ok()) {
    return Status::InvalidArgument(field + ": '" + text +
                                       "' is not an RFC 3339 instant (e.g. 2024-12-20T10:00:00-05:00)",
                                   field);
  }
  return *t;
}

Result<CivilDate> ParseDateField(const std::string& text, const std::string& field) {
  auto d = CivilDate::Parse(text);
  if (!d.ok() || !d->Valid()) {
    return Status::InvalidArgument(field + ": '" + text + "' is not a date YYYY-MM-DD", field);
  }
  return *d;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',' || c == ';') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  return out;
}

// "12345.67" dollars to cents.
Result<int64_t> ParseDollars(const std::string& s) {
  int64_t whole = 0, cents = 0;
  int frac_digits = -1;
  for (char c : s) {
    if (c == '.' && frac_digits < 0) {
      frac_digits = 0;
    } else if (c >= '0' && c <= '9' && whole < 1'000'000'000'000LL) {
      if (frac_digits < 0) {
        whole = whole * 10 + (c - '0');
      } else if (frac_digits < 2) {
        cents = cents * 10 + (c - '0');
        ++frac_digits;
      } else {
        return Status::InvalidArgument("estimated_loss: at most 2 decimals", "estimated_loss");
      }
    } else {
      return Status::InvalidArgument("estimated_loss: '" + s + "' is not an amount in dollars",
                                     "estimated_loss");
    }
  }
  if (s.empty()) return Status::InvalidArgument("estimated_loss: empty", "estimated_loss");
  if (frac_digits == 1) cents *= 10;
  return whole * 100 + cents;
}

std::string Or(const std::string& s, const char* dash = "-") { return s.empty() ? dash : s; }

void PrintObligation(const rules::Obligation& o, Instant now, const std::string& zone) {
  std::string when;
  if (o.state == rules::ObligationState::kOpen && o.due) {
    const int64_t left = *o.due - now;
    when = "due " + LocalTimeText(*o.due, zone) +
           (left < 0 ? " (OVERDUE by " + services::DurationText(-left) + ")"
                     : " (" + services::DurationText(left) + " left)");
  } else if (o.state == rules::ObligationState::kMet && o.met_at) {
    when = "met " + LocalTimeText(*o.met_at, zone);
  } else if (o.state == rules::ObligationState::kOpen) {
    when = "no fixed deadline";
  }
  std::printf("  %-16s %-12s %s\n", rules::ObligationKindName(o.kind),
              rules::ObligationStateName(o.state), when.c_str());
  std::string basis;
  for (const std::string& b : o.basis) basis += (basis.empty() ? "" : ", ") + b;
  std::cout << "      to " << o.recipients << "; " << basis << "\n"
            << "      " << o.explanation << "\n";
  if (o.not_before && o.state == rules::ObligationState::kOpen) {
    std::cout << "      not before " << LocalTimeText(*o.not_before, zone) << "\n";
  }
}

void PrintCase(const services::BreachCase& c, Instant now) {
  const auto& r = c.row;
  std::cout << "breach case " << r.id << " (carrier " << r.carrier.value() << "): " << r.state
            << "\n"
            << "  rule set:        " << r.rule_set << "; breach rules: "
            << rules::BreachRegimeTitle(r.breach_regime)
            << (r.breach_2024_effective.empty() ? "" : ", 2024 breach rules from " +
                                                           r.breach_2024_effective)
            << "; policy version " << r.policy_version << "\n"
            << "  description:     " << r.description << "\n"
            << "  discovered:      " << LocalTimeText(r.discovered_at, c.time_zone) << " (" << r.discovered_how
            << ")\n"
            << "  determined:      " << LocalTimeText(r.determined_at, c.time_zone) << " (clock starts; zone "
            << c.time_zone << ")\n"
            << "  CPNI:            " << Or(r.cpni) << "\n"
            << "  other data:      " << Or(r.other_data) << "\n"
            << "  intentional:     " << (r.intentional ? "yes" : "no") << "\n"
            << "  affected:        "
            << (r.affected_count ? std::to_string(*r.affected_count) : std::string("unknown"))
            << " (" << c.affected.size() << " linked)\n"
            << "  harm:            " << r.harm << (c.facts.urgent ? "; urgent need found" : "")
            << "\n";
  if (c.facts.delay_until) {
    std::cout << "  delay until:     " << c.facts.delay_until->ToString() << "\n";
  }
  if (r.retain_until) {
    std::cout << "  records kept to: " << LocalTimeText(*r.retain_until, c.time_zone) << "\n";
  }
  std::cout << "obligations:\n";
  for (const auto& o : c.clock.obligations) PrintObligation(o, now, c.time_zone);
  std::cout << "timeline:\n  " << LocalTimeText(r.opened_at, c.time_zone) << "  opened by " << r.opened_by
            << " (ledger " << r.ledger_seq << ")\n";
  for (const auto& a : c.actions) {
    std::cout << "  " << LocalTimeText(a.at, c.time_zone) << "  " << a.kind
              << (a.customer ? " customer " + a.customer->ToString() : "") << " " << a.details
              << " by " << a.actor << " (ledger " << a.ledger_seq << ")\n";
  }
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return static_cast<bool>(out);
}

}  // namespace

void RegisterBreach(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(app, "breach",
                               "CPNI breach cases (47 CFR 64.2011): open, show, list, record, due, "
                               "letters, summary, erase");
  group->require_subcommand(1);

  // ---- open ----
  struct OpenArgs {
    int64_t carrier = 0;
    services::BreachOpenInput in;
    std::string discovered_at, determined_at, cpni, other_data, started_on, ended_on, loss;
    std::string breach_2024;
    std::vector<int64_t> customers;
    int64_t count = 0;
    bool unknown = false, inadvertent = false;
  };
  auto oa = std::make_shared<OpenArgs>();
  CLI::App* open = AddCommand(*group, "open", "Open a breach case; prints its obligations");
  open->add_option("--carrier", oa->carrier, "carrier id")->required();
  open->add_option("--description", oa->in.description, "what happened")->required();
  open->add_option("--discovered-how", oa->in.discovered_how, "how it was discovered")->required();
  open->add_option("--discovered-at", oa->discovered_at, "when it was discovered (RFC 3339)")
      ->required();
  open->add_option("--determined-at", oa->determined_at,
                   "when it was reasonably determined: the clocks start here (RFC 3339)")
      ->required();
  open->add_option("--cpni", oa->cpni,
                   "CPNI involved, comma-separated: call_detail, location, usage, "
                   "service_configuration, billing");
  open->add_option("--other-data", oa->other_data,
                   "other data involved, comma-separated: name, address, email, telephone_number, "
                   "account_number, password, security_answer, ssn, ssn_last4, date_of_birth, "
                   "drivers_license, financial_account, other");
  open->add_flag("--inadvertent", oa->inadvertent, "not intentional (a breach only under 2024)");
  open->add_option("--customer", oa->customers, "an affected customer's id (repeatable)");
  open->add_option("--account", oa->in.accounts, "an affected customer's account (repeatable)");
  open->add_option("--affected-count", oa->count, "how many customers are affected");
  open->add_flag("--affected-unknown", oa->unknown, "the number cannot be determined");
  open->add_option("--method", oa->in.method, "method of compromise");
  open->add_option("--started-on", oa->started_on, "first day of the breach (YYYY-MM-DD)");
  open->add_option("--ended-on", oa->ended_on, "last day of the breach (YYYY-MM-DD)");
  open->add_option("--estimated-loss", oa->loss, "estimated financial loss in dollars");
  open->add_option("--contact", oa->in.contact, "who agencies and customers contact");
  open->add_option("--rule-set", oa->in.rule_set,
                   "what-if: fcc-2007 or fcc-2024 instead of the set in force at determination");
  open->add_option("--breach-2024-effective", oa->breach_2024,
                   "the date the FCC announced for the fcc-2024 64.2011 (YYYY-MM-DD); before it, "
                   "or when not given, the 2007 breach rules apply");
  open->callback([&ctx, oa] {
    ctx.action = [&ctx, oa] {
      services::BreachOpenInput in = oa->in;
      auto disc = ParseInstantField(oa->discovered_at, "discovered_at");
      if (!disc.ok()) return Fail(ctx, disc.status());
      auto det = ParseInstantField(oa->determined_at, "determined_at");
      if (!det.ok()) return Fail(ctx, det.status());
      in.discovered_at = *disc;
      in.determined_at = *det;
      in.cpni = SplitList(oa->cpni);
      in.other_data = SplitList(oa->other_data);
      in.intentional = !oa->inadvertent;
      for (int64_t id : oa->customers) in.customers.push_back(CustomerId(id));
      if (oa->count != 0) in.affected_count = oa->count;
      in.affected_unknown = oa->unknown;
      for (auto [text, field, target] :
           {std::tuple{&oa->started_on, "started_on", &in.started_on},
            std::tuple{&oa->ended_on, "ended_on", &in.ended_on}}) {
        if (text->empty()) continue;
        auto d = ParseDateField(*text, field);
        if (!d.ok()) return Fail(ctx, d.status());
        *target = *d;
      }
      if (!oa->loss.empty()) {
        auto cents = ParseDollars(oa->loss);
        if (!cents.ok()) return Fail(ctx, cents.status());
        in.estimated_loss_cents = *cents;
      }
      if (!oa->breach_2024.empty()) {
        auto d = ParseDateField(oa->breach_2024, "breach_2024_effective");
        if (!d.ok()) return Fail(ctx, d.status());
        in.breach_2024_effective = *d;
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      const services::Actor actor = ctx.actor();
      auto c = services::OpenBreach(**store, CarrierId(oa->carrier), in, {}, actor);
      if (!c.ok()) return Fail(ctx, c.status());
      if (ctx.global.json) {
        PrintJson(services::BreachCaseToJson(*c, actor.now));
      } else {
        std::cout << "opened ";
        PrintCase(*c, actor.now);
      }
      return 0;
    };
  });

  // ---- show ----
  struct ShowArgs {
    int64_t carrier = 0;
    int64_t id = 0;
  };
  auto sa = std::make_shared<ShowArgs>();
  CLI::App* show = AddCommand(*group, "show", "Show a case: facts, obligations, timeline");
  show->add_option("--carrier", sa->carrier, "carrier id")->required();
  show->add_option("id", sa->id, "case id")->required();
  show->callback([&ctx, sa] {
    ctx.action = [&ctx, sa] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto c = services::GetBreach(**store, CarrierId(sa->carrier), sa->id);
      if (!c.ok()) return Fail(ctx, c.status());
      const Instant now = Instant::Now();
      if (ctx.global.json) {
        PrintJson(services::BreachCaseToJson(*c, now));
      } else {
        PrintCase(*c, now);
      }
      return 0;
    };
  });

  // ---- list ----
  struct ListArgs {
    int64_t carrier = 0;
    std::string state;
  };
  auto la = std::make_shared<ListArgs>();
  CLI::App* list = AddCommand(*group, "list", "List cases (every carrier's without --carrier)");
  list->add_option("--carrier", la->carrier, "carrier id");
  list->add_option("--state", la->state, "open or closed");
  list->callback([&ctx, la] {
    ctx.action = [&ctx, la] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto cases = services::ListBreaches(**store, CarrierId(la->carrier), la->state);
      if (!cases.ok()) return Fail(ctx, cases.status());
      const Instant now = Instant::Now();
      if (ctx.global.json) {
        json out = json::array();
        for (const auto& c : *cases) out.push_back(services::BreachCaseToJson(c, now));
        PrintJson({{"breaches", out}});
        return 0;
      }
      if (cases->empty()) {
        std::cout << "no breach cases\n";
        return 0;
      }
      std::printf("%-6s %-8s %-7s %-9s %-26s %-9s %s\n", "CASE", "CARRIER", "STATE", "RULES",
                  "DETERMINED (local)", "AFFECTED", "OPEN OBLIGATIONS");
      for (const auto& c : *cases) {
        int open_n = 0;
        for (const auto& o : c.clock.obligations) open_n += o.state == rules::ObligationState::kOpen;
        std::printf("%-6lld %-8lld %-7s %-9s %-26s %-9s %d\n", static_cast<long long>(c.row.id),
                    static_cast<long long>(c.row.carrier.value()), c.row.state.c_str(),
                    (c.row.breach_regime + "/" + c.row.rule_set.substr(4)).c_str(),
                    LocalTimeText(c.row.determined_at, c.time_zone).c_str(),
                    c.row.affected_count ? std::to_string(*c.row.affected_count).c_str() : "unknown",
                    open_n);
      }
      return 0;
    };
  });

  // ---- record ----
  struct RecordArgs {
    int64_t carrier = 0;
    int64_t id = 0;
    std::string kind, at, agencies, requested_on, until, customer_accounts;
    services::BreachActionInput in;
    int64_t customer = 0;
    std::vector<int64_t> add_customers;
    int64_t affected_count = 0;
  };
  auto ra = std::make_shared<RecordArgs>();
  CLI::App* record = AddCommand(
      *group, "record",
      "Record a step: agency_notified, delay_requested, delay_extended, urgent_determined, "
      "harm_determined, no_harm_determined, customer_notified, affected_updated, "
      "annual_summary_filed, closed");
  record->add_option("--carrier", ra->carrier, "carrier id")->required();
  record->add_option("id", ra->id, "case id")->required();
  record->add_option("kind", ra->kind, "what happened")->required();
  record->add_option("--at", ra->at, "when it happened (RFC 3339; default now)");
  record->add_option("--agencies", ra->agencies, "agency_notified: usss,fbi[,fcc]");
  record->add_option("--reference", ra->in.reference,
                     "agency_notified: the portal's reference; annual_summary_filed: the filing's; "
                     "urgent_determined (2007 rules): the notification or amendment that indicated "
                     "the urgent need (47 CFR 64.2011(b)(2))");
  record->add_option("--agency", ra->in.agency,
                     "delay_*: the agency directing it (usss, fbi, other; under fcc-2024 also "
                     "fcc, national_security); urgent_determined: the agency consulted");
  record->add_option("--requested-on", ra->requested_on, "delay_*: the day it was asked");
  record->add_option("--until", ra->until, "delay_*: its last day (YYYY-MM-DD)");
  record->add_flag("--in-writing", ra->in.in_writing, "delay_*: the agency gave it in writing");
  record->add_option("--reasons", ra->in.reasons,
                     "urgent/harm/no_harm determinations: why; closed: optional");
  record->add_option("--customer", ra->customer, "customer_notified: the customer's id");
  record->add_option("--account", ra->in.account, "customer_notified: or the account number");
  record->add_option("--count", ra->in.count, "customer_notified: customers notified at once");
  record->add_flag("--all-notified", ra->in.all_notified,
                   "customer_notified: this completes the notification of every affected customer");
  record->add_option("--channel", ra->in.channel,
                     "customer_notified: mail, email, telephone, text, in_person, substitute");
  record->add_option("--outcome", ra->in.outcome,
                     "customer_notified: sent, delivered, returned, failed");
  record->add_option("--add-customer", ra->add_customers, "affected_updated: customer id");
  record->add_option("--add-account", ra->in.add_accounts, "affected_updated: account number");
  record->add_option("--affected-count", ra->affected_count, "affected_updated: new count");
  record->add_flag("--affected-unknown", ra->in.affected_unknown,
                   "affected_updated: the number cannot be determined");
  record->add_option("--year", ra->in.year, "annual_summary_filed: the summary's year");
  record->add_option("--notes", ra->in.notes, "free text kept with the record");
  record->callback([&ctx, ra] {
    ctx.action = [&ctx, ra] {
      services::BreachActionInput in = ra->in;
      auto kind = services::ParseBreachActionKind(ra->kind);
      if (!kind.ok()) return Fail(ctx, kind.status());
      in.kind = *kind;
      if (!ra->at.empty()) {
        auto at = ParseInstantField(ra->at, "at");
        if (!at.ok()) return Fail(ctx, at.status());
        in.at = *at;
      }
      in.agencies = SplitList(ra->agencies);
      for (auto [text, field, target] :
           {std::tuple{&ra->requested_on, "requested_on", &in.requested_on},
            std::tuple{&ra->until, "until", &in.until}}) {
        if (text->empty()) continue;
        auto d = ParseDateField(*text, field);
        if (!d.ok()) return Fail(ctx, d.status());
        *target = *d;
      }
      if (ra->customer) in.customer = CustomerId(ra->customer);
      for (int64_t id : ra->add_customers) in.add_customers.push_back(CustomerId(id));
      if (ra->affected_count) in.affected_count = ra->affected_count;
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      const services::Actor actor = ctx.actor();
      auto c = services::RecordBreachAction(**store, CarrierId(ra->carrier), ra->id, in, actor);
      if (!c.ok()) return Fail(ctx, c.status());
      if (ctx.global.json) {
        PrintJson(services::BreachCaseToJson(*c, actor.now));
      } else {
        std::cout << "recorded " << ra->kind << " (ledger " << c->actions.back().ledger_seq
                  << ")\n";
        PrintCase(*c, actor.now);
      }
      return 0;
    };
  });

  // ---- due ----
  struct DueArgs {
    int64_t carrier = 0;
    std::string now;
  };
  auto da = std::make_shared<DueArgs>();
  CLI::App* due = AddCommand(*group, "due",
                             "Every open obligation across open cases, overdue first, with its "
                             "due instant and time left");
  due->add_option("--carrier", da->carrier, "only this carrier");
  due->add_option("--now", da->now, "what-if: evaluate at this instant (RFC 3339)");
  due->callback([&ctx, da] {
    ctx.action = [&ctx, da] {
      Instant now = Instant::Now();
      if (!da->now.empty()) {
        auto t = ParseInstantField(da->now, "now");
        if (!t.ok()) return Fail(ctx, t.status());
        now = *t;
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto items = services::ListDueObligations(**store, CarrierId(da->carrier), now);
      if (!items.ok()) return Fail(ctx, items.status());
      if (ctx.global.json) {
        json out = json::array();
        int64_t overdue = 0;
        for (const auto& d : *items) {
          out.push_back(services::DueItemToJson(d, now));
          overdue += d.overdue;
        }
        PrintJson({{"now", now.ToRfc3339()},
                   {"open", items->size()},
                   {"overdue", overdue},
                   {"obligations", out}});
        return 0;
      }
      if (items->empty()) {
        std::cout << "no open breach obligations\n";
        return 0;
      }
      std::printf("%-8s %-6s %-16s %-34s %-16s %s\n", "CARRIER", "CASE", "OBLIGATION",
                  "DUE (carrier's zone)", "TIME LEFT", "BASIS");
      for (const auto& d : *items) {
        const std::string due_text = d.obligation.due
                                         ? LocalTimeText(*d.obligation.due, d.time_zone)
                                         : std::string("no fixed deadline");
        std::string left = d.micros_left ? services::DurationText(*d.micros_left) : "-";
        if (d.overdue) left = "OVERDUE " + services::DurationText(-*d.micros_left);
        std::string basis;
        for (const std::string& b : d.obligation.basis) basis += (basis.empty() ? "" : ", ") + b;
        std::printf("%-8lld %-6lld %-16s %-34s %-16s %s\n",
                    static_cast<long long>(d.carrier.value()), static_cast<long long>(d.case_id),
                    rules::ObligationKindName(d.obligation.kind), due_text.c_str(), left.c_str(),
                    basis.c_str());
      }
      return 0;
    };
  });

  // ---- letters ----
  struct LetterArgs {
    int64_t carrier = 0;
    int64_t id = 0;
    std::string out = ".";
    int64_t customer = 0;
  };
  auto lt = std::make_shared<LetterArgs>();
  CLI::App* letters = AddCommand(
      *group, "letters",
      "Write the customer notification letters (PDF, one per linked customer, or a generic one) "
      "and the agency report (JSON and PDF) for the central reporting facility");
  letters->add_option("--carrier", lt->carrier, "carrier id")->required();
  letters->add_option("id", lt->id, "case id")->required();
  letters->add_option("--out", lt->out, "directory to write to")->capture_default_str();
  letters->add_option("--customer", lt->customer, "only this customer's letter");
  letters->callback([&ctx, lt] {
    ctx.action = [&ctx, lt] {
      // The folder is made when missing (as `mkdir -p` would), so that
      // `--out letters/` works on a fresh checkout; a file in its place is
      // refused.
      std::error_code ec;
      std::filesystem::create_directories(lt->out, ec);
      if (ec || !std::filesystem::is_directory(lt->out, ec)) {
        return Fail(ctx, Status::InvalidArgument(
                             "out: '" + lt->out + "' is not a directory and cannot be made one",
                             "out"));
      }
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      const CarrierId carrier(lt->carrier);
      const services::Actor actor = ctx.actor();
      std::optional<CustomerId> only;
      if (lt->customer) only = CustomerId(lt->customer);
      auto made = services::PrepareBreachLetters(**store, carrier, lt->id, only, actor);
      if (!made.ok()) return Fail(ctx, made.status());
      auto facts = services::BreachDocumentFacts(**store, carrier, lt->id, actor.now);
      if (!facts.ok()) return Fail(ctx, facts.status());
      json files = json::array();
      auto write = [&](const std::string& name, const std::string& bytes) {
        const std::string path = lt->out + "/" + name;
        if (!WriteFile(path, bytes)) return false;
        files.push_back(path);
        return true;
      };
      for (const auto& l : *made) {
        if (!write(l.file_name, l.pdf)) {
          return Fail(ctx, Status::Unavailable("could not write " + lt->out + "/" + l.file_name));
        }
      }
      const std::string base = "breach-" + std::to_string(lt->id) + "-agency-report";
      const CivilDate today = facts->today;
      if (!write(base + ".json", SafeDump(report::AgencyReportJson(*facts), 2) + "\n") ||
          !write(base + ".pdf", report::AgencyReportPdf(*facts, today))) {
        return Fail(ctx, Status::Unavailable("could not write the agency report to " + lt->out));
      }
      if (ctx.global.json) {
        PrintJson({{"case", lt->id},
                   {"files", files},
                   {"hold", facts->letter_hold.empty() ? json(nullptr) : json(facts->letter_hold)}});
      } else {
        for (const auto& f : files) std::cout << "wrote " << f.get<std::string>() << "\n";
        if (!facts->letter_hold.empty()) {
          std::cout << "NOT YET TO BE SENT (the letters are marked as drafts): "
                    << facts->letter_hold << "\n";
        }
      }
      return 0;
    };
  });

  // ---- summary ----
  struct SummaryArgs {
    int64_t carrier = 0;
    int year = 0;
    std::string out;
  };
  auto sm = std::make_shared<SummaryArgs>();
  CLI::App* summary = AddCommand(
      *group, "summary",
      "The annual summary to the FCC of a year's small no-harm breaches (2024 64.2011)");
  summary->add_option("--carrier", sm->carrier, "carrier id")->required();
  summary->add_option("--year", sm->year, "calendar year of the determinations")->required();
  summary->add_option("--out", sm->out, "write the PDF here");
  summary->callback([&ctx, sm] {
    ctx.action = [&ctx, sm] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto in = services::BreachAnnualSummary(**store, CarrierId(sm->carrier), sm->year);
      if (!in.ok()) return Fail(ctx, in.status());
      if (!sm->out.empty() &&
          !WriteFile(sm->out, report::AnnualSummaryPdf(*in, UtcDate(Instant::Now())))) {
        return Fail(ctx, Status::InvalidArgument("out: could not write " + sm->out, "out"));
      }
      const json j = report::AnnualSummaryJson(*in);
      if (ctx.global.json) {
        PrintJson(j);
      } else {
        std::cout << "annual summary " << sm->year << " for " << in->carrier_name << ", due "
                  << in->due_on.ToString() << ": " << in->items.size() << " breaches, "
                  << j["total_customers_affected"].get<int64_t>() << " customers"
                  << (sm->out.empty() ? "" : "; wrote " + sm->out) << "\n";
        for (const auto& it : in->items) {
          std::cout << "  case " << it.case_id << " determined " << it.determined_on << ", "
                    << it.affected_count << " customers: " << it.description << "\n";
        }
      }
      return 0;
    };
  });

  // ---- erase ----
  auto ea = std::make_shared<ShowArgs>();
  CLI::App* erase = AddCommand(*group, "erase",
                               "Erase a closed case's personal data once its retention has ended "
                               "(refused earlier); the ledger still verifies");
  erase->add_option("--carrier", ea->carrier, "carrier id")->required();
  erase->add_option("id", ea->id, "case id")->required();
  erase->callback([&ctx, ea] {
    ctx.action = [&ctx, ea] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      const services::Actor actor = ctx.actor();
      auto c = services::EraseBreachRecords(**store, CarrierId(ea->carrier), ea->id, actor);
      if (!c.ok()) return Fail(ctx, c.status());
      if (ctx.global.json) {
        PrintJson(services::BreachCaseToJson(*c, actor.now));
      } else {
        std::cout << "erased the personal data of breach case " << ea->id << "\n";
      }
      return 0;
    };
  });
}

}  // namespace proprio::cli
