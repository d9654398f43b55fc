// NoSpaceWatch: how one process lives through a full disk. A write refused with
// ErrorKind::kNoSpace (ENOSPC, EDQUOT, SQLITE_FULL) is the site's fault, not the document's:
// the process notes it here, waits with a back-off (1 s, doubling to 15 s) and tries again,
// and the document spends no attempt. The condition is reported once, not per retry: one
// warning when it starts, one info line when it ends (the first write of that kind that
// succeeds), and, while it lasts, a marker file <home>/var/no-space/<name> that `zpe status`
// lists (read_no_space_reports). The marker's modification time is when the condition
// started; its content is the refused write's message when there was room to write it (an
// empty file needs no data block, so creating one works on a full disk). A process that is
// restarted during the condition finds its marker and still logs the end once.
//
// Used by the dispatcher (blob store and job store), the intake, the archiver and the
// case-file sink, one watch per resource they write. Not thread-safe; one per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/home.h"
#include "pipeline/status.h"

namespace zpe {

// <home>/var/no-space/: where the markers of the processes waiting for space are.
std::filesystem::path no_space_marker_dir(const Home& home);

class NoSpaceWatch {
 public:
  // `name` names the process and resource in logs and the marker ("dispatcher-blobs");
  // `consequence` says what waits meanwhile ("the intake is paused; files stay in the inbox").
  NoSpaceWatch(std::filesystem::path marker_dir, std::string name, std::string consequence);
  NoSpaceWatch(const NoSpaceWatch&) = delete;
  NoSpaceWatch& operator=(const NoSpaceWatch&) = delete;

  // Notes a failed write. True when `error` is kNoSpace: the condition starts (logged once)
  // or goes on, and the next try should wait until may_try() says so. False otherwise.
  bool note_failure(const Error& error, int64_t now_ms);
  // Notes a write that succeeded: ends the condition (logged once) if there was one.
  void note_success(int64_t now_ms);
  bool active() const { return active_; }
  // False while the back-off after the last refused write runs.
  bool may_try(int64_t now_ms) const { return !active_ || now_ms >= retry_at_ms_; }
  // How long to wait before the next try (what a refused document's not_before uses).
  int64_t backoff_ms() const { return backoff_ms_; }

  static constexpr int64_t kFirstBackoffMs = 1000;
  static constexpr int64_t kMaxBackoffMs = 15000;

 private:
  std::filesystem::path marker_;  // <marker_dir>/<name>
  std::string name_;
  std::string consequence_;
  bool active_ = false;
  int64_t since_ms_ = 0;        // when the condition started
  int64_t retry_at_ms_ = 0;     // the back-off ends
  int64_t backoff_ms_ = kFirstBackoffMs;
  int64_t refused_writes_ = 0;  // during this condition, for the closing line
};

// One process waiting for space, as `zpe status` shows it.
struct NoSpaceReport {
  std::string name;      // "intake", "dispatcher-blobs", ...
  int64_t since_ms = 0;  // when it started (epoch ms)
  std::string message;   // the refused write ("cannot write …: No space left on device"), may be empty
};

// The markers in marker_dir, oldest first; empty when no process waits for space.
std::vector<NoSpaceReport> read_no_space_reports(const std::filesystem::path& marker_dir);

}  // namespace zpe
