// report/pdf.cc: PdfWriter on cairo's PDF surface, text shaped and wrapped by
// pango. The blocks are laid out twice over the same pango context: once to
// paginate (so the footer knows the page count), once to draw.
#include "report/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <utility>

namespace proprio::report {
namespace {

// DejaVu Sans (fonts-dejavu-core) covers Latin with every diacritic
// Vietnamese needs, Greek and Cyrillic; fontconfig falls back per character
// for other scripts.
constexpr char kFamily[] = "DejaVu Sans";
constexpr double kBulletIndent = 14;
constexpr double kFooterSize = 9;

struct GObjectUnref {
  void operator()(void* p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct FontDescFree {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};

// A pango context that measures in PDF points with no hinting, so widths do
// not depend on a screen resolution and the measured layout is the drawn one.
class Typesetter {
 public:
  Typesetter() : map_(pango_cairo_font_map_new()) {
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map_.get()), 72);
    context_.reset(pango_font_map_create_context(map_.get()));
    cairo_font_options_t* fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_.get(), fo);
    cairo_font_options_destroy(fo);
  }

  GPtr<PangoLayout> Layout(const std::string& text, Font font, double size, double width,
                           Align align) const {
    GPtr<PangoLayout> layout(pango_layout_new(context_.get()));
    std::unique_ptr<PangoFontDescription, FontDescFree> desc(pango_font_description_new());
    pango_font_description_set_family(desc.get(), kFamily);
    pango_font_description_set_weight(desc.get(),
                                      font == Font::kBold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(desc.get(), size * PANGO_SCALE);
    pango_layout_set_font_description(layout.get(), desc.get());
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), align == Align::kRight    ? PANGO_ALIGN_RIGHT
                                             : align == Align::kCenter ? PANGO_ALIGN_CENTER
                                                                       : PANGO_ALIGN_LEFT);
    // A word broken at the margin (a long URL, an account number) must read
    // back as written: no inserted hyphen.
    PangoAttrList* attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
    pango_layout_set_attributes(layout.get(), attrs);
    pango_attr_list_unref(attrs);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
  }

 private:
  GPtr<PangoFontMap> map_;
  GPtr<PangoContext> context_;
};

struct PlacedLine {
  size_t layout = 0;  // index in Laid::layouts
  int line = 0;       // line of that layout
  int page = 0;
  double x = 0;         // left of the line's logical box
  double baseline = 0;  // from the top of the page
};

struct Laid {
  std::vector<GPtr<PangoLayout>> layouts;
  std::vector<PlacedLine> lines;
  std::vector<std::pair<int, double>> bullets;  // page, baseline
  int pages = 1;
};

struct LineBox {
  double x = 0, height = 0, baseline = 0;  // baseline from the line's top
};

std::vector<LineBox> Boxes(PangoLayout* layout) {
  std::vector<LineBox> out;
  PangoLayoutIter* it = pango_layout_get_iter(layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(it, nullptr, &logical);
    LineBox b;
    b.x = static_cast<double>(logical.x) / PANGO_SCALE;
    b.height = static_cast<double>(logical.height) / PANGO_SCALE;
    b.baseline = static_cast<double>(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
    out.push_back(b);
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  return out;
}

Laid LayOut(const Typesetter& ts, const PdfOptions& o, const std::vector<PdfWriter::Block>& blocks) {
  Laid laid;
  const double width = o.page_width - 2 * o.margin;
  const double top = o.margin;
  const double bottom = o.page_height - o.margin;
  const double page_room = bottom - top;

  // Shape every text block first: keeping a heading or a group together needs
  // the heights of what follows.
  std::vector<std::vector<LineBox>> boxes(blocks.size());
  std::vector<size_t> layout_of(blocks.size(), 0);
  for (size_t i = 0; i < blocks.size(); ++i) {
    const PdfWriter::Block& b = blocks[i];
    if (b.kind != PdfWriter::Kind::kText) continue;
    const double indent = b.bullet ? kBulletIndent : 0;
    layout_of[i] = laid.layouts.size();
    laid.layouts.push_back(ts.Layout(b.text, b.font, b.size, width - indent, b.align));
    boxes[i] = Boxes(laid.layouts.back().get());
  }
  auto height_of = [&](size_t i, size_t max_lines) {
    double h = 0;
    for (size_t k = 0; k < boxes[i].size() && k < max_lines; ++k) h += boxes[i][k].height;
    return h;
  };

  int page = 0;
  double y = top;
  auto new_page = [&] {
    ++page;
    y = top;
  };
  for (size_t i = 0; i < blocks.size(); ++i) {
    const PdfWriter::Block& b = blocks[i];
    if (b.kind == PdfWriter::Kind::kPageBreak) {
      new_page();
      continue;
    }
    if (b.kind == PdfWriter::Kind::kSpace) {
      if (y > top) y += b.space;  // space at the top of a page is dropped
      continue;
    }
    const bool page_used = y > top;
    if (b.group != 0 && (i == 0 || blocks[i - 1].group != b.group) && page_used) {
      double h = 0;
      for (size_t k = i; k < blocks.size() && blocks[k].group == b.group; ++k) {
        if (blocks[k].kind == PdfWriter::Kind::kText) h += height_of(k, SIZE_MAX) + blocks[k].space;
        if (blocks[k].kind == PdfWriter::Kind::kSpace) h += blocks[k].space;
      }
      if (y + h > bottom && h <= page_room) new_page();
    } else if (b.keep_with_next && page_used) {
      double h = height_of(i, SIZE_MAX) + b.space;
      for (size_t k = i + 1; k < blocks.size(); ++k) {
        if (blocks[k].kind == PdfWriter::Kind::kPageBreak) break;
        if (blocks[k].kind == PdfWriter::Kind::kSpace) {
          h += blocks[k].space;
          continue;
        }
        h += height_of(k, 2);
        break;
      }
      if (y + h > bottom) new_page();
    }
    const double indent = b.bullet ? kBulletIndent : 0;
    for (size_t k = 0; k < boxes[i].size(); ++k) {
      const LineBox& box = boxes[i][k];
      if (y + box.height > bottom && y > top) new_page();
      laid.lines.push_back({layout_of[i], static_cast<int>(k), page, o.margin + indent + box.x,
                            y + box.baseline});
      if (b.bullet && k == 0) laid.bullets.emplace_back(page, y + box.baseline);
      y += box.height;
    }
    y += b.space;
  }
  laid.pages = page + 1;
  return laid;
}

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

PdfWriter::PdfWriter(PdfOptions options) : options_(std::move(options)) {}

PdfWriter::PdfWriter(std::string title, std::string author) {
  options_.title = std::move(title);
  options_.author = std::move(author);
}

void PdfWriter::PageBreak() {
  Block b;
  b.kind = Kind::kPageBreak;
  b.group = open_group_;
  blocks_.push_back(std::move(b));
}

void PdfWriter::Space(double points) {
  Block b;
  b.kind = Kind::kSpace;
  b.space = points;
  b.group = open_group_;
  blocks_.push_back(std::move(b));
}

void PdfWriter::Lines(std::string_view text, Font font, double size, Align align) {
  blocks_.push_back({.kind = Kind::kText,
                     .text = std::string(text),
                     .font = font,
                     .size = size,
                     .align = align,
                     .group = open_group_});
}

void PdfWriter::Paragraph(std::string_view text, Font font, double size, Align align) {
  Lines(text, font, size, align);
  blocks_.back().space = size * 0.6;
}

void PdfWriter::Heading(std::string_view text) {
  Space(6);
  Lines(text, Font::kBold, 14);
  blocks_.back().keep_with_next = true;
  blocks_.back().space = 4;
}

void PdfWriter::Bullet(std::string_view text, double size) {
  Lines(text, Font::kRegular, size);
  blocks_.back().bullet = true;
  blocks_.back().space = size * 0.25;
}

void PdfWriter::BeginKeepTogether() { open_group_ = next_group_++; }

void PdfWriter::EndKeepTogether() { open_group_ = 0; }

int PdfWriter::pages() const {
  const Typesetter ts;
  return LayOut(ts, options_, blocks_).pages;
}

std::string PdfWriter::Finish() {
  const Typesetter ts;
  const Laid laid = LayOut(ts, options_, blocks_);
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
      Append, &out, options_.page_width, options_.page_height);
  auto meta = [&](cairo_pdf_metadata_t key, const std::string& value) {
    if (!value.empty()) cairo_pdf_surface_set_metadata(surface, key, value.c_str());
  };
  meta(CAIRO_PDF_METADATA_TITLE, options_.title);
  meta(CAIRO_PDF_METADATA_AUTHOR, options_.author);
  meta(CAIRO_PDF_METADATA_SUBJECT, options_.subject);
  meta(CAIRO_PDF_METADATA_CREATOR, "Proprio");
  meta(CAIRO_PDF_METADATA_CREATE_DATE, options_.creation_date);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);

  const double width = options_.page_width - 2 * options_.margin;
  GPtr<PangoLayout> bullet = ts.Layout("\xE2\x80\xA2", Font::kRegular, 11, width, Align::kLeft);
  size_t next_line = 0, next_bullet = 0;
  for (int page = 0; page < laid.pages; ++page) {
    for (; next_line < laid.lines.size() && laid.lines[next_line].page == page; ++next_line) {
      const PlacedLine& l = laid.lines[next_line];
      cairo_move_to(cr, l.x, l.baseline);
      pango_cairo_show_layout_line(
          cr, pango_layout_get_line_readonly(laid.layouts[l.layout].get(), l.line));
    }
    for (; next_bullet < laid.bullets.size() && laid.bullets[next_bullet].first == page;
         ++next_bullet) {
      cairo_move_to(cr, options_.margin + 2, laid.bullets[next_bullet].second);
      pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(bullet.get(), 0));
    }
    if (options_.page_numbers && laid.pages > 1) {
      GPtr<PangoLayout> footer =
          ts.Layout("Page " + std::to_string(page + 1) + " of " + std::to_string(laid.pages),
                    Font::kRegular, kFooterSize, width, Align::kCenter);
      const std::vector<LineBox> box = Boxes(footer.get());
      cairo_move_to(cr, options_.margin + box[0].x,
                    options_.page_height - options_.margin / 2);
      pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(footer.get(), 0));
    }
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  blocks_.clear();
  return out;
}

}  // namespace proprio::report

#if defined(__SANITIZE_ADDRESS__)
// Fontconfig keeps its configuration and caches for the life of the process
// and frees them only in FcFini, which pango never calls; LeakSanitizer
// reports them at exit. The suppression names fontconfig's own module only,
// so a leak with no fontconfig frame (the project's) is still reported.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
