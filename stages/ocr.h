// The ocr stage: recognises the text of every page image with Tesseract, in-process, and
// builds the document's searchable PDF/A-2b, plain text and ALTO XML.
// Created through make_stage("ocr", settings) (stages/registry.cpp).
//
// Models are loaded once per language and kept for the worker's life; each page lane runs
// Tesseract on its own thread alone (stages/one_openmp_thread.h). The language comes from the
// job's settings, so each tenant may have its own ("deu", "deu+eng", any installed model).
// A model that cannot be loaded fails the job kFinal with a reason naming the language and
// the tessdata directory, so documents go to clearing instead of a worker that will not start.
//
// A born-digital PDF original (record.original.media_type application/pdf with text on
// every page) is not OCR'd: its own text is kept (stages/born_digital.h, confidence 100).
//
// Reads record["pages"] (from prepare): each page's PNG blob and resolution; for PDFs
// record["original"] and pages[].source_page.
// Patch:
//   ocr: {"version", "engine", "text_source": "ocr" | "born_digital", "language" (null when
//         born-digital), "pages": [{"page", "text_blob", "confidence" (0..100), "words"}, ...],
//         "text_blob": the whole text, pages joined by '\f', "alto_blob": ALTO v4 XML,
//         "confidence": mean of the pages' confidences weighted by their words (0..100),
//         "min_confidence": the threshold applied}
//   pdf: {"sha256", "size", "pages", "media_type", "conformance": "PDF/A-2b",
//         "images": {"jbig2_generic", "ccitt_g4", "jpeg", "flate", "mixed_raster"} (page
//         counts), "page_images": [{"page", "source_depth", "stored_as", "bytes", grey/colour
//         pages: "tone" {measured figures}, "bilevel", "reason", mixed rasters: "mixed_raster"
//         {...}, "continuous_bytes"}] (stages/page_compression.h), "bilevel_text_pages",
//         "bilevel_codec", "mixed_raster_pages", "mixed_background_dpi", "jpeg_quality"}
// A document whose OCR confidence is below min_confidence goes to CLEARING "OCR unsure"
// (with the patch, so the operator sees what was read). A page without text has confidence
// 0 and 0 words; that is not a failure.
// Failures: a missing page image or blob store faults (stage_io.h); a page image that
// cannot be decoded or embedded, a missing font or ICC profile are kFinal. Idempotent for
// a given model and language: the same record gives the same blobs.
// Page checkpoints: each recognised page (its layout and its PDF image, stages/ocr_checkpoint.h)
// is recorded as it is finished (stages/page_checkpoints.h); a retry after a kill takes the
// unchanged pages from there and gives the same blobs as an uninterrupted run.
//
// Settings (per tenant): language ("deu"), min_confidence (60), jpeg_quality (80),
// bilevel_text_pages (true: grey/colour text-on-white pages may be stored bilevel),
// bilevel_codec ("jbig2": lossless JBIG2 generic region, or "g4": CCITT G4, for 1-bit and
// thresholded pages), mixed_raster_pages (true: a text page with photo or tint regions may be
// stored as a text mask over a background at mixed_background_dpi (150, 50..300)),
// pdf_font, icc_profile, grey_icc_profile (see config/zpe.toml); tessdata_dir (Tesseract's default when absent).
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_ocr_stage(const nlohmann::json& settings);

}  // namespace zpe
