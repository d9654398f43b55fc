// ClearingDesk's page work (clearing_desk.h): page images and thumbnails for the detail
// view, the PDF and text, and the operator's page corrections — turn or drop a page,
// re-split a batch. Page edits store a new page image blob and record the transform; the
// original and the earlier page images stay in the blob store untouched.
#include <algorithm>
#include <set>

#include <leptonica/allheaders.h>

#include "clearing/clearing_desk.h"
#include "clearing/decision.h"
#include "pipeline/durable_file.h"
#include "stages/page_image.h"
#include "stages/split.h"

namespace zpe::clearing {

namespace {

using nlohmann::json;

constexpr int kMaxThumbnailPx = 4000;

Result<json> page_of(const DocumentRow& row, int page) {
  const json& pages = row.record.is_object() ? row.record.value("pages", json()) : json();
  if (!pages.is_array() || pages.empty()) {
    return fail(ErrorKind::kNotFound, "document " + row.id + " has no page images yet");
  }
  if (page < 1 || static_cast<size_t>(page) > pages.size()) {
    return fail(ErrorKind::kNotFound, "document " + row.id + " has no page " + std::to_string(page) + " (it has " +
                                          std::to_string(pages.size()) + ")");
  }
  return pages[page - 1];
}

std::string blob_of(const json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
}

json operator_part(const json& record) {
  const json op = record.is_object() ? record.value("operator", json::object()) : json::object();
  return op.is_object() ? op : json::object();
}

// The change every page edit makes: new pages, pages_edited, the document stays in CLEARING.
OperatorChange page_edit(const DocumentRow& row, const Operator& who, int64_t version, const std::string& action,
                         json detail, json pages) {
  json op = operator_part(row.record);
  op["pages_edited"] = true;
  OperatorChange change = decision(row, who, version, action, "CLEARING", op);
  change.detail = std::move(detail);
  change.patch["page_count"] = pages.size();
  change.patch["pages"] = std::move(pages);
  change.reason = row.reason;
  return change;
}

}  // namespace

Result<std::string> ClearingDesk::page_png(const Scope& scope, const std::string& document_id, int page, int max_px) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  auto entry = page_of(*row, page);
  if (!entry) return fail(entry.error());
  auto bytes = kept_blob(*row, blob_of(*entry, "blob"), "");
  if (!bytes) return fail(bytes.error());
  if (max_px <= 0) return bytes;
  auto pix = decode_image(*bytes);
  if (!pix) return fail(pix.error());
  const int longer = std::max(pixGetWidth(pix->get()), pixGetHeight(pix->get()));
  if (longer <= std::min(max_px, kMaxThumbnailPx)) return bytes;
  // Grey first, so a bilevel page shrinks to a readable grey thumbnail, not to noise.
  PixPtr grey(pixConvertTo8(pix->get(), 0));
  if (!grey) return fail(ErrorKind::kInternal, "cannot convert page " + std::to_string(page) + " to grey");
  const float factor = static_cast<float>(std::min(max_px, kMaxThumbnailPx)) / static_cast<float>(longer);
  PixPtr small(pixScale(grey.get(), factor, factor));
  if (!small) return fail(ErrorKind::kInternal, "cannot scale page " + std::to_string(page));
  return encode_png(small.get());
}

Result<std::string> ClearingDesk::pdf(const Scope& scope, const std::string& document_id) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  const std::string sha = blob_of(row->record.value("pdf", json::object()), "sha256");
  if (sha.empty()) return fail(ErrorKind::kNotFound, "document " + row->id + " has no PDF yet");
  return kept_blob(*row, sha, "document.pdf");
}

Result<std::string> ClearingDesk::text(const Scope& scope, const std::string& document_id) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  const std::string sha = blob_of(row->record.value("ocr", json::object()), "text_blob");
  if (sha.empty()) return std::string();
  return kept_blob(*row, sha, "text.txt");
}

Result<std::string> ClearingDesk::kept_blob(const DocumentRow& row, const std::string& sha,
                                            const std::string& archived_file) {
  auto bytes = blobs_.get(sha);
  const json storage = row.record.is_object() ? row.record.value("storage", json::object()) : json::object();
  if (bytes || bytes.error().kind != ErrorKind::kNotFound || !storage.is_object() || storage.empty()) return bytes;
  auto packages = jobs_.archived_packages(row.id);
  if (!packages) return fail(packages.error());
  if (!archived_file.empty() && !packages->empty()) {
    auto archived = read_whole_file(home_.archive() / packages->front().package / archived_file);
    if (archived && sha256_hex(*archived) == sha) return archived;
  }
  return fail(ErrorKind::kNotFound,
              "removed from the working store by the storage policy ([storage] in the config); the archive package " +
                  (packages->empty() ? std::string("(none)") : packages->front().package) +
                  " keeps the document, its original and its text");
}

Result<DocumentRow> ClearingDesk::rotate_page(const Scope& scope, const Operator& who, const std::string& document_id,
                                              int64_t version, int page, int degrees) {
  if (degrees != 90 && degrees != 180 && degrees != 270) {
    return fail(ErrorKind::kInvalidInput, "a page turns by 90, 180 or 270 degrees, not " + std::to_string(degrees));
  }
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  auto entry = page_of(*row, page);
  if (!entry) return fail(entry.error());
  auto bytes = blobs_.get(blob_of(*entry, "blob"));
  if (!bytes) return fail(bytes.error());
  auto pix = decode_image(*bytes);
  if (!pix) return fail(pix.error());
  PixPtr turned(pixRotateOrth(pix->get(), degrees / 90));
  if (!turned) return fail(ErrorKind::kInternal, "cannot turn page " + std::to_string(page));
  pixCopyResolution(turned.get(), pix->get());
  auto png = encode_png(turned.get());
  if (!png) return fail(png.error());
  auto sha = blobs_.put(*png);
  if (!sha) return fail(sha.error());
  json pages = row->record["pages"];
  json& edited = pages[page - 1];
  edited["blob"] = *sha;
  edited["width"] = pixGetWidth(turned.get());
  edited["height"] = pixGetHeight(turned.get());
  if (!edited["transforms"].is_array()) edited["transforms"] = json::array();
  edited["transforms"].push_back({{"op", "rotate"}, {"degrees_clockwise", degrees}, {"source", "operator"},
                                  {"by", who.name}});
  json detail = {{"page", page}, {"degrees_clockwise", degrees}, {"blob", *sha}};
  return apply_and_log(jobs_, page_edit(*row, who, version, "page_rotated", detail, std::move(pages)), row->tenant);
}

Result<DocumentRow> ClearingDesk::drop_page(const Scope& scope, const Operator& who, const std::string& document_id,
                                            int64_t version, int page) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  auto entry = page_of(*row, page);
  if (!entry) return fail(entry.error());
  json pages = row->record["pages"];
  if (pages.size() == 1) {
    return fail(ErrorKind::kInvalidInput, "page " + std::to_string(page) +
                                              " is the document's only page — reject the document instead");
  }
  pages.erase(pages.begin() + (page - 1));
  for (size_t i = 0; i < pages.size(); ++i) pages[i]["page"] = i + 1;
  json detail = {{"page", page}, {"source_page", entry->value("source_page", json())}};
  OperatorChange change = page_edit(*row, who, version, "page_dropped", detail, std::move(pages));
  json& dropped = change.patch["operator"]["dropped_source_pages"];
  if (!dropped.is_array()) dropped = json::array();
  dropped.push_back(entry->value("source_page", json(page)));
  return apply_and_log(jobs_, change, row->tenant);
}

Result<std::vector<std::string>> ClearingDesk::resplit(const Scope& scope, const Operator& who,
                                                       const std::string& batch_id, int64_t version,
                                                       const std::vector<int>& first_pages,
                                                       const std::vector<int>& separator_pages) {
  auto row = get(scope, batch_id);
  if (!row) return fail(row.error());
  if (row->state != "SPLIT") {
    const json parent = row->record.value("parent_document_id", json());
    if (!parent.is_string()) {
      return fail(ErrorKind::kInvalidInput, "document " + batch_id + " is not a batch and not part of one");
    }
    // A child names its batch; the version to check is the batch's.
    row = get(scope, parent.get<std::string>());
    if (!row) return fail(row.error());
  }
  const json& pages = row->record.value("pages", json::array());
  const int count = static_cast<int>(pages.size());
  const std::set<int> separators(separator_pages.begin(), separator_pages.end());
  if (first_pages.empty() || !std::is_sorted(first_pages.begin(), first_pages.end()) ||
      std::adjacent_find(first_pages.begin(), first_pages.end()) != first_pages.end() || first_pages.front() < 1 ||
      first_pages.back() > count) {
    return fail(ErrorKind::kInvalidInput, "first pages must rise from 1 to at most " + std::to_string(count));
  }
  for (int p = 1; p < first_pages.front(); ++p) {
    if (!separators.count(p)) {
      return fail(ErrorKind::kInvalidInput, "batch page " + std::to_string(p) +
                                                " belongs to no document — start a document there or mark it a separator");
    }
  }
  json documents = json::array();
  for (size_t d = 0; d < first_pages.size(); ++d) {
    const int last = d + 1 < first_pages.size() ? first_pages[d + 1] - 1 : count;
    json indexes = json::array();
    std::vector<int> source;
    for (int p = first_pages[d]; p <= last; ++p) {
      if (separators.count(p)) continue;
      indexes.push_back(p - 1);
      source.push_back(pages[p - 1].value("source_page", p));
    }
    if (indexes.empty()) {
      return fail(ErrorKind::kInvalidInput, "the document starting at batch page " + std::to_string(first_pages[d]) +
                                                " has only separator pages");
    }
    documents.push_back({{"pages", indexes}, {"source_pages", page_range_text(source)}, {"hints", json::object()}});
  }
  json split = row->record.value("split", json::object());
  if (!split.is_object()) split = json::object();
  split["mode"] = "operator";
  split["documents"] = documents;
  split["separators"] = json(std::vector<int>(separators.begin(), separators.end()));
  split["resplit_by"] = who.name;
  OperatorChange change = decision(*row, who, version, "resplit", "SPLIT", operator_part(row->record));
  change.from_states = {"SPLIT"};
  change.detail = {{"first_pages", first_pages}, {"separator_pages", separator_pages}};
  change.patch["split"] = split;
  const auto& stages = config_.stages();
  const auto at = std::find(stages.begin(), stages.end(), "split");
  const std::string next = at != stages.end() && at + 1 != stages.end() ? *(at + 1) : stages.front();
  auto made = jobs_.resplit(change, next);
  log_operator_action(change, row->tenant, made ? nullptr : &made.error());
  return made;
}

}  // namespace zpe::clearing
