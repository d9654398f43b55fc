// The storage policy: what ZPE removes from its blob store, and when (`zpe gc`, and
// `zpe archiver` every [storage] gc_interval_minutes). Without it the home grows by about
// 1.5 MB per page, forever.
//
// Blobs are content-addressed and may be shared by documents (a rescan of the same file, a
// batch and the documents split from it), so the policy is mark and sweep: every blob that
// some document still needs is live; a blob nobody needs, not put or renewed within the
// safety window (twice the lease, at least an hour), is removed. A document needs:
//   - everything, while it is in flight, in CLEARING, RESCAN_REQUESTED or QUARANTINED, or
//     FILED/REJECTED without an archive package that verifies (the archiver reads them);
//   - its working copies (original, signed PDF, transfer note, court-mailbox package)
//     until its archive package verifies, its events are acknowledged, its court packages
//     have a receipt, and the tenant's working_copies_after_days have passed since it was
//     filed or rejected (0: kept for good). A REPLACED or SPLIT document keeps them always:
//     no archive package holds them;
//   - the blobs its page checkpoints name (pipeline/job_store_checkpoints.cpp), while it is
//     not FILED, REJECTED, REPLACED, QUARANTINED or SPLIT (then the checkpoints are deleted);
//   - its intermediates (page images, OCR text and ALTO, the unsigned PDF, anything else)
//     until intermediates_after_hours after it became FILED, REJECTED or REPLACED; a SPLIT
//     batch until every document split from it is terminal too.
// What was removed is recorded in the document (record.storage) with an audit record
// "storage_collected". The rows themselves stay (the audit trail), compacted: once a
// document's intermediates are gone, the per-page parts of its record (page list with the
// transforms, quality verdicts, the bilevel decision's figures, OCR per page, classification
// candidates) move compressed into the job store's record_details (JobStore::compact_record,
// about a tenth of their size), so the evidence of what was done to each page is kept and
// `zpe show` still prints it whole.
// A dry run decides the same and changes nothing. Interrupted removals are put back first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/blob_store.h"
#include "pipeline/config.h"
#include "pipeline/home.h"
#include "pipeline/job_store.h"
#include "pipeline/status.h"

namespace zpe {

struct StoragePolicy {
  int64_t intermediates_after_ms = 24LL * 3600 * 1000;
  // Per tenant; 0 keeps working copies for good.
  std::function<int64_t(const std::string& tenant)> working_copies_after_ms = [](const std::string&) {
    return int64_t{30} * 24 * 3600 * 1000;
  };
  // Blobs put or renewed this recently are never removed (a worker may not have committed
  // the result that refers to them yet).
  int64_t safety_window_ms = 3600 * 1000;
};

// [storage] (and [tenants.<t>.storage] working_copies_after_days) from the config.
StoragePolicy storage_policy(const Config& config);
// [storage] gc_interval_minutes in ms; 0: the archiver does not run the policy.
int64_t storage_gc_interval_ms(const Config& config);

struct StorageGcReport {
  bool dry_run = false;
  int64_t documents = 0;             // documents looked at
  int64_t documents_collected = 0;   // documents with something newly removed (or to remove)
  int64_t packages_refused = 0;      // archive packages that did not verify: nothing of theirs removed
  struct Kind {
    int64_t blobs = 0;
    std::uintmax_t bytes = 0;
  };
  // "intermediate", "working_copy", "unreferenced": removed (or, dry run, removable)
  std::map<std::string, Kind> removed;
  int64_t blobs_kept = 0;
  std::uintmax_t bytes_kept = 0;
  int64_t records_compacted = 0;   // job-store records whose per-page detail was compressed
  int64_t record_bytes_saved = 0;  // by how many bytes those records shrank (less what was kept)
  std::uintmax_t bytes_freed() const;
  int64_t blobs_removed() const;
  nlohmann::json to_json() const;
  std::string text() const;  // for `zpe gc`, one line per kind and a total
};

Result<StorageGcReport> collect_storage(JobStore& jobs, BlobStore& blobs, const Home& home,
                                        const StoragePolicy& policy, int64_t now_ms, bool dry_run,
                                        const std::string& actor);

// Disk use per area of a home (blobs, archive, casefiles, quarantine, inbox, job store, …)
// in bytes, and the free space. Walks the folders: seconds for a large home, so the
// archiver measures it after each policy run into var/storage-usage.json, which
// `zpe status` and the web server read (read_storage_usage).
nlohmann::json measure_storage_usage(const Home& home, int64_t now_ms);
Status write_storage_usage(const Home& home, const nlohmann::json& usage);
// The last measurement, or null when none was made yet.
nlohmann::json read_storage_usage(const Home& home);

}  // namespace zpe
