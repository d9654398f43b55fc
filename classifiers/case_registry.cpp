#include "classifiers/case_registry.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "classifiers/case_number.h"

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

Result<CaseRegistry> CaseRegistry::load_csv(const std::filesystem::path& file, const std::string& tenant) {
  std::ifstream in(file);
  if (!in) return fail(ErrorKind::kNotFound, "case registry " + file.string() + " cannot be read");
  std::string line;
  if (!std::getline(in, line)) return fail(ErrorKind::kInvalidInput, "case registry " + file.string() + " is empty");
  const auto header = split_csv_line(line);
  const auto column = [&](std::string_view name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t number_column = column("case_number");
  const std::size_t tenant_column = column("tenant");
  if (number_column >= header.size()) {
    return fail(ErrorKind::kInvalidInput, "case registry " + file.string() + ": no \"case_number\" column in the header");
  }
  CaseRegistry registry;
  for (int line_number = 2; std::getline(in, line); ++line_number) {
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv_line(line);
    if (number_column >= cells.size() || !is_valid_case_number(cells[number_column])) {
      return fail(ErrorKind::kInvalidInput, "case registry " + file.string() + " line " + std::to_string(line_number) +
                                                ": not a case number of the form 1234567-123");
    }
    if (!tenant.empty() && tenant_column < cells.size() && cells[tenant_column] != tenant) continue;
    registry.numbers_.insert(cells[number_column]);
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
