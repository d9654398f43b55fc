#include "web/users.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "pipeline/sqlite_db.h"
#include "web/password.h"

namespace zpe::web {

namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS users(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK(role IN ('operator', 'admin')),
  tenants TEXT NOT NULL DEFAULT '[]',
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER NOT NULL DEFAULT 0,
  password_changed_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS user_log(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  name TEXT NOT NULL,
  action TEXT NOT NULL);
)SQL";

constexpr const char* kColumns =
    "name, role, tenants, disabled, failed_logins, locked_until_ms, password_changed_ms, created_ms";

User read_user(const Statement& s) {
  User u;
  u.name = s.text(0);
  u.role = s.text(1) == "admin" ? Role::kAdmin : Role::kOperator;
  auto tenants = nlohmann::json::parse(s.text(2), nullptr, false);
  if (tenants.is_array()) {
    for (const auto& t : tenants) {
      if (t.is_string()) u.tenants.push_back(t.get<std::string>());
    }
  }
  u.disabled = s.integer(3) != 0;
  u.failed_logins = static_cast<int>(s.integer(4));
  u.locked_until_ms = s.integer(5);
  u.password_changed_ms = s.integer(6);
  u.created_ms = s.integer(7);
  return u;
}

// Why a user was changed, kept beside the users (who locked when, who was disabled).
Status log_user_action(sqlite3* db, const std::string& name, const std::string& action, int64_t now_ms) {
  Statement s(db, "INSERT INTO user_log(at_ms, name, action) VALUES(?, ?, ?)");
  return s.bind(1, now_ms).bind(2, name).bind(3, action).run();
}

Status not_found(const std::string& name) {
  return fail(ErrorKind::kNotFound, "no user \"" + name + "\" (zpe user list shows them)");
}

}  // namespace

const char* role_name(Role role) { return role == Role::kAdmin ? "admin" : "operator"; }

Result<Role> parse_role(const std::string& name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "operator") return Role::kOperator;
  return fail(ErrorKind::kInvalidInput, "role \"" + name + "\": expected operator or admin");
}

bool is_valid_user_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

Result<std::unique_ptr<UserStore>> UserStore::open(const std::filesystem::path& path, bool create) {
  auto db = open_sqlite(path, create, 10000, "users file");
  if (!db) return fail(db.error());
  std::unique_ptr<UserStore> store(new UserStore(*db));
  if (auto st = exec_sql(*db, kSchema); !st) return fail(st.error());
  return store;
}

UserStore::~UserStore() { sqlite3_close(db_); }

Status UserStore::add(const User& user, const std::string& password, int iterations, int64_t now_ms) {
  if (!is_valid_user_name(user.name)) {
    return fail(ErrorKind::kInvalidInput, "user name \"" + user.name + "\": use 1-64 letters, digits, . _ -");
  }
  if (user.role == Role::kOperator && user.tenants.empty()) {
    return fail(ErrorKind::kInvalidInput, "operator " + user.name + " needs --tenants (the tenants they work on)");
  }
  if (password.empty()) return fail(ErrorKind::kInvalidInput, "the password is empty");
  auto hash = hash_password(password, iterations);
  if (!hash) return fail(hash.error());
  Transaction tx(db_);
  if (!tx.begin_status()) return tx.begin_status();
  Statement exists(db_, "SELECT 1 FROM users WHERE name = ?");
  exists.bind(1, user.name);
  if (exists.step()) return fail(ErrorKind::kConflict, "user \"" + user.name + "\" exists already");
  if (auto st = exists.status(); !st) return st;
  Statement insert(db_, "INSERT INTO users(name, role, tenants, password_hash, disabled, password_changed_ms, "
                        "created_ms, updated_ms) VALUES(?, ?, ?, ?, 0, ?, ?, ?)");
  const nlohmann::json tenants = user.role == Role::kAdmin ? nlohmann::json::array() : nlohmann::json(user.tenants);
  insert.bind(1, user.name).bind(2, std::string(role_name(user.role))).bind(3, tenants.dump()).bind(4, *hash);
  insert.bind(5, now_ms).bind(6, now_ms).bind(7, now_ms);
  if (auto st = insert.run(); !st) return st;
  if (auto st = log_user_action(db_, user.name, std::string("added as ") + role_name(user.role), now_ms); !st) return st;
  return tx.commit();
}

Status UserStore::set_password(const std::string& name, const std::string& password, int iterations,
                               int64_t now_ms) {
  if (password.empty()) return fail(ErrorKind::kInvalidInput, "the password is empty");
  auto hash = hash_password(password, iterations);
  if (!hash) return fail(hash.error());
  Transaction tx(db_);
  if (!tx.begin_status()) return tx.begin_status();
  Statement update(db_, "UPDATE users SET password_hash = ?, password_changed_ms = ?, updated_ms = ? WHERE name = ?");
  if (auto st = update.bind(1, *hash).bind(2, now_ms).bind(3, now_ms).bind(4, name).run(); !st) return st;
  if (sqlite3_changes(db_) == 0) return not_found(name);
  if (auto st = log_user_action(db_, name, "password changed", now_ms); !st) return st;
  return tx.commit();
}

Status UserStore::set_disabled(const std::string& name, bool disabled, int64_t now_ms) {
  Transaction tx(db_);
  if (!tx.begin_status()) return tx.begin_status();
  // Enabling also clears a lock: it is how an admin lets a locked-out user back in early.
  Statement update(db_, disabled ? "UPDATE users SET disabled = 1, updated_ms = ? WHERE name = ?"
                                 : "UPDATE users SET disabled = 0, failed_logins = 0, locked_until_ms = 0, "
                                   "updated_ms = ? WHERE name = ?");
  if (auto st = update.bind(1, now_ms).bind(2, name).run(); !st) return st;
  if (sqlite3_changes(db_) == 0) return not_found(name);
  if (auto st = log_user_action(db_, name, disabled ? "disabled" : "enabled", now_ms); !st) return st;
  return tx.commit();
}

Result<User> UserStore::get(const std::string& name) {
  const std::string sql = std::string("SELECT ") + kColumns + " FROM users WHERE name = ?";
  Statement s(db_, sql.c_str());
  s.bind(1, name);
  if (s.step()) return read_user(s);
  if (auto st = s.status(); !st) return fail(st.error());
  return fail(not_found(name).error());
}

Result<std::vector<User>> UserStore::list() {
  const std::string sql = std::string("SELECT ") + kColumns + " FROM users ORDER BY name";
  Statement s(db_, sql.c_str());
  std::vector<User> users;
  while (s.step()) users.push_back(read_user(s));
  if (auto st = s.status(); !st) return fail(st.error());
  return users;
}

Result<std::string> UserStore::password_hash(const std::string& name) {
  Statement s(db_, "SELECT password_hash FROM users WHERE name = ?");
  s.bind(1, name);
  if (s.step()) return s.text(0);
  if (auto st = s.status(); !st) return fail(st.error());
  return fail(not_found(name).error());
}

Result<LoginResult> UserStore::authenticate(const std::string& name, const std::string& password,
                                            const LoginPolicy& policy, int iterations_for_unknown,
                                            int64_t now_ms) {
  LoginResult result;
  auto user = get(name);
  if (!user) {
    if (user.error().kind != ErrorKind::kNotFound) return fail(user.error());
    burn_password_time(password, iterations_for_unknown);
    return result;  // unknown user: like a wrong password
  }
  result.user = *user;
  if (user->locked_until_ms > now_ms) {
    result.outcome = LoginOutcome::kLocked;
    return result;
  }
  auto hash = password_hash(name);
  if (!hash) return fail(hash.error());
  if (!verify_password(password, *hash) || user->disabled) {
    if (user->disabled) return result;  // a disabled account is not locked further
    return count_failure(name, policy, now_ms);
  }
  if (user->failed_logins != 0 || user->locked_until_ms != 0) {
    Statement reset(db_, "UPDATE users SET failed_logins = 0, locked_until_ms = 0 WHERE name = ?");
    if (auto st = reset.bind(1, name).run(); !st) return fail(st.error());
    result.user.failed_logins = 0;
    result.user.locked_until_ms = 0;
  }
  result.outcome = LoginOutcome::kOk;
  return result;
}

Result<LoginResult> UserStore::count_failure(const std::string& name, const LoginPolicy& policy, int64_t now_ms) {
  // Read and write in one transaction: concurrent wrong guesses each count.
  Transaction tx(db_);
  if (!tx.begin_status()) return fail(tx.begin_status().error());
  auto user = get(name);
  if (!user) return fail(user.error());
  LoginResult result;
  result.user = *user;
  // A lock that has run out starts a fresh count.
  int failures = (user->locked_until_ms != 0 && user->locked_until_ms <= now_ms) ? 1 : user->failed_logins + 1;
  int64_t locked_until = user->locked_until_ms > now_ms ? user->locked_until_ms : 0;
  if (failures >= policy.max_failed_logins && locked_until == 0) {
    locked_until = now_ms + policy.lockout_ms;
    result.locked_now = true;
  }
  Statement update(db_, "UPDATE users SET failed_logins = ?, locked_until_ms = ?, updated_ms = ? WHERE name = ?");
  if (auto st = update.bind(1, failures).bind(2, locked_until).bind(3, now_ms).bind(4, name).run(); !st) {
    return fail(st.error());
  }
  if (result.locked_now) {
    const std::string why = "locked after " + std::to_string(failures) + " failed logins";
    if (auto st = log_user_action(db_, name, why, now_ms); !st) return fail(st.error());
  }
  if (auto st = tx.commit(); !st) return fail(st.error());
  result.user.failed_logins = failures;
  result.user.locked_until_ms = locked_until;
  return result;
}

}  // namespace zpe::web
