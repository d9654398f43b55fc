#include "pipeline/handshake_watch.h"

#include <chrono>
#include <cstring>
#include <thread>

#include <spdlog/spdlog.h>

#include "pipeline/durable_file.h"

namespace zpe {

namespace {
// Not ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: a server going away mid-handshake (a restart)
// raises it too, and that is no refusal.
constexpr int kRefusalEvents = ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;

int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

HandshakeWatch::HandshakeWatch(zmq::context_t& context, zmq::socket_t& watched, std::string who, std::string server)
    : monitor_(context, zmq::socket_type::pair), who_(std::move(who)), server_(std::move(server)) {
  const std::string address = "inproc://zpe-handshake-watch-" + random_hex(8);
  if (zmq_socket_monitor(watched.handle(), address.c_str(), kRefusalEvents) != 0) {
    spdlog::debug("{}: cannot watch handshakes: {}", who_, zmq_strerror(zmq_errno()));
    return;
  }
  monitor_.set(zmq::sockopt::linger, 0);
  monitor_.connect(address);
}

bool HandshakeWatch::refused() {
  while (true) {
    zmq::message_t event, endpoint;
    try {
      if (!monitor_.recv(event, zmq::recv_flags::dontwait)) break;
      if (event.more() && !monitor_.recv(endpoint, zmq::recv_flags::dontwait)) break;
    } catch (const zmq::error_t&) {
      break;  // not connected: the monitor could not be started
    }
    if (event.size() < 6) continue;
    uint16_t id = 0;
    uint32_t value = 0;
    std::memcpy(&id, event.data(), sizeof id);
    std::memcpy(&value, static_cast<const char*>(event.data()) + 2, sizeof value);
    if (++refusals_ > 1) continue;
    spdlog::error("{}: {} at {} refused the connection ({}{}) — with CURVE, list this host's NAME.pub in the "
                  "server's curve_authorized_keys and check curve_server_public_key (docs/OPERATIONS.md)",
                  who_, server_, endpoint.to_string(),
                  id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ? "authentication refused, status " : "handshake failed, code ",
                  value);
  }
  return refusals_ > 0;
}

int exit_after_refusal(const std::atomic<bool>& stop, const std::string& who, int64_t pause_ms) {
  spdlog::error("{}: ending in {} s (exit 3) to be restarted and try again", who, pause_ms / 1000);
  const int64_t until = monotonic_ms() + pause_ms;
  while (!stop.load() && monotonic_ms() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return 3;
}

}  // namespace zpe
