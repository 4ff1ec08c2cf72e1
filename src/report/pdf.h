// report/pdf.h: a small PDF 1.4 writer for Proprio's documents (letters,
// agency reports, summaries), written by hand: no dependency.
//
// Text only, in two of the standard 14 fonts (Helvetica and Helvetica-Bold,
// WinAnsiEncoding, never embedded), US Letter pages, paragraphs wrapped to the
// margins with the fonts' AFM widths, page breaks when a page is full. Input
// is UTF-8; characters outside WinAnsi print as '?'. Content streams are not
// compressed, so the text can be checked with pdftotext or ExtractPdfText.
//
//   PdfWriter pdf("Notice of a data breach");
//   pdf.Heading("Notice of a data breach");
//   pdf.Paragraph("On 2024-12-20 we determined ...");
//   std::string bytes = pdf.Finish();
//
// Not thread-safe; one writer per document.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace proprio::report {

enum class Font { kRegular = 0, kBold = 1 };

struct PdfOptions {
  std::string title;
  std::string author;
  double page_width = 612;   // points (US Letter)
  double page_height = 792;
  double margin = 72;        // one inch
};

class PdfWriter {
 public:
  explicit PdfWriter(PdfOptions options);
  // US Letter, one-inch margins.
  explicit PdfWriter(std::string title, std::string author = {});

  // A bold line (wrapped), 14 pt, with space before it.
  void Heading(std::string_view text);
  // Wrapped text; each '\n' starts a new line. Space after it.
  void Paragraph(std::string_view text, Font font = Font::kRegular, double size = 11);
  // Wrapped lines without the space after (addresses, lists).
  void Lines(std::string_view text, Font font = Font::kRegular, double size = 11);
  // "- item", wrapped with a hanging indent.
  void Bullet(std::string_view text, double size = 11);
  void Space(double points);
  void PageBreak();

  // The document's bytes. The writer is spent afterwards.
  std::string Finish();

  int pages() const { return static_cast<int>(pages_.size()); }

 private:
  void EmitLine(const std::string& winansi, Font font, double size, double indent);
  void NeedLines(double height);

  PdfOptions options_;
  std::vector<std::string> pages_;  // content streams
  double y_ = 0;                    // baseline of the next line
};

// UTF-8 to WinAnsiEncoding bytes ('?' for what it lacks; bad UTF-8 too).
std::string ToWinAnsi(std::string_view utf8);
// Width in points of WinAnsi text.
double TextWidth(std::string_view winansi, Font font, double size);
// Splits WinAnsi text into lines no wider than `width` (words broken only
// when longer than a line).
std::vector<std::string> WrapText(std::string_view winansi, Font font, double size, double width);

// The text shown by a PDF this writer made: the string operands of its Tj
// operators, one line each, decoded to UTF-8. For tests and checks; not a
// general PDF reader.
std::string ExtractPdfText(std::string_view pdf);

}  // namespace proprio::report
