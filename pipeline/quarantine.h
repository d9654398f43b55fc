// Quarantine: where refused input goes, with a reason a person can read.
//
// Writes quarantine/<tenant>/<document id>-<source name> (the original bytes, exactly as
// received) and <that name>.reason.txt beside it. Called by intake (unreadable or
// unsupported files) and by the dispatcher (a stage reported bad input). The original
// also stays in the blob store; nothing is lost.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "pipeline/home.h"
#include "pipeline/status.h"

namespace zpe {

Result<std::filesystem::path> write_quarantine(const Home& home, const std::string& tenant,
                                               const std::string& document_id,
                                               const std::string& source_name,
                                               std::string_view original_bytes,
                                               const std::string& reason);

// Moves `source` (a file or a whole folder, as received) to
// quarantine/<tenant>/<document id>-<its name> by renaming it (same file system: the home),
// and writes the .reason.txt beside it. Used for court-mailbox packages, which are kept
// exactly as they arrived. The source is gone from where it was afterwards.
Result<std::filesystem::path> move_to_quarantine(const Home& home, const std::string& tenant,
                                                 const std::string& document_id,
                                                 const std::filesystem::path& source,
                                                 const std::string& reason);

}  // namespace zpe
