// JobStore's archive bookkeeping (declared in job_store.h): which FILED documents have a
// write-once archival package, where it is and the hash of its manifest.
#include "pipeline/job_store.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

Result<std::vector<std::string>> JobStore::filed_not_archived(int limit) {
  Statement s(db_,
              "SELECT id FROM documents WHERE state = 'FILED' AND id NOT IN (SELECT document_id FROM archived) "
              "ORDER BY updated_ms, rowid LIMIT ?");
  s.bind(1, limit);
  std::vector<std::string> ids;
  while (s.step()) ids.push_back(s.text(0));
  if (auto st = s.status(); !st) return fail(st.error());
  return ids;
}

Result<int64_t> JobStore::archive_backlog() {
  Statement s(db_,
              "SELECT COUNT(*) FROM documents WHERE state IN ('FILED','REJECTED') AND id NOT IN "
              "(SELECT document_id FROM archived)");
  if (!s.step()) return fail(s.status().error());
  return s.integer(0);
}

Result<int64_t> JobStore::filed_at_ms(const std::string& document_id) {
  Statement s(db_, "SELECT at_ms FROM audit WHERE document_id = ? AND action = 'filed' ORDER BY seq LIMIT 1");
  s.bind(1, document_id);
  if (s.step()) return s.integer(0);
  if (auto st = s.status(); !st) return fail(st.error());
  return fail(ErrorKind::kNotFound, "document " + document_id + " has not been filed");
}

Status JobStore::mark_archived(const ArchivedPackage& package, const std::string& actor) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return st;
  Statement ins(db_,
                "INSERT OR IGNORE INTO archived(document_id, package, manifest_sha256, archived_ms) VALUES (?,?,?,?)");
  ins.bind(1, package.document_id).bind(2, package.package).bind(3, package.manifest_sha256)
      .bind(4, package.archived_ms);
  if (auto st = ins.run(); !st) return st;
  if (sqlite3_changes(db_) > 0) {
    const nlohmann::json detail = {{"package", package.package}, {"manifest_sha256", package.manifest_sha256}};
    if (auto st = append_audit(package.document_id, actor, "archived", detail.dump(), package.archived_ms); !st) {
      return st;
    }
  }
  return tx.commit();
}

Result<std::vector<ArchivedPackage>> JobStore::archived_packages(const std::string& document_id) {
  Statement s(db_,
              "SELECT document_id, package, manifest_sha256, archived_ms FROM archived "
              "WHERE ?1 = '' OR document_id = ?1 ORDER BY archived_ms, rowid");
  s.bind(1, document_id);
  std::vector<ArchivedPackage> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3)});
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

}  // namespace zpe
