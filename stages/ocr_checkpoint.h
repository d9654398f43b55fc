// What the ocr stage records as a page checkpoint (stages/page_checkpoints.h) and how it
// reads one back: the recognised text with its layout (RecognisedPage, as a JSON blob) and
// the page image as the searchable PDF stores it (the encoded bytes as a blob, with their
// encoding, size and resolution and the page's record["pdf"]["page_images"] entry).
//
// The round trip is exact — strings and integers as they are, doubles written so they read
// back bit for bit — so a document resumed from checkpoints gets the same PDF, text and
// ALTO blobs as an uninterrupted run. Used by stages/ocr.cpp only. Thread-safe as far as
// `blobs` is.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "stages/page_compression.h"
#include "stages/page_text.h"
#include "stages/stage_io.h"

namespace zpe {

// Writes the page's two blobs and returns the checkpoint's result:
// {"layout": sha, "image": sha, "encoding", "width", "height", "components", "dpi_x",
// "dpi_y", "image_record": {...}, "mask": null or, for a mixed raster, {"blob": sha,
// "encoding", "grey", "background_width", "background_height"}}, or {"not_restorable": why} when the text cannot be
// written as JSON (not UTF-8): restore_ocr_page refuses that one. `where` names the page in
// a failure ("a.tif: page 3").
StageValue<nlohmann::json> save_ocr_page(BlobAccess& blobs, const RecognisedPage& text, const StoredPageImage& image,
                                         const std::string& where);

struct OcrPageResult {
  RecognisedPage text;
  StoredPageImage image;
};
// The page a checkpoint's result names, or nothing when a blob is missing or anything does
// not parse (the page is then recognised again).
std::optional<OcrPageResult> restore_ocr_page(BlobAccess& blobs, const nlohmann::json& saved);

}  // namespace zpe
