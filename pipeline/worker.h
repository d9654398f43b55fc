// WorkerLoop: runs one Stage for the dispatcher, one job at a time (Majordomo-style).
//
// Announces its stage with READY (again every 2 s while idle, so a restarted dispatcher
// learns of it), runs each JOB's stage on a separate thread while the loop sends
// HEARTBEATs, then answers DONE or FAILED. Exceptions escaping a stage become FAILED
// (bad_alloc: retryable; anything else: final), so a stage bug never kills the worker.
// Blob reads and writes go through RemoteBlobAccess on a second socket, used only by the
// stage thread. The loop knows the protocol; the stage knows none of it.
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

class WorkerLoop {
 public:
  WorkerLoop(zmq::context_t& context, WorkerOptions options, Stage& stage);
  // Serves jobs until `stop` is set; finishes the job in hand first. Returns an exit code.
  int run(const std::atomic<bool>& stop);

 private:
  void run_job(const std::string& lease_id, const std::string& job_json, const std::atomic<bool>& stop);
  void send(const std::vector<std::string>& frames);

  zmq::context_t& context_;
  WorkerOptions options_;
  Stage& stage_;
  zmq::socket_t control_;
  RemoteBlobAccess blobs_;
};

}  // namespace zpe
