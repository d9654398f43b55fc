// What the job store's statistics queries return (JobStore's read-only figures for the
// operations view, implemented in pipeline/job_store_stats.cpp): documents in and out per
// tenant and UTC day, backlog and the oldest waiting document per stage, pages per minute,
// intake-to-filed latencies, why documents went to clearing or quarantine, failed stage
// runs, the case-file feed's lag, archive packages and the stage workers the dispatcher
// sees. Plain values; the queries never write (except record_workers, the dispatcher's).
//
// monitoring/operations_figures.h composes these into the dashboard, `zpe report` and
// /metrics, so the three front ends count alike. Every query takes a TenantFilter: the
// caller narrows it to what its user may see.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zpe {

// Which tenants a statistic counts: every tenant, or those listed (empty list: none).
struct TenantFilter {
  bool all_tenants = false;
  std::vector<std::string> tenants;
};

constexpr int64_t kMsPerDay = 24LL * 3600 * 1000;
// A worker the dispatcher heard from within this long counts as connected. The dispatcher
// writes its view at least every kWorkerSnapshotMs; workers speak every 2 s (READY) or
// every heartbeat_ms (HEARTBEAT, default 1 s) while busy.
constexpr int64_t kWorkerSnapshotMs = 5000;
constexpr int64_t kWorkerConnectedWithinMs = 15000;

// One tenant's documents over one UTC day.
struct DayCounts {
  int64_t received = 0;        // arrived: ingested or quarantined at intake (a batch counts once)
  int64_t pages_received = 0;  // their pages, as far as counted yet (record.page_count)
  int64_t filed = 0;           // filed that day (each document of a split batch once)
  int64_t pages_filed = 0;
  int64_t to_clearing = 0;     // distinct documents the pipeline sent to clearing that day
  int64_t quarantined = 0;     // distinct documents quarantined that day (at intake or by a stage)
};

// (day start in ms since the epoch, UTC) -> tenant -> counts. Only days and tenants with
// something to count are present.
using DailyCounts = std::map<int64_t, std::map<std::string, DayCounts>>;

// QUEUED and RUNNING documents at one stage, and the document waiting there longest.
struct StageBacklog {
  std::string stage;
  int64_t queued = 0;
  int64_t running = 0;
  std::string oldest_document_id;  // "" when nothing is QUEUED there
  std::string oldest_tenant;
  int64_t oldest_since_ms = 0;     // when it was queued at this stage
};

// Documents whose automatic run ended (filed, or sent to clearing by a stage) in one minute.
struct MinuteThroughput {
  int64_t minute_ms = 0;  // start of the minute
  int64_t documents = 0;
  int64_t pages = 0;
};

// Failed stage attempts recorded in the audit trail (stage_failed, lease_expired).
struct FailedRunCount {
  std::string stage;
  std::string kind;  // retryable | final | bad_input | lost
  int64_t count = 0;
};

// One stage run as the metrics' histogram reads it (stage_runs_after).
struct StageRunRow {
  int64_t id = 0;
  std::string stage;
  std::string outcome;       // done | retryable | final | bad_input | no_space | lost; "" while running
  std::string reason;        // for done: the clearing reason, if the result sent it there
  int64_t duration_ms = 0;   // finished - started; 0 while running
  bool pending = false;      // not finished and its lease still held: it will finish later
};

// Events the feed has not had acknowledged, per tenant.
struct FeedBacklog {
  int64_t unacknowledged = 0;
  int64_t oldest_created_ms = 0;  // 0 when none
};

// A stage worker as the dispatcher last saw it (the workers table), with the document it
// is working on now (a RUNNING document leased to it), if any.
struct WorkerStatus {
  std::string name;   // stage@host:pid
  std::string stage;
  std::string host;
  int64_t last_seen_ms = 0;   // its last READY, HEARTBEAT or result
  std::string current_document_id;
  std::string current_tenant;
};

}  // namespace zpe
