// CasefileFeed: the dispatcher's side of the case-file feed. Delivers "document filed"
// events from the job store's outbox to the case system over ZeroMQ (ROUTER), at least
// once: an event stays in the outbox until the consumer acknowledges it, is sent again to
// a consumer that (re)connects, and again after feed.redeliver_ms without an ack. The
// consumer de-duplicates by event id. Ordered per case: a case's next event is not sent
// before the one before it is acknowledged (each carries its case_seq). Events queued by
// `zpe events replay` go out again the same way, with "replay": true in the event. Also
// answers FETCH for the filed PDF's blob.
//
// Owned and driven by the dispatcher's loop (one thread): handle() for each message on
// socket(), tick() on every loop turn. Protocol: docs/PROTOCOL.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <zmq.hpp>

#include "pipeline/blob_store.h"
#include "pipeline/job_store.h"
#include "pipeline/log_rate_limit.h"
#include "pipeline/protocol.h"

namespace zpe {

class CasefileFeed {
 public:
  CasefileFeed(zmq::context_t& context, std::string endpoint, JobStore& jobs, BlobStore& blobs,
               int64_t redeliver_ms);
  Status bind();
  zmq::socket_t& socket() { return socket_; }
  void handle(const protocol::Frames& frames, int64_t now);
  void tick(int64_t now);

 private:
  struct Consumer {
    std::string name;
    int64_t last_seen_ms = 0;
    uint64_t heard_order = 0;  // larger: heard from more recently (ties in ms are common)
    bool needs_replay = true;  // new or reconnected: send every unacked event
  };
  void send_events(const std::string& identity, Consumer& consumer, int64_t now);

  zmq::socket_t socket_;
  std::string endpoint_;
  JobStore& jobs_;
  BlobStore& blobs_;
  int64_t redeliver_ms_;
  std::map<std::string, Consumer> consumers_;
  uint64_t heard_counter_ = 0;
  LogRateLimit repeated_warnings_{5, 10000};  // malformed messages, unknown commands: a few lines, then a count
};

}  // namespace zpe
