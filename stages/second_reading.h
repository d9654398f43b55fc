// Second readings of case numbers: the number a document is filed by is read twice.
//
// A digit OCR misreads (7 -> 1, 3 -> 8) still looks like a clean case number, and no text
// rule can tell. So after the ocr stage has recognised a page, every case number the
// classifier would find in the page's text (classifiers/case_number.h) is read again from
// its own region of the page image, as a single line that may hold only digits, hyphens
// and blanks (OcrEngine::read_line). The readings go into record.ocr.second_readings; the
// classify stage trusts a number both readings agree on and sends one they disagree on to
// a person (stages/classify.h). Costs one small recognition per case number on the page.
//
// Called by the ocr stage for pages it recognised itself (not for born-digital text).
// Not thread-safe (it drives the engine); otherwise pure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stages/ocr_engine.h"
#include "stages/page_text.h"

struct Pix;

namespace zpe {

struct SecondReading {
  int page = 0;                 // 1-based
  std::string first;            // the case number as the page's OCR read it (normalised)
  std::string first_text;       // and the text it was read from
  std::string second_text;      // the second reading, as Tesseract gave it
  std::string second;           // the second reading as a case number, "" when it is none
  double second_confidence = 0; // 0..100
  PixelBox box;                 // the region read again (page image pixels)
  bool agrees() const { return second == first; }
};

// Reads each case number of `page` (recognised from `image` at `dpi`) a second time.
// A number whose words cannot be found in the page's layout is skipped; an engine error
// on one region is recorded as an empty second reading (which disagrees).
std::vector<SecondReading> read_case_numbers_again(OcrEngine& engine, Pix* image, int dpi,
                                                   const RecognisedPage& page, int page_number);

// record.ocr.second_readings: [{"page", "first", "first_text", "second", "second_text",
//   "second_confidence", "agrees", "box": {"left", "top", "right", "bottom"}}, ...]
nlohmann::json second_readings_json(const std::vector<SecondReading>& readings);

// The confidence the classify stage gives a case number a second reading contradicts, and
// a contradicting reading that is a case number itself: below any sensible routing
// threshold, so a person compares the two at the clearing station.
constexpr double kDisputedCaseNumberConfidence = 0.4;

// For the classify stage: what the document's second readings (record.ocr.second_readings)
// say of `number` found in its text. null when it was not read again (born-digital text,
// records from before second readings); else {"agrees": true when every second reading of
// it gave the same number, "readings": how many, "second_text": the first disagreeing
// reading as read (absent when all agree)}.
nlohmann::json second_reading_verdict(const nlohmann::json& readings, const std::string& number);

}  // namespace zpe
