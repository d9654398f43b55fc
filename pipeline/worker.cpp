#include "pipeline/worker.h"

#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include <unistd.h>
#include <new>

#include <spdlog/spdlog.h>

#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"
#include "pipeline/log_format.h"
#include "pipeline/protocol.h"

namespace zpe {

namespace {
constexpr long kReadyIntervalMs = 2000;
// A send waits only while the socket has no connection at all, which happens once a
// dispatcher refused the handshake: never block the loop for good there.
constexpr int kSendTimeoutMs = 1000;
}

DispatcherChannel::DispatcherChannel(zmq::context_t& context, const std::string& endpoint, long timeout_ms,
                                     const ClientLinkSecurity& security)
    : socket_(context, zmq::socket_type::dealer), timeout_ms_(timeout_ms) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::sndtimeo, kSendTimeoutMs);
  secure_client_socket(socket_, security);
  socket_.connect(endpoint);
}

Result<std::vector<std::string>> DispatcherChannel::request(const std::string& command,
                                                            const std::vector<std::string>& arguments) {
  std::lock_guard lock(mutex_);
  const std::string request_id = random_hex(8);
  std::vector<std::string> frames = {protocol::kWorkerVersion, command, request_id};
  frames.insert(frames.end(), arguments.begin(), arguments.end());
  if (!protocol::send_frames(socket_, frames)) {
    return fail(ErrorKind::kUnavailable, "cannot send a " + command + " request to the dispatcher");
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  while (true) {
    long left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    auto reply = protocol::recv_frames(socket_, left);
    if (!reply) break;
    // Late replies to earlier, timed-out requests carry other ids: skip them.
    if (reply->size() >= 3 && (*reply)[2] == request_id) return *reply;
  }
  return fail(ErrorKind::kUnavailable, "the dispatcher did not answer a " + command + " request within " +
                                           std::to_string(timeout_ms_) + " ms");
}

Result<std::string> RemoteBlobAccess::read(const std::string& sha256) {
  auto reply = channel_.request(protocol::kGet, {sha256});
  if (!reply) return fail(reply.error());
  auto& r = *reply;
  if (r[1] == protocol::kBlob && r.size() >= 5) return std::move(r[4]);  // not a second copy of a 25 MB original
  return fail(ErrorKind::kNotFound, r.size() >= 4 ? r[3] : "blob " + sha256 + " not found");
}

Result<std::string> RemoteBlobAccess::write(std::string_view bytes) {
  auto reply = channel_.request(protocol::kPut, {std::string(bytes)});
  if (!reply) return fail(reply.error());
  const auto& r = *reply;
  if (r[1] == protocol::kStored && r.size() >= 4) return r[3];
  // ERROR's optional kind frame says the dispatcher's disk is full (docs/PROTOCOL.md).
  const bool no_space = r.size() >= 5 && r[4] == protocol::kKindNoSpace;
  return fail(no_space ? ErrorKind::kNoSpace : ErrorKind::kIOError,
              r.size() >= 4 ? r[3] : "the dispatcher could not store a blob");
}

Result<std::vector<FiledDocument>> RemoteFiledDocuments::filed_in_case(const std::string& tenant,
                                                                       const std::string& case_number,
                                                                       int64_t since_ms) {
  const nlohmann::json query = {{"tenant", tenant}, {"case_number", case_number}, {"since_ms", since_ms}};
  auto reply = channel_.request(protocol::kFindFiled, {query.dump()});
  if (!reply) return fail(reply.error());
  const auto& r = *reply;
  const auto list = r[1] == protocol::kFiledList && r.size() >= 4 ? nlohmann::json::parse(r[3], nullptr, false)
                                                                   : nlohmann::json();
  if (!list.is_object() || !list.contains("documents") || !list["documents"].is_array()) {
    return fail(ErrorKind::kUnavailable, "the dispatcher could not list the documents filed in case " + case_number +
                                             (r[1] == protocol::kError && r.size() >= 4 ? ": " + r[3] : ""));
  }
  std::vector<FiledDocument> out;
  for (const auto& entry : list["documents"]) {
    if (!entry.is_object() || !entry.contains("document_id") || !entry["document_id"].is_string()) continue;
    const auto fingerprint = entry.find("text_fingerprint");
    out.push_back({entry["document_id"].get<std::string>(), entry.value("filed_at_ms", int64_t{0}),
                   fingerprint != entry.end() && fingerprint->is_string() ? fingerprint->get<std::string>() : ""});
  }
  return out;
}

RemotePageCheckpoints::RemotePageCheckpoints(DispatcherChannel& channel, std::string lease_id,
                                             const nlohmann::json& earlier)
    : channel_(channel), lease_id_(std::move(lease_id)) {
  if (!earlier.is_array()) return;
  for (const auto& entry : earlier) {
    if (!entry.is_object() || !entry.contains("page") || !entry["page"].is_number_unsigned()) continue;
    earlier_[entry["page"].get<std::size_t>()] = entry;
  }
}

std::optional<nlohmann::json> RemotePageCheckpoints::find(std::size_t index, const std::string& stage_version,
                                                          const std::string& input_sha256) {
  const auto found = earlier_.find(index);
  if (found == earlier_.end()) return std::nullopt;
  const nlohmann::json& entry = found->second;
  if (entry.value("stage_version", "") != stage_version || entry.value("input", "") != input_sha256) return std::nullopt;
  const auto result = entry.find("result");
  if (result == entry.end() || !result->is_object()) return std::nullopt;
  return *result;
}

Status RemotePageCheckpoints::save(std::size_t index, const std::string& stage_version, const std::string& input_sha256,
                                   const nlohmann::json& result) {
  const nlohmann::json checkpoint = {
      {"page", index}, {"stage_version", stage_version}, {"input", input_sha256}, {"result", result}};
  auto reply = channel_.request(protocol::kCheckpoint, {lease_id_, checkpoint.dump()});
  if (!reply) return fail(reply.error());
  const auto& r = *reply;
  if (r[1] == protocol::kSaved) return {};
  const std::string kind = r.size() >= 5 ? r[4] : "";
  const std::string message = r.size() >= 4 ? r[3] : "the dispatcher did not record the checkpoint";
  if (kind == protocol::kKindLeaseLost) return fail(ErrorKind::kConflict, message);
  return fail(kind == protocol::kKindNoSpace ? ErrorKind::kNoSpace : ErrorKind::kIOError, message);
}

WorkerLoop::WorkerLoop(zmq::context_t& context, WorkerOptions options, Stage& stage,
                       const ClientLinkSecurity& security)
    : options_(std::move(options)),
      stage_(stage),
      control_(context, zmq::socket_type::dealer),
      channel_(context, options_.endpoint, options_.blob_timeout_ms, security),
      blobs_(channel_),
      filed_(channel_),
      refusals_(context, control_, "worker " + options_.worker_name, "the dispatcher") {
  control_.set(zmq::sockopt::linger, 2000);
  control_.set(zmq::sockopt::sndtimeo, kSendTimeoutMs);
  secure_client_socket(control_, security);
  control_.connect(options_.endpoint);
}

void WorkerLoop::send(const std::vector<std::string>& frames) {
  if (!protocol::send_frames(control_, frames)) spdlog::warn("worker: could not send {}", frames[1]);
}

int WorkerLoop::run(const std::atomic<bool>& stop) {
  spdlog::info("worker {}: stage {} ({}), dispatcher {}", options_.worker_name, stage_.name(), stage_.version(),
               options_.endpoint);
  const std::string stage(stage_.name());
  int64_t last_ready = 0;
  while (!stop.load()) {
    int64_t now = now_ms();
    if (now - last_ready >= kReadyIntervalMs) {
      send({protocol::kWorkerVersion, protocol::kReady, stage, options_.worker_name});
      last_ready = now;
    }
    auto msg = protocol::recv_frames(control_, 200);
    if (refusals_.refused()) return exit_after_refusal(stop, "worker " + options_.worker_name);
    if (!msg || msg->size() < 2) continue;
    const auto& m = *msg;
    if (m[1] == protocol::kJob && m.size() >= 4) {
      run_job(m[2], m[3], stop);
      last_ready = 0;  // ask for the next job at once
    } else if (m[1] == protocol::kRefused && m.size() >= 4) {
      spdlog::warn("worker {}: dispatcher refused lease {}: {}", options_.worker_name, m[2], m[3]);
    }
  }
  spdlog::info("worker {}: stopped", options_.worker_name);
  return 0;
}

void WorkerLoop::run_job(const std::string& lease_id, const std::string& job_json, const std::atomic<bool>&) {
  auto job = nlohmann::json::parse(job_json, nullptr, false);
  if (!job.is_object()) {
    send({protocol::kWorkerVersion, protocol::kFailed, lease_id, "final", "job message is not JSON"});
    return;
  }
  const std::string document_id = job.value("document_id", "");
  const std::string tenant = job.value("tenant", "");
  // Every line about this job carries the document and its tenant (JSON log format).
  const DocumentLogFields fields(document_id, tenant);
  const long heartbeat_ms = job.value("heartbeat_ms", 1000L);
  const nlohmann::json record = job.value("record", nlohmann::json::object());
  const nlohmann::json settings = job.value("settings", nlohmann::json::object());
  spdlog::info("worker {}: {} {} (attempt {})", options_.worker_name, stage_.name(), document_id,
               job.value("attempt", 0));
  int64_t started = now_ms();

  RemotePageCheckpoints checkpoints(channel_, lease_id, job.value("checkpoints", nlohmann::json::array()));
  auto future = std::async(std::launch::async, [&]() -> StageOutcome {
    const DocumentLogFields stage_fields(document_id, tenant);
    try {
      return stage_.run(StageContext{record, settings, blobs_, &filed_, &checkpoints});
    } catch (const std::bad_alloc&) {
      return stage_failure(FailureKind::kRetryable, "out of memory while running stage " + std::string(stage_.name()));
    } catch (const std::exception& e) {
      return stage_failure(FailureKind::kFinal, "internal error in stage " + std::string(stage_.name()) + ": " + e.what());
    }
  });
  bool lease_lost = false;
  const int64_t max_job_ms = settings.value("max_job_ms", int64_t{0});
  while (future.wait_for(std::chrono::milliseconds(heartbeat_ms)) != std::future_status::ready) {
    if (max_job_ms > 0 && now_ms() - started > max_job_ms) give_up(lease_id, document_id, max_job_ms);
    send({protocol::kWorkerVersion, protocol::kHeartbeat, lease_id});
    while (auto msg = protocol::recv_frames(control_, 0)) {
      if (msg->size() >= 3 && (*msg)[1] == protocol::kRefused && (*msg)[2] == lease_id) lease_lost = true;
    }
  }
  StageOutcome outcome = future.get();
  int64_t elapsed = now_ms() - started;
  if (lease_lost) {
    spdlog::warn("worker {}: lease {} of {} was lost while working; the result is dropped",
                 options_.worker_name, lease_id, document_id);
    return;
  }
  if (outcome) {
    nlohmann::json result = {{"patch", outcome->patch}, {"version", stage_.version()}, {"elapsed_ms", elapsed}};
    if (outcome->clearing_reason) result["clearing_reason"] = *outcome->clearing_reason;
    send({protocol::kWorkerVersion, protocol::kDone, lease_id, result.dump()});
    spdlog::info("worker {}: {} {} done in {} ms", options_.worker_name, stage_.name(), document_id, elapsed);
  } else {
    send({protocol::kWorkerVersion, protocol::kFailed, lease_id, failure_kind_name(outcome.error().kind),
          outcome.error().reason});
    // A full disk is reported once by the dispatcher, not per job and retry.
    spdlog::log(outcome.error().kind == FailureKind::kNoSpace ? spdlog::level::debug : spdlog::level::warn,
                "worker {}: {} {} failed ({}): {}", options_.worker_name, stage_.name(), document_id,
                failure_kind_name(outcome.error().kind), mask_case_numbers(outcome.error().reason));
  }
}

void WorkerLoop::give_up(const std::string& lease_id, const std::string& document_id, int64_t max_job_ms) {
  const std::string reason = std::string(stage_.name()) + " did not finish within " + std::to_string(max_job_ms / 1000) +
                             " s — the file is probably malformed (a decoder hangs on it); check it and rescan";
  send({protocol::kWorkerVersion, protocol::kFailed, lease_id, "bad_input", reason});
  spdlog::error("worker {}: {} {}: {}; exiting so the supervisor starts a fresh worker", options_.worker_name,
                stage_.name(), document_id, reason);
  // The stuck stage thread cannot be cancelled, and leaving would wait for it (std::async's
  // future joins), so give ZeroMQ's I/O thread a moment to send FAILED, then end the process.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::fflush(nullptr);
  _exit(kExitJobTimedOut);
}

}  // namespace zpe
