// report/pdf.cc: PDF 1.4 by hand (ISO 32000-1 sections 7.5 file structure,
// 9.6.2.2 standard 14 fonts, D.2 WinAnsiEncoding).
#include "report/pdf.h"

#include <cstdint>
#include <cstdio>

namespace proprio::report {
namespace {

// Advance widths (1/1000 em) of printable ASCII 32..126 from the Adobe AFM
// files of Helvetica and Helvetica-Bold (WinAnsi: 0x27 quotesingle, 0x60 grave).
constexpr short kHelvetica[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584};     // p..~
constexpr short kHelveticaBold[95] = {
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584};

int CharWidth(unsigned char c, Font font) {
  const short* table = font == Font::kBold ? kHelveticaBold : kHelvetica;
  if (c >= 32 && c <= 126) return table[c - 32];
  if (c == 0x95) return 350;                 // bullet
  if (c == 0x96) return 556;                 // en dash
  if (c == 0x97) return 1000;                // em dash
  if (c >= 0x91 && c <= 0x94) return font == Font::kBold ? 500 : 333;  // quotes (approx.)
  return 556;                                // Latin-1 letters: about a lower-case width
}

// WinAnsi bytes 0x80..0x9F and the code points they stand for.
struct Special {
  unsigned char byte;
  uint32_t cp;
};
constexpr Special kSpecials[] = {
    {0x80, 0x20AC}, {0x85, 0x2026}, {0x91, 0x2018}, {0x92, 0x2019}, {0x93, 0x201C},
    {0x94, 0x201D}, {0x95, 0x2022}, {0x96, 0x2013}, {0x97, 0x2014}, {0x99, 0x2122}};

std::string Escape(std::string_view winansi) {
  std::string out;
  out.reserve(winansi.size() + 8);
  for (char c : winansi) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    if (c == '\r') {
      out += "\\r";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr double kLeading = 1.35;  // line height as a multiple of the font size

}  // namespace

std::string ToWinAnsi(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c == '\t') ? ' ' : static_cast<char>(c);
      ++i;
      continue;
    }
    int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out += '?';
      ++i;
      continue;
    }
    uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    bool bad = false;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) bad = true;
      cp = (cp << 6) | (cc & 0x3F);
    }
    i += bad ? 1 : len;
    if (bad) {
      out += '?';
    } else if (cp >= 0xA0 && cp <= 0xFF) {
      out += static_cast<char>(cp);
    } else {
      char mapped = '?';
      for (const Special& sp : kSpecials) {
        if (sp.cp == cp) mapped = static_cast<char>(sp.byte);
      }
      out += mapped;
    }
  }
  return out;
}

double TextWidth(std::string_view winansi, Font font, double size) {
  int64_t units = 0;
  for (char c : winansi) units += CharWidth(static_cast<unsigned char>(c), font);
  return static_cast<double>(units) * size / 1000.0;
}

std::vector<std::string> WrapText(std::string_view text, Font font, double size, double width) {
  std::vector<std::string> lines;
  std::string line;
  auto flush = [&] {
    lines.push_back(line);
    line.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\n') {
      flush();
      ++i;
      continue;
    }
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n') ++end;
    std::string word(text.substr(i, end - i));
    i = end;
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (TextWidth(candidate, font, size) <= width) {
      line = candidate;
      continue;
    }
    if (!line.empty()) flush();
    // A word longer than a line is broken where it must be.
    while (TextWidth(word, font, size) > width && word.size() > 1) {
      size_t n = 1;
      while (n < word.size() && TextWidth(word.substr(0, n + 1), font, size) <= width) ++n;
      lines.push_back(word.substr(0, n));
      word.erase(0, n);
    }
    line = word;
  }
  if (!line.empty() || lines.empty()) flush();
  return lines;
}

PdfWriter::PdfWriter(PdfOptions options) : options_(std::move(options)) { PageBreak(); }

PdfWriter::PdfWriter(std::string title, std::string author) {
  options_.title = std::move(title);
  options_.author = std::move(author);
  PageBreak();
}

void PdfWriter::PageBreak() {
  pages_.emplace_back();
  y_ = options_.page_height - options_.margin;
}

void PdfWriter::NeedLines(double height) {
  if (y_ - height < options_.margin) PageBreak();
}

void PdfWriter::EmitLine(const std::string& winansi, Font font, double size, double indent) {
  NeedLines(size * kLeading);
  y_ -= size;
  std::string& page = pages_.back();
  page += "BT /F" + std::to_string(font == Font::kBold ? 2 : 1) + " " + Num(size) + " Tf 1 0 0 1 " +
          Num(options_.margin + indent) + " " + Num(y_) + " Tm (" + Escape(winansi) + ") Tj ET\n";
  y_ -= size * (kLeading - 1);
}

void PdfWriter::Lines(std::string_view text, Font font, double size) {
  const double width = options_.page_width - 2 * options_.margin;
  for (const std::string& l : WrapText(ToWinAnsi(text), font, size, width)) {
    EmitLine(l, font, size, 0);
  }
}

void PdfWriter::Paragraph(std::string_view text, Font font, double size) {
  Lines(text, font, size);
  Space(size * 0.6);
}

void PdfWriter::Heading(std::string_view text) {
  Space(6);
  NeedLines(14 * kLeading * 3);  // keep a heading with what follows it
  Lines(text, Font::kBold, 14);
  Space(4);
}

void PdfWriter::Bullet(std::string_view text, double size) {
  const double indent = 14;
  const double width = options_.page_width - 2 * options_.margin - indent;
  const std::vector<std::string> lines = WrapText(ToWinAnsi(text), Font::kRegular, size, width);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0) {
      NeedLines(size * kLeading);
      const double y = y_ - size;
      pages_.back() += "BT /F1 " + Num(size) + " Tf 1 0 0 1 " + Num(options_.margin + 2) + " " +
                       Num(y) + " Tm (-) Tj ET\n";
    }
    EmitLine(lines[i], Font::kRegular, size, indent);
  }
  Space(size * 0.25);
}

void PdfWriter::Space(double points) { y_ -= points; }

std::string PdfWriter::Finish() {
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;  // by object number - 1
  auto object = [&](const std::string& body) {
    offsets.push_back(out.size());
    out += std::to_string(offsets.size()) + " 0 obj\n" + body + "\nendobj\n";
  };
  const int n = static_cast<int>(pages_.size());
  const int first_page = 6;  // objects 1-5: catalog, pages, two fonts, info
  std::string kids;
  for (int i = 0; i < n; ++i) kids += std::to_string(first_page + 2 * i) + " 0 R ";
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(n) + " >>");
  object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
  object("<< /Title (" + Escape(ToWinAnsi(options_.title)) + ") /Author (" +
         Escape(ToWinAnsi(options_.author)) + ") /Producer (Proprio) >>");
  for (int i = 0; i < n; ++i) {
    object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + Num(options_.page_width) + " " +
           Num(options_.page_height) + "] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> " +
           "/Contents " + std::to_string(first_page + 2 * i + 1) + " 0 R >>");
    const std::string& content = pages_[static_cast<size_t>(i)];
    object("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
           "endstream");
  }
  const size_t xref = out.size();
  out += "xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(offsets.size() + 1) +
         " /Root 1 0 R /Info 5 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  pages_.clear();
  return out;
}

std::string ExtractPdfText(std::string_view pdf) {
  std::string out;
  size_t pos = 0;
  while ((pos = pdf.find(" Tm (", pos)) != std::string_view::npos) {
    pos += 5;
    std::string line;
    while (pos < pdf.size() && pdf[pos] != ')') {
      char c = pdf[pos++];
      if (c == '\\' && pos < pdf.size()) {
        c = pdf[pos++];
        if (c == 'r') c = '\r';
      }
      const unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x80) {
        line += c;
      } else if (u >= 0xA0) {
        AppendUtf8(u, line);
      } else {
        uint32_t cp = '?';
        for (const Special& sp : kSpecials) {
          if (sp.byte == u) cp = sp.cp;
        }
        AppendUtf8(cp, line);
      }
    }
    if (line == "-") continue;  // bullet marks
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace proprio::report
