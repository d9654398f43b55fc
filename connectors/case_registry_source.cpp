#include "connectors/case_registry_source.h"

#include <sys/stat.h>

#include <array>
#include <cstring>
#include <fstream>

namespace zpe {

namespace {

constexpr char kSqliteHeader[] = "SQLite format 3";  // 16 bytes with its terminating NUL

bool has_sqlite_name(const std::filesystem::path& file) {
  const auto extension = file.extension();
  return extension == ".sqlite" || extension == ".db";
}

}  // namespace

RegistryFormat registry_format(const std::filesystem::path& file) {
  std::array<char, sizeof kSqliteHeader> header{};
  std::ifstream in(file, std::ios::binary);
  if (in.read(header.data(), header.size())) {
    return std::memcmp(header.data(), kSqliteHeader, header.size()) == 0 ? RegistryFormat::kSqlite
                                                                          : RegistryFormat::kCsv;
  }
  return has_sqlite_name(file) ? RegistryFormat::kSqlite : RegistryFormat::kCsv;
}

Result<classifiers::CaseRegistry> load_case_registry(const std::filesystem::path& file, const std::string& tenant) {
  if (registry_format(file) == RegistryFormat::kCsv) return classifiers::CaseRegistry::load_csv(file, tenant);
  auto db = CaseRegistryDb::open(file, CaseRegistryDb::OpenMode::kExisting);
  if (!db) return fail(db.error());
  return (*db)->snapshot(tenant);
}

FollowedRegistry::FollowedRegistry(std::filesystem::path file, std::string tenant)
    : file_(std::move(file)), tenant_(std::move(tenant)) {}

std::optional<FollowedRegistry::FileStamp> FollowedRegistry::stamp(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return std::nullopt;
  return FileStamp{info.st_dev, info.st_ino, static_cast<int64_t>(info.st_size),
                   static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

// In WAL mode a commit leaves the main file's mtime alone until a checkpoint, so the file's
// stamp only tells that the file was replaced; data_version tells that its content changed.
Result<bool> FollowedRegistry::sqlite_changed(const FileStamp& now) {
  if (db_ && stamp_ && stamp_->device == now.device && stamp_->inode == now.inode) {
    auto version = db_->data_version();
    if (!version) return fail(version.error());
    return *version != data_version_;
  }
  db_.reset();
  auto opened = CaseRegistryDb::open(file_, CaseRegistryDb::OpenMode::kExisting);
  if (!opened) return fail(opened.error());
  db_ = std::move(*opened);
  return true;
}

Result<const classifiers::CaseRegistry*> FollowedRegistry::current() {
  const auto now = stamp(file_);
  if (!now) {
    snapshot_.reset();
    db_.reset();
    return nullptr;
  }
  // The format only changes with the file: no header read per document.
  const RegistryFormat format = stamp_ && *stamp_ == *now ? format_ : registry_format(file_);
  if (format == RegistryFormat::kCsv) {
    db_.reset();
    if (snapshot_ && stamp_ == now) return &*snapshot_;
    auto loaded = classifiers::CaseRegistry::load_csv(file_, tenant_);
    if (!loaded) return fail(loaded.error());
    snapshot_ = std::move(*loaded);
  } else {
    auto changed = sqlite_changed(*now);
    if (!changed) return fail(changed.error());
    if (snapshot_ && !*changed) return &*snapshot_;
    auto version = db_->data_version();  // before reading: a commit after it is seen next time
    if (!version) return fail(version.error());
    auto loaded = db_->snapshot(tenant_);
    if (!loaded) return fail(loaded.error());
    snapshot_ = std::move(*loaded);
    data_version_ = *version;
  }
  stamp_ = now;
  format_ = format;
  return &*snapshot_;
}

}  // namespace zpe
