#include "pipeline/inbox_stability.h"

#include <chrono>

namespace zpe {

bool InboxStability::is_complete(const std::filesystem::path& path, uintmax_t size,
                                 std::filesystem::file_time_type mtime, int64_t now_ms) {
  auto [it, inserted] = seen_.try_emplace(path, Seen{size, mtime, now_ms});
  if (!inserted && (it->second.size != size || it->second.mtime != mtime)) it->second = Seen{size, mtime, now_ms};
  if (is_complete_by_hint(path, size, mtime, now_ms)) return true;
  const bool old_enough =
      std::filesystem::file_time_type::clock::now() - mtime >= std::chrono::milliseconds(stable_ms_);
  return old_enough || now_ms - it->second.unchanged_since_ms >= stable_ms_;
}

bool InboxStability::is_complete_by_hint(const std::filesystem::path& path, uintmax_t size,
                                         std::filesystem::file_time_type mtime, int64_t now_ms) {
  auto it = hints_.find(path);
  if (it == hints_.end()) return false;
  Hint& hint = it->second;
  if (!hint.first_look) {
    hint.first_look = Seen{size, mtime, now_ms};
  } else if (hint.first_look->size != size || hint.first_look->mtime != mtime) {
    hints_.erase(it);  // written again since: no longer known to be complete
    return false;
  }
  return now_ms >= due_ms(hint);
}

void InboxStability::note(const InboxEvent& event, int64_t now_ms) {
  hints_[event.path] = Hint{event.kind, now_ms, std::nullopt};
}

std::optional<int64_t> InboxStability::next_check_ms(int64_t scanned_ms) {
  std::optional<int64_t> next;
  for (auto it = hints_.begin(); it != hints_.end();) {
    const int64_t due = due_ms(it->second);
    if (due <= scanned_ms) {
      it = hints_.erase(it);
      continue;
    }
    next = next ? std::min(*next, due) : due;
    ++it;
  }
  return next;
}

}  // namespace zpe
