#include "stages/settings_path.h"

#include <cstdlib>

namespace zpe {

namespace {

std::filesystem::path running_binary() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : path;
}

}  // namespace

std::filesystem::path installed_data_dir(const std::filesystem::path& binary) {
#ifdef ZPE_DATA_DIR_FROM_BINARY
  return (binary.parent_path() / ZPE_DATA_DIR_FROM_BINARY).lexically_normal();
#else
  return (binary.parent_path() / "../share/zpe").lexically_normal();
#endif
}

std::vector<std::filesystem::path> settings_search_dirs(const nlohmann::json& settings) {
  std::filesystem::path home;
  if (settings.is_object() && settings.contains("home") && settings["home"].is_string()) {
    home = settings["home"].get<std::string>();
  } else if (const char* env = std::getenv("ZPE_HOME"); env && *env) {
    home = env;
  } else {
    home = "zpe-home";
  }
  std::vector<std::filesystem::path> dirs = {home};
  if (const auto binary = running_binary(); !binary.empty()) dirs.push_back(installed_data_dir(binary));
#ifdef ZPE_SOURCE_DIR
  dirs.push_back(std::filesystem::path(ZPE_SOURCE_DIR));
#endif
  return dirs;
}

std::filesystem::path resolve_settings_path(const std::string& path, const nlohmann::json& settings) {
  const std::filesystem::path given(path);
  if (given.is_absolute()) return given;
  const auto dirs = settings_search_dirs(settings);
  for (const auto& dir : dirs) {
    const auto candidate = dir / given;
    std::error_code error;
    if (std::filesystem::exists(candidate, error)) return std::filesystem::absolute(candidate, error);
  }
  return dirs.front() / given;
}

}  // namespace zpe
