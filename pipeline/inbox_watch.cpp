#include "pipeline/inbox_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace zpe {

namespace {
// IN_ONLYDIR: a watch folder replaced by a file is refused, not watched.
constexpr uint32_t kWatchedEvents = IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR;
}  // namespace

Result<InboxWatch> InboxWatch::open() {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorKind::kUnavailable, std::string("inotify is unavailable (") + std::strerror(errno) +
                                             "): the intake finds new files by scanning only");
  }
  return InboxWatch(fd);
}

InboxWatch::InboxWatch(InboxWatch&& other) noexcept : fd_(other.fd_), dirs_(std::move(other.dirs_)) {
  other.fd_ = -1;
}

InboxWatch& InboxWatch::operator=(InboxWatch&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    dirs_ = std::move(other.dirs_);
    other.fd_ = -1;
  }
  return *this;
}

InboxWatch::~InboxWatch() {
  if (fd_ >= 0) ::close(fd_);
}

Status InboxWatch::add(const std::filesystem::path& dir) {
  // The kernel returns the same descriptor for a folder it watches already.
  const int wd = inotify_add_watch(fd_, dir.c_str(), kWatchedEvents);
  if (wd < 0) {
    return fail(ErrorKind::kIOError, "cannot watch " + dir.string() + " (" + std::strerror(errno) +
                                         "): files there are found by the periodic scan only" +
                                         (errno == ENOSPC ? " — raise fs.inotify.max_user_watches" : ""));
  }
  dirs_[wd] = dir;
  return {};
}

Result<InboxWake> InboxWatch::wait(int64_t timeout_ms) {
  pollfd item{fd_, POLLIN, 0};
  const int ready = ::poll(&item, 1, static_cast<int>(std::max<int64_t>(0, timeout_ms)));
  if (ready < 0 && errno != EINTR) {
    return fail(ErrorKind::kIOError, std::string("waiting for inbox events failed: ") + std::strerror(errno));
  }
  if (ready <= 0) return InboxWake{};
  return read_events();
}

Result<InboxWake> InboxWatch::read_events() {
  InboxWake wake;
  alignas(inotify_event) char buffer[64 * 1024];
  while (true) {
    const ssize_t got = ::read(fd_, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return fail(ErrorKind::kIOError, std::string("reading inbox events failed: ") + std::strerror(errno));
    }
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if (event->mask & IN_Q_OVERFLOW) wake.overflowed = true;
      if (event->mask & IN_IGNORED) dirs_.erase(event->wd);  // the folder went; add() watches its successor
      const auto dir = dirs_.find(event->wd);
      if (dir == dirs_.end() || event->len == 0) continue;
      const std::filesystem::path path = dir->second / event->name;
      if (event->mask & IN_MOVED_TO) wake.events.push_back({path, InboxEventKind::kRenamedIn});
      else if (event->mask & IN_CLOSE_WRITE) wake.events.push_back({path, InboxEventKind::kClosedAfterWrite});
    }
  }
  return wake;
}

}  // namespace zpe
