// How the classify stage chooses a document type from three opinions, and the tenant's
// part in it. Used by stages/classify.cpp and `zpe eval`; pure and thread-safe.
//
// 1. The tenant's rules ([tenants.<t>.stages.classify] rules, or [stages.classify] rules):
//      [[tenants.default.stages.classify.rules]]
//      type = "Gerichtsentscheidung"   # one of the tenant's doc_types
//      keywords = ["im namen des volkes"]   # all must occur (folded: lower case, no umlauts)
//      priority = 10                   # the highest-priority matching rule wins
//      confidence = 0.95               # optional, default 0.95
//    A matching rule decides the type outright (source "rule"): the operator said so.
// 2. The trained model (classifiers/doc_type_model.h) and 3. the built-in keyword rules
//    (classifiers/doc_type.h). When they agree the confidence is 1 - (1-p)(1-k) (two
//    independent witnesses); when the keywords are silent the model's confidence stands;
//    when they disagree the model's type is kept but its confidence is halved, which sends
//    the document to clearing under any sensible threshold. Without a model the keyword
//    guess is used as before.
// 4. doc_types (optional list per tenant): a type outside it becomes "Sonstiges" with
//    confidence 0.5.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "classifiers/doc_type_model.h"
#include "pipeline/status.h"

namespace zpe {

struct TypeRule {
  std::string type;
  std::vector<std::string> keywords;  // folded
  int priority = 0;
  double confidence = 0.95;
};

struct TypeDecision {
  std::string type = "Sonstiges";
  double confidence = 0.5;
  std::string source = "text";         // "rule", "model+keywords", "model", "keywords"
  std::vector<std::string> evidence;   // rule keywords or keyword-rule evidence
};

// The "rules" array of a classify settings object (none: empty); errors name the rule.
Result<std::vector<TypeRule>> parse_tenant_rules(const nlohmann::json& settings);
// The "doc_types" list of the settings, or empty (all types allowed).
std::vector<std::string> allowed_types(const nlohmann::json& settings);

TypeDecision decide_type(std::string_view text, const std::vector<TypeRule>& rules,
                         const classifiers::DocTypeModel* model, const std::vector<std::string>& allowed);

}  // namespace zpe
