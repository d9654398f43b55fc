// The classify stage: reads a document's OCR text and proposes its case number, letter
// date and document type (classifiers/). Created through make_stage("classify", settings).
// It never sends a document to clearing itself: route decides what is good enough.
//
// Reads record["ocr"]["text_blob"], record["ocr"]["alto_blob"] (word boxes; optional) and,
// when present, the manifest hints
// record["source"]["manifest"]["hints"]["case_number"] / ["doc_type"].
//
// The text's type comes from stages/doc_type_decision.h: the tenant's rules ([stages.classify]
// rules), the trained model ([stages.classify] model, loaded once when the stage is made;
// classifiers/doc_type_model.h) and the built-in keyword rules. Court file numbers, the
// court and the sender come from classifiers/letter_fields.h; the applicant's names and dates
// of birth (second keys, checked against the case registry by the route stage) from
// classifiers/applicant_keys.h.
//
// A valid case-number hint that also appears in the text wins with confidence >= 0.97
// (position from the text). A hint alone is a proposal with confidence 0.5 that competes
// with the numbers found in the text: the higher confidence wins, the hint wins ties. The
// doc_type hint works the same way (>= 0.9 when the rules agree, else a 0.5 proposal).
//
// A document from the court mailbox (record.source.egvp) takes its type, case number, court
// file number, court and date from the court's XJustiz message where it gives them
// (stages/classify_court_message.h); classification.sources says where each value came from.
//
// Patch:
//   classification: {"version",
//     "doc_type", "doc_type_confidence", "doc_type_source": "text"|"hint"|"hint+text"|"egvp"|"egvp+text",
//     "doc_type_method": "rule"|"model+keywords"|"model"|"keywords"|..., "doc_type_evidence": [...],
//     "court_file_number": "A 5 K 1234/23" or null, "court_file_numbers": [{"value",
//     "confidence", "page", "offset", "text"}, ...], "court", "sender": {same} or null,
//     "case_number": "8123456-423" or null, "case_number_confidence",
//     "case_number_source": "text"|"hint"|"hint+text"|"egvp"|"egvp+text" or null,
//     "case_number_position": {"page" (1-based), "offset" (byte offset in the whole OCR
//                              text), "text" (as OCR read it), "box": {"left", "top", "right",
//                              "bottom", "page_width", "page_height"} in the page image's
//                              pixels, "word_confidence" (OCR's least confidence in those
//                              words, 0..1)} or null; box and word_confidence are null when the
//                              record has no ALTO (record.ocr.alto_blob, classifiers/ocr_layout.h),
//     "letter_date": "2025-03-12" or null, "letter_date_text", "letter_date_confidence",
//     "letter_date_position": {same as case_number_position} or null,
//     "candidates": [{"case_number", "confidence", "source", "page", "offset", "text"}, ...]
//                   (the other case numbers, best first),
//     "text_fingerprint": "mh128x16:…" or null when the text is too short to compare
//                   (classifiers/near_duplicate.h; the route stage looks for near-duplicates),
//     "second_keys": {"surname": [{"value": "Ahmad Karimi" (a name phrase as written; the
//                                  registered surname is compared with its words), "confidence",
//                                  "page", "offset", "text", "box", "word_confidence"}, ...],
//                     "birth_date": [{"value": "1990-02-01" (ISO), same fields}, ...]}
//                   keyed like the registry's second keys (classifiers/case_registry.h), in
//                   text order; empty arrays when the letter names nobody,
//     "sources": {"doc_type", "case_number", "court_file_number", "court", "sender", "letter_date"}}
// Idempotent; failures only from a missing OCR text, blob store faults or bad rules.
// make_classify_stage fails when the configured model cannot be loaded.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_classify_stage(const nlohmann::json& settings);

}  // namespace zpe
