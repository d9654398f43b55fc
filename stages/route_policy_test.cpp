#include "stages/route_policy.h"

#include <gtest/gtest.h>

namespace zpe {
namespace {

using nlohmann::json;

const classifiers::CaseRegistry kRegistry = classifiers::CaseRegistry::from_numbers({"8123456-423", "7000001-475"});

json classification(double case_confidence, double type_confidence) {
  return {{"case_number", "8123456-423"}, {"case_number_confidence", case_confidence},
          {"doc_type", "Vollmacht"}, {"doc_type_confidence", type_confidence}};
}

TEST(RoutePolicy, RoutesWhenBothConfidencesReachTheThresholds) {
  const auto decision = decide_route(classification(0.8, 0.8), RouteThresholds{0.8, 0.8}, &kRegistry);
  EXPECT_TRUE(decision.route) << decision.reason;
  EXPECT_EQ(decision.case_number, "8123456-423");
}

TEST(RoutePolicy, CaseConfidenceJustBelowThresholdGoesToClearing) {
  const auto decision = decide_route(classification(0.799, 0.99), RouteThresholds{0.8, 0.8}, &kRegistry);
  EXPECT_FALSE(decision.route);
  EXPECT_NE(decision.reason.find("case number 8123456-423 unsure (confidence 0.80 < 0.80)"), std::string::npos)
      << decision.reason;
}

TEST(RoutePolicy, TypeConfidenceJustBelowThresholdGoesToClearing) {
  const auto decision = decide_route(classification(0.99, 0.849), RouteThresholds{0.85, 0.8}, &kRegistry);
  EXPECT_FALSE(decision.route);
  EXPECT_NE(decision.reason.find("document type unsure: Vollmacht"), std::string::npos) << decision.reason;
}

TEST(RoutePolicy, ThresholdsArePerTenantSettings) {
  const auto strict = route_thresholds({{"min_type_confidence", 0.99}, {"min_case_confidence", 0.9}});
  ASSERT_TRUE(strict);
  EXPECT_FALSE(decide_route(classification(0.95, 0.95), *strict, &kRegistry).route);
  const auto lenient = route_thresholds({{"min_type_confidence", 0.5}});
  ASSERT_TRUE(lenient);
  EXPECT_TRUE(decide_route(classification(0.95, 0.6), *lenient, &kRegistry).route);
  EXPECT_FALSE(route_thresholds({{"min_type_confidence", 1.5}}));
}

TEST(RoutePolicy, UnknownNumberSuggestsNearestRegisteredOnes) {
  json c = classification(0.95, 0.95);
  c["case_number"] = "8123457-423";
  const auto decision = decide_route(c, RouteThresholds{}, &kRegistry);
  EXPECT_FALSE(decision.route);
  EXPECT_EQ(decision.suggestions, std::vector<std::string>{"8123456-423"});
  EXPECT_NE(decision.reason.find("nearest existing: 8123456-423"), std::string::npos) << decision.reason;
}

TEST(RoutePolicy, ClosedCaseGoesToClearingEvenWhenSure) {
  const auto registry = classifiers::CaseRegistry::from_cases(
      {{"8123456-423", "default", "2024-01-01", classifiers::CaseState::kClosed}});
  const auto decision = decide_route(classification(0.99, 0.99), RouteThresholds{}, &registry);
  EXPECT_FALSE(decision.route);
  EXPECT_EQ(decision.case_number, "8123456-423");
  EXPECT_NE(decision.reason.find("case 8123456-423 is closed in the case registry"), std::string::npos)
      << decision.reason;
}

TEST(RoutePolicy, NoRegistryNeverRoutes) {
  const auto decision = decide_route(classification(0.99, 0.99), RouteThresholds{}, nullptr);
  EXPECT_FALSE(decision.route);
  EXPECT_NE(decision.reason.find("no case registry configured"), std::string::npos);
}

TEST(RoutePolicy, NoNumberKeepsTheNoCaseNumberWording) {
  const auto decision = decide_route(json{{"case_number", nullptr}}, RouteThresholds{}, &kRegistry);
  EXPECT_NE(decision.reason.find("no case number"), std::string::npos);
}

TEST(RoutePolicy, NearDuplicateGoesToClearing) {
  const NearDuplicate duplicate{"d-1", "8123456-423", 0.97, 1000};
  const auto decision = decide_route(classification(0.95, 0.95), RouteThresholds{}, &kRegistry, &duplicate);
  EXPECT_FALSE(decision.route);
  EXPECT_NE(decision.reason.find("possible duplicate of document d-1 (similarity 0.97) filed in case 8123456-423"),
            std::string::npos)
      << decision.reason;
  EXPECT_TRUE(decide_route(classification(0.95, 0.95), RouteThresholds{}, &kRegistry, nullptr).route);
}

}  // namespace
}  // namespace zpe
