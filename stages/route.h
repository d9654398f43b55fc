// The route stage: decides where a classified document goes — automatically into its
// case file only when sure, else to the clearing station with the proposal filled in.
// Created through make_stage("route", settings) (stages/registry.cpp).
//
// The decision is the policy in stages/route_policy.h: a case number of the right form,
// present in the case registry, with case-number and type confidences at or above the
// tenant's thresholds; a near-duplicate of a document filed in the same case within
// near_duplicate_days (stages/near_duplicate_check.h) also goes to clearing. The PDF filed is
// the searchable PDF/A the ocr stage built (record["pdf"], possibly replaced by a later
// signing stage); route builds no PDF itself.
//
// Reads record["classification"] (with text_fingerprint), record["tenant"], record["pdf"]["sha256"],
// and asks context.filed for the case's recent filings.
// Patch when routed:           route: {"version", "target": "casefile", "case_number",
//                              "second_key": "surname"|"birth_date"|null (the registry key the
//                              letter agreed with; null: none registered or check off),
//                              "near_duplicate_check"}
// Patch when sent to clearing: route: {"version", "target": null, "proposal": {"case_number",
//   "doc_type", "case_number_confidence", "doc_type_confidence", "suggestions": [...]},
//   "near_duplicate_check"}, plus clearing_reason.
// Always: near_duplicate: {"document_id", "case_number", "similarity", "filed_at_ms"} or null.
// near_duplicate_check: {"window_days", "compared", "best_similarity", "threshold"} or
// {"compared": 0, "skipped": why}.
// Failures: a routable record without record.pdf is kFinal (the ocr stage has not run); a
// registry file that exists but cannot be parsed is kFinal with the file and line; a SQLite
// registry that cannot be read (locked, I/O) or a failed look-up of filed documents is
// kRetryable.
// Idempotent except for time and the registry: the registry is followed while the worker
// lives (connectors/case_registry_source.h) — a case opened or closed in it counts from the
// next document on — and the near-duplicate window ends now.
//
// Settings ([stages.route], per tenant in [tenants.<t>.stages.route]):
//   registry             the case registry: a CSV (classifiers/case_registry.h) or a SQLite
//                        registry (connectors/case_registry_db.h), told apart by the file;
//                        relative paths are resolved against the home (stages/settings_path.h).
//                        Missing file or no setting: every document goes to CLEARING
//                        "no case registry configured".
//   min_type_confidence  default 0.8
//   min_case_confidence  default 0.8
//   second_key           default true: a case whose registry row holds second keys (surname,
//                        birth_date) is trusted only when the letter agrees on one
//                        (stages/route_policy.h); false only to measure without the check
//   near_duplicate_days, near_duplicate_similarity   stages/near_duplicate_check.h
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_route_stage(const nlohmann::json& settings);

}  // namespace zpe
