// CaseRegistryDb: the case registry as a SQLite file — the case system's list of cases, which
// the route stage checks case numbers against (as a snapshot, classifiers/case_registry.h),
// `zpe registry` edits and the reference case-file sink (`zpe casefile-sink --registry`)
// keeps up to date with what it files. Schema (version 2, in PRAGMA user_version) in
// docs/CLASSIFY.md; a version-1 registry is migrated when opened (the applicant's second-key
// columns are added, empty), so existing registries stay readable. The file is in WAL mode, so readers (route workers) read while a writer
// (the sink, `zpe registry`) commits; writers wait up to 5 s for each other.
//
// One connection per object; not thread-safe (one per thread or process). Every write is
// one transaction. record_filing is idempotent per event id: a case's documents_filed counts
// each event once, however often the event is delivered.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "classifiers/case_registry.h"
#include "pipeline/status.h"

namespace zpe {

// The schema version this code reads and writes (PRAGMA user_version).
inline constexpr int kCaseRegistrySchemaVersion = 2;

// A row of `cases` as listed: the registered case plus what the sink maintains.
struct CaseRecord {
  classifiers::RegisteredCase registered;
  int64_t documents_filed = 0;
  std::string last_filed_at;  // ISO 8601 UTC ("2026-12-02T01:52:36Z"); "" before the first filing
};

// One document the case system received (from a "document filed" event).
struct CaseFiling {
  std::string event_id;
  std::string case_number;
  std::string tenant;
  std::string document_id;
  int64_t filed_at_ms = 0;
};

struct ImportCounts {
  int64_t added = 0;
  int64_t updated = 0;  // already registered: opened, state and given second keys taken from the import
};

class CaseRegistryDb {
 public:
  // kExisting: the file must exist and hold a registry. kCreate: created (with the schema)
  // when missing or empty.
  enum class OpenMode { kExisting, kCreate };
  static Result<std::unique_ptr<CaseRegistryDb>> open(const std::filesystem::path& file, OpenMode mode);
  ~CaseRegistryDb();
  CaseRegistryDb(const CaseRegistryDb&) = delete;
  CaseRegistryDb& operator=(const CaseRegistryDb&) = delete;

  const std::filesystem::path& file() const { return file_; }

  // The tenant's cases ("" = all tenants) as the snapshot the decision policy reads.
  Result<classifiers::CaseRegistry> snapshot(const std::string& tenant);
  // Changes whenever another connection has committed since the last call (PRAGMA
  // data_version): a cheap "re-read needed?" check, which the file's mtime is not in WAL mode.
  Result<int64_t> data_version();

  // kInvalidInput when the case number is malformed or the case is already registered. An
  // empty `opened` means today (UTC).
  Status add_case(const classifiers::RegisteredCase& registered);
  // Adds new cases and updates registered ones, all in one transaction (all or nothing).
  Result<ImportCounts> import_cases(const std::vector<classifiers::RegisteredCase>& cases);
  // kNotFound when the tenant has no such case.
  Status set_state(const std::string& case_number, const std::string& tenant, classifiers::CaseState state);
  // Cases of the tenant ("" = all), ordered by tenant and case number.
  Result<std::vector<CaseRecord>> list(const std::string& tenant);
  // Counts the filing into its case (documents_filed + 1, last_filed_at) unless its event id
  // was recorded before; a case the registry does not know is registered (open, opened on
  // the filing day) — the case system has it now. True when counted, false for a repeat.
  Result<bool> record_filing(const CaseFiling& filing);

 private:
  CaseRegistryDb(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}
  Status prepare_schema(OpenMode mode);
  // Raises an older schema to kCaseRegistrySchemaVersion in one transaction.
  Status migrate();
  // `error` with the file named, for messages an operator reads.
  Error named(const Error& error) const;

  sqlite3* db_;
  std::filesystem::path file_;
};

}  // namespace zpe
