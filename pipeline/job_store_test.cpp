#include "pipeline/job_store.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "pipeline/durable_file.h"

namespace zpe {
namespace {

const std::vector<std::string> kStages = {"prepare", "ocr", "route"};
const std::vector<std::string> kSplitStages = {"prepare", "split", "quality", "ocr", "route"};

class JobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-jobs-" + random_hex(4));
    std::filesystem::create_directories(dir_);
    auto store = JobStore::open(dir_ / "jobs.sqlite");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string add(const std::string& name = "letter.tif") {
    NewDocument doc{new_document_id(), "default", name, std::string(64, 'a'),
                    {{"source", {{"file", name}}}, {"original", {{"sha256", std::string(64, 'a')}}}}, "prepare", ""};
    doc.record["document_id"] = doc.id;
    EXPECT_TRUE(store_->add_document(doc, 1000, "test"));
    return doc.id;
  }

  // Runs a new document through kStages; the route stage's patch files it into
  // `case_number` (or, with an empty one, sends it to clearing as the route stage does).
  std::string run_through(const std::string& name, const std::string& case_number, const std::string& fingerprint,
                          int64_t at_ms) {
    std::string id = add(name);
    for (const auto& stage : kStages) {
      auto job = store_->claim(stage, "w", at_ms, 10000);
      EXPECT_TRUE(job && *job) << stage;
      nlohmann::json patch = nlohmann::json::object();
      std::optional<std::string> clearing;
      if (stage == "route") {
        patch["classification"] = {{"text_fingerprint", fingerprint}};
        patch["route"] = {{"target", case_number.empty() ? nlohmann::json(nullptr) : nlohmann::json("casefile")},
                          {"case_number", case_number}};
        if (case_number.empty()) clearing = "no case number found";
      }
      EXPECT_TRUE(*store_->complete({(*job)->lease_id, "w", patch, stage + "/1", clearing, at_ms}, kStages, no_event));
    }
    return id;
  }


 public:
  static nlohmann::json no_event(const nlohmann::json&, const std::string& id) { return {{"event_id", id}}; }

  std::filesystem::path dir_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(JobStoreTest, ClaimLeasesTheOldestQueuedDocumentOfThatStage) {
  std::string first = add("a.tif");
  add("b.tif");
  auto job = store_->claim("prepare", "w1", 2000, 10000);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->document_id, first);
  EXPECT_EQ((*job)->attempt, 1);
  auto none = store_->claim("ocr", "w2", 2000, 10000);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

// The dispatcher's look before a claim: true only for a stage with a queued document that
// is due (not one leased, not one waiting out a retry back-off).
TEST_F(JobStoreTest, HasDueWorkOnlyForAStageWithAQueuedDueDocument) {
  EXPECT_FALSE(*store_->has_due_work("prepare", 2000));
  add();
  EXPECT_TRUE(*store_->has_due_work("prepare", 2000));
  EXPECT_FALSE(*store_->has_due_work("ocr", 2000));
  auto job = store_->claim("prepare", "w", 2000, 10000);
  ASSERT_TRUE(job && *job);
  EXPECT_FALSE(*store_->has_due_work("prepare", 2000));  // leased
  auto failed = store_->record_failure((*job)->lease_id, "retryable", "try again", 3, 5000, 2000);
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_FALSE(*store_->has_due_work("prepare", 3000));  // backing off until 7000
  EXPECT_TRUE(*store_->has_due_work("prepare", 7000));
}

TEST_F(JobStoreTest, CompletionMovesToNextStageAndLastStageFilesWithEvent) {
  std::string id = add();
  int64_t t = 2000;
  for (const auto& stage : kStages) {
    auto job = store_->claim(stage, "w", t, 10000);
    ASSERT_TRUE(job && *job) << stage;
    nlohmann::json patch = {{stage, {{"ok", true}}}};
    if (stage == "route") patch["route"] = {{"target", "casefile"}, {"case_number", "8123456-423"}};
    auto ok = store_->complete({(*job)->lease_id, "w", patch, stage + "/1", std::nullopt, t + 1}, kStages, no_event);
    ASSERT_TRUE(ok && *ok);
    t += 10;
  }
  auto row = store_->get(id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, "FILED");
  EXPECT_TRUE(row->record["ocr"]["ok"].get<bool>());
  EXPECT_EQ(row->record["stage_versions"]["route"], "route/1");
  auto events = store_->events_due(t, 30000, 10);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  auto inflight = store_->in_flight();
  EXPECT_EQ(*inflight, 1);  // the unacknowledged event
  EXPECT_TRUE(*store_->ack_event((*events)[0].event_id, t));
  EXPECT_FALSE(*store_->ack_event((*events)[0].event_id, t));  // a duplicate ack changes nothing
  EXPECT_EQ(*store_->in_flight(), 0);
}

TEST_F(JobStoreTest, ResultOnExpiredLeaseIsRefused) {
  add();
  auto job = store_->claim("prepare", "w", 1000, 500);
  ASSERT_TRUE(job && *job);
  auto expired = store_->expire_leases(2000, 3);
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].new_state, DocState::kQueued);
  auto late = store_->complete({(*job)->lease_id, "w", {}, "v", std::nullopt, 2001}, kStages, no_event);
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late);
  auto again = store_->claim("prepare", "w2", 2002, 500);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->attempt, 2);
}

TEST_F(JobStoreTest, ExpiredButNotYetSweptLeaseIsRefusedToo) {
  add();
  auto job = store_->claim("prepare", "w", 1000, 500);
  auto late = store_->complete({(*job)->lease_id, "w", {}, "v", std::nullopt, 1501}, kStages, no_event);
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late);
}

TEST_F(JobStoreTest, RetryableFailuresGoToClearingAfterMaxAttempts) {
  std::string id = add();
  int64_t t = 1000;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto job = store_->claim("prepare", "w", t, 1000);
    ASSERT_TRUE(job && *job) << "attempt " << attempt;
    std::string why = attempt == 1 ? "scanner share offline" : "dispatcher busy";
    auto out = store_->record_failure((*job)->lease_id, "retryable", why, 3, 0, t);
    ASSERT_TRUE(out && *out);
    EXPECT_EQ((*out)->new_state, attempt < 3 ? DocState::kQueued : DocState::kClearing);
    t += 10;
  }
  auto row = store_->get(id);
  EXPECT_EQ(row->state, "CLEARING");
  EXPECT_NE(row->reason.find("after 3 attempts: dispatcher busy"), std::string::npos) << row->reason;
  EXPECT_NE(row->reason.find("earlier: scanner share offline"), std::string::npos) << row->reason;
}

TEST_F(JobStoreTest, BadInputQuarantinesAtOnce) {
  std::string id = add();
  auto job = store_->claim("prepare", "w", 1000, 1000);
  auto out = store_->record_failure((*job)->lease_id, "bad_input", "truncated TIFF", 3, 0, 1001);
  ASSERT_TRUE(out && *out);
  EXPECT_EQ((*out)->new_state, DocState::kQuarantined);
  EXPECT_EQ(store_->get(id)->reason, "truncated TIFF");
}

TEST_F(JobStoreTest, ClearingReasonFromStageStopsThePipeline) {
  std::string id = add();
  auto job = store_->claim("prepare", "w", 1000, 1000);
  auto ok = store_->complete({(*job)->lease_id, "w", {}, "v", std::string("no case number"), 1001}, kStages, no_event);
  ASSERT_TRUE(ok && *ok);
  auto row = store_->get(id);
  EXPECT_EQ(row->state, "CLEARING");
  EXPECT_EQ(row->reason, "no case number");
}

TEST_F(JobStoreTest, AuditRecordsAreHashChained) {
  std::string id = add();
  auto job = store_->claim("prepare", "w", 1000, 1000);
  store_->complete({(*job)->lease_id, "w", {}, "v", std::nullopt, 1001}, kStages, no_event);
  auto trail = store_->audit_trail(id);
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->size(), 2u);
  EXPECT_EQ((*trail)[0].action, "ingested");
  EXPECT_EQ((*trail)[1].prev_hash, (*trail)[0].hash);
}

// A prepared batch of `pages` pages, leased to the split stage.
std::string lease_split_stage(JobStore& store, const std::string& id, int pages, int64_t t) {
  auto job = store.claim("prepare", "w", t, 10000);
  nlohmann::json page_list = nlohmann::json::array();
  for (int p = 1; p <= pages; ++p) page_list.push_back({{"page", p}, {"blob", "b" + std::to_string(p)}, {"source_page", p}});
  EXPECT_TRUE(*store.complete({(*job)->lease_id, "w", {{"pages", page_list}, {"page_count", pages}}, "prepare/1",
                               std::nullopt, t + 1}, kSplitStages, JobStoreTest::no_event));
  auto split = store.claim("split", "w", t + 2, 10000);
  EXPECT_TRUE(split && *split);
  EXPECT_EQ((*split)->document_id, id);
  return (*split)->lease_id;
}

TEST_F(JobStoreTest, SplitMakesOneQueuedChildPerDocumentAndTheParentSplit) {
  std::string id = add("batch.tif");
  std::string lease = lease_split_stage(*store_, id, 7, 2000);
  // Pages 1 and 4 (indexes 0 and 3) are separator sheets; the second carries a case number.
  nlohmann::json split = {{"documents", {{{"pages", {1, 2}}, {"source_pages", "2-3"}, {"hints", nlohmann::json::object()}},
                                         {{"pages", {4, 5, 6}}, {"source_pages", "5-7"}, {"hints", {{"case_number", "8123456-423"}}}}}},
                          {"separators", {1, 4}}};
  ASSERT_TRUE(*store_->complete({lease, "w", {{"split", split}}, "split/1", std::nullopt, 2100}, kSplitStages, no_event));
  auto parent = store_->get(id);
  EXPECT_EQ(parent->state, "SPLIT");
  EXPECT_EQ(parent->stage, "");
  auto children = store_->list(std::string("QUEUED"), 10);
  ASSERT_EQ(children->size(), 2u);
  const auto& second = (*children)[1];
  EXPECT_EQ(second.stage, "quality");
  EXPECT_EQ(second.source_file, "batch.tif");
  EXPECT_EQ(second.record["document_id"], second.id);
  EXPECT_EQ(second.record["parent_document_id"], id);
  EXPECT_EQ(second.record["source_pages"], "5-7");
  EXPECT_EQ(second.record["page_count"], 3);
  EXPECT_EQ(second.record["pages"][0]["page"], 1);
  EXPECT_EQ(second.record["pages"][0]["source_page"], 5);
  EXPECT_EQ(second.record["source"]["manifest"]["hints"]["case_number"], "8123456-423");
  EXPECT_FALSE(second.record.contains("split"));
  EXPECT_NE(parent->reason.find(second.id), std::string::npos) << parent->reason;
  auto parent_trail = store_->audit_trail(id);
  EXPECT_EQ(parent_trail->back().action, "split");
  EXPECT_NE(parent_trail->back().detail.find("split into 2 documents"), std::string::npos);
  auto child_trail = store_->audit_trail(second.id);
  ASSERT_EQ(child_trail->size(), 1u);
  EXPECT_NE((*child_trail)[0].detail.find("split from " + id + " pages 5-7"), std::string::npos);
  EXPECT_EQ(*store_->in_flight(), 2);  // the children, not the SPLIT parent
  auto listed = store_->list(std::string("SPLIT"), 10);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(parse_state("SPLIT"), DocState::kSplit);
}

TEST_F(JobStoreTest, OneDocumentWithSeparatorsRemovedIsSplitToo) {
  std::string id = add("batch.tif");
  std::string lease = lease_split_stage(*store_, id, 3, 2000);
  nlohmann::json split = {{"documents", {{{"pages", {1, 2}}, {"source_pages", "2-3"}}}}, {"separators", {1}}};
  ASSERT_TRUE(*store_->complete({lease, "w", {{"split", split}}, "split/1", std::nullopt, 2100}, kSplitStages, no_event));
  EXPECT_EQ(store_->get(id)->state, "SPLIT");
  ASSERT_EQ(store_->list(std::string("QUEUED"), 10)->size(), 1u);
}

TEST_F(JobStoreTest, EmptySplitPatchLetsTheDocumentGoOnUnchanged) {
  std::string id = add("letter.tif");
  std::string lease = lease_split_stage(*store_, id, 2, 2000);
  ASSERT_TRUE(*store_->complete({lease, "w", nlohmann::json::object(), "split/1", std::nullopt, 2100}, kSplitStages, no_event));
  auto row = store_->get(id);
  EXPECT_EQ(row->state, "QUEUED");
  EXPECT_EQ(row->stage, "quality");
  EXPECT_EQ(store_->list(std::nullopt, 10)->size(), 1u);
}

TEST_F(JobStoreTest, MalformedSplitGoesToClearingAndMakesNoChildren) {
  std::string id = add("batch.tif");
  std::string lease = lease_split_stage(*store_, id, 3, 2000);
  nlohmann::json split = {{"documents", {{{"pages", {0}}}, {{"pages", {7}}}}}};
  ASSERT_TRUE(*store_->complete({lease, "w", {{"split", split}}, "split/1", std::nullopt, 2100}, kSplitStages, no_event));
  auto row = store_->get(id);
  EXPECT_EQ(row->state, "CLEARING");
  EXPECT_NE(row->reason.find("split result entry 2"), std::string::npos) << row->reason;
  EXPECT_EQ(store_->list(std::nullopt, 10)->size(), 1u);
}

TEST_F(JobStoreTest, FiledInCaseListsFilingsOfThatCaseAndTenantSinceTheGivenTime) {
  const std::string old = run_through("old.tif", "8123456-423", "mh:old", 1000);
  const std::string recent = run_through("recent.tif", "8123456-423", "mh:recent", 5000);
  run_through("other-case.tif", "7000001-475", "mh:other", 5000);
  run_through("not-filed.tif", "", "mh:none", 5000);
  auto listed = store_->filed_in_case("default", "8123456-423", 2000);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].document_id, recent);
  EXPECT_EQ((*listed)[0].filed_ms, 5000);
  EXPECT_EQ((*listed)[0].text_fingerprint, "mh:recent");
  auto all = store_->filed_in_case("default", "8123456-423", 0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].document_id, old);  // oldest first
  EXPECT_TRUE(store_->filed_in_case("other-tenant", "8123456-423", 0)->empty());
}

TEST_F(JobStoreTest, CompactionNeverOverwritesMovedPartsKeptEarlier) {
  const std::string id = add();
  auto pages = [&](const std::string& blob) {
    return nlohmann::json::array({{{"page", 1}, {"blob", blob}, {"transforms", nlohmann::json::array()}}});
  };
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "jobs.sqlite").c_str(), &db), SQLITE_OK);
  auto set_record = [&](const nlohmann::json& record) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE documents SET record = ? WHERE id = ?", -1, &st, nullptr), SQLITE_OK);
    const std::string text = record.dump();
    sqlite3_bind_text(st, 1, text.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, id.c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
  };
  nlohmann::json record = store_->get(id)->record;
  record["pages"] = pages("first");
  set_record(record);
  auto shrunk = store_->compact_record(id, {"/pages"}, "test", 2000);
  ASSERT_TRUE(shrunk) << shrunk.error().message;  // the few bytes of this record may even grow

  // A record that lost its "compacted" mark while its moved parts stayed is left as it is.
  record["pages"] = pages("second");
  set_record(record);
  auto again = store_->compact_record(id, {"/pages"}, "test", 3000);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, 0);
  auto row = store_->get(id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->record, record);
  int compactions = 0;
  auto trail = store_->audit_trail(id);
  ASSERT_TRUE(trail);
  for (const auto& entry : *trail) compactions += entry.action == "record_compacted";
  EXPECT_EQ(compactions, 1);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT compacted_ms FROM record_details WHERE document_id = ?", -1, &st, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 0), 2000);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(JobStoreTest, StoreFromBeforeTheFilingsTableGetsItFilledOnOpen) {
  const std::string id = run_through("a.tif", "8123456-423", "mh:a", 3000);
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "jobs.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE filings", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto reopened = JobStore::open(dir_ / "jobs.sqlite");
  ASSERT_TRUE(reopened) << reopened.error().message;
  auto listed = (*reopened)->filed_in_case("default", "8123456-423", 0);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].document_id, id);
  EXPECT_EQ((*listed)[0].filed_ms, 3000);  // from its "filed" audit record
  EXPECT_EQ((*listed)[0].text_fingerprint, "mh:a");
}

}  // namespace
}  // namespace zpe
