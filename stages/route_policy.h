// The decision policy: route a classified document automatically, or hand it to the
// clearing station with the proposal filled in. A misfiled document is worse than a
// clearing, so routing needs all of: a case number of the right form, in the case
// registry and open there, with a confidence at or above min_case_confidence, and a document type with a
// confidence at or above min_type_confidence. Used by the route stage (stages/route.cpp)
// and by `zpe eval` (app/cmd_classify.cpp), so evaluation measures what production does.
// Pure and thread-safe.
//
// Reasons, checked in this order (the first that applies is given):
//   "no case number found ..."                (tests and operators grep "no case number")
//   "the case number \"x\" is not of the form 1234567-123 ..."
//   "no case registry configured ..."         (never route blindly)
//   "unknown case number x ... nearest existing: a, b"
//   "case x is closed in the case registry ..."  (a person reopens it or files by hand)
//   "case number and name disagree: ..."     (the registry holds second keys for the case —
//   "no name or date of birth in the letter to confirm case x ..."   surname, date of birth —
//                                             and none found in the letter agrees: an OCR
//                                             misread onto another registered number looks
//                                             like this; skipped when [stages.route]
//                                             second_key = false or the operator confirmed
//                                             the number at the clearing station)
//   "case number x unsure (confidence 0.62 < 0.80) ..."
//   "document type unsure: Ladung (confidence 0.55 < 0.80) ..."
//   "possible duplicate of document <id> ..." (a near-duplicate was found, stages/near_duplicate_check.h)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classifiers/case_registry.h"

namespace zpe {

struct RouteThresholds {
  double min_type_confidence = 0.8;
  double min_case_confidence = 0.8;
  // A routing rule's unsure_type_ok (stages/routing_rules.h): a type below
  // min_type_confidence does not hold back a document whose case number is verified.
  bool unsure_type_ok = false;
  bool second_key = true;  // check the registry's second keys (off only to measure without)
};

// Reads min_type_confidence, min_case_confidence and second_key from a stage's settings
// (defaults above); values outside 0..1 or a second_key that is no boolean are an error
// naming the key.
Result<RouteThresholds> route_thresholds(const nlohmann::json& settings);

struct RouteDecision {
  bool route = false;                    // true: file into case_number automatically
  std::string case_number;               // the proposal ("" when none)
  std::string reason;                    // for clearing: what the operator must check
  std::vector<std::string> suggestions;  // nearest registered numbers for an unknown one
  bool doc_type_unsure = false;          // routed although the type is below min_type_confidence
  std::string second_key;                // routed: the registry key the letter agreed with
                                         // ("surname", "birth_date"); "" when not checked
};

// A document filed recently into the same case whose text nearly matches this one's.
struct NearDuplicate {
  std::string document_id;
  std::string case_number;
  double similarity = 0.0;  // estimated Jaccard similarity of the texts, 0..1
  int64_t filed_at_ms = 0;
};

// The classification with the operator's decisions from the clearing station applied
// (record.operator, clearing/clearing_desk.h): each corrected value replaces the machine's
// with confidence 1; a proposal the operator accepted at the route stage ("file anyway")
// counts as confirmed (confidence 1). Either way case_number_source becomes "operator": a
// person read the number on the letter, so the second-key check no longer applies. Other
// keys are kept as the machine found them.
nlohmann::json with_operator_decisions(const nlohmann::json& classification, const nlohmann::json& operator_decisions);
// True when the operator accepted the route stage's proposal as it is ("file anyway"): a
// near-duplicate no longer holds the document back (the registry check still does).
bool operator_accepted_proposal(const nlohmann::json& operator_decisions);

// classification: the record's "classification" object (stages/classify.h).
// registry: nullptr when none is configured.
// near_duplicate: what the route stage found (nullptr: none, or not looked for).
RouteDecision decide_route(const nlohmann::json& classification, const RouteThresholds& thresholds,
                           const classifiers::CaseRegistry* registry, const NearDuplicate* near_duplicate = nullptr);

}  // namespace zpe
