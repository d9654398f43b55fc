// A first guess at a letter's document type from keyword rules on its OCR text. Called by
// the classify stage (stages/classify.cpp); pure and thread-safe. A trained model will
// replace the rules later behind the same function.
//
// How it decides: the text is folded (lower case, ä -> a, ß -> ss, whitespace runs -> one
// space) so OCR variants of umlauts match. Each type has weighted keywords ("Im Namen des
// Volkes" for a court decision, "Geburtsurkunde" for a civil-status certificate); a keyword
// must start a word ("urteil" matches "Urteils" but not "beurteilen") and counts once. A
// keyword in the subject line ("Betreff: Antrag auf Asyl") counts three times, one in the
// first lines (the heading area) one and a half times. The best score must reach 2 or the
// guess is kSonstiges.
//
// Confidence (0..1) grows with the winning score and its lead over the runner-up; a tie
// gives 0.5. kSonstiges has 0.5 when nothing matched at all and 0.4 when weak keywords did.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zpe::classifiers {

enum class DocType {
  kAsylantrag,             // an asylum application (first or follow-up)
  kLadung,                 // a summons to a hearing or an interview
  kGerichtsentscheidung,   // a court decision: Urteil, Beschluss, Gerichtsbescheid
  kSchriftsatz,            // a lawyer's or party's written submission
  kVollmacht,              // a power of attorney
  kPersonenstandsurkunde,  // birth, marriage or death certificate
  kSonstiges,              // anything else
};

struct DocTypeGuess {
  DocType type = DocType::kSonstiges;
  double confidence = 0.5;
  std::vector<std::string> evidence;  // the winning type's keywords found, folded
};

DocTypeGuess guess_doc_type(std::string_view text);

// "Asylantrag", "Ladung", ... "Sonstiges": the names used in records and manifests.
std::string_view doc_type_name(DocType type);

// The type of that name, ignoring case ("ladung" -> kLadung), or nullopt.
std::optional<DocType> parse_doc_type(std::string_view name);

}  // namespace zpe::classifiers
