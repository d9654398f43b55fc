#include "connectors/egvp_package.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <ctime>
#include <memory>
#include <vector>

#include "connectors/xjustiz_inbound.h"

namespace zpe {

namespace {

namespace fs = std::filesystem;

constexpr int64_t kRatioCheckFromBytes = int64_t{1} << 20;  // small entries may compress well
constexpr int64_t kMaxMessageBytes = int64_t{16} << 20;

struct ZipDiscard {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;

tl::unexpected<Error> refuse(const std::string& package, const std::string& why) {
  return fail(ErrorKind::kInvalidInput, package + ": " + why);
}

std::string mib(int64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

// Splits the message file from the attachments; refuses a package without one.
Result<PackageContents> with_message(PackageContents contents) {
  auto found = contents.files.find(kXJustizMessageFile);
  if (found == contents.files.end()) {
    return refuse(contents.name, std::string("no ") + kXJustizMessageFile + " in the package — not an XJustiz package");
  }
  if (static_cast<int64_t>(found->second.size()) > kMaxMessageBytes) {
    return refuse(contents.name, std::string(kXJustizMessageFile) + " is larger than " + mib(kMaxMessageBytes));
  }
  contents.message_xml = std::move(found->second);
  contents.files.erase(found);
  return contents;
}

// One entry's metadata, checked before anything is decompressed.
Status check_zip_entry(zip_t* archive, zip_uint64_t index, const zip_stat_t& stat, const PackageLimits& limits,
                       const std::string& package) {
  const std::string name = stat.name ? stat.name : "";
  const std::string entry = "entry '" + name + "'";
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;
  if (zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) == 0 && opsys == ZIP_OPSYS_UNIX &&
      S_ISLNK(attributes >> 16)) {
    return refuse(package, entry + " is a symbolic link — refused");
  }
  if (!name.empty() && name.back() == '/' && name.find("..") == std::string::npos && name.front() != '/') {
    return refuse(package, entry + " is a folder — a package is flat");
  }
  if (auto valid = validate_package_name(name); !valid) return refuse(package, entry + ": " + valid.error().message);
  if (stat.encryption_method != ZIP_EM_NONE) return refuse(package, entry + " is encrypted");
  const auto size = static_cast<int64_t>(stat.size), compressed = static_cast<int64_t>(stat.comp_size);
  if (size >= kRatioCheckFromBytes &&
      (compressed == 0 || static_cast<double>(size) / static_cast<double>(compressed) > limits.max_compression_ratio)) {
    return refuse(package, entry + " inflates " + std::to_string(compressed) + " bytes to " + std::to_string(size) +
                               " (more than " + std::to_string(static_cast<int>(limits.max_compression_ratio)) +
                               ":1) — a zip bomb, nothing was extracted");
  }
  return {};
}

// Reads one entry, refusing more bytes than it declared (a lying header) or a CRC error.
Result<std::string> read_zip_entry(zip_t* archive, zip_uint64_t index, const zip_stat_t& stat, const std::string& package) {
  const std::string entry = std::string("entry '") + stat.name + "'";
  zip_file_t* file = zip_fopen_index(archive, index, 0);
  if (!file) return refuse(package, entry + " cannot be opened: " + zip_strerror(archive));
  std::string bytes;
  bytes.reserve(static_cast<size_t>(stat.size));
  std::vector<char> chunk(64 * 1024);
  std::string problem;
  for (;;) {
    const zip_int64_t got = zip_fread(file, chunk.data(), chunk.size());
    if (got < 0) {
      problem = std::string("cannot be read (") + zip_file_strerror(file) + ") — the zip is damaged";
      break;
    }
    if (got == 0) break;
    bytes.append(chunk.data(), static_cast<size_t>(got));
    if (bytes.size() > stat.size) {
      problem = "inflates beyond its declared size — refused";
      break;
    }
  }
  zip_fclose(file);
  if (problem.empty() && bytes.size() != stat.size) problem = "is shorter than declared — the zip is damaged";
  if (!problem.empty()) return refuse(package, entry + " " + problem);
  return bytes;
}

// A regular file in a package folder, opened without following a link.
Result<std::string> read_no_follow(const fs::path& file, int64_t expected_size) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::kInvalidInput, file.filename().string() + " cannot be opened (a link?)");
  std::string bytes;
  std::vector<char> chunk(64 * 1024);
  ssize_t got = 0;
  while ((got = ::read(fd, chunk.data(), chunk.size())) > 0) {
    bytes.append(chunk.data(), static_cast<size_t>(got));
    if (static_cast<int64_t>(bytes.size()) > expected_size) break;
  }
  ::close(fd);
  if (got < 0) return fail(ErrorKind::kIOError, "cannot read " + file.string());
  if (static_cast<int64_t>(bytes.size()) != expected_size) {
    return fail(ErrorKind::kIOError, file.string() + " changed while it was read — try again");
  }
  return bytes;
}

Result<PackageContents> read_folder_package(const fs::path& folder, const PackageLimits& limits) {
  PackageContents contents;
  contents.name = folder.filename().string();
  std::vector<std::pair<fs::path, int64_t>> entries;
  int64_t total = 0;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const fs::file_status status = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_symlink(status)) return refuse(contents.name, "'" + name + "' is a symbolic link — refused");
    if (fs::is_directory(status)) return refuse(contents.name, "'" + name + "' is a subfolder — a package is flat");
    if (!fs::is_regular_file(status)) return refuse(contents.name, "'" + name + "' is not a regular file");
    if (auto valid = validate_package_name(name); !valid) {
      return refuse(contents.name, "file '" + name + "': " + valid.error().message);
    }
    const auto size = static_cast<int64_t>(it->file_size(ec));
    if (ec) break;
    total += size;
    entries.emplace_back(it->path(), size);
    if (static_cast<int>(entries.size()) > limits.max_entries) {
      return refuse(contents.name, "more than " + std::to_string(limits.max_entries) + " files");
    }
  }
  if (ec) return fail(ErrorKind::kIOError, "cannot list " + folder.string() + ": " + ec.message());
  if (entries.empty()) return refuse(contents.name, "the folder is empty — not an XJustiz package");
  if (total > limits.max_package_bytes) {
    return refuse(contents.name, "the files have " + std::to_string(total) + " bytes together, more than the limit of " +
                                     std::to_string(limits.max_package_bytes) + " ([egvp.inbound] max_package_bytes)");
  }
  for (const auto& [file, size] : entries) {
    auto bytes = read_no_follow(file, size);
    if (!bytes) return fail(bytes.error().kind, contents.name + ": " + bytes.error().message);
    contents.files[file.filename().string()] = std::move(*bytes);
  }
  auto zipped = zip_folder_files(contents.files);
  if (!zipped) return fail(zipped.error());
  contents.archive = std::move(*zipped);
  return with_message(std::move(contents));
}

// The zip epoch (1980-01-01 00:00) in local time, which is what libzip writes as DOS time:
// the same date in every time zone.
time_t zip_epoch() {
  std::tm tm{};
  tm.tm_year = 80;
  tm.tm_mday = 1;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

}  // namespace

Result<PackageContents> read_zip_package(const std::string& name, std::string zip_bytes, const PackageLimits& limits) {
  PackageContents contents;
  contents.name = name;
  contents.is_zip = true;
  contents.archive = std::move(zip_bytes);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(contents.archive.data(), contents.archive.size(), 0, &error);
  if (!source) return fail(ErrorKind::kInternal, name + ": " + zip_error_strerror(&error));
  ZipPtr archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(source);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return refuse(name, "not a readable zip archive (" + why + ") — truncated or damaged");
  }
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0) return refuse(name, std::string("the zip's directory cannot be read: ") + zip_strerror(archive.get()));
  if (count > limits.max_entries) {
    return refuse(name, "the zip has " + std::to_string(count) + " entries, more than " + std::to_string(limits.max_entries));
  }
  std::vector<zip_stat_t> stats(static_cast<size_t>(count));
  int64_t total = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t& stat = stats[static_cast<size_t>(i)];
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0) {
      return refuse(name, "entry " + std::to_string(i + 1) + " cannot be read: " + zip_strerror(archive.get()));
    }
    if (auto st = check_zip_entry(archive.get(), static_cast<zip_uint64_t>(i), stat, limits, name); !st) return fail(st.error());
    total += static_cast<int64_t>(stat.size);
    if (contents.files.count(stat.name)) return refuse(name, std::string("entry '") + stat.name + "' appears twice");
    contents.files[stat.name];  // reserve the name; filled below
  }
  if (total > limits.max_unpacked_bytes) {
    return refuse(name, "the entries unpack to " + std::to_string(total) + " bytes, more than the limit of " +
                            std::to_string(limits.max_unpacked_bytes) + " — a zip bomb, nothing was extracted");
  }
  for (zip_int64_t i = 0; i < count; ++i) {
    const zip_stat_t& stat = stats[static_cast<size_t>(i)];
    auto bytes = read_zip_entry(archive.get(), static_cast<zip_uint64_t>(i), stat, name);
    if (!bytes) return fail(bytes.error());
    contents.files[stat.name] = std::move(*bytes);
  }
  return with_message(std::move(contents));
}

Result<PackageContents> read_package(const fs::path& package, const PackageLimits& limits) {
  const std::string name = package.filename().string();
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(package, ec);
  if (ec) return fail(ErrorKind::kIOError, "cannot read " + package.string() + ": " + ec.message());
  if (fs::is_symlink(status)) return refuse(name, "the package is a symbolic link — refused");
  if (fs::is_directory(status)) return read_folder_package(package, limits);
  if (!fs::is_regular_file(status)) return refuse(name, "neither a folder nor a regular file");
  if (!name.ends_with(".zip")) return refuse(name, "not a folder and not a .zip file — not an XJustiz package");
  const auto size = static_cast<int64_t>(fs::file_size(package, ec));
  if (ec) return fail(ErrorKind::kIOError, "cannot read " + package.string() + ": " + ec.message());
  if (size > limits.max_package_bytes) {
    return refuse(name, "the zip has " + std::to_string(size) + " bytes, more than the limit of " +
                            std::to_string(limits.max_package_bytes) + " ([egvp.inbound] max_package_bytes)");
  }
  auto bytes = read_no_follow(package, size);
  if (!bytes) return fail(bytes.error());
  return read_zip_package(name, std::move(*bytes), limits);
}

Result<std::string> zip_folder_files(const std::map<std::string, std::string>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!target) return fail(ErrorKind::kInternal, std::string("zip: ") + zip_error_strerror(&error));
  zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, &error);
  if (!archive) {
    zip_source_free(target);
    return fail(ErrorKind::kInternal, std::string("zip: ") + zip_error_strerror(&error));
  }
  zip_source_keep(target);  // the bytes are read from it after zip_close
  const time_t epoch = zip_epoch();
  std::string problem;
  for (const auto& [name, bytes] : files) {  // std::map: sorted by name
    zip_source_t* entry = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    const zip_int64_t index = entry ? zip_file_add(archive, name.c_str(), entry, ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0) {
      if (entry) zip_source_free(entry);
      problem = zip_strerror(archive);
      break;
    }
    const auto i = static_cast<zip_uint64_t>(index);
    if (zip_file_set_mtime(archive, i, epoch, 0) != 0 ||
        zip_file_set_external_attributes(archive, i, 0, ZIP_OPSYS_UNIX, zip_uint32_t{0100644} << 16) != 0 ||
        zip_set_file_compression(archive, i, ZIP_CM_DEFLATE, 9) != 0) {
      problem = zip_strerror(archive);
      break;
    }
  }
  if (!problem.empty()) {
    zip_discard(archive);
    zip_source_free(target);
    return fail(ErrorKind::kInternal, "zip: " + problem);
  }
  if (zip_close(archive) != 0) {
    problem = zip_strerror(archive);
    zip_discard(archive);
    zip_source_free(target);
    return fail(ErrorKind::kInternal, "zip: " + problem);
  }
  std::string out;
  if (zip_source_open(target) == 0) {
    std::vector<char> chunk(64 * 1024);
    zip_int64_t got = 0;
    while ((got = zip_source_read(target, chunk.data(), chunk.size())) > 0) out.append(chunk.data(), static_cast<size_t>(got));
    zip_source_close(target);
  }
  zip_source_free(target);
  if (out.empty()) return fail(ErrorKind::kInternal, "zip: the archive could not be read back");
  return out;
}

}  // namespace zpe
