#include "classifiers/letter_date.h"

#include <algorithm>
#include <cstdio>

namespace zpe::classifiers {

namespace {

struct DateMatch {
  std::size_t begin = 0;
  std::size_t end = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  bool two_digit_year = false;
};

struct MonthName {
  std::string_view name;  // lower-case, as lower_german() writes it
  int month;
};

constexpr MonthName kMonths[] = {
    {"januar", 1},    {"jänner", 1},   {"janner", 1}, {"jan", 1},  {"februar", 2}, {"feber", 2},
    {"febr", 2},      {"feb", 2},      {"märz", 3},   {"maerz", 3}, {"marz", 3},   {"mrz", 3},
    {"april", 4},     {"apr", 4},      {"mai", 5},    {"juni", 6},  {"jun", 6},    {"juli", 7},
    {"jul", 7},       {"august", 8},   {"aug", 8},    {"september", 9}, {"sept", 9}, {"sep", 9},
    {"oktober", 10},  {"okt", 10},     {"november", 11}, {"nov", 11}, {"dezember", 12}, {"dez", 12}};

// Words before a date that make it some other date than the letter's.
constexpr std::string_view kOtherDateWords[] = {"vom", "geb", "geboren", "geburtsdatum", "termin", "bis",
                                                "frist", "seit", "zum", "ab", "eingang", "eingegangen"};

constexpr std::string_view kWeekdays[] = {"montag", "dienstag", "mittwoch", "donnerstag",
                                          "freitag", "samstag", "sonnabend", "sonntag"};

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool is_calendar_date(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  const int days = kDays[month - 1] + (month == 2 && is_leap_year(year) ? 1 : 0);
  return day <= days;
}

// Reads 1..max_digits digits at `i`; returns how many were read (0: none).
int read_number(std::string_view text, std::size_t& i, int max_digits, int& value) {
  int digits = 0;
  value = 0;
  while (i < text.size() && is_ascii_digit(text[i]) && digits < max_digits) {
    value = value * 10 + (text[i] - '0');
    ++i, ++digits;
  }
  return digits;
}

std::size_t skip_spaces(std::string_view text, std::size_t i, int max_spaces) {
  for (int n = 0; n < max_spaces && i < text.size() && text[i] == ' '; ++n) ++i;
  return i;
}

// True when no digit (nor '.' and a digit, "1.12.03.2025") continues the number at `end`.
bool finishes_number(std::string_view text, std::size_t end) {
  if (end >= text.size()) return true;
  if (is_ascii_digit(text[end])) return false;
  return !(text[end] == '.' && end + 1 < text.size() && is_ascii_digit(text[end + 1]));
}

// Reads a year of 4 digits (or 2 when allowed) that ends the date.
bool read_year(std::string_view text, std::size_t& i, bool allow_two_digits, DateMatch& out) {
  int year = 0;
  const int digits = read_number(text, i, 4, year);
  if (!finishes_number(text, i)) return false;
  if (digits == 2 && allow_two_digits) {
    out.year = year < 70 ? 2000 + year : 1900 + year;
    out.two_digit_year = true;
    return true;
  }
  out.year = year;
  return digits == 4;
}

// "12.03.2025", "12.3.25", "12. 03. 2025"
std::optional<DateMatch> read_numeric_date(std::string_view text, std::size_t i) {
  DateMatch date;
  date.begin = i;
  if (read_number(text, i, 2, date.day) == 0 || i >= text.size() || text[i] != '.') return std::nullopt;
  i = skip_spaces(text, i + 1, 1);
  if (read_number(text, i, 2, date.month) == 0 || i >= text.size() || text[i] != '.') return std::nullopt;
  i = skip_spaces(text, i + 1, 1);
  if (!read_year(text, i, true, date)) return std::nullopt;
  date.end = i;
  return date;
}

int month_from_name(std::string_view lowered) {
  for (const MonthName& month : kMonths) {
    if (month.name == lowered) return month.month;
  }
  return 0;
}

// "12. März 2025", "3. Mai 2024", "3. Okt. 2024"
std::optional<DateMatch> read_named_date(std::string_view text, std::size_t i) {
  DateMatch date;
  date.begin = i;
  if (read_number(text, i, 2, date.day) == 0 || i >= text.size() || text[i] != '.') return std::nullopt;
  i = skip_spaces(text, i + 1, 2);
  const std::size_t word_begin = i;
  while (i < text.size() && (is_ascii_alnum(text[i]) || static_cast<unsigned char>(text[i]) >= 0x80)) ++i;
  date.month = month_from_name(lower_german(text.substr(word_begin, i - word_begin)));
  if (date.month == 0) return std::nullopt;
  if (i < text.size() && text[i] == '.') ++i;
  const std::size_t year_begin = skip_spaces(text, i, 2);
  if (year_begin == i) return std::nullopt;
  i = year_begin;
  if (!read_year(text, i, false, date)) return std::nullopt;
  date.end = i;
  return date;
}

std::optional<DateMatch> read_date_at(std::string_view text, std::size_t begin) {
  if (!is_ascii_digit(text[begin])) return std::nullopt;
  if (begin > 0 && (is_ascii_digit(text[begin - 1]) || (text[begin - 1] == '.' && begin >= 2 &&
                                                         is_ascii_digit(text[begin - 2])))) {
    return std::nullopt;
  }
  auto date = read_numeric_date(text, begin);
  if (!date) date = read_named_date(text, begin);
  if (!date || !is_calendar_date(date->year, date->month, date->day)) return std::nullopt;
  return date;
}

std::string_view trim(std::string_view s, std::string_view chars = " \t\r") {
  const auto first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

// "Nürnberg", "Frankfurt am Main", "St. Augustin": a capitalised name of at most four words.
bool looks_like_place(std::string_view place) {
  place = trim(place);
  if (place.empty() || place.size() > 40) return false;
  const auto first = static_cast<unsigned char>(place.front());
  if (!((first >= 'A' && first <= 'Z') || first == 0xC3)) return false;
  const std::string lowered = lower_german(place);
  for (std::string_view weekday : kWeekdays) {
    if (lowered == weekday) return false;
  }
  int words = 1;
  for (char c : place) {
    if (c == ' ') ++words;
    if (!(is_ascii_alnum(c) || c == ' ' || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80)) {
      return false;
    }
  }
  return words <= 4;
}

// How much the text before the date on its line says "this is the letter date".
double prefix_evidence(std::string_view prefix) {
  const std::string lowered = lower_german(trim(prefix));
  std::string_view rest = lowered;
  const bool den = rest.size() >= 3 && rest.substr(rest.size() - 3) == "den" &&
                   find_last_word(rest, "den") == rest.size() - 3;
  if (den) rest = trim(rest.substr(0, rest.size() - 3));
  const std::size_t datum = find_last_word(lowered, "datum");
  if (datum != std::string::npos && trim(std::string_view(lowered).substr(datum + 5), " \t.:").empty()) {
    return 0.35;
  }
  if (!rest.empty() && rest.back() == ',') {
    const std::string_view original = trim(prefix);
    if (looks_like_place(original.substr(0, rest.size() - 1))) return 0.35;
  }
  return den ? 0.25 : 0.0;
}

bool mentions_other_date(std::string_view prefix, std::string_view suffix) {
  const std::string before = lower_german(prefix.substr(prefix.size() > 30 ? prefix.size() - 30 : 0));
  for (std::string_view word : kOtherDateWords) {
    if (contains_word(before, word)) return true;
  }
  const std::string after = lower_german(trim(suffix, " \t,"));
  return after.rfind("um ", 0) == 0 || contains_word(after, "uhr");
}

double score(std::string_view text, const DateMatch& date, int page_index) {
  const std::string_view prefix = line_before(text, date.begin);
  const std::string_view suffix = line_after(text, date.end);
  const double evidence = prefix_evidence(prefix);
  double confidence = 0.45 + evidence;
  if (evidence == 0.0 && contains_word(lower_german(previous_line(text, date.begin)), "datum")) {
    confidence += 0.15;  // "Datum" heads a column of the reference line above
  }
  if (trim(prefix).empty() && trim(suffix).empty()) confidence += 0.1;
  if (page_index == 0 && line_index_in_page(text, date.begin) < 20) confidence += 0.1;
  if (page_index > 0) confidence -= 0.15;
  if (mentions_other_date(prefix, suffix)) confidence -= 0.3;
  if (date.two_digit_year) confidence -= 0.05;
  return std::clamp(confidence, 0.05, 0.99);
}

std::string iso_date(const DateMatch& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

}  // namespace

std::vector<LetterDate> find_dates(std::string_view text) {
  std::vector<LetterDate> dates;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto date = read_date_at(text, i);
    if (!date) continue;
    LetterDate found;
    found.iso = iso_date(*date);
    found.position = locate_in_text(text, date->begin, date->end - date->begin);
    found.confidence = score(text, *date, found.position.page_index);
    dates.push_back(std::move(found));
    i = date->end - 1;
  }
  std::stable_sort(dates.begin(), dates.end(),
                   [](const LetterDate& a, const LetterDate& b) { return a.confidence > b.confidence; });
  return dates;
}

std::optional<LetterDate> find_letter_date(std::string_view text) {
  auto dates = find_dates(text);
  if (dates.empty()) return std::nullopt;
  return std::move(dates.front());
}

}  // namespace zpe::classifiers
