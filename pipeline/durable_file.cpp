#include "pipeline/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <openssl/rand.h>

namespace zpe {

namespace {
std::string errno_text() { return std::strerror(errno); }

// A full disk or quota is the site's fault, not the document's: its own kind, so callers
// wait for space instead of spending attempts (pipeline/no_space.h).
ErrorKind errno_error_kind() { return zpe::write_error_kind(std::error_code(errno, std::generic_category())); }

// Writes all of bytes to fd and fsyncs it; the error names `path`.
Status write_all_and_sync(int fd, std::string_view bytes, const std::filesystem::path& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_error_kind(), "cannot write " + path.string() + ": " + errno_text());
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail(errno_error_kind(), "fsync of " + path.string() + " failed: " + errno_text());
  return {};
}
}  // namespace

ErrorKind write_error_kind(const std::error_code& error) {
  const bool errno_value = error.category() == std::generic_category() || error.category() == std::system_category();
  const bool full = errno_value && (error.value() == ENOSPC || error.value() == EDQUOT);
  return full ? ErrorKind::kNoSpace : ErrorKind::kIOError;
}

Status fsync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return fail(ErrorKind::kIOError, "cannot open folder " + dir.string() + ": " + errno_text());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return fail(ErrorKind::kIOError, "fsync of folder " + dir.string() + " failed: " + errno_text());
  return {};
}

Status write_file_durably(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return fail(write_error_kind(ec), "cannot create folder " + path.parent_path().string() + ": " + ec.message());
  }
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + random_hex(6);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return fail(errno_error_kind(), "cannot create " + tmp.string() + ": " + errno_text());
  auto written = write_all_and_sync(fd, bytes, tmp);
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const ErrorKind kind = errno_error_kind();
    std::string why = errno_text();
    ::unlink(tmp.c_str());
    return fail(kind, "cannot rename " + tmp.string() + " to " + path.string() + ": " + why);
  }
  return fsync_directory(path.parent_path());
}

Status append_file_durably(const std::filesystem::path& path, std::string_view bytes) {
  const bool existed = std::filesystem::exists(path);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return fail(errno_error_kind(), "cannot open " + path.string() + " to append: " + errno_text());
  auto written = write_all_and_sync(fd, bytes, path);
  ::close(fd);
  if (!written || existed) return written;
  return fsync_directory(path.parent_path());
}

Result<std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorKind::kNotFound, "cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return fail(ErrorKind::kIOError, "error while reading " + path.string());
  return out.str();
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace zpe
