// Where a case registry snapshot comes from: a CSV file or a SQLite registry
// (connectors/case_registry_db.h), told apart by the file itself. `zpe eval` loads one
// snapshot; the route stage keeps one per registry file and tenant current with
// FollowedRegistry, so a case the case system opens (or closes) counts for the next
// document without restarting the worker.
//
// Format: a file that starts with the SQLite header ("SQLite format 3\0") is a SQLite
// registry; a missing or shorter file is one when its name ends in .sqlite or .db; anything
// else is CSV. FollowedRegistry is not thread-safe (one per stage object).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "classifiers/case_registry.h"
#include "connectors/case_registry_db.h"
#include "pipeline/status.h"

namespace zpe {

enum class RegistryFormat { kCsv, kSqlite };

RegistryFormat registry_format(const std::filesystem::path& file);

// The tenant's snapshot ("" = all tenants) from either format. kNotFound when the file
// does not exist; kInvalidInput (naming the file and line) when it is malformed.
Result<classifiers::CaseRegistry> load_case_registry(const std::filesystem::path& file, const std::string& tenant);

class FollowedRegistry {
 public:
  FollowedRegistry(std::filesystem::path file, std::string tenant);

  // The current snapshot, re-read when the registry changed since the last call: for a
  // SQLite registry when another connection committed (PRAGMA data_version) or the file was
  // replaced; for a CSV when its size, modification time or inode changed. nullptr when the
  // file does not exist. Errors as load_case_registry (no stale snapshot is handed out
  // instead); the next call tries again.
  Result<const classifiers::CaseRegistry*> current();

 private:
  // What identifies the file's content cheaply (stat).
  struct FileStamp {
    dev_t device = 0;
    ino_t inode = 0;
    int64_t size = 0;
    int64_t modified_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  static std::optional<FileStamp> stamp(const std::filesystem::path& file);
  Result<bool> sqlite_changed(const FileStamp& now);

  std::filesystem::path file_;
  std::string tenant_;
  std::optional<FileStamp> stamp_;          // of the file the snapshot was read from
  RegistryFormat format_ = RegistryFormat::kCsv;  // of that file: read again only when its stamp changes
  std::unique_ptr<CaseRegistryDb> db_;      // kept open for data_version (SQLite only)
  int64_t data_version_ = 0;                // db_'s data_version when the snapshot was read
  std::optional<classifiers::CaseRegistry> snapshot_;
};

}  // namespace zpe
