// WebServer: the clearing station's HTTP server (`zpe web`, started by `zpe run`): the JSON
// API of docs/API.md, the operators' pages and their static files, on cpp-httplib. Every
// handler is thin over clearing::ClearingDesk with the logged-in user's tenant scope.
//
// Plain HTTP on loopback by default; HTTPS when [web] tls_cert and tls_key are set. Every
// answer carries the security headers (CSP without inline script, nosniff, no framing, no
// referrer); bodies above 1 MiB are refused with 413. Handlers run on httplib's thread
// pool; construct, bind() and run() from one thread; run() returns when `stop` is set.
#pragma once

#include <atomic>
#include <memory>

#include "pipeline/config.h"
#include "pipeline/home.h"
#include "pipeline/status.h"
#include "web/assets.h"
#include "web/web_settings.h"

namespace httplib {
class Server;
}

namespace zpe::web {

struct WebState;

constexpr size_t kMaxRequestBodyBytes = 1024 * 1024;

class WebServer {
 public:
  // `config` must outlive the server.
  WebServer(const Config& config, Home home, WebSettings settings, Assets assets);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds [web] listen: kUnavailable when the port is taken, kInvalidInput when the TLS
  // certificate or key cannot be loaded.
  Status bind();
  // Serves until `stop` is set (or the listener fails: then an error).
  Status run(const std::atomic<bool>& stop);

 private:
  void add_routes();

  std::unique_ptr<WebState> state_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace zpe::web
