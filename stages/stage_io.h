// What the stages share when they read their settings, the document record and blobs,
// so each stage states only its own work. Used by stages/*.cpp; not by the worker loop.
//
// Blob faults become StageFailures by one rule (blob_failure): an unavailable peer or an
// I/O error is retryable; a full disk is kNoSpace (wait, no attempt spent); a missing or
// corrupt blob is final (a person must look). Reading
// the record never throws: a missing or mistyped field is a kFinal failure naming the
// field and the stage that should have written it. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "stages/stage.h"

namespace zpe {

// A value or the reason the stage cannot go on.
template <class T>
using StageValue = tl::expected<T, StageFailure>;

// record["source"]["file"] (the name the original arrived under), or "the document".
std::string source_file_name(const nlohmann::json& record);

// Turns a BlobAccess error into a StageFailure; `what` names the blob ("page 2 image").
StageFailure blob_failure(const Error& error, std::string_view what);
StageValue<std::string> read_blob(BlobAccess& blobs, const std::string& sha256, std::string_view what);
StageValue<std::string> write_blob(BlobAccess& blobs, std::string_view bytes, std::string_view what);

// One entry of record["pages"], as written by the prepare stage.
struct PageRef {
  int page = 0;       // 1-based page number in the document
  std::string blob;   // SHA-256 of the page's PNG
  int width = 0;      // pixels
  int height = 0;     // pixels
  int dpi_x = 0;
  int dpi_y = 0;
};

// record["pages"], or a kFinal failure when prepare has not written them (or wrote
// something malformed). `stage` names the caller for the reason.
StageValue<std::vector<PageRef>> read_page_refs(const nlohmann::json& record, std::string_view stage);

// A string at record[path...] (e.g. {"ocr", "text_blob"}), or a kFinal failure naming
// the field and `stage`.
StageValue<std::string> required_string(const nlohmann::json& record, std::initializer_list<const char*> path,
                                        std::string_view stage);

// settings[key] as an integer in [min, max]; `fallback` when absent; an error naming the
// key when it is of the wrong type or out of range (make_stage reports it).
Result<int64_t> integer_setting(const nlohmann::json& settings, const char* key, int64_t fallback, int64_t min,
                                int64_t max);
// settings[key] as a string; `fallback` when absent; an error when not a string.
Result<std::string> string_setting(const nlohmann::json& settings, const char* key, const std::string& fallback);
// settings[key] as true/false; `fallback` when absent; an error when not a boolean.
Result<bool> boolean_setting(const nlohmann::json& settings, const char* key, bool fallback);

}  // namespace zpe
