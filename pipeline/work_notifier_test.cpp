#include "pipeline/work_notifier.h"

#include <chrono>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/protocol.h"

namespace zpe {
namespace {

// The frames docs/PROTOCOL.md gives WORK, as a dispatcher's ROUTER receives them.
TEST(WorkNotifier, WorkNotifier_SendsWorkToTheDispatcher) {
  const std::string endpoint = "ipc:///tmp/zpe-work-notifier-test-" + random_hex(6);
  zmq::context_t context;
  zmq::socket_t router(context, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.bind(endpoint);
  WorkNotifier notifier(context, endpoint);
  std::optional<protocol::Frames> got;
  // The first notice may go before the connection is made and be dropped: notify again.
  for (int attempt = 0; attempt < 50 && !got; ++attempt) {
    notifier.notify();
    got = protocol::recv_frames(router, 200);
  }
  ASSERT_TRUE(got) << "no WORK within 10 s";
  ASSERT_EQ(got->size(), 3u);  // identity, version, command
  EXPECT_EQ((*got)[1], protocol::kWorkerVersion);
  EXPECT_EQ((*got)[2], protocol::kWork);
}

// A dispatcher that is down must not hold up the intake.
TEST(WorkNotifier, WorkNotifier_NeverBlocksWhenNoDispatcherListens) {
  zmq::context_t context;
  WorkNotifier notifier(context, "ipc:///tmp/zpe-work-notifier-test-nobody-" + random_hex(6));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) notifier.notify();  // far more than the send queue holds
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

}  // namespace
}  // namespace zpe
