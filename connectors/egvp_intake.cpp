#include "connectors/egvp_intake.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "classifiers/case_number.h"
#include "connectors/xjustiz_inbound.h"
#include "pipeline/intake.h"
#include "pipeline/log_format.h"
#include "pipeline/quarantine.h"

namespace zpe {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The file a document is made of: its Original when ZPE reads it, else its Repräsentat
// (PDF/A for display), else the first file ZPE reads.
struct ChosenFile {
  const InboundFile* file = nullptr;
  std::string media_type;
};

ChosenFile choose_content(const InboundDocument& doc, const std::map<std::string, std::string>& files) {
  ChosenFile best;
  int best_rank = 99;
  for (const InboundFile& file : doc.files) {
    auto media = sniff_media_type(files.at(file.name));
    if (!media) continue;
    const int rank = file.part_code == "001" ? 0 : file.part_code == "002" ? 1 : 2;
    if (rank < best_rank) {
      best = {&file, *media};
      best_rank = rank;
    }
  }
  return best;
}

// The message's files against the package's: every name on both sides.
Status cross_check(const InboundMessage& message, const PackageContents& contents) {
  std::set<std::string> named;
  for (size_t i = 0; i < message.documents.size(); ++i) {
    for (const InboundFile& file : message.documents[i].files) {
      named.insert(file.name);
      if (!contents.files.count(file.name)) {
        return fail(ErrorKind::kInvalidInput, "document " + std::to_string(i + 1) + " names the attachment '" + file.name +
                                                  "', which is missing from the package");
      }
    }
  }
  for (const auto& [name, bytes] : contents.files) {
    if (!named.count(name)) {
      return fail(ErrorKind::kInvalidInput, "the package holds '" + name + "', which " + kXJustizMessageFile +
                                                " does not name — refused (only named files are accepted)");
    }
  }
  return {};
}

// The BAMF case number among the message's file numbers: the first of the agency's form.
std::string bamf_case_number(const InboundMessage& message) {
  for (const std::string& number : message.other_file_numbers) {
    if (auto normalised = classifiers::normalise_case_number(number)) return *normalised;
  }
  return "";
}

json null_if_empty(const std::string& value) { return value.empty() ? json(nullptr) : json(value); }

}  // namespace

Result<EgvpInboundSettings> read_egvp_inbound_settings(const Config& config) {
  EgvpInboundSettings settings;
  const json& root = config.json();
  const json table = root.contains("egvp") && root["egvp"].is_object() ? root["egvp"].value("inbound", json::object())
                                                                       : json::object();
  if (!table.is_object()) return fail(ErrorKind::kInvalidInput, "[egvp.inbound] is not a table");
  try {
    settings.enabled = table.value("enabled", settings.enabled);
    settings.code_lists = table.value("code_lists", settings.code_lists);
    PackageLimits& limits = settings.limits;
    limits.max_package_bytes = table.value("max_package_bytes", limits.max_package_bytes);
    limits.max_unpacked_bytes = table.value("max_unpacked_bytes", limits.max_unpacked_bytes);
    limits.max_entries = table.value("max_entries", limits.max_entries);
    limits.max_compression_ratio = table.value("max_compression_ratio", limits.max_compression_ratio);
  } catch (const json::exception& e) {
    return fail(ErrorKind::kInvalidInput, std::string("[egvp.inbound]: a value has the wrong type (") + e.what() + ")");
  }
  if (settings.limits.max_entries < 1 || settings.limits.max_compression_ratio < 1 ||
      settings.limits.max_package_bytes < 1 || settings.limits.max_unpacked_bytes < 1) {
    return fail(ErrorKind::kInvalidInput, "[egvp.inbound]: the limits must be positive (max_compression_ratio at least 1)");
  }
  return settings;
}

EgvpIntake::EgvpIntake(const Config& config, const Home& home, JobStore& jobs, BlobStore& blobs,
                       XJustizCodeLists code_lists, PackageLimits limits)
    : config_(config), home_(home), jobs_(jobs), blobs_(blobs), code_lists_(std::move(code_lists)),
      limits_(limits), stability_(config.intake_stable_ms(), config.intake_close_settle_ms()) {}

Result<EgvpIngestResult> EgvpIntake::quarantine(const fs::path& package, const std::string& tenant,
                                                const std::string& archive, const std::string& reason,
                                                const std::string& actor) {
  std::string sha;
  if (!archive.empty()) {
    auto stored = blobs_.put(archive);
    if (!stored) return fail(stored.error());
    sha = *stored;
  }
  NewDocument doc;
  doc.id = new_document_id();
  doc.tenant = tenant;
  doc.source_file = package.filename().string();
  doc.sha256_original = sha;
  doc.record = {{"document_id", doc.id},
                {"tenant", tenant},
                {"source", {{"file", doc.source_file}, {"received_at", iso_time_utc(now_ms())}, {"received_by", actor},
                            {"channel", kChannelEgvp}, {"manifest", nullptr}}},
                {"original", {{"sha256", null_if_empty(sha)}, {"size", archive.size()}, {"media_type", "application/zip"}}}};
  if (auto st = jobs_.add_quarantined(doc, reason, now_ms(), actor); !st) return fail(st.error());
  if (auto moved = move_to_quarantine(home_, tenant, doc.id, package, reason); !moved) return fail(moved.error());
  EgvpIngestResult result;
  result.document_ids.push_back(doc.id);
  result.quarantined = true;
  result.reason = reason;
  return result;
}

Result<EgvpIngestResult> EgvpIntake::ingest(const fs::path& package, const std::string& tenant, const std::string& actor) {
  const std::string package_name = package.filename().string();
  auto contents = read_package(package, limits_);
  if (!contents) {
    // Only the file system failing is worth another try; anything else would fail again.
    if (contents.error().kind == ErrorKind::kIOError) return fail(contents.error());
    return quarantine(package, tenant, "", contents.error().message, actor);
  }
  auto message = parse_inbound_message(contents->message_xml);
  Status checked = message ? cross_check(*message, *contents) : Status(fail(message.error()));
  std::vector<ChosenFile> chosen;
  for (size_t i = 0; checked && i < message->documents.size(); ++i) {
    chosen.push_back(choose_content(message->documents[i], contents->files));
    if (!chosen.back().file) {
      checked = fail(ErrorKind::kInvalidInput, "document " + std::to_string(i + 1) +
                                                   " has no PDF, TIFF, PNG or JPEG file ZPE can read");
    }
  }
  if (!checked) return quarantine(package, tenant, contents->archive, package_name + ": " + checked.error().message, actor);

  auto package_sha = blobs_.put(contents->archive);
  if (!package_sha) return fail(package_sha.error());
  const std::string archive_name = contents->is_zip ? package_name : package_name + ".zip";
  const std::string court_name = code_lists_.court_name(message->court_id);
  const std::string case_number = bamf_case_number(*message);
  EgvpIngestResult result;
  for (size_t i = 0; i < message->documents.size(); ++i) {
    const InboundDocument& in = message->documents[i];
    const std::string& bytes = contents->files.at(chosen[i].file->name);
    auto sha = blobs_.put(bytes);
    if (!sha) return fail(sha.error());
    NewDocument doc;
    doc.tenant = tenant;
    doc.source_file = package_name + "/" + chosen[i].file->name;
    doc.sha256_original = *sha;
    auto previous = jobs_.find_ingested(tenant, doc.source_file, *sha);
    if (!previous) return fail(previous.error());
    if (*previous) {  // taken before a crash kept the package in the inbox
      result.document_ids.push_back(**previous);
      continue;
    }
    doc.id = new_document_id();
    doc.first_stage = config_.stages().empty() ? "" : config_.stages().front();
    const json egvp = {{"message_id", message->message_id},
                       {"created_at", null_if_empty(message->created_at)},
                       {"xjustiz_version", message->xjustiz_version},
                       {"court_id", null_if_empty(message->court_id)},
                       {"court_name", court_name.empty() ? null_if_empty(message->sender_name) : json(court_name)},
                       {"court_file_number", null_if_empty(message->court_file_number)},
                       {"case_number", null_if_empty(case_number)},
                       {"document_id", null_if_empty(in.id)},
                       {"document_index", i + 1},
                       {"document_count", message->documents.size()},
                       {"doc_type_code", null_if_empty(in.doc_type_code)},
                       {"doc_type_name", null_if_empty(code_lists_.doc_type_name(in.doc_type_code))},
                       {"doc_type", code_lists_.zpe_doc_type(in.doc_type_code)},
                       {"display_name", null_if_empty(in.display_name)},
                       {"document_date", null_if_empty(in.document_date)},
                       {"scan_date", null_if_empty(in.scan_date)},
                       {"package_file", archive_name},
                       {"package_sha256", *package_sha},
                       {"code_lists", code_lists_.versions}};
    doc.record = {{"document_id", doc.id},
                  {"tenant", tenant},
                  {"source", {{"file", chosen[i].file->name}, {"size", bytes.size()},
                              {"received_at", iso_time_utc(now_ms())}, {"received_by", actor},
                              {"channel", kChannelEgvp}, {"package", package_name}, {"manifest", nullptr},
                              {"egvp", egvp}}},
                  {"original", {{"sha256", *sha}, {"size", bytes.size()}, {"media_type", chosen[i].media_type}}}};
    if (auto st = jobs_.add_document(doc, now_ms(), actor); !st) return fail(st.error());
    result.document_ids.push_back(doc.id);
  }
  std::error_code ec;
  fs::remove_all(package, ec);
  if (ec) spdlog::error("egvp intake: cannot remove {} from the inbox: {}", package.string(), ec.message());
  return result;
}

int EgvpIntake::scan_once(int64_t now) {
  int taken = 0;
  for (const auto& tenant : config_.tenants()) {
    std::error_code ec;
    for (fs::directory_iterator dir(home_.inbox_egvp(tenant), ec), end; !ec && dir != end; dir.increment(ec)) {
      const fs::path& path = dir->path();
      if (is_ignored_inbox_name(path.filename().string())) continue;
      // A folder is as stable as its entries (sizes, newest time); links are not followed
      // (a link is taken at once, and refused).
      const fs::file_status status = dir->symlink_status(ec);
      uintmax_t size = 0;
      fs::file_time_type mtime{};
      if (fs::is_directory(status)) {
        mtime = dir->last_write_time(ec);
        for (fs::directory_iterator in(path, ec), stop; !ec && in != stop; in.increment(ec)) {
          const fs::file_status entry = in->symlink_status(ec);
          size += (fs::is_regular_file(entry) ? in->file_size(ec) : 0) + 1;
          if (!fs::is_symlink(entry)) mtime = std::max(mtime, in->last_write_time(ec));
        }
      } else if (fs::is_regular_file(status)) {
        size = dir->file_size(ec);
        mtime = dir->last_write_time(ec);
      }
      if (ec) {
        ec.clear();
        continue;
      }
      if (!stability_.is_complete(path, size, mtime, now)) continue;
      auto result = ingest(path, tenant, "egvp-intake");
      stability_.forget(path);
      if (!result) {
        spdlog::error("egvp intake: {}: {}", path.string(), result.error().describe());
        continue;
      }
      ++taken;
      if (result->quarantined) {
        log_about_document(spdlog::level::warn, result->document_ids.front(), tenant,
                           "egvp intake: {} quarantined as {} (tenant {}): {}", path.filename().string(),
                           result->document_ids.front(), tenant, mask_case_numbers(result->reason));
      } else {
        spdlog::info("egvp intake: {} ingested as {} document(s) (tenant {})", path.filename().string(),
                     result->document_ids.size(), tenant);
      }
    }
  }
  return taken;
}

std::vector<fs::path> EgvpIntake::watched_folders() const {
  std::vector<fs::path> folders;
  for (const auto& tenant : config_.tenants()) folders.push_back(home_.inbox_egvp(tenant));
  return folders;
}

int EgvpIntake::count_waiting(const Home& home, const std::vector<std::string>& tenants) {
  int waiting = 0;
  for (const auto& tenant : tenants) {
    std::error_code ec;
    for (fs::directory_iterator dir(home.inbox_egvp(tenant), ec), end; !ec && dir != end; dir.increment(ec)) {
      if (!is_ignored_inbox_name(dir->path().filename().string())) ++waiting;
    }
  }
  return waiting;
}

}  // namespace zpe
