#include "monitoring/operations_figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace zpe::monitoring {

namespace {

constexpr int kDaysShown = 30;
constexpr int64_t kMsPerHour = 3600 * 1000;

double seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// Reason text -> n, grouped by reason kind (clearing::reason_kind, the clearing list's badges).
std::map<std::string, int64_t> kinds_of(const std::map<std::string, int64_t>& by_text) {
  std::map<std::string, int64_t> out;
  for (const auto& [text, n] : by_text) out[clearing::reason_kind(text)] += n;
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

std::string reasons_text(const std::map<std::string, int64_t>& reasons) {
  std::string out;
  for (const auto& [reason, n] : reasons) out += (out.empty() ? "" : ";") + reason + "=" + std::to_string(n);
  return out;
}

nlohmann::json counts_json(const DayCounts& c) {
  return {{"received", c.received}, {"filed", c.filed}, {"clearing", c.to_clearing}, {"quarantined", c.quarantined},
          {"pages_received", c.pages_received}, {"pages_filed", c.pages_filed}};
}

}  // namespace

TenantFilter tenant_filter(const clearing::Scope& scope) { return TenantFilter{scope.all_tenants, scope.tenants}; }

std::vector<std::string> tenants_in_scope(const clearing::Scope& scope, const std::vector<std::string>& configured) {
  if (scope.all_tenants) return configured;
  return scope.tenants;
}

std::optional<int64_t> parse_day(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  const int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (day_text(ms) != text) return std::nullopt;  // 2026-02-30 and the like
  return ms;
}

std::string day_text(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

int64_t day_start(int64_t ms) { return ms / kMsPerDay * kMsPerDay; }

LatencySummary summarize_latencies(std::vector<int64_t> latencies_ms) {
  LatencySummary out;
  out.count = static_cast<int64_t>(latencies_ms.size());
  if (latencies_ms.empty()) return out;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto rank = [&](double p) {
    const auto n = static_cast<double>(latencies_ms.size());
    const auto index = static_cast<size_t>(std::max(1.0, std::ceil(p / 100.0 * n))) - 1;
    return seconds(latencies_ms[std::min(index, latencies_ms.size() - 1)]);
  };
  out.p50_s = rank(50);
  out.p90_s = rank(90);
  out.p95_s = rank(95);
  out.p99_s = rank(99);
  out.max_s = seconds(latencies_ms.back());
  return out;
}

nlohmann::json latency_json(const LatencySummary& l) {
  return {{"count", l.count}, {"p50_s", l.p50_s}, {"p90_s", l.p90_s}, {"p95_s", l.p95_s}, {"p99_s", l.p99_s},
          {"max_s", l.max_s}};
}

Result<std::vector<TenantDayReport>> daily_report(JobStore& jobs, const std::vector<std::string>& tenants,
                                                  int64_t day_start_ms) {
  const TenantFilter filter{false, tenants};
  const int64_t end_ms = day_start_ms + kMsPerDay;
  auto counts = jobs.daily_counts(filter, day_start_ms, 1);
  auto latencies = jobs.filed_latencies_ms(filter, day_start_ms, end_ms);
  auto clearing = jobs.reasons_sent_to(filter, "CLEARING", day_start_ms, end_ms);
  auto quarantine = jobs.reasons_sent_to(filter, "QUARANTINED", day_start_ms, end_ms);
  if (!counts) return fail(counts.error());
  if (!latencies) return fail(latencies.error());
  if (!clearing) return fail(clearing.error());
  if (!quarantine) return fail(quarantine.error());
  std::vector<TenantDayReport> out;
  for (const auto& tenant : tenants) {
    TenantDayReport line;
    line.tenant = tenant;
    if (auto day = counts->find(day_start_ms); day != counts->end()) {
      if (auto c = day->second.find(tenant); c != day->second.end()) line.counts = c->second;
    }
    if (auto l = latencies->find(tenant); l != latencies->end()) line.latency = summarize_latencies(l->second);
    if (auto r = clearing->find(tenant); r != clearing->end()) line.clearing_reasons = kinds_of(r->second);
    if (auto r = quarantine->find(tenant); r != quarantine->end()) line.quarantine_reasons = r->second;
    out.push_back(std::move(line));
  }
  return out;
}

nlohmann::json report_json(int64_t day_start_ms, const std::vector<TenantDayReport>& report) {
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& r : report) {
    nlohmann::json line = counts_json(r.counts);
    line["tenant"] = r.tenant;
    line["latency_median_s"] = r.latency.p50_s;
    line["latency_p95_s"] = r.latency.p95_s;
    line["latency_count"] = r.latency.count;
    line["clearing_reasons"] = r.clearing_reasons;
    line["quarantine_reasons"] = r.quarantine_reasons;
    lines.push_back(std::move(line));
  }
  return {{"day", day_text(day_start_ms)}, {"timezone", "UTC"}, {"tenants", lines}};
}

std::string report_csv(int64_t day_start_ms, const std::vector<TenantDayReport>& report) {
  std::string out =
      "day,tenant,received,filed,clearing,quarantined,pages_received,pages_filed,latency_median_s,latency_p95_s,"
      "clearing_reasons,quarantine_reasons\r\n";
  const std::string day = day_text(day_start_ms);
  for (const auto& r : report) {
    const DayCounts& c = r.counts;
    out += day + "," + csv_field(r.tenant) + "," + std::to_string(c.received) + "," + std::to_string(c.filed) + "," +
           std::to_string(c.to_clearing) + "," + std::to_string(c.quarantined) + "," + std::to_string(c.pages_received) +
           "," + std::to_string(c.pages_filed) + "," + fixed(r.latency.p50_s, 1) + "," + fixed(r.latency.p95_s, 1) + "," +
           csv_field(reasons_text(r.clearing_reasons)) + "," + csv_field(reasons_text(r.quarantine_reasons)) + "\r\n";
  }
  return out;
}

namespace {

Result<nlohmann::json> days_json(JobStore& jobs, const TenantFilter& filter, const std::vector<std::string>& tenants,
                                 int64_t today_ms) {
  const int64_t first = today_ms - (kDaysShown - 1) * kMsPerDay;
  auto counts = jobs.daily_counts(filter, first, kDaysShown);
  if (!counts) return fail(counts.error());
  nlohmann::json days = nlohmann::json::array();
  for (int64_t day = first; day <= today_ms; day += kMsPerDay) {
    nlohmann::json per_tenant = nlohmann::json::object();
    DayCounts total;
    for (const auto& tenant : tenants) {
      DayCounts c;
      if (auto d = counts->find(day); d != counts->end()) {
        if (auto t = d->second.find(tenant); t != d->second.end()) c = t->second;
      }
      per_tenant[tenant] = counts_json(c);
      total.received += c.received;
      total.filed += c.filed;
      total.to_clearing += c.to_clearing;
      total.quarantined += c.quarantined;
      total.pages_received += c.pages_received;
      total.pages_filed += c.pages_filed;
    }
    days.push_back({{"day", day_text(day)}, {"total", counts_json(total)}, {"tenants", per_tenant}});
  }
  return days;
}

Result<nlohmann::json> backlog_json(JobStore& jobs, const TenantFilter& filter, const std::vector<std::string>& stages,
                                    int64_t now_ms) {
  auto backlog = jobs.stage_backlog(filter);
  if (!backlog) return fail(backlog.error());
  nlohmann::json out = nlohmann::json::array();
  // Every configured stage in pipeline order, then any other stage documents wait at.
  std::vector<std::string> order = stages;
  for (const auto& b : *backlog) {
    if (std::find(order.begin(), order.end(), b.stage) == order.end()) order.push_back(b.stage);
  }
  for (const auto& stage : order) {
    StageBacklog b;
    b.stage = stage;
    for (const auto& found : *backlog) {
      if (found.stage == stage) b = found;
    }
    nlohmann::json line = {{"stage", stage}, {"queued", b.queued}, {"running", b.running},
                           {"oldest_document_id", nullptr}, {"oldest_tenant", nullptr}, {"oldest_waiting_s", nullptr}};
    if (!b.oldest_document_id.empty()) {
      line["oldest_document_id"] = b.oldest_document_id;
      line["oldest_tenant"] = b.oldest_tenant;
      line["oldest_waiting_s"] = std::max<int64_t>(0, (now_ms - b.oldest_since_ms) / 1000);
    }
    out.push_back(std::move(line));
  }
  return out;
}

Result<nlohmann::json> throughput_json(JobStore& jobs, const TenantFilter& filter, int64_t now_ms, int hours) {
  const int64_t to = now_ms / 60000 * 60000 + 60000;  // through the current minute
  const int64_t from = to - hours * kMsPerHour;
  auto minutes = jobs.throughput_per_minute(filter, from, to);
  if (!minutes) return fail(minutes.error());
  // Every minute of the window, zeros included, so the chart's time axis is even.
  std::map<int64_t, MinuteThroughput> by_minute;
  for (const auto& m : *minutes) by_minute[m.minute_ms] = m;
  nlohmann::json points = nlohmann::json::array();
  int64_t pages = 0;
  for (int64_t minute = from; minute < to; minute += 60000) {
    const auto it = by_minute.find(minute);
    const int64_t p = it == by_minute.end() ? 0 : it->second.pages;
    const int64_t d = it == by_minute.end() ? 0 : it->second.documents;
    pages += p;
    points.push_back({{"minute_ms", minute}, {"pages", p}, {"documents", d}});
  }
  return nlohmann::json{{"hours", hours}, {"pages", pages}, {"pages_per_minute_avg", static_cast<double>(pages) / (hours * 60.0)},
                        {"minutes", points}};
}

Result<nlohmann::json> last_day_json(JobStore& jobs, const TenantFilter& filter, int64_t now_ms) {
  const int64_t from = now_ms - kMsPerDay, to = now_ms + 1;
  auto clearing = jobs.reasons_sent_to(filter, "CLEARING", from, to);
  auto quarantine = jobs.reasons_sent_to(filter, "QUARANTINED", from, to);
  auto latencies = jobs.filed_latencies_ms(filter, from, to);
  auto failures = jobs.failed_runs(filter, from, to);
  if (!clearing) return fail(clearing.error());
  if (!quarantine) return fail(quarantine.error());
  if (!latencies) return fail(latencies.error());
  if (!failures) return fail(failures.error());
  std::map<std::string, int64_t> clearing_kinds, quarantine_reasons;
  int64_t to_clearing = 0, quarantined = 0, filed = 0;
  std::vector<int64_t> all_latencies;
  for (const auto& [tenant, reasons] : *clearing) {
    for (const auto& [kind, n] : kinds_of(reasons)) {
      clearing_kinds[kind] += n;
      to_clearing += n;
    }
  }
  for (const auto& [tenant, reasons] : *quarantine) {
    for (const auto& [reason, n] : reasons) {
      quarantine_reasons[reason] += n;
      quarantined += n;
    }
  }
  for (const auto& [tenant, values] : *latencies) {
    filed += static_cast<int64_t>(values.size());
    all_latencies.insert(all_latencies.end(), values.begin(), values.end());
  }
  // Rates are shares of the documents whose automatic run ended in the window.
  const int64_t outcomes = filed + to_clearing + quarantined;
  auto rate = [outcomes](int64_t n) { return outcomes ? static_cast<double>(n) / static_cast<double>(outcomes) : 0.0; };
  nlohmann::json clearing_json = nlohmann::json::array(), quarantine_json = nlohmann::json::array(),
                 failures_json = nlohmann::json::array();
  for (const auto& [kind, n] : clearing_kinds) clearing_json.push_back({{"reason", kind}, {"documents", n}, {"rate", rate(n)}});
  for (const auto& [reason, n] : quarantine_reasons) {
    quarantine_json.push_back({{"reason", reason}, {"documents", n}, {"rate", rate(n)}});
  }
  for (const auto& f : *failures) failures_json.push_back({{"stage", f.stage}, {"kind", f.kind}, {"attempts", f.count}});
  return nlohmann::json{{"outcomes", outcomes},
                        {"filed", filed},
                        {"clearing", to_clearing},
                        {"quarantined", quarantined},
                        {"clearing_rate", rate(to_clearing)},
                        {"quarantine_rate", rate(quarantined)},
                        {"clearing_by_reason", clearing_json},
                        {"quarantine_by_reason", quarantine_json},
                        {"failed_attempts", failures_json},
                        {"latency", latency_json(summarize_latencies(std::move(all_latencies)))}};
}

Result<nlohmann::json> workers_json(JobStore& jobs, const clearing::Scope& scope, int64_t now_ms) {
  auto workers = jobs.workers();
  if (!workers) return fail(workers.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& w : *workers) {
    const bool connected = now_ms - w.last_seen_ms <= kWorkerConnectedWithinMs;
    const bool busy = !w.current_document_id.empty();
    // Another tenant's document is not named: the worker is only "busy".
    const bool visible = busy && scope.allows(w.current_tenant);
    out.push_back({{"name", w.name},
                   {"stage", w.stage},
                   {"host", w.host},
                   {"last_seen_ms", w.last_seen_ms},
                   {"seen_s_ago", std::max<int64_t>(0, (now_ms - w.last_seen_ms) / 1000)},
                   {"state", !connected ? "gone" : busy ? "busy" : "idle"},
                   {"current_document_id", visible ? nlohmann::json(w.current_document_id) : nlohmann::json(nullptr)},
                   {"current_tenant", visible ? nlohmann::json(w.current_tenant) : nlohmann::json(nullptr)}});
  }
  return out;
}

}  // namespace

Result<nlohmann::json> dashboard_figures(JobStore& jobs, const clearing::Scope& scope,
                                         const std::vector<std::string>& configured_tenants,
                                         const std::vector<std::string>& stages, int64_t now_ms,
                                         int throughput_hours) {
  const TenantFilter filter = tenant_filter(scope);
  const std::vector<std::string> tenants = tenants_in_scope(scope, configured_tenants);
  const int64_t today = day_start(now_ms);
  auto days = days_json(jobs, filter, tenants, today);
  auto backlog = backlog_json(jobs, filter, stages, now_ms);
  auto throughput = throughput_json(jobs, filter, now_ms, throughput_hours);
  auto last_day = last_day_json(jobs, filter, now_ms);
  auto workers = workers_json(jobs, scope, now_ms);
  auto today_latencies = jobs.filed_latencies_ms(filter, today, today + kMsPerDay);
  DocumentQuery in_clearing;
  in_clearing.all_tenants = filter.all_tenants;
  in_clearing.tenants = filter.tenants;
  auto clearing_now = jobs.count_clearing_reasons(in_clearing);
  for (const auto* r : {&days, &backlog, &throughput, &last_day, &workers}) {
    if (!*r) return fail(r->error());
  }
  if (!today_latencies) return fail(today_latencies.error());
  if (!clearing_now) return fail(clearing_now.error());
  std::vector<int64_t> latencies;
  for (const auto& [tenant, values] : *today_latencies) latencies.insert(latencies.end(), values.begin(), values.end());
  nlohmann::json clearing_kinds = nlohmann::json::object();
  int64_t in_clearing_total = 0;
  for (const auto& [kind, n] : kinds_of(*clearing_now)) {
    clearing_kinds[kind] = n;
    in_clearing_total += n;
  }
  const nlohmann::json& last_entry = days->back();
  return nlohmann::json{{"generated_ms", now_ms},
                        {"timezone", "UTC"},
                        {"tenants", tenants},
                        {"today", {{"day", day_text(today)},
                                   {"total", last_entry["total"]},
                                   {"tenants", last_entry["tenants"]},
                                   {"latency", latency_json(summarize_latencies(std::move(latencies)))}}},
                        {"days", *days},
                        {"backlog", *backlog},
                        {"throughput", *throughput},
                        {"in_clearing", {{"total", in_clearing_total}, {"by_reason", clearing_kinds}}},
                        {"last_24h", *last_day},
                        {"workers", *workers}};
}

}  // namespace zpe::monitoring
