#include "pipeline/audit_verify.h"

#include <sqlite3.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

namespace zpe {
namespace {

// A job store with six audit records, tampered with through SQLite directly, as someone
// with write access to var/jobs.sqlite could.
class AuditVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-audit-" + random_hex(4));
    std::filesystem::create_directories(dir_);
    auto store = JobStore::open(dir_ / "jobs.sqlite");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    for (int i = 1; i <= 6; ++i) {
      ASSERT_TRUE(store_->append_audit("D1", "worker:ocr", "stage_done", "{\"n\":" + std::to_string(i) + "}", 1000 + i));
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "jobs.sqlite").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  AuditVerdict verify() {
    auto entries = store_->audit_all();
    EXPECT_TRUE(entries);
    return verify_audit_chain(*entries);
  }

  std::filesystem::path dir_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(AuditVerifyTest, AuditVerify_IntactChainPassesAndReportsHead) {
  const auto verdict = verify();
  EXPECT_TRUE(verdict.intact()) << verdict.problems.front().what;
  EXPECT_EQ(verdict.records, 6);
  EXPECT_EQ(verdict.head_hash.size(), 64u);
}

TEST_F(AuditVerifyTest, AuditVerify_NamesModifiedRecord) {
  tamper("UPDATE audit SET detail = '{\"n\":99}' WHERE seq = 3");
  const auto verdict = verify();
  ASSERT_EQ(verdict.problems.size(), 1u);
  EXPECT_EQ(verdict.problems[0].seq, 3);
  EXPECT_NE(verdict.problems[0].what.find("modified"), std::string::npos) << verdict.problems[0].what;
}

TEST_F(AuditVerifyTest, AuditVerify_NamesRemovedRecord) {
  tamper("DELETE FROM audit WHERE seq = 4");
  const auto verdict = verify();
  ASSERT_EQ(verdict.problems.size(), 1u);
  EXPECT_EQ(verdict.problems[0].seq, 5);
  EXPECT_NE(verdict.problems[0].what.find("record 4 before it was removed"), std::string::npos)
      << verdict.problems[0].what;
}

TEST_F(AuditVerifyTest, AuditVerify_NamesInsertedRecordEvenWithACorrectHash) {
  // Make room at seq 3 and insert a record that links correctly to record 2.
  tamper("UPDATE audit SET seq = seq + 100 WHERE seq >= 3; UPDATE audit SET seq = seq - 99 WHERE seq >= 103");
  auto before = store_->audit_all();
  ASSERT_TRUE(before);
  AuditEntry forged{3, "D1", 1002, "operator", "released", "{}", (*before)[1].hash, ""};
  forged.hash = audit_record_hash(forged);
  tamper("INSERT INTO audit(seq, document_id, at_ms, actor, action, detail, prev_hash, hash) VALUES (3, 'D1', 1002, "
         "'operator', 'released', '{}', '" + forged.prev_hash + "', '" + forged.hash + "')");
  const auto verdict = verify();
  ASSERT_FALSE(verdict.intact());
  bool named = false;
  for (const auto& p : verdict.problems) named |= p.what.find("record 3 was inserted before it") != std::string::npos;
  EXPECT_TRUE(named) << ::testing::PrintToString(verdict.problems.size()) << verdict.problems[0].what;
}

TEST_F(AuditVerifyTest, AuditVerify_NamesReorderedRecords) {
  // Swap the contents of records 4 and 5 (seq is the key; everything else moves).
  tamper("UPDATE audit SET seq = 0 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5; "
         "UPDATE audit SET seq = 5 WHERE seq = 0");
  const auto verdict = verify();
  ASSERT_FALSE(verdict.intact());
  bool reordered = false;
  for (const auto& p : verdict.problems) reordered |= p.seq == 4 && p.what.find("reordered") != std::string::npos;
  EXPECT_TRUE(reordered) << verdict.problems[0].what;
}

}  // namespace
}  // namespace zpe
