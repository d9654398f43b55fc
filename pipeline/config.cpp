#include "pipeline/config.h"

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "pipeline/default_config.h"

namespace zpe {

namespace {

using Origins = std::map<std::string, std::string>;

// JSON pointer syntax for one key ("~" and "/" escaped).
std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

nlohmann::json to_json(const toml::node& node, const std::string& pointer, Origins& origins) {
  if (node.source().begin.line > 0) {
    origins[pointer] = (node.source().path ? *node.source().path : std::string("config")) + ":" +
                       std::to_string(node.source().begin.line);
  }
  if (auto* table = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto&& [key, value] : *table) {
      out[std::string(key.str())] = to_json(value, pointer + "/" + pointer_token(key.str()), origins);
    }
    return out;
  }
  if (auto* array = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < array->size(); ++i) out.push_back(to_json(*array->get(i), pointer + "/" + std::to_string(i), origins));
    return out;
  }
  if (auto v = node.value<int64_t>(); v && node.is_integer()) return *v;
  if (auto v = node.value<double>(); v && node.is_floating_point()) return *v;
  if (auto v = node.value<bool>(); v && node.is_boolean()) return *v;
  if (auto v = node.value<std::string>()) return *v;
  // Dates and times stay text.
  return node.visit([](auto&& v) {
    std::ostringstream text;
    text << v;
    return text.str();
  });
}

struct ParsedToml {
  nlohmann::json json;
  Origins origins;
};

Result<ParsedToml> parse_toml(const std::string& text, const std::string& source) {
  try {
    toml::table table = toml::parse(text, source);
    ParsedToml parsed;
    parsed.json = to_json(table, "", parsed.origins);
    return parsed;
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ": " << e.description();
    return fail(ErrorKind::kInvalidInput, msg.str());
  }
}

// Overlays `top` on `base`: tables merge key by key, anything else replaces.
void overlay(nlohmann::json& base, const nlohmann::json& top) {
  for (auto it = top.begin(); it != top.end(); ++it) {
    if (it->is_object() && base.contains(it.key()) && base[it.key()].is_object()) {
      overlay(base[it.key()], *it);
    } else {
      base[it.key()] = *it;
    }
  }
}

// The user's file wins where it sets a key; what it replaces (an array, a value) loses the
// defaults' origins below it.
Origins merged_origins(Origins defaults, const Origins& user, const nlohmann::json& user_json) {
  for (const auto& [pointer, where] : user) {
    const auto& node = user_json.at(nlohmann::json::json_pointer(pointer));
    if (!node.is_object()) {
      const std::string prefix = pointer + "/";
      for (auto it = defaults.lower_bound(prefix); it != defaults.end() && it->first.starts_with(prefix);) {
        it = defaults.erase(it);
      }
    }
    defaults[pointer] = where;
  }
  return defaults;
}

}  // namespace

Result<Config> Config::merge(const std::string& user_text, const std::string& user_source) {
  auto defaults = parse_toml(kDefaultConfigToml, "embedded config/zpe.toml");
  if (!defaults) return fail(defaults.error());
  auto user = parse_toml(user_text, user_source);
  if (!user) return fail(user.error());
  Origins origins = merged_origins(std::move(defaults->origins), user->origins, user->json);
  overlay(defaults->json, user->json);
  return Config(std::move(defaults->json), std::move(origins));
}

Result<Config> Config::from_text(const std::string& toml_text) { return merge(toml_text, "config"); }

std::string Config::origin(const std::string& json_pointer) const {
  const auto it = origins_.find(json_pointer);
  return it == origins_.end() ? "" : it->second;
}

Result<Config> Config::load(const std::optional<std::filesystem::path>& path) {
  if (!path) return from_text("");
  std::ifstream in(*path, std::ios::binary);
  if (!in) return fail(ErrorKind::kNotFound, "cannot read config file " + path->string());
  std::ostringstream text;
  text << in.rdbuf();
  return merge(text.str(), path->string());
}

int64_t Config::int_at(const char* table, const char* key, int64_t fallback) const {
  if (!root_.contains(table) || !root_[table].contains(key)) return fallback;
  const auto& v = root_[table][key];
  return v.is_number() ? v.get<int64_t>() : fallback;
}

std::string Config::string_at(const char* table, const char* key,
                              const std::string& fallback) const {
  if (!root_.contains(table) || !root_[table].contains(key)) return fallback;
  const auto& v = root_[table][key];
  return v.is_string() ? v.get<std::string>() : fallback;
}

std::string Config::dispatcher_endpoint() const {
  return string_at("dispatcher", "endpoint", "tcp://127.0.0.1:5555");
}
std::string Config::feed_endpoint() const {
  return string_at("feed", "endpoint", "tcp://127.0.0.1:5556");
}
int64_t Config::lease_ms() const { return int_at("dispatcher", "lease_ms", 15000); }
int64_t Config::heartbeat_ms() const { return int_at("dispatcher", "heartbeat_ms", 1000); }
int Config::max_attempts() const {
  return static_cast<int>(int_at("dispatcher", "max_attempts", 3));
}
int64_t Config::retry_backoff_ms() const {
  return int_at("dispatcher", "retry_backoff_ms", 2000);
}
int64_t Config::redeliver_ms() const { return int_at("feed", "redeliver_ms", 30000); }
bool Config::builtin_casefile_sink() const {
  return string_at("feed", "consumer", "builtin") == "builtin";
}
int64_t Config::intake_scan_interval_ms() const {
  return int_at("intake", "scan_interval_ms", 500);
}
int64_t Config::intake_stable_ms() const { return int_at("intake", "stable_ms", 1000); }
int64_t Config::intake_close_settle_ms() const { return int_at("intake", "close_settle_ms", 500); }
int64_t Config::intake_max_file_bytes() const {
  return int_at("intake", "max_file_bytes", int64_t{2} << 30);
}

std::vector<std::string> Config::stages() const {
  std::vector<std::string> out;
  if (root_.contains("pipeline") && root_["pipeline"].contains("stages")) {
    for (const auto& s : root_["pipeline"]["stages"]) out.push_back(s.get<std::string>());
  }
  return out;
}

int Config::workers_for(const std::string& stage) const {
  return static_cast<int>(int_at("workers", stage.c_str(), 1));
}

std::vector<std::string> Config::tenants() const {
  std::vector<std::string> out;
  if (root_.contains("tenants")) {
    for (auto it = root_["tenants"].begin(); it != root_["tenants"].end(); ++it) {
      out.push_back(it.key());
    }
  }
  return out;
}

bool Config::has_tenant(const std::string& tenant) const {
  return root_.contains("tenants") && root_["tenants"].contains(tenant);
}

nlohmann::json Config::stage_settings(const std::string& stage, const std::string& tenant) const {
  nlohmann::json out = nlohmann::json::object();
  if (root_.contains("stages") && root_["stages"].contains(stage)) out = root_["stages"][stage];
  if (has_tenant(tenant)) {
    const auto& t = root_["tenants"][tenant];
    if (t.contains("stages") && t["stages"].contains(stage)) overlay(out, t["stages"][stage]);
  }
  return out;
}

int64_t Config::tenant_int(const std::string& tenant, const char* table, const char* key, int64_t fallback) const {
  const nlohmann::json* tenant_table = has_tenant(tenant) ? &root_["tenants"][tenant] : nullptr;
  for (const nlohmann::json* scope : {tenant_table, &root_}) {
    if (scope == nullptr || !scope->is_object() || !scope->contains(table)) continue;
    const nlohmann::json& values = (*scope)[table];
    if (values.is_object() && values.contains(key) && values[key].is_number_integer()) return values[key].get<int64_t>();
  }
  return fallback;
}

}  // namespace zpe
