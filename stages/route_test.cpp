#include "stages/route.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

#include "stages/testing_blob_access.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;

class RouteStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::filesystem::temp_directory_path() /
                ("zpe-route-registry-" + random_hex(6) + ".csv");  // own file: ctest runs tests in parallel processes
    std::ofstream(registry_) << "case_number,tenant,opened\n8123456-423,default,2024-01-01\n";
  }
  void TearDown() override { std::filesystem::remove(registry_); }

  StageOutcome route(const json& case_number, bool with_pdf = true, double type_confidence = 0.95,
                     bool with_registry = true) {
    auto stage = make_route_stage(json::object());
    EXPECT_TRUE(stage) << stage.error().message;
    record_ = {{"source", {{"file", "letter.tif"}}},
               {"tenant", "default"},
               {"classification",
                {{"case_number", case_number}, {"case_number_confidence", 0.95},
                 {"doc_type", "Ladung"}, {"doc_type_confidence", type_confidence}}}};
    if (with_pdf) record_["pdf"] = {{"sha256", std::string(64, 'a')}, {"size", 1234}, {"pages", 2}};
    json settings = {{"min_type_confidence", 0.8}, {"min_case_confidence", 0.8}};
    if (with_registry) settings["registry"] = registry_.string();
    return (*stage)->run(StageContext{record_, settings, blobs_});
  }

  std::filesystem::path registry_;

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

TEST_F(RouteStageTest, RouteStage_SendsUnknownCaseNumberToClearingWithNearestSuggestion) {
  const auto outcome = route("8123456-428");
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("unknown case number 8123456-428"), std::string::npos);
  EXPECT_EQ(outcome->patch["route"]["proposal"]["suggestions"], json::array({"8123456-423"}));
  EXPECT_EQ(outcome->patch["route"]["proposal"]["case_number"], "8123456-428");
}

TEST_F(RouteStageTest, RouteStage_NeverRoutesWithoutARegistry) {
  const auto outcome = route("8123456-423", true, 0.95, false);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("no case registry configured"), std::string::npos);
}

TEST_F(RouteStageTest, RouteStage_SendsUnsureTypeToClearingWithProposal) {
  const auto outcome = route("8123456-423", true, 0.79);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("document type unsure: Ladung"), std::string::npos);
  EXPECT_EQ(outcome->patch["route"]["proposal"]["doc_type"], "Ladung");
  EXPECT_EQ(outcome->patch["route"]["proposal"]["case_number"], "8123456-423");
}

TEST_F(RouteStageTest, RouteStage_IsIdempotent) {
  const auto first = route("8123456-423");
  const auto second = route("8123456-423");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->patch, second->patch);
}

}  // namespace
}  // namespace zpe
