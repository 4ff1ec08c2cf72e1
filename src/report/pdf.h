// report/pdf.h: the PDF writer Proprio's documents (letters, agency reports,
// summaries, filings) are set with, on cairo and pango (Debian libcairo2,
// libpango1.0; scripts/setup installs them).
//
// A document is legal paper: its fonts are embedded (subsets of DejaVu Sans,
// fonts-dejavu-core, with fontconfig's fallback for scripts it lacks), any
// Unicode text prints as written ("Nguyễn Thị Minh Khai, 2 Phố Huế"), the PDF
// carries its title, author and creation date, and a document of more than
// one page numbers its pages ("Page 2 of 3"). The text stays extractable
// (pdftotext). US Letter pages by default, paragraphs wrapped to the margins,
// a page break when a page is full; a heading never ends a page, and a
// keep-together block (a signature, an address) is moved whole to the next
// page rather than split.
//
//   PdfWriter pdf("Notice of a data breach", "Example Tel");
//   pdf.Lines("Example Tel\n1 Main St", Font::kBold, 11, Align::kRight);
//   pdf.Heading("Notice of a data breach");
//   pdf.Paragraph("On December 3, 2026 we determined ...");
//   pdf.BeginKeepTogether(); pdf.Lines("Sincerely,\nDana Whitfield"); pdf.EndKeepTogether();
//   std::string bytes = pdf.Finish();
//
// Content is recorded and laid out at Finish (and by pages()), so the page
// count is known when the footers are drawn. Not thread-safe; one writer per
// document (writers on different threads are fine).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace proprio::report {

enum class Font { kRegular = 0, kBold = 1 };
enum class Align { kLeft = 0, kRight = 1, kCenter = 2 };

struct PdfOptions {
  std::string title;    // PDF metadata (cairo_pdf_surface_set_metadata)
  std::string author;
  std::string subject;
  // Creation date written into the metadata, ISO 8601 ("2026-12-03" or
  // "2026-12-03T09:30:00-05:00"); empty: cairo's (the time of writing).
  // Documents pass their own date so the same facts make the same document.
  std::string creation_date;
  double page_width = 612;   // points (US Letter)
  double page_height = 792;
  double margin = 72;        // one inch
  // "Page N of M" centred in the bottom margin, on documents of more than one page.
  bool page_numbers = true;
};

class PdfWriter {
 public:
  explicit PdfWriter(PdfOptions options);
  // US Letter, one-inch margins.
  explicit PdfWriter(std::string title, std::string author = {});

  // A bold line (wrapped), 14 pt, with space before it; kept on the page of
  // what follows it.
  void Heading(std::string_view text);
  // Wrapped text; each '\n' starts a new line. Space after it.
  void Paragraph(std::string_view text, Font font = Font::kRegular, double size = 11,
                 Align align = Align::kLeft);
  // Wrapped lines without the space after (addresses, a letterhead, a date).
  void Lines(std::string_view text, Font font = Font::kRegular, double size = 11,
             Align align = Align::kLeft);
  // "• item", wrapped with a hanging indent.
  void Bullet(std::string_view text, double size = 11);
  void Space(double points);
  void PageBreak();
  // What is added between these two calls is set on one page: moved whole to
  // the next page when it does not fit (split only when longer than a page).
  // Blocks do not nest; an unmatched Begin ends at Finish.
  void BeginKeepTogether();
  void EndKeepTogether();

  // The document's bytes. The writer is spent afterwards.
  std::string Finish();

  // The number of pages the content so far fills.
  int pages() const;

  enum class Kind { kText, kSpace, kPageBreak };
  struct Block {
    Kind kind = Kind::kText;
    std::string text;  // UTF-8
    Font font = Font::kRegular;
    double size = 11;
    Align align = Align::kLeft;
    bool bullet = false;
    bool keep_with_next = false;  // headings
    double space = 0;             // kSpace: points; kText: space after
    int group = 0;                // keep-together block (0: none)
  };

 private:
  PdfOptions options_;
  std::vector<Block> blocks_;
  int next_group_ = 1;
  int open_group_ = 0;
};

}  // namespace proprio::report
