// Verifying the hash-chained audit trail (JobStore's audit table): each record stores the
// hash of the one before (prev_hash) and its own hash over prev_hash and its fields
// (audit_record_hash). verify_audit_chain walks the records in seq order and names every
// record that was modified, removed, inserted or moved. Called by `zpe audit verify`.
//
// What it cannot see on its own: a forger who rewrites the whole chain from some record on
// with correct hashes, or removes records from the very end. Against that, compare the head
// hash it reports with one kept elsewhere (the archive packages' audit.jsonl keep the
// hashes of every archived document's records; `zpe archive verify` re-checks them).
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/job_store.h"

namespace zpe {

struct AuditProblem {
  int64_t seq = 0;      // the record where the chain breaks
  std::string what;     // for an operator: which record and what happened to it
};

struct AuditVerdict {
  int64_t records = 0;
  std::string head_hash;  // hash of the last record: keep it elsewhere to detect rewrites
  std::vector<AuditProblem> problems;
  bool intact() const { return problems.empty(); }
};

// `entries` in seq order, as JobStore::audit_all returns them.
AuditVerdict verify_audit_chain(const std::vector<AuditEntry>& entries);

}  // namespace zpe
