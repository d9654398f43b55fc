#include "stages/page_parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include "stages/stage_io.h"

namespace zpe {

std::optional<StageFailure> for_each_page(std::size_t count, int threads, const PageWork& work) {
  const int lanes = static_cast<int>(std::clamp<std::size_t>(count, 1, static_cast<std::size_t>(std::max(1, threads))));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;  // guards the two below
  std::optional<std::pair<std::size_t, StageFailure>> first_failure;
  std::exception_ptr thrown;
  const auto run_lane = [&](int lane) {
    try {
      while (!stop.load()) {
        const std::size_t index = next.fetch_add(1);
        if (index >= count) return;
        if (auto failure = work(index, lane)) {
          std::lock_guard lock(mutex);
          if (!first_failure || index < first_failure->first) first_failure.emplace(index, std::move(*failure));
          stop = true;
        }
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!thrown) thrown = std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> helpers;
  for (int lane = 1; lane < lanes; ++lane) helpers.emplace_back(run_lane, lane);
  run_lane(0);
  for (auto& helper : helpers) helper.join();
  if (thrown) std::rethrow_exception(thrown);
  if (first_failure) return std::move(first_failure->second);
  return std::nullopt;
}

Result<int> page_threads_setting(const nlohmann::json& settings) {
  auto threads = integer_setting(settings, "page_threads", 2, 1, 64);
  if (!threads) return fail(threads.error());
  return static_cast<int>(*threads);
}

Result<std::string> SerialBlobAccess::read(const std::string& sha256) {
  std::lock_guard lock(mutex_);
  return inner_.read(sha256);
}

Result<std::string> SerialBlobAccess::write(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  return inner_.write(bytes);
}

}  // namespace zpe
