// proprio decide | consent record|status|history | notice check|add|list|send |
// policy check|show|set | calendar holidays|add-business-days|count-business-days
#include <cstdio>
#include <iostream>

#include "cli/command_kit.h"
#include "cli/common.h"
#include "rules/calendar.h"
#include "services/auth_json.h"
#include "services/consent.h"
#include "services/decisions.h"
#include "services/notices.h"
#include "services/policies.h"
#include "services/time_zones.h"

namespace proprio::cli {
namespace {

using nlohmann::json;

// (stdio rather than iostreams: GCC 12 sees a null dereference in
// istreambuf_iterator at -O3.)
std::string ReadAll(std::FILE* f) {
  std::string out;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

// The text of FILE ("-": standard input).
Result<std::string> ReadInput(const std::string& path, const std::string& field) {
  if (path == "-") {
    std::string text = ReadAll(stdin);
    RETURN_IF_ERROR(CheckUtf8(text, field));
    return text;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::InvalidArgument("cannot read " + path, field);
  std::string text = ReadAll(f);
  std::fclose(f);
  RETURN_IF_ERROR(CheckUtf8(text, field));
  return text;
}

Result<json> ParseJsonText(const std::string& text, const std::string& what) {
  RETURN_IF_ERROR(CheckUtf8(text, what));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return Status::InvalidArgument(what + " is not valid JSON", what);
  }
  return j;
}

Result<Instant> ParseInstantOption(const std::string& text, const std::string& field) {
  if (text.empty()) return Instant::Now();
  auto t = Instant::Parse(text);
  if (!t.ok()) {
    return Status::InvalidArgument(
        field + ": '" + text + "' is not an RFC 3339 instant such as 2024-03-13T14:05:00Z", field);
  }
  return *t;
}

Result<CivilDate> ParseDateOption(const std::string& text, const std::string& field) {
  auto d = CivilDate::Parse(text);
  if (!d.ok() || !d->Valid()) {
    return Status::InvalidArgument(field + ": '" + text + "' is not a date YYYY-MM-DD", field);
  }
  return *d;
}

Result<rules::ScopeSet> ParseScopes(const std::vector<std::string>& names) {
  rules::ScopeSet out;
  for (const std::string& n : names) {
    ASSIGN_OR_RETURN(rules::ApprovalScope s, rules::ParseApprovalScope(n, "scope"));
    out.Add(s);
  }
  return out;
}

std::string Join(const json& array, const char* sep = ", ") {
  std::string out;
  for (const auto& v : array) {
    if (!out.empty()) out += sep;
    out += v.is_string() ? v.get<std::string>() : SafeDump(v);
  }
  return out.empty() ? "-" : out;
}

void PrintDecision(const rules::Decision& d) {
  std::cout << (d.allowed ? "ALLOWED" : "DENIED") << "  decision " << d.decision_id << " ("
            << d.rule_set << ", policy version " << d.policy_version << ")\n"
            << "  reason:   " << rules::ReasonText(d) << "\n";
  if (d.label_overridden) std::cout << "  note:     " << rules::LabelNote(d) << "\n";
  std::cout << "  basis:    ";
  for (size_t i = 0; i < d.basis.size(); ++i) std::cout << (i ? "; " : "") << d.basis[i];
  std::cout << "\n";
  if (d.requirements.empty()) return;
  // Every group-0 requirement is needed; within a non-zero group any one.
  std::cout << "  requires: ";
  bool first = true;
  for (const rules::Requirement& r : d.requirements) {
    if (r.any_of_group != 0) continue;
    std::cout << (first ? "" : "\n            ") << rules::RequirementKindName(r.kind);
    if (r.has_scope) std::cout << " (" << rules::ApprovalScopeName(r.scope) << ")";
    first = false;
  }
  for (uint8_t g = 1; g < 8; ++g) {
    std::string alts;
    for (const rules::Requirement& r : d.requirements) {
      if (r.any_of_group != g) continue;
      if (!alts.empty()) alts += " | ";
      alts += std::string(rules::RequirementKindName(r.kind));
      if (r.has_scope) alts += " (" + std::string(rules::ApprovalScopeName(r.scope)) + ")";
    }
    if (alts.empty()) continue;
    std::cout << (first ? "" : "\n            ") << "any one of: " << alts;
    first = false;
  }
  std::cout << "\n";
}

void PrintStatus(const services::ConsentReport& r) {
  const json j = services::ConsentReportToJson(r);
  std::cout << "customer " << r.customer.value() << " at " << r.at.ToRfc3339() << " ("
            << r.rule_set << ", policy version " << r.policy_version << ", "
            << rules::ApprovalModeName(r.approval_mode) << ")\n"
            << "  opt-in:           " << Join(j["opt_in"]) << "\n"
            << "  opt-out in force: " << Join(j["opt_out"]) << "\n"
            << "  opt-out pending:  " << Join(j["opt_out_pending"]);
  if (r.status.opt_out_assumed_from) {
    std::cout << " (assumed from " << r.status.opt_out_assumed_from->ToRfc3339() << ")";
  }
  std::cout << "\n  disapproved:      " << Join(j["disapproved"]) << "\n";
  if (r.status.opt_out_lapses_at) {
    std::cout << "  opt-out lapses:   " << r.status.opt_out_lapses_at->ToRfc3339()
              << " unless a new notice is sent (47 CFR 64.2008(d)(2))\n";
  }
  if (r.status.opt_out_lapsed_at) {
    std::cout << "  opt-out lapsed:   " << Join(j["opt_out_lapsed"]) << " on "
              << (r.status.opt_out_lapsed_on ? r.status.opt_out_lapsed_on->ToString()
                                             : r.status.opt_out_lapsed_at->ToRfc3339())
              << ": no opt-out notice was given within the renewal period (47 CFR "
                 "64.2008(d)(2)); a new opt-out notice renews it once its waiting period has "
                 "passed, or the customer's opt-in approval\n";
  }
  if (r.last_opt_out_notice) {
    const auto& n = *r.last_opt_out_notice;
    std::cout << "  last notice:      " << n.notice_id << " ("
              << rules::NoticeChannelName(n.channel) << ") sent " << n.sent_at.ToRfc3339()
              << "\n";
  }
  if (r.status.one_time_call != 0) {
    std::cout << "  one-time:         " << Join(j["one_time"]["scopes"]) << " until "
              << r.status.one_time_until.ToRfc3339() << "\n";
  }
  std::cout << "  events folded:    " << r.events << "\n";
  if (r.approval_mode == rules::ApprovalMode::kOptInOnly && !r.status.opt_out.empty()) {
    std::cout << "  note: the carrier's policy uses opt-in only; opt-out approval does not "
                 "count in decisions\n";
  }
}

// ---- decide ----

struct DecideArgs {
  int64_t carrier = 0;
  int64_t customer = 0;
  std::string action;
  std::string purpose;
  std::string recipient = "carrier_itself";
  int64_t recipient_id = 0;
  std::vector<std::string> cpni;
  std::string service_category = "local";
  std::string offering;
  std::vector<std::string> context;
  std::string channel;
  std::string call_id;
  std::string written_request;
  std::string at;
  std::string rule_set;
  int64_t session = 0;
  std::string release;
};

// The request the flags describe, as JSON (so one codec checks both forms).
json RequestFromFlags(const DecideArgs& a) {
  json j = {{"customer", a.customer},
            {"purpose", a.purpose},
            {"recipient", {{"kind", a.recipient}}},
            {"service_category", a.service_category}};
  j["action"] = !a.action.empty()                    ? a.action
                : a.recipient == "carrier_itself"     ? "use"
                                                      : "disclose";
  if (a.recipient_id) j["recipient"]["id"] = a.recipient_id;
  j["cpni"] = a.cpni.empty() ? json::array({"usage"}) : json(a.cpni);
  if (!a.offering.empty()) j["offering"] = a.offering;
  json ctx = json::object();
  for (const std::string& f : a.context) ctx[f] = true;
  if (!a.channel.empty()) ctx["channel"] = a.channel;
  if (!a.call_id.empty()) ctx["call_id"] = a.call_id;
  if (!a.written_request.empty()) {
    // The document is the customer's written request: it implies the flag.
    ctx["written_authorization"] = true;
    ctx["written_request_document"] = a.written_request;
  }
  if (!ctx.empty()) j["context"] = ctx;
  if (!a.at.empty()) j["at"] = a.at;  // else now, as for JSON (WithDefaultInstant)
  return j;
}

void RegisterDecide(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<DecideArgs>();
  CLI::App* cmd = AddCommand(
      app, "decide",
      "May this CPNI be used, disclosed or accessed? Answers allowed or denied, on which rule, "
      "and what would make it allowed; the decision is logged with an id. Give the request as "
      "flags (--customer ...) or as JSON on standard input (one request, or {\"requests\": "
      "[...]}). Exit 0 allowed, 3 denied, 2 bad input.");
  cmd->add_option("--carrier", a->carrier, "carrier id")->required();
  cmd->add_option("--customer", a->customer, "customer id (without it: JSON on standard input)");
  cmd->add_option("--action", a->action,
                  "use | disclose | permit_access (default: use for the carrier itself, else "
                  "disclose)");
  cmd->add_option("--purpose", a->purpose,
                  "why, in plain terms: marketing (with --offering and --service-category: "
                  "the legal category of 47 CFR 64.2005 is derived from them and the customer's "
                  "services on record), billing, service, fraud_protection, "
                  "customer_account_access, ... Deprecated aliases for one release: "
                  "marketing_same_category, marketing_other_category, "
                  "marketing_cpe_info_services, marketing_adjunct_to_basic (where the facts "
                  "contradict one, the facts decide and the answer says so)");
  cmd->add_option("--recipient", a->recipient,
                  "carrier_itself, affiliate, agent, joint_venturer, independent_contractor, "
                  "third_party, new_carrier, customer_designee, law_enforcement, public_safety, "
                  "immediate_family, customer")
      ->capture_default_str();
  cmd->add_option("--recipient-id", a->recipient_id, "the recipient party's id");
  cmd->add_option("--cpni", a->cpni,
                  "CPNI categories, comma-separated: call_detail, location, usage, "
                  "service_configuration, billing (default usage)")
      ->delimiter(',');
  cmd->add_option("--service-category", a->service_category,
                  "the service the CPNI comes from: local, interexchange, cmrs, "
                  "interconnected_voip")
      ->capture_default_str();
  cmd->add_option("--offering", a->offering, "what the use serves or markets (e.g. cpe, cmrs)");
  cmd->add_option("--context", a->context,
                  "context flags, comma-separated: customer_initiated_call, approval_on_call, "
                  "written_authorization, password_provided, ...")
      ->delimiter(',');
  cmd->add_option("--channel", a->channel,
                  "customer_account_access: inbound_call, online, in_store, address_of_record, "
                  "number_of_record");
  cmd->add_option("--call-id", a->call_id, "the call in progress (one-time consent)");
  cmd->add_option("--written-request", a->written_request,
                  "DOC: the customer's affirmative written request on record designating the "
                  "recipient (47 U.S.C. 222(c)(2)), by its document id; implies "
                  "written_authorization. Required to provide service through a new carrier");
  cmd->add_option("--at", a->at,
                  "the instant of the use, RFC 3339 (default: now; also for JSON requests "
                  "without \"at\")");
  cmd->add_option("--session", a->session,
                  "the verification session (auth session open ...): the channel, call id and "
                  "authentication flags come only from its recorded steps (47 CFR 64.2010); "
                  "--channel, --call-id and authentication --context flags are refused with it. "
                  "JSON requests may name it as \"session\"");
  cmd->add_option("--release", a->release,
                  "with --session: address_of_record, the release-by-mail channel");
  cmd->add_option("--rule-set", a->rule_set,
                  "what-if: decide under fcc-2007 or fcc-2024 instead of the set in force");
  cmd->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
      json body;
      if (a->customer == 0) {
        if (!a->purpose.empty()) {
          return Fail(ctx, Status::InvalidArgument("--customer is required with --purpose",
                                                   "customer"));
        }
        auto parsed = ParseJsonText(ReadAll(stdin), "request");
        if (!parsed.ok()) return Fail(ctx, parsed.status());
        body = std::move(*parsed);
      } else {
        if (a->purpose.empty()) {
          return Fail(ctx, Status::InvalidArgument("--purpose is required", "purpose"));
        }
        body = RequestFromFlags(*a);
      }
      if (!a->release.empty() && a->release != "address_of_record") {
        return Fail(ctx, Status::InvalidArgument("--release must be address_of_record",
                                                 "release"));
      }
      if (!a->release.empty() && a->session <= 0) {
        return Fail(ctx, Status::InvalidArgument("--release needs --session", "release"));
      }
      const Instant now = Instant::Now();
      body = services::WithDefaultInstant(std::move(body), now);
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      // Authentication-dependent context only from a verification session.
      auto bound = services::BindDecisionsToSessions(
          **store, CarrierId(a->carrier), std::move(body),
          a->session > 0 ? std::optional<int64_t>(a->session) : std::nullopt, now,
          a->release == "address_of_record");
      if (!bound.ok()) return Fail(ctx, bound.status());
      body = std::move(*bound);
      bool batch = false;
      auto requests = services::DecisionRequestsFromJson(body, &batch);
      if (!requests.ok()) return Fail(ctx, requests.status());
      services::DecideOptions options;
      options.rule_set = a->rule_set;
      auto decisions = services::DecideOnce(**store, CarrierId(a->carrier), *requests, options,
                                            {}, ctx.actor(), batch);
      if (!decisions.ok()) return Fail(ctx, decisions.status());
      bool all_allowed = true;
      for (const rules::Decision& d : *decisions) all_allowed &= d.allowed;
      if (ctx.global.json) {
        if (batch) {
          json out = json::array();
          for (const rules::Decision& d : *decisions) out.push_back(services::DecisionToJson(d));
          PrintJson({{"decisions", out}});
        } else {
          PrintJson(services::DecisionToJson((*decisions)[0]));
        }
      } else {
        for (size_t i = 0; i < decisions->size(); ++i) {
          if (batch) std::cout << "request " << i << ": ";
          PrintDecision((*decisions)[i]);
        }
      }
      return all_allowed ? 0 : 3;
    };
  });
}

// ---- consent ----

void RegisterConsentGroup(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(
      app, "consent",
      "A customer's CPNI approvals (47 CFR 64.2007-64.2008): record events, show the status "
      "at an instant, list the history");
  group->require_subcommand(1);

  struct RecordArgs {
    int64_t carrier = 0;
    int64_t customer = 0;
    std::string kind;
    std::vector<std::string> scopes;
    std::string at;
    std::string evidence_channel = "written";
    std::string document_id;
    std::string recording_id;
    int64_t staff = 0;
    bool notice_in_contact = false;
    int64_t notice_id = 0;
    std::string call_id;
    std::string call_end;
  };
  auto r = std::make_shared<RecordArgs>();
  CLI::App* record = AddCommand(
      *group, "record",
      "Record an approval event: opt_out_elected, opt_out_withdrawn, opt_in_granted, "
      "opt_in_limited, opt_in_revoked, one_time_consent, call_ended, opt_out_notice_bounced "
      "(without --kind: the event as JSON on standard input). Opt-out notices are recorded "
      "by 'notice send'.");
  record->add_option("--carrier", r->carrier, "carrier id")->required();
  record->add_option("--customer", r->customer, "customer id")->required();
  record->add_option("--kind", r->kind, "the event");
  record->add_option("--scope", r->scopes,
                     "what it covers (repeatable or comma-separated): "
                     "own_marketing_comm_related, affiliates, agents, "
                     "joint_venturers_contractors, third_parties, own_other_uses")
      ->delimiter(',');
  record->add_option("--at", r->at, "when it happened, RFC 3339 (default: now)");
  record->add_option("--evidence-channel", r->evidence_channel, "written | oral | electronic")
      ->capture_default_str();
  record->add_option("--document-id", r->document_id,
                     "evidence of written or electronic approval (47 CFR 64.2007(a)(1))");
  record->add_option("--recording-id", r->recording_id, "evidence of oral approval");
  record->add_option("--staff", r->staff, "the staff member who took oral approval");
  record->add_flag("--notice-in-contact", r->notice_in_contact,
                   "opt_in_granted, one_time_consent: the evidence shows the notice of the right "
                   "to restrict CPNI given in this same contact (47 CFR 64.2008(a)(1); oral "
                   "notice for one-time use, 64.2008(f)); without it the customer must have been "
                   "sent a notice first");
  record->add_option("--notice-id", r->notice_id, "opt_out_notice_bounced: the notice");
  record->add_option("--call-id", r->call_id, "one_time_consent, call_ended: the call");
  record->add_option("--call-end", r->call_end, "one_time_consent: when the call ends");
  record->callback([&ctx, r] {
    ctx.action = [&ctx, r]() -> int {
      json j;
      if (r->kind.empty()) {
        auto parsed = ParseJsonText(ReadAll(stdin), "event");
        if (!parsed.ok()) return Fail(ctx, parsed.status());
        j = std::move(*parsed);
      } else {
        j = {{"kind", r->kind},
             {"at", r->at.empty() ? Instant::Now().ToRfc3339() : r->at},
             {"scopes", r->scopes}};
        json ev = {{"channel", r->evidence_channel}};
        if (!r->document_id.empty()) ev["document_id"] = r->document_id;
        if (!r->recording_id.empty()) ev["recording_id"] = r->recording_id;
        if (r->staff) ev["staff"] = r->staff;
        if (r->notice_in_contact) ev["notice_in_contact"] = true;
        if (ev.size() > 1 || r->kind == "opt_in_granted" || r->kind == "one_time_consent") {
          j["evidence"] = ev;
        }
        if (r->notice_id) j["notice_id"] = r->notice_id;
        if (!r->call_id.empty()) j["call_id"] = r->call_id;
        if (!r->call_end.empty()) j["call_end"] = r->call_end;
      }
      auto event = services::ApprovalEventFromJson(j);
      if (!event.ok()) return Fail(ctx, event.status());
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto rec = services::RecordConsent(**store, CarrierId(r->carrier), CustomerId(r->customer),
                                         *event, ctx.actor());
      if (!rec.ok()) return Fail(ctx, rec.status());
      if (ctx.global.json) {
        PrintJson(services::ApprovalEventToJson(*rec));
      } else {
        std::cout << "recorded " << rules::ApprovalEventKindName(rec->event.kind) << " for customer "
                  << r->customer << " (event " << rec->id << ", ledger entry "
                  << rec->ledger_seq << ")\n";
      }
      return 0;
    };
  });

  struct StatusArgs {
    int64_t carrier = 0;
    int64_t customer = 0;
    std::string at;
  };
  auto s = std::make_shared<StatusArgs>();
  CLI::App* status = AddCommand(*group, "status",
                                "The customer's approval at an instant (default: now), derived "
                                "from the recorded events");
  status->add_option("--carrier", s->carrier, "carrier id")->required();
  status->add_option("--customer", s->customer, "customer id")->required();
  status->add_option("--at", s->at, "the instant, RFC 3339 (default: now)");
  status->callback([&ctx, s] {
    ctx.action = [&ctx, s]() -> int {
      auto at = ParseInstantOption(s->at, "at");
      if (!at.ok()) return Fail(ctx, at.status());
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto report = services::ConsentStatus(**store, CarrierId(s->carrier),
                                            CustomerId(s->customer), *at);
      if (!report.ok()) return Fail(ctx, report.status());
      if (ctx.global.json) {
        PrintJson(services::ConsentReportToJson(*report));
      } else {
        PrintStatus(*report);
      }
      return 0;
    };
  });

  auto h = std::make_shared<StatusArgs>();
  CLI::App* history = AddCommand(*group, "history", "Every approval event of the customer");
  history->add_option("--carrier", h->carrier, "carrier id")->required();
  history->add_option("--customer", h->customer, "customer id")->required();
  history->callback([&ctx, h] {
    ctx.action = [&ctx, h]() -> int {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto events = services::ConsentHistory(**store, CarrierId(h->carrier),
                                             CustomerId(h->customer));
      if (!events.ok()) return Fail(ctx, events.status());
      json out = json::array();
      for (const auto& e : *events) out.push_back(services::ApprovalEventToJson(e));
      if (ctx.global.json) {
        PrintJson({{"events", out}});
      } else if (events->empty()) {
        std::cout << "no approval events for customer " << h->customer << "\n";
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const json& e : out) {
          rows.push_back({e["at"].get<std::string>(), e["kind"].get<std::string>(),
                          Join(e["scopes"]),
                          e.contains("notice_id") ? e["notice_id"].dump() : std::string("-"),
                          e["ledger_seq"].dump()});
        }
        std::cout << Table({"AT", "KIND", "SCOPES", "NOTICE", "LEDGER"}, rows);
      }
      return 0;
    };
  });
}

// ---- notices ----

void RegisterNoticeGroup(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(
      app, "notice",
      "CPNI notices (47 CFR 64.2008): check a template against 64.2008(c)-(f), store it, send "
      "it to customers");
  group->require_subcommand(1);

  struct CheckArgs {
    std::string file;
    int64_t carrier = 0;
  };
  auto c = std::make_shared<CheckArgs>();
  CLI::App* check = AddCommand(*group, "check",
                               "Check a notice template (JSON) item by item; with --carrier, "
                               "also against that carrier's policy. Exit 0 usable, 2 not");
  check->add_option("file", c->file, "the template, JSON ('-': standard input)")->required();
  check->add_option("--carrier", c->carrier, "check against this carrier's policy too");
  check->callback([&ctx, c] {
    ctx.action = [&ctx, c]() -> int {
      auto text = ReadInput(c->file, "file");
      if (!text.ok()) return Fail(ctx, text.status());
      auto j = ParseJsonText(*text, "template");
      if (!j.ok()) return Fail(ctx, j.status());
      auto in = services::NoticeTemplateFromJson(*j);
      if (!in.ok()) return Fail(ctx, in.status());
      std::optional<services::StoredPolicy> policy;
      if (c->carrier) {
        auto store = ctx.OpenStore();
        if (!store.ok()) return Fail(ctx, store.status());
        Status st = (*store)->Read([&](store::Tx& tx) -> Status {
          RETURN_IF_ERROR(tx.GetCarrier(CarrierId(c->carrier)).status());
          ASSIGN_OR_RETURN(policy, services::LoadCurrentPolicy(tx, CarrierId(c->carrier)));
          return Status::Ok();
        });
        if (!st.ok()) return Fail(ctx, st);
      }
      const auto defects =
          services::CheckNotice(in->notice, policy ? &policy->policy : nullptr);
      if (ctx.global.json) {
        PrintJson({{"name", in->name},
                   {"usable", defects.empty()},
                   {"defects", services::NoticeDefectsToJson(defects)}});
      } else if (defects.empty()) {
        std::cout << "notice '" << in->name << "' (" << rules::NoticeKindName(in->notice.kind)
                  << ", " << rules::NoticeChannelName(in->notice.channel)
                  << "): every item of 47 CFR 64.2008 is met; it may be used\n";
      } else {
        std::cout << "notice '" << in->name << "' cannot be used; " << defects.size()
                  << (defects.size() == 1 ? " item is" : " items are") << " missing:\n";
        for (const auto& d : defects) {
          std::cout << "  " << d.item << " (" << d.citation << "): " << d.message << "\n";
        }
      }
      return defects.empty() ? 0 : 2;
    };
  });

  auto add = std::make_shared<CheckArgs>();
  CLI::App* add_cmd = AddCommand(*group, "add",
                                 "Store a template for a carrier once it passes the check "
                                 "(refused, listing what is missing, otherwise)");
  add_cmd->add_option("file", add->file, "the template, JSON ('-': standard input)")->required();
  add_cmd->add_option("--carrier", add->carrier, "carrier id")->required();
  add_cmd->callback([&ctx, add] {
    ctx.action = [&ctx, add]() -> int {
      auto text = ReadInput(add->file, "file");
      if (!text.ok()) return Fail(ctx, text.status());
      auto j = ParseJsonText(*text, "template");
      if (!j.ok()) return Fail(ctx, j.status());
      auto in = services::NoticeTemplateFromJson(*j);
      if (!in.ok()) return Fail(ctx, in.status());
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto t = services::AddNoticeTemplate(**store, CarrierId(add->carrier), *in, ctx.actor());
      if (!t.ok()) return Fail(ctx, t.status());
      if (ctx.global.json) {
        PrintJson(services::NoticeTemplateToJson(*t));
      } else {
        std::cout << "stored notice template " << t->id << " ('" << t->input.name << "')\n";
      }
      return 0;
    };
  });

  auto list_carrier = std::make_shared<int64_t>(0);
  CLI::App* list = AddCommand(*group, "list", "A carrier's notice templates");
  list->add_option("--carrier", *list_carrier, "carrier id")->required();
  list->callback([&ctx, list_carrier] {
    ctx.action = [&ctx, list_carrier]() -> int {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto list_r = services::ListNoticeTemplates(**store, CarrierId(*list_carrier));
      if (!list_r.ok()) return Fail(ctx, list_r.status());
      json out = json::array();
      for (const auto& t : *list_r) out.push_back(services::NoticeTemplateToJson(t));
      if (ctx.global.json) {
        PrintJson({{"templates", out}});
      } else if (list_r->empty()) {
        std::cout << "no notice templates yet: add one with 'proprio notice add'\n";
      } else {
        std::printf("%-6s %-9s %-11s %s\n", "ID", "KIND", "CHANNEL", "NAME");
        for (const auto& t : *list_r) {
          std::printf("%-6lld %-9s %-11s %s\n", static_cast<long long>(t.id),
                      std::string(rules::NoticeKindName(t.input.notice.kind)).c_str(),
                      std::string(rules::NoticeChannelName(t.input.notice.channel)).c_str(),
                      t.input.name.c_str());
        }
      }
      return 0;
    };
  });

  struct SendArgs {
    int64_t carrier = 0;
    int64_t template_id = 0;
    std::vector<std::string> scopes;
    std::string sent_at;
    std::vector<int64_t> customers;
    bool all = false;
    bool email_consent = false;
  };
  auto s = std::make_shared<SendArgs>();
  CLI::App* send = AddCommand(*group, "send",
                              "Record that a stored notice was sent (or mailed) to customers: "
                              "one event per customer; an opt-out notice starts the 30-day "
                              "wait (mail: from the third day after mailing)");
  send->add_option("--carrier", s->carrier, "carrier id")->required();
  send->add_option("--template", s->template_id, "the stored template's id")->required();
  send->add_option("--scope", s->scopes, "the approval solicited (repeatable or comma-separated)")
      ->delimiter(',')
      ->required();
  send->add_option("--sent-at", s->sent_at, "when it was sent or mailed (default: now)");
  send->add_option("--customer", s->customers, "a recipient (repeatable or comma-separated)")
      ->delimiter(',');
  send->add_flag("--all-customers", s->all, "every customer of the carrier");
  send->add_flag("--email-consent-on-file", s->email_consent,
                 "e-mailed opt-out notices: the customers' prior consent to e-mail is on file "
                 "(47 CFR 64.2008(d)(3)(i))");
  send->callback([&ctx, s] {
    ctx.action = [&ctx, s]() -> int {
      services::NoticeSendRequest req;
      req.template_id = s->template_id;
      auto scopes = ParseScopes(s->scopes);
      if (!scopes.ok()) return Fail(ctx, scopes.status());
      req.scopes = *scopes;
      auto at = ParseInstantOption(s->sent_at, "sent_at");
      if (!at.ok()) return Fail(ctx, at.status());
      req.sent_at = *at;
      for (int64_t id : s->customers) req.customers.push_back(CustomerId(id));
      req.all_customers = s->all;
      req.email_consent_on_file = s->email_consent;
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto report = services::SendNotice(**store, CarrierId(s->carrier), req, ctx.actor());
      if (!report.ok()) return Fail(ctx, report.status());
      if (ctx.global.json) {
        PrintJson(services::NoticeSendReportToJson(*report));
      } else {
        std::cout << "notice " << report->notice_id << " ("
                  << rules::NoticeKindName(report->kind) << ", "
                  << rules::NoticeChannelName(report->channel) << ") recorded for "
                  << report->customers << " customers\n";
      }
      return 0;
    };
  });
}

// ---- policies ----

void RegisterPolicyGroup(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(
      app, "policy",
      "Carrier CPNI policies (TOML, policies/examples/seed-carrier.toml): check one against "
      "the FCC floor, set a carrier's (versioned), show it");
  group->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  CLI::App* check = AddCommand(*group, "check",
                               "Check a policy file against the FCC floor: a looser policy is "
                               "refused naming the key and the rule it would break");
  check->add_option("file", *file, "the policy, TOML ('-': standard input)")->required();
  check->callback([&ctx, file] {
    ctx.action = [&ctx, file]() -> int {
      auto text = ReadInput(*file, "file");
      if (!text.ok()) return Fail(ctx, text.status());
      auto p = services::CheckPolicy(*text);
      if (!p.ok()) return Fail(ctx, p.status());
      services::StoredPolicy sp;
      sp.policy = *p;
      if (ctx.global.json) {
        json j = services::PolicySummaryJson(sp);
        j["valid"] = true;
        PrintJson(j);
      } else {
        std::cout << "policy '" << p->name << "' version " << p->version
                  << " is at least as strict as the FCC floor (fcc-2007 and fcc-2024)\n"
                  << "  approval: " << rules::ApprovalModeName(p->approval_mode)
                  << ", third parties: " << rules::ThirdPartySharingName(p->third_parties)
                  << "\n";
      }
      return 0;
    };
  });

  struct SetArgs {
    int64_t carrier = 0;
    std::string file;
  };
  auto set_args = std::make_shared<SetArgs>();
  CLI::App* set = AddCommand(*group, "set",
                             "Make a policy file the carrier's policy in force (its version "
                             "must be above the current one); recorded in the ledger");
  set->add_option("--carrier", set_args->carrier, "carrier id")->required();
  set->add_option("file", set_args->file, "the policy, TOML ('-': standard input)")->required();
  set->callback([&ctx, set_args] {
    ctx.action = [&ctx, set_args]() -> int {
      auto text = ReadInput(set_args->file, "file");
      if (!text.ok()) return Fail(ctx, text.status());
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto p = services::SetPolicy(**store, CarrierId(set_args->carrier), *text, ctx.actor());
      if (!p.ok()) return Fail(ctx, p.status());
      if (ctx.global.json) {
        PrintJson(services::PolicySummaryJson(*p));
      } else {
        std::cout << "carrier " << set_args->carrier << " policy version " << p->policy.version
                  << " ('" << p->policy.name << "') in force (ledger entry " << p->ledger_seq
                  << ")\n";
      }
      return 0;
    };
  });

  struct ShowArgs {
    int64_t carrier = 0;
    int64_t version = -1;
    bool toml = false;
    bool history = false;
  };
  auto show_args = std::make_shared<ShowArgs>();
  CLI::App* show = AddCommand(*group, "show",
                              "The carrier's policy in force (or --version N), or every "
                              "version with --history");
  show->add_option("--carrier", show_args->carrier, "carrier id")->required();
  show->add_option("--version", show_args->version, "a stored version (0: the FCC floor)");
  show->add_flag("--toml", show_args->toml, "print the policy's TOML as stored");
  show->add_flag("--history", show_args->history, "list every stored version");
  show->callback([&ctx, show_args] {
    ctx.action = [&ctx, show_args]() -> int {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      const CarrierId carrier(show_args->carrier);
      std::vector<services::StoredPolicy> policies;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        RETURN_IF_ERROR(tx.GetCarrier(carrier).status());
        if (show_args->history) {
          ASSIGN_OR_RETURN(policies, services::LoadPolicyHistory(tx, carrier));
        } else if (show_args->version >= 0) {
          ASSIGN_OR_RETURN(auto p, services::LoadPolicyVersion(tx, carrier, show_args->version));
          policies.push_back(std::move(p));
        } else {
          ASSIGN_OR_RETURN(auto p, services::LoadCurrentPolicy(tx, carrier));
          policies.push_back(std::move(p));
        }
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      if (show_args->toml && !show_args->history) {
        std::cout << policies[0].toml;
        return 0;
      }
      if (ctx.global.json) {
        json out = json::array();
        for (const auto& p : policies) {
          json j = services::PolicySummaryJson(p);
          j["toml"] = p.toml;
          out.push_back(j);
        }
        PrintJson(show_args->history ? json{{"policies", out}} : out[0]);
        return 0;
      }
      if (policies.empty()) std::cout << "no stored policy: the FCC floor applies (version 0)\n";
      for (const auto& p : policies) {
        const json j = services::PolicySummaryJson(p);
        std::cout << "version " << p.policy.version << ": " << p.policy.name
                  << (p.floor() ? " (no stored policy: the FCC floor)" : "") << "\n";
        if (!p.floor()) {
          std::cout << "  set " << p.set_at.ToRfc3339() << " by " << p.actor << ", sha256 "
                    << p.sha256 << "\n";
        }
        std::cout << "  approval mode:          " << j["approval_mode"].get<std::string>() << "\n"
                  << "  uses without approval:  " << Join(j["uses_without_approval"]) << "\n"
                  << "  third parties:          " << j["third_parties"].get<std::string>() << "\n"
                  << "  written authorization before a new carrier: "
                  << (p.policy.new_carrier_requires_written_authorization ? "yes" : "no") << "\n"
                  << "  joint venturers and contractors: agreement "
                  << (p.policy.jv_contractor_requires_confidentiality_agreement ? "yes" : "no")
                  << ", opt-in " << (p.policy.jv_contractor_requires_opt_in ? "yes" : "no")
                  << "\n";
      }
      return 0;
    };
  });
}

// ---- calendar ----

struct CalendarArgs {
  int64_t carrier = 0;
  std::string time_zone = "America/New_York";
  bool inauguration_day = false;
  std::vector<std::string> closures;
  std::string from;
  std::string to;
  int days = 0;
  int year = 0;
};

// The calendar the options describe: the carrier's (zone and policy), or a
// zone with federal holidays and the given closures.
Result<rules::BusinessCalendar> CalendarFor(const Context& ctx, const CalendarArgs& a) {
  rules::CalendarOptions options;
  options.holidays.inauguration_day = a.inauguration_day;
  for (const std::string& c : a.closures) {
    ASSIGN_OR_RETURN(CivilDate d, ParseDateOption(c, "closure"));
    options.extra_closures.push_back(d);
  }
  if (a.carrier == 0) {
    ASSIGN_OR_RETURN(auto zone, services::LoadTimeZone(a.time_zone));
    return rules::BusinessCalendar(*zone, options);
  }
  ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  services::CarrierRules cr;
  RETURN_IF_ERROR(store->Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(cr, services::LoadCarrierRules(tx, CarrierId(a.carrier)));
    return Status::Ok();
  }));
  rules::CalendarOptions merged = cr.policy->policy.Calendar();
  merged.holidays.inauguration_day |= a.inauguration_day;
  for (const CivilDate& d : options.extra_closures) merged.extra_closures.push_back(d);
  return rules::BusinessCalendar(*cr.zone, merged);
}

void AddCalendarOptions(CLI::App* cmd, CalendarArgs& a) {
  cmd->add_option("--carrier", a.carrier,
                  "use this carrier's time zone and its policy's closures");
  cmd->add_option("--time-zone", a.time_zone, "IANA time zone without --carrier")
      ->capture_default_str();
  cmd->add_flag("--inauguration-day", a.inauguration_day,
                "count Inauguration Day (5 U.S.C. 6103(c), Washington area)");
  cmd->add_option("--closure", a.closures, "an extra closed day, YYYY-MM-DD (repeatable)")
      ->delimiter(',');
}

void RegisterCalendarGroup(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(
      app, "calendar",
      "The business-day calendar deadlines are computed with: federal holidays (5 U.S.C. "
      "6103, observed dates), the carrier's time zone and closures");
  group->require_subcommand(1);

  auto h = std::make_shared<CalendarArgs>();
  CLI::App* holidays = AddCommand(*group, "holidays", "The holidays observed in a year");
  holidays->add_option("--year", h->year, "calendar year")->required()->check(CLI::Range(1900, 2200));
  AddCalendarOptions(holidays, *h);
  holidays->callback([&ctx, h] {
    ctx.action = [&ctx, h]() -> int {
      auto cal = CalendarFor(ctx, *h);
      if (!cal.ok()) return Fail(ctx, cal.status());
      json out = json::array();
      for (const rules::Holiday& d : rules::Holidays(h->year, cal->options().holidays)) {
        out.push_back({{"date", d.date.ToString()},
                       {"actual", d.actual.ToString()},
                       {"name", std::string(d.name)}});
      }
      json closures = json::array();
      for (const CivilDate& d : cal->options().extra_closures) {
        if (d.year == h->year) closures.push_back(d.ToString());
      }
      if (ctx.global.json) {
        PrintJson({{"year", h->year},
                   {"time_zone", cal->zone().name()},
                   {"holidays", out},
                   {"extra_closures", closures}});
      } else {
        for (const json& d : out) {
          std::cout << d["date"].get<std::string>() << "  " << d["name"].get<std::string>();
          if (d["date"] != d["actual"]) {
            std::cout << " (observed; falls on " << d["actual"].get<std::string>() << ")";
          }
          std::cout << "\n";
        }
        for (const json& d : closures) std::cout << d.get<std::string>() << "  closed (policy)\n";
      }
      return 0;
    };
  });

  auto a = std::make_shared<CalendarArgs>();
  CLI::App* add = AddCommand(*group, "add-business-days",
                             "The Nth business day after a date (the date itself never "
                             "counts) and the instant an obligation due that day ends");
  add->add_option("--from", a->from, "the trigger date, YYYY-MM-DD")->required();
  add->add_option("--days", a->days, "business days to add (negative: before)")->required();
  AddCalendarOptions(add, *a);
  add->callback([&ctx, a] {
    ctx.action = [&ctx, a]() -> int {
      auto from = ParseDateOption(a->from, "from");
      if (!from.ok()) return Fail(ctx, from.status());
      auto cal = CalendarFor(ctx, *a);
      if (!cal.ok()) return Fail(ctx, cal.status());
      const CivilDate day = cal->AddBusinessDays(*from, a->days);
      const Instant due = cal->DueInstant(day);
      if (ctx.global.json) {
        PrintJson({{"from", from->ToString()},
                   {"days", a->days},
                   {"date", day.ToString()},
                   {"due", due.ToRfc3339()},
                   {"time_zone", cal->zone().name()}});
      } else {
        std::cout << day.ToString() << "  (due by the end of that day in " << cal->zone().name()
                  << ": " << due.ToRfc3339() << ")\n";
      }
      return 0;
    };
  });

  auto c = std::make_shared<CalendarArgs>();
  CLI::App* count = AddCommand(*group, "count-business-days",
                               "Business days d with FROM < d <= TO");
  count->add_option("--from", c->from, "YYYY-MM-DD")->required();
  count->add_option("--to", c->to, "YYYY-MM-DD")->required();
  AddCalendarOptions(count, *c);
  count->callback([&ctx, c] {
    ctx.action = [&ctx, c]() -> int {
      auto from = ParseDateOption(c->from, "from");
      if (!from.ok()) return Fail(ctx, from.status());
      auto to = ParseDateOption(c->to, "to");
      if (!to.ok()) return Fail(ctx, to.status());
      auto cal = CalendarFor(ctx, *c);
      if (!cal.ok()) return Fail(ctx, cal.status());
      const int n = cal->CountBusinessDays(*from, *to);
      if (ctx.global.json) {
        PrintJson({{"from", from->ToString()}, {"to", to->ToString()}, {"business_days", n}});
      } else {
        std::cout << n << "\n";
      }
      return 0;
    };
  });
}

}  // namespace

void RegisterDecisions(CLI::App& app, Context& ctx) {
  RegisterDecide(app, ctx);
  RegisterConsentGroup(app, ctx);
  RegisterNoticeGroup(app, ctx);
  RegisterPolicyGroup(app, ctx);
  RegisterCalendarGroup(app, ctx);
}

}  // namespace proprio::cli
