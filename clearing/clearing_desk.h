// ClearingDesk: what an operator can see and decide at the clearing station — one set of
// actions with two front ends, `zpe clearing ...` (app/cmd_clearing.cpp) and the web API
// (web/). Every action is one job-store transaction with an audit record naming the
// operator and what changed (JobStore::apply_operator_change); an action on a document the
// operator saw at an older version is refused with kConflict, so two operators acting on
// one document at once never file it twice.
//
// Tenant scoping lives here, not in the front ends: every call takes the caller's Scope,
// and a document of a tenant outside it is answered kNotFound exactly like a missing one.
//
// What the actions do (docs/ARCHITECTURE.md, "The clearing station"):
//   release      operator corrections (type, case number, letter date, court file number)
//                are stored in record.operator.corrections ({value, source: "operator",
//                machine, by, at_ms}) and take precedence over the machine's values; the
//                document goes on after the stage that held it (route re-checks the case
//                number against the registry); one held by a stage failure re-runs it.
//   file_anyway  the operator accepts what is there (near-duplicate, OCR unsure, unsure
//                type): released with record.operator.accepted = true, so route files the
//                proposal if the registry knows the case (never an unknown or closed case).
//   rotate_page / drop_page  a page transform (source: operator) on the stored page image;
//                the original is untouched; the next release re-runs OCR.
//   resplit      new page ranges for a SPLIT batch: its unfiled children are REPLACED,
//                new children are made from the batch's pages.
//   request_rescan  RESCAN_REQUESTED with the note; a file dropped with manifest
//                "rescan_of": <id> replaces it (REPLACED, linked both ways), or the
//                operator picks it for a rescan that came without one (link_rescan).
//   reject       REJECTED with the reason (terminal); the archiver keeps the original.
//   send_to_court  a release (with corrections) that also sends the document to a court of
//                the tenant's directory: record.operator.court_destinations gains the
//                court's XJustiz ID and the route stage adds it to the destinations, so an
//                EGVP package is written once the document is filed (docs/EGVP.md).
//
// One ClearingDesk per thread (it uses one JobStore). Page images are read from the local
// blob store: the desk runs where the job store is.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/blob_store.h"
#include "pipeline/config.h"
#include "pipeline/home.h"
#include "pipeline/job_store.h"

namespace zpe::clearing {

// The tenants a caller may see and act on. An operator has a list; an admin has all.
struct Scope {
  bool all_tenants = false;
  std::vector<std::string> tenants;
  bool allows(const std::string& tenant) const;
  static Scope everything() { return Scope{true, {}}; }
};

// Who acts: recorded in the audit trail as "operator:<name>".
struct Operator {
  std::string name;
};

// The operator's values; unset fields keep the machine's.
struct Corrections {
  std::optional<std::string> doc_type;
  std::optional<std::string> case_number;        // 1234567-123
  std::optional<std::string> letter_date;        // YYYY-MM-DD
  std::optional<std::string> court_file_number;  // e.g. "3 K 1234/26.A"
  bool empty() const { return !doc_type && !case_number && !letter_date && !court_file_number; }
};

// What a CLEARING document is waiting for, grouped for counts and filters.
// routing_rule (a tenant rule holds it), second_key (the registry's surname / date of
// birth not confirmed by the letter), no_case_number, case_unknown, case_closed,
// case_unsure, type_unsure, near_duplicate,
// rescan_needed (quality), blank_pages, ocr_unsure, split, signing, stage_failed, other.
std::string reason_kind(const std::string& reason);

// A case number checked against the tenant's registry as the operator types it.
struct RegistryCheck {
  std::string case_number;
  bool well_formed = false;      // of the form 1234567-123
  std::string state;             // "open", "closed", "unknown", or "no_registry"
  std::vector<std::string> nearest;  // nearest registered numbers (for unknown ones)
};

class ClearingDesk {
 public:
  ClearingDesk(const Config& config, const Home& home, JobStore& jobs, BlobStore& blobs);

  // Documents matching the query within the scope (query.tenants is narrowed to it).
  Result<std::vector<DocumentRow>> find(const Scope& scope, DocumentQuery query);
  // CLEARING documents per reason kind within the scope.
  Result<std::map<std::string, int64_t>> reason_counts(const Scope& scope);
  // Court packages (EGVP out, docs/EGVP.md) of the scope's tenants written longer than
  // [egvp] receipt_timeout_ms ago with no receipt from the EGVP client: someone must look.
  Result<std::vector<EgvpPackage>> overdue_court_packages(const Scope& scope, int64_t now_ms);
  // One document, kNotFound when missing or outside the scope.
  Result<DocumentRow> get(const Scope& scope, const std::string& document_id);
  // A document as the clearing list and detail view show it: id, tenant, state, version,
  // source file, reason, reason_kind, age, proposal (case number, type, date, court file
  // number, confidences, suggestions), corrections, near_duplicate, page_count.
  nlohmann::json summary(const DocumentRow& row) const;

  Result<DocumentRow> release(const Scope& scope, const Operator& who, const std::string& document_id,
                              int64_t version, const Corrections& corrections);
  Result<DocumentRow> file_anyway(const Scope& scope, const Operator& who, const std::string& document_id,
                                  int64_t version, const std::string& note);
  // court_id: an XJustiz court ID in the document's tenant's [[tenants.<t>.courts]].
  Result<DocumentRow> send_to_court(const Scope& scope, const Operator& who, const std::string& document_id,
                                    int64_t version, const std::string& court_id, const Corrections& corrections);
  Result<DocumentRow> request_rescan(const Scope& scope, const Operator& who, const std::string& document_id,
                                     int64_t version, const std::string& note);
  Result<DocumentRow> reject(const Scope& scope, const Operator& who, const std::string& document_id,
                             int64_t version, const std::string& reason);
  // A rescan that arrived without a manifest naming what it replaces: the operator picks
  // the RESCAN_REQUESTED document (same tenant) from the list. Returns the rescan's row.
  Result<DocumentRow> link_rescan(const Scope& scope, const Operator& who, const std::string& rescan_id,
                                  int64_t version, const std::string& replaces_id);
  // page: 1-based; degrees: 90, 180 or 270 clockwise. The document stays in CLEARING.
  Result<DocumentRow> rotate_page(const Scope& scope, const Operator& who, const std::string& document_id,
                                  int64_t version, int page, int degrees);
  Result<DocumentRow> drop_page(const Scope& scope, const Operator& who, const std::string& document_id,
                                int64_t version, int page);
  // batch_id: a SPLIT batch, or one of its children (its batch is meant). first_pages: the
  // 1-based batch page each document starts at (ascending, first is 1); separator_pages:
  // batch pages that are separator sheets (left out of every document). Returns the new ids.
  Result<std::vector<std::string>> resplit(const Scope& scope, const Operator& who, const std::string& batch_id,
                                           int64_t version, const std::vector<int>& first_pages,
                                           const std::vector<int>& separator_pages);

  // Page n (1-based) of a document as PNG, scaled so its longer side is at most max_px
  // (0: full size). kNotFound for a page that does not exist.
  Result<std::string> page_png(const Scope& scope, const std::string& document_id, int page, int max_px);
  // The document's current PDF (signed when signed), kNotFound when it has none yet.
  Result<std::string> pdf(const Scope& scope, const std::string& document_id);
  // The OCR text (pages separated by form feeds), "" when there is none yet.
  Result<std::string> text(const Scope& scope, const std::string& document_id);
  // A case number as the operator types it, against the document's tenant's registry.
  Result<RegistryCheck> check_case_number(const Scope& scope, const std::string& tenant,
                                          const std::string& case_number);

 private:
  // release and send_to_court: the corrections, and a court to add when court_id is set.
  Result<DocumentRow> release_row(const DocumentRow& row, const Operator& who, int64_t version,
                                  const Corrections& corrections, const std::string& court_id);

  // The blob `sha` of a document; once the storage policy removed it, the same bytes from
  // the document's archive package (`archived_file` there, checked against `sha`), or, when
  // the package has no such file, an answer that says what happened.
  Result<std::string> kept_blob(const DocumentRow& row, const std::string& sha, const std::string& archived_file);

  const Config& config_;
  Home home_;
  JobStore& jobs_;
  BlobStore& blobs_;
};

}  // namespace zpe::clearing
