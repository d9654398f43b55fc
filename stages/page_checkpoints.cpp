#include "stages/page_checkpoints.h"

#include <spdlog/spdlog.h>

#include "pipeline/blob_store.h"

namespace zpe {

ResumablePages::ResumablePages(const StageContext& context, std::string stage, std::string stage_version,
                               std::size_t page_count)
    : checkpoints_(context.checkpoints),
      stage_(std::move(stage)),
      stage_version_(std::move(stage_version)),
      settings_(context.settings.dump()),
      record_(page_count != 1) {}

std::string ResumablePages::input_hash(std::string_view input) const {
  std::string text = stage_version_;
  text += '\n';
  text += settings_;
  text += '\n';
  text += input;
  return sha256_hex(text);
}

StageValue<nlohmann::json> ResumablePages::page(std::size_t index, std::string_view input, const Work& work,
                                                const Restore& restore) {
  if (checkpoints_ == nullptr) return work();
  const std::string hash = input_hash(input);
  if (auto earlier = checkpoints_->find(index, stage_version_, hash); earlier && earlier->is_object()) {
    if (!restore || restore(*earlier)) {
      ++reused_;
      return *earlier;
    }
  }
  auto result = work();
  if (!result || !recording()) return result;
  auto saved = checkpoints_->save(index, stage_version_, hash, *result);
  if (saved) return result;
  if (saved.error().kind == ErrorKind::kConflict) {
    return stage_failure(FailureKind::kRetryable,
                         stage_ + ": the job's lease was lost while it worked (the document went back to the queue): "
                                  "stopped; the next attempt goes on from the pages recorded — nothing to do");
  }
  if (!recording_failed_.exchange(true)) {
    spdlog::warn("{}: page checkpoints are not recorded for the rest of this job ({}); a retry would repeat its pages",
                 stage_, saved.error().describe());
  }
  return result;
}

void ResumablePages::log_reuse(const std::string& file, std::size_t pages) const {
  if (reused_.load() == 0) return;
  spdlog::info("{}: {} took {} of {} pages from an earlier attempt's checkpoints", file, stage_, reused_.load(), pages);
}

}  // namespace zpe
