// The operations view's figures, composed from the job store's statistics
// (pipeline/job_store_stats.h) for its three front ends: the dashboard's API
// (GET /api/dashboard, web/api_read.cpp), the daily report (`zpe report`, app/cmd_report.cpp)
// and /metrics (monitoring/metrics.h). One place decides what a figure means, so the three
// count alike:
//   received   documents that arrived (ingested or quarantined at intake); a batch that
//              is split counts once, on the day it arrived
//   filed      documents filed (each document of a split batch once), on the day filed
//   clearing   distinct documents a stage sent to clearing that day (not operators' moves)
//   quarantined distinct documents quarantined that day (at intake or by a stage)
//   latency    intake to filed, per document filed that day (a batch's documents from the
//              batch's arrival); percentiles by nearest rank
//   throughput pages (and documents) whose automatic run ended — filed, or sent to
//              clearing — per minute
// Days are UTC. Tenant scoping: every function takes the tenants its caller may see
// (clearing::Scope, as the clearing station); nothing outside them is read. Stateless
// functions over a JobStore the caller owns (one thread at a time, as JobStore).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clearing/clearing_desk.h"
#include "pipeline/job_store.h"

namespace zpe::monitoring {

// The tenants a scope covers, as the job store's filter; `configured` lists every tenant
// (an admin's scope is every configured tenant).
TenantFilter tenant_filter(const clearing::Scope& scope);
// The tenants to show one line for: the scope's, or every configured one for an admin.
std::vector<std::string> tenants_in_scope(const clearing::Scope& scope, const std::vector<std::string>& configured);

// "YYYY-MM-DD" -> 00:00 UTC that day in ms since the epoch; nothing when not a real date.
std::optional<int64_t> parse_day(const std::string& text);
// ms since the epoch -> "YYYY-MM-DD" (UTC).
std::string day_text(int64_t ms);
// 00:00 UTC of the day `ms` falls in.
int64_t day_start(int64_t ms);

struct LatencySummary {
  int64_t count = 0;
  double p50_s = 0, p90_s = 0, p95_s = 0, p99_s = 0, max_s = 0;  // 0 when count is 0
};
// Nearest-rank percentiles of latencies in ms (the value below which p% of them lie).
LatencySummary summarize_latencies(std::vector<int64_t> latencies_ms);
nlohmann::json latency_json(const LatencySummary& latency);

// One tenant's line of the daily report.
struct TenantDayReport {
  std::string tenant;
  DayCounts counts;
  LatencySummary latency;                            // of the documents filed that day
  std::map<std::string, int64_t> clearing_reasons;   // reason kind (clearing::reason_kind) -> documents
  std::map<std::string, int64_t> quarantine_reasons; // reason text -> documents
};

// The report of one UTC day, one line per tenant in `tenants` (zeros included), in order.
Result<std::vector<TenantDayReport>> daily_report(JobStore& jobs, const std::vector<std::string>& tenants,
                                                  int64_t day_start_ms);
// {"day": "...", "tenants": [{tenant, received, filed, clearing, quarantined, pages_received,
//  pages_filed, latency_median_s, latency_p95_s, clearing_reasons{}, quarantine_reasons{}}]}
nlohmann::json report_json(int64_t day_start_ms, const std::vector<TenantDayReport>& report);
// The same as CSV (RFC 4180), one header line; reasons as "kind=n;kind=n".
std::string report_csv(int64_t day_start_ms, const std::vector<TenantDayReport>& report);

// Everything the dashboard shows for `scope` at `now_ms` (docs/API.md, GET /api/dashboard):
// today and the last 30 days per tenant, backlog per stage with the oldest waiting document,
// pages per minute over the last `throughput_hours`, latency percentiles (today and the last
// 24 h), clearing by reason now and clearing, quarantine and failures over the last 24 h,
// and the workers (a worker's current document only when it is in scope).
Result<nlohmann::json> dashboard_figures(JobStore& jobs, const clearing::Scope& scope,
                                         const std::vector<std::string>& configured_tenants,
                                         const std::vector<std::string>& stages, int64_t now_ms,
                                         int throughput_hours);

}  // namespace zpe::monitoring
