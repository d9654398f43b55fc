// GET /api/...: lists, counts, one document, its pages, PDF and text, the registry check.
// Every read goes through ClearingDesk with the caller's scope, so a document of another
// tenant answers 404 exactly like a missing one.
#include <ctime>

#include "connectors/storage_gc.h"
#include "monitoring/operations_figures.h"

#include "web/web_state.h"

namespace zpe::web {

namespace {

constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 500;
// A reason filter is applied after the query (reason kinds are computed, not stored): the
// query reads at most this many documents to filter.
constexpr int kMaxReasonScan = 5000;
constexpr int kMaxThumbnailPx = 8000;

bool is_plain_word(const std::string& text, size_t max_size) {
  if (text.empty() || text.size() > max_size) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// "YYYY-MM-DD" as milliseconds since the epoch at 00:00 UTC that day, or nothing.
std::optional<int64_t> day_start_ms(const std::string& text) {
  std::tm tm{};
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = parse_integer(text.substr(0, 4), 1970, 9999);
  auto month = parse_integer(text.substr(5, 2), 1, 12);
  auto day = parse_integer(text.substr(8, 2), 1, 31);
  if (!year || !month || !day) return std::nullopt;
  tm.tm_year = static_cast<int>(*year) - 1900;
  tm.tm_mon = static_cast<int>(*month) - 1;
  tm.tm_mday = static_cast<int>(*day);
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

struct ListRequest {
  DocumentQuery query;
  std::string reason_kind;  // "" for any
  int limit = kDefaultListLimit;
  int offset = 0;
};

// The list's query parameters, checked; an error message for the first bad one.
Result<ListRequest> parse_list_request(const httplib::Request& req) {
  ListRequest list;
  auto bad = [](const std::string& what) { return fail(ErrorKind::kInvalidInput, what); };
  if (req.has_param("state")) {
    std::string states = req.get_param_value("state");
    for (size_t pos = 0; pos <= states.size();) {
      size_t end = states.find(',', pos);
      if (end == std::string::npos) end = states.size();
      const std::string state = states.substr(pos, end - pos);
      if (!parse_state(state)) return bad("state \"" + state + "\": not a document state (e.g. CLEARING)");
      list.query.states.push_back(state);
      pos = end + 1;
    }
  }
  if (req.has_param("tenant")) {
    const std::string tenant = req.get_param_value("tenant");
    if (!is_plain_word(tenant, 64)) return bad("tenant: letters, digits, _ and - only");
    list.query.tenants = {tenant};
  } else {
    list.query.all_tenants = true;  // the desk narrows it to the caller's tenants
  }
  if (req.has_param("reason")) {
    list.reason_kind = req.get_param_value("reason");
    if (!is_plain_word(list.reason_kind, 64)) return bad("reason: a reason kind such as no_case_number");
  }
  list.query.text = req.get_param_value("q");
  if (list.query.text.size() > 200) return bad("q: at most 200 characters");
  for (const char* key : {"from", "to"}) {
    if (!req.has_param(key)) continue;
    auto ms = day_start_ms(req.get_param_value(key));
    if (!ms) return bad(std::string(key) + ": a date YYYY-MM-DD");
    if (std::string(key) == "from") list.query.created_from_ms = *ms;
    else list.query.created_to_ms = *ms + 24LL * 3600 * 1000 - 1;  // through the end of that day
  }
  const std::string sort = req.get_param_value("sort");
  if (sort != "" && sort != "age" && sort != "-age") return bad("sort: age (youngest first) or -age (oldest first)");
  list.query.newest_first = sort == "age";
  if (req.has_param("limit")) {
    auto limit = parse_integer(req.get_param_value("limit"), 1, kMaxListLimit);
    if (!limit) return bad("limit: 1 to " + std::to_string(kMaxListLimit));
    list.limit = static_cast<int>(*limit);
  }
  if (req.has_param("offset")) {
    auto offset = parse_integer(req.get_param_value("offset"), 0, 1000000);
    if (!offset) return bad("offset: 0 to 1000000");
    list.offset = static_cast<int>(*offset);
  }
  return list;
}

void list_documents(const Caller& caller, Stores& stores, const httplib::Request& req, httplib::Response& res) {
  auto list = parse_list_request(req);
  if (!list) return send_error(res, list.error());
  const bool by_reason = !list->reason_kind.empty();
  list->query.limit = by_reason ? kMaxReasonScan : list->limit;
  list->query.offset = by_reason ? 0 : list->offset;
  auto rows = stores.desk->find(caller.scope, list->query);
  if (!rows) return send_error(res, rows.error());
  nlohmann::json documents = nlohmann::json::array();
  int skipped = 0;
  for (const auto& row : *rows) {
    if (by_reason) {
      if (clearing::reason_kind(row.reason) != list->reason_kind) continue;
      if (skipped++ < list->offset) continue;
      if (static_cast<int>(documents.size()) >= list->limit) break;
    }
    documents.push_back(stores.desk->summary(row));
  }
  send_json(res, 200, {{"documents", documents}});
}

void clearing_counts(const WebState& state, const Caller& caller, Stores& stores, httplib::Response& res) {
  auto by_reason = stores.desk->reason_counts(caller.scope);
  if (!by_reason) return send_error(res, by_reason.error());
  int64_t total = 0;
  for (const auto& [kind, count] : *by_reason) total += count;
  // Per tenant: the same count narrowed to each tenant the caller may see (tenants are few).
  nlohmann::json by_tenant = nlohmann::json::object();
  for (const auto& tenant : caller.scope.all_tenants ? state.config.tenants() : caller.scope.tenants) {
    auto counts = stores.desk->reason_counts(clearing::Scope{false, {tenant}});
    if (!counts) return send_error(res, counts.error());
    int64_t sum = 0;
    for (const auto& [kind, count] : *counts) sum += count;
    by_tenant[tenant] = sum;
  }
  // Court packages (EGVP out) that no receipt answered in time: shown above the list.
  auto overdue = stores.desk->overdue_court_packages(caller.scope, zpe::now_ms());
  if (!overdue) return send_error(res, overdue.error());
  nlohmann::json packages = nlohmann::json::array();
  for (const auto& p : *overdue) {
    packages.push_back({{"package_id", p.package_id}, {"tenant", p.tenant}, {"court_id", p.court_id},
                        {"case_number", p.case_number}, {"written_ms", p.written_ms}, {"documents", p.document_ids.size()}});
  }
  send_json(res, 200, {{"total", total}, {"by_reason", *by_reason}, {"by_tenant", by_tenant},
                       {"overdue_court_packages", packages}});
}

nlohmann::json audit_json(const std::vector<AuditEntry>& trail) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : trail) {
    auto detail = nlohmann::json::parse(e.detail, nullptr, false);  // most details are JSON text
    out.push_back({{"seq", e.seq}, {"at_ms", e.at_ms}, {"actor", e.actor}, {"action", e.action},
                   {"detail", detail.is_discarded() ? nlohmann::json(e.detail) : detail}});
  }
  return out;
}

nlohmann::json stage_runs_json(const std::vector<StageRun>& runs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : runs) {
    out.push_back({{"stage", r.stage}, {"attempt", r.attempt}, {"worker", r.worker}, {"started_ms", r.started_ms},
                   {"finished_ms", r.finished_ms}, {"outcome", r.outcome}, {"reason", r.reason}});
  }
  return out;
}

void document_detail(const Caller& caller, Stores& stores, const httplib::Request& req, httplib::Response& res) {
  auto row = stores.desk->get(caller.scope, req.matches[1]);
  if (!row) return send_error(res, row.error());
  auto trail = stores.jobs->audit_trail(row->id);
  auto runs = stores.jobs->stage_runs(row->id);
  if (!trail) return send_error(res, trail.error());
  if (!runs) return send_error(res, runs.error());
  auto record = stores.jobs->full_record(*row);  // a compacted record with its per-page detail
  if (!record) return send_error(res, record.error());
  nlohmann::json body = stores.desk->summary(*row);
  body["record"] = *record;
  body["audit"] = audit_json(*trail);
  body["stage_runs"] = stage_runs_json(*runs);
  if (!body.contains("held_at")) {
    auto held = stores.jobs->held_at(row->id);
    body["held_at"] = held && !held->stage.empty() ? nlohmann::json(held->stage) : nlohmann::json(nullptr);
  }
  send_json(res, 200, body);
}

void page_image(const Caller& caller, Stores& stores, const httplib::Request& req, httplib::Response& res) {
  auto page = parse_integer(req.matches[2], 1, 100000);
  if (!page) return send_error(res, 404, "not_found", "no such page");
  int64_t size_px = 0;
  if (req.has_param("size")) {
    auto size = parse_integer(req.get_param_value("size"), 16, kMaxThumbnailPx);
    if (!size) return send_error(res, 400, "invalid_input", "size: 16 to " + std::to_string(kMaxThumbnailPx) + " pixels");
    size_px = *size;
  }
  auto png = stores.desk->page_png(caller.scope, req.matches[1], static_cast<int>(*page), static_cast<int>(size_px));
  if (!png) return send_error(res, png.error());
  res.status = 200;
  res.set_content(std::move(*png), "image/png");
}

void document_pdf(const Caller& caller, Stores& stores, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  auto pdf = stores.desk->pdf(caller.scope, id);
  if (!pdf) return send_error(res, pdf.error());
  res.status = 200;
  res.set_header("Content-Disposition", "inline; filename=\"" + id + ".pdf\"");  // id is [A-Za-z0-9_-]
  res.set_content(std::move(*pdf), "application/pdf");
}

void document_text(const Caller& caller, Stores& stores, const httplib::Request& req, httplib::Response& res) {
  auto text = stores.desk->text(caller.scope, req.matches[1]);
  if (!text) return send_error(res, text.error());
  res.status = 200;
  res.set_content(std::move(*text), "text/plain; charset=utf-8");
}

void registry_check(const Caller& caller, Stores& stores, const httplib::Request& req, httplib::Response& res) {
  const std::string tenant = req.get_param_value("tenant");
  const std::string case_number = req.get_param_value("case_number");
  if (!is_plain_word(tenant, 64)) return send_error(res, 400, "invalid_input", "tenant: a tenant name");
  if (case_number.empty() || case_number.size() > 64) {
    return send_error(res, 400, "invalid_input", "case_number: 1 to 64 characters");
  }
  auto check = stores.desk->check_case_number(caller.scope, tenant, case_number);
  if (!check) return send_error(res, check.error());
  send_json(res, 200, {{"case_number", check->case_number}, {"well_formed", check->well_formed},
                       {"state", check->state}, {"nearest", check->nearest}});
}

// The operations dashboard's figures for the caller's tenants (monitoring/operations_figures.h),
// and for an admin the disk use per area of the home as the storage policy last measured it.
void dashboard(const WebState& state, const Caller& caller, Stores& stores, const httplib::Request& req,
               httplib::Response& res) {
  int64_t hours = 3;
  if (req.has_param("hours")) {
    auto parsed = parse_integer(req.get_param_value("hours"), 1, 48);
    if (!parsed) return send_error(res, 400, "invalid_input", "hours: 1 to 48");
    hours = *parsed;
  }
  auto figures = monitoring::dashboard_figures(*stores.jobs, caller.scope, state.config.tenants(), state.config.stages(),
                                               zpe::now_ms(), static_cast<int>(hours));
  if (!figures) return send_error(res, figures.error());
  // The home's disk use is the whole site's, not one tenant's: for admins only.
  if (caller.scope.all_tenants) (*figures)["storage"] = read_storage_usage(state.home);
  send_json(res, 200, *figures);
}

}  // namespace

void add_read_api_routes(httplib::Server& server, WebState& state) {
  const std::string doc = R"(/api/documents/([A-Za-z0-9_-]{1,64}))";
  server.Get("/api/documents", api_handler(state, Access::kApiRead, list_documents));
  server.Get("/api/clearing/counts", api_handler(state, Access::kApiRead,
                                                 [&state](const Caller& caller, Stores& stores,
                                                          const httplib::Request&, httplib::Response& res) {
                                                   clearing_counts(state, caller, stores, res);
                                                 }));
  server.Get(doc, api_handler(state, Access::kApiRead, document_detail));
  server.Get(doc + R"(/pages/([0-9]{1,6})\.png)", api_handler(state, Access::kApiRead, page_image));
  server.Get(doc + "/pdf", api_handler(state, Access::kApiRead, document_pdf));
  server.Get(doc + "/text", api_handler(state, Access::kApiRead, document_text));
  server.Get("/api/registry/check", api_handler(state, Access::kApiRead, registry_check));
  server.Get("/api/dashboard", api_handler(state, Access::kApiRead,
                                           [&state](const Caller& caller, Stores& stores, const httplib::Request& req,
                                                    httplib::Response& res) { dashboard(state, caller, stores, req, res); }));
}

}  // namespace zpe::web
