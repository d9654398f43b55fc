#include "pipeline/config_reference.h"

#include <algorithm>
#include <sstream>

#include <toml++/toml.h>

namespace zpe {

namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

// The file's lines, addressed 1-based as toml++ counts them.
class SourceLines {
 public:
  explicit SourceLines(const std::string& text) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines_.push_back(line);
  }
  int count() const { return static_cast<int>(lines_.size()); }
  const std::string& at(int line) const { return lines_[static_cast<size_t>(line - 1)]; }
  bool is_comment(int line) const { return valid(line) && trimmed(at(line)).starts_with('#'); }
  bool is_header(int line) const { return valid(line) && trimmed(at(line)).starts_with('['); }
  bool is_blank(int line) const { return !valid(line) || trimmed(at(line)).empty(); }
  bool valid(int line) const { return line >= 1 && line <= count(); }

  // The comment lines directly above `line`, without "# ", top first.
  std::vector<std::string> comment_above(int line) const {
    int first = line;
    while (is_comment(first - 1)) --first;
    std::vector<std::string> out;
    for (int l = first; l < line; ++l) out.push_back(comment_text(l));
    return out;
  }
  std::string comment_text(int line) const {
    std::string text = trimmed(at(line)).substr(1);
    if (text.starts_with(' ')) text.erase(0, 1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
    return text;
  }

  // The value written after the first '=' of `line`, continuation lines of an array
  // joined with one space.
  std::string value_after_equals(int line) const {
    std::string out;
    int depth = 0;
    bool in_string = false;
    size_t pos = at(line).find('=') + 1;
    for (int l = line; valid(l); ++l, pos = 0) {
      const std::string& text = at(l);
      if (l != line && !out.empty() && depth > 0) out += ' ';
      const std::string part = l == line ? trimmed(text.substr(pos)) : trimmed(text);
      for (size_t i = 0; i < part.size(); ++i) {
        const char c = part[i];
        if (in_string) {
          out += c;
          if (c == '\\' && i + 1 < part.size()) out += part[++i];
          else if (c == '"') in_string = false;
          continue;
        }
        if (c == '#') break;
        if (c == '"') in_string = true;
        if (c == '[') ++depth;
        if (c == ']') --depth;
        out += c;
      }
      if (depth <= 0) break;
    }
    return trimmed(out);
  }

 private:
  std::vector<std::string> lines_;
};

struct Collector {
  const SourceLines& lines;
  std::vector<ConfigTableDoc> tables;

  void table(const toml::table& t, const std::string& name, bool array_element) {
    ConfigTableDoc doc;
    doc.name = name;
    doc.array_of_tables = array_element;
    const int header = static_cast<int>(t.source().begin.line);
    const std::string expected = array_element ? "[[" + name + "]]" : "[" + name + "]";
    if (!name.empty() && lines.valid(header) && trimmed(lines.at(header)).starts_with(expected)) doc.line = header;
    std::vector<std::pair<std::string, const toml::table*>> children;
    std::vector<std::pair<std::string, const toml::array*>> arrays_of_tables;
    for (auto&& [key, node] : t) {
      const std::string child = name.empty() ? std::string(key.str()) : name + "." + std::string(key.str());
      if (const auto* sub = node.as_table()) {
        children.emplace_back(child, sub);
      } else if (node.is_array_of_tables()) {
        arrays_of_tables.emplace_back(child, node.as_array());
      } else {
        ConfigKeyDoc entry;
        entry.key = std::string(key.str());
        entry.line = static_cast<int>(key.source().begin.line);
        entry.default_toml = lines.value_after_equals(entry.line);
        doc.keys.push_back(std::move(entry));
      }
    }
    std::sort(doc.keys.begin(), doc.keys.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
    if (doc.line > 0 || !doc.keys.empty()) tables.push_back(std::move(doc));
    for (const auto& [child, sub] : children) table(*sub, child, false);
    for (const auto& [child, array] : arrays_of_tables) {
      for (const auto& element : *array) table(*element.as_table(), child, true);
    }
  }
};

int first_line(const ConfigTableDoc& t) { return t.line > 0 ? t.line : t.keys.front().line; }

// Comments above each key and header; every key needs one (or shares its neighbour's).
std::vector<std::string> attach_comments(const SourceLines& lines, const std::string& source,
                                         std::vector<ConfigTableDoc>& tables) {
  std::vector<std::string> missing;
  for (auto& table : tables) {
    if (table.line > 0) table.description = lines.comment_above(table.line);
    for (size_t i = 0; i < table.keys.size(); ++i) {
      ConfigKeyDoc& key = table.keys[i];
      key.comment = lines.comment_above(key.line);
      const int above = key.line - 1;
      if (key.comment.empty() && i > 0 && !lines.is_blank(above) && !lines.is_header(above)) {
        key.shares_previous_comment = true;
      } else if (key.comment.empty()) {
        missing.push_back(source + ":" + std::to_string(key.line) + ": [" + table.name + "] " + key.key +
                          " has no comment: say what it means on the line above it");
      }
    }
  }
  return missing;
}

// Comment blocks followed by a blank line: notes of the table they stand in.
void attach_notes(const SourceLines& lines, ConfigReference& reference) {
  for (int line = 1; line <= lines.count(); ++line) {
    if (!lines.is_comment(line)) continue;
    const int first = line;
    while (lines.is_comment(line + 1)) ++line;
    if (!lines.is_blank(line + 1)) continue;  // a key's or a header's comment
    std::vector<std::string> note;
    for (int l = first; l <= line; ++l) note.push_back(lines.comment_text(l));
    ConfigTableDoc* owner = nullptr;
    for (auto& table : reference.tables) {
      if (first_line(table) < first) owner = &table;
    }
    (owner ? owner->notes : reference.intro).push_back(std::move(note));
  }
}

// Markdown-escapes '<' and '*' outside `code spans`.
std::string escaped(const std::string& text) {
  std::string out;
  bool in_code = false;
  for (char c : text) {
    if (c == '`') in_code = !in_code;
    if (!in_code && (c == '<' || c == '*')) out += '\\';
    out += c;
  }
  return out;
}

// Comment lines as Markdown: prose joined into paragraphs, indented lines (examples) fenced.
void render_comment(std::ostringstream& out, const std::vector<std::string>& lines, const std::string& indent) {
  std::string paragraph;
  std::vector<std::string> example;
  auto flush_paragraph = [&] {
    if (!paragraph.empty()) out << indent << escaped(paragraph) << "\n\n";
    paragraph.clear();
  };
  auto flush_example = [&] {
    if (example.empty()) return;
    out << indent << "```\n";
    for (const auto& l : example) out << indent << l << "\n";
    out << indent << "```\n\n";
    example.clear();
  };
  for (const auto& line : lines) {
    if (line.starts_with("  ")) {
      flush_paragraph();
      example.push_back(line);
    } else if (line.empty()) {
      flush_example();
      flush_paragraph();
    } else {
      flush_example();
      paragraph += (paragraph.empty() ? "" : " ") + line;
    }
  }
  flush_example();
  flush_paragraph();
}

}  // namespace

Result<ConfigReference> read_config_reference(const std::string& toml_text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorKind::kInvalidInput, source + ":" + std::to_string(e.source().begin.line) + ": " +
                                              std::string(e.description()));
  }
  const SourceLines lines(toml_text);
  Collector collector{lines, {}};
  collector.table(root, "", false);
  ConfigReference reference;
  reference.tables = std::move(collector.tables);
  std::stable_sort(reference.tables.begin(), reference.tables.end(),
                   [](const auto& a, const auto& b) { return first_line(a) < first_line(b); });
  const auto missing = attach_comments(lines, source, reference.tables);
  if (!missing.empty()) {
    std::string message;
    for (const auto& m : missing) message += (message.empty() ? "" : "\n") + m;
    return fail(ErrorKind::kInvalidInput, message);
  }
  attach_notes(lines, reference);
  return reference;
}

std::string render_config_reference(const ConfigReference& reference) {
  std::ostringstream out;
  out << "# Configuration reference\n\n"
      << "<!-- Generated by `zpe config reference` from config/zpe.toml; do not edit. The ctest\n"
      << "     ConfigReference_MatchesDocs fails when this file differs from its output. -->\n\n"
      << "Every key ZPE reads, with its default and its meaning, as the embedded defaults\n"
      << "(config/zpe.toml) write them. A file given with `--config` (or `$ZPE_CONFIG`) sets only\n"
      << "the keys it changes; `zpe config check FILE` checks one against this list.\n\n";
  for (const auto& note : reference.intro) render_comment(out, note, "");
  for (const auto& table : reference.tables) {
    out << "## `" << (table.array_of_tables ? "[[" + table.name + "]]" : "[" + table.name + "]") << "`\n\n";
    render_comment(out, table.description, "");
    for (size_t i = 0; i < table.keys.size();) {
      // A key and the keys that share its comment make one item.
      size_t end = i + 1;
      while (end < table.keys.size() && table.keys[end].shares_previous_comment) ++end;
      out << "- ";
      for (size_t k = i; k < end; ++k) {
        out << (k > i ? ", " : "") << "`" << table.keys[k].key << "` = `" << table.keys[k].default_toml << "`";
      }
      out << "\n\n";
      render_comment(out, table.keys[i].comment, "  ");
      i = end;
    }
    for (const auto& note : table.notes) render_comment(out, note, "");
  }
  std::string text = out.str();
  while (text.ends_with("\n\n")) text.pop_back();
  return text;
}

}  // namespace zpe
