#include "services/access_log.h"

#include <nlohmann/json.hpp>

namespace proprio::services {

using nlohmann::json;

AccessLog::AccessLog(store::Store& store, store::GroupCommitter::Options options)
    : committer_(store, options) {}

void AccessLog::RecordCpniRead(CarrierId carrier, CustomerId customer, const std::string& purpose,
                               const std::string& fields, const Actor& actor,
                               std::function<void(Status)> done) {
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = "cpni.accessed";
  ev.subject = "customer:" + customer.ToString();
  ev.body = json{{"purpose", purpose}, {"fields", fields}}.dump();
  committer_.SubmitWithCallback(
      [ev = std::move(ev)](store::Tx& tx) -> Status { return tx.Append(ev).status(); },
      std::move(done));
}

void AccessLog::RecordRefused(CarrierId carrier, const std::string& reason, const Actor& actor,
                              std::function<void(Status)> done) {
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = "access.refused";
  ev.subject = "carrier:" + carrier.ToString();
  ev.body = json{{"reason", reason}}.dump();
  committer_.SubmitWithCallback(
      [ev = std::move(ev)](store::Tx& tx) -> Status {
        auto c = tx.GetCarrier(ev.carrier);
        if (!c.ok()) return c.status().IsNotFound() ? Status::Ok() : c.status();
        return tx.Append(ev).status();
      },
      std::move(done));
}

}  // namespace proprio::services
