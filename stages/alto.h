// ALTO XML (v4, https://www.loc.gov/standards/alto/) of a document's recognised pages:
// per page its text blocks, lines and words with boxes in pixels (MeasurementUnit pixel)
// and word confidences (WC, 0..1). The ocr stage stores it as record.ocr.alto_blob so an
// archive or a viewer can highlight search hits on the page image. Pure function.
#pragma once

#include <string>
#include <vector>

#include "stages/page_text.h"

namespace zpe {

// `source_file` names the scanned file; `software` the OCR engine ("tesseract 5.3.0").
std::string alto_xml(const std::vector<RecognisedPage>& pages, const std::string& source_file,
                     const std::string& software);

}  // namespace zpe
