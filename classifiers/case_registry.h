// The case registry: which BAMF case numbers exist (per tenant) and whether each is open or
// closed. A case number found in a letter is only accepted for automatic routing when it is
// in the registry and open; otherwise the route stage sends the document to clearing (with
// the nearest existing numbers as suggestions for an unknown one). This is the in-memory
// snapshot the decision policy reads: built from a CSV file here (the format
// samples/generate_letters.py writes: header "case_number,tenant,opened", an optional
// "state" column, optional second-key columns "surname" and "birth_date", further columns
// ignored) or from the SQLite registry (connectors/case_registry_db.h). Immutable after
// building, so lookups are thread-safe.
//
// Second keys: what else the registry knows of a case's applicant (surname, date of birth),
// so a case number read from a letter can be confirmed by a second fact in the same letter
// (stages/route_policy.h, docs/CLASSIFY.md "Second key"). A case may have none of them.
#pragma once

#include <filesystem>
#include <map>
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

// The second keys a registry may carry, by the name the CSV column, the SQLite column and
// classification.second_keys use: "surname" (as registered, any case and spelling) and
// "birth_date" (ISO, "1990-02-01").
inline constexpr const char* kSecondKeyNames[] = {"surname", "birth_date"};

// The applicant's keys of one case, by key name; only the known ones, never empty strings.
using SecondKeys = std::map<std::string, std::string>;

// One row of a registry: what a CSV line or a row of the SQLite table `cases` says.
struct RegisteredCase {
  std::string case_number;  // "1234567-123"
  std::string tenant;       // "" when the CSV has no tenant column
  std::string opened;       // ISO date as given; "" when unknown
  CaseState state = CaseState::kOpen;
  SecondKeys keys = {};  // empty: the registry holds no second key for this case
};

// True for "1990-02-01": four digits, two, two, separated by '-', month 1-12, day 1-31.
bool is_iso_date(std::string_view date);

// All rows of a registry CSV, in file order. Malformed case numbers, unknown states and a
// birth_date that is not an ISO date are an error naming the file and line.
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
  // The second keys registered for the case (empty when none or the number is unknown).
  const SecondKeys& second_keys(std::string_view case_number) const;

 private:
  std::set<std::string> numbers_;  // every registered number
  std::set<std::string> closed_;   // the subset whose case is closed
  std::map<std::string, SecondKeys, std::less<>> keys_;  // only cases with at least one key
};

}  // namespace zpe::classifiers
