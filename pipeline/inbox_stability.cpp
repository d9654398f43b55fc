#include "pipeline/inbox_stability.h"

#include <chrono>

namespace zpe {

bool InboxStability::is_complete(const std::filesystem::path& path, uintmax_t size,
                                 std::filesystem::file_time_type mtime, int64_t now_ms) {
  auto [it, inserted] = seen_.try_emplace(path, Seen{size, mtime, now_ms});
  if (!inserted && (it->second.size != size || it->second.mtime != mtime)) it->second = Seen{size, mtime, now_ms};
  const bool old_enough =
      std::filesystem::file_time_type::clock::now() - mtime >= std::chrono::milliseconds(stable_ms_);
  return old_enough || now_ms - it->second.unchanged_since_ms >= stable_ms_;
}

}  // namespace zpe
