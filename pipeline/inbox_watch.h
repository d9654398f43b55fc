// InboxWatch: Linux inotify on the watch folders (inbox/<tenant>/, inbox-egvp/<tenant>/),
// so the intake learns of a dropped file at once instead of at its next scan. It reports
// two kinds of event, each a hint that an entry is complete:
//   - renamed in (IN_MOVED_TO): the documented way to drop a file or package folder —
//     write it under a .part name, then rename it — so it is complete now;
//   - closed after writing (IN_CLOSE_WRITE): a writer that wrote the final name directly
//     closed it; complete unless it opens the file again soon (pipeline/inbox_stability.h
//     waits intake.close_settle_ms for that).
// Anything else (a file still being written, a share where inotify sees nothing: NFS, SMB
// mounts written by other hosts) is left to the periodic scan and its stable-size wait.
// An overflowing kernel queue (IN_Q_OVERFLOW) is reported so the caller rescans.
// Watches are not recursive: a package folder's contents are not watched, only its rename.
// Move-only; one object per intake thread; not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "pipeline/status.h"

namespace zpe {

enum class InboxEventKind { kRenamedIn, kClosedAfterWrite };

struct InboxEvent {
  std::filesystem::path path;  // the watched folder / the entry's name
  InboxEventKind kind = InboxEventKind::kRenamedIn;
};

// What one wait brought: hints, and whether the kernel dropped some (then rescan).
struct InboxWake {
  std::vector<InboxEvent> events;
  bool overflowed = false;
};

class InboxWatch {
 public:
  // An inotify instance; fails (with the reason) when the kernel refuses one, e.g. when
  // fs.inotify.max_user_instances is reached — the caller then polls only.
  static Result<InboxWatch> open();
  InboxWatch(InboxWatch&& other) noexcept;
  InboxWatch& operator=(InboxWatch&& other) noexcept;
  InboxWatch(const InboxWatch&) = delete;
  InboxWatch& operator=(const InboxWatch&) = delete;
  ~InboxWatch();

  // Watches `dir` (again, if it was removed and made anew). Cheap when it is watched
  // already, so callers may call it before every wait.
  Status add(const std::filesystem::path& dir);
  // Blocks until an event arrives or timeout_ms passes (or a signal interrupts it), then
  // returns every event queued by then.
  Result<InboxWake> wait(int64_t timeout_ms);

 private:
  explicit InboxWatch(int fd) : fd_(fd) {}
  Result<InboxWake> read_events();

  int fd_ = -1;
  std::map<int, std::filesystem::path> dirs_;  // watch descriptor -> folder
};

}  // namespace zpe
