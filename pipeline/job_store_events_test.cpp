// The outbox of case-file events (pipeline/job_store_events.cpp): per-case numbering and
// order, replays, and the migration of a store from before them.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"

namespace zpe {
namespace {

nlohmann::json plain_event(const nlohmann::json& record, const std::string& id) {
  return {{"event_id", id}, {"document_id", record.value("document_id", "")}, {"tenant", "from the record"},
          {"case_number", record["route"]["case_number"]}};
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-outbox-" + random_hex(4));
    std::filesystem::create_directories(dir_);
    open_store();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void open_store() {
    store_.reset();
    auto store = JobStore::open(dir_ / "jobs.sqlite");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  // Files a new document of `tenant` into `case_number`; returns its event id.
  std::string file(const std::string& tenant, const std::string& case_number) {
    NewDocument doc{new_document_id(), tenant, "letter.tif", std::string(64, 'a'), {}, "route", ""};
    doc.record = {{"document_id", doc.id}};
    EXPECT_TRUE(store_->add_document(doc, t_, "test"));
    auto job = store_->claim("route", "w", t_, 10000);
    EXPECT_TRUE(job && *job);
    nlohmann::json patch = {{"route", {{"target", "casefile"}, {"case_number", case_number}}}};
    EXPECT_TRUE(*store_->complete({(*job)->lease_id, "w", patch, "route/1", std::nullopt, t_}, {"route"}, plain_event));
    t_ += 10;
    return last_event_id();
  }
  std::string last_event_id() {
    auto all = store_->list_events({});
    return all->empty() ? "" : all->back().event_id;
  }
  std::vector<std::string> due_ids(int64_t redeliver_ms = 60000) {
    auto due = store_->events_due(t_, redeliver_ms, 100);
    EXPECT_TRUE(due) << due.error().message;
    std::vector<std::string> ids;
    for (const auto& e : *due) ids.push_back(e.event_id);
    return ids;
  }
  void send_all_due() {
    auto due = store_->events_due(t_, 60000, 100);
    ASSERT_TRUE(due);
    for (const auto& e : *due) ASSERT_TRUE(store_->mark_event_sent(e.seq, t_));
  }

  std::filesystem::path dir_;
  std::unique_ptr<JobStore> store_;
  int64_t t_ = 1000;
};

TEST_F(OutboxTest, EventsCarryTheDocumentsTenantAndNumberPerCase) {
  file("default", "8123456-423");
  file("other", "8123456-423");
  file("default", "8123456-423");
  file("default", "7000001-111");
  auto events = store_->list_events({});
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 4u);
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"default", 1}, {"other", 1}, {"default", 2}, {"default", 1}};
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ((*events)[i].tenant, expected[i].first);
    EXPECT_EQ((*events)[i].case_seq, expected[i].second);
  }
  auto due = store_->events_due(t_, 0, 10);
  auto payload = nlohmann::json::parse((*due)[0].payload);
  EXPECT_EQ(payload["tenant"], "default") << "the document's tenant, not what the builder wrote";
  EXPECT_EQ(payload["case_seq"], 1);
}

TEST_F(OutboxTest, ACasesNextEventWaitsUntilTheOneBeforeIsAcknowledged) {
  const auto a1 = file("default", "8123456-423");
  const auto a2 = file("default", "8123456-423");
  const auto b1 = file("default", "7000001-111");
  const auto other1 = file("other", "8123456-423");  // same number, another tenant: its own case
  EXPECT_EQ(due_ids(), (std::vector<std::string>{a1, b1, other1}));
  send_all_due();
  EXPECT_TRUE(due_ids().empty()) << "sent, not yet due for redelivery";
  EXPECT_EQ(due_ids(0), (std::vector<std::string>{a1, b1, other1})) << "redelivery: still not a2";
  ASSERT_TRUE(*store_->ack_event(b1, t_));
  EXPECT_TRUE(due_ids().empty());
  ASSERT_TRUE(*store_->ack_event(a1, t_));
  EXPECT_EQ(due_ids(), std::vector<std::string>{a2});
}

TEST_F(OutboxTest, ReplayReopensAcknowledgedEventsAfterThePointInOrder) {
  const auto a1 = file("default", "8123456-423");
  const auto a2 = file("default", "8123456-423");
  const auto b1 = file("other", "7000001-111");
  const auto a3 = file("default", "8123456-423");
  for (const auto& id : {a1, a2, b1}) ASSERT_TRUE(*store_->ack_event(id, t_));
  auto request = store_->request_replay({a1, "default", 0}, "cli:test", t_);
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->queued, 1) << "a2 (b1 is another tenant's, a3 was never acknowledged)";
  EXPECT_EQ(request->unacknowledged, 1);
  auto due = store_->events_due(t_, 60000, 10);
  ASSERT_EQ(due->size(), 1u) << "a3 waits behind the replay of a2";
  EXPECT_EQ((*due)[0].event_id, a2);
  EXPECT_TRUE((*due)[0].replay);
  EXPECT_EQ(*store_->in_flight(), 2);
  EXPECT_FALSE(*store_->ack_event(a2, t_)) << "not the first acknowledgement";
  EXPECT_EQ(due_ids(), std::vector<std::string>{a3});
  ASSERT_TRUE(*store_->ack_event(a3, t_));
  EXPECT_EQ(*store_->in_flight(), 0);
  std::vector<std::string> actions;
  auto events = store_->list_events({a1, "", 10});
  auto trail = store_->audit_trail(events->front().document_id);
  ASSERT_TRUE(trail);
  for (const auto& entry : *trail) actions.push_back(entry.action);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "event_replay_requested"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "event_replay_acked"), actions.end());
  // Everything after b1, every tenant: a3 only, and it is acknowledged: queued as a replay.
  EXPECT_EQ(store_->request_replay({b1, "", 0}, "cli:test", t_)->queued, 1);
  EXPECT_EQ(store_->request_replay({"Enot-an-event", "", 0}, "cli:test", t_).error().kind, ErrorKind::kNotFound);
}

// A store written before events had tenant, case_number and case_seq: opening it numbers
// the events of each case in outbox order and writes the numbers into the payloads.
TEST_F(OutboxTest, OpeningAnOlderStoreNumbersItsEventsPerCase) {
  store_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "jobs.sqlite").c_str(), &db), SQLITE_OK);
  const char* old_schema =
      "CREATE TABLE events(seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, "
      "document_id TEXT NOT NULL, created_ms INTEGER NOT NULL, payload TEXT NOT NULL, deliveries INTEGER NOT NULL "
      "DEFAULT 0, last_sent_ms INTEGER, acked_ms INTEGER);"
      "INSERT INTO events(event_id, document_id, created_ms, payload, acked_ms) VALUES "
      "('E1','D1',1,'{\"tenant\":\"default\",\"case_number\":\"8123456-423\"}',5),"
      "('E2','D2',2,'{\"tenant\":\"default\",\"case_number\":\"7000001-111\"}',NULL),"
      "('E3','D3',3,'{\"tenant\":\"default\",\"case_number\":\"8123456-423\"}',NULL);";
  ASSERT_EQ(sqlite3_exec(db, old_schema, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  open_store();
  auto events = store_->list_events({});
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].case_seq, 1);
  EXPECT_EQ((*events)[1].case_seq, 1);
  EXPECT_EQ((*events)[2].case_seq, 2);
  EXPECT_EQ((*events)[2].tenant, "default");
  auto due = store_->events_due(t_, 0, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ(nlohmann::json::parse((*due)[1].payload)["case_seq"], 2);
  // A new filing continues the case's numbering; a second open migrates nothing again.
  open_store();
  file("default", "8123456-423");
  EXPECT_EQ(store_->list_events({})->back().case_seq, 3);
}

}  // namespace
}  // namespace zpe
