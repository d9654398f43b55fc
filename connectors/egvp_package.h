// Reading an inbound court-mailbox (EGVP) package into memory, safely. A package is a
// folder or a .zip holding xjustiz_nachricht.xml and the files it names, flat (no
// subfolders). Called by connectors/egvp_intake.h; thread-safe (no shared state).
//
// Nothing from a package ever becomes a path on this machine: every entry is checked
// (connectors/xjustiz_inbound.h validate_package_name) and read into memory by its base
// name; nothing is extracted to disk. A zip is checked as a whole before any entry is
// decompressed: readable central directory (a truncated zip is refused), at most
// max_entries entries, the declared uncompressed sizes summing to at most
// max_unpacked_bytes, no entry compressed more than max_compression_ratio : 1 (zip bombs),
// no encrypted entry, no symbolic link, no folder entry, no name twice. While reading, an
// entry that inflates beyond its declared size or fails its CRC is refused. A folder is
// listed without following links: a symbolic link, a subfolder or anything but a regular
// file is refused, and files are opened with O_NOFOLLOW.
//
// Failures: kInvalidInput with a reason for an operator (quarantine the package); kIOError
// when the file system failed (try again later).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "pipeline/status.h"

namespace zpe {

struct PackageLimits {
  int64_t max_package_bytes = int64_t{512} << 20;   // the zip file, or the folder's files together
  int64_t max_unpacked_bytes = int64_t{1} << 30;    // a zip's entries uncompressed, together
  int max_entries = 1000;
  double max_compression_ratio = 100.0;             // per zip entry, uncompressed : compressed
};

struct PackageContents {
  std::string name;     // the package's own name in the inbox (folder or zip file name)
  bool is_zip = false;
  // The package as one file: a zip exactly as received, or a folder zipped deterministically
  // (zip_folder_files). Kept as the original in the blob store and the archive.
  std::string archive;
  std::string message_xml;                    // xjustiz_nachricht.xml
  std::map<std::string, std::string> files;   // every other file, by base name
};

// Reads a package from the inbox: a regular file ending in .zip, or a folder.
Result<PackageContents> read_package(const std::filesystem::path& package, const PackageLimits& limits);

// Reads a zip held in memory (the checks above; `name` is for messages).
Result<PackageContents> read_zip_package(const std::string& name, std::string zip_bytes, const PackageLimits& limits);

// A deterministic zip of named files: entries sorted by name, deflated, each dated
// 1980-01-01 00:00 (the zip epoch) with mode 0644. The same files always give the same bytes.
Result<std::string> zip_folder_files(const std::map<std::string, std::string>& files);

}  // namespace zpe
