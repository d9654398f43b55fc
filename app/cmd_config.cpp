// `zpe config reference`: every key of the embedded defaults with its default and meaning, as
// Markdown (docs/CONFIG.md is its output; a ctest keeps the two equal).
// `zpe config check FILE`: the file against the defaults' schema (pipeline/config_check.h),
// then through the validators the services run at start-up — each stage's settings for each
// tenant (make_stage), the routing rules, [web], [egvp] and [egvp.inbound] — each problem as
// FILE:LINE:COLUMN: message. Exit 0 when there is none, 2 (bad config) otherwise, 4 when the
// file cannot be read.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <tuple>

#include "app/app.h"
#include "connectors/egvp_intake.h"
#include "pipeline/config_check.h"
#include "pipeline/config_reference.h"
#include "pipeline/default_config.h"
#include "stages/routing_rules.h"
#include "stages/stage.h"
#include "web/web_settings.h"

namespace zpe::app {

namespace {

int print_reference() {
  auto reference = read_config_reference(std::string(kDefaultConfigToml), "config/zpe.toml");
  if (!reference) {
    std::fprintf(stderr, "%s\n", reference.error().message.c_str());
    return kFailed;
  }
  std::printf("%s\n", render_config_reference(*reference).c_str());
  return kOk;
}

// A validator the services run at start-up and the tables it reads (for locate()).
struct StartupCheck {
  std::vector<std::string> tables;
  std::function<Status()> run;
};

// Result<T> as Status: only whether it failed, and why.
template <class T>
Status as_status(const Result<T>& result) {
  if (!result) return fail(result.error());
  return {};
}

std::vector<StartupCheck> startup_checks(const Environment& env) {
  std::vector<StartupCheck> checks;
  for (const auto& tenant : env.config.tenants()) {
    for (const auto& stage : env.config.stages()) {
      checks.push_back({{"tenants." + tenant + ".stages." + stage, "stages." + stage, "pipeline"}, [&env, tenant, stage] {
                          auto settings = env.config.stage_settings(stage, tenant);
                          settings["home"] = env.home.root.string();
                          return as_status(make_stage(stage, settings));
                        }});
    }
  }
  checks.push_back({{"web"}, [&env] { return as_status(web::read_web_settings(env.config)); }});
  checks.push_back({{"egvp.inbound"}, [&env] { return as_status(read_egvp_inbound_settings(env.config)); }});
  std::vector<std::string> egvp_tables = {"egvp"};
  for (const auto& tenant : env.config.tenants()) egvp_tables.push_back("tenants." + tenant);
  checks.push_back({egvp_tables, [&env] { return as_status(read_egvp_setup(env)); }});
  return checks;
}

// A routing rule's error names its place as "FILE:LINE" (Config::origin).
std::optional<ConfigProblem> rule_origin(const std::string& message, const std::string& file) {
  const std::string prefix = file + ":";
  for (size_t at = message.find(prefix); at != std::string::npos; at = message.find(prefix, at + 1)) {
    size_t end = at + prefix.size();
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
    if (end > at + prefix.size()) return ConfigProblem{file, std::stoi(message.substr(at + prefix.size())), 1, message};
  }
  return std::nullopt;
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int check_config(const GlobalOptions& options, const std::string& path) {
  set_up_logging("config", options);  // what the validators log goes to stderr; problems to stdout
  const auto text = read_text(path);
  if (!text) {
    std::fprintf(stderr, "%s: cannot read the file\n", path.c_str());
    return kNotFound;
  }
  auto file = ConfigFile::parse(*text, path);
  if (!file) {
    std::printf("%s\n", file.error().text().c_str());
    return kBadArgs;
  }
  std::vector<ConfigProblem> problems = file->schema_problems();
  auto config = Config::load(std::filesystem::path(path));
  if (!config) {
    std::printf("%s\n", ConfigProblem{path, 1, 1, config.error().message}.text().c_str());
    return kBadArgs;
  }
  const Environment env{std::move(*config), resolve_home(options.home)};
  // Where a complaint about the defaults themselves points (a file this installation lacks).
  const auto defaults = ConfigFile::parse(std::string(kDefaultConfigToml), "config/zpe.toml (embedded)");
  // A line the schema already faulted (a wrong type) is not reported again by a validator.
  std::set<int> schema_lines;
  for (const auto& problem : problems) schema_lines.insert(problem.line);
  std::set<std::string> seen;
  auto add = [&](std::optional<ConfigProblem> where, const std::string& message) {
    ConfigProblem problem = where ? *where : ConfigProblem{path, 1, 1, message};
    if (problem.file == path && schema_lines.count(problem.line)) return;
    if (seen.insert(problem.text()).second) problems.push_back(problem);
  };
  // The rules with their lines; the route stage's own parse of them says the same without.
  const auto rules = check_routing_rules(env.config);
  if (!rules) add(rule_origin(rules.error().message, path), rules.error().message);
  for (const auto& check : startup_checks(env)) {
    auto status = check.run();
    if (status) continue;
    const std::string& message = status.error().message;
    if (!rules && message.find("routing rule") != std::string::npos) continue;
    auto where = file->locate(message, check.tables);
    if (!where && defaults) where = defaults->locate(message, check.tables);
    add(where, message);
  }
  std::stable_sort(problems.begin(), problems.end(), [&](const ConfigProblem& a, const ConfigProblem& b) {
    return std::tuple(a.file != path, a.line, a.column) < std::tuple(b.file != path, b.line, b.column);
  });
  for (const auto& problem : problems) std::printf("%s\n", problem.text().c_str());
  if (problems.empty()) std::printf("%s: ok\n", path.c_str());
  return problems.empty() ? kOk : kBadArgs;
}

}  // namespace

void add_config_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* config = app.add_subcommand("config", "the configuration: its reference and a check of a file");
  config->require_subcommand(1);
  auto* reference = config->add_subcommand("reference", "every key with its default and meaning, as Markdown "
                                                        "(docs/CONFIG.md)");
  reference->callback([&] { action = [] { return print_reference(); }; });
  auto* check = config->add_subcommand("check", "check a config file against the embedded defaults and the "
                                                "services' start-up checks; each problem as FILE:LINE:COLUMN");
  auto file = std::make_shared<std::string>();
  check->add_option("FILE", *file, "the config file")->required();
  check->callback([&, file] { action = [&, file] { return check_config(options, *file); }; });
}

}  // namespace zpe::app
