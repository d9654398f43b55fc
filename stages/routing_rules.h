// Routing rules: per tenant, an ordered list in the config that says where a document goes
// once the decision policy (stages/route_policy.h) trusts its case number. The first rule
// whose conditions all hold decides; a document no rule matches goes to the case system.
// The archive keeps every filed document whatever a rule says.
//
//   [[tenants.<t>.stages.route.rules]]        (or [[stages.route.rules]] for every tenant
//   name = "decisions also to the court"      without rules of its own; a tenant's list
//   doc_type = ["Gerichtsentscheidung"]       replaces the global one)
//   min_type_confidence = 0.9
//   to = ["casefile", "court:R1101"]
//
// Conditions (all optional; a rule without any matches everything):
//   doc_type             list of types, any of them
//   min_type_confidence / max_type_confidence   bounds on the type's confidence (0..1)
//   sender, court        regular expressions (ECMAScript, case-insensitive, found anywhere)
//                        over the letter's sender and court (a court mailbox message: the
//                        court's XJustiz ID and its name)
//   case_number, court_file_number   regular expressions over the numbers as decided
//   source               list of "scan" (watch folder), "upload" (zpe submit, web), "egvp"
//   min_pages / max_pages   the document's page count
// Actions:
//   to                   list of "casefile" (the case system's feed), "court:<XJustiz ID>"
//                        (a package to that court's EGVP outbox; the court must be in the
//                        tenant's directory [[tenants.<t>.courts]]), "court" (the court that
//                        sent the document through the court mailbox), "archive" (always
//                        implied), "clearing" (hold for a person, with clearing_reason)
//   clearing_reason      what the operator is told; required with "clearing"
//   unsure_type_ok       true: a document type below min_type_confidence does not hold back
//                        a document whose case number is verified; it is filed with
//                        doc_type_unsure: true for later confirmation
//
// parse_routing_rules refuses a rule it cannot follow (unknown key, bad regex, unknown
// destination or court) naming the rule and, when the caller gives it, the config line.
// The evaluation is pure and thread-safe; used by the route stage and `zpe route explain`.
#pragma once

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/config.h"
#include "pipeline/status.h"

namespace zpe {

// A destination of a rule: to = "casefile" | "court" | "archive" | "clearing";
// court_id set for "court:<id>" ("" for the sending court).
struct RouteDestination {
  std::string to;
  std::string court_id;
};

// A regular expression together with the text it was written as.
struct RulePattern {
  std::string text;
  std::regex regex;
};

struct RoutingRule {
  std::string name;
  std::string origin;  // "file:line" of the rule in the config, or "" when unknown
  std::vector<std::string> doc_types;
  std::optional<double> min_type_confidence;
  std::optional<double> max_type_confidence;
  std::optional<RulePattern> sender;
  std::optional<RulePattern> court;
  std::optional<RulePattern> case_number;
  std::optional<RulePattern> court_file_number;
  std::vector<std::string> sources;
  std::optional<int64_t> min_pages;
  std::optional<int64_t> max_pages;
  std::vector<RouteDestination> destinations;
  std::string clearing_reason;
  bool unsure_type_ok = false;

  bool sends_to(const std::string& to) const;
};

// Where a rule sits in the config, for error messages: given the index in the rules list,
// "file:line" or "". Config::origin answers it for a config.
using RuleOrigin = std::function<std::string(size_t index)>;

// Parses a rules list (a stage's settings["rules"]; null or absent: no rules). court_ids:
// the tenant's court directory — "court:<id>" must name one of them (nullptr: not checked,
// as in the route stage, which sees only its settings; start-up has checked them).
Result<std::vector<RoutingRule>> parse_routing_rules(const nlohmann::json& rules,
                                                     const std::vector<std::string>* court_ids,
                                                     const RuleOrigin& origin = nullptr);

// The court directory of a tenant: the ids of [[tenants.<t>.courts]].
std::vector<std::string> tenant_court_ids(const Config& config, const std::string& tenant);

// Checks the rules of every tenant (and the global list) of a config; the first bad rule
// is an error naming the tenant, the rule and its config line. Called at start-up.
Status check_routing_rules(const Config& config);

// What the rules look at, taken from a document's record and its classification (with the
// operator's decisions applied).
struct RuleFacts {
  std::string doc_type;
  double doc_type_confidence = 0.0;
  std::string sender;
  std::string court;  // "<XJustiz ID> <name>" for a court mailbox message
  std::string case_number;
  std::string court_file_number;
  std::string source;  // scan | upload | egvp
  int64_t pages = 0;
};
RuleFacts rule_facts(const nlohmann::json& record, const nlohmann::json& classification);

// One rule against one document: whether it matched, and for each condition why.
struct RuleCheck {
  const RoutingRule* rule = nullptr;
  bool matched = false;
  std::vector<std::string> reasons;  // "doc_type Ladung is not one of [Gerichtsentscheidung]"
};

// Every rule in order, stopping after the first that matches (later rules are not
// looked at, so the list says exactly why the chosen rule won).
std::vector<RuleCheck> check_rules(const std::vector<RoutingRule>& rules, const RuleFacts& facts);
// The matching rule of such a list, or nullptr.
const RoutingRule* matched_rule(const std::vector<RuleCheck>& checks);

// The destinations a routed document gets: the rule's (clearing removed), or the case
// system when no rule matched; "court" resolved to the sending court; archive always last.
// A bare "court" for a document that did not come from a court is an error.
Result<std::vector<RouteDestination>> routed_destinations(const RoutingRule* rule, const nlohmann::json& record);
nlohmann::json destinations_json(const std::vector<RouteDestination>& destinations);

}  // namespace zpe
