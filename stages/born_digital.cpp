#include "stages/born_digital.h"

#include <cmath>
#include <memory>

#include <poppler-document.h>
#include <poppler-page.h>

namespace zpe {

namespace {

std::string utf8_of(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

// Words -> lines: a word starts a new line when its vertical centre lies outside the
// current line's box (poppler lists words in reading order).
void add_word(RecognisedPage& page, RecognisedWord word) {
  const int centre = (word.box.top + word.box.bottom) / 2;
  if (page.lines.empty() || centre < page.lines.back().box.top || centre > page.lines.back().box.bottom ||
      word.box.left < page.lines.back().box.left) {
    RecognisedLine line;
    line.block = 1;
    line.box = word.box;
    page.lines.push_back(std::move(line));
  }
  RecognisedLine& line = page.lines.back();
  line.box.left = std::min(line.box.left, word.box.left);
  line.box.top = std::min(line.box.top, word.box.top);
  line.box.right = std::max(line.box.right, word.box.right);
  line.box.bottom = std::max(line.box.bottom, word.box.bottom);
  // Descenders take roughly the bottom fifth of a line box.
  line.baseline = line.box.bottom - line.box.height() / 5;
  line.words.push_back(std::move(word));
}

RecognisedPage page_text(poppler::page& pdf_page, const RenderedPdfPage& rendered) {
  RecognisedPage page;
  page.width = rendered.width_px;
  page.height = rendered.height_px;
  const poppler::rectf crop = pdf_page.page_rect();
  const bool turned = pdf_page.orientation() == poppler::page::landscape ||
                      pdf_page.orientation() == poppler::page::seascape;
  const double width_pt = turned ? crop.height() : crop.width();
  const double height_pt = turned ? crop.width() : crop.height();
  if (width_pt <= 0 || height_pt <= 0) return page;
  const double sx = rendered.width_px / width_pt;
  const double sy = rendered.height_px / height_pt;
  for (const poppler::text_box& box : pdf_page.text_list()) {
    std::string text = utf8_of(box.text());
    if (text.empty()) continue;
    const poppler::rectf r = box.bbox();
    PixelBox pixels{static_cast<int>(std::floor(r.left() * sx)), static_cast<int>(std::floor(r.top() * sy)),
                    static_cast<int>(std::ceil(r.right() * sx)), static_cast<int>(std::ceil(r.bottom() * sy))};
    add_word(page, RecognisedWord{std::move(text), pixels, 100.0});
    ++page.words;
  }
  for (const RecognisedLine& line : page.lines) {
    for (size_t i = 0; i < line.words.size(); ++i) page.text += (i > 0 ? " " : "") + line.words[i].text;
    page.text += '\n';
  }
  page.confidence = page.words > 0 ? 100.0 : 0.0;
  return page;
}

}  // namespace

Result<std::optional<std::vector<RecognisedPage>>> born_digital_text(std::string_view pdf,
                                                                     const std::vector<RenderedPdfPage>& pages) {
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  if (!document || document->is_locked()) return fail(ErrorKind::kInvalidInput, "the PDF cannot be opened for its text");
  std::vector<RecognisedPage> out;
  for (const RenderedPdfPage& rendered : pages) {
    std::unique_ptr<poppler::page> page(document->create_page(rendered.source_page - 1));
    if (!page) {
      return fail(ErrorKind::kInvalidInput, "the PDF has no page " + std::to_string(rendered.source_page));
    }
    RecognisedPage text = page_text(*page, rendered);
    if (text.words == 0) return std::optional<std::vector<RecognisedPage>>{};
    out.push_back(std::move(text));
  }
  return std::optional<std::vector<RecognisedPage>>(std::move(out));
}

}  // namespace zpe
