#include "pipeline/link_security.h"

#include <arpa/inet.h>

namespace zpe {

namespace {

constexpr const char* kServerSecretKey = "curve_server_secret_key";
constexpr const char* kAuthorizedKeys = "curve_authorized_keys";
constexpr const char* kClientSecretKey = "curve_client_secret_key";
constexpr const char* kServerPublicKey = "curve_server_public_key";

std::string table_name(Link link) { return link == Link::kDispatcher ? "dispatcher" : "feed"; }

// A key of the link's table: "" when not set; an error for anything but a string.
Result<std::string> key_setting(const Config& config, Link link, const char* key) {
  const auto& root = config.json();
  const std::string table = table_name(link);
  if (!root.contains(table) || !root[table].is_object() || !root[table].contains(key)) return std::string();
  const auto& value = root[table][key];
  if (!value.is_string()) {
    const std::string where = config.origin("/" + table + "/" + key);
    return fail(ErrorKind::kInvalidInput, (where.empty() ? "" : where + ": ") + "config " + link_table(link) + " " + key +
                                              ": expected a file name (a string)");
  }
  return value.get<std::string>();
}

std::filesystem::path in_home(const Home& home, const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_absolute() ? p : home.root / p;
}

// The two files one side of a link names (a secret key and the other party's public
// key or keys), resolved against the home: nullopt when neither key is set, an error when
// only one is.
struct KeyFiles {
  std::filesystem::path first;
  std::filesystem::path second;
};
Result<std::optional<KeyFiles>> key_files(const Config& config, const Home& home, Link link, const char* first_key,
                                          const char* second_key, const std::string& why_both) {
  auto first = key_setting(config, link, first_key);
  if (!first) return fail(first.error());
  auto second = key_setting(config, link, second_key);
  if (!second) return fail(second.error());
  if (first->empty() && second->empty()) return std::optional<KeyFiles>();
  if (first->empty() || second->empty()) {
    return fail(ErrorKind::kInvalidInput, "config " + link_table(link) + ": " + first_key + " and " + second_key +
                                              " go together (" + why_both + "); set both or neither");
  }
  return std::optional<KeyFiles>(KeyFiles{in_home(home, *first), in_home(home, *second)});
}

// A setting's error, prefixed with the key that named the file.
Error named(Link link, const char* key, const Error& error) {
  return Error{error.kind, "config " + link_table(link) + " " + key + ": " + error.message};
}

bool is_loopback_ip(const std::string& text) {
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

bool is_ip_address(const std::string& text) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

}  // namespace

std::string zap_domain(Link link) { return link == Link::kDispatcher ? "zpe-workers" : "zpe-feed"; }
std::string link_table(Link link) { return "[" + table_name(link) + "]"; }

bool is_local_endpoint(const std::string& endpoint) {
  const auto scheme_end = endpoint.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = endpoint.substr(0, scheme_end);
  if (scheme == "ipc" || scheme == "inproc") return true;
  if (scheme != "tcp") return false;
  std::string address = endpoint.substr(scheme_end + 3);
  // A connect may name its source first: tcp://SOURCE;DESTINATION:PORT.
  if (const auto semicolon = address.find(';'); semicolon != std::string::npos) address = address.substr(semicolon + 1);
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "localhost" || is_loopback_ip(host);
}

bool is_remote_peer_address(const std::string& address) {
  return is_ip_address(address) && !is_loopback_ip(address);
}

Result<ServerLinkSecurity> server_link_security(const Config& config, const Home& home, Link link,
                                                const std::string& endpoint) {
  auto files = key_files(config, home, link, kServerSecretKey, kAuthorizedKeys,
                         "CURVE needs this server's secret key and the list of clients it lets in");
  if (!files) return fail(files.error());
  ServerLinkSecurity security{zap_domain(link), std::nullopt};
  if (!*files) {
    if (is_local_endpoint(endpoint)) return security;
    const std::string table = link_table(link);
    return fail(ErrorKind::kInvalidInput,
                "refusing to bind " + endpoint + " (config " + table + " endpoint) without CURVE keys: plain ZeroMQ is "
                "allowed on loopback only, anyone who reaches that address could read and send this link's messages. "
                "Make keys with `zpe keygen`, then set " + table + " " + kServerSecretKey + " (this server's NAME.key) and " +
                table + " " + kAuthorizedKeys + " (the clients' .pub files) — docs/OPERATIONS.md, \"Two hosts\" — or bind 127.0.0.1");
  }
  auto own = read_curve_secret_key((*files)->first);
  if (!own) return fail(named(link, kServerSecretKey, own.error()));
  auto clients = read_authorized_keys((*files)->second);
  if (!clients) return fail(named(link, kAuthorizedKeys, clients.error()));
  security.curve = CurveServerKeys{own->secret_key, std::move(*clients)};
  return security;
}

Result<ClientLinkSecurity> client_link_security(const Config& config, const Home& home, Link link,
                                                const std::string& endpoint) {
  auto files = key_files(config, home, link, kClientSecretKey, kServerPublicKey,
                         "CURVE needs this client's key pair and the server's public key");
  if (!files) return fail(files.error());
  if (!*files) {
    if (is_local_endpoint(endpoint)) return ClientLinkSecurity();
    const std::string table = link_table(link);
    return fail(ErrorKind::kInvalidInput,
                "refusing to connect to " + endpoint + " without CURVE keys: plain ZeroMQ is allowed on loopback only. "
                "Make this host's key pair with `zpe keygen`, then set " + table + " " + kClientSecretKey +
                " (its NAME.key) and " + table + " " + kServerPublicKey + " (the server's .pub file), and list this "
                "host's NAME.pub in the server's " + table + " " + kAuthorizedKeys + " — docs/OPERATIONS.md, \"Two hosts\"");
  }
  auto own = read_curve_secret_key((*files)->first);
  if (!own) return fail(named(link, kClientSecretKey, own.error()));
  auto server_key = read_curve_public_key((*files)->second);
  if (!server_key) return fail(named(link, kServerPublicKey, server_key.error()));
  return ClientLinkSecurity(CurveClientKeys{std::move(*own), std::move(*server_key)});
}

void secure_server_socket(zmq::socket_t& socket, const ServerLinkSecurity& security) {
  // With a domain set, ZeroMQ asks the ZAP handler about plain (NULL) connections too.
  socket.set(zmq::sockopt::zap_domain, security.zap_domain);
  if (!security.curve) return;
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, security.curve->secret_key);
}

void secure_client_socket(zmq::socket_t& socket, const ClientLinkSecurity& security) {
  if (!security) return;
  socket.set(zmq::sockopt::curve_serverkey, security->server_public_key);
  socket.set(zmq::sockopt::curve_publickey, security->own.public_key);
  socket.set(zmq::sockopt::curve_secretkey, security->own.secret_key);
}

}  // namespace zpe
