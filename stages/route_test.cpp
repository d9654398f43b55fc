#include "stages/route.h"

#include <gtest/gtest.h>

#include "stages/testing_blob_access.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;

class RouteStageTest : public ::testing::Test {
 protected:
  StageOutcome route(const json& case_number, bool with_pdf = true) {
    auto stage = make_route_stage(json::object());
    EXPECT_TRUE(stage) << stage.error().message;
    record_ = {{"source", {{"file", "letter.tif"}}}, {"classification", {{"case_number", case_number}}}};
    if (with_pdf) record_["pdf"] = {{"sha256", std::string(64, 'a')}, {"size", 1234}, {"pages", 2}};
    const json settings = json::object();
    return (*stage)->run(StageContext{record_, settings, blobs_});
  }

  InMemoryBlobAccess blobs_;
  json record_;
};

TEST_F(RouteStageTest, RouteStage_SendsDocumentWithoutCaseNumberToClearing) {
  const auto outcome = route(nullptr);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_EQ(*outcome->clearing_reason,
            "no case number found in the letter — enter the case number at the clearing station");
  EXPECT_TRUE(outcome->patch["route"]["target"].is_null());
  EXPECT_FALSE(outcome->patch.contains("pdf"));
  EXPECT_EQ(blobs_.writes(), 0);
}

TEST_F(RouteStageTest, RouteStage_SendsMalformedCaseNumberToClearing) {
  const auto outcome = route("81234-56");
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("\"81234-56\""), std::string::npos) << *outcome->clearing_reason;
}

TEST_F(RouteStageTest, RouteStage_RoutesToCaseFileAndLeavesThePdfToTheOcrStage) {
  const auto outcome = route("8123456-423");
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_FALSE(outcome->clearing_reason);
  EXPECT_EQ(outcome->patch["route"]["target"], "casefile");
  EXPECT_EQ(outcome->patch["route"]["case_number"], "8123456-423");
  EXPECT_FALSE(outcome->patch.contains("pdf")) << "route must not replace the (later: signed) PDF";
  EXPECT_EQ(blobs_.writes(), 0);
}

TEST_F(RouteStageTest, RouteStage_FailsFinalWithoutTheSearchablePdf) {
  const auto outcome = route("8123456-423", false);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
  EXPECT_NE(outcome.error().reason.find("pdf.sha256"), std::string::npos) << outcome.error().reason;
}

TEST_F(RouteStageTest, RouteStage_IsIdempotent) {
  const auto first = route("8123456-423");
  const auto second = route("8123456-423");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->patch, second->patch);
}

}  // namespace
}  // namespace zpe
