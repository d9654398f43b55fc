#include "pipeline/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <vector>

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

namespace {

int64_t modified_ms_of(const std::filesystem::path& path, std::error_code& ec) {
  const auto stamp = std::filesystem::last_write_time(path, ec);
  if (ec) return 0;
  const auto system = std::chrono::file_clock::to_sys(stamp);
  return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
}

}  // namespace

Result<std::string> BlobStore::put(std::string_view bytes) {
  std::string sha = sha256_hex(bytes);
  const std::filesystem::path path = path_of(sha);
  // Already stored: renew it, so that a storage-policy removal decided before now keeps it
  // (remove_unless_renewed). If it vanished meanwhile, it is written again below.
  if (utimensat(AT_FDCWD, path.c_str(), nullptr, 0) == 0) return sha;
  auto written = write_(path, bytes);
  if (!written) return fail(written.error());
  return sha;
}

Status BlobStore::for_each(const std::function<void(const Listed&)>& visit) const {
  std::error_code ec;
  if (!std::filesystem::exists(root_, ec)) return {};
  std::filesystem::recursive_directory_iterator it(root_, ec), end;
  if (ec) return fail(ErrorKind::kIOError, "cannot list the blob store " + root_.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return fail(ErrorKind::kIOError, "cannot list the blob store " + root_.string() + ": " + ec.message());
    const std::string name = it->path().filename().string();
    if (!is_sha256_hex(name) || !it->is_regular_file(ec)) continue;
    Listed listed{name, it->file_size(ec), 0};
    if (ec) continue;  // removed while listing
    listed.modified_ms = modified_ms_of(it->path(), ec);
    if (ec) continue;
    visit(listed);
  }
  return {};
}

Result<std::uintmax_t> BlobStore::remove_unless_renewed(const std::string& sha256, int64_t since_ms) {
  if (!is_sha256_hex(sha256)) return fail(ErrorKind::kInvalidInput, "not a SHA-256 blob name: '" + sha256 + "'");
  const std::filesystem::path path = path_of(sha256);
  // Moved aside first (atomic): from then on a put() finds no blob and writes a new one. A
  // put() that renewed the blob before the move left a modification time that says so.
  const std::filesystem::path aside = path.string() + ".removing";
  std::error_code ec;
  std::filesystem::rename(path, aside, ec);
  if (ec == std::errc::no_such_file_or_directory) return std::uintmax_t{0};
  if (ec) return fail(ErrorKind::kIOError, "cannot remove blob " + sha256 + ": " + ec.message());
  const int64_t modified = modified_ms_of(aside, ec);
  if (ec || modified >= since_ms) {  // renewed (or unreadable): put it back
    std::error_code back;
    if (std::filesystem::exists(path, back)) {
      std::filesystem::remove(aside, back);  // a put() wrote it again meanwhile
    } else {
      std::filesystem::rename(aside, path, back);
    }
    if (back) return fail(ErrorKind::kIOError, "cannot put blob " + sha256 + " back: " + back.message());
    return std::uintmax_t{0};
  }
  const std::uintmax_t bytes = std::filesystem::file_size(aside, ec);
  std::filesystem::remove(aside, ec);
  if (ec) return fail(ErrorKind::kIOError, "cannot remove blob " + sha256 + ": " + ec.message());
  return bytes;
}

Result<int64_t> BlobStore::put_back_interrupted_removals() {
  constexpr std::string_view kAside = ".removing";
  std::vector<std::filesystem::path> aside;
  std::error_code ec;
  if (!std::filesystem::exists(root_, ec)) return int64_t{0};
  for (std::filesystem::recursive_directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() == 64 + kAside.size() && name.ends_with(kAside) && is_sha256_hex(name.substr(0, 64))) {
      aside.push_back(it->path());
    }
  }
  if (ec) return fail(ErrorKind::kIOError, "cannot list the blob store " + root_.string() + ": " + ec.message());
  for (const auto& path : aside) {
    const std::filesystem::path blob = path.parent_path() / path.filename().string().substr(0, 64);
    if (std::filesystem::exists(blob, ec)) {
      std::filesystem::remove(path, ec);
    } else {
      std::filesystem::rename(path, blob, ec);
    }
    if (ec) return fail(ErrorKind::kIOError, "cannot put blob " + blob.string() + " back: " + ec.message());
  }
  return static_cast<int64_t>(aside.size());
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
