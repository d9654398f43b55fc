#include "pipeline/no_space.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "pipeline/durable_file.h"

namespace zpe {

namespace {

int64_t modified_ms(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

// Creates the marker (an empty file needs no data block), then tries to put the message in.
// Best effort: on a full disk the message may not fit, and the log line says it anyway.
void write_marker(const std::filesystem::path& marker, const std::string& message) {
  std::error_code ec;
  std::filesystem::create_directories(marker.parent_path(), ec);
  const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const ssize_t written = ::write(fd, message.data(), message.size());
  if (written != static_cast<ssize_t>(message.size())) (void)::ftruncate(fd, 0);
  ::close(fd);
}

}  // namespace

std::filesystem::path no_space_marker_dir(const Home& home) { return home.var() / "no-space"; }

NoSpaceWatch::NoSpaceWatch(std::filesystem::path marker_dir, std::string name, std::string consequence)
    : marker_(marker_dir / name), name_(std::move(name)), consequence_(std::move(consequence)) {
  // Restarted while the disk was full: the condition goes on, and its end is still logged.
  std::error_code ec;
  if (std::filesystem::exists(marker_, ec)) {
    active_ = true;
    since_ms_ = modified_ms(marker_);
  }
}

bool NoSpaceWatch::note_failure(const Error& error, int64_t now) {
  if (error.kind != ErrorKind::kNoSpace) return false;
  ++refused_writes_;
  if (!active_) {
    active_ = true;
    since_ms_ = now;
    backoff_ms_ = kFirstBackoffMs;
    spdlog::warn("{}: the disk is full ({}) — {}; retrying with back-off up to {} s, no document spends an "
                 "attempt; free space under the home to resume",
                 name_, error.message, consequence_, kMaxBackoffMs / 1000);
    write_marker(marker_, error.message);
  } else if (now >= retry_at_ms_) {
    backoff_ms_ = std::min(backoff_ms_ * 2, kMaxBackoffMs);  // a probe after the wait failed again
  }
  retry_at_ms_ = now + backoff_ms_;
  return true;
}

void NoSpaceWatch::note_success(int64_t now) {
  if (!active_) return;
  active_ = false;
  backoff_ms_ = kFirstBackoffMs;
  retry_at_ms_ = 0;
  std::error_code ec;
  std::filesystem::remove(marker_, ec);
  spdlog::info("{}: space is back after {} s ({} write(s) refused meanwhile); work resumes", name_,
               since_ms_ > 0 ? (now - since_ms_) / 1000 : 0, refused_writes_);
  refused_writes_ = 0;
}

std::vector<NoSpaceReport> read_no_space_reports(const std::filesystem::path& marker_dir) {
  std::vector<NoSpaceReport> reports;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(marker_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    auto message = read_whole_file(it->path());
    reports.push_back({it->path().filename().string(), modified_ms(it->path()), message ? *message : ""});
  }
  std::sort(reports.begin(), reports.end(), [](const auto& a, const auto& b) { return a.since_ms < b.since_ms; });
  return reports;
}

}  // namespace zpe
