// BlobStore: immutable, content-addressed storage of every byte ZPE keeps (originals,
// page images, OCR text, PDFs) under <home>/var/blobs/, named by SHA-256.
//
// put() writes durably (temp name, fsync, rename) and is idempotent: the same bytes give
// the same name and are stored once. Blobs are never modified or deleted by processing,
// so an original stays exactly as received. get() verifies the hash on read, so silent
// corruption on disk is reported, not passed on. A full disk is an error of kind kNoSpace
// (the caller waits for space, pipeline/no_space.h). The file write sits behind a
// FileWriter so tests can refuse writes the way a full disk does. Safe to use from several
// processes and threads at once.
#pragma once

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

 private:
  std::filesystem::path root_;
  FileWriter write_;
};

}  // namespace zpe
