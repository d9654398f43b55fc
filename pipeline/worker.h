// WorkerLoop: runs one Stage for the dispatcher, one job at a time (Majordomo-style).
//
// Announces its stage with READY (again every 2 s while idle, so a restarted dispatcher
// learns of it), runs each JOB's stage on a separate thread while the loop sends
// HEARTBEATs, then answers DONE or FAILED. Exceptions escaping a stage become FAILED
// (bad_alloc: retryable; anything else: final), so a stage bug never kills the worker.
// Blob reads and writes go through RemoteBlobAccess on a second socket, used only by the
// stage thread. The loop knows the protocol; the stage knows none of it.
//
// Time limit: when a job's settings carry max_job_ms (> 0) and the stage has not finished
// by then, the loop sends FAILED bad_input ("<stage> did not finish within N s ...") and ends
// the process with kExitJobTimedOut: a hung decoder thread cannot be cancelled, and the
// supervisor (zpe run) starts a fresh worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <zmq.hpp>

#include "stages/stage.h"

namespace zpe {

// BlobAccess over the dispatcher's GET/PUT commands (request/reply on its own DEALER).
class RemoteBlobAccess : public BlobAccess {
 public:
  RemoteBlobAccess(zmq::context_t& context, const std::string& endpoint, long timeout_ms);
  Result<std::string> read(const std::string& sha256) override;
  Result<std::string> write(std::string_view bytes) override;

 private:
  Result<std::vector<std::string>> request(const std::vector<std::string>& frames,
                                           const std::string& request_id);
  zmq::socket_t socket_;
  long timeout_ms_;
};

struct WorkerOptions {
  std::string endpoint;
  std::string worker_name;
  long blob_timeout_ms = 60000;
};

// Exit code of a worker that gave up on a job that exceeded max_job_ms.
constexpr int kExitJobTimedOut = 75;

class WorkerLoop {
 public:
  WorkerLoop(zmq::context_t& context, WorkerOptions options, Stage& stage);
  // Serves jobs until `stop` is set; finishes the job in hand first. Returns an exit code.
  int run(const std::atomic<bool>& stop);

 private:
  void run_job(const std::string& lease_id, const std::string& job_json, const std::atomic<bool>& stop);
  void send(const std::vector<std::string>& frames);
  [[noreturn]] void give_up(const std::string& lease_id, const std::string& document_id, int64_t max_job_ms);

  WorkerOptions options_;
  Stage& stage_;
  zmq::socket_t control_;
  RemoteBlobAccess blobs_;
};

}  // namespace zpe
