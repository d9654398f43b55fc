#include "pipeline/supervisor.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <spdlog/spdlog.h>

#include "pipeline/job_store.h"

namespace zpe {

Result<pid_t> Supervisor::spawn(const ChildSpec& spec) {
  std::vector<std::string> argv_strings = {program_};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return fail(ErrorKind::kIOError, std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);  // the supervisor died before prctl took effect
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(program_.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

Status Supervisor::start(const ChildSpec& spec) {
  auto pid = spawn(spec);
  if (!pid) return fail(pid.error());
  spdlog::info("supervisor: started {} (pid {})", spec.name, *pid);
  children_.push_back(Child{spec, *pid, 0, 500, now_ms()});
  return {};
}

void Supervisor::tend(int64_t now) {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (auto& c : children_) {
      if (c.pid != pid) continue;
      std::string how = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                            : "exited with " + std::to_string(WEXITSTATUS(status));
      // A child that ran a while gets a quick restart; a crash loop backs off up to 30 s.
      c.backoff_ms = (now - c.started_ms > 30000) ? 500 : std::min<int64_t>(c.backoff_ms * 2, 30000);
      c.restart_at_ms = now + c.backoff_ms;
      spdlog::warn("supervisor: {} (pid {}) {}; restarting in {} ms", c.spec.name, pid, how, c.backoff_ms);
      c.pid = -1;
    }
  }
  for (auto& c : children_) {
    if (c.pid != -1 || now < c.restart_at_ms) continue;
    auto spawned = spawn(c.spec);
    if (!spawned) {
      spdlog::error("supervisor: cannot restart {}: {}", c.spec.name, spawned.error().describe());
      c.restart_at_ms = now + c.backoff_ms;
      continue;
    }
    c.pid = *spawned;
    c.started_ms = now;
    ++restarts_;
    spdlog::info("supervisor: restarted {} (pid {})", c.spec.name, c.pid);
  }
}

void Supervisor::stop_all(int64_t grace_ms) {
  for (auto& c : children_) {
    if (c.pid > 0) kill(c.pid, SIGTERM);
  }
  int64_t deadline = now_ms() + grace_ms;
  while (true) {
    bool any = false;
    for (auto& c : children_) {
      if (c.pid <= 0) continue;
      int status = 0;
      pid_t r = waitpid(c.pid, &status, WNOHANG);
      if (r == c.pid || (r < 0 && errno == ECHILD)) c.pid = -1;
      else any = true;
    }
    if (!any) break;
    if (now_ms() >= deadline) {
      for (auto& c : children_) {
        if (c.pid > 0) {
          spdlog::warn("supervisor: {} did not stop in time; killing it", c.spec.name);
          kill(c.pid, SIGKILL);
          waitpid(c.pid, nullptr, 0);
          c.pid = -1;
        }
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  children_.clear();
}

pid_t Supervisor::pid_of(const std::string& name) const {
  for (const auto& c : children_) {
    if (c.spec.name == name) return c.pid;
  }
  return -1;
}

}  // namespace zpe
