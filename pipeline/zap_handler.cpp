#include "pipeline/zap_handler.h"

#include <chrono>

#include <spdlog/spdlog.h>
#include <zmq.h>

#include "pipeline/link_security.h"
#include "pipeline/protocol.h"

namespace zpe {

namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr const char* kZapVersion = "1.0";
constexpr int64_t kRepeatLogMs = 10 * 60 * 1000;  // a refused subject is logged again at most this often
constexpr size_t kMaxTrackedSubjects = 1000;       // beyond this, unknown keys are counted together
constexpr const char* kOtherSubjects = "(other keys)";

int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string z85(const std::string& binary_key) {
  if (binary_key.size() != 32) return "";
  char text[41] = {0};
  zmq_z85_encode(text, reinterpret_cast<const uint8_t*>(binary_key.data()), binary_key.size());
  return text;
}

ZapVerdict refuse(std::string reason, std::string subject) { return {false, "", std::move(reason), std::move(subject)}; }

}  // namespace

ZapVerdict judge_zap_request(const std::map<std::string, ZapDomainPolicy>& domains, const ZapRequest& request) {
  const auto domain = domains.find(request.domain);
  if (request.mechanism == "NULL") {
    if (is_remote_peer_address(request.address)) {
      return refuse("a plain (unencrypted) connection from another host; only loopback may connect without CURVE",
                    request.address);
    }
    return {true, "loopback", "", ""};
  }
  if (request.mechanism != "CURVE") return refuse("mechanism " + request.mechanism + " is not used by ZPE", request.address);
  if (domain == domains.end() || !domain->second.curve) {
    return refuse("a CURVE connection to a link without CURVE keys (ZAP domain '" + request.domain + "')",
                  request.client_key);
  }
  const auto key = domain->second.curve->find(request.client_key);
  if (key == domain->second.curve->end()) {
    return refuse("public key " + request.client_key + " is not among the authorised " + domain->second.clients + " keys",
                  request.client_key);
  }
  return {true, key->second, "", ""};
}

ZapHandler::ZapHandler(zmq::context_t& context, std::map<std::string, ZapDomainPolicy> domains)
    : socket_(context, zmq::socket_type::rep), domains_(std::move(domains)) {
  socket_.set(zmq::sockopt::linger, 0);
}

ZapHandler::~ZapHandler() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

Status ZapHandler::start() {
  try {
    socket_.bind(kZapEndpoint);
  } catch (const zmq::error_t& e) {
    return fail(ErrorKind::kUnavailable, std::string("cannot start the ZAP handler on ") + kZapEndpoint + ": " + e.what());
  }
  thread_ = std::thread([this] { serve(); });
  return {};
}

void ZapHandler::serve() {
  while (!stop_.load()) {
    auto request = protocol::recv_frames(socket_, 100);
    if (request) answer(*request);
  }
}

void ZapHandler::answer(const std::vector<std::string>& f) {
  // RFC 27: version, request id, domain, address, routing id, mechanism, credentials...
  if (f.size() < 6 || f[0] != kZapVersion) {
    // A REP socket must answer before it can read the next request.
    protocol::send_frames(socket_, {kZapVersion, f.size() > 1 ? f[1] : "", "500", "malformed ZAP request", "", ""});
    return;
  }
  ZapRequest request{f[2], f[3], f[5], f[5] == "CURVE" && f.size() >= 7 ? z85(f[6]) : ""};
  const ZapVerdict verdict = judge_zap_request(domains_, request);
  if (verdict.accepted) {
    spdlog::debug("ZAP: accepted a {} connection from {} as '{}' (domain {})", request.mechanism, request.address,
                  verdict.user_id, request.domain);
    protocol::send_frames(socket_, {kZapVersion, f[1], "200", "OK", verdict.user_id, ""});
    return;
  }
  ++refused_;
  log_refusal(request, verdict);
  protocol::send_frames(socket_, {kZapVersion, f[1], "400", verdict.reason, "", ""});
}

void ZapHandler::log_refusal(const ZapRequest& request, const ZapVerdict& verdict) {
  const int64_t now = monotonic_ms();
  std::string subject = verdict.subject;
  if (!refusals_.contains(subject) && refusals_.size() >= kMaxTrackedSubjects) subject = kOtherSubjects;
  const bool first = !refusals_.contains(subject);
  RefusalCount& count = refusals_[subject];
  ++count.since_logged;
  if (!first && now - count.last_logged_ms < kRepeatLogMs) return;
  const auto domain = domains_.find(request.domain);
  const std::string clients = domain == domains_.end() ? "client" : domain->second.clients;
  if (first) {
    spdlog::warn("ZAP: refused a {} from {}: {} — if this {} should connect, put its NAME.pub (zpe keygen) into "
                 "curve_authorized_keys and restart; repeats are counted, not logged",
                 clients, request.address.empty() ? "a local peer" : request.address, verdict.reason, clients);
  } else {
    spdlog::warn("ZAP: still refusing {} ({} from {}): {} more attempts in the last {} min", subject, clients,
                 request.address, count.since_logged, (now - count.last_logged_ms) / 60000);
  }
  count.since_logged = 0;
  count.last_logged_ms = now;
}

}  // namespace zpe
