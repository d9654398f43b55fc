#include "pipeline/log_rate_limit.h"

#include <gtest/gtest.h>

namespace zpe {
namespace {

struct Captured {
  int64_t now_ms = 0;
  std::vector<std::string> lines;
  LogRateLimit limit{3, 10000, [this] { return now_ms; },
                     [this](spdlog::level::level_enum, const std::string& line) { lines.push_back(line); }};
};

TEST(LogRateLimit, WritesTheFirstLinesOfAWindowThenOneSummaryWithTheCount) {
  Captured c;
  for (int i = 0; i < 3000; ++i) {
    c.now_ms = i;  // 3000 messages within 3 s
    c.limit.log(spdlog::level::warn, "dispatcher: malformed messages", "malformed message " + std::to_string(i));
  }
  EXPECT_EQ(c.lines, (std::vector<std::string>{"malformed message 0", "malformed message 1", "malformed message 2"}));
  c.now_ms = 9999;
  c.limit.flush();  // the window has not ended yet
  EXPECT_EQ(c.lines.size(), 3u);
  c.now_ms = 10000;
  c.limit.flush();
  ASSERT_EQ(c.lines.size(), 4u);
  EXPECT_EQ(c.lines[3], "dispatcher: malformed messages: repeated 2997 more times in the last 10 s");
  c.limit.flush();  // said once
  EXPECT_EQ(c.lines.size(), 4u);
}

TEST(LogRateLimit, ANewWindowWritesAgainAfterTheSummaryOfTheOldOne) {
  Captured c;
  for (int i = 0; i < 5; ++i) c.limit.log(spdlog::level::warn, "k", "line");
  c.now_ms = 12000;
  c.limit.log(spdlog::level::warn, "k", "line again");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"line", "line", "line", "k: repeated 2 more times in the last 10 s",
                                               "line again"}));
}

TEST(LogRateLimit, KeysAreCountedApartAndQuietKeysNeedNoSummary) {
  Captured c;
  for (int i = 0; i < 4; ++i) c.limit.log(spdlog::level::warn, "a", "a");
  c.limit.log(spdlog::level::warn, "b", "b");
  c.now_ms = 1500;
  c.limit.flush_all();
  EXPECT_EQ(c.lines, (std::vector<std::string>{"a", "a", "a", "b", "a: repeated 1 more times in the last 2 s"}));
}

}  // namespace
}  // namespace zpe
