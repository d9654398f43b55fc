// `zpe report --day YYYY-MM-DD [--format csv|json] [--tenant T]`: the daily report per
// tenant the office's reporting reads (monitoring/operations_figures.h says what each
// figure counts). Read-only; prints to stdout.
#include <cstdio>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "monitoring/operations_figures.h"

namespace zpe::app {

namespace {

struct ReportOptions {
  std::string day;
  std::string format = "csv";
  std::vector<std::string> tenants;  // empty: every configured tenant
};

int report(const GlobalOptions& options, const ReportOptions& ro) {
  const auto day = monitoring::parse_day(ro.day);
  if (!day) {
    spdlog::error("--day {}: expected a date YYYY-MM-DD (a UTC day)", ro.day);
    return kBadArgs;
  }
  auto opened = open_store(options, false);
  if (!opened) return kNotFound;
  std::vector<std::string> tenants = ro.tenants.empty() ? opened->env.config.tenants() : ro.tenants;
  for (const auto& tenant : tenants) {
    if (!opened->env.config.has_tenant(tenant)) {
      spdlog::error("--tenant {}: not a configured tenant (configured: {})", tenant,
                    nlohmann::json(opened->env.config.tenants()).dump());
      return kBadArgs;
    }
  }
  auto lines = monitoring::daily_report(*opened->jobs, tenants, *day);
  if (!lines) {
    spdlog::error("{}", lines.error().message);
    return kFailed;
  }
  const std::string text = ro.format == "json" ? monitoring::report_json(*day, *lines).dump(2) + "\n"
                                               : monitoring::report_csv(*day, *lines);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kOk;
}

}  // namespace

void add_report_command(CLI::App& app, GlobalOptions& options, Action& action) {
  static ReportOptions ro;
  auto* sub = app.add_subcommand("report", "the daily report per tenant: received, filed, clearing, quarantined, "
                                            "pages, latency, clearing reasons (CSV or JSON)");
  sub->add_option("--day", ro.day, "the UTC day, YYYY-MM-DD")->required();
  sub->add_option("--format", ro.format, "csv or json")->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
  sub->add_option("--tenant", ro.tenants, "only this tenant (repeatable); default: every configured tenant");
  sub->callback([&] { action = [&] { return report(options, ro); }; });
}

}  // namespace zpe::app
