// LogRateLimit: keeps a warning that repeats (a peer sending malformed messages, a worker
// with an unknown command) from flooding the log. Per key, the first lines_per_window lines
// of a window of window_ms are written; further ones are only counted, and once the window
// has ended one summary line says how many were left out:
//   "dispatcher: malformed messages from workers: repeated 2995 more times in the last 10 s".
// The clock and the writer are injectable (tests use a fake clock and capture lines).
// Not thread-safe: one per loop (the dispatcher's, the feed's).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <spdlog/spdlog.h>

namespace zpe {

class LogRateLimit {
 public:
  using Clock = std::function<int64_t()>;  // milliseconds, monotonic
  using Writer = std::function<void(spdlog::level::level_enum, const std::string&)>;

  // The default clock is steady_clock, the default writer spdlog's default logger.
  LogRateLimit(int lines_per_window, int64_t window_ms, Clock clock = nullptr, Writer writer = nullptr);

  // Writes `message` unless `key` has had its lines in this window; then counts it.
  void log(spdlog::level::level_enum level, const std::string& key, const std::string& message);
  // Writes the summary of every window that has ended (call it from the loop now and then).
  void flush();
  // Writes every pending summary, ended or not (when the loop stops).
  void flush_all();

 private:
  struct Window {
    int64_t started_ms = 0;
    int written = 0;
    int64_t left_out = 0;
    spdlog::level::level_enum level = spdlog::level::warn;
  };
  void summarize(const std::string& key, const Window& window, int64_t now_ms);

  int lines_per_window_;
  int64_t window_ms_;
  Clock clock_;
  Writer writer_;
  std::map<std::string, Window> windows_;
};

}  // namespace zpe
