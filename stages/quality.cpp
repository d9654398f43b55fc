#include "stages/quality.h"

#include <new>

#include <leptonica/allheaders.h>

#include "stages/page_image.h"
#include "stages/page_quality.h"
#include "stages/page_parallel.h"
#include "stages/stage_io.h"
#include "stages/step_times.h"

namespace zpe {

namespace {

using nlohmann::json;

enum class BlankPolicy { kDrop, kKeep, kFlag };

Result<BlankPolicy> parse_blank_policy(const std::string& text) {
  if (text == "drop") return BlankPolicy::kDrop;
  if (text == "keep") return BlankPolicy::kKeep;
  if (text == "flag") return BlankPolicy::kFlag;
  return fail(ErrorKind::kInvalidInput, "blank_pages must be \"drop\", \"keep\" or \"flag\", not \"" + text + "\"");
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

std::string page_list(const std::vector<int>& pages) {
  std::vector<std::string> texts;
  for (int page : pages) texts.push_back(std::to_string(page));
  return join(texts, ", ");
}

// What one tenant asks for: thresholds and the blank-page policy.
struct QualityPolicy {
  QualityThresholds limits;
  BlankPolicy blank = BlankPolicy::kDrop;
  std::string blank_text = "drop";
};

Result<QualityPolicy> policy_from_settings(const json& settings) {
  QualityPolicy policy;
  auto limits = thresholds_from_settings(settings);
  if (!limits) return fail(ErrorKind::kInvalidInput, "stage quality: " + limits.error().message);
  auto blank_text = string_setting(settings, "blank_pages", "drop");
  if (!blank_text) return fail(ErrorKind::kInvalidInput, "stage quality: " + blank_text.error().message);
  auto blank = parse_blank_policy(*blank_text);
  if (!blank) return fail(ErrorKind::kInvalidInput, "stage quality: " + blank.error().message);
  return QualityPolicy{*limits, *blank, *blank_text};
}

// Settings come with each job (merged with the tenant's), so one worker serves all tenants.
class QualityStage final : public Stage {
 public:

  std::string_view name() const override { return "quality"; }
  std::string version() const override { return "quality/1"; }

  StageOutcome run(const StageContext& context) override {
    try {
      return check_document(context);
    } catch (const std::bad_alloc&) {
      return stage_failure(FailureKind::kRetryable,
                           source_file_name(context.record) + ": out of memory while checking quality — retrying");
    }
  }

 private:
  StageOutcome check_document(const StageContext& context);
  StageValue<json> check_page(BlobAccess& blobs, const json& page, const std::string& file,
                              const QualityThresholds& limits, StepTimes& times);
};

StageValue<json> QualityStage::check_page(BlobAccess& blobs, const json& page, const std::string& file,
                                          const QualityThresholds& limits, StepTimes& times) {
  const int source_page = page.value("source_page", page.value("page", 0));
  const std::string where = file + ": page " + std::to_string(source_page);
  auto png = times.time("read", [&] { return read_blob(blobs, page.value("blob", ""), where + " image"); });
  if (!png) return tl::unexpected(png.error());
  auto pix = times.time("decode", [&] { return decode_image(*png); });
  if (!pix) return stage_failure(FailureKind::kFinal, where + ": the prepared image cannot be read — report to IT");
  const int dpi = std::min(page.value("dpi_x", 0), page.value("dpi_y", 0));
  auto measured = measure_page(pix->get(), dpi, page.value("dpi_assumed", false), &times);
  if (!measured) return stage_failure(FailureKind::kBadInput, where + ": " + measured.error().message + " — rescan");
  const PageVerdict verdict = judge_page(*measured, limits, source_page);
  return json{{"page", page.value("page", 0)},
              {"source_page", source_page},
              {"verdict", verdict_name(verdict.verdict)},
              {"reasons", verdict.reasons},
              {"measured", measurements_json(*measured)}};
}

StageOutcome QualityStage::check_document(const StageContext& context) {
  const std::string file = source_file_name(context.record);
  if (!context.record.contains("pages") || !context.record["pages"].is_array()) {
    return stage_failure(FailureKind::kFinal, file + ": quality found no pages (prepare has not run) — report to IT");
  }
  auto policy = policy_from_settings(context.settings);
  if (!policy) return stage_failure(FailureKind::kFinal, file + ": " + policy.error().message + " — correct the configuration");
  json kept = json::array(), verdicts = json::array();
  std::vector<int> dropped, rejected, blank;
  std::vector<std::string> reasons;
  auto threads = page_threads_setting(context.settings);
  if (!threads) {
    return stage_failure(FailureKind::kFinal, file + ": stage quality: " + threads.error().message + " — correct the configuration");
  }
  const json& pages = context.record["pages"];
  std::vector<json> checked(pages.size());
  StepTimes times;
  SerialBlobAccess blobs(context.blobs);
  const auto failed = for_each_page(pages.size(), *threads, [&](std::size_t i, int) -> std::optional<StageFailure> {
    auto verdict = check_page(blobs, pages[i], file, policy->limits, times);
    if (!verdict) return verdict.error();
    checked[i] = std::move(*verdict);
    return std::nullopt;
  });
  if (failed) return tl::unexpected(*failed);
  for (size_t i = 0; i < pages.size(); ++i) {
    const json& page = pages[i];
    json& verdict = checked[i];
    const std::string name = verdict["verdict"];
    const int source_page = verdict["source_page"];
    if (name == "reject") {
      rejected.push_back(source_page);
      for (const auto& reason : verdict["reasons"]) reasons.push_back(reason);
    }
    if (name == "blank") blank.push_back(source_page);
    if (name == "blank" && policy->blank == BlankPolicy::kDrop) {
      dropped.push_back(source_page);
    } else {
      json stays = page;
      stays["page"] = static_cast<int>(kept.size()) + 1;
      kept.push_back(std::move(stays));
    }
    verdicts.push_back(std::move(verdict));
  }
  StageResult result;
  result.patch["quality"] = {{"version", version()}, {"blank_pages", policy->blank_text}, {"verdicts", verdicts},
                             {"dropped_source_pages", dropped}, {"rejected_source_pages", rejected}};
  if (!rejected.empty()) {
    result.clearing_reason = "rescan needed: page" + std::string(rejected.size() > 1 ? "s " : " ") + page_list(rejected) +
                             " of " + file + " — " + join(reasons, "; ");
  } else if (kept.empty()) {
    result.clearing_reason = file + ": every page is blank — check that the written side was scanned";
  } else if (policy->blank == BlankPolicy::kFlag && !blank.empty()) {
    result.clearing_reason = file + ": blank page" + std::string(blank.size() > 1 ? "s " : " ") + page_list(blank) +
                             " — confirm they may stay in the document or remove them";
  }
  result.patch["page_count"] = kept.size();
  result.patch["pages"] = std::move(kept);
  result.patch["step_ms"] = times.merged_into(context.record, "quality");
  return result;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_quality_stage(const json& settings) {
  if (auto policy = policy_from_settings(settings); !policy) return fail(policy.error());
  if (auto threads = page_threads_setting(settings); !threads) {
    return fail(ErrorKind::kInvalidInput, "stage quality: " + threads.error().message);
  }
  quiet_leptonica();
  return std::unique_ptr<Stage>(std::make_unique<QualityStage>());
}

}  // namespace zpe
