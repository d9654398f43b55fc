#include "pipeline/no_space.h"

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/testing_full_disk.h"

namespace zpe {
namespace {

class NoSpaceWatchTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_ = std::filesystem::temp_directory_path() / ("zpe-no-space-" + random_hex(4));
  const Error full_{ErrorKind::kNoSpace, "cannot write /home/var/blobs/ab/cd/x.tmp: No space left on device"};
};

TEST_F(NoSpaceWatchTest, NoSpaceWatch_ReportsAConditionOnceWhenItStartsAndOnceWhenItEnds) {
  testing::LogLines log;
  NoSpaceWatch watch(dir_, "archiver", "archiving waits");
  int64_t now = 1000000;
  for (int i = 0; i < 200; ++i, now += 50) EXPECT_TRUE(watch.note_failure(full_, now));
  EXPECT_TRUE(watch.active());
  const auto reports = read_no_space_reports(dir_);
  ASSERT_EQ(reports.size(), 1u) << "zpe status lists the condition while it lasts";
  EXPECT_EQ(reports[0].name, "archiver");
  EXPECT_EQ(reports[0].message, full_.message);
  watch.note_success(now);
  watch.note_success(now + 10);
  EXPECT_FALSE(watch.active());
  EXPECT_TRUE(read_no_space_reports(dir_).empty()) << "the marker goes when space is back";
  EXPECT_EQ(log.containing("archiver: the disk is full").size(), 1u);
  ASSERT_EQ(log.containing("archiver: space is back").size(), 1u);
  EXPECT_NE(log.containing("archiver: space is back")[0].find("200 write(s) refused"), std::string::npos);
}

TEST_F(NoSpaceWatchTest, NoSpaceWatch_IgnoresOtherErrorsAndBacksOffPerProbeUpToItsLimit) {
  NoSpaceWatch watch(dir_, "intake", "the intake is paused");
  EXPECT_FALSE(watch.note_failure(Error{ErrorKind::kIOError, "cannot write x: Input/output error"}, 0));
  EXPECT_FALSE(watch.active());
  int64_t now = 0;
  ASSERT_TRUE(watch.note_failure(full_, now));
  EXPECT_EQ(watch.backoff_ms(), NoSpaceWatch::kFirstBackoffMs);
  EXPECT_FALSE(watch.may_try(now + 999));
  now += 10;
  EXPECT_TRUE(watch.note_failure(full_, now));  // a second writer during the wait: no doubling
  EXPECT_EQ(watch.backoff_ms(), NoSpaceWatch::kFirstBackoffMs);
  for (int probe = 0; probe < 10; ++probe) {
    now += watch.backoff_ms();
    ASSERT_TRUE(watch.may_try(now));
    watch.note_failure(full_, now);
  }
  EXPECT_EQ(watch.backoff_ms(), NoSpaceWatch::kMaxBackoffMs);
}

TEST_F(NoSpaceWatchTest, NoSpaceWatch_RestartedDuringTheConditionStillReportsItsEnd) {
  {
    NoSpaceWatch before(dir_, "intake", "the intake is paused");
    before.note_failure(full_, 5000);
  }
  testing::LogLines log;
  NoSpaceWatch after(dir_, "intake", "the intake is paused");
  EXPECT_TRUE(after.active()) << "the marker survives a kill -9";
  after.note_success(9000);
  EXPECT_EQ(log.containing("intake: space is back").size(), 1u);
  EXPECT_TRUE(read_no_space_reports(dir_).empty());
}

// /dev/full refuses every write with ENOSPC: the real errno, not a simulated one.
TEST(DurableFile, DurableFile_AFullDiskIsAnErrorOfKindNoSpace) {
  auto appended = append_file_durably("/dev/full", "a line\n");
  ASSERT_FALSE(appended) << "/dev/full accepted a write";
  EXPECT_EQ(appended.error().kind, ErrorKind::kNoSpace) << appended.error().describe();
  EXPECT_EQ(write_error_kind(std::make_error_code(std::errc::no_space_on_device)), ErrorKind::kNoSpace);
  EXPECT_EQ(write_error_kind(std::make_error_code(std::errc::io_error)), ErrorKind::kIOError);
}

}  // namespace
}  // namespace zpe
