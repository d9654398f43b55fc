#include "pipeline/worker.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/protocol.h"

namespace zpe {
namespace {

// A stage that never finishes in time: what a decoder hung on a malformed file looks like.
class HangingStage final : public Stage {
 public:
  std::string_view name() const override { return "prepare"; }
  std::string version() const override { return "prepare/test"; }
  StageOutcome run(const StageContext&) override {
    std::this_thread::sleep_for(std::chrono::seconds(60));
    return StageResult{};
  }
};

// The worker runs in a child process (it ends its process on purpose); this test plays the
// dispatcher on a ROUTER socket.
TEST(WorkerLoop, WorkerLoop_GivesUpAJobPastMaxJobMsAsBadInputAndExits) {
  const std::string endpoint = "ipc:///tmp/zpe-worker-test-" + random_hex(6);
  zmq::context_t context;
  zmq::socket_t router(context, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.bind(endpoint);
  const pid_t child = fork();
  if (child == 0) {
    zmq::context_t worker_context;
    HangingStage stage;
    WorkerLoop loop(worker_context, WorkerOptions{endpoint, "test-worker", 5000}, stage);
    std::atomic<bool> stop{false};
    loop.run(stop);
    _exit(0);
  }
  auto ready = protocol::recv_frames(router, 10000);
  ASSERT_TRUE(ready && ready->size() >= 3) << "no READY from the worker";
  EXPECT_EQ((*ready)[2], protocol::kReady);
  const nlohmann::json job = {{"document_id", "D1"}, {"tenant", "default"}, {"stage", "prepare"}, {"attempt", 1},
                              {"record", nlohmann::json::object()}, {"settings", {{"max_job_ms", 1000}}},
                              {"lease_ms", 15000}, {"heartbeat_ms", 200}};
  protocol::send_frames(router, {(*ready)[0], protocol::kWorkerVersion, protocol::kJob, "L1", job.dump()});
  std::optional<protocol::Frames> failed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!failed && std::chrono::steady_clock::now() < deadline) {
    auto msg = protocol::recv_frames(router, 500);
    if (msg && msg->size() >= 6 && (*msg)[2] == protocol::kFailed) failed = msg;
  }
  ASSERT_TRUE(failed) << "no FAILED within 10 s";
  EXPECT_EQ((*failed)[3], "L1");
  EXPECT_EQ((*failed)[4], "bad_input");
  EXPECT_NE((*failed)[5].find("prepare did not finish within 1 s"), std::string::npos) << (*failed)[5];
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitJobTimedOut);
}

// The stage's look-up of filed documents: FIND-FILED out, FILED-LIST back (docs/PROTOCOL.md);
// this test plays the dispatcher and checks the query and the parsed answer.
// A ROUTER standing in for the dispatcher, and the stage's channel to it.
struct FakeDispatcher {
  FakeDispatcher() : router(context, zmq::socket_type::router) {
    router.set(zmq::sockopt::linger, 0);
    router.bind(endpoint);
  }
  std::string endpoint = "ipc:///tmp/zpe-worker-test-" + random_hex(6);
  zmq::context_t context;
  zmq::socket_t router;
  DispatcherChannel channel{context, endpoint, 5000};
};

TEST(RemoteFiledDocuments, AsksTheDispatcherWithFindFiledAndReadsTheFiledList) {
  FakeDispatcher fake;
  auto& router = fake.router;
  nlohmann::json query;
  std::thread dispatcher([&] {
    auto request = protocol::recv_frames(router, 5000);
    if (!request || request->size() < 5 || (*request)[2] != protocol::kFindFiled) return;
    query = nlohmann::json::parse((*request)[4], nullptr, false);
    const nlohmann::json list = {{"documents",
                                  {{{"document_id", "D1"}, {"case_number", "8123456-423"}, {"filed_at_ms", 1000},
                                    {"text_fingerprint", "mh128x16:00"}},
                                   {{"document_id", "D2"}, {"case_number", "8123456-423"}, {"filed_at_ms", 2000},
                                    {"text_fingerprint", nullptr}}}}};
    protocol::send_frames(router, {(*request)[0], protocol::kWorkerVersion, protocol::kFiledList, (*request)[3],
                                   list.dump()});
  });
  RemoteFiledDocuments filed(fake.channel);
  auto documents = filed.filed_in_case("default", "8123456-423", 500);
  dispatcher.join();
  ASSERT_TRUE(documents) << documents.error().message;
  EXPECT_EQ(query, (nlohmann::json{{"tenant", "default"}, {"case_number", "8123456-423"}, {"since_ms", 500}}));
  ASSERT_EQ(documents->size(), 2u);
  EXPECT_EQ((*documents)[0].document_id, "D1");
  EXPECT_EQ((*documents)[0].filed_at_ms, 1000);
  EXPECT_EQ((*documents)[0].text_fingerprint, "mh128x16:00");
  EXPECT_EQ((*documents)[1].text_fingerprint, "") << "null: no fingerprint";
}

TEST(RemoteFiledDocuments, DispatcherErrorIsAnUnavailableError) {
  FakeDispatcher fake;
  auto& router = fake.router;
  std::thread dispatcher([&] {
    auto request = protocol::recv_frames(router, 5000);
    if (!request || request->size() < 4) return;
    protocol::send_frames(router, {(*request)[0], protocol::kWorkerVersion, protocol::kError, (*request)[3],
                                   "job store locked"});
  });
  RemoteFiledDocuments filed(fake.channel);
  auto documents = filed.filed_in_case("default", "8123456-423", 0);
  dispatcher.join();
  ASSERT_FALSE(documents);
  EXPECT_EQ(documents.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(documents.error().message.find("job store locked"), std::string::npos) << documents.error().message;
}

}  // namespace
}  // namespace zpe
