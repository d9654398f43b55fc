#include "connectors/xjustiz_code_lists.h"

#include <nlohmann/json.hpp>

#include "pipeline/durable_file.h"

namespace zpe {

namespace {

using nlohmann::json;

Result<json> read_json_file(const std::filesystem::path& file) {
  auto text = read_whole_file(file);
  if (!text) return fail(ErrorKind::kNotFound, "cannot read the code list " + file.string() + ": " + text.error().message);
  json parsed = json::parse(*text, nullptr, false);
  if (!parsed.is_object()) return fail(ErrorKind::kCorruption, file.string() + " is not a JSON object");
  return parsed;
}

// An openXJV code list: rows [code, value, ...] under "daten", the version under metadaten.
Result<std::string> read_code_list(const std::filesystem::path& file, std::map<std::string, std::string>& into) {
  auto list = read_json_file(file);
  if (!list) return fail(list.error());
  const json& rows = list->value("daten", json());
  if (!rows.is_array()) return fail(ErrorKind::kCorruption, file.string() + " has no \"daten\" rows");
  for (const json& row : rows) {
    if (row.is_array() && row.size() >= 2 && row[0].is_string() && row[1].is_string()) into[row[0]] = row[1];
  }
  const json& meta = list->value("metadaten", json::object());
  std::string name = file.stem().string();
  if (meta.contains("nameKurz") && meta["nameKurz"].is_array() && !meta["nameKurz"].empty()) {
    name = meta["nameKurz"][0].value("value", name);
  }
  return name + " " + meta.value("version", "?");
}

}  // namespace

Result<XJustizCodeLists> XJustizCodeLists::load(const std::filesystem::path& dir) {
  XJustizCodeLists lists;
  auto courts = read_code_list(dir / "GDS.Gerichte.json", lists.courts_);
  if (!courts) return fail(courts.error());
  auto types = read_code_list(dir / "GDS.Dokumenttyp.json", lists.doc_types_);
  if (!types) return fail(types.error());
  const auto map_file = dir / "zpe-doctype-map.json";
  auto mapping = read_json_file(map_file);
  if (!mapping) return fail(mapping.error());
  lists.default_type_ = mapping->value("default", "Sonstiges");
  const json& by_type = mapping->value("types", json::object());
  if (!by_type.is_object()) return fail(ErrorKind::kCorruption, map_file.string() + ": \"types\" is not an object");
  for (auto it = by_type.begin(); it != by_type.end(); ++it) {
    if (!it->is_array()) return fail(ErrorKind::kCorruption, map_file.string() + ": \"" + it.key() + "\" is not a list");
    for (const json& code : *it) {
      if (code.is_string()) lists.zpe_types_[code] = it.key();
    }
  }
  lists.versions_ = *courts + ", " + *types + ", zpe-doctype-map " + mapping->value("version", "?");
  return lists;
}

std::string XJustizCodeLists::court_name(const std::string& court_id) const {
  const auto found = courts_.find(court_id);
  return found == courts_.end() ? "" : found->second;
}

std::string XJustizCodeLists::doc_type_name(const std::string& code) const {
  const auto found = doc_types_.find(code);
  return found == doc_types_.end() ? "" : found->second;
}

std::string XJustizCodeLists::zpe_doc_type(const std::string& code) const {
  const auto found = zpe_types_.find(code);
  return found == zpe_types_.end() ? default_type_ : found->second;
}

}  // namespace zpe
