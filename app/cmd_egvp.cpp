// `zpe egvp send|list|receipts|run`: the court mailbox, outbound (connectors/egvp_outbox.h,
// docs/EGVP.md). send writes one XJustiz message package for a court from the filed documents
// of a case (--case) or named documents, or (--pending) one per document the route stage routed
// to a court; list shows packages with their state (waiting, overdue, delivered, failed);
// receipts reads the EGVP client's receipts; run (started by `zpe run`) does --pending and
// receipts in a loop. Every query is scoped to one tenant (--tenant, default "default").
// Exit codes as README.md: 2 for a refused request (court not in the tenant's directory,
// document not FILED, documents of two cases) or a bad config, 4 for a document or case that
// does not exist in the tenant, 1 for other failures.
#include <cstdio>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "pipeline/log_format.h"
#include "stages/settings_path.h"

namespace zpe::app {

Result<EgvpSetup> read_egvp_setup(const Environment& env) {
  const auto egvp = env.config.json().value("egvp", nlohmann::json::object());
  const std::string configured = egvp.value("codelists", std::string("data/xjustiz"));
  const auto dir = resolve_settings_path(configured, {{"home", env.home.root.string()}});
  auto lists = load_xjustiz_code_lists(dir);
  if (!lists) return fail(lists.error());
  auto settings = read_egvp_settings(env.config, env.home.root, *lists);
  if (!settings) return fail(settings.error());
  return EgvpSetup{std::move(*lists), std::move(*settings)};
}

std::optional<EgvpSetup> load_egvp_setup(const Environment& env) {
  auto setup = read_egvp_setup(env);
  if (!setup) {
    spdlog::error("egvp: {}", setup.error().message);
    return std::nullopt;
  }
  return std::move(*setup);
}

namespace {

struct EgvpOptions {
  std::string tenant = "default", court, case_number, court_file_number;
  std::vector<std::string> documents;
  bool pending = false, json = false;
  int interval_ms = 1000;
};

int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalidInput: return kBadArgs;
    case ErrorKind::kNotFound: return kNotFound;
    default: return kFailed;
  }
}

int report(const Error& error) {
  std::fprintf(stderr, "egvp: %s\n", error.message.c_str());
  return exit_code_for(error);
}

// The job store and an outbox over it; prints why not.
struct OpenedOutbox {
  Opened opened;
  std::unique_ptr<BlobStore> blobs;
  std::unique_ptr<EgvpOutbox> outbox;
};

std::optional<OpenedOutbox> open_outbox(const GlobalOptions& options, bool create) {
  // The court directory is checked first: a bad one is the error to report, store or not.
  auto env = load_environment(options);
  if (!env) return std::nullopt;
  auto setup = load_egvp_setup(*env);
  if (!setup) return std::nullopt;
  auto opened = open_store(options, create);
  if (!opened) return std::nullopt;
  auto blobs = std::make_unique<BlobStore>(opened->env.home.blobs());
  auto outbox = std::make_unique<EgvpOutbox>(*opened->jobs, *blobs, std::move(setup->settings), std::move(setup->lists));
  return OpenedOutbox{std::move(*opened), std::move(blobs), std::move(outbox)};
}

std::string package_state(const EgvpOutbox& outbox, const EgvpPackage& p, int64_t now) {
  if (p.delivered_ms) return "delivered";
  if (!p.failure.empty()) return "failed";
  if (!p.written_ms) return "writing";
  return outbox.overdue(p, now) ? "overdue" : "waiting";
}

nlohmann::json package_json(const EgvpOutbox& outbox, const EgvpPackage& p, int64_t now) {
  return {{"package_id", p.package_id}, {"tenant", p.tenant}, {"court_id", p.court_id},
          {"case_number", p.case_number}, {"court_file_number", p.court_file_number}, {"message_id", p.message_id},
          {"documents", p.document_ids}, {"state", package_state(outbox, p, now)},
          {"folder", outbox.package_dir(p).string()}, {"created_ms", p.created_ms},
          {"written_ms", p.written_ms ? nlohmann::json(p.written_ms) : nlohmann::json()},
          {"delivered_ms", p.delivered_ms ? nlohmann::json(p.delivered_ms) : nlohmann::json()},
          {"failure", p.failure.empty() ? nlohmann::json() : nlohmann::json(p.failure)}};
}

void print_package(const EgvpPackage& p, const EgvpOutbox& outbox) {
  std::printf("package %s for court %s: %zu document(s) of case %s%s\n  %s\n", p.package_id.c_str(), p.court_id.c_str(),
              p.document_ids.size(), p.case_number.c_str(),
              p.court_file_number.empty() ? "" : (" (court file " + p.court_file_number + ")").c_str(),
              outbox.package_dir(p).c_str());
}

int send(const GlobalOptions& options, const EgvpOptions& o) {
  auto out = open_outbox(options, false);
  if (!out) return kBadArgs;
  if (o.pending) {
    auto sent = out->outbox->send_pending_court_routes(now_ms());
    if (!sent) return report(sent.error());
    for (const auto& p : sent->written) print_package(p, *out->outbox);
    for (const auto& why : sent->refused) std::printf("refused: %s\n", why.c_str());
    std::printf("egvp: %zu package(s) written, %zu refused\n", sent->written.size(), sent->refused.size());
    return sent->refused.empty() ? kOk : kFailed;
  }
  if (!out->opened.env.config.has_tenant(o.tenant)) return report({ErrorKind::kInvalidInput, "unknown tenant " + o.tenant});
  std::vector<std::string> ids = o.documents;
  if (!o.case_number.empty()) {
    auto of_case = out->outbox->filed_documents_of_case(o.tenant, o.case_number);
    if (!of_case) return report(of_case.error());
    ids = *of_case;
  }
  auto package = out->outbox->send({o.tenant, o.court, o.court_file_number, ids, "cli"}, now_ms());
  if (!package) return report(package.error());
  print_package(*package, *out->outbox);
  return kOk;
}

int receipts(const GlobalOptions& options) {
  auto out = open_outbox(options, false);
  if (!out) return kBadArgs;
  auto found = out->outbox->collect_receipts(now_ms());
  if (!found) return report(found.error());
  for (const auto& problem : found->problems) std::printf("egvp: %s\n", problem.c_str());
  std::printf("egvp: %d delivered, %d failed, %zu receipt(s) not taken\n", found->delivered, found->failed,
              found->problems.size());
  return found->problems.empty() ? kOk : kFailed;
}

int list(const GlobalOptions& options, const EgvpOptions& o) {
  auto out = open_outbox(options, false);
  if (!out) return kBadArgs;
  auto packages = out->opened.jobs->egvp_packages(o.tenant, 1000);
  if (!packages) return report(packages.error());
  const int64_t now = now_ms();
  if (o.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& p : *packages) all.push_back(package_json(*out->outbox, p, now));
    std::printf("%s\n", all.dump(2).c_str());
    return kOk;
  }
  for (const auto& p : *packages) {
    std::printf("%-24s %-9s court %-7s case %-12s %zu doc(s)  written %s%s\n", p.package_id.c_str(),
                package_state(*out->outbox, p, now).c_str(), p.court_id.c_str(), p.case_number.c_str(),
                p.document_ids.size(), p.written_ms ? local_time(p.written_ms).c_str() : "-",
                p.failure.empty() ? "" : ("  failure: " + p.failure).c_str());
  }
  return kOk;
}

// Sends what the route stage routed to a court and reads receipts until stopped.
int run_loop(const GlobalOptions& options, const EgvpOptions& o) {
  auto out = open_outbox(options, true);
  if (!out) return kBadArgs;
  set_up_logging("egvp", options);
  install_stop_signals();
  while (!stop_flag().load()) {
    const int64_t now = now_ms();
    if (auto sent = out->outbox->send_pending_court_routes(now); !sent) {
      spdlog::error("egvp: {}", sent.error().message);
    } else {
      for (const auto& p : sent->written) spdlog::info("egvp: package {} for court {} written", p.package_id, p.court_id);
      for (const auto& why : sent->refused) spdlog::warn("egvp: refused {}", mask_case_numbers(why));
    }
    if (auto found = out->outbox->collect_receipts(now); !found) {
      spdlog::error("egvp: {}", found.error().message);
    } else {
      for (const auto& problem : found->problems) spdlog::warn("egvp: {}", mask_case_numbers(problem));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(o.interval_ms));
  }
  return kOk;
}

}  // namespace

void report_egvp_status(JobStore& jobs, const Environment& env, nlohmann::json* as_json) {
  auto setup = load_egvp_setup(env);
  if (!setup) return;
  BlobStore blobs(env.home.blobs());
  EgvpOutbox outbox(jobs, blobs, std::move(setup->settings), std::move(setup->lists));
  const int64_t now = now_ms();
  auto found = outbox.collect_receipts(now);
  auto open = jobs.egvp_packages_without_receipt();
  auto failed = jobs.egvp_packages("", 1000);
  if (!found || !open || !failed) {
    spdlog::error("egvp: {}", (!found ? found.error() : !open ? open.error() : failed.error()).message);
    return;
  }
  nlohmann::json overdue = nlohmann::json::array(), failures = nlohmann::json::array();
  for (const auto& p : *open) {
    if (outbox.overdue(p, now)) overdue.push_back(package_json(outbox, p, now));
  }
  for (const auto& p : *failed) {
    if (!p.failure.empty()) failures.push_back(package_json(outbox, p, now));
  }
  if (as_json) {
    (*as_json)["egvp"] = {{"waiting_for_receipt", open->size()}, {"overdue", overdue}, {"failed", failures},
                          {"receipt_problems", found->problems}};
    return;
  }
  std::printf("\ncourt mailbox (EGVP): %zu package(s) waiting for a receipt, %zu overdue, %zu failed\n", open->size(),
              overdue.size(), failures.size());
  for (const auto& p : overdue) {
    std::printf("  overdue: %s court %s case %s, written %s, no receipt after %lld min (%s)\n",
                p["package_id"].get<std::string>().c_str(), p["court_id"].get<std::string>().c_str(),
                p["case_number"].get<std::string>().c_str(), local_time(p["written_ms"].get<int64_t>()).c_str(),
                static_cast<long long>(outbox.settings().receipt_timeout_ms / 60000), p["folder"].get<std::string>().c_str());
  }
  for (const auto& p : failures) {
    std::printf("  failed: %s court %s: %s\n", p["package_id"].get<std::string>().c_str(),
                p["court_id"].get<std::string>().c_str(), p["failure"].get<std::string>().c_str());
  }
  for (const auto& problem : found->problems) std::printf("  %s\n", problem.c_str());
}

void add_egvp_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  static EgvpOptions o;
  auto* egvp = app.add_subcommand("egvp", "the court mailbox: XJustiz message packages for courts (docs/EGVP.md)");
  egvp->require_subcommand(1);

  auto* send_cmd = egvp->add_subcommand("send", "write a message package for a court from filed documents");
  send_cmd->add_option("--court", o.court, "the court's XJustiz ID (GDS.Gerichte), from the tenant's court directory");
  auto* by_case = send_cmd->add_option("--case", o.case_number, "send every filed document of this case");
  auto* by_id = send_cmd->add_option("DOC_ID", o.documents, "documents to send (FILED, of one case)");
  auto* pending = send_cmd->add_flag("--pending", o.pending, "one package per document the route stage routed to a court");
  send_cmd->add_option("--tenant", o.tenant, "the tenant the documents belong to")->capture_default_str();
  send_cmd->add_option("--court-file-number", o.court_file_number, "the court's file number (Aktenzeichen des Gerichts)");
  by_case->excludes(by_id);
  pending->excludes(by_case)->excludes(by_id);
  send_cmd->callback([&, by_case, by_id] {
    if (!o.pending && (o.court.empty() || (by_case->count() == 0 && by_id->count() == 0))) {
      throw CLI::ValidationError("egvp send", "name --court and either --case N or DOC_IDs (or --pending)");
    }
    action = [&] { return send(options, o); };
  });

  auto* list_cmd = egvp->add_subcommand("list", "packages with their state: waiting, overdue, delivered, failed");
  list_cmd->add_option("--tenant", o.tenant, "only this tenant's packages")->capture_default_str();
  list_cmd->add_flag("--json", o.json, "print JSON");
  list_cmd->callback([&] { action = [&] { return list(options, o); }; });

  auto* receipts_cmd = egvp->add_subcommand("receipts", "read the EGVP client's receipts (<package id>.receipt.json)");
  receipts_cmd->callback([&] { action = [&] { return receipts(options); }; });

  auto* run_cmd = egvp->add_subcommand("run", "send court routes and read receipts until stopped (zpe run starts it)");
  run_cmd->add_option("--interval-ms", o.interval_ms, "pause between rounds")->capture_default_str();
  run_cmd->callback([&] { action = [&] { return run_loop(options, o); }; });
}

}  // namespace zpe::app
