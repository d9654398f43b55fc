// Supervisor: starts ZPE's processes as children of `zpe run`, restarts any that dies
// (with a back-off, so a crash loop does not spin), and stops them all cleanly: SIGTERM,
// then SIGKILL after a grace period. Children get PR_SET_PDEATHSIG, so they do not
// outlive a supervisor that was killed. Used from one thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/status.h"

namespace zpe {

struct ChildSpec {
  std::string name;               // for logs, e.g. "worker-ocr-1"
  std::vector<std::string> args;  // argv after the program path
};

class Supervisor {
 public:
  explicit Supervisor(std::string program) : program_(std::move(program)) {}
  ~Supervisor() { stop_all(5000); }

  Status start(const ChildSpec& spec);
  // Reaps children that exited and restarts them when their back-off has passed.
  void tend(int64_t now_ms);
  void stop_all(int64_t grace_ms);
  int restarts() const { return restarts_; }
  // pid of the running child of that name, or -1.
  pid_t pid_of(const std::string& name) const;

 private:
  struct Child {
    ChildSpec spec;
    pid_t pid = -1;
    int64_t restart_at_ms = 0;
    int64_t backoff_ms = 500;
    int64_t started_ms = 0;
  };
  Result<pid_t> spawn(const ChildSpec& spec);

  std::string program_;
  std::vector<Child> children_;
  int restarts_ = 0;
};

}  // namespace zpe
