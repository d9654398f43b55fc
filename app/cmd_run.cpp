// `zpe run`: the all-in-one supervisor. Starts the dispatcher, the intake watcher, the
// configured number of workers per stage and (unless a real case system consumes the
// feed) the reference case-file sink (which maintains each tenant's case registry when that
// is a SQLite one), the archiver, the court mailbox (`zpe egvp run`, [egvp] enabled) and the
// clearing station's web server ([web] enabled);
// restarts any child that dies; stops on SIGTERM or SIGINT. With --until-idle it shows its
// progress (app/progress.h), exits once the inboxes are empty, no document is in flight and
// every case-file event is acknowledged, and prints what happened.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/progress.h"
#include "connectors/egvp_intake.h"
#include "pipeline/intake.h"
#include "pipeline/job_store.h"
#include "pipeline/link_security.h"
#include "pipeline/supervisor.h"
#include "web/web_settings.h"

namespace zpe::app {

namespace {

struct RunOptions {
  bool until_idle = false;
  int max_seconds = 0;
  bool no_progress = false;
};

std::string self_executable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "zpe" : path.string();
}

// [archive] enabled (default true): `zpe run` starts `zpe archiver`.
bool archive_enabled(const Environment& env) {
  const auto& archive = env.config.json().value("archive", nlohmann::json::object());
  return !archive.is_object() || archive.value("enabled", true);
}

// [egvp] enabled (default true): `zpe run` starts `zpe egvp run`.
bool egvp_enabled(const Environment& env) {
  const auto& egvp = env.config.json().value("egvp", nlohmann::json::object());
  return !egvp.is_object() || egvp.value("enabled", true);
}

std::vector<ChildSpec> child_specs(const GlobalOptions& options, const Environment& env) {
  auto base = child_base_args(options, env);
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  std::vector<ChildSpec> specs = {{"dispatcher", with({"dispatcher"})}, {"intake", with({"intake"})}};
  for (const auto& stage : env.config.stages()) {
    for (int i = 1; i <= env.config.workers_for(stage); ++i) {
      specs.push_back({"worker-" + stage + "-" + std::to_string(i), with({"worker", "--stage", stage})});
    }
  }
  if (env.config.builtin_casefile_sink()) {
    // The reference case system keeps each tenant's SQLite registry, the one the route stage
    // reads for that tenant, up to date ([tenants.<t>.stages.route] registry overrides the global).
    std::vector<std::string> sink = {"casefile-sink"};
    for (const auto& tenant : env.config.tenants()) {
      if (const auto registry = configured_sqlite_registry(env, tenant)) {
        sink.insert(sink.end(), {"--tenant-registry", tenant + "=" + registry->string()});
      }
    }
    specs.push_back({"casefile-sink", with(sink)});
  }
  if (archive_enabled(env)) specs.push_back({"archiver", with({"archiver"})});
  // The court mailbox: packages for documents the route stage sends to a court, and receipts.
  if (egvp_enabled(env)) specs.push_back({"egvp", with({"egvp", "run"})});
  // The clearing station. A busy port makes only this child fail (exit 3, logged); the
  // supervisor retries it with back-off while the pipeline runs on.
  if (auto web = web::read_web_settings(env.config); web && web->enabled) specs.push_back({"web", with({"web"})});
  return specs;
}

bool is_idle(JobStore& jobs, const Environment& env) {
  if (Intake::count_waiting(env.home, env.config.tenants()) > 0) return false;
  if (EgvpIntake::count_waiting(env.home, env.config.tenants()) > 0) return false;
  auto in_flight = jobs.in_flight();
  if (!in_flight || *in_flight != 0) return false;
  if (!archive_enabled(env)) return true;
  auto backlog = jobs.archive_backlog();
  return backlog && *backlog == 0;
}

// One progress line: what is done since the run started, what is left, and where it waits.
std::string progress_text(JobStore& jobs, const Environment& env, int64_t started_ms, int64_t now) {
  auto progress = jobs.progress_since(started_ms);
  if (!progress) return "zpe run: progress unknown: " + progress.error().message;
  const double seconds = std::max(0.001, (now - started_ms) / 1000.0);
  const int64_t waiting = Intake::count_waiting(env.home, env.config.tenants()) +
                          EgvpIntake::count_waiting(env.home, env.config.tenants());
  const int64_t to_go = progress->in_flight + waiting;
  char head[256];
  std::snprintf(head, sizeof head, "zpe run: %lld documents done, %lld pages, %.2f pages/s; %lld to go",
                static_cast<long long>(progress->documents_done), static_cast<long long>(progress->pages_done),
                progress->pages_done / seconds, static_cast<long long>(to_go));
  std::string text = head;
  if (waiting > 0) text += " (" + std::to_string(waiting) + " in the inbox)";
  if (to_go > 0) {
    const double per_document = progress->documents_done > 0 ? seconds / progress->documents_done : 0;
    text += ", ETA " + (per_document > 0 ? format_duration(per_document * to_go) : std::string("–"));
  }
  std::string backlog;
  for (const std::string& stage : env.config.stages()) {
    const auto it = progress->backlog_per_stage.find(stage);
    if (it == progress->backlog_per_stage.end()) continue;
    backlog += " " + stage + " " + std::to_string(it->second.first) + "+" + std::to_string(it->second.second);
  }
  if (!backlog.empty()) text += "; queued+running:" + backlog;
  return text;
}

void print_summary(JobStore& jobs, const Environment& env, int64_t started_ms) {
  double seconds = (now_ms() - started_ms) / 1000.0;
  auto progress = jobs.progress_since(started_ms);
  auto summary = jobs.summary(5);
  if (!progress || !summary) return;
  const int64_t pages = progress->pages_done;
  std::printf("\nzpe run finished after %.1f s\n", seconds);
  std::printf("documents by state:");
  for (const auto& [state, count] : summary->documents_per_state) std::printf(" %s=%lld", state.c_str(), static_cast<long long>(count));
  std::printf("\npages processed in this run: %lld (%.2f pages/s)\n", static_cast<long long>(pages),
              seconds > 0 ? pages / seconds : 0.0);
  std::printf("mean time per stage run:");
  for (const auto& [stage, t] : summary->stage_time) std::printf(" %s=%.0f ms", stage.c_str(), t.second);
  std::printf("\n\nresults:\n");
  std::printf("  case files:   %s/<tenant>/<case number>/<document id>.pdf and .json\n", env.home.casefiles().c_str());
  std::printf("  quarantine:   %s/<tenant>/ (each file with a .reason.txt)\n", (env.home.root / "quarantine").c_str());
  std::printf("  archive:      %s/<yyyy>/<mm>/<document id>/ (zpe archive verify --all)\n", env.home.archive().c_str());
  if (egvp_enabled(env)) {
    const std::filesystem::path outbox =
        env.config.json().value("egvp", nlohmann::json::object()).value("outbox", std::string("outbox/egvp"));
    std::printf("  courts:       %s/<court id>/<package id>/ (zpe egvp list)\n",
                (outbox.is_absolute() ? outbox : env.home.root / outbox).c_str());
  }
  std::printf("  clearing:     zpe --home %s list --state CLEARING\n", env.home.root.c_str());
  std::printf("  status:       zpe --home %s status\n", env.home.root.c_str());
  if (auto web = web::read_web_settings(env.config); web && web->enabled) {
    std::printf("  web:          zpe --home %s web   (then %s; logins: zpe user add NAME --role admin)\n",
                env.home.root.c_str(), web->url().c_str());
  }
}

// Where the clearing station is, and how to get a login for it.
void print_web_hint(const Environment& env) {
  auto web = web::read_web_settings(env.config);
  if (!web) {
    spdlog::error("{} — the clearing station is not started", web.error().message);
    return;
  }
  if (!web->enabled) return;
  spdlog::info("zpe run: clearing station at {} (add a login: zpe --home {} user add NAME --role admin)", web->url(),
               env.home.root.string());
}

// Every link this run's children bind or connect, checked before any starts, so a
// non-loopback endpoint without keys stops `zpe run` with one clear message instead of a
// dispatcher that the supervisor restarts forever (pipeline/link_security.h).
bool links_are_secure(const Environment& env) {
  const auto& c = env.config;
  std::vector<Error> errors;
  for (const auto& [link, endpoint] : {std::pair{Link::kDispatcher, c.dispatcher_endpoint()}, std::pair{Link::kFeed, c.feed_endpoint()}}) {
    if (auto server = server_link_security(c, env.home, link, endpoint); !server) errors.push_back(server.error());
    if (link == Link::kFeed && !c.builtin_casefile_sink()) continue;  // an external consumer has its own keys
    if (auto client = client_link_security(c, env.home, link, endpoint); !client) errors.push_back(client.error());
  }
  for (const auto& error : errors) spdlog::error("zpe run: {}", error.message);
  return errors.empty();
}

int run_all(const GlobalOptions& options, const RunOptions& run) {
  set_up_logging("run", options);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  if (!links_are_secure(*env)) return kBadArgs;
  // A court directory naming a court that is not in GDS.Gerichte is refused at start-up.
  if (!load_egvp_setup(*env)) return kBadArgs;
  if (auto st = env->home.create(env->config.tenants()); !st) {
    spdlog::error("{}", st.error().message);
    return kFailed;
  }
  auto jobs = JobStore::open(env->home.job_store());
  if (!jobs) {
    spdlog::error("{}", jobs.error().message);
    return kFailed;
  }
  install_stop_signals();
  // One thread per OCR worker (scale with more workers). OpenMP reads this when a
  // process starts, so it must be in the children's environment, not set by them.
  setenv("OMP_THREAD_LIMIT", "1", 0);
  const int64_t started = now_ms();
  Supervisor supervisor(self_executable());
  for (const auto& spec : child_specs(options, *env)) {
    if (auto st = supervisor.start(spec); !st) {
      spdlog::error("{}", st.error().message);
      return kFailed;
    }
  }
  spdlog::info("zpe run: home {}; drop files into {}/<tenant>/", env->home.root.string(),
               (env->home.root / "inbox").string());
  print_web_hint(*env);
  int idle_checks = 0;
  int rc = kOk;
  ProgressLine progress;  // --until-idle only
  while (!stop_flag().load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    int64_t now = now_ms();
    supervisor.tend(now);
    if (!run.until_idle) continue;
    if (!run.no_progress && progress.due(now)) progress.update(progress_text(**jobs, *env, started, now), now);
    idle_checks = is_idle(**jobs, *env) ? idle_checks + 1 : 0;
    if (idle_checks >= 4) break;  // idle for a full second
    if (run.max_seconds > 0 && now - started > run.max_seconds * 1000LL) {
      spdlog::error("zpe run: not idle after --max-seconds {}; stopping", run.max_seconds);
      rc = kFailed;
      break;
    }
  }
  if (run.until_idle && !run.no_progress) progress.update(progress_text(**jobs, *env, started, now_ms()), now_ms(), true);
  progress.finish();
  supervisor.stop_all(10000);
  if (run.until_idle) print_summary(**jobs, *env, started);
  return rc;
}

}  // namespace

void add_run_command(CLI::App& app, GlobalOptions& options, Action& action) {
  static RunOptions run;
  auto* cmd = app.add_subcommand("run", "run everything: dispatcher, intake, workers, case-file sink");
  cmd->add_flag("--until-idle", run.until_idle,
                "exit 0 once the inboxes are empty, nothing is in flight and every event is acknowledged");
  cmd->add_option("--max-seconds", run.max_seconds, "with --until-idle: give up (exit 1) after this long");
  cmd->add_flag("--no-progress", run.no_progress,
                "with --until-idle: no progress on stderr (else a line in place on a terminal, every 10 s otherwise)");
  cmd->callback([&] { action = [&] { return run_all(options, run); }; });
}

}  // namespace zpe::app
