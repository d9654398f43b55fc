#include <gtest/gtest.h>

#include "stages/stage.h"

namespace zpe {
namespace {

TEST(StageRegistry, StageRegistry_MakesEveryPipelineStageByName) {
  for (const char* name : {"prepare", "split", "quality", "ocr", "classify", "route"}) {
    auto stage = make_stage(name, nlohmann::json::object());
    ASSERT_TRUE(stage) << name << ": " << stage.error().message;
    EXPECT_EQ((*stage)->name(), name);
    EXPECT_EQ((*stage)->version().rfind(std::string(name) + "/", 0), 0u) << (*stage)->version();
  }
}

TEST(StageRegistry, StageRegistry_AcceptsNullSettings) {
  EXPECT_TRUE(make_stage("classify", nullptr));
}

TEST(StageRegistry, StageRegistry_UnknownStageErrorListsKnownStages) {
  auto stage = make_stage("teleport", nlohmann::json::object());
  ASSERT_FALSE(stage);
  EXPECT_EQ(stage.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(stage.error().message.find("\"teleport\""), std::string::npos);
  EXPECT_NE(stage.error().message.find("prepare, split, quality, ocr, classify, sign, route"), std::string::npos) << stage.error().message;
}

TEST(StageRegistry, StageRegistry_ReportsInvalidSettings) {
  auto stage = make_stage("prepare", {{"max_pages", -1}});
  ASSERT_FALSE(stage);
  EXPECT_NE(stage.error().message.find("max_pages"), std::string::npos) << stage.error().message;
}

}  // namespace
}  // namespace zpe
