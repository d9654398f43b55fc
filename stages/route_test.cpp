#include "stages/route.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "connectors/case_registry_db.h"
#include "classifiers/near_duplicate.h"
#include "pipeline/durable_file.h"
#include "stages/testing_blob_access.h"
#include "stages/testing_filed_documents.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;
using testing::InMemoryFiledDocuments;

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

const char* const kLetterText =
    "Verwaltungsgericht Ansbach, Promenade 24-28, 91522 Ansbach. In der Verwaltungsstreitsache des Herrn "
    "Samir Haddad gegen die Bundesrepublik Deutschland wegen Asylrechts werden Sie zur mündlichen Verhandlung "
    "am Freitag, 24. Januar 2025, 12:00 Uhr, Saal 3, geladen. Das persönliche Erscheinen des Klägers ist "
    "angeordnet. Bringen Sie diese Ladung und Ihren Ausweis mit. Auf Anordnung des Gerichts.";
const char* const kOtherLetterText =
    "Rechtsanwältin Dr. Petra Vogel, Hauptstraße 5, 90402 Nürnberg. In der Sache Samir Haddad zeige ich an, "
    "dass ich den Antragsteller vertrete; eine Vollmacht liegt bei. Ich beantrage Akteneinsicht und bitte, "
    "alle weiteren Schreiben an mich zu richten. Eine Begründung folgt nach Einsicht in die Akte binnen "
    "vier Wochen. Mit freundlichen Grüßen, Vogel, Rechtsanwältin.";

std::string fingerprint_of(const char* text) {
  return classifiers::encode_fingerprint(*classifiers::fingerprint_text(text));
}

int64_t days_ago_ms(int days) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() - days * kDayMs;
}

class RouteStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::filesystem::temp_directory_path() /
                ("zpe-route-registry-" + random_hex(6) + ".csv");  // own file: ctest runs tests in parallel processes
    std::ofstream(registry_) << "case_number,tenant,opened\n8123456-423,default,2024-01-01\n";
    csv_registry_ = registry_;
  }
  void TearDown() override {
    std::filesystem::remove(csv_registry_);
    if (!sqlite_registry_.empty()) std::filesystem::remove_all(sqlite_registry_.parent_path());
  }

  // Points the stage at a new SQLite registry (own folder) holding `case_number`; returns
  // a connection the test changes the registry through while the stage lives.
  std::unique_ptr<CaseRegistryDb> use_sqlite_registry(const std::string& case_number) {
    sqlite_registry_ = std::filesystem::temp_directory_path() / ("zpe-route-sqlite-" + random_hex(6)) / "cases.sqlite";
    registry_ = sqlite_registry_;
    auto db = CaseRegistryDb::open(sqlite_registry_, CaseRegistryDb::OpenMode::kCreate);
    EXPECT_TRUE(db) << db.error().message;
    if (!db) return nullptr;
    EXPECT_TRUE((*db)->add_case({case_number, "default", "2024-01-01"}));
    return std::move(*db);
  }

  // One stage per test, so its registry cache lives across route() calls as in a worker.
  StageOutcome route(const json& case_number, bool with_pdf = true, double type_confidence = 0.95,
                     bool with_registry = true) {
    if (!stage_) {
      auto stage = make_route_stage(json::object());
      EXPECT_TRUE(stage) << stage.error().message;
      stage_ = std::move(*stage);
    }
    record_ = {{"source", {{"file", "letter.tif"}}},
               {"tenant", "default"},
               {"classification",
                {{"case_number", case_number}, {"case_number_confidence", 0.95},
                 {"doc_type", "Ladung"}, {"doc_type_confidence", type_confidence},
                 {"text_fingerprint", fingerprint_of(kLetterText)}}}};
    if (with_pdf) record_["pdf"] = {{"sha256", std::string(64, 'a')}, {"size", 1234}, {"pages", 2}};
    json settings = {{"min_type_confidence", 0.8}, {"min_case_confidence", 0.8}};
    settings.update(extra_settings_);
    if (with_registry) settings["registry"] = registry_.string();
    return stage_->run(StageContext{record_, settings, blobs_, &filed_});
  }

  // The document was routed into its case file with no near-duplicate flag.
  static void expect_routed_unflagged(const StageOutcome& outcome) {
    ASSERT_TRUE(outcome) << outcome.error().reason;
    EXPECT_FALSE(outcome->clearing_reason) << *outcome->clearing_reason;
    EXPECT_EQ(outcome->patch.at("route")["target"], "casefile");
    EXPECT_TRUE(outcome->patch.at("near_duplicate").is_null());
  }

  // A document filed `days` ago into `case_number` whose text was `text`.
  void filed(const std::string& id, const std::string& case_number, int days, const char* text) {
    filed_.file("default", case_number, FiledDocument{id, days_ago_ms(days), fingerprint_of(text)});
  }

  std::filesystem::path registry_;         // the one the settings name
  std::filesystem::path csv_registry_;
  std::filesystem::path sqlite_registry_;
  std::unique_ptr<Stage> stage_;

  InMemoryBlobAccess blobs_;
  InMemoryFiledDocuments filed_;
  json extra_settings_ = json::object();
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

TEST_F(RouteStageTest, RouteStage_AcceptsACaseOpenedInTheSqliteRegistryWhileTheStageLives) {
  auto registry = use_sqlite_registry("8123456-423");
  ASSERT_TRUE(registry);
  const auto before = route("7000001-475");
  ASSERT_TRUE(before) << before.error().reason;
  ASSERT_TRUE(before->clearing_reason);
  EXPECT_NE(before->clearing_reason->find("unknown case number 7000001-475"), std::string::npos);

  ASSERT_TRUE(registry->add_case({"7000001-475", "default", ""}));  // the case system opens the case
  const auto after = route("7000001-475");
  ASSERT_TRUE(after) << after.error().reason;
  EXPECT_FALSE(after->clearing_reason) << *after->clearing_reason;
  EXPECT_EQ(after->patch["route"]["case_number"], "7000001-475");
}

TEST_F(RouteStageTest, RouteStage_SendsALetterForAClosedCaseToClearing) {
  auto registry = use_sqlite_registry("8123456-423");
  ASSERT_TRUE(registry);
  const auto open = route("8123456-423");
  ASSERT_TRUE(open) << open.error().reason;
  EXPECT_FALSE(open->clearing_reason);

  ASSERT_TRUE(registry->set_state("8123456-423", "default", classifiers::CaseState::kClosed));
  const auto closed = route("8123456-423");
  ASSERT_TRUE(closed) << closed.error().reason;
  ASSERT_TRUE(closed->clearing_reason);
  EXPECT_NE(closed->clearing_reason->find("case 8123456-423 is closed in the case registry"), std::string::npos)
      << *closed->clearing_reason;
  EXPECT_EQ(closed->patch["route"]["proposal"]["case_number"], "8123456-423");
}

TEST_F(RouteStageTest, RouteStage_FailsFinalOnAMalformedRegistryFile) {
  std::ofstream(registry_) << "case_number,tenant\n8123456,default\n";
  const auto outcome = route("8123456-423");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
  EXPECT_NE(outcome.error().reason.find("fix the registry file"), std::string::npos) << outcome.error().reason;
}

TEST_F(RouteStageTest, RouteStage_IsIdempotent) {
  const auto first = route("8123456-423");
  const auto second = route("8123456-423");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->patch, second->patch);
}

TEST_F(RouteStageTest, RouteStage_SendsNearDuplicateFiledInTheSameCaseWithinTheWindowToClearing) {
  filed("D-other", "8123456-423", 5, kOtherLetterText);
  filed("D-first", "8123456-423", 3, kLetterText);
  const auto outcome = route("8123456-423");
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("possible duplicate of document D-first (similarity 1.00) filed in case "
                                           "8123456-423"),
            std::string::npos)
      << *outcome->clearing_reason;
  const json& flag = outcome->patch["near_duplicate"];
  EXPECT_EQ(flag["document_id"], "D-first");
  EXPECT_EQ(flag["case_number"], "8123456-423");
  EXPECT_DOUBLE_EQ(flag["similarity"].get<double>(), 1.0);
  EXPECT_EQ(outcome->patch["route"]["near_duplicate_check"]["compared"], 2);
  EXPECT_TRUE(outcome->patch["route"]["target"].is_null());
  ASSERT_TRUE(filed_.last_query());
  EXPECT_EQ(filed_.last_query()->tenant, "default");
  EXPECT_NEAR(static_cast<double>(filed_.last_query()->since_ms), static_cast<double>(days_ago_ms(14)), 60000.0);
}

TEST_F(RouteStageTest, RouteStage_RoutesWhenTheSameTextWasFiledBeforeTheWindow) {
  filed("D-old", "8123456-423", 15, kLetterText);
  const auto outcome = route("8123456-423");
  expect_routed_unflagged(outcome);
  EXPECT_EQ(outcome->patch["route"]["near_duplicate_check"]["compared"], 0);
}

TEST_F(RouteStageTest, RouteStage_RoutesWhenTheSameTextWasFiledInAnotherCase) {
  filed("D-elsewhere", "7000001-475", 1, kLetterText);
  expect_routed_unflagged(route("8123456-423"));
}

TEST_F(RouteStageTest, RouteStage_RoutesADifferentLetterOfTheSameCase) {
  filed("D-other", "8123456-423", 1, kOtherLetterText);
  const auto outcome = route("8123456-423");
  expect_routed_unflagged(outcome);
  const json& check = outcome->patch["route"]["near_duplicate_check"];
  EXPECT_EQ(check["compared"], 1);
  EXPECT_LT(check["best_similarity"].get<double>(), classifiers::kDefaultNearDuplicateSimilarity);
}

TEST_F(RouteStageTest, RouteStage_ZeroDaysTurnsTheCheckOff) {
  filed("D-first", "8123456-423", 1, kLetterText);
  extra_settings_["near_duplicate_days"] = 0;
  expect_routed_unflagged(route("8123456-423"));
  EXPECT_FALSE(filed_.last_query()) << "no look-up when turned off";
}

TEST_F(RouteStageTest, RouteStage_FailedLookUpIsRetryable) {
  filed_.fail_with(Error{ErrorKind::kUnavailable, "the dispatcher did not answer"});
  const auto outcome = route("8123456-423");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kRetryable);
  EXPECT_NE(outcome.error().reason.find("case 8123456-423"), std::string::npos) << outcome.error().reason;
}

TEST(RouteStageSettings, RouteStage_RejectsNearDuplicateSettingsOutOfRange) {
  EXPECT_FALSE(make_route_stage({{"near_duplicate_similarity", 1.5}}));
  EXPECT_FALSE(make_route_stage({{"near_duplicate_similarity", 0}}));
  EXPECT_FALSE(make_route_stage({{"near_duplicate_days", -1}}));
  EXPECT_FALSE(make_route_stage({{"near_duplicate_days", "14"}}));
  EXPECT_TRUE(make_route_stage({{"near_duplicate_days", 0}, {"near_duplicate_similarity", 0.6}}));
}

}  // namespace
}  // namespace zpe
