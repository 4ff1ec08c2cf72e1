// /v1/carriers/{carrier}/breaches: CPNI breach cases (47 CFR 64.2011) — open,
// list, show with obligations and timeline, record a step, the due list, the
// agency report (JSON, PDF), customer letters (PDF), erasure after the
// retention period; /v1/carriers/{carrier}/breach-summaries/{year}: the
// annual summary of small no-harm breaches. Handlers parse and serialise;
// services/breach.h decides. /metrics gauges: AddBreachGauges.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/breach.h"

namespace proprio::api {

using nlohmann::json;

namespace {

// Who works breach cases; auditors read them.
const std::vector<Role> kBreachWriters = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                          Role::kSecurity};
const std::vector<Role> kBreachReaders = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                          Role::kSecurity, Role::kAuditor};

json S() { return {{"type", "string"}}; }
json I() { return {{"type", "integer"}}; }
json B() { return {{"type", "boolean"}}; }
json A(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json Date() { return {{"type", "string"}, {"format", "date"}}; }
json Time() { return {{"type", "string"}, {"format", "date-time"}}; }

json OpenSchema() {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", {"description", "discovered_how", "discovered_at", "determined_at"}},
          {"properties",
           {{"description", S()},
            {"discovered_how", S()},
            {"discovered_at", Time()},
            {"determined_at", Time()},
            {"cpni", A({{"type", "string"},
                        {"enum", {"call_detail", "location", "usage", "service_configuration",
                                  "billing"}}})},
            {"other_data", A({{"type", "string"}, {"enum", services::BreachOtherDataNames()}})},
            {"intentional", B()},
            {"customers", A(I())},
            {"accounts", A(S())},
            {"affected_count", I()},
            {"affected_unknown", B()},
            {"method", S()},
            {"started_on", Date()},
            {"ended_on", Date()},
            {"estimated_loss_cents", I()},
            {"contact", S()},
            {"rule_set", {{"type", "string"}, {"enum", {"fcc-2007", "fcc-2024"}}}},
            {"breach_2024_effective", Date()}}}};
}

json ActionSchema() {
  json kinds = json::array();
  for (int i = 0; i <= static_cast<int>(services::BreachActionKind::kClosed); ++i) {
    kinds.push_back(services::BreachActionKindName(static_cast<services::BreachActionKind>(i)));
  }
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", {"kind"}},
          {"properties",
           {{"kind", {{"type", "string"}, {"enum", kinds}}},
            {"at", Time()},
            {"agencies", A({{"type", "string"}, {"enum", {"usss", "fbi", "fcc"}}})},
            {"reference", S()},
            // delay_*: fcc and national_security only under fcc-2024.
            {"agency",
             {{"type", "string"},
              {"enum", {"usss", "fbi", "fcc", "other", "national_security"}}}},
            {"requested_on", Date()},
            {"until", Date()},
            {"in_writing", B()},
            {"reasons", S()},
            {"customer", I()},
            {"account", S()},
            {"count", I()},
            {"all_notified", B()},
            {"channel", {{"type", "string"},
                         {"enum", {"mail", "email", "telephone", "text", "in_person", "substitute"}}}},
            {"outcome", {{"type", "string"}, {"enum", {"sent", "delivered", "returned", "failed"}}}},
            {"add_customers", A(I())},
            {"add_accounts", A(S())},
            {"affected_count", I()},
            {"affected_unknown", B()},
            {"year", I()},
            {"notes", S()}}}};
}

json Nullable(json s) {
  if (s.contains("type")) s["type"] = json::array({s["type"], "null"});
  return s;
}
json Closed(json properties, std::vector<std::string> required) {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", std::move(required)},
          {"properties", std::move(properties)}};
}

// services::ObligationToJson; the due list adds carrier, case, time_zone and,
// with a due instant, due_local and time_left (DueItemToJson).
json ObligationSchema(bool due_item = false) {
  json props = {
      {"kind", {{"type", "string"}, {"enum", {"agency_notice", "customer_notice", "annual_summary"}}}},
      {"state", {{"type", "string"}, {"enum", {"open", "met", "not_required"}}}},
      {"recipients", S()},
      {"due", Nullable(Time())},
      {"last_day", Nullable(Date())},
      {"not_before", Nullable(Time())},
      {"blocked_by_agency_notice", B()},
      {"held_by_delay", B()},
      {"met_at", Nullable(Time())},
      {"overdue", B()},
      {"seconds_left", {{"type", {"integer", "null"}}}},
      {"governed_by", S()},
      {"basis", A(S())},
      {"explanation", S()}};
  if (due_item) {
    props["carrier"] = I();
    props["case"] = I();
    props["time_zone"] = S();
    props["due_local"] = {{"type", "string"},
                          {"description", "the due instant in the carrier's zone, RFC 3339"}};
    props["time_left"] = {{"type", "string"}, {"description", "e.g. \"2 days 3 hours\""}};
  }
  std::vector<std::string> required = {"kind", "state", "recipients", "due", "last_day",
                                       "not_before", "met_at", "overdue", "seconds_left",
                                       "governed_by", "basis", "explanation"};
  if (due_item) {
    for (const char* k : {"carrier", "case", "time_zone"}) required.push_back(k);
  }
  return Closed(props, required);
}

// services::BreachCaseToJson.
json CaseSchema() {
  // breach_actions.details by kind (services/breach.h): every field any kind
  // records, each optional.
  const json details =
      Closed({{"agencies", A(S())},
              {"reference", S()},
              {"agency", S()},
              {"requested_on", Date()},
              {"until", Date()},
              {"in_writing", B()},
              {"reasons", S()},
              {"indicated_in", {{"type", "string"}, {"enum", {"agency_notice", "amendment"}}}},
              {"channel", S()},
              {"outcome", S()},
              {"count", I()},
              {"all_notified", B()},
              {"added", A(I())},
              {"affected_count", {{"type", {"integer", "null"}}}},
              {"year", I()},
              {"entries", I()},
              {"letters", I()},
              {"retain_until", Time()},
              {"notes", S()}},
             {});
  return Closed(
      {{"id", I()},
       {"carrier", I()},
       {"state", {{"type", "string"}, {"enum", {"open", "closed"}}}},
       {"time_zone", S()},
       {"opened_at", Time()},
       {"opened_by", S()},
       {"discovered_at", Time()},
       {"discovered_how", S()},
       {"determined_at", Time()},
       {"description", S()},
       {"method", S()},
       {"date_range", Closed({{"start", Nullable(Date())}, {"end", Nullable(Date())}},
                             {"start", "end"})},
       {"cpni", A(S())},
       {"other_data", A(S())},
       {"intentional", B()},
       {"affected", Closed({{"count", {{"type", {"integer", "null"}}}},
                            {"known", B()},
                            {"customers", A(I())}},
                           {"count", "known", "customers"})},
       {"estimated_loss_cents", {{"type", {"integer", "null"}}}},
       {"contact", S()},
       {"rule_set", S()},
       {"breach_regime", S()},
       {"breach_2024_effective", Nullable(Date())},
       {"policy_version", I()},
       {"harm", S()},
       {"urgent", B()},
       {"agencies_notified", {{"type", "array"},
                              {"items", S()},
                              {"description", "the agencies notified so far (fbi, usss)"}}},
       {"delay_until", Nullable(Date())},
       {"obligations", A(ObligationSchema())},
       {"record_retention_years", I()},
       {"closed_at", Nullable(Time())},
       {"retain_until", Nullable(Time())},
       {"erased_at", Nullable(Time())},
       {"ledger_seq", I()},
       {"timeline", A(Closed({{"id", I()},
                              {"kind", S()},
                              {"at", Time()},
                              {"recorded_at", Time()},
                              {"actor", S()},
                              {"customer", {{"type", {"integer", "null"}}}},
                              {"details", details},
                              {"ledger_seq", I()}},
                             {"id", "kind", "at", "recorded_at", "actor", "customer", "details",
                              "ledger_seq"}))}},
      {"id", "carrier", "state", "time_zone", "opened_at", "discovered_at", "determined_at",
       "description", "affected", "rule_set", "obligations", "closed_at", "retain_until",
       "erased_at", "timeline"});
}

// report::AgencyReportJson.
json AgencyReportSchema() {
  return Closed(
      {{"format", {{"type", "string"}, {"enum", {"proprio-breach-agency-report/1"}}}},
       {"case", I()},
       {"recipients", A(S())},
       {"rule_set", S()},
       {"citation", S()},
       {"carrier", Closed({{"legal_name", S()}, {"filer_id_499", S()}, {"address", S()}},
                          {"legal_name", "filer_id_499", "address"})},
       {"contact", S()},
       {"description", S()},
       {"method_of_compromise", {{"type", {"string", "null"}}}},
       {"date_range", Closed({{"start", Nullable(Date())}, {"end", Nullable(Date())}},
                             {"start", "end"})},
       {"discovered_at", S()},
       {"determined_at", S()},
       {"intentional", B()},
       {"approximate_customers_affected",
        {{"oneOf", {I(), {{"type", "string"}, {"enum", {"unknown"}}}}}}},
       {"estimated_financial_loss_usd", {{"type", {"string", "null"}}}},
       {"data_types", Closed({{"cpni", A(S())}, {"other", A(S())}}, {"cpni", "other"})},
       {"urgent_customer_notice",
        Closed({{"requested", B()},
                {"reasons", {{"type", {"string", "null"}}}},
                {"indicated_in_notification",
                 {{"oneOf",
                   {Closed({{"reference", S()},
                            {"as", {{"type", "string"}, {"enum", {"amendment", "agency_notice"}}}}},
                           {"reference", "as"}),
                    {{"type", "null"}}}}}}},
               {"requested", "reasons", "indicated_in_notification"})}},
      {"format", "case", "recipients", "rule_set", "citation", "carrier", "contact",
       "description", "method_of_compromise", "date_range", "discovered_at", "determined_at",
       "intentional", "approximate_customers_affected", "estimated_financial_loss_usd",
       "data_types", "urgent_customer_notice"});
}

// report::AnnualSummaryJson.
json AnnualSummarySchema() {
  return Closed(
      {{"format", {{"type", "string"}, {"enum", {"proprio-breach-annual-summary/1"}}}},
       {"carrier", Closed({{"legal_name", S()}, {"filer_id_499", S()}},
                          {"legal_name", "filer_id_499"})},
       {"contact", S()},
       {"year", I()},
       {"due_on", Date()},
       {"breaches", A(Closed({{"case", I()},
                              {"determined_on", Date()},
                              {"description", S()},
                              {"customers_affected", I()},
                              {"data_types", A(S())},
                              {"no_harm_reasons", S()},
                              {"filed_reference", {{"type", {"string", "null"}}}}},
                             {"case", "determined_on", "description", "customers_affected",
                              "data_types", "no_harm_reasons", "filed_reference"}))},
       {"total_breaches", I()},
       {"total_customers_affected", I()}},
      {"format", "carrier", "contact", "year", "due_on", "breaches", "total_breaches",
       "total_customers_affected"});
}

// Reads an optional RFC 3339 instant.
std::optional<Instant> OptInstant(ObjectReader& r, const char* name) {
  auto text = r.OptString(name, 64);
  if (!text) return std::nullopt;
  auto t = Instant::Parse(*text);
  if (!t.ok()) {
    r.Fail(Status::InvalidArgument(r.Field(name) + " must be an RFC 3339 instant", r.Field(name)));
    return std::nullopt;
  }
  return *t;
}

CivilDate OptDate(ObjectReader& r, const char* name) {
  auto text = r.OptString(name, 10);
  if (!text) return CivilDate{};
  auto d = CivilDate::Parse(*text);
  if (!d.ok() || !d->Valid()) {
    r.Fail(Status::InvalidArgument(r.Field(name) + " must be a date YYYY-MM-DD", r.Field(name)));
    return CivilDate{};
  }
  return *d;
}

std::vector<CustomerId> OptIds(ObjectReader& r, const char* name) {
  std::vector<CustomerId> out;
  const json* arr = r.OptArray(name, 100000);
  if (!arr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& v = (*arr)[i];
    if (!v.is_number_integer() || v.get<int64_t>() < 1) {
      r.Fail(Status::InvalidArgument(
          r.Field(name) + "[" + std::to_string(i) + "] must be a customer id",
          r.Field(name) + "[" + std::to_string(i) + "]"));
      return {};
    }
    out.push_back(CustomerId(v.get<int64_t>()));
  }
  return out;
}

Result<services::BreachOpenInput> ReadOpen(const json& body) {
  ObjectReader r(body);
  services::BreachOpenInput in;
  in.description = r.String("description", 4000);
  in.discovered_how = r.String("discovered_how", 4000);
  if (!r.Has("discovered_at")) {
    r.Fail(Status::InvalidArgument("discovered_at is required", "discovered_at"));
  }
  if (!r.Has("determined_at")) {
    r.Fail(Status::InvalidArgument("determined_at is required", "determined_at"));
  }
  in.discovered_at = OptInstant(r, "discovered_at").value_or(Instant());
  in.determined_at = OptInstant(r, "determined_at").value_or(Instant());
  in.cpni = r.OptStringArray("cpni", 16, 64).value_or(std::vector<std::string>{});
  in.other_data = r.OptStringArray("other_data", 32, 64).value_or(std::vector<std::string>{});
  in.intentional = r.OptBool("intentional").value_or(true);
  in.customers = OptIds(r, "customers");
  in.accounts = r.OptStringArray("accounts", 100000, kMaxAccountNumberBytes)
                    .value_or(std::vector<std::string>{});
  in.affected_count = r.OptInt("affected_count", 1, 10'000'000'000LL);
  in.affected_unknown = r.OptBool("affected_unknown").value_or(false);
  in.method = r.OptString("method", 4000).value_or("");
  in.started_on = OptDate(r, "started_on");
  in.ended_on = OptDate(r, "ended_on");
  in.estimated_loss_cents = r.OptInt("estimated_loss_cents", 0, INT64_MAX / 2);
  in.contact = r.OptString("contact", 400).value_or("");
  in.rule_set = r.OptString("rule_set", 16).value_or("");
  const CivilDate eff = OptDate(r, "breach_2024_effective");
  if (eff.Valid()) in.breach_2024_effective = eff;
  RETURN_IF_ERROR(r.Finish());
  return in;
}

Result<services::BreachActionInput> ReadAction(const json& body) {
  ObjectReader r(body);
  services::BreachActionInput in;
  const std::string kind = r.String("kind", 32);
  in.at = OptInstant(r, "at");
  in.agencies = r.OptStringArray("agencies", 3, 8).value_or(std::vector<std::string>{});
  in.reference = r.OptString("reference", 200).value_or("");
  in.agency = r.OptString("agency", 16).value_or("");
  in.requested_on = OptDate(r, "requested_on");
  in.until = OptDate(r, "until");
  in.in_writing = r.OptBool("in_writing").value_or(false);
  in.reasons = r.OptString("reasons", 4000).value_or("");
  if (auto c = r.OptInt("customer", 1, INT64_MAX / 2)) in.customer = CustomerId(*c);
  in.account = r.OptString("account", kMaxAccountNumberBytes).value_or("");
  in.count = r.OptInt("count", 0, 10'000'000'000LL).value_or(0);
  in.all_notified = r.OptBool("all_notified").value_or(false);
  in.channel = r.OptString("channel", 16).value_or("");
  in.outcome = r.OptString("outcome", 16).value_or("");
  in.add_customers = OptIds(r, "add_customers");
  in.add_accounts = r.OptStringArray("add_accounts", 100000, kMaxAccountNumberBytes)
                        .value_or(std::vector<std::string>{});
  in.affected_count = r.OptInt("affected_count", 1, 10'000'000'000LL);
  in.affected_unknown = r.OptBool("affected_unknown").value_or(false);
  in.year = static_cast<int>(r.OptInt("year", 2024, 9999).value_or(0));
  in.notes = r.OptString("notes", 4000).value_or("");
  RETURN_IF_ERROR(r.Finish());
  ASSIGN_OR_RETURN(in.kind, services::ParseBreachActionKind(kind));
  return in;
}

Response Pdf(std::string bytes, const std::string& file_name) {
  Response r;
  r.content_type = "application/pdf";
  r.body = std::move(bytes);
  r.Header("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  return r;
}

// A letter the rules do not yet allow to be sent (it is marked as a draft)
// says why in Proprio-Letter-Hold, so the caller learns it on generation.
void HoldHeader(Response& r, const std::string& hold) {
  if (hold.empty()) return;
  std::string v;
  for (char c : hold) v += (c >= 0x20 && c < 0x7f) ? c : ' ';
  r.Header("Proprio-Letter-Hold", v);
}

}  // namespace

void AddBreachGauges(Api& api, std::map<std::string, double>& gauges) {
  auto n = services::CountBreachObligations(api.store(), Instant::Now());
  if (!n.ok()) return;
  gauges["proprio_breach_obligations_open"] = static_cast<double>(n->open);
  gauges["proprio_breach_obligations_overdue"] = static_cast<double>(n->overdue);
}

void AddBreachRoutes(Api& api, std::vector<RouteSpec>& routes) {
  const std::string base = "/v1/carriers/{carrier}/breaches";
  const json case_schema = CaseSchema();
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base,
      .summary = "Open a breach case (breach.opened); the answer carries its obligations under "
                 "the rule set in force at the determination and the carrier's policy",
      .tag = "breaches",
      .roles = kBreachWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = OpenSchema(),
      .success_status = 201,
      .response_schema = case_schema,
      .location = base + "/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto in = ReadOpen(*body);
            if (!in.ok()) return call->Fail(in.status());
            auto c = services::OpenBreach(api.store(), call->carrier, *in,
                                          services::BreachSettings{api.options().rules},
                                          call->actor);
            if (!c.ok()) return call->Fail(c.status());
            Response r;
            r.status = 201;
            r.body = services::BreachCaseToJson(*c, call->actor.now)
                         .dump(-1, ' ', false, json::error_handler_t::replace);
            call->Send(std::move(r));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base,
      .summary = "The carrier's breach cases with their obligations, by id, a page at a time",
      .tag = "breaches",
      .roles = kBreachReaders,
      .query = PageQuery({{"state", "string", "open or closed (default: both)"}}),
      .response_schema = PageSchema("breaches", case_schema),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            Status exists = api.store().Read([&](store::Tx& tx) {
              return tx.GetCarrier(call->carrier).status();
            });
            if (!exists.ok()) return call->Fail(exists);
            auto cases = services::ListBreaches(api.store(), call->carrier, call->req.Query("state"),
                                                page->after, page->limit);
            if (!cases.ok()) return call->Fail(cases.status());
            call->Json(200, PageJson("breaches", *cases, [&](const services::BreachCase& c) {
                         return services::BreachCaseToJson(c, call->actor.now);
                       }));
          }});
  // Before {breach}: the router takes the first pattern that matches.
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/due",
      .summary = "The open obligations of the carrier's open cases, a page of cases at a time "
                 "(limit counts cases; the cursor is a case id). Order: by case id, then in the "
                 "case's order (agency notice, customer notice, annual summary); each with its "
                 "due instant (carrier's zone), time left and overdue flag. open and overdue "
                 "count the obligations on this page",
      .tag = "breaches",
      .roles = kBreachReaders,
      .query = PageQuery(),
      .response_schema = PageSchema("obligations", ObligationSchema(/*due_item=*/true),
                                    {{"now", Time()}, {"open", I()}, {"overdue", I()}}),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            Status exists = api.store().Read([&](store::Tx& tx) {
              return tx.GetCarrier(call->carrier).status();
            });
            if (!exists.ok()) return call->Fail(exists);
            auto due = services::ListDueObligations(api.store(), call->carrier, call->actor.now,
                                                    page->after, page->limit);
            if (!due.ok()) return call->Fail(due.status());
            int64_t overdue = 0;
            for (const auto& d : due->items) overdue += d.overdue;
            json out = PageJson("obligations", *due, [&](const services::DueItem& d) {
              return services::DueItemToJson(d, call->actor.now);
            });
            out["now"] = call->actor.now.ToRfc3339();
            out["open"] = due->items.size();
            out["overdue"] = overdue;
            call->Json(200, out);
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{breach}",
      .summary = "A breach case: facts, obligations (evaluated now), timeline of ledger entries",
      .tag = "breaches",
      .roles = kBreachReaders,
      .response_schema = case_schema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("breach");
            if (!id.ok()) return call->Fail(id.status());
            auto c = services::GetBreach(api.store(), call->carrier, *id);
            if (!c.ok()) return call->Fail(c.status());
            call->Json(200, services::BreachCaseToJson(*c, call->actor.now));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/{breach}/actions",
      .summary = "Record a step (agency_notified, delay_requested, delay_extended, "
                 "urgent_determined, harm_determined, no_harm_determined, customer_notified, "
                 "affected_updated, annual_summary_filed, closed); steps out of order are "
                 "refused (409) citing the rule",
      .tag = "breaches",
      .roles = kBreachWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = ActionSchema(),
      .success_status = 201,
      .response_schema = case_schema,
      .location = base + "/{breach}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("breach");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto in = ReadAction(*body);
            if (!in.ok()) return call->Fail(in.status());
            auto c = services::RecordBreachAction(api.store(), call->carrier, *id, *in, call->actor);
            if (!c.ok()) return call->Fail(c.status());
            call->Json(201, services::BreachCaseToJson(*c, call->actor.now));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{breach}/agency-report",
      .summary = "The report's content for the central reporting facility "
                 "(proprio-breach-agency-report/1)",
      .tag = "breaches",
      .roles = kBreachReaders,
      .response_schema = AgencyReportSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("breach");
            if (!id.ok()) return call->Fail(id.status());
            auto f =
                services::BreachDocumentFacts(api.store(), call->carrier, *id, call->actor.now);
            if (!f.ok()) return call->Fail(f.status());
            call->Json(200, report::AgencyReportJson(*f));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{breach}/agency-report.pdf",
      .summary = "The agency report as PDF",
      .tag = "breaches",
      .roles = kBreachReaders,
      .response_type = "application/pdf",
      .response_schema = {{"type", "string"}, {"format", "binary"}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("breach");
            if (!id.ok()) return call->Fail(id.status());
            auto f =
                services::BreachDocumentFacts(api.store(), call->carrier, *id, call->actor.now);
            if (!f.ok()) return call->Fail(f.status());
            call->Send(Pdf(report::AgencyReportPdf(*f, f->today),
                           "breach-" + std::to_string(*id) + "-agency-report.pdf"));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{breach}/letters/{customer}",
      .summary = "The notification letter of one affected customer (PDF); reading the customer's "
                 "name and address is recorded (breach.letters_prepared)",
      .tag = "breaches",
      .roles = kBreachWriters,
      .response_type = "application/pdf",
      .response_schema = {{"type", "string"}, {"format", "binary"}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("breach");
            if (!id.ok()) return call->Fail(id.status());
            auto customer = call->IdParam("customer");
            if (!customer.ok()) return call->Fail(customer.status());
            auto letters = services::PrepareBreachLetters(api.store(), call->carrier, *id,
                                                          CustomerId(*customer), call->actor);
            if (!letters.ok()) return call->Fail(letters.status());
            Response r = Pdf(std::move(letters->front().pdf), letters->front().file_name);
            HoldHeader(r, letters->front().hold);
            call->Send(std::move(r));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{breach}/letter.pdf",
      .summary = "The generic notification letter (\"Dear Customer\"), e.g. when the affected "
                 "customers are not linked",
      .tag = "breaches",
      .roles = kBreachWriters,
      .response_type = "application/pdf",
      .response_schema = {{"type", "string"}, {"format", "binary"}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("breach");
            if (!id.ok()) return call->Fail(id.status());
            auto f =
                services::BreachDocumentFacts(api.store(), call->carrier, *id, call->actor.now);
            if (!f.ok()) return call->Fail(f.status());
            Response r = Pdf(report::CustomerLetterPdf(*f, nullptr, f->today),
                             "breach-" + std::to_string(*id) + "-letter.pdf");
            HoldHeader(r, f->letter_hold);
            call->Send(std::move(r));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/{breach}/erasure",
      .summary = "Erase a closed case's personal data once its retention (2 years or the "
                 "policy's) has ended; refused (409) earlier",
      .tag = "breaches",
      .roles = {Role::kComplianceOfficer, Role::kGeneralCounsel},
      .response_schema = case_schema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("breach");
            if (!id.ok()) return call->Fail(id.status());
            auto c = services::EraseBreachRecords(api.store(), call->carrier, *id, call->actor);
            if (!c.ok()) return call->Fail(c.status());
            call->Json(200, services::BreachCaseToJson(*c, call->actor.now));
          }});
  auto summary = [&api](const std::shared_ptr<Call>& call) -> Result<report::AnnualSummaryInput> {
    auto year = call->IdParam("year");
    if (!year.ok()) return year.status();
    if (*year < 2024 || *year > 9999) {
      return Status::InvalidArgument("year must be 2024 or later", "year");
    }
    return services::BreachAnnualSummary(api.store(), call->carrier, static_cast<int>(*year));
  };
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/v1/carriers/{carrier}/breach-summaries/{year}",
      .summary = "The annual summary for the FCC of the year's small no-harm breaches "
                 "(proprio-breach-annual-summary/1)",
      .tag = "breaches",
      .roles = kBreachReaders,
      .response_schema = AnnualSummarySchema(),
      .handler =
          [summary](const std::shared_ptr<Call>& call) {
            auto in = summary(call);
            if (!in.ok()) return call->Fail(in.status());
            call->Json(200, report::AnnualSummaryJson(*in));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/v1/carriers/{carrier}/breach-summaries/{year}/document.pdf",
      .summary = "The annual summary as PDF",
      .tag = "breaches",
      .roles = kBreachReaders,
      .response_type = "application/pdf",
      .response_schema = {{"type", "string"}, {"format", "binary"}},
      .handler =
          [summary](const std::shared_ptr<Call>& call) {
            auto in = summary(call);
            if (!in.ok()) return call->Fail(in.status());
            call->Send(Pdf(report::AnnualSummaryPdf(*in, UtcDate(call->actor.now)),
                           "breach-summary-" + std::to_string(in->year) + ".pdf"));
          }});
}

}  // namespace proprio::api
