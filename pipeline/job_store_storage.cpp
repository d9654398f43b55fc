// JobStore's storage-policy bookkeeping (declared in job_store.h, used by
// connectors/storage_gc.h): walking every document, whether a document's PDF may still be
// delivered somewhere, recording what the policy removed, and compacting old records.
#include "pipeline/deflate.h"
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

namespace {

// A compacted record's moved parts inflate to less than the whole record did; this bounds
// what a damaged row can make full_record allocate.
constexpr std::size_t kMaxRecordBytes = 256u * 1024 * 1024;

}  // namespace

Result<int64_t> JobStore::compact_record(const std::string& document_id, const std::vector<std::string>& pointers,
                                         const std::string& actor, int64_t now_ms) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return fail(st.error());
  Statement read(db_, "SELECT record FROM documents WHERE id = ?");
  read.bind(1, document_id);
  if (!read.step()) {
    if (auto st = read.status(); !st) return fail(st.error());
    return fail(ErrorKind::kNotFound, "no document " + document_id);
  }
  const std::string before = read.text(0);
  nlohmann::json record = nlohmann::json::parse(before, nullptr, false);
  if (!record.is_object() || record.contains("compacted")) return int64_t{0};
  nlohmann::json moved = nlohmann::json::object();
  for (const std::string& pointer : pointers) {
    const nlohmann::json::json_pointer at(pointer);
    if (!record.contains(at)) continue;
    moved[pointer] = record[at];
    record[at.parent_pointer()].erase(at.back());
  }
  if (moved.empty()) return int64_t{0};
  std::vector<std::string> names;
  for (const auto& [pointer, value] : moved.items()) names.push_back(pointer);
  record["compacted"] = {{"at_ms", now_ms}, {"bytes_before", before.size()}, {"moved", names}};
  std::string after = record.dump();
  record["compacted"]["bytes_after"] = after.size();
  after = record.dump();
  const std::string details = deflate_bytes(moved.dump());
  // A details row kept from an earlier compaction is never overwritten: the record then stays
  // as it is (its parts are still complete), and nothing is counted.
  Statement keep(db_,
                 "INSERT INTO record_details(document_id, compacted_ms, full_bytes, details) VALUES (?,?,?,?) "
                 "ON CONFLICT(document_id) DO NOTHING");
  keep.bind(1, document_id).bind(2, now_ms).bind(3, static_cast<int64_t>(before.size())).bind_blob(4, details);
  if (auto st = keep.run(); !st) return fail(st.error());
  if (sqlite3_changes(db_) == 0) return int64_t{0};
  Statement upd(db_, "UPDATE documents SET record = ? WHERE id = ?");
  upd.bind(1, after).bind(2, document_id);
  if (auto st = upd.run(); !st) return fail(st.error());
  const nlohmann::json detail = {{"bytes_before", before.size()}, {"bytes_after", after.size()},
                                 {"details_bytes", details.size()}, {"moved", names}};
  if (auto st = append_audit(document_id, actor, "record_compacted", detail.dump(), now_ms); !st) return fail(st.error());
  if (auto st = tx.commit(); !st) return fail(st.error());
  return static_cast<int64_t>(before.size()) - static_cast<int64_t>(after.size() + details.size());
}

Result<nlohmann::json> JobStore::full_record(const DocumentRow& row) {
  if (!row.record.is_object() || !row.record.contains("compacted")) return row.record;
  Statement s(db_, "SELECT details FROM record_details WHERE document_id = ?");
  s.bind(1, row.id);
  if (!s.step()) {
    if (auto st = s.status(); !st) return fail(st.error());
    return fail(ErrorKind::kCorruption, row.id + ": the record says it was compacted, but its moved parts are missing");
  }
  auto text = inflate_bytes(s.text(0), kMaxRecordBytes);
  if (!text) return fail(text.error().kind, row.id + ": moved parts of the record: " + text.error().message);
  const nlohmann::json moved = nlohmann::json::parse(*text, nullptr, false);
  if (!moved.is_object()) return fail(ErrorKind::kCorruption, row.id + ": moved parts of the record are not JSON");
  nlohmann::json record = row.record;
  for (const auto& [pointer, value] : moved.items()) {
    if (pointer.empty() || pointer.front() != '/') {
      return fail(ErrorKind::kCorruption, row.id + ": moved parts of the record name '" + pointer + "'");
    }
    const nlohmann::json::json_pointer at(pointer);  // well-formed: compact_record wrote it
    if (!record.contains(at)) record[at] = value;    // the record as it is now wins
  }
  return record;
}

}  // namespace zpe
