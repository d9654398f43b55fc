// SessionTable: the logged-in browsers and programs of one `zpe web` process, in memory
// (a restart logs everyone out). A session has a random 256-bit id (the zpe_session
// cookie), its own CSRF token (sent back with every POST) and the user's name; it ends on
// logout, after `idle_timeout_ms` without a request, or when the server finds its user
// disabled, gone or with a newer password (web/server.cpp checks the user per request).
//
// Thread-safe: httplib runs handlers on a thread pool; every method takes one mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace zpe::web {

struct Session {
  std::string id;          // 64 hex characters
  std::string csrf_token;  // 64 hex characters
  std::string user;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
};

// `bytes` random bytes from OpenSSL as lower-case hex; kInternal if the generator fails.
Result<std::string> random_token_hex(size_t bytes);
// Constant-time comparison of a presented CSRF token with the session's.
bool csrf_token_matches(const Session& session, std::string_view presented);

class SessionTable {
 public:
  // max_sessions bounds memory: beyond it the least recently used session is ended.
  explicit SessionTable(int64_t idle_timeout_ms, size_t max_sessions = 10000)
      : idle_timeout_ms_(idle_timeout_ms), max_sessions_(max_sessions) {}

  Result<Session> create(const std::string& user, int64_t now_ms);
  // The live session with this id, its idle clock restarted; nothing when unknown or idle
  // too long (an idle session is removed here).
  std::optional<Session> touch(const std::string& id, int64_t now_ms);
  void end(const std::string& id);
  size_t size() const;

 private:
  void drop_idle_locked(int64_t now_ms);

  const int64_t idle_timeout_ms_;
  const size_t max_sessions_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

}  // namespace zpe::web
