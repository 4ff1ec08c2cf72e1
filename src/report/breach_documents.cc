// report/breach_documents.cc: letters, agency reports and annual summaries.
#include "report/breach_documents.h"

#include <algorithm>
#include <cstdio>
#include <utility>

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
  if (f.started_on.empty() && f.ended_on.empty()) return "";
  if (f.ended_on.empty() || f.ended_on == f.started_on) {
    return f.started_on.empty() ? "until " + f.ended_on : "on or from " + f.started_on;
  }
  if (f.started_on.empty()) return "until " + f.ended_on;
  return "between " + f.started_on + " and " + f.ended_on;
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

std::string Last4(const std::string& account) {
  return account.size() <= 4 ? account : account.substr(account.size() - 4);
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

std::string DataLabel(const std::string& name) {
  for (const Label& l : kLabels) {
    if (name == l.name) return l.label;
  }
  return name;
}

std::vector<std::string> CustomerLetterText(const BreachDocFacts& f, const LetterRecipient* to,
                                            CivilDate date) {
  std::vector<std::string> p;
  p.push_back(f.carrier_name);
  p.push_back(f.carrier_address);
  p.push_back(date.ToString());
  if (to) {
    p.push_back(to->name + "\n" + to->address.street + "\n" + to->address.city + ", " +
                to->address.state + " " + to->address.postal_code);
    p.push_back("Re: Notice of a breach of your customer information (account ending " +
                Last4(to->account_number) + ")");
    p.push_back("Dear " + to->name + ",");
  } else {
    p.push_back("Re: Notice of a breach of customer information");
    p.push_back("Dear Customer,");
  }
  p.push_back("## What happened");
  std::string what = "On " + f.determined_on + ", " + f.carrier_name +
                     " determined that information about your account had been " +
                     (f.intentional ? "accessed, used or disclosed without authorization"
                                    : "accessed, used or disclosed inadvertently") +
                     ". " + Sentence(f.description);
  if (!what.empty() && what.back() != '.') what += ".";
  const std::string range = DateRange(f);
  what += range.empty() ? " We are still establishing the dates on which it took place."
                        : " The breach took place " + range + ".";
  p.push_back(what);
  p.push_back("## What information was involved");
  p.push_back("The information involved was: " + Join(AllData(f), "; ") + ".");
  p.push_back("## What we are doing");
  std::string doing = "We reported the breach to federal law enforcement";
  doing += std::find(f.recipients.begin(), f.recipients.end(), "FCC") != f.recipients.end()
               ? " and the Federal Communications Commission"
               : "";
  doing += f.agency_notified_on.empty() ? "" : " on " + f.agency_notified_on;
  doing += " and are investigating it.";
  if (!f.method.empty()) doing += " The information was obtained by " + f.method + ".";
  p.push_back(doing);
  p.push_back("## What you can do");
  if (f.identity_theft_risk) {
    p.push_back(
        "- Review your account statements and credit reports for activity you do not "
        "recognise. You may obtain a free credit report at https://www.annualcreditreport.com "
        "or 1-877-322-8228.");
    p.push_back(
        "- Place a fraud alert or a security freeze on your credit file with the nationwide "
        "credit bureaus listed below; both are free.");
    p.push_back("- Report suspected identity theft to the FTC at https://www.identitytheft.gov.");
  }
  p.push_back("- Set or change the password or PIN on your account with us, and do not use it "
              "elsewhere.");
  p.push_back("- Be wary of calls, texts or e-mails that ask for your account information, even "
              "when they seem to come from us.");
  p.push_back("## For more information");
  p.push_back("- " + f.carrier_name + ": " + f.contact);
  p.push_back("- " + std::string(kFcc));
  p.push_back("- " + std::string(kFtc));
  std::string state = to && !to->address.state.empty() ? to->address.state : "your state";
  p.push_back("- The Attorney General or consumer protection office of " + state);
  if (f.identity_theft_risk) {
    p.push_back("## Credit bureaus");
    for (const char* b : kBureaus) p.push_back(std::string("- ") + b);
  }
  p.push_back("Sincerely,\n" + f.carrier_name);
  return p;
}

std::string CustomerLetterPdf(const BreachDocFacts& f, const LetterRecipient* to, CivilDate date) {
  PdfWriter pdf("Notice of a breach of customer information", f.carrier_name);
  const std::vector<std::string> paras = CustomerLetterText(f, to, date);
  for (size_t i = 0; i < paras.size(); ++i) {
    const std::string& t = paras[i];
    if (i == 0) {
      pdf.Lines(t, Font::kBold, 13);
    } else if (i == 1) {
      pdf.Paragraph(t, Font::kRegular, 10);
    } else if (t.rfind("## ", 0) == 0) {
      pdf.Heading(t.substr(3));
    } else if (t.rfind("- ", 0) == 0) {
      pdf.Bullet(t.substr(2));
    } else if (t.rfind("Re: ", 0) == 0) {
      pdf.Paragraph(t, Font::kBold);
    } else {
      pdf.Paragraph(t);
    }
  }
  return pdf.Finish();
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
  PdfWriter pdf("CPNI breach report, case " + std::to_string(f.case_id), f.carrier_name);
  pdf.Lines("CPNI breach report for the central reporting facility", Font::kBold, 15);
  pdf.Paragraph("Prepared " + date.ToString() + " under " + f.citation + " (" + f.rule_set +
                "). Recipients: " + Join(f.recipients, ", ") + ".");
  auto field = [&](const std::string& name, const std::string& value) {
    pdf.Lines(name, Font::kBold, 11);
    pdf.Paragraph(value.empty() ? "(not known yet)" : value);
  };
  field("Carrier", f.carrier_name + ", Form 499 Filer ID " + f.carrier_filer_id + ", " +
                       f.carrier_address);
  field("Contact", f.contact);
  field("Case", std::to_string(f.case_id));
  field("Description", f.description);
  field("Method of compromise", f.method);
  field("Date range", DateRange(f));
  field("Discovered", f.discovered_at);
  field("Reasonably determined", f.determined_at);
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
  PdfWriter pdf("Annual summary of CPNI breaches, " + std::to_string(in.year), in.carrier_name);
  pdf.Lines("Annual summary of CPNI breaches for " + std::to_string(in.year), Font::kBold, 15);
  pdf.Paragraph(in.carrier_name + ", Form 499 Filer ID " + in.carrier_filer_id + ". Prepared " +
                date.ToString() + ", due " + in.due_on.ToString() +
                ". Breaches of fewer than 500 customers where the carrier reasonably determined "
                "that no harm to customers is reasonably likely (47 CFR 64.2011).");
  pdf.Paragraph("Contact: " + in.contact);
  if (in.items.empty()) pdf.Paragraph("No such breaches in " + std::to_string(in.year) + ".");
  int64_t customers = 0;
  for (const SummaryItem& it : in.items) {
    customers += it.affected_count;
    pdf.Heading("Case " + std::to_string(it.case_id) + ", determined " + it.determined_on);
    pdf.Paragraph(it.description);
    pdf.Bullet("Customers affected: " + std::to_string(it.affected_count));
    pdf.Bullet("Data involved: " + Join(it.data, "; "));
    pdf.Bullet("Why no harm is reasonably likely: " + it.no_harm_reasons);
  }
  pdf.Heading("Totals");
  pdf.Paragraph(std::to_string(in.items.size()) + " breaches, " + std::to_string(customers) +
                " customers affected.");
  return pdf.Finish();
}

}  // namespace proprio::report
