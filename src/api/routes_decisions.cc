// /v1/carriers/{carrier}/decisions, consent, notices, policy and calendar:
// the HTTP face of services/decisions, consent, notices and policies.
//
// One DecisionService per Api, shared by these routes: its in-memory
// approval index loads in the background when the Api starts (decisions read
// the store until it is ready), follows the ledger, and catches up at once
// after a consent, notice or policy write made here. Decisions are logged
// through group commit and answered once durable, each with its decision_id.
#include <charconv>

#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/consent.h"
#include "services/decisions.h"
#include "services/notices.h"
#include "services/policies.h"

namespace proprio::api {

using nlohmann::json;

namespace {

// Who may ask for a decision: everyone who may act on CPNI.
const std::vector<Role> kDeciders = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                     Role::kSupervisor,        Role::kCsr,
                                     Role::kMarketing,         Role::kSecurity,
                                     Role::kSystem};
const std::vector<Role> kDecisionReaders = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                            Role::kSupervisor, Role::kSecurity, Role::kAuditor,
                                            Role::kSystem};
const std::vector<Role> kConsentReaders = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                           Role::kSupervisor,        Role::kCsr,
                                           Role::kMarketing,         Role::kSecurity,
                                           Role::kAuditor,           Role::kSystem};
const std::vector<Role> kConsentWriters = {Role::kComplianceOfficer, Role::kSupervisor,
                                           Role::kCsr, Role::kSystem};
const std::vector<Role> kNoticeWriters = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                          Role::kSupervisor, Role::kSystem};
const std::vector<Role> kPolicyWriters = {Role::kAdmin, Role::kComplianceOfficer,
                                          Role::kGeneralCounsel};

// ---- schemas (inline: the OpenAPI components belong to openapi.cc) ----

json Str() { return {{"type", "string"}}; }
json Int() { return {{"type", "integer"}}; }
json Bool() { return {{"type", "boolean"}}; }
json Arr(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json Time() { return {{"type", "string"}, {"format", "date-time"}}; }
json Enum(std::vector<std::string> names) { return {{"type", "string"}, {"enum", names}}; }

template <typename E, typename F>
json EnumOf(int count, F name) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.emplace_back(name(static_cast<E>(i)));
  return Enum(out);
}

json ScopeEnum() {
  return EnumOf<rules::ApprovalScope>(rules::kApprovalScopeCount, rules::ApprovalScopeName);
}

json PurposeSchema() {
  json p = EnumOf<rules::Purpose>(rules::kPurposeCount, rules::PurposeName);
  p["enum"].push_back("billing");
  p["enum"].push_back("service");
  p["description"] =
      "why, in plain terms: `marketing` (with `offering` and `service_category`: the legal "
      "category is derived from them and the customer's services on record, 47 CFR 64.2005), "
      "`billing` (= billing_collection), `service` (= provide_service), or another purpose. "
      "Deprecated, accepted for one release as aliases of `marketing`: "
      "marketing_same_category, marketing_other_category, marketing_cpe_info_services, "
      "marketing_adjunct_to_basic; when the facts contradict one, the facts decide and the "
      "answer has label_overridden = true.";
  return p;
}

json DecisionRequestSchema() {
  json context = {{"type", "object"},
                  {"description",
                   "context flags (rules::ContextFlag names) with boolean values, plus "
                   "`channel` (customer_account_access), `call_id` (one-time consent) and "
                   "`written_request_document` (with written_authorization: the document id of "
                   "the customer's affirmative written request on record, 47 U.S.C. 222(c)(2); "
                   "required to provide service through a new carrier)"},
                  {"properties",
                   {{"channel", EnumOf<rules::AccessChannel>(rules::kAccessChannelCount,
                                                             rules::AccessChannelName)},
                    {"call_id", Str()},
                    {"written_request_document", {{"type", "string"}, {"maxLength", 64}}}}},
                  {"additionalProperties", Bool()}};
  for (int i = 0; i < rules::kContextFlagCount; ++i) {
    context["properties"][std::string(rules::ContextFlagName(static_cast<rules::ContextFlag>(i)))] =
        Bool();
  }
  context["additionalProperties"] = false;
  return {{"type", "object"},
          {"required", {"customer", "action", "purpose", "cpni", "service_category", "at"}},
          {"additionalProperties", false},
          {"properties",
           {{"customer", Int()},
            {"action", EnumOf<rules::Action>(rules::kActionCount, rules::ActionName)},
            {"purpose", PurposeSchema()},
            {"recipient",
             {{"type", "object"},
              {"required", {"kind"}},
              {"additionalProperties", false},
              {"properties",
               {{"kind", EnumOf<rules::RecipientKind>(rules::kRecipientKindCount,
                                                      rules::RecipientKindName)},
                {"id", Int()}}}}},
            {"cpni", Arr(EnumOf<rules::CpniCategory>(rules::kCpniCategoryCount,
                                                     rules::CpniCategoryName))},
            {"service_category", Enum({"local", "interexchange", "cmrs", "interconnected_voip"})},
            {"offering", EnumOf<rules::Offering>(rules::kOfferingCount, rules::OfferingName)},
            {"context", context},
            {"at", Time()}}}};
}

json DecisionSchema() {
  return {{"type", "object"},
          {"required",
           {"allowed", "basis", "reason", "requires", "rule_set", "policy_version", "decision_id"}},
          {"properties",
           {{"allowed", Bool()},
            {"basis", Arr(Str())},
            {"reason", Str()},
            {"requires",
             Arr({{"type", "object"},
                  {"required", {"kind"}},
                  {"properties",
                   {{"kind", EnumOf<rules::RequirementKind>(rules::kRequirementKindCount,
                                                            rules::RequirementKindName)},
                    {"scope", ScopeEnum()},
                    {"any_of", Int()}}}})},
            {"rule_set", Enum({"fcc-2007", "fcc-2024"})},
            {"policy_version", Int()},
            {"decision_id", Int()},
            {"legal_category",
             {{"type", "string"},
              {"description",
               "the purpose the rules were applied to; for marketing, the legal category "
               "derived from the facts (offering, the service the CPNI comes from, the "
               "customer's services on record; 47 CFR 64.2005)"}}},
            {"label_overridden",
             {{"type", "boolean"},
              {"description",
               "the request's marketing_* purpose label contradicted the facts, which decided "
               "(see legal_category and note)"}}},
            {"note", Str()}}}};
}

json ConsentEventInputSchema() {
  return {{"type", "object"},
          {"required", {"kind", "at"}},
          {"additionalProperties", false},
          {"properties",
           {{"kind", EnumOf<rules::ApprovalEventKind>(rules::kApprovalEventKindCount,
                                                      rules::ApprovalEventKindName)},
            {"at", Time()},
            {"scopes", Arr(ScopeEnum())},
            {"notice_id", Int()},
            {"notice_channel", EnumOf<rules::NoticeChannel>(rules::kNoticeChannelCount,
                                                            rules::NoticeChannelName)},
            {"email_consent_on_file", Bool()},
            {"evidence",
             {{"type", "object"},
              {"required", {"channel"}},
              {"additionalProperties", false},
              {"properties",
               {{"channel", EnumOf<rules::ConsentChannel>(rules::kConsentChannelCount,
                                                          rules::ConsentChannelName)},
                {"document_id", Str()},
                {"recording_id", Str()},
                {"staff", Int()},
                // 64.2008(a)(1): the notice was given in this same contact;
                // otherwise opt_in_granted and one_time_consent need a notice
                // sent to the customer at or before `at` (409 otherwise).
                {"notice_in_contact", Bool()}}}}},
            {"call_id", Str()},
            {"call_end", Time()}}}};
}

json ConsentEventSchema() {
  json s = ConsentEventInputSchema();
  s.erase("additionalProperties");
  s["properties"]["id"] = Int();
  s["properties"]["customer"] = Int();
  s["properties"]["recorded_at"] = Time();
  s["properties"]["actor"] = Str();
  s["properties"]["ledger_seq"] = Int();
  s["required"] = {"id", "customer", "kind", "at", "scopes", "ledger_seq"};
  return s;
}

json ConsentStatusSchema() {
  const json nullable_time = {{"type", json::array({"string", "null"})}, {"format", "date-time"}};
  return {{"type", "object"},
          {"required", {"customer", "at", "opt_in", "opt_out", "opt_out_pending", "disapproved"}},
          {"properties",
           {{"customer", Int()},
            {"at", Time()},
            {"opt_in", Arr(ScopeEnum())},
            {"opt_out", Arr(ScopeEnum())},
            {"opt_out_pending", Arr(ScopeEnum())},
            {"disapproved", Arr(ScopeEnum())},
            {"opt_out_assumed_from", nullable_time},
            {"opt_out_lapses_at", nullable_time},
            {"opt_out_lapsed", Arr(ScopeEnum())},
            {"opt_out_lapsed_at", nullable_time},
            {"opt_out_lapsed_on",
             {{"type", json::array({"string", "null"})}, {"format", "date"}}},
            {"last_opt_out_notice",
             {{"oneOf",
               {{{"type", "object"},
                 {"additionalProperties", false},
                 {"required", {"notice_id", "sent_at", "channel", "scopes"}},
                 {"properties",
                  {{"notice_id", Int()},
                   {"sent_at", Time()},
                   {"channel", Str()},
                   {"scopes", Arr(ScopeEnum())}}}},
                {{"type", "null"}}}}}},
            {"one_time",
             {{"oneOf",
               {{{"type", "object"},
                 {"additionalProperties", false},
                 {"required", {"scopes", "from", "until"}},
                 {"properties",
                  {{"scopes", Arr(ScopeEnum())}, {"from", Time()}, {"until", Time()}}}},
                {{"type", "null"}}}}}},
            {"approval_mode", Enum({"floor", "opt_in_only"})},
            {"policy_version", Int()},
            {"rule_set", Str()},
            {"events", Int()}}}};
}

json ChecklistSchema() {
  json props = json::object();
  const json items = services::NoticeChecklistToJson(rules::NoticeTemplate{});
  for (const auto& [k, v] : items.items()) {
    props[k] = v.is_boolean() ? Bool() : Int();
  }
  return {{"type", "object"}, {"additionalProperties", false}, {"properties", props}};
}

json NoticeTemplateInputSchema() {
  return {{"type", "object"},
          {"required", {"name", "kind", "channel", "checklist"}},
          {"additionalProperties", false},
          {"properties",
           {{"name", Str()},
            {"kind", Enum({"opt_out", "opt_in", "one_time"})},
            {"channel", EnumOf<rules::NoticeChannel>(rules::kNoticeChannelCount,
                                                     rules::NoticeChannelName)},
            {"document_ref", Str()},
            {"checklist", ChecklistSchema()}}}};
}

json NoticeTemplateSchema() {
  json s = NoticeTemplateInputSchema();
  s.erase("additionalProperties");
  s["properties"]["id"] = Int();
  s["properties"]["policy_version"] = Int();
  s["properties"]["created_at"] = Time();
  s["properties"]["actor"] = Str();
  s["properties"]["ledger_seq"] = Int();
  s["required"] = {"id", "name", "kind", "channel", "checklist"};
  return s;
}

json DefectsSchema() {
  return Arr({{"type", "object"},
              {"properties", {{"item", Str()}, {"citation", Str()}, {"message", Str()}}}});
}

json PolicySummarySchema() {
  return {{"type", "object"},
          {"required", {"version", "name", "approval_mode"}},
          {"properties",
           {{"version", Int()},
            {"name", Str()},
            {"floor", Bool()},
            {"approval_mode", Enum({"floor", "opt_in_only"})},
            {"uses_without_approval", Arr(Str())},
            {"third_parties", Enum({"floor", "never"})},
            {"new_carrier_requires_written_authorization", Bool()},
            {"jv_contractor_requires_confidentiality_agreement", Bool()},
            {"jv_contractor_requires_opt_in", Bool()},
            {"agent_requires_limited_use_certification", Bool()},
            {"dealer_requires_limited_use_certification", Bool()},
            {"phone_requires_password_for_all_cpni", Bool()},
            {"service_initiation_days", Int()},
            {"opt_out_wait_days", Int()},
            {"sha256", Str()},
            {"set_at", Time()},
            {"actor", Str()},
            {"ledger_seq", Int()},
            {"toml", Str()}}}};
}

// ---- helpers ----

services::DecisionServiceOptions DecisionOptionsOf(const ApiOptions& api) {
  services::DecisionServiceOptions o;
  o.rules = api.rules;
  return o;
}

struct Shared {
  explicit Shared(Api& api) : service(api.store(), DecisionOptionsOf(api.options())) {
    service.Start();
  }
  services::DecisionService service;
};

Result<Instant> QueryInstant(const Request& req, const std::string& name) {
  const std::string text = req.Query(name);
  if (text.empty()) return Instant::Now();
  auto t = Instant::Parse(text);
  if (!t.ok()) {
    return Status::InvalidArgument(
        name + ": '" + text.substr(0, 64) + "' is not an RFC 3339 instant such as "
        "2024-03-13T14:05:00Z",
        name);
  }
  return *t;
}

Result<std::string> TomlBody(const Request& req) {
  const std::string type = req.content_type.substr(0, req.content_type.find(';'));
  if (type != "application/toml") {
    return Status::InvalidArgument(
        "send the policy as application/toml (Content-Type was '" + req.content_type + "')",
        "Content-Type");
  }
  return req.body;
}

// Each piece is a decision's JSON object without decision_id; the id goes in
// as its last member.
void SendDecisions(const std::shared_ptr<Call>& call, bool batch,
                   const std::vector<rules::Decision>& decisions,
                   const std::vector<std::string>& pieces) {
  Response r;
  size_t size = 32;
  for (const std::string& p : pieces) size += p.size() + 32;
  r.body.reserve(size);
  if (batch) r.body += "{\"decisions\":[";
  for (size_t i = 0; i < decisions.size() && i < pieces.size(); ++i) {
    if (i) r.body += ',';
    r.body.append(pieces[i], 0, pieces[i].size() - 1);
    r.body += ",\"decision_id\":";
    r.body += std::to_string(decisions[i].decision_id);
    r.body += '}';
  }
  if (batch) r.body += "]}";
  call->Send(std::move(r));
}

}  // namespace

json DecisionRequestSchemaForRoutes() { return DecisionRequestSchema(); }
json DecisionAnswerSchemaForRoutes() { return DecisionSchema(); }

void AddDecisionRoutes(Api& api, std::vector<RouteSpec>& routes) {
  auto shared = std::make_shared<Shared>(api);
  const std::string base = "/v1/carriers/{carrier}";
  const std::string customer = base + "/customers/{customer}";

  // ---- decisions ----
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/decisions",
      .summary = "Decide whether CPNI may be used, disclosed or accessed (47 CFR 64.2005, "
                 "64.2007, 64.2010; the carrier's policy): one request or {\"requests\": "
                 "[...]}; each decision is logged and carries its decision_id",
      .tag = "decisions",
      .roles = kDeciders,
      .query = {{"rule_set", "string",
                 "what-if: decide under fcc-2007 or fcc-2024 instead of the set in force at "
                 "each request's instant"}},
      .request_type = "application/json",
      .request_schema = {{"oneOf",
                          {DecisionRequestSchema(),
                           {{"type", "object"},
                            {"required", {"requests"}},
                            {"additionalProperties", false},
                            {"properties",
                             {{"requests", {{"type", "array"},
                                            {"minItems", 1},
                                            {"maxItems", services::kMaxDecisionBatch},
                                            {"items", DecisionRequestSchema()}}}}}}}}},
      .response_schema = {{"oneOf",
                           {DecisionSchema(),
                            {{"type", "object"},
                             {"required", {"decisions"}},
                             {"properties", {{"decisions", Arr(DecisionSchema())}}}}}}},
      .handler =
          [shared](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            bool batch = false;
            auto requests = services::DecisionRequestsFromJson(*body, &batch);
            if (!requests.ok()) return call->Fail(requests.status());
            services::DecideOptions options;
            options.rule_set = call->req.Query("rule_set");
            // The answer is serialised here, on a worker; once the log is
            // durable the writer's callback only fills in the ids.
            auto pieces = std::make_shared<std::vector<std::string>>();
            shared->service.DecideAsync(
                call->carrier, std::move(*requests), options, call->actor, batch,
                [call, batch, pieces](Result<std::vector<rules::Decision>> decided) {
                  if (!decided.ok()) return call->Fail(decided.status());
                  SendDecisions(call, batch, *decided, *pieces);
                },
                [&pieces = *pieces](const std::vector<rules::Decision>& decided) {
                  pieces.reserve(decided.size());
                  for (const rules::Decision& d : decided) {
                    json j = services::DecisionToJson(d);
                    j.erase("decision_id");
                    pieces.push_back(j.dump(-1, ' ', false, json::error_handler_t::replace));
                  }
                });
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/decisions/{decision}",
      .summary = "A logged decision: the request, the answer, who asked and when",
      .tag = "decisions",
      .roles = kDecisionReaders,
      .response_schema = {{"type", "object"},
                          {"properties",
                           {{"decision_id", Int()},
                            {"allowed", Bool()},
                            {"basis", Arr(Str())},
                            {"reason", Str()},
                            {"requires", DecisionSchema()["properties"]["requires"]},
                            {"rule_set", Str()},
                            {"what_if", Bool()},
                            {"policy_version", Int()},
                            {"decided_at", Time()},
                            {"actor", Str()},
                            {"request", DecisionRequestSchema()}}}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("decision");
            if (!id.ok()) return call->Fail(id.status());
            std::optional<store::DecisionRow> row;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(row, tx.GetDecision(call->carrier, *id));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            if (!row) return call->Fail(Status::NotFound("no decision " + std::to_string(*id)));
            call->Json(200, services::DecisionRowToJson(*row));
          }});

  // ---- consent ----
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = customer + "/consent-events",
      .summary = "Record an approval event (opt-out elected or withdrawn, opt-in granted, "
                 "limited or revoked with evidence, one-time consent on a call, call ended, "
                 "notice bounced); appended to the ledger as approval.<kind>. An opt-in grant "
                 "or one-time consent for a customer sent no notice is refused (47 CFR "
                 "64.2008(a)(1)) unless evidence.notice_in_contact",
      .tag = "consent",
      .roles = kConsentWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = ConsentEventInputSchema(),
      .success_status = 201,
      .response_schema = ConsentEventSchema(),
      .location = "/v1/carriers/{carrier}/ledger/entries/{/ledger_seq}",
      .handler =
          [&api, shared](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto event = services::ApprovalEventFromJson(*body);
            if (!event.ok()) return call->Fail(event.status());
            auto rec = services::RecordConsent(api.store(), call->carrier, CustomerId(*id), *event,
                                               call->actor);
            if (!rec.ok()) return call->Fail(rec.status());
            (void)shared->service.Changed(call->carrier);  // the periodic catch-up retries
            call->Json(201, services::ApprovalEventToJson(*rec));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = customer + "/consent",
      .summary = "The customer's approval status at an instant (default now), derived from "
                 "the approval events under the carrier's policy",
      .tag = "consent",
      .roles = kConsentReaders,
      .query = {{"at", "string", "the instant, RFC 3339 (default: now)"}},
      .response_schema = ConsentStatusSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto at = QueryInstant(call->req, "at");
            if (!at.ok()) return call->Fail(at.status());
            auto report = services::ConsentStatus(api.store(), call->carrier, CustomerId(*id), *at);
            if (!report.ok()) return call->Fail(report.status());
            call->Json(200, services::ConsentReportToJson(*report));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = customer + "/consent-events",
      .summary = "The customer's approval events by id (the order they were recorded), a page "
                 "at a time; the status folds them by their instant, then id",
      .tag = "consent",
      .roles = kConsentReaders,
      .query = PageQuery(),
      .response_schema = PageSchema("events", ConsentEventSchema()),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            auto events = services::ConsentHistory(api.store(), call->carrier, CustomerId(*id),
                                                   page->after, page->limit);
            if (!events.ok()) return call->Fail(events.status());
            call->Json(200, PageJson("events", *events, services::ApprovalEventToJson));
          }});

  // ---- notices ----
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/notice-templates/check",
      .summary = "Check a notice template against 47 CFR 64.2008(c)-(f) and the carrier's "
                 "policy without storing it",
      .tag = "notices",
      .roles = kDeciders,
      .request_type = "application/json",
      .request_schema = NoticeTemplateInputSchema(),
      .response_schema = {{"type", "object"},
                          {"required", {"usable", "defects"}},
                          {"properties", {{"usable", Bool()}, {"defects", DefectsSchema()}}}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto in = services::NoticeTemplateFromJson(*body);
            if (!in.ok()) return call->Fail(in.status());
            services::StoredPolicy policy;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              RETURN_IF_ERROR(tx.GetCarrier(call->carrier).status());
              ASSIGN_OR_RETURN(policy, services::LoadCurrentPolicy(tx, call->carrier));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            const auto defects = services::CheckNotice(in->notice, &policy.policy);
            call->Json(200, {{"usable", defects.empty()},
                             {"defects", services::NoticeDefectsToJson(defects)}});
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/notice-templates",
      .summary = "Store a notice template once it passes the 64.2008 check (400 naming the "
                 "first missing item and listing every one otherwise)",
      .tag = "notices",
      .roles = kNoticeWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = NoticeTemplateInputSchema(),
      .success_status = 201,
      .response_schema = NoticeTemplateSchema(),
      .location = base + "/notice-templates/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto in = services::NoticeTemplateFromJson(*body);
            if (!in.ok()) return call->Fail(in.status());
            auto t = services::AddNoticeTemplate(api.store(), call->carrier, *in, call->actor);
            if (!t.ok()) return call->Fail(t.status());
            call->Json(201, services::NoticeTemplateToJson(*t));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/notice-templates",
      .summary = "The carrier's notice templates, by id, a page at a time",
      .tag = "notices",
      .roles = kConsentReaders,
      .query = PageQuery(),
      .response_schema = PageSchema("templates", NoticeTemplateSchema()),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            auto list = services::ListNoticeTemplates(api.store(), call->carrier, page->after,
                                                      page->limit);
            if (!list.ok()) return call->Fail(list.status());
            call->Json(200, PageJson("templates", *list, services::NoticeTemplateToJson));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/notice-templates/{template}",
      .summary = "One notice template",
      .tag = "notices",
      .roles = kConsentReaders,
      .response_schema = NoticeTemplateSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("template");
            if (!id.ok()) return call->Fail(id.status());
            auto t = services::GetNoticeTemplate(api.store(), call->carrier, *id);
            if (!t.ok()) return call->Fail(t.status());
            call->Json(200, services::NoticeTemplateToJson(*t));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/notices",
      .summary = "Record that a stored notice was sent (or mailed) to customers: one ledger "
                 "event per customer; an opt-out notice starts the 64.2008(d) waiting period",
      .tag = "notices",
      .roles = kNoticeWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = {{"type", "object"},
                         {"required", {"template", "scopes", "sent_at"}},
                         {"additionalProperties", false},
                         {"properties",
                          {{"template", Int()},
                           {"scopes", Arr(ScopeEnum())},
                           {"sent_at", Time()},
                           {"email_consent_on_file", Bool()},
                           {"customers", Arr(Int())},
                           {"all_customers", Bool()}}}},
      .success_status = 201,
      .response_schema = {{"type", "object"},
                          {"properties",
                           {{"notice_id", Int()},
                            {"template", Int()},
                            {"kind", Str()},
                            {"channel", Str()},
                            {"scopes", Arr(ScopeEnum())},
                            {"sent_at", Time()},
                            {"customers", Int()},
                            {"ledger_seq", Int()}}}},
      .location = "/v1/carriers/{carrier}/ledger/entries/{/ledger_seq}",
      .handler =
          [&api, shared](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto req = services::NoticeSendFromJson(*body);
            if (!req.ok()) return call->Fail(req.status());
            auto report = services::SendNotice(api.store(), call->carrier, *req, call->actor);
            if (!report.ok()) return call->Fail(report.status());
            (void)shared->service.Changed(call->carrier);
            call->Json(201, services::NoticeSendReportToJson(*report));
          }});

  // ---- policies ----
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/policy",
      .summary = "The carrier's CPNI policy in force (or ?version=N; 0 is the FCC floor), with "
                 "its TOML",
      .tag = "policies",
      .query = {{"version", "integer", "a stored version"}},
      .response_schema = PolicySummarySchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto version = QueryInt(call->req, "version", -1, 0, INT64_MAX / 2);
            if (!version.ok()) return call->Fail(version.status());
            services::StoredPolicy p;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              RETURN_IF_ERROR(tx.GetCarrier(call->carrier).status());
              if (*version >= 0) {
                ASSIGN_OR_RETURN(p, services::LoadPolicyVersion(tx, call->carrier, *version));
              } else {
                ASSIGN_OR_RETURN(p, services::LoadCurrentPolicy(tx, call->carrier));
              }
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            json j = services::PolicySummaryJson(p);
            j["toml"] = p.toml;
            call->Json(200, j);
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/policy/versions",
      .summary = "The stored versions of the carrier's policy, oldest first, a page at a time "
                 "(the cursor is a version)",
      .tag = "policies",
      .query = PageQuery(),
      .response_schema = PageSchema("policies", PolicySummarySchema()),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            store::Page<services::StoredPolicy> list;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              RETURN_IF_ERROR(tx.GetCarrier(call->carrier).status());
              ASSIGN_OR_RETURN(list, services::LoadPolicyHistory(tx, call->carrier, page->after,
                                                                 page->limit));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            call->Json(200, PageJson("policies", list, services::PolicySummaryJson));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/policy/versions",
      .summary = "Put a new policy version in force (TOML; its version must be above the "
                 "current one). A policy looser than the FCC floor is refused naming the key "
                 "and the rule; recorded in the ledger as policy.set",
      .tag = "policies",
      .roles = kPolicyWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/toml",
      .request_schema = {{"type", "string"}},
      .success_status = 201,
      .response_schema = PolicySummarySchema(),
      .location = base + "/policy",
      .handler =
          [&api, shared](const std::shared_ptr<Call>& call) {
            auto text = TomlBody(call->req);
            if (!text.ok()) return call->Fail(text.status());
            auto p = services::SetPolicy(api.store(), call->carrier, *text, call->actor);
            if (!p.ok()) return call->Fail(p.status());
            (void)shared->service.Changed(call->carrier);
            call->Json(201, services::PolicySummaryJson(*p));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = "/v1/policies/check",
      .summary = "Check a policy (TOML) against the FCC floor without storing it",
      .tag = "policies",
      .request_type = "application/toml",
      .request_schema = {{"type", "string"}},
      .response_schema = PolicySummarySchema(),
      .handler =
          [](const std::shared_ptr<Call>& call) {
            auto text = TomlBody(call->req);
            if (!text.ok()) return call->Fail(text.status());
            auto p = services::CheckPolicy(*text);
            if (!p.ok()) return call->Fail(p.status());
            services::StoredPolicy sp;
            sp.policy = *p;
            call->Json(200, services::PolicySummaryJson(sp));
          }});

  // ---- calendar ----
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/calendar/holidays",
      .summary = "Federal holidays observed in a year (5 U.S.C. 6103) and the policy's "
                 "closures",
      .tag = "calendar",
      .query = {{"year", "integer", "calendar year (default: this year)"}},
      .response_schema = {{"type", "object"},
                          {"properties",
                           {{"year", Int()},
                            {"time_zone", Str()},
                            {"holidays", Arr({{"type", "object"},
                                              {"properties",
                                               {{"date", Str()},
                                                {"actual", Str()},
                                                {"name", Str()}}}})},
                            {"extra_closures", Arr(Str())}}}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto year = QueryInt(call->req, "year", UtcDate(Instant::Now()).year, 1900, 2200);
            if (!year.ok()) return call->Fail(year.status());
            services::CarrierRules cr;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(cr, services::LoadCarrierRules(tx, call->carrier));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            const rules::BusinessCalendar cal = cr.Calendar();
            json holidays = json::array();
            for (const rules::Holiday& h :
                 rules::Holidays(static_cast<int>(*year), cal.options().holidays)) {
              holidays.push_back({{"date", h.date.ToString()},
                                  {"actual", h.actual.ToString()},
                                  {"name", std::string(h.name)}});
            }
            json closures = json::array();
            for (const CivilDate& d : cal.options().extra_closures) {
              if (d.year == *year) closures.push_back(d.ToString());
            }
            call->Json(200, {{"year", *year},
                             {"time_zone", cal.zone().name()},
                             {"holidays", holidays},
                             {"extra_closures", closures}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/calendar/business-days",
      .summary = "The Nth business day after a date in the carrier's calendar, and the "
                 "instant an obligation due that day ends (its end in the carrier's zone)",
      .tag = "calendar",
      .query = {{"from", "string", "the trigger date, YYYY-MM-DD"},
                {"days", "integer", "business days to add (negative: before)"}},
      .response_schema = {{"type", "object"},
                          {"properties",
                           {{"from", Str()},
                            {"days", Int()},
                            {"date", Str()},
                            {"due", Time()},
                            {"time_zone", Str()}}}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto from = CivilDate::Parse(call->req.Query("from"));
            if (!from.ok() || !from->Valid()) {
              return call->Fail(
                  Status::InvalidArgument("from must be a date YYYY-MM-DD", "from"));
            }
            const std::string days_text = call->req.Query("days");
            int64_t days_value = 0;
            const auto parsed = std::from_chars(days_text.data(),
                                                days_text.data() + days_text.size(), days_value);
            if (days_text.empty() || parsed.ec != std::errc() ||
                parsed.ptr != days_text.data() + days_text.size() || days_value < -3650 ||
                days_value > 3650) {
              return call->Fail(Status::InvalidArgument(
                  "days must be an integer between -3650 and 3650", "days"));
            }
            const int64_t* days = &days_value;
            services::CarrierRules cr;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(cr, services::LoadCarrierRules(tx, call->carrier));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            const rules::BusinessCalendar cal = cr.Calendar();
            const CivilDate day = cal.AddBusinessDays(*from, static_cast<int>(*days));
            call->Json(200, {{"from", from->ToString()},
                             {"days", *days},
                             {"date", day.ToString()},
                             {"due", cal.DueInstant(day).ToRfc3339()},
                             {"time_zone", cal.zone().name()}});
          }});
  // Campaign audiences read the same in-memory approval index (no second copy).
  AddCampaignRoutes(api, routes,
                    std::shared_ptr<services::DecisionService>(shared, &shared->service));
}

}  // namespace proprio::api
