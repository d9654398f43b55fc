#include "stages/settings_path.h"

#include <cstdlib>
#include <vector>

namespace zpe {

std::filesystem::path resolve_settings_path(const std::string& path, const nlohmann::json& settings) {
  const std::filesystem::path given(path);
  if (given.is_absolute()) return given;
  std::filesystem::path home;
  if (settings.is_object() && settings.contains("home") && settings["home"].is_string()) {
    home = settings["home"].get<std::string>();
  } else if (const char* env = std::getenv("ZPE_HOME"); env && *env) {
    home = env;
  } else {
    home = "zpe-home";
  }
  std::vector<std::filesystem::path> candidates = {home / given};
#ifdef ZPE_SOURCE_DIR
  candidates.push_back(std::filesystem::path(ZPE_SOURCE_DIR) / given);
#endif
  for (const auto& candidate : candidates) {
    std::error_code error;
    if (std::filesystem::exists(candidate, error)) return std::filesystem::absolute(candidate, error);
  }
  return candidates.front();
}

}  // namespace zpe
