// The court mailbox in: takes XJustiz packages from inbox-egvp/<tenant>/ (docs/EGVP.md,
// "Inbound") and makes each document of the message a ZPE document of that tenant, QUEUED
// for the first stage like a scanned letter. Runs inside the intake process (`zpe intake`,
// started by `zpe run`) beside the scan inbox (pipeline/intake.h). One object per thread.
//
// A package (a folder or a .zip, written under a .part name and renamed) is taken as soon
// as the intake loop (pipeline/intake_loop.h) sees it renamed in; otherwise once it is
// stable (pipeline/inbox_stability.h). It is read into memory with every safety check
// (connectors/egvp_package.h), its xjustiz_nachricht.xml parsed and checked
// (connectors/xjustiz_inbound.h), and cross-checked: every file the message names is in the
// package, every file in the package is named, and every document has a PDF, TIFF, PNG or
// JPEG file (its Original, else its Repräsentat, else the first such). Anything wrong and
// the whole package, exactly as received, is moved to quarantine/<tenant>/ with a
// .reason.txt and recorded as one QUARANTINED document; nothing of it enters the pipeline.
//
// Accepted: the package as one zip (as received, or the folder zipped deterministically)
// and each document's file go to the blob store; each document's record carries
// source.channel = "egvp" and source.egvp = {message_id, court_id, court_name,
// court_file_number, case_number, doc_type_code, doc_type, document_date, package_sha256,
// ...}; its original is its own file, and the archive keeps the package beside it
// (connectors/archive_package.h). Restart-safe: blobs first, then the documents (each one
// recognised by tenant, "<package>/<file>" and hash, so a crash before the package left the
// inbox never files a document twice), then the package is removed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "connectors/egvp_package.h"
#include "connectors/xjustiz_codelists.h"
#include "pipeline/blob_store.h"
#include "pipeline/config.h"
#include "pipeline/home.h"
#include "pipeline/inbox_stability.h"
#include "pipeline/intake_loop.h"
#include "pipeline/job_store.h"

namespace zpe {

// [egvp.inbound] in the config.
struct EgvpInboundSettings {
  bool enabled = true;
  std::string code_lists = "data/xjustiz";  // as configured; the caller resolves it
  PackageLimits limits;
};
Result<EgvpInboundSettings> read_egvp_inbound_settings(const Config& config);

struct EgvpIngestResult {
  std::vector<std::string> document_ids;  // the documents made (or found, when taken before)
  bool quarantined = false;
  std::string reason;                     // why it was quarantined
};

class EgvpIntake : public WatchedInbox {
 public:
  EgvpIntake(const Config& config, const Home& home, JobStore& jobs, BlobStore& blobs, XJustizCodeLists code_lists,
             PackageLimits limits);

  // Takes one package for `tenant`; it leaves the inbox (ingested or quarantined) unless
  // an error is returned (the file system or the stores failed), when it stays for the
  // next pass.
  Result<EgvpIngestResult> ingest(const std::filesystem::path& package, const std::string& tenant,
                                  const std::string& actor);
  // One pass over every tenant's court-mailbox inbox; returns how many packages were taken.
  int scan_once(int64_t now_ms) override;
  // inbox-egvp/<tenant>/ for every tenant.
  std::vector<std::filesystem::path> watched_folders() const override;
  InboxStability& stability() override { return stability_; }
  // Packages waiting in the court-mailbox inboxes (complete or still being written).
  static int count_waiting(const Home& home, const std::vector<std::string>& tenants);

 private:
  Result<EgvpIngestResult> quarantine(const std::filesystem::path& package, const std::string& tenant,
                                      const std::string& archive, const std::string& reason, const std::string& actor);

  const Config& config_;
  Home home_;
  JobStore& jobs_;
  BlobStore& blobs_;
  XJustizCodeLists code_lists_;
  PackageLimits limits_;
  InboxStability stability_;
};

}  // namespace zpe
