// `zpe paths`: where this zpe finds what it needs — the config it read, the home, and every
// file the config names (model, code lists, registry, fonts, ICC profile) resolved the way
// the stages resolve them (stages/settings_path.h). An administrator runs it on a new host
// to see that the package's files are found; exit 1 if a file the pipeline cannot run
// without is missing.
#include <cstdio>
#include <cstdlib>

#include "app/app.h"
#include "stages/settings_path.h"

namespace zpe::app {

namespace {

// Files named by the config; their values (the defaults' where a file sets none) come from
// the merged config itself.
struct NamedFile {
  const char* key;  // where it sits in the config, as a JSON pointer
  bool required;    // the pipeline cannot run without it
  const char* if_missing;
  bool empty_switches_off = false;  // "" is a valid value that uses no file
};

constexpr NamedFile kNamedFiles[] = {
    {"/stages/classify/model", true, "install zpe's models/ or set the key"},
    {"/egvp/codelists", true, "install zpe's data/xjustiz/ or set the key"},
    {"/egvp/inbound/code_lists", true, "install zpe's data/xjustiz/ or set the key"},
    {"/stages/ocr/pdf_font", true, "apt install libtesseract5"},
    {"/stages/ocr/icc_profile", true, "apt install icc-profiles-free"},
    {"/stages/ocr/grey_icc_profile", true, "apt install icc-profiles-free, or set it to \"\" (sRGB for every document)",
     true},
    {"/stages/route/registry", false,
     "every document goes to CLEARING until a case registry is there (zpe registry import)"},
};

std::string configured_value(const Config& config, const NamedFile& file) {
  const nlohmann::json::json_pointer pointer(file.key);
  const nlohmann::json& root = config.json();
  return root.contains(pointer) && root.at(pointer).is_string() ? root.at(pointer).get<std::string>() : "";
}

// "/stages/classify/model" as the config writes it: "[stages.classify] model".
std::string key_name(const NamedFile& file) {
  std::string table = file.key + 1;
  const auto last = table.rfind('/');
  const std::string key = table.substr(last + 1);
  table.resize(last);
  for (char& c : table) c = c == '/' ? '.' : c;
  return "[" + table + "] " + key;
}

std::string config_source(const GlobalOptions& options) {
  if (!options.config.empty()) return std::filesystem::absolute(options.config).string();
  if (const char* env = std::getenv("ZPE_CONFIG"); env && *env) return std::filesystem::absolute(env).string();
  return "(embedded defaults only)";
}

int print_paths(const GlobalOptions& options) {
  set_up_logging("paths", options);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  const nlohmann::json settings = {{"home", env->home.root.string()}};
  std::printf("zpe %s\nconfig: %s\nhome:   %s\nrelative paths are looked for in:", ZPE_VERSION,
              config_source(options).c_str(), env->home.root.c_str());
  for (const auto& dir : settings_search_dirs(settings)) std::printf(" %s", dir.c_str());
  std::printf("\n");
  int missing_required = 0;
  for (const auto& file : kNamedFiles) {
    const auto configured = configured_value(env->config, file);
    if (configured.empty() && file.empty_switches_off) {
      std::printf("%s = \"\" (not used)\n", key_name(file).c_str());
      continue;
    }
    const auto resolved = resolve_settings_path(configured, settings);
    std::error_code error;
    const bool found = std::filesystem::exists(resolved, error);
    std::printf("%s = \"%s\" -> %s%s%s\n", key_name(file).c_str(), configured.c_str(), resolved.c_str(),
                found ? "" : "  MISSING: ", found ? "" : file.if_missing);
    if (!found && file.required) ++missing_required;
  }
  if (missing_required > 0) std::printf("%d file(s) the pipeline needs are missing\n", missing_required);
  return missing_required > 0 ? kFailed : kOk;
}

}  // namespace

void add_paths_command(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* paths = app.add_subcommand("paths", "where this zpe finds its config, home and the files the config "
                                            "names (model, code lists, registry, fonts); exit 1 if one it needs is missing");
  paths->callback([&] { action = [&] { return print_paths(options); }; });
}

}  // namespace zpe::app
