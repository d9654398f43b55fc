// InMemoryPageCheckpoints: the page checkpoints of one job for stage unit tests (header-only,
// tests only). Keeps what was saved like the job store does (one entry per page, replaced
// by a later save), counts saves and finds, and can be told to lose the lease after a number
// of saves — what a kill -9 or an expired lease looks like to the stage: the save is refused
// (kConflict) and the stage stops. Thread-safe (stages save from several page threads).
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe::testing {

class InMemoryPageCheckpoints : public PageCheckpoints {
 public:
  std::optional<nlohmann::json> find(std::size_t index, const std::string& stage_version,
                                     const std::string& input_sha256) override {
    std::lock_guard lock(mutex_);
    const auto it = saved_.find(index);
    if (it == saved_.end() || it->second.version != stage_version || it->second.input != input_sha256) {
      return std::nullopt;
    }
    ++found_;
    return it->second.result;
  }

  Status save(std::size_t index, const std::string& stage_version, const std::string& input_sha256,
              const nlohmann::json& result) override {
    std::lock_guard lock(mutex_);
    if (lose_lease_after_ && saves_ >= *lose_lease_after_) return fail(ErrorKind::kConflict, "lease L1 is not valid");
    ++saves_;
    saved_[index] = {stage_version, input_sha256, result};
    return {};
  }

  // The next attempt: the lease is held again, the counters start from 0, the pages stay.
  void next_attempt(std::optional<int> lose_lease_after = std::nullopt) {
    std::lock_guard lock(mutex_);
    lose_lease_after_ = lose_lease_after;
    saves_ = 0;
    found_ = 0;
  }
  void lose_lease_after(int saves) { next_attempt(saves); }

  int saves() const { return saves_; }   // pages saved in this attempt
  int found() const { return found_; }   // pages taken from earlier attempts in this attempt
  std::size_t pages() const { return saved_.size(); }
  std::optional<nlohmann::json> result(std::size_t index) const {
    const auto it = saved_.find(index);
    return it == saved_.end() ? std::nullopt : std::optional<nlohmann::json>(it->second.result);
  }

 private:
  struct Saved {
    std::string version;
    std::string input;
    nlohmann::json result;
  };
  mutable std::mutex mutex_;
  std::map<std::size_t, Saved> saved_;
  std::optional<int> lose_lease_after_;
  int saves_ = 0;
  int found_ = 0;
};

}  // namespace zpe::testing
