// Resolving file paths named in stage settings (the case registry, the document-type
// model). An absolute path is used as is; a relative one is looked for under the ZPE home
// (the worker puts settings["home"] into the settings it creates its stage with), then,
// for files that ship with ZPE (models/), under the source tree the binary was built from.
// Pure apart from checking which candidate exists.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace zpe {

// Candidates in order: absolute as is; <home>/<path> (settings "home", else $ZPE_HOME);
// <source dir>/<path>. Returns the first that exists, else the home-relative candidate
// (so an error message names where the file was expected).
std::filesystem::path resolve_settings_path(const std::string& path, const nlohmann::json& construction_settings);

}  // namespace zpe
