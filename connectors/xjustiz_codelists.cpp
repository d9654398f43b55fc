#include "connectors/xjustiz_codelists.h"

#include <nlohmann/json.hpp>

#include "pipeline/durable_file.h"

namespace zpe {

namespace {

using nlohmann::json;

Result<json> read_json_file(const std::filesystem::path& file) {
  auto text = read_whole_file(file);
  if (!text) return fail(ErrorKind::kNotFound, "XJustiz code list " + file.string() + " is missing (it ships in data/xjustiz/)");
  json parsed = json::parse(*text, nullptr, false);
  if (!parsed.is_object()) return fail(ErrorKind::kInvalidInput, file.string() + ": not a JSON object");
  return parsed;
}

Result<XJustizCodeList> load_list(const std::filesystem::path& dir, const std::string& name) {
  const auto file = dir / (name + ".json");
  auto parsed = read_json_file(file);
  if (!parsed) return fail(parsed.error());
  XJustizCodeList list;
  if (parsed->contains("metadaten") && parsed->contains("daten")) {
    // The list as published (XRepository / openXJV codelisten_json): rows [code, value, ...].
    const json& meta = (*parsed)["metadaten"];
    const json short_names = meta.value("nameKurz", json::array());
    list.name = short_names.is_array() && !short_names.empty() ? short_names[0].value("value", "") : "";
    list.urn = meta.value("kennungInhalt", "");
    list.version = meta.value("version", "");
    if (list.name != name) return fail(ErrorKind::kInvalidInput, file.string() + ": names the list \"" + list.name + "\", not " + name);
    for (const json& row : (*parsed)["daten"]) {
      if (row.is_array() && row.size() >= 2 && row[0].is_string() && row[1].is_string()) {
        list.entries[row[0].get<std::string>()] = row[1].get<std::string>();
      }
    }
    if (list.entries.empty()) return fail(ErrorKind::kInvalidInput, file.string() + ": no entries");
    return list;
  }
  list.name = parsed->value("name", "");
  list.urn = parsed->value("kennung", "");
  list.version = parsed->value("version", "");
  if (list.name != name) return fail(ErrorKind::kInvalidInput, file.string() + ": names the list \"" + list.name + "\", not " + name);
  if (list.urn.empty() || list.version.empty()) {
    return fail(ErrorKind::kInvalidInput, file.string() + ": the list's kennung and version are required");
  }
  const json entries = parsed->value("entries", json::array());
  for (const json& entry : entries) {
    if (!entry.is_object() || !entry.contains("code") || !entry["code"].is_string() || !entry.contains("value") ||
        !entry["value"].is_string()) {
      return fail(ErrorKind::kInvalidInput, file.string() + ": every entry needs a string code and value");
    }
    list.entries[entry["code"].get<std::string>()] = entry["value"].get<std::string>();
  }
  if (list.entries.empty()) return fail(ErrorKind::kInvalidInput, file.string() + ": no entries");
  return list;
}

Status load_mapping(const std::filesystem::path& dir, XJustizCodeLists& lists) {
  const auto file = dir / "zpe-doctype-mapping.json";
  auto parsed = read_json_file(file);
  if (!parsed) return fail(parsed.error());
  for (const json& row : parsed->value("mapping", json::array())) {
    const std::string type = row.value("zpe", "");
    const std::string klasse = row.value("dokumentklasse", "");
    const std::string typ = row.contains("dokumenttyp") && row["dokumenttyp"].is_string() ? row["dokumenttyp"].get<std::string>() : "";
    if (type.empty() || !lists.dokumentklasse.value(klasse)) {
      return fail(ErrorKind::kInvalidInput, file.string() + ": \"" + type + "\" maps to Dokumentklasse \"" + klasse +
                                                "\", which is not in " + lists.dokumentklasse.name + " " +
                                                lists.dokumentklasse.version);
    }
    if (!typ.empty() && !lists.dokumenttyp.value(typ)) {
      return fail(ErrorKind::kInvalidInput, file.string() + ": \"" + type + "\" maps to Dokumenttyp \"" + typ +
                                                "\", which is not in " + lists.dokumenttyp.name + " " +
                                                lists.dokumenttyp.version);
    }
    lists.doc_types[type] = {klasse, typ};
  }
  if (!lists.doc_types.count("Sonstiges")) return fail(ErrorKind::kInvalidInput, file.string() + ": no mapping for \"Sonstiges\"");
  return {};
}

// zpe-doctype-map.json: {"version", "default", "types": {ZPE type: [GDS.Dokumenttyp codes]}}.
Result<std::string> load_inbound_mapping(const std::filesystem::path& dir, XJustizCodeLists& lists) {
  const auto file = dir / "zpe-doctype-map.json";
  auto parsed = read_json_file(file);
  if (!parsed) return fail(parsed.error());
  lists.inbound_default = parsed->value("default", "Sonstiges");
  const json by_type = parsed->value("types", json::object());
  if (!by_type.is_object()) return fail(ErrorKind::kInvalidInput, file.string() + ": \"types\" is not an object");
  for (auto it = by_type.begin(); it != by_type.end(); ++it) {
    if (!it->is_array()) return fail(ErrorKind::kInvalidInput, file.string() + ": \"" + it.key() + "\" is not a list");
    for (const json& code : *it) {
      if (!code.is_string() || !lists.dokumenttyp.value(code.get<std::string>())) {
        return fail(ErrorKind::kInvalidInput, file.string() + ": \"" + it.key() + "\" lists " + code.dump() +
                                                  ", which is not in " + lists.dokumenttyp.name + " " + lists.dokumenttyp.version);
      }
      lists.inbound_types[code.get<std::string>()] = it.key();
    }
  }
  return "zpe-doctype-map " + parsed->value("version", "?");
}

}  // namespace

std::string XJustizCodeLists::court_name(const std::string& court_id) const { return gerichte.value(court_id).value_or(""); }

std::string XJustizCodeLists::doc_type_name(const std::string& code) const { return dokumenttyp.value(code).value_or(""); }

std::string XJustizCodeLists::zpe_doc_type(const std::string& code) const {
  const auto found = inbound_types.find(code);
  return found == inbound_types.end() ? inbound_default : found->second;
}

std::optional<std::string> XJustizCodeList::value(const std::string& code) const {
  const auto found = entries.find(code);
  if (found == entries.end()) return std::nullopt;
  return found->second;
}

Result<XJustizDocType> XJustizCodeLists::describe(const std::string& zpe_doc_type) const {
  auto found = doc_types.find(zpe_doc_type);
  if (found == doc_types.end()) found = doc_types.find("Sonstiges");
  if (found == doc_types.end()) return fail(ErrorKind::kNotFound, "no XJustiz mapping for document type " + zpe_doc_type);
  return found->second;
}

Result<XJustizCodeLists> load_xjustiz_code_lists(const std::filesystem::path& dir) {
  XJustizCodeLists lists;
  for (auto [name, list] : {std::pair{"GDS.Gerichte", &lists.gerichte}, std::pair{"GDS.Dokumenttyp", &lists.dokumenttyp},
                            std::pair{"GDS.Dokumentklasse", &lists.dokumentklasse},
                            std::pair{"GDS.Bestandteiltyp", &lists.bestandteiltyp}}) {
    auto loaded = load_list(dir, name);
    if (!loaded) return fail(loaded.error());
    *list = std::move(*loaded);
  }
  if (auto st = load_mapping(dir, lists); !st) return fail(st.error());
  auto inbound = load_inbound_mapping(dir, lists);
  if (!inbound) return fail(inbound.error());
  for (const XJustizCodeList* list : {&lists.gerichte, &lists.dokumenttyp, &lists.dokumentklasse, &lists.bestandteiltyp}) {
    lists.versions += list->name + " " + list->version + ", ";
  }
  lists.versions += *inbound;
  return lists;
}

}  // namespace zpe
