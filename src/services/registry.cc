#include "services/registry.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "rules/address_of_record.h"
#include "services/json_codec.h"
#include "services/time_zones.h"

namespace proprio::services {

using nlohmann::json;

store::LedgerEvent MakeEvent(const Actor& actor, CarrierId carrier, std::string type,
                             std::string subject, const json& body, const json* payload) {
  store::LedgerEvent ev;
  ev.carrier = carrier;
  ev.at = actor.now;
  ev.actor = actor.id;
  ev.type = std::move(type);
  ev.subject = std::move(subject);
  ev.body = body.dump();
  if (payload != nullptr) {
    ev.payload = payload->dump();
    ev.retain_until = actor.now + kDefaultPayloadRetentionDays * kMicrosPerDay;
  }
  return ev;
}

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
    const json payload = {{"officers", officers}};
    return tx
        .Append(MakeEvent(actor, carrier.id, "carrier.created", "carrier:" + carrier.id.ToString(),
                          {{"legal_name", carrier.legal_name},
                           {"filer_id_499", carrier.filer_id_499},
                           {"time_zone", carrier.time_zone}},
                          &payload))
        .status();
  }));
  return carrier;
}

Result<Customer> AddCustomer(store::Store& store, Customer customer, const Actor& actor) {
  customer.created_at = actor.now;
  const bool date_address = !customer.address_since.Valid();
  if (date_address) customer.address_since = UtcDate(actor.now);  // validated below, redated in tx
  RETURN_IF_ERROR(NormalizeCustomer(customer));
  const CivilDate given_service_since = customer.service_since;
  RETURN_IF_ERROR(store.Transact([&](store::Tx& tx) -> Status {
    // One carrier zone serves both dates below.
    ASSIGN_OR_RETURN(Carrier carrier, tx.GetCarrier(customer.carrier));
    ASSIGN_OR_RETURN(auto zone, LoadTimeZone(carrier.time_zone));
    if (date_address) {
      // 64.2003(b): the day the address was set, in the carrier's zone.
      customer.address_since = rules::AddressSetOn(actor.now, *zone);
    }
    // Adding one account is opening it: service begins today, the carrier's
    // date, unless the caller says when it began (an existing account
    // entered by hand). A day after today is refused.
    const CivilDate today = zone->LocalDate(actor.now);
    customer.service_since = given_service_since.Valid() ? given_service_since : today;
    if (customer.service_since > today) {
      return Status::InvalidArgument("service_since " + customer.service_since.ToString() +
                                         " is after today (" + today.ToString() + ", " +
                                         carrier.time_zone + ")",
                                     "service_since");
    }
    ASSIGN_OR_RETURN(customer.id, tx.InsertCustomer(customer));
    json personal = CustomerPersonalData(customer);
    personal["account_number"] = customer.account_number;
    return tx
        .Append(MakeEvent(actor, customer.carrier, "customer.created",
                          "customer:" + customer.id.ToString(),
                          {{"customer_type", CustomerTypeName(customer.type)},
                           {"services", customer.services.ToString()},
                           {"service_since", customer.service_since.ToString()}},
                          &personal))
        .status();
  }));
  return customer;
}

namespace {

Status RecordAccess(store::Tx& tx, const Customer& c, const std::string& purpose,
                    const Actor& actor) {
  return tx
      .Append(MakeEvent(actor, c.carrier, "cpni.accessed", "customer:" + c.id.ToString(),
                        {{"purpose", purpose}, {"fields", "customer_record"}}))
      .status();
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
    const json payload = {{"name", staff.name}, {"email", staff.email}};
    return tx
        .Append(MakeEvent(actor, staff.carrier, "staff.created", "staff:" + staff.id.ToString(),
                          {{"roles", roles}, {"hired_on", staff.hired_on.ToString()}}, &payload))
        .status();
  }));
  return staff;
}

}  // namespace proprio::services
