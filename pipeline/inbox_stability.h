// When a dropped entry in a watch folder is complete: its size and modification time have
// not changed for stable_ms (or it is older than that already). Shared by the scan inbox
// (pipeline/intake.h) and the court-mailbox inbox (connectors/egvp_intake.h), which also
// skip names written under .part / .tmp until they are renamed. One object per watcher
// thread; not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>

namespace zpe {

class InboxStability {
 public:
  explicit InboxStability(int64_t stable_ms) : stable_ms_(stable_ms) {}

  // Records what was seen of `path` now; true when it is complete.
  bool is_complete(const std::filesystem::path& path, uintmax_t size, std::filesystem::file_time_type mtime,
                   int64_t now_ms);
  // Drops what was remembered of `path` (it was taken).
  void forget(const std::filesystem::path& path) { seen_.erase(path); }

 private:
  struct Seen {
    uintmax_t size = 0;
    std::filesystem::file_time_type mtime;
    int64_t unchanged_since_ms = 0;
  };
  int64_t stable_ms_;
  std::map<std::filesystem::path, Seen> seen_;
};

}  // namespace zpe
