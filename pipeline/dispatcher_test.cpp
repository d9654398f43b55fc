#include "pipeline/dispatcher.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/testing_full_disk.h"
#include "pipeline/worker.h"
#include "stages/stage_io.h"

namespace zpe {
namespace {

// The last stage of a one-stage pipeline: writes a blob (as sign writes the signed PDF)
// and files the document for the archive only, so no case-file event is involved.
class BlobWritingStage final : public Stage {
 public:
  std::string_view name() const override { return "sign"; }
  std::string version() const override { return "sign/test"; }
  StageOutcome run(const StageContext& context) override {
    ++runs;
    auto sha = write_blob(context.blobs, "signed PDF of " + context.record.value("document_id", ""), "signed PDF");
    if (!sha) return tl::unexpected(sha.error());
    StageResult result;
    result.patch["pdf"] = {{"sha256", *sha}};
    result.patch["route"] = {{"target", "archive"}, {"destinations", nlohmann::json::array()}, {"case_number", ""}};
    return result;
  }
  std::atomic<int> runs{0};
};

// A dispatcher and one worker in threads over ipc://, on a throw-away home whose blob
// store writes through a FullDisk.
class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.root = std::filesystem::temp_directory_path() / ("zpe-dispatcher-" + random_hex(4));
    const std::string id = random_hex(6);
    auto config = Config::from_text("[dispatcher]\nendpoint = \"ipc:///tmp/zpe-dispatcher-test-" + id +
                                    "\"\nmax_attempts = 2\nheartbeat_ms = 200\n[feed]\nendpoint = \"ipc:///tmp/zpe-feed-test-" +
                                    id + "\"\n[pipeline]\nstages = [\"sign\"]\n");
    ASSERT_TRUE(config) << config.error().message;
    config_ = std::make_unique<Config>(*config);
    ASSERT_TRUE(home_.create(config_->tenants()));
    auto jobs = JobStore::open(home_.job_store());
    ASSERT_TRUE(jobs);
    jobs_ = std::move(*jobs);
    blobs_ = std::make_unique<BlobStore>(home_.blobs(), disk_.writer());
  }
  void TearDown() override {
    stop_.store(true);
    for (auto& t : threads_) t.join();
    std::filesystem::remove_all(home_.root);
  }

  void start() {
    dispatcher_ = std::make_unique<Dispatcher>(*config_, home_, *jobs_, *blobs_, context_);
    ASSERT_TRUE(dispatcher_->bind());
    threads_.emplace_back([this] { dispatcher_->run(stop_); });
    threads_.emplace_back([this] {
      zmq::context_t context;
      WorkerLoop loop(context, WorkerOptions{config_->dispatcher_endpoint(), "test-worker", 5000}, stage_);
      loop.run(stop_);
    });
  }

  std::string add_document() {
    NewDocument doc;
    doc.id = new_document_id();
    doc.tenant = "default";
    doc.source_file = "letter.tif";
    doc.sha256_original = sha256_hex("letter");
    doc.first_stage = "sign";
    doc.record = {{"document_id", doc.id}, {"tenant", "default"}, {"source", {{"file", "letter.tif"}}}};
    EXPECT_TRUE(jobs_->add_document(doc, now_ms(), "test"));
    return doc.id;
  }

  // Waits until `done` holds or timeout_ms passes.
  template <class Predicate>
  bool wait_for(Predicate done, int64_t timeout_ms) {
    const int64_t deadline = now_ms() + timeout_ms;
    while (now_ms() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  Home home_;
  std::unique_ptr<Config> config_;
  std::unique_ptr<JobStore> jobs_;
  testing::FullDisk disk_;
  std::unique_ptr<BlobStore> blobs_;
  zmq::context_t context_;
  std::unique_ptr<Dispatcher> dispatcher_;
  BlobWritingStage stage_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

TEST_F(DispatcherTest, Dispatcher_ANoSpaceWriteSpendsNoAttemptAndTheDocumentFinishesWhenSpaceReturns) {
  testing::LogLines log;
  const std::string id = add_document();
  disk_.set_full(true);
  start();
  // max_attempts is 2: with attempts counted, the third refusal would send it to CLEARING.
  ASSERT_TRUE(wait_for([&] { return stage_.runs.load() >= 3; }, 20000)) << "runs: " << stage_.runs.load();
  auto waiting = jobs_->get(id);
  ASSERT_TRUE(waiting);
  EXPECT_TRUE(waiting->state == "QUEUED" || waiting->state == "RUNNING") << waiting->state << ": " << waiting->reason;
  EXPECT_LE(waiting->attempts, 1);
  EXPECT_EQ(read_no_space_reports(no_space_marker_dir(home_)).size(), 1u) << "zpe status shows the full disk";

  disk_.set_full(false);
  ASSERT_TRUE(wait_for([&] { auto row = jobs_->get(id); return row && row->state == "FILED"; }, 30000))
      << jobs_->get(id)->state << ": " << jobs_->get(id)->reason;
  const auto filed = jobs_->get(id);
  EXPECT_TRUE(blobs_->get(filed->record["pdf"]["sha256"].get<std::string>()));
  auto runs = jobs_->stage_runs(id);
  ASSERT_TRUE(runs);
  int no_space = 0;
  for (const auto& run : *runs) {
    no_space += run.outcome == "no_space";
    EXPECT_EQ(run.attempt, 1) << "a refused try gives its attempt back (" << run.outcome << ")";
  }
  EXPECT_GE(no_space, 3) << "each refused try is in stage_runs";
  EXPECT_EQ(runs->back().outcome, "done");
  EXPECT_TRUE(read_no_space_reports(no_space_marker_dir(home_)).empty());
  // Reported once, not per retry: one line when it started, one when it ended.
  EXPECT_EQ(log.containing("the disk is full").size(), 1u);
  EXPECT_EQ(log.containing("space is back").size(), 1u);
  EXPECT_TRUE(log.containing("failed (no_space)").empty() ||
              log.containing("failed (no_space)").front().rfind("debug", 0) == 0);
  EXPECT_TRUE(log.containing("error ").empty()) << log.containing("error ").front();
}

TEST_F(DispatcherTest, Dispatcher_ThousandsOfMalformedMessagesWriteAFewLinesAndACount) {
  testing::LogLines log;
  start();
  zmq::context_t context;
  zmq::socket_t peer(context, zmq::socket_type::dealer);
  peer.set(zmq::sockopt::linger, 0);
  peer.connect(config_->dispatcher_endpoint());
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(protocol::send_frames(peer, {"not-a-version", "junk " + std::to_string(i)}));
  }
  ASSERT_TRUE(wait_for([&] { return log.containing("ignoring a malformed message").size() >= 5; }, 10000));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the rest arrive and are counted
  stop_.store(true);  // the dispatcher writes what it counted when it stops
  for (auto& t : threads_) t.join();
  threads_.clear();
  EXPECT_EQ(log.containing("ignoring a malformed message").size(), 5u);
  const auto summary = log.containing("malformed messages from workers: repeated");
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_NE(summary[0].find("repeated 2995 more times in the last"), std::string::npos) << summary[0];
  EXPECT_TRUE(summary[0].starts_with("warning ")) << summary[0];
}

TEST_F(DispatcherTest, Dispatcher_EachStateChangeIsOneLineWithTheDocumentAndTenant) {
  testing::LogLines log;
  const std::string id = add_document();
  start();
  ASSERT_TRUE(wait_for([&] { auto row = jobs_->get(id); return row && row->state == "FILED"; }, 20000));
  ASSERT_TRUE(wait_for([&] { return !log.containing(id + " (tenant default) -> FILED").empty(); }, 5000));
  EXPECT_EQ(log.containing("info dispatcher: " + id + " (tenant default) -> RUNNING on test-worker (sign attempt 1)").size(), 1u);
  EXPECT_EQ(log.containing("info document " + id + " (tenant default) -> FILED").size(), 1u);
}

}  // namespace
}  // namespace zpe
