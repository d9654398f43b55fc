#include "classifiers/ocr_text.h"

#include <algorithm>

namespace zpe::classifiers {

namespace {

bool is_line_break(char c) { return c == '\n' || c == '\f'; }

// Letters for word boundaries: ASCII letters and any byte of a multi-byte UTF-8 sequence
// (umlauts, ß and the like are letters in German text).
bool is_letter_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || byte >= 0x80;
}

std::size_t line_start(std::string_view text, std::size_t offset) {
  std::size_t start = std::min(offset, text.size());
  while (start > 0 && !is_line_break(text[start - 1])) --start;
  return start;
}

}  // namespace

TextPosition locate_in_text(std::string_view text, std::size_t offset, std::size_t length) {
  offset = std::min(offset, text.size());
  length = std::min(length, text.size() - offset);
  TextPosition position;
  position.offset = offset;
  position.page_index =
      static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\f'));
  position.text = std::string(text.substr(offset, length));
  return position;
}

std::string_view line_before(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::size_t start = line_start(text, offset);
  return text.substr(start, offset - start);
}

std::string_view line_after(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t end = offset;
  while (end < text.size() && !is_line_break(text[end])) ++end;
  return text.substr(offset, end - offset);
}

std::string_view previous_line(std::string_view text, std::size_t offset) {
  const std::size_t start = line_start(text, offset);
  if (start == 0 || text[start - 1] != '\n') return {};
  const std::size_t previous_start = line_start(text, start - 1);
  return text.substr(previous_start, start - 1 - previous_start);
}

int line_index_in_page(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  int lines = 0;
  for (std::size_t i = offset; i > 0; --i) {
    if (text[i - 1] == '\f') break;
    if (text[i - 1] == '\n') ++lines;
  }
  return lines;
}

std::string lower_german(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    char& c = out[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (static_cast<unsigned char>(c) == 0xC3 && i + 1 < out.size()) {
      // Ä Ö Ü (C3 84, C3 96, C3 9C) -> ä ö ü (C3 A4, C3 B6, C3 BC)
      const auto next = static_cast<unsigned char>(out[i + 1]);
      if (next == 0x84 || next == 0x96 || next == 0x9C) out[i + 1] = static_cast<char>(next + 0x20);
      ++i;
    }
  }
  return out;
}

std::string fold_for_keywords(std::string_view text) {
  const std::string lower = lower_german(text);
  std::string out;
  out.reserve(lower.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    const char c = lower[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (static_cast<unsigned char>(c) == 0xC3 && i + 1 < lower.size()) {
      const auto next = static_cast<unsigned char>(lower[i + 1]);
      const char* folded = next == 0xA4 ? "a" : next == 0xB6 ? "o" : next == 0xBC ? "u" : next == 0x9F ? "ss" : nullptr;
      if (folded != nullptr) {
        out += folded;
        ++i;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

namespace {

bool is_whole_word_at(std::string_view text, std::size_t at, std::string_view word) {
  const bool letter_before = at > 0 && is_letter_byte(text[at - 1]);
  const std::size_t end = at + word.size();
  const bool letter_after = end < text.size() && is_letter_byte(text[end]) && is_letter_byte(word.back());
  return !letter_before && !letter_after;
}

}  // namespace

bool contains_word(std::string_view text, std::string_view word) {
  if (word.empty()) return false;
  for (std::size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    if (is_whole_word_at(text, at, word)) return true;
  }
  return false;
}

std::size_t find_last_word(std::string_view text, std::string_view word) {
  if (word.empty() || word.size() > text.size()) return std::string_view::npos;
  for (std::size_t at = text.rfind(word);; at = text.rfind(word, at - 1)) {
    if (at == std::string_view::npos) return at;
    if (is_whole_word_at(text, at, word)) return at;
    if (at == 0) return std::string_view::npos;
  }
}

}  // namespace zpe::classifiers
