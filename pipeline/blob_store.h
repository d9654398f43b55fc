// BlobStore: immutable, content-addressed storage of every byte ZPE keeps (originals,
// page images, OCR text, PDFs) under <home>/var/blobs/, named by SHA-256.
//
// put() writes durably (temp name, fsync, rename) and is idempotent: the same bytes give
// the same name and are stored once. Blobs are never modified or deleted by processing,
// so an original stays exactly as received. get() verifies the hash on read, so silent
// corruption on disk is reported, not passed on. Safe to use from several processes and
// threads at once.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace zpe {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);
bool is_sha256_hex(std::string_view text);

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  Result<std::string> put(std::string_view bytes);
  Result<std::string> get(const std::string& sha256) const;
  bool contains(const std::string& sha256) const;
  std::filesystem::path path_of(const std::string& sha256) const;

 private:
  std::filesystem::path root_;
};

}  // namespace zpe
