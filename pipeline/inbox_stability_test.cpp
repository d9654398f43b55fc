#include "pipeline/inbox_stability.h"

#include <gtest/gtest.h>

namespace zpe {
namespace {

using Clock = std::filesystem::file_time_type::clock;
const std::filesystem::path kFile = "/inbox/default/scan.tif";
constexpr int64_t kStableMs = 60000;
constexpr int64_t kSettleMs = 500;

TEST(InboxStabilityTest, WithoutHintWaitsForTheStableTime) {
  InboxStability stability(kStableMs, kSettleMs);
  const auto mtime = Clock::now();
  EXPECT_FALSE(stability.is_complete(kFile, 100, mtime, 1000));
  EXPECT_FALSE(stability.is_complete(kFile, 100, mtime, 1000 + kStableMs - 1));
  EXPECT_TRUE(stability.is_complete(kFile, 100, mtime, 1000 + kStableMs));
}

TEST(InboxStabilityTest, RenamedInIsCompleteAtTheFirstLook) {
  InboxStability stability(kStableMs, kSettleMs);
  stability.note({kFile, InboxEventKind::kRenamedIn}, 1000);
  EXPECT_TRUE(stability.is_complete(kFile, 100, Clock::now(), 1001));
}

TEST(InboxStabilityTest, ClosedAfterWriteIsCompleteOnceUnchangedForTheSettleTime) {
  InboxStability stability(kStableMs, kSettleMs);
  const auto mtime = Clock::now();
  stability.note({kFile, InboxEventKind::kClosedAfterWrite}, 1000);
  EXPECT_FALSE(stability.is_complete(kFile, 100, mtime, 1000));
  EXPECT_EQ(stability.next_check_ms(1000), 1000 + kSettleMs);
  EXPECT_FALSE(stability.is_complete(kFile, 100, mtime, 1000 + kSettleMs - 1));
  EXPECT_TRUE(stability.is_complete(kFile, 100, mtime, 1000 + kSettleMs));
}

TEST(InboxStabilityTest, FileWrittenAgainAfterItsCloseFallsBackToTheStableTime) {
  InboxStability stability(kStableMs, kSettleMs);
  const auto mtime = Clock::now();
  stability.note({kFile, InboxEventKind::kClosedAfterWrite}, 1000);
  EXPECT_FALSE(stability.is_complete(kFile, 100, mtime, 1000));
  // Opened again and appended to: the close no longer says it is complete.
  const auto later = mtime + std::chrono::milliseconds(200);
  EXPECT_FALSE(stability.is_complete(kFile, 200, later, 1200));
  EXPECT_FALSE(stability.is_complete(kFile, 200, later, 1200 + kSettleMs));
  EXPECT_FALSE(stability.next_check_ms(1200 + kSettleMs));
  // Its next close brings a new hint.
  stability.note({kFile, InboxEventKind::kClosedAfterWrite}, 2000);
  EXPECT_FALSE(stability.is_complete(kFile, 200, later, 2000));
  EXPECT_TRUE(stability.is_complete(kFile, 200, later, 2000 + kSettleMs));
}

TEST(InboxStabilityTest, ALaterEventReplacesTheEarlierHint) {
  InboxStability stability(kStableMs, kSettleMs);
  const auto mtime = Clock::now();
  stability.note({kFile, InboxEventKind::kRenamedIn}, 1000);
  // Opened for writing after the rename, then closed: it must settle like any closed file.
  stability.note({kFile, InboxEventKind::kClosedAfterWrite}, 1000);
  EXPECT_FALSE(stability.is_complete(kFile, 100, mtime, 1000));
  EXPECT_TRUE(stability.is_complete(kFile, 100, mtime, 1000 + kSettleMs));
}

TEST(InboxStabilityTest, NextCheckDropsHintsWhoseFileWentAway) {
  InboxStability stability(kStableMs, kSettleMs);
  stability.note({kFile, InboxEventKind::kClosedAfterWrite}, 1000);
  stability.note({"/inbox/default/other.tif", InboxEventKind::kRenamedIn}, 1000);
  // Nothing looked at either file (both were removed before the scan).
  EXPECT_EQ(stability.next_check_ms(1000), 1000 + kSettleMs);
  EXPECT_FALSE(stability.next_check_ms(1000 + kSettleMs));
}

}  // namespace
}  // namespace zpe
