// `zpe route explain DOC_ID [--json]`: why a document went where it went. Prints the
// tenant's routing rules in order (stages/routing_rules.h) — for each, whether it matched
// and, condition by condition, why or why not — then what the decision policy says about
// the document now (registry as it is now, thresholds, the matched rule's unsure_type_ok),
// and what the route stage recorded when it last ran.
#include <cstdio>

#include "app/app.h"
#include "connectors/case_registry_source.h"
#include "stages/route_policy.h"
#include "stages/routing_rules.h"
#include "stages/settings_path.h"

namespace zpe::app {

namespace {

using nlohmann::json;

// The policy's view now: nullopt registry when none is configured or the file is missing.
Result<RouteDecision> decide_now(const json& settings, const std::string& tenant, const json& classification,
                                 RouteThresholds thresholds) {
  const std::string configured = settings.value("registry", "");
  std::optional<classifiers::CaseRegistry> registry;
  if (!configured.empty()) {
    const auto path = resolve_settings_path(configured, settings);
    std::error_code error;
    if (std::filesystem::exists(path, error)) {
      auto loaded = load_case_registry(path, tenant);
      if (!loaded) return fail(loaded.error());
      registry = std::move(*loaded);
    }
  }
  return decide_route(classification, thresholds, registry ? &*registry : nullptr);
}

int explain(const GlobalOptions& options, const std::string& id, bool as_json) {
  auto opened = open_store(options, false);
  if (!opened) return kNotFound;
  auto row = opened->jobs->get(id);
  if (!row) {
    std::fprintf(stderr, "%s\n", row.error().message.c_str());
    return kNotFound;
  }
  json settings = opened->env.config.stage_settings("route", row->tenant);
  settings["home"] = opened->env.home.root.string();
  auto rules = parse_routing_rules(settings.value("rules", json(nullptr)), nullptr);
  auto thresholds = route_thresholds(settings);
  if (!rules || !thresholds) {
    std::fprintf(stderr, "config: %s\n", (!rules ? rules.error() : thresholds.error()).message.c_str());
    return kBadArgs;
  }
  const json& record = row->record;
  const json classification =
      with_operator_decisions(record.value("classification", json::object()), record.value("operator", json::object()));
  const RuleFacts facts = rule_facts(record, classification);
  const auto checks = check_rules(*rules, facts);
  const RoutingRule* rule = matched_rule(checks);
  thresholds->unsure_type_ok = rule && rule->unsure_type_ok;
  auto decision = decide_now(settings, row->tenant, classification, *thresholds);
  if (!decision) {
    std::fprintf(stderr, "registry: %s\n", decision.error().message.c_str());
    return kFailed;
  }
  auto destinations = routed_destinations(rule, record);

  json out = {{"document_id", row->id},
              {"tenant", row->tenant},
              {"state", row->state},
              {"facts",
               {{"doc_type", facts.doc_type},
                {"doc_type_confidence", facts.doc_type_confidence},
                {"sender", facts.sender},
                {"court", facts.court},
                {"case_number", facts.case_number},
                {"court_file_number", facts.court_file_number},
                {"source", facts.source},
                {"pages", facts.pages}}},
              {"rules", json::array()},
              {"matched_rule", rule ? json(rule->name) : json(nullptr)},
              {"policy", {{"route", decision->route}, {"reason", decision->reason}, {"doc_type_unsure", decision->doc_type_unsure}}},
              {"destinations", destinations ? destinations_json(*destinations) : json(nullptr)},
              {"recorded", record.value("route", json(nullptr))}};
  for (size_t i = 0; i < rules->size(); ++i) {
    const RoutingRule& r = (*rules)[i];
    json item = {{"rule", r.name}, {"origin", r.origin}};
    if (i < checks.size()) {
      item["matched"] = checks[i].matched;
      item["why"] = checks[i].reasons;
    } else {
      item["matched"] = nullptr;
      item["why"] = json::array({"not looked at: an earlier rule matched"});
    }
    out["rules"].push_back(std::move(item));
  }
  if (as_json) {
    std::printf("%s\n", out.dump(2).c_str());
    return kOk;
  }
  std::printf("document %s (tenant %s), %s\n", row->id.c_str(), row->tenant.c_str(), row->state.c_str());
  std::printf("  type %s (%.2f), case %s, court file %s, source %s, %lld page(s)\n",
              facts.doc_type.empty() ? "-" : facts.doc_type.c_str(), facts.doc_type_confidence,
              facts.case_number.empty() ? "-" : facts.case_number.c_str(),
              facts.court_file_number.empty() ? "-" : facts.court_file_number.c_str(), facts.source.c_str(),
              static_cast<long long>(facts.pages));
  if (!facts.sender.empty() || !facts.court.empty()) {
    std::printf("  sender %s, court %s\n", facts.sender.empty() ? "-" : facts.sender.c_str(),
                facts.court.empty() ? "-" : facts.court.c_str());
  }
  std::printf("\nrouting rules of tenant %s, in order:\n", row->tenant.c_str());
  if (rules->empty()) std::printf("  (none: the case system and the archive)\n");
  for (const auto& item : out["rules"]) {
    const json& matched = item["matched"];
    std::printf("  %-9s \"%s\"%s\n", matched.is_null() ? "skipped" : matched.get<bool>() ? "MATCHED" : "no match",
                item["rule"].get<std::string>().c_str(),
                item["origin"].get<std::string>().empty() ? "" : (" (" + item["origin"].get<std::string>() + ")").c_str());
    for (const auto& why : item["why"]) std::printf("            %s\n", why.get<std::string>().c_str());
  }
  std::printf("\ndecision now: ");
  if (!decision->route) {
    std::printf("CLEARING — %s\n", decision->reason.c_str());
  } else if (rule && rule->sends_to("clearing")) {
    std::printf("CLEARING — routing rule \"%s\": %s (until an operator decides)\n", rule->name.c_str(),
                rule->clearing_reason.c_str());
  } else if (!destinations) {
    std::printf("CLEARING — %s\n", destinations.error().message.c_str());
  } else {
    std::string to;
    for (const auto& d : *destinations) to += (to.empty() ? "" : ", ") + d.to + (d.court_id.empty() ? "" : ":" + d.court_id);
    std::printf("route to %s%s\n", to.c_str(), decision->doc_type_unsure ? " (doc_type_unsure: the type is confirmed later)" : "");
  }
  const json recorded = record.value("route", json(nullptr));
  if (recorded.is_object()) {
    std::printf("recorded by %s: %s%s\n", recorded.value("version", "route").c_str(),
                recorded.value("target", json(nullptr)).is_string() ? ("target " + recorded["target"].get<std::string>()).c_str()
                                                                    : "held in clearing",
                recorded.value("rule", json(nullptr)).is_string() ? (", rule \"" + recorded["rule"].get<std::string>() + "\"").c_str() : "");
  } else {
    std::printf("the route stage has not run on this document yet\n");
  }
  return kOk;
}

}  // namespace

void add_route_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* route = app.add_subcommand("route", "routing rules: why a document goes where it goes");
  route->require_subcommand(1);
  auto* cmd = route->add_subcommand("explain", "which routing rule matched a document and why, which did not and why not");
  auto id = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  cmd->add_option("DOC_ID", *id, "the document")->required();
  cmd->add_flag("--json", *as_json, "machine-readable");
  cmd->callback([&options, &action, id, as_json] { action = [&options, id, as_json] { return explain(options, *id, *as_json); }; });
}

}  // namespace zpe::app
