// Wall time per step of a stage's work on one document ("decode", "orientation",
// "encode", ...), summed over the document's pages, written into the record's "step_ms"
// object under the stage's name ({"prepare": {"decode": 41.2, ...}, "split": {...}}) so
// `zpe show` and bench/stage_steps.sh can tell where a stage spends its time.
// Used by the stages around OCR (prepare, split, quality, ocr). Thread-safe: pages worked
// on several threads add to one StepTimes.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace zpe {

class StepTimes {
 public:
  // Runs `work` and adds its wall time to `step`; returns what `work` returns.
  template <class Work>
  decltype(auto) time(std::string_view step, Work&& work) {
    const auto start = std::chrono::steady_clock::now();
    struct AddOnExit {
      StepTimes& times;
      std::string_view step;
      std::chrono::steady_clock::time_point start;
      ~AddOnExit() { times.add(step, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()); }
    } add_on_exit{*this, step, start};
    return std::forward<Work>(work)();
  }

  void add(std::string_view step, double ms);

  // {"decode": 12.3, ...} rounded to 0.1 ms.
  nlohmann::json to_json() const;

  // record["step_ms"] with this stage's entry set to to_json(): the value of the stage
  // result's patch["step_ms"] (a patch replaces top-level keys, so the other stages'
  // entries are carried over).
  nlohmann::json merged_into(const nlohmann::json& record, std::string_view stage) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, double>> totals_ms_;
};

}  // namespace zpe
