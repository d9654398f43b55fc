// `zpe registry import|add|close|reopen|list`: edit and read the SQLite case registry
// (connectors/case_registry_db.h, docs/CLASSIFY.md) — the cases the route stage accepts.
// The file: --db, else the configured [stages.route] registry when that is a SQLite
// registry, else <home>/registry/cases.sqlite. Exit codes as README.md: 2 for a malformed
// case number or date, 4 when the registry or the case does not exist, 1 for other failures.
#include <cstdio>

#include "app/app.h"
#include "classifiers/case_number.h"
#include "connectors/case_registry_db.h"
#include "connectors/case_registry_source.h"
#include "stages/settings_path.h"

namespace zpe::app {

using classifiers::CaseState;
using classifiers::RegisteredCase;

std::optional<std::filesystem::path> configured_sqlite_registry(const Environment& env, const std::string& tenant) {
  const auto settings = env.config.stage_settings("route", tenant);
  const std::string configured = settings.is_object() ? settings.value("registry", "") : "";
  if (configured.empty()) return std::nullopt;
  const auto path = resolve_settings_path(configured, {{"home", env.home.root.string()}});
  if (registry_format(path) != RegistryFormat::kSqlite) return std::nullopt;
  return std::filesystem::absolute(path);
}

namespace {

struct RegistryOptions {
  std::string db, tenant = "default", case_number, opened, csv;
  std::string surname, birth_date;  // the applicant's second keys for `add` ("" = none)
  std::string list_tenant;  // "" = every tenant
  bool json = false;
};

int exit_code_for(const Error& error) { return error.kind == ErrorKind::kNotFound ? kNotFound : kFailed; }

int report(const Error& error) {
  std::fprintf(stderr, "registry: %s\n", error.message.c_str());
  return exit_code_for(error);
}

// Opens the registry the options name; prints why not. kCreate for the commands that write.
std::unique_ptr<CaseRegistryDb> open_registry(const GlobalOptions& options, const RegistryOptions& o,
                                              CaseRegistryDb::OpenMode mode, int* exit_code) {
  set_up_logging("zpe", options);
  auto env = load_environment(options);
  if (!env) {
    *exit_code = kBadArgs;
    return nullptr;
  }
  std::filesystem::path file = o.db;
  if (file.empty()) file = configured_sqlite_registry(*env, o.tenant).value_or(env->home.root / "registry" / "cases.sqlite");
  auto db = CaseRegistryDb::open(file, mode);
  if (!db) {
    *exit_code = report(db.error());
    return nullptr;
  }
  return std::move(*db);
}

// Refuses a malformed case number before anything is opened.
bool check_case_number(const std::string& case_number) {
  if (classifiers::is_valid_case_number(case_number)) return true;
  std::fprintf(stderr, "registry: \"%s\" is not a case number of the form 1234567-123\n", case_number.c_str());
  return false;
}

int add_case(const GlobalOptions& options, const RegistryOptions& o) {
  if (!check_case_number(o.case_number)) return kBadArgs;
  for (auto [flag, date] : {std::pair{"--opened", &o.opened}, std::pair{"--birth-date", &o.birth_date}}) {
    if (date->empty() || classifiers::is_iso_date(*date)) continue;
    std::fprintf(stderr, "registry: %s \"%s\" is not a date of the form 2024-09-26\n", flag, date->c_str());
    return kBadArgs;
  }
  RegisteredCase registered{o.case_number, o.tenant, o.opened, CaseState::kOpen};
  if (!o.surname.empty()) registered.keys["surname"] = o.surname;
  if (!o.birth_date.empty()) registered.keys["birth_date"] = o.birth_date;
  int exit_code = kOk;
  auto db = open_registry(options, o, CaseRegistryDb::OpenMode::kCreate, &exit_code);
  if (!db) return exit_code;
  if (auto st = db->add_case(registered); !st) return report(st.error());
  std::printf("case %s opened for tenant %s in %s\n", o.case_number.c_str(), o.tenant.c_str(), db->file().c_str());
  return kOk;
}

int set_state(const GlobalOptions& options, const RegistryOptions& o, CaseState state) {
  if (!check_case_number(o.case_number)) return kBadArgs;
  int exit_code = kOk;
  auto db = open_registry(options, o, CaseRegistryDb::OpenMode::kExisting, &exit_code);
  if (!db) return exit_code;
  if (auto st = db->set_state(o.case_number, o.tenant, state); !st) return report(st.error());
  std::printf("case %s of tenant %s is %s\n", o.case_number.c_str(), o.tenant.c_str(), case_state_name(state));
  return kOk;
}

int import_csv(const GlobalOptions& options, const RegistryOptions& o) {
  auto rows = classifiers::read_registry_csv(o.csv);
  if (!rows) return report(rows.error());
  for (auto& row : *rows) {
    if (row.tenant.empty()) row.tenant = o.tenant;
  }
  int exit_code = kOk;
  auto db = open_registry(options, o, CaseRegistryDb::OpenMode::kCreate, &exit_code);
  if (!db) return exit_code;
  auto counts = db->import_cases(*rows);
  if (!counts) return report(counts.error());
  std::printf("imported %zu cases from %s into %s: %lld new, %lld updated\n", rows->size(), o.csv.c_str(),
              db->file().c_str(), static_cast<long long>(counts->added), static_cast<long long>(counts->updated));
  return kOk;
}

int list_cases(const GlobalOptions& options, const RegistryOptions& o) {
  int exit_code = kOk;
  auto db = open_registry(options, o, CaseRegistryDb::OpenMode::kExisting, &exit_code);
  if (!db) return exit_code;
  auto cases = db->list(o.list_tenant);
  if (!cases) return report(cases.error());
  const auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); };
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : *cases) {
      out.push_back({{"case_number", c.registered.case_number}, {"tenant", c.registered.tenant},
                     {"opened", or_null(c.registered.opened)}, {"state", case_state_name(c.registered.state)},
                     {"documents_filed", c.documents_filed}, {"last_filed_at", or_null(c.last_filed_at)},
                     {"second_keys", c.registered.keys}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kOk;
  }
  std::printf("%-12s %-12s %-10s %-6s %9s  %s\n", "case", "tenant", "opened", "state", "documents", "last filed");
  for (const auto& c : *cases) {
    std::printf("%-12s %-12s %-10s %-6s %9lld  %s\n", c.registered.case_number.c_str(), c.registered.tenant.c_str(),
                c.registered.opened.empty() ? "-" : c.registered.opened.c_str(),
                case_state_name(c.registered.state), static_cast<long long>(c.documents_filed),
                c.last_filed_at.empty() ? "-" : c.last_filed_at.c_str());
  }
  return kOk;
}

}  // namespace

void add_registry_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  static RegistryOptions o;
  auto* registry = app.add_subcommand("registry", "the SQLite case registry: import, add, close, reopen, list cases");
  registry->require_subcommand(1);
  auto common = [](CLI::App* sub, std::string* tenant, const char* tenant_help) {
    sub->add_option("--db", o.db, "registry file (default: the tenant's [stages.route] registry if SQLite, else "
                                  "<home>/registry/cases.sqlite)");
    sub->add_option("--tenant", *tenant, tenant_help)->capture_default_str();
  };

  auto* import = registry->add_subcommand("import", "add or update the cases of a CSV (case_number,tenant,opened[,state][,surname][,birth_date])");
  import->add_option("CSV", o.csv, "the CSV file")->required();
  common(import, &o.tenant, "tenant for rows without one");
  import->callback([&] { action = [&] { return import_csv(options, o); }; });

  auto* add = registry->add_subcommand("add", "open a case");
  add->add_option("CASE", o.case_number, "case number, 1234567-123")->required();
  add->add_option("--opened", o.opened, "date the case was opened, 2024-09-26 (default: today)");
  add->add_option("--surname", o.surname, "the applicant's surname (a second key letters are checked against)");
  add->add_option("--birth-date", o.birth_date, "the applicant's date of birth, 1990-02-01 (a second key)");
  common(add, &o.tenant, "tenant of the case");
  add->callback([&] { action = [&] { return add_case(options, o); }; });

  for (auto [name, state] : {std::pair{"close", CaseState::kClosed}, std::pair{"reopen", CaseState::kOpen}}) {
    auto* sub = registry->add_subcommand(name, state == CaseState::kClosed
                                                   ? "close a case: its letters go to clearing, not into it"
                                                   : "reopen a closed case");
    sub->add_option("CASE", o.case_number, "case number, 1234567-123")->required();
    common(sub, &o.tenant, "tenant of the case");
    sub->callback([&, state] { action = [&, state] { return set_state(options, o, state); }; });
  }

  auto* list = registry->add_subcommand("list", "the cases with their state and documents filed");
  list->add_flag("--json", o.json, "print JSON");
  common(list, &o.list_tenant, "only this tenant's cases (default: all)");
  list->callback([&] { action = [&] { return list_cases(options, o); }; });
}

}  // namespace zpe::app
