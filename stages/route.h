// The route stage: decides where a classified document goes — automatically into its
// case file only when sure, else to the clearing station with the proposal filled in.
// Created through make_stage("route", settings) (stages/registry.cpp).
//
// The decision is the policy in stages/route_policy.h: a case number of the right form,
// present in the case registry, with case-number and type confidences at or above the
// tenant's thresholds; a suspected near-duplicate also goes to clearing. The PDF filed is
// the searchable PDF/A the ocr stage built (record["pdf"], possibly replaced by a later
// signing stage); route builds no PDF itself.
//
// Reads record["classification"] and record["pdf"]["sha256"].
// Patch when routed:           route: {"version", "target": "casefile", "case_number"}
// Patch when sent to clearing: route: {"version", "target": null, "proposal": {"case_number",
//   "doc_type", "case_number_confidence", "doc_type_confidence", "suggestions": [...]}},
//   plus clearing_reason.
// Failures: a routable record without record.pdf is kFinal (the ocr stage has not run); a
// registry file that exists but cannot be parsed is kFinal with the file and line; a SQLite
// registry that cannot be read (locked, I/O) is kRetryable.
// Idempotent for an unchanged registry. The registry is followed while the worker lives
// (connectors/case_registry_source.h): a case opened or closed in it counts from the next
// document on.
//
// Settings ([stages.route], per tenant in [tenants.<t>.stages.route]):
//   registry             the case registry: a CSV (classifiers/case_registry.h) or a SQLite
//                        registry (connectors/case_registry_db.h), told apart by the file;
//                        relative paths are resolved against the home (stages/settings_path.h).
//                        Missing file or no setting: every document goes to CLEARING
//                        "no case registry configured".
//   min_type_confidence  default 0.8
//   min_case_confidence  default 0.8
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_route_stage(const nlohmann::json& settings);

}  // namespace zpe
