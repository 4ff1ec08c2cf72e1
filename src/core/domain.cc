#include "core/domain.h"

#include <algorithm>
#include <array>

#include "core/text.h"

namespace proprio {
namespace {

constexpr std::array<const char*, kServiceCategoryCount> kServiceNames = {
    "local", "interexchange", "cmrs", "interconnected_voip", "internet_access",
    "voice_messaging", "cpe"};

constexpr std::array<const char*, 9> kRoleNames = {
    "admin", "compliance_officer", "general_counsel", "supervisor", "csr",
    "marketing", "security", "auditor", "system"};

Status CheckText(std::string_view value, std::string_view field, size_t max_bytes,
                 bool required) {
  if (required && Trim(value).empty()) {
    return Status::InvalidArgument(std::string(field) + " is required", std::string(field));
  }
  if (value.size() > max_bytes) {
    return Status::InvalidArgument(std::string(field) + " is longer than " +
                                       std::to_string(max_bytes) + " bytes",
                                   std::string(field));
  }
  if (!IsValidUtf8(value)) {
    return Status::InvalidArgument(std::string(field) + " is not valid UTF-8", std::string(field));
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7F) {
      return Status::InvalidArgument(std::string(field) + " contains a control character",
                                     std::string(field));
    }
  }
  return Status::Ok();
}

Status CheckAddress(const PostalAddress& a, const std::string& prefix, bool required) {
  RETURN_IF_ERROR(CheckText(a.street, prefix + "street", kMaxAddressLineBytes, required));
  RETURN_IF_ERROR(CheckText(a.city, prefix + "city", kMaxAddressLineBytes, required));
  RETURN_IF_ERROR(CheckText(a.state, prefix + "state", 32, required));
  RETURN_IF_ERROR(CheckText(a.postal_code, prefix + "postal_code", 16, required));
  RETURN_IF_ERROR(CheckText(a.country, prefix + "country", 2, required));
  if (a.country == "US" && !a.state.empty()) {
    if (a.state.size() != 2 || !std::isupper(static_cast<unsigned char>(a.state[0])) ||
        !std::isupper(static_cast<unsigned char>(a.state[1]))) {
      return Status::InvalidArgument(prefix + "state must be a two-letter USPS code such as FL",
                                     prefix + "state");
    }
  }
  if (a.country == "US" && !a.postal_code.empty()) {
    const std::string& z = a.postal_code;
    const bool zip5 = z.size() == 5 && std::all_of(z.begin(), z.end(), ::isdigit);
    const bool zip9 = z.size() == 10 && z[5] == '-' &&
                      std::all_of(z.begin(), z.begin() + 5, ::isdigit) &&
                      std::all_of(z.begin() + 6, z.end(), ::isdigit);
    if (!zip5 && !zip9) {
      return Status::InvalidArgument(prefix + "postal_code must be a ZIP code (12345 or 12345-6789)",
                                     prefix + "postal_code");
    }
  }
  return Status::Ok();
}

void TrimInPlace(std::string& s) { s = std::string(Trim(s)); }

}  // namespace

std::string PostalAddress::OneLine() const {
  std::string out = street;
  if (!city.empty()) out += ", " + city;
  if (!state.empty()) out += ", " + state;
  if (!postal_code.empty()) out += " " + postal_code;
  return out;
}

Status ValidateCarrier(const Carrier& c) {
  RETURN_IF_ERROR(CheckText(c.legal_name, "legal_name", kMaxNameBytes, true));
  if (c.filer_id_499.empty() || c.filer_id_499.size() > 12 ||
      !std::all_of(c.filer_id_499.begin(), c.filer_id_499.end(), ::isdigit)) {
    return Status::InvalidArgument("filer_id_499 must be the Form 499 Filer ID: 1 to 12 digits",
                                   "filer_id_499");
  }
  RETURN_IF_ERROR(CheckAddress(c.address, "address.", false));
  if (c.time_zone.empty() || c.time_zone.size() > 64 || c.time_zone.find("..") != std::string::npos ||
      c.time_zone.front() == '/') {
    return Status::InvalidArgument("time_zone must be an IANA zone name such as America/New_York",
                                   "time_zone");
  }
  for (size_t i = 0; i < c.officers.size(); ++i) {
    const std::string f = "officers[" + std::to_string(i) + "]";
    RETURN_IF_ERROR(CheckText(c.officers[i].name, f + ".name", kMaxNameBytes, true));
    RETURN_IF_ERROR(CheckText(c.officers[i].title, f + ".title", kMaxNameBytes, true));
  }
  return Status::Ok();
}

const char* ServiceCategoryName(ServiceCategory c) {
  const auto i = static_cast<size_t>(c);
  return i < kServiceNames.size() ? kServiceNames[i] : "unknown";
}

Result<ServiceCategory> ParseServiceCategory(std::string_view name) {
  for (size_t i = 0; i < kServiceNames.size(); ++i) {
    if (name == kServiceNames[i]) return static_cast<ServiceCategory>(i);
  }
  std::string known;
  for (const char* n : kServiceNames) known += known.empty() ? n : std::string(", ") + n;
  return Status::InvalidArgument("unknown service category '" + std::string(name) +
                                     "' (known: " + known + ")",
                                 "services");
}

std::vector<ServiceCategory> ServiceSet::List() const {
  std::vector<ServiceCategory> out;
  for (int i = 0; i < kServiceCategoryCount; ++i) {
    if (bits_ & (1u << i)) out.push_back(static_cast<ServiceCategory>(i));
  }
  return out;
}

std::string ServiceSet::ToString() const {
  std::string out;
  for (ServiceCategory c : List()) {
    if (!out.empty()) out += ';';
    out += ServiceCategoryName(c);
  }
  return out;
}

Result<ServiceSet> ServiceSet::Parse(std::string_view list) {
  ServiceSet set;
  while (!list.empty()) {
    const size_t semi = list.find(';');
    const std::string_view item = Trim(list.substr(0, semi));
    if (!item.empty()) {
      ASSIGN_OR_RETURN(ServiceCategory c, ParseServiceCategory(item));
      set.Add(c);
    }
    if (semi == std::string_view::npos) break;
    list.remove_prefix(semi + 1);
  }
  return set;
}

const char* CustomerTypeName(CustomerType t) {
  return t == CustomerType::kBusiness ? "business" : "residential";
}

Result<CustomerType> ParseCustomerType(std::string_view name) {
  if (name == "residential") return CustomerType::kResidential;
  if (name == "business") return CustomerType::kBusiness;
  return Status::InvalidArgument("customer_type must be 'residential' or 'business', got '" +
                                     std::string(name) + "'",
                                 "customer_type");
}

Status NormalizeCustomer(Customer& c) {
  TrimInPlace(c.account_number);
  TrimInPlace(c.name);
  TrimInPlace(c.email);
  RETURN_IF_ERROR(CheckText(c.account_number, "account_number", kMaxAccountNumberBytes, true));
  RETURN_IF_ERROR(CheckText(c.name, "name", kMaxNameBytes, true));
  RETURN_IF_ERROR(CheckAddress(c.address_of_record, "address.", true));
  if (c.phones_of_record.empty()) {
    return Status::InvalidArgument("at least one telephone number of record is required",
                                   "telephone_numbers");
  }
  if (c.phones_of_record.size() > kMaxPhonesPerCustomer) {
    return Status::InvalidArgument("more than " + std::to_string(kMaxPhonesPerCustomer) +
                                       " telephone numbers of record",
                                   "telephone_numbers");
  }
  for (std::string& phone : c.phones_of_record) {
    auto normalized = NormalizeE164(phone);
    if (!normalized.ok()) {
      return Status::InvalidArgument(normalized.status().message(), "telephone_numbers");
    }
    phone = *normalized;
  }
  for (size_t i = 0; i < c.phones_of_record.size(); ++i) {
    for (size_t j = i + 1; j < c.phones_of_record.size(); ++j) {
      if (c.phones_of_record[i] == c.phones_of_record[j]) {
        return Status::InvalidArgument("telephone number " + c.phones_of_record[i] +
                                           " is listed twice",
                                       "telephone_numbers");
      }
    }
  }
  if (!c.email.empty()) {
    RETURN_IF_ERROR(CheckText(c.email, "email", kMaxEmailBytes, false));
    if (!LooksLikeEmail(c.email)) {
      return Status::InvalidArgument("email '" + c.email + "' is not an e-mail address", "email");
    }
  }
  if (!c.address_since.Valid()) {
    return Status::InvalidArgument("address_since is not a valid date", "address_since");
  }
  RETURN_IF_ERROR(CheckText(c.account_representative, "account_representative", kMaxNameBytes, false));
  RETURN_IF_ERROR(CheckText(c.cpni_contract_ref, "cpni_contract", kMaxNameBytes, false));
  if (c.type == CustomerType::kResidential &&
      (!c.account_representative.empty() || !c.cpni_contract_ref.empty())) {
    return Status::InvalidArgument(
        "account_representative and cpni_contract apply to business customers only "
        "(47 CFR 64.2010(g))",
        c.account_representative.empty() ? "cpni_contract" : "account_representative");
  }
  return Status::Ok();
}

const char* RoleName(Role r) {
  const auto i = static_cast<size_t>(r);
  return i < kRoleNames.size() ? kRoleNames[i] : "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (name == kRoleNames[i]) return static_cast<Role>(i);
  }
  return Status::InvalidArgument("unknown role '" + std::string(name) +
                                     "' (admin, compliance_officer, general_counsel, supervisor, "
                                     "csr, marketing, security, auditor, system)",
                                 "role");
}

Status ValidateStaff(const Staff& s) {
  RETURN_IF_ERROR(CheckText(s.name, "name", kMaxNameBytes, true));
  if (!s.email.empty() && !LooksLikeEmail(s.email)) {
    return Status::InvalidArgument("email is not an e-mail address", "email");
  }
  if (s.roles.empty()) return Status::InvalidArgument("at least one role is required", "role");
  return Status::Ok();
}

}  // namespace proprio
