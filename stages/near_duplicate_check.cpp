#include "stages/near_duplicate_check.h"

#include <cmath>

#include "classifiers/case_number.h"
#include "classifiers/near_duplicate.h"

namespace zpe {

namespace {

using nlohmann::json;
namespace cls = zpe::classifiers;

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

double two_decimals(double value) { return std::round(value * 100.0) / 100.0; }

json skipped(const std::string& why) { return {{"compared", 0}, {"skipped", why}}; }

std::string string_at(const json& object, const char* key) {
  const auto it = object.is_object() ? object.find(key) : object.end();
  return object.is_object() && it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Result<NearDuplicateSettings> near_duplicate_settings(const json& settings) {
  NearDuplicateSettings out;
  out.min_similarity = cls::kDefaultNearDuplicateSimilarity;
  if (!settings.is_object()) return out;
  if (const auto days = settings.find("near_duplicate_days"); days != settings.end()) {
    if (!days->is_number_integer() || days->get<int64_t>() < 0 || days->get<int64_t>() > 3650) {
      return fail(ErrorKind::kInvalidInput, "[stages.route] near_duplicate_days must be a whole number of days "
                                            "from 0 (off) to 3650");
    }
    out.days = days->get<int>();
  }
  if (const auto similarity = settings.find("near_duplicate_similarity"); similarity != settings.end()) {
    if (!similarity->is_number() || similarity->get<double>() <= 0.0 || similarity->get<double>() > 1.0) {
      return fail(ErrorKind::kInvalidInput, "[stages.route] near_duplicate_similarity must be a number above 0, "
                                            "at most 1");
    }
    out.min_similarity = similarity->get<double>();
  }
  return out;
}

tl::expected<NearDuplicateCheck, StageFailure> check_near_duplicate(FiledDocuments* filed, const std::string& tenant,
                                                                    const std::string& case_number,
                                                                    const std::string& fingerprint,
                                                                    const NearDuplicateSettings& settings,
                                                                    int64_t now_ms) {
  if (settings.days == 0) return NearDuplicateCheck{std::nullopt, skipped("turned off (near_duplicate_days = 0)")};
  if (!filed) return NearDuplicateCheck{std::nullopt, skipped("no record of filed documents at hand")};
  const auto mine = cls::decode_fingerprint(fingerprint);
  if (!mine) return NearDuplicateCheck{std::nullopt, skipped("text too short to compare")};
  const int64_t since_ms = now_ms - settings.days * kDayMs;
  auto documents = filed->filed_in_case(tenant, case_number, since_ms);
  if (!documents) {
    return stage_failure(FailureKind::kRetryable,
                         "cannot look up the documents filed in case " + case_number + ": " + documents.error().message);
  }
  NearDuplicateCheck check;
  int compared = 0;
  double best = 0.0;
  for (const FiledDocument& document : *documents) {
    const auto theirs = cls::decode_fingerprint(document.text_fingerprint);
    if (!theirs || document.filed_at_ms < since_ms) continue;
    ++compared;
    const double similarity = cls::estimate_similarity(*mine, *theirs);
    if (compared > 1 && similarity <= best) continue;  // ties: the earlier filing stays
    best = similarity;
    if (similarity >= settings.min_similarity) {
      check.found = NearDuplicate{document.document_id, case_number, two_decimals(similarity), document.filed_at_ms};
    }
  }
  check.summary = {{"window_days", settings.days},
                   {"compared", compared},
                   {"best_similarity", compared ? json(two_decimals(best)) : json(nullptr)},
                   {"threshold", settings.min_similarity}};
  return check;
}

tl::expected<NearDuplicateCheck, StageFailure> check_record_for_near_duplicate(const StageContext& context,
                                                                               int64_t now_ms) {
  auto settings = near_duplicate_settings(context.settings);
  if (!settings) return stage_failure(FailureKind::kFinal, settings.error().message);
  const json classification = context.record.value("classification", json::object());
  const std::string case_number = string_at(classification, "case_number");
  if (!classifiers::is_valid_case_number(case_number)) {
    return NearDuplicateCheck{std::nullopt, skipped("no well-formed case number to look in")};
  }
  return check_near_duplicate(context.filed, string_at(context.record, "tenant"), case_number,
                              string_at(classification, "text_fingerprint"), *settings, now_ms);
}

json near_duplicate_json(const std::optional<NearDuplicate>& found) {
  if (!found) return nullptr;
  return {{"document_id", found->document_id}, {"case_number", found->case_number},
          {"similarity", found->similarity}, {"filed_at_ms", found->filed_at_ms}};
}

}  // namespace zpe
