#include "stages/classify.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "classifiers/applicant_keys.h"
#include "classifiers/case_number.h"
#include "classifiers/doc_type.h"
#include "classifiers/letter_date.h"
#include "classifiers/letter_fields.h"
#include "classifiers/ocr_layout.h"
#include "classifiers/near_duplicate.h"
#include "stages/classify_court_message.h"
#include "stages/doc_type_decision.h"
#include "stages/settings_path.h"
#include "stages/stage_io.h"

namespace zpe {

namespace {

using nlohmann::json;
namespace cls = zpe::classifiers;

constexpr double kHintProposalConfidence = 0.5;
constexpr double kConfirmedCaseHintConfidence = 0.97;
constexpr double kConfirmedTypeHintConfidence = 0.9;

double rounded(double confidence) { return std::round(confidence * 1000.0) / 1000.0; }

// A string hint from record.source.manifest.hints, or "".
std::string manifest_hint(const json& record, const char* key) {
  const json* node = &record;
  for (const char* step : {"source", "manifest", "hints", key}) {
    if (!node->is_object() || !node->contains(step)) return "";
    node = &node->at(step);
  }
  return node->is_string() ? node->get<std::string>() : "";
}

// Turns positions in the OCR text into the record's position objects; with the OCR layout
// they also get the box on the page image and the confidence OCR had in those words.
class PositionWriter {
 public:
  PositionWriter(std::string_view text, const cls::OcrLayout* layout) : text_(text), layout_(layout) {}

  std::optional<cls::LocatedText> locate(const cls::TextPosition& position) const {
    return layout_ ? cls::locate_words(*layout_, text_, position) : std::nullopt;
  }

  json operator()(const cls::TextPosition& position) const {
    json out = {{"page", position.page_index + 1}, {"offset", position.offset}, {"text", position.text},
                {"box", nullptr}, {"word_confidence", nullptr}};
    if (const auto located = locate(position)) {
      const cls::WordBox& box = located->box;
      out["box"] = {{"left", box.left}, {"top", box.top}, {"right", box.right}, {"bottom", box.bottom},
                    {"page_width", located->page_width}, {"page_height", located->page_height}};
      out["word_confidence"] = rounded(located->min_word_confidence);
    }
    return out;
  }

 private:
  std::string_view text_;
  const cls::OcrLayout* layout_;  // null: no ALTO for this document (positions without boxes)
};

json candidate_json(const cls::CaseNumberCandidate& candidate, const PositionWriter& position_json) {
  json out = position_json(candidate.position);
  out["case_number"] = candidate.number;
  out["confidence"] = rounded(candidate.confidence);
  out["source"] = "text";
  return out;
}

// Which case number wins: a hint confirmed by the text, else the better of the best text
// candidate and the hint as a proposal (the hint wins ties).
struct CaseChoice {
  std::optional<std::size_t> text_index;  // the chosen text candidate
  bool hint_alone = false;                // the hint, unconfirmed, was chosen
  double confidence = 0.0;
  const char* source = nullptr;           // "text", "hint", "hint+text"; null: nothing found
};

CaseChoice choose_case_number(const std::vector<cls::CaseNumberCandidate>& found,
                              const std::optional<std::string>& hint) {
  if (hint) {
    const auto match = std::find_if(found.begin(), found.end(), [&](const auto& c) { return c.number == *hint; });
    if (match != found.end()) {
      return {static_cast<std::size_t>(match - found.begin()), false,
              std::max(kConfirmedCaseHintConfidence, match->confidence), "hint+text"};
    }
  }
  if (!found.empty() && (!hint || found.front().confidence > kHintProposalConfidence)) {
    return {0, false, found.front().confidence, "text"};
  }
  if (hint) return {std::nullopt, true, kHintProposalConfidence, "hint"};
  return {};
}

json describe_case_number(const std::vector<cls::CaseNumberCandidate>& found, const std::string& hint_text,
                          const PositionWriter& position_json) {
  const auto hint = cls::normalise_case_number(hint_text);
  const CaseChoice choice = choose_case_number(found, hint);
  json out = {{"case_number", nullptr}, {"case_number_confidence", rounded(choice.confidence)},
              {"case_number_source", choice.source ? json(choice.source) : json(nullptr)},
              {"case_number_position", nullptr}, {"candidates", json::array()}};
  if (choice.text_index) {
    out["case_number"] = found[*choice.text_index].number;
    out["case_number_position"] = position_json(found[*choice.text_index].position);
  } else if (choice.hint_alone) {
    out["case_number"] = *hint;
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (i != choice.text_index) out["candidates"].push_back(candidate_json(found[i], position_json));
  }
  if (hint && !choice.hint_alone && std::string_view(choice.source) != "hint+text") {
    out["candidates"].push_back({{"case_number", *hint}, {"confidence", kHintProposalConfidence}, {"source", "hint"},
                                 {"page", nullptr}, {"offset", nullptr}, {"text", hint_text}});
  }
  auto& candidates = out["candidates"];
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const json& a, const json& b) { return a["confidence"] > b["confidence"]; });
  return out;
}

// Applies the manifest hint to the text's type decision.
json decide_doc_type(const TypeDecision& decided, const std::string& hint_text) {
  const auto hint = cls::parse_doc_type(hint_text);
  std::string type = decided.type;
  double confidence = decided.confidence;
  std::string source = "text";
  if (hint && cls::doc_type_name(*hint) == type) {
    confidence = std::max(confidence, kConfirmedTypeHintConfidence);
    source = "hint+text";
  } else if (hint && confidence <= kHintProposalConfidence) {
    type = cls::doc_type_name(*hint);
    confidence = kHintProposalConfidence;
    source = "hint";
  }
  return {{"doc_type", type}, {"doc_type_confidence", rounded(confidence)}, {"doc_type_source", source},
          {"doc_type_method", decided.source}, {"doc_type_evidence", decided.evidence}};
}

json field_json(const std::optional<cls::FoundField>& field, const PositionWriter& position_json) {
  if (!field) return nullptr;
  json out = position_json(field->position);
  out["value"] = field->value;
  out["confidence"] = rounded(field->confidence);
  return out;
}

json describe_other_fields(const std::string& text, const PositionWriter& position_json) {
  json court_numbers = json::array();
  for (const auto& found : cls::find_court_file_numbers(text)) court_numbers.push_back(field_json(found, position_json));
  return {{"court_file_number", court_numbers.empty() ? json(nullptr) : court_numbers.front()["value"]},
          {"court_file_numbers", court_numbers},
          {"court", field_json(cls::find_court_name(text), position_json)},
          {"sender", field_json(cls::find_sender(text), position_json)}};
}

// The applicant's second keys as the route policy compares them with the registry.
json describe_second_keys(const std::string& text, const PositionWriter& position_json) {
  json surnames = json::array();
  for (const auto& found : cls::find_applicant_names(text)) surnames.push_back(field_json(found, position_json));
  json birth_dates = json::array();
  for (const auto& found : cls::find_birth_dates(text)) birth_dates.push_back(field_json(found, position_json));
  return {{"surname", std::move(surnames)}, {"birth_date", std::move(birth_dates)}};
}

json describe_letter_date(const std::optional<cls::LetterDate>& date, const PositionWriter& position_json) {
  if (!date) {
    return {{"letter_date", nullptr}, {"letter_date_text", nullptr}, {"letter_date_confidence", 0.0},
            {"letter_date_position", nullptr}};
  }
  return {{"letter_date", date->iso},
          {"letter_date_text", date->position.text},
          {"letter_date_confidence", rounded(date->confidence)},
          {"letter_date_position", position_json(date->position)}};
}

// The OCR layout (word boxes and confidences) from record.ocr.alto_blob; nullopt when the
// record has none (older records) or it cannot be parsed: positions then carry no box.
StageValue<std::optional<cls::OcrLayout>> read_layout(const StageContext& context) {
  const json& ocr = context.record.value("ocr", json::object());
  if (!ocr.is_object() || !ocr.contains("alto_blob") || !ocr["alto_blob"].is_string()) {
    return std::optional<cls::OcrLayout>();
  }
  auto alto = read_blob(context.blobs, ocr["alto_blob"].get<std::string>(),
                        source_file_name(context.record) + ": ALTO XML");
  if (!alto) return tl::unexpected(alto.error());
  auto layout = cls::parse_alto(*alto);
  if (!layout) {
    spdlog::warn("classify: {}: {} — positions get no boxes", source_file_name(context.record),
                 layout.error().message);
    return std::optional<cls::OcrLayout>();
  }
  return std::optional<cls::OcrLayout>(std::move(*layout));
}

// The model is the tenant's ([tenants.<t>.stages.classify] model overrides [stages.classify]
// model): each model file is loaded on first use and kept for the worker's life.
class ClassifyStage final : public Stage {
 public:
  ClassifyStage(json construction_settings, const std::string& configured, std::optional<cls::DocTypeModel> model)
      : construction_settings_(std::move(construction_settings)), default_model_(configured) {
    models_.emplace(configured, std::move(model));
  }
  std::string_view name() const override { return "classify"; }
  std::string version() const override { return version_with(model_of(default_model_)); }

  StageOutcome run(const StageContext& context) override {
    auto text_sha = required_string(context.record, {"ocr", "text_blob"}, "classify");
    if (!text_sha) return tl::unexpected(text_sha.error());
    auto text = read_blob(context.blobs, *text_sha, source_file_name(context.record) + ": OCR text");
    if (!text) return tl::unexpected(text.error());

    auto layout = read_layout(context);
    if (!layout) return tl::unexpected(layout.error());
    const PositionWriter positions(*text, *layout ? &**layout : nullptr);

    auto rules = parse_tenant_rules(context.settings);
    if (!rules) return stage_failure(FailureKind::kFinal, rules.error().message);
    auto model = model_for(context.settings);
    if (!model) return stage_failure(FailureKind::kFinal, model.error().message);
    const TypeDecision decided = decide_type(*text, *rules, *model, allowed_types(context.settings));
    json classification = {{"version", version_with(*model)}};
    classification.update(decide_doc_type(decided, manifest_hint(context.record, "doc_type")));
    classification.update(
        describe_case_number(cls::find_case_numbers(*text), manifest_hint(context.record, "case_number"), positions));
    classification.update(describe_letter_date(cls::find_letter_date(*text), positions));
    classification.update(describe_other_fields(*text, positions));
    classification["second_keys"] = describe_second_keys(*text, positions);
    const auto fingerprint = cls::fingerprint_text(*text);
    classification["text_fingerprint"] = fingerprint ? json(cls::encode_fingerprint(*fingerprint)) : json(nullptr);
    // A court's XJustiz message says what it sent: that outranks the text.
    apply_court_message(court_message_of(context.record), classification);
    fill_value_sources(classification);
    StageResult result;
    result.patch["classification"] = std::move(classification);
    return result;
  }

 private:
  static std::string version_with(const cls::DocTypeModel* model) {
    return std::string("classify/4 rules-1") + (model ? " " + model->version() : "");
  }
  const cls::DocTypeModel* model_of(const std::string& configured) const {
    const auto it = models_.find(configured);
    return it != models_.end() && it->second ? &*it->second : nullptr;
  }
  // The model the settings name (nullptr: none configured, keyword rules only).
  Result<const cls::DocTypeModel*> model_for(const json& settings) {
    const std::string configured = settings.is_object() ? settings.value("model", "") : "";
    if (configured.empty()) return nullptr;
    if (!models_.contains(configured)) {
      auto loaded = cls::DocTypeModel::load(resolve_settings_path(configured, construction_settings_));
      if (!loaded) return fail(loaded.error().kind, "[stages.classify] model " + configured + ": " + loaded.error().message);
      models_.emplace(configured, std::move(*loaded));
    }
    return model_of(configured);
  }

  json construction_settings_;  // for "home", to resolve a tenant's model path
  std::string default_model_;   // the model the worker's own settings name
  std::map<std::string, std::optional<cls::DocTypeModel>> models_;  // by configured path; "" = none
};

}  // namespace

Result<std::unique_ptr<Stage>> make_classify_stage(const nlohmann::json& settings) {
  if (auto rules = parse_tenant_rules(settings); !rules) return fail(rules.error());
  std::optional<cls::DocTypeModel> model;
  const std::string configured = settings.is_object() ? settings.value("model", "") : "";
  if (!configured.empty()) {
    auto loaded = cls::DocTypeModel::load(resolve_settings_path(configured, settings));
    if (!loaded) return fail(loaded.error().kind, "[stages.classify] model: " + loaded.error().message);
    model = std::move(*loaded);
  }
  return std::unique_ptr<Stage>(std::make_unique<ClassifyStage>(settings, configured, std::move(model)));
}

}  // namespace zpe
