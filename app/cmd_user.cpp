// `zpe user add|passwd|disable|enable|list`: the people who may log in to the clearing
// station (web/users.h, <home>/var/users.sqlite). Passwords come from the terminal (asked
// twice, not echoed) or, with --password-stdin, as one line on stdin (for scripts).
// Exit codes as README.md: 2 for bad arguments, 4 for an unknown user, 1 otherwise.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "web/users.h"
#include "web/web_settings.h"

namespace zpe::app {

namespace {

struct UserOptions {
  std::string name;
  std::string role;
  std::string tenants;  // "a,b"
  bool password_stdin = false;
  bool json = false;
};

int report(const Error& error) {
  std::fprintf(stderr, "user: %s\n", error.message.c_str());
  if (error.kind == ErrorKind::kNotFound) return kNotFound;
  return error.kind == ErrorKind::kInvalidInput || error.kind == ErrorKind::kConflict ? kBadArgs : kFailed;
}

std::optional<std::string> read_line_without_echo(const char* prompt) {
  std::fprintf(stderr, "%s", prompt);
  termios old_mode{};
  const bool tty = tcgetattr(STDIN_FILENO, &old_mode) == 0;
  if (tty) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
    std::fprintf(stderr, "\n");
  }
  if (!got) return std::nullopt;
  return line;
}

// The new password: one line from stdin, or asked twice on the terminal.
Result<std::string> read_new_password(bool from_stdin) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line)) return fail(ErrorKind::kInvalidInput, "--password-stdin: no line on stdin");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (!isatty(STDIN_FILENO)) {
    return fail(ErrorKind::kInvalidInput, "stdin is not a terminal: give the password with --password-stdin");
  }
  auto first = read_line_without_echo("new password: ");
  auto second = read_line_without_echo("again: ");
  if (!first || !second) return fail(ErrorKind::kInvalidInput, "no password given");
  if (*first != *second) return fail(ErrorKind::kInvalidInput, "the two passwords differ");
  return *first;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

struct UsersOpened {
  Environment env;
  web::WebSettings settings;
  std::unique_ptr<web::UserStore> users;
};

std::optional<UsersOpened> open_users(const GlobalOptions& options, int* rc) {
  set_up_logging("zpe", options);
  auto env = load_environment(options);
  *rc = kBadArgs;
  if (!env) return std::nullopt;
  auto settings = web::read_web_settings(env->config);
  if (!settings) {
    report(settings.error());
    return std::nullopt;
  }
  std::error_code ec;
  std::filesystem::create_directories(env->home.var(), ec);
  auto users = web::UserStore::open(env->home.var() / "users.sqlite", true);
  if (!users) {
    *rc = report(users.error());
    return std::nullopt;
  }
  return UsersOpened{std::move(*env), *settings, std::move(*users)};
}

int add_user(const GlobalOptions& options, const UserOptions& o) {
  int rc = kOk;
  auto opened = open_users(options, &rc);
  if (!opened) return rc;
  auto role = web::parse_role(o.role);
  if (!role) return report(role.error());
  web::User user;
  user.name = o.name;
  user.role = *role;
  user.tenants = split_commas(o.tenants);
  for (const auto& tenant : user.tenants) {
    if (!opened->env.config.has_tenant(tenant)) {
      return report(Error{ErrorKind::kInvalidInput, "tenant \"" + tenant + "\" is not in the config ([tenants.<name>])"});
    }
  }
  if (user.role == web::Role::kAdmin && !user.tenants.empty()) {
    return report(Error{ErrorKind::kInvalidInput, "an admin sees every tenant: leave out --tenants"});
  }
  auto password = read_new_password(o.password_stdin);
  if (!password) return report(password.error());
  if (auto st = opened->users->add(user, *password, opened->settings.pbkdf2_iterations, now_ms()); !st) {
    return report(st.error());
  }
  std::printf("user %s added (%s)\n", user.name.c_str(), web::role_name(user.role));
  return kOk;
}

int change_password(const GlobalOptions& options, const UserOptions& o) {
  int rc = kOk;
  auto opened = open_users(options, &rc);
  if (!opened) return rc;
  if (auto user = opened->users->get(o.name); !user) return report(user.error());
  auto password = read_new_password(o.password_stdin);
  if (!password) return report(password.error());
  if (auto st = opened->users->set_password(o.name, *password, opened->settings.pbkdf2_iterations, now_ms()); !st) {
    return report(st.error());
  }
  std::printf("password of %s changed; their open sessions end\n", o.name.c_str());
  return kOk;
}

int set_disabled(const GlobalOptions& options, const UserOptions& o, bool disabled) {
  int rc = kOk;
  auto opened = open_users(options, &rc);
  if (!opened) return rc;
  if (auto st = opened->users->set_disabled(o.name, disabled, now_ms()); !st) return report(st.error());
  std::printf(disabled ? "user %s disabled; their open sessions end\n" : "user %s enabled (and unlocked)\n",
              o.name.c_str());
  return kOk;
}

int list_users(const GlobalOptions& options, const UserOptions& o) {
  int rc = kOk;
  auto opened = open_users(options, &rc);
  if (!opened) return rc;
  auto users = opened->users->list();
  if (!users) return report(users.error());
  const int64_t now = now_ms();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& u : *users) {
    const bool locked = u.locked_until_ms > now;
    if (o.json) {
      out.push_back({{"name", u.name}, {"role", web::role_name(u.role)}, {"tenants", u.tenants},
                     {"disabled", u.disabled}, {"locked", locked}, {"failed_logins", u.failed_logins}});
      continue;
    }
    std::printf("%-20s %-8s %-24s%s%s\n", u.name.c_str(), web::role_name(u.role),
                u.role == web::Role::kAdmin ? "(all tenants)" : nlohmann::json(u.tenants).dump().c_str(),
                u.disabled ? " disabled" : "", locked ? " locked" : "");
  }
  if (o.json) std::printf("%s\n", out.dump(2).c_str());
  return kOk;
}

}  // namespace

void add_user_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  static UserOptions o;
  auto* user = app.add_subcommand("user", "the clearing station's users (var/users.sqlite)");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "add a user");
  add->add_option("NAME", o.name, "user name (letters, digits, . _ -)")->required();
  add->add_option("--role", o.role, "operator or admin")->required()->check(CLI::IsMember({"operator", "admin"}));
  add->add_option("--tenants", o.tenants, "an operator's tenants, comma-separated");
  add->add_flag("--password-stdin", o.password_stdin, "read the password as one line from stdin");
  add->callback([&] { action = [&] { return add_user(options, o); }; });
  auto* passwd = user->add_subcommand("passwd", "set a user's password");
  passwd->add_option("NAME", o.name)->required();
  passwd->add_flag("--password-stdin", o.password_stdin, "read the password as one line from stdin");
  passwd->callback([&] { action = [&] { return change_password(options, o); }; });
  auto* disable = user->add_subcommand("disable", "stop a user from logging in (ends their sessions)");
  disable->add_option("NAME", o.name)->required();
  disable->callback([&] { action = [&] { return set_disabled(options, o, true); }; });
  auto* enable = user->add_subcommand("enable", "let a disabled or locked-out user log in again");
  enable->add_option("NAME", o.name)->required();
  enable->callback([&] { action = [&] { return set_disabled(options, o, false); }; });
  auto* list = user->add_subcommand("list", "list the users");
  list->add_flag("--json", o.json, "as JSON");
  list->callback([&] { action = [&] { return list_users(options, o); }; });
}

}  // namespace zpe::app
