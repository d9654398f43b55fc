// JobStore's storage-policy bookkeeping (declared in job_store.h, used by
// connectors/storage_gc.h): walking every document, whether a document's PDF may still be
// delivered somewhere, and recording what the policy removed.
#include "pipeline/job_store.h"
#include "pipeline/job_store_rows.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

Status JobStore::for_each_document_with_blobs(const std::function<Status(const DocumentRow&)>& visit) {
  // Paged by rowid so that no statement stays open while `visit` writes to the store.
  // rowid after the columns read_document_row reads (12 of them).
  const std::string sql =
      std::string("SELECT ") + kDocumentColumns +
      ", rowid FROM documents WHERE rowid > ? AND json_extract(record, '$.storage.working_copies_removed_ms') IS NULL "
      "ORDER BY rowid LIMIT ?";
  int64_t after = 0;
  constexpr int kPage = 500;
  while (true) {
    Statement s(db_, sql.c_str());
    s.bind(1, after).bind(2, kPage);
    std::vector<DocumentRow> page;
    while (s.step()) {
      after = s.integer(12);
      page.push_back(read_document_row(s));
    }
    if (auto st = s.status(); !st) return st;
    for (const DocumentRow& row : page) {
      if (auto st = visit(row); !st) return st;
    }
    if (page.size() < static_cast<std::size_t>(kPage)) return {};
  }
}

Result<bool> JobStore::has_open_deliveries(const std::string& document_id) {
  Statement s(db_,
              "SELECT EXISTS(SELECT 1 FROM events WHERE document_id = ?1 AND (acked_ms IS NULL OR replay_pending = 1)) "
              "OR EXISTS(SELECT 1 FROM egvp_package_documents d JOIN egvp_packages p ON p.package_id = d.package_id "
              "WHERE d.document_id = ?1 AND p.delivered_ms IS NULL AND p.failure IS NULL)");
  s.bind(1, document_id);
  if (!s.step()) return fail(s.status().error());
  return s.integer(0) != 0;
}

Status JobStore::record_storage_collected(const std::string& document_id, const nlohmann::json& storage,
                                          const nlohmann::json& detail, const std::string& actor, int64_t now_ms) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return st;
  Statement upd(db_, "UPDATE documents SET record = json_set(record, '$.storage', json(?)) WHERE id = ?");
  upd.bind(1, storage.dump()).bind(2, document_id);
  if (auto st = upd.run(); !st) return st;
  if (sqlite3_changes(db_) == 0) return fail(ErrorKind::kNotFound, "no document " + document_id);
  if (auto st = append_audit(document_id, actor, "storage_collected", detail.dump(), now_ms); !st) return st;
  return tx.commit();
}

}  // namespace zpe
