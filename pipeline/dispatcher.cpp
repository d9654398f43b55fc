#include "pipeline/dispatcher.h"

#include <set>

#include <spdlog/spdlog.h>

#include "connectors/casefile_event.h"
#include "pipeline/log_format.h"
#include "pipeline/link_security.h"
#include "pipeline/quarantine.h"

namespace zpe {

namespace {
constexpr int64_t kPeerTimeoutMs = 6000;  // an idle worker re-sends READY every 2 s
constexpr long kPollMs = 100;
constexpr int64_t kQueueLookMs = 100;  // for work queued by others (zpe submit, the clearing station) and retries
// A peer that floods the socket gets this many warning lines per window, then a count.
constexpr int kRepeatedWarningLines = 5;
constexpr int64_t kRepeatedWarningWindowMs = 10000;
constexpr const char* kMalformed = "dispatcher: malformed messages from workers";
constexpr const char* kUnknownCommand = "dispatcher: unknown or short commands from workers";
}  // namespace

Dispatcher::Dispatcher(const Config& config, const Home& home, JobStore& jobs, BlobStore& blobs,
                       zmq::context_t& context)
    : config_(config),
      home_(home),
      context_(context),
      jobs_(jobs),
      blobs_(blobs),
      workers_(context, zmq::socket_type::router),
      feed_(context, config.feed_endpoint(), jobs, blobs, config.redeliver_ms()),
      stages_(config.stages()),
      blob_space_(no_space_marker_dir(home), "dispatcher-blobs",
                  "stage jobs that write blobs go back to the queue and wait"),
      job_space_(no_space_marker_dir(home), "dispatcher-jobs",
                 "no job is handed out and results are kept in memory until they can be recorded"),
      repeated_warnings_(kRepeatedWarningLines, kRepeatedWarningWindowMs) {
  workers_.set(zmq::sockopt::router_mandatory, 1);
  workers_.set(zmq::sockopt::linger, 0);
}

namespace {
// The ZAP handler's rule for one link: its CURVE clients, if it has CURVE.
ZapDomainPolicy zap_policy(const ServerLinkSecurity& link, const std::string& clients) {
  return {clients, link.curve ? std::optional<AuthorizedKeys>(link.curve->clients) : std::nullopt};
}
std::string describe(const ServerLinkSecurity& link) {
  return link.curve ? "CURVE, " + std::to_string(link.curve->clients.size()) + " authorised keys" : "plain, loopback only";
}
}  // namespace

Status Dispatcher::bind() {
  auto workers_link = server_link_security(config_, home_, Link::kDispatcher, config_.dispatcher_endpoint());
  if (!workers_link) return fail(workers_link.error());
  auto feed_link = server_link_security(config_, home_, Link::kFeed, config_.feed_endpoint());
  if (!feed_link) return fail(feed_link.error());
  zap_ = std::make_unique<ZapHandler>(
      context_, std::map<std::string, ZapDomainPolicy>{{workers_link->zap_domain, zap_policy(*workers_link, "worker")},
                                                       {feed_link->zap_domain, zap_policy(*feed_link, "case-file consumer")}});
  if (auto st = zap_->start(); !st) return st;
  secure_server_socket(workers_, *workers_link);
  secure_server_socket(feed_.socket(), *feed_link);
  security_summary_ = "workers: " + describe(*workers_link) + "; feed: " + describe(*feed_link);
  try {
    workers_.bind(config_.dispatcher_endpoint());
  } catch (const zmq::error_t& e) {
    return fail(ErrorKind::kUnavailable,
                "cannot bind the worker endpoint " + config_.dispatcher_endpoint() + ": " + e.what() +
                    " (is another dispatcher running on this home or port?)");
  }
  return feed_.bind();
}

void Dispatcher::run(const std::atomic<bool>& stop) {
  spdlog::info("dispatcher: workers on {}, case-file feed on {} ({}), stages {}", config_.dispatcher_endpoint(),
               config_.feed_endpoint(), security_summary_, nlohmann::json(stages_).dump());
  zmq::pollitem_t items[] = {{workers_.handle(), 0, ZMQ_POLLIN, 0},
                             {feed_.socket().handle(), 0, ZMQ_POLLIN, 0}};
  while (!stop.load()) {
    try {
      zmq::poll(items, 2, std::chrono::milliseconds(kPollMs));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      throw;
    }
    int64_t now = now_ms();
    // Drain what arrived, without blocking.
    for (int i = 0; i < 256; ++i) {
      auto frames = protocol::recv_frames(workers_, 0);
      if (!frames) break;
      handle_worker(*frames, now);
    }
    for (int i = 0; i < 256; ++i) {
      auto frames = protocol::recv_frames(feed_.socket(), 0);
      if (!frames) break;
      feed_.handle(*frames, now);
    }
    retry_unrecorded(now);
    // While results wait for space to be recorded, their leases must not run out.
    if (!job_space_.active() && now - last_expiry_check_ms_ >= 1000) {
      last_expiry_check_ms_ = now;
      auto expired = jobs_.expire_leases(now, config_.max_attempts());
      if (!expired) {
        if (!job_space_.note_failure(expired.error(), now)) {
          spdlog::error("dispatcher: lease expiry failed: {}", expired.error().describe());
        }
      } else {
        if (!expired->empty()) queue_may_have_changed_ = true;
        for (const auto& outcome : *expired) {
          log_about_document(spdlog::level::warn, outcome.document_id, outcome.tenant,
                             "dispatcher: lease of {} (tenant {}) expired; now {}", outcome.document_id, outcome.tenant,
                             state_name(outcome.new_state));
        }
      }
    }
    assign_jobs(now);
    feed_.tick(now);
    repeated_warnings_.flush();
    record_workers(now, false);
  }
  repeated_warnings_.flush_all();
  record_workers(now_ms(), true);
  spdlog::info("dispatcher: stopped");
}

void Dispatcher::handle_worker(const protocol::Frames& f, int64_t now) {
  using namespace protocol;
  if (f.size() < 3 || f[1] != kWorkerVersion) {
    repeated_warnings_.log(spdlog::level::warn, kMalformed,
                           "dispatcher: ignoring a malformed message (" + std::to_string(f.size()) + " frames)");
    return;
  }
  const std::string& identity = f[0];
  const std::string& command = f[2];
  if (command == kGet || command == kPut) {
    serve_blob(identity, f, now);
    return;
  }
  if (command == kFindFiled) {
    serve_filed(identity, f);
    return;
  }
  if (command == kCheckpoint) {
    serve_checkpoint(identity, f, now);
    return;
  }
  // The intake queued documents: nothing to record, assign_jobs runs right after this drain.
  if (command == kWork) {
    queue_may_have_changed_ = true;
    return;
  }
  Peer& peer = peers_[identity];
  peer.last_seen_ms = now;
  if (command == kReady && f.size() >= 5) {
    peer.stage = f[3];
    peer.name = f[4];
    peer.waiting = true;
    queue_may_have_changed_ = true;
  } else if (command == kHeartbeat && f.size() >= 4) {
    auto valid = jobs_.extend_lease(f[3], now, config_.lease_ms());
    if (valid && !*valid) refuse(identity, f[3], "lease expired or unknown");
  } else if ((command == kDone && f.size() >= 5) || (command == kFailed && f.size() >= 6)) {
    record_result({f, now}, now);
  } else {
    repeated_warnings_.log(spdlog::level::warn, kUnknownCommand,
                           "dispatcher: unknown or short command '" + command.substr(0, 32) + "' from worker '" +
                               peer.name + "'");
  }
}

void Dispatcher::record_result(const WorkerResult& result, int64_t now) {
  if (!job_space_.may_try(now) || !unrecorded_.empty()) {
    unrecorded_.push_back(result);
    return;
  }
  const auto& f = result.frames;
  // The lease is judged at the time the result arrived, so waiting for space costs nothing.
  auto recorded = f[2] == protocol::kDone ? on_done(f[0], f, result.received_ms) : on_failed(f[0], f, result.received_ms);
  queue_may_have_changed_ = true;
  if (recorded) {
    job_space_.note_success(now);
  } else if (job_space_.note_failure(recorded.error(), now)) {
    unrecorded_.push_back(result);
  }
}

void Dispatcher::retry_unrecorded(int64_t now) {
  if (unrecorded_.empty() || !job_space_.may_try(now)) return;
  std::deque<WorkerResult> waiting;
  waiting.swap(unrecorded_);
  while (!waiting.empty() && unrecorded_.empty()) {
    record_result(waiting.front(), now);
    waiting.pop_front();
  }
  // Refused again: keep the rest, in order, behind the one that was refused.
  unrecorded_.insert(unrecorded_.end(), waiting.begin(), waiting.end());
}

Status Dispatcher::on_done(const std::string& identity, const protocol::Frames& f, int64_t now) {
  const std::string& lease_id = f[3];
  auto result = nlohmann::json::parse(f[4], nullptr, false);
  if (!result.is_object()) {
    spdlog::error("dispatcher: DONE for lease {} carries no JSON object", lease_id);
    return {};
  }
  Completion c;
  c.lease_id = lease_id;
  c.worker = peers_[identity].name;
  c.patch = result.value("patch", nlohmann::json::object());
  c.stage_version = result.value("version", "");
  if (result.contains("clearing_reason") && result["clearing_reason"].is_string()) {
    c.clearing_reason = result["clearing_reason"].get<std::string>();
  }
  c.now_ms = now;
  auto accepted = jobs_.complete(c, stages_, build_filed_event);
  if (!accepted) {
    if (accepted.error().kind == ErrorKind::kNoSpace) return fail(accepted.error());
    spdlog::error("dispatcher: cannot record result of lease {}: {}", lease_id, accepted.error().describe());
  } else if (!*accepted) {
    refuse(identity, lease_id, "result refused: the lease had expired or was replaced");
  }
  return {};
}

Status Dispatcher::on_failed(const std::string& identity, const protocol::Frames& f, int64_t now) {
  const std::string& lease_id = f[3];
  const std::string& kind = f[4];
  const std::string& reason = f[5];
  const bool no_space = kind == protocol::kKindNoSpace;
  const int64_t backoff_ms = no_space ? blob_space_.backoff_ms() : config_.retry_backoff_ms();
  auto outcome = jobs_.record_failure(lease_id, kind, reason, config_.max_attempts(), backoff_ms, now);
  if (!outcome) {
    if (outcome.error().kind == ErrorKind::kNoSpace) return fail(outcome.error());
    spdlog::error("dispatcher: cannot record failure of lease {}: {}", lease_id, outcome.error().describe());
  } else if (!*outcome) {
    refuse(identity, lease_id, "failure report refused: the lease had expired or was replaced");
  } else {
    // A full disk is reported once (blob_space_), not per document and retry.
    const FailureOutcome& failed = **outcome;
    log_about_document(no_space ? spdlog::level::debug : spdlog::level::warn, failed.document_id, failed.tenant,
                       "dispatcher: {} (tenant {}) failed ({}): {} -> {}", failed.document_id, failed.tenant, kind,
                       mask_case_numbers(reason), state_name(failed.new_state));
    handle_failure_outcome(**outcome, reason);
  }
  return {};
}

void Dispatcher::handle_failure_outcome(const FailureOutcome& outcome, const std::string& reason) {
  if (outcome.new_state != DocState::kQuarantined) return;
  std::string sha = outcome.record.contains("original") ? outcome.record["original"].value("sha256", "") : "";
  std::string name = outcome.record.contains("source") ? outcome.record["source"].value("file", "") : "";
  auto bytes = blobs_.get(sha);
  if (!bytes) {
    spdlog::error("dispatcher: cannot quarantine {}: {}", outcome.document_id, bytes.error().describe());
    return;
  }
  auto path = write_quarantine(home_, outcome.tenant, outcome.document_id, name, *bytes, reason);
  if (!path) spdlog::error("dispatcher: cannot quarantine {}: {}", outcome.document_id, path.error().describe());
}

void Dispatcher::serve_blob(const std::string& identity, const protocol::Frames& f, int64_t now) {
  using namespace protocol;
  if (f.size() < 5) return;
  const std::string& request_id = f[3];
  if (f[2] == kGet) {
    auto bytes = blobs_.get(f[4]);
    if (bytes) {
      send_frames(workers_, {identity, kWorkerVersion, kBlob, request_id, f[4], *bytes});
    } else {
      send_frames(workers_, {identity, kWorkerVersion, kError, request_id, bytes.error().message});
    }
    return;
  }
  auto sha = blobs_.put(f[4]);
  if (sha) {
    blob_space_.note_success(now);
    send_frames(workers_, {identity, kWorkerVersion, kStored, request_id, *sha});
  } else if (blob_space_.note_failure(sha.error(), now)) {
    send_frames(workers_, {identity, kWorkerVersion, kError, request_id, sha.error().message, kKindNoSpace});
  } else {
    send_frames(workers_, {identity, kWorkerVersion, kError, request_id, sha.error().message});
  }
}

void Dispatcher::serve_filed(const std::string& identity, const protocol::Frames& f) {
  using namespace protocol;
  if (f.size() < 5) return;
  const std::string& request_id = f[3];
  const auto query = nlohmann::json::parse(f[4], nullptr, false);
  if (!query.is_object() || !query.contains("tenant") || !query["tenant"].is_string() ||
      !query.contains("case_number") || !query["case_number"].is_string() || !query.contains("since_ms") ||
      !query["since_ms"].is_number_integer()) {
    send_frames(workers_, {identity, kWorkerVersion, kError, request_id,
                           "FIND-FILED needs a JSON object with tenant, case_number and since_ms"});
    return;
  }
  auto filings = jobs_.filed_in_case(query["tenant"].get<std::string>(), query["case_number"].get<std::string>(),
                                     query["since_ms"].get<int64_t>());
  if (!filings) {
    send_frames(workers_, {identity, kWorkerVersion, kError, request_id, filings.error().message});
    return;
  }
  nlohmann::json documents = nlohmann::json::array();
  for (const auto& filing : *filings) {
    documents.push_back({{"document_id", filing.document_id}, {"case_number", filing.case_number},
                         {"filed_at_ms", filing.filed_ms},
                         {"text_fingerprint", filing.text_fingerprint.empty() ? nlohmann::json(nullptr)
                                                                              : nlohmann::json(filing.text_fingerprint)}});
  }
  send_frames(workers_, {identity, kWorkerVersion, kFiledList, request_id, nlohmann::json{{"documents", documents}}.dump()});
}

namespace {

// A CHECKPOINT's JSON, checked: {"page": 0.., "stage_version": "...", "input": 64 hex,
// "result": {...}}; nothing when it is not that (or too large).
std::optional<PageCheckpoint> parse_checkpoint(const std::string& text) {
  if (text.size() > protocol::kMaxCheckpointBytes) return std::nullopt;
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  const auto page = json.find("page"), version = json.find("stage_version"), input = json.find("input"),
             result = json.find("result");
  if (page == json.end() || !page->is_number_integer() || version == json.end() || !version->is_string() ||
      version->get_ref<const std::string&>().size() > 256 || input == json.end() || !input->is_string() ||
      !is_sha256_hex(input->get_ref<const std::string&>()) || result == json.end() || !result->is_object()) {
    return std::nullopt;
  }
  const int64_t index = page->get<int64_t>();
  if (index < 0 || index >= JobStore::kMaxCheckpointPages) return std::nullopt;
  return PageCheckpoint{index, version->get<std::string>(), input->get<std::string>(), *result};
}

}  // namespace

void Dispatcher::serve_checkpoint(const std::string& identity, const protocol::Frames& f, int64_t now) {
  using namespace protocol;
  if (f.size() < 6) return;
  const std::string& request_id = f[3];
  const std::string& lease_id = f[4];
  const auto checkpoint = parse_checkpoint(f[5]);
  if (!checkpoint) {
    send_frames(workers_, {identity, kWorkerVersion, kError, request_id,
                           "CHECKPOINT needs a JSON object of at most " + std::to_string(kMaxCheckpointBytes) +
                               " bytes with page, stage_version, input (SHA-256) and result (an object)"});
    return;
  }
  auto saved = jobs_.save_page_checkpoint(lease_id, *checkpoint, now);
  if (!saved) {
    const bool no_space = saved.error().kind == ErrorKind::kNoSpace;
    if (!no_space) spdlog::error("dispatcher: cannot record a checkpoint of lease {}: {}", lease_id, saved.error().describe());
    send_frames(workers_, no_space ? Frames{identity, kWorkerVersion, kError, request_id, saved.error().message, kKindNoSpace}
                                   : Frames{identity, kWorkerVersion, kError, request_id, saved.error().message});
  } else if (!*saved) {
    send_frames(workers_, {identity, kWorkerVersion, kError, request_id,
                           "lease " + lease_id + " is not valid (expired, completed or replaced)", kKindLeaseLost});
  } else {
    send_frames(workers_, {identity, kWorkerVersion, kSaved, request_id});
  }
}

void Dispatcher::assign_jobs(int64_t now) {
  if (!job_space_.may_try(now)) return;
  if (!queue_may_have_changed_ && now - last_queue_look_ms_ < kQueueLookMs) return;
  queue_may_have_changed_ = false;
  last_queue_look_ms_ = now;
  std::set<std::string> nothing_queued;  // stages whose queue this look found empty
  for (auto it = peers_.begin(); it != peers_.end();) {
    Peer& peer = it->second;
    if (now - peer.last_seen_ms > kPeerTimeoutMs && !peer.waiting) {
      it = peers_.erase(it);
      continue;
    }
    if (!peer.waiting || now - peer.last_seen_ms > kPeerTimeoutMs || nothing_queued.count(peer.stage) != 0) {
      ++it;
      continue;
    }
    auto due = jobs_.has_due_work(peer.stage, now);
    if (due && !*due) {
      nothing_queued.insert(peer.stage);
      ++it;
      continue;
    }
    auto job = jobs_.claim(peer.stage, peer.name, now, config_.lease_ms());
    if (!job) {
      if (!job_space_.note_failure(job.error(), now)) {
        spdlog::error("dispatcher: cannot claim a {} job: {}", peer.stage, job.error().describe());
      }
      return;
    }
    if (!*job) {
      nothing_queued.insert(peer.stage);
      ++it;
      continue;
    }
    job_space_.note_success(now);
    const Job& j = **job;
    nlohmann::json payload = {{"document_id", j.document_id}, {"tenant", j.tenant},
                              {"stage", j.stage},             {"attempt", j.attempt},
                              {"record", j.record},           {"settings", config_.stage_settings(j.stage, j.tenant)},
                              {"lease_ms", config_.lease_ms()}, {"heartbeat_ms", config_.heartbeat_ms()}};
    if (!j.checkpoints.empty()) {
      nlohmann::json checkpoints = nlohmann::json::array();
      for (const PageCheckpoint& c : j.checkpoints) {
        checkpoints.push_back(
            {{"page", c.page_index}, {"stage_version", c.stage_version}, {"input", c.input_sha256}, {"result", c.result}});
      }
      payload["checkpoints"] = std::move(checkpoints);
    }
    if (protocol::send_frames(workers_, {it->first, protocol::kWorkerVersion, protocol::kJob, j.lease_id,
                                         payload.dump()})) {
      peer.waiting = false;
      log_about_document(blob_space_.active() ? spdlog::level::debug : spdlog::level::info, j.document_id, j.tenant,
                         "dispatcher: {} (tenant {}) -> RUNNING on {} ({} attempt {})", j.document_id, j.tenant,
                         peer.name, j.stage, j.attempt);
      ++it;
    } else {
      spdlog::warn("dispatcher: worker '{}' unreachable; releasing {}", peer.name, j.document_id);
      auto released = jobs_.release_lease(j.lease_id, "worker unreachable", config_.max_attempts() + 1, now);
      queue_may_have_changed_ = true;
      if (!released) spdlog::error("dispatcher: cannot release lease: {}", released.error().describe());
      it = peers_.erase(it);
    }
  }
}

namespace {

// "ocr@scan-host-2:4711" -> "scan-host-2" (app/cmd_services.cpp names workers so); "" else.
std::string worker_host(const std::string& name) {
  const auto at = name.find('@');
  if (at == std::string::npos) return "";
  const auto colon = name.rfind(':');
  return name.substr(at + 1, colon == std::string::npos || colon < at ? std::string::npos : colon - at - 1);
}

}  // namespace

void Dispatcher::record_workers(int64_t now, bool stopping) {
  std::vector<WorkerStatus> connected;
  std::string names;
  for (const auto& [identity, peer] : peers_) {
    if (stopping || peer.stage.empty() || now - peer.last_seen_ms > kPeerTimeoutMs) continue;
    connected.push_back({peer.name, peer.stage, worker_host(peer.name), peer.last_seen_ms, "", ""});
    names += peer.name + "\n";
  }
  if (!stopping && names == workers_recorded_ && now - workers_recorded_ms_ < kWorkerSnapshotMs) return;
  workers_recorded_ms_ = now;
  if (auto st = jobs_.record_workers(connected); !st) {
    // Not worth a document's delay: the next snapshot tries again.
    spdlog::debug("dispatcher: cannot record the workers: {}", st.error().describe());
    return;
  }
  workers_recorded_ = names;
}

void Dispatcher::refuse(const std::string& identity, const std::string& lease_id, const std::string& why) {
  spdlog::warn("dispatcher: lease {}: {}", lease_id, why);
  protocol::send_frames(workers_, {identity, protocol::kWorkerVersion, protocol::kRefused, lease_id, why});
}

}  // namespace zpe
