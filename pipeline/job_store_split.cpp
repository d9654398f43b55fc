// JobStore's half of batch separation: turning a split stage's result (stages/split.h) into
// child documents. Called from JobStore::complete() inside its transaction, so a batch's
// children and the parent's SPLIT state appear together or not at all.
#include <string>

#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

// The page indexes of one split entry, or nothing when malformed or out of range.
std::optional<std::vector<size_t>> entry_pages(const nlohmann::json& entry, size_t page_count) {
  if (!entry.is_object() || !entry.contains("pages") || !entry["pages"].is_array() || entry["pages"].empty()) {
    return std::nullopt;
  }
  std::vector<size_t> out;
  for (const auto& index : entry["pages"]) {
    if (!index.is_number_integer() || index.get<int64_t>() < 0 || index.get<size_t>() >= page_count) return std::nullopt;
    out.push_back(index.get<size_t>());
  }
  return out;
}

nlohmann::json child_record(const nlohmann::json& parent, const std::string& parent_id, const std::string& id,
                            const nlohmann::json& entry, const std::vector<size_t>& pages, size_t index, size_t of) {
  nlohmann::json child = parent;
  child.erase("split");
  child["document_id"] = id;
  child["parent_document_id"] = parent_id;
  child["split_from"] = {{"document_id", parent_id}, {"index", index}, {"of", of}};
  child["pages"] = nlohmann::json::array();
  for (size_t i = 0; i < pages.size(); ++i) {
    nlohmann::json page = parent["pages"][pages[i]];
    page["page"] = i + 1;
    child["pages"].push_back(std::move(page));
  }
  child["page_count"] = pages.size();
  child["source_pages"] = entry.value("source_pages", "");
  if (!child["source"].is_object()) child["source"] = nlohmann::json::object();
  nlohmann::json& manifest = child["source"]["manifest"];
  if (!manifest.is_object()) manifest = nlohmann::json::object();
  if (!manifest["hints"].is_object()) manifest["hints"] = nlohmann::json::object();
  if (entry.contains("hints") && entry["hints"].is_object()) manifest["hints"].update(entry["hints"]);
  return child;
}

}  // namespace

bool JobStore::splits_document(const nlohmann::json& patch, const nlohmann::json& record) {
  if (!patch.is_object() || !patch.contains("split") || !patch["split"].is_object()) return false;
  const nlohmann::json& documents = patch["split"].value("documents", nlohmann::json());
  if (!documents.is_array() || documents.empty()) return false;
  const size_t page_count = record.contains("pages") && record["pages"].is_array() ? record["pages"].size() : 0;
  if (documents.size() >= 2) return true;
  const auto pages = entry_pages(documents[0], page_count);
  return !pages || pages->size() != page_count;  // one document, but pages left out (separators)
}

Result<std::vector<std::string>> JobStore::add_split_children(const std::string& parent_id, const nlohmann::json& record,
                                                              const std::string& next_stage, int64_t now,
                                                              const std::string& actor) {
  const nlohmann::json& documents = record["split"]["documents"];
  const size_t page_count = record["pages"].size();
  std::vector<std::vector<size_t>> all_pages;  // every entry checked before anything is written
  for (size_t d = 0; d < documents.size(); ++d) {
    auto pages = entry_pages(documents[d], page_count);
    if (!pages) {
      return fail(ErrorKind::kInvalidInput, "split result entry " + std::to_string(d + 1) +
                                                " names no pages or pages the document does not have");
    }
    all_pages.push_back(std::move(*pages));
  }
  std::vector<std::string> ids;
  for (size_t d = 0; d < documents.size(); ++d) {
    const std::vector<size_t>* pages = &all_pages[d];
    const std::string id = new_document_id();
    const nlohmann::json child = child_record(record, parent_id, id, documents[d], *pages, d + 1, documents.size());
    Statement ins(db_,
                  "INSERT INTO documents(id, tenant, state, stage, source_file, sha256_original, record, created_ms, "
                  "updated_ms) SELECT ?, tenant, 'QUEUED', ?, source_file, sha256_original, ?, ?, ? FROM documents "
                  "WHERE id = ?");
    ins.bind(1, id).bind(2, next_stage).bind(3, child.dump()).bind(4, now).bind(5, now).bind(6, parent_id);
    if (auto st = ins.run(); !st) return fail(st.error());
    const std::string range = child["source_pages"];
    nlohmann::json detail = {{"parent_document_id", parent_id}, {"source_pages", range}, {"next_stage", next_stage},
                             {"note", "split from " + parent_id + " pages " + range}};
    if (auto st = append_audit(id, actor, "split_from", detail.dump(), now); !st) return fail(st.error());
    ids.push_back(id);
  }
  return ids;
}

}  // namespace zpe
