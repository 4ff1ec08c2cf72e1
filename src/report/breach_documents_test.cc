// Tests of report/breach_documents.h: the required content of each document,
// read back from the PDF by pdftotext (report/testing/pdf_check.h).
#include "report/breach_documents.h"

#include <gtest/gtest.h>

#include "report/testing/pdf_check.h"

namespace proprio::report {
namespace {

// The PDF's text as pdftotext reads it, whitespace folded to one space so
// wrapped sentences can be searched; every font must be embedded.
std::string Flat(const std::string& pdf) {
  EXPECT_EQ(testing::NotEmbedded(pdf), "");
  auto text = testing::PdfText(pdf);
  EXPECT_TRUE(text.ok()) << text.status().message();
  return text.ok() ? *text : "";
}

BreachDocFacts Facts() {
  BreachDocFacts f;
  f.case_id = 7;
  f.carrier_name = "Fusion Telecommunications International, Inc.";
  f.carrier_filer_id = "825160";
  f.carrier_address = "420 Lexington Ave, New York, NY 10170";
  f.contact = "CPNI compliance office, 1-800-555-0100, privacy@fusion.example";
  f.description = "A former contractor exported call records from the billing system";
  f.method = "misuse of a contractor's credentials";
  f.started_on = "2024-12-01";
  f.ended_on = "2024-12-15";
  f.discovered_on = "2024-12-18";
  f.determined_on = "2024-12-20";
  f.discovered_at = "2024-12-18T14:00:00Z";
  f.determined_at = "2024-12-20T15:00:00Z";
  f.cpni = {DataLabel("call_detail"), DataLabel("billing")};
  f.other_data = {DataLabel("ssn_last4")};
  f.affected_count = 1200;
  f.estimated_loss_cents = 1234567;
  f.rule_set = "fcc-2024";
  f.citation = "47 CFR 64.2011 (FCC 23-111)";
  f.recipients = {"FCC", "USSS", "FBI"};
  f.identity_theft_risk = true;
  f.agency_notified_on = "2024-12-23";
  return f;
}

TEST(BreachLetterTest, CarriesTheRequiredContent) {
  const BreachDocFacts f = Facts();
  LetterRecipient to{"Ada Lovelace", {"12 Main St", "Albany", "NY", "12207", "US"}, "ACCT-00991234"};
  const std::string text = Flat(CustomerLetterPdf(f, &to, CivilDate{2025, 1, 6}));
  // Who and when.
  EXPECT_NE(text.find("Dear Ada Lovelace,"), std::string::npos) << text;
  EXPECT_NE(text.find("account ending 1234"), std::string::npos);
  EXPECT_EQ(text.find("ACCT-0099"), std::string::npos) << "only the last 4 are printed";
  // Date range and data involved.
  EXPECT_NE(text.find("between December 1, 2024 and December 15, 2024"), std::string::npos) << text;
  EXPECT_NE(text.find("call detail (numbers called or calling"), std::string::npos);
  EXPECT_NE(text.find("last four digits of the Social Security number"), std::string::npos);
  // How to reach the carrier, the FCC, the FTC and the state.
  EXPECT_NE(text.find("1-800-555-0100"), std::string::npos);
  EXPECT_NE(text.find("Federal Communications Commission (FCC), Consumer Center: 1-888-225-5322"),
            std::string::npos);
  EXPECT_NE(text.find("Federal Trade Commission (FTC): 1-877-438-4338"), std::string::npos);
  EXPECT_NE(text.find("The Attorney General of New York, consumer protection"), std::string::npos);
  EXPECT_EQ(text.find("office of NY"), std::string::npos);
  // Dates as people read them; the agency notice recorded on 2024-12-23.
  EXPECT_NE(text.find("January 6, 2025"), std::string::npos);
  EXPECT_NE(text.find("On December 20, 2024, Fusion"), std::string::npos);
  EXPECT_NE(text.find("We reported the breach to federal law enforcement and the Federal "
                      "Communications Commission on December 23, 2024"), std::string::npos);
  // Identity theft risk: the credit bureaus and protective steps.
  EXPECT_NE(text.find("Equifax: 1-800-685-1111"), std::string::npos);
  EXPECT_NE(text.find("Experian: 1-888-397-3742"), std::string::npos);
  EXPECT_NE(text.find("TransUnion: 1-888-909-8872"), std::string::npos);
  EXPECT_NE(text.find("security freeze"), std::string::npos);
}

TEST(BreachLetterTest, WithoutIdentityTheftRiskNoBureausAndAGenericGreeting) {
  BreachDocFacts f = Facts();
  f.identity_theft_risk = false;
  f.started_on.clear();
  f.ended_on.clear();
  const std::string text = Flat(CustomerLetterPdf(f, nullptr, CivilDate{2025, 1, 6}));
  EXPECT_NE(text.find("Dear Customer,"), std::string::npos);
  EXPECT_EQ(text.find("Equifax"), std::string::npos);
  EXPECT_NE(text.find("still establishing the dates"), std::string::npos);
  EXPECT_NE(text.find("The Attorney General of your state, consumer protection"), std::string::npos);
}

TEST(AgencyReportTest, JsonHasTheListedContent) {
  const nlohmann::json j = AgencyReportJson(Facts());
  EXPECT_EQ(j["format"], "proprio-breach-agency-report/1");
  EXPECT_EQ(j["recipients"], nlohmann::json({"FCC", "USSS", "FBI"}));
  EXPECT_EQ(j["contact"], Facts().contact);
  EXPECT_EQ(j["method_of_compromise"], "misuse of a contractor's credentials");
  EXPECT_EQ(j["date_range"]["start"], "2024-12-01");
  EXPECT_EQ(j["approximate_customers_affected"], 1200);
  EXPECT_EQ(j["estimated_financial_loss_usd"], "12345.67");
  EXPECT_EQ(j["data_types"]["cpni"].size(), 2u);
  BreachDocFacts unknown = Facts();
  unknown.affected_count.reset();
  unknown.estimated_loss_cents.reset();
  EXPECT_EQ(AgencyReportJson(unknown)["approximate_customers_affected"], "unknown");
  EXPECT_TRUE(AgencyReportJson(unknown)["estimated_financial_loss_usd"].is_null());
  const std::string text = Flat(AgencyReportPdf(Facts(), CivilDate{2024, 12, 23}));
  EXPECT_NE(text.find("Approximate number of customers affected 1200"), std::string::npos) << text;
  EXPECT_NE(text.find("Method of compromise misuse of a contractor's credentials"),
            std::string::npos);
  EXPECT_NE(text.find("USD 12345.67"), std::string::npos);
  // The rule in words, dates and times as people read them.
  EXPECT_NE(text.find("Prepared December 23, 2024 under 47 CFR 64.2011 (FCC 23-111)."),
            std::string::npos) << text;
  EXPECT_EQ(text.find("fcc-2024"), std::string::npos);
  EXPECT_NE(text.find("Discovered December 18, 2024, 14:00 (UTC)"), std::string::npos);
  EXPECT_EQ(text.find("2024-12-18T"), std::string::npos);
}

TEST(BreachLetterTest, NonLatinNamesPrintAsWrittenWithEmbeddedFonts) {
  BreachDocFacts f = Facts();
  f.letterhead = {"C\xC3\xB4ng ty Vi\xE1\xBB\x85n th\xC3\xB4ng", "1 Elm St"};
  f.carrier_name = "C\xC3\xB4ng ty Vi\xE1\xBB\x85n th\xC3\xB4ng";
  LetterRecipient to{"Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Minh Khai",
                     {"2 Ph\xE1\xBB\x91 Hu\xE1\xBA\xBF", "Orlando", "FL", "32801", "US"},
                     "VN-000123456"};
  const std::string pdf = CustomerLetterPdf(f, &to, CivilDate{2026, 12, 3});
  const std::string text = Flat(pdf);  // asserts every font embedded
  EXPECT_NE(text.find("Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Minh Khai 2 Ph\xE1\xBB\x91 "
                      "Hu\xE1\xBA\xBF Orlando, FL 32801"), std::string::npos) << text;
  EXPECT_NE(text.find("Dear Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Minh Khai,"), std::string::npos);
  EXPECT_EQ(text.find('?'), std::string::npos) << text;
  EXPECT_NE(text.find("December 3, 2026"), std::string::npos);
  EXPECT_NE(text.find("The Attorney General of Florida, consumer protection"), std::string::npos);
}

TEST(BreachLetterTest, StatesOnlyWhatTheRecordsShow) {
  BreachDocFacts f = Facts();
  f.agency_notified_on.clear();  // no agency notice recorded
  f.letter_hold = "47 CFR 64.2011(b): not before the agency notice";
  f.signer_name = "Dana Whitfield";
  f.signer_title = "Chief Financial Officer";
  f.letterhead = {"T"};
  f.carrier_name = "T";
  f.carrier_address.clear();
  f.contact.clear();
  LetterRecipient to{"Bo", {"1 A St", "Albany", "NY", "12207", "US"}, "B-77"};
  const std::string text = Flat(CustomerLetterPdf(f, &to, CivilDate{2026, 12, 3}));
  EXPECT_EQ(text.find("reported the breach"), std::string::npos) << text;
  EXPECT_NE(text.find("We are investigating the breach."), std::string::npos);
  EXPECT_NE(text.find("DRAFT, NOT TO BE SENT YET: 47 CFR 64.2011(b)"), std::string::npos);
  EXPECT_EQ(text.find("T: T"), std::string::npos) << "no empty contact line";
  EXPECT_EQ(text.find("B-77"), std::string::npos) << "a 4-character number is not printed whole";
  EXPECT_NE(text.find("Sincerely, Dana Whitfield Chief Financial Officer T"), std::string::npos);
}

TEST(BreachLetterTest, LongDatesAndStateNames) {
  EXPECT_EQ(LongDate("2026-12-03"), "December 3, 2026");
  EXPECT_EQ(LongDate(CivilDate{2025, 1, 31}), "January 31, 2025");
  EXPECT_EQ(LongDate(""), "");
  EXPECT_EQ(LocalTimeText("2026-12-03T09:30:00-05:00"), "December 3, 2026, 09:30 (UTC-05:00)");
  EXPECT_EQ(LocalTimeText("2026-12-03T09:30:00.5Z"), "December 3, 2026, 09:30 (UTC)");
  EXPECT_EQ(StateName("FL"), "Florida");
  EXPECT_EQ(StateName("ZZ"), "");
}

TEST(AnnualSummaryTest, ListsTheSmallNoHarmBreaches) {
  AnnualSummaryInput in;
  in.carrier_name = "Fusion Telecommunications International, Inc.";
  in.carrier_filer_id = "825160";
  in.contact = "privacy@fusion.example";
  in.year = 2024;
  in.due_on = CivilDate{2025, 2, 1};
  in.items.push_back({3, "2024-05-02", "Misdirected bill", 1, {"information on telephone bills"},
                      "sent to a family member at the same address", ""});
  in.items.push_back({9, "2024-12-20", "Lost tablet, encrypted", 499, {"call detail"},
                      "the device was encrypted and wiped remotely", ""});
  const nlohmann::json j = AnnualSummaryJson(in);
  EXPECT_EQ(j["total_breaches"], 2);
  EXPECT_EQ(j["total_customers_affected"], 500);
  EXPECT_EQ(j["due_on"], "2025-02-01");
  const std::string text = Flat(AnnualSummaryPdf(in, CivilDate{2025, 1, 15}));
  EXPECT_NE(text.find("Annual summary of CPNI breaches for 2024"), std::string::npos) << text;
  EXPECT_NE(text.find("Case 9, determined December 20, 2024"), std::string::npos);
  EXPECT_NE(text.find("2 breaches, 500 customers affected."), std::string::npos);
  in.items.resize(1);
  EXPECT_NE(Flat(AnnualSummaryPdf(in, CivilDate{2025, 1, 15})).find("1 breach, 1 customer affected."),
            std::string::npos);
}

}  // namespace
}  // namespace proprio::report
