#include "stages/doc_type_decision.h"

#include <algorithm>

#include "classifiers/doc_type.h"
#include "classifiers/ocr_text.h"

namespace zpe {

namespace {

namespace cls = zpe::classifiers;
using nlohmann::json;

constexpr double kDisagreementFactor = 0.5;
constexpr double kMaximumConfidence = 0.995;

bool rule_matches(const TypeRule& rule, const std::string& folded) {
  return !rule.keywords.empty() && std::all_of(rule.keywords.begin(), rule.keywords.end(), [&](const std::string& k) {
    return cls::contains_word(folded, k);
  });
}

}  // namespace

Result<std::vector<TypeRule>> parse_tenant_rules(const json& settings) {
  std::vector<TypeRule> rules;
  if (!settings.is_object() || !settings.contains("rules")) return rules;
  const json& given = settings.at("rules");
  if (!given.is_array()) return fail(ErrorKind::kInvalidInput, "[stages.classify] rules must be an array of tables");
  for (std::size_t i = 0; i < given.size(); ++i) {
    const json& r = given[i];
    const std::string where = "[stages.classify] rules[" + std::to_string(i) + "]";
    if (!r.is_object() || !r.contains("type") || !r["type"].is_string() || !cls::parse_doc_type(r["type"].get<std::string>())) {
      return fail(ErrorKind::kInvalidInput, where + ": \"type\" must name a document type (Asylantrag ... Sonstiges)");
    }
    if (!r.contains("keywords") || !r["keywords"].is_array() || r["keywords"].empty()) {
      return fail(ErrorKind::kInvalidInput, where + ": \"keywords\" must be a non-empty list of strings");
    }
    TypeRule rule;
    rule.type = std::string(cls::doc_type_name(*cls::parse_doc_type(r["type"].get<std::string>())));
    for (const json& k : r["keywords"]) {
      if (!k.is_string()) return fail(ErrorKind::kInvalidInput, where + ": keywords must be strings");
      rule.keywords.push_back(cls::fold_for_keywords(k.get<std::string>()));
    }
    rule.priority = r.value("priority", 0);
    rule.confidence = r.value("confidence", 0.95);
    if (rule.confidence < 0.0 || rule.confidence > 1.0) {
      return fail(ErrorKind::kInvalidInput, where + ": confidence must be from 0 to 1");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::vector<std::string> allowed_types(const json& settings) {
  std::vector<std::string> out;
  if (!settings.is_object() || !settings.contains("doc_types") || !settings["doc_types"].is_array()) return out;
  for (const json& t : settings["doc_types"]) {
    if (t.is_string()) out.push_back(t.get<std::string>());
  }
  return out;
}

TypeDecision decide_type(std::string_view text, const std::vector<TypeRule>& rules, const cls::DocTypeModel* model,
                         const std::vector<std::string>& allowed) {
  TypeDecision decision;
  const std::string folded = cls::fold_for_keywords(text);
  const TypeRule* best_rule = nullptr;
  for (const auto& rule : rules) {
    if (rule_matches(rule, folded) && (!best_rule || rule.priority > best_rule->priority)) best_rule = &rule;
  }
  const cls::DocTypeGuess keywords = cls::guess_doc_type(text);
  const std::string keyword_type(cls::doc_type_name(keywords.type));
  if (best_rule) {
    decision = {best_rule->type, best_rule->confidence, "rule", best_rule->keywords};
  } else if (model && !model->empty()) {
    const cls::TypePrediction predicted = model->predict(text);
    decision.type = predicted.type;
    decision.evidence = keywords.evidence;
    const bool keywords_silent = keywords.type == cls::DocType::kSonstiges;
    if (keyword_type == predicted.type) {
      decision.confidence = 1.0 - (1.0 - predicted.confidence) * (1.0 - keywords.confidence);
      decision.source = "model+keywords";
    } else if (keywords_silent) {
      decision.confidence = predicted.confidence;
      decision.source = "model";
    } else {
      decision.confidence = predicted.confidence * kDisagreementFactor;
      decision.source = "model (keywords say " + keyword_type + ")";
    }
    decision.confidence = std::min(decision.confidence, kMaximumConfidence);
  } else {
    decision = {keyword_type, keywords.confidence, "keywords", keywords.evidence};
  }
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), decision.type) == allowed.end()) {
    decision = {"Sonstiges", 0.5, decision.source + " (" + decision.type + " not a type of this tenant)", {}};
  }
  return decision;
}

}  // namespace zpe
