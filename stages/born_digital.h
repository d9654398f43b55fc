// Born-digital PDFs (from the court mailbox or e-mail, not scanned) carry their own text.
// born_digital_text reads it with poppler — per page its words with boxes, grouped into
// lines — so the ocr stage can skip OCR and keep the sender's exact text (confidence
// 100) in the searchable PDF's text layer, the plain text and the ALTO.
//
// Boxes are scaled from PDF points to the pixels of the page images prepare rendered
// (image width / displayed page width), so the invisible text lies on the visible glyphs.
// Thread-safe (no shared state besides poppler's own).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "pipeline/status.h"
#include "stages/page_text.h"

namespace zpe {

// The PDF page a page image shows and that image's size in pixels.
struct RenderedPdfPage {
  int source_page = 1;  // 1-based page of the PDF
  int width_px = 0;
  int height_px = 0;
};

// The text of each page, or nothing when any page has no text of its own (a scanned PDF,
// which needs OCR). Errors: the PDF cannot be opened or a page does not exist.
Result<std::optional<std::vector<RecognisedPage>>> born_digital_text(std::string_view pdf,
                                                                     const std::vector<RenderedPdfPage>& pages);

}  // namespace zpe
