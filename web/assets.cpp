#include "web/assets.h"

#include <fstream>
#include <sstream>

namespace zpe::web {

namespace {

// Library files and assets are small (Bootstrap's largest is under 1 MB); a larger file
// is not one of them.
constexpr std::uintmax_t kMaxServedFileBytes = 8 * 1024 * 1024;

Result<std::string> read_regular_file(const std::filesystem::path& file, const std::string& shown_name) {
  std::error_code ec;
  auto status = std::filesystem::status(file, ec);  // follows symlinks: Debian links library files
  if (ec || !std::filesystem::is_regular_file(status)) {
    return fail(ErrorKind::kNotFound, "no file " + shown_name);
  }
  auto size = std::filesystem::file_size(file, ec);
  if (ec || size > kMaxServedFileBytes) return fail(ErrorKind::kNotFound, "no file " + shown_name);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in && !in.eof()) return fail(ErrorKind::kIOError, "cannot read " + file.string());
  return bytes.str();
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool is_safe_asset_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_safe_library_path(std::string_view path) {
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return is_safe_asset_name(path);
  return is_safe_asset_name(path.substr(0, slash)) && is_safe_asset_name(path.substr(slash + 1));
}

std::string content_type_for(std::string_view name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".map", "application/json"},
      {".json", "application/json"},         {".png", "image/png"},
      {".svg", "image/svg+xml"},             {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},              {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (ends_with(name, ext)) return type;
  }
  return "application/octet-stream";
}

Assets Assets::embedded() { return Assets(); }

Assets Assets::from_directory(std::filesystem::path dir) {
  Assets assets;
  assets.dir_ = std::move(dir);
  return assets;
}

Result<std::string> Assets::read(const std::string& name) const {
  if (!is_safe_asset_name(name)) return fail(ErrorKind::kNotFound, "no asset " + name);
  if (dir_) return read_regular_file(*dir_ / name, name);
  for (const auto& asset : embedded_assets()) {
    if (asset.name == name) return std::string(asset.bytes);
  }
  return fail(ErrorKind::kNotFound, "no asset " + name);
}

std::string Assets::describe() const {
  return dir_ ? "assets from " + dir_->string() : "assets built in (" + std::to_string(embedded_assets().size()) + " files)";
}

Result<std::string> read_library_file(const std::filesystem::path& javascript_root, const std::string& library,
                                      const std::string& path) {
  if (!is_safe_asset_name(library) || !is_safe_library_path(path)) {
    return fail(ErrorKind::kNotFound, "no file " + library + "/" + path);
  }
  return read_regular_file(javascript_root / library / path, library + "/" + path);
}

}  // namespace zpe::web
