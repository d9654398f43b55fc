// The job store's clearing half: operator changes guarded by state and version, where a
// document was held, rescans that replace a document, scoped searches.
#include <filesystem>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"

namespace zpe {
namespace {

const std::vector<std::string> kStages = {"prepare", "ocr", "route"};

nlohmann::json no_event(const nlohmann::json&, const std::string& id) { return {{"event_id", id}}; }

class JobStoreClearingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-clearing-" + random_hex(4));
    std::filesystem::create_directories(dir_);
    auto store = JobStore::open(dir_ / "jobs.sqlite");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string add(const std::string& tenant = "default", const std::string& rescan_of = "") {
    NewDocument doc{new_document_id(), tenant, "letter.tif", std::string(64, 'a'), {}, "prepare", rescan_of};
    doc.record = {{"document_id", doc.id}, {"tenant", tenant}};
    EXPECT_TRUE(store_->add_document(doc, 1000, "test"));
    return doc.id;
  }

  // Runs a new document up to `stage`, whose result sends it to CLEARING.
  std::string held_by(const std::string& stage, const std::string& tenant = "default") {
    const std::string id = add(tenant);
    for (const auto& s : kStages) {
      auto job = store_->claim(s, "w", 2000, 10000);
      EXPECT_TRUE(job && *job) << s;
      std::optional<std::string> clearing;
      if (s == stage) clearing = "no case number found in the letter";
      EXPECT_TRUE(*store_->complete({(*job)->lease_id, "w", {{"route", {{"target", nullptr}}}}, s + "/1", clearing, 2000},
                                    kStages, no_event));
      if (s == stage) break;
    }
    return id;
  }

  OperatorChange release(const std::string& id, int64_t version, const std::string& stage) {
    OperatorChange c;
    c.document_id = id;
    c.expected_version = version;
    c.from_states = {"CLEARING"};
    c.actor = "operator:alice";
    c.action = "released";
    c.patch = {{"operator", {{"corrections", {{"case_number", {{"value", "1234567-123"}, {"source", "operator"}}}}}}}};
    c.new_state = "QUEUED";
    c.resume_stage = stage;
    c.now_ms = 3000;
    return c;
  }

  std::filesystem::path dir_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(JobStoreClearingTest, ReleaseQueuesAtTheStageAndRecordsTheOperatorInTheAudit) {
  const std::string id = held_by("route");
  auto before = store_->get(id);
  ASSERT_TRUE(before);
  auto after = store_->apply_operator_change(release(id, before->version, "route"));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->state, "QUEUED");
  EXPECT_EQ(after->stage, "route");
  EXPECT_GT(after->version, before->version);
  EXPECT_EQ(after->record["operator"]["corrections"]["case_number"]["value"], "1234567-123");
  auto trail = store_->audit_trail(id);
  ASSERT_TRUE(trail);
  EXPECT_EQ(trail->back().actor, "operator:alice");
  EXPECT_EQ(trail->back().action, "released");
  auto job = store_->claim("route", "w", 4000, 10000);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->document_id, id);
}

TEST_F(JobStoreClearingTest, SecondReleaseOfTheSameVersionIsAConflict) {
  const std::string id = held_by("route");
  const int64_t version = store_->get(id)->version;
  ASSERT_TRUE(store_->apply_operator_change(release(id, version, "route")));
  auto second = store_->apply_operator_change(release(id, version, "route"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::kConflict);
  EXPECT_NE(second.error().message.find("QUEUED now"), std::string::npos) << second.error().message;
}

TEST_F(JobStoreClearingTest, AStaleVersionIsAConflictEvenInTheRightState) {
  const std::string id = held_by("route");
  const int64_t version = store_->get(id)->version;
  ASSERT_TRUE(store_->append_audit(id, "operator:bob", "page_rotated", "{}", 2500));
  auto stale = store_->apply_operator_change(release(id, version, "route"));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(store_->get(id)->state, "CLEARING");
}

TEST_F(JobStoreClearingTest, HeldAtNamesTheStageWhoseResultOrFailureHeldIt) {
  const std::string by_result = held_by("ocr");
  auto held = store_->held_at(by_result);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->stage, "ocr");
  EXPECT_FALSE(held->by_failure);

  const std::string failed = add();
  auto job = store_->claim("prepare", "w", 2000, 10000);
  ASSERT_TRUE(job && *job);
  ASSERT_TRUE(store_->record_failure((*job)->lease_id, "final", "cannot decode", 3, 0, 2000));
  held = store_->held_at(failed);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->stage, "prepare");
  EXPECT_TRUE(held->by_failure);
}

TEST_F(JobStoreClearingTest, ARescanReplacesTheDocumentWaitingForItAndOnlyInItsTenant) {
  const std::string old_id = held_by("route");
  OperatorChange rescan = release(old_id, -1, "");
  rescan.action = "rescan_requested";
  rescan.new_state = "RESCAN_REQUESTED";
  rescan.reason = "rescan requested by alice: page 2 blurred";
  ASSERT_TRUE(store_->apply_operator_change(rescan));

  const std::string other_tenant = add("other", old_id);
  EXPECT_EQ(store_->get(old_id)->state, "RESCAN_REQUESTED");
  EXPECT_EQ(store_->audit_trail(other_tenant)->back().action, "rescan_not_linked");

  const std::string new_id = add("default", old_id);
  auto old_row = store_->get(old_id);
  EXPECT_EQ(old_row->state, "REPLACED");
  EXPECT_EQ(old_row->record["replaced_by"], new_id);
  EXPECT_EQ(store_->audit_trail(old_id)->back().action, "replaced");
}

TEST_F(JobStoreClearingTest, FindDocumentsNeverCrossesTheGivenTenants) {
  const std::string mine = held_by("route", "a");
  held_by("route", "b");
  DocumentQuery query;
  query.states = {"CLEARING"};
  query.tenants = {"a"};
  auto rows = store_->find_documents(query);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().id, mine);
  query.tenants = {};  // no tenant and not all: nothing
  EXPECT_TRUE(store_->find_documents(query)->empty());
  query.all_tenants = true;
  EXPECT_EQ(store_->find_documents(query)->size(), 2u);
  query.text = mine.substr(3);
  EXPECT_EQ(store_->find_documents(query)->size(), 1u);
}

}  // namespace
}  // namespace zpe
