// Resolving file paths named in stage settings (the case registry, the document-type
// model, the XJustiz code lists). An absolute path is used as is; a relative one is looked
// for under the ZPE home (the worker puts settings["home"] into the settings it creates its
// stage with), then, for files that ship with ZPE (models/, data/), in the installed data
// folder (<prefix>/share/zpe, found from where the running binary is, so a package
// extracted under another root works too), then under the source tree the binary was built
// from (running from the build folder). Pure apart from checking which candidate exists.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zpe {

// The data folder an installed binary at `binary` ships with: <binary's folder>/
// ZPE_DATA_DIR_FROM_BINARY (../share/zpe for /usr/bin/zpe -> /usr/share/zpe). Whether it
// exists is not checked.
std::filesystem::path installed_data_dir(const std::filesystem::path& binary);

// Where relative paths are looked for, in order: the home (settings "home", else
// $ZPE_HOME, else ./zpe-home), the installed data folder of the running binary, the source
// tree. Folders that do not exist are listed too (a message can name them).
std::vector<std::filesystem::path> settings_search_dirs(const nlohmann::json& construction_settings);

// Candidates in order: absolute as is; <dir>/<path> for each of settings_search_dirs.
// Returns the first that exists, else the home-relative candidate (so an error message
// names where the file was expected).
std::filesystem::path resolve_settings_path(const std::string& path, const nlohmann::json& construction_settings);

}  // namespace zpe
