#include "pipeline/job_store.h"

#include <chrono>
#include <ctime>

#include "pipeline/blob_store.h"
#include "pipeline/durable_file.h"
#include "pipeline/job_store_rows.h"
#include "pipeline/log_format.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS documents(
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  state TEXT NOT NULL,
  stage TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_id TEXT,
  lease_expires_ms INTEGER,
  worker TEXT,
  not_before_ms INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  source_file TEXT,
  sha256_original TEXT,
  record TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS documents_queue ON documents(state, stage, not_before_ms, created_ms);
CREATE UNIQUE INDEX IF NOT EXISTS documents_lease ON documents(lease_id) WHERE lease_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS documents_source ON documents(tenant, source_file, sha256_original);
CREATE INDEX IF NOT EXISTS documents_updated ON documents(updated_ms);
CREATE TABLE IF NOT EXISTS stage_runs(
  id INTEGER PRIMARY KEY,
  document_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  lease_id TEXT NOT NULL,
  worker TEXT,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  outcome TEXT,
  reason TEXT,
  version TEXT);
CREATE INDEX IF NOT EXISTS stage_runs_doc ON stage_runs(document_id);
CREATE INDEX IF NOT EXISTS stage_runs_lease ON stage_runs(lease_id);
CREATE TABLE IF NOT EXISTS audit(
  seq INTEGER PRIMARY KEY,
  document_id TEXT,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_doc ON audit(document_id);
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  document_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  payload TEXT NOT NULL,
  deliveries INTEGER NOT NULL DEFAULT 0,
  last_sent_ms INTEGER,
  acked_ms INTEGER);
CREATE INDEX IF NOT EXISTS events_unacked ON events(acked_ms, seq);
-- events also has tenant, case_number, case_seq and replay_pending: JobStore::migrate_events
-- (pipeline/job_store_events.cpp) adds them to stores of every age.
CREATE TABLE IF NOT EXISTS filings(
  document_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  case_number TEXT NOT NULL,
  filed_ms INTEGER NOT NULL,
  text_fingerprint TEXT);
CREATE INDEX IF NOT EXISTS filings_case ON filings(tenant, case_number, filed_ms);
CREATE TABLE IF NOT EXISTS archived(
  document_id TEXT PRIMARY KEY,
  package TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  archived_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS egvp_packages(
  package_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  court_id TEXT NOT NULL,
  case_number TEXT NOT NULL,
  court_file_number TEXT NOT NULL,
  message_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  written_ms INTEGER,
  delivered_ms INTEGER,
  failure TEXT,
  receipt TEXT);
CREATE INDEX IF NOT EXISTS egvp_packages_open ON egvp_packages(delivered_ms, written_ms);
CREATE TABLE IF NOT EXISTS egvp_package_documents(
  package_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  document_id TEXT NOT NULL,
  PRIMARY KEY(package_id, position));
CREATE INDEX IF NOT EXISTS egvp_package_documents_doc ON egvp_package_documents(document_id);
-- Statistics (pipeline/job_store_stats.cpp): per-day and per-minute figures read time ranges;
-- /metrics counts documents per (tenant, state) from the index alone.
CREATE INDEX IF NOT EXISTS documents_created ON documents(created_ms);
CREATE INDEX IF NOT EXISTS documents_tenant_state ON documents(tenant, state);
CREATE INDEX IF NOT EXISTS audit_time ON audit(at_ms);
CREATE INDEX IF NOT EXISTS filings_time ON filings(filed_ms);
-- The parts of old documents' records the storage policy compacted (JobStore::compact_record):
-- a JSON object {pointer: value}, deflate-compressed; full_bytes: the record's size before.
CREATE TABLE IF NOT EXISTS record_details(
  document_id TEXT PRIMARY KEY,
  compacted_ms INTEGER NOT NULL,
  full_bytes INTEGER NOT NULL,
  details BLOB NOT NULL);
-- The stage workers the dispatcher is connected to, rewritten at least every 5 s.
-- Page checkpoints of running stage jobs (pipeline/job_store_checkpoints.cpp): one row per
-- finished page, replaced by a later attempt, deleted when the stage completes.
CREATE TABLE IF NOT EXISTS page_checkpoints(
  document_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  page_index INTEGER NOT NULL,
  stage_version TEXT NOT NULL,
  input_sha256 TEXT NOT NULL,
  result TEXT NOT NULL,
  lease_id TEXT NOT NULL,
  saved_ms INTEGER NOT NULL,
  PRIMARY KEY(document_id, stage, page_index));
CREATE TABLE IF NOT EXISTS workers(
  name TEXT PRIMARY KEY,
  stage TEXT NOT NULL,
  host TEXT NOT NULL,
  last_seen_ms INTEGER NOT NULL);
)SQL";

}  // namespace

const char* const kDocumentColumns =
    "id, tenant, state, IFNULL(stage,''), attempts, IFNULL(reason,''), IFNULL(source_file,''), "
    "IFNULL(sha256_original,''), record, created_ms, updated_ms, "
    "IFNULL((SELECT MAX(seq) FROM audit WHERE audit.document_id = documents.id), 0)";

DocumentRow read_document_row(const Statement& s) {
  DocumentRow row;
  row.id = s.text(0);
  row.tenant = s.text(1);
  row.state = s.text(2);
  row.stage = s.text(3);
  row.attempts = static_cast<int>(s.integer(4));
  row.reason = s.text(5);
  row.source_file = s.text(6);
  row.sha256_original = s.text(7);
  row.record = nlohmann::json::parse(s.text(8), nullptr, false);
  row.created_ms = s.integer(9);
  row.updated_ms = s.integer(10);
  row.version = s.integer(11);
  return row;
}

namespace {

// The leased document a lease id names, if the lease is still valid at now_ms.
struct Leased {
  std::string id, tenant, stage, record;
  int attempts = 0;
};

Result<std::optional<Leased>> find_valid_lease(sqlite3* db, const std::string& lease_id,
                                               int64_t now_ms) {
  Statement s(db,
              "SELECT id, tenant, stage, record, attempts FROM documents "
              "WHERE lease_id = ? AND state = 'RUNNING' AND lease_expires_ms >= ?");
  s.bind(1, lease_id).bind(2, now_ms);
  if (!s.step()) {
    if (auto st = s.status(); !st) return fail(st.error());
    return std::optional<Leased>{};
  }
  return std::optional<Leased>{Leased{s.text(0), s.text(1), s.text(2), s.text(3),
                                      static_cast<int>(s.integer(4))}};
}

Status finish_stage_run(sqlite3* db, const std::string& lease_id, const std::string& outcome,
                        const std::string& reason, const std::string& version, int64_t now_ms) {
  Statement s(db,
              "UPDATE stage_runs SET finished_ms = ?, outcome = ?, reason = ?, version = ? "
              "WHERE lease_id = ? AND finished_ms IS NULL");
  return s.bind(1, now_ms).bind(2, outcome).bind(3, reason).bind(4, version).bind(5, lease_id).run();
}

std::string next_stage_after(const std::vector<std::string>& stages, const std::string& stage) {
  for (size_t i = 0; i + 1 < stages.size(); ++i) {
    if (stages[i] == stage) return stages[i + 1];
  }
  return {};
}

}  // namespace

const char* state_name(DocState state) {
  switch (state) {
    case DocState::kQueued: return "QUEUED";
    case DocState::kRunning: return "RUNNING";
    case DocState::kFiled: return "FILED";
    case DocState::kClearing: return "CLEARING";
    case DocState::kQuarantined: return "QUARANTINED";
    case DocState::kSplit: return "SPLIT";
    case DocState::kRescanRequested: return "RESCAN_REQUESTED";
    case DocState::kRejected: return "REJECTED";
    case DocState::kReplaced: return "REPLACED";
  }
  return "QUEUED";
}

std::optional<DocState> parse_state(const std::string& name) {
  for (auto s : {DocState::kQueued, DocState::kRunning, DocState::kFiled, DocState::kClearing,
                 DocState::kQuarantined, DocState::kSplit, DocState::kRescanRequested, DocState::kRejected,
                 DocState::kReplaced}) {
    if (name == state_name(s)) return s;
  }
  return std::nullopt;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string new_document_id() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y%m%d", &tm);
  return std::string("D") + day + "-" + random_hex(6);
}

Result<std::unique_ptr<JobStore>> JobStore::open(const std::filesystem::path& path) {
  auto db = open_sqlite(path, true, 30000, "job store");
  if (!db) return fail(db.error());
  std::unique_ptr<JobStore> store(new JobStore(*db));
  if (auto st = exec_sql(*db, "PRAGMA foreign_keys=ON"); !st) return fail(st.error());
  auto had_filings = store->has_filings_table();
  if (!had_filings) return fail(had_filings.error());
  if (auto st = exec_sql(*db, kSchema); !st) return fail(st.error());
  if (auto st = store->migrate_events(); !st) return fail(st.error());
  if (!*had_filings) {
    if (auto st = store->backfill_filings(); !st) return fail(st.error());
  }
  return store;
}

JobStore::~JobStore() { sqlite3_close(db_); }

std::string audit_record_hash(const AuditEntry& e) {
  return sha256_hex(e.prev_hash + "\n" + std::to_string(e.seq) + "\n" + e.document_id + "\n" +
                    std::to_string(e.at_ms) + "\n" + e.actor + "\n" + e.action + "\n" + e.detail);
}

Status JobStore::append_audit(const std::string& document_id, const std::string& actor,
                              const std::string& action, const std::string& detail,
                              int64_t now_ms) {
  Statement last(db_, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  int64_t seq = 1;
  std::string prev = std::string(64, '0');
  if (last.step()) {
    seq = last.integer(0) + 1;
    prev = last.text(1);
  }
  const AuditEntry entry{seq, document_id, now_ms, actor, action, detail, prev, ""};
  Statement ins(db_,
                "INSERT INTO audit(seq, document_id, at_ms, actor, action, detail, prev_hash, hash) "
                "VALUES (?,?,?,?,?,?,?,?)");
  return ins.bind(1, seq).bind(2, document_id).bind(3, now_ms).bind(4, actor).bind(5, action)
      .bind(6, detail).bind(7, prev).bind(8, audit_record_hash(entry)).run();
}

Status JobStore::add_document(const NewDocument& doc, int64_t now, const std::string& actor) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return st;
  Statement s(db_,
              "INSERT INTO documents(id, tenant, state, stage, source_file, sha256_original, record, "
              "created_ms, updated_ms) VALUES (?,?,'QUEUED',?,?,?,?,?,?)");
  s.bind(1, doc.id).bind(2, doc.tenant).bind(3, doc.first_stage).bind(4, doc.source_file)
      .bind(5, doc.sha256_original).bind(6, doc.record.dump()).bind(7, now).bind(8, now);
  if (auto st = s.run(); !st) return st;
  nlohmann::json detail = {{"source_file", doc.source_file}, {"sha256", doc.sha256_original},
                           {"next_stage", doc.first_stage}};
  if (auto st = append_audit(doc.id, actor, "ingested", detail.dump(), now); !st) return st;
  if (!doc.rescan_of.empty()) {
    if (auto st = link_rescan(doc, now, actor); !st) return st;
  }
  return tx.commit();
}

Status JobStore::add_quarantined(const NewDocument& doc, const std::string& reason, int64_t now,
                                 const std::string& actor) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return st;
  Statement s(db_,
              "INSERT INTO documents(id, tenant, state, reason, source_file, sha256_original, record, "
              "created_ms, updated_ms) VALUES (?,?,'QUARANTINED',?,?,?,?,?,?)");
  s.bind(1, doc.id).bind(2, doc.tenant).bind(3, reason).bind(4, doc.source_file)
      .bind(5, doc.sha256_original).bind(6, doc.record.dump()).bind(7, now).bind(8, now);
  if (auto st = s.run(); !st) return st;
  nlohmann::json detail = {{"source_file", doc.source_file}, {"sha256", doc.sha256_original},
                           {"reason", reason}};
  if (auto st = append_audit(doc.id, actor, "quarantined", detail.dump(), now); !st) return st;
  return tx.commit();
}

Result<std::optional<std::string>> JobStore::find_ingested(const std::string& tenant,
                                                           const std::string& source_file,
                                                           const std::string& sha256) {
  Statement s(db_,
              "SELECT id FROM documents WHERE tenant = ? AND source_file = ? AND sha256_original = ? "
              "LIMIT 1");
  s.bind(1, tenant).bind(2, source_file).bind(3, sha256);
  if (s.step()) return std::optional<std::string>(s.text(0));
  if (auto st = s.status(); !st) return fail(st.error());
  return std::optional<std::string>{};
}

Result<bool> JobStore::has_due_work(const std::string& stage, int64_t now) {
  Statement s(db_, "SELECT 1 FROM documents WHERE state = 'QUEUED' AND stage = ? AND not_before_ms <= ? LIMIT 1");
  s.bind(1, stage).bind(2, now);
  const bool found = s.step();
  if (auto st = s.status(); !st) return fail(st.error());
  return found;
}

Result<std::optional<Job>> JobStore::claim(const std::string& stage, const std::string& worker,
                                           int64_t now, int64_t lease_ms) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return fail(st.error());
  Statement pick(db_,
                 "SELECT id, tenant, record, attempts FROM documents WHERE state = 'QUEUED' AND stage = ? "
                 "AND not_before_ms <= ? ORDER BY created_ms, rowid LIMIT 1");
  pick.bind(1, stage).bind(2, now);
  if (!pick.step()) {
    if (auto st = pick.status(); !st) return fail(st.error());
    return std::optional<Job>{};
  }
  Job job;
  job.document_id = pick.text(0);
  job.tenant = pick.text(1);
  job.record = nlohmann::json::parse(pick.text(2), nullptr, false);
  job.attempt = static_cast<int>(pick.integer(3)) + 1;
  job.stage = stage;
  job.lease_id = "L" + random_hex(12);
  Statement upd(db_,
                "UPDATE documents SET state = 'RUNNING', lease_id = ?, lease_expires_ms = ?, worker = ?, "
                "attempts = ?, updated_ms = ? WHERE id = ?");
  upd.bind(1, job.lease_id).bind(2, now + lease_ms).bind(3, worker).bind(4, job.attempt)
      .bind(5, now).bind(6, job.document_id);
  if (auto st = upd.run(); !st) return fail(st.error());
  Statement run(db_,
                "INSERT INTO stage_runs(document_id, stage, attempt, lease_id, worker, started_ms) "
                "VALUES (?,?,?,?,?,?)");
  run.bind(1, job.document_id).bind(2, stage).bind(3, job.attempt).bind(4, job.lease_id)
      .bind(5, worker).bind(6, now);
  if (auto st = run.run(); !st) return fail(st.error());
  auto checkpoints = page_checkpoints(job.document_id, stage);
  if (!checkpoints) return fail(checkpoints.error());
  job.checkpoints = std::move(*checkpoints);
  if (auto st = tx.commit(); !st) return fail(st.error());
  return std::optional<Job>(std::move(job));
}

Result<bool> JobStore::extend_lease(const std::string& lease_id, int64_t now, int64_t lease_ms) {
  Statement s(db_,
              "UPDATE documents SET lease_expires_ms = ? WHERE lease_id = ? AND state = 'RUNNING' "
              "AND lease_expires_ms >= ?");
  s.bind(1, now + lease_ms).bind(2, lease_id).bind(3, now);
  if (auto st = s.run(); !st) return fail(st.error());
  return sqlite3_changes(db_) > 0;
}

namespace {

// The one info line per stage result, once it is committed (docs/OPERATIONS.md "Logs"):
// "document D… (tenant t) -> CLEARING: <reason, case numbers masked>".
void log_state_change(const std::string& id, const std::string& tenant, const std::string& state,
                      const std::string& detail) {
  log_about_document(spdlog::level::info, id, tenant, "document {} (tenant {}) -> {}{}{}", id, tenant, state,
                     detail.empty() ? "" : state == "QUEUED" ? " " : ": ", mask_case_numbers(detail));
}

}  // namespace

Result<bool> JobStore::complete(const Completion& c, const std::vector<std::string>& stages,
                                const EventBuilder& build_event) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return fail(st.error());
  auto leased = find_valid_lease(db_, c.lease_id, c.now_ms);
  if (!leased) return fail(leased.error());
  if (!*leased) return false;
  const Leased& doc = **leased;
  nlohmann::json record = nlohmann::json::parse(doc.record, nullptr, false);
  if (!record.is_object()) record = nlohmann::json::object();
  for (auto it = c.patch.begin(); it != c.patch.end(); ++it) record[it.key()] = *it;
  record["stage_versions"][doc.stage] = c.stage_version;

  std::string next = next_stage_after(stages, doc.stage);
  std::string state = "QUEUED";
  std::optional<std::string> reason;
  std::string action = "stage_done";
  nlohmann::json detail = {{"stage", doc.stage}, {"version", c.stage_version}, {"worker", c.worker}};
  if (!c.clearing_reason && !next.empty() && splits_document(c.patch, record)) {
    auto children = add_split_children(doc.id, record, next, c.now_ms, "worker:" + c.worker);
    if (children) {
      state = "SPLIT";
      action = "split";
      std::string ids;
      for (const auto& id : *children) ids += (ids.empty() ? "" : ", ") + id;
      reason = "split into " + std::to_string(children->size()) + " documents: " + ids;
      detail["children"] = *children;
      detail["note"] = *reason;
    } else {
      state = "CLEARING";
      reason = doc.stage + ": " + children.error().message + " — report to IT";
      action = "to_clearing";
      detail["reason"] = *reason;
    }
  } else if (c.clearing_reason) {
    state = "CLEARING";
    reason = c.clearing_reason;
    action = "to_clearing";
    detail["reason"] = *c.clearing_reason;
  } else if (next.empty()) {
    // target "casefile": filed, with an event for the case system; "archive": filed for the
    // other destinations only (a routing rule sent it to a court, stages/routing_rules.h).
    const nlohmann::json target = record.contains("route") && record["route"].is_object()
                                      ? record["route"].value("target", nlohmann::json(nullptr))
                                      : nlohmann::json(nullptr);
    if (target == "casefile" || target == "archive") {
      state = "FILED";
      action = "filed";
      if (target == "casefile") {
        auto event_id = insert_filed_event(doc.id, doc.tenant, record, build_event, c.now_ms);
        if (!event_id) return fail(event_id.error());
        detail["event_id"] = *event_id;
      }
      detail["destinations"] = record["route"].value("destinations", nlohmann::json::array());
      detail["case_number"] = record["route"].value("case_number", "");
      if (auto st = record_filing(doc.id, doc.tenant, record, c.now_ms); !st) return fail(st.error());
    } else {
      state = "CLEARING";
      reason = "the pipeline ended without a routing target";
      action = "to_clearing";
      detail["reason"] = *reason;
    }
  } else {
    detail["next_stage"] = next;
  }
  Statement upd(db_,
                "UPDATE documents SET state = ?, stage = ?, attempts = 0, lease_id = NULL, "
                "lease_expires_ms = NULL, worker = NULL, not_before_ms = 0, reason = ?, record = ?, "
                "updated_ms = ? WHERE id = ?");
  upd.bind(1, state).bind(2, state == "QUEUED" ? std::optional<std::string>(next) : std::nullopt)
      .bind(3, reason).bind(4, record.dump()).bind(5, c.now_ms).bind(6, doc.id);
  if (auto st = upd.run(); !st) return fail(st.error());
  if (auto st = finish_stage_run(db_, c.lease_id, "done", reason.value_or(""), c.stage_version, c.now_ms); !st) {
    return fail(st.error());
  }
  if (auto st = drop_page_checkpoints(doc.id, doc.stage); !st) return fail(st.error());
  if (auto st = append_audit(doc.id, "worker:" + c.worker, action, detail.dump(), c.now_ms); !st) {
    return fail(st.error());
  }
  if (auto st = tx.commit(); !st) return fail(st.error());
  log_state_change(doc.id, doc.tenant, state, state == "QUEUED" ? "for " + next : reason.value_or(""));
  return true;
}

namespace {

// Shared by fail, expire and release: decides the next state after a failed attempt.
struct AttemptFailure {
  std::string kind;  // retryable | final | bad_input | no_space | lost
  std::string reason;
};

}  // namespace

static Result<FailureOutcome> record_failed_attempt(JobStore& store, sqlite3* db, const Leased& doc,
                                                    const std::string& lease_id,
                                                    const AttemptFailure& f, int max_attempts,
                                                    int64_t backoff_ms, int64_t now) {
  FailureOutcome out;
  out.document_id = doc.id;
  out.tenant = doc.tenant;
  out.record = nlohmann::json::parse(doc.record, nullptr, false);
  std::string state;
  std::string reason;
  // A full disk is the site's fault: back to the queue, the attempt given back, no audit
  // record per retry (the dispatcher reports the condition once; stage_runs keeps each try).
  const bool no_space = f.kind == "no_space";
  bool retry = no_space || ((f.kind == "retryable" || f.kind == "lost") && doc.attempts < max_attempts);
  const int attempts = no_space ? std::max(doc.attempts - 1, 0) : doc.attempts;
  if (f.kind == "bad_input") {
    state = "QUARANTINED";
    reason = f.reason;
    out.new_state = DocState::kQuarantined;
  } else if (retry) {
    state = "QUEUED";
    out.new_state = DocState::kQueued;
  } else {
    state = "CLEARING";
    reason = doc.stage + " failed";
    if (f.kind != "final") {
      reason += " after " + std::to_string(doc.attempts) + " attempts: " + f.reason;
      // Earlier attempts may have failed for other reasons; the operator sees them all.
      Statement earlier(db,
                        "SELECT DISTINCT reason FROM stage_runs WHERE document_id = ? AND stage = ? "
                        "AND lease_id <> ? AND reason IS NOT NULL AND reason <> '' AND reason <> ?");
      earlier.bind(1, doc.id).bind(2, doc.stage).bind(3, lease_id).bind(4, f.reason);
      while (earlier.step()) reason += "; earlier: " + earlier.text(0);
    } else {
      reason += ": " + f.reason;
    }
    out.new_state = DocState::kClearing;
  }
  const int64_t wait_ms = no_space ? backoff_ms : backoff_ms * (int64_t{1} << std::min(doc.attempts - 1, 6));
  int64_t not_before = retry ? now + wait_ms : 0;
  Statement upd(db,
                "UPDATE documents SET state = ?, stage = ?, lease_id = NULL, lease_expires_ms = NULL, "
                "worker = NULL, not_before_ms = ?, reason = ?, updated_ms = ?, attempts = ? WHERE id = ?");
  upd.bind(1, state).bind(2, retry ? std::optional<std::string>(doc.stage) : std::nullopt)
      .bind(3, not_before).bind(4, reason.empty() ? std::nullopt : std::optional<std::string>(reason))
      .bind(5, now).bind(6, attempts).bind(7, doc.id);
  if (auto st = upd.run(); !st) return fail(st.error());
  if (auto st = finish_stage_run(db, lease_id, f.kind, f.reason, "", now); !st) return fail(st.error());
  if (no_space) return out;
  nlohmann::json detail = {{"stage", doc.stage}, {"attempt", doc.attempts}, {"kind", f.kind},
                           {"reason", f.reason}, {"new_state", state}};
  std::string action = f.kind == "lost" ? "lease_expired" : "stage_failed";
  if (auto st = store.append_audit(doc.id, "dispatcher", action, detail.dump(), now); !st) {
    return fail(st.error());
  }
  return out;
}

Result<std::optional<FailureOutcome>> JobStore::record_failure(const std::string& lease_id, const std::string& kind,
                                                     const std::string& reason, int max_attempts,
                                                     int64_t backoff_ms, int64_t now) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return zpe::fail(st.error());
  auto leased = find_valid_lease(db_, lease_id, now);
  if (!leased) return zpe::fail(leased.error());
  if (!*leased) return std::optional<FailureOutcome>{};
  auto out = record_failed_attempt(*this, db_, **leased, lease_id, {kind, reason}, max_attempts,
                                   backoff_ms, now);
  if (!out) return zpe::fail(out.error());
  if (auto st = tx.commit(); !st) return zpe::fail(st.error());
  return std::optional<FailureOutcome>(std::move(*out));
}

Result<std::optional<FailureOutcome>> JobStore::release_lease(const std::string& lease_id,
                                                              const std::string& why,
                                                              int max_attempts, int64_t now) {
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return zpe::fail(st.error());
  auto leased = find_valid_lease(db_, lease_id, now);
  if (!leased) return zpe::fail(leased.error());
  if (!*leased) return std::optional<FailureOutcome>{};
  auto out = record_failed_attempt(*this, db_, **leased, lease_id, {"lost", why}, max_attempts, 0, now);
  if (!out) return zpe::fail(out.error());
  if (auto st = tx.commit(); !st) return zpe::fail(st.error());
  return std::optional<FailureOutcome>(std::move(*out));
}

Result<std::vector<FailureOutcome>> JobStore::expire_leases(int64_t now, int max_attempts) {
  std::vector<FailureOutcome> outcomes;
  Transaction tx(db_);
  if (auto st = tx.begin_status(); !st) return zpe::fail(st.error());
  std::vector<std::pair<Leased, std::string>> expired;
  {
    Statement s(db_,
                "SELECT id, tenant, stage, record, attempts, lease_id, IFNULL(worker,'') FROM documents "
                "WHERE state = 'RUNNING' AND lease_expires_ms < ?");
    s.bind(1, now);
    while (s.step()) {
      expired.push_back({Leased{s.text(0), s.text(1), s.text(2), s.text(3), static_cast<int>(s.integer(4))},
                         s.text(5)});
    }
    if (auto st = s.status(); !st) return zpe::fail(st.error());
  }
  for (const auto& [doc, lease] : expired) {
    auto out = record_failed_attempt(*this, db_, doc, lease,
                                     {"lost", "no heartbeat from the worker before the lease ran out "
                                              "(worker crashed, hung or lost its connection)"},
                                     max_attempts, 0, now);
    if (!out) return zpe::fail(out.error());
    outcomes.push_back(std::move(*out));
  }
  if (auto st = tx.commit(); !st) return zpe::fail(st.error());
  return outcomes;
}

Result<DocumentRow> JobStore::get(const std::string& document_id) {
  std::string sql = std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE id = ?";
  Statement s(db_, sql.c_str());
  s.bind(1, document_id);
  if (s.step()) return read_document_row(s);
  if (auto st = s.status(); !st) return zpe::fail(st.error());
  return zpe::fail(ErrorKind::kNotFound, "no document with id " + document_id);
}

Result<std::vector<DocumentRow>> JobStore::list(const std::optional<std::string>& state, int limit) {
  std::string sql = std::string("SELECT ") + kDocumentColumns + " FROM documents " +
                    (state ? "WHERE state = ? " : "WHERE ?1 IS NULL ") + "ORDER BY created_ms, rowid LIMIT ?2";
  Statement s(db_, sql.c_str());
  s.bind(1, state).bind(2, limit);
  std::vector<DocumentRow> rows;
  while (s.step()) rows.push_back(read_document_row(s));
  if (auto st = s.status(); !st) return zpe::fail(st.error());
  return rows;
}

namespace {

// The rows of a query selecting seq, document_id, at_ms, actor, action, detail, prev_hash, hash.
Result<std::vector<AuditEntry>> audit_rows(Statement& s) {
  std::vector<AuditEntry> out;
  while (s.step()) {
    out.push_back({s.integer(0), s.text(1), s.integer(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7)});
  }
  if (auto st = s.status(); !st) return zpe::fail(st.error());
  return out;
}

}  // namespace

Result<std::vector<AuditEntry>> JobStore::audit_trail(const std::string& document_id) {
  Statement s(db_,
              "SELECT seq, document_id, at_ms, actor, action, detail, prev_hash, hash FROM audit "
              "WHERE document_id = ? ORDER BY seq");
  s.bind(1, document_id);
  return audit_rows(s);
}

Result<std::vector<AuditEntry>> JobStore::audit_all() {
  Statement s(db_,
              "SELECT seq, IFNULL(document_id,''), at_ms, actor, action, detail, prev_hash, hash FROM audit "
              "ORDER BY seq");
  return audit_rows(s);
}

Result<std::vector<StageRun>> JobStore::stage_runs(const std::string& document_id) {
  Statement s(db_,
              "SELECT stage, attempt, IFNULL(worker,''), started_ms, IFNULL(finished_ms,0), IFNULL(outcome,''), "
              "IFNULL(reason,'') FROM stage_runs WHERE document_id = ? ORDER BY id");
  s.bind(1, document_id);
  std::vector<StageRun> out;
  while (s.step()) {
    out.push_back({s.text(0), static_cast<int>(s.integer(1)), s.text(2), s.integer(3), s.integer(4),
                   s.text(5), s.text(6)});
  }
  if (auto st = s.status(); !st) return zpe::fail(st.error());
  return out;
}

Result<StatusSummary> JobStore::summary(int recent_failures) {
  StatusSummary sum;
  Statement states(db_, "SELECT state, COUNT(*) FROM documents GROUP BY state");
  while (states.step()) sum.documents_per_state[states.text(0)] = states.integer(1);
  if (auto st = states.status(); !st) return zpe::fail(st.error());
  auto backlog = stage_backlog(TenantFilter{true, {}});
  if (!backlog) return zpe::fail(backlog.error());
  for (const StageBacklog& b : *backlog) sum.backlog_per_stage[b.stage] = {b.queued, b.running};
  Statement failures(db_,
                     "SELECT seq, IFNULL(document_id,''), at_ms, actor, action, detail, prev_hash, hash FROM audit "
                     "WHERE action IN ('stage_failed','lease_expired','quarantined','to_clearing') "
                     "ORDER BY seq DESC LIMIT ?");
  failures.bind(1, recent_failures);
  while (failures.step()) {
    sum.recent_failures.push_back({failures.integer(0), failures.text(1), failures.integer(2), failures.text(3),
                                   failures.text(4), failures.text(5), failures.text(6), failures.text(7)});
  }
  Statement events(db_, "SELECT COUNT(*) FROM events WHERE acked_ms IS NULL OR replay_pending = 1");
  if (events.step()) sum.unacked_events = events.integer(0);
  Statement times(db_,
                  "SELECT stage, COUNT(*), AVG(finished_ms - started_ms) FROM stage_runs "
                  "WHERE outcome = 'done' GROUP BY stage");
  while (times.step()) {
    sum.stage_time[times.text(0)] = {times.integer(1), times.real(2)};
  }
  return sum;
}

Result<RunProgress> JobStore::progress_since(int64_t since_ms) {
  RunProgress progress;
  Statement done(db_,
                 "SELECT COUNT(*), IFNULL(SUM(IFNULL(json_extract(record, '$.page_count'), 0)), 0) FROM documents "
                 "WHERE updated_ms >= ? AND state NOT IN ('QUEUED','RUNNING','SPLIT')");
  done.bind(1, since_ms);
  if (!done.step()) return zpe::fail(done.status().error());
  progress.documents_done = done.integer(0);
  progress.pages_done = done.integer(1);
  auto backlog = stage_backlog(TenantFilter{true, {}});
  if (!backlog) return zpe::fail(backlog.error());
  for (const StageBacklog& b : *backlog) {
    progress.backlog_per_stage[b.stage] = {b.queued, b.running};
    progress.in_flight += b.queued + b.running;
  }
  return progress;
}

Result<int64_t> JobStore::in_flight() {
  Statement s(db_,
              "SELECT (SELECT COUNT(*) FROM documents WHERE state IN ('QUEUED','RUNNING')) + "
              "(SELECT COUNT(*) FROM events WHERE acked_ms IS NULL OR replay_pending = 1)");
  if (!s.step()) return zpe::fail(s.status().error());
  return s.integer(0);
}

}  // namespace zpe
