#include "pipeline/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include <zmq.h>

#include "pipeline/durable_file.h"

namespace zpe {

namespace {

constexpr size_t kZ85KeyLength = 40;

// The non-comment, non-blank lines of a key file, trimmed.
std::vector<std::string> key_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    out.push_back(line.substr(first, last - first + 1));
  }
  return out;
}

// Creates `path` exclusively with `mode` and writes `text` to disk before returning.
Status create_exclusive(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return fail(errno == EEXIST ? ErrorKind::kConflict : ErrorKind::kIOError,
                "cannot create " + path.string() + ": " + std::strerror(errno));
  }
  // The umask may have taken bits away from a public key; a secret key keeps 0600 either way.
  ::fchmod(fd, mode);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!written) return fail(ErrorKind::kIOError, "cannot write " + path.string() + ": " + std::strerror(saved));
  return {};
}

}  // namespace

bool is_z85_key(const std::string& text) {
  if (text.size() != kZ85KeyLength) return false;
  uint8_t decoded[32];
  return zmq_z85_decode(decoded, text.c_str()) != nullptr;
}

Result<CurveKeyPair> make_curve_key_pair() {
  char public_key[kZ85KeyLength + 1] = {0};
  char secret_key[kZ85KeyLength + 1] = {0};
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    return fail(ErrorKind::kInternal, std::string("cannot make a CURVE key pair: ") + zmq_strerror(zmq_errno()) +
                                          " (libzmq built without CURVE support?)");
  }
  return CurveKeyPair{public_key, secret_key};
}

CurveKeyFiles curve_key_files(const std::filesystem::path& dir, const std::string& name) {
  return {dir / (name + ".key"), dir / (name + ".pub")};
}

Result<CurveKeyFiles> write_curve_key_pair(const CurveKeyPair& pair, const std::filesystem::path& dir,
                                           const std::string& name, const std::string& comment) {
  const CurveKeyFiles files = curve_key_files(dir, name);
  for (const auto& file : {files.secret_file, files.public_file}) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(file, ec))) {
      return fail(ErrorKind::kConflict, file.string() + " exists; keys are never overwritten (choose another --name "
                                                        "or remove the old pair first)");
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(ErrorKind::kIOError, "cannot create " + dir.string() + ": " + ec.message());
  const std::string head = "# " + comment + "\n";
  if (auto st = create_exclusive(files.secret_file, head + "# CURVE secret key: keep it on this host, readable only by ZPE.\n" +
                                                        pair.secret_key + "\n",
                                 0600);
      !st) {
    return fail(st.error());
  }
  if (auto st = create_exclusive(files.public_file, head + "# CURVE public key: give it to the server that lets this host in.\n" +
                                                        pair.public_key + "\n",
                                 0644);
      !st) {
    std::filesystem::remove(files.secret_file, ec);  // never leave half a pair
    return fail(st.error());
  }
  if (auto st = fsync_directory(dir); !st) return fail(st.error());
  return files;
}

Result<CurveKeyPair> read_curve_secret_key(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    return fail(ErrorKind::kNotFound, "cannot read the CURVE secret key " + file.string() + ": " + std::strerror(errno));
  }
  if (info.st_mode & (S_IROTH | S_IWOTH)) {
    return fail(ErrorKind::kInvalidInput, "the CURVE secret key " + file.string() +
                                              " may be read by any user of this host: chmod 600 " + file.string());
  }
  auto text = read_whole_file(file);
  if (!text) return fail(text.error());
  const auto lines = key_lines(*text);
  if (lines.size() != 1 || !is_z85_key(lines[0])) {
    return fail(ErrorKind::kInvalidInput, file.string() + " is not a CURVE secret key (one line of 40 Z85 characters, "
                                                          "as `zpe keygen` writes it)");
  }
  char public_key[kZ85KeyLength + 1] = {0};
  if (zmq_curve_public(public_key, lines[0].c_str()) != 0) {
    return fail(ErrorKind::kInvalidInput, "cannot derive the public key of " + file.string() + ": " + zmq_strerror(zmq_errno()));
  }
  return CurveKeyPair{public_key, lines[0]};
}

Result<std::string> read_curve_public_key(const std::filesystem::path& file) {
  auto text = read_whole_file(file);
  if (!text) return fail(ErrorKind::kNotFound, "cannot read the CURVE public key " + file.string() + ": " + text.error().message);
  const auto lines = key_lines(*text);
  if (lines.size() != 1 || !is_z85_key(lines[0])) {
    return fail(ErrorKind::kInvalidInput, file.string() + " is not a CURVE public key (one line of 40 Z85 characters, "
                                                          "as `zpe keygen` writes NAME.pub)");
  }
  return lines[0];
}

Result<AuthorizedKeys> read_authorized_keys(const std::filesystem::path& file_or_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (std::filesystem::is_directory(file_or_dir, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(file_or_dir, ec)) {
      if (entry.path().extension() == ".pub" && entry.is_regular_file(ec)) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::exists(file_or_dir, ec)) {
    files.push_back(file_or_dir);
  } else {
    return fail(ErrorKind::kNotFound, "the authorised keys " + file_or_dir.string() + " do not exist");
  }
  AuthorizedKeys keys;
  for (const auto& file : files) {
    auto text = read_whole_file(file);
    if (!text) return fail(text.error());
    for (const auto& line : key_lines(*text)) {
      if (!is_z85_key(line)) {
        return fail(ErrorKind::kInvalidInput, file.string() + ": '" + line.substr(0, 60) +
                                                  "' is not a CURVE public key (40 Z85 characters a line)");
      }
      keys.emplace(line, file.stem().string());
    }
  }
  if (keys.empty()) {
    return fail(ErrorKind::kInvalidInput, "no public key in " + file_or_dir.string() +
                                              " (expected NAME.pub files written by `zpe keygen`): nobody could connect");
  }
  return keys;
}

}  // namespace zpe
