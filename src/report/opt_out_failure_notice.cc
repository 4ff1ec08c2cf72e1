// report/opt_out_failure_notice.cc: the 64.2009(f) letter (see the header).
#include "report/opt_out_failure_notice.h"

#include <utility>

#include "report/breach_documents.h"
#include "report/letter.h"
#include "report/pdf.h"

namespace proprio::report {
namespace {

// The Commission's Secretary receives filings addressed to the Commission.
constexpr char kAddressee[] =
    "Office of the Secretary\nFederal Communications Commission\n45 L Street NE\n"
    "Washington, DC 20554";

std::string Sentence(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') s += ".";
  return s;
}

LetterParts Parts(const OptOutFailureNoticeFacts& f) {
  LetterParts p;
  std::string head = f.carrier_name;
  if (!f.carrier_address.empty()) head += "\n" + f.carrier_address;
  p.emplace_back(LetterPart::kLetterhead, head);
  p.emplace_back(LetterPart::kDate, LongDate(f.date));
  p.emplace_back(LetterPart::kAddress, kAddressee);
  p.emplace_back(LetterPart::kRe, "Re: Notice of a failure of opt-out mechanisms under " + f.citation +
                                " (incident " + std::to_string(f.incident_id) + ")");
  p.emplace_back(LetterPart::kText, "Dear Secretary:");
  std::string intro = f.carrier_name;
  if (!f.filer_id_499.empty()) intro += " (Form 499 Filer ID " + f.filer_id_499 + ")";
  intro += " gives the Commission written notice under " + f.citation +
           " that its opt-out mechanisms did not work properly, to such a degree that "
           "consumers' inability to opt out was more than an anomaly. The carrier learned of "
           "the failure on " + LongDate(f.learned_on) + ".";
  p.emplace_back(LetterPart::kText, intro);
  p.emplace_back(LetterPart::kHeading, "Carrier");
  p.emplace_back(LetterPart::kText, f.carrier_name + (f.filer_id_499.empty()
                                                    ? std::string()
                                                    : ", Form 499 Filer ID " + f.filer_id_499) +
                                  (f.carrier_address.empty() ? "" : ", " + f.carrier_address));
  p.emplace_back(LetterPart::kHeading, "Opt-out mechanism(s) used");
  p.emplace_back(LetterPart::kText, Sentence(f.mechanisms));
  p.emplace_back(LetterPart::kHeading, "Problem(s) experienced");
  std::string problem = Sentence(f.problems);
  if (!f.started_on.empty()) problem += " The problem began on " + LongDate(f.started_on) + ".";
  p.emplace_back(LetterPart::kText, problem);
  p.emplace_back(LetterPart::kHeading, "Remedy proposed and when it is implemented");
  const bool done = !f.remedy_date.empty() && f.remedy_date <= f.date.ToString();
  p.emplace_back(LetterPart::kText, Sentence(f.remedy) + (done ? " It was implemented on "
                                                         : " It will be implemented by ") +
                                  LongDate(f.remedy_date) + ".");
  p.emplace_back(LetterPart::kHeading, "State commission(s)");
  if (f.state_commission_notified.value_or(false)) {
    p.emplace_back(LetterPart::kText, "The relevant state commission(s) have been notified. Action "
                                "taken by them: " + Sentence(f.state_commission_action));
  } else {
    p.emplace_back(LetterPart::kText, "The relevant state commission(s) have not been notified.");
  }
  p.emplace_back(LetterPart::kHeading, "Copy of the notice provided to customers");
  p.emplace_back(LetterPart::kQuote, f.customer_notice);
  p.emplace_back(LetterPart::kHeading, "Contact");
  p.emplace_back(LetterPart::kText, f.contact);
  p.emplace_back(LetterPart::kText,
                 "This notice is given whether or not other methods by which consumers may opt "
                 "out worked during the failure, as " + f.citation + "(2) requires.");
  std::string sign = "Respectfully submitted,\n";
  if (!f.signer_name.empty()) {
    sign += f.signer_name + "\n";
    if (!f.signer_title.empty()) sign += f.signer_title + "\n";
  }
  sign += f.carrier_name;
  p.emplace_back(LetterPart::kSignature, sign);
  return p;
}

}  // namespace

std::vector<std::string> OptOutFailureNoticeParagraphs(const OptOutFailureNoticeFacts& f) {
  return LetterParagraphs(Parts(f));
}

std::string OptOutFailureNoticeText(const OptOutFailureNoticeFacts& f) {
  std::string out;
  for (const auto& [part, text] : Parts(f)) {
    if (!out.empty()) out += "\n";
    if (part == LetterPart::kHeading) {
      out += text + "\n" + std::string(text.size() > 60 ? 60 : text.size(), '-') + "\n";
    } else if (part == LetterPart::kQuote) {
      // The copy set off as a quotation, line by line.
      std::string quoted = "> ";
      for (char c : text) quoted += c == '\n' ? std::string("\n> ") : std::string(1, c);
      out += quoted + "\n";
    } else {
      out += text + "\n";
    }
  }
  return out;
}

std::string OptOutFailureNoticePdf(const OptOutFailureNoticeFacts& f) {
  PdfOptions o;
  o.title = "Notice of opt-out mechanism failure, " + f.citation;
  o.author = f.carrier_name;
  o.subject = "Incident " + std::to_string(f.incident_id);
  o.creation_date = f.date.ToString();
  return LetterPdf(o, Parts(f));
}

}  // namespace proprio::report
