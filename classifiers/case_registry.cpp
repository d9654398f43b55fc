#include "classifiers/case_registry.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "classifiers/case_number.h"
#include "classifiers/ocr_text.h"

namespace zpe::classifiers {

namespace {

constexpr int kMaxSuggestionDistance = 3;

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  std::string cell;
  while (std::getline(stream, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    cells.push_back(cell);
  }
  return cells;
}

int differing_characters(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return 1000;
  int differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
  return differing;
}

}  // namespace

bool is_iso_date(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_ascii_digit(date[i])) return false;
  }
  const int month = (date[5] - '0') * 10 + (date[6] - '0');
  const int day = (date[8] - '0') * 10 + (date[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const char* case_state_name(CaseState state) { return state == CaseState::kClosed ? "closed" : "open"; }

std::optional<CaseState> parse_case_state(std::string_view name) {
  if (name == "open") return CaseState::kOpen;
  if (name == "closed") return CaseState::kClosed;
  return std::nullopt;
}

Result<std::vector<RegisteredCase>> read_registry_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return fail(ErrorKind::kNotFound, "case registry " + file.string() + " cannot be read");
  std::string line;
  if (!std::getline(in, line)) return fail(ErrorKind::kInvalidInput, "case registry " + file.string() + " is empty");
  const auto header = split_csv_line(line);
  const auto column = [&](std::string_view name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t number_column = column("case_number");
  if (number_column >= header.size()) {
    return fail(ErrorKind::kInvalidInput, "case registry " + file.string() + ": no \"case_number\" column in the header");
  }
  const auto cell = [](const std::vector<std::string>& cells, std::size_t index) {
    return index < cells.size() ? cells[index] : std::string();
  };
  std::vector<RegisteredCase> cases;
  for (int line_number = 2; std::getline(in, line); ++line_number) {
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv_line(line);
    const std::string where = "case registry " + file.string() + " line " + std::to_string(line_number);
    RegisteredCase row{cell(cells, number_column), cell(cells, column("tenant")), cell(cells, column("opened"))};
    if (!is_valid_case_number(row.case_number)) {
      return fail(ErrorKind::kInvalidInput, where + ": not a case number of the form 1234567-123");
    }
    if (const std::string state = cell(cells, column("state")); !state.empty()) {
      const auto parsed = parse_case_state(state);
      if (!parsed) return fail(ErrorKind::kInvalidInput, where + ": state \"" + state + "\" is neither open nor closed");
      row.state = *parsed;
    }
    for (const char* key : kSecondKeyNames) {
      const std::string value = cell(cells, column(key));
      if (value.empty()) continue;
      if (std::string_view(key) == "birth_date" && !is_iso_date(value)) {
        return fail(ErrorKind::kInvalidInput, where + ": birth_date \"" + value + "\" is not a date of the form 1990-02-01");
      }
      row.keys[key] = value;
    }
    cases.push_back(std::move(row));
  }
  return cases;
}

Result<CaseRegistry> CaseRegistry::load_csv(const std::filesystem::path& file, const std::string& tenant) {
  auto cases = read_registry_csv(file);
  if (!cases) return fail(cases.error());
  return from_cases(*cases, tenant);
}

CaseRegistry CaseRegistry::from_cases(const std::vector<RegisteredCase>& cases, const std::string& tenant) {
  CaseRegistry registry;
  for (const auto& row : cases) {
    if (!tenant.empty() && !row.tenant.empty() && row.tenant != tenant) continue;
    registry.numbers_.insert(row.case_number);
    if (row.state == CaseState::kClosed) registry.closed_.insert(row.case_number);
    if (!row.keys.empty()) registry.keys_[row.case_number] = row.keys;
  }
  return registry;
}

CaseRegistry CaseRegistry::from_numbers(const std::vector<std::string>& numbers) {
  CaseRegistry registry;
  registry.numbers_.insert(numbers.begin(), numbers.end());
  return registry;
}

bool CaseRegistry::contains(std::string_view case_number) const {
  return numbers_.count(std::string(case_number)) > 0;
}

bool CaseRegistry::is_closed(std::string_view case_number) const {
  return closed_.count(std::string(case_number)) > 0;
}

const SecondKeys& CaseRegistry::second_keys(std::string_view case_number) const {
  static const SecondKeys kNone;
  const auto it = keys_.find(case_number);
  return it == keys_.end() ? kNone : it->second;
}

std::vector<std::string> CaseRegistry::nearest(std::string_view case_number, std::size_t count) const {
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& number : numbers_) {
    const int distance = differing_characters(case_number, number);
    if (distance <= kMaxSuggestionDistance) ranked.emplace_back(distance, number);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ranked.size() && i < count; ++i) out.push_back(ranked[i].second);
  return out;
}

}  // namespace zpe::classifiers
