// What the handlers of one `zpe web` process share (web/server.cpp builds it), and the
// helpers every handler uses: the caller of a request (session → user → tenant scope),
// JSON answers and errors. Internal to web/; the handlers run on httplib's thread pool and
// touch shared state only through SessionTable and StorePool, which are thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "clearing/clearing_desk.h"
#include "monitoring/metrics.h"
#include "web/assets.h"
#include "web/sessions.h"
#include "web/store_pool.h"
#include "web/users.h"
#include "web/web_settings.h"

namespace zpe::web {

struct WebState {
  const Config& config;
  Home home;
  WebSettings settings;
  Assets assets;
  SessionTable sessions;
  StorePool pool;
  std::filesystem::path javascript_root = "/usr/share/javascript";
  // /metrics' stage-run histogram and failure counters, kept between scrapes.
  std::unique_ptr<monitoring::StageRunTally> stage_runs = std::make_unique<monitoring::StageRunTally>();
};

// Who sent a request, once their session, user and (for POSTs) CSRF token checked out.
struct Caller {
  Session session;
  User user;
  clearing::Scope scope;
  clearing::Operator who() const { return clearing::Operator{user.name}; }
};

enum class Access {
  kPage,      // no session: 303 to /login
  kApiRead,   // no session: 401
  kApiWrite,  // no session: 401; wrong or missing CSRF token: 403
};

// The caller, or nothing after the refusal was written into `res`.
std::optional<Caller> require_caller(WebState& state, Stores& stores, const httplib::Request& req,
                                     httplib::Response& res, Access access);
// The zpe_session cookie's value ("" when absent or not 64 hex characters).
std::string session_cookie(const httplib::Request& req);
// "de" or "en": the zpe_lang cookie the UI's language switch sets, else the default.
std::string request_lang(const WebState& state, const httplib::Request& req);

// A handler that runs with a leased store set and a checked caller.
using ApiHandler = std::function<void(const Caller&, Stores&, const httplib::Request&, httplib::Response&)>;
httplib::Server::Handler api_handler(WebState& state, Access access, ApiHandler handler);
// A whole number in [min, max] written in plain digits (an optional leading '-'), or nothing.
std::optional<int64_t> parse_integer(const std::string& text, int64_t min, int64_t max);

void send_json(httplib::Response& res, int status, const nlohmann::json& body);
// {"error": message, "kind": kind} with status.
void send_error(httplib::Response& res, int status, const std::string& kind, const std::string& message);
// An Error from the desk or a store: kNotFound 404, kConflict 409, kInvalidInput 400, else
// 500 (the message goes to the log only: it may name files and SQL).
void send_error(httplib::Response& res, const Error& error);

void add_auth_routes(httplib::Server& server, WebState& state);
void add_page_routes(httplib::Server& server, WebState& state);
void add_read_api_routes(httplib::Server& server, WebState& state);
void add_action_api_routes(httplib::Server& server, WebState& state);
// /healthz, /readyz and /metrics (web/health.cpp).
void add_health_routes(httplib::Server& server, WebState& state);

}  // namespace zpe::web
