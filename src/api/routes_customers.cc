// /v1/carriers/{carrier}/customers: create, read (a recorded CPNI access),
// update with If-Match, list by cursor, import CSV.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "core/text.h"
#include "services/customer_update.h"
#include "services/importer.h"
#include "services/json_codec.h"
#include "services/registry.h"

namespace proprio::api {

using nlohmann::json;

namespace {

enum class Mode { kCreate, kReplace, kPatch };

// Applies the body's fields to `c`. Create and replace need every required
// field, and absent optional ones are cleared; patch changes what it names.
Status ReadCustomer(const json& body, Mode mode, Customer& c) {
  ObjectReader r(body);
  const Need need = mode == Mode::kPatch ? Need::kOptional : Need::kRequired;
  const bool full = mode != Mode::kPatch;
  if (full || r.Has("account_number")) {
    c.account_number = r.String("account_number", kMaxAccountNumberBytes, need);
  }
  if (auto type = r.OptString("customer_type", 16)) {
    auto parsed = ParseCustomerType(*type);
    if (!parsed.ok()) r.Fail(Status::InvalidArgument(parsed.status().message(), "customer_type"));
    else c.type = *parsed;
  } else if (full) {
    c.type = CustomerType::kResidential;
  }
  if (full || r.Has("name")) c.name = r.String("name", kMaxNameBytes, need);
  if (auto phones = r.OptStringArray("telephone_numbers", kMaxPhonesPerCustomer, 32)) {
    c.phones_of_record = *phones;
  } else if (full && !r.Has("telephone_numbers")) {
    r.Fail(Status::InvalidArgument("telephone_numbers is required", "telephone_numbers"));
  }
  const bool address_given = r.Has("address");
  if (full || address_given) c.address_of_record = ReadAddress(r, "address");
  if (auto since = r.OptString("address_since", 10)) {
    auto parsed = CivilDate::Parse(*since);
    if (!parsed.ok()) {
      r.Fail(Status::InvalidArgument("address_since must be a date YYYY-MM-DD", "address_since"));
    } else {
      c.address_since = *parsed;
    }
  } else if (mode == Mode::kCreate || mode == Mode::kReplace || address_given) {
    c.address_since = CivilDate{};  // the service decides (today, or unchanged)
  }
  // The day service began: set when the account is created (absent: the day
  // it is added); an update may repeat it but not change it.
  if (auto began = r.OptString("service_since", 10)) {
    auto parsed = CivilDate::Parse(*began);
    if (!parsed.ok()) {
      r.Fail(Status::InvalidArgument("service_since must be a date YYYY-MM-DD", "service_since"));
    } else {
      c.service_since = *parsed;
    }
  } else if (mode == Mode::kCreate) {
    c.service_since = CivilDate{};  // the service decides: today
  }
  if (auto email = r.OptString("email", kMaxEmailBytes)) c.email = *email;
  else if (full) c.email.clear();
  if (auto list = r.OptStringArray("services", kServiceCategoryCount, 32)) {
    ServiceSet set;
    for (size_t i = 0; i < list->size(); ++i) {
      auto cat = ParseServiceCategory((*list)[i]);
      if (!cat.ok()) {
        r.Fail(Status::InvalidArgument(cat.status().message(),
                                       "services[" + std::to_string(i) + "]"));
        break;
      }
      set.Add(*cat);
    }
    c.services = set;
  } else if (full) {
    c.services = ServiceSet();
  }
  if (auto rep = r.OptString("account_representative", kMaxNameBytes)) {
    c.account_representative = *rep;
  } else if (full) {
    c.account_representative.clear();
  }
  if (auto contract = r.OptString("cpni_contract", kMaxNameBytes)) {
    c.cpni_contract_ref = *contract;
  } else if (full) {
    c.cpni_contract_ref.clear();
  }
  return r.Finish();
}

// The version an If-Match header names: one strong ETag ("*" is refused: a
// client must say which version it changes).
Result<std::string> IfMatchVersion(const std::string& header) {
  std::string v(header);
  while (!v.empty() && v.front() == ' ') v.erase(0, 1);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  if (v.size() < 3 || v.front() != '"' || v.back() != '"' ||
      v.find(',') != std::string::npos) {
    return Status::InvalidArgument("If-Match must be the ETag of the version read, e.g. \"3f2a...\"",
                                   "If-Match");
  }
  return v.substr(1, v.size() - 2);
}

Response CustomerResponse(int status, const Customer& c) {
  Response r;
  r.status = status;
  r.body = services::CustomerJsonText(c);
  r.Header("ETag", "\"" + services::CustomerVersionOfText(r.body) + "\"");
  return r;
}

// Purposes are short identifiers, recorded in the ledger.
Result<std::string> Purpose(const Request& req) {
  std::string p = req.Query("purpose");
  if (p.empty()) return std::string("customer_service");
  if (p.size() > 64) return Status::InvalidArgument("purpose must be at most 64 characters", "purpose");
  for (char c : p) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return Status::InvalidArgument("purpose must be lower-case letters, digits and _",
                                     "purpose");
    }
  }
  return p;
}

void Update(Api& api, const std::shared_ptr<Call>& call, Mode mode) {
  auto id = call->IdParam("customer");
  if (!id.ok()) return call->Fail(id.status());
  if (call->req.if_match.empty()) {
    return call->Send(Problem(428, "precondition-required", "Precondition required",
                              "updates need If-Match with the ETag of the version you read",
                              call->req.request_id, "If-Match"));
  }
  auto version = IfMatchVersion(call->req.if_match);
  if (!version.ok()) return call->Fail(version.status());
  auto body = ParseJsonObject(call->req);
  if (!body.ok()) return call->Fail(body.status());
  // Check the body's shape before touching the store.
  Customer probe;
  if (Status st = ReadCustomer(*body, mode, probe); !st.ok()) return call->Fail(st);
  auto updated = services::UpdateCustomer(
      api.store(), call->carrier, CustomerId(*id), *version,
      [&](Customer& c) { return ReadCustomer(*body, mode, c); }, call->actor);
  if (!updated.ok()) return call->Fail(updated.status());
  call->Send(CustomerResponse(200, *updated));
}

}  // namespace

void AddCustomerRoutes(Api& api, std::vector<RouteSpec>& routes) {
  const std::string base = "/v1/carriers/{carrier}/customers";
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base,
      .summary = "Add a customer (recorded in the ledger as customer.created)",
      .tag = "customers",
      .roles = kCustomerWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Ref("CustomerInput"),
      .success_status = 201,
      .response_schema = Ref("Customer"),
      .location = base + "/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            Customer c;
            if (Status st = ReadCustomer(*body, Mode::kCreate, c); !st.ok()) {
              return call->Fail(st);
            }
            c.carrier = call->carrier;
            auto added = services::AddCustomer(api.store(), c, call->actor);
            if (!added.ok()) return call->Fail(added.status());
            Response r = CustomerResponse(201, *added);
            call->Send(std::move(r));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base,
      .summary = "List customers by id, a page at a time (no CPNI: id, account, type, name)",
      .tag = "customers",
      .roles = kCpniReaders,
      .query = PageQuery(),
      .response_schema = Ref("CustomerPage"),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto asked = ReadPageRequest(call->req);
            if (!asked.ok()) return call->Fail(asked.status());
            store::CustomerPage page;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              RETURN_IF_ERROR(tx.GetCarrier(call->carrier).status());
              ASSIGN_OR_RETURN(page, tx.ListCustomers(call->carrier, CustomerId(asked->after),
                                                      asked->limit));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            json items = json::array();
            for (const Customer& c : page.customers) {
              items.push_back({{"id", c.id.value()},
                               {"account_number", c.account_number},
                               {"customer_type", CustomerTypeName(c.type)},
                               {"name", c.name}});
            }
            json out = {{"customers", items}};
            out["next_cursor"] = page.next ? json(page.next->ToString()) : json(nullptr);
            call->Json(200, out);
          }});
  // The console's search (issue 13): by POST, so that a telephone or account
  // number never goes into a URL (logs, history, Referer). Indexed lookups
  // only: customer_phones' primary key (carrier_id, e164, customer_id) and
  // customers' UNIQUE (carrier_id, account_number), migration 0001. No match
  // in this carrier (another carrier's customer included) is 404.
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/search",
      .summary = "Find customers by a telephone number of record or an account number, given "
                 "in the body (never in the URL); exactly one of the two. No CPNI in the "
                 "answer: id, account, type, name. 404 when none of this carrier matches",
      .tag = "customers",
      // Staff who take calls and look customers up; not the auditor (read-only,
      // GET only).
      .roles = {Role::kComplianceOfficer, Role::kGeneralCounsel, Role::kSupervisor, Role::kCsr,
                Role::kSecurity, Role::kSystem},
      .request_type = "application/json",
      .request_schema = Ref("CustomerSearch"),
      .response_schema = Ref("CustomerMatches"),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            const auto phone = r.OptString("telephone_number", 32);
            const auto account = r.OptString("account_number", kMaxAccountNumberBytes);
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            if (phone.has_value() == account.has_value()) {
              return call->Fail(Status::InvalidArgument(
                  "give exactly one of telephone_number and account_number",
                  phone ? "account_number" : "telephone_number"));
            }
            std::string e164;
            if (phone) {
              auto normal = NormalizeE164(*phone);
              if (!normal.ok()) {
                return call->Fail(Status::InvalidArgument(
                    "telephone_number is not a telephone number", "telephone_number"));
              }
              e164 = *normal;
            }
            std::vector<Customer> found;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              if (phone) {
                ASSIGN_OR_RETURN(found, tx.FindCustomersByPhone(call->carrier, e164, 20));
              } else {
                ASSIGN_OR_RETURN(auto one, tx.FindCustomerByAccount(call->carrier, *account));
                if (one) found.push_back(std::move(*one));
              }
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            if (found.empty()) {
              return call->Fail(Status::NotFound("no customer of this carrier has that number"));
            }
            json items = json::array();
            for (const Customer& c : found) {
              items.push_back({{"id", c.id.value()},
                               {"account_number", c.account_number},
                               {"customer_type", CustomerTypeName(c.type)},
                               {"name", c.name}});
            }
            call->Json(200, {{"customers", items}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/{customer}",
      .summary = "Read a customer's record, CPNI included; every read is recorded in the "
                 "carrier's ledger (cpni.accessed) before the answer is sent",
      .tag = "customers",
      .roles = kCpniReaders,
      .reads_cpni = true,
      .runs_inline = true,
      .query = {{"purpose", "string",
                 "why the record is read, recorded in the ledger (default customer_service)"}},
      .response_schema = Ref("Customer"),
      .etag = true,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto purpose = Purpose(call->req);
            if (!purpose.ok()) return call->Fail(purpose.status());
            auto response = std::make_shared<Response>();
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(call->carrier, CustomerId(*id)));
              *response = CustomerResponse(200, c);
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            // The answer goes out once the access is durable in the ledger.
            api.access_log().RecordCpniRead(
                call->carrier, CustomerId(*id), *purpose, "customer_record", call->actor,
                [call, response](Status recorded) {
                  if (!recorded.ok()) {
                    return call->Fail(Status::Unavailable(
                        "the access could not be recorded, so the record is not shown"));
                  }
                  call->Send(std::move(*response));
                });
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/{customer}/close",
      .summary = "Close a customer's account: a former customer from closed_at (default now; "
                 "47 CFR 64.2003(f)); the records are kept and decisions follow the rules for "
                 "former customers (customer.closed). 409 when already closed",
      .tag = "customers",
      .roles = kCustomerWriters,
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Ref("CustomerClose"),
      .response_schema = Ref("Customer"),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("customer");
            if (!id.ok()) return call->Fail(id.status());
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            std::optional<Instant> at;
            if (auto text = r.OptString("closed_at", 64)) {
              auto t = Instant::Parse(*text);
              if (!t.ok()) {
                r.Fail(Status::InvalidArgument("closed_at must be an RFC 3339 instant",
                                               "closed_at"));
              } else {
                at = *t;
              }
            }
            const std::string reason = r.OptString("reason", 500).value_or("");
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto closed = services::CloseCustomer(api.store(), call->carrier, CustomerId(*id), at,
                                                  reason, call->actor);
            if (!closed.ok()) return call->Fail(closed.status());
            call->Send(CustomerResponse(200, *closed));
          }});
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = base + "/{customer}",
      .summary = "Replace a customer's record (If-Match required; customer.updated)",
      .tag = "customers",
      .roles = kCustomerWriters,
      .request_headers = {"If-Match"},
      .request_type = "application/json",
      .request_schema = Ref("CustomerInput"),
      .response_schema = Ref("Customer"),
      .handler = [&api](const std::shared_ptr<Call>& call) { Update(api, call, Mode::kReplace); }});
  routes.push_back(RouteSpec{
      .method = "PATCH",
      .pattern = base + "/{customer}",
      .summary = "Change some fields of a customer's record (If-Match required; customer.updated)",
      .tag = "customers",
      .roles = kCustomerWriters,
      .request_headers = {"If-Match", "Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Ref("CustomerPatch"),
      .response_schema = Ref("Customer"),
      .handler = [&api](const std::shared_ptr<Call>& call) { Update(api, call, Mode::kPatch); }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = base + "/imports",
      .summary = "Import customers from CSV (the CLI's format and errors). Nothing is imported "
                 "when a row is bad (422 listing the rows), unless skip_invalid=true",
      .tag = "customers",
      .roles = {Role::kAdmin, Role::kComplianceOfficer, Role::kSupervisor, Role::kSystem},
      .query = {{"skip_invalid", "boolean", "import the good rows and report the bad ones"},
                {"source", "string", "a name for the file, recorded in the ledger"}},
      .request_headers = {"Idempotency-Key"},
      .request_type = "text/csv",
      .request_schema = {{"type", "string"}},
      .success_status = 201,
      .response_schema = Ref("ImportReport"),
      .location = "/v1/carriers/{carrier}/ledger/entries/{/ledger_seq}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            const std::string type = call->req.content_type.substr(
                0, call->req.content_type.find(';'));
            if (type != "text/csv") {
              return call->Send(Problem(415, "unsupported-media-type", "Unsupported media type",
                                        "send the file as text/csv", call->req.request_id,
                                        "Content-Type"));
            }
            const std::string skip = call->req.Query("skip_invalid");
            if (!skip.empty() && skip != "true" && skip != "false") {
              return call->Fail(
                  Status::InvalidArgument("skip_invalid must be true or false", "skip_invalid"));
            }
            services::ImportOptions options;
            options.carrier = call->carrier;
            options.skip_invalid = skip == "true";
            options.source_name = call->req.Query("source").substr(0, 200);
            if (options.source_name.empty()) options.source_name = "api upload";
            auto report =
                services::ImportCustomersCsv(api.store(), call->req.body, options, call->actor);
            if (!report.ok()) return call->Fail(report.status());
            json errors = json::array();
            for (const auto& e : report->first_errors) {
              errors.push_back({{"line", e.line}, {"column", e.column}, {"reason", e.reason}});
            }
            json out = {{"rows", report->rows},         {"imported", report->imported},
                        {"rejected", report->rejected}, {"committed", report->committed},
                        {"ledger_seq", report->ledger_seq},
                        {"file_sha256", report->file_sha256},
                        {"errors", errors}};
            if (!report->committed) {
              Response r = Problem(422, "import-rejected", "The file has bad rows",
                                   std::to_string(report->rejected) +
                                       " rows are bad; nothing was imported",
                                   call->req.request_id);
              json problem = json::parse(r.body);
              problem["errors"] = errors;
              problem["rows"] = report->rows;
              problem["rejected"] = report->rejected;
              r.body = problem.dump(-1, ' ', false, json::error_handler_t::replace);
              return call->Send(std::move(r));
            }
            call->Json(201, out);
          }});
}

}  // namespace proprio::api
