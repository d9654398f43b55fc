// The long-running services: dispatcher, worker, intake, casefile-sink (with a registry per
// tenant: --tenant-registry T=FILE, which `zpe run` passes from each tenant's route settings). `zpe run` starts
// them as children; each can also run alone (for example OCR workers on another host).
#include <unistd.h>

#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "connectors/casefile_sink.h"
#include "connectors/egvp_intake.h"
#include "pipeline/dispatcher.h"
#include "pipeline/intake.h"
#include "pipeline/link_security.h"
#include "pipeline/work_notifier.h"
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
  set_up_logging("dispatcher", options);
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
    // A busy port is the host's state; missing or bad keys are the config's.
    return st.error().kind == ErrorKind::kUnavailable ? kUnavailable : kBadArgs;
  }
  install_stop_signals();
  dispatcher.run(stop_flag());
  return kOk;
}

int run_worker(const GlobalOptions& options, const std::string& stage_name, std::string endpoint) {
  set_up_logging("worker-" + stage_name, options);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  if (endpoint.empty()) endpoint = env->config.dispatcher_endpoint();
  auto security = client_link_security(env->config, env->home, Link::kDispatcher, endpoint);
  if (!security) {
    spdlog::error("{}", security.error().message);
    return kBadArgs;
  }
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
  WorkerLoop loop(context, worker_options, **stage, *security);
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

// The court mailbox's inbox, scanned only while the watch folder's intake is not paused for a
// full disk (EgvpIntake writes blobs and rows too).
class SpaceGatedInbox : public WatchedInbox {
 public:
  SpaceGatedInbox(WatchedInbox* inner, const Intake& gate) : inner_(inner), gate_(gate) {}
  std::vector<std::filesystem::path> watched_folders() const override { return inner_->watched_folders(); }
  InboxStability& stability() override { return inner_->stability(); }
  int scan_once(int64_t now_ms) override { return gate_.paused_for_space() ? 0 : inner_->scan_once(now_ms); }

 private:
  WatchedInbox* inner_;
  const Intake& gate_;
};

int run_intake(const GlobalOptions& options) {
  set_up_logging("intake", options);
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
  auto security = client_link_security(env->config, env->home, Link::kDispatcher, env->config.dispatcher_endpoint());
  if (!security) {
    spdlog::error("{}", security.error().message);
    return kBadArgs;
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
  // A full disk pauses the court mailbox's intake too (the watch folder's intake reports it,
  // and it scans first in each round).
  SpaceGatedInbox court_mailbox(egvp->get(), intake);
  std::vector<WatchedInbox*> inboxes = {&intake};
  if (*egvp) inboxes.push_back(&court_mailbox);
  zmq::context_t context(1);
  WorkNotifier dispatcher(context, env->config.dispatcher_endpoint(), *security);
  IntakeLoop loop(inboxes, env->config.intake_scan_interval_ms(), [&] { dispatcher.notify(); });
  loop.run(stop_flag());
  spdlog::info("intake: stopped");
  return kOk;
}

// A registry file opened once, however many tenants name it.
Result<CaseRegistryDb*> open_sink_registry(const std::string& file,
                                           std::map<std::string, std::unique_ptr<CaseRegistryDb>>& opened) {
  const std::string key = std::filesystem::absolute(file).lexically_normal().string();
  auto& slot = opened[key];
  if (!slot) {
    auto db = CaseRegistryDb::open(key, CaseRegistryDb::OpenMode::kCreate);
    if (!db) return fail(db.error());
    slot = std::move(*db);
  }
  return slot.get();
}

struct SinkOptions {
  std::string connect, out, registry;
  std::vector<std::string> tenant_registries;  // TENANT=FILE
};

int run_sink(const GlobalOptions& options, const SinkOptions& o) {
  set_up_logging("casefile-sink", options);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  const std::string endpoint = o.connect.empty() ? env->config.feed_endpoint() : o.connect;
  auto security = client_link_security(env->config, env->home, Link::kFeed, endpoint);
  if (!security) {
    spdlog::error("casefile-sink: {}", security.error().message);
    return kBadArgs;
  }
  std::filesystem::path out = o.out.empty() ? env->home.casefiles() : std::filesystem::path(o.out);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  std::map<std::string, std::unique_ptr<CaseRegistryDb>> opened;
  SinkRegistries registries;
  if (!o.registry.empty()) {
    auto db = open_sink_registry(o.registry, opened);
    if (!db) {
      spdlog::error("casefile-sink: {}", db.error().message);
      return kFailed;
    }
    registries.every_tenant = *db;
    spdlog::info("casefile-sink: counting filed documents into the case registry {}", o.registry);
  }
  for (const auto& pair : o.tenant_registries) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      spdlog::error("casefile-sink: --tenant-registry takes TENANT=FILE, not '{}'", pair);
      return kBadArgs;
    }
    const std::string tenant = pair.substr(0, eq), file = pair.substr(eq + 1);
    auto db = open_sink_registry(file, opened);
    if (!db) {
      spdlog::error("casefile-sink: {}", db.error().message);
      return kFailed;
    }
    registries.by_tenant[tenant] = *db;
    spdlog::info("casefile-sink: counting documents of tenant {} into the case registry {}", tenant, file);
  }
  install_stop_signals();
  zmq::context_t context(1);
  CasefileSink sink(context, endpoint, out, "casefile-sink@" + host_name(), registries, *security);
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

  auto* sink = app.add_subcommand("casefile-sink",
                                  "reference case-system consumer: writes casefiles/<tenant>/<case>/<doc>.pdf|json");
  static SinkOptions sink_options;
  sink->add_option("--connect", sink_options.connect, "the feed endpoint (default: feed.endpoint from config)");
  sink->add_option("--out", sink_options.out, "folder for case files (default: <home>/casefiles)");
  sink->add_option("--registry", sink_options.registry,
                   "SQLite case registry to keep up to date: documents filed per case (created if missing)");
  sink->add_option("--tenant-registry", sink_options.tenant_registries,
                   "TENANT=FILE: the SQLite case registry of one tenant, instead of --registry (repeatable)");
  sink->callback([&] { action = [&] { return run_sink(options, sink_options); }; });
}

}  // namespace zpe::app
