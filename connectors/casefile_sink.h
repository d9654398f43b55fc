// CasefileSink: the reference consumer of the case-file feed (`zpe casefile-sink`), a
// stand-in for the case system. For every "document filed" event it fetches the PDF,
// checks its SHA-256, writes casefiles/<tenant>/<case number>/<document id>.pdf and then
// <document id>.json (the event plus received_at; written last, so it marks a complete
// delivery), records the event in its ledger (casefiles/.sink-ledger.jsonl, fsynced) and
// acknowledges. Tenants never share a folder: the same case number in two tenants is two
// case files. An event id it has already written (a redelivery, or a replay from
// `zpe events replay`) is acknowledged again without writing anything: delivery is at least
// once, the effect exactly once.
//
// Per-case order: each event carries its case's case_seq. The sink applies a case's events
// in that order; an event whose case_seq skips past the next one it expects for a case it
// has written before is held (logged, not acknowledged, so it comes again) until the
// missing one arrives — by redelivery or a replay. A case it has never seen starts at any
// case_seq (its earlier events were delivered elsewhere), and a replayed event it has not
// seen below the last one written fills a hole and is written.
//
// It says HELLO every 2 s, so a restarted dispatcher replays unacknowledged events. Events
// that arrive while it waits for a PDF are kept and handled next, in arrival order.
// With case registries (connectors/case_registry_db.h) it also counts each written
// document into its case (documents_filed, last_filed_at) in the registry of the event's
// tenant before acknowledging; a registry remembers the event ids it counted, so a
// redelivery never counts twice. A full disk under the output folder is logged once when it
// starts and once when it ends (pipeline/no_space.h; its marker is <out>/.no-space/), not
// per redelivered event. Single-threaded.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "connectors/case_registry_db.h"
#include "pipeline/handshake_watch.h"
#include "pipeline/link_security.h"
#include "pipeline/no_space.h"
#include "pipeline/protocol.h"
#include "pipeline/status.h"

namespace zpe {

struct SinkCounters {
  int64_t written = 0;
  int64_t duplicates = 0;
  int64_t held = 0;  // events held back for a gap in their case's sequence
  int64_t errors = 0;
};

// The case registries the sink keeps up to date. Not owned: each must outlive the sink.
struct SinkRegistries {
  CaseRegistryDb* every_tenant = nullptr;            // tenants not in by_tenant; nullptr: none
  std::map<std::string, CaseRegistryDb*> by_tenant;  // a tenant's own registry
  // The registry for events of `tenant`, or nullptr.
  CaseRegistryDb* for_tenant(const std::string& tenant) const;
};

class CasefileSink {
 public:
  CasefileSink(zmq::context_t& context, std::string endpoint, std::filesystem::path casefiles,
               std::string name, SinkRegistries registries = {}, const ClientLinkSecurity& security = {});
  int run(const std::atomic<bool>& stop);
  const SinkCounters& counters() const { return counters_; }

 private:
  using CaseKey = std::pair<std::string, std::string>;  // tenant, case number
  // Handles one EVENT message; true when it is to be acknowledged.
  bool consume(const std::string& event_id, const std::string& payload);
  Status deliver(const std::string& event_id, nlohmann::json event);
  Result<std::string> fetch(const std::string& sha256);
  Status append_ledger(const nlohmann::json& event, const std::string& event_id, bool duplicate);
  void load_ledger();

  zmq::socket_t socket_;
  std::string endpoint_;
  std::filesystem::path casefiles_;
  std::string name_;
  SinkRegistries registries_;
  std::set<std::string> seen_events_;
  std::map<CaseKey, int64_t> last_case_seq_;  // highest case_seq written, per case
  std::deque<protocol::Frames> waiting_;      // events that arrived during a FETCH
  SinkCounters counters_;
  NoSpaceWatch space_;  // writes under casefiles_ refused for lack of space
  HandshakeWatch refusals_;  // logs the feed's refusal of this consumer (its CURVE key)
};

}  // namespace zpe
