// The resolution a scanner gave each page of an image-only PDF, read from the page's
// image XObjects with PoDoFo, so prepare can rasterise the page at the scan's own
// resolution instead of inventing pixels (or throwing them away). Used by pdf_decoder.cpp.
// Never throws; a page whose resolution cannot be read gets 0.
#pragma once

#include <string_view>
#include <vector>

namespace zpe {

// Per page (index 0 = page 1): the dpi of the page's largest image, 0 when the page has no
// image or the PDF cannot be inspected.
std::vector<int> scanned_image_dpi(std::string_view pdf_bytes, int pages);

}  // namespace zpe
