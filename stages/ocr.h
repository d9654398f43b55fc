// The ocr stage: recognises the text of every page image with Tesseract, in-process.
// Created through make_stage("ocr", settings) (stages/registry.cpp).
//
// The Tesseract model is loaded once, when the stage is made, and reused for every job
// (OMP_THREAD_LIMIT=1 is set first so one worker uses one core; add workers for more).
// If the model cannot be loaded the stage is still made, and every run() fails kFinal with
// a reason naming the language and the tessdata directory, so documents go to clearing
// with that reason instead of a worker that will not start.
//
// Reads record["pages"] (from prepare): each page's PNG blob and resolution.
// Patch:
//   ocr: {"version", "engine": "tesseract 5.3.0", "language",
//         "pages": [{"page", "text_blob", "confidence" (0..100), "words"}, ...],
//         "text_blob": the whole text, pages joined by '\f',
//         "confidence": mean of the pages' confidences weighted by their words (0..100)}
// A page without text has confidence 0 and 0 words; that is not a failure.
// Failures: a missing page image or blob store faults (stage_io.h); a page image that
// cannot be decoded is kFinal. Idempotent for a given model and language.
//
// Settings: language ("deu"; "deu+eng" for several), tessdata_dir (Tesseract's default
// when absent).
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_ocr_stage(const nlohmann::json& settings);

}  // namespace zpe
