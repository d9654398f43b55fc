// The long-running services: dispatcher, worker, intake, casefile-sink. `zpe run` starts
// them as children; each can also run alone (for example OCR workers on another host).
#include <unistd.h>

#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "connectors/casefile_sink.h"
#include "connectors/egvp_intake.h"
#include "pipeline/dispatcher.h"
#include "pipeline/intake.h"
#include "pipeline/worker.h"
#include "stages/settings_path.h"

namespace zpe::app {

namespace {

std::string host_name() {
  char buf[256] = {0};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

int run_dispatcher(const GlobalOptions& options) {
  set_up_logging("dispatcher", options.log_level);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  if (auto st = env->home.create(env->config.tenants()); !st) {
    spdlog::error("{}", st.error().message);
    return kFailed;
  }
  auto jobs = JobStore::open(env->home.job_store());
  if (!jobs) {
    spdlog::error("{}", jobs.error().message);
    return kFailed;
  }
  BlobStore blobs(env->home.blobs());
  zmq::context_t context(1);
  Dispatcher dispatcher(env->config, env->home, **jobs, blobs, context);
  if (auto st = dispatcher.bind(); !st) {
    spdlog::error("{}", st.error().message);
    return kUnavailable;
  }
  install_stop_signals();
  dispatcher.run(stop_flag());
  return kOk;
}

int run_worker(const GlobalOptions& options, const std::string& stage_name, std::string endpoint) {
  set_up_logging("worker-" + stage_name, options.log_level);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  if (endpoint.empty()) endpoint = env->config.dispatcher_endpoint();
  // Stages resolve home-relative paths in their settings (the case registry, models)
  // against "home"; job settings come without it, so it is given once here.
  auto settings = env->config.stage_settings(stage_name, "");
  settings["home"] = env->home.root.string();
  auto stage = make_stage(stage_name, settings);
  if (!stage) {
    spdlog::error("{}", stage.error().message);
    return kBadArgs;
  }
  install_stop_signals();
  zmq::context_t context(1);
  WorkerOptions worker_options{endpoint, stage_name + "@" + host_name() + ":" + std::to_string(getpid())};
  WorkerLoop loop(context, worker_options, **stage);
  return loop.run(stop_flag());
}

// The court mailbox in ([egvp.inbound]); nothing when it is disabled.
Result<std::unique_ptr<EgvpIntake>> make_egvp_intake(const Environment& env, JobStore& jobs, BlobStore& blobs) {
  auto settings = read_egvp_inbound_settings(env.config);
  if (!settings) return fail(settings.error());
  if (!settings->enabled) return std::unique_ptr<EgvpIntake>();
  const auto dir = resolve_settings_path(settings->code_lists, {{"home", env.home.root.string()}});
  auto lists = load_xjustiz_code_lists(dir);
  if (!lists) return fail(lists.error().kind, "[egvp.inbound] code_lists: " + lists.error().message);
  spdlog::info("intake: court mailbox in: watching {}/<tenant>/ (code lists: {})",
               (env.home.root / "inbox-egvp").string(), lists->versions);
  return std::make_unique<EgvpIntake>(env.config, env.home, jobs, blobs, std::move(*lists), settings->limits);
}

int run_intake(const GlobalOptions& options) {
  set_up_logging("intake", options.log_level);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  if (auto st = env->home.create(env->config.tenants()); !st) {
    spdlog::error("{}", st.error().message);
    return kFailed;
  }
  auto jobs = JobStore::open(env->home.job_store());
  if (!jobs) {
    spdlog::error("{}", jobs.error().message);
    return kFailed;
  }
  BlobStore blobs(env->home.blobs());
  Intake intake(env->config, env->home, **jobs, blobs);
  auto egvp = make_egvp_intake(*env, **jobs, blobs);
  if (!egvp) {
    spdlog::error("intake: {}", egvp.error().message);
    return kBadArgs;
  }
  install_stop_signals();
  spdlog::info("intake: watching {}/<tenant>/ for tenants {}", (env->home.root / "inbox").string(),
               nlohmann::json(env->config.tenants()).dump());
  while (!stop_flag().load()) {
    intake.scan_once(now_ms());
    if (*egvp) (*egvp)->scan_once(now_ms());
    std::this_thread::sleep_for(std::chrono::milliseconds(env->config.intake_scan_interval_ms()));
  }
  spdlog::info("intake: stopped");
  return kOk;
}

int run_sink(const GlobalOptions& options, std::string endpoint, std::string out_dir, const std::string& registry_file) {
  set_up_logging("casefile-sink", options.log_level);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  if (endpoint.empty()) endpoint = env->config.feed_endpoint();
  std::filesystem::path out = out_dir.empty() ? env->home.casefiles() : std::filesystem::path(out_dir);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  std::unique_ptr<CaseRegistryDb> registry;
  if (!registry_file.empty()) {
    auto opened = CaseRegistryDb::open(registry_file, CaseRegistryDb::OpenMode::kCreate);
    if (!opened) {
      spdlog::error("casefile-sink: {}", opened.error().message);
      return kFailed;
    }
    registry = std::move(*opened);
    spdlog::info("casefile-sink: counting filed documents into the case registry {}", registry_file);
  }
  install_stop_signals();
  zmq::context_t context(1);
  CasefileSink sink(context, endpoint, out, "casefile-sink@" + host_name(), registry.get());
  return sink.run(stop_flag());
}

}  // namespace

void add_service_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* dispatcher = app.add_subcommand("dispatcher", "run the dispatcher: job store, worker endpoint, case-file feed");
  dispatcher->callback([&] { action = [&] { return run_dispatcher(options); }; });

  auto* worker = app.add_subcommand("worker", "run one stage worker that takes jobs from a dispatcher");
  static std::string stage_value;
  auto* stage = &stage_value;
  static std::string connect_value;
  auto* connect = &connect_value;
  worker->add_option("--stage", *stage, "the stage to run (prepare, ocr, classify, route)")->required();
  worker->add_option("--connect", *connect, "the dispatcher's endpoint (default: dispatcher.endpoint from config)");
  worker->callback([&, stage, connect] { action = [&, stage, connect] { return run_worker(options, *stage, *connect); }; });

  auto* intake = app.add_subcommand("intake", "watch inbox/<tenant>/ (scans) and inbox-egvp/<tenant>/ (court mailbox packages) and ingest what is complete");
  intake->callback([&] { action = [&] { return run_intake(options); }; });

  auto* sink = app.add_subcommand("casefile-sink", "reference case-system consumer: writes casefiles/<case>/<doc>.pdf|json");
  static std::string sink_connect_value;
  auto* sink_connect = &sink_connect_value;
  static std::string sink_out_value;
  auto* sink_out = &sink_out_value;
  sink->add_option("--connect", *sink_connect, "the feed endpoint (default: feed.endpoint from config)");
  sink->add_option("--out", *sink_out, "folder for case files (default: <home>/casefiles)");
  static std::string sink_registry_value;
  auto* sink_registry = &sink_registry_value;
  sink->add_option("--registry", *sink_registry,
                   "SQLite case registry to keep up to date: documents filed per case (created if missing)");
  sink->callback([&, sink_connect, sink_out, sink_registry] {
    action = [&, sink_connect, sink_out, sink_registry] {
      return run_sink(options, *sink_connect, *sink_out, *sink_registry);
    };
  });
}

}  // namespace zpe::app
