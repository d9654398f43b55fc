#include "stages/route.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "connectors/case_registry_source.h"
#include "stages/near_duplicate_check.h"
#include "stages/route_policy.h"
#include "stages/routing_rules.h"
#include "stages/settings_path.h"
#include "stages/stage_io.h"

namespace zpe {

namespace {

using nlohmann::json;

// The fields an operator corrected at the clearing station, e.g. ["case_number"].
json corrected_fields(const json& operator_decisions) {
  json out = json::array();
  const json corrections = operator_decisions.is_object() ? operator_decisions.value("corrections", json::object())
                                                          : json::object();
  for (auto it = corrections.begin(); corrections.is_object() && it != corrections.end(); ++it) out.push_back(it.key());
  return out;
}

// True when an operator has decided on the document at the clearing station (released it,
// corrected it or accepted the proposal): a rule that holds documents for a person has
// then been answered.
bool operator_decided(const json& operator_decisions) {
  return operator_decisions.is_object() && !operator_decisions.empty();
}

// Courts an operator sent the document to at the clearing station (ClearingDesk::send_to_court),
// added before the archive, which stays last (routed_destinations always ends with it).
void add_operator_courts(const json& operator_decisions, std::vector<RouteDestination>& destinations) {
  const json courts = operator_decisions.is_object() ? operator_decisions.value("court_destinations", json::array())
                                                     : json::array();
  for (const json& court : courts) {
    if (!court.is_string()) continue;
    const bool known = std::any_of(destinations.begin(), destinations.end(), [&](const RouteDestination& d) {
      return d.to == "court" && d.court_id == court.get<std::string>();
    });
    if (!known) destinations.insert(destinations.end() - 1, RouteDestination{"court", court.get<std::string>()});
  }
}

json rules_setting(const json& settings) { return settings.is_object() ? settings.value("rules", json(nullptr)) : json(nullptr); }

json rule_checks_json(const std::vector<RuleCheck>& checks) {
  json out = json::array();
  for (const auto& check : checks) out.push_back({{"rule", check.rule->name}, {"matched", check.matched}, {"why", check.reasons}});
  return out;
}

class RouteStage final : public Stage {
 public:
  explicit RouteStage(json construction_settings) : construction_settings_(std::move(construction_settings)) {}
  std::string_view name() const override { return "route"; }
  std::string version() const override { return "route/6"; }
  StageOutcome run(const StageContext& context) override;

 private:
  // The registry the settings name for this tenant, as it is now: nullptr when none is
  // configured or the file does not exist; a failure when it exists but cannot be read.
  tl::expected<const classifiers::CaseRegistry*, StageFailure> registry_for(const json& settings,
                                                                            const std::string& tenant);

  json construction_settings_;
  std::map<std::string, FollowedRegistry> registries_;  // by resolved path + "|" + tenant
};

tl::expected<const classifiers::CaseRegistry*, StageFailure> RouteStage::registry_for(const json& settings,
                                                                                      const std::string& tenant) {
  const std::string configured = settings.is_object() ? settings.value("registry", "") : "";
  if (configured.empty()) return nullptr;
  const auto path = resolve_settings_path(configured, construction_settings_);
  auto followed = registries_.try_emplace(path.string() + "|" + tenant, path, tenant).first;
  auto registry = followed->second.current();
  if (registry) return *registry;
  // A malformed file needs a person; a registry another process holds locked may be free on retry.
  const bool malformed = registry.error().kind == ErrorKind::kInvalidInput;
  return stage_failure(malformed ? FailureKind::kFinal : FailureKind::kRetryable,
                       registry.error().message + (malformed ? " — fix the registry file" : ""));
}

StageOutcome RouteStage::run(const StageContext& context) {
  auto thresholds = route_thresholds(context.settings);
  if (!thresholds) return stage_failure(FailureKind::kFinal, thresholds.error().message);
  auto rules = parse_routing_rules(rules_setting(context.settings), nullptr);
  if (!rules) return stage_failure(FailureKind::kFinal, rules.error().message + " — fix the config");
  const std::string tenant = context.record.value("tenant", "");
  auto registry = registry_for(context.settings, tenant);
  if (!registry) return tl::unexpected(registry.error());
  // The operator's corrections from the clearing station take precedence over the machine's.
  const json operator_decisions = context.record.value("operator", json::object());
  const json classification =
      with_operator_decisions(context.record.value("classification", json::object()), operator_decisions);
  const bool accepted = operator_accepted_proposal(operator_decisions);
  // The tenant's routing rules: the first that matches says where the document goes.
  const auto checks = check_rules(*rules, rule_facts(context.record, classification));
  const RoutingRule* rule = matched_rule(checks);
  thresholds->unsure_type_ok = rule && rule->unsure_type_ok;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  auto duplicate = check_record_for_near_duplicate(context, now_ms);
  if (!duplicate) return tl::unexpected(duplicate.error());
  RouteDecision decision =
      decide_route(classification, *thresholds, *registry,
                   duplicate->found && !accepted ? &*duplicate->found : nullptr);
  // A rule that holds documents for a person does so once the policy would route them.
  if (decision.route && rule && rule->sends_to("clearing") && !operator_decided(operator_decisions)) {
    decision.route = false;
    decision.reason = "routing rule \"" + rule->name + "\": " + rule->clearing_reason;
  }
  auto destinations = decision.route ? routed_destinations(rule, context.record)
                                     : Result<std::vector<RouteDestination>>(std::vector<RouteDestination>{});
  if (!destinations) {
    decision.route = false;
    decision.reason = destinations.error().message;
  } else if (decision.route) {
    add_operator_courts(operator_decisions, *destinations);
  }
  StageResult result;
  result.patch["near_duplicate"] = near_duplicate_json(duplicate->found);
  const json rule_name = rule ? json(rule->name) : json(nullptr);
  if (!decision.route) {
    result.patch["route"] = {
        {"version", version()},
        {"target", nullptr},
        {"rule", rule_name},
        {"rule_checks", rule_checks_json(checks)},
        {"proposal",
         {{"case_number", decision.case_number.empty() ? json(nullptr) : json(decision.case_number)},
          {"doc_type", classification.value("doc_type", json(nullptr))},
          {"case_number_confidence", classification.value("case_number_confidence", json(nullptr))},
          {"doc_type_confidence", classification.value("doc_type_confidence", json(nullptr))},
          {"suggestions", decision.suggestions}}},
        {"near_duplicate_check", duplicate->summary}};
    result.clearing_reason = decision.reason;
    return result;
  }
  // The PDF that goes to the case file is the one the ocr stage built (and, once signing
  // exists, the sign stage replaced): route only decides where it goes.
  auto pdf = required_string(context.record, {"pdf", "sha256"}, "route");
  if (!pdf) return tl::unexpected(pdf.error());
  const bool to_casefile = std::any_of(destinations->begin(), destinations->end(),
                                       [](const RouteDestination& d) { return d.to == "casefile"; });
  // What is filed: the case number, type and date as decided (the operator's where given).
  // target "casefile": filed with a case-system event; "archive": filed for the other
  // destinations (a court, the archive) only.
  result.patch["route"] = {{"version", version()},
                           {"target", to_casefile ? "casefile" : "archive"},
                           {"destinations", destinations_json(*destinations)},
                           {"rule", rule_name},
                           {"rule_checks", rule_checks_json(checks)},
                           {"case_number", decision.case_number},
                           {"doc_type", classification.value("doc_type", json(nullptr))},
                           {"doc_type_unsure", decision.doc_type_unsure},
                           {"letter_date", classification.value("letter_date", json(nullptr))},
                           {"court_file_number", classification.value("court_file_number", json(nullptr))},
                           {"operator_corrected", corrected_fields(operator_decisions)},
                           {"operator_accepted", accepted},
                           {"second_key", decision.second_key.empty() ? json(nullptr) : json(decision.second_key)},
                           {"near_duplicate_check", duplicate->summary}};
  return result;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_route_stage(const nlohmann::json& settings) {
  if (auto thresholds = route_thresholds(settings); !thresholds) return fail(thresholds.error());
  if (auto near_duplicate = near_duplicate_settings(settings); !near_duplicate) return fail(near_duplicate.error());
  if (auto rules = parse_routing_rules(rules_setting(settings), nullptr); !rules) {
    return fail(rules.error());
  }
  return std::unique_ptr<Stage>(std::make_unique<RouteStage>(settings));
}

}  // namespace zpe
