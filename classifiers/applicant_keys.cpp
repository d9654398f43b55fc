#include "classifiers/applicant_keys.h"

#include <algorithm>
#include <array>
#include <optional>

#include "classifiers/letter_date.h"
#include "classifiers/ocr_text.h"

namespace zpe::classifiers {

namespace {

constexpr double kCuedName = 0.9;
constexpr double kContextName = 0.7;
constexpr double kBirthDate = 0.9;
constexpr int kMaxNameWords = 4;
constexpr int kMaxBlankLines = 2;
constexpr std::size_t kBirthCueWindow = 40;    // bytes before a date searched for "geb." etc.
constexpr std::size_t kLabelAboveWindow = 25;  // end of the line above a date that opens its line

bool is_line_end(char c) { return c == '\n' || c == '\f'; }

// UTF-8 bytes of non-ASCII letters count as word bytes; so do digits (OCR reads "Kar1mi").
bool is_word_byte(char c) {
  return is_ascii_alnum(c) || c == '-' || c == '\'' || static_cast<unsigned char>(c) >= 0x80;
}

bool is_letter_at(std::string_view text, std::size_t i) {
  if (i >= text.size()) return false;
  const char c = text[i];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}

// A capital at text[i]: A-Z or a Latin-1 capital in UTF-8 (Ä, Ö, Ü, É, ...).
bool is_capital_at(std::string_view text, std::size_t i) {
  if (i >= text.size()) return false;
  const auto c = static_cast<unsigned char>(text[i]);
  if (c >= 'A' && c <= 'Z') return true;
  return c == 0xC3 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
         static_cast<unsigned char>(text[i + 1]) <= 0x9E;
}

bool has_digit(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char c) { return is_ascii_digit(c); });
}

// Words that are never part of a person's name where the cues below stand (folded).
bool is_stop_word(std::string_view word) {
  static constexpr std::array<std::string_view, 41> kStop = {
      "herr", "herrn", "frau", "bundesrepublik", "deutschland", "bundesamt", "migration", "fluchtlinge",
      "verwaltungsgericht", "gericht", "landratsamt", "stadt", "gegen", "rechtsanwalt", "rechtsanwaltin",
      "rechtsanwalte", "kanzlei", "richter", "richterin", "vorsitzende", "vorsitzender", "beklagte",
      "klager", "klagerin", "antragsteller", "antragstellerin", "antragsgegnerin", "az", "aktenzeichen",
      "betreff", "anlage", "geboren", "geb", "wohnhaft", "mandant", "mandanten", "mandantin", "antragstellers",
      "klagers", "betroffenen", "ehegatte"};
  const std::string folded = fold_for_keywords(word);
  return std::find(kStop.begin(), kStop.end(), folded) != kStop.end();
}

// Titles and roles between "Frau"/"Herrn" and the name ("Frau Dr. ...", "Herrn Rechtsanwalt ...").
bool is_title_or_role(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kTitles = {
      "dr", "prof", "herr", "herrn", "frau", "rechtsanwalt", "rechtsanwaltin", "richter", "richterin",
      "vorsitzende", "vorsitzender", "kollegin"};
  std::string folded = fold_for_keywords(word);
  while (!folded.empty() && (folded.back() == '.' || folded.back() == '/')) folded.pop_back();
  return std::find(kTitles.begin(), kTitles.end(), folded) != kTitles.end();
}

struct Span {
  std::size_t offset = 0;
  std::size_t length = 0;
};

std::size_t word_end(std::string_view text, std::size_t i) {
  while (i < text.size() && is_word_byte(text[i])) ++i;
  return i;
}

std::size_t skip_blanks(std::string_view text, std::size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i;
}

// The name phrase starting at `from` on its line: up to kMaxNameWords capitalised words
// separated by single spaces (and ", " when `allow_comma`, for "KARIMI, Ahmad"). Titles and
// roles before the first word are skipped.
std::optional<Span> read_name_phrase(std::string_view text, std::size_t from, bool allow_comma) {
  std::size_t i = skip_blanks(text, from);
  // Titles and roles ("Dr.", "Frau/Herrn", "Rechtsanwältin") before the name.
  for (int guard = 0; guard < 4 && i < text.size(); ++guard) {
    std::size_t end = word_end(text, i);
    if (end == i || !is_title_or_role(text.substr(i, end - i))) break;
    while (end < text.size() && (text[end] == '.' || text[end] == '/')) ++end;
    i = skip_blanks(text, end);
  }
  Span span{i, 0};
  int words = 0;
  while (i < text.size() && words < kMaxNameWords && is_capital_at(text, i)) {
    const std::size_t end = word_end(text, i);
    const std::string_view word = text.substr(i, end - i);
    if (has_digit(word) || is_stop_word(word) || (end < text.size() && text[end] == ':')) break;
    span.length = end - span.offset;
    ++words;
    std::size_t next = end;
    if (allow_comma && next < text.size() && text[next] == ',') ++next;
    if (next < text.size() && text[next] == ' ' && is_capital_at(text, next + 1)) {
      i = next + 1;
      continue;
    }
    break;
  }
  if (words == 0) return std::nullopt;
  return span;
}

// The name phrase that ends just before `cut` on its line ("ich, Ahmad Karimi" before
// ", geboren"): capitalised words read backwards, up to three.
std::optional<Span> read_name_before(std::string_view text, std::size_t cut) {
  const std::string_view line = line_before(text, cut);
  const std::size_t line_start = cut - line.size();
  std::size_t end = cut;
  while (end > line_start && (text[end - 1] == ' ' || text[end - 1] == ',' || text[end - 1] == '(')) --end;
  std::optional<Span> span;
  for (int words = 0; words < 3 && end > line_start; ++words) {
    std::size_t start = end;
    while (start > line_start && is_word_byte(text[start - 1])) --start;
    const std::string_view word = text.substr(start, end - start);
    if (word.empty() || !is_capital_at(text, start) || has_digit(word) || is_stop_word(word)) break;
    span = Span{start, (span ? span->offset + span->length : end) - start};
    if (start == line_start || text[start - 1] != ' ') break;
    end = start - 1;
  }
  return span;
}

// Offsets of `word` in the lower-cased text with no letter directly before it (and none
// after it unless `prefix`: "geb" also finds "geboren", "Geburtsdatum").
std::vector<std::size_t> cue_offsets(std::string_view lowered, std::string_view word, bool prefix = false) {
  std::vector<std::size_t> out;
  for (std::size_t at = lowered.find(word); at != std::string_view::npos; at = lowered.find(word, at + 1)) {
    if (at > 0 && is_letter_at(lowered, at - 1)) continue;
    if (!prefix && is_letter_at(lowered, at + word.size())) continue;
    out.push_back(at);
  }
  return out;
}

std::size_t next_line_start(std::string_view text, std::size_t i) {
  while (i < text.size() && !is_line_end(text[i])) ++i;
  return i < text.size() ? i + 1 : i;
}

// No two letters or digits in a row up to the line's end: OCR's specks ("_", "| |", ".",
// a lone "j") count as blank.
bool rest_of_line_blank(std::string_view text, std::size_t i) {
  int run = 0;
  for (; i < text.size() && !is_line_end(text[i]); ++i) {
    run = is_letter_at(text, i) || is_ascii_digit(text[i]) ? run + 1 : 0;
    if (run == 2) return false;
  }
  return true;
}

// The start of the next line that holds text, passing over up to kMaxBlankLines blank ones
// (OCR puts blank lines between the lines of a block).
std::size_t next_text_line(std::string_view text, std::size_t i) {
  std::size_t start = next_line_start(text, i);
  for (int blank = 0; blank < kMaxBlankLines && start < text.size() && rest_of_line_blank(text, start); ++blank) {
    start = next_line_start(text, start);
  }
  return start;
}

// A first line of two to four capitalised words naming no organisation: a person's letterhead.
std::optional<Span> letterhead_name(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == '\n' || text[i] == ' ' || text[i] == '\t')) ++i;
  const std::string_view line = line_after(text, i);
  const std::string folded = fold_for_keywords(line);
  static constexpr std::array<std::string_view, 16> kOrganisation = {
      "gericht", "amt", "kanzlei", "rechtsanw", "gmbh", "stadt", "landkreis", "bundes", "behorde",
      "jobcenter", "verein", "beratung", "ubersetz", "dolmetsch", "polizei", "recht"};
  for (auto word : kOrganisation) {
    if (folded.find(word) != std::string::npos) return std::nullopt;
  }
  auto span = read_name_phrase(text, i, false);
  if (!span || !rest_of_line_blank(text, span->offset + span->length)) return std::nullopt;
  const std::string_view phrase = text.substr(span->offset, span->length);
  if (std::count(phrase.begin(), phrase.end(), ' ') < 1) return std::nullopt;
  return span;
}

std::vector<Span> name_spans(std::string_view text, const std::string& lowered) {
  std::vector<Span> spans;
  const auto add = [&](std::optional<Span> span) {
    if (span) spans.push_back(*span);
  };
  for (std::string_view title : {"herr", "herrn", "frau"}) {
    for (std::size_t at : cue_offsets(lowered, title)) add(read_name_phrase(text, at + title.size(), false));
  }
  for (std::string_view label : {"name:", "nachname:", "familienname:", "name, vorname:", "name/vorname:",
                                 "zuname:", "antragsteller:", "antragstellerin:", "kläger:", "klägerin:",
                                 "betroffene:", "betroffener:", "mandant:", "mandantin:"}) {
    for (std::size_t at : cue_offsets(lowered, label.substr(0, label.size() - 1))) {
      std::size_t value = at + label.size();
      if (lowered.substr(at, label.size()) != label) continue;
      if (rest_of_line_blank(text, value)) value = next_text_line(text, value);
      add(read_name_phrase(text, value, true));
    }
  }
  for (std::string_view role : {"mandanten", "mandantin", "antragstellers", "antragstellerin", "klägers",
                                "klägerin", "betroffenen"}) {
    for (std::size_t at : cue_offsets(lowered, role)) {
      const std::size_t after = at + role.size();
      if (after < text.size() && text[after] == ' ' && is_capital_at(text, after + 1)) {
        add(read_name_phrase(text, after, false));
      }
    }
  }
  for (std::size_t at : cue_offsets(lowered, "geb", true)) {
    const std::string_view rest = std::string_view(lowered).substr(at + 3);
    const bool birth = rest.empty() || rest[0] == '.' || rest[0] == ' ' || rest.rfind("oren", 0) == 0 ||
                       rest.rfind("urt", 0) == 0;
    if (birth) add(read_name_before(text, at));
  }
  for (std::string_view parties : {"verwaltungsstreitsache", "rechtsstreit", "streitsache", "in sachen",
                                   "asylverfahren", "asylsache"}) {
    for (std::size_t at : cue_offsets(lowered, parties)) {
      const std::size_t after = at + parties.size();
      add(rest_of_line_blank(text, after) ? read_name_phrase(text, next_text_line(text, after), false)
                                          : read_name_phrase(text, after, false));
    }
  }
  return spans;
}

bool has_birth_cue(std::string_view before) {
  const std::string folded = fold_for_keywords(before);
  return folded.find("geb") != std::string::npos || folded.find('*') != std::string::npos ||
         folded.find("birth") != std::string::npos;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::size_t tolerated_edits(std::size_t letters) { return letters <= 4 ? 0 : letters <= 9 ? 1 : 2; }

std::vector<std::string_view> phrase_words(std::string_view phrase) {
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < phrase.size();) {
    while (i < phrase.size() && (phrase[i] == ' ' || phrase[i] == ',' || phrase[i] == '/' || phrase[i] == '(' ||
                                 phrase[i] == ')')) {
      ++i;
    }
    std::size_t end = i;
    while (end < phrase.size() && phrase[end] != ' ' && phrase[end] != ',' && phrase[end] != '/' &&
           phrase[end] != '(' && phrase[end] != ')') {
      ++end;
    }
    if (end > i) words.push_back(phrase.substr(i, end - i));
    i = end;
  }
  return words;
}

std::vector<FoundField> unique_in_text_order(std::vector<FoundField> found) {
  std::stable_sort(found.begin(), found.end(),
                   [](const FoundField& a, const FoundField& b) { return a.position.offset < b.position.offset; });
  std::vector<FoundField> out;
  for (auto& field : found) {
    const bool seen = std::any_of(out.begin(), out.end(), [&](const FoundField& f) { return f.value == field.value; });
    if (!seen) out.push_back(std::move(field));
  }
  return out;
}

}  // namespace

std::vector<FoundField> find_applicant_names(std::string_view text) {
  const std::string lowered = lower_german(text);
  std::vector<FoundField> found;
  for (const Span& span : name_spans(text, lowered)) {
    found.push_back({std::string(text.substr(span.offset, span.length)), kCuedName,
                     locate_in_text(text, span.offset, span.length)});
  }
  if (const auto head = letterhead_name(text)) {
    found.push_back({std::string(text.substr(head->offset, head->length)), kContextName,
                     locate_in_text(text, head->offset, head->length)});
  }
  return unique_in_text_order(std::move(found));
}

std::vector<FoundField> find_birth_dates(std::string_view text) {
  std::vector<FoundField> found;
  for (const LetterDate& date : find_dates(text)) {
    const std::size_t offset = date.position.offset;
    const std::string_view line = line_before(text, offset);
    const std::size_t line_start = offset - line.size();
    const std::string_view before =
        line.size() > kBirthCueWindow ? line.substr(line.size() - kBirthCueWindow) : line;
    // A date opening its line below a label ("Geburtsdatum:" ending the line above, or
    // the one above that when OCR put a blank line between).
    std::string_view above = previous_line(text, offset);
    if (rest_of_line_blank(above, 0) && line_start > above.size() + 1 &&
        text[line_start - above.size() - 2] == '\n') {
      above = previous_line(text, line_start - above.size() - 1);
    }
    if (above.size() > kLabelAboveWindow) above = above.substr(above.size() - kLabelAboveWindow);
    const bool below_label = rest_of_line_blank(before, 0) && has_birth_cue(above);
    if (has_birth_cue(before) || below_label) found.push_back({date.iso, kBirthDate, date.position});
  }
  return unique_in_text_order(std::move(found));
}

std::string fold_name(std::string_view name) {
  const std::string folded = fold_for_keywords(name);
  std::string out;
  for (char c : folded) {
    switch (c) {
      case '1': case 'l': case '|': case '!': out += 'i'; break;
      case '0': out += 'o'; break;
      case '5': out += 's'; break;
      case '8': out += 'b'; break;
      case 'n':  // "rn" reads like "m"
        if (!out.empty() && out.back() == 'r') {
          out.back() = 'm';
        } else {
          out += c;
        }
        break;
      default:
        if ((c >= 'a' && c <= 'z') || (c >= '2' && c <= '9') || static_cast<unsigned char>(c) >= 0x80) out += c;
    }
  }
  return out;
}

bool surname_agrees(std::string_view registered, std::string_view name_phrase) {
  const std::string expected = fold_name(registered);
  if (expected.empty()) return false;
  const std::size_t tolerance = tolerated_edits(expected.size());
  const auto words = phrase_words(name_phrase);
  for (std::size_t first = 0; first < words.size(); ++first) {
    std::string joined;
    for (std::size_t last = first; last < words.size() && last < first + 3; ++last) {
      joined += words[last];
      const std::string candidate = fold_name(joined);
      const std::size_t gap = candidate.size() > expected.size() ? candidate.size() - expected.size()
                                                                 : expected.size() - candidate.size();
      if (gap <= tolerance && edit_distance(candidate, expected) <= tolerance) return true;
    }
  }
  return false;
}

bool second_key_agrees(std::string_view key, std::string_view registered, std::string_view found) {
  if (key == "surname") return surname_agrees(registered, found);
  return !registered.empty() && fold_for_keywords(registered) == fold_for_keywords(found);
}

}  // namespace zpe::classifiers
