// Sessions over HTTP: who is calling (require_caller), logging in and out, /api/session.
#include <charconv>

#include <spdlog/spdlog.h>

#include "web/web_state.h"

namespace zpe::web {

namespace {

constexpr size_t kMaxPasswordBytes = 1024;  // PBKDF2 cost grows with length; no one types more

bool is_hex64(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The value of cookie `name` in the Cookie header ("" when absent).
std::string cookie_value(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(pos, end - pos);
    const size_t first = pair.find_first_not_of(' ');
    pair = first == std::string::npos ? "" : pair.substr(first);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string cookie_attributes(const WebState& state) {
  return std::string("; HttpOnly; SameSite=Strict; Path=/") + (state.settings.tls() ? "; Secure" : "");
}

// A cross-site page may post a login form; browsers say where a POST comes from in Origin.
// Refuse one whose origin is not this server (a request without Origin is not a browser's
// cross-site form and is let through).
bool origin_is_foreign(const httplib::Request& req) {
  const std::string origin = req.get_header_value("Origin");
  if (origin.empty()) return false;
  const size_t scheme_end = origin.find("://");
  const std::string authority = scheme_end == std::string::npos ? origin : origin.substr(scheme_end + 3);
  return authority != req.get_header_value("Host");
}

nlohmann::json session_json(const WebState& state, const httplib::Request& req, const User& user,
                            const Session& session) {
  return {{"user", user.name},
          {"role", role_name(user.role)},
          {"tenants", user.role == Role::kAdmin ? state.config.tenants() : user.tenants},
          {"csrf_token", session.csrf_token},
          {"lang", request_lang(state, req)}};
}

// A user whose account changed under a live session: the session ends.
bool user_still_valid(const User& user, const Session& session) {
  return !user.disabled && user.password_changed_ms <= session.created_ms;
}

void refuse_login(const httplib::Request& req, httplib::Response& res, bool form, int status, const std::string& kind,
                  const std::string& message) {
  if (form) {
    res.status = 303;
    res.set_header("Location", status == 423 ? "/login?error=locked" : "/login?error=credentials");
    return;
  }
  (void)req;
  send_error(res, status, kind, message);
}

void handle_login(WebState& state, const httplib::Request& req, httplib::Response& res) {
  if (origin_is_foreign(req)) return send_error(res, 403, "forbidden", "login from another site refused");
  const bool json = req.get_header_value("Content-Type").rfind("application/json", 0) == 0;
  std::string name, password;
  if (json) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("user") || !body["user"].is_string() || !body.contains("password") ||
        !body["password"].is_string()) {
      return send_error(res, 400, "invalid_input", "send {\"user\": \"...\", \"password\": \"...\"}");
    }
    name = body["user"].get<std::string>();
    password = body["password"].get<std::string>();
  } else {
    name = req.get_param_value("user");
    password = req.get_param_value("password");
  }
  const bool form = !json;
  if (!is_valid_user_name(name) || password.empty() || password.size() > kMaxPasswordBytes) {
    spdlog::warn("login refused from {}: malformed user name or password", req.remote_addr);
    return refuse_login(req, res, form, 401, "unauthorized", "wrong user name or password");
  }
  auto stores = state.pool.acquire();
  if (!stores) return send_error(res, stores.error());
  const LoginPolicy policy{state.settings.max_failed_logins, state.settings.lockout_ms};
  auto login = (*stores)->users->authenticate(name, password, policy, state.settings.pbkdf2_iterations, now_ms());
  if (!login) return send_error(res, login.error());
  if (login->outcome == LoginOutcome::kLocked) {
    spdlog::warn("login refused for {} from {}: account locked", name, req.remote_addr);
    return refuse_login(req, res, form, 423, "locked",
                        "account locked after too many failed logins — try again later or ask an admin "
                        "(zpe user enable " + name + ")");
  }
  if (login->outcome != LoginOutcome::kOk) {
    spdlog::warn("login failed for {} from {} ({} in a row)", name, req.remote_addr, login->user.failed_logins);
    if (login->locked_now) {
      spdlog::warn("account {} locked for {} min after {} failed logins", name, state.settings.lockout_ms / 60000,
                   login->user.failed_logins);
    }
    return refuse_login(req, res, form, 401, "unauthorized", "wrong user name or password");
  }
  auto session = state.sessions.create(login->user.name, now_ms());
  if (!session) return send_error(res, session.error());
  spdlog::info("{} logged in from {}", name, req.remote_addr);
  res.set_header("Set-Cookie", "zpe_session=" + session->id + cookie_attributes(state));
  if (form) {
    res.status = 303;
    res.set_header("Location", "/");
    return;
  }
  send_json(res, 200, session_json(state, req, login->user, *session));
}

void handle_logout(WebState& state, const httplib::Request& req, httplib::Response& res) {
  auto stores = state.pool.acquire();
  if (!stores) return send_error(res, stores.error());
  auto caller = require_caller(state, **stores, req, res, Access::kApiWrite);
  if (!caller) return;
  state.sessions.end(caller->session.id);
  spdlog::info("{} logged out", caller->user.name);
  res.set_header("Set-Cookie", "zpe_session=; Max-Age=0" + cookie_attributes(state));
  if (req.has_param("csrf_token")) {  // a form: back to the login page
    res.status = 303;
    res.set_header("Location", "/login");
    return;
  }
  send_json(res, 200, {{"logged_out", true}});
}

}  // namespace

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& kind, const std::string& message) {
  send_json(res, status, {{"error", message}, {"kind", kind}});
}

void send_error(httplib::Response& res, const Error& error) {
  switch (error.kind) {
    case ErrorKind::kNotFound: return send_error(res, 404, "not_found", error.message);
    case ErrorKind::kConflict: return send_error(res, 409, "conflict", error.message);
    case ErrorKind::kInvalidInput: return send_error(res, 400, "invalid_input", error.message);
    default:
      spdlog::error("web: {}", error.describe());
      return send_error(res, 500, "internal", "internal error — the server log says more");
  }
}

std::string session_cookie(const httplib::Request& req) {
  std::string value = cookie_value(req, "zpe_session");
  return is_hex64(value) ? value : "";
}

std::string request_lang(const WebState& state, const httplib::Request& req) {
  const std::string lang = cookie_value(req, "zpe_lang");
  return lang == "de" || lang == "en" ? lang : state.settings.default_lang;
}

std::optional<Caller> require_caller(WebState& state, Stores& stores, const httplib::Request& req,
                                     httplib::Response& res, Access access) {
  std::optional<Caller> caller;
  const std::string id = session_cookie(req);
  if (auto session = id.empty() ? std::nullopt : state.sessions.touch(id, now_ms())) {
    auto user = stores.users->get(session->user);
    if (user && user_still_valid(*user, *session)) {
      caller = Caller{*session, *user, clearing::Scope{user->role == Role::kAdmin, user->tenants}};
    } else {
      state.sessions.end(id);  // the user was disabled, removed or changed password
    }
  }
  if (!caller) {
    if (access == Access::kPage) {
      res.status = 303;
      res.set_header("Location", "/login");
    } else {
      send_error(res, 401, "unauthorized", "log in first (POST /login)");
    }
    return std::nullopt;
  }
  if (access == Access::kApiWrite) {
    std::string token = req.get_header_value("X-CSRF-Token");
    if (token.empty()) token = req.get_param_value("csrf_token");
    if (!csrf_token_matches(caller->session, token)) {
      spdlog::warn("{}: {} {} refused: missing or wrong CSRF token", caller->user.name, req.method, req.path);
      send_error(res, 403, "forbidden", "missing or wrong CSRF token — reload the page");
      return std::nullopt;
    }
  }
  return caller;
}

httplib::Server::Handler api_handler(WebState& state, Access access, ApiHandler handler) {
  return [&state, access, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    auto stores = state.pool.acquire();
    if (!stores) return send_error(res, stores.error());
    auto caller = require_caller(state, **stores, req, res, access);
    if (!caller) return;
    handler(*caller, **stores, req, res);
  };
}

std::optional<int64_t> parse_integer(const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

void add_auth_routes(httplib::Server& server, WebState& state) {
  server.Post("/login", [&state](const httplib::Request& req, httplib::Response& res) { handle_login(state, req, res); });
  server.Post("/logout", [&state](const httplib::Request& req, httplib::Response& res) { handle_logout(state, req, res); });
  server.Get("/api/session", [&state](const httplib::Request& req, httplib::Response& res) {
    auto stores = state.pool.acquire();
    if (!stores) return send_error(res, stores.error());
    auto caller = require_caller(state, **stores, req, res, Access::kApiRead);
    if (!caller) return;
    send_json(res, 200, session_json(state, req, caller->user, caller->session));
  });
}

}  // namespace zpe::web
