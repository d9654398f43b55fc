// The XJustiz code lists ZPE reads inbound messages with, loaded from data files
// (data/xjustiz/, see its README.md): GDS.Gerichte (court names by XJustiz ID),
// GDS.Dokumenttyp (type names by code) and zpe-doctype-map.json (ZPE's own mapping of
// those codes to its document types). Data, not code: a newer list replaces a file.
// Immutable after load; safe to share between threads.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "pipeline/status.h"

namespace zpe {

class XJustizCodeLists {
 public:
  // Loads the three files from `dir`. Errors name the file and what is wrong with it.
  static Result<XJustizCodeLists> load(const std::filesystem::path& dir);

  // "" when the list has no such entry.
  std::string court_name(const std::string& court_id) const;
  std::string doc_type_name(const std::string& code) const;
  // The ZPE document type for a GDS.Dokumenttyp code; the mapping's default (Sonstiges)
  // for codes it does not list, and for "".
  std::string zpe_doc_type(const std::string& code) const;
  // "GDS.Gerichte 3.7, GDS.Dokumenttyp 4.0, zpe-doctype-map 1": what a record was read with.
  const std::string& versions() const { return versions_; }

 private:
  std::map<std::string, std::string> courts_;
  std::map<std::string, std::string> doc_types_;
  std::map<std::string, std::string> zpe_types_;
  std::string default_type_;
  std::string versions_;
};

}  // namespace zpe
