// HandshakeWatch: lets a client see that a server refused it. A refused handshake (a
// CURVE key the server does not list, a plain client at a CURVE server) is silent in
// ZeroMQ, and the socket is left without a connection; this watches the client socket's
// monitor events and logs the refusal once, with what to do. The worker loop and the
// case-file sink then end (exit 3) after a pause, so a supervisor restarts them to try
// again. One object per socket, used on the socket's own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <zmq.hpp>

namespace zpe {

class HandshakeWatch {
 public:
  // `who` names this client in log lines ("worker ocr@b:123"), `server` the peer ("the dispatcher").
  HandshakeWatch(zmq::context_t& context, zmq::socket_t& watched, std::string who, std::string server);
  HandshakeWatch(const HandshakeWatch&) = delete;
  HandshakeWatch& operator=(const HandshakeWatch&) = delete;
  // Reads the events that arrived, without blocking, and logs the first refusal; true once
  // the server has refused this client.
  bool refused();
  // Handshakes refused so far.
  int64_t refusals() const { return refusals_; }

 private:
  zmq::socket_t monitor_;
  std::string who_;
  std::string server_;
  int64_t refusals_ = 0;
};

// After a refusal: waits `pause_ms` (or until `stop` is set) so a restart loop stays calm,
// then returns the exit code a refused client ends with (3, "peer unavailable").
int exit_after_refusal(const std::atomic<bool>& stop, const std::string& who, int64_t pause_ms = 60000);

}  // namespace zpe
