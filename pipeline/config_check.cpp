#include "pipeline/config_check.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "pipeline/default_config.h"

namespace zpe {

namespace {

using Path = std::vector<std::string>;

std::string dotted(const Path& path) {
  std::string out;
  for (const auto& part : path) out += (out.empty() ? "" : ".") + part;
  return out;
}

Path split_dotted(const std::string& text) {
  Path out;
  for (size_t start = 0; start <= text.size();) {
    const size_t dot = std::min(text.find('.', start), text.size());
    out.push_back(text.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

const toml::node* node_at(const toml::table& root, const Path& path) {
  const toml::node* node = &root;
  for (const auto& part : path) {
    const toml::table* table = node->as_table();
    if (table == nullptr) return nullptr;
    node = table->get(part);
    if (node == nullptr) return nullptr;
  }
  return node;
}

Path concat(Path head, const Path& path, size_t from) {
  head.insert(head.end(), path.begin() + static_cast<std::ptrdiff_t>(from), path.end());
  return head;
}

// The places of the defaults that describe `path` of a user's file (see the header).
std::vector<Path> schema_paths(const Path& path) {
  std::vector<Path> out{path};
  if (path.size() >= 2 && path[0] == "tenants") {
    Path as_default = path;
    as_default[1] = "default";
    out.push_back(as_default);
    if (path.size() >= 3 && (path[2] == "stages" || path[2] == "archive")) out.push_back(concat({path[2]}, path, 3));
  }
  if (!path.empty() && path[0] == "stages") out.push_back(concat({"tenants", "default", "stages"}, path, 1));
  return out;
}

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return node.is_array_of_tables() ? "an array of tables" : "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "true or false";
    default: return "a date or time";
  }
}

const char* plural_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "tables";
    case toml::node_type::string: return "strings";
    case toml::node_type::integer: return "integers";
    case toml::node_type::floating_point: return "numbers";
    case toml::node_type::boolean: return "true/false values";
    default: return "values";
  }
}

// The services read every number as a double: a whole number written as 2.0 is fine
// where the default is an integer, 2.5 would be cut to 2 without a word.
bool same_kind(const toml::node& user, const toml::node& schema) {
  if (schema.is_floating_point()) return user.is_number();
  if (schema.is_integer() && user.is_floating_point()) {
    const double value = user.value<double>().value_or(0.5);
    return value == static_cast<double>(static_cast<int64_t>(value));
  }
  if (schema.is_array()) {
    if (!user.is_array()) return false;
    const toml::array& expected = *schema.as_array();
    if (expected.empty()) return true;
    for (const auto& element : *user.as_array()) {
      if (!same_kind(element, *expected.get(0))) return false;
    }
    return true;
  }
  return user.type() == schema.type();
}

ConfigProblem problem_at(const std::string& file, const toml::source_region& where, std::string message) {
  return ConfigProblem{file, std::max(1, static_cast<int>(where.begin.line)), std::max(1, static_cast<int>(where.begin.column)),
                       std::move(message)};
}

bool names_word(const std::string& message, const std::string& word) {
  auto is_word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = message.find(word); at != std::string::npos; at = message.find(word, at + 1)) {
    const bool starts = at == 0 || !is_word_char(message[at - 1]);
    const bool ends = at + word.size() == message.size() || !is_word_char(message[at + word.size()]);
    if (starts && ends) return true;
  }
  return false;
}

class SchemaWalk {
 public:
  SchemaWalk(const toml::table& defaults, const std::string& file) : defaults_(defaults), file_(file) {}

  void table(const toml::table& user, const Path& path) {
    for (auto&& [key, node] : user) {
      const Path child = concat(path, Path{std::string(key.str())}, 0);
      const toml::node* schema = schema_for(child);
      if (schema == nullptr) {
        unknown(key, path);
      } else if (!same_kind(node, *schema)) {
        wrong_type(node, *schema, child);
      } else if (const auto* sub = node.as_table()) {
        table(*sub, child);
      }
    }
  }

  std::vector<ConfigProblem> problems;

 private:
  const toml::node* schema_for(const Path& path) const {
    for (const auto& candidate : schema_paths(path)) {
      if (const auto* node = node_at(defaults_, candidate)) return node;
    }
    return nullptr;
  }

  // The value, or in an array the first element, of another kind than the default's.
  void wrong_type(const toml::node& node, const toml::node& schema, const Path& path) {
    const toml::node* found = &node;
    std::string expected = type_name(schema);
    if (node.is_array() && schema.is_array()) {
      const toml::node& element = *schema.as_array()->get(0);
      expected = std::string("an array of ") + plural_name(element);
      for (const auto& given : *node.as_array()) {
        if (!same_kind(given, element)) {
          found = &given;
          break;
        }
      }
    }
    problems.push_back(problem_at(file_, found->source(), label(path) + ": expected " + expected + ", found " +
                                                               type_name(*found) + (found != &node ? " in it" : "")));
  }

  void unknown(const toml::key& key, const Path& table) {
    std::vector<std::string> known;
    for (const auto& candidate : schema_paths(table)) {
      const toml::node* node = node_at(defaults_, candidate);
      if (node == nullptr || !node->is_table()) continue;
      for (auto&& [k, v] : *node->as_table()) known.emplace_back(k.str());
    }
    std::string message = "unknown key " + label(concat(table, Path{std::string(key.str())}, 0));
    if (const auto near = nearest_key(std::string(key.str()), known); !near.empty()) {
      message += " (did you mean " + near + "?)";
    }
    problems.push_back(problem_at(file_, key.source(), message));
  }

  // "[stages.ocr] language" for a key, "[stages.ocr]" for a table at the top.
  static std::string label(const Path& path) {
    if (path.size() == 1) return "[" + path[0] + "]";
    return "[" + dotted(Path(path.begin(), path.end() - 1)) + "] " + path.back();
  }

  const toml::table& defaults_;
  const std::string& file_;
};

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ConfigProblem::text() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string nearest_key(const std::string& key, const std::vector<std::string>& known) {
  const size_t allowed = std::max<size_t>(2, key.size() / 3);
  std::string best;
  size_t best_distance = allowed + 1;
  for (const auto& candidate : known) {
    const size_t distance = edit_distance(key, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

tl::expected<ConfigFile, ConfigProblem> ConfigFile::parse(const std::string& text, const std::string& file) {
  try {
    return ConfigFile(toml::parse(text, file), file);
  } catch (const toml::parse_error& e) {
    return tl::unexpected<ConfigProblem>(problem_at(file, e.source(), std::string(e.description())));
  }
}

std::vector<ConfigProblem> ConfigFile::schema_problems() const {
  const toml::table defaults = toml::parse(std::string_view(kDefaultConfigToml), std::string_view("config/zpe.toml"));
  SchemaWalk walk(defaults, file_);
  walk.table(root_, {});
  std::stable_sort(walk.problems.begin(), walk.problems.end(), [](const auto& a, const auto& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return walk.problems;
}

std::optional<ConfigProblem> ConfigFile::locate(const std::string& message, const std::vector<std::string>& tables) const {
  std::optional<ConfigProblem> first_table;
  for (const auto& name : tables) {
    const toml::node* node = node_at(root_, split_dotted(name));
    if (node == nullptr || !node->is_table()) continue;
    std::vector<std::pair<const toml::key*, const toml::node*>> keys;
    for (auto&& [key, value] : *node->as_table()) keys.emplace_back(&key, &value);
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
      return a.first->source().begin.line < b.first->source().begin.line;
    });
    for (const auto& [key, value] : keys) {
      if (names_word(message, std::string(key->str()))) return problem_at(file_, value->source(), message);
    }
    if (!first_table) first_table = problem_at(file_, node->source(), message);
  }
  return first_table;
}

}  // namespace zpe
