// The route stage's near-duplicate check: is the document about to be filed into a case
// nearly the same text as one filed into that case in the last few days (a rescan, the
// letter after its fax)? Compares the text fingerprints the classify stage recorded
// (classifiers/near_duplicate.h) with those of the case's recent filings, which it asks
// FiledDocuments for (in a worker: the dispatcher's job store). Called by stages/route.cpp
// only; the policy (stages/route_policy.h) then sends a flagged document to clearing.
//
// Settings ([stages.route], per tenant):
//   near_duplicate_days        look back this many days (default 14); 0 turns the check off
//   near_duplicate_similarity  estimated Jaccard similarity from which a filed document counts
//                              as the same letter (default kDefaultNearDuplicateSimilarity,
//                              measured in docs/CLASSIFY.md)
// Stateless and thread-safe; the only side effect is the look-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "stages/route_policy.h"
#include "stages/stage.h"

namespace zpe {

struct NearDuplicateSettings {
  int days = 14;
  double min_similarity = 0.0;  // set from the settings or the measured default
};

// Reads the two settings; a value of the wrong type or range is an error naming the key.
Result<NearDuplicateSettings> near_duplicate_settings(const nlohmann::json& settings);

struct NearDuplicateCheck {
  std::optional<NearDuplicate> found;  // the most similar filing at or above the threshold
  // For the record: what was compared (window, count, best similarity) or why nothing was.
  nlohmann::json summary;
};

// Compares `fingerprint` (classification.text_fingerprint; "" when the text was too short)
// with the documents filed into `case_number` of `tenant` since now_ms minus the window.
// `filed` may be nullptr (no job store at hand): then nothing is compared and the summary
// says so. A failed look-up is a retryable StageFailure.
tl::expected<NearDuplicateCheck, StageFailure> check_near_duplicate(FiledDocuments* filed, const std::string& tenant,
                                                                    const std::string& case_number,
                                                                    const std::string& fingerprint,
                                                                    const NearDuplicateSettings& settings,
                                                                    int64_t now_ms);

// The check for a record about to be routed: its tenant, classification.case_number (only a
// well-formed one is looked up) and classification.text_fingerprint, with the settings from
// context.settings (already validated by make_route_stage) and the lookup context.filed.
tl::expected<NearDuplicateCheck, StageFailure> check_record_for_near_duplicate(const StageContext& context,
                                                                               int64_t now_ms);

// The record's top-level "near_duplicate": {document_id, case_number, similarity,
// filed_at_ms}, or null when none was found.
nlohmann::json near_duplicate_json(const std::optional<NearDuplicate>& found);

}  // namespace zpe
