// `zpe keygen [--out DIR] [--name NAME]`: a CURVE key pair for the links between hosts
// (pipeline/curve_keys.h, docs/PROTOCOL.md "Security"). Writes NAME.key (secret, 0600) and
// NAME.pub and never overwrites either; prints the public key and where it goes. Needs no
// config or home: it runs on a fresh host before anything else is set up.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "app/app.h"
#include "pipeline/curve_keys.h"

namespace zpe::app {

namespace {

struct KeygenOptions {
  std::string out = ".";
  std::string name;
};

std::string this_host() {
  char buf[256] = {0};
  gethostname(buf, sizeof buf - 1);
  return buf[0] ? buf : "zpe";
}

// A key's name becomes a file name and, on the server, the name its log lines use.
bool is_key_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != '@') return false;
  }
  return true;
}

int run_keygen(const GlobalOptions& options, const KeygenOptions& o) {
  set_up_logging("keygen", options);
  const std::string name = o.name.empty() ? this_host() : o.name;
  if (!is_key_name(name)) {
    std::fprintf(stderr, "zpe keygen: --name '%s': use letters, digits, '-', '_', '.', '@' (at most 64, not starting with '.')\n",
                 name.c_str());
    return kBadArgs;
  }
  auto pair = make_curve_key_pair();
  if (!pair) {
    std::fprintf(stderr, "zpe keygen: %s\n", pair.error().message.c_str());
    return kFailed;
  }
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char made[32] = {0};
  std::strftime(made, sizeof made, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
  auto files = write_curve_key_pair(*pair, o.out, name, name + ": made by `zpe keygen` on " + this_host() + ", " + made);
  if (!files) {
    std::fprintf(stderr, "zpe keygen: %s\n", files.error().message.c_str());
    return kFailed;
  }
  std::printf("secret key: %s (mode 0600; stays on this host)\npublic key: %s\n  %s\n"
              "A server (dispatcher, case-file feed): set curve_server_secret_key to the .key file and give "
              "clients the .pub file as curve_server_public_key.\n"
              "A client (worker, intake, case-file consumer): set curve_client_secret_key to the .key file and "
              "put the .pub file into the server's curve_authorized_keys folder (docs/OPERATIONS.md).\n",
              files->secret_file.c_str(), files->public_file.c_str(), pair->public_key.c_str());
  return kOk;
}

}  // namespace

void add_keygen_command(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* keygen = app.add_subcommand("keygen", "make a CURVE key pair for encrypted links between hosts: "
                                              "NAME.key (secret, mode 0600) and NAME.pub; never overwrites");
  static KeygenOptions keygen_options;
  keygen->add_option("--out", keygen_options.out, "folder for the two files (default: the current folder)");
  keygen->add_option("--name", keygen_options.name, "the files' name, NAME.key and NAME.pub (default: this host's name)");
  keygen->callback([&] { action = [&] { return run_keygen(options, keygen_options); }; });
}

}  // namespace zpe::app
