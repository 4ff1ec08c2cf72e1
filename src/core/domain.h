// core/domain.h: the domain types every layer shares (carriers, customers,
// staff) and their validation. No I/O.
//
// Field limits are part of the contract: the importer, the CLI and the API all
// refuse values beyond them with the field named.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.h"
#include "core/status.h"
#include "core/time.h"

namespace proprio {

// Largest accepted length in bytes of free-text fields.
inline constexpr size_t kMaxNameBytes = 200;
inline constexpr size_t kMaxAccountNumberBytes = 64;
inline constexpr size_t kMaxAddressLineBytes = 200;
inline constexpr size_t kMaxEmailBytes = 254;
inline constexpr size_t kMaxPhonesPerCustomer = 16;

struct PostalAddress {
  std::string street;  // one or more lines, joined with ", "
  std::string city;
  std::string state;        // two-letter USPS code for US addresses
  std::string postal_code;  // ZIP or ZIP+4
  std::string country = "US";

  std::string OneLine() const;
  friend bool operator==(const PostalAddress&, const PostalAddress&) = default;
};

struct Officer {
  std::string name;
  std::string title;
  bool signatory = false;  // signs the annual 64.2009(e) certification
  friend bool operator==(const Officer&, const Officer&) = default;
};

struct Carrier {
  CarrierId id;
  std::string legal_name;
  std::string filer_id_499;  // FCC Form 499 Filer ID, digits
  PostalAddress address;
  std::string time_zone;  // IANA name, e.g. "America/New_York"
  std::vector<Officer> officers;
  Instant created_at;
};

// Checks a carrier's fields (not its id). Names the field on error.
Status ValidateCarrier(const Carrier& c);

// Categories of service in the sense of 47 CFR 64.2005(a), plus the
// communications-related services a carrier sells beside them.
enum class ServiceCategory : uint8_t {
  kLocal = 0,
  kInterexchange = 1,
  kCmrs = 2,
  kInterconnectedVoip = 3,
  kInternetAccess = 4,
  kVoiceMessaging = 5,
  kCpe = 6,
};
inline constexpr int kServiceCategoryCount = 7;

const char* ServiceCategoryName(ServiceCategory c);
Result<ServiceCategory> ParseServiceCategory(std::string_view name);

// A set of categories as a bit mask (bit i = category i).
class ServiceSet {
 public:
  constexpr ServiceSet() = default;
  constexpr explicit ServiceSet(uint32_t bits) : bits_(bits) {}
  void Add(ServiceCategory c) { bits_ |= 1u << static_cast<int>(c); }
  bool Has(ServiceCategory c) const { return bits_ & (1u << static_cast<int>(c)); }
  bool empty() const { return bits_ == 0; }
  uint32_t bits() const { return bits_; }
  int size() const { return __builtin_popcount(bits_); }
  std::vector<ServiceCategory> List() const;
  // "local;cmrs"
  std::string ToString() const;
  // Parses a ';'-separated list (spaces ignored); unknown names are errors.
  static Result<ServiceSet> Parse(std::string_view list);
  friend bool operator==(ServiceSet, ServiceSet) = default;

 private:
  uint32_t bits_ = 0;
};

enum class CustomerType : uint8_t { kResidential = 0, kBusiness = 1 };
const char* CustomerTypeName(CustomerType t);
Result<CustomerType> ParseCustomerType(std::string_view name);

struct Customer {
  CustomerId id;
  CarrierId carrier;
  std::string account_number;  // unique per carrier
  CustomerType type = CustomerType::kResidential;
  std::string name;
  std::vector<std::string> phones_of_record;  // E.164, the first is primary
  PostalAddress address_of_record;
  CivilDate address_since;  // the day the address was set (carrier's local date, 64.2003(b))
  std::string email;        // may be empty
  ServiceSet services;
  // Business customers only (64.2010(g)): a dedicated account representative
  // and a contract that specifically addresses CPNI protection.
  std::string account_representative;
  std::string cpni_contract_ref;
  // The day the customer's service began (47 CFR 64.2010(e): a password may be
  // set without authentication only at service initiation). Not valid: not
  // known, an existing customer (imported without it, or stored before schema
  // 0011), never a new one.
  CivilDate service_since;
  Instant created_at;
  // 64.2003(f): when the account was closed (a former customer); empty for a
  // current customer. Set only by CloseCustomer; updates keep it.
  std::optional<Instant> closed_at;
};

// Checks and normalises a customer in place: telephone numbers to E.164,
// trimmed text. Names the field on error ("phones_of_record", "email", ...).
Status NormalizeCustomer(Customer& c);

enum class Role : uint8_t {
  kAdmin,
  kComplianceOfficer,
  kGeneralCounsel,
  kSupervisor,
  kCsr,
  kMarketing,
  kSecurity,
  kAuditor,
  kSystem,
};
const char* RoleName(Role r);
Result<Role> ParseRole(std::string_view name);

struct Staff {
  StaffId id;
  CarrierId carrier;
  std::string name;
  std::string email;
  std::vector<Role> roles;
  CivilDate hired_on;
  bool active = true;
  Instant created_at;
};

Status ValidateStaff(const Staff& s);

}  // namespace proprio
