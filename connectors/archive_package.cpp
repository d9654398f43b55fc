#include "connectors/archive_package.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "connectors/record_fields.h"
#include "pipeline/durable_file.h"
#include "pipeline/xml_text.h"

namespace zpe {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kManifest = "manifest-sha256.txt";

using record_fields::at;
using record_fields::string_at;
using record_fields::utc;

// The name the original arrived under, safe as one path component.
std::string original_name(const json& record) {
  std::string name = fs::path(string_at(at(record, "source"), "file")).filename().string();
  if (name.empty() || name == "." || name == ".." || name.front() == '.') name = "original" + name;
  return name;
}

// metadata.json as an XML record: the same fields, one element each (objects nest).
void append_xml(std::string& out, const std::string& name, const json& value, int depth) {
  const std::string indent(static_cast<size_t>(2 * depth), ' ');
  if (value.is_object()) {
    out += indent + "<" + name + ">\n";
    for (auto it = value.begin(); it != value.end(); ++it) append_xml(out, it.key(), *it, depth + 1);
    out += indent + "</" + name + ">\n";
  } else if (value.is_array()) {
    out += indent + "<" + name + ">\n";
    for (const json& item : value) append_xml(out, "item", item, depth + 1);
    out += indent + "</" + name + ">\n";
  } else if (value.is_null()) {
    out += indent + "<" + name + "/>\n";
  } else {
    out += indent + "<" + name + ">" + xml_escape(value.is_string() ? value.get<std::string>() : value.dump()) +
           "</" + name + ">\n";
  }
}

// The court-mailbox package a document came in (record.source.egvp), kept whole beside its
// original: "original/egvp-package/<package file>" and its SHA-256; nothing for other documents.
std::pair<std::string, std::string> court_package_of(const json& record) {
  const json& egvp = at(at(record, "source"), "egvp");
  const std::string sha = string_at(egvp, "package_sha256");
  if (sha.empty()) return {};
  std::string name = fs::path(string_at(egvp, "package_file")).filename().string();
  if (name.empty() || name.front() == '.') name = "package.zip";
  return {"original/egvp-package/" + name, sha};
}

// The tenant's retention period, counted from the filing (the case's closing, which may
// extend it, is the records system's to add): null when none is configured.
json retention(int retention_years, int64_t filed_ms) {
  if (retention_years <= 0) return nullptr;
  const std::string filed = utc(filed_ms, "%Y-%m-%d");
  const int year = std::stoi(filed.substr(0, 4)) + retention_years;
  return {{"years", retention_years}, {"keep_at_least_until", std::to_string(year) + filed.substr(4)}};
}

json metadata(const DocumentRow& row, const std::string& original_file, int64_t filed_ms, int64_t now_ms,
              int retention_years) {
  const json& record = row.record;
  const json& classification = at(record, "classification");
  const json& source = at(record, "source");
  const auto [package_file, package_sha] = court_package_of(record);
  return {{"schema", kArchivePackageSchema},
          {"document_id", row.id},
          {"tenant", row.tenant},
          {"source", {{"file", at(source, "file")}, {"received_by", at(source, "received_by")},
                      {"channel", at(source, "channel")}, {"manifest", at(source, "manifest")},
                      {"egvp", at(source, "egvp")}, {"source_pages", at(record, "source_pages")}}},
          {"case_number", at(at(record, "route"), "case_number")},
          // As filed: the route stage carries the operator's corrections where they gave any.
          {"doc_type", at(at(record, "route"), "doc_type").is_null() ? at(classification, "doc_type")
                                                                     : at(at(record, "route"), "doc_type")},
          {"dates", {{"letter_date", at(classification, "letter_date")}, {"received_at", at(source, "received_at")},
                     {row.state == "REJECTED" ? "rejected_at" : "filed_at", utc(filed_ms, "%Y-%m-%dT%H:%M:%SZ")},
                     {"archived_at", utc(now_ms, "%Y-%m-%dT%H:%M:%SZ")}}},
          {"pages", at(record, "page_count")},
          {"ocr", {{"text_source", at(at(record, "ocr"), "text_source")},
                   {"language", at(at(record, "ocr"), "language")},
                   {"confidence", at(at(record, "ocr"), "confidence")}}},
          {"hashes", {{"original", {{"file", "original/" + original_file},
                                    {"sha256", at(at(record, "original"), "sha256")}}},
                      {"pdf", {{"file", "document.pdf"}, {"sha256", at(at(record, "pdf"), "sha256")},
                               {"conformance", at(at(record, "pdf"), "conformance")}}},
                      {"egvp_package", package_sha.empty() ? json()
                                                           : json{{"file", package_file}, {"sha256", package_sha}}}}},
          {"stage_versions", at(record, "stage_versions")},
          {"state", row.state},
          // A rejected document is archived with the operator's reason (docs/ARCHIVE.md).
          {"rejection", row.state == "REJECTED" ? json{{"reason", row.reason}, {"by", at(at(record, "operator"), "rejected_by")}}
                                                : json()},
          {"retention", retention(retention_years, filed_ms)},
          {"transfer_note", nullptr}};
}

std::string audit_lines(const std::vector<AuditEntry>& trail) {
  std::string out;
  for (const AuditEntry& e : trail) {
    out += json{{"seq", e.seq}, {"document_id", e.document_id}, {"at_ms", e.at_ms}, {"actor", e.actor},
                {"action", e.action}, {"detail", e.detail}, {"prev_hash", e.prev_hash}, {"hash", e.hash}}
               .dump() +
           "\n";
  }
  return out;
}

// The files of the package (relative path -> bytes), manifest excluded.
Result<std::map<std::string, std::string>> package_files(JobStore& jobs, const BlobStore& blobs,
                                                         const DocumentRow& row, int64_t filed_ms, int64_t now_ms,
                                                         int retention_years) {
  std::map<std::string, std::string> files;
  const std::string original_file = original_name(row.record);
  const auto blob = [&](const std::string& sha, const std::string& what) -> Result<std::string> {
    if (sha.empty()) return fail(ErrorKind::kNotFound, row.id + ": the record names no " + what);
    auto bytes = blobs.get(sha);
    if (!bytes) return fail(bytes.error().kind, row.id + ": " + what + ": " + bytes.error().message);
    return bytes;
  };
  // A rejected document may have stopped before it had a PDF; a filed one always has one.
  if (const std::string pdf_sha = string_at(at(row.record, "pdf"), "sha256"); row.state != "REJECTED" || !pdf_sha.empty()) {
    auto pdf = blob(pdf_sha, "PDF");
    if (!pdf) return fail(pdf.error());
    files["document.pdf"] = std::move(*pdf);
  }
  auto original = blob(row.sha256_original, "original");
  if (!original) return fail(original.error());
  files["original/" + original_file] = std::move(*original);
  if (const auto [package_file, package_sha] = court_package_of(row.record); !package_sha.empty()) {
    auto package = blob(package_sha, "court-mailbox package");
    if (!package) return fail(package.error());
    files[package_file] = std::move(*package);
  }
  for (const auto& [key, name] : {std::pair{"text_blob", "text.txt"}, std::pair{"alto_blob", "alto.xml"}}) {
    const std::string sha = string_at(at(row.record, "ocr"), key);
    if (sha.empty()) continue;
    auto bytes = blob(sha, name);
    if (!bytes) return fail(bytes.error());
    files[name] = std::move(*bytes);
  }
  // The transfer note (Transfervermerk) the sign stage bound into the PDF's XMP.
  if (const std::string note = string_at(at(row.record, "transfer_note"), "sha256"); !note.empty()) {
    auto bytes = blob(note, "transfer note");
    if (!bytes) return fail(bytes.error());
    files["transfer-note.json"] = std::move(*bytes);
  }
  const json meta = metadata(row, original_file, filed_ms, now_ms, retention_years);
  files["metadata.json"] = meta.dump(2) + "\n";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  append_xml(xml, "archivePackage", meta, 0);
  files["metadata.xml"] = xml;
  auto trail = jobs.audit_trail(row.id);
  if (!trail) return fail(trail.error());
  files["audit.jsonl"] = audit_lines(*trail);
  return files;
}

std::string manifest_of(const std::map<std::string, std::string>& files) {
  std::string manifest;
  for (const auto& [path, bytes] : files) manifest += sha256_hex(bytes) + "  " + path + "\n";
  return manifest;
}

Status write_files(const fs::path& dir, const std::map<std::string, std::string>& files) {
  std::set<fs::path> folders;
  for (const auto& [path, bytes] : files) {
    std::error_code ec;
    fs::create_directories((dir / path).parent_path(), ec);
    if (ec) return fail(write_error_kind(ec), "cannot create " + (dir / path).parent_path().string() + ": " + ec.message());
    if (auto st = write_file_durably(dir / path, bytes); !st) return st;
    folders.insert((dir / path).parent_path());
  }
  // Deepest first, so each folder's entry is durable in its parent.
  for (auto it = folders.rbegin(); it != folders.rend(); ++it) {
    if (auto st = fsync_directory(*it); !st) return st;
  }
  return fsync_directory(dir);
}

}  // namespace

Result<ArchivedPackage> write_package(JobStore& jobs, const BlobStore& blobs, const fs::path& archive_root,
                                      const std::string& document_id, int64_t now_ms, int retention_years) {
  auto row = jobs.get(document_id);
  if (!row) return fail(row.error());
  // Filed documents are dated by their filing; rejected ones by the rejection, their last change.
  auto filed_ms = row->state == "REJECTED" ? Result<int64_t>(row->updated_ms) : jobs.filed_at_ms(document_id);
  if (!filed_ms) return fail(filed_ms.error());
  ArchivedPackage package{document_id,
                          utc(*filed_ms, "%Y") + "/" + utc(*filed_ms, "%m") + "/" + document_id, "", now_ms};
  const fs::path final_dir = archive_root / package.package;
  std::error_code ec;
  if (fs::exists(final_dir, ec)) {
    // A crash after the rename: adopt the package if it is whole, never overwrite it.
    auto manifest = read_whole_file(final_dir / kManifest);
    if (!manifest) return fail(ErrorKind::kCorruption, final_dir.string() + " exists without a manifest — an operator must look");
    package.manifest_sha256 = sha256_hex(*manifest);
    auto trail = jobs.audit_trail(document_id);
    if (!trail) return fail(trail.error());
    const auto problems = verify_package(archive_root, package, *trail);
    if (!problems.empty()) {
      return fail(ErrorKind::kCorruption, final_dir.string() + " exists and differs (" + problems.front() +
                                              ") — not overwritten; an operator must look");
    }
  } else {
    auto files = package_files(jobs, blobs, *row, *filed_ms, now_ms, retention_years);
    if (!files) return fail(files.error());
    const std::string manifest = manifest_of(*files);
    (*files)[kManifest] = manifest;
    package.manifest_sha256 = sha256_hex(manifest);
    const fs::path temp = archive_root / ".tmp" / document_id;
    fs::remove_all(temp, ec);  // a half-written package from a crash is redone
    fs::create_directories(temp, ec);
    fs::create_directories(final_dir.parent_path(), ec);
    if (ec) return fail(write_error_kind(ec), "cannot create " + final_dir.parent_path().string() + ": " + ec.message());
    if (auto st = write_files(temp, *files); !st) {
      fs::remove_all(temp, ec);  // give the space back at once (a full disk is the usual cause)
      return fail(st.error());
    }
    if (std::rename(temp.c_str(), final_dir.c_str()) != 0) {
      return fail(ErrorKind::kIOError, "cannot move the package into " + final_dir.string());
    }
    if (auto st = fsync_directory(final_dir.parent_path()); !st) return fail(st.error());
    if (auto st = fsync_directory(temp.parent_path()); !st) return fail(st.error());
  }
  if (auto st = jobs.mark_archived(package, "archiver"); !st) return fail(st.error());
  return package;
}

std::vector<std::string> verify_package(const fs::path& archive_root, const ArchivedPackage& package,
                                        const std::vector<AuditEntry>& store_trail) {
  std::vector<std::string> problems;
  const fs::path dir = archive_root / package.package;
  const std::string where = package.document_id + " (" + dir.string() + "): ";
  auto manifest = read_whole_file(dir / kManifest);
  if (!manifest) return {where + "missing " + kManifest + " (or the whole package)"};
  if (sha256_hex(*manifest) != package.manifest_sha256) {
    problems.push_back(where + kManifest + " was changed (its SHA-256 is not the one recorded at archiving)");
  }
  std::set<std::string> listed;
  std::istringstream lines(*manifest);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 67) continue;
    const std::string sha = line.substr(0, 64), path = line.substr(66);
    listed.insert(path);
    auto bytes = read_whole_file(dir / path);
    if (!bytes) problems.push_back(where + "missing file " + path);
    else if (sha256_hex(*bytes) != sha) problems.push_back(where + "file " + path + " was changed (SHA-256 differs)");
  }
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string path = fs::relative(entry.path(), dir).string();
    if (path != kManifest && !listed.count(path)) problems.push_back(where + "file " + path + " is not in the manifest");
  }
  // The package's copy of the audit trail must still be in the job store, unchanged.
  std::map<int64_t, const AuditEntry*> store_records;
  for (const AuditEntry& e : store_trail) store_records[e.seq] = &e;
  if (auto trail = read_whole_file(dir / "audit.jsonl")) {
    std::istringstream records(*trail);
    for (std::string line; std::getline(records, line);) {
      const json record = json::parse(line, nullptr, false);
      if (!record.is_object()) continue;
      const int64_t seq = record.value("seq", int64_t{0});
      const auto found = store_records.find(seq);
      if (found == store_records.end()) {
        problems.push_back(where + "audit record " + std::to_string(seq) + " is missing from the job store");
        continue;
      }
      const AuditEntry& e = *found->second;
      const bool same = record.value("at_ms", int64_t{0}) == e.at_ms && record.value("actor", "") == e.actor &&
                        record.value("action", "") == e.action && record.value("detail", "") == e.detail &&
                        record.value("prev_hash", "") == e.prev_hash && record.value("hash", "") == e.hash;
      if (!same) problems.push_back(where + "audit record " + std::to_string(seq) + " differs from the job store's");
    }
  }
  return problems;
}

}  // namespace zpe
