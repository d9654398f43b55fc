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

// The registry of the second-key table: 8123456-423 belongs to Ahmad Karimi, born 1990-02-01;
// its look-alike 8128456-423 (a 3/8 misread) to Amina Osman, born 1985-06-05; 7000001-475
// has no second keys.
classifiers::CaseRegistry keyed_registry() {
  classifiers::RegisteredCase karimi{"8123456-423", "default", ""};
  karimi.keys = {{"surname", "Karimi"}, {"birth_date", "1990-02-01"}};
  classifiers::RegisteredCase osman{"8128456-423", "default", ""};
  osman.keys = {{"surname", "Osman"}, {"birth_date", "1985-06-05"}};
  return classifiers::CaseRegistry::from_cases({karimi, osman, {"7000001-475", "default", ""}});
}

json letter(const std::string& number, const json& surnames, const json& birth_dates) {
  json c = classification(0.95, 0.95);
  c["case_number"] = number;
  c["case_number_source"] = "text";
  json keys = {{"surname", json::array()}, {"birth_date", json::array()}};
  for (const auto& s : surnames) keys["surname"].push_back({{"value", s}, {"confidence", 0.9}});
  for (const auto& d : birth_dates) keys["birth_date"].push_back({{"value", d}, {"confidence", 0.9}});
  c["second_keys"] = keys;
  return c;
}

TEST(RoutePolicy, SecondKeyTable) {
  const auto registry = keyed_registry();
  RouteThresholds off;
  off.second_key = false;
  struct Row {
    const char* what;
    json classification;
    RouteThresholds thresholds;
    bool route;
    const char* second_key;   // recorded when routed
    const char* reason_part;  // in the clearing reason
  };
  const std::vector<Row> table = {
      {"surname agrees (OCR-noisy)", letter("8123456-423", {"Ahmad KAR1MI"}, {}), {}, true, "surname", ""},
      {"only the birth date agrees", letter("8123456-423", {"Ahmad Rahimi"}, {"1990-02-01"}), {}, true,
       "birth_date", ""},
      {"misread onto another applicant's case", letter("8128456-423", {"Ahmad Karimi"}, {"1990-02-01"}), {}, false,
       "", "case number and name disagree: case 8128456-423"},
      {"nothing in the letter to compare", letter("8123456-423", {}, {}), {}, false, "",
       "no name or date of birth in the letter to confirm case 8123456-423"},
      {"older record without second_keys", classification(0.95, 0.95), {}, false, "",
       "no name or date of birth in the letter"},
      {"no keys registered for the case", letter("7000001-475", {"Ahmad Karimi"}, {}), {}, true, "", ""},
      {"check turned off", letter("8128456-423", {"Ahmad Karimi"}, {}), off, true, "", ""},
  };
  for (const auto& row : table) {
    const auto decision = decide_route(row.classification, row.thresholds, &registry);
    EXPECT_EQ(decision.route, row.route) << row.what << ": " << decision.reason;
    EXPECT_EQ(decision.second_key, row.second_key) << row.what;
    EXPECT_NE(decision.reason.find(row.reason_part), std::string::npos) << row.what << ": " << decision.reason;
  }
}

TEST(RoutePolicy, SecondKeyDisagreementNamesTheKeysNotTheRegistrysValues) {
  const auto registry = keyed_registry();
  const auto decision =
      decide_route(letter("8128456-423", {"Ahmad Karimi"}, {"1990-02-01"}), RouteThresholds{}, &registry);
  EXPECT_NE(decision.reason.find("date of birth, surname"), std::string::npos) << decision.reason;
  EXPECT_NE(decision.reason.find("found: date of birth 1990-02-01, surname Ahmad Karimi"), std::string::npos)
      << decision.reason;
  EXPECT_EQ(decision.reason.find("Osman"), std::string::npos) << "the registry's applicant stays out of the reason";
}

TEST(RoutePolicy, OperatorsCaseNumberNeedsNoSecondKey) {
  const auto registry = keyed_registry();
  const json machine = letter("8128456-423", {"Ahmad Karimi"}, {});
  const json corrected = with_operator_decisions(
      machine, {{"corrections", {{"case_number", {{"value", "8128456-423"}}}}}});
  EXPECT_TRUE(decide_route(corrected, RouteThresholds{}, &registry).route);
  const json accepted = with_operator_decisions(machine, {{"accepted_proposal", true}});
  EXPECT_TRUE(decide_route(accepted, RouteThresholds{}, &registry).route);
}

TEST(RoutePolicy, SecondKeySettingMustBeABoolean) {
  const auto off = route_thresholds({{"second_key", false}});
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->second_key);
  EXPECT_TRUE(route_thresholds(json::object())->second_key);
  const auto bad = route_thresholds({{"second_key", "no"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("second_key must be true or false"), std::string::npos);
}

}  // namespace
}  // namespace zpe
