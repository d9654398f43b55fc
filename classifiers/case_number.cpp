#include "classifiers/case_number.h"

#include <algorithm>
#include <map>

namespace zpe::classifiers {

namespace {

constexpr int kMaxCorrections = 2;
constexpr std::size_t kPrefixDigits = 7;
constexpr std::size_t kSuffixDigits = 3;

// Labels are matched on lower_german() text, as whole words.
constexpr std::string_view kCaseLabels[] = {
    "aktenzeichen", "geschäftszeichen", "geschaftszeichen", "geschaeftszeichen", "gesch.-z",
    "gesch. -z",    "gesch.- z",        "gesch.z",          "gesch-z",           "zeichen",
    "az",
    // OCR reads the Z of "Gesch.-Z." as a 2 on noisy scans (seen on the --style eval set).
    "gesch.-2", "gesch. -2", "gesch.2", "gesch-2"};
// A number after one of these on the same line is a phone, fax or bank number.
constexpr std::string_view kBlockingLabels[] = {"tel", "telefon", "fax", "telefax", "mobil", "durchwahl",
                                                "iban", "bic", "blz", "konto", "kontonr", "kto"};

// One place in the text that reads as a case number.
struct Occurrence {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string number;
  int corrections = 0;
  bool plain_hyphen = true;  // a bare ASCII '-' with no spaces around it
};

// The digit a character stands for in a digit position, counting OCR confusions.
std::optional<char> digit_in_position(char c, int& corrections) {
  if (is_ascii_digit(c)) return c;
  char digit = 0;
  switch (c) {
    case 'O': case 'o': digit = '0'; break;
    case 'l': case 'I': case '|': digit = '1'; break;
    case 'S': digit = '5'; break;
    case 'B': digit = '8'; break;
    case 'Z': digit = '2'; break;
    default: return std::nullopt;
  }
  ++corrections;
  return digit;
}

// Byte length of a hyphen or dash at `i` ('-', U+2010..U+2015, U+2212, soft hyphen), or 0.
std::size_t dash_length_at(std::string_view text, std::size_t i) {
  if (i >= text.size()) return 0;
  if (text[i] == '-') return 1;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  if (i + 1 < text.size() && byte(i) == 0xC2 && byte(i + 1) == 0xAD) return 2;
  if (i + 2 >= text.size() || byte(i) != 0xE2) return 0;
  if (byte(i + 1) == 0x80 && byte(i + 2) >= 0x90 && byte(i + 2) <= 0x95) return 3;
  if (byte(i + 1) == 0x88 && byte(i + 2) == 0x92) return 3;
  return 0;
}

std::size_t skip_blanks(std::string_view text, std::size_t i) {
  std::size_t skipped = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t') && skipped < 3) ++i, ++skipped;
  return i;
}

bool read_digits(std::string_view text, std::size_t& i, std::size_t count, Occurrence& out) {
  for (std::size_t k = 0; k < count; ++k, ++i) {
    if (i >= text.size()) return false;
    const auto digit = digit_in_position(text[i], out.corrections);
    if (!digit) return false;
    out.number.push_back(*digit);
  }
  return true;
}

// True when a phone-like group of digits ends right before `begin`: "0911 ", "+49 911 "
// (a run of digits and spaces that starts with 0 or follows a '+').
bool follows_phone_prefix(std::string_view text, std::size_t begin) {
  std::size_t start = begin;
  bool has_digits = false;
  while (start > 0 && (is_ascii_digit(text[start - 1]) || text[start - 1] == ' ')) {
    has_digits |= is_ascii_digit(text[--start]);
  }
  if (!has_digits) return false;
  const bool after_plus = start > 0 && text[start - 1] == '+';
  while (text[start] == ' ') ++start;
  return text[start] == '0' || after_plus;
}

// True when `begin` continues a longer number or word: "09119430-0", "123-8123456-423",
// "0911 8123456-423". A date or page number before it ("26.11.2024 8123456-423") is fine.
bool continues_something_before(std::string_view text, std::size_t begin) {
  if (begin == 0) return false;
  const char before = text[begin - 1];
  if (is_ascii_alnum(before) || before == '|') return true;
  if (begin >= 2 && is_ascii_digit(text[begin - 2]) && dash_length_at(text, begin - 1) == 1) return true;
  return before == ' ' && follows_phone_prefix(text, begin);
}

// True when the number continues after `end`: "8123456-4231", "8123456-423-1".
bool continues_something_after(std::string_view text, std::size_t end) {
  if (end >= text.size()) return false;
  if (is_ascii_alnum(text[end]) || text[end] == '|') return true;
  const std::size_t dash = dash_length_at(text, end);
  return dash > 0 && end + dash < text.size() && is_ascii_digit(text[end + dash]);
}

std::optional<Occurrence> read_case_number_at(std::string_view text, std::size_t begin) {
  if (continues_something_before(text, begin)) return std::nullopt;
  Occurrence found;
  found.begin = begin;
  std::size_t i = begin;
  if (!read_digits(text, i, kPrefixDigits, found)) return std::nullopt;
  const std::size_t dash_at = skip_blanks(text, i);
  const std::size_t dash = dash_length_at(text, dash_at);
  if (dash == 0) return std::nullopt;
  found.number.push_back('-');
  std::size_t suffix_at = skip_blanks(text, dash_at + dash);
  found.plain_hyphen = dash_at == i && dash == 1 && suffix_at == dash_at + 1;
  if (!read_digits(text, suffix_at, kSuffixDigits, found)) return std::nullopt;
  found.end = suffix_at;
  if (found.corrections > kMaxCorrections || continues_something_after(text, found.end)) return std::nullopt;
  return found;
}

// Offset just after the last label of `labels` in `lowered`, or npos.
template <std::size_t N>
std::size_t end_of_last_label(std::string_view lowered, const std::string_view (&labels)[N]) {
  std::size_t best = std::string_view::npos;
  for (std::string_view label : labels) {
    const std::size_t at = find_last_word(lowered, label);
    if (at == std::string_view::npos) continue;
    if (best == std::string_view::npos || at + label.size() > best) best = at + label.size();
  }
  return best;
}

// True when only separators (and an optional "nr") stand between a label and the number.
bool only_separators(std::string_view between) {
  std::string rest(between);
  if (const auto nr = rest.find("nr"); nr != std::string::npos) rest.erase(nr, 2);
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '.' || c == ':' || c == ';' || c == '#' || c == '-' || c == '/';
  });
}

// Which label (if any) introduces the occurrence; nullopt when a phone or bank label does.
std::optional<CaseLabel> label_of(std::string_view text, const Occurrence& found) {
  const std::string line = lower_german(line_before(text, found.begin));
  const std::size_t case_end = end_of_last_label(line, kCaseLabels);
  const std::size_t block_end = end_of_last_label(line, kBlockingLabels);
  if (block_end != std::string_view::npos && (case_end == std::string_view::npos || block_end > case_end)) {
    return std::nullopt;
  }
  if (case_end != std::string_view::npos) {
    return only_separators(std::string_view(line).substr(case_end)) ? CaseLabel::kDirect : CaseLabel::kNearby;
  }
  const std::string above = lower_german(previous_line(text, found.begin));
  const std::size_t above_end = end_of_last_label(above, kCaseLabels);
  if (above_end == std::string_view::npos) return CaseLabel::kNone;
  const bool line_blank = only_separators(line);
  return line_blank && only_separators(std::string_view(above).substr(above_end)) ? CaseLabel::kDirect
                                                                                   : CaseLabel::kNearby;
}

double confidence_of(CaseLabel label, const Occurrence& found) {
  double confidence = label == CaseLabel::kDirect ? 0.95 : label == CaseLabel::kNearby ? 0.85 : 0.6;
  confidence -= 0.1 * found.corrections;
  if (!found.plain_hyphen) confidence -= 0.05;
  return std::clamp(confidence, 0.05, 1.0);
}

}  // namespace

std::vector<CaseNumberCandidate> find_case_numbers(std::string_view text) {
  std::map<std::string, CaseNumberCandidate> by_number;
  for (std::size_t i = 0; i + kPrefixDigits < text.size(); ++i) {
    const auto found = read_case_number_at(text, i);
    if (!found) continue;
    const auto label = label_of(text, *found);
    i = found->end - 1;
    if (!label) continue;
    CaseNumberCandidate candidate{found->number, confidence_of(*label, *found), *label, found->corrections, 1,
                                  locate_in_text(text, found->begin, found->end - found->begin)};
    auto [it, inserted] = by_number.try_emplace(found->number, candidate);
    if (inserted) continue;
    const int occurrences = it->second.occurrences + 1;
    if (candidate.confidence > it->second.confidence) it->second = candidate;
    it->second.occurrences = occurrences;
  }
  std::vector<CaseNumberCandidate> out;
  for (auto& [number, candidate] : by_number) {
    candidate.confidence = std::min(0.99, candidate.confidence + 0.02 * std::min(candidate.occurrences - 1, 2));
    out.push_back(std::move(candidate));
  }
  std::sort(out.begin(), out.end(), [](const CaseNumberCandidate& a, const CaseNumberCandidate& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return a.position.offset < b.position.offset;
  });
  return out;
}

bool is_valid_case_number(std::string_view number) {
  if (number.size() != kPrefixDigits + 1 + kSuffixDigits || number[kPrefixDigits] != '-') return false;
  for (std::size_t i = 0; i < number.size(); ++i) {
    if (i != kPrefixDigits && !is_ascii_digit(number[i])) return false;
  }
  return true;
}

std::optional<std::string> normalise_case_number(std::string_view written) {
  const auto first = written.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  written = written.substr(first, written.find_last_not_of(" \t\r\n") - first + 1);
  const auto found = read_case_number_at(written, 0);
  if (!found || found->end != written.size() || found->corrections > 0) return std::nullopt;
  return found->number;
}

}  // namespace zpe::classifiers
