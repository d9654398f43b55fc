// `zpe config reference`: every key of the embedded defaults with its default and meaning, as
// Markdown (docs/CONFIG.md is its output; a ctest keeps the two equal).
#include <cstdio>

#include "app/app.h"
#include "pipeline/config_reference.h"
#include "pipeline/default_config.h"

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

}  // namespace

void add_config_commands(CLI::App& app, GlobalOptions&, Action& action) {
  auto* config = app.add_subcommand("config", "the configuration: its reference");
  config->require_subcommand(1);
  auto* reference = config->add_subcommand("reference", "every key with its default and meaning, as Markdown "
                                                        "(docs/CONFIG.md)");
  reference->callback([&] { action = [] { return print_reference(); }; });
}

}  // namespace zpe::app
