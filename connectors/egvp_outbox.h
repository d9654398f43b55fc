// The court mailbox, outbound: message packages for an EGVP client to send to a court
// (docs/EGVP.md). A package is the folder
//   <outbox>/<court id>/<package id>/xjustiz_nachricht.xml + <type>_<uuid>.pdf ...
// with the XJustiz message (connectors/xjustiz_message.h) and the signed PDFs of its documents
// (record.pdf after the sign stage), byte for byte as the blob store holds them. The EGVP
// client answers with a receipt file <outbox>/<court id>/<package id>.receipt.json, which marks
// the package delivered (or failed); a package without one after receipt_timeout_ms is overdue.
//
// Guarantees: only FILED, signed documents of the request's tenant are sent, all of one case,
// to a court in that tenant's court directory; a package is written atomically (built in the
// dot-folder .<package id>.tmp, every file and the folder fsynced, then renamed), so the client
// never sees half a package; it is recorded in the job store (with audit records) before it is
// written, so a crash in between is finished by finish_unwritten() with the same message id,
// time and content, never sent twice under two ids. An error leaves no package behind.
// One EgvpOutbox per process and outbox folder; not thread-safe (it uses one JobStore).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "connectors/xjustiz_codelists.h"
#include "pipeline/blob_store.h"
#include "pipeline/config.h"
#include "pipeline/job_store.h"
#include "pipeline/status.h"

namespace zpe {

struct CourtEntry {
  std::string id;    // GDS.Gerichte code
  std::string name;  // as configured, else the code list's
};

// [egvp] and [[tenants.<t>.courts]] (config/zpe.toml).
struct EgvpSettings {
  std::filesystem::path outbox;        // absolute: [egvp] outbox, relative to the home
  int64_t receipt_timeout_ms = 0;
  std::string sender_id;               // the agency's SAFE ID; "" to leave it out
  std::string sender_name;
  bool replacing_scan = true;          // ersetzenderScan for scanned documents
  std::string product_version;         // herstellerinformation/version (ZPE's version)
  std::map<std::string, std::vector<CourtEntry>> courts;  // tenant -> court directory
};

// Reads the settings; a court id that is not in the shipped GDS.Gerichte list, a court entry
// without an id, or an empty sender name is refused with the config key that names it.
Result<EgvpSettings> read_egvp_settings(const Config& config, const std::filesystem::path& home,
                                        const XJustizCodeLists& lists);

struct SendRequest {
  std::string tenant;
  std::string court_id;
  std::string court_file_number;          // "" when not known
  std::vector<std::string> document_ids;  // FILED documents of the tenant, all of one case
  std::string actor;                      // audit actor, e.g. "cli" or "route"
};

// What send_pending_court_routes did.
struct PendingSendReport {
  std::vector<EgvpPackage> written;
  std::vector<std::string> refused;  // "<document id>: <why>" (e.g. a court not in the tenant's directory)
};

// What collect_receipts found.
struct ReceiptReport {
  int delivered = 0;
  int failed = 0;
  std::vector<std::string> problems;  // receipts that could not be taken, with the reason
};

class EgvpOutbox {
 public:
  EgvpOutbox(JobStore& jobs, const BlobStore& blobs, EgvpSettings settings, XJustizCodeLists lists);

  // Writes one package and returns it as recorded. kInvalidInput for a request that breaks
  // a rule above (the message names the document and the rule), kNotFound for a document
  // that does not exist in the tenant.
  Result<EgvpPackage> send(const SendRequest& request, int64_t now_ms);
  // The FILED documents of a case in the tenant, in filing order (kNotFound when none).
  Result<std::vector<std::string>> filed_documents_of_case(const std::string& tenant, const std::string& case_number);
  // One package per FILED document whose route names a court it was not yet sent to
  // (record.route.destinations entry {"to": "court", "court_id": ID[, "court_file_number": AZ]}).
  Result<PendingSendReport> send_pending_court_routes(int64_t now_ms);
  // Finishes packages recorded but not written (a crash in between). Returns how many.
  Result<int> finish_unwritten(int64_t now_ms);
  // Reads the receipts of packages still waiting for one.
  Result<ReceiptReport> collect_receipts(int64_t now_ms);

  bool overdue(const EgvpPackage& package, int64_t now_ms) const;
  std::filesystem::path package_dir(const EgvpPackage& package) const;
  std::filesystem::path receipt_file(const EgvpPackage& package) const;
  const EgvpSettings& settings() const { return settings_; }

 private:
  // The package's files (name -> bytes), built from its row and the documents' records.
  Result<std::map<std::string, std::string>> package_files(const EgvpPackage& package);
  Status write_folder(const EgvpPackage& package, const std::map<std::string, std::string>& files);

  JobStore& jobs_;
  const BlobStore& blobs_;
  EgvpSettings settings_;
  XJustizCodeLists lists_;
};

}  // namespace zpe
