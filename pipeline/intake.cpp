#include "pipeline/intake.h"

#include <spdlog/spdlog.h>

#include "pipeline/durable_file.h"
#include "pipeline/log_format.h"
#include "pipeline/quarantine.h"

namespace zpe {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string describe_start(std::string_view bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02x", c);
    out += (i ? " " : "") + std::string(hex);
  }
  return out;
}

}  // namespace

std::string iso_time_utc(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool is_ignored_inbox_name(const std::string& name) {
  return name.empty() || name[0] == '.' || ends_with(name, ".part") || ends_with(name, ".tmp") ||
         ends_with(name, ".json");
}

Result<std::string> sniff_media_type(std::string_view b) {
  if (b.empty()) return fail(ErrorKind::kInvalidInput, "the file is empty (0 bytes)");
  if (b.size() >= 4 && (b.substr(0, 4) == std::string_view("II*\0", 4) || b.substr(0, 4) == std::string_view("MM\0*", 4))) {
    return std::string("image/tiff");
  }
  if (b.size() >= 8 && b.substr(0, 8) == "\x89PNG\r\n\x1a\n") return std::string("image/png");
  if (b.size() >= 3 && b.substr(0, 3) == "\xff\xd8\xff") return std::string("image/jpeg");
  if (b.size() >= 5 && b.substr(0, 5) == "%PDF-") return std::string("application/pdf");
  return fail(ErrorKind::kInvalidInput,
              "not a TIFF, PNG, JPEG or PDF file (it starts with bytes " + describe_start(b) +
                  ") — check the scanner's output format");
}

Intake::Intake(const Config& config, const Home& home, JobStore& jobs, BlobStore& blobs)
    : config_(config),
      home_(home),
      jobs_(jobs),
      blobs_(blobs),
      stability_(config.intake_stable_ms(), config.intake_close_settle_ms()),
      space_(no_space_marker_dir(home), "intake", "the intake is paused; files stay in the inbox") {}

Result<nlohmann::json> read_intake_manifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes) {
    return fail(ErrorKind::kInvalidInput, "the manifest has " + std::to_string(text.size()) + " bytes, more than " +
                                              std::to_string(kMaxManifestBytes));
  }
  // nlohmann parses without recursion but copies and writes JSON recursively: a manifest
  // of 200,000 nested brackets crashed the intake when the record was stored. Values below
  // kMaxManifestDepth are never built; the manifest is refused instead.
  bool too_deep = false;
  const nlohmann::json::parser_callback_t limit_depth = [&](int depth, nlohmann::json::parse_event_t,
                                                            nlohmann::json&) {
    if (depth > kMaxManifestDepth) too_deep = true;
    return !too_deep;
  };
  nlohmann::json manifest = nlohmann::json::parse(text, limit_depth, false);
  if (too_deep) {
    return fail(ErrorKind::kInvalidInput, "the manifest nests deeper than " + std::to_string(kMaxManifestDepth) + " levels");
  }
  if (manifest.is_discarded()) return fail(ErrorKind::kInvalidInput, "the manifest is not valid JSON");
  if (!manifest.is_object()) return fail(ErrorKind::kInvalidInput, "the manifest is not a JSON object");
  return manifest;
}

Result<IngestResult> Intake::ingest(const std::filesystem::path& file, const std::string& tenant,
                                    bool remove_source, const std::string& actor, const std::string& channel) {
  const std::string name = file.filename().string();
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (ec) return fail(ErrorKind::kNotFound, "cannot read " + file.string() + ": " + ec.message());
  std::string bytes;
  std::string quarantine_reason;
  if (static_cast<int64_t>(size) > config_.intake_max_file_bytes()) {
    quarantine_reason = "the file has " + std::to_string(size) + " bytes, more than the limit of " +
                        std::to_string(config_.intake_max_file_bytes()) + " (intake.max_file_bytes)";
  } else {
    auto read = read_whole_file(file);
    if (!read) return fail(read.error());
    bytes = std::move(*read);
  }
  auto sha = blobs_.put(bytes);
  if (!sha) return fail(sha.error());

  auto previous = jobs_.find_ingested(tenant, name, *sha);
  if (!previous) return fail(previous.error());
  std::filesystem::path manifest_path = file;
  manifest_path += ".json";
  if (*previous && remove_source) {
    // Ingested before a crash kept us from removing it: finish the job, do not ingest twice.
    std::filesystem::remove(file, ec);
    std::filesystem::remove(manifest_path, ec);
    return IngestResult{**previous, false, true, ""};
  }

  nlohmann::json manifest;  // null when there is none
  if (std::filesystem::exists(manifest_path, ec)) {
    auto text = read_whole_file(manifest_path);
    auto read = text ? read_intake_manifest(*text) : Result<nlohmann::json>(fail(text.error()));
    if (read) {
      manifest = std::move(*read);
    } else if (quarantine_reason.empty()) {
      quarantine_reason = "its manifest " + manifest_path.filename().string() + " cannot be used (" +
                          read.error().message + ") — fix or remove the manifest and drop the file again";
    }
  }
  std::string media_type;
  if (quarantine_reason.empty()) {
    auto sniffed = sniff_media_type(bytes);
    if (sniffed) media_type = *sniffed;
    else quarantine_reason = sniffed.error().message;
  }

  int64_t now = now_ms();
  NewDocument doc;
  doc.id = new_document_id();
  doc.tenant = tenant;
  doc.source_file = name;
  doc.sha256_original = *sha;
  doc.first_stage = config_.stages().empty() ? "" : config_.stages().front();
  doc.record = {{"document_id", doc.id},
                {"tenant", tenant},
                {"source", {{"file", name}, {"size", size}, {"received_at", iso_time_utc(now)},
                            {"received_by", actor}, {"channel", channel}, {"manifest", manifest}}},
                {"original", {{"sha256", *sha}, {"size", size}, {"media_type", media_type}}}};
  // A rescan the clearing station asked for names the document it replaces (docs/PROTOCOL.md).
  if (manifest.is_object() && manifest.contains("rescan_of") && manifest["rescan_of"].is_string()) {
    doc.rescan_of = manifest["rescan_of"].get<std::string>();
    doc.record["rescan_of"] = doc.rescan_of;
  }

  IngestResult result{doc.id, false, false, ""};
  if (!quarantine_reason.empty()) {
    std::string reason = name + ": " + quarantine_reason;
    auto where = write_quarantine(home_, tenant, doc.id, name, bytes, reason);
    if (!where) return fail(where.error());
    if (auto st = jobs_.add_quarantined(doc, reason, now, actor); !st) return fail(st.error());
    result.quarantined = true;
    result.reason = reason;
  } else if (auto st = jobs_.add_document(doc, now, actor); !st) {
    return fail(st.error());
  }
  if (remove_source) {
    std::filesystem::remove(file, ec);
    if (ec) spdlog::error("intake: cannot remove {} from the inbox: {}", file.string(), ec.message());
    std::filesystem::remove(manifest_path, ec);
  }
  return result;
}

int Intake::scan_once(int64_t now) {
  int taken = 0;
  if (!space_.may_try(now)) return 0;
  for (const auto& tenant : config_.tenants()) {
    std::error_code ec;
    std::filesystem::directory_iterator dir(home_.inbox(tenant), ec), end;
    for (; !ec && dir != end; dir.increment(ec)) {
      const auto& path = dir->path();
      if (!dir->is_regular_file(ec) || is_ignored_inbox_name(path.filename().string())) continue;
      auto size = dir->file_size(ec);
      auto mtime = dir->last_write_time(ec);
      if (ec) continue;
      if (!stability_.is_complete(path, size, mtime, now)) continue;
      auto result = ingest(path, tenant, true, "intake");
      if (!result && space_.note_failure(result.error(), now)) return taken;  // the file stays; try again later
      stability_.forget(path);
      if (!result) {
        spdlog::error("intake: {}: {}", path.string(), result.error().describe());
        continue;
      }
      space_.note_success(now);
      ++taken;
      const DocumentLogFields fields(result->document_id, tenant);
      if (result->quarantined) {
        spdlog::warn("intake: {} quarantined as {} (tenant {}): {}", path.filename().string(), result->document_id,
                     tenant, result->reason);
      } else if (result->duplicate) {
        spdlog::info("intake: {} was already ingested as {}", path.filename().string(), result->document_id);
      } else {
        spdlog::info("intake: {} ingested as {} (tenant {}) -> QUEUED", path.filename().string(), result->document_id,
                     tenant);
      }
    }
  }
  return taken;
}

std::vector<std::filesystem::path> Intake::watched_folders() const {
  std::vector<std::filesystem::path> folders;
  for (const auto& tenant : config_.tenants()) folders.push_back(home_.inbox(tenant));
  return folders;
}

int Intake::count_waiting(const Home& home, const std::vector<std::string>& tenants) {
  int waiting = 0;
  for (const auto& tenant : tenants) {
    std::error_code ec;
    std::filesystem::directory_iterator dir(home.inbox(tenant), ec), end;
    for (; !ec && dir != end; dir.increment(ec)) {
      if (dir->is_regular_file(ec) && !is_ignored_inbox_name(dir->path().filename().string())) ++waiting;
    }
  }
  return waiting;
}

}  // namespace zpe
