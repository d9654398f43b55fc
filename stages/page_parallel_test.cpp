#include "stages/page_parallel.h"

#include <atomic>
#include <chrono>
#include <new>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace zpe {
namespace {

TEST(PageParallel, WorksEveryPageOnceAndNeverOneLaneTwiceAtATime) {
  constexpr std::size_t kPages = 200;
  std::vector<std::atomic<int>> runs(kPages);
  std::vector<std::atomic<bool>> lane_busy(3);
  std::atomic<bool> lane_overlap{false};
  std::set<int> lanes_seen;
  std::mutex seen_mutex;
  const auto failed = for_each_page(kPages, 3, [&](std::size_t index, int lane) -> std::optional<StageFailure> {
    if (lane_busy[lane].exchange(true)) lane_overlap = true;
    ++runs[index];
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    {
      std::lock_guard lock(seen_mutex);
      lanes_seen.insert(lane);
    }
    lane_busy[lane] = false;
    return std::nullopt;
  });
  EXPECT_FALSE(failed);
  for (std::size_t i = 0; i < kPages; ++i) EXPECT_EQ(runs[i].load(), 1) << "page " << i;
  EXPECT_FALSE(lane_overlap.load());
  for (int lane : lanes_seen) EXPECT_TRUE(lane >= 0 && lane < 3) << lane;
  EXPECT_GE(lanes_seen.size(), 2u);  // 200 pages of 0.2 ms: more than one thread got work
}

TEST(PageParallel, UsesNoMoreLanesThanPages) {
  std::atomic<int> highest_lane{-1};
  for_each_page(1, 8, [&](std::size_t, int lane) -> std::optional<StageFailure> {
    highest_lane = std::max(highest_lane.load(), lane);
    return std::nullopt;
  });
  EXPECT_EQ(highest_lane.load(), 0);
  EXPECT_FALSE(for_each_page(0, 4, [](std::size_t, int) -> std::optional<StageFailure> { return std::nullopt; }));
}

TEST(PageParallel, ReturnsTheFailureOfTheLowestFailedPageAndStartsNoMorePages) {
  std::atomic<int> started{0};
  const auto failed = for_each_page(1000, 2, [&](std::size_t index, int) -> std::optional<StageFailure> {
    ++started;
    if (index == 3 || index == 4) return StageFailure{FailureKind::kBadInput, "page " + std::to_string(index + 1)};
    return std::nullopt;
  });
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->kind, FailureKind::kBadInput);
  EXPECT_EQ(failed->reason, "page 4");
  EXPECT_LT(started.load(), 1000);
}

TEST(PageParallel, RethrowsAWorkersExceptionInTheCallingThread) {
  EXPECT_THROW(for_each_page(50, 2,
                             [](std::size_t index, int) -> std::optional<StageFailure> {
                               if (index == 7) throw std::bad_alloc();
                               return std::nullopt;
                             }),
               std::bad_alloc);
}

TEST(PageParallel, ReadsPageThreadsFromTheSettings) {
  EXPECT_EQ(*page_threads_setting(nlohmann::json::object()), 2);
  EXPECT_EQ(*page_threads_setting({{"page_threads", 4}}), 4);
  EXPECT_FALSE(page_threads_setting({{"page_threads", 0}}));
  EXPECT_FALSE(page_threads_setting({{"page_threads", "many"}}));
}

}  // namespace
}  // namespace zpe
