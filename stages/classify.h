// The classify stage: reads a document's OCR text and proposes its case number, letter
// date and document type (classifiers/). Created through make_stage("classify", settings).
// It never sends a document to clearing itself: route decides what is good enough.
//
// Reads record["ocr"]["text_blob"] and, when present, the manifest hints
// record["source"]["manifest"]["hints"]["case_number"] / ["doc_type"].
//
// A valid case-number hint that also appears in the text wins with confidence >= 0.97
// (position from the text). A hint alone is a proposal with confidence 0.5 that competes
// with the numbers found in the text: the higher confidence wins, the hint wins ties. The
// doc_type hint works the same way (>= 0.9 when the rules agree, else a 0.5 proposal).
//
// Patch:
//   classification: {"version",
//     "doc_type", "doc_type_confidence", "doc_type_source": "text"|"hint"|"hint+text",
//     "case_number": "8123456-423" or null, "case_number_confidence",
//     "case_number_source": "text"|"hint"|"hint+text" or null,
//     "case_number_position": {"page" (1-based), "offset" (byte offset in the whole OCR
//                              text), "text" (as OCR read it)} or null,
//     "letter_date": "2025-03-12" or null, "letter_date_text", "letter_date_confidence",
//     "candidates": [{"case_number", "confidence", "source", "page", "offset", "text"}, ...]
//                   (the other case numbers, best first)}
// Idempotent; failures only from a missing OCR text or blob store faults.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_classify_stage(const nlohmann::json& settings);

}  // namespace zpe
