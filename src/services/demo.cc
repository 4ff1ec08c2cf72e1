#include "services/demo.h"

#include "services/certification.h"
#include "services/policies.h"
#include "services/staff_auth.h"

#include <array>
#include <cstdio>
#include <random>

namespace proprio::services {
namespace {

constexpr std::array kFirstNames = {
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Carlos", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra",
    "Luis", "Ashley", "Steven", "Maria", "Andrew", "Emily", "Kenneth", "Donna", "Joshua",
    "Michelle", "Kevin", "Carmen", "Brian", "Amanda", "Nguyen", "Melissa", "Jose", "Deborah"};
constexpr std::array kLastNames = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker"};
constexpr std::array kStreets = {
    "Orange Ave", "Lake Mary Blvd", "Palm Springs Dr", "W Warren Ave", "E Church Ave",
    "Markham Woods Rd", "S Ronald Reagan Blvd", "Wekiva Springs Rd", "N Orlando Ave",
    "Lake Emma Rd", "Sabal Palm Dr", "Magnolia St", "Cypress Point Dr", "Oak Haven Ln"};
struct Place {
  const char* city;
  const char* zip;
  const char* area_code;
};
constexpr std::array kPlaces = {
    Place{"Longwood", "32750", "407"},   Place{"Longwood", "32779", "407"},
    Place{"Lake Mary", "32746", "407"},  Place{"Sanford", "32771", "407"},
    Place{"Winter Park", "32789", "407"}, Place{"Orlando", "32801", "407"},
    Place{"Altamonte Springs", "32701", "407"}, Place{"Oviedo", "32765", "407"},
    Place{"Titusville", "32780", "321"}, Place{"Kissimmee", "34741", "689"}};
constexpr std::array kBusinessWords = {"Lakeside", "Sunshine", "Cypress", "Seminole", "Coastal",
                                       "Orange Grove", "Harbor", "Central Florida"};
constexpr std::array kBusinessKinds = {"Dental Group", "Realty", "Auto Repair", "Law Offices",
                                       "Pharmacy", "Insurance Agency", "Veterinary Clinic"};
// Service bundles a small CLEC and long-distance reseller sells.
constexpr std::array kBundles = {"local;interexchange", "local", "interexchange",
                                 "local;interexchange;voice_messaging", "interconnected_voip",
                                 "interconnected_voip;internet_access", "cmrs", "local;internet_access"};

template <typename A>
const auto& Pick(const A& a, std::mt19937_64& rng) {
  return a[std::uniform_int_distribution<size_t>(0, a.size() - 1)(rng)];
}

std::string Quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string DemoCustomersCsv(int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string csv =
      "account_number,customer_type,name,telephone_numbers,street,city,state,postal_code,"
      "address_since,email,services,account_representative,cpni_contract\n";
  char buf[64];
  for (int i = 0; i < count; ++i) {
    const bool business = rng() % 20 == 0;
    const Place& place = Pick(kPlaces, rng);
    const std::string first = Pick(kFirstNames, rng), last = Pick(kLastNames, rng);
    std::string name = business ? std::string(Pick(kBusinessWords, rng)) + " " +
                                      Pick(kBusinessKinds, rng) + (rng() % 2 ? ", LLC" : ", Inc.")
                                : first + " " + last;
    std::string phones;
    const int lines = business ? 2 + static_cast<int>(rng() % 4) : 1 + static_cast<int>(rng() % 4 == 0);
    for (int l = 0; l < lines; ++l) {
      std::snprintf(buf, sizeof buf, "%s(%s) %03d-%04d", l ? ";" : "", place.area_code,
                    200 + static_cast<int>(rng() % 800), static_cast<int>(rng() % 10000));
      phones += buf;
    }
    std::snprintf(buf, sizeof buf, "%d ", 100 + static_cast<int>(rng() % 9800));
    const std::string street = buf + std::string(Pick(kStreets, rng));
    const int year = 2005 + static_cast<int>(rng() % 20);
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, 1 + static_cast<int>(rng() % 12),
                  1 + static_cast<int>(rng() % 28));
    const std::string since = buf;
    std::string email;
    if (rng() % 10 < 6) {
      std::string local = business ? "office" : first + "." + last;
      for (char& c : local) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      email = local + std::to_string(i) + "@example.net";
    }
    std::snprintf(buf, sizeof buf, "%s%07d", business ? "B" : "R", 1000000 + i * 7);
    const std::string account = buf;
    std::string rep, contract;
    if (business && rng() % 3 != 0) {
      rep = std::string(Pick(kFirstNames, rng)) + " " + Pick(kLastNames, rng);
      std::snprintf(buf, sizeof buf, "MSA-%d-%04d", 2019 + static_cast<int>(rng() % 6),
                    static_cast<int>(rng() % 10000));
      contract = buf;
    }
    csv += account + "," + (business ? "business" : "residential") + "," + Quote(name) + "," +
           phones + "," + street + "," + place.city + ",FL," + place.zip + "," + since + "," +
           email + "," + Pick(kBundles, rng) + "," + rep + "," + contract + "\n";
  }
  return csv;
}

namespace {

// Training at hire and every year, one resolved complaint and a pretexter
// review for last year, then last year's certification, built and signed.
Result<int64_t> DemoCertification(store::Store& store, CarrierId carrier,
                                  const std::vector<StaffId>& staff, const Actor& actor) {
  const CivilDate today = UtcDate(actor.now);
  const int year = today.year - 1;
  ASSIGN_OR_RETURN(auto course, AddTrainingCourse(store, carrier,
                                                  {"CPNI: when you may and may not use it",
                                                   std::to_string(year - 1) + ".1", -1,
                                                   {"cpni", "sim_change"}},
                                                  actor));
  // Each completion is at most a year old, so nobody is overdue today.
  const std::array<CivilDate, 3> sessions = {CivilDate{year - 1, 1, 5}, CivilDate{year, 1, 5},
                                             today.AddDays(-30)};
  for (const StaffId id : staff) {
    for (const CivilDate on : sessions) {
      RETURN_IF_ERROR(
          RecordTrainingCompletion(store, carrier, {id, course.id, on, true}, actor).status());
    }
  }
  RETURN_IF_ERROR(RecordComplaint(store, carrier,
                                  {CivilDate{year, 4, 14}, "telephone", "unauthorized_disclosure",
                                   std::nullopt,
                                   "A caller says her call records were read to her ex-husband.",
                                   "No disclosure found in the access log; the customer was told "
                                   "and set a password."},
                                  actor)
                      .status());
  RETURN_IF_ERROR(
      RecordPretexterReview(
          store, carrier,
          {year,
           "Callers claiming to be account holders asked for call detail and offered the account "
           "number and billing address instead of the password.",
           "CSRs were retrained to refuse call detail without the password and to offer a call "
           "back to the number of record."},
          actor)
          .status());
  ASSIGN_OR_RETURN(auto built, BuildCertification(store, carrier, year, {}, actor));
  ASSIGN_OR_RETURN(auto signed_row, SignCertification(store, carrier, built.id, built.officer_name,
                                                      true, actor));
  return signed_row.id;
}

}  // namespace

Result<DemoSummary> BuildDemo(store::Store& store, int customers, const Actor& actor) {
  DemoSummary summary;
  std::optional<Carrier> existing;
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(existing, tx.FindCarrierByFilerId(kDemoFilerId));
    return Status::Ok();
  }));
  if (existing) {
    summary.carrier = *existing;
  } else {
    Carrier c;
    c.legal_name = "Longwood Telephone Company (demo)";
    c.filer_id_499 = kDemoFilerId;
    c.address = {"740 Florida Central Pkwy, Ste 2028", "Longwood", "FL", "32750", "US"};
    c.time_zone = "America/New_York";
    c.officers = {{"Dana Whitfield", "Chief Financial Officer", true},
                  {"Marcus Oyelaran", "General Counsel", false}};
    ASSIGN_OR_RETURN(summary.carrier, AddCarrier(store, c, actor));
    RETURN_IF_ERROR(SetPolicy(store, summary.carrier.id, DemoPolicyToml(), actor).status());
    const std::array<std::pair<const char*, Role>, 8> staff = {{
        {"Priya Raman", Role::kComplianceOfficer},
        {"Marcus Oyelaran", Role::kGeneralCounsel},
        {"Tom Becker", Role::kSupervisor},
        {"Alicia Gomez", Role::kCsr},
        {"Jordan Pike", Role::kMarketing},
        {"Sam Okafor", Role::kSecurity},
        {"Robin Ellis", Role::kAdmin},
        {"Kim Tran", Role::kAuditor},
    }};
    // Hired two years before the demo's year began: trained at hire and
    // yearly since (the seed policy's schedule).
    const CivilDate today = UtcDate(actor.now);
    std::vector<StaffId> staff_ids;
    for (const auto& [name, role] : staff) {
      Staff s;
      s.carrier = summary.carrier.id;
      s.name = name;
      s.roles = {role};
      s.hired_on = CivilDate{today.year - 2, 1, 5};
      ASSIGN_OR_RETURN(Staff added, AddStaff(store, s, actor));
      staff_ids.push_back(added.id);
      // Sign-in for proprio serve: "priya.raman" with the documented demo password.
      std::string login = name;
      for (char& ch : login) {
        ch = ch == ' ' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      RETURN_IF_ERROR(SetStaffCredentials(store, added.id, login, kDemoPassword,
                                          PasswordCost::FromEnvironment(), actor)
                          .status());
    }
    ImportOptions options;
    options.carrier = summary.carrier.id;
    options.source_name = "demo";
    ASSIGN_OR_RETURN(ImportReport report,
                     ImportCustomersCsv(store, DemoCustomersCsv(customers, 20130206), options, actor));
    if (!report.committed) {
      return Status::Internal("the demo data has bad rows: " +
                              (report.first_errors.empty() ? std::string("?")
                                                           : report.first_errors[0].reason));
    }
    ASSIGN_OR_RETURN(summary.certification,
                     DemoCertification(store, summary.carrier.id, staff_ids, actor));
    summary.created = true;
  }
  RETURN_IF_ERROR(store.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(summary.customers, tx.CountCustomers(summary.carrier.id));
    ASSIGN_OR_RETURN(auto staff, tx.ListStaff(summary.carrier.id));
    summary.staff = static_cast<int64_t>(staff.size());
    ASSIGN_OR_RETURN(summary.head, tx.LedgerHead(summary.carrier.id));
    return Status::Ok();
  }));
  return summary;
}

}  // namespace proprio::services
