#include "classifiers/letter_fields.h"

#include <algorithm>
#include <regex>

namespace zpe::classifiers {

namespace {

constexpr double kLabelledCourtNumber = 0.9;
constexpr double kUnlabelledCourtNumber = 0.7;
constexpr double kPerCorrection = 0.1;
constexpr int kLetterheadLines = 6;

// Corrects OCR letter/digit confusions in a field that must be all digits; counts them.
std::string to_digits(std::string_view raw, int& corrections) {
  std::string out;
  for (char c : raw) {
    char digit = c;
    switch (c) {
      case 'O': case 'o': digit = '0'; break;
      case 'l': case 'I': case '|': digit = '1'; break;
      case 'S': digit = '5'; break;
      case 'B': digit = '8'; break;
      default: break;
    }
    if (digit != c) ++corrections;
    out += digit;
  }
  return out;
}

bool has_case_label(std::string_view before) {
  const std::string lowered = lower_german(before);
  return lowered.find("az") != std::string::npos || lowered.find("aktenzeichen") != std::string::npos ||
         lowered.find("zeichen") != std::string::npos;
}

std::string trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const std::size_t last = text.find_last_not_of(" \t.,:;");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

std::vector<FoundField> find_court_file_numbers(std::string_view text) {
  // prefix? chamber letter number / year — digits may carry OCR confusions (fixed below).
  static const std::regex kPattern(
      R"((^|[^A-Za-z0-9])(?:([A-Z]{1,3}) )?([0-9OolI|]{1,2}) ?([KLES]) ?([0-9OolI|SB]{1,5}) ?/ ?([0-9OolI|SB]{2})(?![0-9A-Za-z]))");
  std::vector<FoundField> found;
  const std::string haystack(text);
  for (auto it = std::sregex_iterator(haystack.begin(), haystack.end(), kPattern); it != std::sregex_iterator();
       ++it) {
    const std::smatch& m = *it;
    int corrections = 0;
    const std::string chamber = to_digits(m.str(3), corrections);
    const std::string number = to_digits(m.str(5), corrections);
    const std::string year = to_digits(m.str(6), corrections);
    if (corrections > 2 || chamber.front() == '0') continue;
    std::string value = (m[2].matched ? m.str(2) + " " : "") + chamber + " " + m.str(4) + " " + number + "/" + year;
    const std::size_t offset = static_cast<std::size_t>(m.position(0)) + m.str(1).size();
    const std::size_t length = static_cast<std::size_t>(m.length(0)) - m.str(1).size();
    const bool labelled = has_case_label(line_before(text, offset));
    const double confidence = (labelled ? kLabelledCourtNumber : kUnlabelledCourtNumber) - kPerCorrection * corrections;
    const auto same = std::find_if(found.begin(), found.end(), [&](const FoundField& f) { return f.value == value; });
    if (same != found.end()) {
      same->confidence = std::max(same->confidence, confidence);
      continue;
    }
    found.push_back({std::move(value), confidence, locate_in_text(text, offset, length)});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const FoundField& a, const FoundField& b) { return a.confidence > b.confidence; });
  return found;
}

std::optional<FoundField> find_court_name(std::string_view text) {
  static const std::regex kCourt(
      R"(Bayerischer Verwaltungsgerichtshof|(?:Ober)?[Vv]erwaltungsgericht(?:shof)? [A-ZÄÖÜ][^\s,:;.]+|(?:Sozial|Amts|Land|Finanz)gericht [A-ZÄÖÜ][^\s,:;.]+|\bVG [A-ZÄÖÜ][^\s,:;.]+)");
  const std::string haystack(text);
  std::smatch m;
  if (!std::regex_search(haystack, m, kCourt)) return std::nullopt;
  const auto offset = static_cast<std::size_t>(m.position(0));
  std::string value = m.str(0);
  if (value.rfind("VG ", 0) == 0) value = "Verwaltungsgericht " + value.substr(3);
  const TextPosition position = locate_in_text(text, offset, static_cast<std::size_t>(m.length(0)));
  const bool letterhead = position.page_index == 0 && line_index_in_page(text, offset) < kLetterheadLines;
  return FoundField{std::move(value), letterhead ? 0.9 : 0.7, position};
}

std::optional<FoundField> find_sender(std::string_view text) {
  const std::string_view first_page = text.substr(0, std::min(text.find('\f'), text.size()));
  std::optional<FoundField> letterhead;
  for (std::size_t start = 0; start < first_page.size();) {
    const std::size_t end = std::min(first_page.find('\n', start), first_page.size());
    const std::string_view line = first_page.substr(start, end - start);
    const std::string name = trim(line);
    if (!name.empty() && !letterhead) {
      letterhead = FoundField{name, 0.6, locate_in_text(text, start + line.find(name.front()), name.size())};
    }
    // The return-address line: "Name · Street 12 · 90402 City" (two or more middle dots).
    static const std::regex kReturnAddress(R"(^\s*([^·]+?)\s*· [^·]+ · \d{5} \S)");
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(line.begin(), line.end(), m, kReturnAddress) &&
        line.find("Telefon") == std::string_view::npos) {
      const auto offset = start + static_cast<std::size_t>(m.position(1));
      return FoundField{trim(m.str(1)), 0.9, locate_in_text(text, offset, static_cast<std::size_t>(m.length(1)))};
    }
    start = end + 1;
  }
  return letterhead;
}

}  // namespace zpe::classifiers
