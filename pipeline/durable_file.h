// Durable file writes: the one place ZPE writes files that must survive a crash.
//
// write_file_durably writes to a temporary name in the same folder, fsyncs the file,
// renames it into place and fsyncs the folder, so a reader sees either the old state or
// the whole new file, never a torn one. append_file_durably makes an appended log line
// durable before it returns (only a line being appended at a crash can be torn). Used by the blob store, quarantine, the case-file
// sink and (later) the archive. Thread-safe as long as two callers do not write the same
// path at once.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace zpe {

Status write_file_durably(const std::filesystem::path& path, std::string_view bytes);
// Appends bytes to a log file (created if missing) and fsyncs it before returning. A crash
// may leave a torn last line: a reader skips a line it cannot parse, and a writer first
// ends a torn line (the case-file sink's ledger does both).
Status append_file_durably(const std::filesystem::path& path, std::string_view bytes);
Result<std::string> read_whole_file(const std::filesystem::path& path);
Status fsync_directory(const std::filesystem::path& dir);
// kNoSpace when a file-system error means the disk or quota is full (ENOSPC, EDQUOT), so
// callers wait for space instead of blaming the document; kIOError otherwise.
ErrorKind write_error_kind(const std::error_code& error);
// A random lower-case hex string of 2*bytes characters (OpenSSL's RNG).
std::string random_hex(size_t bytes);

}  // namespace zpe
