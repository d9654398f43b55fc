// The archive connector: each filed document becomes a write-once archival package under
// <home>/archive/<yyyy>/<mm>/<document id>/ (yyyy/mm: when it was filed, UTC). The format
// is specified in docs/ARCHIVE.md: document.pdf (the final PDF/A), original/<file as
// received> (and, for a document from the court mailbox, original/egvp-package/<package>.zip:
// the whole XJustiz package it came in), text.txt, alto.xml, metadata.json + metadata.xml, audit.jsonl (the document's
// audit records with their chain hashes) and manifest-sha256.txt (SHA-256 of every other file).
//
// write_package is idempotent and restart-safe: it builds the package in
// archive/.tmp/<document id>/ (a leftover from a crash is removed and redone), fsyncs every
// file and folder, then renames it into place. It never overwrites: if the package already
// exists (a crash after the rename), it is verified and adopted, or refused when it differs.
// verify_package re-hashes a package and names every difference. Used by `zpe archiver`
// (the loop started by `zpe run`) and `zpe archive verify`. One writer per archive folder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/blob_store.h"
#include "pipeline/job_store.h"
#include "pipeline/status.h"

namespace zpe {

constexpr const char* kArchivePackageSchema = "zpe.archive-package/1";

// Writes the package of one FILED document and records it in the job store (with its
// "archived" audit record). Returns the package as recorded. retention_years: the tenant's
// retention period ([tenants.<t>.archive] retention_years), recorded in the metadata with
// the date it runs to from the filing; 0: none recorded.
Result<ArchivedPackage> write_package(JobStore& jobs, const BlobStore& blobs,
                                      const std::filesystem::path& archive_root, const std::string& document_id,
                                      int64_t now_ms, int retention_years = 0);

// Every difference between a package on disk and what it should be: files changed,
// missing or added since the manifest was written, a manifest that is not the one
// recorded, and audit records that differ from the job store's. Empty when intact.
std::vector<std::string> verify_package(const std::filesystem::path& archive_root, const ArchivedPackage& package,
                                        const std::vector<AuditEntry>& store_trail);

}  // namespace zpe
