// WebSettings: the [web] table of the config (config/zpe.toml documents each key), read and
// checked once when `zpe web` or `zpe user` starts. A plain value; safe to copy and share.
//
// A listen address other than loopback is refused unless TLS is configured: passwords and
// session cookies never cross a network in clear text.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/config.h"
#include "pipeline/status.h"

namespace zpe::web {

struct WebSettings {
  bool enabled = true;           // `zpe run` starts `zpe web`
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string tls_cert;          // PEM paths; both set: HTTPS
  std::string tls_key;
  int pbkdf2_iterations = 600000;
  int max_failed_logins = 5;
  int64_t lockout_ms = 15 * 60 * 1000;
  int64_t idle_timeout_ms = 30 * 60 * 1000;
  std::string default_lang = "de";  // "de" or "en"
  // /metrics: with a token, a request must carry "Authorization: Bearer <token>"; without,
  // only requests from loopback are answered (web/health.cpp says why).
  std::string metrics_token;
  // /readyz reports not ready below this much free space under the home.
  int64_t ready_min_free_bytes = 1024LL * 1024 * 1024;

  bool tls() const { return !tls_cert.empty() && !tls_key.empty(); }
  std::string url() const;  // http(s)://host:port/
};

// The lowest iteration count accepted from the config (tests use it to keep logins fast);
// production keeps the default.
constexpr int kMinPbkdf2Iterations = 1000;

// Reads [web]; missing keys keep their defaults, bad values are an error naming the key.
Result<WebSettings> read_web_settings(const Config& config);
// "127.0.0.1:8080" -> host, port (IPv4 dotted quad or "localhost"; port 1-65535).
Status parse_listen(const std::string& listen, WebSettings& into);

}  // namespace zpe::web
