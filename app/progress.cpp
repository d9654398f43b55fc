#include "app/progress.h"

#include <unistd.h>

namespace zpe::app {

ProgressLine::ProgressLine(std::FILE* out, int64_t plain_interval_ms)
    : out_(out), terminal_(isatty(fileno(out)) == 1), interval_ms_(terminal_ ? 1000 : plain_interval_ms) {}

bool ProgressLine::due(int64_t now_ms) const { return last_ms_ < 0 || now_ms - last_ms_ >= interval_ms_; }

void ProgressLine::update(const std::string& text, int64_t now_ms, bool force) {
  if (!force && !due(now_ms)) return;
  last_ms_ = now_ms;
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%s", text.c_str());  // back to column 0, erase, write
    shown_ = true;
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

void ProgressLine::clear() {
  if (!shown_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
  shown_ = false;
}

void ProgressLine::finish() {
  if (!shown_) return;
  std::fprintf(out_, "\n");
  std::fflush(out_);
  shown_ = false;
}

std::string format_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const long long s = static_cast<long long>(seconds + 0.5);
  char text[48];
  if (s < 60) {
    std::snprintf(text, sizeof text, "%lld s", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof text, "%lld min %02lld s", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
  }
  return text;
}

}  // namespace zpe::app
