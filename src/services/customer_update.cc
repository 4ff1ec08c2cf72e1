#include "services/customer_update.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "ledger/sha256.h"
#include "rules/address_of_record.h"
#include "services/json_codec.h"
#include "services/notifications.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;

namespace {

// A JSON string as nlohmann::json's dump() writes it (no ASCII escaping):
// the text must match byte for byte, since its hash is the record's ETag.
void AppendQuoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void AppendField(std::string& out, std::string_view key, std::string_view value) {
  AppendQuoted(out, key);
  out.push_back(':');
  AppendQuoted(out, value);
  out.push_back(',');
}

bool AllTextValidUtf8(const Customer& c) {
  const auto& a = c.address_of_record;
  for (std::string_view s : {std::string_view(c.account_number), std::string_view(c.name),
                             std::string_view(c.email), std::string_view(a.street),
                             std::string_view(a.city), std::string_view(a.state),
                             std::string_view(a.postal_code), std::string_view(a.country),
                             std::string_view(c.account_representative),
                             std::string_view(c.cpni_contract_ref)}) {
    if (!IsValidUtf8(s)) return false;
  }
  return std::all_of(c.phones_of_record.begin(), c.phones_of_record.end(),
                     [](const std::string& p) { return IsValidUtf8(p); });
}

}  // namespace

std::string CustomerJsonText(const Customer& c) {
  // Text that is not UTF-8 can only come from a damaged row; the general
  // writer replaces what it cannot encode.
  if (!AllTextValidUtf8(c)) {
    return CustomerToJson(c).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  // Written directly (the hottest answer of the API): the fields of
  // CustomerToJson in its key order, which is sorted. NormalizeCustomer keeps
  // the business-only fields empty for residential customers, so this text
  // holds every field of the record.
  const auto& a = c.address_of_record;
  std::string out;
  out.reserve(512);
  out.push_back('{');
  AppendField(out, "account_number", c.account_number);
  const bool business = c.type == CustomerType::kBusiness;
  if (business) AppendField(out, "account_representative", c.account_representative);
  out += "\"address\":{";
  AppendField(out, "city", a.city);
  AppendField(out, "country", a.country);
  AppendField(out, "postal_code", a.postal_code);
  AppendField(out, "state", a.state);
  AppendField(out, "street", a.street);
  out.back() = '}';
  out.push_back(',');
  AppendField(out, "address_since", c.address_since.ToString());
  out += "\"carrier\":" + std::to_string(c.carrier.value()) + ",";
  if (c.closed_at) AppendField(out, "closed_at", c.closed_at->ToRfc3339());
  if (business) AppendField(out, "cpni_contract", c.cpni_contract_ref);
  AppendField(out, "created_at", c.created_at.ToRfc3339());
  AppendField(out, "customer_type", CustomerTypeName(c.type));
  AppendField(out, "email", c.email);
  out += "\"id\":" + std::to_string(c.id.value()) + ",";
  AppendField(out, "name", c.name);
  if (c.service_since.Valid()) {
    AppendField(out, "service_since", c.service_since.ToString());
  } else {
    out += "\"service_since\":null,";
  }
  out += "\"services\":[";
  for (ServiceCategory s : c.services.List()) {
    AppendQuoted(out, ServiceCategoryName(s));
    out.push_back(',');
  }
  if (out.back() == ',') out.pop_back();
  out += "],\"telephone_numbers\":[";
  for (const std::string& p : c.phones_of_record) {
    AppendQuoted(out, p);
    out.push_back(',');
  }
  if (out.back() == ',') out.pop_back();
  out += "]}";
  return out;
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
    // The day service began is fixed when the account is added or imported:
    // moving it would reopen the service-initiation path (47 CFR 64.2010(e)).
    if (updated.service_since != current.service_since) {
      return Status::InvalidArgument(
          "service_since is the day the account's service began, set when the account was "
          "added or imported; it cannot be changed (the service-initiation path of 47 CFR "
          "64.2010(e) follows it)",
          "service_since");
    }
    updated.id = current.id;
    updated.carrier = current.carrier;
    updated.created_at = current.created_at;
    updated.closed_at = current.closed_at;
    // A change that leaves address_since unset: a new address of record is set
    // today; an unchanged one keeps its date.
    if (!updated.address_since.Valid()) {
      if (updated.address_of_record == current.address_of_record) {
        updated.address_since = current.address_since;
      } else {
        // 64.2003(b): dated with the carrier's local day (rules/address_of_record.h).
        ASSIGN_OR_RETURN(auto zone, CarrierTimeZone(tx, carrier));
        updated.address_since = rules::AddressSetOn(actor.now, *zone);
      }
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

Result<Customer> CloseCustomer(store::Store& store, CarrierId carrier, CustomerId id,
                               std::optional<Instant> closed_at, const std::string& reason,
                               const Actor& actor) {
  const Instant at = closed_at.value_or(actor.now);
  if (at > actor.now + 5 * 60 * kMicrosPerSecond) {
    return Status::InvalidArgument("closed_at is in the future", "closed_at");
  }
  if (reason.size() > 500) {
    return Status::InvalidArgument("reason must be at most 500 bytes", "reason");
  }
  Customer out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.GetCustomer(carrier, id));
    if (out.closed_at) {
      return Status(StatusCode::kFailedPrecondition,
                    "customer " + id.ToString() + " was already closed at " +
                        out.closed_at->ToRfc3339(),
                    "customer");
    }
    if (at < out.created_at) {
      return Status::InvalidArgument("closed_at is before the customer was created", "closed_at");
    }
    RETURN_IF_ERROR(tx.CloseCustomer(carrier, id, at));
    out.closed_at = at;
    // 64.2003(f): a former customer. Nothing is erased: the customer's
    // records (ledger payloads, approvals, notices, breach records) stay
    // under their own retention dates.
    store::LedgerEvent ev;
    ev.carrier = carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "customer.closed";
    ev.subject = "customer:" + id.ToString();
    ev.body = json{{"closed_at", at.ToRfc3339()}}.dump();
    if (!reason.empty()) {  // free text: beside the chain, like other personal data
      ev.payload = json{{"reason", reason}}.dump();
      ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
    }
    return tx.Append(ev).status();
  }));
  return out;
}

}  // namespace proprio::services
