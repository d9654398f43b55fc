// CasefileSink: the reference consumer of the case-file feed (`zpe casefile-sink`), a
// stand-in for the case system. For every "document filed" event it fetches the PDF,
// checks its SHA-256, writes casefiles/<case number>/<document id>.pdf and then
// <document id>.json (the event plus received_at; written last, so it marks a complete
// delivery), and acknowledges. An event id it has already written is acknowledged again
// without writing anything: delivery is at least once, the effect exactly once.
// It says HELLO every 2 s, so a restarted dispatcher replays unacknowledged events.
// With a case registry (`--registry`, connectors/case_registry_db.h) it also counts each
// written document into its case (documents_filed, last_filed_at) before acknowledging;
// the registry remembers the event ids it counted, so a redelivery never counts twice.
// Single-threaded.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

#include <zmq.hpp>

#include "connectors/case_registry_db.h"
#include "pipeline/status.h"

namespace zpe {

struct SinkCounters {
  int64_t written = 0;
  int64_t duplicates = 0;
  int64_t errors = 0;
};

class CasefileSink {
 public:
  // registry: nullptr for none; else it must outlive the sink.
  CasefileSink(zmq::context_t& context, std::string endpoint, std::filesystem::path casefiles,
               std::string name, CaseRegistryDb* registry = nullptr);
  int run(const std::atomic<bool>& stop);
  const SinkCounters& counters() const { return counters_; }

 private:
  Status deliver(const std::string& event_id, const std::string& payload);
  Result<std::string> fetch(const std::string& sha256);
  void append_ledger(const std::string& event_id, const std::string& document_id, bool duplicate);

  zmq::socket_t socket_;
  std::string endpoint_;
  std::filesystem::path casefiles_;
  std::string name_;
  CaseRegistryDb* registry_;  // maintained when not null
  std::set<std::string> seen_events_;
  SinkCounters counters_;
};

}  // namespace zpe
