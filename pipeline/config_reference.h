// ConfigReference: every key of the embedded defaults (config/zpe.toml) with its default
// as written and the comment that explains it, read from the file's own text so the
// reference (docs/CONFIG.md, printed by `zpe config reference`) cannot drift from the
// defaults; a ctest compares the two.
//
// How comments attach (the convention config/zpe.toml follows):
//   - the comment lines directly above a key explain it; a key on the line right after
//     another key's value, with no comment of its own, shares that key's comment
//     (tls_cert / tls_key); a key with neither is an error: every key is documented;
//   - the comment lines directly above a [table] header describe the table;
//   - any other comment block (one followed by a blank line) is a note of the table it
//     stands in, or of the whole file before the first header.
// Pure functions of the text; safe to call from any thread.
#pragma once

#include <string>
#include <vector>

#include "pipeline/status.h"

namespace zpe {

struct ConfigKeyDoc {
  std::string key;
  std::string default_toml;          // the value as written, white space collapsed
  int line = 0;                      // 1-based line of the key
  std::vector<std::string> comment;  // comment lines without "# "; empty when shared
  bool shares_previous_comment = false;
};

struct ConfigTableDoc {
  std::string name;  // dotted, as in its header: "stages.ocr", "tenants.default.courts"
  bool array_of_tables = false;
  int line = 0;  // its header's line; 0 for a table that has none
  std::vector<std::string> description;
  std::vector<ConfigKeyDoc> keys;  // in file order
  std::vector<std::vector<std::string>> notes;
};

struct ConfigReference {
  std::vector<std::vector<std::string>> intro;  // notes before the first table
  std::vector<ConfigTableDoc> tables;           // in file order
};

// Reads the keys, defaults and comments of a TOML text. An error lists every key without a
// comment ("<source>:<line>: [table] key has no comment") or the TOML syntax error.
Result<ConfigReference> read_config_reference(const std::string& toml_text, const std::string& source);

// The reference as Markdown (docs/CONFIG.md).
std::string render_config_reference(const ConfigReference& reference);

}  // namespace zpe
