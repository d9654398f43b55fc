// JobStore: the durable state of every document — one row per document with its state,
// current stage, attempts and lease; the per-stage run history; the hash-chained audit
// trail; and the outbox of case-file events. SQLite in WAL mode with synchronous=FULL.
//
// Every state change is one transaction and writes its audit record in the same
// transaction. A document is in exactly one state (docs/ARCHITECTURE.md):
//   QUEUED (waiting for `stage`) -> RUNNING (leased to a worker) -> QUEUED (next stage) ...
//   -> FILED (routed, event in the outbox) | CLEARING (a person decides) | QUARANTINED
//   | SPLIT (a batch: its documents go on as children of their own, see complete()).
// An operator's decision moves a CLEARING document on (apply_operator_change): back to
// QUEUED at a stage, or to RESCAN_REQUESTED (waits for a rescan), REJECTED (terminal,
// archived with the reason) or REPLACED (terminal: a rescan or a re-split took its place).
// Results are fenced by lease id: a result for a lease that was expired or replaced is
// refused. Several processes may open the same store (dispatcher, intake, status); one
// JobStore object is used by one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/job_store_stats.h"
#include "pipeline/status.h"

struct sqlite3;

namespace zpe {

enum class DocState {
  kQueued, kRunning, kFiled, kClearing, kQuarantined, kSplit, kRescanRequested, kRejected, kReplaced
};
const char* state_name(DocState state);
std::optional<DocState> parse_state(const std::string& name);

struct NewDocument {
  std::string id;
  std::string tenant;
  std::string source_file;
  std::string sha256_original;
  nlohmann::json record;
  std::string first_stage;
  // A rescan of this document (manifest "rescan_of"): when it is RESCAN_REQUESTED in the
  // same tenant it becomes REPLACED by the new document in add_document's transaction.
  std::string rescan_of;
};

// One finished page of a stage job, recorded while the job runs (the page_checkpoints
// table, pipeline/job_store_checkpoints.cpp; docs/ARCHITECTURE.md "Page checkpoints"), so a
// later attempt of the same stage need not work the page again.
struct PageCheckpoint {
  int64_t page_index = 0;      // 0-based index of the page in the stage's work
  std::string stage_version;   // Stage::version() of the worker that recorded it
  std::string input_sha256;    // what the page's result depends on, hashed by the stage
  nlohmann::json result;       // a small JSON object; names the blobs the page wrote
};

struct Job {
  std::string document_id;
  std::string tenant;
  std::string stage;
  std::string lease_id;
  int attempt = 0;
  nlohmann::json record;
  // Pages earlier attempts of this stage recorded for the document, by page index.
  std::vector<PageCheckpoint> checkpoints;
};

struct DocumentRow {
  std::string id;
  std::string tenant;
  std::string state;
  std::string stage;
  int attempts = 0;
  std::string reason;
  std::string source_file;
  std::string sha256_original;
  nlohmann::json record;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  // The seq of the document's newest audit record: every change writes one, so an
  // operator's action carrying the version it saw is refused once anything changed.
  int64_t version = 0;
};

// A search over documents (find_documents). Empty vectors and strings match anything;
// the caller (clearing/clearing_desk.h) always narrows `tenants` to what its user may see.
struct DocumentQuery {
  std::vector<std::string> states;
  std::vector<std::string> tenants;
  bool all_tenants = false;      // false with tenants empty matches nothing
  std::string text;              // document id, source file, case number (machine's or operator's)
  std::string reason_contains;
  int64_t created_from_ms = 0;   // 0: no bound
  int64_t created_to_ms = 0;     // 0: no bound
  bool newest_first = false;
  int limit = 200;
  int offset = 0;
};

// An operator's decision on one document, applied as one transaction by
// apply_operator_change: refused with kConflict when the document is no longer in one of
// `from_states` or its version is not `expected_version` (someone else acted first).
struct OperatorChange {
  std::string document_id;
  int64_t expected_version = -1;         // DocumentRow::version the operator saw; -1: not checked
  std::vector<std::string> from_states;  // e.g. {"CLEARING"}
  std::string actor;                     // "operator:alice" (audit actor)
  std::string action;                    // audit action: released, rejected, rescan_requested, ...
  nlohmann::json detail = nlohmann::json::object();  // audit detail: what the operator changed
  nlohmann::json patch = nlohmann::json::object();   // top-level record keys to set
  std::string new_state;                 // QUEUED, RESCAN_REQUESTED, REJECTED, CLEARING, ...
  std::string resume_stage;              // with QUEUED: the stage that takes it next
  std::optional<std::string> reason;     // the row's reason afterwards (null clears it)
  int64_t now_ms = 0;
};

// Where a CLEARING document stopped: the stage whose result or failure sent it there.
struct HeldAt {
  std::string stage;         // "" when unknown (then releasing starts over at the first stage)
  bool by_failure = false;   // the stage failed (no result): releasing re-runs it
};

struct AuditEntry {
  int64_t seq = 0;
  std::string document_id;
  int64_t at_ms = 0;
  std::string actor;
  std::string action;
  std::string detail;
  std::string prev_hash;
  std::string hash;
};

struct StageRun {
  std::string stage;
  int attempt = 0;
  std::string worker;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  std::string outcome;
  std::string reason;
};

struct StatusSummary {
  std::map<std::string, int64_t> documents_per_state;
  std::map<std::string, std::pair<int64_t, int64_t>> backlog_per_stage;  // queued, running
  std::vector<AuditEntry> recent_failures;
  int64_t unacked_events = 0;  // not acknowledged yet, or replayed and not acknowledged again
  std::map<std::string, std::pair<int64_t, double>> stage_time;  // runs, mean ms (succeeded)
};

// How far a run has got (progress_since; `zpe run --until-idle` shows it as it goes).
struct RunProgress {
  int64_t documents_done = 0;  // reached a state other than QUEUED/RUNNING since; a SPLIT batch counts through its documents
  int64_t pages_done = 0;      // their pages
  int64_t in_flight = 0;       // documents QUEUED or RUNNING now
  std::map<std::string, std::pair<int64_t, int64_t>> backlog_per_stage;  // queued, running
};

// An event the case-file feed is to send (events_due): new, overdue for redelivery, or
// queued again by request_replay (`replay`: it was acknowledged before).
struct PendingEvent {
  int64_t seq = 0;
  std::string event_id;
  std::string document_id;
  std::string payload;
  bool replay = false;
};

// One row of the outbox as `zpe events list` shows it (pipeline/job_store_events.cpp).
struct OutboxEvent {
  int64_t seq = 0;  // outbox order; "after EVENT_ID" means a larger seq
  std::string event_id;
  std::string document_id;
  std::string tenant;
  std::string case_number;
  int64_t case_seq = 0;       // 1, 2, 3 ... per (tenant, case_number), in filing order
  int64_t created_ms = 0;
  int64_t deliveries = 0;     // times sent, replays included
  int64_t last_sent_ms = 0;   // 0: not sent (since it was queued for a replay)
  int64_t acked_ms = 0;       // 0: not acknowledged yet
  bool replay_pending = false;
};

// Which outbox events list_events and request_replay take: those after `since_event_id`
// ("" = from the first), of `tenant` ("" = every tenant).
struct OutboxQuery {
  std::string since_event_id;
  std::string tenant;
  int limit = 1000;  // list_events only
};

// What request_replay did.
struct ReplayRequest {
  int64_t queued = 0;          // acknowledged events queued to be sent again as replays
  int64_t already_queued = 0;  // already waiting for a replay
  int64_t unacknowledged = 0;  // not acknowledged yet: the feed sends them anyway
};

// What happened to a document after a failure or a lost lease.
struct FailureOutcome {
  std::string document_id;
  std::string tenant;
  DocState new_state = DocState::kQueued;
  nlohmann::json record;
};

// Builds the case-file event for a document that is being filed (see connectors/).
using EventBuilder = std::function<nlohmann::json(const nlohmann::json& record,
                                                  const std::string& event_id)>;

struct Completion {
  std::string lease_id;
  std::string worker;
  nlohmann::json patch;
  std::string stage_version;
  std::optional<std::string> clearing_reason;
  int64_t now_ms = 0;
};

// A document filed into a case file (the filings table, pipeline/job_store_filed.cpp).
struct Filing {
  std::string document_id;
  std::string case_number;
  int64_t filed_ms = 0;
  std::string text_fingerprint;  // classification.text_fingerprint at filing; "" when none
};

// A document's write-once archival package (connectors/archive_package.h).
struct ArchivedPackage {
  std::string document_id;
  std::string package;          // path relative to the archive folder: <yyyy>/<mm>/<document id>
  std::string manifest_sha256;  // SHA-256 of the package's manifest-sha256.txt
  int64_t archived_ms = 0;
};

// A message package for a court's EGVP mailbox (connectors/egvp_outbox.h, docs/EGVP.md).
struct EgvpPackage {
  std::string package_id;         // also the package's folder name under outbox/egvp/<court id>/
  std::string tenant;
  std::string court_id;           // GDS.Gerichte code
  std::string case_number;        // the agency's case number all its documents belong to
  std::string court_file_number;  // the court's Aktenzeichen; "" when not known
  std::string message_id;         // the XJustiz eigeneNachrichtenID (UUID)
  std::vector<std::string> document_ids;  // in message order
  int64_t created_ms = 0;         // the message's creation time; the row is made then
  int64_t written_ms = 0;         // the folder was renamed into place; 0 while being written
  int64_t delivered_ms = 0;       // a receipt said delivered; 0 until then
  std::string failure;            // a receipt said the sending failed: its reason
};

class JobStore {
 public:
  static Result<std::unique_ptr<JobStore>> open(const std::filesystem::path& path);
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  Status add_document(const NewDocument& doc, int64_t now_ms, const std::string& actor);
  Status add_quarantined(const NewDocument& doc, const std::string& reason, int64_t now_ms,
                         const std::string& actor);
  // The id of a document of this tenant already ingested from a file of this name and hash.
  Result<std::optional<std::string>> find_ingested(const std::string& tenant,
                                                   const std::string& source_file,
                                                   const std::string& sha256);

  // Whether a due document waits for `stage`: a read, no write lock, so the dispatcher takes
  // claim()'s write transaction only when there is something to claim.
  Result<bool> has_due_work(const std::string& stage, int64_t now_ms);
  // Leases the oldest due document waiting for `stage`, or nothing.
  Result<std::optional<Job>> claim(const std::string& stage, const std::string& worker,
                                   int64_t now_ms, int64_t lease_ms);
  // False when the lease is no longer valid (expired, completed or replaced).
  Result<bool> extend_lease(const std::string& lease_id, int64_t now_ms, int64_t lease_ms);
  // Applies a stage result; false when the lease is not valid (the result is refused).
  // The next stage is the one after the current in `stages`; after the last, a document
  // whose record has route.target == "casefile" is FILED with an event, else CLEARING.
  // A patch with split.documents that changes the page set (stages/split.h) makes one
  // child document per entry, QUEUED at the next stage, in the same transaction; the
  // parent becomes SPLIT. Each child's record is the parent's with `pages` narrowed to
  // its pages (renumbered, source_page kept), `page_count`, `source_pages`,
  // `parent_document_id` and the entry's hints in source.manifest.hints.
  Result<bool> complete(const Completion& completion, const std::vector<std::string>& stages,
                        const EventBuilder& build_event);
  // A failure reported by a worker. kind is "retryable", "final", "bad_input" or "no_space"
  // (back to the queue after backoff_ms, the attempt not counted, no audit record).
  // Nothing (std::nullopt) when the lease is not valid.
  Result<std::optional<FailureOutcome>> record_failure(const std::string& lease_id, const std::string& kind,
                                             const std::string& reason, int max_attempts,
                                             int64_t backoff_ms, int64_t now_ms);
  // Page checkpoints (pipeline/job_store_checkpoints.cpp). Records one finished page of
  // the job holding lease_id (replacing what an earlier attempt recorded for that page);
  // false when the lease is no longer valid at now_ms (the checkpoint is refused). A job's
  // checkpoints are handed to its next attempt by claim() and deleted when the stage
  // completes (complete()) or the document has reached a terminal state
  // (drop_finished_checkpoints).
  static constexpr int64_t kMaxCheckpointPages = 100000;  // page indexes 0 .. this - 1
  Result<bool> save_page_checkpoint(const std::string& lease_id, const PageCheckpoint& checkpoint, int64_t now_ms);
  // Every checkpoint's result of the documents not FILED, REJECTED, REPLACED, QUARANTINED or
  // SPLIT (the storage policy marks the blobs they name as live).
  Status for_each_live_checkpoint(const std::function<Status(const nlohmann::json& result)>& visit);
  // Deletes the checkpoints of documents in those terminal states; returns how many.
  Result<int64_t> drop_finished_checkpoints();
  // Puts jobs whose lease ran out back in the queue (or to CLEARING after max_attempts).
  Result<std::vector<FailureOutcome>> expire_leases(int64_t now_ms, int max_attempts);
  // Releases a lease at once (its worker is known to be gone), counting the attempt.
  Result<std::optional<FailureOutcome>> release_lease(const std::string& lease_id,
                                                      const std::string& why, int max_attempts,
                                                      int64_t now_ms);

  Result<DocumentRow> get(const std::string& document_id);
  Result<std::vector<DocumentRow>> list(const std::optional<std::string>& state, int limit);
  Result<std::vector<DocumentRow>> find_documents(const DocumentQuery& query);
  // Documents per (state, tenant) for the query's tenants (states ignored), and CLEARING
  // documents per reason (the whole reason text; clearing/ groups them into kinds).
  Result<std::map<std::string, int64_t>> count_clearing_reasons(const DocumentQuery& query);

  // Operator decisions (pipeline/job_store_clearing.cpp). Returns the row afterwards.
  Result<DocumentRow> apply_operator_change(const OperatorChange& change);
  // Which stage sent a CLEARING document there, read from its audit trail.
  Result<HeldAt> held_at(const std::string& document_id);
  // Re-splits a SPLIT batch: `change.patch` must carry the new `split` (documents with
  // page indexes into the batch's pages). Its children that are not FILED become REPLACED;
  // new children are made QUEUED at next_stage; kConflict when a child is already FILED or
  // being worked on. Returns the new children's ids.
  Result<std::vector<std::string>> resplit(const OperatorChange& change, const std::string& next_stage);
  // An operator picks `old_id` (RESCAN_REQUESTED, same tenant) as the document that
  // change.document_id (which arrived without a manifest naming it) is the rescan of: the
  // old one becomes REPLACED, the new one carries rescan_of. kConflict when old_id is not
  // waiting for a rescan in that tenant, or the new one is already a rescan.
  Result<DocumentRow> link_rescan_by_operator(const OperatorChange& change, const std::string& old_id);
  // REJECTED documents not yet archived (the archiver packs the original with the reason).
  Result<std::vector<std::string>> rejected_not_archived(int limit);
  Result<std::vector<AuditEntry>> audit_trail(const std::string& document_id);
  Result<std::vector<StageRun>> stage_runs(const std::string& document_id);
  Result<StatusSummary> summary(int recent_failures);
  // Documents still QUEUED or RUNNING plus events not yet acknowledged (replays included).
  Result<int64_t> in_flight();
  // Documents finished since since_ms, their pages, and what is still in flight; cheap
  // enough to ask every second (indexed by updated_ms and by state).
  Result<RunProgress> progress_since(int64_t since_ms);

  // The outbox of case-file events (pipeline/job_store_events.cpp, docs/PROTOCOL.md).
  // Events due to be sent, in outbox order: not acknowledged (or queued for a replay) and
  // not sent within redeliver_ms — and only the oldest such event of each (tenant, case
  // number): a case's next event waits until the one before it is acknowledged.
  Result<std::vector<PendingEvent>> events_due(int64_t now_ms, int64_t redeliver_ms, int limit);
  Status mark_event_sent(int64_t seq, int64_t now_ms);
  // True when this acknowledgement was the first for the event. An acknowledgement of a
  // replayed event ends its replay (audit "event_replay_acked").
  Result<bool> ack_event(const std::string& event_id, int64_t now_ms);
  // Outbox events in order; kNotFound when since_event_id is not in the outbox.
  Result<std::vector<OutboxEvent>> list_events(const OutboxQuery& query);
  // Queues every acknowledged event the query matches to be sent again, marked as a replay
  // (audit "event_replay_requested" by `actor` on each document), in one transaction.
  // kNotFound when since_event_id is not in the outbox.
  Result<ReplayRequest> request_replay(const OutboxQuery& query, const std::string& actor, int64_t now_ms);
  Status append_audit(const std::string& document_id, const std::string& actor,
                      const std::string& action, const std::string& detail, int64_t now_ms);
  // The whole audit table in seq order, as stored (for pipeline/audit_verify.h).
  Result<std::vector<AuditEntry>> audit_all();

  // Filings (pipeline/job_store_filed.cpp): the documents of `tenant` filed into
  // `case_number` at or after since_ms, oldest first, at most kMaxFilingsListed (the newest).
  // Indexed by (tenant, case_number, filed_ms): cheap at any store size.
  static constexpr int kMaxFilingsListed = 1000;
  Result<std::vector<Filing>> filed_in_case(const std::string& tenant, const std::string& case_number,
                                            int64_t since_ms);

  // Archive bookkeeping (pipeline/job_store_archive.cpp). FILED documents without a
  // package yet, oldest first; and how many FILED or REJECTED documents have none
  // (`zpe run --until-idle` waits for 0).
  Result<std::vector<std::string>> filed_not_archived(int limit);
  Result<int64_t> archive_backlog();
  // When the document was filed (its "filed" audit record), or kNotFound.
  Result<int64_t> filed_at_ms(const std::string& document_id);
  // Records the package and its audit record "archived" in one transaction. Idempotent:
  // a second call for the same document changes nothing.
  Status mark_archived(const ArchivedPackage& package, const std::string& actor);
  // One document's package, or all (document_id empty), in archiving order.
  Result<std::vector<ArchivedPackage>> archived_packages(const std::string& document_id);

  // Storage policy bookkeeping (pipeline/job_store_storage.cpp, connectors/storage_gc.h).
  // Every document the storage policy has not finished with (record.storage has no
  // working_copies_removed_ms), oldest first, one page of rows at a time.
  Status for_each_document_with_blobs(const std::function<Status(const DocumentRow&)>& visit);
  // True while the case-file feed or the court mailbox may still need the document's PDF:
  // an event not acknowledged or queued for a replay, or an EGVP package without a receipt.
  Result<bool> has_open_deliveries(const std::string& document_id);
  // Sets record.storage to `storage` (what the storage policy removed and when) and writes
  // the audit record "storage_collected" with `detail`, in one transaction. The document's
  // state and version-relevant fields are not touched otherwise.
  Status record_storage_collected(const std::string& document_id, const nlohmann::json& storage,
                                  const nlohmann::json& detail, const std::string& actor, int64_t now_ms);
  // Compacts the record of a document the storage policy is done with: the parts at
  // `pointers` (JSON pointers such as "/pages"; absent ones are skipped) move, deflate-
  // compressed, into the table record_details, and the record keeps "compacted":
  // {"at_ms", "bytes_before", "bytes_after", "moved": [pointers]} and everything else, so the
  // queries on it (case number, page count, storage, ...) answer as before. An audit record
  // "record_compacted" says so. Returns the bytes the record shrank by; 0 when it was
  // compacted already or held none of the parts.
  Result<int64_t> compact_record(const std::string& document_id, const std::vector<std::string>& pointers,
                                 const std::string& actor, int64_t now_ms);
  // The whole record of `row`: a compacted record with its moved parts put back (the record
  // as it is now wins everywhere else); any other record as it is.
  Result<nlohmann::json> full_record(const DocumentRow& row);

  // EGVP packages (pipeline/job_store_egvp.cpp). add_egvp_package records a package about to
  // be written (written_ms 0) with an "egvp_packaged" audit record per document, in one
  // transaction; kConflict when the id exists. mark_egvp_written records the folder in place.
  // record_egvp_receipt stores what the EGVP client reported: delivered (delivered_ms) or
  // failed (failure); the documents get an "egvp_delivered" / "egvp_failed" audit record;
  // idempotent (false when the package already had a receipt).
  Status add_egvp_package(const EgvpPackage& package, const std::string& actor);
  Status mark_egvp_written(const std::string& package_id, int64_t now_ms);
  Result<bool> record_egvp_receipt(const std::string& package_id, bool delivered, const std::string& failure,
                                   const std::string& receipt, int64_t now_ms, const std::string& actor);
  // Packages of one tenant (all tenants when empty), newest first, at most `limit`.
  Result<std::vector<EgvpPackage>> egvp_packages(const std::string& tenant, int limit);
  // Packages still waiting for a receipt (written or not), oldest first.
  Result<std::vector<EgvpPackage>> egvp_packages_without_receipt();
  // (document id, court id) of FILED documents whose record.route.destinations names a court
  // ({"to": "court", "court_id": ...}) they have no package for yet, oldest filing first.
  Result<std::vector<std::pair<std::string, std::string>>> court_routes_not_packaged(int limit);

  // Statistics for the operations view (pipeline/job_store_stats.cpp, job_store_stats.h):
  // read-only, tenant-filtered. Days are UTC; [from_ms, to_ms) bounds are half-open.
  // Documents in and out per tenant for the `days` UTC days from day_start_ms.
  Result<DailyCounts> daily_counts(const TenantFilter& filter, int64_t day_start_ms, int days);
  // Documents per (tenant, state), now.
  Result<std::map<std::pair<std::string, std::string>, int64_t>> documents_by_tenant_and_state(const TenantFilter& filter);
  // QUEUED/RUNNING per stage, with the longest-waiting QUEUED document, in stage name order.
  Result<std::vector<StageBacklog>> stage_backlog(const TenantFilter& filter);
  // Pages and documents per minute whose automatic run ended (filed / to clearing).
  Result<std::vector<MinuteThroughput>> throughput_per_minute(const TenantFilter& filter, int64_t from_ms, int64_t to_ms);
  // Intake-to-filed time of each document filed in the period, per tenant (ms; a split
  // batch's documents count from the batch's arrival).
  Result<std::map<std::string, std::vector<int64_t>>> filed_latencies_ms(const TenantFilter& filter, int64_t from_ms,
                                                                         int64_t to_ms);
  // Why documents went to `state` ("CLEARING" or "QUARANTINED") in the period: tenant ->
  // reason text (as the document row would carry it) -> documents.
  Result<std::map<std::string, std::map<std::string, int64_t>>> reasons_sent_to(const TenantFilter& filter,
                                                                               const std::string& state,
                                                                               int64_t from_ms, int64_t to_ms);
  // Failed attempts per (stage, kind) in the period.
  Result<std::vector<FailedRunCount>> failed_runs(const TenantFilter& filter, int64_t from_ms, int64_t to_ms);
  // Stage runs with id > after_id in id order, at most `limit` (every tenant).
  Result<std::vector<StageRunRow>> stage_runs_after(int64_t after_id, int limit);
  // Unacknowledged case-file events (replays included) per tenant.
  Result<std::map<std::string, FeedBacklog>> feed_backlog(const TenantFilter& filter);
  // Archive packages written per tenant.
  Result<std::map<std::string, int64_t>> archived_per_tenant(const TenantFilter& filter);
  // The dispatcher's view of its workers: replaces the workers table in one transaction.
  Status record_workers(const std::vector<WorkerStatus>& workers);
  // The workers table, with each worker's current document, by stage and name.
  Result<std::vector<WorkerStatus>> workers();
  // A write the store would take (rolled back): kIOError / kNoSpace when it cannot.
  Status check_writable();

 private:
  explicit JobStore(sqlite3* db) : db_(db) {}
  // True when a stage's patch splits the document (pipeline/job_store_split.cpp).
  static bool splits_document(const nlohmann::json& patch, const nlohmann::json& record);
  // Adds the children of a split inside complete()'s transaction; returns their ids.
  Result<std::vector<std::string>> add_split_children(const std::string& parent_id, const nlohmann::json& record,
                                                      const std::string& next_stage, int64_t now_ms,
                                                      const std::string& actor);
  // Writes the case-file event of a document complete() files, inside its transaction:
  // the builder's event with the document's tenant and the case's next case_seq.
  Result<std::string> insert_filed_event(const std::string& document_id, const std::string& tenant,
                                         const nlohmann::json& record, const EventBuilder& build_event,
                                         int64_t now_ms);
  // Gives a store from before per-case ordering its event columns (tenant, case_number,
  // case_seq, replay_pending) and indexes; numbers its events per case. Once, at open.
  Status migrate_events();
  // The filings row of a document complete() files, inside its transaction.
  Status record_filing(const std::string& document_id, const std::string& tenant, const nlohmann::json& record,
                       int64_t now_ms);
  // add_document's half of a rescan: the document it replaces becomes REPLACED.
  Status link_rescan(const NewDocument& doc, int64_t now_ms, const std::string& actor);
  // old_id, RESCAN_REQUESTED in tenant, becomes REPLACED by new_id; false when it was not.
  Result<bool> replace_by_rescan(const std::string& old_id, const std::string& new_id, const std::string& tenant,
                                 int64_t now_ms, const std::string& actor);
  // claim()'s and complete()'s halves of the page checkpoints, inside their transactions.
  Result<std::vector<PageCheckpoint>> page_checkpoints(const std::string& document_id, const std::string& stage);
  Status drop_page_checkpoints(const std::string& document_id, const std::string& stage);
  // A store from before the filings table: fill it once from its FILED documents.
  Result<bool> has_filings_table();
  Status backfill_filings();
  sqlite3* db_;
};

int64_t now_ms();
std::string new_document_id();
// The hash an audit record must carry: SHA-256 over entry.prev_hash and the record's seq,
// document, time, actor, action and detail (see docs/ARCHIVE.md, "The audit trail").
std::string audit_record_hash(const AuditEntry& entry);

}  // namespace zpe
