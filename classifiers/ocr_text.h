// OCR text as the classifiers see it: UTF-8, pages separated by '\f' (form feed), lines by
// '\n'. This header holds what the field extractors (case_number.h, letter_date.h) and the
// document-type rules (doc_type.h) share: where a match sits (TextPosition), the line
// around an offset, and case folding for German keyword matching.
//
// Offsets are byte offsets into the UTF-8 text (what std::string_view indexes), counted
// from the start of the whole document text, not of the page. All functions are pure and
// thread-safe; none allocate more than the strings they return.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zpe::classifiers {

// Where a match was found.
struct TextPosition {
  std::size_t offset = 0;  // byte offset of the match in the whole document text
  int page_index = 0;      // 0-based page: the number of '\f' before `offset`
  std::string text;        // the matched text exactly as it stands in the OCR output
};

// Position of text[offset, offset + length) (clamped to the text).
TextPosition locate_in_text(std::string_view text, std::size_t offset, std::size_t length);

// The part of the line that holds `offset`, from the line's start (after '\n' or '\f')
// up to `offset` (exclusive).
std::string_view line_before(std::string_view text, std::size_t offset);

// The rest of that line from `offset` up to (not including) the next '\n' or '\f'.
std::string_view line_after(std::string_view text, std::size_t offset);

// The whole line before the one that holds `offset`, or "" when it is the first line of
// its page (a page break is not crossed).
std::string_view previous_line(std::string_view text, std::size_t offset);

// 0-based index of the line holding `offset` within its page.
int line_index_in_page(std::string_view text, std::size_t offset);

// Lower-cases ASCII letters and the German capitals Ä, Ö, Ü (UTF-8). Byte length and
// offsets are preserved, so matches in the result point into the original text.
std::string lower_german(std::string_view text);

// Folds for keyword matching where offsets do not matter: lower case, ä/ö/ü -> a/o/u,
// ß -> ss, runs of whitespace -> one space. "Mündliche  VERHANDLUNG" -> "mundliche verhandlung".
std::string fold_for_keywords(std::string_view text);

// True for ASCII letters and digits (what counts as "part of a word" next to a number).
inline bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// True when `word` occurs in `text` with no letter directly before or after it.
// Both are expected in the same case (use lower_german on the text).
bool contains_word(std::string_view text, std::string_view word);

// Offset of the last such whole-word occurrence of `word` in `text`, or npos.
std::size_t find_last_word(std::string_view text, std::string_view word);

}  // namespace zpe::classifiers
