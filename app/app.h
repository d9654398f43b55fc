// The `zpe` command line: shared pieces of the subcommands (options every subcommand
// takes, loading config and home, exit codes, the stop flag set by SIGTERM/SIGINT).
// Each subcommand lives in one app/cmd_*.cpp and maps errors to exit codes there.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "connectors/egvp_outbox.h"
#include "connectors/storage_gc.h"
#include "pipeline/config.h"
#include "pipeline/home.h"
#include "pipeline/job_store.h"

namespace zpe::app {

// Exit codes, documented in README.md.
enum ExitCode : int {
  kOk = 0,
  kFailed = 1,        // the command ran but something it did failed
  kBadArgs = 2,       // wrong arguments or config
  kUnavailable = 3,   // a peer or port was not available
  kNotFound = 4,      // a named document or file does not exist
};

struct GlobalOptions {
  std::string home;
  std::string config;
  std::string log_level = "info";
  std::string log_format = "text";  // "text" or "json" (pipeline/log_format.h)
};

struct Environment {
  Config config;
  Home home;
};

// Loads config (--config, else $ZPE_CONFIG, else embedded defaults) and resolves home.
// Prints the error and returns nothing when the config is bad.
std::optional<Environment> load_environment(const GlobalOptions& options);
// Logging to stderr at --log-level, as "<time> <process>[<pid>] <level>: message" or, with
// --log-format json, one JSON object a line (pipeline/log_format.h).
void set_up_logging(const std::string& process, const GlobalOptions& options);
// SIGTERM and SIGINT set this flag; loops poll it.
const std::atomic<bool>& stop_flag();
void install_stop_signals();
// Who runs a command, as the audit trail names them: "cli:<login>".
std::string cli_actor();
// A time in ms since the epoch as local "YYYY-MM-DD HH:MM:SS" (app/cmd_inspect.cpp).
std::string local_time(int64_t ms);
// Arguments that make a child process see the same home, config, log level and log format.
std::vector<std::string> child_base_args(const GlobalOptions& options, const Environment& env);

// The job store of the environment's home, for commands that read or feed it. With
// `create`, the home's folders are made; without, a missing store is an error (printed).
struct Opened {
  Environment env;
  std::unique_ptr<JobStore> jobs;
};
std::optional<Opened> open_store(const GlobalOptions& options, bool create);

// "2026-12-02 14:03:11" in local time (app/cmd_inspect.cpp).
std::string local_time(int64_t ms);

// The chosen subcommand's work, set by its parse callback and run by main.
using Action = std::function<int()>;

void add_run_command(CLI::App& app, GlobalOptions& options, Action& action);
void add_service_commands(CLI::App& app, GlobalOptions& options, Action& action);
void add_inspect_commands(CLI::App& app, GlobalOptions& options, Action& action);
// `zpe audit verify`, `zpe archive verify`, `zpe archiver` (app/cmd_archive.cpp).
void add_archive_commands(CLI::App& app, GlobalOptions& options, Action& action);
// `zpe gc [--dry-run]` (app/cmd_storage.cpp); run_storage_policy is the same pass for the
// archiver's timer: removes what the policy allows, then measures the disk use per area.
void add_storage_commands(CLI::App& app, GlobalOptions& options, Action& action);
Result<StorageGcReport> run_storage_policy(Opened& opened, bool dry_run, const std::string& actor);
// `zpe train DIR`, `zpe eval DIR` (app/cmd_classify.cpp).
void add_classify_commands(CLI::App& app, GlobalOptions& options, Action& action);
// `zpe sign`, `zpe verify`, `zpe test-tsa` (app/cmd_sign.cpp).
void add_sign_commands(CLI::App& app, GlobalOptions& options, Action& action);
// `zpe events list|replay`: the case-file feed's outbox (app/cmd_events.cpp).
void add_events_commands(CLI::App& app, GlobalOptions& options, Action& action);
// `zpe report --day D`: the daily report per tenant (app/cmd_report.cpp).
void add_report_command(CLI::App& app, GlobalOptions& options, Action& action);
// `zpe registry import|add|close|reopen|list` (app/cmd_registry.cpp).
void add_registry_commands(CLI::App& app, GlobalOptions& options, Action& action);

// `zpe route explain DOC_ID` (app/cmd_route.cpp).
void add_route_commands(CLI::App& app, GlobalOptions& options, Action& action);

// `zpe clearing list|show|release|file-anyway|rescan|reject|rotate|drop-page|resplit` (app/cmd_clearing.cpp).
void add_clearing_commands(CLI::App& app, GlobalOptions& options, Action& action);
// `zpe web` (app/cmd_web.cpp) and `zpe user add|passwd|disable|enable|list` (app/cmd_user.cpp).
void add_web_commands(CLI::App& app, GlobalOptions& options, Action& action);
void add_user_commands(CLI::App& app, GlobalOptions& options, Action& action);

// `zpe config reference` (docs/CONFIG.md) and `zpe config check FILE` (app/cmd_config.cpp).
void add_config_commands(CLI::App& app, GlobalOptions& options, Action& action);
// `zpe keygen [--out DIR] [--name NAME]`: a CURVE key pair (app/cmd_keygen.cpp).
void add_keygen_command(CLI::App& app, GlobalOptions& options, Action& action);

// `zpe paths`: the config, home and named files as this binary resolves them (app/cmd_paths.cpp).
void add_paths_command(CLI::App& app, GlobalOptions& options, Action& action);

// `zpe egvp send|list|receipts|run` (app/cmd_egvp.cpp).
void add_egvp_commands(CLI::App& app, GlobalOptions& options, Action& action);
// The court mailbox's code lists and settings ([egvp], [[tenants.<t>.courts]]); prints the
// error and returns nothing when they are missing or name a court not in GDS.Gerichte.
struct EgvpSetup {
  XJustizCodeLists lists;
  EgvpSettings settings;
};
std::optional<EgvpSetup> load_egvp_setup(const Environment& env);
// The same as a value: the error names what is wrong (`zpe config check` points it at a line).
Result<EgvpSetup> read_egvp_setup(const Environment& env);
// `zpe status`'s court-mailbox part: reads receipts, then prints (or adds to *as_json) the
// packages waiting for a receipt, overdue and failed.
void report_egvp_status(JobStore& jobs, const Environment& env, nlohmann::json* as_json);

// The configured [stages.route] registry — with a tenant, as [tenants.<tenant>.stages.route]
// overrides it — resolved against the home, when it is a SQLite registry
// (connectors/case_registry_source.h); nullopt for a CSV or no registry.
std::optional<std::filesystem::path> configured_sqlite_registry(const Environment& env,
                                                                const std::string& tenant = "");

}  // namespace zpe::app
