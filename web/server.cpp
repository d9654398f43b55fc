#include "web/server.h"

#include <sys/socket.h>

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "web/web_state.h"

namespace zpe::web {

namespace {

// No inline script or style: the UI's script and style come from /static and /vendor only,
// so injected markup cannot run. Page images may come as blob: URLs.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

void add_security_headers(const WebState& state, const httplib::Request& req, httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  if (state.settings.tls()) res.set_header("Strict-Transport-Security", "max-age=31536000");
  // API answers and pages (which carry the CSRF token) must not be kept by any cache.
  if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  (void)req;
}

// Fills the body of an error httplib produced itself (no route, body too large, ...).
void describe_error(const httplib::Request& req, httplib::Response& res) {
  if (!res.body.empty()) return;
  std::string message = "bad request";
  std::string kind = "invalid_input";
  if (res.status == 404) message = "not found", kind = "not_found";
  if (res.status == 405) message = "method not allowed";
  if (res.status == 413) message = "request body too large (the limit is 1 MiB)", kind = "too_large";
  if (res.status >= 500) message = "internal error — the server log says more", kind = "internal";
  if (starts_with(req.path, "/api/") || res.status == 413) {
    send_error(res, res.status, kind, message);
  } else {
    res.set_content(message, "text/plain; charset=utf-8");
  }
}

}  // namespace

WebServer::WebServer(const Config& config, Home home, WebSettings settings, Assets assets) {
  const int64_t idle_ms = settings.idle_timeout_ms;
  state_.reset(new WebState{config, home, std::move(settings), std::move(assets), SessionTable(idle_ms),
                            StorePool(config, home)});
  if (state_->settings.tls()) {
    http_ = std::make_unique<httplib::SSLServer>(state_->settings.tls_cert.c_str(), state_->settings.tls_key.c_str());
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  add_routes();
}

WebServer::~WebServer() = default;

void WebServer::add_routes() {
  auto& http = *http_;
  WebState& state = *state_;
  // httplib's default also sets SO_REUSEPORT, which lets a second `zpe web` (or any program
  // of the same user) bind the same port and take half the requests — sessions would vanish
  // at random. SO_REUSEADDR alone allows a quick restart and makes a taken port an error.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_payload_max_length(kMaxRequestBodyBytes);
  http.set_keep_alive_timeout(2);  // a stop waits for idle keep-alive connections this long
  http.set_read_timeout(10, 0);
  http.set_post_routing_handler([&state](const httplib::Request& req, httplib::Response& res) {
    add_security_headers(state, req, res);
  });
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) { describe_error(req, res); });
  http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      spdlog::error("web: {} {}: {}", req.method, req.path, e.what());
    } catch (...) {
      spdlog::error("web: {} {}: unknown exception", req.method, req.path);
    }
    send_error(res, 500, "internal", "internal error — the server log says more");
  });
  add_auth_routes(http, state);
  add_page_routes(http, state);
  add_read_api_routes(http, state);
  add_action_api_routes(http, state);
  add_health_routes(http, state);
}

Status WebServer::bind() {
  if (!http_->is_valid()) {
    return fail(ErrorKind::kInvalidInput, "web: cannot load the TLS certificate " + state_->settings.tls_cert +
                                              " or key " + state_->settings.tls_key + " ([web] tls_cert, tls_key)");
  }
  if (!http_->bind_to_port(state_->settings.host, state_->settings.port)) {
    return fail(ErrorKind::kUnavailable, "web: cannot listen on " + state_->settings.host + ":" +
                                             std::to_string(state_->settings.port) +
                                             " — is another zpe web (or program) using it? Set [web] listen");
  }
  return {};
}

Status WebServer::run(const std::atomic<bool>& stop) {
  std::atomic<bool> ended{false};
  bool served = false;
  std::thread listener([&] {
    served = http_->listen_after_bind();
    ended = true;
  });
  while (!stop.load() && !ended.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  http_->stop();
  listener.join();
  if (!stop.load() && !served) return fail(ErrorKind::kIOError, "web: the listener stopped unexpectedly");
  return {};
}

}  // namespace zpe::web
