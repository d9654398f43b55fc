#include "pipeline/dispatcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "connectors/casefile_event.h"
#include "connectors/casefile_sink.h"
#include "pipeline/durable_file.h"
#include "pipeline/testing_full_disk.h"
#include "pipeline/worker.h"
#include "stages/page_checkpoints.h"
#include "stages/stage_io.h"

namespace zpe {
namespace {

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

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
                                    "\"\nmax_attempts = 2\nheartbeat_ms = 200\n" + extra_dispatcher_keys_ + "[feed]\nendpoint = \"ipc:///tmp/zpe-feed-test-" +
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
    start_dispatcher();
    start_worker(stage_);
  }
  void start_dispatcher() {
    dispatcher_ = std::make_unique<Dispatcher>(*config_, home_, *jobs_, *blobs_, context_);
    ASSERT_TRUE(dispatcher_->bind());
    threads_.emplace_back([this] { dispatcher_->run(stop_); });
  }
  void start_worker(Stage& stage) {
    threads_.emplace_back([this, &stage] {
      zmq::context_t context;
      WorkerLoop loop(context, WorkerOptions{config_->dispatcher_endpoint(), "test-worker", 5000}, stage);
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

  std::string extra_dispatcher_keys_;  // more [dispatcher] keys, one a line (set before SetUp)
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

// A stage of five pages, each written as a blob and recorded as a page checkpoint through
// stages/page_checkpoints.h; with kill_at set, the worker's process sends itself SIGKILL as
// it starts that page: a kill -9 in the middle of a long document.
class FivePageStage final : public Stage {
 public:
  static constexpr int kPages = 5;
  explicit FivePageStage(std::optional<int> kill_at = std::nullopt) : kill_at_(kill_at) {}
  std::string_view name() const override { return "sign"; }
  std::string version() const override { return "sign/pages-test"; }
  StageOutcome run(const StageContext& context) override {
    ResumablePages resumable(context, "sign", version(), kPages);
    nlohmann::json pages = nlohmann::json::array();
    for (int i = 0; i < kPages; ++i) {
      auto page = resumable.page(i, "page " + std::to_string(i), [&]() -> StageValue<nlohmann::json> {
        if (kill_at_ && i == *kill_at_) raise(SIGKILL);
        ++worked;
        auto sha = write_blob(context.blobs, "page " + std::to_string(i) + " of " + context.record.value("document_id", ""),
                              "page");
        if (!sha) return tl::unexpected(sha.error());
        return nlohmann::json{{"blob", *sha}};
      });
      if (!page) return tl::unexpected(page.error());
      pages.push_back((*page)["blob"]);
    }
    StageResult result;
    result.patch["page_blobs"] = pages;
    result.patch["route"] = {{"target", "archive"}, {"destinations", nlohmann::json::array()}, {"case_number", ""}};
    return result;
  }
  std::atomic<int> worked{0};

 private:
  std::optional<int> kill_at_;
};

class DispatcherCheckpointTest : public DispatcherTest {
 protected:
  DispatcherCheckpointTest() { extra_dispatcher_keys_ = "lease_ms = 1500\n"; }
};

// A real kill -9 of a worker process after 3 of 5 pages: the lease runs out, the retry on
// another worker gets the 3 recorded pages with its JOB and works only the other 2; the
// document is filed with the pages an uninterrupted run gives, and its checkpoints are gone.
TEST_F(DispatcherCheckpointTest, Dispatcher_RetryAfterAKillNineWorksOnlyThePagesNotRecorded) {
  const std::string id = add_document();
  const pid_t child = fork();
  if (child == 0) {
    zmq::context_t context;
    FivePageStage dying(3);
    WorkerLoop loop(context, WorkerOptions{config_->dispatcher_endpoint(), "dying-worker", 5000}, dying);
    std::atomic<bool> never{false};
    loop.run(never);
    _exit(0);
  }
  start_dispatcher();
  int status = 0;
  const bool ended = wait_for([&] { return waitpid(child, &status, WNOHANG) == child; }, 20000);
  if (!ended) kill(child, SIGKILL);
  ASSERT_TRUE(ended) << "the worker was not killed at page 4";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  FivePageStage retry;
  start_worker(retry);
  ASSERT_TRUE(wait_for([&] { auto row = jobs_->get(id); return row && row->state == "FILED"; }, 30000))
      << jobs_->get(id)->state << ": " << jobs_->get(id)->reason;
  stop_.store(true);  // the store is read below without the dispatcher's thread using it
  for (auto& t : threads_) t.join();
  threads_.clear();
  EXPECT_EQ(retry.worked.load(), 2) << "pages 1-3 were recorded before the kill; only pages 4 and 5 are worked again";
  const auto filed = jobs_->get(id);
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->record["page_blobs"].size(), 5u);
  for (int i = 0; i < FivePageStage::kPages; ++i) {
    EXPECT_EQ(filed->record["page_blobs"][i], sha256_hex("page " + std::to_string(i) + " of " + id)) << i;
  }
  auto runs = jobs_->stage_runs(id);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ(runs->front().outcome, "lost");
  int live = 0;
  EXPECT_TRUE(jobs_->for_each_live_checkpoint([&](const nlohmann::json&) -> Status {
    ++live;
    return {};
  }));
  EXPECT_EQ(live, 0) << "the stage completed: its checkpoints are deleted";
}

// CHECKPOINT is fenced by lease and bounded in size (docs/PROTOCOL.md).
TEST_F(DispatcherCheckpointTest, Dispatcher_RefusesACheckpointOfALeaseNotHeldAndAnOversizedOne) {
  const std::string id = add_document();
  auto job = jobs_->claim("sign", "w", now_ms(), 60000);
  ASSERT_TRUE(job && *job);
  start_dispatcher();
  zmq::context_t context;
  DispatcherChannel channel(context, config_->dispatcher_endpoint(), 5000);
  const std::string input(64, 'b');
  RemotePageCheckpoints held(channel, (*job)->lease_id, nlohmann::json::array());
  EXPECT_TRUE(held.save(0, "sign/1", input, {{"blob", std::string(64, 'c')}}));
  RemotePageCheckpoints stale(channel, "L-not-a-lease", nlohmann::json::array());
  auto refused = stale.save(1, "sign/1", input, {{"blob", std::string(64, 'c')}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kConflict) << refused.error().message;
  auto oversized = held.save(2, "sign/1", input, {{"junk", std::string(protocol::kMaxCheckpointBytes, 'x')}});
  ASSERT_FALSE(oversized);
  EXPECT_NE(oversized.error().kind, ErrorKind::kConflict);
  EXPECT_NE(oversized.error().message.find("at most 16384 bytes"), std::string::npos) << oversized.error().message;
  auto out_of_range = held.save(JobStore::kMaxCheckpointPages, "sign/1", input, {{"blob", std::string(64, 'c')}});
  EXPECT_FALSE(out_of_range);
  stop_.store(true);
  for (auto& t : threads_) t.join();
  threads_.clear();
  auto retry = jobs_->expire_leases(now_ms() + 120000, 3);
  ASSERT_TRUE(retry);
  auto next = jobs_->claim("sign", "w", now_ms() + 120000, 60000);
  ASSERT_TRUE(next && *next);
  EXPECT_EQ((*next)->document_id, id);
  ASSERT_EQ((*next)->checkpoints.size(), 1u) << "only the held lease's page was recorded";
  EXPECT_EQ((*next)->checkpoints[0].page_index, 0);
}

// The same dispatcher with CURVE on 127.0.0.1 (CURVE is enforced on loopback too when
// configured): a worker or consumer whose public key is listed works, one with another key
// (or none) is refused by the ZAP handler and gets nothing.
class DispatcherCurveTest : public DispatcherTest {
 protected:
  void SetUp() override {
    DispatcherTest::SetUp();
    for (const char* name : {"dispatcher", "worker", "sink", "stranger"}) {
      auto pair = make_curve_key_pair();
      ASSERT_TRUE(pair) << pair.error().message;
      ASSERT_TRUE(write_curve_key_pair(*pair, home_.root / "keys", name, name));
      pairs_[name] = *pair;
    }
    std::filesystem::create_directories(home_.root / "keys" / "workers");
    std::filesystem::copy_file(home_.root / "keys" / "worker.pub", home_.root / "keys" / "workers" / "ocr-b.pub");
    std::filesystem::create_directories(home_.root / "keys" / "consumers");
    std::filesystem::copy_file(home_.root / "keys" / "sink.pub", home_.root / "keys" / "consumers" / "case-system.pub");
    const std::string workers = "tcp://127.0.0.1:" + std::to_string(free_loopback_port());
    const std::string feed = "tcp://127.0.0.1:" + std::to_string(free_loopback_port());
    auto config = Config::from_text(
        "[dispatcher]\nendpoint = \"" + workers + "\"\nheartbeat_ms = 200\n"
        "curve_server_secret_key = \"keys/dispatcher.key\"\ncurve_authorized_keys = \"keys/workers\"\n"
        "curve_client_secret_key = \"keys/worker.key\"\ncurve_server_public_key = \"keys/dispatcher.pub\"\n"
        "[feed]\nendpoint = \"" + feed + "\"\n"
        "curve_server_secret_key = \"keys/dispatcher.key\"\ncurve_authorized_keys = \"keys/consumers\"\n"
        "curve_client_secret_key = \"keys/sink.key\"\ncurve_server_public_key = \"keys/dispatcher.pub\"\n"
        "[pipeline]\nstages = [\"sign\"]\n");
    ASSERT_TRUE(config) << config.error().message;
    config_ = std::make_unique<Config>(*config);
  }

  // Stops and joins every thread; a test calls it before its LogLines goes, so no thread
  // logs while the logger's sinks change.
  void stop_all() {
    stop_.store(true);
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  void start_dispatcher() {
    dispatcher_ = std::make_unique<Dispatcher>(*config_, home_, *jobs_, *blobs_, context_);
    auto bound = dispatcher_->bind();
    ASSERT_TRUE(bound) << bound.error().message;
    threads_.emplace_back([this] { dispatcher_->run(stop_); });
  }

  // A worker in a thread of its own, with `security` (the listed key, another, or none).
  void start_worker(ClientLinkSecurity security, BlobWritingStage& stage, const std::string& name) {
    threads_.emplace_back([this, security, &stage, name] {
      zmq::context_t context;
      WorkerLoop loop(context, WorkerOptions{config_->dispatcher_endpoint(), name, 5000}, stage, security);
      loop.run(stop_);
    });
  }

  ClientLinkSecurity client_keys(const std::string& own) {
    return CurveClientKeys{pairs_[own], pairs_["dispatcher"].public_key};
  }

  std::map<std::string, CurveKeyPair> pairs_;
};

TEST_F(DispatcherCurveTest, Curve_AWorkerWithAListedKeyCompletesAJob) {
  const std::string id = add_document();
  start_dispatcher();
  // The worker's keys as `zpe worker` reads them from the config.
  auto security = client_link_security(*config_, home_, Link::kDispatcher, config_->dispatcher_endpoint());
  ASSERT_TRUE(security) << security.error().message;
  ASSERT_TRUE(*security) << "the config sets CURVE keys";
  BlobWritingStage stage;
  start_worker(*security, stage, "listed-worker");
  ASSERT_TRUE(wait_for([&] { auto row = jobs_->get(id); return row && row->state == "FILED"; }, 15000))
      << jobs_->get(id)->state;
  EXPECT_EQ(stage.runs.load(), 1);
  EXPECT_TRUE(blobs_->get(jobs_->get(id)->record["pdf"]["sha256"].get<std::string>()))
      << "the stage's blob PUT went over the CURVE link";
}

TEST_F(DispatcherCurveTest, Curve_AWorkerWithAnUnknownKeyOrNoKeyIsRefusedAndGetsNoJob) {
  testing::LogLines log;
  const std::string id = add_document();
  start_dispatcher();
  BlobWritingStage stranger_stage, plain_stage;
  start_worker(client_keys("stranger"), stranger_stage, "stranger-worker");
  start_worker(std::nullopt, plain_stage, "plain-worker");
  // Both keep reconnecting (every 100 ms); give them 3 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  stop_all();
  EXPECT_EQ(stranger_stage.runs.load() + plain_stage.runs.load(), 0);
  auto row = jobs_->get(id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, "QUEUED") << "no job was leased";
  EXPECT_EQ(row->attempts, 0);
  const auto refusals = log.containing("ZAP: refused a worker");
  ASSERT_EQ(refusals.size(), 1u) << "logged once however often the worker retries";
  EXPECT_NE(refusals[0].find(pairs_["stranger"].public_key), std::string::npos) << refusals[0];
  EXPECT_EQ(log.containing("still refusing").size(), 0u);
  EXPECT_EQ(log.containing("worker stranger-worker: the dispatcher at").size(), 1u) << "the worker says it was refused";
  EXPECT_TRUE(log.containing("-> stranger-worker").empty());
  EXPECT_TRUE(log.containing("-> plain-worker").empty());
}

TEST_F(DispatcherCurveTest, Curve_TheFeedDeliversToAListedConsumerOnly) {
  // A document filed into a case, so its event waits in the outbox.
  NewDocument doc{new_document_id(), "default", "letter.tif", sha256_hex("letter"), {}, "route", ""};
  doc.record = {{"document_id", doc.id}, {"tenant", "default"}};
  ASSERT_TRUE(jobs_->add_document(doc, now_ms(), "test"));
  const std::string id = doc.id;
  const auto pdf = *blobs_->put("%PDF-1.7 curve");
  auto job = jobs_->claim("route", "w", now_ms(), 60000);
  ASSERT_TRUE(job && *job);
  const nlohmann::json patch = {{"route", {{"target", "casefile"}, {"case_number", "8123456-423"}}},
                                {"pdf", {{"sha256", pdf}, {"size", 14}}}};
  ASSERT_TRUE(*jobs_->complete({(*job)->lease_id, "w", patch, "route/1", std::nullopt, now_ms()}, {"route"},
                               build_filed_event));
  testing::LogLines log;
  start_dispatcher();
  const auto out_stranger = home_.root / "stranger-casefiles";
  const auto out_listed = home_.root / "casefiles";
  std::filesystem::create_directories(out_stranger);
  std::filesystem::create_directories(out_listed);
  std::thread stranger([&] {
    zmq::context_t context;
    CasefileSink sink(context, config_->feed_endpoint(), out_stranger, "stranger-sink", {},
                      CurveClientKeys{pairs_["stranger"], pairs_["dispatcher"].public_key});
    sink.run(stop_);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto pdf_file = [&](const std::filesystem::path& out) { return out / "default" / "8123456-423" / (id + ".pdf"); };
  EXPECT_FALSE(std::filesystem::exists(pdf_file(out_stranger)));
  EXPECT_EQ(log.containing("ZAP: refused a case-file consumer").size(), 1u);

  auto security = client_link_security(*config_, home_, Link::kFeed, config_->feed_endpoint());
  ASSERT_TRUE(security && *security);
  std::thread listed([&] {
    zmq::context_t context;
    CasefileSink sink(context, config_->feed_endpoint(), out_listed, "listed-sink", {}, *security);
    sink.run(stop_);
  });
  const bool delivered = wait_for([&] { return std::filesystem::exists(pdf_file(out_listed)); }, 15000);
  stop_.store(true);
  stranger.join();
  listed.join();
  stop_all();
  EXPECT_TRUE(delivered);
  EXPECT_FALSE(std::filesystem::exists(pdf_file(out_stranger)));
}

TEST_F(DispatcherCurveTest, Curve_ANonLoopbackEndpointWithoutKeysFailsAtStartUp) {
  auto config = Config::from_text("[dispatcher]\nendpoint = \"tcp://192.0.2.10:5555\"\n");
  ASSERT_TRUE(config);
  Dispatcher dispatcher(*config, home_, *jobs_, *blobs_, context_);
  auto bound = dispatcher.bind();
  ASSERT_FALSE(bound) << "refused before anything is bound";
  EXPECT_EQ(bound.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(bound.error().message.find("[dispatcher] curve_server_secret_key"), std::string::npos) << bound.error().message;
  EXPECT_NE(bound.error().message.find("zpe keygen"), std::string::npos);
}

}  // namespace
}  // namespace zpe
