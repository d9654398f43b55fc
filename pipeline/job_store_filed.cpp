// JobStore's filings (declared in job_store.h): which document went into which case file
// and when, with the text fingerprint it was classified with, so the dispatcher can answer
// the route stage's near-duplicate lookup (FIND-FILED, docs/PROTOCOL.md) from one indexed
// table instead of parsing every record.
#include "pipeline/job_store.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

std::string fingerprint_of(const nlohmann::json& record) {
  const auto classification = record.find("classification");
  if (classification == record.end() || !classification->is_object()) return "";
  const auto fingerprint = classification->find("text_fingerprint");
  return fingerprint != classification->end() && fingerprint->is_string() ? fingerprint->get<std::string>() : "";
}

}  // namespace

Status JobStore::record_filing(const std::string& document_id, const std::string& tenant,
                               const nlohmann::json& record, int64_t now_ms) {
  const std::string fingerprint = fingerprint_of(record);
  Statement s(db_,
              "INSERT OR REPLACE INTO filings(document_id, tenant, case_number, filed_ms, text_fingerprint) "
              "VALUES (?,?,?,?,?)");
  s.bind(1, document_id).bind(2, tenant).bind(3, record["route"].value("case_number", "")).bind(4, now_ms)
      .bind(5, fingerprint.empty() ? std::nullopt : std::optional<std::string>(fingerprint));
  return s.run();
}

Result<std::vector<Filing>> JobStore::filed_in_case(const std::string& tenant, const std::string& case_number,
                                                    int64_t since_ms) {
  Statement s(db_,
              "SELECT document_id, case_number, filed_ms, IFNULL(text_fingerprint,'') FROM ("
              "SELECT * FROM filings WHERE tenant = ? AND case_number = ? AND filed_ms >= ? "
              "ORDER BY filed_ms DESC LIMIT ?) ORDER BY filed_ms, document_id");
  s.bind(1, tenant).bind(2, case_number).bind(3, since_ms).bind(4, kMaxFilingsListed);
  std::vector<Filing> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2), s.text(3)});
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Result<bool> JobStore::has_filings_table() {
  Statement s(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'filings'");
  if (s.step()) return true;
  if (auto st = s.status(); !st) return fail(st.error());
  return false;
}

Status JobStore::backfill_filings() {
  // When each was filed: its first "filed" audit record (documents.updated_ms may move later).
  return exec_sql(db_,
                  "INSERT OR IGNORE INTO filings(document_id, tenant, case_number, filed_ms, text_fingerprint) "
                  "SELECT d.id, d.tenant, json_extract(d.record, '$.route.case_number'), "
                  "IFNULL((SELECT MIN(a.at_ms) FROM audit a WHERE a.document_id = d.id AND a.action = 'filed'), "
                  "d.updated_ms), json_extract(d.record, '$.classification.text_fingerprint') "
                  "FROM documents d WHERE d.state = 'FILED' AND json_extract(d.record, '$.route.case_number') "
                  "IS NOT NULL");
}

}  // namespace zpe
