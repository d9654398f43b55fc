// Intake: the entry point of every document. Watches inbox/<tenant>/ (and serves
// `zpe submit`): takes a file once it is complete, hashes it, stores the original bytes
// in the blob store, records the document in the job store (QUEUED for the first stage)
// and removes it from the inbox. Unsupported or unreadable input is quarantined with a
// reason. The original is stored durably before the inbox file is removed, so a crash
// at any point loses nothing; a file ingested but not yet removed is recognised by name
// and hash on the next pass and not ingested twice.
//
// A file is complete when it is not named .* / *.part / *.tmp (write under such a name,
// then rename) and either it was renamed into the inbox (taken at once), closed after
// writing and left alone for intake.close_settle_ms, or its size and modification time
// have not changed for intake.stable_ms (pipeline/inbox_stability.h; the hints come from
// pipeline/intake_loop.h).
// An optional manifest <file>.json beside it (write it first) is read with the file:
// batch_id, scan_centre, operator, scanner, scan_time, hints {doc_type, case_number}, and
// rescan_of (the id of a document the clearing station asked to be rescanned: it is replaced).
// A full disk pauses the watch folder: the file stays in the inbox, the pause is logged once
// and listed by `zpe status`, and the intake tries again with back-off until space returns
// (pipeline/no_space.h). One Intake per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pipeline/blob_store.h"
#include "pipeline/config.h"
#include "pipeline/home.h"
#include "pipeline/inbox_stability.h"
#include "pipeline/intake_loop.h"
#include "pipeline/job_store.h"
#include "pipeline/no_space.h"

namespace zpe {

// record.source.channel: where a document came from.
inline constexpr const char* kChannelScan = "scan";
inline constexpr const char* kChannelUpload = "upload";
inline constexpr const char* kChannelEgvp = "egvp";

struct IngestResult {
  std::string document_id;
  bool quarantined = false;
  bool duplicate = false;  // this file (same tenant, name, hash) was ingested before
  std::string reason;      // why it was quarantined
};

// The media type of a supported file, or an error saying what the bytes are not.
Result<std::string> sniff_media_type(std::string_view bytes);

class Intake : public WatchedInbox {
 public:
  Intake(const Config& config, const Home& home, JobStore& jobs, BlobStore& blobs);

  // Takes one file for `tenant`. With remove_source the file (and its manifest) leave
  // the inbox once the document is durably recorded. `channel` goes into
  // record.source.channel so routing can tell sources apart: "scan" (the watch folder),
  // "upload" (`zpe submit`); the court mailbox ("egvp") has its own intake.
  Result<IngestResult> ingest(const std::filesystem::path& file, const std::string& tenant,
                              bool remove_source, const std::string& actor,
                              const std::string& channel = kChannelScan);
  // One pass over every tenant's inbox; returns how many files were taken. While the disk
  // is full it takes nothing until the back-off has passed, then tries one file.
  int scan_once(int64_t now_ms) override;
  // inbox/<tenant>/ for every tenant.
  std::vector<std::filesystem::path> watched_folders() const override;
  InboxStability& stability() override { return stability_; }
  bool paused_for_space() const { return space_.active(); }
  // Files in the inboxes that will be taken (complete or still being written).
  static int count_waiting(const Home& home, const std::vector<std::string>& tenants);

 private:
  const Config& config_;
  Home home_;
  JobStore& jobs_;
  BlobStore& blobs_;
  InboxStability stability_;
  NoSpaceWatch space_;
};

// "2026-12-02T19:35:57Z": when a document was received (record.source.received_at).
std::string iso_time_utc(int64_t ms);

// The manifest <file>.json from its text: a JSON object of at most kMaxManifestBytes,
// nested at most kMaxManifestDepth levels (a real one has 3), or kInvalidInput saying what
// it is not (the file is then quarantined). Pure; tests/fuzz feeds it hostile text.
inline constexpr std::size_t kMaxManifestBytes = std::size_t{1} << 20;
inline constexpr int kMaxManifestDepth = 16;
Result<nlohmann::json> read_intake_manifest(std::string_view text);

// True for names intake never takes: hidden, partial or temporary files, manifests.
bool is_ignored_inbox_name(const std::string& name);

}  // namespace zpe
