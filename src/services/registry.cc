#include "services/registry.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "services/json_codec.h"

namespace proprio::services {

using nlohmann::json;

bool TimeZoneExists(const std::string& name) {
  if (name == "UTC") return true;
  if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') return false;
  struct stat st {};
  return ::stat(("/usr/share/zoneinfo/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<Carrier> AddCarrier(store::Store& store, Carrier carrier, const Actor& actor) {
  carrier.created_at = actor.now;
  RETURN_IF_ERROR(ValidateCarrier(carrier));
  if (!TimeZoneExists(carrier.time_zone)) {
    return Status::InvalidArgument("time_zone '" + carrier.time_zone +
                                       "' is not a known IANA time zone",
                                   "time_zone");
  }
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(carrier.id, tx.InsertCarrier(carrier));
    json officers = json::array();
    for (const Officer& o : carrier.officers) {
      officers.push_back({{"name", o.name}, {"title", o.title}, {"signatory", o.signatory}});
    }
    store::LedgerEvent ev;
    ev.carrier = carrier.id;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "carrier.created";
    ev.subject = "carrier:" + carrier.id.ToString();
    ev.body = json{{"legal_name", carrier.legal_name},
                   {"filer_id_499", carrier.filer_id_499},
                   {"time_zone", carrier.time_zone}}
                  .dump();
    ev.payload = json{{"officers", officers}}.dump();
    ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
    return tx.Append(ev).status();
  }));
  return carrier;
}

Result<Customer> AddCustomer(store::Store& store, Customer customer, const Actor& actor) {
  customer.created_at = actor.now;
  if (!customer.address_since.Valid()) customer.address_since = UtcDate(actor.now);
  RETURN_IF_ERROR(NormalizeCustomer(customer));
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(customer.id, tx.InsertCustomer(customer));
    store::LedgerEvent ev;
    ev.carrier = customer.carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "customer.created";
    ev.subject = "customer:" + customer.id.ToString();
    ev.body = json{{"customer_type", CustomerTypeName(customer.type)},
                   {"services", customer.services.ToString()}}
                  .dump();
    json personal = CustomerPersonalData(customer);
    personal["account_number"] = customer.account_number;
    ev.payload = personal.dump();
    ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
    return tx.Append(ev).status();
  }));
  return customer;
}

namespace {

Status RecordAccess(store::Tx& tx, const Customer& c, const std::string& purpose,
                    const Actor& actor) {
  store::LedgerEvent ev;
  ev.carrier = c.carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = "cpni.accessed";
  ev.subject = "customer:" + c.id.ToString();
  ev.body = json{{"purpose", purpose}, {"fields", "customer_record"}}.dump();
  return tx.Append(ev).status();
}

}  // namespace

Result<Customer> ShowCustomer(store::Store& store, CarrierId carrier, CustomerId id,
                              const std::string& purpose, const Actor& actor) {
  Customer out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.GetCustomer(carrier, id));
    return RecordAccess(tx, out, purpose, actor);
  }));
  return out;
}

Result<Customer> ShowCustomerByAccount(store::Store& store, CarrierId carrier,
                                       const std::string& account_number,
                                       const std::string& purpose, const Actor& actor) {
  Customer out;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(std::optional<Customer> found, tx.FindCustomerByAccount(carrier, account_number));
    if (!found) return Status::NotFound("no customer with that account number for this carrier");
    out = std::move(*found);
    return RecordAccess(tx, out, purpose, actor);
  }));
  return out;
}

Result<Staff> AddStaff(store::Store& store, Staff staff, const Actor& actor) {
  staff.created_at = actor.now;
  if (!staff.hired_on.Valid()) staff.hired_on = UtcDate(actor.now);
  RETURN_IF_ERROR(ValidateStaff(staff));
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(staff.id, tx.InsertStaff(staff));
    json roles = json::array();
    for (Role r : staff.roles) roles.push_back(RoleName(r));
    store::LedgerEvent ev;
    ev.carrier = staff.carrier;
    ev.at = actor.now;
    ev.actor = actor.id;
    ev.type = "staff.created";
    ev.subject = "staff:" + staff.id.ToString();
    ev.body = json{{"roles", roles}, {"hired_on", staff.hired_on.ToString()}}.dump();
    ev.payload = json{{"name", staff.name}, {"email", staff.email}}.dump();
    ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
    return tx.Append(ev).status();
  }));
  return staff;
}

}  // namespace proprio::services
