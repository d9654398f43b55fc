#include "tests/harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "pipeline/durable_file.h"

namespace zpe::testing {

int free_tcp_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// A TEST CA with an ECDSA P-256 signer (scripts/make-test-ca.sh), made once per test process
// so the sign stage has a key; removed when the process exits.
const std::filesystem::path& test_signing_ca() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path d = std::filesystem::temp_directory_path() / ("zpe-it-ca-" + random_hex(5));
    const std::string command = "bash '" + std::string(ZPE_SOURCE_DIR) + "/scripts/make-test-ca.sh' '" + d.string() +
                                "' ec >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) std::fprintf(stderr, "harness: make-test-ca.sh failed\n");
    std::atexit([] { std::filesystem::remove_all(test_signing_ca()); });
    return d;
  }();
  return dir;
}

TestHome::TestHome(const std::string& extra_toml) : web_port_(free_tcp_port()) {
  root_ = std::filesystem::temp_directory_path() / ("zpe-it-" + random_hex(5));
  std::filesystem::create_directories(root_ / "logs");
  // The case registry the default config names ([stages.route] registry, home-relative):
  // sample letters with a case number are filed only when their number is registered.
  std::filesystem::create_directories(root_ / "registry");
  std::filesystem::copy_file(std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "case_registry.csv",
                             root_ / "registry" / "cases.csv");
  config_ = root_ / "test-config.toml";
  std::ofstream cfg(config_);
  cfg << "[dispatcher]\nendpoint = \"tcp://127.0.0.1:" << free_tcp_port() << "\"\n"
      << "lease_ms = 4000\nheartbeat_ms = 500\nretry_backoff_ms = 200\n"
      << "[feed]\nendpoint = \"tcp://127.0.0.1:" << free_tcp_port() << "\"\nredeliver_ms = 5000\n"
      << "[intake]\nscan_interval_ms = 200\nstable_ms = 300\n"
      // `zpe run` starts `zpe web`: a port of its own so parallel tests never meet on 8080,
      // and cheap password hashes so logins in tests are fast.
      << "[web]\nlisten = \"127.0.0.1:" << web_port_ << "\"\npbkdf2_iterations = 1000\n"
      << extra_toml << "\n";
  if (extra_toml.find("[stages.sign]") == std::string::npos) {
    const std::filesystem::path& ca = test_signing_ca();
    cfg << "[stages.sign]\nkey = \"pem:" << (ca / "signer.key").string() << "\"\ncertificate = \""
        << (ca / "signer.pem").string() << "\"\ntrust = [\"" << (ca / "ca.pem").string() << "\"]\n";
  }
}

TestHome::~TestHome() {
  for (pid_t pid : started_) kill(pid, SIGKILL);
  for (pid_t pid : started_) waitpid(pid, nullptr, 0);
  if (!std::getenv("ZPE_KEEP_TEST_HOME")) std::filesystem::remove_all(root_);
}

pid_t TestHome::start(const std::string& name, const std::vector<std::string>& args, const std::string& stdin_text) {
  std::vector<std::string> argv_s = {ZPE_BINARY, "--home", root_.string(), "--config", config_.string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::string log_path = (root_ / "logs" / (name + ".log")).string();
  const std::string stdin_path = (root_ / "logs" / (name + ".stdin")).string();
  if (!stdin_text.empty()) std::ofstream(stdin_path, std::ios::binary) << stdin_text;
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (!stdin_text.empty()) {
      int in = open(stdin_path.c_str(), O_RDONLY);
      dup2(in, 0);
    }
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  started_.push_back(pid);
  return pid;
}

int TestHome::run(const std::vector<std::string>& args, std::string* output, int timeout_s,
                  const std::string& stdin_text) {
  static int counter = 0;
  std::string name = "cmd-" + std::to_string(++counter);
  pid_t pid = start(name, args, stdin_text);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      if (output) *output = log(name);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  started_.erase(std::remove(started_.begin(), started_.end(), pid), started_.end());
  if (output) *output = log(name);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void TestHome::drop(const std::filesystem::path& file, const std::string& tenant) {
  auto dir = inbox(tenant);
  std::filesystem::create_directories(dir);
  auto part = dir / (file.filename().string() + ".part");
  std::filesystem::copy_file(file, part, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(part, dir / file.filename());
}

nlohmann::json TestHome::list_json(const std::string& state) {
  std::vector<std::string> args = {"list", "--json"};
  if (!state.empty()) {
    args.push_back("--state");
    args.push_back(state);
  }
  std::string out;
  if (run(args, &out, 60) != 0) return nlohmann::json::array();
  auto start = out.find('[');
  return start == std::string::npos ? nlohmann::json::array() : nlohmann::json::parse(out.substr(start), nullptr, false);
}

std::string TestHome::log(const std::string& name) const {
  std::ifstream in(root_ / "logs" / (name + ".log"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<pid_t> child_pids(pid_t parent, const std::string& needle) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto close_paren = line.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream rest(line.substr(close_paren + 2));
    char state;
    pid_t ppid;
    rest >> state >> ppid;
    if (ppid != parent) continue;
    std::ifstream cmd(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(cmd)), {});
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) != std::string::npos) out.push_back(std::stoi(name));
  }
  return out;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::vector<std::filesystem::path> sample_letters() {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "letters", ec)) {
    auto ext = e.path().extension().string();
    if (ext == ".tif" || ext == ".png" || ext == ".jpg") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str(), nullptr, false);
}

}  // namespace zpe::testing
