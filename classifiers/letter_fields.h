// Further fields of a letter, found in its OCR text for the classification record and the
// clearing station: court file numbers ("A 5 K 1234/23", "12 L 345/24"), the court's name
// ("Verwaltungsgericht Ansbach") and the sender (letterhead / return-address line).
// Called by the classify stage (stages/classify.cpp); pure and thread-safe.
//
// Court file number grammar, tolerant to OCR: an optional register prefix of one to three
// capital letters (A, AN, M, W, RN, B, AU, ...), the chamber (1-2 digits), the proceedings
// letter (K: action, L: urgent, E, S), the running number (1-5 digits), '/', a two-digit
// year. OCR confusions in digit positions (O -> 0, l/I/| -> 1, S -> 5, B -> 8) are
// corrected; a prefix OCR glued to the chamber ("AA L 7767/23" for "A 4 L 7767/23") is
// not guessed at: such a reading is simply not found. Confidence 0.9 after an "Az." /
// "Aktenzeichen" label, 0.7 otherwise, minus 0.1 per correction.
//
// Sender: the first segment of the DIN 5008 return-address line ("Rechtsanwälte Lößl &
// Özdemir · Brückenstraße 49 · 80331 München") on the first page, confidence 0.9; else the
// first non-empty line of the letter (the letterhead), confidence 0.6.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "classifiers/ocr_text.h"

namespace zpe::classifiers {

struct FoundField {
  std::string value;         // normalised ("A 5 K 1234/23", "Verwaltungsgericht Ansbach")
  double confidence = 0.0;   // 0..1
  TextPosition position;     // where it stands in the text, as OCR wrote it
};

// All distinct court file numbers, best first.
std::vector<FoundField> find_court_file_numbers(std::string_view text);

// The court's name ("Verwaltungsgericht Ansbach", "Bayerischer Verwaltungsgerichtshof"),
// the first one in the text, or nullopt.
std::optional<FoundField> find_court_name(std::string_view text);

// The sender's name, or nullopt for an empty text.
std::optional<FoundField> find_sender(std::string_view text);

}  // namespace zpe::classifiers
