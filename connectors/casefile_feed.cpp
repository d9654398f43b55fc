#include "connectors/casefile_feed.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace zpe {

namespace {
constexpr int64_t kConsumerTimeoutMs = 10000;  // no HELLO for this long: consumer gone
constexpr int kEventsPerTick = 64;
constexpr int kReplayLimit = 10000;

// An acknowledged event sent again on request (`zpe events replay`) says so: "replay": true.
std::string marked_as_replay(const std::string& payload) {
  auto event = nlohmann::json::parse(payload, nullptr, false);
  if (!event.is_object()) return payload;
  event["replay"] = true;
  return event.dump();
}
}  // namespace

CasefileFeed::CasefileFeed(zmq::context_t& context, std::string endpoint, JobStore& jobs,
                           BlobStore& blobs, int64_t redeliver_ms)
    : socket_(context, zmq::socket_type::router),
      endpoint_(std::move(endpoint)),
      jobs_(jobs),
      blobs_(blobs),
      redeliver_ms_(redeliver_ms) {
  socket_.set(zmq::sockopt::router_mandatory, 1);
  socket_.set(zmq::sockopt::linger, 0);
}

Status CasefileFeed::bind() {
  try {
    socket_.bind(endpoint_);
  } catch (const zmq::error_t& e) {
    return fail(ErrorKind::kUnavailable, "cannot bind the case-file feed on " + endpoint_ + ": " + e.what());
  }
  return {};
}

void CasefileFeed::handle(const protocol::Frames& f, int64_t now) {
  using namespace protocol;
  if (f.size() < 3 || f[1] != kFeedVersion) {
    repeated_warnings_.log(spdlog::level::warn, "case-file feed: malformed messages",
                           "case-file feed: ignoring a malformed message (" + std::to_string(f.size()) + " frames)");
    return;
  }
  const std::string& identity = f[0];
  const std::string& command = f[2];
  auto it = consumers_.find(identity);
  if (command == kHello) {
    if (it == consumers_.end()) {
      std::string name = f.size() > 3 ? f[3] : "consumer";
      spdlog::info("case-file feed: consumer '{}' connected", name);
      it = consumers_.emplace(identity, Consumer{name, now, 0, true}).first;
    }
    it->second.last_seen_ms = now;
    it->second.heard_order = ++heard_counter_;
  } else if (command == kAck && f.size() >= 4) {
    if (it != consumers_.end()) {
      it->second.last_seen_ms = now;
      it->second.heard_order = ++heard_counter_;
    }
    auto first = jobs_.ack_event(f[3], now);
    if (!first) spdlog::error("case-file feed: cannot record ack of {}: {}", f[3], first.error().describe());
  } else if (command == kFetch && f.size() >= 5) {
    auto bytes = blobs_.get(f[4]);
    if (bytes) {
      send_frames(socket_, {identity, kFeedVersion, kBlob, f[3], f[4], *bytes});
    } else {
      send_frames(socket_, {identity, kFeedVersion, kError, f[3], bytes.error().message});
    }
  } else {
    repeated_warnings_.log(spdlog::level::warn, "case-file feed: unknown commands",
                           "case-file feed: unknown command '" + command.substr(0, 32) + "'");
  }
}

void CasefileFeed::send_events(const std::string& identity, Consumer& consumer, int64_t now) {
  // Normally only events never sent or overdue for redelivery; for a (re)connected consumer
  // one pass over every open event (bounded; events beyond it come with redelivery). Either
  // way only the oldest open event of each case (JobStore::events_due).
  const bool replay = consumer.needs_replay;
  auto due = jobs_.events_due(now, replay ? 0 : redeliver_ms_, replay ? kReplayLimit : kEventsPerTick);
  if (!due) {
    spdlog::error("case-file feed: cannot read the outbox: {}", due.error().describe());
    return;
  }
  for (const auto& event : *due) {
    if (!protocol::send_frames(socket_, {identity, protocol::kFeedVersion, protocol::kEvent, event.event_id,
                                         event.replay ? marked_as_replay(event.payload) : event.payload})) {
      spdlog::warn("case-file feed: consumer '{}' unreachable; events wait for it", consumer.name);
      consumer.needs_replay = true;
      return;
    }
    jobs_.mark_event_sent(event.seq, now);
  }
  consumer.needs_replay = false;
}

void CasefileFeed::tick(int64_t now) {
  repeated_warnings_.flush();
  // Events go to the consumer heard from most recently; the others are standbys.
  std::string best;
  uint64_t best_order = 0;
  for (auto it = consumers_.begin(); it != consumers_.end();) {
    if (now - it->second.last_seen_ms > kConsumerTimeoutMs) {
      spdlog::info("case-file feed: consumer '{}' gone quiet", it->second.name);
      it = consumers_.erase(it);
      continue;
    }
    if (best.empty() || it->second.heard_order > best_order) {
      best_order = it->second.heard_order;
      best = it->first;
    }
    ++it;
  }
  if (!best.empty()) send_events(best, consumers_[best], now);
}

}  // namespace zpe
