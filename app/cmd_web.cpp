// `zpe web [--listen ADDR:PORT] [--assets DIR]`: the clearing station's web server
// (web/server.h, docs/API.md) in the foreground until SIGTERM or SIGINT. `zpe run` starts
// it as a child when [web] enabled. A busy port is exit code 3 (unavailable): under `zpe run`
// the supervisor retries with back-off and the rest of the pipeline runs on.
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "web/server.h"
#include "web/users.h"

namespace zpe::app {

namespace {

struct WebOptions {
  std::string listen;
  std::string assets;
};

int run_web(const GlobalOptions& options, const WebOptions& web_options) {
  set_up_logging("web", options);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  auto settings = web::read_web_settings(env->config);
  if (!settings) {
    spdlog::error("{}", settings.error().message);
    return kBadArgs;
  }
  if (!web_options.listen.empty()) {
    if (auto st = web::parse_listen(web_options.listen, *settings); !st) {
      spdlog::error("--listen: {}", st.error().message);
      return kBadArgs;
    }
  }
  if (auto st = env->home.create(env->config.tenants()); !st) {
    spdlog::error("{}", st.error().message);
    return kFailed;
  }
  auto users = web::UserStore::open(env->home.var() / "users.sqlite", true);
  if (!users) {
    spdlog::error("{}", users.error().message);
    return kFailed;
  }
  if (auto list = (*users)->list(); list && list->empty()) {
    spdlog::warn("web: no users yet — add one with: zpe --home {} user add NAME --role admin",
                 env->home.root.string());
  }
  users->reset();
  auto assets = web_options.assets.empty() ? web::Assets::embedded() : web::Assets::from_directory(web_options.assets);
  const std::string url = settings->url();
  web::WebServer server(env->config, env->home, *settings, std::move(assets));
  if (auto st = server.bind(); !st) {
    spdlog::error("{}", st.error().message);
    return st.error().kind == ErrorKind::kUnavailable ? kUnavailable : kBadArgs;
  }
  install_stop_signals();
  spdlog::info("web: clearing station at {} ({})", url,
               web_options.assets.empty() ? "assets built in" : "assets from " + web_options.assets);
  if (auto st = server.run(stop_flag()); !st) {
    spdlog::error("{}", st.error().message);
    return kFailed;
  }
  spdlog::info("web: stopped");
  return kOk;
}

}  // namespace

void add_web_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  static WebOptions web_options;
  auto* web = app.add_subcommand("web", "the clearing station: web UI and JSON API (docs/API.md)");
  web->add_option("--listen", web_options.listen, "ADDRESS:PORT to listen on (default: [web] listen, 127.0.0.1:8080)");
  web->add_option("--assets", web_options.assets, "serve the UI's files from this folder instead of the built-in "
                                                  "copy (for working on web/assets without rebuilding)");
  web->callback([&] { action = [&] { return run_web(options, web_options); }; });
}

}  // namespace zpe::app
