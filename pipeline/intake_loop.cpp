#include "pipeline/intake_loop.h"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "pipeline/intake.h"

namespace zpe {

IntakeLoop::IntakeLoop(std::vector<WatchedInbox*> inboxes, int64_t scan_interval_ms,
                       std::function<void()> after_taking)
    : inboxes_(std::move(inboxes)),
      scan_interval_ms_(std::max<int64_t>(scan_interval_ms, 10)),
      after_taking_(std::move(after_taking)) {
  auto watch = InboxWatch::open();
  if (watch) watch_ = std::move(*watch);
  else spdlog::warn("intake: {}", watch.error().message);
}

void IntakeLoop::watch_folders() {
  for (WatchedInbox* inbox : inboxes_) {
    for (const auto& folder : inbox->watched_folders()) {
      if (auto st = watch_->add(folder); !st) {
        if (unwatched_.insert(folder).second) spdlog::warn("intake: {}", st.error().message);
      } else if (unwatched_.erase(folder) > 0) {
        spdlog::info("intake: watching {} again", folder.string());
      }
    }
  }
}

int64_t IntakeLoop::wait_ms(int64_t now) const {
  int64_t until = next_scan_ms_;
  if (next_check_ms_) until = std::min(until, *next_check_ms_);
  return std::max<int64_t>(0, until - now);
}

void IntakeLoop::take_hints(const InboxWake& wake, int64_t now) {
  if (wake.overflowed) spdlog::warn("intake: the inotify queue overflowed; the scan finds what it missed");
  for (const auto& event : wake.events) {
    if (is_ignored_inbox_name(event.path.filename().string())) continue;
    const auto folder = event.path.parent_path();
    for (WatchedInbox* inbox : inboxes_) {
      const auto folders = inbox->watched_folders();
      if (std::find(folders.begin(), folders.end(), folder) != folders.end()) inbox->stability().note(event, now);
    }
  }
}

int IntakeLoop::run_once(int64_t max_wait_ms) {
  const int64_t wait = std::min(wait_ms(now_ms()), max_wait_ms);
  if (watch_) {
    // Before waiting, so a folder made (or made anew) since the last round is watched.
    watch_folders();
    if (auto wake = watch_->wait(wait)) {
      take_hints(*wake, now_ms());
    } else {
      spdlog::error("intake: {}", wake.error().message);
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    }
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
  const int64_t scanned = now_ms();
  int taken = 0;
  for (WatchedInbox* inbox : inboxes_) taken += inbox->scan_once(scanned);
  if (taken > 0 && after_taking_) after_taking_();
  next_scan_ms_ = scanned + scan_interval_ms_;
  next_check_ms_.reset();
  for (WatchedInbox* inbox : inboxes_) {
    if (auto due = inbox->stability().next_check_ms(scanned)) {
      next_check_ms_ = next_check_ms_ ? std::min(*next_check_ms_, *due) : *due;
    }
  }
  return taken;
}

void IntakeLoop::run(const std::atomic<bool>& stop) {
  while (!stop.load()) run_once(scan_interval_ms_);
}

}  // namespace zpe
