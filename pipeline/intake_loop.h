// IntakeLoop: the intake process's main loop (`zpe intake`, started by `zpe run`). It
// watches every inbox folder with inotify (pipeline/inbox_watch.h) and sleeps in poll() on
// the watch until a file is renamed in or closed after writing, a hinted file's settle time
// is due, or intake.scan_interval_ms passes; then it hands the hints to their inbox's
// stability tracker and scans every inbox. So a file renamed into an idle inbox is taken at
// once, and an idle intake makes one system call per scan interval. The periodic scan stays
// as the safety net: files on shares where inotify sees nothing, files still being written
// (stable-size wait), events lost to a kernel queue overflow. Without inotify (the kernel
// refused an instance) it scans on the interval only. One object per thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "pipeline/inbox_stability.h"
#include "pipeline/inbox_watch.h"

namespace zpe {

// A watch folder's owner as the loop sees it: the scan inbox (pipeline/intake.h) and the
// court mailbox in (connectors/egvp_intake.h).
class WatchedInbox {
 public:
  virtual ~WatchedInbox() = default;
  // The folders this inbox takes entries from (one per tenant).
  virtual std::vector<std::filesystem::path> watched_folders() const = 0;
  // Where hints for entries of those folders go.
  virtual InboxStability& stability() = 0;
  // One pass over the folders; returns how many entries were taken.
  virtual int scan_once(int64_t now_ms) = 0;
};

class IntakeLoop {
 public:
  // after_taking runs after a round that took entries (the intake tells the dispatcher).
  IntakeLoop(std::vector<WatchedInbox*> inboxes, int64_t scan_interval_ms,
             std::function<void()> after_taking = {});

  // One round: waits (at most max_wait_ms) for a hint, a due settle time or the scan
  // interval, then scans every inbox. Returns how many entries were taken.
  int run_once(int64_t max_wait_ms);
  // Rounds until `stop` is set (a stop signal interrupts the wait).
  void run(const std::atomic<bool>& stop);
  // False when inotify is unavailable and the loop only scans.
  bool watching() const { return watch_.has_value(); }

 private:
  void watch_folders();
  int64_t wait_ms(int64_t now_ms) const;
  void take_hints(const InboxWake& wake, int64_t now_ms);

  std::vector<WatchedInbox*> inboxes_;
  int64_t scan_interval_ms_;
  std::function<void()> after_taking_;
  std::optional<InboxWatch> watch_;
  std::set<std::filesystem::path> unwatched_;  // folders whose watch failed (logged once)
  int64_t next_scan_ms_ = 0;
  std::optional<int64_t> next_check_ms_;       // the earliest due settle time
};

}  // namespace zpe
