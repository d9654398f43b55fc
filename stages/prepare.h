// The prepare stage: decodes a document's original into page images (the first stage
// after intake). Created through make_stage("prepare", settings) (stages/registry.cpp).
//
// Reads record["original"]["sha256"] (written by intake) and record["source"]["file"]
// (for reasons). Accepts TIFF (multi-page; CCITT G3/G4, LZW, JPEG, ...), PNG, JPEG and
// PDF (rendered at pdf_dpi); the type is sniffed from the bytes, never the file name.
// Stores every page as a PNG blob (1-bit, 8-bit grey or 24-bit colour, see page_image.h).
//
// Patch:
//   original:     {"sha256", "size", "media_type"}  (media_type as sniffed)
//   pages:        [{"page": 1, "blob", "width", "height", "dpi_x", "dpi_y", "depth" (1|8|24),
//                   "source_page": 1, "dpi_assumed": bool}, ...]
//   page_count:   N
//   source_pages: "1-N" ("1" for one page)
//   prepare:      {"version", "decoder": "leptonica" | "poppler"}
// Images without a resolution get 300 dpi and "dpi_assumed": true.
//
// Failures: an original that cannot be decoded (truncated, not an image, no pages,
// impossible or over-limit page sizes, too many pages, encrypted PDF) is kBadInput with a
// reason naming the file and page; blob store faults follow blob_failure (stage_io.h).
// Idempotent: the same original gives the same page blobs and patch. Each finished page's
// entry is recorded as a page checkpoint (stages/page_checkpoints.h): a retry after a kill
// decodes every page again but cleans up and stores only those not recorded.
//
// Settings: max_page_pixels (default 1e8), max_pages (1000), pdf_dpi (300).
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_prepare_stage(const nlohmann::json& settings);

}  // namespace zpe
