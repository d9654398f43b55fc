// InMemoryBlobAccess: a BlobAccess for stage unit tests (header-only, tests only).
//
// Keeps blobs in a map keyed by SHA-256 like the real store, counts writes, and can be told
// to fail reads or writes with a given error so tests can check how a stage maps blob
// faults to StageFailure kinds. Not thread-safe; one test uses one instance.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/blob_store.h"
#include "stages/stage.h"

namespace zpe::testing {

class InMemoryBlobAccess : public BlobAccess {
 public:
  Result<std::string> read(const std::string& sha256) override {
    if (fail_reads_) return fail(*fail_reads_);
    const auto it = blobs_.find(sha256);
    if (it == blobs_.end()) return fail(ErrorKind::kNotFound, "blob " + sha256 + " does not exist");
    return it->second;
  }

  Result<std::string> write(std::string_view bytes) override {
    if (fail_writes_) return fail(*fail_writes_);
    ++writes_;
    std::string sha = sha256_hex(bytes);
    blobs_.emplace(sha, std::string(bytes));
    return sha;
  }

  // Stores bytes directly (test setup); returns their SHA-256.
  std::string put(std::string_view bytes) {
    std::string sha = sha256_hex(bytes);
    blobs_.emplace(sha, std::string(bytes));
    return sha;
  }

  // The bytes of a blob, or "" when absent (for assertions).
  std::string get(const std::string& sha256) const {
    const auto it = blobs_.find(sha256);
    return it == blobs_.end() ? std::string() : it->second;
  }

  bool contains(const std::string& sha256) const { return blobs_.count(sha256) > 0; }
  std::size_t size() const { return blobs_.size(); }
  int writes() const { return writes_; }

  void fail_reads_with(std::optional<Error> error) { fail_reads_ = std::move(error); }
  void fail_writes_with(std::optional<Error> error) { fail_writes_ = std::move(error); }

 private:
  std::map<std::string, std::string> blobs_;
  int writes_ = 0;
  std::optional<Error> fail_reads_;
  std::optional<Error> fail_writes_;
};

}  // namespace zpe::testing
