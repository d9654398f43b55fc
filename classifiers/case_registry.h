// The case registry: which BAMF case numbers exist (per tenant) and whether each is open or
// closed. A case number found in a letter is only accepted for automatic routing when it is
// in the registry and open; otherwise the route stage sends the document to clearing (with
// the nearest existing numbers as suggestions for an unknown one). This is the in-memory
// snapshot the decision policy reads: built from a CSV file here (the format
// samples/generate_letters.py writes: header "case_number,tenant,opened", an optional
// "state" column, further columns ignored) or from the SQLite registry
// (connectors/case_registry_db.h). Immutable after building, so lookups are thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/status.h"

namespace zpe::classifiers {

enum class CaseState { kOpen, kClosed };

// "open" / "closed", as the CSV column and the SQLite registry spell them.
const char* case_state_name(CaseState state);
std::optional<CaseState> parse_case_state(std::string_view name);

// One row of a registry: what a CSV line or a row of the SQLite table `cases` says.
struct RegisteredCase {
  std::string case_number;  // "1234567-123"
  std::string tenant;       // "" when the CSV has no tenant column
  std::string opened;       // ISO date as given; "" when unknown
  CaseState state = CaseState::kOpen;
};

// All rows of a registry CSV, in file order. Malformed case numbers and unknown states are
// an error naming the file and line.
Result<std::vector<RegisteredCase>> read_registry_csv(const std::filesystem::path& file);

class CaseRegistry {
 public:
  // Reads the CSV; rows of other tenants are skipped when `tenant` is not empty and the
  // file has a tenant column.
  static Result<CaseRegistry> load_csv(const std::filesystem::path& file, const std::string& tenant = "");
  // Rows of other tenants are skipped when `tenant` is not empty (rows without a tenant are kept).
  static CaseRegistry from_cases(const std::vector<RegisteredCase>& cases, const std::string& tenant = "");
  // Open cases with these numbers.
  static CaseRegistry from_numbers(const std::vector<std::string>& numbers);

  // Registered, whether open or closed.
  bool contains(std::string_view case_number) const;
  bool is_closed(std::string_view case_number) const;
  // Up to `count` registered numbers closest to `case_number` (fewest differing digits,
  // ties in ascending order), only those differing in at most 3 digits.
  std::vector<std::string> nearest(std::string_view case_number, std::size_t count = 3) const;
  std::size_t size() const { return numbers_.size(); }

 private:
  std::set<std::string> numbers_;  // every registered number
  std::set<std::string> closed_;   // the subset whose case is closed
};

}  // namespace zpe::classifiers
