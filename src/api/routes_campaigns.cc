// /v1/carriers/{carrier}/campaigns...: sales and marketing campaigns that use
// CPNI (47 CFR 64.2009(c)) and their supervisory review (64.2009(d)): list,
// create, read, the review steps (submit, approve, reject, start, complete),
// the audience (counts by exclusion reason) and its export as CSV (one
// ledger entry with its SHA-256), and the sales and marketing results
// attached to a campaign. Handlers parse and serialise; services/campaigns.h
// decides.
//
// Who: marketing proposes, submits, runs and exports; the staff member taking
// a step is the caller. Approval and rejection are open to every staff role
// here because the carrier's policy names the approver
// ([safeguards] outbound_marketing_approver; the seed's: the General
// Counsel): rules::CheckCampaignReviewer refuses anyone else, and the author
// always (403 naming "reviewer"); auditors never (they only read). The
// compliance officer, general counsel, supervisors and auditors read.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/campaigns.h"

namespace proprio::api {

using nlohmann::json;

namespace {

const std::vector<Role> kProposers = {Role::kMarketing};
const std::vector<Role> kRunners = {Role::kMarketing, Role::kComplianceOfficer};
// Anyone the policy may name as approver (never an auditor, an administrator
// or a system: rules/policy.cc refuses them); the service checks the policy.
const std::vector<Role> kReviewers = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                      Role::kSupervisor, Role::kCsr, Role::kMarketing,
                                      Role::kSecurity};
const std::vector<Role> kReaders = {Role::kMarketing,  Role::kComplianceOfficer,
                                    Role::kGeneralCounsel, Role::kSupervisor,
                                    Role::kAuditor};

constexpr size_t kMaxText = 4000;

json CampaignSchema() {
  using namespace schema;
  return Object({{"id", Integer()},
                 {"carrier", Integer()},
                 {"name", String()},
                 {"description", String()},
                 {"cpni", ArrayOf(String())},
                 {"offering", String()},
                 {"service_category", String()},
                 {"products", String()},
                 {"channel", Enum({"mail", "telephone", "sms", "email"})},
                 {"starts_on", Date()},
                 {"ends_on", Date()},
                 {"owner", Integer()},
                 {"state", Enum({"draft", "submitted", "approved", "rejected", "running",
                                 "completed"})},
                 {"reviewer", Nullable(Integer())},
                 {"review_note", String()},
                 {"created_at", DateTime()},
                 {"updated_at", DateTime()},
                 {"completed_on", Nullable(Date())},
                 {"ledger_seq", Integer()}},
                {"id", "carrier", "name", "description", "cpni", "offering", "service_category",
                 "products", "channel", "starts_on", "ends_on", "owner", "state", "reviewer",
                 "review_note", "created_at", "updated_at", "completed_on", "ledger_seq"});
}

// The page of campaigns, closed like every schema here (PageSchema leaves
// the page object open).
json ClosedPage() {
  json page = PageSchema("campaigns", CampaignSchema());
  page["additionalProperties"] = false;
  return page;
}

json ExcludedSchema() {
  using namespace schema;
  return Object({{"reason", String()}, {"basis", String()}, {"customers", Integer()}},
                {"reason", "basis", "customers"});
}

json ResultProperties() {
  using namespace schema;
  return {{"summary", String()}, {"contacted", Integer()}, {"accepted", Integer()}};
}

json RecordSchema() {
  using namespace schema;
  const json export_details =
      Object({{"at", DateTime()},
              {"customers", Integer()},
              {"reached", Integer()},
              {"excluded", ArrayOf(ExcludedSchema())},
              {"sha256", String()},
              {"channel", String()},
              {"rule_set", String()},
              {"policy_version", Integer()}},
             {"at", "customers", "reached", "excluded", "sha256", "channel", "rule_set",
              "policy_version"});
  return Object({{"id", Integer()},
                 {"campaign", Integer()},
                 {"kind", Enum({"export", "result"})},
                 {"details", json{{"oneOf", {export_details,
                                             Object(ResultProperties(), {"summary"})}}}},
                 {"recorded_at", DateTime()},
                 {"recorded_by", String()},
                 {"ledger_seq", Integer()}},
                {"id", "campaign", "kind", "details", "recorded_at", "recorded_by",
                 "ledger_seq"});
}

json AudienceSchema() {
  using namespace schema;
  return Object({{"campaign", Integer()},
                 {"at", DateTime()},
                 {"rule_set", String()},
                 {"policy_version", Integer()},
                 {"customers", Integer()},
                 {"reached", Integer()},
                 {"excluded", Integer()},
                 {"reasons", ArrayOf(Object({{"allowed", Boolean()},
                                             {"reason", String()},
                                             {"basis", String()},
                                             {"customers", Integer()}},
                                            {"allowed", "reason", "basis", "customers"}))}},
                {"campaign", "at", "rule_set", "policy_version", "customers", "reached",
                 "excluded", "reasons"});
}

json CreateSchema() {
  using namespace schema;
  return Object({{"name", String()},
                 {"description", String()},
                 {"cpni", ArrayOf(String())},
                 {"offering", String()},
                 {"service_category", String()},
                 {"products", String()},
                 {"channel", Enum({"mail", "telephone", "sms", "email"})},
                 {"starts_on", Date()},
                 {"ends_on", Date()}},
                {"name", "description", "cpni", "offering", "products", "channel", "starts_on",
                 "ends_on"});
}

// A date field: InvalidArgument naming it when it is not YYYY-MM-DD.
CivilDate ReadDate(ObjectReader& r, const char* name) {
  const std::string text = r.String(name, 10);
  if (text.empty()) return CivilDate{};
  auto d = CivilDate::Parse(text);
  if (!d.ok() || !d->Valid()) {
    r.Fail(Status::InvalidArgument(std::string(name) + " must be a date YYYY-MM-DD", name));
    return CivilDate{};
  }
  return *d;
}

// The staff member taking a step: the caller, who must be signed in as staff.
Result<StaffId> Caller(const std::shared_ptr<Call>& call) {
  if (!call->principal || !call->principal->staff) {
    return Status::PermissionDenied(
        "campaign steps are taken by a staff member of the carrier (47 CFR 64.2009(d))");
  }
  return *call->principal->staff;
}

// The campaign an audience route names and the instant it is for: `at` when
// given, else the campaign's default (its first day, or now).
struct AudienceTarget {
  store::CampaignRow campaign;
  Instant at;
};
Result<AudienceTarget> TargetOf(const std::shared_ptr<Call>& call, store::Store& store) {
  ASSIGN_OR_RETURN(const int64_t id, call->IdParam("campaign"));
  ASSIGN_OR_RETURN(store::CampaignRow campaign, services::GetCampaign(store, call->carrier, id));
  const std::string text = call->req.Query("at");
  if (text.empty()) {
    ASSIGN_OR_RETURN(Instant at, services::DefaultAudienceInstant(store, campaign, call->actor.now));
    return AudienceTarget{std::move(campaign), at};
  }
  auto t = Instant::Parse(text);
  if (!t.ok()) {
    return Status::InvalidArgument(
        "at: '" + text.substr(0, 64) + "' is not an RFC 3339 instant such as 2024-03-13T14:05:00Z",
        "at");
  }
  return AudienceTarget{std::move(campaign), *t};
}

}  // namespace

void AddCampaignRoutes(Api& api, std::vector<RouteSpec>& routes,
                       std::shared_ptr<services::DecisionService> decisions) {
  using namespace schema;
  const std::string base = "/v1/carriers/{carrier}/campaigns";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base,
      .summary = "The carrier's marketing campaigns (47 CFR 64.2009(c)), newest first, a page at "
                 "a time",
      .tag = "campaigns",
      .roles = kReaders,
      .query = PageQuery({{"state", "string",
                           "draft, submitted, approved, rejected, running or completed"}}),
      .response_schema = ClosedPage(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            // The cursor is the last id of the previous page; newer ones came first.
            auto list = services::ListCampaigns(api.store(), call->carrier,
                                                call->req.Query("state"), page->after, page->limit);
            if (!list.ok()) return call->Fail(list.status());
            call->Json(200, PageJson("campaigns", *list, services::CampaignToJson));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base,
      .summary = "Propose a campaign (a draft): description, CPNI used, products offered, "
                 "channel and dates (47 CFR 64.2009(c)); its owner is the caller",
      .tag = "campaigns",
      .roles = kProposers,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = CreateSchema(),
      .success_status = 201,
      .response_schema = CampaignSchema(),
      .location = base + "/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto owner = Caller(call);
            if (!owner.ok()) return call->Fail(owner.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            services::CampaignInput in;
            in.name = r.String("name", kMaxNameBytes);
            in.description = r.String("description", kMaxText);
            in.cpni = r.OptStringArray("cpni", 32, 64).value_or(std::vector<std::string>{});
            if (!r.Has("cpni")) r.Fail(Status::InvalidArgument("cpni is required", "cpni"));
            in.offering = r.String("offering", 64);
            in.service_category = r.OptString("service_category", 64).value_or("local");
            in.products = r.String("products", kMaxText);
            in.channel = r.String("channel", 16);
            in.starts_on = ReadDate(r, "starts_on");
            in.ends_on = ReadDate(r, "ends_on");
            in.owner = *owner;
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto row = services::AddCampaign(api.store(), call->carrier, in, call->actor);
            if (!row.ok()) return call->Fail(row.status());
            Response resp;
            resp.status = 201;
            resp.body = services::CampaignToJson(*row).dump();
            call->Send(std::move(resp));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{campaign}",
      .summary = "One campaign with its records (audience exports, results attached)",
      .tag = "campaigns",
      .roles = kReaders,
      .response_schema = Object({{"campaign", CampaignSchema()},
                                 {"records", ArrayOf(RecordSchema())}},
                                {"campaign", "records"}),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("campaign");
            if (!id.ok()) return call->Fail(id.status());
            auto row = services::GetCampaign(api.store(), call->carrier, *id);
            if (!row.ok()) return call->Fail(row.status());
            auto records = services::ListCampaignRecords(api.store(), call->carrier, *id);
            if (!records.ok()) return call->Fail(records.status());
            json items = json::array();
            for (const auto& rec : *records) items.push_back(services::CampaignRecordToJson(rec));
            call->Json(200, {{"campaign", services::CampaignToJson(*row)}, {"records", items}});
          }});

  struct StepRoute {
    const char* name;
    rules::CampaignStep step;
    const std::vector<Role>* roles;
    const char* summary;
  };
  static const StepRoute kSteps[] = {
      {"submit", rules::CampaignStep::kSubmit, &kProposers,
       "Submit a draft for supervisory review (47 CFR 64.2009(d))"},
      {"approve", rules::CampaignStep::kApprove, &kReviewers,
       "Approve a submitted campaign: only the role the carrier's policy names, never its "
       "author (47 CFR 64.2009(d)); 403 naming reviewer otherwise"},
      {"reject", rules::CampaignStep::kReject, &kReviewers,
       "Reject a submitted campaign, saying why (note required; same reviewers as approve)"},
      {"start", rules::CampaignStep::kStart, &kRunners,
       "Start an approved campaign (47 CFR 64.2009(d): nothing runs unapproved)"},
      {"complete", rules::CampaignStep::kComplete, &kRunners,
       "Complete a running campaign; its records are kept the policy's years from today "
       "(47 CFR 64.2009(c))"},
  };
  for (const StepRoute& s : kSteps) {
    const rules::CampaignStep step = s.step;
    routes.push_back(RouteSpec{
        .method = "POST",
        .pattern = base + "/{campaign}/" + s.name,
        .summary = s.summary,
        .tag = "campaigns",
        .roles = *s.roles,
        .request_headers = {"Idempotency-Key"},
        .request_type = "application/json",
        .request_schema = Object({{"note", String()}}, {}),
        .response_schema = CampaignSchema(),
        .handler =
            [&api, step](const std::shared_ptr<Call>& call) {
              auto id = call->IdParam("campaign");
              if (!id.ok()) return call->Fail(id.status());
              auto by = Caller(call);
              if (!by.ok()) return call->Fail(by.status());
              std::string note;
              if (!call->req.body.empty()) {
                auto body = ParseJsonObject(call->req);
                if (!body.ok()) return call->Fail(body.status());
                ObjectReader r(*body);
                note = r.OptString("note", kMaxText).value_or("");
                if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
              }
              auto row = services::StepCampaign(api.store(), call->carrier, *id, step, *by, note,
                                                call->actor);
              if (!row.ok()) return call->Fail(row.status());
              call->Json(200, services::CampaignToJson(*row));
            }});
  }

  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{campaign}/audience",
      .summary = "How many customers an approved or running campaign may reach at `at` (default: "
                 "its first day, or now), and those excluded by reason with the citations "
                 "decide() gives; 409 naming state for a campaign not approved (47 CFR "
                 "64.2009(d))",
      .tag = "campaigns",
      .roles = kReaders,
      .query = {{"at", "string", "RFC 3339 instant to decide for"}},
      .response_schema = AudienceSchema(),
      .handler =
          [&api, decisions](const std::shared_ptr<Call>& call) {
            auto target = TargetOf(call, api.store());
            if (!target.ok()) return call->Fail(target.status());
            auto audience = services::ComputeAudience(*decisions, call->carrier, target->campaign,
                                                      target->at, {});
            if (!audience.ok()) return call->Fail(audience.status());
            call->Json(200, services::AudienceToJson(*audience));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/{campaign}/audience/export",
      .summary = "The audience as CSV (customer, account number, name and the channel's contact "
                 "fields); each export is one access to CPNI, recorded as one record and one "
                 "ledger entry with the CSV's SHA-256 (X-Content-SHA256), not one per customer. "
                 "Query `at` as for the audience",
      .tag = "campaigns",
      .roles = kRunners,
      .query = {{"at", "string", "RFC 3339 instant to decide for"}},
      .request_headers = {"Idempotency-Key"},
      .response_type = "text/csv; charset=utf-8",
      .response_schema = String(),
      .handler =
          [&api, decisions](const std::shared_ptr<Call>& call) {
            auto target = TargetOf(call, api.store());
            if (!target.ok()) return call->Fail(target.status());
            const int64_t id = target->campaign.id;
            auto exported =
                services::ExportAudience(*decisions, call->carrier, id, target->at, call->actor);
            if (!exported.ok()) return call->Fail(exported.status());
            Response resp;
            resp.content_type = "text/csv; charset=utf-8";
            resp.body = std::move(exported->csv);
            resp.Header("Content-Disposition", "attachment; filename=\"campaign-" +
                                                   std::to_string(id) + "-audience.csv\"");
            resp.Header("X-Content-SHA256", exported->sha256);
            call->Send(std::move(resp));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/{campaign}/results",
      .summary = "Attach a sales and marketing result to a running or completed campaign "
                 "(47 CFR 64.2009(c)): a summary, and optionally customers contacted and "
                 "accepting",
      .tag = "campaigns",
      .roles = kRunners,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Object(ResultProperties(), {"summary"}),
      .success_status = 201,
      .response_schema = RecordSchema(),
      .location = base + "/{campaign}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("campaign");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            json result = {{"summary", r.String("summary", kMaxText)}};
            if (auto n = r.OptInt("contacted", 0, int64_t{1} << 40)) result["contacted"] = *n;
            if (auto n = r.OptInt("accepted", 0, int64_t{1} << 40)) result["accepted"] = *n;
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto rec = services::AttachCampaignResult(api.store(), call->carrier, *id, result,
                                                      call->actor);
            if (!rec.ok()) return call->Fail(rec.status());
            call->Json(201, services::CampaignRecordToJson(*rec));
          }});
}

}  // namespace proprio::api
