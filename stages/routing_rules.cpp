#include "stages/routing_rules.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace zpe {

namespace {

using nlohmann::json;

const std::set<std::string> kRuleKeys = {"name",       "doc_type",       "min_type_confidence", "max_type_confidence",
                                         "sender",     "court",          "case_number",         "court_file_number",
                                         "source",     "min_pages",      "max_pages",           "to",
                                         "clearing_reason", "unsure_type_ok"};
const std::set<std::string> kSources = {"scan", "upload", "egvp"};

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string two_decimals(double value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

// Reads one rule; `where` prefixes every error ("rule 2 \"name\" (file:line)").
class RuleReader {
 public:
  RuleReader(const json& rule, std::string where) : rule_(rule), where_(std::move(where)) {}

  Status string_list(const char* key, std::vector<std::string>& out) {
    if (!rule_.contains(key)) return {};
    const json& value = rule_.at(key);
    if (value.is_string()) {
      out.push_back(value.get<std::string>());
      return {};
    }
    if (!value.is_array()) return error(std::string(key) + " must be a string or a list of strings");
    for (const json& item : value) {
      if (!item.is_string()) return error(std::string(key) + " must be a list of strings");
      out.push_back(item.get<std::string>());
    }
    return {};
  }
  Status confidence(const char* key, std::optional<double>& out) {
    if (!rule_.contains(key)) return {};
    const json& value = rule_.at(key);
    if (!value.is_number() || value.get<double>() < 0.0 || value.get<double>() > 1.0) {
      return error(std::string(key) + " must be a number from 0 to 1");
    }
    out = value.get<double>();
    return {};
  }
  Status count(const char* key, std::optional<int64_t>& out) {
    if (!rule_.contains(key)) return {};
    const json& value = rule_.at(key);
    if (!value.is_number_integer() || value.get<int64_t>() < 0) return error(std::string(key) + " must be a whole number >= 0");
    out = value.get<int64_t>();
    return {};
  }
  Status pattern(const char* key, std::optional<RulePattern>& out) {
    if (!rule_.contains(key)) return {};
    const json& value = rule_.at(key);
    if (!value.is_string() || value.get<std::string>().empty()) return error(std::string(key) + " must be a non-empty regular expression");
    try {
      out = RulePattern{value.get<std::string>(),
                        std::regex(value.get<std::string>(), std::regex::ECMAScript | std::regex::icase)};
    } catch (const std::regex_error& e) {
      return error(std::string(key) + " \"" + value.get<std::string>() + "\" is not a valid regular expression (" + e.what() + ")");
    }
    return {};
  }
  Status flag(const char* key, bool& out) {
    if (!rule_.contains(key)) return {};
    if (!rule_.at(key).is_boolean()) return error(std::string(key) + " must be true or false");
    out = rule_.at(key).get<bool>();
    return {};
  }
  Status error(const std::string& what) const { return fail(ErrorKind::kInvalidInput, where_ + ": " + what); }

 private:
  const json& rule_;
  std::string where_;
};

Result<RouteDestination> parse_destination(const std::string& text, const std::vector<std::string>* court_ids,
                                           const RuleReader& reader) {
  if (text == "casefile" || text == "archive" || text == "clearing" || text == "court") return RouteDestination{text, ""};
  if (text.starts_with("court:")) {
    const std::string id = text.substr(6);
    if (id.empty()) return fail(reader.error("court: needs the court's XJustiz ID (court:<id>)").error());
    if (court_ids && std::find(court_ids->begin(), court_ids->end(), id) == court_ids->end()) {
      return fail(reader.error("court \"" + id + "\" is not in the tenant's court directory [[tenants.<t>.courts]]" +
                               (court_ids->empty() ? std::string(" (which is empty)") : " (" + joined(*court_ids) + ")")).error());
    }
    return RouteDestination{"court", id};
  }
  return fail(reader.error("unknown destination \"" + text +
                           "\" in to (casefile, court, court:<XJustiz ID>, archive or clearing)").error());
}

Result<RoutingRule> parse_rule(const json& item, size_t index, const std::vector<std::string>* court_ids,
                               const RuleOrigin& origin) {
  const std::string at = origin ? origin(index) : "";
  std::string where = "routing rule " + std::to_string(index + 1);
  if (item.is_object() && item.contains("name") && item["name"].is_string()) {
    where += " \"" + item["name"].get<std::string>() + "\"";
  }
  if (!at.empty()) where += " (" + at + ")";
  RuleReader reader(item, where);
  if (!item.is_object()) return fail(reader.error("a rule must be a table ([[...rules]])").error());
  for (auto it = item.begin(); it != item.end(); ++it) {
    if (!kRuleKeys.contains(it.key())) return fail(reader.error("unknown key \"" + it.key() + "\"").error());
  }
  RoutingRule rule;
  rule.origin = at;
  if (!item.contains("name") || !item["name"].is_string() || item["name"].get<std::string>().empty()) {
    return fail(reader.error("name is required").error());
  }
  rule.name = item["name"].get<std::string>();
  std::vector<std::string> to;
  for (Status st : {reader.string_list("doc_type", rule.doc_types), reader.confidence("min_type_confidence", rule.min_type_confidence),
                    reader.confidence("max_type_confidence", rule.max_type_confidence), reader.pattern("sender", rule.sender),
                    reader.pattern("court", rule.court), reader.pattern("case_number", rule.case_number),
                    reader.pattern("court_file_number", rule.court_file_number), reader.string_list("source", rule.sources),
                    reader.count("min_pages", rule.min_pages), reader.count("max_pages", rule.max_pages),
                    reader.string_list("to", to), reader.flag("unsure_type_ok", rule.unsure_type_ok)}) {
    if (!st) return fail(st.error());
  }
  for (const auto& source : rule.sources) {
    if (!kSources.contains(source)) return fail(reader.error("unknown source \"" + source + "\" (scan, upload or egvp)").error());
  }
  if (to.empty()) return fail(reader.error("to is required: where the documents go").error());
  for (const auto& text : to) {
    auto destination = parse_destination(text, court_ids, reader);
    if (!destination) return fail(destination.error());
    rule.destinations.push_back(*destination);
  }
  if (item.contains("clearing_reason")) {
    if (!item["clearing_reason"].is_string()) return fail(reader.error("clearing_reason must be text").error());
    rule.clearing_reason = item["clearing_reason"].get<std::string>();
  }
  if (rule.sends_to("clearing") && rule.clearing_reason.empty()) {
    return fail(reader.error("to holds the document in clearing: say why in clearing_reason").error());
  }
  return rule;
}

bool found_in(const RulePattern& pattern, const std::string& text) { return std::regex_search(text, pattern.regex); }

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("value") && value["value"].is_string()) return value["value"].get<std::string>();
  return "";
}

}  // namespace

bool RoutingRule::sends_to(const std::string& to) const {
  return std::any_of(destinations.begin(), destinations.end(), [&](const RouteDestination& d) { return d.to == to; });
}

Result<std::vector<RoutingRule>> parse_routing_rules(const json& rules, const std::vector<std::string>* court_ids,
                                                     const RuleOrigin& origin) {
  std::vector<RoutingRule> out;
  if (rules.is_null()) return out;
  if (!rules.is_array()) return fail(ErrorKind::kInvalidInput, "routing rules must be a list ([[...rules]] tables)");
  std::set<std::string> names;
  for (size_t i = 0; i < rules.size(); ++i) {
    auto rule = parse_rule(rules[i], i, court_ids, origin);
    if (!rule) return fail(rule.error());
    if (!names.insert(rule->name).second) {
      return fail(ErrorKind::kInvalidInput, "routing rule " + std::to_string(i + 1) + " \"" + rule->name + "\"" +
                                                (rule->origin.empty() ? "" : " (" + rule->origin + ")") +
                                                ": another rule has the same name");
    }
    out.push_back(std::move(*rule));
  }
  return out;
}

std::vector<std::string> tenant_court_ids(const Config& config, const std::string& tenant) {
  std::vector<std::string> ids;
  const json& root = config.json();
  if (!root.contains("tenants") || !root["tenants"].contains(tenant)) return ids;
  const json& courts = root["tenants"][tenant].value("courts", json::array());
  for (const json& court : courts) {
    if (court.is_object() && court.contains("id") && court["id"].is_string()) ids.push_back(court["id"].get<std::string>());
  }
  return ids;
}

Status check_routing_rules(const Config& config) {
  const json& root = config.json();
  for (const auto& tenant : config.tenants()) {
    const json settings = config.stage_settings("route", tenant);
    // The tenant's own list when it has one, else the global list.
    const bool own = root["tenants"][tenant].contains("stages") && root["tenants"][tenant]["stages"].contains("route") &&
                     root["tenants"][tenant]["stages"]["route"].contains("rules");
    const std::string base = own ? "/tenants/" + tenant + "/stages/route/rules/" : "/stages/route/rules/";
    const auto court_ids = tenant_court_ids(config, tenant);
    auto rules = parse_routing_rules(settings.value("rules", json(nullptr)), &court_ids,
                                     [&](size_t i) { return config.origin(base + std::to_string(i)); });
    if (!rules) return fail(ErrorKind::kInvalidInput, "tenant " + tenant + ": " + rules.error().message);
  }
  return {};
}

RuleFacts rule_facts(const json& record, const json& classification) {
  RuleFacts facts;
  const json& c = classification.is_object() ? classification : json::object();
  facts.doc_type = text_of(c.value("doc_type", json(nullptr)));
  facts.doc_type_confidence = c.value("doc_type_confidence", json(0.0)).is_number() ? c["doc_type_confidence"].get<double>() : 0.0;
  facts.sender = text_of(c.value("sender", json(nullptr)));
  facts.court = text_of(c.value("court", json(nullptr)));
  facts.case_number = text_of(c.value("case_number", json(nullptr)));
  facts.court_file_number = text_of(c.value("court_file_number", json(nullptr)));
  const json source = record.value("source", json::object());
  facts.source = source.is_object() ? source.value("channel", "scan") : "scan";
  if (source.is_object() && source.contains("egvp") && source["egvp"].is_object()) {
    const json& egvp = source["egvp"];
    const std::string id = text_of(egvp.value("court_id", json(nullptr)));
    const std::string name = text_of(egvp.value("court_name", json(nullptr)));
    facts.court = id + (id.empty() || name.empty() ? "" : " ") + name;
    if (facts.sender.empty()) facts.sender = name;
  }
  if (record.contains("pages") && record["pages"].is_array()) {
    facts.pages = static_cast<int64_t>(record["pages"].size());
  } else if (record.contains("page_count") && record["page_count"].is_number_integer()) {
    facts.pages = record["page_count"].get<int64_t>();
  }
  return facts;
}

std::vector<RuleCheck> check_rules(const std::vector<RoutingRule>& rules, const RuleFacts& facts) {
  std::vector<RuleCheck> checks;
  for (const auto& rule : rules) {
    RuleCheck check{&rule, true, {}};
    auto note = [&](bool holds, const std::string& why) {
      if (!holds) check.matched = false;
      check.reasons.push_back((holds ? "yes: " : "no: ") + why);
    };
    auto quoted = [](const std::string& s) { return s.empty() ? std::string("(none)") : "\"" + s + "\""; };
    if (!rule.doc_types.empty()) {
      const bool any = std::find(rule.doc_types.begin(), rule.doc_types.end(), facts.doc_type) != rule.doc_types.end();
      note(any, "doc_type " + quoted(facts.doc_type) + (any ? " is" : " is not") + " one of [" + joined(rule.doc_types) + "]");
    }
    if (rule.min_type_confidence) {
      const bool ok = facts.doc_type_confidence >= *rule.min_type_confidence;
      note(ok, "type confidence " + two_decimals(facts.doc_type_confidence) + (ok ? " >= " : " < ") +
                   two_decimals(*rule.min_type_confidence));
    }
    if (rule.max_type_confidence) {
      const bool ok = facts.doc_type_confidence <= *rule.max_type_confidence;
      note(ok, "type confidence " + two_decimals(facts.doc_type_confidence) + (ok ? " <= " : " > ") +
                   two_decimals(*rule.max_type_confidence));
    }
    for (auto [pattern, label, value] : {std::tuple{&rule.sender, "sender", &facts.sender},
                                         std::tuple{&rule.court, "court", &facts.court},
                                         std::tuple{&rule.case_number, "case_number", &facts.case_number},
                                         std::tuple{&rule.court_file_number, "court_file_number", &facts.court_file_number}}) {
      if (!*pattern) continue;
      const bool ok = !value->empty() && found_in(**pattern, *value);
      note(ok, std::string(label) + " " + quoted(*value) + (ok ? " matches /" : " does not match /") + (*pattern)->text + "/");
    }
    if (!rule.sources.empty()) {
      const bool any = std::find(rule.sources.begin(), rule.sources.end(), facts.source) != rule.sources.end();
      note(any, "source " + facts.source + (any ? " is" : " is not") + " one of [" + joined(rule.sources) + "]");
    }
    if (rule.min_pages) {
      const bool ok = facts.pages >= *rule.min_pages;
      note(ok, std::to_string(facts.pages) + " pages" + (ok ? " >= " : " < ") + std::to_string(*rule.min_pages));
    }
    if (rule.max_pages) {
      const bool ok = facts.pages <= *rule.max_pages;
      note(ok, std::to_string(facts.pages) + " pages" + (ok ? " <= " : " > ") + std::to_string(*rule.max_pages));
    }
    if (check.reasons.empty()) check.reasons.push_back("yes: the rule has no conditions");
    checks.push_back(std::move(check));
    if (checks.back().matched) break;
  }
  return checks;
}

const RoutingRule* matched_rule(const std::vector<RuleCheck>& checks) {
  return !checks.empty() && checks.back().matched ? checks.back().rule : nullptr;
}

Result<std::vector<RouteDestination>> routed_destinations(const RoutingRule* rule, const json& record) {
  std::vector<RouteDestination> out;
  auto add = [&](RouteDestination d) {
    const bool known = std::any_of(out.begin(), out.end(), [&](const RouteDestination& o) {
      return o.to == d.to && o.court_id == d.court_id;
    });
    if (!known) out.push_back(std::move(d));
  };
  if (!rule) add({"casefile", ""});
  for (const auto& d : rule ? rule->destinations : std::vector<RouteDestination>{}) {
    if (d.to == "clearing" || d.to == "archive") continue;
    if (d.to == "court" && d.court_id.empty()) {
      const json source = record.value("source", json::object());
      const json egvp = source.is_object() ? source.value("egvp", json::object()) : json::object();
      const std::string id = egvp.is_object() ? text_of(egvp.value("court_id", json(nullptr))) : "";
      if (id.empty()) {
        return fail(ErrorKind::kInvalidInput, "routing rule \"" + rule->name +
                                                  "\" sends to the sending court, but this document did not come "
                                                  "from a court's mailbox — name the court (court:<XJustiz ID>)");
      }
      add({"court", id});
      continue;
    }
    add(d);
  }
  // A hold released by an operator: the rule named nowhere else, so the case system.
  if (rule && rule->sends_to("clearing") && out.empty()) add({"casefile", ""});
  add({"archive", ""});
  return out;
}

json destinations_json(const std::vector<RouteDestination>& destinations) {
  json out = json::array();
  for (const auto& d : destinations) {
    json item = {{"to", d.to}};
    if (!d.court_id.empty()) item["court_id"] = d.court_id;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace zpe
