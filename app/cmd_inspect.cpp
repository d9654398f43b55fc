// Commands that read or feed the job store directly: submit, status (with the court
// mailbox's overdue packages, app/cmd_egvp.cpp), show, list.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/progress.h"
#include "connectors/egvp_intake.h"
#include "connectors/storage_gc.h"
#include "pipeline/intake.h"
#include "pipeline/job_store.h"
#include "pipeline/no_space.h"

namespace zpe::app {

std::string local_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::optional<Opened> open_store(const GlobalOptions& options, bool create) {
  set_up_logging("zpe", options);
  auto env = load_environment(options);
  if (!env) return std::nullopt;
  if (!create && !std::filesystem::exists(env->home.job_store())) {
    spdlog::error("no job store at {} (wrong --home? run `zpe run` or `zpe submit` first)", env->home.job_store().string());
    return std::nullopt;
  }
  if (create) {
    if (auto st = env->home.create(env->config.tenants()); !st) {
      spdlog::error("{}", st.error().message);
      return std::nullopt;
    }
  }
  auto jobs = JobStore::open(env->home.job_store());
  if (!jobs) {
    spdlog::error("{}", jobs.error().message);
    return std::nullopt;
  }
  return Opened{std::move(*env), std::move(*jobs)};
}

namespace {

// The route stage's near-duplicate flag (docs/ARCHITECTURE.md, the document record), or null.
nlohmann::json near_duplicate_of(const DocumentRow& row) {
  const auto flag = row.record.is_object() ? row.record.find("near_duplicate") : row.record.end();
  return row.record.is_object() && flag != row.record.end() && flag->is_object() ? *flag : nlohmann::json();
}

// "near-duplicate of D… (similarity 0.97, filed in case 8123456-423 at …)", or "".
std::string describe_near_duplicate(const nlohmann::json& flag, bool with_case) {
  if (!flag.is_object()) return "";
  char similarity[16];
  std::snprintf(similarity, sizeof similarity, "%.2f", flag.value("similarity", 0.0));
  std::string out = "near-duplicate of " + flag.value("document_id", "?") + " (similarity " + similarity;
  if (with_case) {
    out += ", filed in case " + flag.value("case_number", "?") + " at " + local_time(flag.value("filed_at_ms", int64_t{0}));
  }
  return out + ")";
}

nlohmann::json row_json(const DocumentRow& row) {
  return {{"document_id", row.id}, {"tenant", row.tenant},   {"state", row.state},
          {"stage", row.stage.empty() ? nlohmann::json() : nlohmann::json(row.stage)},
          {"attempts", row.attempts}, {"reason", row.reason.empty() ? nlohmann::json() : nlohmann::json(row.reason)},
          {"source_file", row.source_file}, {"sha256_original", row.sha256_original},
          {"created_ms", row.created_ms}, {"updated_ms", row.updated_ms}};
}

int submit(const GlobalOptions& options, const std::vector<std::string>& files, const std::string& tenant) {
  auto opened = open_store(options, true);
  if (!opened) return kBadArgs;
  if (!opened->env.config.has_tenant(tenant)) {
    spdlog::error("unknown tenant '{}' (configured: {})", tenant, nlohmann::json(opened->env.config.tenants()).dump());
    return kBadArgs;
  }
  BlobStore blobs(opened->env.home.blobs());
  Intake intake(opened->env.config, opened->env.home, *opened->jobs, blobs);
  int rc = kOk;
  // Progress on stderr for a batch (app/progress.h); one line per file on stdout as always.
  ProgressLine progress;
  const int64_t started = now_ms();
  std::uintmax_t bytes = 0;
  std::size_t done = 0;
  for (const auto& file : files) {
    auto result = intake.ingest(file, tenant, false, "submit", kChannelUpload);
    ++done;
    std::error_code size_error;
    const auto size = std::filesystem::file_size(file, size_error);
    if (!size_error) bytes += size;
    progress.clear();
    if (!result) {
      std::printf("%s: error: %s\n", file.c_str(), result.error().message.c_str());
      rc = result.error().kind == ErrorKind::kNotFound ? kNotFound : kFailed;
    } else if (result->quarantined) {
      std::printf("%s: quarantined as %s: %s\n", file.c_str(), result->document_id.c_str(), result->reason.c_str());
      rc = kFailed;
    } else {
      std::printf("%s: accepted as %s\n", file.c_str(), result->document_id.c_str());
    }
    std::fflush(stdout);
    const int64_t now = now_ms();
    if (files.size() > 1 && (progress.due(now) || done == files.size())) {
      const double seconds = std::max(0.001, (now - started) / 1000.0);
      char line[200];
      std::snprintf(line, sizeof line, "zpe submit: %zu of %zu files, %.1f MB, %.1f files/s", done, files.size(),
                    bytes / 1e6, done / seconds);
      std::string text = line;
      if (done < files.size()) text += ", ETA " + format_duration(seconds / done * (files.size() - done));
      progress.update(text, now, true);
    }
  }
  return rc;
}

// The processes waiting for disk space (pipeline/no_space.h) and the home's free space.
nlohmann::json disk_status(const Home& home) {
  nlohmann::json waiting = nlohmann::json::array();
  for (const auto& report : read_no_space_reports(no_space_marker_dir(home))) {
    waiting.push_back({{"process", report.name}, {"since_ms", report.since_ms}, {"message", report.message}});
  }
  std::error_code ec;
  const auto space = std::filesystem::space(home.root, ec);
  return {{"full", !waiting.empty()}, {"waiting", waiting},
          {"free_bytes", ec ? nlohmann::json() : nlohmann::json(space.available)},
          {"usage", read_storage_usage(home)}};
}

// The disk use per area as the storage policy's last run measured it.
void print_storage_usage(const nlohmann::json& usage) {
  if (!usage.is_object() || !usage.contains("areas")) {
    std::printf("disk use per area: not measured yet (zpe gc measures it; the archiver every [storage] "
                "gc_interval_minutes)\n");
    return;
  }
  std::string areas;
  for (const auto& [area, bytes] : usage["areas"].items()) {
    char figure[32];
    std::snprintf(figure, sizeof figure, " %.1f MB", bytes.get<double>() / 1e6);
    areas += (areas.empty() ? " " : ", ") + area + figure;
  }
  std::printf("disk use per area (measured %s):%s\n", local_time(usage.value("measured_ms", int64_t{0})).c_str(),
              areas.c_str());
}

void print_disk_status(const nlohmann::json& disk, const Home& home) {
  const double free_mb = disk["free_bytes"].is_number() ? disk["free_bytes"].get<double>() / 1e6 : -1;
  if (!disk["full"].get<bool>()) {
    std::printf("\ndisk: %.0f MB free under the home\n", free_mb);
    print_storage_usage(disk["usage"]);
    return;
  }
  std::printf("\ndisk FULL (%.0f MB free under %s): work waits and resumes by itself once space is freed; "
              "no document spends an attempt meanwhile\n", free_mb, home.root.c_str());
  for (const auto& w : disk["waiting"]) {
    const std::string message = w["message"].get<std::string>();
    std::printf("  %-18s since %s%s%s\n", w["process"].get<std::string>().c_str(), local_time(w["since_ms"].get<int64_t>()).c_str(),
                message.empty() ? "" : ": ", message.c_str());
  }
  print_storage_usage(disk["usage"]);
}

int status(const GlobalOptions& options, bool as_json) {
  auto opened = open_store(options, false);
  if (!opened) return kNotFound;
  auto sum = opened->jobs->summary(10);
  if (!sum) {
    spdlog::error("{}", sum.error().message);
    return kFailed;
  }
  auto workers = opened->jobs->workers();  // the dispatcher's view, rewritten at least every 5 s
  if (!workers) {
    spdlog::error("status: {}", workers.error().message);
    return kFailed;
  }
  const int64_t now = now_ms();
  int waiting = Intake::count_waiting(opened->env.home, opened->env.config.tenants());
  const int egvp_waiting = EgvpIntake::count_waiting(opened->env.home, opened->env.config.tenants());
  if (as_json) {
    nlohmann::json out = {{"documents_per_state", sum->documents_per_state}, {"inbox_waiting", waiting},
                          {"egvp_inbox_waiting", egvp_waiting},
                          {"unacked_events", sum->unacked_events}};
    for (const auto& [stage, b] : sum->backlog_per_stage) out["backlog_per_stage"][stage] = {{"queued", b.first}, {"running", b.second}};
    for (const auto& [stage, t] : sum->stage_time) out["stage_time"][stage] = {{"runs", t.first}, {"mean_ms", t.second}};
    out["recent_failures"] = nlohmann::json::array();
    for (const auto& f : sum->recent_failures) {
      out["recent_failures"].push_back({{"document_id", f.document_id}, {"at_ms", f.at_ms}, {"action", f.action},
                                        {"detail", nlohmann::json::parse(f.detail, nullptr, false)}});
    }
    out["workers"] = nlohmann::json::array();
    for (const WorkerStatus& w : *workers) {
      out["workers"].push_back({{"name", w.name}, {"stage", w.stage}, {"host", w.host}, {"last_seen_ms", w.last_seen_ms},
                                {"connected", now - w.last_seen_ms <= kWorkerConnectedWithinMs},
                                {"current_document_id", w.current_document_id}});
    }
    out["disk"] = disk_status(opened->env.home);
    report_egvp_status(*opened->jobs, opened->env, &out);
    std::printf("%s\n", out.dump(2).c_str());
    return kOk;
  }
  std::printf("home: %s\ninbox: %d file(s) waiting\ncourt mailbox in: %d package(s) waiting\n\ndocuments per state:\n",
              opened->env.home.root.c_str(), waiting, egvp_waiting);
  for (const auto& [state, n] : sum->documents_per_state) std::printf("  %-12s %lld\n", state.c_str(), static_cast<long long>(n));
  std::printf("\nbacklog per stage (queued / running):\n");
  if (sum->backlog_per_stage.empty()) std::printf("  (none)\n");
  for (const auto& [stage, b] : sum->backlog_per_stage) {
    std::printf("  %-12s %lld / %lld\n", stage.c_str(), static_cast<long long>(b.first), static_cast<long long>(b.second));
  }
  std::printf("\nworkers (as the dispatcher last saw them):\n");
  if (workers->empty()) std::printf("  (none: is zpe run or the dispatcher running?)\n");
  for (const WorkerStatus& w : *workers) {
    const bool connected = now - w.last_seen_ms <= kWorkerConnectedWithinMs;
    std::printf("  %-10s %-28s %s, heard %llds ago%s%s\n", w.stage.c_str(), w.name.c_str(), connected ? "connected" : "GONE",
                static_cast<long long>((now - w.last_seen_ms) / 1000),
                w.current_document_id.empty() ? "" : ", working on ", w.current_document_id.c_str());
  }
  std::printf("\ncase-file events not yet acknowledged: %lld\n", static_cast<long long>(sum->unacked_events));
  std::printf("\nrecent failures:\n");
  if (sum->recent_failures.empty()) std::printf("  (none)\n");
  for (const auto& f : sum->recent_failures) {
    std::printf("  %s %s %s %s\n", local_time(f.at_ms).c_str(), f.document_id.c_str(), f.action.c_str(), f.detail.c_str());
  }
  print_disk_status(disk_status(opened->env.home), opened->env.home);
  report_egvp_status(*opened->jobs, opened->env, nullptr);
  return kOk;
}

int show(const GlobalOptions& options, const std::string& id, bool as_json) {
  auto opened = open_store(options, false);
  if (!opened) return kNotFound;
  auto row = opened->jobs->get(id);
  if (!row) {
    std::fprintf(stderr, "%s\n", row.error().message.c_str());
    return kNotFound;
  }
  auto audit = opened->jobs->audit_trail(id);
  auto runs = opened->jobs->stage_runs(id);
  nlohmann::json out = row_json(*row);
  auto record = opened->jobs->full_record(*row);  // a compacted record with its per-page detail
  if (!record) {
    std::fprintf(stderr, "%s\n", record.error().message.c_str());
    return kFailed;
  }
  out["record"] = *record;
  out["audit"] = nlohmann::json::array();
  for (const auto& a : audit.value_or(std::vector<AuditEntry>{})) {
    out["audit"].push_back({{"seq", a.seq}, {"at_ms", a.at_ms}, {"actor", a.actor}, {"action", a.action},
                            {"detail", nlohmann::json::parse(a.detail, nullptr, false)}, {"hash", a.hash}});
  }
  out["stage_runs"] = nlohmann::json::array();
  for (const auto& r : runs.value_or(std::vector<StageRun>{})) {
    out["stage_runs"].push_back({{"stage", r.stage}, {"attempt", r.attempt}, {"worker", r.worker},
                                 {"elapsed_ms", r.finished_ms ? r.finished_ms - r.started_ms : -1},
                                 {"outcome", r.outcome}, {"reason", r.reason}});
  }
  if (as_json) {
    std::printf("%s\n", out.dump(2).c_str());
    return kOk;
  }
  std::printf("document %s (tenant %s)\n  state:  %s%s%s\n  source: %s (sha256 %s)\n", row->id.c_str(), row->tenant.c_str(),
              row->state.c_str(), row->stage.empty() ? "" : (" at stage " + row->stage).c_str(),
              row->reason.empty() ? "" : ("\n  reason: " + row->reason).c_str(), row->source_file.c_str(),
              row->sha256_original.c_str());
  const auto& rec = row->record;
  if (rec.contains("classification")) {
    const auto& c = rec["classification"];
    std::printf("  case number: %s   letter date: %s   type: %s\n", c.value("case_number", nlohmann::json()).dump().c_str(),
                c.value("letter_date", nlohmann::json()).dump().c_str(), c.value("doc_type", nlohmann::json()).dump().c_str());
  }
  if (const auto flag = near_duplicate_of(*row); flag.is_object()) {
    std::printf("  %s\n", describe_near_duplicate(flag, true).c_str());
  }
  if (rec.contains("page_count")) std::printf("  pages: %s\n", rec["page_count"].dump().c_str());
  if (rec.contains("quality") && rec["quality"].contains("verdicts")) {
    std::printf("  quality (blank pages: %s):\n", rec["quality"].value("blank_pages", "").c_str());
    for (const auto& v : rec["quality"]["verdicts"]) {
      const auto& m = v.value("measured", nlohmann::json::object());
      std::printf("    source page %s: %-6s dpi %s sharpness %s contrast %s skew %s° ink %s\n", v["source_page"].dump().c_str(),
                  v.value("verdict", "").c_str(), m.value("effective_dpi", nlohmann::json()).dump().c_str(),
                  m.value("sharpness", nlohmann::json()).dump().c_str(), m.value("contrast", nlohmann::json()).dump().c_str(),
                  m.value("residual_skew_deg", nlohmann::json()).dump().c_str(), m.value("ink_coverage", nlohmann::json()).dump().c_str());
      for (const auto& reason : v.value("reasons", nlohmann::json::array())) std::printf("      %s\n", reason.get<std::string>().c_str());
    }
  }
  if (rec.contains("ocr")) std::printf("  OCR confidence: %s\n", rec["ocr"].value("confidence", nlohmann::json()).dump().c_str());
  std::printf("\nstage runs:\n");
  for (const auto& r : out["stage_runs"]) {
    std::printf("  %-10s attempt %d  %-8s %6lld ms  %s %s\n", r["stage"].get<std::string>().c_str(), r["attempt"].get<int>(),
                r["outcome"].get<std::string>().c_str(), static_cast<long long>(r["elapsed_ms"].get<int64_t>()),
                r["worker"].get<std::string>().c_str(), r["reason"].get<std::string>().c_str());
  }
  std::printf("\naudit trail:\n");
  for (const auto& a : audit.value_or(std::vector<AuditEntry>{})) {
    std::printf("  %s  %-14s %-14s %s\n", local_time(a.at_ms).c_str(), a.actor.c_str(), a.action.c_str(), a.detail.c_str());
  }
  return kOk;
}

int list(const GlobalOptions& options, const std::string& state, int limit, bool as_json) {
  auto opened = open_store(options, false);
  if (!opened) return kNotFound;
  if (!state.empty() && !parse_state(state)) {
    spdlog::error("unknown state '{}' (QUEUED, RUNNING, FILED, CLEARING, QUARANTINED, SPLIT)", state);
    return kBadArgs;
  }
  auto rows = opened->jobs->list(state.empty() ? std::nullopt : std::optional<std::string>(state), limit);
  if (!rows) {
    spdlog::error("{}", rows.error().message);
    return kFailed;
  }
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& row : *rows) {
      auto j = row_json(row);
      if (row.record.contains("classification")) j["classification"] = row.record["classification"];
      j["near_duplicate"] = near_duplicate_of(row);
      out.push_back(j);
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kOk;
  }
  for (const auto& row : *rows) {
    const std::string flag = describe_near_duplicate(near_duplicate_of(row), false);
    std::printf("%-24s %-12s %-10s %-30s %s%s\n", row.id.c_str(), row.state.c_str(), row.stage.c_str(),
                row.source_file.c_str(), flag.empty() ? "" : ("[" + flag + "] ").c_str(), row.reason.c_str());
  }
  return kOk;
}

}  // namespace

void add_inspect_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  static std::vector<std::string> files;
  static std::string tenant = "default";
  auto* sub = app.add_subcommand("submit", "ingest files now (the same path as the watch folder; files are not removed)");
  sub->add_option("files", files, "scanned files (TIFF, PNG, JPEG, PDF)")->required();
  sub->add_option("--tenant", tenant, "tenant the documents belong to")->capture_default_str();
  sub->callback([&] { action = [&] { return submit(options, files, tenant); }; });

  static bool status_json = false;
  auto* st = app.add_subcommand("status", "documents per state, backlog per stage, recent failures");
  st->add_flag("--json", status_json, "print JSON");
  st->callback([&] { action = [&] { return status(options, status_json); }; });

  static std::string show_id;
  static bool show_json = false;
  auto* sh = app.add_subcommand("show", "one document: record, stage runs and audit trail");
  sh->add_option("DOC_ID", show_id, "document id")->required();
  sh->add_flag("--json", show_json, "print JSON");
  sh->callback([&] { action = [&] { return show(options, show_id, show_json); }; });

  static std::string list_state;
  static int list_limit = 1000;
  static bool list_json = false;
  auto* ls = app.add_subcommand("list", "documents, optionally in one state");
  ls->add_option("--state", list_state, "QUEUED, RUNNING, FILED, CLEARING, QUARANTINED or SPLIT");
  ls->add_option("--limit", list_limit, "at most this many")->capture_default_str();
  ls->add_flag("--json", list_json, "print JSON");
  ls->callback([&] { action = [&] { return list(options, list_state, list_limit, list_json); }; });
}

}  // namespace zpe::app
