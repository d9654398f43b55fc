// UserStore: the people who may log in to the clearing station, in <home>/var/users.sqlite
// (managed with `zpe user ...`, read by `zpe web`). Each user has a role — operator (acts on
// the documents of their tenants only) or admin (all tenants) — a password hash
// (web/password.h), a disabled flag, and a failed-login counter with a lock: after
// `max_failed_logins` wrong passwords in a row the account answers kLocked for
// `lockout_ms`, even to the right password. `zpe user enable` clears a lock.
//
// SQLite in WAL mode, so `zpe user disable` in one process is seen by the next request of
// `zpe web` in another. One UserStore object is used by one thread at a time; several
// objects (threads, processes) may share the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/status.h"

struct sqlite3;

namespace zpe::web {

enum class Role { kOperator, kAdmin };
const char* role_name(Role role);
Result<Role> parse_role(const std::string& name);

struct User {
  std::string name;
  Role role = Role::kOperator;
  std::vector<std::string> tenants;  // an operator's tenants; empty for an admin
  bool disabled = false;
  int failed_logins = 0;
  int64_t locked_until_ms = 0;       // 0: not locked
  int64_t password_changed_ms = 0;   // sessions older than this are ended
  int64_t created_ms = 0;
};

struct LoginPolicy {
  int max_failed_logins = 5;
  int64_t lockout_ms = 15 * 60 * 1000;
};

enum class LoginOutcome {
  kOk,
  kWrongCredentials,  // unknown user, wrong password or disabled: all look the same
  kLocked,            // too many failures: refused without looking at the password
};

struct LoginResult {
  LoginOutcome outcome = LoginOutcome::kWrongCredentials;
  User user;                 // set with kOk (and for kLocked / counted failures: the name)
  bool locked_now = false;   // this failure locked the account
};

// User names: 1-64 of [A-Za-z0-9._-], starting with a letter or digit.
bool is_valid_user_name(const std::string& name);

class UserStore {
 public:
  // Opens (with `create`: creates) the users file.
  static Result<std::unique_ptr<UserStore>> open(const std::filesystem::path& path, bool create);
  ~UserStore();
  UserStore(const UserStore&) = delete;
  UserStore& operator=(const UserStore&) = delete;

  // kConflict when the name is taken; kInvalidInput for a bad name, an operator without
  // tenants, or an empty password.
  Status add(const User& user, const std::string& password, int iterations, int64_t now_ms);
  Status set_password(const std::string& name, const std::string& password, int iterations, int64_t now_ms);
  // Disabling ends the user's sessions at their next request; enabling clears a lock.
  Status set_disabled(const std::string& name, bool disabled, int64_t now_ms);
  Result<User> get(const std::string& name);
  Result<std::vector<User>> list();

  // Checks a login and counts failures (one short transaction after the slow hash, so
  // concurrent logins do not queue behind each other's PBKDF2).
  Result<LoginResult> authenticate(const std::string& name, const std::string& password,
                                   const LoginPolicy& policy, int iterations_for_unknown, int64_t now_ms);

 private:
  explicit UserStore(sqlite3* db) : db_(db) {}
  Result<std::string> password_hash(const std::string& name);
  Result<LoginResult> count_failure(const std::string& name, const LoginPolicy& policy, int64_t now_ms);
  sqlite3* db_;
};

}  // namespace zpe::web
