#include "stages/route.h"

#include "classifiers/case_number.h"
#include "stages/stage_io.h"

namespace zpe {

namespace {

using nlohmann::json;

constexpr const char* kNoCaseNumber =
    "no case number found in the letter — enter the case number at the clearing station";

// record.classification.case_number as a string; "" when null or absent.
std::string classified_case_number(const json& record) {
  const auto classification = record.find("classification");
  if (classification == record.end() || !classification->is_object()) return "";
  const auto number = classification->find("case_number");
  return number != classification->end() && number->is_string() ? number->get<std::string>() : "";
}

class RouteStage final : public Stage {
 public:
  std::string_view name() const override { return "route"; }
  std::string version() const override { return "route/2"; }
  StageOutcome run(const StageContext& context) override;

 private:
  StageResult to_clearing(std::string reason) const;
};

StageResult RouteStage::to_clearing(std::string reason) const {
  StageResult result;
  result.patch["route"] = {{"version", version()}, {"target", nullptr}};
  result.clearing_reason = std::move(reason);
  return result;
}

StageOutcome RouteStage::run(const StageContext& context) {
  const std::string case_number = classified_case_number(context.record);
  if (case_number.empty()) return to_clearing(kNoCaseNumber);
  if (!classifiers::is_valid_case_number(case_number)) {
    return to_clearing("the case number \"" + case_number +
                       "\" is not of the form 1234567-123 — correct it at the clearing station");
  }
  // The PDF that goes to the case file is the one the ocr stage built (and, once signing
  // exists, the sign stage replaced): route only decides where it goes.
  auto pdf = required_string(context.record, {"pdf", "sha256"}, "route");
  if (!pdf) return tl::unexpected(pdf.error());
  StageResult result;
  result.patch["route"] = {{"version", version()}, {"target", "casefile"}, {"case_number", case_number}};
  return result;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_route_stage(const nlohmann::json&) {
  return std::unique_ptr<Stage>(std::make_unique<RouteStage>());
}

}  // namespace zpe
