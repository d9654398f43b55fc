// WorkerLoop: runs one Stage for the dispatcher, one job at a time (Majordomo-style).
//
// Announces its stage with READY (again every 2 s while idle, so a restarted dispatcher
// learns of it), runs each JOB's stage on a separate thread while the loop sends
// HEARTBEATs, then answers DONE or FAILED. Exceptions escaping a stage become FAILED
// (bad_alloc: retryable; anything else: final), so a stage bug never kills the worker.
// Blob reads and writes (RemoteBlobAccess) and the look-up of filed documents
// (RemoteFiledDocuments) go through one DispatcherChannel, a second socket used only by the
// stage thread. The loop knows the protocol; the stage knows none of it.
//
// Time limit: when a job's settings carry max_job_ms (> 0) and the stage has not finished
// by then, the loop sends FAILED bad_input ("<stage> did not finish within N s ...") and ends
// the process with kExitJobTimedOut: a hung decoder thread cannot be cancelled, and the
// supervisor (zpe run) starts a fresh worker.
//
// Link security: with CURVE keys (pipeline/link_security.h) both sockets are CURVE clients;
// a dispatcher that does not list this worker's key refuses the handshake: the worker gets
// no job, logs the refusal once and ends with exit code 3 after a minute, so its supervisor
// starts it again (it gets in once its key is listed and the dispatcher restarted).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <zmq.hpp>

#include "pipeline/handshake_watch.h"
#include "pipeline/link_security.h"
#include "stages/stage.h"

namespace zpe {

// Request/reply with the dispatcher on its own DEALER: GET, PUT, FIND-FILED, CHECKPOINT
// (docs/PROTOCOL.md). One request at a time: threads calling request() take turns.
class DispatcherChannel {
 public:
  DispatcherChannel(zmq::context_t& context, const std::string& endpoint, long timeout_ms,
                    const ClientLinkSecurity& security = {});
  // Sends [ZPE1, command, new request id, arguments...] and returns the reply to that id
  // ([ZPE1, reply command, request id, ...]); kUnavailable when none came in time.
  Result<std::vector<std::string>> request(const std::string& command, const std::vector<std::string>& arguments);

 private:
  std::mutex mutex_;  // one request and its reply at a time on socket_
  zmq::socket_t socket_;
  long timeout_ms_;
};

// BlobAccess over the dispatcher's GET/PUT commands.
class RemoteBlobAccess : public BlobAccess {
 public:
  explicit RemoteBlobAccess(DispatcherChannel& channel) : channel_(channel) {}
  Result<std::string> read(const std::string& sha256) override;
  Result<std::string> write(std::string_view bytes) override;

 private:
  DispatcherChannel& channel_;
};

// FiledDocuments over the dispatcher's FIND-FILED command.
class RemoteFiledDocuments : public FiledDocuments {
 public:
  explicit RemoteFiledDocuments(DispatcherChannel& channel) : channel_(channel) {}
  Result<std::vector<FiledDocument>> filed_in_case(const std::string& tenant, const std::string& case_number,
                                                   int64_t since_ms) override;

 private:
  DispatcherChannel& channel_;
};

// The page checkpoints of one job (stages/stage.h PageCheckpoints): the earlier attempts'
// pages come with the JOB message; each finished page goes to the dispatcher as a
// CHECKPOINT under the job's lease. Thread-safe.
class RemotePageCheckpoints : public PageCheckpoints {
 public:
  // `earlier`: the JOB's "checkpoints" array (absent or malformed entries are ignored).
  RemotePageCheckpoints(DispatcherChannel& channel, std::string lease_id, const nlohmann::json& earlier);
  std::optional<nlohmann::json> find(std::size_t index, const std::string& stage_version,
                                     const std::string& input_sha256) override;
  Status save(std::size_t index, const std::string& stage_version, const std::string& input_sha256,
              const nlohmann::json& result) override;

 private:
  DispatcherChannel& channel_;
  std::string lease_id_;
  std::map<std::size_t, nlohmann::json> earlier_;  // page index -> {stage_version, input, result}; read only
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
  WorkerLoop(zmq::context_t& context, WorkerOptions options, Stage& stage, const ClientLinkSecurity& security = {});
  // Serves jobs until `stop` is set; finishes the job in hand first. Returns an exit code.
  int run(const std::atomic<bool>& stop);

 private:
  void run_job(const std::string& lease_id, const std::string& job_json, const std::atomic<bool>& stop);
  void send(const std::vector<std::string>& frames);
  [[noreturn]] void give_up(const std::string& lease_id, const std::string& document_id, int64_t max_job_ms);

  WorkerOptions options_;
  Stage& stage_;
  zmq::socket_t control_;
  DispatcherChannel channel_;
  RemoteBlobAccess blobs_;
  RemoteFiledDocuments filed_;
  HandshakeWatch refusals_;  // logs a dispatcher's refusal of this worker (its CURVE key)
};

}  // namespace zpe
