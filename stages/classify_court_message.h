// What a court said in its XJustiz message outranks what the text suggests: used by the
// classify stage (stages/classify.cpp) for documents from the court mailbox, whose record
// carries record.source.egvp (connectors/egvp_intake.h). Pure functions of JSON.
//
// apply_court_message changes the text's classification in place:
//   doc_type        the message's type mapped to ZPE's (source.egvp.doc_type): when it is not
//                   Sonstiges it wins with confidence 1.0, doc_type_source "egvp",
//                   doc_type_method "xjustiz"; Sonstiges says nothing, and the text decides.
//   case_number     the BAMF case number the message carries: confidence 1.0 and source
//                   "egvp+text" when the text shows it too (its position is kept), else
//                   kCourtCaseNumberConfidence and "egvp"; the text's own number becomes a
//                   candidate. The route stage still checks it against the registry.
//   court_file_number, court (with its XJustiz ID), sender (the court), letter_date: the
//                   message's values, confidence 1.0.
// and records in classification.sources which values the message gave. fill_value_sources
// completes classification.sources for every document: {"doc_type", "case_number",
// "court_file_number", "court", "sender", "letter_date"}, each "egvp", "egvp+text", "text", "hint",
// "hint+text", or null when there is no value.
#pragma once

#include <nlohmann/json.hpp>

namespace zpe {

// A case number a court states in structured data: sure, but not checked against anything
// yet (the route stage does that with the registry).
inline constexpr double kCourtCaseNumberConfidence = 0.99;

// record.source.egvp, or null for documents that did not come from the court mailbox.
const nlohmann::json& court_message_of(const nlohmann::json& record);

void apply_court_message(const nlohmann::json& egvp, nlohmann::json& classification);

void fill_value_sources(nlohmann::json& classification);

}  // namespace zpe
