#include "stages/route_policy.h"

#include <cstdio>

#include "classifiers/applicant_keys.h"
#include "classifiers/case_number.h"

namespace zpe {

namespace {

using nlohmann::json;

std::string two_decimals(double value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

std::string string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

double number_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

const char* key_label(const std::string& key) {
  return key == "surname" ? "surname" : key == "birth_date" ? "date of birth" : key.c_str();
}

// What the letter says of a key: the values found, as the classify stage wrote them.
std::vector<std::string> letter_values(const json& classification, const std::string& key) {
  std::vector<std::string> values;
  const json keys = classification.value("second_keys", json::object());
  const json found = keys.is_object() ? keys.value(key, json::array()) : json::array();
  for (const json& item : found.is_array() ? found : json::array()) {
    if (item.is_object() && item.contains("value") && item["value"].is_string()) values.push_back(item["value"].get<std::string>());
  }
  return values;
}

// The second-key check: "" when the case may be trusted (a key agreed, recorded in
// `agreed_key`, or the registry holds no key for it), else the clearing reason. The reason
// names the keys the registry expects and what the letter offered, never the registry's
// values: the operator compares the letter with the case file.
std::string second_key_objection(const json& c, const std::string& number,
                                 const classifiers::CaseRegistry& registry, std::string* agreed_key) {
  const classifiers::SecondKeys& registered = registry.second_keys(number);
  if (registered.empty() || string_field(c, "case_number_source") == "operator") return "";
  std::vector<std::string> expected, offered;
  for (const auto& [key, value] : registered) {
    expected.push_back(key_label(key));
    const auto found = letter_values(c, key);
    for (const auto& candidate : found) {
      if (classifiers::second_key_agrees(key, value, candidate)) {
        *agreed_key = key;
        return "";
      }
    }
    if (!found.empty()) offered.push_back(std::string(key_label(key)) + " " + joined(found));
  }
  if (offered.empty()) {
    return "no name or date of birth in the letter to confirm case " + number + " (the case registry expects " +
           joined(expected) + ") — compare the letter with the case at the clearing station";
  }
  return "case number and name disagree: case " + number + " is registered for an applicant whose " +
         joined(expected) + " match nothing in the letter (found: " + joined(offered) +
         ") — the number may be misread; find the right case at the clearing station";
}

}  // namespace

Result<RouteThresholds> route_thresholds(const json& settings) {
  RouteThresholds thresholds;
  for (auto [key, value] : {std::pair{"min_type_confidence", &thresholds.min_type_confidence},
                            std::pair{"min_case_confidence", &thresholds.min_case_confidence}}) {
    if (!settings.is_object() || !settings.contains(key)) continue;
    const json& given = settings.at(key);
    if (!given.is_number() || given.get<double>() < 0.0 || given.get<double>() > 1.0) {
      return fail(ErrorKind::kInvalidInput, std::string("[stages.route] ") + key + " must be a number from 0 to 1");
    }
    *value = given.get<double>();
  }
  if (settings.is_object() && settings.contains("second_key")) {
    if (!settings["second_key"].is_boolean()) {
      return fail(ErrorKind::kInvalidInput, "[stages.route] second_key must be true or false");
    }
    thresholds.second_key = settings["second_key"].get<bool>();
  }
  return thresholds;
}

json with_operator_decisions(const json& classification, const json& operator_decisions) {
  json c = classification.is_object() ? classification : json::object();
  if (!operator_decisions.is_object()) return c;
  if (operator_accepted_proposal(operator_decisions)) {
    c["case_number_confidence"] = 1.0;
    c["doc_type_confidence"] = 1.0;
    c["case_number_source"] = "operator";
  }
  const json corrections = operator_decisions.value("corrections", json::object());
  if (!corrections.is_object()) return c;
  for (const char* key : {"case_number", "doc_type", "letter_date", "court_file_number"}) {
    const auto it = corrections.find(key);
    if (it == corrections.end() || !it->is_object() || !it->contains("value")) continue;
    c[key] = (*it)["value"];
    if (std::string(key) == "case_number") {
      c["case_number_confidence"] = 1.0;
      c["case_number_source"] = "operator";
    }
    if (std::string(key) == "doc_type") c["doc_type_confidence"] = 1.0;
  }
  return c;
}

bool operator_accepted_proposal(const json& operator_decisions) {
  return operator_decisions.is_object() && operator_decisions.value("accepted_proposal", false);
}

RouteDecision decide_route(const json& classification, const RouteThresholds& thresholds,
                           const classifiers::CaseRegistry* registry, const NearDuplicate* near_duplicate) {
  RouteDecision decision;
  const json& c = classification.is_object() ? classification : json::object();
  decision.case_number = string_field(c, "case_number");
  const std::string& number = decision.case_number;
  if (number.empty()) {
    decision.reason = "no case number found in the letter — enter the case number at the clearing station";
    return decision;
  }
  if (!classifiers::is_valid_case_number(number)) {
    decision.reason = "the case number \"" + number + "\" is not of the form 1234567-123 — correct it at the clearing station";
    return decision;
  }
  if (!registry) {
    decision.reason = "no case registry configured — proposed case number " + number +
                      " cannot be checked; configure [stages.route] registry, then confirm it at the clearing station";
    return decision;
  }
  if (!registry->contains(number)) {
    decision.suggestions = registry->nearest(number);
    decision.reason = "unknown case number " + number + " (not in the case registry)" +
                      (decision.suggestions.empty() ? std::string(" — enter the right number")
                                                    : " — nearest existing: " + joined(decision.suggestions));
    return decision;
  }
  if (registry->is_closed(number)) {
    decision.reason = "case " + number + " is closed in the case registry — not filed automatically; reopen the case "
                      "or file the letter by hand at the clearing station";
    return decision;
  }
  if (thresholds.second_key) {
    decision.reason = second_key_objection(c, number, *registry, &decision.second_key);
    if (!decision.reason.empty()) return decision;
  }
  const double case_confidence = number_field(c, "case_number_confidence");
  if (case_confidence < thresholds.min_case_confidence) {
    decision.reason = "case number " + number + " unsure (confidence " + two_decimals(case_confidence) + " < " +
                      two_decimals(thresholds.min_case_confidence) + ") — confirm it at the clearing station";
    return decision;
  }
  const double type_confidence = number_field(c, "doc_type_confidence");
  if (type_confidence < thresholds.min_type_confidence && thresholds.unsure_type_ok) {
    decision.doc_type_unsure = true;
  } else if (type_confidence < thresholds.min_type_confidence) {
    decision.reason = "document type unsure: " + string_field(c, "doc_type") + " (confidence " +
                      two_decimals(type_confidence) + " < " + two_decimals(thresholds.min_type_confidence) +
                      ") — confirm the type at the clearing station";
    return decision;
  }
  if (near_duplicate) {
    decision.reason = "possible duplicate of document " + near_duplicate->document_id + " (similarity " +
                      two_decimals(near_duplicate->similarity) + ") filed in case " + near_duplicate->case_number +
                      " — compare them, then file this one anyway or discard it at the clearing station";
    return decision;
  }
  decision.route = true;
  return decision;
}

}  // namespace zpe
