// Link security: how each ZeroMQ link between ZPE processes is protected, decided once at
// start-up from the config (docs/PROTOCOL.md, "Security").
//
// Two links have a server and clients: the dispatcher's worker endpoint ([dispatcher]:
// workers and the intake connect) and the case-file feed ([feed]: the case system
// connects). Each is either
//   - CURVE: the server has a secret key and a list of authorised client public keys
//     (checked by the ZAP handler, pipeline/zap_handler.h); each client has its own key
//     pair and the server's public key. Encrypted and authenticated, on any address; or
//   - plain (ZeroMQ's NULL mechanism): allowed only on loopback (and ipc://, inproc://),
//     and the ZAP handler still refuses a plain connection from any other address.
// A non-loopback endpoint without keys, half a key configuration, or a key file that
// cannot be read is an error here, so the process refuses to start with a message that
// names the config keys to set. Relative key paths are resolved against the home.
// Plain values and free functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <zmq.hpp>

#include "pipeline/config.h"
#include "pipeline/curve_keys.h"
#include "pipeline/home.h"

namespace zpe {

// The two links, named by the config table that configures them.
enum class Link { kDispatcher, kFeed };

// The ZAP domain a link's server socket announces, so one ZAP handler tells the lists apart.
std::string zap_domain(Link link);
// "[dispatcher]" or "[feed]", for messages.
std::string link_table(Link link);

struct CurveServerKeys {
  std::string secret_key;  // Z85
  AuthorizedKeys clients;  // who may connect
};

struct ServerLinkSecurity {
  std::string zap_domain;
  std::optional<CurveServerKeys> curve;  // nullopt: plain, loopback peers only
};

struct CurveClientKeys {
  CurveKeyPair own;
  std::string server_public_key;  // Z85
};
using ClientLinkSecurity = std::optional<CurveClientKeys>;  // nullopt: plain (loopback only)

// The server side of `link` for binding `endpoint`: curve_server_secret_key and
// curve_authorized_keys of the link's table.
Result<ServerLinkSecurity> server_link_security(const Config& config, const Home& home, Link link,
                                                const std::string& endpoint);
// The client side of `link` for connecting to `endpoint`: curve_client_secret_key and
// curve_server_public_key of the link's table.
Result<ClientLinkSecurity> client_link_security(const Config& config, const Home& home, Link link,
                                                const std::string& endpoint);

// Set before bind()/connect(): the options take effect for the endpoints that follow.
void secure_server_socket(zmq::socket_t& socket, const ServerLinkSecurity& security);
void secure_client_socket(zmq::socket_t& socket, const ClientLinkSecurity& security);

// True for endpoints no other host can reach: tcp:// on 127.0.0.0/8, ::1 or localhost,
// ipc:// and inproc://. A wildcard (tcp://*:5555), an interface name or a host name is not.
bool is_local_endpoint(const std::string& endpoint);
// True when a peer's address (as ZAP reports it) is an IP address off this host's loopback;
// ipc:// peers have no IP address and are local.
bool is_remote_peer_address(const std::string& address);

}  // namespace zpe
