// Monitoring endpoints (docs/API.md "Monitoring", docs/OPERATIONS.md "Monitoring"):
//   GET /healthz  the process is up and serving: always 200, touches nothing.
//   GET /readyz   200 when the job store takes writes, the home has [web] ready_min_free_mb
//                 free (and no process waits for disk space), and every configured stage
//                 has a worker the dispatcher heard from within 15 s; else 503. The JSON
//                 body says each check and, in "missing", what is wrong.
//   GET /metrics  Prometheus text (monitoring/metrics.h).
//
// Who may read them. /healthz and /readyz say nothing about documents or tenants (stage
// names and free space only), and load balancers and service managers probe them without
// a login, so they need none. /metrics counts documents per tenant: business figures, not
// personal data, but not for everyone who can reach the port either. A Prometheus scraper
// cannot log in (no session, no CSRF), so it gets its own credential: with [web]
// metrics_token set, "Authorization: Bearer <token>" (compared in constant time; across a
// network the server speaks TLS anyway, web_settings.h); without a token, only requests
// from loopback, i.e. from this host, which is where ZPE's default listen address lets
// requests come from at all.
#include <openssl/crypto.h>
#include <unistd.h>

#include <filesystem>

#include "connectors/storage_gc.h"
#include "monitoring/metrics.h"
#include "pipeline/no_space.h"
#include "web/web_state.h"

namespace zpe::web {

namespace {

bool from_loopback(const httplib::Request& req) {
  const std::string& a = req.remote_addr;
  return a.rfind("127.", 0) == 0 || a == "::1" || a.rfind("::ffff:127.", 0) == 0;
}

bool bearer_matches(const httplib::Request& req, const std::string& token) {
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (header.rfind(prefix, 0) != 0) return false;
  const std::string given = header.substr(prefix.size());
  return given.size() == token.size() && CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

std::optional<uint64_t> free_bytes(const std::filesystem::path& dir) {
  std::error_code ec;
  const auto space = std::filesystem::space(dir, ec);
  if (ec) return std::nullopt;
  return space.available;
}

void readiness(WebState& state, httplib::Response& res) {
  nlohmann::json checks = nlohmann::json::object();
  std::vector<std::string> missing;
  // The job store: opened and taking a write (rolled back).
  auto stores = state.pool.acquire();
  std::vector<WorkerStatus> workers;
  if (!stores) {
    checks["job_store"] = {{"ok", false}, {"error", stores.error().message}};
    missing.push_back("the job store cannot be opened: " + stores.error().message);
  } else if (auto writable = (*stores)->jobs->check_writable(); !writable) {
    checks["job_store"] = {{"ok", false}, {"error", writable.error().message}};
    missing.push_back("the job store takes no writes: " + writable.error().message);
  } else {
    checks["job_store"] = {{"ok", true}};
  }
  // Disk: free space under the home, and no process waiting for space.
  const auto available = free_bytes(state.home.root);
  const auto waiting = read_no_space_reports(no_space_marker_dir(state.home));
  const bool disk_ok = available && *available >= static_cast<uint64_t>(state.settings.ready_min_free_bytes) &&
                       waiting.empty();
  checks["disk"] = {{"ok", disk_ok},
                    {"free_bytes", available ? nlohmann::json(*available) : nlohmann::json(nullptr)},
                    {"min_free_bytes", state.settings.ready_min_free_bytes},
                    {"waiting_for_space", waiting.size()}};
  if (!available) missing.push_back("cannot read the free space under " + state.home.root.string());
  else if (*available < static_cast<uint64_t>(state.settings.ready_min_free_bytes)) {
    missing.push_back("disk space: " + std::to_string(*available / (1024 * 1024)) + " MB free under the home, below " +
                      std::to_string(state.settings.ready_min_free_bytes / (1024 * 1024)) + " MB ([web] ready_min_free_mb)");
  }
  for (const auto& w : waiting) missing.push_back("disk full: " + w.name + " waits for space");
  // Workers: at least one connected per configured stage.
  nlohmann::json per_stage = nlohmann::json::object();
  bool workers_ok = true;
  if (stores) {
    auto listed = (*stores)->jobs->workers();
    if (listed) workers = std::move(*listed);
  }
  const int64_t now = now_ms();
  for (const auto& stage : state.config.stages()) {
    int connected = 0;
    for (const auto& w : workers) connected += w.stage == stage && now - w.last_seen_ms <= kWorkerConnectedWithinMs;
    per_stage[stage] = connected;
    if (connected == 0) {
      workers_ok = false;
      missing.push_back("no " + stage + " worker connected to the dispatcher");
    }
  }
  checks["workers"] = {{"ok", workers_ok}, {"connected_per_stage", per_stage}};
  const bool ready = missing.empty();
  send_json(res, ready ? 200 : 503, {{"ready", ready}, {"checks", checks}, {"missing", missing}});
}

void metrics(WebState& state, const httplib::Request& req, httplib::Response& res) {
  if (state.settings.metrics_token.empty() ? !from_loopback(req) : !bearer_matches(req, state.settings.metrics_token)) {
    res.status = state.settings.metrics_token.empty() ? 403 : 401;
    res.set_content(state.settings.metrics_token.empty()
                        ? "/metrics answers loopback only; set [web] metrics_token to scrape from elsewhere\n"
                        : "/metrics needs \"Authorization: Bearer <[web] metrics_token>\"\n",
                    "text/plain; charset=utf-8");
    return;
  }
  auto stores = state.pool.acquire();
  if (!stores) return send_error(res, stores.error());
  const monitoring::MetricsInput input{state.config.stages(), state.config.tenants(), free_bytes(state.home.root),
                                       now_ms(), read_storage_usage(state.home)};
  auto text = monitoring::render_metrics(*(*stores)->jobs, *state.stage_runs, input);
  if (!text) return send_error(res, text.error());
  res.status = 200;
  res.set_content(*text, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

void add_health_routes(httplib::Server& server, WebState& state) {
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, {{"status", "up"}, {"pid", static_cast<int64_t>(getpid())}});
  });
  server.Get("/readyz", [&state](const httplib::Request&, httplib::Response& res) { readiness(state, res); });
  server.Get("/metrics", [&state](const httplib::Request& req, httplib::Response& res) { metrics(state, req, res); });
}

}  // namespace zpe::web
