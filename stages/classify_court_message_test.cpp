#include "stages/classify_court_message.h"

#include <gtest/gtest.h>

#include "stages/classify.h"
#include "stages/testing_blob_access.h"

namespace zpe {
namespace {

using nlohmann::json;

json court_message() {
  return {{"court_id", "D6248"}, {"court_name", "Verwaltungsgericht Ansbach"},
          {"court_file_number", "AN 5 K 23.50123"}, {"case_number", "8513179-224"},
          {"doc_type_code", "066"}, {"doc_type_name", "Endurteil"}, {"doc_type", "Gerichtsentscheidung"},
          {"document_date", "2026-11-28"}};
}

// What the classify stage says about `text` for a record with (or without) a court message.
json classify(const std::string& text, const json& egvp) {
  testing::InMemoryBlobAccess blobs;
  json record = {{"source", {{"file", "urteil.pdf"}, {"manifest", nullptr}}},
                 {"ocr", {{"text_blob", blobs.put(text)}}}};
  if (!egvp.is_null()) record["source"]["egvp"] = egvp;
  auto stage = make_classify_stage(json::object());
  EXPECT_TRUE(stage);
  const json settings = json::object();
  auto outcome = (*stage)->run(StageContext{record, settings, blobs});
  EXPECT_TRUE(outcome);
  return outcome ? outcome->patch["classification"] : json();
}

TEST(ClassifyCourtMessage, ClassifyCourtMessage_TheCourtsTypeAndNumbersOutrankTheText) {
  const json c = classify("Sehr geehrte Damen und Herren,\nanbei ein Schreiben.\nIhr Zeichen: 7196837-439\n", court_message());
  EXPECT_EQ(c["doc_type"], "Gerichtsentscheidung");
  EXPECT_EQ(c["doc_type_confidence"], 1.0);
  EXPECT_EQ(c["doc_type_source"], "egvp");
  EXPECT_EQ(c["case_number"], "8513179-224");
  EXPECT_EQ(c["case_number_confidence"], kCourtCaseNumberConfidence);
  EXPECT_EQ(c["case_number_source"], "egvp");
  EXPECT_TRUE(c["case_number_position"].is_null());
  ASSERT_FALSE(c["candidates"].empty());
  EXPECT_EQ(c["candidates"][0]["case_number"], "7196837-439") << "the text's number stays a candidate";
  EXPECT_EQ(c["court_file_number"], "AN 5 K 23.50123");
  EXPECT_EQ(c["court"]["value"], "Verwaltungsgericht Ansbach");
  EXPECT_EQ(c["court"]["xjustiz_id"], "D6248");
  EXPECT_EQ(c["letter_date"], "2026-11-28");
  EXPECT_EQ(c["sender"]["value"], "Verwaltungsgericht Ansbach");
  EXPECT_EQ(c["sources"], json({{"doc_type", "egvp"}, {"case_number", "egvp"}, {"court_file_number", "egvp"},
                                {"court", "egvp"}, {"sender", "egvp"}, {"letter_date", "egvp"}}));
}

TEST(ClassifyCourtMessage, ClassifyCourtMessage_ANumberTheTextShowsTooIsSureAndKeepsItsPosition) {
  const json c = classify("Verwaltungsgericht Ansbach\nIhr Zeichen: 8513179-224\nIm Namen des Volkes\nUrteil\n", court_message());
  EXPECT_EQ(c["case_number"], "8513179-224");
  EXPECT_EQ(c["case_number_confidence"], 1.0);
  EXPECT_EQ(c["case_number_source"], "egvp+text");
  EXPECT_EQ(c["case_number_position"]["page"], 1);
  EXPECT_EQ(c["doc_type_source"], "egvp+text");
  EXPECT_EQ(c["sources"]["case_number"], "egvp+text");
}

TEST(ClassifyCourtMessage, ClassifyCourtMessage_SonstigesFromTheCourtLeavesTheTypeToTheText) {
  json egvp = court_message();
  egvp["doc_type"] = "Sonstiges";
  egvp["doc_type_code"] = "213";
  const json c = classify("Verwaltungsgericht Ansbach\nIhr Zeichen: 8513179-224\nIm Namen des Volkes\nUrteil\n", egvp);
  EXPECT_EQ(c["doc_type"], "Gerichtsentscheidung");
  EXPECT_EQ(c["doc_type_source"], "text");
  EXPECT_EQ(c["sources"]["doc_type"], "text");
}

TEST(ClassifyCourtMessage, ClassifyCourtMessage_ScannedAndUploadedLettersSayTheirValuesCameFromTheText) {
  const json c = classify("Stadt Erlangen\nIhr Zeichen: 8513179-224\nErlangen, 10.09.2024\nGeburtsurkunde\n", nullptr);
  EXPECT_EQ(c["sources"]["case_number"], "text");
  EXPECT_EQ(c["sources"]["doc_type"], "text");
  EXPECT_EQ(c["sources"]["letter_date"], "text");
  EXPECT_TRUE(c["sources"]["court_file_number"].is_null());
}

}  // namespace
}  // namespace zpe
