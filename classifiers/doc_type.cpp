#include "classifiers/doc_type.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "classifiers/ocr_text.h"

namespace zpe::classifiers {

namespace {

constexpr double kMinimumScore = 2.0;
constexpr std::size_t kHeadingChars = 300;  // of folded text: letterhead, subject line
constexpr double kHeadingFactor = 1.5;
constexpr double kSubjectFactor = 3.0;  // the "Betreff:" line names what the letter is

struct Keyword {
  DocType type;
  std::string_view folded;  // as fold_for_keywords() writes it
  double weight;
};

constexpr Keyword kKeywords[] = {
    {DocType::kAsylantrag, "asylantrag", 3},
    {DocType::kAsylantrag, "asylerstantrag", 3},
    {DocType::kAsylantrag, "asylfolgeantrag", 3},
    {DocType::kAsylantrag, "folgeantrag", 2},
    {DocType::kAsylantrag, "antrag auf asyl", 3},
    {DocType::kAsylantrag, "antrag auf anerkennung als asylberechtigt", 3},
    {DocType::kAsylantrag, "asylgesuch", 2},
    {DocType::kAsylantrag, "beantrage ich asyl", 3},
    {DocType::kAsylantrag, "internationalen schutz", 1},
    {DocType::kLadung, "ladung", 3},
    {DocType::kLadung, "vorladung", 3},
    {DocType::kLadung, "terminsladung", 3},
    {DocType::kLadung, "werden sie geladen", 3},
    {DocType::kLadung, "geladen", 2},
    {DocType::kLadung, "zur anhorung", 2},
    {DocType::kLadung, "anhorungstermin", 2},
    {DocType::kLadung, "termin zur mundlichen verhandlung", 3},
    {DocType::kLadung, "personliches erscheinen", 2},
    {DocType::kLadung, "zur mundlichen verhandlung", 2},
    {DocType::kGerichtsentscheidung, "im namen des volkes", 4},
    {DocType::kGerichtsentscheidung, "urteil", 3},
    {DocType::kGerichtsentscheidung, "beschluss", 3},
    {DocType::kGerichtsentscheidung, "gerichtsbescheid", 3},
    {DocType::kGerichtsentscheidung, "fur recht erkannt", 3},
    {DocType::kGerichtsentscheidung, "die klage wird abgewiesen", 3},
    {DocType::kGerichtsentscheidung, "hat die kammer", 2},
    {DocType::kGerichtsentscheidung, "beschlossen", 2},
    {DocType::kGerichtsentscheidung, "rechtsmittelbelehrung", 2},
    {DocType::kGerichtsentscheidung, "die kosten des verfahrens tragt", 2},
    {DocType::kGerichtsentscheidung, "tenor", 1},
    {DocType::kGerichtsentscheidung, "verwaltungsgericht", 1},
    {DocType::kSchriftsatz, "schriftsatz", 3},
    {DocType::kSchriftsatz, "in der verwaltungsstreitsache", 3},
    {DocType::kSchriftsatz, "in dem verwaltungsrechtsstreit", 3},
    {DocType::kSchriftsatz, "namens und in vollmacht", 3},
    {DocType::kSchriftsatz, "erheben wir klage", 3},
    {DocType::kSchriftsatz, "klagebegrundung", 3},
    {DocType::kSchriftsatz, "klageerhebung", 2},
    {DocType::kSchriftsatz, "beantragen wir", 2},
    {DocType::kSchriftsatz, "zeigen wir an", 2},
    {DocType::kSchriftsatz, "rechtsanwalt", 2},
    {DocType::kSchriftsatz, "verwaltungsstreitverfahren", 2},
    {DocType::kSchriftsatz, "kanzlei", 1},
    {DocType::kSchriftsatz, "wird beantragt", 1},
    {DocType::kSchriftsatz, "stellungnahme", 1},
    {DocType::kVollmacht, "prozessvollmacht", 4},
    {DocType::kVollmacht, "vollmacht", 3},
    {DocType::kVollmacht, "zustellungsvollmacht", 3},
    {DocType::kVollmacht, "vollmachtgeber", 3},
    {DocType::kVollmacht, "bevollmachtige", 3},
    {DocType::kVollmacht, "bevollmachtigt", 2},
    {DocType::kPersonenstandsurkunde, "geburtsurkunde", 4},
    {DocType::kPersonenstandsurkunde, "heiratsurkunde", 4},
    {DocType::kPersonenstandsurkunde, "eheurkunde", 4},
    {DocType::kPersonenstandsurkunde, "sterbeurkunde", 4},
    {DocType::kPersonenstandsurkunde, "personenstandsurkunde", 4},
    {DocType::kPersonenstandsurkunde, "lebenspartnerschaftsurkunde", 4},
    {DocType::kPersonenstandsurkunde, "standesamt", 2},
    {DocType::kPersonenstandsurkunde, "personenstandsregister", 2},
    {DocType::kPersonenstandsurkunde, "geburtenregister", 2},
    {DocType::kPersonenstandsurkunde, "eheregister", 2},
};

constexpr std::array<std::string_view, 7> kNames = {
    "Asylantrag", "Ladung", "Gerichtsentscheidung", "Schriftsatz", "Vollmacht", "Personenstandsurkunde", "Sonstiges"};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80; }

// First offset where `keyword` starts a word in `folded`, or npos.
std::size_t find_word_start(std::string_view folded, std::string_view keyword) {
  for (std::size_t at = folded.find(keyword); at != std::string_view::npos; at = folded.find(keyword, at + 1)) {
    if (at == 0 || !is_letter(folded[at - 1])) return at;
  }
  return std::string_view::npos;
}

// The folded subject line ("Betreff: Antrag auf Asyl"), or "" when the text has none.
std::string subject_line(std::string_view text) {
  const std::string lowered = lower_german(text);
  for (std::size_t start = 0; start < lowered.size();) {
    const std::size_t end = std::min(lowered.find_first_of("\n\f", start), lowered.size());
    const std::string_view line = std::string_view(lowered).substr(start, end - start);
    const std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line.substr(first).rfind("betreff", 0) == 0) {
      return fold_for_keywords(line.substr(first + 7));
    }
    start = end + 1;
  }
  return "";
}

double confidence_for(double best, double runner_up) {
  const double strength = 1.0 - std::exp(-best / 4.0);
  const double lead = (best - runner_up) / best;
  return std::clamp(0.5 + 0.45 * strength * lead, 0.5, 0.95);
}

}  // namespace

DocTypeGuess guess_doc_type(std::string_view text) {
  const std::string folded = fold_for_keywords(text);
  const std::string subject = subject_line(text);
  std::array<double, kNames.size()> scores{};
  std::array<std::vector<std::string>, kNames.size()> evidence;
  for (const Keyword& keyword : kKeywords) {
    const std::size_t at = find_word_start(folded, keyword.folded);
    if (at == std::string_view::npos) continue;
    const auto type = static_cast<std::size_t>(keyword.type);
    const bool in_subject = find_word_start(subject, keyword.folded) != std::string_view::npos;
    scores[type] += keyword.weight * (in_subject ? kSubjectFactor : at < kHeadingChars ? kHeadingFactor : 1.0);
    evidence[type].emplace_back(keyword.folded);
  }
  const auto best = static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  double runner_up = 0.0;
  for (std::size_t type = 0; type < scores.size(); ++type) {
    if (type != best) runner_up = std::max(runner_up, scores[type]);
  }
  DocTypeGuess guess;
  if (scores[best] < kMinimumScore) {
    guess.confidence = scores[best] > 0.0 ? 0.4 : 0.5;
    return guess;
  }
  guess.type = static_cast<DocType>(best);
  guess.confidence = confidence_for(scores[best], runner_up);
  guess.evidence = std::move(evidence[best]);
  return guess;
}

std::string_view doc_type_name(DocType type) { return kNames[static_cast<std::size_t>(type)]; }

std::optional<DocType> parse_doc_type(std::string_view name) {
  const std::string folded = fold_for_keywords(name);
  for (std::size_t type = 0; type < kNames.size(); ++type) {
    if (fold_for_keywords(kNames[type]) == folded) return static_cast<DocType>(type);
  }
  return std::nullopt;
}

}  // namespace zpe::classifiers
