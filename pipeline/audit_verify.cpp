#include "pipeline/audit_verify.h"

#include <map>

namespace zpe {

namespace {

std::string describe(const AuditEntry& e) {
  return "record " + std::to_string(e.seq) + " (" + (e.document_id.empty() ? "no document" : e.document_id) + ", " +
         e.action + ")";
}

}  // namespace

AuditVerdict verify_audit_chain(const std::vector<AuditEntry>& entries) {
  AuditVerdict verdict;
  verdict.records = static_cast<int64_t>(entries.size());
  std::map<std::string, int64_t> seq_of_hash;
  for (const AuditEntry& e : entries) seq_of_hash.emplace(e.hash, e.seq);
  const auto problem = [&](const AuditEntry& e, const std::string& what) {
    verdict.problems.push_back({e.seq, describe(e) + ": " + what});
  };
  std::string previous_hash(64, '0');
  int64_t expected_seq = 1;
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    if (audit_record_hash(e) != e.hash) {
      problem(e, "its content does not match its hash — the record was modified (or moved here from elsewhere)");
    }
    if (e.seq > expected_seq) {
      problem(e, e.seq == expected_seq + 1
                     ? "record " + std::to_string(expected_seq) + " before it was removed"
                     : "records " + std::to_string(expected_seq) + ".." + std::to_string(e.seq - 1) +
                           " before it were removed");
    } else if (e.prev_hash != previous_hash) {
      const auto linked = seq_of_hash.find(e.prev_hash);
      const bool next_links_back = i + 1 < entries.size() && entries[i + 1].prev_hash == previous_hash;
      if (linked != seq_of_hash.end() && linked->second > e.seq) {
        problem(e, "the records were reordered: it links to record " + std::to_string(linked->second) +
                       ", which is stored after it");
      } else if (next_links_back) {
        problem(e, "it was inserted: the record after it links to the record before it");
      } else if (linked != seq_of_hash.end() && linked->second < e.seq - 1) {
        const std::string from = std::to_string(linked->second + 1), to = std::to_string(e.seq - 1);
        problem(e, "it links to record " + std::to_string(linked->second) + ": " +
                       (from == to ? "record " + from + " was" : "records " + from + ".." + to + " were") +
                       " inserted before it, or the records were reordered");
      } else {
        problem(e, "its link does not match the record before it (that record was modified, or this one "
                   "was inserted)");
      }
    }
    previous_hash = e.hash;
    expected_seq = e.seq + 1;
  }
  verdict.head_hash = entries.empty() ? std::string() : entries.back().hash;
  return verdict;
}

}  // namespace zpe
