// Evidence commands: `zpe audit verify` (the hash-chained audit trail), `zpe archive
// verify` (the write-once archival packages) and `zpe archiver` (the loop that writes a
// package for every filed document and, every [storage] gc_interval_minutes, runs the storage
// policy; `zpe run` starts it unless [archive] enabled = false).
// Both verify commands print every difference and exit 1 when there is any.
#include <cstdio>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "connectors/archive_package.h"
#include "pipeline/audit_verify.h"
#include "pipeline/no_space.h"

namespace zpe::app {

namespace {

int verify_audit(const GlobalOptions& options, bool as_json) {
  auto opened = open_store(options, false);
  if (!opened) return kBadArgs;
  auto entries = opened->jobs->audit_all();
  if (!entries) {
    spdlog::error("{}", entries.error().message);
    return kFailed;
  }
  const AuditVerdict verdict = verify_audit_chain(*entries);
  if (as_json) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : verdict.problems) problems.push_back({{"seq", p.seq}, {"problem", p.what}});
    std::printf("%s\n", nlohmann::json{{"intact", verdict.intact()}, {"records", verdict.records},
                                       {"head_hash", verdict.head_hash}, {"problems", problems}}
                            .dump(2)
                            .c_str());
  } else {
    for (const auto& p : verdict.problems) std::printf("audit: %s\n", p.what.c_str());
    std::printf("audit trail %s: %lld records, head hash %s\n", verdict.intact() ? "intact" : "BROKEN",
                static_cast<long long>(verdict.records), verdict.head_hash.c_str());
  }
  return verdict.intact() ? kOk : kFailed;
}

int verify_archive(const GlobalOptions& options, const std::string& document_id, bool all) {
  if (document_id.empty() == !all) {
    std::fprintf(stderr, "archive verify: name one DOC_ID or --all\n");
    return kBadArgs;
  }
  auto opened = open_store(options, false);
  if (!opened) return kBadArgs;
  auto packages = opened->jobs->archived_packages(all ? "" : document_id);
  if (!packages) {
    spdlog::error("{}", packages.error().message);
    return kFailed;
  }
  if (!all && packages->empty()) {
    std::printf("archive: %s has no archival package (not filed, or not archived yet)\n", document_id.c_str());
    return kNotFound;
  }
  int differing = 0;
  for (const ArchivedPackage& package : *packages) {
    auto trail = opened->jobs->audit_trail(package.document_id);
    if (!trail) {
      spdlog::error("{}", trail.error().message);
      return kFailed;
    }
    const auto problems = verify_package(opened->env.home.archive(), package, *trail);
    for (const auto& problem : problems) std::printf("archive: %s\n", problem.c_str());
    differing += !problems.empty();
  }
  std::printf("archive: %zu package(s) checked, %d with differences\n", packages->size(), differing);
  return differing == 0 ? kOk : kFailed;
}

// Writes packages for FILED documents until stopped; restart-safe (see archive_package.h).
int run_archiver(const GlobalOptions& options) {
  auto opened = open_store(options, true);
  if (!opened) return kBadArgs;
  set_up_logging("archiver", options);
  BlobStore blobs(opened->env.home.blobs());
  install_stop_signals();
  std::set<std::string> refused;  // packages an operator must look at; logged once
  NoSpaceWatch space(no_space_marker_dir(opened->env.home), "archiver",
                     "archiving waits; filed documents stay in the job store and blob store");
  // The storage policy runs here, every [storage] gc_interval_minutes counted from its last
  // run (var/storage-usage.json), so restarts do not postpone it for ever.
  const int64_t gc_interval = storage_gc_interval_ms(opened->env.config);
  const nlohmann::json last_usage = read_storage_usage(opened->env.home);
  int64_t next_gc = last_usage.is_object() ? last_usage.value("measured_ms", int64_t{0}) + gc_interval : now_ms();
  while (!stop_flag().load()) {
    if (gc_interval > 0 && now_ms() >= next_gc) {
      next_gc = now_ms() + gc_interval;
      auto report = run_storage_policy(*opened, false, "archiver");
      if (!report) {
        spdlog::error("archiver: storage policy: {}", report.error().message);
      } else {
        spdlog::info("archiver: storage policy: {} documents, {} blobs removed, {} MB freed",
                     report->documents_collected, report->blobs_removed(), report->bytes_freed() / (1024 * 1024));
      }
    }
    if (!space.may_try(now_ms())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    auto due = opened->jobs->filed_not_archived(50);
    if (!due) spdlog::error("archiver: {}", due.error().message);
    // Rejected documents keep their original and the operator's reason in the archive too.
    if (auto rejected = opened->jobs->rejected_not_archived(50); rejected && due) {
      due->insert(due->end(), rejected->begin(), rejected->end());
    } else if (!rejected) {
      spdlog::error("archiver: {}", rejected.error().message);
    }
    bool wrote = false;
    for (const std::string& id : due ? *due : std::vector<std::string>{}) {
      if (stop_flag().load() || refused.count(id)) continue;
      auto row = opened->jobs->get(id);
      // [tenants.<t>.archive] retention_years, else [archive] retention_years; 0 when unset.
      const int years =
          row ? static_cast<int>(opened->env.config.tenant_int(row->tenant, "archive", "retention_years", 0)) : 0;
      auto package = write_package(*opened->jobs, blobs, opened->env.home.archive(), id, now_ms(), years);
      if (!package && space.note_failure(package.error(), now_ms())) break;  // reported once; wait
      if (!package) {
        spdlog::error("archiver: {}: {}", id, package.error().message);
        if (package.error().kind == ErrorKind::kCorruption) refused.insert(id);
        continue;
      }
      space.note_success(now_ms());
      spdlog::info("archiver: {} archived in {}", id, package->package);
      wrote = true;
    }
    if (!wrote) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return kOk;
}

}  // namespace

void add_archive_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* audit = app.add_subcommand("audit", "the hash-chained audit trail");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "check every audit record's hash and link; exit 1 on any break");
  static bool audit_json = false;
  audit_verify->add_flag("--json", audit_json, "print the verdict as JSON");
  audit_verify->callback([&] { action = [&] { return verify_audit(options, audit_json); }; });

  auto* archive = app.add_subcommand("archive", "the write-once archival packages under <home>/archive");
  archive->require_subcommand(1);
  auto* archive_verify = archive->add_subcommand("verify", "re-hash packages and name every difference; exit 1 on any");
  static std::string document_id;
  static bool all = false;
  archive_verify->add_option("DOC_ID", document_id, "the document whose package to check");
  archive_verify->add_flag("--all", all, "check every package");
  archive_verify->callback([&] { action = [&] { return verify_archive(options, document_id, all); }; });

  auto* archiver = app.add_subcommand("archiver", "write an archival package for every filed or rejected document (zpe run starts it)");
  archiver->callback([&] { action = [&] { return run_archiver(options); }; });
}

}  // namespace zpe::app
