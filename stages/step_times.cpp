#include "stages/step_times.h"

#include <algorithm>
#include <cmath>

namespace zpe {

void StepTimes::add(std::string_view step, double ms) {
  std::lock_guard lock(mutex_);
  auto found = std::find_if(totals_ms_.begin(), totals_ms_.end(), [&](const auto& entry) { return entry.first == step; });
  if (found == totals_ms_.end()) {
    totals_ms_.emplace_back(std::string(step), ms);
  } else {
    found->second += ms;
  }
}

nlohmann::json StepTimes::to_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [step, ms] : totals_ms_) out[step] = std::round(ms * 10.0) / 10.0;
  return out;
}

nlohmann::json StepTimes::merged_into(const nlohmann::json& record, std::string_view stage) const {
  nlohmann::json all = record.is_object() && record.contains("step_ms") && record["step_ms"].is_object()
                           ? record["step_ms"]
                           : nlohmann::json::object();
  all[std::string(stage)] = to_json();
  return all;
}

}  // namespace zpe
