#include "web/sessions.h"

#include <algorithm>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace zpe::web {

Result<std::string> random_token_hex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    return fail(ErrorKind::kInternal, "session: the random number generator failed");
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool csrf_token_matches(const Session& session, std::string_view presented) {
  if (session.csrf_token.empty() || presented.size() != session.csrf_token.size()) return false;
  return CRYPTO_memcmp(presented.data(), session.csrf_token.data(), presented.size()) == 0;
}

Result<Session> SessionTable::create(const std::string& user, int64_t now_ms) {
  auto id = random_token_hex(32);
  auto csrf = random_token_hex(32);
  if (!id) return fail(id.error());
  if (!csrf) return fail(csrf.error());
  Session session{*id, *csrf, user, now_ms, now_ms};
  std::lock_guard lock(mutex_);
  drop_idle_locked(now_ms);
  if (sessions_.size() >= max_sessions_) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_seen_ms < b.second.last_seen_ms;
    });
    sessions_.erase(oldest);
  }
  sessions_[session.id] = session;
  return session;
}

std::optional<Session> SessionTable::touch(const std::string& id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now_ms - it->second.last_seen_ms > idle_timeout_ms_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen_ms = now_ms;
  return it->second;
}

void SessionTable::end(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

size_t SessionTable::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SessionTable::drop_idle_locked(int64_t now_ms) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = now_ms - it->second.last_seen_ms > idle_timeout_ms_ ? sessions_.erase(it) : std::next(it);
  }
}

}  // namespace zpe::web
