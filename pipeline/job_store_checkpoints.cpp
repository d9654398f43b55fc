// JobStore's page checkpoints (declared in job_store.h; docs/ARCHITECTURE.md "Page
// checkpoints"): while a stage job works through a long document, each finished page is
// recorded here, fenced by the job's lease, so that the next attempt after a kill -9 or a
// lost lease works only the pages that were not finished. The table is created by the
// schema in job_store.cpp (CREATE TABLE IF NOT EXISTS: a store from before it gets it at
// its next open).
#include "pipeline/job_store.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

// The states in which a document's checkpoints can no longer be used (and no longer keep
// blobs alive): nothing runs a stage of it again.
constexpr const char* kFinishedStates = "('FILED','REJECTED','REPLACED','QUARANTINED','SPLIT')";

}  // namespace

Result<bool> JobStore::save_page_checkpoint(const std::string& lease_id, const PageCheckpoint& checkpoint,
                                            int64_t now_ms) {
  if (checkpoint.page_index < 0 || checkpoint.page_index >= kMaxCheckpointPages) {
    return fail(ErrorKind::kInvalidInput, "page index " + std::to_string(checkpoint.page_index) + " out of range");
  }
  // One statement: the row is written only while the lease is valid, so a worker that lost
  // its lease cannot leave a page behind for the next attempt.
  Statement s(db_,
              "INSERT OR REPLACE INTO page_checkpoints(document_id, stage, page_index, stage_version, input_sha256, "
              "result, lease_id, saved_ms) SELECT id, stage, ?, ?, ?, ?, lease_id, ? FROM documents "
              "WHERE lease_id = ? AND state = 'RUNNING' AND lease_expires_ms >= ?");
  s.bind(1, checkpoint.page_index).bind(2, checkpoint.stage_version).bind(3, checkpoint.input_sha256)
      .bind(4, checkpoint.result.dump()).bind(5, now_ms).bind(6, lease_id).bind(7, now_ms);
  if (auto st = s.run(); !st) return fail(st.error());
  return sqlite3_changes(db_) > 0;
}

Result<std::vector<PageCheckpoint>> JobStore::page_checkpoints(const std::string& document_id,
                                                               const std::string& stage) {
  Statement s(db_,
              "SELECT page_index, stage_version, input_sha256, result FROM page_checkpoints "
              "WHERE document_id = ? AND stage = ? ORDER BY page_index");
  s.bind(1, document_id).bind(2, stage);
  std::vector<PageCheckpoint> out;
  while (s.step()) {
    auto result = nlohmann::json::parse(s.text(3), nullptr, false);
    if (!result.is_object()) continue;  // cannot happen through save_page_checkpoint
    out.push_back({s.integer(0), s.text(1), s.text(2), std::move(result)});
  }
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Status JobStore::drop_page_checkpoints(const std::string& document_id, const std::string& stage) {
  Statement s(db_, "DELETE FROM page_checkpoints WHERE document_id = ? AND stage = ?");
  return s.bind(1, document_id).bind(2, stage).run();
}

Status JobStore::for_each_live_checkpoint(const std::function<Status(const nlohmann::json& result)>& visit) {
  const std::string sql =
      std::string("SELECT c.result FROM page_checkpoints c JOIN documents d ON d.id = c.document_id "
                  "WHERE d.state NOT IN ") + kFinishedStates;
  Statement s(db_, sql.c_str());
  std::vector<nlohmann::json> results;
  while (s.step()) results.push_back(nlohmann::json::parse(s.text(0), nullptr, false));
  if (auto st = s.status(); !st) return st;
  for (const auto& result : results) {
    if (auto st = visit(result); !st) return st;
  }
  return {};
}

Result<int64_t> JobStore::drop_finished_checkpoints() {
  const std::string sql = std::string("DELETE FROM page_checkpoints WHERE document_id IN (SELECT id FROM documents "
                                      "WHERE state IN ") + kFinishedStates + ")";
  Statement s(db_, sql.c_str());
  if (auto st = s.run(); !st) return fail(st.error());
  return static_cast<int64_t>(sqlite3_changes(db_));
}

}  // namespace zpe
