// /metrics: ZPE's figures in the Prometheus text exposition format (version 0.0.4), names
// prefixed zpe_ (docs/OPERATIONS.md lists each). Gauges are read from the job store at each
// scrape (documents by tenant and state, queue depth and oldest waiting document per stage,
// clearing by reason, the feed's unacknowledged events and lag, connected workers, free
// disk, and the bytes per area of the home as the storage policy last measured them); the stage-run histogram and the failure counters are kept by a StageRunTally that
// reads only the stage runs added since the last scrape, so a scrape costs what happened
// since the one before, not the store's size.
//
// The tally is cumulative for the life of the process (a restart starts again from the
// first run, as Prometheus expects of a counter reset). A run still going holds back the
// runs recorded after it until it ends (at most one lease, renewed while its worker lives).
// Thread-safe: one tally per web server, shared by its handler threads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/job_store.h"

namespace zpe::monitoring {

// Upper bounds of the stage-run histogram's buckets in seconds (+Inf is implied).
inline const std::vector<double> kStageRunBucketsS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

class StageRunTally {
 public:
  struct Histogram {
    std::vector<int64_t> buckets = std::vector<int64_t>(kStageRunBucketsS.size(), 0);  // not cumulative
    int64_t count = 0;
    double sum_s = 0;
  };
  struct Snapshot {
    std::map<std::string, Histogram> succeeded;                      // stage -> runs with outcome done
    std::map<std::pair<std::string, std::string>, int64_t> failed;   // (stage, outcome) -> runs
    int64_t signature_failures = 0;  // sign runs that failed, or sent the document to clearing
  };

  // Reads the runs recorded since the last call and returns the totals.
  Result<Snapshot> update(JobStore& jobs, const std::string& sign_stage = "sign");

 private:
  std::mutex mutex_;
  int64_t after_id_ = 0;  // every run up to this id is counted (or was abandoned)
  Snapshot totals_;
};

struct MetricsInput {
  std::vector<std::string> stages;   // in pipeline order
  std::vector<std::string> tenants;  // every configured tenant
  std::optional<uint64_t> disk_free_bytes;
  int64_t now_ms = 0;
  // The storage policy's last measurement of the home (connectors/storage_gc.h
  // read_storage_usage: {"measured_ms", "areas": {area: bytes}}), or null when none yet.
  nlohmann::json storage_usage = nullptr;
};

// The whole /metrics body; every tenant (the caller decides who may read it).
Result<std::string> render_metrics(JobStore& jobs, StageRunTally& tally, const MetricsInput& input);

}  // namespace zpe::monitoring
