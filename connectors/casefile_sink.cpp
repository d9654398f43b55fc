#include "connectors/casefile_sink.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "pipeline/blob_store.h"
#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"
#include "pipeline/log_format.h"
#include "pipeline/protocol.h"

namespace zpe {

namespace {
constexpr int64_t kHelloIntervalMs = 2000;
constexpr long kFetchTimeoutMs = 30000;
constexpr size_t kMaxWaitingEvents = 10000;  // beyond this, events are dropped (unacked, they come again)
const char* kLedger = ".sink-ledger.jsonl";

// Tenants, case numbers and ids become folder and file names: allow only safe characters,
// and no hidden names (the ledger is one).
bool safe_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || s[0] == '.') return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}
}  // namespace

CaseRegistryDb* SinkRegistries::for_tenant(const std::string& tenant) const {
  const auto own = by_tenant.find(tenant);
  return own != by_tenant.end() ? own->second : every_tenant;
}

CasefileSink::CasefileSink(zmq::context_t& context, std::string endpoint, std::filesystem::path casefiles,
                           std::string name, SinkRegistries registries, const ClientLinkSecurity& security)
    : socket_(context, zmq::socket_type::dealer),
      endpoint_(std::move(endpoint)),
      casefiles_(std::move(casefiles)),
      name_(std::move(name)),
      registries_(std::move(registries)),
      space_(casefiles_ / ".no-space", "casefile-sink",
             "events stay unacknowledged and come again; nothing is lost"),
      refusals_(context, socket_, name_, "the case-file feed") {
  socket_.set(zmq::sockopt::linger, 1000);
  // A send waits only while there is no connection at all (after a refused handshake).
  socket_.set(zmq::sockopt::sndtimeo, 1000);
  secure_client_socket(socket_, security);
  load_ledger();
}

// The ledger lists every event id written; it makes de-duplication and the per-case
// order survive restarts. A torn last line (a crash while appending) is skipped and ended.
void CasefileSink::load_ledger() {
  auto text = read_whole_file(casefiles_ / kLedger);
  if (!text) return;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    auto entry = nlohmann::json::parse(line, nullptr, false);
    if (!entry.is_object() || entry.value("duplicate", false)) continue;
    seen_events_.insert(entry.value("event_id", ""));
    const int64_t case_seq = entry.value("case_seq", int64_t{0});
    if (case_seq <= 0) continue;
    auto& last = last_case_seq_[{entry.value("tenant", ""), entry.value("case_number", "")}];
    last = std::max(last, case_seq);
  }
  if (!text->empty() && text->back() != '\n') {
    if (auto st = append_file_durably(casefiles_ / kLedger, "\n"); !st) {
      spdlog::error("casefile-sink: {}", st.error().describe());
    }
  }
}

Status CasefileSink::append_ledger(const nlohmann::json& event, const std::string& event_id, bool duplicate) {
  const nlohmann::json entry = {{"event_id", event_id},
                                {"document_id", event.value("document_id", "")},
                                {"tenant", event.value("tenant", "")},
                                {"case_number", event.value("case_number", "")},
                                {"case_seq", event.value("case_seq", int64_t{0})},
                                {"replay", event.value("replay", false)},
                                {"duplicate", duplicate},
                                {"at_ms", now_ms()}};
  return append_file_durably(casefiles_ / kLedger, entry.dump() + "\n");
}

Result<std::string> CasefileSink::fetch(const std::string& sha256) {
  std::string request_id = random_hex(8);
  if (!protocol::send_frames(socket_, {protocol::kFeedVersion, protocol::kFetch, request_id, sha256})) {
    return fail(ErrorKind::kUnavailable, "cannot send FETCH");
  }
  int64_t deadline = now_ms() + kFetchTimeoutMs;
  while (now_ms() < deadline) {
    auto reply = protocol::recv_frames(socket_, 500);
    if (!reply || reply->size() < 3) continue;
    const auto& r = *reply;
    // Events arriving meanwhile are handled next, in order.
    if (r[1] == protocol::kEvent) {
      if (waiting_.size() < kMaxWaitingEvents) waiting_.push_back(std::move(*reply));
      continue;
    }
    if (r[2] != request_id) continue;
    if (r[1] == protocol::kBlob && r.size() >= 5) return r[4];
    return fail(ErrorKind::kNotFound, r.size() >= 4 ? r[3] : "PDF not available");
  }
  return fail(ErrorKind::kUnavailable, "no answer to FETCH within 30 s");
}

Status CasefileSink::deliver(const std::string& event_id, nlohmann::json event) {
  const std::string tenant = event.value("tenant", "");
  const std::string case_number = event.value("case_number", "");
  const std::string document_id = event.value("document_id", "");
  if (!safe_name(tenant) || !safe_name(case_number) || !safe_name(document_id)) {
    return fail(ErrorKind::kInvalidInput, "event " + event_id + " has an unusable tenant, case number or document id");
  }
  std::string pdf_sha = event.value("sha256_pdf", "");
  auto pdf = fetch(pdf_sha);
  if (!pdf) return fail(pdf.error());
  if (sha256_hex(*pdf) != pdf_sha) {
    return fail(ErrorKind::kCorruption, "the PDF of " + document_id + " does not match sha256_pdf");
  }
  auto folder = casefiles_ / tenant / case_number;
  if (auto st = write_file_durably(folder / (document_id + ".pdf"), *pdf); !st) return st;
  event["received_at_ms"] = now_ms();
  event["received_by"] = name_;
  if (auto st = write_file_durably(folder / (document_id + ".json"), event.dump(2) + "\n"); !st) return st;
  CaseRegistryDb* registry = registries_.for_tenant(tenant);
  if (!registry) return {};
  const auto filed_at_ms = event.value("filed_at_ms", int64_t{0});
  auto counted =
      registry->record_filing({event_id, case_number, tenant, document_id, filed_at_ms > 0 ? filed_at_ms : now_ms()});
  if (!counted) return fail(counted.error());
  return {};
}

bool CasefileSink::consume(const std::string& event_id, const std::string& payload) {
  auto event = nlohmann::json::parse(payload, nullptr, false);
  if (!event.is_object()) {
    ++counters_.errors;
    spdlog::error("casefile-sink: event {} is not a JSON object (not acknowledged)", event_id);
    return false;
  }
  const std::string tenant = event.value("tenant", "");
  const std::string case_number = event.value("case_number", "");
  const int64_t case_seq = event.value("case_seq", int64_t{0});
  if (seen_events_.count(event_id)) {
    ++counters_.duplicates;
    if (auto st = append_ledger(event, event_id, true); !st) spdlog::warn("casefile-sink: {}", st.error().describe());
    spdlog::info("casefile-sink: event {} already written; acknowledging the {}", event_id,
                 event.value("replay", false) ? "replay" : "duplicate");
    return true;
  }
  const CaseKey key{tenant, case_number};
  const auto known = last_case_seq_.find(key);
  if (case_seq > 0 && known != last_case_seq_.end() && case_seq > known->second + 1) {
    ++counters_.held;
    spdlog::warn("casefile-sink: event {} is number {} of case {} (tenant {}), but number {} is the last written: "
                 "held until the missing ones arrive (`zpe events list --tenant {}` shows them; "
                 "`zpe events replay --since EVENT_ID` sends them again)",
                 event_id, case_seq, mask_case_number(case_number), tenant, known->second, tenant);
    return false;
  }
  auto delivered = deliver(event_id, event);
  if (delivered) delivered = append_ledger(event, event_id, false);
  if (!delivered && space_.note_failure(delivered.error(), now_ms())) return false;  // reported once
  if (!delivered) {
    ++counters_.errors;
    spdlog::error("casefile-sink: event {}: {} (not acknowledged; it will come again)", event_id,
                  delivered.error().describe());
    return false;
  }
  space_.note_success(now_ms());
  ++counters_.written;
  seen_events_.insert(event_id);
  if (case_seq > 0) last_case_seq_[key] = std::max(last_case_seq_[key], case_seq);
  const std::string document_id = event.value("document_id", "");
  log_about_document(spdlog::level::info, document_id, tenant,
                     "casefile-sink: filed {} in case {} of tenant {} (event {}, number {} of the case{})", document_id,
                     mask_case_number(case_number), tenant, event_id, case_seq,
                     event.value("replay", false) ? ", replayed" : "");
  return true;
}

int CasefileSink::run(const std::atomic<bool>& stop) {
  try {
    socket_.connect(endpoint_);
  } catch (const zmq::error_t& e) {
    spdlog::error("casefile-sink: cannot connect to {}: {}", endpoint_, e.what());
    return 2;
  }
  spdlog::info("casefile-sink: consuming {} into {}", endpoint_, casefiles_.string());
  int64_t last_hello = 0;
  while (!stop.load()) {
    if (now_ms() - last_hello >= kHelloIntervalMs) {
      protocol::send_frames(socket_, {protocol::kFeedVersion, protocol::kHello, name_});
      last_hello = now_ms();
    }
    std::optional<protocol::Frames> msg;
    if (!waiting_.empty()) {
      msg = std::move(waiting_.front());
      waiting_.pop_front();
    } else {
      msg = protocol::recv_frames(socket_, 200);
      if (refusals_.refused()) return exit_after_refusal(stop, name_);
    }
    if (!msg || msg->size() < 4 || (*msg)[1] != protocol::kEvent) continue;
    const std::string event_id = (*msg)[2];
    if (consume(event_id, (*msg)[3])) protocol::send_frames(socket_, {protocol::kFeedVersion, protocol::kAck, event_id});
  }
  return 0;
}

}  // namespace zpe
