#include "services/access_log.h"

#include <nlohmann/json.hpp>

namespace proprio::services {

using nlohmann::json;

AccessLog::AccessLog(store::Store& store, store::GroupCommitter::Options options)
    : committer_(store, options) {}

void AccessLog::RecordCpniRead(CarrierId carrier, CustomerId customer, const std::string& purpose,
                               const std::string& fields, const Actor& actor,
                               std::function<void(Status)> done) {
  Pending p;
  p.event.carrier = carrier;
  p.event.at = actor.now;
  p.event.actor = actor.id;
  p.event.type = "cpni.accessed";
  p.event.subject = "customer:" + customer.ToString();
  // Never throws: text that is not UTF-8 (refused at the edges) would be kept as U+FFFD.
  p.event.body = json{{"purpose", purpose}, {"fields", fields}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
  p.done = std::move(done);
  Enqueue(std::move(p));
}

void AccessLog::RecordRefused(CarrierId carrier, const std::string& reason, const Actor& actor,
                              std::function<void(Status)> done) {
  Pending p;
  p.event.carrier = carrier;
  p.event.at = actor.now;
  p.event.actor = actor.id;
  p.event.type = "access.refused";
  p.event.subject = "carrier:" + carrier.ToString();
  p.event.body = json{{"reason", reason}}.dump(-1, ' ', false, json::error_handler_t::replace);
  p.only_if_carrier_exists = true;
  p.done = std::move(done);
  Enqueue(std::move(p));
}

void AccessLog::Enqueue(Pending p) {
  bool submit = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(std::move(p));
    submit = !scheduled_;
    scheduled_ = true;
  }
  if (!submit) return;
  // One unit of group commit takes every entry queued when it runs: one
  // savepoint for all of them rather than one each.
  auto batch = std::make_shared<std::vector<Pending>>();
  committer_.SubmitWithCallback(
      [this, batch](store::Tx& tx) -> Status {
        {
          std::lock_guard<std::mutex> lock(mu_);
          batch->swap(pending_);
          scheduled_ = false;
        }
        for (const Pending& item : *batch) {
          if (item.only_if_carrier_exists) {
            auto c = tx.GetCarrier(item.event.carrier);
            if (!c.ok() && c.status().IsNotFound()) continue;  // no ledger to write to
            RETURN_IF_ERROR(c.status());
          }
          RETURN_IF_ERROR(tx.Append(item.event).status());
        }
        return Status::Ok();
      },
      [this, batch](Status st) {
        if (batch->empty() && !st.ok()) {
          // The unit never ran (the committer is stopping): fail what waits.
          std::lock_guard<std::mutex> lock(mu_);
          batch->swap(pending_);
          scheduled_ = false;
        }
        for (Pending& item : *batch) item.done(st);
      });
}

}  // namespace proprio::services
