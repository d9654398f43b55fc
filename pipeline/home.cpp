#include "pipeline/home.h"

#include <cstdlib>

namespace zpe {

Status Home::create(const std::vector<std::string>& tenants) const {
  std::error_code ec;
  std::vector<std::filesystem::path> dirs = {var(), blobs(), casefiles()};
  for (const auto& t : tenants) {
    dirs.push_back(inbox(t));
    dirs.push_back(inbox_egvp(t));
    dirs.push_back(quarantine(t));
  }
  for (const auto& d : dirs) {
    std::filesystem::create_directories(d, ec);
    if (ec) return fail(ErrorKind::kIOError, "cannot create folder " + d.string() + ": " + ec.message());
  }
  return {};
}

Home resolve_home(const std::string& home_option) {
  std::string chosen = home_option;
  if (chosen.empty()) {
    const char* env = std::getenv("ZPE_HOME");
    chosen = (env && *env) ? env : "zpe-home";
  }
  return Home{std::filesystem::absolute(chosen).lexically_normal()};
}

}  // namespace zpe
