// Tests of report/pdf.h: structure (xref offsets), wrapping, encoding, and the
// text read back by pdftotext (poppler-utils, installed by scripts/setup) and
// by ExtractPdfText.
#include "report/pdf.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace proprio::report {
namespace {

// pdftotext's text of `pdf`, or nullopt when poppler-utils is not installed.
std::optional<std::string> PdfToText(const std::string& pdf) {
  if (::access("/usr/bin/pdftotext", X_OK) != 0) return std::nullopt;
  char path[] = "/tmp/proprio_pdf_test_XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return std::nullopt;
  ::close(fd);
  { std::ofstream(path, std::ios::binary) << pdf; }
  const std::string cmd = std::string("/usr/bin/pdftotext -q -layout ") + path + " - 2>/dev/null";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  std::remove(path);
  return out;
}

TEST(PdfTest, WidthsFollowTheAfmTables) {
  EXPECT_DOUBLE_EQ(TextWidth("a", Font::kRegular, 1000), 556);
  EXPECT_DOUBLE_EQ(TextWidth("W", Font::kRegular, 10), 9.44);
  EXPECT_DOUBLE_EQ(TextWidth("i", Font::kBold, 1000), 278);
  EXPECT_DOUBLE_EQ(TextWidth("Hello", Font::kRegular, 12),
                   (722 + 556 + 222 + 222 + 556) * 12 / 1000.0);
}

TEST(PdfTest, WrapsAtWordsAndBreaksLongWords) {
  const auto lines = WrapText("aaa bbb ccc", Font::kRegular, 10, TextWidth("aaa bbb", Font::kRegular, 10));
  EXPECT_EQ(lines, (std::vector<std::string>{"aaa bbb", "ccc"}));
  const auto broken = WrapText("nnnnnnnnnn", Font::kRegular, 10, TextWidth("nnnn", Font::kRegular, 10));
  EXPECT_EQ(broken, (std::vector<std::string>{"nnnn", "nnnn", "nn"}));
  EXPECT_EQ(WrapText("one\ntwo", Font::kRegular, 10, 500), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(WrapText("", Font::kRegular, 10, 500), (std::vector<std::string>{""}));
}

TEST(PdfTest, Utf8ToWinAnsi) {
  EXPECT_EQ(ToWinAnsi("caf\xC3\xA9"), "caf\xE9");
  EXPECT_EQ(ToWinAnsi("\xE2\x80\x94"), "\x97");         // em dash
  EXPECT_EQ(ToWinAnsi("\xE2\x80\x99s"), "\x92s");       // right single quote
  EXPECT_EQ(ToWinAnsi("\xE4\xB8\xAD"), "?");            // not in WinAnsi
  EXPECT_EQ(ToWinAnsi("\xC3"), "?");                    // truncated UTF-8
}

TEST(PdfTest, StructureHasValidCrossReferences) {
  PdfWriter w("T (1)");
  w.Heading("Heading");
  w.Paragraph("Parentheses ( and ) and a backslash \\ are escaped.");
  const std::string pdf = w.Finish();
  ASSERT_EQ(pdf.rfind("%PDF-1.4\n", 0), 0u);
  const size_t sx = pdf.rfind("startxref\n");
  ASSERT_NE(sx, std::string::npos);
  const size_t xref = std::stoul(pdf.substr(sx + 10));
  ASSERT_EQ(pdf.compare(xref, 5, "xref\n"), 0);
  std::istringstream in(pdf.substr(xref + 5));
  int first = 0, count = 0;
  in >> first >> count;
  EXPECT_EQ(count, 8);  // free entry, 5 fixed objects, one page and its contents
  std::string off, gen, kind;
  in >> off >> gen >> kind;  // the free entry
  for (int i = 1; i < count; ++i) {
    in >> off >> gen >> kind;
    const std::string head = std::to_string(i) + " 0 obj\n";
    EXPECT_EQ(pdf.compare(std::stoul(off), head.size(), head), 0) << "object " << i;
  }
  EXPECT_NE(pdf.find("/BaseFont /Helvetica "), std::string::npos);
  EXPECT_NE(pdf.find("/BaseFont /Helvetica-Bold "), std::string::npos);
  EXPECT_NE(pdf.find("\\(1\\)"), std::string::npos);
  EXPECT_EQ(ExtractPdfText(pdf),
            "Heading\nParentheses ( and ) and a backslash \\ are escaped.\n");
}

TEST(PdfTest, LongTextFlowsOntoMorePagesAndPdftotextReadsIt) {
  PdfWriter w("Long");
  for (int i = 0; i < 120; ++i) w.Paragraph("Paragraph number " + std::to_string(i) + " caf\xC3\xA9.");
  EXPECT_GT(w.pages(), 2);
  const std::string pdf = w.Finish();
  const std::string own = ExtractPdfText(pdf);
  EXPECT_NE(own.find("Paragraph number 119 caf\xC3\xA9."), std::string::npos);
  auto text = PdfToText(pdf);
  if (!text) GTEST_SKIP() << "pdftotext not installed (scripts/setup installs poppler-utils)";
  EXPECT_NE(text->find("Paragraph number 0 caf\xC3\xA9."), std::string::npos) << *text;
  EXPECT_NE(text->find("Paragraph number 119 caf\xC3\xA9."), std::string::npos);
}

}  // namespace
}  // namespace proprio::report
