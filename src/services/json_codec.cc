#include "services/json_codec.h"

namespace proprio::services {

using nlohmann::json;

namespace {
json AddressToJson(const PostalAddress& a) {
  return {{"street", a.street}, {"city", a.city}, {"state", a.state},
          {"postal_code", a.postal_code}, {"country", a.country}};
}
}  // namespace

json CarrierToJson(const Carrier& c) {
  json officers = json::array();
  for (const Officer& o : c.officers) {
    officers.push_back({{"name", o.name}, {"title", o.title}, {"signatory", o.signatory}});
  }
  return {{"id", c.id.value()},
          {"legal_name", c.legal_name},
          {"filer_id_499", c.filer_id_499},
          {"address", AddressToJson(c.address)},
          {"time_zone", c.time_zone},
          {"officers", officers},
          {"created_at", c.created_at.ToRfc3339()}};
}

json CustomerPersonalData(const Customer& c) {
  return {{"name", c.name},
          {"telephone_numbers", c.phones_of_record},
          {"address", AddressToJson(c.address_of_record)},
          {"address_since", c.address_since.ToString()},
          {"email", c.email}};
}

json CustomerToJson(const Customer& c) {
  json services = json::array();
  for (ServiceCategory s : c.services.List()) services.push_back(ServiceCategoryName(s));
  json j = CustomerPersonalData(c);
  j["id"] = c.id.value();
  j["carrier"] = c.carrier.value();
  j["account_number"] = c.account_number;
  j["customer_type"] = CustomerTypeName(c.type);
  j["services"] = services;
  if (c.type == CustomerType::kBusiness) {
    j["account_representative"] = c.account_representative;
    j["cpni_contract"] = c.cpni_contract_ref;
  }
  // null: not known, an existing customer (47 CFR 64.2010(e)).
  j["service_since"] =
      c.service_since.Valid() ? json(c.service_since.ToString()) : json(nullptr);
  j["created_at"] = c.created_at.ToRfc3339();
  if (c.closed_at) j["closed_at"] = c.closed_at->ToRfc3339();  // a former customer
  return j;
}

json StaffToJson(const Staff& s) {
  json roles = json::array();
  for (Role r : s.roles) roles.push_back(RoleName(r));
  return {{"id", s.id.value()},      {"carrier", s.carrier.value()},
          {"name", s.name},          {"email", s.email},
          {"roles", roles},          {"hired_on", s.hired_on.ToString()},
          {"active", s.active},      {"created_at", s.created_at.ToRfc3339()}};
}

}  // namespace proprio::services
