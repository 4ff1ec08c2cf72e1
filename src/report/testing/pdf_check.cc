// report/testing/pdf_check.cc: poppler-utils run on a temporary file.
#include "report/testing/pdf_check.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace proprio::report::testing {
namespace {

// Runs `tool args FILE` on the PDF written to a temporary file; its stdout.
Result<std::string> Run(const std::string& tool, const std::string& args, std::string_view pdf,
                        const std::string& after = "") {
  const std::string bin = "/usr/bin/" + tool;
  if (::access(bin.c_str(), X_OK) != 0) {
    return Status::FailedPrecondition(bin + " is missing: scripts/setup installs poppler-utils");
  }
  char path[] = "/tmp/proprio_pdf_check_XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return Status::Internal("cannot create a temporary file");
  ::close(fd);
  {
    std::ofstream f(path, std::ios::binary);
    f.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
  }
  const std::string cmd = bin + " " + args + " " + path + " " + after + " 2>/dev/null";
  std::string out;
  int rc = -1;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    rc = ::pclose(p);
  }
  std::remove(path);
  if (rc != 0) return Status::Internal(tool + " could not read the PDF");
  return out;
}

}  // namespace

Result<std::string> PdfToText(std::string_view pdf) { return Run("pdftotext", "-q -enc UTF-8", pdf, "-"); }

Result<std::string> PdfText(std::string_view pdf) {
  ASSIGN_OR_RETURN(std::string raw, PdfToText(pdf));
  std::string out;
  bool space = false;
  for (char c : raw) {
    if (c == ' ' || c == '\n' || c == '\f' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

Result<std::vector<PdfFont>> PdfFonts(std::string_view pdf) {
  ASSIGN_OR_RETURN(std::string listing, Run("pdffonts", "", pdf));
  // name type encoding emb sub uni object ID; the type may hold a space
  // ("CID TrueType"), so the columns are read from the right.
  std::vector<PdfFont> fonts;
  std::istringstream in(listing);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (++n <= 2 || line.empty()) continue;  // header and rule
    std::vector<std::string> w;
    std::istringstream words(line);
    for (std::string s; words >> s;) w.push_back(s);
    if (w.size() < 8) return Status::Internal("unexpected pdffonts line: " + line);
    const size_t k = w.size();
    PdfFont f;
    f.name = w[0];
    for (size_t i = 1; i + 6 < k; ++i) f.type += (f.type.empty() ? "" : " ") + w[i];
    f.embedded = w[k - 5] == "yes";
    f.subset = w[k - 4] == "yes";
    f.unicode = w[k - 3] == "yes";
    fonts.push_back(std::move(f));
  }
  return fonts;
}

std::string NotEmbedded(std::string_view pdf) {
  auto fonts = PdfFonts(pdf);
  if (!fonts.ok()) return fonts.status().message();
  if (fonts->empty()) return "the PDF uses no font";
  std::string wrong;
  for (const PdfFont& f : *fonts) {
    if (!f.embedded) wrong += f.name + " is not embedded; ";
    if (!f.unicode) wrong += f.name + " has no ToUnicode map; ";
  }
  return wrong;
}

Result<std::string> PdfInfo(std::string_view pdf, const std::string& key) {
  ASSIGN_OR_RETURN(std::string info, Run("pdfinfo", "-isodates", pdf));
  std::istringstream in(info);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) != 0) continue;
    size_t v = key.size() + 1;
    while (v < line.size() && line[v] == ' ') ++v;
    return line.substr(v);
  }
  return Status::NotFound("pdfinfo lists no " + key);
}

int PdfPages(std::string_view pdf) {
  auto pages = PdfInfo(pdf, "Pages");
  return pages.ok() ? std::atoi(pages->c_str()) : -1;
}

}  // namespace proprio::report::testing
