// JobStore's EGVP bookkeeping (declared in job_store.h): which message packages were written
// for which court, with which documents, and what the EGVP client's receipt said
// (connectors/egvp_outbox.h, docs/EGVP.md).
#include "pipeline/job_store.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

constexpr const char* kPackageColumns =
    "package_id, tenant, court_id, case_number, court_file_number, message_id, created_ms, IFNULL(written_ms, 0), "
    "IFNULL(delivered_ms, 0), IFNULL(failure, '')";

EgvpPackage read_package(const Statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), {},
          s.integer(6), s.integer(7), s.integer(8), s.text(9)};
}

// Reads packages and fills in their documents.
Result<std::vector<EgvpPackage>> read_packages(sqlite3* db, Statement& s) {
  std::vector<EgvpPackage> out;
  while (s.step()) out.push_back(read_package(s));
  if (auto st = s.status(); !st) return fail(st.error());
  for (EgvpPackage& package : out) {
    Statement docs(db, "SELECT document_id FROM egvp_package_documents WHERE package_id = ? ORDER BY position");
    docs.bind(1, package.package_id);
    while (docs.step()) package.document_ids.push_back(docs.text(0));
    if (auto st = docs.status(); !st) return fail(st.error());
  }
  return out;
}

}  // namespace

Status JobStore::add_egvp_package(const EgvpPackage& p, const std::string& actor) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return st;
  Statement exists(db_, "SELECT 1 FROM egvp_packages WHERE package_id = ?");
  exists.bind(1, p.package_id);
  if (exists.step()) return fail(ErrorKind::kConflict, "EGVP package " + p.package_id + " exists already");
  Statement ins(db_,
                "INSERT INTO egvp_packages(package_id, tenant, court_id, case_number, court_file_number, message_id, "
                "created_ms) VALUES (?,?,?,?,?,?,?)");
  ins.bind(1, p.package_id).bind(2, p.tenant).bind(3, p.court_id).bind(4, p.case_number).bind(5, p.court_file_number)
      .bind(6, p.message_id).bind(7, p.created_ms);
  if (auto st = ins.run(); !st) return st;
  for (size_t i = 0; i < p.document_ids.size(); ++i) {
    Statement doc(db_, "INSERT INTO egvp_package_documents(package_id, position, document_id) VALUES (?,?,?)");
    if (auto st = doc.bind(1, p.package_id).bind(2, static_cast<int64_t>(i + 1)).bind(3, p.document_ids[i]).run(); !st) {
      return st;
    }
    const nlohmann::json detail = {{"package_id", p.package_id}, {"court_id", p.court_id},
                                   {"court_file_number", p.court_file_number}, {"message_id", p.message_id}};
    if (auto st = append_audit(p.document_ids[i], actor, "egvp_packaged", detail.dump(), p.created_ms); !st) return st;
  }
  return tx.commit();
}

Status JobStore::mark_egvp_written(const std::string& package_id, int64_t now_ms) {
  Statement s(db_, "UPDATE egvp_packages SET written_ms = ? WHERE package_id = ? AND written_ms IS NULL");
  return s.bind(1, now_ms).bind(2, package_id).run();
}

Result<bool> JobStore::record_egvp_receipt(const std::string& package_id, bool delivered, const std::string& failure,
                                           const std::string& receipt, int64_t now_ms, const std::string& actor) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return fail(st.error());
  Statement s(db_,
              "UPDATE egvp_packages SET delivered_ms = ?, failure = ?, receipt = ? "
              "WHERE package_id = ? AND delivered_ms IS NULL AND failure IS NULL");
  s.bind(3, receipt).bind(4, package_id);
  if (delivered) s.bind(1, now_ms).bind_null(2);
  else s.bind_null(1).bind(2, failure);
  if (auto st = s.run(); !st) return fail(st.error());
  if (sqlite3_changes(db_) == 0) return false;
  Statement docs(db_, "SELECT document_id FROM egvp_package_documents WHERE package_id = ? ORDER BY position");
  docs.bind(1, package_id);
  std::vector<std::string> ids;
  while (docs.step()) ids.push_back(docs.text(0));
  if (auto st = docs.status(); !st) return fail(st.error());
  nlohmann::json detail = {{"package_id", package_id}};
  if (!delivered) detail["failure"] = failure;
  for (const std::string& id : ids) {
    if (auto st = append_audit(id, actor, delivered ? "egvp_delivered" : "egvp_failed", detail.dump(), now_ms); !st) {
      return fail(st.error());
    }
  }
  if (auto st = tx.commit(); !st) return fail(st.error());
  return true;
}

Result<std::vector<EgvpPackage>> JobStore::egvp_packages(const std::string& tenant, int limit) {
  const std::string sql = std::string("SELECT ") + kPackageColumns +
                          " FROM egvp_packages WHERE ?1 = '' OR tenant = ?1 ORDER BY created_ms DESC, rowid DESC LIMIT ?2";
  Statement s(db_, sql.c_str());
  s.bind(1, tenant).bind(2, limit);
  return read_packages(db_, s);
}

Result<std::vector<EgvpPackage>> JobStore::egvp_packages_without_receipt() {
  const std::string sql = std::string("SELECT ") + kPackageColumns +
                          " FROM egvp_packages WHERE delivered_ms IS NULL AND failure IS NULL ORDER BY created_ms, rowid";
  Statement s(db_, sql.c_str());
  return read_packages(db_, s);
}

Result<std::vector<std::pair<std::string, std::string>>> JobStore::court_routes_not_packaged(int limit) {
  // CASE keeps json_extract away from destinations that are not objects (it fails on them).
  Statement q(db_,
              "SELECT id, court FROM ("
              "  SELECT d.id AS id, d.updated_ms AS updated, d.rowid AS seq,"
              "    CASE WHEN dest.type = 'object' THEN json_extract(dest.value, '$.to') END AS target,"
              "    CASE WHEN dest.type = 'object' THEN json_extract(dest.value, '$.court_id') END AS court"
              "  FROM documents d, json_each(d.record, '$.route.destinations') dest WHERE d.state = 'FILED') routes "
              "WHERE target = 'court' AND court IS NOT NULL "
              "AND NOT EXISTS (SELECT 1 FROM egvp_package_documents pd JOIN egvp_packages p USING (package_id) "
              "                WHERE pd.document_id = routes.id AND p.court_id = routes.court) "
              "ORDER BY updated, seq LIMIT ?");
  q.bind(1, limit);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.text(0), q.text(1));
  if (auto st = q.status(); !st) return fail(st.error());
  return out;
}

}  // namespace zpe
