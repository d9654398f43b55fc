// `zpe gc [--dry-run] [--json]`: the storage policy by hand (connectors/storage_gc.h); the
// archiver runs the same policy every [storage] gc_interval_minutes (run_storage_policy).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "connectors/storage_gc.h"

namespace zpe::app {

namespace {

// One storage-policy run at a time per home (the archiver's timer and `zpe gc` by hand): two
// sweeps at once would put back each other's blobs set aside for removal. Held until
// destroyed; the kernel lets go when the process dies.
class PolicyLock {
 public:
  static Result<PolicyLock> take(const Home& home) {
    const std::string path = (home.var() / "storage-gc.lock").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return fail(ErrorKind::kIOError, "cannot open " + path + ": " + std::strerror(errno));
    PolicyLock lock(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return lock;
    spdlog::info("storage: another process runs the storage policy on this home; waiting for it to finish");
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) return fail(ErrorKind::kIOError, "cannot lock " + path + ": " + std::strerror(errno));
    }
    return lock;
  }
  PolicyLock(PolicyLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  PolicyLock& operator=(PolicyLock&&) = delete;
  ~PolicyLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit PolicyLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace

Result<StorageGcReport> run_storage_policy(Opened& opened, bool dry_run, const std::string& actor) {
  auto lock = PolicyLock::take(opened.env.home);
  if (!lock) return fail(lock.error());
  BlobStore blobs(opened.env.home.blobs());
  auto report = collect_storage(*opened.jobs, blobs, opened.env.home, storage_policy(opened.env.config), now_ms(),
                                dry_run, actor);
  if (!report) return report;
  if (!dry_run) {
    if (auto st = write_storage_usage(opened.env.home, measure_storage_usage(opened.env.home, now_ms())); !st) {
      spdlog::warn("storage: the disk use per area could not be written: {}", st.error().message);
    }
  }
  return report;
}

namespace {

int run_gc(const GlobalOptions& options, bool dry_run, bool as_json) {
  auto opened = open_store(options, false);
  if (!opened) return kBadArgs;
  auto report = run_storage_policy(*opened, dry_run, cli_actor());
  if (!report) {
    spdlog::error("gc: {}", report.error().message);
    return kFailed;
  }
  if (as_json) {
    std::printf("%s\n", report->to_json().dump(2).c_str());
  } else {
    std::fputs(report->text().c_str(), stdout);
  }
  return kOk;
}

}  // namespace

void add_storage_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* gc = app.add_subcommand(
      "gc", "remove blobs no document needs any more ([storage] policy); says what it frees");
  static bool dry_run = false;
  static bool as_json = false;
  gc->add_flag("--dry-run", dry_run, "decide and report, remove nothing");
  gc->add_flag("--json", as_json, "print the report as JSON");
  gc->callback([&] { action = [&] { return run_gc(options, dry_run, as_json); }; });
}

}  // namespace zpe::app
