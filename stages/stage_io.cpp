#include "stages/stage_io.h"

#include <cmath>

namespace zpe {

std::string source_file_name(const nlohmann::json& record) {
  const auto source = record.find("source");
  if (source != record.end() && source->is_object()) {
    const auto file = source->find("file");
    if (file != source->end() && file->is_string() && !file->get<std::string>().empty()) {
      return file->get<std::string>();
    }
  }
  return "the document";
}

StageFailure blob_failure(const Error& error, std::string_view what) {
  const std::string detail = std::string(what) + ": " + error.message;
  switch (error.kind) {
    case ErrorKind::kNoSpace:
      return {FailureKind::kNoSpace, detail + " — the disk is full; the job waits for space (no attempt spent)"};
    case ErrorKind::kUnavailable:
    case ErrorKind::kIOError:
      return {FailureKind::kRetryable, detail + " — the blob store did not answer; retrying"};
    case ErrorKind::kNotFound:
    case ErrorKind::kCorruption:
    case ErrorKind::kInvalidInput:
    case ErrorKind::kConflict:
    case ErrorKind::kInternal:
      break;
  }
  return {FailureKind::kFinal, detail + " — the blob store has lost or damaged it; report to IT"};
}

StageValue<std::string> read_blob(BlobAccess& blobs, const std::string& sha256, std::string_view what) {
  auto bytes = blobs.read(sha256);
  if (!bytes) return tl::unexpected(blob_failure(bytes.error(), what));
  return std::move(*bytes);
}

StageValue<std::string> write_blob(BlobAccess& blobs, std::string_view bytes, std::string_view what) {
  auto sha = blobs.write(bytes);
  if (!sha) return tl::unexpected(blob_failure(sha.error(), what));
  return std::move(*sha);
}

namespace {

int int_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  const double value = it->get<double>();
  return std::isfinite(value) && value > 0 && value < 1e9 ? static_cast<int>(value) : 0;
}

}  // namespace

StageValue<std::vector<PageRef>> read_page_refs(const nlohmann::json& record, std::string_view stage) {
  const auto missing = [&](const std::string& what) {
    return stage_failure(FailureKind::kFinal, std::string(stage) + ": " + what +
                                                  " — the prepare stage must run first; report to IT");
  };
  const auto pages = record.find("pages");
  if (pages == record.end() || !pages->is_array() || pages->empty()) return missing("the record has no page images");
  std::vector<PageRef> refs;
  for (const auto& entry : *pages) {
    PageRef ref;
    if (entry.is_object() && entry.contains("blob") && entry.at("blob").is_string()) ref.blob = entry.at("blob");
    ref.page = entry.is_object() ? int_field(entry, "page") : 0;
    if (ref.blob.empty() || ref.page == 0) return missing("page entry " + entry.dump() + " is malformed");
    ref.width = int_field(entry, "width");
    ref.height = int_field(entry, "height");
    ref.dpi_x = int_field(entry, "dpi_x");
    ref.dpi_y = int_field(entry, "dpi_y");
    refs.push_back(std::move(ref));
  }
  return refs;
}

StageValue<std::string> required_string(const nlohmann::json& record, std::initializer_list<const char*> path,
                                        std::string_view stage) {
  const nlohmann::json* node = &record;
  std::string name;
  for (const char* key : path) name += (name.empty() ? "" : ".") + std::string(key);
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) {
      node = nullptr;
      break;
    }
    node = &node->at(key);
  }
  if (node == nullptr || !node->is_string()) {
    return stage_failure(FailureKind::kFinal, std::string(stage) + ": the record has no " + name +
                                                  " — an earlier stage has not run; report to IT");
  }
  return node->get<std::string>();
}

Result<int64_t> integer_setting(const nlohmann::json& settings, const char* key, int64_t fallback, int64_t min,
                                int64_t max) {
  if (!settings.is_object() || !settings.contains(key)) return fallback;
  const auto& value = settings[key];
  if (!value.is_number()) return fail(ErrorKind::kInvalidInput, std::string("setting ") + key + " must be a number");
  const double number = value.get<double>();
  if (!std::isfinite(number) || number < static_cast<double>(min) || number > static_cast<double>(max)) {
    return fail(ErrorKind::kInvalidInput, std::string("setting ") + key + " = " + value.dump() + " is outside " +
                                              std::to_string(min) + ".." + std::to_string(max));
  }
  return static_cast<int64_t>(number);
}

Result<std::string> string_setting(const nlohmann::json& settings, const char* key, const std::string& fallback) {
  if (!settings.is_object() || !settings.contains(key)) return fallback;
  if (!settings[key].is_string()) return fail(ErrorKind::kInvalidInput, std::string("setting ") + key + " must be a string");
  return settings[key].get<std::string>();
}

Result<bool> boolean_setting(const nlohmann::json& settings, const char* key, bool fallback) {
  if (!settings.is_object() || !settings.contains(key)) return fallback;
  if (!settings[key].is_boolean()) return fail(ErrorKind::kInvalidInput, std::string("setting ") + key + " must be true or false");
  return settings[key].get<bool>();
}

}  // namespace zpe
