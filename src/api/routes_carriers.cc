// /v1/carriers: the carriers a caller acts for; platform administrators add them.
#include <algorithm>

#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_common.h"
#include "services/json_codec.h"
#include "services/registry.h"

namespace proprio::api {

using nlohmann::json;

PostalAddress ReadAddress(ObjectReader& parent, const char* name) {
  PostalAddress a;
  const json* obj = parent.OptObject(name);
  if (obj == nullptr) {
    if (!parent.Has(name)) {
      parent.Fail(Status::InvalidArgument(parent.Field(name) + " is required", parent.Field(name)));
    }
    return a;
  }
  ObjectReader r(*obj, parent.Field(name) + ".");
  a.street = r.String("street", kMaxAddressLineBytes);
  a.city = r.String("city", kMaxAddressLineBytes);
  a.state = r.String("state", 32);
  a.postal_code = r.String("postal_code", 16);
  a.country = r.OptString("country", 2).value_or("US");
  parent.Merge(r);
  return a;
}

void AddCarrierRoutes(Api& api, std::vector<RouteSpec>& routes) {
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/v1/carriers",
      .summary = "The carriers the caller may act for, by id, a page at a time",
      .tag = "carriers",
      .query = PageQuery(),
      .response_schema = PageSchema("carriers", Ref("Carrier")),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            // The principal's carriers are sorted by id; the page is cut from them.
            const std::vector<CarrierId>& ids = call->principal->carriers;
            auto first = std::upper_bound(ids.begin(), ids.end(), CarrierId(page->after));
            const size_t left = static_cast<size_t>(ids.end() - first);
            const size_t n = std::min(left, static_cast<size_t>(page->limit));
            std::optional<int64_t> next;
            if (left > n) next = (first + static_cast<ptrdiff_t>(n) - 1)->value();
            json out = json::array();
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              for (auto it = first; it != first + static_cast<ptrdiff_t>(n); ++it) {
                auto carrier = tx.GetCarrier(*it);
                if (carrier.ok()) out.push_back(services::CarrierToJson(*carrier));
              }
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            call->Json(200, {{"carriers", out}, {"next_cursor", NextCursor(next)}});
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = "/v1/carriers",
      .summary = "Add a carrier; the caller becomes a member of it",
      .tag = "carriers",
      .roles = {Role::kAdmin},
      .request_headers = {"Idempotency-Key"},
      .request_type = "application/json",
      .request_schema = Ref("CarrierInput"),
      .success_status = 201,
      .response_schema = Ref("Carrier"),
      .location = "/v1/carriers/{/id}",
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            ObjectReader r(*body);
            Carrier c;
            c.legal_name = r.String("legal_name", kMaxNameBytes);
            c.filer_id_499 = r.String("filer_id_499", 12);
            c.time_zone = r.String("time_zone", 64);
            c.address = ReadAddress(r, "address");
            if (const json* list = r.OptArray("officers", 32)) {
              for (size_t i = 0; i < list->size(); ++i) {
                const std::string field = "officers[" + std::to_string(i) + "]";
                if (!(*list)[i].is_object()) {
                  r.Fail(Status::InvalidArgument(field + " must be an object", field));
                  break;
                }
                ObjectReader o((*list)[i], field + ".");
                Officer officer;
                officer.name = o.String("name", kMaxNameBytes);
                officer.title = o.String("title", kMaxNameBytes);
                officer.signatory = o.OptBool("signatory").value_or(false);
                r.Merge(o);
                c.officers.push_back(officer);
              }
            }
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            auto added = services::AddCarrier(api.store(), c, call->actor);
            if (!added.ok()) return call->Fail(added.status());
            Status granted = services::GrantCarrier(api.store(), call->principal->account,
                                                    added->id, call->actor);
            if (!granted.ok()) return call->Fail(granted);
            api.ForgetToken(call->principal->token_id);
            Response resp;
            resp.status = 201;
            resp.body = services::CarrierToJson(*added).dump();
            call->Send(std::move(resp));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = "/v1/carriers/{carrier}",
      .summary = "One carrier, with its customer count and ledger head",
      .tag = "carriers",
      .response_schema = Ref("Carrier"),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            json out;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(Carrier c, tx.GetCarrier(call->carrier));
              ASSIGN_OR_RETURN(int64_t customers, tx.CountCustomers(c.id));
              ASSIGN_OR_RETURN(ledger::Head head, tx.LedgerHead(c.id));
              out = services::CarrierToJson(c);
              out["customers"] = customers;
              out["ledger"] = {{"entries", head.size}, {"root", ledger::HashHex(head.root)}};
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            call->Json(200, out);
          }});
}

}  // namespace proprio::api
