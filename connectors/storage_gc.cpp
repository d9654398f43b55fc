#include "connectors/storage_gc.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "connectors/archive_package.h"
#include "pipeline/durable_file.h"

namespace zpe {

namespace {

using nlohmann::json;

constexpr int64_t kHourMs = 3600LL * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;

// Record keys whose blobs are the document's working copies (the archive package holds
// them too); every other blob a record names is an intermediate.
const std::set<std::string>& working_copy_keys() {
  static const std::set<std::string> keys = {"original", "pdf", "transfer_note", "source"};
  return keys;
}

void collect_hashes(const json& value, std::unordered_set<std::string>& out) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (is_sha256_hex(text)) out.insert(text);
  } else if (value.is_structured()) {
    for (const auto& item : value) collect_hashes(item, out);
  }
}

// The parts of a record the policy compacts once a document's intermediates are gone
// (JobStore::compact_record): per-page detail, the bulk of a long document's record. They
// stay in the job store, compressed; nothing queries them (the case number, page count,
// fingerprint and storage fields stay in the record).
const std::vector<std::string>& compacted_parts() {
  static const std::vector<std::string> parts = {"/pages", "/quality/verdicts", "/pdf_unsigned/page_images",
                                                 "/ocr/pages", "/classification/candidates",
                                                 "/classification/second_keys"};
  return parts;
}

struct DocumentBlobs {
  std::unordered_set<std::string> working;
  std::unordered_set<std::string> intermediate;
};

DocumentBlobs blobs_of(const json& record) {
  DocumentBlobs blobs;
  if (!record.is_object()) return blobs;
  for (const auto& [key, value] : record.items()) {
    if (key == "storage") continue;
    collect_hashes(value, working_copy_keys().count(key) ? blobs.working : blobs.intermediate);
  }
  for (const std::string& sha : blobs.working) blobs.intermediate.erase(sha);
  return blobs;
}

bool terminal(const std::string& state) {
  return state == "FILED" || state == "REJECTED" || state == "REPLACED" || state == "QUARANTINED" || state == "SPLIT";
}

// What the policy removes of one document in this run.
struct Decision {
  std::string document_id;
  bool intermediates = false;  // newly removed in this run
  bool working_copies = false;
  json storage;                // record.storage afterwards
  DocumentBlobs blobs;
};

std::uintmax_t folder_bytes(const std::filesystem::path& folder) {
  std::error_code ec;
  std::uintmax_t total = 0;
  if (!std::filesystem::exists(folder, ec)) return 0;
  for (std::filesystem::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

std::filesystem::path usage_file(const Home& home) { return home.var() / "storage-usage.json"; }

}  // namespace

StoragePolicy storage_policy(const Config& config) {
  StoragePolicy policy;
  const json& root = config.json();
  const json storage = root.contains("storage") ? root["storage"] : json::object();
  policy.intermediates_after_ms = storage.value("intermediates_after_hours", int64_t{24}) * kHourMs;
  const int64_t days = storage.value("working_copies_after_days", int64_t{30});
  policy.working_copies_after_ms = [config, days](const std::string& tenant) {
    return config.tenant_int(tenant, "storage", "working_copies_after_days", days) * kDayMs;
  };
  policy.safety_window_ms = std::max(kHourMs, 2 * config.lease_ms());
  return policy;
}

int64_t storage_gc_interval_ms(const Config& config) {
  const json& root = config.json();
  const json storage = root.contains("storage") ? root["storage"] : json::object();
  return storage.value("gc_interval_minutes", int64_t{60}) * 60 * 1000;
}

std::uintmax_t StorageGcReport::bytes_freed() const {
  std::uintmax_t total = 0;
  for (const auto& [kind, figures] : removed) total += figures.bytes;
  return total;
}

int64_t StorageGcReport::blobs_removed() const {
  int64_t total = 0;
  for (const auto& [kind, figures] : removed) total += figures.blobs;
  return total;
}

json StorageGcReport::to_json() const {
  json kinds = json::object();
  for (const auto& [kind, figures] : removed) kinds[kind] = {{"blobs", figures.blobs}, {"bytes", figures.bytes}};
  return {{"dry_run", dry_run},
          {"documents", documents},
          {"documents_collected", documents_collected},
          {"packages_refused", packages_refused},
          {"removed", kinds},
          {"bytes_freed", bytes_freed()},
          {"blobs_kept", blobs_kept},
          {"bytes_kept", bytes_kept},
          {"records_compacted", records_compacted},
          {"record_bytes_saved", record_bytes_saved}};
}

std::string StorageGcReport::text() const {
  const auto mb = [](std::uintmax_t bytes) { return std::to_string((bytes + 512 * 1024) / (1024 * 1024)) + " MB"; };
  std::string out = dry_run ? "storage policy, dry run (nothing removed):\n" : "storage policy:\n";
  out += "  documents looked at: " + std::to_string(documents) + ", with blobs " +
         (dry_run ? "to remove: " : "removed: ") + std::to_string(documents_collected) + "\n";
  for (const char* kind : {"intermediate", "working_copy", "unreferenced"}) {
    const auto it = removed.find(kind);
    const Kind figures = it == removed.end() ? Kind{} : it->second;
    out += std::string("  ") + kind + ": " + std::to_string(figures.blobs) + " blobs, " + mb(figures.bytes) + "\n";
  }
  out += std::string("  ") + (dry_run ? "would free: " : "freed: ") + mb(bytes_freed()) + "; kept: " +
         std::to_string(blobs_kept) + " blobs, " + mb(bytes_kept) + "\n";
  if (records_compacted > 0) {
    out += "  job-store records compacted: " + std::to_string(records_compacted) + " (" +
           std::to_string(record_bytes_saved / 1024) + " KB smaller; their per-page detail kept compressed)\n";
  }
  if (packages_refused > 0) {
    out += "  archive packages that do not verify: " + std::to_string(packages_refused) +
           " (nothing of theirs removed; run zpe archive verify --all)\n";
  }
  return out;
}

Result<StorageGcReport> collect_storage(JobStore& jobs, BlobStore& blobs, const Home& home,
                                        const StoragePolicy& policy, int64_t now_ms, bool dry_run,
                                        const std::string& actor) {
  StorageGcReport report;
  report.dry_run = dry_run;
  if (!dry_run) {
    if (auto put_back = blobs.put_back_interrupted_removals(); !put_back) return fail(put_back.error());
  }
  std::unordered_set<std::string> live;
  std::unordered_map<std::string, std::string> removable_kind;  // blob -> kind, where no live use
  std::vector<Decision> decisions;
  std::vector<Decision> batches;                      // SPLIT documents, decided after the walk
  std::unordered_set<std::string> open_batches;       // batches with a document still in flight

  const auto keep = [&](const std::unordered_set<std::string>& shas) { live.insert(shas.begin(), shas.end()); };
  // Whether a FILED or REJECTED document's archive package is there and verifies.
  const auto archive_holds = [&](const DocumentRow& row) -> Result<bool> {
    auto packages = jobs.archived_packages(row.id);
    if (!packages) return fail(packages.error());
    if (packages->empty()) return false;
    auto trail = jobs.audit_trail(row.id);
    if (!trail) return fail(trail.error());
    if (!verify_package(home.archive(), packages->front(), *trail).empty()) {
      ++report.packages_refused;
      return false;
    }
    return true;
  };

  Status walked = jobs.for_each_document_with_blobs([&](const DocumentRow& row) -> Status {
    ++report.documents;
    Decision decision{row.id, false, false, row.record.is_object() ? row.record.value("storage", json::object()) : json::object(),
                      blobs_of(row.record)};
    const std::string parent = row.record.is_object() ? row.record.value("parent_document_id", "") : "";
    if (!parent.empty() && !terminal(row.state)) open_batches.insert(parent);
    const bool intermediates_gone = decision.storage.contains("intermediates_removed_ms");
    const bool working_gone = decision.storage.contains("working_copies_removed_ms");
    const int64_t age = now_ms - row.updated_ms;
    const bool intermediates_due = !intermediates_gone && age >= policy.intermediates_after_ms;

    if (row.state == "SPLIT") {
      keep(decision.blobs.working);
      if (intermediates_gone) return {};
      if (!intermediates_due) {
        keep(decision.blobs.intermediate);
        return {};
      }
      batches.push_back(std::move(decision));
      return {};
    }
    if (row.state == "REPLACED") {
      keep(decision.blobs.working);
      if (intermediates_due) {
        decision.intermediates = true;
      } else if (!intermediates_gone) {
        keep(decision.blobs.intermediate);
      }
    } else if (row.state == "FILED" || row.state == "REJECTED") {
      const int64_t working_after = policy.working_copies_after_ms(row.tenant);
      bool working_due = !working_gone && working_after > 0 && age >= working_after;
      if (working_due) {
        auto open = jobs.has_open_deliveries(row.id);
        if (!open) return fail(open.error());
        working_due = !*open;
      }
      bool archived = false;
      if (intermediates_due || working_due) {
        auto holds = archive_holds(row);
        if (!holds) return fail(holds.error());
        archived = *holds;
      }
      decision.intermediates = intermediates_due && archived;
      decision.working_copies = working_due && archived;
      if (!decision.intermediates && !intermediates_gone) keep(decision.blobs.intermediate);
      if (!decision.working_copies && !working_gone) keep(decision.blobs.working);
    } else {
      keep(decision.blobs.working);  // in flight, CLEARING, RESCAN_REQUESTED, QUARANTINED
      keep(decision.blobs.intermediate);
    }
    if (decision.intermediates || decision.working_copies) decisions.push_back(std::move(decision));
    return {};
  });
  if (!walked) return fail(walked.error());
  // Page checkpoints of documents still in the pipeline name blobs no record names yet (a
  // stage job's finished pages, for its next attempt): live. Those of finished documents go.
  if (!dry_run) {
    if (auto dropped = jobs.drop_finished_checkpoints(); !dropped) return fail(dropped.error());
  }
  Status checkpoints = jobs.for_each_live_checkpoint([&](const json& result) -> Status {
    collect_hashes(result, live);
    return {};
  });
  if (!checkpoints) return fail(checkpoints.error());
  for (Decision& batch : batches) {
    if (open_batches.count(batch.document_id)) {
      keep(batch.blobs.intermediate);
      continue;
    }
    batch.intermediates = true;
    decisions.push_back(std::move(batch));
  }
  for (const Decision& decision : decisions) {
    if (decision.intermediates) {
      for (const std::string& sha : decision.blobs.intermediate) removable_kind.emplace(sha, "intermediate");
    }
    if (decision.working_copies) {
      for (const std::string& sha : decision.blobs.working) removable_kind[sha] = "working_copy";
    }
  }

  // Sweep: every blob on disk that nothing needs and nobody put within the safety window.
  const int64_t cutoff = now_ms - policy.safety_window_ms;
  std::vector<BlobStore::Listed> doomed;
  Status listed = blobs.for_each([&](const BlobStore::Listed& blob) {
    if (live.count(blob.sha256) || blob.modified_ms >= cutoff) {
      ++report.blobs_kept;
      report.bytes_kept += blob.bytes;
      return;
    }
    doomed.push_back(blob);
  });
  if (!listed) return fail(listed.error());
  std::unordered_set<std::string> removed;
  for (const BlobStore::Listed& blob : doomed) {
    const auto kind = removable_kind.find(blob.sha256);
    StorageGcReport::Kind& figures = report.removed[kind == removable_kind.end() ? "unreferenced" : kind->second];
    std::uintmax_t freed = blob.bytes;
    if (!dry_run) {
      auto gone = blobs.remove_unless_renewed(blob.sha256, cutoff);
      if (!gone) return fail(gone.error());
      freed = *gone;
      if (freed == 0) {  // renewed meanwhile, or already gone
        ++report.blobs_kept;
        continue;
      }
    }
    removed.insert(blob.sha256);
    ++figures.blobs;
    figures.bytes += freed;
  }

  // Each document whose share of the policy ran is marked, so it is not decided again.
  for (Decision& decision : decisions) {
    ++report.documents_collected;
    if (dry_run) continue;
    int64_t count = 0;
    for (const auto* set : {&decision.blobs.intermediate, &decision.blobs.working}) {
      for (const std::string& sha : *set) count += removed.count(sha);
    }
    if (decision.intermediates) decision.storage["intermediates_removed_ms"] = now_ms;
    if (decision.working_copies) decision.storage["working_copies_removed_ms"] = now_ms;
    json detail = {{"intermediates", decision.intermediates}, {"working_copies", decision.working_copies},
                   {"blobs_removed", count}};
    if (auto st = jobs.record_storage_collected(decision.document_id, decision.storage, detail, actor, now_ms); !st) {
      return fail(st.error());
    }
    if (decision.intermediates) {
      auto saved = jobs.compact_record(decision.document_id, compacted_parts(), actor, now_ms);
      if (!saved) return fail(saved.error());
      if (*saved != 0) ++report.records_compacted;
      report.record_bytes_saved += *saved;
    }
  }
  return report;
}

json measure_storage_usage(const Home& home, int64_t now_ms) {
  json areas = json::object();
  areas["blobs"] = folder_bytes(home.blobs());
  areas["archive"] = folder_bytes(home.archive());
  areas["casefiles"] = folder_bytes(home.casefiles());
  areas["quarantine"] = folder_bytes(home.root / "quarantine");
  areas["inbox"] = folder_bytes(home.root / "inbox") + folder_bytes(home.root / "inbox-egvp");
  areas["outbox"] = folder_bytes(home.root / "outbox");
  std::uintmax_t store = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(home.job_store().string() + suffix, ec);
    if (!ec) store += size;
  }
  areas["job_store"] = store;
  json usage = {{"measured_ms", now_ms}, {"areas", areas}};
  struct statvfs fs {};
  if (statvfs(home.root.c_str(), &fs) == 0) {
    usage["free_bytes"] = static_cast<std::uintmax_t>(fs.f_bavail) * fs.f_frsize;
  }
  return usage;
}

Status write_storage_usage(const Home& home, const json& usage) {
  return write_file_durably(usage_file(home), usage.dump(2) + "\n");
}

json read_storage_usage(const Home& home) {
  auto text = read_whole_file(usage_file(home));
  if (!text) return nullptr;
  json usage = json::parse(*text, nullptr, false);
  return usage.is_discarded() ? json(nullptr) : usage;
}

}  // namespace zpe
