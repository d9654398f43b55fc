#include "pipeline/blob_store.h"

#include <openssl/evp.h>

#include "pipeline/durable_file.h"

namespace zpe {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(digits[digest[i] >> 4]);
    out.push_back(digits[digest[i] & 15]);
  }
  return out;
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

BlobStore::BlobStore(std::filesystem::path root) : BlobStore(std::move(root), write_file_durably) {}

std::filesystem::path BlobStore::path_of(const std::string& sha256) const {
  return root_ / sha256.substr(0, 2) / sha256.substr(2, 2) / sha256;
}

bool BlobStore::contains(const std::string& sha256) const {
  std::error_code ec;
  return is_sha256_hex(sha256) && std::filesystem::exists(path_of(sha256), ec);
}

Result<std::string> BlobStore::put(std::string_view bytes) {
  std::string sha = sha256_hex(bytes);
  if (contains(sha)) return sha;
  auto written = write_(path_of(sha), bytes);
  if (!written) return fail(written.error());
  return sha;
}

Result<std::string> BlobStore::get(const std::string& sha256) const {
  if (!is_sha256_hex(sha256)) {
    return fail(ErrorKind::kInvalidInput, "not a SHA-256 blob name: '" + sha256 + "'");
  }
  auto bytes = read_whole_file(path_of(sha256));
  if (!bytes) return fail(ErrorKind::kNotFound, "blob " + sha256 + " is not in the blob store");
  if (sha256_hex(*bytes) != sha256) {
    return fail(ErrorKind::kCorruption, "blob " + sha256 + " does not match its hash on disk");
  }
  return bytes;
}

}  // namespace zpe
