#include "stages/classify.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "stages/testing_blob_access.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;

const char* const kLetter =
    "Verwaltungsgericht Ansbach\n"
    "Promenade 24-28 · 91522 Ansbach\n"
    "Telefon 0981 5904-0\n\n"
    "Bundesamt für Migration und Flüchtlinge\n\n"
    "Az.: A 3 K 5776/23\n"
    "Ihr Zeichen: 8513179-224\n\n"
    "Ansbach, 26.11.2024\n\n"
    "Ladung zur mündlichen Verhandlung\n\n"
    "In der Verwaltungsstreitsache ... werden Sie zur mündlichen Verhandlung geladen.\n"
    "Termin: Freitag, 24. Januar 2025, 12:00 Uhr\n"
    "\fSeite 2\nBezug: 7000001-111\n";

class ClassifyStageTest : public ::testing::Test {
 protected:
  StageOutcome classify(const std::string& text, json hints = nullptr) {
    auto stage = make_classify_stage(json::object());
    EXPECT_TRUE(stage);
    record_ = {{"source", {{"file", "letter.tif"}, {"manifest", {{"hints", hints}}}}},
               {"ocr", {{"text_blob", blobs_.put(text)}}}};
    const json settings = json::object();
    return (*stage)->run(StageContext{record_, settings, blobs_});
  }

  InMemoryBlobAccess blobs_;
  json record_;
};

TEST_F(ClassifyStageTest, ClassifyStage_FindsCaseNumberDateAndTypeInText) {
  const auto outcome = classify(kLetter);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_FALSE(outcome->clearing_reason);
  const json& c = outcome->patch["classification"];
  EXPECT_EQ(c["doc_type"], "Ladung");
  EXPECT_GT(c["doc_type_confidence"].get<double>(), 0.5);
  EXPECT_EQ(c["case_number"], "8513179-224");
  EXPECT_EQ(c["case_number_confidence"], 0.95);
  EXPECT_EQ(c["case_number_source"], "text");
  EXPECT_EQ(c["case_number_position"]["page"], 1);
  EXPECT_EQ(c["case_number_position"]["text"], "8513179-224");
  const std::string text = kLetter;
  EXPECT_EQ(text.substr(c["case_number_position"]["offset"].get<std::size_t>(), 11), "8513179-224");
  EXPECT_EQ(c["letter_date"], "2024-11-26");
  EXPECT_EQ(c["letter_date_text"], "26.11.2024");
  ASSERT_EQ(c["candidates"].size(), 1u);
  EXPECT_EQ(c["candidates"][0]["case_number"], "7000001-111");
  EXPECT_EQ(c["candidates"][0]["page"], 2);
  EXPECT_FALSE(c["version"].get<std::string>().empty());
}

TEST_F(ClassifyStageTest, ClassifyStage_UsesTheTenantsOwnModelAndNamesAMissingOne) {
  // The worker starts without a model; a tenant's settings name one: it is loaded and used.
  auto stage = make_classify_stage(json::object());
  ASSERT_TRUE(stage);
  record_ = {{"source", {{"file", "letter.tif"}}}, {"ocr", {{"text_blob", blobs_.put(kLetter)}}}};
  const json rules_only = json::object();
  auto plain = (*stage)->run(StageContext{record_, rules_only, blobs_});
  ASSERT_TRUE(plain) << plain.error().reason;
  EXPECT_EQ(plain->patch["classification"]["version"], "classify/4 rules-1");
  const json with_model = {{"model", std::string(ZPE_SOURCE_DIR) + "/models/default-doctype-v1.json"}};
  auto modelled = (*stage)->run(StageContext{record_, with_model, blobs_});
  ASSERT_TRUE(modelled) << modelled.error().reason;
  EXPECT_NE(modelled->patch["classification"]["version"], "classify/4 rules-1") << "the model's version is recorded";
  const json missing = {{"model", "/nonexistent/tenant-model.json"}};
  auto failed = (*stage)->run(StageContext{record_, missing, blobs_});
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().reason.find("/nonexistent/tenant-model.json"), std::string::npos) << failed.error().reason;
}

TEST_F(ClassifyStageTest, ClassifyStage_RecordsTextFingerprintOrNullForANearEmptyText) {
  const auto letter = classify(kLetter);
  ASSERT_TRUE(letter) << letter.error().reason;
  const json& fingerprint = letter->patch["classification"]["text_fingerprint"];
  ASSERT_TRUE(fingerprint.is_string());
  EXPECT_TRUE(fingerprint.get<std::string>().starts_with("mh128x16:"));
  const auto blank = classify("Seite 1 von 1\n");
  ASSERT_TRUE(blank) << blank.error().reason;
  EXPECT_TRUE(blank->patch["classification"]["text_fingerprint"].is_null());
}

TEST_F(ClassifyStageTest, ClassifyStage_HintConfirmedByTextWinsWithHighConfidence) {
  const auto outcome = classify(kLetter, {{"case_number", "7000001-111"}, {"doc_type", "Ladung"}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& c = outcome->patch["classification"];
  EXPECT_EQ(c["case_number"], "7000001-111");
  EXPECT_GE(c["case_number_confidence"].get<double>(), 0.97);
  EXPECT_EQ(c["case_number_source"], "hint+text");
  EXPECT_EQ(c["case_number_position"]["page"], 2);
  EXPECT_EQ(c["candidates"][0]["case_number"], "8513179-224");
  EXPECT_EQ(c["doc_type_source"], "hint+text");
  EXPECT_GE(c["doc_type_confidence"].get<double>(), 0.9);
}

TEST_F(ClassifyStageTest, ClassifyStage_HintAloneIsAProposalAtHalfConfidence) {
  const auto outcome = classify("Sehr geehrte Damen und Herren,\nanbei die Unterlagen.",
                                {{"case_number", " 8123456 - 423 "}, {"doc_type", "vollmacht"}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& c = outcome->patch["classification"];
  EXPECT_EQ(c["case_number"], "8123456-423");
  EXPECT_EQ(c["case_number_confidence"], 0.5);
  EXPECT_EQ(c["case_number_source"], "hint");
  EXPECT_TRUE(c["case_number_position"].is_null());
  EXPECT_EQ(c["doc_type"], "Vollmacht");
  EXPECT_EQ(c["doc_type_confidence"], 0.5);
  EXPECT_EQ(c["doc_type_source"], "hint");
}

TEST_F(ClassifyStageTest, ClassifyStage_LabelledTextNumberBeatsUnconfirmedHint) {
  const auto outcome = classify(kLetter, {{"case_number", "8123456-423"}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& c = outcome->patch["classification"];
  EXPECT_EQ(c["case_number"], "8513179-224");
  EXPECT_EQ(c["case_number_source"], "text");
  bool hint_listed = false;
  for (const auto& candidate : c["candidates"]) hint_listed |= candidate["source"] == "hint";
  EXPECT_TRUE(hint_listed) << c.dump(2);
}

TEST_F(ClassifyStageTest, ClassifyStage_IgnoresInvalidHints) {
  const auto outcome = classify("nichts", {{"case_number", "12345"}, {"doc_type", "Bescheid"}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& c = outcome->patch["classification"];
  EXPECT_TRUE(c["case_number"].is_null());
  EXPECT_TRUE(c["case_number_source"].is_null());
  EXPECT_EQ(c["doc_type"], "Sonstiges");
}

TEST_F(ClassifyStageTest, ClassifyStage_NoCaseNumberIsNullAndNotSentToClearing) {
  const auto outcome = classify("");
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_FALSE(outcome->clearing_reason);
  const json& c = outcome->patch["classification"];
  EXPECT_TRUE(c["case_number"].is_null());
  EXPECT_TRUE(c["case_number_position"].is_null());
  EXPECT_TRUE(c["letter_date"].is_null());
  EXPECT_EQ(c["doc_type"], "Sonstiges");
  EXPECT_TRUE(c["candidates"].empty());
}

TEST_F(ClassifyStageTest, ClassifyStage_FailsFinalWithoutOcrText) {
  auto stage = make_classify_stage(json::object());
  ASSERT_TRUE(stage);
  const json record = {{"source", {{"file", "letter.tif"}}}};
  const json settings = json::object();
  const auto outcome = (*stage)->run(StageContext{record, settings, blobs_});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
  EXPECT_NE(outcome.error().reason.find("ocr.text_blob"), std::string::npos) << outcome.error().reason;
}

// --- prepare -> ocr -> classify on a generated sample letter (samples/letters/) ---

std::optional<std::filesystem::path> single_page_sample_with_case_number() {
  const auto folder = std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "letters";
  if (!std::filesystem::is_directory(folder)) return std::nullopt;
  std::vector<std::filesystem::path> truths;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().string().ends_with(".truth.json")) truths.push_back(entry.path());
  }
  std::sort(truths.begin(), truths.end());
  for (const auto& path : truths) {
    std::ifstream in(path);
    const json truth = json::parse(in, nullptr, false);
    if (truth.is_object() && truth.value("pages", 0) == 1 && truth["case_number"].is_string()) return path;
  }
  return std::nullopt;
}

TEST(StageChain, StageChain_ReadsSampleLetterCaseNumberAndDateAsInTruth) {
  const auto truth_path = single_page_sample_with_case_number();
  if (!truth_path) GTEST_SKIP() << "no single-page sample letter in samples/letters/";
  std::ifstream truth_in(*truth_path);
  const json truth = json::parse(truth_in);
  std::string original_path = truth_path->string();
  original_path.resize(original_path.size() - std::string(".truth.json").size());
  std::ifstream original_in(original_path, std::ios::binary);
  std::ostringstream original;
  original << original_in.rdbuf();

  InMemoryBlobAccess blobs;
  json record = {{"source", {{"file", std::filesystem::path(original_path).filename().string()}}},
                 {"original", {{"sha256", blobs.put(original.str())}}}};
  const json settings = json::object();
  for (const char* name : {"prepare", "ocr", "classify"}) {
    auto stage = make_stage(name, settings);
    ASSERT_TRUE(stage) << stage.error().message;
    const auto outcome = (*stage)->run(StageContext{record, settings, blobs});
    ASSERT_TRUE(outcome) << name << ": " << outcome.error().reason;
    for (const auto& [key, value] : outcome->patch.items()) record[key] = value;
  }
  const json& c = record["classification"];
  EXPECT_EQ(c["case_number"], truth["case_number"]) << original_path;
  EXPECT_EQ(c["letter_date"], truth["letter_date"]) << original_path;
  // The ALTO of the real OCR gives the number a box on the page, for the clearing station.
  const json& box = c["case_number_position"]["box"];
  ASSERT_TRUE(box.is_object()) << c["case_number_position"].dump();
  EXPECT_LT(box["left"].get<int>(), box["right"].get<int>());
  EXPECT_LT(box["top"].get<int>(), box["bottom"].get<int>());
  EXPECT_LE(box["right"].get<int>(), box["page_width"].get<int>());
  EXPECT_LE(box["bottom"].get<int>(), box["page_height"].get<int>());
  EXPECT_GT(c["case_number_position"]["word_confidence"].get<double>(), 0.5);
  EXPECT_TRUE(c["letter_date_position"]["box"].is_object()) << c["letter_date_position"].dump();
}

}  // namespace
}  // namespace zpe
