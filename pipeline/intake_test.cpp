#include "pipeline/intake.h"

#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/testing_full_disk.h"
#include "pipeline/testing_intake_home.h"

namespace zpe {
namespace {

class IntakeTest : public ::testing::Test {
 protected:
  void SetUp() override { intake_ = std::make_unique<Intake>(*config_, home_, *jobs_, *blobs_); }

  std::filesystem::path drop(const std::string& name, const std::string& bytes) {
    auto path = home_.inbox("default") / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  testing::IntakeHome store_;
  Home& home_ = store_.home;
  std::unique_ptr<Config>& config_ = store_.config;
  std::unique_ptr<JobStore>& jobs_ = store_.jobs;
  std::unique_ptr<BlobStore>& blobs_ = store_.blobs;
  std::unique_ptr<Intake> intake_;
};

const std::string kTiffHeader("II*\0\x08\0\0\0", 8);

TEST_F(IntakeTest, SniffsSupportedFormatsByMagicNumber) {
  EXPECT_EQ(*sniff_media_type(kTiffHeader), "image/tiff");
  EXPECT_EQ(*sniff_media_type("\x89PNG\r\n\x1a\n...."), "image/png");
  EXPECT_EQ(*sniff_media_type("\xff\xd8\xff\xe0"), "image/jpeg");
  EXPECT_EQ(*sniff_media_type("%PDF-1.7"), "application/pdf");
  EXPECT_FALSE(sniff_media_type("hello, this is text"));
  EXPECT_FALSE(sniff_media_type(""));
}

TEST_F(IntakeTest, TakesCompleteFileStoresOriginalAndEmptiesInbox) {
  auto path = drop("scan.tif", kTiffHeader + "payload");
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  EXPECT_FALSE(std::filesystem::exists(path));
  auto rows = jobs_->list(std::string("QUEUED"), 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].stage, "prepare");
  auto original = blobs_->get((*rows)[0].sha256_original);
  ASSERT_TRUE(original);
  EXPECT_EQ(*original, kTiffHeader + "payload");
}

TEST_F(IntakeTest, IgnoresPartialAndHiddenNames) {
  drop("scan.tif.part", kTiffHeader);
  drop(".scan.tif", kTiffHeader);
  EXPECT_EQ(intake_->scan_once(now_ms()), 0);
  EXPECT_EQ(Intake::count_waiting(home_, {"default"}), 0);
}

TEST_F(IntakeTest, QuarantinesZeroByteAndTextFilesWithReasons) {
  drop("empty.tif", "");
  drop("notes.tif", "this is not an image\n");
  EXPECT_EQ(intake_->scan_once(now_ms()), 2);
  auto rows = jobs_->list(std::string("QUARANTINED"), 10);
  ASSERT_EQ(rows->size(), 2u);
  int reasons = 0;
  for (const auto& entry : std::filesystem::directory_iterator(home_.quarantine("default"))) {
    if (entry.path().extension() == ".txt") {
      auto text = read_whole_file(entry.path());
      EXPECT_NE(text->find("reason:"), std::string::npos);
      ++reasons;
    }
  }
  EXPECT_EQ(reasons, 2);
}

TEST_F(IntakeTest, ReadsManifestIntoTheRecord) {
  std::ofstream(home_.inbox("default") / "scan.tif.json") << R"({"batch_id":"B-17","hints":{"case_number":"8123456-423"}})";
  drop("scan.tif", kTiffHeader);
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  auto rows = jobs_->list(std::string("QUEUED"), 10);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].record["source"]["manifest"]["batch_id"], "B-17");
  EXPECT_FALSE(std::filesystem::exists(home_.inbox("default") / "scan.tif.json"));
}

TEST_F(IntakeTest, RecordsTheChannelSoRoutingCanTellScansFromUploads) {
  drop("scan.tif", kTiffHeader + "scanned");
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  const auto upload = drop("upload.tif", kTiffHeader + "uploaded");
  ASSERT_TRUE(intake_->ingest(upload, "default", false, "submit", kChannelUpload));
  auto rows = jobs_->list(std::string("QUEUED"), 10);
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& row : *rows) {
    EXPECT_EQ(row.record["source"]["channel"], row.source_file == "scan.tif" ? "scan" : "upload") << row.source_file;
  }
}

TEST_F(IntakeTest, FileIngestedButNotRemovedBeforeCrashIsNotIngestedTwice) {
  auto path = drop("scan.tif", kTiffHeader + "x");
  auto first = intake_->ingest(path, "default", false, "test");  // as if we crashed before removing
  ASSERT_TRUE(first);
  auto second = intake_->ingest(path, "default", true, "intake");
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->document_id, first->document_id);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(IntakeTest, Intake_PausesOnAFullDiskWithOneMessageAndResumesWhenSpaceReturns) {
  testing::FullDisk disk;
  BlobStore blobs(home_.blobs(), disk.writer());
  Intake intake(*config_, home_, *jobs_, blobs);
  testing::LogLines log;
  const auto path = drop("scan.tif", kTiffHeader + "full disk");
  disk.set_full(true);
  int64_t now = 1000000;
  for (int pass = 0; pass < 50; ++pass, now += 100) EXPECT_EQ(intake.scan_once(now), 0);
  EXPECT_TRUE(intake.paused_for_space());
  EXPECT_TRUE(std::filesystem::exists(path)) << "the file waits in the inbox";
  EXPECT_LT(disk.refused(), 10) << "passes during the back-off try no write";
  EXPECT_EQ(read_no_space_reports(no_space_marker_dir(home_)).size(), 1u);
  disk.set_full(false);
  now += NoSpaceWatch::kMaxBackoffMs;
  EXPECT_EQ(intake.scan_once(now), 1);
  EXPECT_FALSE(intake.paused_for_space());
  EXPECT_FALSE(std::filesystem::exists(path));
  auto rows = jobs_->list(std::string("QUEUED"), 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u) << "taken once, nothing lost";
  EXPECT_EQ(*blobs.get((*rows)[0].sha256_original), kTiffHeader + "full disk");
  EXPECT_EQ(log.containing("intake: the disk is full").size(), 1u);
  EXPECT_EQ(log.containing("intake: space is back").size(), 1u);
  EXPECT_TRUE(log.containing("error").empty()) << log.containing("error").front();
  EXPECT_TRUE(read_no_space_reports(no_space_marker_dir(home_)).empty());
}

}  // namespace
}  // namespace zpe
