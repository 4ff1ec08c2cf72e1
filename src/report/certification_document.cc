#include "report/certification_document.h"

#include "report/breach_documents.h"  // LongDate
#include "report/pdf.h"

namespace proprio::report {

using nlohmann::json;

json CertificationToJson(const CertificationFacts& f) {
  json statement = json::array();
  for (const auto& c : f.statement) {
    statement.push_back({{"heading", c.heading}, {"text", c.text}, {"citations", c.citations}});
  }
  json complaints = json::array();
  int64_t total = 0;
  for (const auto& c : f.complaints) {
    complaints.push_back({{"category", c.category},
                          {"title", c.title},
                          {"count", c.count},
                          {"resolved", c.resolved}});
    total += c.count;
  }
  json brokers = json::array();
  for (const auto& b : f.broker_actions) {
    brokers.push_back({{"filed_on", b.filed_on},
                       {"forum", b.forum},
                       {"broker", b.broker},
                       {"docket", b.docket},
                       {"status", b.status},
                       {"description", b.description}});
  }
  return {{"format", kCertificationFormat},
          {"docket", "EB Docket No. 06-36"},
          {"citation", "47 CFR 64.2009(e)"},
          {"year", f.year},
          {"due_on", f.due_on},
          {"prepared_on", f.prepared_on},
          {"carrier", {{"name", f.carrier_name},
                       {"filer_id_499", f.filer_id_499},
                       {"address", f.carrier_address}}},
          {"officer", {{"name", f.officer_name}, {"title", f.officer_title}}},
          {"officer_statement", f.officer_statement},
          {"accompanying_statement", statement},
          {"broker_actions", brokers},
          {"complaints", {{"total", total}, {"by_category", complaints}}},
          {"pretexters", {{"summary", f.pretexter_summary},
                          {"steps", f.pretexter_steps},
                          {"flags_raised", f.pretexting_flags}}},
          {"training", {{"completions", f.training_completions},
                        {"disciplinary_actions", f.disciplinary_actions}}},
          {"policy", {{"name", f.policy_name}, {"version", f.policy_version}}},
          {"rule_set", f.rule_set},
          {"ledger", {{"size", f.ledger_size}, {"root", f.ledger_root}}},
          {"ready", f.ready},
          {"gaps", f.gaps},
          {"signed", f.signed_on.empty()
                         ? json(nullptr)
                         : json{{"on", f.signed_on}, {"by", f.signed_by}}}};
}

Result<CertificationFacts> CertificationFromJson(const json& j) {
  if (!j.is_object() || j.value("format", "") != kCertificationFormat) {
    return Status::InvalidArgument(std::string("not a ") + kCertificationFormat + " document",
                                   "format");
  }
  try {
    CertificationFacts f;
    f.year = j.at("year").get<int>();
    f.due_on = j.at("due_on").get<std::string>();
    f.prepared_on = j.at("prepared_on").get<std::string>();
    f.carrier_name = j.at("carrier").at("name").get<std::string>();
    f.filer_id_499 = j.at("carrier").at("filer_id_499").get<std::string>();
    f.carrier_address = j.at("carrier").at("address").get<std::string>();
    f.officer_name = j.at("officer").at("name").get<std::string>();
    f.officer_title = j.at("officer").at("title").get<std::string>();
    f.officer_statement = j.at("officer_statement").get<std::string>();
    for (const auto& c : j.at("accompanying_statement")) {
      f.statement.push_back({c.at("heading").get<std::string>(), c.at("text").get<std::string>(),
                             c.at("citations").get<std::vector<std::string>>()});
    }
    for (const auto& b : j.at("broker_actions")) {
      f.broker_actions.push_back({b.at("filed_on"), b.at("forum"), b.at("broker"), b.at("docket"),
                                  b.at("status"), b.at("description")});
    }
    for (const auto& c : j.at("complaints").at("by_category")) {
      f.complaints.push_back({c.at("category"), c.at("title"), c.at("count").get<int64_t>(),
                              c.at("resolved").get<int64_t>()});
    }
    f.pretexter_summary = j.at("pretexters").at("summary").get<std::string>();
    f.pretexter_steps = j.at("pretexters").at("steps").get<std::string>();
    f.pretexting_flags = j.at("pretexters").at("flags_raised").get<int64_t>();
    f.training_completions = j.at("training").at("completions").get<int64_t>();
    f.disciplinary_actions = j.at("training").at("disciplinary_actions").get<int64_t>();
    f.policy_name = j.at("policy").at("name").get<std::string>();
    f.policy_version = j.at("policy").at("version").get<int64_t>();
    f.rule_set = j.at("rule_set").get<std::string>();
    f.ledger_size = j.at("ledger").at("size").get<int64_t>();
    f.ledger_root = j.at("ledger").at("root").get<std::string>();
    f.ready = j.at("ready").get<bool>();
    f.gaps = j.at("gaps").get<std::vector<std::string>>();
    if (!j.at("signed").is_null()) {
      f.signed_on = j.at("signed").at("on").get<std::string>();
      f.signed_by = j.at("signed").at("by").get<std::string>();
    }
    return f;
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("certification document: ") + e.what(), "document");
  }
}

namespace {

std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string BrokerExplanation(const CertificationFacts& f) {
  if (f.broker_actions.empty()) {
    return "The company has not taken any actions (proceedings instituted or petitions filed by "
           "the company at either state commissions, the court system, or at the Commission "
           "against data brokers) against data brokers in the past year.";
  }
  std::string text = "In the past year the company took " +
                     Plural(static_cast<int64_t>(f.broker_actions.size()), "action", "actions") +
                     " against data brokers:";
  for (const auto& b : f.broker_actions) {
    text += "\n- " + LongDate(b.filed_on) + ", before " + b.forum + ", against " + b.broker +
            (b.docket.empty() ? "" : " (" + b.docket + ")") + ": " + b.status +
            (b.description.empty() ? "" : ". " + b.description);
  }
  return text;
}

std::string ComplaintSummary(const CertificationFacts& f) {
  int64_t total = 0;
  for (const auto& c : f.complaints) total += c.count;
  if (total == 0) {
    return "The company has not received any customer complaints in the past year concerning the "
           "unauthorized release of CPNI.";
  }
  return "The company received " + Plural(total, "customer complaint", "customer complaints") +
         " in the past year concerning the unauthorized release of CPNI, summarised by category "
         "below.";
}

std::string PretexterText(const CertificationFacts& f) {
  std::string text = f.pretexter_summary.empty()
                         ? "The company has no information to report about the processes "
                           "pretexters are using to attempt to access CPNI."
                         : f.pretexter_summary;
  if (!f.pretexter_steps.empty()) text += " " + f.pretexter_steps;
  text += " Its systems flagged " + Plural(f.pretexting_flags, "suspected pretexting attempt",
                                           "suspected pretexting attempts") +
          " during the year.";
  return text;
}

}  // namespace

std::string CertificationPdf(const CertificationFacts& f) {
  PdfWriter pdf("Annual CPNI Certification for " + std::to_string(f.year) + " - " + f.carrier_name,
                f.officer_name);
  if (!f.ready && f.signed_on.empty()) {
    pdf.Paragraph("DRAFT - NOT READY TO FILE", Font::kBold, 14);
    for (const auto& g : f.gaps) pdf.Bullet(g);
    pdf.Space(12);
  }
  pdf.Heading("Annual 47 C.F.R. § 64.2009(e) CPNI Certification for " + std::to_string(f.year));
  pdf.Paragraph("EB Docket No. 06-36", Font::kBold);
  pdf.Lines("Date filed: " + (f.signed_on.empty() ? std::string("(not yet signed)")
                                                  : LongDate(f.signed_on)) +
            "\nName of company: " + f.carrier_name + "\nForm 499 Filer ID: " + f.filer_id_499 +
            "\nName of signatory: " + f.officer_name + "\nTitle of signatory: " + f.officer_title);
  pdf.Space(10);
  pdf.Paragraph(f.officer_statement);
  pdf.Paragraph(
      "Attached to this certification is an accompanying statement explaining how the company's "
      "procedures ensure that the company is in compliance with the requirements set forth in "
      "section 64.2001 et seq. of the Commission's rules.");
  pdf.Paragraph(BrokerExplanation(f));
  pdf.Paragraph(ComplaintSummary(f));
  int64_t total = 0;
  for (const auto& c : f.complaints) total += c.count;
  if (total > 0) {
    for (const auto& c : f.complaints) {
      pdf.Bullet(c.title + ": " + std::to_string(c.count) +
                 (c.count > 0 ? " (" + std::to_string(c.resolved) + " resolved)" : ""));
    }
  }
  pdf.Paragraph("Information about pretexters. " + PretexterText(f));
  pdf.Space(12);
  if (f.signed_on.empty()) {
    pdf.Lines("Signed: ______________________________\n" + f.officer_name + ", " +
              f.officer_title + "\nDate: ________________");
  } else {
    pdf.Lines("Signed: /s/ " + f.signed_by + "\n" + f.officer_name + ", " + f.officer_title +
              "\nDate: " + LongDate(f.signed_on));
  }

  pdf.PageBreak();
  pdf.Heading("Accompanying Statement: " + f.carrier_name);
  pdf.Paragraph("How the company's operating procedures ensure compliance with 47 C.F.R. "
                "§ 64.2001 et seq. during " + std::to_string(f.year) + ", under its CPNI policy \"" +
                f.policy_name + "\" (version " + std::to_string(f.policy_version) + ").");
  int n = 0;
  for (const auto& c : f.statement) {
    std::string cites;
    for (const auto& cite : c.citations) cites += (cites.empty() ? "" : "; ") + cite;
    pdf.Paragraph(std::to_string(++n) + ". " + c.heading, Font::kBold);
    pdf.Paragraph(c.text + (cites.empty() ? "" : " (" + cites + ")"));
  }
  pdf.Paragraph("Records in " + std::to_string(f.year) + ": " +
                Plural(f.training_completions, "training completion", "training completions") +
                ", " + Plural(f.disciplinary_actions, "disciplinary action", "disciplinary actions") +
                ".");

  pdf.Heading("Records this filing rests on");
  pdf.Lines("Prepared: " + LongDate(f.prepared_on) + "\nDue: " + LongDate(f.due_on) +
            " (47 CFR 64.2009(e); 47 CFR 1.4(j))\nRule set: " + f.rule_set +
            "\nLedger entries: " + std::to_string(f.ledger_size) + "\nLedger Merkle root: " +
            f.ledger_root);
  return pdf.Finish();
}

}  // namespace proprio::report
