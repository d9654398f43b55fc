// Assets: the files the operators' browser loads — the UI's own pages, script and style
// (web/assets/, embedded into the binary at build time by cmake/embed_web_assets.cmake, or
// read from a folder with `zpe web --assets DIR` while working on them) and the Debian
// packaged libraries under /usr/share/javascript (bootstrap5, chart.js).
//
// No path from a request reaches the file system unchecked: an asset name is one plain
// file name ([A-Za-z0-9_.-]+, not starting with a dot); a library path is at most one
// sub-folder and a file name of the same kind. Immutable after construction; safe to share
// between threads.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/status.h"

namespace zpe::web {

struct EmbeddedAsset {
  std::string_view name;
  std::string_view bytes;
};
// Generated at build time (build/generated/web_assets.cpp).
const std::vector<EmbeddedAsset>& embedded_assets();

// One file name: [A-Za-z0-9_.-]{1,128}, not starting with '.'.
bool is_safe_asset_name(std::string_view name);
// "name" or "folder/name", each part a safe asset name.
bool is_safe_library_path(std::string_view path);
// Content-Type by extension (text/html; charset=utf-8, ...); application/octet-stream else.
std::string content_type_for(std::string_view name);

class Assets {
 public:
  // The files compiled into the binary.
  static Assets embedded();
  // The files of `dir`, read at each request (edits show without a restart).
  static Assets from_directory(std::filesystem::path dir);

  // kNotFound for an unsafe or missing name.
  Result<std::string> read(const std::string& name) const;
  std::string describe() const;

 private:
  std::optional<std::filesystem::path> dir_;
};

// A file of a Debian-packaged JavaScript library, e.g. library "bootstrap5", path
// "css/bootstrap.min.css" under /usr/share/javascript (symlinks inside it are followed:
// Debian links the files into place). kNotFound for unsafe paths and missing files.
Result<std::string> read_library_file(const std::filesystem::path& javascript_root, const std::string& library,
                                      const std::string& path);

}  // namespace zpe::web
