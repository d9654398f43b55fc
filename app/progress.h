// Progress of a long command (`zpe run --until-idle`, `zpe submit` of many files) on stderr.
// On a terminal: one status line rewritten in place, at most once a second. Otherwise (a
// log file, a CI job): a plain line every `plain_interval_ms` (10 s), so logs stay short.
// Other output interleaves cleanly when the caller calls clear() before printing it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace zpe::app {

class ProgressLine {
 public:
  explicit ProgressLine(std::FILE* out = stderr, int64_t plain_interval_ms = 10000);
  ~ProgressLine() { finish(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool on_terminal() const { return terminal_; }
  // Whether update() would print now: lets callers skip gathering figures between lines.
  bool due(int64_t now_ms) const;
  // Prints `text` when due (or always with `force`).
  void update(const std::string& text, int64_t now_ms, bool force = false);
  // Takes the in-place line off the terminal so that other output starts on a clean line.
  void clear();
  // Leaves the last line standing (terminal) and stops.
  void finish();

 private:
  std::FILE* out_;
  bool terminal_;
  int64_t interval_ms_;
  int64_t last_ms_ = -1;
  bool shown_ = false;  // an in-place line is on the terminal
};

// "45 s", "3 min 20 s", "2 h 05 min".
std::string format_duration(double seconds);

}  // namespace zpe::app
