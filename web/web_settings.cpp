#include "web/web_settings.h"

#include <arpa/inet.h>

#include <charconv>

namespace zpe::web {

namespace {

bool is_loopback(const std::string& host) {
  in_addr addr{};
  if (inet_pton(AF_INET, host.c_str(), &addr) != 1) return false;
  return (ntohl(addr.s_addr) >> 24) == 127;
}

Result<int64_t> integer_key(const nlohmann::json& web, const char* key, int64_t fallback, int64_t min,
                            int64_t max) {
  if (!web.contains(key)) return fallback;
  const auto& value = web[key];
  if (!value.is_number_integer() || value.get<int64_t>() < min || value.get<int64_t>() > max) {
    return fail(ErrorKind::kInvalidInput, std::string("config [web] ") + key + ": expected a whole number from " +
                                              std::to_string(min) + " to " + std::to_string(max));
  }
  return value.get<int64_t>();
}

Result<std::string> string_key(const nlohmann::json& web, const char* key, const std::string& fallback) {
  if (!web.contains(key)) return fallback;
  if (!web[key].is_string()) {
    return fail(ErrorKind::kInvalidInput, std::string("config [web] ") + key + ": expected a string");
  }
  return web[key].get<std::string>();
}

}  // namespace

std::string WebSettings::url() const {
  return std::string(tls() ? "https://" : "http://") + host + ":" + std::to_string(port) + "/";
}

Status parse_listen(const std::string& listen, WebSettings& into) {
  const auto colon = listen.rfind(':');
  const std::string bad = "[web] listen \"" + listen + "\": expected ADDRESS:PORT, e.g. 127.0.0.1:8080";
  if (colon == std::string::npos || colon == 0) return fail(ErrorKind::kInvalidInput, bad);
  std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
    return fail(ErrorKind::kInvalidInput, bad);
  }
  if (host == "localhost") host = "127.0.0.1";
  in_addr addr{};
  if (inet_pton(AF_INET, host.c_str(), &addr) != 1) return fail(ErrorKind::kInvalidInput, bad);
  into.host = host;
  into.port = port;
  return {};
}

Result<WebSettings> read_web_settings(const Config& config) {
  WebSettings s;
  const auto& root = config.json();
  const nlohmann::json web = root.contains("web") && root["web"].is_object() ? root["web"] : nlohmann::json::object();
  if (web.contains("enabled")) {
    if (!web["enabled"].is_boolean()) return fail(ErrorKind::kInvalidInput, "config [web] enabled: expected true or false");
    s.enabled = web["enabled"].get<bool>();
  }
  auto listen = string_key(web, "listen", "127.0.0.1:8080");
  if (!listen) return fail(listen.error());
  if (auto st = parse_listen(*listen, s); !st) return fail(st.error());
  auto cert = string_key(web, "tls_cert", "");
  auto key = string_key(web, "tls_key", "");
  auto lang = string_key(web, "default_lang", "de");
  auto metrics_token = string_key(web, "metrics_token", "");
  if (!metrics_token) return fail(metrics_token.error());
  s.metrics_token = *metrics_token;
  if (!cert) return fail(cert.error());
  if (!key) return fail(key.error());
  if (!lang) return fail(lang.error());
  s.tls_cert = *cert;
  s.tls_key = *key;
  if (s.tls_cert.empty() != s.tls_key.empty()) {
    return fail(ErrorKind::kInvalidInput, "config [web]: set both tls_cert and tls_key, or neither");
  }
  if (*lang != "de" && *lang != "en") return fail(ErrorKind::kInvalidInput, "config [web] default_lang: \"de\" or \"en\"");
  s.default_lang = *lang;
  auto iterations = integer_key(web, "pbkdf2_iterations", 600000, kMinPbkdf2Iterations, 100000000);
  auto max_failed = integer_key(web, "max_failed_logins", 5, 1, 1000);
  auto lockout = integer_key(web, "lockout_minutes", 15, 1, 7 * 24 * 60);
  auto idle = integer_key(web, "idle_timeout_minutes", 30, 1, 24 * 60);
  auto min_free = integer_key(web, "ready_min_free_mb", 1024, 0, 1024LL * 1024 * 1024);
  for (const auto* r : {&iterations, &max_failed, &lockout, &idle, &min_free}) {
    if (!*r) return fail(r->error());
  }
  s.pbkdf2_iterations = static_cast<int>(*iterations);
  s.max_failed_logins = static_cast<int>(*max_failed);
  s.lockout_ms = *lockout * 60 * 1000;
  s.idle_timeout_ms = *idle * 60 * 1000;
  s.ready_min_free_bytes = *min_free * 1024 * 1024;
  if (!is_loopback(s.host) && !s.tls()) {
    return fail(ErrorKind::kInvalidInput, "config [web] listen " + s.host +
                                              ": a non-loopback address needs tls_cert and tls_key "
                                              "(passwords must not cross the network in clear text)");
  }
  return s;
}

}  // namespace zpe::web
