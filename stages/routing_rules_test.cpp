#include "stages/routing_rules.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "stages/route.h"
#include "stages/testing_blob_access.h"
#include "stages/testing_filed_documents.h"

namespace zpe {
namespace {

using nlohmann::json;

// The rules every condition case below runs against, in this order.
const char* const kRules = R"([
  {"name": "hold powers of attorney", "doc_type": ["Vollmacht"], "to": ["clearing"],
   "clearing_reason": "a power of attorney is checked by hand"},
  {"name": "court mail back to the court", "source": ["egvp"], "doc_type": ["Schriftsatz"],
   "to": ["casefile", "court"]},
  {"name": "decisions to the court too", "doc_type": ["Gerichtsentscheidung"], "min_type_confidence": 0.9,
   "to": ["casefile", "court:R3101"]},
  {"name": "Ansbach summons", "doc_type": "Ladung", "court": "ansbach", "to": ["casefile", "court:R3101"]},
  {"name": "thick files", "min_pages": 50, "to": ["archive"]},
  {"name": "unsure but verified", "max_type_confidence": 0.79, "case_number": "^8\\d{6}-\\d{3}$",
   "unsure_type_ok": true, "to": ["casefile"]},
  {"name": "old register", "court_file_number": "^A\\s?\\d+\\s?K", "sender": "rechtsanw", "to": ["casefile"]},
  {"name": "short uploads", "source": "upload", "max_pages": 1, "to": ["casefile"]}
])";

struct ConditionCase {
  const char* what;
  RuleFacts facts;
  const char* matched;  // "" = no rule matches
  const char* destinations;  // the routed destinations as JSON
};

RuleFacts facts(std::string doc_type, double confidence, std::string source = "scan", int64_t pages = 2,
                std::string court = "", std::string sender = "", std::string case_number = "8123456-423",
                std::string court_file_number = "") {
  RuleFacts f;
  f.doc_type = std::move(doc_type);
  f.doc_type_confidence = confidence;
  f.source = std::move(source);
  f.pages = pages;
  f.court = std::move(court);
  f.sender = std::move(sender);
  f.case_number = std::move(case_number);
  f.court_file_number = std::move(court_file_number);
  return f;
}

TEST(RoutingRules, TheFirstRuleWhoseConditionsAllHoldDecides) {
  const std::vector<std::string> courts = {"R3101"};
  auto rules = parse_routing_rules(json::parse(kRules), &courts);
  ASSERT_TRUE(rules) << rules.error().message;
  const json egvp_record = {{"source", {{"channel", "egvp"}, {"egvp", {{"court_id", "R3102"}}}}}};
  const std::vector<ConditionCase> cases = {
      {"type list", facts("Vollmacht", 0.99), "hold powers of attorney", R"([{"to":"casefile"},{"to":"archive"}])"},
      {"source and type", facts("Schriftsatz", 0.95, "egvp"), "court mail back to the court",
       R"([{"to":"casefile"},{"to":"court","court_id":"R3102"},{"to":"archive"}])"},
      {"source differs", facts("Schriftsatz", 0.95, "scan"), "", R"([{"to":"casefile"},{"to":"archive"}])"},
      {"confidence reached", facts("Gerichtsentscheidung", 0.95), "decisions to the court too",
       R"([{"to":"casefile"},{"to":"court","court_id":"R3101"},{"to":"archive"}])"},
      {"confidence below min falls through to max", facts("Gerichtsentscheidung", 0.6), "unsure but verified",
       R"([{"to":"casefile"},{"to":"archive"}])"},
      {"court pattern, any case", facts("Ladung", 0.95, "scan", 2, "Verwaltungsgericht ANSBACH"), "Ansbach summons",
       R"([{"to":"casefile"},{"to":"court","court_id":"R3101"},{"to":"archive"}])"},
      {"court pattern misses", facts("Ladung", 0.95, "scan", 2, "Verwaltungsgericht Berlin"), "",
       R"([{"to":"casefile"},{"to":"archive"}])"},
      {"page count", facts("Sonstiges", 0.95, "scan", 120), "thick files", R"([{"to":"archive"}])"},
      {"case number pattern misses", facts("Sonstiges", 0.5, "scan", 2, "", "", "5123456-423"), "",
       R"([{"to":"casefile"},{"to":"archive"}])"},
      {"court file number and sender", facts("Sonstiges", 0.95, "scan", 2, "", "Rechtsanwältin Vogel", "8123456-423", "A 5 K 1234/23"),
       "old register", R"([{"to":"casefile"},{"to":"archive"}])"},
      {"sender missing", facts("Sonstiges", 0.95, "scan", 2, "", "", "8123456-423", "A 5 K 1234/23"), "",
       R"([{"to":"casefile"},{"to":"archive"}])"},
      {"upload of one page", facts("Sonstiges", 0.95, "upload", 1), "short uploads", R"([{"to":"casefile"},{"to":"archive"}])"},
      {"upload of two pages", facts("Sonstiges", 0.95, "upload", 2), "", R"([{"to":"casefile"},{"to":"archive"}])"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const auto checks = check_rules(*rules, c.facts);
    const RoutingRule* rule = matched_rule(checks);
    EXPECT_EQ(rule ? rule->name : "", c.matched);
    // Every rule before the winner was looked at and said why not; none after it.
    for (size_t i = 0; i + 1 < checks.size(); ++i) EXPECT_FALSE(checks[i].matched);
    if (!rule) {
      EXPECT_EQ(checks.size(), rules->size());
    }
    auto destinations = routed_destinations(rule, egvp_record);
    ASSERT_TRUE(destinations) << destinations.error().message;
    EXPECT_EQ(destinations_json(*destinations), json::parse(c.destinations));
  }
}

TEST(RoutingRules, ExplainsEachConditionThatFailed) {
  auto rules = parse_routing_rules(json::parse(R"([{"name": "r", "doc_type": ["Ladung"], "min_pages": 3, "to": ["casefile"]}])"),
                                   nullptr);
  ASSERT_TRUE(rules);
  const auto checks = check_rules(*rules, facts("Vollmacht", 0.9, "scan", 1));
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].matched);
  ASSERT_EQ(checks[0].reasons.size(), 2u);
  EXPECT_EQ(checks[0].reasons[0], "no: doc_type \"Vollmacht\" is not one of [Ladung]");
  EXPECT_EQ(checks[0].reasons[1], "no: 1 pages < 3");
}

TEST(RoutingRules, TheSendingCourtNeedsADocumentFromACourt) {
  auto rules = parse_routing_rules(json::parse(R"([{"name": "back", "to": ["court"]}])"), nullptr);
  ASSERT_TRUE(rules);
  auto destinations = routed_destinations(&(*rules)[0], json{{"source", {{"channel", "scan"}}}});
  ASSERT_FALSE(destinations);
  EXPECT_NE(destinations.error().message.find("did not come from a court"), std::string::npos);
}

TEST(RoutingRules, RefusesRulesItCannotFollow) {
  const std::vector<std::string> courts = {"R3101"};
  const std::vector<std::pair<const char*, const char*>> cases = {
      {R"([{"name": "a", "doc_typ": ["Ladung"], "to": ["casefile"]}])", "unknown key \"doc_typ\""},
      {R"([{"doc_type": ["Ladung"], "to": ["casefile"]}])", "name is required"},
      {R"([{"name": "a", "doc_type": ["Ladung"]}])", "to is required"},
      {R"([{"name": "a", "to": ["mars"]}])", "unknown destination \"mars\""},
      {R"([{"name": "a", "to": ["court:R9999"]}])", "court \"R9999\" is not in the tenant's court directory"},
      {R"([{"name": "a", "to": ["clearing"]}])", "say why in clearing_reason"},
      {R"([{"name": "a", "sender": "([", "to": ["casefile"]}])", "not a valid regular expression"},
      {R"([{"name": "a", "source": ["fax"], "to": ["casefile"]}])", "unknown source \"fax\""},
      {R"([{"name": "a", "min_type_confidence": 1.5, "to": ["casefile"]}])", "min_type_confidence must be a number from 0 to 1"},
      {R"([{"name": "a", "max_pages": -1, "to": ["casefile"]}])", "max_pages must be a whole number"},
      {R"([{"name": "a", "unsure_type_ok": "yes", "to": ["casefile"]}])", "unsure_type_ok must be true or false"},
      {R"([{"name": "a", "to": ["casefile"]}, {"name": "a", "to": ["casefile"]}])", "another rule has the same name"},
      {R"({"name": "a"})", "must be a list"},
  };
  for (const auto& [rules, expected] : cases) {
    SCOPED_TRACE(rules);
    auto parsed = parse_routing_rules(json::parse(rules), &courts);
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message.find(expected), std::string::npos) << parsed.error().message;
  }
}

TEST(RoutingRules, AStartUpCheckNamesTheTenantTheRuleAndItsConfigLine) {
  auto config = Config::from_text(R"(
[tenants.default]
display_name = "Default"

[[tenants.default.courts]]
id = "R3101"
name = "Verwaltungsgericht Ansbach"

[[tenants.default.stages.route.rules]]
name = "fine"
to = ["casefile", "court:R3101"]

[[tenants.default.stages.route.rules]]
name = "broken"
to = ["court:R0000"]
)");
  ASSERT_TRUE(config) << config.error().message;
  auto checked = check_routing_rules(*config);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("tenant default: routing rule 2 \"broken\" (config:13)"), std::string::npos)
      << checked.error().message;

  auto fine = Config::from_text("[[tenants.default.courts]]\nid = \"R3101\"\n[[tenants.default.stages.route.rules]]\n"
                                "name = \"fine\"\nto = [\"court:R3101\"]\n");
  ASSERT_TRUE(fine);
  EXPECT_TRUE(check_routing_rules(*fine));
}

// The route stage with rules: what it does with the document, end to end through its settings.
class RouteStageRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::filesystem::temp_directory_path() / ("zpe-rules-registry-" + random_hex(6) + ".csv");
    std::ofstream(registry_) << "case_number,tenant,opened\n8123456-423,default,2024-01-01\n";
  }
  void TearDown() override { std::filesystem::remove(registry_); }

  StageOutcome route(const json& rules, const std::string& doc_type, double type_confidence,
                     const json& operator_decisions = json::object()) {
    const json settings = {{"registry", registry_.string()}, {"rules", rules}};
    auto stage = make_route_stage(settings);
    EXPECT_TRUE(stage) << stage.error().message;
    json record = {{"source", {{"file", "letter.tif"}, {"channel", "scan"}}},
                   {"tenant", "default"},
                   {"pages", json::array({json::object()})},
                   {"classification",
                    {{"case_number", "8123456-423"}, {"case_number_confidence", 0.95}, {"doc_type", doc_type},
                     {"doc_type_confidence", type_confidence}}},
                   {"pdf", {{"sha256", std::string(64, 'a')}}}};
    if (!operator_decisions.empty()) record["operator"] = operator_decisions;
    testing::InMemoryBlobAccess blobs;
    testing::InMemoryFiledDocuments filed;
    return (*stage)->run(StageContext{record, settings, blobs, &filed});
  }

  std::filesystem::path registry_;
};

TEST_F(RouteStageRulesTest, AnUnsureTypeIsFiledWhenARuleAllowsItAndTheCaseIsVerified) {
  const json rules = json::parse(R"([{"name": "unsure ok", "unsure_type_ok": true, "to": ["casefile"]}])");
  auto held = route(json::array(), "Ladung", 0.55);
  ASSERT_TRUE(held);
  EXPECT_NE(held->clearing_reason.value_or("").find("document type unsure"), std::string::npos);

  auto filed = route(rules, "Ladung", 0.55);
  ASSERT_TRUE(filed);
  EXPECT_FALSE(filed->clearing_reason);
  EXPECT_EQ(filed->patch["route"]["target"], "casefile");
  EXPECT_EQ(filed->patch["route"]["doc_type_unsure"], true);
  EXPECT_EQ(filed->patch["route"]["rule"], "unsure ok");
}

TEST_F(RouteStageRulesTest, AClearingRuleHoldsUntilAnOperatorDecided) {
  const json rules = json::parse(
      R"([{"name": "powers by hand", "doc_type": ["Vollmacht"], "to": ["clearing"], "clearing_reason": "check the power of attorney"}])");
  auto held = route(rules, "Vollmacht", 0.95);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->clearing_reason.value_or(""), "routing rule \"powers by hand\": check the power of attorney");
  EXPECT_EQ(held->patch["route"]["rule"], "powers by hand");

  auto released = route(rules, "Vollmacht", 0.95, {{"released_by", "operator:anna"}});
  ASSERT_TRUE(released);
  EXPECT_FALSE(released->clearing_reason);
  EXPECT_EQ(released->patch["route"]["target"], "casefile");
}

TEST_F(RouteStageRulesTest, ARuleWithoutTheCaseSystemFilesForTheCourtAndArchiveOnly) {
  const json rules = json::parse(R"([{"name": "to the court", "doc_type": ["Gerichtsentscheidung"], "to": ["court:R3101"]}])");
  auto routed = route(rules, "Gerichtsentscheidung", 0.95);
  ASSERT_TRUE(routed);
  EXPECT_FALSE(routed->clearing_reason);
  EXPECT_EQ(routed->patch["route"]["target"], "archive");
  EXPECT_EQ(routed->patch["route"]["destinations"], json::parse(R"([{"to":"court","court_id":"R3101"},{"to":"archive"}])"));
}

TEST_F(RouteStageRulesTest, ACourtTheOperatorChoseIsAddedToTheDestinations) {
  auto routed = route(json::array(), "Ladung", 0.95, {{"court_destinations", {"D6248"}}, {"accepted_proposal", false}});
  ASSERT_TRUE(routed);
  EXPECT_FALSE(routed->clearing_reason);
  EXPECT_EQ(routed->patch["route"]["destinations"],
            json::parse(R"([{"to":"casefile"},{"to":"court","court_id":"D6248"},{"to":"archive"}])"));
}

TEST_F(RouteStageRulesTest, ACourtTheOperatorChoseDoesNotRouteAnUntrustedCase) {
  std::ofstream(registry_) << "case_number,tenant,opened\n8999999-423,default,2024-01-01\n";
  auto held = route(json::array(), "Ladung", 0.95, {{"court_destinations", {"D6248"}}, {"accepted_proposal", false}});
  ASSERT_TRUE(held);
  EXPECT_NE(held->clearing_reason.value_or("").find("unknown case number"), std::string::npos);
  EXPECT_TRUE(held->patch["route"]["target"].is_null());
}

TEST_F(RouteStageRulesTest, RulesNeverRouteWhatThePolicyDoesNotTrust) {
  // An unknown case number stays in clearing whatever the rule says.
  std::ofstream(registry_) << "case_number,tenant,opened\n8999999-423,default,2024-01-01\n";
  auto held = route(json::parse(R"([{"name": "all", "unsure_type_ok": true, "to": ["casefile"]}])"), "Ladung", 0.95);
  ASSERT_TRUE(held);
  EXPECT_NE(held->clearing_reason.value_or("").find("unknown case number"), std::string::npos);
}

}  // namespace
}  // namespace zpe
