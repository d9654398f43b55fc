// The case registry: which BAMF case numbers exist (per tenant). A case number found in a
// letter is only accepted for automatic routing when it is in the registry; otherwise the
// route stage sends the document to clearing with the nearest existing numbers as
// suggestions. Loaded by the route stage from a CSV file (the format samples/generate_letters.py
// writes: header "case_number,tenant,opened", further columns ignored); `zpe eval` uses
// the same loader. Immutable after loading, so lookups are thread-safe.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/status.h"

namespace zpe::classifiers {

class CaseRegistry {
 public:
  // Reads the CSV; rows of other tenants are skipped when `tenant` is not empty and the
  // file has a tenant column. Malformed case numbers are an error naming the line.
  static Result<CaseRegistry> load_csv(const std::filesystem::path& file, const std::string& tenant = "");
  static CaseRegistry from_numbers(const std::vector<std::string>& numbers);

  bool contains(std::string_view case_number) const;
  // Up to `count` registered numbers closest to `case_number` (fewest differing digits,
  // ties in registry order), only those differing in at most 3 digits.
  std::vector<std::string> nearest(std::string_view case_number, std::size_t count = 3) const;
  std::size_t size() const { return numbers_.size(); }

 private:
  std::set<std::string> numbers_;
};

}  // namespace zpe::classifiers
