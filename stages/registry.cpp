// make_stage (stage.h): the one place where stages are registered. Adding a stage is one
// new file in stages/ and one line in kStages below.
#include <array>

#include "stages/classify.h"
#include "stages/ocr.h"
#include "stages/prepare.h"
#include "stages/quality.h"
#include "stages/route.h"
#include "stages/split.h"
#include "stages/sign.h"
#include "stages/stage.h"

namespace zpe {

namespace {

using StageFactory = Result<std::unique_ptr<Stage>> (*)(const nlohmann::json& settings);

struct RegisteredStage {
  std::string_view name;
  StageFactory make;
};

constexpr std::array kStages = {
    RegisteredStage{"prepare", make_prepare_stage},
    RegisteredStage{"split", make_split_stage},
    RegisteredStage{"quality", make_quality_stage},
    RegisteredStage{"ocr", make_ocr_stage},
    RegisteredStage{"classify", make_classify_stage},
    RegisteredStage{"sign", make_sign_stage},
    RegisteredStage{"route", make_route_stage},
};

}  // namespace

Result<std::unique_ptr<Stage>> make_stage(std::string_view name, const nlohmann::json& settings) {
  std::string known;
  for (const RegisteredStage& stage : kStages) {
    if (stage.name == name) return stage.make(settings.is_null() ? nlohmann::json::object() : settings);
    known += known.empty() ? "" : ", ";
    known += stage.name;
  }
  return fail(ErrorKind::kInvalidInput, "unknown stage \"" + std::string(name) + "\" (known stages: " + known + ")");
}

}  // namespace zpe
