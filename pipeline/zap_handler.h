// ZapHandler: the ZeroMQ authentication handler (ZAP, RFC 27) of a process with server
// sockets — the dispatcher's worker endpoint and its case-file feed. ZeroMQ asks it about
// every new connection to a socket that announces a ZAP domain (pipeline/link_security.h):
//   - CURVE: accepted only when the client's public key is in the domain's authorised
//     list; the reply's user id is the key's name (its .pub file).
//   - NULL (plain): accepted only from loopback (or ipc://) peers, never from another host.
//   - anything else, or an unknown domain: refused.
// A refusal is logged once per key (or address) with what to do, then at most once every
// 10 minutes with how often it was repeated: a refused client comes back with every
// restart of its process, and a stranger may keep trying, neither must flood the log.
//
// Binds inproc://zeromq.zap.01 in its context — one handler per context — and serves on a
// thread of its own from start() until it is destroyed. start() must return before the
// server sockets bind: without a handler ZeroMQ would let any CURVE client in.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "pipeline/curve_keys.h"

namespace zpe {

// What one ZAP domain lets in.
struct ZapDomainPolicy {
  std::string clients;                   // who connects, for log lines: "worker", "case-file consumer"
  std::optional<AuthorizedKeys> curve;   // CURVE clients allowed; nullopt: the socket is plain
};

// One request as ZeroMQ sends it (RFC 27), and the verdict on it.
struct ZapRequest {
  std::string domain;
  std::string address;     // the peer's IP address; empty for ipc://
  std::string mechanism;   // "NULL", "PLAIN", "CURVE"
  std::string client_key;  // CURVE: the client's public key, Z85
};
struct ZapVerdict {
  bool accepted = false;
  std::string user_id;  // accepted: the key's name, or "loopback"
  std::string reason;   // refused: why, for the log and the status text
  std::string subject;  // refused: what the refusal is counted by (the key, or the address)
};

// The decision alone, without sockets (tests use it directly).
ZapVerdict judge_zap_request(const std::map<std::string, ZapDomainPolicy>& domains, const ZapRequest& request);

class ZapHandler {
 public:
  ZapHandler(zmq::context_t& context, std::map<std::string, ZapDomainPolicy> domains);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  // Binds inproc://zeromq.zap.01 and starts serving; kUnavailable when another handler
  // holds it in this context.
  Status start();
  // Connections refused so far (all keys together).
  int64_t refused() const { return refused_.load(); }

 private:
  struct RefusalCount {
    int64_t since_logged = 0;  // refusals not yet reported in a log line
    int64_t last_logged_ms = 0;
  };
  void serve();
  void answer(const std::vector<std::string>& request);
  void log_refusal(const ZapRequest& request, const ZapVerdict& verdict);

  zmq::socket_t socket_;
  std::map<std::string, ZapDomainPolicy> domains_;
  std::map<std::string, RefusalCount> refusals_;  // by key or address; bounded (see log_refusal)
  std::atomic<int64_t> refused_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace zpe
