#include "stages/split.h"

#include <chrono>
#include <cstdio>

#include <gtest/gtest.h>

#include "stages/separator_sheet.h"
#include "stages/testing_blob_access.h"
#include "stages/testing_scans.h"
#include "stages/testing_separators.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;

// A batch under construction: its pages as the prepare stage records them, and the truth.
struct Batch {
  InMemoryBlobAccess blobs;
  json record = {{"source", {{"file", "batch.tif"}}}, {"pages", json::array()}};
  std::vector<int> separators;                // source pages
  std::vector<std::string> document_ranges;   // "3-5", in order
  std::vector<json> document_hints;

  int add_page(Pix* page) {
    const int number = static_cast<int>(record["pages"].size()) + 1;
    record["pages"].push_back({{"page", number}, {"blob", blobs.put(*encode_png(page))}, {"width", pixGetWidth(page)},
                               {"height", pixGetHeight(page)}, {"dpi_x", 300}, {"dpi_y", 300}, {"source_page", number}});
    return number;
  }
  void add_separator(Pix* sheet) { separators.push_back(add_page(sheet)); }
  void add_document(const std::vector<Pix*>& pages, json hints = json::object()) {
    std::vector<int> numbers;
    for (Pix* page : pages) numbers.push_back(add_page(page));
    document_ranges.push_back(page_range_text(numbers));
    document_hints.push_back(std::move(hints));
  }
};

StageOutcome run_split(Batch& batch, const json& settings = json::object()) {
  auto stage = make_stage("split", settings);
  EXPECT_TRUE(stage) << stage.error().message;
  return (*stage)->run(StageContext{batch.record, settings, batch.blobs});
}

// The sample letters' pages grouped by letter.
std::vector<std::vector<Pix*>> letters(const std::vector<testing::SamplePage>& pages) {
  std::vector<std::vector<Pix*>> out;
  std::string last;
  for (const auto& page : pages) {
    const std::string letter = page.name.substr(0, page.name.find(' '));
    if (letter != last) out.emplace_back();
    out.back().push_back(page.image.get());
    last = letter;
  }
  return out;
}

TEST(SplitStage, SplitStage_FindsEverySeparatorAndSplitsEachDocumentRight) {
  const auto samples = testing::sample_pages();
  const auto docs = letters(samples);
  ASSERT_EQ(docs.size(), 8u);
  std::vector<PixPtr> sheets;
  sheets.push_back(testing::qr_sheet("ZPE-SEP"));
  sheets.push_back(testing::qr_sheet("ZPE-SEP:8123456-423", 30, 0.8, 0.15));
  sheets.push_back(testing::qr_sheet("ZPE-SEP:Ladung", 50, 0.3, 0.6));
  sheets.push_back(testing::patch_t_sheet(true));
  sheets.push_back(testing::patch_t_sheet(false));
  sheets.push_back(testing::qr_sheet("ZPE-SEP:Vollmacht", 25, 0.5, 0.5));
  Batch batch;
  batch.add_separator(sheets[0].get());  // a leading separator: no empty document before it
  batch.add_document(docs[0]);
  batch.add_separator(sheets[1].get());
  batch.add_document(docs[1], {{"case_number", "8123456-423"}});
  batch.add_separator(sheets[2].get());
  batch.add_document(docs[2], {{"doc_type", "Ladung"}});
  batch.add_separator(sheets[3].get());
  batch.add_document(docs[3]);
  batch.add_separator(sheets[4].get());
  batch.add_separator(sheets[0].get());  // two in a row: still no empty document
  batch.add_document(docs[4]);
  batch.add_separator(sheets[5].get());
  batch.add_document(docs[5], {{"doc_type", "Vollmacht"}});
  batch.add_separator(sheets[3].get());
  batch.add_document(docs[6]);
  batch.add_separator(sheets[4].get());
  batch.add_document(docs[7]);

  const auto start = std::chrono::steady_clock::now();
  auto outcome = run_split(batch);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_FALSE(outcome->clearing_reason) << *outcome->clearing_reason;
  const json& split = outcome->patch.at("split");
  EXPECT_EQ(split["mode"], "separators");
  const auto found = split["separators"].get<std::vector<int>>();
  int found_right = 0;
  for (int page : batch.separators) found_right += std::count(found.begin(), found.end(), page) > 0;
  const json& documents = split["documents"];
  int documents_right = 0;
  for (size_t d = 0; d < batch.document_ranges.size() && d < documents.size(); ++d) {
    const bool right = documents[d]["source_pages"] == batch.document_ranges[d] && documents[d]["hints"] == batch.document_hints[d];
    EXPECT_TRUE(right) << "document " << d + 1 << ": " << documents[d].dump() << " expected " << batch.document_ranges[d];
    documents_right += right;
  }
  std::printf("FIGURE split: separators found %d / %zu (false: %zu); documents split right %d / %zu; %.0f ms per page\n",
              found_right, batch.separators.size(), found.size() - found_right, documents_right,
              batch.document_ranges.size(), ms / batch.record["pages"].size());
  EXPECT_EQ(found, batch.separators);
  EXPECT_EQ(documents.size(), batch.document_ranges.size());
  EXPECT_EQ(documents_right, static_cast<int>(batch.document_ranges.size()));
  // Pages are indexes into record.pages: the second document starts after sheet 1, letter 1, sheet 2.
  EXPECT_EQ(documents[1]["pages"][0], static_cast<int>(docs[0].size()) + 2);
}

TEST(SplitStage, SplitStage_FindsNoSeparatorOnNormalOrSkewedPages) {
  const auto samples = testing::sample_pages();
  Batch batch;
  std::vector<PixPtr> skewed;
  for (const auto& page : samples) batch.add_page(page.image.get());
  for (size_t i = 0; i < samples.size(); i += 3) skewed.push_back(testing::skewed(samples[i].image.get(), 1.5));
  for (const auto& page : skewed) batch.add_page(page.get());
  auto outcome = run_split(batch);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_FALSE(outcome->patch.contains("split")) << outcome->patch.dump();  // goes on unchanged
  EXPECT_FALSE(outcome->clearing_reason);
}

TEST(SplitStage, SplitStage_FollowsManifestPageRangesWithoutScanning) {
  const auto samples = testing::sample_pages();
  Batch batch;
  for (int i = 0; i < 6; ++i) batch.add_page(samples[i].image.get());
  batch.record["source"]["manifest"] = {
      {"documents", {{{"pages", "1-2"}, {"doc_type", "Ladung"}}, {{"pages", "4-6"}, {"case_number", "8123456 – 423"}}}}};
  auto outcome = run_split(batch);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& split = outcome->patch.at("split");
  EXPECT_EQ(split["mode"], "manifest");
  ASSERT_EQ(split["documents"].size(), 2u);
  EXPECT_EQ(split["documents"][0]["source_pages"], "1-2");
  EXPECT_EQ(split["documents"][0]["hints"]["doc_type"], "Ladung");
  EXPECT_EQ(split["documents"][1]["pages"], json({3, 4, 5}));
  EXPECT_EQ(split["documents"][1]["hints"]["case_number"], "8123456-423");
}

TEST(SplitStage, SplitStage_SendsAManifestItCannotFollowToClearing) {
  const auto samples = testing::sample_pages();
  Batch batch;
  for (int i = 0; i < 3; ++i) batch.add_page(samples[i].image.get());
  batch.record["source"]["manifest"] = {{"documents", {{{"pages", "1-2"}}, {{"pages", "2-5"}}}}};
  auto outcome = run_split(batch);
  ASSERT_TRUE(outcome && outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("manifest document 2: page 2 is already in another document"), std::string::npos)
      << *outcome->clearing_reason;
}

TEST(SplitStage, SplitStage_SendsABatchOfOnlySeparatorsToClearing) {
  Batch batch;
  auto sheet = testing::qr_sheet("ZPE-SEP");
  auto patch = testing::patch_t_sheet();
  batch.add_separator(sheet.get());
  batch.add_separator(patch.get());
  auto outcome = run_split(batch);
  ASSERT_TRUE(outcome && outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("batch holds only separator sheets (pages 1-2)"), std::string::npos)
      << *outcome->clearing_reason;
}

TEST(SplitStage, SplitStage_IgnoresOtherQrCodesAndSwitchedOffDetectors) {
  const auto samples = testing::sample_pages();
  Batch batch;
  auto giro = testing::qr_sheet("BCD\n002\n1\nSCT\n\nBundeskasse\nDE02100000000010001520\nEUR12.00");
  auto patch = testing::patch_t_sheet();
  batch.add_page(samples[0].image.get());
  batch.add_page(giro.get());
  batch.add_page(patch.get());
  batch.add_page(samples[1].image.get());
  auto outcome = run_split(batch, {{"patch_t", false}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_FALSE(outcome->patch.contains("split")) << outcome->patch.dump();  // goes on unchanged
}

TEST(SeparatorSheet, SeparatorSheet_ParsesHints) {
  EXPECT_TRUE(parse_separator_text("ZPE-SEP"));
  EXPECT_EQ(parse_separator_text("ZPE-SEP:8123456-423")->case_number, "8123456-423");
  EXPECT_EQ(parse_separator_text("ZPE-SEP: Ladung ")->doc_type, "Ladung");
  EXPECT_FALSE(parse_separator_text("ZPE-SEPARATE"));
  EXPECT_FALSE(parse_separator_text("https://example.org"));
}

TEST(SplitStage, SplitStage_PageRangeText) {
  EXPECT_EQ(page_range_text({3, 4, 5}), "3-5");
  EXPECT_EQ(page_range_text({3}), "3");
  EXPECT_EQ(page_range_text({1, 2, 4}), "1-2, 4");
}

}  // namespace
}  // namespace zpe
