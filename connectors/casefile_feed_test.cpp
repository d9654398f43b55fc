#include "connectors/casefile_feed.h"

#include <gtest/gtest.h>

#include "connectors/case_registry_db.h"
#include "connectors/casefile_event.h"
#include "connectors/casefile_sink.h"
#include "pipeline/durable_file.h"
#include "pipeline/protocol.h"

namespace zpe {
namespace {

using protocol::Frames;

class FeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-feed-" + random_hex(4));
    std::filesystem::create_directories(dir_);
    jobs_ = std::move(*JobStore::open(dir_ / "jobs.sqlite"));
    blobs_ = std::make_unique<BlobStore>(dir_ / "blobs");
    endpoint_ = "inproc://feed-" + random_hex(4);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Files one document through the job store, so its event sits in the outbox.
  std::string file_document(const std::string& pdf_bytes) {
    auto pdf_sha = *blobs_->put(pdf_bytes);
    NewDocument doc{new_document_id(), "default", "letter.tif", std::string(64, 'b'), {}, "route", ""};
    doc.record = {{"document_id", doc.id}, {"tenant", "default"}};
    EXPECT_TRUE(jobs_->add_document(doc, 1000, "test"));
    auto job = jobs_->claim("route", "w", 1000, 60000);
    nlohmann::json patch = {{"route", {{"target", "casefile"}, {"case_number", "8123456-423"}}},
                            {"pdf", {{"sha256", pdf_sha}, {"size", pdf_bytes.size()}}}};
    EXPECT_TRUE(*jobs_->complete({(*job)->lease_id, "w", patch, "route/1", std::nullopt, 1001}, {"route"},
                                 build_filed_event));
    return doc.id;
  }

  // Pumps the feed until a frame list arrives on the consumer, or gives up.
  std::optional<Frames> pump(CasefileFeed& feed, zmq::socket_t& consumer) {
    for (int i = 0; i < 50; ++i) {
      while (auto in = protocol::recv_frames(feed.socket(), 0)) feed.handle(*in, now_ms());
      feed.tick(now_ms());
      if (auto out = protocol::recv_frames(consumer, 20)) return out;
    }
    return std::nullopt;
  }

  std::filesystem::path dir_;
  std::unique_ptr<JobStore> jobs_;
  std::unique_ptr<BlobStore> blobs_;
  std::string endpoint_;
  zmq::context_t context_{1};
};

TEST_F(FeedTest, UnacknowledgedEventIsSentAgainToAReconnectingConsumer) {
  file_document("%PDF-1.7 test");
  CasefileFeed feed(context_, endpoint_, *jobs_, *blobs_, 60000);
  ASSERT_TRUE(feed.bind());
  std::string first_id;
  {
    zmq::socket_t consumer(context_, zmq::socket_type::dealer);
    consumer.connect(endpoint_);
    protocol::send_frames(consumer, {protocol::kFeedVersion, protocol::kHello, "first"});
    auto event = pump(feed, consumer);
    ASSERT_TRUE(event);
    ASSERT_EQ((*event)[1], protocol::kEvent);
    first_id = (*event)[2];
    // Goes away without acknowledging.
  }
  zmq::socket_t again(context_, zmq::socket_type::dealer);
  again.connect(endpoint_);
  protocol::send_frames(again, {protocol::kFeedVersion, protocol::kHello, "second"});
  auto event = pump(feed, again);
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)[2], first_id) << "the same event, redelivered";
  protocol::send_frames(again, {protocol::kFeedVersion, protocol::kAck, first_id});
  EXPECT_FALSE(pump(feed, again)) << "nothing more once acknowledged";
  EXPECT_EQ(*jobs_->in_flight(), 0);
}

TEST_F(FeedTest, FetchReturnsTheFiledPdf) {
  file_document("%PDF-1.7 fetch me");
  CasefileFeed feed(context_, endpoint_, *jobs_, *blobs_, 60000);
  ASSERT_TRUE(feed.bind());
  zmq::socket_t consumer(context_, zmq::socket_type::dealer);
  consumer.connect(endpoint_);
  protocol::send_frames(consumer, {protocol::kFeedVersion, protocol::kFetch, "r1", sha256_hex("%PDF-1.7 fetch me")});
  auto reply = pump(feed, consumer);
  ASSERT_TRUE(reply);
  ASSERT_EQ((*reply)[1], protocol::kBlob);
  EXPECT_EQ((*reply)[4], "%PDF-1.7 fetch me");
}

// The reference sink against a feed that delivers the same event twice: one write, two acks,
// and one document counted into the case in the registry it maintains.
TEST_F(FeedTest, SinkWritesADuplicateEventOnceAndAcknowledgesBoth) {
  std::string id = file_document("%PDF-1.7 once");
  auto events = jobs_->events_due(now_ms(), 0, 10);
  ASSERT_EQ(events->size(), 1u);
  const auto& ev = (*events)[0];
  zmq::socket_t feed(context_, zmq::socket_type::router);
  feed.bind(endpoint_);
  auto out = dir_ / "casefiles";
  std::atomic<bool> stop{false};
  auto registry = CaseRegistryDb::open(dir_ / "registry" / "cases.sqlite", CaseRegistryDb::OpenMode::kCreate);
  ASSERT_TRUE(registry) << registry.error().message;
  ASSERT_TRUE((*registry)->add_case({"8123456-423", "default", "2024-01-01"}));
  CasefileSink sink(context_, endpoint_, out, "test-sink", registry->get());
  std::thread runner([&] { sink.run(stop); });
  int acks = 0;
  std::string identity;
  int64_t deadline = now_ms() + 10000;
  int sent = 0;
  while (now_ms() < deadline && acks < 2) {
    auto in = protocol::recv_frames(feed, 100);
    if (!in) continue;
    identity = (*in)[0];
    const std::string& cmd = (*in)[2];
    if (cmd == protocol::kHello && sent == 0) {
      protocol::send_frames(feed, {identity, protocol::kFeedVersion, protocol::kEvent, ev.event_id, ev.payload});
      ++sent;
    } else if (cmd == protocol::kFetch) {
      protocol::send_frames(feed, {identity, protocol::kFeedVersion, protocol::kBlob, (*in)[3], (*in)[4],
                                   *blobs_->get((*in)[4])});
    } else if (cmd == protocol::kAck) {
      EXPECT_EQ((*in)[3], ev.event_id);
      if (++acks == 1) {
        protocol::send_frames(feed, {identity, protocol::kFeedVersion, protocol::kEvent, ev.event_id, ev.payload});
      }
    }
  }
  stop = true;
  runner.join();
  EXPECT_EQ(acks, 2);
  EXPECT_EQ(sink.counters().written, 1);
  EXPECT_EQ(sink.counters().duplicates, 1);
  auto written = read_whole_file(out / "8123456-423" / (id + ".pdf"));
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, "%PDF-1.7 once");
  auto json = nlohmann::json::parse(*read_whole_file(out / "8123456-423" / (id + ".json")));
  EXPECT_EQ(json["event_id"], ev.event_id);
  auto cases = (*registry)->list("default");
  ASSERT_TRUE(cases) << cases.error().message;
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_EQ((*cases)[0].documents_filed, 1) << "the duplicate is not counted again";
  EXPECT_FALSE((*cases)[0].last_filed_at.empty());
}

}  // namespace
}  // namespace zpe
