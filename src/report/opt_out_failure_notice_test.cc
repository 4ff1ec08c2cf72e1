// Tests of report/opt_out_failure_notice: the 47 CFR 64.2009(f) letter to the
// Commission, as text and as PDF read back with pdftotext.
#include "report/opt_out_failure_notice.h"

#include <gtest/gtest.h>

#include "report/testing/pdf_check.h"

namespace proprio::report {
namespace {

OptOutFailureNoticeFacts Facts() {
  OptOutFailureNoticeFacts f;
  f.incident_id = 7;
  f.date = CivilDate{2026, 12, 2};
  f.carrier_name = "Example Tel, Inc.";
  f.filer_id_499 = "825160";
  f.carrier_address = "1 Main St, Springfield, IL 62701";
  f.learned_on = "2026-11-25";
  f.started_on = "2026-11-16";
  f.mechanisms = "a toll-free opt-out line and a web form";
  f.problems = "the web form discarded opt-out elections";
  f.remedy = "the form was repaired and the elections re-entered from the server logs";
  f.remedy_date = "2026-11-30";
  f.state_commission_notified = true;
  f.state_commission_action = "none so far";
  f.customer_notice = "Dear Customer,\nYour choice to opt out may not have been recorded.";
  f.contact = "Priya Raman, Compliance Officer, +1 202 555 0100";
  f.signer_name = "Dana Whitfield";
  f.signer_title = "Chief Financial Officer";
  return f;
}

TEST(OptOutFailureNoticeTest, c64_2009_f_1_TextGivesEveryContentItem) {
  const std::string t = OptOutFailureNoticeText(Facts());
  for (const char* want :
       {"December 2, 2026", "Office of the Secretary", "Federal Communications Commission",
        "47 CFR 64.2009(f)", "Example Tel, Inc.", "Form 499 Filer ID 825160",
        "learned of the failure on November 25, 2026",
        "A toll-free opt-out line and a web form.", "The web form discarded opt-out elections.",
        "The problem began on November 16, 2026", "It was implemented on November 30, 2026",
        "have been notified. Action taken by them: None so far.",
        "> Dear Customer,\n> Your choice to opt out", "Priya Raman, Compliance Officer",
        "47 CFR 64.2009(f)(2)", "Dana Whitfield"}) {
    EXPECT_NE(t.find(want), std::string::npos) << want << "\n" << t;
  }
  // A remedy after the letter's date is one that will be implemented.
  OptOutFailureNoticeFacts later = Facts();
  later.remedy_date = "2026-12-15";
  later.state_commission_notified = false;
  const std::string l = OptOutFailureNoticeText(later);
  EXPECT_NE(l.find("It will be implemented by December 15, 2026"), std::string::npos) << l;
  EXPECT_NE(l.find("have not been notified"), std::string::npos) << l;
}

TEST(OptOutFailureNoticeTest, c64_2009_f_PdfReadsBackAsWritten) {
  const std::string pdf = OptOutFailureNoticePdf(Facts());
  ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
  auto text = testing::PdfText(pdf);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  for (const char* want :
       {"Office of the Secretary", "Federal Communications Commission", "December 2, 2026",
        "Opt-out mechanism(s) used", "Problem(s) experienced",
        "It was implemented on November 30, 2026", "Copy of the notice provided to customers",
        "Your choice to opt out may not have been recorded", "Priya Raman", "Dana Whitfield"}) {
    EXPECT_NE(text->find(want), std::string::npos) << want << "\n" << *text;
  }
  EXPECT_EQ(testing::NotEmbedded(pdf), "");
}

}  // namespace
}  // namespace proprio::report
