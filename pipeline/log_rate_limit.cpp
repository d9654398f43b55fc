#include "pipeline/log_rate_limit.h"

#include <algorithm>
#include <chrono>

namespace zpe {

LogRateLimit::LogRateLimit(int lines_per_window, int64_t window_ms, Clock clock, Writer writer)
    : lines_per_window_(lines_per_window), window_ms_(window_ms), clock_(std::move(clock)), writer_(std::move(writer)) {
  if (!clock_) {
    clock_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
  if (!writer_) writer_ = [](spdlog::level::level_enum level, const std::string& line) { spdlog::log(level, "{}", line); };
}

void LogRateLimit::log(spdlog::level::level_enum level, const std::string& key, const std::string& message) {
  const int64_t now = clock_();
  auto found = windows_.find(key);
  if (found != windows_.end() && now - found->second.started_ms >= window_ms_) {
    summarize(key, found->second, now);
    windows_.erase(found);
    found = windows_.end();
  }
  if (found == windows_.end()) found = windows_.emplace(key, Window{now, 0, 0, level}).first;
  Window& window = found->second;
  if (window.written < lines_per_window_) {
    ++window.written;
    writer_(level, message);
  } else {
    ++window.left_out;
  }
}

void LogRateLimit::flush() {
  const int64_t now = clock_();
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now - it->second.started_ms < window_ms_) {
      ++it;
      continue;
    }
    summarize(it->first, it->second, now);
    it = windows_.erase(it);
  }
}

void LogRateLimit::flush_all() {
  const int64_t now = clock_();
  for (const auto& [key, window] : windows_) summarize(key, window, now);
  windows_.clear();
}

void LogRateLimit::summarize(const std::string& key, const Window& window, int64_t now_ms) {
  if (window.left_out == 0) return;
  const int64_t seconds = std::max<int64_t>(1, (std::min(now_ms - window.started_ms, window_ms_) + 999) / 1000);
  writer_(window.level, key + ": repeated " + std::to_string(window.left_out) + " more times in the last " +
                            std::to_string(seconds) + " s");
}

}  // namespace zpe
