// report/testing/pdf_check.h: reads a PDF back as a reader would, for tests
// only (library proprio_report_testing, built with the tests): the text
// poppler's pdftotext extracts, and the fonts pdffonts lists. poppler-utils
// is installed by scripts/setup; when it is missing the functions say so in
// their error rather than pass.
//
//   auto text = testing::PdfText(pdf);             // whitespace runs -> one space
//   EXPECT_NE(text->find("Nguyễn Thị Minh Khai"), std::string::npos);
//   EXPECT_EQ(testing::NotEmbedded(pdf), "");      // every font embedded
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace proprio::report::testing {

// pdftotext's output (UTF-8, reading order; pages end with a form feed).
Result<std::string> PdfToText(std::string_view pdf);
// The same with every run of whitespace (line ends, page ends) made one
// space: phrases wrapped across lines or pages read as written.
Result<std::string> PdfText(std::string_view pdf);

struct PdfFont {
  std::string name;  // "ABCDEF+DejaVuSans" for a subset
  std::string type;  // "TrueType", "CID TrueType", "Type 3", ...
  bool embedded = false;
  bool subset = false;
  bool unicode = false;  // has a ToUnicode map: text extractable
};
// The fonts pdffonts lists.
Result<std::vector<PdfFont>> PdfFonts(std::string_view pdf);
// "" when the PDF uses at least one font and pdffonts says every one is
// embedded and has a ToUnicode map; otherwise what is wrong.
std::string NotEmbedded(std::string_view pdf);
// The page count pdfinfo reports (-1 when it cannot be read).
int PdfPages(std::string_view pdf);
// The document information pdfinfo reports ("Title", "Author", "CreationDate", ...).
Result<std::string> PdfInfo(std::string_view pdf, const std::string& key);

}  // namespace proprio::report::testing
