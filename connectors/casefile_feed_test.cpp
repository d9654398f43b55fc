#include "connectors/casefile_feed.h"

#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <thread>

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
  std::string file_document(const std::string& pdf_bytes, const std::string& case_number = "8123456-423",
                            const std::string& tenant = "default") {
    auto pdf_sha = *blobs_->put(pdf_bytes);
    NewDocument doc{new_document_id(), tenant, "letter.tif", std::string(64, 'b'), {}, "route", ""};
    doc.record = {{"document_id", doc.id}, {"tenant", tenant}};
    EXPECT_TRUE(jobs_->add_document(doc, 1000, "test"));
    auto job = jobs_->claim("route", "w", 1000, 60000);
    nlohmann::json patch = {{"route", {{"target", "casefile"}, {"case_number", case_number}}},
                            {"pdf", {{"sha256", pdf_sha}, {"size", pdf_bytes.size()}}}};
    EXPECT_TRUE(*jobs_->complete({(*job)->lease_id, "w", patch, "route/1", std::nullopt, 1001}, {"route"},
                                 build_filed_event));
    return doc.id;
  }

  // Every event in the outbox as (event id, payload), in outbox order, whatever its state.
  std::vector<std::pair<std::string, std::string>> outbox() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open((dir_ / "jobs.sqlite").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT event_id, payload FROM events ORDER BY seq", -1, &stmt, nullptr);
    std::vector<std::pair<std::string, std::string>> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
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

  // Plays a hand-made feed to `sink`: sends `events` — each after the one before was
  // acknowledged or 1 s passed without (one_at_a_time), else all at once — and answers
  // FETCH from the blob store. Returns the acknowledged event ids in order.
  std::vector<std::string> play_to_sink(CasefileSink& sink, const std::vector<std::pair<std::string, std::string>>& events,
                                        bool one_at_a_time) {
    zmq::socket_t feed(context_, zmq::socket_type::router);
    feed.set(zmq::sockopt::linger, 0);
    // A second call binds the endpoint the first one's socket had: its close is finished
    // by ZeroMQ's reaper thread, so the name may still be taken for a moment.
    for (int attempt = 0;; ++attempt) {
      try {
        feed.bind(endpoint_);
        break;
      } catch (const zmq::error_t& e) {
        if (e.num() != EADDRINUSE || attempt >= 100) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    std::atomic<bool> stop{false};
    std::thread runner([&] { sink.run(stop); });
    std::vector<std::string> acks;
    std::string identity;
    size_t next = 0;
    int64_t sent_at = 0;
    auto send_next = [&] {
      protocol::send_frames(feed, {identity, protocol::kFeedVersion, protocol::kEvent, events[next].first,
                                   events[next].second});
      ++next;
      sent_at = now_ms();
    };
    const int64_t deadline = now_ms() + 15000;
    while (now_ms() < deadline) {
      if (!identity.empty() && next < events.size()) {
        if (!one_at_a_time) {
          while (next < events.size()) send_next();
        } else if (now_ms() - sent_at > 1000) {
          send_next();
        }
      }
      if (next == events.size() && acks.size() >= events.size()) break;
      if (next == events.size() && now_ms() - sent_at > 1500) break;  // the rest are held
      auto in = protocol::recv_frames(feed, 50);
      if (!in) continue;
      identity = (*in)[0];
      const std::string& cmd = (*in)[2];
      if (cmd == protocol::kFetch) {
        protocol::send_frames(feed, {identity, protocol::kFeedVersion, protocol::kBlob, (*in)[3], (*in)[4],
                                     *blobs_->get((*in)[4])});
      } else if (cmd == protocol::kAck) {
        acks.push_back((*in)[3]);
        if (one_at_a_time && next < events.size()) send_next();
      }
    }
    stop = true;
    runner.join();
    return acks;
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

TEST_F(FeedTest, ACasesNextEventIsSentOnlyOnceTheOneBeforeIsAcknowledged) {
  file_document("%PDF-1.7 first");
  file_document("%PDF-1.7 second");
  CasefileFeed feed(context_, endpoint_, *jobs_, *blobs_, 60000);
  ASSERT_TRUE(feed.bind());
  zmq::socket_t consumer(context_, zmq::socket_type::dealer);
  consumer.connect(endpoint_);
  protocol::send_frames(consumer, {protocol::kFeedVersion, protocol::kHello, "c"});
  auto first = pump(feed, consumer);
  ASSERT_TRUE(first);
  EXPECT_EQ(nlohmann::json::parse((*first)[3])["case_seq"], 1);
  EXPECT_FALSE(pump(feed, consumer)) << "the second waits for the first's acknowledgement";
  protocol::send_frames(consumer, {protocol::kFeedVersion, protocol::kAck, (*first)[2]});
  auto second = pump(feed, consumer);
  ASSERT_TRUE(second);
  const auto event = nlohmann::json::parse((*second)[3]);
  EXPECT_EQ(event["case_seq"], 2);
  EXPECT_EQ(event["tenant"], "default");
  EXPECT_FALSE(event.contains("replay"));
}

TEST_F(FeedTest, ReplayedEventIsSentAgainMarkedAsAReplay) {
  file_document("%PDF-1.7 again");
  const auto id = outbox()[0].first;
  ASSERT_TRUE(*jobs_->ack_event(id, now_ms()));
  ASSERT_EQ(jobs_->request_replay({"", "", 0}, "test", now_ms())->queued, 1);
  CasefileFeed feed(context_, endpoint_, *jobs_, *blobs_, 60000);
  ASSERT_TRUE(feed.bind());
  zmq::socket_t consumer(context_, zmq::socket_type::dealer);
  consumer.connect(endpoint_);
  protocol::send_frames(consumer, {protocol::kFeedVersion, protocol::kHello, "c"});
  auto event = pump(feed, consumer);
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)[2], id);
  EXPECT_EQ(nlohmann::json::parse((*event)[3])["replay"], true);
  protocol::send_frames(consumer, {protocol::kFeedVersion, protocol::kAck, id});
  EXPECT_FALSE(pump(feed, consumer));
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
  const auto ev = outbox()[0];
  auto out = dir_ / "casefiles";
  auto registry = CaseRegistryDb::open(dir_ / "registry" / "cases.sqlite", CaseRegistryDb::OpenMode::kCreate);
  ASSERT_TRUE(registry) << registry.error().message;
  ASSERT_TRUE((*registry)->add_case({"8123456-423", "default", "2024-01-01"}));
  CasefileSink sink(context_, endpoint_, out, "test-sink", {registry->get(), {}});
  EXPECT_EQ(play_to_sink(sink, {ev, ev}, true), (std::vector<std::string>{ev.first, ev.first}));
  EXPECT_EQ(sink.counters().written, 1);
  EXPECT_EQ(sink.counters().duplicates, 1);
  auto written = read_whole_file(out / "default" / "8123456-423" / (id + ".pdf"));
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, "%PDF-1.7 once");
  auto json = nlohmann::json::parse(*read_whole_file(out / "default" / "8123456-423" / (id + ".json")));
  EXPECT_EQ(json["event_id"], ev.first);
  auto cases = (*registry)->list("default");
  ASSERT_TRUE(cases) << cases.error().message;
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_EQ((*cases)[0].documents_filed, 1) << "the duplicate is not counted again";
  EXPECT_FALSE((*cases)[0].last_filed_at.empty());
}

// An event that skips ahead in its case is held (not written, not acknowledged) until the
// missing one has been written; then it is written when it comes again.
TEST_F(FeedTest, SinkHoldsAnEventThatSkipsAheadInItsCase) {
  file_document("%PDF-1.7 one");
  file_document("%PDF-1.7 two");
  file_document("%PDF-1.7 three");
  const auto events = outbox();
  auto out = dir_ / "casefiles";
  {
    CasefileSink sink(context_, endpoint_, out, "test-sink");
    EXPECT_EQ(play_to_sink(sink, {events[0], events[2], events[1]}, true),
              (std::vector<std::string>{events[0].first, events[1].first}));
    EXPECT_EQ(sink.counters().held, 1);
    EXPECT_FALSE(std::filesystem::exists(out / "default" / "8123456-423" /
                                         (nlohmann::json::parse(events[2].second)["document_id"].get<std::string>() +
                                          ".json")));
  }
  // A restarted sink knows from its ledger where the case stands: the third is next.
  CasefileSink again(context_, endpoint_, out, "test-sink");
  EXPECT_EQ(play_to_sink(again, {events[2]}, true), std::vector<std::string>{events[2].first});
  EXPECT_EQ(again.counters().written, 1);
  EXPECT_EQ(again.counters().held, 0);
}

// The same case number in two tenants is two case files, each counted into the registry
// of its own tenant. Events sent back to back are all handled: those arriving while the
// sink fetches a PDF wait their turn.
TEST_F(FeedTest, SinkKeepsTenantsApartInFoldersAndRegistries) {
  const auto ours = file_document("%PDF-1.7 ours", "8123456-423", "default");
  const auto theirs = file_document("%PDF-1.7 theirs", "8123456-423", "other");
  const auto events = outbox();
  auto own = CaseRegistryDb::open(dir_ / "registry" / "default.sqlite", CaseRegistryDb::OpenMode::kCreate);
  auto other = CaseRegistryDb::open(dir_ / "registry" / "other.sqlite", CaseRegistryDb::OpenMode::kCreate);
  ASSERT_TRUE(own && other);
  auto out = dir_ / "casefiles";
  CasefileSink sink(context_, endpoint_, out, "test-sink", {nullptr, {{"default", own->get()}, {"other", other->get()}}});
  EXPECT_EQ(play_to_sink(sink, events, false).size(), 2u);
  EXPECT_EQ(*read_whole_file(out / "default" / "8123456-423" / (ours + ".pdf")), "%PDF-1.7 ours");
  EXPECT_EQ(*read_whole_file(out / "other" / "8123456-423" / (theirs + ".pdf")), "%PDF-1.7 theirs");
  EXPECT_FALSE(std::filesystem::exists(out / "default" / "8123456-423" / (theirs + ".pdf")));
  for (const auto& [registry, tenant] : {std::pair{own->get(), "default"}, std::pair{other->get(), "other"}}) {
    auto cases = registry->list("");
    ASSERT_TRUE(cases);
    ASSERT_EQ(cases->size(), 1u) << tenant;
    EXPECT_EQ((*cases)[0].registered.tenant, tenant);
    EXPECT_EQ((*cases)[0].documents_filed, 1);
  }
}

}  // namespace
}  // namespace zpe
