#include "connectors/casefile_sink.h"

#include <cctype>
#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "pipeline/blob_store.h"
#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"
#include "pipeline/protocol.h"

namespace zpe {

namespace {
constexpr int64_t kHelloIntervalMs = 2000;
constexpr long kFetchTimeoutMs = 30000;
const char* kLedger = ".sink-ledger.jsonl";

// Case numbers and ids become folder and file names: allow only safe characters.
bool safe_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || s == "." || s == "..") return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}
}  // namespace

CasefileSink::CasefileSink(zmq::context_t& context, std::string endpoint, std::filesystem::path casefiles,
                           std::string name, CaseRegistryDb* registry)
    : socket_(context, zmq::socket_type::dealer),
      endpoint_(std::move(endpoint)),
      casefiles_(std::move(casefiles)),
      name_(std::move(name)),
      registry_(registry) {
  socket_.set(zmq::sockopt::linger, 1000);
  // The ledger lists every event id written; it makes de-duplication survive restarts.
  std::ifstream ledger(casefiles_ / kLedger);
  std::string line;
  while (std::getline(ledger, line)) {
    auto entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_object() && !entry.value("duplicate", false)) seen_events_.insert(entry.value("event_id", ""));
  }
}

void CasefileSink::append_ledger(const std::string& event_id, const std::string& document_id, bool duplicate) {
  std::ofstream ledger(casefiles_ / kLedger, std::ios::app);
  ledger << nlohmann::json{{"event_id", event_id}, {"document_id", document_id}, {"duplicate", duplicate},
                           {"at_ms", now_ms()}}.dump()
         << "\n";
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
    // Events arriving meanwhile are dropped here; unacked, they are sent again.
    if (r[2] != request_id) continue;
    if (r[1] == protocol::kBlob && r.size() >= 5) return r[4];
    return fail(ErrorKind::kNotFound, r.size() >= 4 ? r[3] : "PDF not available");
  }
  return fail(ErrorKind::kUnavailable, "no answer to FETCH within 30 s");
}

Status CasefileSink::deliver(const std::string& event_id, const std::string& payload) {
  auto event = nlohmann::json::parse(payload, nullptr, false);
  if (!event.is_object()) return fail(ErrorKind::kInvalidInput, "event " + event_id + " is not a JSON object");
  std::string case_number = event.value("case_number", "");
  std::string document_id = event.value("document_id", "");
  if (!safe_name(case_number) || !safe_name(document_id)) {
    return fail(ErrorKind::kInvalidInput, "event " + event_id + " has an unusable case number or document id");
  }
  std::string pdf_sha = event.value("sha256_pdf", "");
  auto pdf = fetch(pdf_sha);
  if (!pdf) return fail(pdf.error());
  if (sha256_hex(*pdf) != pdf_sha) {
    return fail(ErrorKind::kCorruption, "the PDF of " + document_id + " does not match sha256_pdf");
  }
  auto folder = casefiles_ / case_number;
  if (auto st = write_file_durably(folder / (document_id + ".pdf"), *pdf); !st) return st;
  event["received_at_ms"] = now_ms();
  event["received_by"] = name_;
  if (auto st = write_file_durably(folder / (document_id + ".json"), event.dump(2) + "\n"); !st) return st;
  if (!registry_) return {};
  const auto filed_at_ms = event.value("filed_at_ms", int64_t{0});
  auto counted = registry_->record_filing(
      {event_id, case_number, event.value("tenant", ""), document_id, filed_at_ms > 0 ? filed_at_ms : now_ms()});
  if (!counted) return fail(counted.error());
  return {};
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
    auto msg = protocol::recv_frames(socket_, 200);
    if (!msg || msg->size() < 4 || (*msg)[1] != protocol::kEvent) continue;
    const std::string event_id = (*msg)[2];
    auto event = nlohmann::json::parse((*msg)[3], nullptr, false);
    std::string document_id = event.is_object() ? event.value("document_id", "") : "";
    if (seen_events_.count(event_id)) {
      ++counters_.duplicates;
      append_ledger(event_id, document_id, true);
      spdlog::info("casefile-sink: event {} already written; acknowledging the duplicate", event_id);
    } else if (auto st = deliver(event_id, (*msg)[3]); !st) {
      ++counters_.errors;
      spdlog::error("casefile-sink: event {}: {} (not acknowledged; it will come again)", event_id,
                    st.error().describe());
      continue;
    } else {
      ++counters_.written;
      seen_events_.insert(event_id);
      append_ledger(event_id, document_id, false);
      spdlog::info("casefile-sink: filed {} in case {} (event {})", document_id, event.value("case_number", ""),
                   event_id);
    }
    protocol::send_frames(socket_, {protocol::kFeedVersion, protocol::kAck, event_id});
  }
  return 0;
}

}  // namespace zpe
