// report/letter.h: the layout every letter shares (a breach notice to a
// customer, the opt-out failure notice to the Commission). A letter is a list
// of parts, written once by its document's code; the text forms and the PDF
// are both read from that list, so the paper and the text never say
// different things.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/pdf.h"

namespace proprio::report {

enum class LetterPart {
  kLetterhead,  // first line: the sender's name (bold); the rest: address, contact
  kMark,        // a notice set above the letter ("DRAFT, NOT TO BE SENT YET: ...")
  kDate,        // right-aligned
  kAddress,     // the addressee's block, never split across pages
  kRe,          // the subject line (bold)
  kHeading,
  kBullet,
  kText,
  kQuote,       // a copy set off in smaller type (text form: "> " lines)
  kSignature,   // first line: the closing; the rest, after room to sign: name, title
};

using LetterParts = std::vector<std::pair<LetterPart, std::string>>;

// One string per part; headings as "## heading", bullets as "- item".
std::vector<std::string> LetterParagraphs(const LetterParts& parts);

// The letter set on PDF pages (report/pdf.h), with `options`' metadata.
std::string LetterPdf(const PdfOptions& options, const LetterParts& parts);

}  // namespace proprio::report
