// Page checkpoints in the job store (pipeline/job_store_checkpoints.cpp): fenced by lease,
// handed to the next attempt by claim(), deleted when the stage completes or the document
// is finished, and visible to the storage policy while the document is in the pipeline.
#include <filesystem>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"

namespace zpe {
namespace {

using nlohmann::json;

const std::vector<std::string> kStages = {"prepare", "ocr", "route"};
const std::string kInput(64, 'b');

class JobStoreCheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-checkpoints-" + random_hex(4));
    std::filesystem::create_directories(dir_);
    auto store = JobStore::open(dir_ / "jobs.sqlite");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A new document, leased for `stage` at t ms (it must be that document's next stage).
  Job add_and_claim(const std::string& stage, int64_t t) {
    NewDocument doc{new_document_id(), "default", "long.tif", std::string(64, 'a'),
                    {{"source", {{"file", "long.tif"}}}}, stage, ""};
    EXPECT_TRUE(store_->add_document(doc, t, "test"));
    auto job = store_->claim(stage, "w", t, 10000);
    EXPECT_TRUE(job && *job);
    return **job;
  }

  static PageCheckpoint page(int64_t index) {
    return {index, "ocr/2", kInput, {{"layout", std::string(64, 'c')}, {"page", index}}};
  }

  int live_checkpoints() {
    int count = 0;
    EXPECT_TRUE(store_->for_each_live_checkpoint([&](const json&) -> Status {
      ++count;
      return {};
    }));
    return count;
  }

  std::filesystem::path dir_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(JobStoreCheckpointsTest, JobStore_CheckpointOfALostLeaseIsRefusedAndTheNextAttemptGetsTheRecordedPages) {
  const Job first = add_and_claim("ocr", 2000);
  EXPECT_TRUE(first.checkpoints.empty());
  EXPECT_TRUE(*store_->save_page_checkpoint(first.lease_id, page(0), 3000));
  EXPECT_TRUE(*store_->save_page_checkpoint(first.lease_id, page(1), 4000));
  EXPECT_TRUE(*store_->save_page_checkpoint(first.lease_id, page(1), 4500)) << "a page saved twice is replaced";

  auto expired = store_->expire_leases(13000, 3);  // no heartbeat since 4000: the worker was killed
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  auto late = store_->save_page_checkpoint(first.lease_id, page(2), 13000);
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late) << "a worker that no longer holds the lease must not record pages";

  auto retry = store_->claim("ocr", "w2", 14000, 10000);
  ASSERT_TRUE(retry && *retry);
  EXPECT_EQ((*retry)->attempt, 2);
  ASSERT_EQ((*retry)->checkpoints.size(), 2u);
  EXPECT_EQ((*retry)->checkpoints[0].page_index, 0);
  EXPECT_EQ((*retry)->checkpoints[1].page_index, 1);
  EXPECT_EQ((*retry)->checkpoints[1].stage_version, "ocr/2");
  EXPECT_EQ((*retry)->checkpoints[1].input_sha256, kInput);
  EXPECT_EQ((*retry)->checkpoints[1].result, page(1).result);
}

TEST_F(JobStoreCheckpointsTest, JobStore_CompletingTheStageDeletesItsCheckpoints) {
  const Job job = add_and_claim("prepare", 2000);
  EXPECT_TRUE(*store_->save_page_checkpoint(job.lease_id, page(0), 2500));
  EXPECT_EQ(live_checkpoints(), 1);
  Completion done{job.lease_id, "w", json::object(), "prepare/2", std::nullopt, 3000};
  ASSERT_TRUE(*store_->complete(done, kStages, [](const json&, const std::string& id) { return json{{"event_id", id}}; }));
  EXPECT_EQ(live_checkpoints(), 0);
  auto next = store_->claim("ocr", "w", 4000, 10000);
  ASSERT_TRUE(next && *next);
  EXPECT_TRUE((*next)->checkpoints.empty());
}

TEST_F(JobStoreCheckpointsTest, JobStore_OnlyCheckpointsOfDocumentsInThePipelineAreLive) {
  const Job running = add_and_claim("ocr", 2000);
  const Job quarantined = add_and_claim("ocr", 2000);
  EXPECT_TRUE(*store_->save_page_checkpoint(running.lease_id, page(0), 2500));
  EXPECT_TRUE(*store_->save_page_checkpoint(quarantined.lease_id, page(0), 2500));
  EXPECT_TRUE(*store_->save_page_checkpoint(quarantined.lease_id, page(1), 2500));
  ASSERT_TRUE(store_->record_failure(quarantined.lease_id, "bad_input", "page 3 unreadable", 3, 1000, 3000));
  EXPECT_EQ(live_checkpoints(), 1);
  auto dropped = store_->drop_finished_checkpoints();
  ASSERT_TRUE(dropped);
  EXPECT_EQ(*dropped, 2);
  EXPECT_EQ(live_checkpoints(), 1);
}

TEST_F(JobStoreCheckpointsTest, JobStore_RefusesAPageIndexOutOfRange) {
  const Job job = add_and_claim("ocr", 2000);
  EXPECT_FALSE(store_->save_page_checkpoint(job.lease_id, page(-1), 2500));
  EXPECT_FALSE(store_->save_page_checkpoint(job.lease_id, page(JobStore::kMaxCheckpointPages), 2500));
}

}  // namespace
}  // namespace zpe
