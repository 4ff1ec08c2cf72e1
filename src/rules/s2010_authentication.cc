// rules/s2010_authentication.cc: the pure checks of 47 CFR 64.2010, each
// citing the rule set's entry for its paragraph.
#include "rules/s2010_authentication.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace proprio::rules {
namespace {

// ---- text checks ----

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string DigitsOf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (IsDigit(c)) out += c;
  }
  return out;
}

// Runs of digits, where single separators (- space . / ( )) between digits
// do not break a run: "123-45-6789" is one run of 9 digits.
std::vector<std::string> DigitRuns(std::string_view s) {
  std::vector<std::string> runs;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      cur += c;
      continue;
    }
    const bool sep = c == '-' || c == ' ' || c == '.' || c == '/' || c == '(' || c == ')';
    if (sep && !cur.empty() && i + 1 < s.size() && IsDigit(s[i + 1])) continue;
    if (!cur.empty()) runs.push_back(cur);
    cur.clear();
  }
  if (!cur.empty()) runs.push_back(cur);
  return runs;
}

bool PlausibleDate(int y, int m, int d) {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= DaysInMonth(y, m);
}

int Num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool LooksLikeDate(const std::string& run) {
  if (run.size() == 8) {
    // YYYYMMDD, MMDDYYYY, DDMMYYYY
    if (PlausibleDate(Num(run.substr(0, 4)), Num(run.substr(4, 2)), Num(run.substr(6, 2)))) {
      return true;
    }
    if (PlausibleDate(Num(run.substr(4, 4)), Num(run.substr(0, 2)), Num(run.substr(2, 2)))) {
      return true;
    }
    if (PlausibleDate(Num(run.substr(4, 4)), Num(run.substr(2, 2)), Num(run.substr(0, 2)))) {
      return true;
    }
  }
  if (run.size() == 6) {
    // MMDDYY
    const int m = Num(run.substr(0, 2)), d = Num(run.substr(2, 2));
    if (m >= 1 && m <= 12 && d >= 1 && d <= 31) return true;
  }
  return false;
}

bool LooksLikeAmount(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && IsDigit(s[i + 1])) return true;
    // 123.45 (and not 123.456)
    if (s[i] == '.' && i > 0 && IsDigit(s[i - 1]) && i + 2 < s.size() && IsDigit(s[i + 1]) &&
        IsDigit(s[i + 2]) && (i + 3 >= s.size() || !IsDigit(s[i + 3]))) {
      return true;
    }
  }
  return false;
}

// True when any `window`-long piece of `source` digits appears in a run.
bool SharesDigits(const std::vector<std::string>& runs, const std::string& source, size_t window) {
  if (source.size() < window) return false;
  for (size_t i = 0; i + window <= source.size(); ++i) {
    const std::string piece = source.substr(i, window);
    for (const std::string& run : runs) {
      if (run.find(piece) != std::string::npos) return true;
    }
  }
  return false;
}

// Words of at least `min` letters.
std::vector<std::string> Words(std::string_view s, size_t min) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (cur.size() >= min) out.push_back(cur);
    cur.clear();
  };
  for (char c : s) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

bool GenericStreetWord(const std::string& w) {
  static const char* const kWords[] = {
      "street",    "avenue", "road",  "drive",   "lane",  "court",   "boulevard", "place",
      "suite",     "north",  "south", "east",    "west",  "parkway", "circle",    "highway",
      "apartment", "unit",   "floor", "terrace", "trail", "square",  "box"};
  for (const char* k : kWords) {
    if (w == k) return true;
  }
  return false;
}

Status Refuse(const std::string& field, const std::string& what, const std::string& citation) {
  return Status::InvalidArgument(
      "refused: the " + field + " " + what + ". " + citation + " does not allow a " +
          (field == "password" ? "password" : "back-up authentication") +
          " built on readily available biographical information or account information; "
          "choose something only the customer would know",
      field);
}

// The content rules shared by passwords and back-up answers.
Status CheckSecretContent(const Customer& c, std::string_view secret, const std::string& field,
                          const std::string& citation) {
  const std::string lower = Lower(secret);
  const std::vector<std::string> runs = DigitRuns(secret);
  for (const std::string& run : runs) {
    if (run.size() == 9) {
      return Refuse(field,
                    "looks like a social security number (readily available biographical "
                    "information, 64.2003)",
                    citation);
    }
    if (LooksLikeDate(run)) {
      return Refuse(field,
                    "looks like a date, such as a date of birth (biographical information) or "
                    "the date of a bill (account information)",
                    citation);
    }
  }
  if (LooksLikeAmount(secret)) {
    return Refuse(field,
                  "looks like an amount of money, such as a bill amount (account information)",
                  citation);
  }
  // Account information (64.2003): the account number or any part of it, a
  // telephone number associated with the account.
  const std::string account_digits = DigitsOf(c.account_number);
  if (SharesDigits(runs, account_digits, 4)) {
    return Refuse(field, "contains the account number or part of it (account information)",
                  citation);
  }
  const std::string account_lower = Lower(c.account_number);
  if (account_lower.size() >= 4 && lower.find(account_lower) != std::string::npos) {
    return Refuse(field, "contains the account number (account information)", citation);
  }
  for (const std::string& phone : c.phones_of_record) {
    std::string national = DigitsOf(phone);
    if (national.size() == 11 && national[0] == '1') national.erase(0, 1);
    if (SharesDigits(runs, national, 4)) {
      return Refuse(field,
                    "contains a telephone number of the account or part of it (account "
                    "information)",
                    citation);
    }
  }
  // Biographical information: the home address, the customer's name.
  const PostalAddress& a = c.address_of_record;
  const std::string zip = DigitsOf(a.postal_code);
  if (zip.size() >= 5 && SharesDigits(runs, zip.substr(0, 5), 5)) {
    return Refuse(field, "contains the ZIP code of the address (biographical information)",
                  citation);
  }
  const std::vector<std::string> street_runs = DigitRuns(a.street);
  for (const std::string& n : street_runs) {
    if (n.size() >= 3) {
      for (const std::string& run : runs) {
        if (run == n) {
          return Refuse(field,
                        "contains the house number of the address (biographical information)",
                        citation);
        }
      }
    }
  }
  for (const std::string& w : Words(a.street + " " + a.city, 4)) {
    if (!GenericStreetWord(w) && lower.find(w) != std::string::npos) {
      return Refuse(field, "contains part of the customer's address (biographical information)",
                    citation);
    }
  }
  for (const std::string& w : Words(c.name, 3)) {
    if (lower.find(w) != std::string::npos) {
      return Refuse(field, "contains the account holder's name (biographical information)",
                    citation);
    }
  }
  const std::string email_local = Lower(c.email.substr(0, c.email.find('@')));
  if (email_local.size() >= 4 && lower.find(email_local) != std::string::npos) {
    return Refuse(field, "contains the customer's e-mail address (biographical information)",
                  citation);
  }
  if (lower.find("ssn") != std::string::npos ||
      lower.find("social security") != std::string::npos) {
    return Refuse(field, "refers to a social security number (biographical information)", citation);
  }
  return Status::Ok();
}

}  // namespace

std::string CiteBoth(const RuleSet& rs, std::string_view first, std::string_view second) {
  const std::string a(rs.Cite(first));
  const std::string b(rs.Cite(second));
  const size_t paren = b.find('(');
  if (paren != std::string::npos && a.compare(0, paren, b, 0, paren) == 0 && a.size() > paren &&
      a[paren] == '(') {
    return a + ", " + b.substr(paren);
  }
  return a + ", " + b;
}

// ---- 64.2010(e): secrets ----

std::string NormalizeAnswer(std::string_view answer) {
  std::string out;
  bool space = false;
  for (char c : Trim(answer)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Status CheckCpniPassword(const RuleSet& rs, const Customer& customer, std::string_view password) {
  if (password.size() < kMinCpniPasswordBytes || password.size() > kMaxCpniPasswordBytes) {
    return Status::InvalidArgument("the password must be " + std::to_string(kMinCpniPasswordBytes) +
                                       " to " + std::to_string(kMaxCpniPasswordBytes) +
                                       " bytes long",
                                   "password");
  }
  if (!IsValidUtf8(password)) {
    return Status::InvalidArgument("the password must be UTF-8 text", "password");
  }
  return CheckSecretContent(customer, password, "password",
                            CiteBoth(rs, "disclosure.telephone", "disclosure.passwords"));
}

Status CheckBackupQuestion(const RuleSet& rs, std::string_view question) {
  const std::string q = Lower(Trim(question));
  if (q.size() < 10 || q.size() > kMaxQuestionBytes || !IsValidUtf8(question)) {
    return Status::InvalidArgument("the question must be 10 to 200 bytes of UTF-8 text",
                                   "question");
  }
  struct Banned {
    const char* word;
    const char* what;
  };
  static const Banned kBanned[] = {
      {"maiden", "a mother's maiden name"},
      {"social security", "a social security number"},
      {"ssn", "a social security number"},
      {"birth", "a date or place of birth"},
      {"born", "a date or place of birth"},
      {"dob", "a date of birth"},
      {"address", "an address"},
      {"street", "an address"},
      {"zip", "an address"},
      {"postal", "an address"},
      {"where do you live", "an address"},
      {"bill", "a bill's amount or date (account information)"},
      {"amount", "a bill's amount (account information)"},
      {"account", "account information"},
      {"phone", "a telephone number (account information)"},
      {"telephone", "a telephone number (account information)"},
      {"number", "a number such as an SSN, account or telephone number"},
      {"last four", "digits of an SSN, account or telephone number"},
      {"last 4", "digits of an SSN, account or telephone number"},
      {"digits", "digits of an SSN, account or telephone number"},
  };
  for (const Banned& b : kBanned) {
    if (q.find(b.word) != std::string::npos) {
      return Status::InvalidArgument(
          std::string("refused: the question prompts for ") + b.what +
              ", which is readily available biographical information or account information; " +
              std::string(rs.Cite("disclosure.passwords")) +
              " does not allow a back-up authentication that prompts for it",
          "question");
    }
  }
  return Status::Ok();
}

Status CheckBackupAnswer(const RuleSet& rs, const Customer& customer, std::string_view answer) {
  const std::string a = NormalizeAnswer(answer);
  if (a.size() < kMinAnswerBytes || answer.size() > kMaxAnswerBytes || !IsValidUtf8(answer)) {
    return Status::InvalidArgument("the answer must be 3 to 200 bytes of UTF-8 text", "answer");
  }
  return CheckSecretContent(customer, a, "answer", std::string(rs.Cite("disclosure.passwords")));
}

// ---- 64.2010(e): the service-initiation path ----

bool MayUseServiceInitiation(const std::vector<Role>& roles) {
  for (Role r : roles) {
    for (Role allowed : kServiceInitiationRoles) {
      if (r == allowed) return true;
    }
  }
  return false;
}

namespace {

// PermissionDenied naming the field at fault (403, exit 7).
Status InitiationRefused(std::string message) {
  return Status(StatusCode::kPermissionDenied, std::move(message), "at_service_initiation");
}

}  // namespace

Status RefuseInactiveInitiationStaff(const RuleSet& rs, std::string_view staff) {
  return InitiationRefused(
      "refused: staff member " + std::string(staff) +
      " is not an active staff member of this carrier; only the staff who open accounts "
      "may set a secret at service initiation (" + std::string(rs.Cite("disclosure.passwords")) +
      ")");
}

Status CheckServiceInitiationRoles(const RuleSet& rs, const std::vector<Role>& roles) {
  if (MayUseServiceInitiation(roles)) return Status::Ok();
  return InitiationRefused(
      "refused: only the staff who open accounts (role csr, or the carrier's order-entry "
      "system, role system) may set a secret at service initiation (" +
      std::string(rs.Cite("disclosure.passwords")) +
      "); authenticate the customer in a verification session instead");
}

Status CheckServiceInitiationWindow(const RuleSet& rs, const Customer& c, CivilDate today,
                                    int window) {
  const std::string other_paths =
      "; authenticate the customer without biographical or account information first (a "
      "verification session: password, back-up answer, call back to the telephone number of "
      "record, photo ID in store), or send a one-time code to the telephone number or address "
      "of record (" + std::string(rs.Cite("disclosure.passwords")) + ")";
  if (!c.service_since.Valid()) {
    return InitiationRefused(
        "refused: customer " + c.id.ToString() +
            " has no service_since (imported or existing account), so this is not service "
            "initiation" + other_paths);
  }
  const int64_t age = today.ToDays() - c.service_since.ToDays();
  if (age < 0 || age > window) {
    return InitiationRefused(
        "refused: customer " + c.id.ToString() + "'s service began on " +
            c.service_since.ToString() + "; the service-initiation path is open on that day " +
            (window == 0 ? std::string("only")
                         : "and " + std::to_string(window) + " day" + (window == 1 ? "" : "s") +
                               " after") +
            " (carrier policy authentication.service_initiation_days, today " + today.ToString() +
            ")" + other_paths);
  }
  return Status::Ok();
}

// ---- lockout back-off ----

int64_t LockoutMicros(int64_t failures, const Lockout& lockout) {
  const int64_t extra = std::min<int64_t>(failures - lockout.after, 20);
  return std::min(lockout.max_us, lockout.base_us << std::max<int64_t>(extra, 0));
}

std::optional<Instant> LockedUntil(int64_t failures, const Lockout& lockout, Instant now) {
  if (failures < lockout.after) return std::nullopt;
  return now + LockoutMicros(failures, lockout);
}

}  // namespace proprio::rules
