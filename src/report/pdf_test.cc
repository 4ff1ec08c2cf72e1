// Tests of report/pdf.h: every font embedded (pdffonts), any Unicode text read
// back as written (pdftotext), metadata, page numbers, alignment and
// keep-together blocks.
#include "report/pdf.h"

#include <gtest/gtest.h>

#include "report/testing/pdf_check.h"

namespace proprio::report {
namespace {

std::string Text(const std::string& pdf) {
  auto text = testing::PdfText(pdf);
  EXPECT_TRUE(text.ok()) << text.status().message();
  return text.ok() ? *text : "";
}

TEST(PdfTest, FontsAreEmbeddedSubsetsAndNonLatinTextReadsBack) {
  PdfWriter w("Letter");
  w.Heading("Notice");
  w.Lines("Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Minh Khai\n2 Ph\xE1\xBB\x91 Hu\xE1\xBA\xBF");
  w.Paragraph("Caf\xC3\xA9, \xE2\x80\x9Cquotes\xE2\x80\x9D \xE2\x80\x94 \xCE\xB1\xCE\xB2\xCE\xB3, "
              "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0, (parentheses) and \\ backslash.");
  w.Bullet("A bulleted item");
  const std::string pdf = w.Finish();
  ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(testing::NotEmbedded(pdf), "");
  auto fonts = testing::PdfFonts(pdf);
  ASSERT_TRUE(fonts.ok());
  for (const testing::PdfFont& f : *fonts) {
    EXPECT_TRUE(f.subset) << f.name;
    EXPECT_NE(f.name.find("DejaVu"), std::string::npos) << f.name;
  }
  const std::string text = Text(pdf);
  EXPECT_NE(text.find("Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Minh Khai 2 Ph\xE1\xBB\x91 Hu\xE1\xBA\xBF"),
            std::string::npos) << text;
  EXPECT_NE(text.find("\xCE\xB1\xCE\xB2\xCE\xB3, \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0,"
                      " (parentheses) and \\ backslash."), std::string::npos) << text;
  EXPECT_NE(text.find("\xE2\x80\xA2 A bulleted item"), std::string::npos) << text;
  EXPECT_EQ(text.find('?'), std::string::npos) << text;
}

TEST(PdfTest, MetadataCarriesTitleAuthorAndCreationDate) {
  PdfOptions o;
  o.title = "Notice of a breach";
  o.author = "Ph\xE1\xBB\x91 Telecom";
  o.creation_date = "2026-12-03T09:30:00-05:00";
  PdfWriter w(o);
  w.Paragraph("Body");
  const std::string pdf = w.Finish();
  EXPECT_EQ(*testing::PdfInfo(pdf, "Title"), "Notice of a breach");
  EXPECT_EQ(*testing::PdfInfo(pdf, "Author"), "Ph\xE1\xBB\x91 Telecom");
  EXPECT_EQ(*testing::PdfInfo(pdf, "Creator"), "Proprio");
  EXPECT_EQ(*testing::PdfInfo(pdf, "CreationDate"), "2026-12-03T09:30:00-05");
}

TEST(PdfTest, OnePageHasNoPageNumber) {
  PdfWriter w("Short");
  w.Paragraph("One page only.");
  EXPECT_EQ(w.pages(), 1);
  const std::string pdf = w.Finish();
  EXPECT_EQ(testing::PdfPages(pdf), 1);
  EXPECT_EQ(Text(pdf).find("Page 1"), std::string::npos);
}

TEST(PdfTest, LongTextFlowsOntoNumberedPages) {
  PdfWriter w("Long");
  for (int i = 0; i < 120; ++i) w.Paragraph("Paragraph number " + std::to_string(i) + " caf\xC3\xA9.");
  const int pages = w.pages();
  EXPECT_GT(pages, 2);
  const std::string pdf = w.Finish();
  EXPECT_EQ(testing::PdfPages(pdf), pages);
  const std::string text = Text(pdf);
  EXPECT_NE(text.find("Paragraph number 0 caf\xC3\xA9."), std::string::npos) << text;
  EXPECT_NE(text.find("Paragraph number 119 caf\xC3\xA9."), std::string::npos);
  const std::string n = std::to_string(pages);
  EXPECT_NE(text.find("Page 1 of " + n), std::string::npos) << text;
  EXPECT_NE(text.find("Page " + n + " of " + n), std::string::npos);
}

TEST(PdfTest, PageBreakStartsAPage) {
  PdfWriter w("Two");
  w.Paragraph("First");
  w.PageBreak();
  w.Paragraph("Second");
  EXPECT_EQ(w.pages(), 2);
}

TEST(PdfTest, KeepTogetherMovesABlockWholeToTheNextPage) {
  // Fill the first page to within four lines, then add a six-line block.
  int lines = 0;
  for (PdfWriter p("count"); p.pages() == 1; ++lines) p.Lines("filler");
  PdfWriter w("Keep");
  for (int i = 0; i < lines - 4; ++i) w.Lines("filler " + std::to_string(i));
  EXPECT_EQ(w.pages(), 1);
  w.BeginKeepTogether();
  w.Lines("Sincerely,\n\n\nDana Whitfield\nChief Financial Officer\nExample Tel");
  w.EndKeepTogether();
  EXPECT_EQ(w.pages(), 2);
  const std::string text = *testing::PdfToText(w.Finish());
  const size_t form_feed = text.find('\f');
  ASSERT_NE(form_feed, std::string::npos);
  EXPECT_GT(text.find("Sincerely,"), form_feed) << "the block was split";
}

TEST(PdfTest, RightAlignedLinesEndAtTheRightMargin) {
  PdfWriter w("Aligned");
  w.Lines("December 3, 2026", Font::kRegular, 11, Align::kRight);
  w.Lines("x");
  auto text = testing::PdfToText(w.Finish());
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("December 3, 2026"), std::string::npos);
}

}  // namespace
}  // namespace proprio::report
