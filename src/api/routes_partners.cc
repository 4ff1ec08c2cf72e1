// /v1/carriers/{carrier}/partners...: the partner registry (47 CFR
// 64.2007(b)): list (paged by cursor), register (POST), read and change
// (PATCH, If-Match: the partner's ETag) one partner, with the
// confidentiality agreement of 64.2007(b)(2) and the limited-use
// certification the carrier's policy asks for; and
// /v1/carriers/{carrier}/customers/{customer}/new-carrier-authorizations: a
// customer's express written authorization to give CPNI to a new carrier
// (47 U.S.C. 222(c)(2)), recorded as evidence. Handlers parse and serialise;
// services/partners.h decides.
//
// Who: the compliance officer and the general counsel keep the registry;
// supervisors and auditors read it; CSRs record a customer's written
// authorization.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/partners.h"

namespace proprio::api {

using nlohmann::json;

namespace {

const std::vector<Role> kWriters = {Role::kComplianceOfficer, Role::kGeneralCounsel};
const std::vector<Role> kReaders = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                    Role::kSupervisor, Role::kAuditor};
const std::vector<Role> kAuthorizers = {Role::kComplianceOfficer, Role::kGeneralCounsel,
                                        Role::kSupervisor, Role::kCsr};

const std::vector<std::string> kKinds = {"affiliate", "agent", "joint_venturer",
                                         "independent_contractor", "dealer"};

json AgreementSchema() {
  using namespace schema;
  return Object({{"document", String()},
                 {"effective_on", Date()},
                 {"expires_on", Nullable(Date())},
                 {"terms", ArrayOf(Enum({"use_only_for_purpose", "no_further_disclosure",
                                         "safeguards"}))}},
                {"document", "effective_on", "expires_on", "terms"});
}

json CertificationSchema() {
  using namespace schema;
  return Object({{"document", String()}, {"signed_on", Date()}, {"expires_on", Nullable(Date())}},
                {"document", "signed_on", "expires_on"});
}

json PartnerSchema() {
  using namespace schema;
  return Object({{"id", Integer()},
                 {"carrier", Integer()},
                 {"name", String()},
                 {"kind", Enum(kKinds)},
                 {"contact", String()},
                 {"agreement", Nullable(AgreementSchema())},
                 {"certification", Nullable(CertificationSchema())},
                 {"created_at", DateTime()},
                 {"updated_at", DateTime()},
                 {"ledger_seq", Integer()}},
                {"id", "carrier", "name", "kind", "contact", "agreement", "certification",
                 "created_at", "updated_at", "ledger_seq"});
}

json ClosedPage() {
  json page = PageSchema("partners", PartnerSchema());
  page["additionalProperties"] = false;
  return page;
}

// The request body of POST and PATCH: `required` names what POST needs.
json ChangeSchema(std::vector<std::string> required) {
  using namespace schema;
  json agreement = Object({{"document", String()},
                           {"effective_on", Date()},
                           {"expires_on", Date()},
                           {"terms", ArrayOf(Enum({"use_only_for_purpose",
                                                   "no_further_disclosure", "safeguards"}))}},
                          {"document", "effective_on", "terms"});
  json certification =
      Object({{"document", String()}, {"signed_on", Date()}, {"expires_on", Date()}},
             {"document", "signed_on"});
  return Object({{"name", String()},
                 {"kind", Enum(kKinds)},
                 {"contact", String()},
                 {"agreement", agreement},
                 {"certification", certification}},
                std::move(required));
}

json AuthorizationSchema() {
  using namespace schema;
  return Object({{"id", Integer()},
                 {"customer", Integer()},
                 {"new_carrier", String()},
                 {"document", String()},
                 {"signed_on", Date()},
                 {"recorded_at", DateTime()},
                 {"recorded_by", String()},
                 {"ledger_seq", Integer()}},
                {"id", "customer", "new_carrier", "document", "signed_on", "recorded_at",
                 "recorded_by", "ledger_seq"});
}

// A date field named `name` of reader `r` (its prefix names it in errors).
std::optional<CivilDate> ReadDate(ObjectReader& r, const char* name, bool required) {
  const std::string text = r.String(name, 10, required ? Need::kRequired : Need::kOptional);
  if (text.empty()) return std::nullopt;
  auto d = CivilDate::Parse(text);
  if (!d.ok() || !d->Valid()) {
    r.Fail(Status::InvalidArgument(r.Field(name) + " must be a date YYYY-MM-DD", r.Field(name)));
    return std::nullopt;
  }
  return *d;
}

// The change a POST or PATCH body asks for; errors name the field.
Result<services::PartnerChange> ReadChange(const json& body) {
  ObjectReader r(body);
  services::PartnerChange in;
  in.name = r.OptString("name", kMaxNameBytes);
  in.kind = r.OptString("kind", 32);
  in.contact = r.OptString("contact", 400);
  if (const json* a = r.OptObject("agreement")) {
    ObjectReader ar(*a, "agreement.");
    services::AgreementInput ag;
    ag.document = ar.String("document", services::kMaxPartnerDocument);
    ag.effective_on = ReadDate(ar, "effective_on", true).value_or(CivilDate{});
    ag.expires_on = ReadDate(ar, "expires_on", false);
    ag.terms = ar.OptStringArray("terms", 3, 64).value_or(std::vector<std::string>{});
    if (!ar.Has("terms")) {
      ar.Fail(Status::InvalidArgument("agreement.terms is required: the terms attested present",
                                      "agreement.terms"));
    }
    r.Merge(ar);
    in.agreement = std::move(ag);
  }
  if (const json* c = r.OptObject("certification")) {
    ObjectReader cr(*c, "certification.");
    services::CertificationInput ce;
    ce.document = cr.String("document", services::kMaxPartnerDocument);
    ce.signed_on = ReadDate(cr, "signed_on", true).value_or(CivilDate{});
    ce.expires_on = ReadDate(cr, "expires_on", false);
    r.Merge(cr);
    in.certification = std::move(ce);
  }
  RETURN_IF_ERROR(r.Finish());
  return in;
}

Response PartnerResponse(int status, const store::PartnerRow& p) {
  Response r;
  r.status = status;
  r.body = services::PartnerToJson(p).dump();
  // The version is the partner's last ledger entry: PATCH names it in If-Match.
  r.Header("ETag", "\"" + std::to_string(p.ledger_seq) + "\"");
  return r;
}

// The version an If-Match header names (one strong ETag).
Result<int64_t> IfMatchVersion(const std::string& header) {
  std::string v(header);
  while (!v.empty() && v.front() == ' ') v.erase(0, 1);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  int64_t n = 0;
  bool ok = v.size() >= 3 && v.front() == '"' && v.back() == '"' && v.size() < 22;
  for (size_t i = 1; ok && i + 1 < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') {
      ok = false;
    } else {
      n = n * 10 + (v[i] - '0');
    }
  }
  if (!ok || n == 0) {
    return Status::InvalidArgument("If-Match must be the ETag of the version read, e.g. \"42\"",
                                   "If-Match");
  }
  return n;
}

}  // namespace

void AddPartnerRoutes(Api& api, std::vector<RouteSpec>& routes) {
  using namespace schema;
  const std::string base = "/v1/carriers/{carrier}/partners";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base,
      .summary = "The carrier's partners (47 CFR 64.2007(b)) by id, a page at a time",
      .tag = "partners",
      .roles = kReaders,
      .query = PageQuery({{"kind", "string",
                           "affiliate, agent, joint_venturer, independent_contractor or dealer"}}),
      .response_schema = ClosedPage(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            auto list = services::ListPartners(api.store(), call->carrier, call->req.Query("kind"),
                                               page->after, page->limit);
            if (!list.ok()) return call->Fail(list.status());
            call->Json(200, PageJson("partners", *list, services::PartnerToJson));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base,
      .summary = "Register a partner; a joint venturer's or independent contractor's "
                 "confidentiality agreement (47 CFR 64.2007(b)(2): all three terms attested) and "
                 "an agent's or dealer's limited-use certification may come with it",
      .tag = "partners",
      .roles = kWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = ChangeSchema({"name", "kind"}),
      .success_status = 201,
      .response_schema = PartnerSchema(),
      .location = base + "/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto in = ReadChange(*body);
            if (!in.ok()) return call->Fail(in.status());
            auto row = services::AddPartner(api.store(), call->carrier, *in, call->actor);
            if (!row.ok()) return call->Fail(row.status());
            call->Send(PartnerResponse(201, *row));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{partner}",
      .summary = "One partner with what it has signed; ETag: its version",
      .tag = "partners",
      .roles = kReaders,
      .response_schema = PartnerSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("partner");
            if (!id.ok()) return call->Fail(id.status());
            auto row = services::GetPartner(api.store(), call->carrier, *id);
            if (!row.ok()) return call->Fail(row.status());
            call->Send(PartnerResponse(200, *row));
          }});
  routes.push_back(RouteSpec{
      .method = "PATCH",
      .pattern = base + "/{partner}",
      .summary = "Change a partner or record its agreement or certification (If-Match "
                 "required; one ledger entry)",
      .tag = "partners",
      .roles = kWriters,
      .request_headers = {"If-Match", "Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = ChangeSchema({}),
      .response_schema = PartnerSchema(),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("partner");
            if (!id.ok()) return call->Fail(id.status());
            if (call->req.if_match.empty()) {
              return call->Send(Problem(428, "precondition-required", "Precondition required",
                                        "changes need If-Match with the ETag of the version you "
                                        "read",
                                        call->req.request_id, "If-Match"));
            }
            auto version = IfMatchVersion(call->req.if_match);
            if (!version.ok()) return call->Fail(version.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto in = ReadChange(*body);
            if (!in.ok()) return call->Fail(in.status());
            auto row =
                services::UpdatePartner(api.store(), call->carrier, *id, *in, *version, call->actor);
            if (!row.ok()) return call->Fail(row.status());
            call->Send(PartnerResponse(200, *row));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = "/v1/carriers/{carrier}/customers/{customer}/new-carrier-authorizations",
      .summary = "Record a customer's express written authorization to give its CPNI to a new "
                 "carrier (47 U.S.C. 222(c)(2)), as evidence; decisions to a new carrier name it "
                 "in context.written_request_document",
      .tag = "partners",
      .roles = kAuthorizers,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Object({{"new_carrier", String()},
                                {"document", String()},
                                {"signed_on", Date()}},
                               {"new_carrier", "document", "signed_on"}),
      .success_status = 201,
      .response_schema = AuthorizationSchema(),
      // No route reads one authorization back: its ledger entry is its record.
      .location = "/v1/carriers/{carrier}/ledger/entries/{/ledger_seq}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto customer = call->IdParam("customer");
            if (!customer.ok()) return call->Fail(customer.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const std::string new_carrier = r.String("new_carrier", kMaxNameBytes);
            const std::string document = r.String("document", services::kMaxPartnerDocument);
            const CivilDate signed_on = ReadDate(r, "signed_on", true).value_or(CivilDate{});
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto row = services::RecordNewCarrierAuthorization(
                api.store(), call->carrier, CustomerId(*customer), new_carrier, document,
                signed_on, call->actor);
            if (!row.ok()) return call->Fail(row.status());
            call->Json(201, services::NewCarrierAuthorizationToJson(*row));
          }});
}

}  // namespace proprio::api
