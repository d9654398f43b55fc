// What PoDoFo reads from a PDF's objects before it is rendered, for pdf_decoder.cpp:
// the resolution a scanner gave each image-only page (so the page is rasterised at the
// scan's own resolution instead of inventing or dropping pixels), and active content
// found anywhere in the file, including inside compressed object streams, which a search
// of the raw bytes cannot see. Never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zpe {

struct PdfInspection {
  bool parsed = false;               // false: PoDoFo could not read the file
  std::vector<int> image_dpi;        // per page (index 0 = page 1): largest image's dpi, 0 if none
  std::string active_content;        // e.g. "JavaScript"; empty when there is none
};

PdfInspection inspect_pdf(std::string_view pdf_bytes, int pages);

}  // namespace zpe
