// /v1/carriers/{carrier}/ledger: the head, full verification, entries and
// inclusion proofs (ledger/proof.h format, checkable without the database).
#include "api/problem.h"
#include "api/routes_common.h"
#include "ledger/proof.h"

namespace proprio::api {

using nlohmann::json;

void AddLedgerRoutes(Api& api, std::vector<RouteSpec>& routes) {
  const std::string base = "/v1/carriers/{carrier}/ledger";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base,
      .summary = "The ledger's head: entries, Merkle root, last chain hash",
      .tag = "ledger",
      .roles = kLedgerReaders,
      .response_schema = Ref("LedgerHead"),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            ledger::Head head;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              RETURN_IF_ERROR(tx.GetCarrier(call->carrier).status());
              ASSIGN_OR_RETURN(head, tx.LedgerHead(call->carrier));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            call->Json(200, {{"carrier", call->carrier.value()},
                             {"entries", head.size},
                             {"root", ledger::HashHex(head.root)},
                             {"last_hash", ledger::HashHex(head.last_hash)}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/verification",
      .summary = "Verify every entry, link, leaf and payload of the ledger now",
      .tag = "ledger",
      .roles = kLedgerReaders,
      .response_schema = Ref("VerifyReport"),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            ledger::VerifyReport report;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              RETURN_IF_ERROR(tx.GetCarrier(call->carrier).status());
              ASSIGN_OR_RETURN(report, tx.VerifyLedger(call->carrier));
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            json problems = json::array();
            for (const auto& p : report.problems) {
              problems.push_back({{"kind", ledger::ProblemKindName(p.kind)},
                                  {"entry", p.entry},
                                  {"detail", p.detail}});
            }
            call->Json(200, {{"carrier", report.carrier.value()},
                             {"valid", report.valid},
                             {"entries", report.entries},
                             {"payloads_checked", report.payloads_checked},
                             {"payloads_erased", report.payloads_erased},
                             {"root", ledger::HashHex(report.root)},
                             {"problems", problems}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/entries/{seq}",
      .summary = "One ledger entry, decoded (its payload of personal data is not shown)",
      .tag = "ledger",
      .roles = kLedgerReaders,
      .response_schema = Ref("LedgerEntry"),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto seq = call->IdParam("seq");
            if (!seq.ok()) return call->Fail(seq.status());
            ledger::Entry e;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              ASSIGN_OR_RETURN(auto read, tx.ReadEntry(call->carrier, *seq));
              e = std::move(read.first);
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            json body = json::parse(e.body, nullptr, false);
            json out = {{"carrier", e.carrier.value()}, {"seq", e.seq},
                        {"at", e.at.ToRfc3339()},       {"actor", e.actor},
                        {"type", e.type},               {"subject", e.subject},
                        {"body", body.is_discarded() ? json(e.body) : body},
                        {"prev_hash", ledger::HashHex(e.prev_hash)}};
            out["payload_hash"] =
                e.payload_hash ? json(ledger::HashHex(*e.payload_hash)) : json(nullptr);
            call->Json(200, out);
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = base + "/entries/{seq}/proof",
      .summary = "Inclusion proof of one entry (format proprio-inclusion-proof/1)",
      .tag = "ledger",
      .roles = kLedgerReaders,
      .response_schema = Ref("InclusionProof"),
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto seq = call->IdParam("seq");
            if (!seq.ok()) return call->Fail(seq.status());
            std::string proof;
            Status st = api.store().Read([&](store::Tx& tx) -> Status {
              RETURN_IF_ERROR(tx.GetCarrier(call->carrier).status());
              ASSIGN_OR_RETURN(ledger::InclusionProof p, tx.ProveEntry(call->carrier, *seq));
              proof = p.ToJson();
              return Status::Ok();
            });
            if (!st.ok()) return call->Fail(st);
            Response r;
            r.body = std::move(proof);
            call->Send(std::move(r));
          }});
}

}  // namespace proprio::api
