// Finds the date a letter was written ("Nürnberg, den 12.03.2025") in its OCR text.
// Called by the classify stage (stages/classify.cpp); pure and thread-safe.
//
// Recognised forms: "12.03.2025", "12.3.25", "12. 03. 2025", "12. März 2025", "3. Mai 2024",
// "3. Okt. 2024" (German month names, common abbreviations, "Maerz"/"Marz" as OCR writes
// them). Every date is checked against the calendar (no 31.02., 29.02. only in leap years);
// years must lie in 1900..2099, two-digit years mean 20yy below 70 and 19yy from 70.
// A date that is part of a longer number ("112.03.2025", "12.03.20251") is not a date.
//
// Many dates appear in a letter (the hearing date, a birth date, "Ihr Schreiben vom ...");
// the letter date is the one written as such. Confidence (0..1) rises for a place prefix
// ("Nürnberg, den", "Berlin,"), "den", a "Datum" label (on the line or the line above),
// a date alone on its line, and a position near the top of the first page; it falls for
// dates introduced by "vom", "geb.", "geboren", "Termin", "bis", "Frist" or followed by
// "um"/"Uhr", for dates on later pages, and a little for two-digit years.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "classifiers/ocr_text.h"

namespace zpe::classifiers {

struct LetterDate {
  std::string iso;          // "2025-03-12"
  double confidence = 0.0;  // 0..1, see the header comment
  TextPosition position;    // position.text is the date as written, e.g. "12. März 2025"
};

// All valid dates in `text`, most likely letter date first (ties: earlier first).
std::vector<LetterDate> find_dates(std::string_view text);

// The most likely letter date, or nullopt when the text holds no valid date.
std::optional<LetterDate> find_letter_date(std::string_view text);

}  // namespace zpe::classifiers
