// ConfigFile: one config file as written, with the source position of every key, checked
// against the schema the embedded defaults (config/zpe.toml) give: a key the defaults do not
// have is unknown (with the nearest known key named when it looks like a typo), a value of
// another type than the default's is wrong. `zpe config check` (app/cmd_config.cpp) uses it
// and then runs the validators the services run at start-up (stage settings, routing rules,
// [web], [egvp]), pointing each of their complaints at a line with locate().
//
// The schema of a tenant is the defaults' [tenants.default] with any stage's settings
// ([stages.<stage>]) and [archive] under it; a tenant's [stages.<stage>] may carry what
// [tenants.default.stages.<stage>] carries (doc_types, classification rules) and vice versa.
// The entries of arrays of tables (routing and classification rules, courts) are left to
// their validators. Immutable after parse; safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>
#include <toml++/toml.h>

namespace zpe {

// A problem at a place in a config file; line and column are 1-based.
struct ConfigProblem {
  std::string file;
  int line = 1;
  int column = 1;
  std::string message;

  std::string text() const;  // "FILE:LINE:COLUMN: message"
};

class ConfigFile {
 public:
  // Parses TOML text read from `file`; a syntax error is the problem returned.
  static tl::expected<ConfigFile, ConfigProblem> parse(const std::string& text, const std::string& file);

  // Unknown keys and wrong types, in file order.
  std::vector<ConfigProblem> schema_problems() const;

  // Where a complaint about the dotted tables given (e.g. {"tenants.nord.stages.ocr",
  // "stages.ocr"}) points in this file: the value of the first key of those tables the
  // message names as a word, else the first of the tables this file has; nullopt when the
  // file has none of them.
  std::optional<ConfigProblem> locate(const std::string& message, const std::vector<std::string>& tables) const;

  const std::string& file() const { return file_; }

 private:
  ConfigFile(toml::table root, std::string file) : root_(std::move(root)), file_(std::move(file)) {}

  toml::table root_;
  std::string file_;
};

// The key among `known` nearest to `key` when it is close enough to be a typo, else "".
std::string nearest_key(const std::string& key, const std::vector<std::string>& known);

}  // namespace zpe
