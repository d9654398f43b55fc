// `zpe gc [--dry-run] [--json]`: the storage policy by hand (connectors/storage_gc.h); the
// archiver runs the same policy every [storage] gc_interval_minutes (run_storage_policy).
#include <cstdio>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "connectors/storage_gc.h"

namespace zpe::app {

Result<StorageGcReport> run_storage_policy(Opened& opened, bool dry_run, const std::string& actor) {
  BlobStore blobs(opened.env.home.blobs());
  auto report = collect_storage(*opened.jobs, blobs, opened.env.home, storage_policy(opened.env.config), now_ms(),
                                dry_run, actor);
  if (!report) return report;
  if (!dry_run) {
    if (auto st = write_storage_usage(opened.env.home, measure_storage_usage(opened.env.home, now_ms())); !st) {
      spdlog::warn("storage: the disk use per area could not be written: {}", st.error().message);
    }
  }
  return report;
}

namespace {

int run_gc(const GlobalOptions& options, bool dry_run, bool as_json) {
  auto opened = open_store(options, false);
  if (!opened) return kBadArgs;
  auto report = run_storage_policy(*opened, dry_run, cli_actor());
  if (!report) {
    spdlog::error("gc: {}", report.error().message);
    return kFailed;
  }
  if (as_json) {
    std::printf("%s\n", report->to_json().dump(2).c_str());
  } else {
    std::fputs(report->text().c_str(), stdout);
  }
  return kOk;
}

}  // namespace

void add_storage_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* gc = app.add_subcommand(
      "gc", "remove blobs no document needs any more ([storage] policy); says what it frees");
  static bool dry_run = false;
  static bool as_json = false;
  gc->add_flag("--dry-run", dry_run, "decide and report, remove nothing");
  gc->add_flag("--json", as_json, "print the report as JSON");
  gc->callback([&] { action = [&] { return run_gc(options, dry_run, as_json); }; });
}

}  // namespace zpe::app
