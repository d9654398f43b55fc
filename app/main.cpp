// zpe: the digital mailroom's one binary. See README.md for the commands.
#include <cstdlib>
#include <csignal>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "pipeline/log_format.h"
#include "pipeline/process_memory.h"
#include "stages/routing_rules.h"

namespace zpe::app {

namespace {
std::atomic<bool> g_stop{false};
void on_stop_signal(int) { g_stop.store(true); }
}  // namespace

const std::atomic<bool>& stop_flag() { return g_stop; }

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

void set_up_logging(const std::string& process, const GlobalOptions& options) {
  const auto format = parse_log_format(options.log_format);  // checked by CLI11 and in main()
  set_up_process_logger(process, format ? *format : LogFormat::kText, spdlog::level::from_str(options.log_level));
}

std::optional<Environment> load_environment(const GlobalOptions& options) {
  std::string path = options.config;
  if (path.empty()) {
    const char* env = std::getenv("ZPE_CONFIG");
    if (env && *env) path = env;
  }
  auto config = Config::load(path.empty() ? std::nullopt : std::optional<std::filesystem::path>(path));
  if (!config) {
    spdlog::error("config: {}", config.error().message);
    return std::nullopt;
  }
  if (config->tenants().empty()) {
    spdlog::error("config: no tenant is defined ([tenants.<name>])");
    return std::nullopt;
  }
  // Routing rules a worker could not follow are refused here, with their config line.
  if (auto rules = check_routing_rules(*config); !rules) {
    spdlog::error("config: {}", rules.error().message);
    return std::nullopt;
  }
  return Environment{std::move(*config), resolve_home(options.home)};
}

std::string cli_actor() {
  const char* user = std::getenv("SUDO_USER");
  if (!user || !*user) user = std::getenv("USER");
  return std::string("cli:") + (user && *user ? user : "unknown");
}

std::vector<std::string> child_base_args(const GlobalOptions& options, const Environment& env) {
  std::vector<std::string> args = {"--home", env.home.root.string(), "--log-level", options.log_level,
                                   "--log-format", options.log_format};
  if (!options.config.empty()) {
    args.push_back("--config");
    args.push_back(std::filesystem::absolute(options.config).string());
  }
  return args;
}

}  // namespace zpe::app

int main(int argc, char** argv) {
  using namespace zpe::app;
  zpe::keep_freed_page_memory();
  CLI::App app{"zpe — the digital mailroom: scan intake, quality checks, OCR, classification, "
               "routing to case files.\nState lives under --home (default ./zpe-home)."};
  app.require_subcommand(1);
  GlobalOptions options;
  if (const char* level = std::getenv("ZPE_LOG_LEVEL")) options.log_level = level;
  // An unknown $ZPE_LOG_FORMAT is ignored rather than handed to every child.
  if (const char* format = std::getenv("ZPE_LOG_FORMAT"); format && zpe::parse_log_format(format)) {
    options.log_format = format;
  }
  app.add_option("--home", options.home, "home folder with inbox/, var/, quarantine/, casefiles/ "
                                         "(default: $ZPE_HOME or ./zpe-home)");
  app.add_option("--config", options.config, "config file overriding the embedded defaults "
                                             "(default: $ZPE_CONFIG; see config/zpe.toml)");
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-format", options.log_format, "text (default) or json: one JSON object a line with time, "
                                                     "level, process, message and a document's id and tenant "
                                                     "(default: $ZPE_LOG_FORMAT or text)")
      ->check(CLI::IsMember({"text", "json"}));
  app.set_version_flag("--version", "zpe " ZPE_VERSION);
  app.fallthrough();
  Action action;
  add_run_command(app, options, action);
  add_route_commands(app, options, action);
  add_service_commands(app, options, action);
  add_inspect_commands(app, options, action);
  add_archive_commands(app, options, action);
  add_storage_commands(app, options, action);
  add_classify_commands(app, options, action);
  add_sign_commands(app, options, action);
  add_registry_commands(app, options, action);
  add_events_commands(app, options, action);
  add_report_command(app, options, action);
  add_clearing_commands(app, options, action);
  add_web_commands(app, options, action);
  add_user_commands(app, options, action);
  add_egvp_commands(app, options, action);
  add_paths_command(app, options, action);
  add_config_commands(app, options, action);
  add_keygen_command(app, options, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kBadArgs;
  }
  return action ? action() : kBadArgs;
}
