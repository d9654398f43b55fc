// Dispatcher: the durable heart of the pipeline. Binds a ZeroMQ ROUTER for stage workers
// and the case-file feed, hands one job at a time to each idle worker of the right stage
// under a lease (at once when a worker reports READY, a stage finishes or the intake sends WORK;
// otherwise it looks at the job store every 100 ms, for work queued by others: `zpe
// submit`, the clearing station, retries), extends leases on heartbeats, applies results
// through the job store (fenced by lease id), expires lost leases, quarantines bad input,
// serves blob reads and writes and the look-up of filed documents (FIND-FILED) so
// workers on other hosts need no shared disk, and records the page checkpoints of running
// jobs (CHECKPOINT, fenced by lease), which go with the job's next attempt. Protocol:
// docs/PROTOCOL.md.
//
// All state is in the job store: a restarted dispatcher picks up where the old one
// stopped, and workers' results for still-valid leases are accepted. A full disk costs no
// document an attempt: a refused blob PUT is answered ERROR no_space (the job comes back as
// FAILED no_space and waits), a result the job store cannot record for lack of space is kept
// here and recorded once space returns, and leases do not expire meanwhile; each condition
// is reported once (pipeline/no_space.h). Each state change is one info line about the
// document (pipeline/log_format.h; a stage result's is written by JobStore::complete);
// malformed messages and unknown commands are logged a few times per window, then counted
// (pipeline/log_rate_limit.h). The workers it is connected to are written to the job
// store's workers table (JobStore::record_workers) for the dashboard, /metrics and /readyz,
// at least every 5 s. Single-threaded: run() owns both sockets; the ZAP handler that admits
// peers to them (pipeline/zap_handler.h) runs on a thread of its own.
//
// Link security (pipeline/link_security.h): bind() refuses a non-loopback endpoint without
// CURVE keys; with keys, only workers and consumers whose public keys are listed get in.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "connectors/casefile_feed.h"
#include "pipeline/blob_store.h"
#include "pipeline/config.h"
#include "pipeline/home.h"
#include "pipeline/job_store.h"
#include "pipeline/log_rate_limit.h"
#include "pipeline/no_space.h"
#include "pipeline/protocol.h"
#include "pipeline/zap_handler.h"

namespace zpe {

class Dispatcher {
 public:
  Dispatcher(const Config& config, const Home& home, JobStore& jobs, BlobStore& blobs,
             zmq::context_t& context);
  // Starts the ZAP handler, then binds both endpoints. kInvalidInput (naming the config
  // keys to set) for a non-loopback endpoint without keys or unreadable key files.
  Status bind();
  // Serves until `stop` is set.
  void run(const std::atomic<bool>& stop);

 private:
  struct Peer {
    std::string stage;
    std::string name;
    int64_t last_seen_ms = 0;
    bool waiting = false;  // sent READY and has no job
  };

  void handle_worker(const protocol::Frames& frames, int64_t now);
  // A DONE or FAILED received at `received_ms`; kept in unrecorded_ when the disk is full.
  struct WorkerResult {
    protocol::Frames frames;
    int64_t received_ms = 0;
  };
  void record_result(const WorkerResult& result, int64_t now);
  void retry_unrecorded(int64_t now);
  // Record a worker's result; an error only when the job store had no space (try again).
  Status on_done(const std::string& identity, const protocol::Frames& f, int64_t now);
  Status on_failed(const std::string& identity, const protocol::Frames& f, int64_t now);
  void serve_blob(const std::string& identity, const protocol::Frames& f, int64_t now);
  void serve_filed(const std::string& identity, const protocol::Frames& f);
  // CHECKPOINT: records a page a running job finished, if the lease is still valid.
  void serve_checkpoint(const std::string& identity, const protocol::Frames& f, int64_t now);
  void assign_jobs(int64_t now);
  void handle_failure_outcome(const FailureOutcome& outcome, const std::string& reason);
  void refuse(const std::string& identity, const std::string& lease_id, const std::string& why);
  // Writes the connected workers to the job store's workers table (the operations view and
  // /readyz read it): when the set of workers changed, else every kWorkerSnapshotMs; with
  // `stopping`, an empty table.
  void record_workers(int64_t now, bool stopping);

  const Config& config_;
  Home home_;
  zmq::context_t& context_;
  // Declared before the sockets, so it outlives them: it answers their handshakes.
  std::unique_ptr<ZapHandler> zap_;
  std::string security_summary_;  // for the start-up log line
  JobStore& jobs_;
  BlobStore& blobs_;
  zmq::socket_t workers_;
  CasefileFeed feed_;
  std::vector<std::string> stages_;
  std::map<std::string, Peer> peers_;
  int64_t last_expiry_check_ms_ = 0;
  // assign_jobs looks at the queue when something may have changed it (a worker reported
  // READY, a result was recorded, the intake sent WORK, leases expired) and otherwise every
  // kQueueLookMs, not on every message: blob reads and writes, heartbeats and checkpoints
  // change no queue. A look reads once per stage with waiting workers and takes a write
  // transaction (claim) only where a document is due.
  bool queue_may_have_changed_ = true;
  int64_t last_queue_look_ms_ = 0;
  NoSpaceWatch blob_space_;  // blob PUTs refused for lack of space
  NoSpaceWatch job_space_;   // job-store writes refused for lack of space (SQLITE_FULL)
  LogRateLimit repeated_warnings_;  // malformed messages and unknown commands: a few lines, then a count
  std::deque<WorkerResult> unrecorded_;  // results to record once the job store has space
  int64_t workers_recorded_ms_ = 0;       // when record_workers last wrote
  std::string workers_recorded_;          // the worker names it wrote then
};

}  // namespace zpe
