// The stage contract: one step of the document pipeline (prepare, ocr, classify, route, ...).
//
// A stage takes a document's current record (JSON, see docs/ARCHITECTURE.md "The document
// record") and reads and writes blobs through BlobAccess; the route stage also asks
// FiledDocuments what was filed in a case lately (near-duplicates); ocr and prepare record
// each finished page through PageCheckpoints, so a retry repeats only the pages not
// finished (stages/page_checkpoints.h). It returns either a StageResult
// (a patch of top-level record fields, optionally a reason to send the document to the
// clearing station) or a StageFailure (retryable, final, bad input to quarantine, or no
// space: the site's disk is full, which costs the document nothing).
// A stage knows nothing of sockets, SQLite, retries or threads: the worker loop does.
//
// Stages must be idempotent: running a stage twice on the same record gives the same patch
// (blobs are content-addressed, so rewriting one is harmless). One Stage object is created
// per worker process and reused for every job (models are loaded once); run() is called
// from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "pipeline/status.h"

namespace zpe {

// Reads and writes content-addressed blobs (by lower-case hex SHA-256). In a worker this
// goes through the dispatcher, so a worker on another host needs no shared disk.
class BlobAccess {
 public:
  virtual ~BlobAccess() = default;
  virtual Result<std::string> read(const std::string& sha256) = 0;
  // Stores bytes and returns their SHA-256. Storing the same bytes twice is a no-op.
  virtual Result<std::string> write(std::string_view bytes) = 0;
};

// One document already filed into a case file.
struct FiledDocument {
  std::string document_id;
  int64_t filed_at_ms = 0;
  std::string text_fingerprint;  // classification.text_fingerprint; "" when it had none
};

// Looks up what was filed: in a worker this asks the dispatcher, which answers from the job
// store, so a worker on another host needs no database. Tests pass an in-memory one.
class FiledDocuments {
 public:
  virtual ~FiledDocuments() = default;
  // The documents of `tenant` filed into case `case_number` at or after since_ms (epoch
  // ms), oldest first. An error only when the lookup itself failed (kUnavailable: retry).
  virtual Result<std::vector<FiledDocument>> filed_in_case(const std::string& tenant, const std::string& case_number,
                                                           int64_t since_ms) = 0;
};

// Page checkpoints of the running job (docs/ARCHITECTURE.md "Page checkpoints"): what
// earlier, interrupted attempts of this stage recorded for the document's pages, and a way to
// record each page as it is finished, so a retry after a kill -9 or a lost lease works only
// the pages that were not. In a worker this goes through the dispatcher into the job store,
// fenced by the job's lease. Stages use it through stages/page_checkpoints.h, not directly.
// Thread-safe.
class PageCheckpoints {
 public:
  virtual ~PageCheckpoints() = default;
  // The result an earlier attempt recorded for page `index` with this stage version and
  // input hash; nothing when there is none (or it was recorded for other inputs).
  virtual std::optional<nlohmann::json> find(std::size_t index, const std::string& stage_version,
                                             const std::string& input_sha256) = 0;
  // Records page `index`'s result (a small JSON object naming the blobs the page wrote)
  // durably before it returns. kConflict when the job's lease is no longer held (its result
  // would be refused: stop working); other errors: the page is merely not recorded.
  virtual Status save(std::size_t index, const std::string& stage_version, const std::string& input_sha256,
                      const nlohmann::json& result) = 0;
};

enum class FailureKind {
  kRetryable,  // a passing fault (peer unavailable, out of memory): try again, maybe elsewhere
  kFinal,      // retrying will not help; a person must look (goes to CLEARING)
  kBadInput,   // the original itself is unusable (corrupt, unsupported): goes to quarantine
  kNoSpace,    // the site's disk is full (a blob write was refused with no space): the job
               // waits with back-off and spends no attempt (pipeline/no_space.h)
};

const char* failure_kind_name(FailureKind kind);

struct StageFailure {
  FailureKind kind = FailureKind::kFinal;
  std::string reason;  // for an operator: names the file, the page and what to do
};

struct StageResult {
  // Top-level record fields to set (each key replaces the record's key of that name).
  nlohmann::json patch = nlohmann::json::object();
  // When set, the document goes to the clearing station with this reason after the patch
  // is applied, instead of moving on to the next stage.
  std::optional<std::string> clearing_reason;
};

using StageOutcome = tl::expected<StageResult, StageFailure>;

struct StageContext {
  const nlohmann::json& record;    // the document record as the dispatcher holds it
  const nlohmann::json& settings;  // this stage's settings merged with the tenant's (config)
  BlobAccess& blobs;
  // What was filed before; nullptr where no job store is at hand (`zpe eval`): then the
  // route stage cannot look for near-duplicates and says so in its record.
  FiledDocuments* filed = nullptr;
  // Page checkpoints of this job; nullptr where there is no job store (`zpe eval`, tests):
  // then every page is worked and nothing is recorded.
  PageCheckpoints* checkpoints = nullptr;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  // A version string recorded with every result, e.g. "ocr/1 tesseract-5.3.0 deu".
  virtual std::string version() const = 0;
  virtual StageOutcome run(const StageContext& context) = 0;
};

inline tl::unexpected<StageFailure> stage_failure(FailureKind kind, std::string reason) {
  return tl::unexpected<StageFailure>(StageFailure{kind, std::move(reason)});
}

inline const char* failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kRetryable: return "retryable";
    case FailureKind::kFinal: return "final";
    case FailureKind::kBadInput: return "bad_input";
    case FailureKind::kNoSpace: return "no_space";
  }
  return "final";
}

// Creates the stage of that name with its settings (the config's [stages.<name>] table as
// JSON), or an error naming the known stages. Registration lives in stages/registry.cpp:
// adding a stage is one new file and one line there.
Result<std::unique_ptr<Stage>> make_stage(std::string_view name, const nlohmann::json& settings);

}  // namespace zpe
