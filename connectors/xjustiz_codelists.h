// The XJustiz code lists ZPE uses, loaded at run time from the data files that ship in
// data/xjustiz/ (docs/EGVP.md, "Code lists"): GDS.Gerichte (courts by XJustiz ID),
// GDS.Dokumenttyp, GDS.Dokumentklasse, GDS.Bestandteiltyp — each a subset of the official
// list with the list's name, URN and version — and zpe-doctype-mapping.json, which maps each
// ZPE document type to a Dokumentklasse and (where the list has one) a Dokumenttyp.
//
// load_xjustiz_code_lists reads and cross-checks them: a missing or malformed file, a list
// whose "name" is not the one expected, or a mapping that names a code its list lacks is an
// error naming the file. Immutable after loading; safe to share between threads.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "pipeline/status.h"

namespace zpe {

// One official code list (or the subset ZPE ships of it).
struct XJustizCodeList {
  std::string name;     // "GDS.Gerichte"
  std::string urn;      // "urn:xoev-de:xjustiz:codeliste:gds.gerichte" (the listURI)
  std::string version;  // "3.7" (the listVersionID a message carries)
  std::map<std::string, std::string> entries;  // code -> value ("F6084" -> "Verwaltungsgericht Berlin")

  // The entry's value, or nullopt when the code is not in the list.
  std::optional<std::string> value(const std::string& code) const;
};

// How one ZPE document type is described to a court.
struct XJustizDocType {
  std::string dokumentklasse;  // GDS.Dokumentklasse code (required by XJustiz)
  std::string dokumenttyp;     // GDS.Dokumenttyp code; "" when the list has no fitting entry
};

struct XJustizCodeLists {
  XJustizCodeList gerichte;
  XJustizCodeList dokumenttyp;
  XJustizCodeList dokumentklasse;
  XJustizCodeList bestandteiltyp;
  std::map<std::string, XJustizDocType> doc_types;  // ZPE document type -> codes (outbound)
  std::map<std::string, std::string> inbound_types;  // GDS.Dokumenttyp code -> ZPE document type
  std::string inbound_default = "Sonstiges";         // for codes inbound_types does not list
  std::string versions;  // "GDS.Gerichte 3.7, GDS.Dokumenttyp 4.0, ...": what a record was read with

  // The codes for a ZPE document type; a type the mapping does not name is described as
  // "Sonstiges" is (kNotFound only when the mapping has neither).
  Result<XJustizDocType> describe(const std::string& zpe_doc_type) const;
  // Inbound: "" when the list has no such entry.
  std::string court_name(const std::string& court_id) const;
  std::string doc_type_name(const std::string& code) const;
  // The ZPE document type for a GDS.Dokumenttyp code (inbound_default for others and "").
  std::string zpe_doc_type(const std::string& code) const;
};

// Reads GDS.Gerichte.json, GDS.Dokumenttyp.json, GDS.Dokumentklasse.json,
// GDS.Bestandteiltyp.json, zpe-doctype-mapping.json and zpe-doctype-map.json from `dir`.
Result<XJustizCodeLists> load_xjustiz_code_lists(const std::filesystem::path& dir);

}  // namespace zpe
