// The storage policy's mark of page checkpoints (connectors/storage_gc.h): blobs only a
// checkpoint names — a stage job's finished pages, waiting for its next attempt — are live
// while the document is in the pipeline, and go once it is finished. The policy end to end
// on a real pipeline run is tests/storage_gc_test.cpp.
#include "connectors/storage_gc.h"

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

namespace zpe {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class StorageGcCheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.root = fs::temp_directory_path() / ("zpe-gc-checkpoints-" + random_hex(4));
    fs::create_directories(home_.blobs());
    auto jobs = JobStore::open(home_.job_store());
    ASSERT_TRUE(jobs) << jobs.error().message;
    jobs_ = std::move(*jobs);
    blobs_ = std::make_unique<BlobStore>(home_.blobs());
  }
  void TearDown() override { fs::remove_all(home_.root); }

  // A blob put three hours ago: past the safety window, removable unless someone needs it.
  std::string old_blob(const std::string& bytes) {
    auto sha = blobs_->put(bytes);
    EXPECT_TRUE(sha);
    fs::last_write_time(blobs_->path_of(*sha), fs::file_time_type::clock::now() - std::chrono::hours(3));
    return *sha;
  }

  StorageGcReport collect() {
    auto report = collect_storage(*jobs_, *blobs_, home_, StoragePolicy{}, now_ms(), false, "test");
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : StorageGcReport{};
  }

  Home home_;
  std::unique_ptr<JobStore> jobs_;
  std::unique_ptr<BlobStore> blobs_;
};

TEST_F(StorageGcCheckpointsTest, StorageGc_KeepsBlobsOfCheckpointsWhileTheDocumentIsInThePipeline) {
  NewDocument doc{new_document_id(), "default", "long.tif", std::string(64, 'a'), {{"source", {{"file", "long.tif"}}}},
                  "ocr", ""};
  ASSERT_TRUE(jobs_->add_document(doc, now_ms(), "test"));
  auto job = jobs_->claim("ocr", "w", now_ms(), 60000);
  ASSERT_TRUE(job && *job);
  const std::string layout = old_blob("the recognised layout of page 1");
  const std::string image = old_blob("page 1 as the PDF stores it");
  const std::string leftover = old_blob("a blob nobody names");
  const PageCheckpoint page{0, "ocr/2", std::string(64, 'b'), {{"layout", layout}, {"image", image}}};
  ASSERT_TRUE(*jobs_->save_page_checkpoint((*job)->lease_id, page, now_ms()));

  collect();
  EXPECT_TRUE(blobs_->contains(layout)) << "the next attempt of the killed job needs it";
  EXPECT_TRUE(blobs_->contains(image));
  EXPECT_FALSE(blobs_->contains(leftover));

  // The document is quarantined: nothing will run its stage again.
  ASSERT_TRUE(jobs_->record_failure((*job)->lease_id, "bad_input", "page 7 unreadable", 3, 1000, now_ms()));
  collect();
  EXPECT_FALSE(blobs_->contains(layout));
  EXPECT_FALSE(blobs_->contains(image));
  auto still_there = jobs_->drop_finished_checkpoints();
  ASSERT_TRUE(still_there);
  EXPECT_EQ(*still_there, 0) << "the policy's run deleted the finished document's checkpoint";
}

}  // namespace
}  // namespace zpe
