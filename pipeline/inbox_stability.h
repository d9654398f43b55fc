// When a dropped entry in a watch folder is complete. Shared by the scan inbox
// (pipeline/intake.h) and the court-mailbox inbox (connectors/egvp_intake.h), which also
// skip names written under .part / .tmp until they are renamed. One object per watcher
// thread; not thread-safe.
//
// Without a hint an entry is complete when its size and modification time have not
// changed for stable_ms (or it is older than that already): the scan's fallback, right for
// every writer, also on shares where inotify sees nothing. With a hint from the inbox
// watch (pipeline/inbox_watch.h):
//   - renamed in: complete at the first look (the .part-then-rename protocol);
//   - closed after writing: complete once unchanged for close_settle_ms after the first
//     look, so a writer that closes and at once opens the file again (to set its times,
//     to append a trailer) is not cut short; it is much shorter than stable_ms because the
//     close already says the writer is done.
// An entry that changes after its hint loses it and falls back to the stable-size wait
// (a new close brings a new hint).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>

#include "pipeline/inbox_watch.h"

namespace zpe {

class InboxStability {
 public:
  explicit InboxStability(int64_t stable_ms, int64_t close_settle_ms = 0)
      : stable_ms_(stable_ms), close_settle_ms_(close_settle_ms) {}

  // Records what was seen of `path` now; true when it is complete.
  bool is_complete(const std::filesystem::path& path, uintmax_t size, std::filesystem::file_time_type mtime,
                   int64_t now_ms);
  // Takes an inbox watch's hint about event.path, received at now_ms.
  void note(const InboxEvent& event, int64_t now_ms);
  // The earliest time after scanned_ms at which a hinted entry may become complete (the
  // watcher should look again then), or nullopt. Hints a scan at scanned_ms has settled
  // (their entry gone, or past its time) are dropped.
  std::optional<int64_t> next_check_ms(int64_t scanned_ms);
  // Drops what was remembered of `path` (it was taken).
  void forget(const std::filesystem::path& path) {
    seen_.erase(path);
    hints_.erase(path);
  }

 private:
  struct Seen {
    uintmax_t size = 0;
    std::filesystem::file_time_type mtime;
    int64_t unchanged_since_ms = 0;
  };
  struct Hint {
    InboxEventKind kind = InboxEventKind::kRenamedIn;
    int64_t noted_ms = 0;
    std::optional<Seen> first_look;  // size and time at the first look after the hint
  };
  int64_t settle_ms(const Hint& hint) const {
    return hint.kind == InboxEventKind::kRenamedIn ? 0 : close_settle_ms_;
  }
  int64_t due_ms(const Hint& hint) const {
    return (hint.first_look ? hint.first_look->unchanged_since_ms : hint.noted_ms) + settle_ms(hint);
  }
  bool is_complete_by_hint(const std::filesystem::path& path, uintmax_t size, std::filesystem::file_time_type mtime,
                           int64_t now_ms);

  int64_t stable_ms_;
  int64_t close_settle_ms_;
  std::map<std::filesystem::path, Seen> seen_;
  std::map<std::filesystem::path, Hint> hints_;
};

}  // namespace zpe
