// JobStore's half of the clearing station (declared in job_store.h): operators' decisions
// as single transactions, guarded by the document's state and version; the searches the
// clearing list and the document search run; rescans that replace a document.
#include <algorithm>
#include <set>
#include <string>

#include "pipeline/job_store.h"
#include "pipeline/job_store_rows.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

bool contains(const std::vector<std::string>& values, const std::string& value) {
  for (const auto& v : values) {
    if (v == value) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : " or ") + v;
  return out;
}

// The refusal an operator sees when the document moved on under them.
Status check_unchanged(const DocumentRow& row, const OperatorChange& change) {
  if (!contains(change.from_states, row.state)) {
    return fail(ErrorKind::kConflict, "document " + row.id + " is " + row.state + " now, not " +
                                          joined(change.from_states) +
                                          ": someone else has decided it meanwhile — reload it");
  }
  if (change.expected_version >= 0 && row.version != change.expected_version) {
    return fail(ErrorKind::kConflict, "document " + row.id + " has changed since you opened it (version " +
                                          std::to_string(change.expected_version) + ", now " +
                                          std::to_string(row.version) + ") — reload it and check again");
  }
  return {};
}

// The placeholders "(?, ?, ...)" for n values.
std::string placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out + ")";
}

// The WHERE clause of a document query and its values in binding order.
struct Where {
  std::string sql;
  std::vector<std::string> text_values;  // bound first, in order
  std::vector<int64_t> number_values;    // bound after the texts
};

Where query_where(const DocumentQuery& q, bool with_states) {
  Where w;
  w.sql = " WHERE 1";
  if (!q.all_tenants) {
    w.sql += " AND tenant IN " + placeholders(q.tenants.size() + 1);  // +1: never an empty list
    w.text_values = q.tenants;
    w.text_values.push_back("\x01");  // no tenant is named that
  }
  if (with_states && !q.states.empty()) {
    w.sql += " AND state IN " + placeholders(q.states.size());
    w.text_values.insert(w.text_values.end(), q.states.begin(), q.states.end());
  }
  if (!q.text.empty()) {
    w.sql +=
        " AND (instr(lower(id), lower(?)) > 0 OR instr(lower(IFNULL(source_file,'')), lower(?)) > 0"
        " OR instr(IFNULL(json_extract(record,'$.classification.case_number'),''), ?) > 0"
        " OR instr(IFNULL(json_extract(record,'$.route.case_number'),''), ?) > 0"
        " OR instr(IFNULL(json_extract(record,'$.operator.corrections.case_number.value'),''), ?) > 0)";
    for (int i = 0; i < 5; ++i) w.text_values.push_back(q.text);
  }
  if (!q.reason_contains.empty()) {
    w.sql += " AND instr(IFNULL(reason,''), ?) > 0";
    w.text_values.push_back(q.reason_contains);
  }
  if (q.created_from_ms > 0) {
    w.sql += " AND created_ms >= ?";
    w.number_values.push_back(q.created_from_ms);
  }
  if (q.created_to_ms > 0) {
    w.sql += " AND created_ms < ?";
    w.number_values.push_back(q.created_to_ms);
  }
  return w;
}

int bind_where(Statement& s, const Where& w) {
  int i = 1;
  for (const auto& v : w.text_values) s.bind(i++, v);
  for (auto v : w.number_values) s.bind(i++, v);
  return i;
}

}  // namespace

Result<std::vector<DocumentRow>> JobStore::find_documents(const DocumentQuery& q) {
  const Where w = query_where(q, true);
  const std::string sql = std::string("SELECT ") + kDocumentColumns + " FROM documents" + w.sql +
                          (q.newest_first ? " ORDER BY created_ms DESC, rowid DESC" : " ORDER BY created_ms, rowid") +
                          " LIMIT ? OFFSET ?";
  Statement s(db_, sql.c_str());
  const int next = bind_where(s, w);
  s.bind(next, std::max(0, q.limit)).bind(next + 1, std::max(0, q.offset));
  std::vector<DocumentRow> rows;
  while (s.step()) rows.push_back(read_document_row(s));
  if (auto st = s.status(); !st) return fail(st.error());
  return rows;
}

Result<std::map<std::string, int64_t>> JobStore::count_clearing_reasons(const DocumentQuery& q) {
  const Where w = query_where(q, false);
  const std::string sql = "SELECT IFNULL(reason,''), COUNT(*) FROM documents" + w.sql +
                          " AND state = 'CLEARING' GROUP BY reason";
  Statement s(db_, sql.c_str());
  bind_where(s, w);
  std::map<std::string, int64_t> out;
  while (s.step()) out[s.text(0)] = s.integer(1);
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Result<DocumentRow> JobStore::apply_operator_change(const OperatorChange& c) {
  {
    Transaction tx(db_);
    if (auto st = tx.begin_status(); !st) return fail(st.error());
    auto row = get(c.document_id);
    if (!row) return fail(row.error());
    if (auto st = check_unchanged(*row, c); !st) return fail(st.error());
    nlohmann::json record = row->record.is_object() ? row->record : nlohmann::json::object();
    for (auto it = c.patch.begin(); it != c.patch.end(); ++it) record[it.key()] = *it;
    const bool queued = c.new_state == "QUEUED";
    if (queued && c.resume_stage.empty()) {
      return fail(ErrorKind::kInternal, "an operator change to QUEUED names no stage");
    }
    Statement upd(db_,
                  "UPDATE documents SET state = ?, stage = ?, attempts = 0, lease_id = NULL, lease_expires_ms = NULL, "
                  "worker = NULL, not_before_ms = 0, reason = ?, record = ?, updated_ms = ? WHERE id = ?");
    upd.bind(1, c.new_state).bind(2, queued ? std::optional<std::string>(c.resume_stage) : std::nullopt)
        .bind(3, c.reason).bind(4, record.dump()).bind(5, c.now_ms).bind(6, c.document_id);
    if (auto st = upd.run(); !st) return fail(st.error());
    nlohmann::json detail = c.detail.is_object() ? c.detail : nlohmann::json::object();
    detail["from_state"] = row->state;
    detail["new_state"] = c.new_state;
    if (queued) detail["next_stage"] = c.resume_stage;
    if (auto st = append_audit(c.document_id, c.actor, c.action, detail.dump(), c.now_ms); !st) return fail(st.error());
    if (auto st = tx.commit(); !st) return fail(st.error());
  }
  return get(c.document_id);
}

Result<HeldAt> JobStore::held_at(const std::string& document_id) {
  Statement s(db_,
              "SELECT action, detail FROM audit WHERE document_id = ? AND action IN "
              "('to_clearing','stage_failed','lease_expired','split_from') ORDER BY seq DESC");
  s.bind(1, document_id);
  while (s.step()) {
    const std::string action = s.text(0);
    const auto detail = nlohmann::json::parse(s.text(1), nullptr, false);
    if (!detail.is_object()) continue;
    if (action == "to_clearing") return HeldAt{detail.value("stage", ""), false};
    if (action == "split_from") break;  // a child born of a split that never reached clearing
    if (detail.value("new_state", "") == "CLEARING") return HeldAt{detail.value("stage", ""), true};
  }
  if (auto st = s.status(); !st) return fail(st.error());
  return HeldAt{};
}

Result<std::vector<std::string>> JobStore::resplit(const OperatorChange& c, const std::string& next_stage) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return fail(st.error());
  auto batch = get(c.document_id);
  if (!batch) return fail(batch.error());
  if (auto st = check_unchanged(*batch, c); !st) return fail(st.error());
  // Every child the batch ever had, from its split and re-split audit records.
  std::vector<std::string> children;
  Statement splits(db_, "SELECT detail FROM audit WHERE document_id = ? AND action IN ('split','resplit') ORDER BY seq");
  splits.bind(1, c.document_id);
  while (splits.step()) {
    const auto detail = nlohmann::json::parse(splits.text(0), nullptr, false);
    if (!detail.is_object() || !detail.contains("children") || !detail["children"].is_array()) continue;
    for (const auto& id : detail["children"]) {
      if (id.is_string()) children.push_back(id.get<std::string>());
    }
  }
  std::vector<std::string> to_replace;
  for (const auto& id : children) {
    auto child = get(id);
    if (!child) return fail(child.error());
    if (child->state == "FILED" || child->state == "RUNNING") {
      return fail(ErrorKind::kConflict, "document " + id + " of batch " + c.document_id + " is " + child->state +
                                            (child->state == "FILED"
                                                 ? ": a filed document cannot be re-split — correct it in the case file"
                                                 : ": a stage is working on it — try again in a minute"));
    }
    if (child->state == "QUEUED" || child->state == "CLEARING" || child->state == "RESCAN_REQUESTED") {
      to_replace.push_back(id);
    }
  }
  nlohmann::json record = batch->record;
  for (auto it = c.patch.begin(); it != c.patch.end(); ++it) record[it.key()] = *it;
  auto made = add_split_children(c.document_id, record, next_stage, c.now_ms, c.actor);
  if (!made) return fail(made.error());
  const std::string why = "re-split of batch " + c.document_id + " by " + c.actor;
  for (const auto& id : to_replace) {
    Statement upd(db_,
                  "UPDATE documents SET state = 'REPLACED', stage = NULL, reason = ?, "
                  "record = json_set(record, '$.replaced_by', json(?)), updated_ms = ? WHERE id = ?");
    upd.bind(1, why).bind(2, nlohmann::json(*made).dump()).bind(3, c.now_ms).bind(4, id);
    if (auto st = upd.run(); !st) return fail(st.error());
    nlohmann::json detail = {{"note", why}, {"replaced_by", *made}, {"new_state", "REPLACED"}};
    if (auto st = append_audit(id, c.actor, "replaced", detail.dump(), c.now_ms); !st) return fail(st.error());
  }
  Statement upd(db_, "UPDATE documents SET record = ?, updated_ms = ? WHERE id = ?");
  upd.bind(1, record.dump()).bind(2, c.now_ms).bind(3, c.document_id);
  if (auto st = upd.run(); !st) return fail(st.error());
  nlohmann::json detail = c.detail.is_object() ? c.detail : nlohmann::json::object();
  detail["children"] = *made;
  detail["replaced"] = to_replace;
  if (auto st = append_audit(c.document_id, c.actor, "resplit", detail.dump(), c.now_ms); !st) return fail(st.error());
  if (auto st = tx.commit(); !st) return fail(st.error());
  return *made;
}

Status JobStore::link_rescan(const NewDocument& doc, int64_t now, const std::string& actor) {
  Statement upd(db_,
                "UPDATE documents SET state = 'REPLACED', stage = NULL, reason = ?, "
                "record = json_set(record, '$.replaced_by', ?), updated_ms = ? "
                "WHERE id = ? AND tenant = ? AND state = 'RESCAN_REQUESTED'");
  upd.bind(1, "replaced by the rescan " + doc.id).bind(2, doc.id).bind(3, now).bind(4, doc.rescan_of).bind(5, doc.tenant);
  if (auto st = upd.run(); !st) return st;
  if (sqlite3_changes(db_) > 0) {
    nlohmann::json detail = {{"replaced_by", doc.id}, {"new_state", "REPLACED"}, {"source_file", doc.source_file}};
    return append_audit(doc.rescan_of, actor, "replaced", detail.dump(), now);
  }
  // The rescan is processed all the same; the operator sees that it replaced nothing.
  nlohmann::json detail = {{"rescan_of", doc.rescan_of},
                           {"note", "document " + doc.rescan_of + " of tenant " + doc.tenant +
                                        " is not waiting for a rescan; this document replaces nothing"}};
  return append_audit(doc.id, actor, "rescan_not_linked", detail.dump(), now);
}

Result<std::vector<std::string>> JobStore::rejected_not_archived(int limit) {
  Statement s(db_,
              "SELECT id FROM documents WHERE state = 'REJECTED' AND id NOT IN (SELECT document_id FROM archived) "
              "ORDER BY updated_ms, rowid LIMIT ?");
  s.bind(1, limit);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

}  // namespace zpe
