// BlobStore: immutable, content-addressed storage of every byte ZPE keeps (originals,
// page images, OCR text, PDFs) under <home>/var/blobs/, named by SHA-256.
//
// put() writes durably (temp name, fsync, rename) and is idempotent: the same bytes give
// the same name and are stored once; putting bytes that are already there renews the
// blob's modification time. Blobs are never modified by processing, so an original stays
// exactly as received; only the storage policy removes them (pipeline/storage_gc.h), through
// remove_unless_renewed(), which never removes a blob put again since the policy decided. get() verifies the hash on read, so silent
// corruption on disk is reported, not passed on. A full disk is an error of kind kNoSpace
// (the caller waits for space, pipeline/no_space.h). The file write sits behind a
// FileWriter so tests can refuse writes the way a full disk does. Safe to use from several
// processes and threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace zpe {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);
bool is_sha256_hex(std::string_view text);

// Writes one file whole and durably: write_file_durably (pipeline/durable_file.h), or in a
// test one that fails on purpose.
using FileWriter = std::function<Status(const std::filesystem::path& path, std::string_view bytes)>;

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root);
  BlobStore(std::filesystem::path root, FileWriter writer) : root_(std::move(root)), write_(std::move(writer)) {}

  Result<std::string> put(std::string_view bytes);
  Result<std::string> get(const std::string& sha256) const;
  bool contains(const std::string& sha256) const;
  std::filesystem::path path_of(const std::string& sha256) const;

  // One stored blob as listed by for_each(): name, size and last modification (or renewal).
  struct Listed {
    std::string sha256;
    std::uintmax_t bytes = 0;
    int64_t modified_ms = 0;
  };
  // Calls `visit` for every blob on disk (unordered); temporary and foreign files are skipped.
  Status for_each(const std::function<void(const Listed&)>& visit) const;
  // Removes a blob unless it was put (or renewed) at or after `since_ms`: a put() racing
  // with the removal either renews the blob first (it stays) or finds it gone and writes it
  // again. The caller picks since_ms early enough that a blob put before it is referenced
  // by now wherever it is used. Returns the bytes freed (0 when kept or already gone).
  Result<std::uintmax_t> remove_unless_renewed(const std::string& sha256, int64_t since_ms);
  // Puts back every blob whose removal was interrupted (a crash between moving it aside and
  // deciding): the removal is decided again by the next run. Returns how many.
  Result<int64_t> put_back_interrupted_removals();

 private:
  std::filesystem::path root_;
  FileWriter write_;
};

}  // namespace zpe
