// JobStore's statistics (declared in job_store.h, values in job_store_stats.h): read-only
// queries over documents, filings, the audit trail, stage runs and the outbox, each
// narrowed by a TenantFilter; and the workers table the dispatcher keeps.
//
// Ranges of time are read through indexes on documents(created_ms), audit(at_ms) and
// filings(filed_ms), so a day or an hour costs what it holds, not the store's size. Counts
// per (tenant, state), the outbox's backlog and the archive's count read a whole index or
// table, so their cost grows with the store.
#include <string>

#include "pipeline/job_store.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

// " AND <column> IN (?,...)" for a filter that names tenants; "" for every tenant. The
// values are bound by bind_tenants at the positions the placeholders take.
std::string tenant_clause(const TenantFilter& filter, const std::string& column) {
  if (filter.all_tenants) return "";
  std::string sql = " AND " + column + " IN (?";  // one more than named: never an empty list
  for (size_t i = 0; i < filter.tenants.size(); ++i) sql += ",?";
  return sql + ")";
}

// Binds the clause's values from `index` on; returns the next free index.
int bind_tenants(Statement& s, const TenantFilter& filter, int index) {
  if (filter.all_tenants) return index;
  s.bind(index++, std::string("\x01"));  // no tenant is named that
  for (const auto& tenant : filter.tenants) s.bind(index++, tenant);
  return index;
}

// Runs a query whose first two parameters are a time range [from_ms, to_ms) and whose
// tenant clause follows them; calls `row` with the statement at each row.
template <class RowFn>
Status for_each_in_range(sqlite3* db, const std::string& sql, int64_t from_ms, int64_t to_ms,
                         const TenantFilter& filter, RowFn row) {
  Statement s(db, sql.c_str());
  bind_tenants(s.bind(1, from_ms).bind(2, to_ms), filter, 3);
  while (s.step()) row(s);
  return s.status();
}

// The pages a document record counts (0 before the prepare stage has counted them).
constexpr const char* kPagesOf = "IFNULL(json_extract(d.record,'$.page_count'),0)";

// Audit records that moved a document into `state` by the pipeline (not an operator).
std::string sent_to_condition(const std::string& state) {
  const std::string direct = state == "CLEARING" ? "a.action = 'to_clearing'" : "a.action = 'quarantined'";
  return "(" + direct + " OR (a.action IN ('stage_failed','lease_expired') AND json_extract(a.detail,'$.new_state') = '" +
         state + "'))";
}

}  // namespace

Result<DailyCounts> JobStore::daily_counts(const TenantFilter& filter, int64_t day_start_ms, int days) {
  DailyCounts out;
  const int64_t end_ms = day_start_ms + static_cast<int64_t>(days) * kMsPerDay;
  auto day_of = [day_start_ms](int64_t ms) { return day_start_ms + (ms - day_start_ms) / kMsPerDay * kMsPerDay; };
  // Arrivals: documents that are not a split batch's children.
  auto st = for_each_in_range(db_,
                              std::string("SELECT d.tenant, d.created_ms, ") + kPagesOf +
                                  " FROM documents d WHERE d.created_ms >= ? AND d.created_ms < ?"
                                  " AND json_extract(d.record,'$.parent_document_id') IS NULL" +
                                  tenant_clause(filter, "d.tenant"),
                              day_start_ms, end_ms, filter, [&](const Statement& row) {
                                DayCounts& c = out[day_of(row.integer(1))][row.text(0)];
                                c.received += 1;
                                c.pages_received += row.integer(2);
                              });
  if (!st) return fail(st.error());
  st = for_each_in_range(db_,
                         std::string("SELECT f.tenant, f.filed_ms, ") + kPagesOf +
                             " FROM filings f JOIN documents d ON d.id = f.document_id"
                             " WHERE f.filed_ms >= ? AND f.filed_ms < ?" + tenant_clause(filter, "f.tenant"),
                         day_start_ms, end_ms, filter, [&](const Statement& row) {
                           DayCounts& c = out[day_of(row.integer(1))][row.text(0)];
                           c.filed += 1;
                           c.pages_filed += row.integer(2);
                         });
  if (!st) return fail(st.error());
  for (const std::string state : {"CLEARING", "QUARANTINED"}) {
    // Distinct documents per day: a document sent twice in one day counts once.
    st = for_each_in_range(db_,
                           "SELECT d.tenant, COUNT(DISTINCT a.document_id), MIN(a.at_ms)"
                           " FROM audit a JOIN documents d ON d.id = a.document_id"
                           " WHERE a.at_ms >= ? AND a.at_ms < ? AND " + sent_to_condition(state) +
                               tenant_clause(filter, "d.tenant") + " GROUP BY 1, a.at_ms / 86400000",
                           day_start_ms, end_ms, filter, [&](const Statement& row) {
                             DayCounts& c = out[day_of(row.integer(2))][row.text(0)];
                             (state == "CLEARING" ? c.to_clearing : c.quarantined) += row.integer(1);
                           });
    if (!st) return fail(st.error());
  }
  return out;
}

Result<std::map<std::pair<std::string, std::string>, int64_t>> JobStore::documents_by_tenant_and_state(
    const TenantFilter& filter) {
  const std::string sql = "SELECT tenant, state, COUNT(*) FROM documents WHERE 1" + tenant_clause(filter, "tenant") +
                          " GROUP BY tenant, state";
  Statement s(db_, sql.c_str());
  bind_tenants(s, filter, 1);
  std::map<std::pair<std::string, std::string>, int64_t> out;
  while (s.step()) out[{s.text(0), s.text(1)}] = s.integer(2);
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Result<std::vector<StageBacklog>> JobStore::stage_backlog(const TenantFilter& filter) {
  std::map<std::string, StageBacklog> by_stage;
  {
    const std::string sql = "SELECT stage, SUM(state = 'QUEUED'), SUM(state = 'RUNNING') FROM documents"
                            " WHERE state IN ('QUEUED','RUNNING')" + tenant_clause(filter, "tenant") + " GROUP BY stage";
    Statement s(db_, sql.c_str());
    bind_tenants(s, filter, 1);
    while (s.step()) {
      StageBacklog& b = by_stage[s.text(0)];
      b.stage = s.text(0);
      b.queued = s.integer(1);
      b.running = s.integer(2);
    }
    if (auto st = s.status(); !st) return fail(st.error());
  }
  {
    // SQLite takes the bare columns of a MIN() aggregate from the row holding the minimum.
    const std::string sql = "SELECT stage, id, tenant, MIN(updated_ms) FROM documents WHERE state = 'QUEUED'" +
                            tenant_clause(filter, "tenant") + " GROUP BY stage";
    Statement s(db_, sql.c_str());
    bind_tenants(s, filter, 1);
    while (s.step()) {
      StageBacklog& b = by_stage[s.text(0)];
      b.oldest_document_id = s.text(1);
      b.oldest_tenant = s.text(2);
      b.oldest_since_ms = s.integer(3);
    }
    if (auto st = s.status(); !st) return fail(st.error());
  }
  std::vector<StageBacklog> out;
  for (auto& [stage, backlog] : by_stage) out.push_back(std::move(backlog));
  return out;
}

Result<std::vector<MinuteThroughput>> JobStore::throughput_per_minute(const TenantFilter& filter, int64_t from_ms,
                                                                      int64_t to_ms) {
  std::vector<MinuteThroughput> out;
  auto st = for_each_in_range(db_,
                              std::string("SELECT a.at_ms / 60000, COUNT(*), SUM(") + kPagesOf +
                                  ") FROM audit a JOIN documents d ON d.id = a.document_id"
                                  " WHERE a.at_ms >= ? AND a.at_ms < ? AND (a.action = 'filed' OR " +
                                  sent_to_condition("CLEARING") + ")" + tenant_clause(filter, "d.tenant") +
                                  " GROUP BY 1 ORDER BY 1",
                              from_ms, to_ms, filter, [&](const Statement& row) {
                                out.push_back({row.integer(0) * 60000, row.integer(1), row.integer(2)});
                              });
  if (!st) return fail(st.error());
  return out;
}

Result<std::map<std::string, std::vector<int64_t>>> JobStore::filed_latencies_ms(const TenantFilter& filter,
                                                                                 int64_t from_ms, int64_t to_ms) {
  std::map<std::string, std::vector<int64_t>> out;
  auto st = for_each_in_range(db_,
                              "SELECT f.tenant, f.filed_ms - IFNULL(p.created_ms, d.created_ms)"
                              " FROM filings f JOIN documents d ON d.id = f.document_id"
                              " LEFT JOIN documents p ON p.id = json_extract(d.record,'$.parent_document_id')"
                              " WHERE f.filed_ms >= ? AND f.filed_ms < ?" + tenant_clause(filter, "f.tenant"),
                              from_ms, to_ms, filter,
                              [&](const Statement& row) { out[row.text(0)].push_back(row.integer(1)); });
  if (!st) return fail(st.error());
  return out;
}

Result<std::map<std::string, std::map<std::string, int64_t>>> JobStore::reasons_sent_to(const TenantFilter& filter,
                                                                                       const std::string& state,
                                                                                       int64_t from_ms, int64_t to_ms) {
  if (state != "CLEARING" && state != "QUARANTINED") {
    return fail(ErrorKind::kInvalidInput, "reasons_sent_to: CLEARING or QUARANTINED, not " + state);
  }
  // A failed stage's reason as the document row says it ("ocr failed: ..."); the audit
  // detail of to_clearing and quarantined carries the row's reason itself.
  const std::string reason = state == "CLEARING"
                                 ? "CASE WHEN a.action IN ('stage_failed','lease_expired') THEN json_extract(a.detail,'$.stage')"
                                   " || ' failed: ' || IFNULL(json_extract(a.detail,'$.reason'),'')"
                                   " ELSE IFNULL(json_extract(a.detail,'$.reason'),'') END"
                                 : "IFNULL(json_extract(a.detail,'$.reason'),'')";
  std::map<std::string, std::map<std::string, int64_t>> out;
  auto st = for_each_in_range(db_,
                              "SELECT d.tenant, " + reason + ", COUNT(DISTINCT a.document_id)"
                              " FROM audit a JOIN documents d ON d.id = a.document_id"
                              " WHERE a.at_ms >= ? AND a.at_ms < ? AND " + sent_to_condition(state) +
                                  tenant_clause(filter, "d.tenant") + " GROUP BY 1, 2",
                              from_ms, to_ms, filter,
                              [&](const Statement& row) { out[row.text(0)][row.text(1)] += row.integer(2); });
  if (!st) return fail(st.error());
  return out;
}

Result<std::vector<FailedRunCount>> JobStore::failed_runs(const TenantFilter& filter, int64_t from_ms, int64_t to_ms) {
  std::vector<FailedRunCount> out;
  auto st = for_each_in_range(db_,
                              "SELECT IFNULL(json_extract(a.detail,'$.stage'),''), IFNULL(json_extract(a.detail,'$.kind'),''),"
                              " COUNT(*) FROM audit a JOIN documents d ON d.id = a.document_id"
                              " WHERE a.at_ms >= ? AND a.at_ms < ? AND a.action IN ('stage_failed','lease_expired')" +
                                  tenant_clause(filter, "d.tenant") + " GROUP BY 1, 2 ORDER BY 1, 2",
                              from_ms, to_ms, filter,
                              [&](const Statement& row) { out.push_back({row.text(0), row.text(1), row.integer(2)}); });
  if (!st) return fail(st.error());
  return out;
}

Result<std::vector<StageRunRow>> JobStore::stage_runs_after(int64_t after_id, int limit) {
  // A run without finished_ms whose lease no document holds any more was abandoned
  // (it can no longer finish); one whose lease is still held will finish later.
  Statement s(db_,
              "SELECT r.id, r.stage, IFNULL(r.outcome,''), IFNULL(r.reason,''),"
              " IFNULL(r.finished_ms - r.started_ms, 0),"
              " r.finished_ms IS NULL AND EXISTS(SELECT 1 FROM documents d WHERE d.lease_id = r.lease_id)"
              " FROM stage_runs r WHERE r.id > ? ORDER BY r.id LIMIT ?");
  s.bind(1, after_id).bind(2, limit);
  std::vector<StageRunRow> out;
  while (s.step()) {
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.integer(5) != 0});
  }
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Result<std::map<std::string, FeedBacklog>> JobStore::feed_backlog(const TenantFilter& filter) {
  const std::string sql = "SELECT IFNULL(tenant,''), COUNT(*), MIN(created_ms) FROM events"
                          " WHERE (acked_ms IS NULL OR replay_pending = 1)" + tenant_clause(filter, "tenant") +
                          " GROUP BY 1";
  Statement s(db_, sql.c_str());
  bind_tenants(s, filter, 1);
  std::map<std::string, FeedBacklog> out;
  while (s.step()) out[s.text(0)] = {s.integer(1), s.integer(2)};
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Result<std::map<std::string, int64_t>> JobStore::archived_per_tenant(const TenantFilter& filter) {
  const std::string sql = "SELECT d.tenant, COUNT(*) FROM archived a JOIN documents d ON d.id = a.document_id WHERE 1" +
                          tenant_clause(filter, "d.tenant") + " GROUP BY 1";
  Statement s(db_, sql.c_str());
  bind_tenants(s, filter, 1);
  std::map<std::string, int64_t> out;
  while (s.step()) out[s.text(0)] = s.integer(1);
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Status JobStore::record_workers(const std::vector<WorkerStatus>& workers) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return st;
  if (auto st = exec_sql(db_, "DELETE FROM workers"); !st) return st;
  for (const auto& w : workers) {
    Statement s(db_, "INSERT OR REPLACE INTO workers(name, stage, host, last_seen_ms) VALUES (?,?,?,?)");
    if (auto st = s.bind(1, w.name).bind(2, w.stage).bind(3, w.host).bind(4, w.last_seen_ms).run(); !st) return st;
  }
  return tx.commit();
}

Result<std::vector<WorkerStatus>> JobStore::workers() {
  Statement s(db_,
              "SELECT w.name, w.stage, w.host, w.last_seen_ms, IFNULL(d.id,''), IFNULL(d.tenant,'') FROM workers w"
              " LEFT JOIN documents d ON d.state = 'RUNNING' AND d.worker = w.name ORDER BY w.stage, w.name");
  std::vector<WorkerStatus> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3), s.text(4), s.text(5)});
  if (auto st = s.status(); !st) return fail(st.error());
  return out;
}

Status JobStore::check_writable() {
  Transaction tx(db_);  // BEGIN IMMEDIATE: takes the write lock; rolled back when it goes
  if (auto st = tx.begin_status(); !st) return st;
  Statement s(db_, "INSERT OR REPLACE INTO workers(name, stage, host, last_seen_ms) VALUES ('\x01probe','','',0)");
  return s.run();
}

}  // namespace zpe
