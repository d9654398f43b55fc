// Test harness for integration tests: a throw-away ZPE home with its own config (free
// loopback ports, short leases), helpers to start `zpe` processes and to wait for
// conditions with a time bound. Every process started is killed when the harness goes.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zpe::testing {

int free_tcp_port();

class TestHome {
 public:
  // extra_toml is appended to the generated config (ports, leases, worker counts).
  explicit TestHome(const std::string& extra_toml = "");
  ~TestHome();

  const std::filesystem::path& root() const { return root_; }
  const std::filesystem::path& config() const { return config_; }
  std::filesystem::path inbox(const std::string& tenant = "default") const { return root_ / "inbox" / tenant; }

  // Starts `zpe --home ... --config ... <args>`; stdout/stderr go to <home>/logs/<name>.log.
  // With stdin_text, the process reads it on stdin (else it inherits the test's stdin).
  pid_t start(const std::string& name, const std::vector<std::string>& args, const std::string& stdin_text = "");
  // Runs zpe to completion and returns its exit code; output is captured into *output.
  int run(const std::vector<std::string>& args, std::string* output = nullptr, int timeout_s = 600,
          const std::string& stdin_text = "");
  // Copies a file into the inbox the way scanners should: under a .part name, then rename.
  void drop(const std::filesystem::path& file, const std::string& tenant = "default");
  nlohmann::json list_json(const std::string& state = "");
  std::string log(const std::string& name) const;
  // The port of this home's `zpe web` ([web] listen = 127.0.0.1:<port>).
  int web_port() const { return web_port_; }

 private:
  int web_port_ = 0;
  std::filesystem::path root_;
  std::filesystem::path config_;
  std::vector<pid_t> started_;
};

// Children of `parent` whose command line contains `needle`.
std::vector<pid_t> child_pids(pid_t parent, const std::string& needle);
// Polls `done` every 100 ms until it holds or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);
// Sample letters committed in samples/letters (image files only, sorted).
std::vector<std::filesystem::path> sample_letters();
nlohmann::json read_json(const std::filesystem::path& path);

}  // namespace zpe::testing
