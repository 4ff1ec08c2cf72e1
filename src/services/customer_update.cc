#include "services/customer_update.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ledger/sha256.h"
#include "services/json_codec.h"
#include "services/notifications.h"

namespace proprio::services {

using nlohmann::json;

std::string CustomerJsonText(const Customer& c) {
  // NormalizeCustomer keeps the business-only fields empty for residential
  // customers, so this text holds every field of the record.
  return CustomerToJson(c).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string CustomerVersionOfText(std::string_view json_text) {
  return ledger::HashHex(ledger::Sha256Of(json_text)).substr(0, 32);
}

std::string CustomerVersion(const Customer& c) {
  return CustomerVersionOfText(CustomerJsonText(c));
}

Result<Customer> UpdateCustomer(store::Store& store, CarrierId carrier, CustomerId id,
                                const std::optional<std::string>& expected_version,
                                const std::function<Status(Customer&)>& change,
                                const Actor& actor) {
  Customer updated;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer current, tx.GetCustomer(carrier, id));
    if (expected_version && *expected_version != CustomerVersion(current)) {
      return Status(StatusCode::kAborted,
                    "the customer changed since version " + *expected_version +
                        " was read; read it again and retry",
                    "If-Match");
    }
    updated = current;
    RETURN_IF_ERROR(change(updated));
    updated.id = current.id;
    updated.carrier = current.carrier;
    updated.created_at = current.created_at;
    // A change that leaves address_since unset: a new address of record is set
    // today; an unchanged one keeps its date.
    if (!updated.address_since.Valid()) {
      updated.address_since = updated.address_of_record == current.address_of_record
                                  ? current.address_since
                                  : UtcDate(actor.now);
    }
    RETURN_IF_ERROR(NormalizeCustomer(updated));
    const json before = CustomerToJson(current), after = CustomerToJson(updated);
    std::vector<std::string> changed;
    for (const auto& [key, value] : after.items()) {
      if (!before.contains(key) || before[key] != value) changed.push_back(key);
    }
    auto note = [&](bool differs, const char* key) {
      if (differs && std::find(changed.begin(), changed.end(), key) == changed.end()) {
        changed.push_back(key);
      }
    };
    note(current.account_representative != updated.account_representative,
         "account_representative");
    note(current.cpni_contract_ref != updated.cpni_contract_ref, "cpni_contract");
    if (changed.empty()) return Status::Ok();
    RETURN_IF_ERROR(tx.UpdateCustomer(updated));
    store::LedgerEvent ev;
    ev.carrier = carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "customer.updated";
    ev.subject = "customer:" + id.ToString();
    ev.body = json{{"changed", changed},
                   {"customer_type", CustomerTypeName(updated.type)},
                   {"services", updated.services.ToString()}}
                  .dump();
    json personal = CustomerPersonalData(updated);
    personal["account_number"] = updated.account_number;
    ev.payload = personal.dump();
    ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
    RETURN_IF_ERROR(tx.Append(ev).status());
    // 64.2010(f): a changed address of record is notified at once, never to the new one.
    return NoteCustomerContactChange(tx, current, updated, actor);
  }));
  return updated;
}

}  // namespace proprio::services
