// report/breach_documents.cc: letters, agency reports and annual summaries.
#include "report/breach_documents.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "report/letter.h"
#include "report/pdf.h"

namespace proprio::report {
namespace {

using nlohmann::json;

struct Label {
  const char* name;
  const char* label;
};
constexpr Label kLabels[] = {
    // CPNI (47 U.S.C. 222(h)(1); rules/vocabulary.h CpniCategory)
    {"call_detail", "call detail (numbers called or calling, time, location and duration of calls)"},
    {"location", "location of use of the service"},
    {"usage", "quantity and amount of use of the service"},
    {"service_configuration", "type and technical configuration of the services"},
    {"billing", "information on telephone bills"},
    // other customer information
    {"name", "name"},
    {"address", "postal address"},
    {"email", "e-mail address"},
    {"telephone_number", "telephone number"},
    {"account_number", "account number"},
    {"password", "account password or PIN"},
    {"security_answer", "answers to security questions"},
    {"ssn", "Social Security number"},
    {"ssn_last4", "last four digits of the Social Security number"},
    {"date_of_birth", "date of birth"},
    {"drivers_license", "driver's license or government ID number"},
    {"financial_account", "bank or payment card account information"},
    {"other", "other information"},
};

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string DateRange(const BreachDocFacts& f) {
  const std::string from = LongDate(f.started_on), to = LongDate(f.ended_on);
  if (from.empty() && to.empty()) return "";
  if (to.empty() || to == from) return from.empty() ? "until " + to : "on or from " + from;
  if (from.empty()) return "until " + to;
  return "between " + from + " and " + to;
}

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

struct State {
  const char* code;
  const char* name;
};
constexpr State kStates[] = {
    {"AL", "Alabama"}, {"AK", "Alaska"}, {"AZ", "Arizona"}, {"AR", "Arkansas"},
    {"CA", "California"}, {"CO", "Colorado"}, {"CT", "Connecticut"}, {"DE", "Delaware"},
    {"DC", "the District of Columbia"}, {"FL", "Florida"}, {"GA", "Georgia"}, {"HI", "Hawaii"},
    {"ID", "Idaho"}, {"IL", "Illinois"}, {"IN", "Indiana"}, {"IA", "Iowa"}, {"KS", "Kansas"},
    {"KY", "Kentucky"}, {"LA", "Louisiana"}, {"ME", "Maine"}, {"MD", "Maryland"},
    {"MA", "Massachusetts"}, {"MI", "Michigan"}, {"MN", "Minnesota"}, {"MS", "Mississippi"},
    {"MO", "Missouri"}, {"MT", "Montana"}, {"NE", "Nebraska"}, {"NV", "Nevada"},
    {"NH", "New Hampshire"}, {"NJ", "New Jersey"}, {"NM", "New Mexico"}, {"NY", "New York"},
    {"NC", "North Carolina"}, {"ND", "North Dakota"}, {"OH", "Ohio"}, {"OK", "Oklahoma"},
    {"OR", "Oregon"}, {"PA", "Pennsylvania"}, {"RI", "Rhode Island"}, {"SC", "South Carolina"},
    {"SD", "South Dakota"}, {"TN", "Tennessee"}, {"TX", "Texas"}, {"UT", "Utah"},
    {"VT", "Vermont"}, {"VA", "Virginia"}, {"WA", "Washington"}, {"WV", "West Virginia"},
    {"WI", "Wisconsin"}, {"WY", "Wyoming"}, {"AS", "American Samoa"}, {"GU", "Guam"},
    {"MP", "the Northern Mariana Islands"}, {"PR", "Puerto Rico"}, {"VI", "the U.S. Virgin Islands"},
};

// The recipient's state office. Without a verified table of each office's
// address and telephone, the office is named by its state rather than given
// a contact that could be stale.
std::string StateOffice(const LetterRecipient* to) {
  if (!to) return "The Attorney General of your state, consumer protection";
  const std::string name = StateName(to->address.state);
  if (name.empty()) {
    return to->address.state.empty() ? "The Attorney General of your state, consumer protection"
                                     : "The Attorney General of " + to->address.state +
                                           ", consumer protection";
  }
  return "The Attorney General of " + name + ", consumer protection";
}

std::string Money(int64_t cents) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buf;
}

// Starts with a capital letter (descriptions are typed in lower case too).
std::string Sentence(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// "" when the number is too short to show part of it without showing it all.
std::string Last4(const std::string& account) {
  return account.size() <= 4 ? "" : account.substr(account.size() - 4);
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::vector<std::string> AllData(const BreachDocFacts& f) {
  std::vector<std::string> all = f.cpni;
  all.insert(all.end(), f.other_data.begin(), f.other_data.end());
  return all;
}

constexpr char kFcc[] =
    "Federal Communications Commission (FCC), Consumer Center: 1-888-225-5322 "
    "(1-888-CALL-FCC), https://www.fcc.gov/complaints";
constexpr char kFtc[] =
    "Federal Trade Commission (FTC): 1-877-438-4338, https://www.identitytheft.gov and "
    "https://www.ftc.gov";
constexpr char kBureaus[][96] = {
    "Equifax: 1-800-685-1111, https://www.equifax.com",
    "Experian: 1-888-397-3742, https://www.experian.com",
    "TransUnion: 1-888-909-8872, https://www.transunion.com",
};

}  // namespace

std::string LongDate(CivilDate d) {
  if (d.month < 1 || d.month > 12) return d.ToString();
  return std::string(kMonths[d.month - 1]) + " " + std::to_string(d.day) + ", " +
         std::to_string(d.year);
}

std::string LongDate(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (iso.size() != 10 || std::sscanf(iso.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) {
    return iso;
  }
  return LongDate(CivilDate{y, m, d});
}

std::string LocalTimeText(const std::string& t) {
  if (t.size() < 19 || t[10] != 'T') return t;
  std::string zone = t.substr(19);
  if (!zone.empty() && zone[0] == '.') zone = zone.substr(zone.find_first_not_of("0123456789", 1));
  zone = zone.empty() || zone == "Z" ? "UTC" : "UTC" + zone;
  return LongDate(t.substr(0, 10)) + ", " + t.substr(11, 5) + " (" + zone + ")";
}

std::string StateName(const std::string& code) {
  for (const State& s : kStates) {
    if (code == s.code) return s.name;
  }
  return "";
}

std::string DataLabel(const std::string& name) {
  for (const Label& l : kLabels) {
    if (name == l.name) return l.label;
  }
  return name;
}

namespace {

LetterParts CustomerLetterParts(const BreachDocFacts& f, const LetterRecipient* to,
                                CivilDate date) {
  LetterParts p;
  std::vector<std::string> head = f.letterhead;
  if (head.empty()) {
    head.push_back(f.carrier_name);
    if (!f.carrier_address.empty()) head.push_back(f.carrier_address);
  }
  p.emplace_back(LetterPart::kLetterhead, Join(head, "\n"));
  if (!f.letter_hold.empty()) {
    p.emplace_back(LetterPart::kMark, "DRAFT, NOT TO BE SENT YET: " + f.letter_hold);
  }
  p.emplace_back(LetterPart::kDate, LongDate(date));
  const bool linked = to != nullptr;
  if (linked) {
    std::vector<std::string> addr = {to->name};
    if (!to->address.street.empty()) addr.push_back(to->address.street);
    std::string city = to->address.city;
    const std::string st = Join({to->address.state, to->address.postal_code}, " ");
    if (!to->address.state.empty() || !to->address.postal_code.empty()) {
      city += (city.empty() ? "" : ", ") +
              (to->address.state.empty() ? to->address.postal_code
                                         : to->address.postal_code.empty() ? to->address.state : st);
    }
    if (!city.empty()) addr.push_back(city);
    p.emplace_back(LetterPart::kAddress, Join(addr, "\n"));
    const std::string last4 = Last4(to->account_number);
    p.emplace_back(LetterPart::kRe, "Re: Notice of a breach of your customer information" +
                                  (last4.empty() ? "" : " (account ending " + last4 + ")"));
    p.emplace_back(LetterPart::kText, "Dear " + to->name + ",");
  } else {
    p.emplace_back(LetterPart::kRe, "Re: Notice of a breach of customer information");
    p.emplace_back(LetterPart::kText, "Dear Customer,");
  }
  p.emplace_back(LetterPart::kHeading, "What happened");
  std::string what = "On " + LongDate(f.determined_on) + ", " + f.carrier_name +
                     " determined that information about your account had been " +
                     (f.intentional ? "accessed, used or disclosed without authorization"
                                    : "accessed, used or disclosed inadvertently") +
                     ". " + Sentence(f.description);
  if (!what.empty() && what.back() != '.') what += ".";
  const std::string range = DateRange(f);
  what += range.empty() ? " We are still establishing the dates on which it took place."
                        : " The breach took place " + range + ".";
  p.emplace_back(LetterPart::kText, what);
  p.emplace_back(LetterPart::kHeading, "What information was involved");
  p.emplace_back(LetterPart::kText, "The information involved was: " + Join(AllData(f), "; ") + ".");
  p.emplace_back(LetterPart::kHeading, "What we are doing");
  // Only what the records show: the report to law enforcement is stated once
  // the agency notice is recorded (64.2011(b) 2007, (a) 2024), with its date.
  std::string doing;
  if (!f.agency_notified_on.empty()) {
    doing = "We reported the breach to federal law enforcement";
    doing += std::find(f.recipients.begin(), f.recipients.end(), "FCC") != f.recipients.end()
                 ? " and the Federal Communications Commission"
                 : "";
    doing += " on " + LongDate(f.agency_notified_on) + " and are investigating it.";
  } else {
    doing = "We are investigating the breach.";
  }
  if (!f.method.empty()) doing += " The information was obtained by " + f.method + ".";
  p.emplace_back(LetterPart::kText, doing);
  p.emplace_back(LetterPart::kHeading, "What you can do");
  if (f.identity_theft_risk) {
    p.emplace_back(LetterPart::kBullet,
        "Review your account statements and credit reports for activity you do not "
        "recognise. You may obtain a free credit report at https://www.annualcreditreport.com "
        "or 1-877-322-8228.");
    p.emplace_back(LetterPart::kBullet,
        "Place a fraud alert or a security freeze on your credit file with the nationwide "
        "credit bureaus listed below; both are free.");
    p.emplace_back(LetterPart::kBullet,
                   "Report suspected identity theft to the FTC at https://www.identitytheft.gov.");
  }
  p.emplace_back(LetterPart::kBullet,
                 "Set or change the password or PIN on your account with us, and do not use it "
                 "elsewhere.");
  p.emplace_back(LetterPart::kBullet,
                 "Be wary of calls, texts or e-mails that ask for your account information, even "
                 "when they seem to come from us.");
  p.emplace_back(LetterPart::kHeading, "For more information");
  if (!f.contact.empty() && f.contact != f.carrier_name) {
    p.emplace_back(LetterPart::kBullet, f.carrier_name + ": " + f.contact);
  }
  p.emplace_back(LetterPart::kBullet, kFcc);
  p.emplace_back(LetterPart::kBullet, kFtc);
  p.emplace_back(LetterPart::kBullet, StateOffice(to));
  if (f.identity_theft_risk) {
    p.emplace_back(LetterPart::kHeading, "Credit bureaus");
    for (const char* b : kBureaus) p.emplace_back(LetterPart::kBullet, b);
  }
  std::vector<std::string> sign = {"Sincerely,"};
  if (!f.signer_name.empty()) {
    sign.push_back(f.signer_name);
    if (!f.signer_title.empty()) sign.push_back(f.signer_title);
  }
  sign.push_back(f.carrier_name);
  p.emplace_back(LetterPart::kSignature, Join(sign, "\n"));
  return p;
}

}  // namespace

std::vector<std::string> CustomerLetterText(const BreachDocFacts& f, const LetterRecipient* to,
                                            CivilDate date) {
  return LetterParagraphs(CustomerLetterParts(f, to, date));
}

std::string CustomerLetterPdf(const BreachDocFacts& f, const LetterRecipient* to, CivilDate date) {
  PdfOptions o;
  o.title = f.letter_hold.empty() ? "Notice of a breach of customer information"
                                  : "DRAFT: Notice of a breach of customer information";
  o.author = f.carrier_name;
  o.creation_date = date.ToString();
  return LetterPdf(o, CustomerLetterParts(f, to, date));
}

json AgencyReportJson(const BreachDocFacts& f) {
  json j = {
      {"format", "proprio-breach-agency-report/1"},
      {"case", f.case_id},
      {"recipients", f.recipients},
      {"rule_set", f.rule_set},
      {"citation", f.citation},
      {"carrier",
       {{"legal_name", f.carrier_name},
        {"filer_id_499", f.carrier_filer_id},
        {"address", f.carrier_address}}},
      {"contact", f.contact},
      {"description", f.description},
      {"method_of_compromise", f.method.empty() ? json(nullptr) : json(f.method)},
      {"date_range",
       {{"start", f.started_on.empty() ? json(nullptr) : json(f.started_on)},
        {"end", f.ended_on.empty() ? json(nullptr) : json(f.ended_on)}}},
      {"discovered_at", f.discovered_at},
      {"determined_at", f.determined_at},
      {"intentional", f.intentional},
      {"approximate_customers_affected",
       f.affected_count ? json(*f.affected_count) : json("unknown")},
      {"estimated_financial_loss_usd",
       f.estimated_loss_cents ? json(Money(*f.estimated_loss_cents)) : json(nullptr)},
      {"data_types", {{"cpni", f.cpni}, {"other", f.other_data}}},
      {"urgent_customer_notice",
       {{"requested", f.urgent},
        {"reasons", f.urgent ? json(f.urgent_reasons) : json(nullptr)},
        // 2007 64.2011(b)(2): indicated in the notification to law enforcement.
        {"indicated_in_notification",
         f.urgent && !f.urgent_reference.empty()
             ? json{{"reference", f.urgent_reference},
                    {"as", f.urgent_in_amendment ? "amendment" : "agency_notice"}}
             : json(nullptr)}}},
  };
  return j;
}

std::string AgencyReportPdf(const BreachDocFacts& f, CivilDate date) {
  PdfOptions o;
  o.title = "CPNI breach report, case " + std::to_string(f.case_id);
  o.author = f.carrier_name;
  o.creation_date = date.ToString();
  PdfWriter pdf(o);
  pdf.Lines("CPNI breach report for the central reporting facility", Font::kBold, 15);
  // The rule in words (f.citation, e.g. "47 CFR 64.2011 as amended in 2024"),
  // never the internal rule-set id; dates in the carrier's zone.
  pdf.Paragraph("Prepared " + LongDate(date) + " under " + f.citation +
                ". Recipients: " + Join(f.recipients, ", ") + ".");
  auto field = [&](const std::string& name, const std::string& value) {
    pdf.Lines(name, Font::kBold, 11);
    pdf.Paragraph(value.empty() ? "(not known yet)" : value);
  };
  std::string carrier = f.carrier_name;
  if (!f.carrier_filer_id.empty()) carrier += ", Form 499 Filer ID " + f.carrier_filer_id;
  if (!f.carrier_address.empty()) carrier += ", " + f.carrier_address;
  field("Carrier", carrier);
  field("Contact", f.contact);
  field("Case", std::to_string(f.case_id));
  field("Description", f.description);
  field("Method of compromise", f.method);
  field("Date range", DateRange(f));
  field("Discovered", LocalTimeText(f.discovered_at));
  field("Reasonably determined", LocalTimeText(f.determined_at));
  field("Intentional", f.intentional ? "yes" : "no (inadvertent)");
  field("Approximate number of customers affected",
        f.affected_count ? std::to_string(*f.affected_count) : "unknown");
  field("Estimated financial loss",
        f.estimated_loss_cents ? "USD " + Money(*f.estimated_loss_cents) : "");
  field("CPNI involved", Join(f.cpni, "; "));
  field("Other data involved", f.other_data.empty() ? "none" : Join(f.other_data, "; "));
  std::string urgent = "not requested";
  if (f.urgent) {
    urgent = "requested: " + f.urgent_reasons;
    if (!f.urgent_reference.empty()) {
      urgent += ". Indicated in the notification to law enforcement as 47 CFR 64.2011(b)(2) "
                "requires: " + std::string(f.urgent_in_amendment ? "amendment " : "notification ") +
                f.urgent_reference + ".";
    }
  }
  field("Early customer notice (urgent need)", urgent);
  return pdf.Finish();
}

json AnnualSummaryJson(const AnnualSummaryInput& in) {
  json items = json::array();
  int64_t customers = 0;
  for (const SummaryItem& it : in.items) {
    customers += it.affected_count;
    items.push_back({{"case", it.case_id},
                     {"determined_on", it.determined_on},
                     {"description", it.description},
                     {"customers_affected", it.affected_count},
                     {"data_types", it.data},
                     {"no_harm_reasons", it.no_harm_reasons},
                     {"filed_reference",
                      it.filed_reference.empty() ? json(nullptr) : json(it.filed_reference)}});
  }
  return {{"format", "proprio-breach-annual-summary/1"},
          {"carrier", {{"legal_name", in.carrier_name}, {"filer_id_499", in.carrier_filer_id}}},
          {"contact", in.contact},
          {"year", in.year},
          {"due_on", in.due_on.ToString()},
          {"breaches", items},
          {"total_breaches", in.items.size()},
          {"total_customers_affected", customers}};
}

std::string AnnualSummaryPdf(const AnnualSummaryInput& in, CivilDate date) {
  PdfOptions o;
  o.title = "Annual summary of CPNI breaches, " + std::to_string(in.year);
  o.author = in.carrier_name;
  o.creation_date = date.ToString();
  PdfWriter pdf(o);
  pdf.Lines("Annual summary of CPNI breaches for " + std::to_string(in.year), Font::kBold, 15);
  pdf.Paragraph(in.carrier_name + ", Form 499 Filer ID " + in.carrier_filer_id + ". Prepared " +
                LongDate(date) + ", due " + LongDate(in.due_on) +
                ". Breaches of fewer than 500 customers where the carrier reasonably determined "
                "that no harm to customers is reasonably likely (47 CFR 64.2011).");
  pdf.Paragraph("Contact: " + in.contact);
  if (in.items.empty()) pdf.Paragraph("No such breaches in " + std::to_string(in.year) + ".");
  int64_t customers = 0;
  for (const SummaryItem& it : in.items) {
    customers += it.affected_count;
    pdf.Heading("Case " + std::to_string(it.case_id) + ", determined " + LongDate(it.determined_on));
    pdf.Paragraph(it.description);
    pdf.Bullet("Customers affected: " + std::to_string(it.affected_count));
    pdf.Bullet("Data involved: " + Join(it.data, "; "));
    pdf.Bullet("Why no harm is reasonably likely: " + it.no_harm_reasons);
  }
  pdf.Heading("Totals");
  pdf.Paragraph(Plural(in.items.size(), "breach", "breaches") + ", " +
                Plural(static_cast<size_t>(customers), "customer", "customers") + " affected.");
  return pdf.Finish();
}

}  // namespace proprio::report
