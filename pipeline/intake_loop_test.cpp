#include "pipeline/intake_loop.h"

#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/intake.h"
#include "pipeline/testing_intake_home.h"

namespace zpe {
namespace {

// The stable-size wait and the scan interval are ten minutes: a file taken within a test's
// bounds was taken because of an inotify event, never because it sat still long enough.
constexpr const char* kSlowScanConfig =
    "[intake]\nstable_ms = 600000\nscan_interval_ms = 600000\nclose_settle_ms = 300\n";
// Far above what a round needs even on a loaded machine, far below the ten minutes.
constexpr int64_t kRoundBoundMs = 30000;
const std::string kTiff = std::string("II*\0\x08\0\0\0", 8) + "one page";

class IntakeLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    intake_ = std::make_unique<Intake>(*store_.config, store_.home, *store_.jobs, *store_.blobs);
    loop_ = std::make_unique<IntakeLoop>(std::vector<WatchedInbox*>{intake_.get()},
                                         store_.config->intake_scan_interval_ms());
    ASSERT_TRUE(loop_->watching()) << "inotify is unavailable on this machine (fs.inotify.max_user_instances?)";
    EXPECT_EQ(loop_->run_once(0), 0);  // watches the inbox
  }

  std::filesystem::path inbox() const { return store_.home.inbox("default"); }

  // Rounds until one takes a file or kRoundBoundMs pass; returns the files taken.
  int run_until_taken() {
    const int64_t deadline = now_ms() + kRoundBoundMs;
    int taken = 0;
    while (taken == 0 && now_ms() < deadline) taken = loop_->run_once(deadline - now_ms());
    return taken;
  }

  testing::IntakeHome store_{kSlowScanConfig};
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<IntakeLoop> loop_;
};

TEST_F(IntakeLoopTest, TakesAFileRenamedIntoTheInboxWithoutTheStableSizeWait) {
  const auto part = inbox() / ".letter.tif.part";
  std::ofstream(part, std::ios::binary) << kTiff;  // closed after writing, but hidden
  EXPECT_EQ(loop_->run_once(200), 0);
  EXPECT_TRUE(std::filesystem::exists(part));

  const int64_t renamed = now_ms();
  std::filesystem::rename(part, inbox() / "letter.tif");
  EXPECT_EQ(loop_->run_once(kRoundBoundMs), 1);  // the very round the rename woke
  EXPECT_LT(now_ms() - renamed, kRoundBoundMs);
  EXPECT_FALSE(std::filesystem::exists(inbox() / "letter.tif"));
  auto queued = store_.jobs->list(std::string("QUEUED"), 10);
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].source_file, "letter.tif");
}

TEST_F(IntakeLoopTest, DoesNotTakeAFileStillBeingWrittenAndTakesItSoonAfterItsClose) {
  const auto path = inbox() / "direct.tif";
  {
    std::ofstream writer(path, std::ios::binary);
    writer << kTiff.substr(0, 4);
    writer.flush();
    for (int round = 0; round < 3; ++round) EXPECT_EQ(loop_->run_once(200), 0);
    writer << kTiff.substr(4);
    writer.flush();
    EXPECT_EQ(loop_->run_once(200), 0);
    EXPECT_TRUE(std::filesystem::exists(path));
  }  // closed
  // The close wakes the loop, but the file must stay unchanged for close_settle_ms first.
  EXPECT_EQ(loop_->run_once(kRoundBoundMs), 0);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(run_until_taken(), 1);
  EXPECT_FALSE(std::filesystem::exists(path));
  auto queued = store_.jobs->list(std::string("QUEUED"), 10);
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  auto original = store_.blobs->get((*queued)[0].sha256_original);
  ASSERT_TRUE(original);
  EXPECT_EQ(*original, kTiff);  // all of it, not what was there before the close
}

TEST_F(IntakeLoopTest, WatchesAnInboxFolderMadeAnewAfterItWasRemoved) {
  std::filesystem::remove_all(inbox());
  std::filesystem::create_directories(inbox());
  EXPECT_EQ(loop_->run_once(0), 0);  // watches the new folder
  std::ofstream(inbox() / ".again.tif.part", std::ios::binary) << kTiff;
  std::filesystem::rename(inbox() / ".again.tif.part", inbox() / "again.tif");
  EXPECT_EQ(run_until_taken(), 1);
}

}  // namespace
}  // namespace zpe
