// Finds BAMF case numbers (Aktenzeichen) in OCR text: seven digits, a hyphen, three digits,
// as in "8123456-423". Called by the classify stage (stages/classify.cpp) on a document's
// whole OCR text; pure and thread-safe.
//
// What is tolerated, because scans and OCR produce it:
//  - spaces or tabs around the hyphen ("8123456 - 423") and typographic dashes (– — ‐ −);
//  - OCR letter/digit confusions in digit positions: O/o -> 0, l/I/| -> 1, S -> 5, B -> 8,
//    Z -> 2 (at most two per number, so words are not read as numbers).
// What is refused: a number that is part of a longer run of digits or letters
// ("09119430-0", "12345678-1234", IBANs), one after a phone-like digit group ("0911 ",
// "+49 911 "), and numbers on a line introduced by a phone, fax or bank label ("Tel.",
// "Fax", "IBAN", "Konto").
//
// Confidence (0..1) ranks the candidates: a number right after a case label ("Az.",
// "Aktenzeichen", "Gesch.-Z." (also as OCR misreads it: "Gesch.-2."), "Geschäftszeichen",
// "Ihr Zeichen", "Ihr Az.", "Unser Zeichen")
// and read cleanly scores highest (0.95); a label elsewhere on the line or on the line above
// (letterhead tables) scores 0.85; no label 0.6. Each corrected confusion costs 0.1, a
// spaced or typographic hyphen 0.05. The same number found again adds a little.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "classifiers/ocr_text.h"

namespace zpe::classifiers {

enum class CaseLabel {
  kNone,      // no case label before the number
  kNearby,    // a label earlier on the same line or on the line above
  kDirect,    // the label directly precedes the number ("Az.: 8123456-423")
};

struct CaseNumberCandidate {
  std::string number;        // normalised, always "ddddddd-ddd"
  double confidence = 0.0;   // 0..1, see the header comment
  CaseLabel label = CaseLabel::kNone;
  int corrections = 0;       // OCR confusions corrected in the best occurrence
  int occurrences = 1;       // how often this number appears in the text
  TextPosition position;     // the best occurrence (raw text as OCR wrote it)
};

// All distinct case numbers in `text`, best first (ties: earlier in the text first).
std::vector<CaseNumberCandidate> find_case_numbers(std::string_view text);

// True for a well-formed case number exactly: seven digits, '-', three digits.
bool is_valid_case_number(std::string_view number);

// Normalises a case number written by a person or another system (a manifest hint):
// trims, accepts spaces around the hyphen and typographic dashes, but no OCR confusions.
// Returns nullopt when it is not a case number.
std::optional<std::string> normalise_case_number(std::string_view written);

}  // namespace zpe::classifiers
