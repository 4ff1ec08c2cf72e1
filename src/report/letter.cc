#include "report/letter.h"

namespace proprio::report {

std::vector<std::string> LetterParagraphs(const LetterParts& parts) {
  std::vector<std::string> out;
  out.reserve(parts.size());
  for (const auto& [part, text] : parts) {
    out.push_back(part == LetterPart::kHeading  ? "## " + text
                  : part == LetterPart::kBullet ? "- " + text
                                                : text);
  }
  return out;
}

std::string LetterPdf(const PdfOptions& options, const LetterParts& parts) {
  PdfWriter pdf(options);
  for (const auto& [part, t] : parts) {
    switch (part) {
      case LetterPart::kLetterhead: {
        const size_t nl = t.find('\n');
        pdf.Lines(t.substr(0, nl), Font::kBold, 13);
        if (nl != std::string::npos) pdf.Lines(t.substr(nl + 1), Font::kRegular, 10);
        pdf.Space(14);
        break;
      }
      case LetterPart::kMark: pdf.Paragraph(t, Font::kBold, 12); break;
      case LetterPart::kDate: pdf.Paragraph(t, Font::kRegular, 11, Align::kRight); break;
      case LetterPart::kAddress:
        pdf.BeginKeepTogether();
        pdf.Paragraph(t);
        pdf.EndKeepTogether();
        break;
      case LetterPart::kRe: pdf.Paragraph(t, Font::kBold); break;
      case LetterPart::kHeading: pdf.Heading(t); break;
      case LetterPart::kBullet: pdf.Bullet(t); break;
      case LetterPart::kText: pdf.Paragraph(t); break;
      case LetterPart::kQuote: pdf.Paragraph(t, Font::kRegular, 10); break;
      case LetterPart::kSignature: {
        const size_t nl = t.find('\n');
        pdf.BeginKeepTogether();
        pdf.Space(6);
        pdf.Lines(t.substr(0, nl));
        pdf.Space(28);  // room for the signature
        if (nl != std::string::npos) pdf.Lines(t.substr(nl + 1));
        pdf.EndKeepTogether();
        break;
      }
    }
  }
  return pdf.Finish();
}

}  // namespace proprio::report
