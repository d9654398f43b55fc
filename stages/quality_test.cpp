#include "stages/quality.h"

#include <cstdio>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "stages/page_geometry.h"
#include "stages/page_quality.h"
#include "stages/testing_blob_access.h"
#include "stages/testing_page_images.h"
#include "stages/testing_scans.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;

// As the quality stage sees pages: after prepare's geometry (straightened, cleaned).
PixPtr prepared(Pix* page) {
  static PageGeometry geometry(GeometrySettings{.correct_orientation = false}, "");
  return std::move(geometry.normalise(page)->image);
}

PageVerdict judge(Pix* page, int dpi = 300) {
  auto measured = measure_page(page, dpi, false);
  EXPECT_TRUE(measured);
  return judge_page(*measured, QualityThresholds{}, 1);
}

bool mentions(const PageVerdict& verdict, const std::string& words) {
  for (const auto& reason : verdict.reasons) {
    if (reason.find(words) != std::string::npos) return true;
  }
  return false;
}

// A page with only its first text block (the letterhead), the rest white: sparse, not blank.
testing::SamplePage sparse_page(const testing::SamplePage& page) {
  PixPtr grey = testing::grey8(page.image.get());
  const int keep = pixGetHeight(grey.get()) / 6;
  BOX* rest = boxCreate(0, keep, pixGetWidth(grey.get()), pixGetHeight(grey.get()) - keep);
  pixSetInRectArbitrary(grey.get(), rest, 255);
  boxDestroy(&rest);  // the sanitizer build found it leaked
  return {page.name + " sparse", std::move(grey), page.truth_ccw_deg};
}

TEST(QualityStage, QualityStage_FindsBlankBacksidesWithPrecisionAndRecallOver98Percent) {
  const auto fronts = testing::sample_pages();
  std::mt19937 random(2024);
  std::vector<std::pair<PixPtr, bool>> pages;  // page, truly blank
  for (const auto& front : fronts) {
    pages.emplace_back(testing::grey8(front.image.get()), false);
    pages.emplace_back(std::move(sparse_page(front).image), false);
  }
  std::uniform_int_distribution<int> paper(225, 250), bleed(0, 35), specks(0, 300);
  std::uniform_real_distribution<double> grain(1.0, 8.0);
  for (int i = 0; i < 40; ++i) {
    pages.emplace_back(testing::blank_backside(fronts[i % fronts.size()].image.get(), paper(random), bleed(random),
                                               grain(random), specks(random), random),
                       true);
  }
  int true_blank = 0, false_blank = 0, missed_blank = 0;
  for (const auto& [page, blank] : pages) {
    const bool said_blank = judge(page.get()).verdict == Verdict::kBlank;
    true_blank += said_blank && blank;
    false_blank += said_blank && !blank;
    missed_blank += !said_blank && blank;
  }
  const double precision = true_blank / std::max(1.0, double(true_blank + false_blank));
  const double recall = true_blank / std::max(1.0, double(true_blank + missed_blank));
  std::printf("FIGURE blank pages: %zu pages (40 blank backsides), precision %.1f%%, recall %.1f%%\n", pages.size(),
              precision * 100, recall * 100);
  EXPECT_GE(precision, 0.98);
  EXPECT_GE(recall, 0.98);
}

TEST(QualityStage, QualityStage_PassesEverySampleLetterPage) {
  for (const auto& page : testing::sample_pages()) {
    PixPtr straight = prepared(page.image.get());
    const PageVerdict verdict = judge(straight.get());
    EXPECT_EQ(verdict.verdict, Verdict::kOk) << page.name << ": " << (verdict.reasons.empty() ? "" : verdict.reasons[0]);
  }
}

TEST(QualityStage, QualityStage_RejectsBlurredLowResolutionAndCutOffPagesWithTheReason) {
  const auto pages = testing::sample_pages();
  int rejected = 0, total = 0;
  for (std::size_t i = 0; i < pages.size(); i += 2) {
    PixPtr straight = prepared(pages[i].image.get());
    Pix* page = straight.get();
    PixPtr blurry = testing::blurred(page, 4);
    PixPtr coarse = testing::at_dpi(page, 100);
    PixPtr cut = testing::cut_off(page);
    const PageVerdict b = judge(blurry.get()), c = judge(coarse.get(), 100), t = judge(cut.get());
    EXPECT_TRUE(mentions(b, "blurred")) << pages[i].name;
    EXPECT_TRUE(mentions(c, "100 dpi, below the 200 dpi minimum")) << pages[i].name;
    EXPECT_TRUE(mentions(t, "bottom edge")) << pages[i].name;
    rejected += (b.verdict == Verdict::kReject) + (c.verdict == Verdict::kReject) + (t.verdict == Verdict::kReject);
    total += 3;
  }
  std::printf("FIGURE rejects: %d of %d blurred / 100 dpi / cut-off pages rejected with the right reason\n", rejected,
              total);
  EXPECT_EQ(rejected, total);
}

class QualityStageTest : public ::testing::Test {
 protected:
  json page_entry(Pix* pix, int number, int dpi = 300) {
    auto png = encode_png(pix);
    return {{"page", number}, {"source_page", number}, {"blob", blobs_.put(*png)}, {"width", pixGetWidth(pix)},
            {"height", pixGetHeight(pix)}, {"dpi_x", dpi}, {"dpi_y", dpi}, {"depth", 8}};
  }
  StageOutcome check(const json& pages, json settings = json::object()) {
    auto stage = make_quality_stage(settings);
    EXPECT_TRUE(stage);
    record_ = {{"document_id", "d1"}, {"source", {{"file", "batch.tif"}}}, {"pages", pages}};
    return (*stage)->run(StageContext{record_, settings, blobs_});
  }
  InMemoryBlobAccess blobs_;
  json record_;
};

TEST_F(QualityStageTest, QualityStage_DropsBlankPagesAndRenumbersTheRest) {
  const auto fronts = testing::sample_pages();
  std::mt19937 random(1);
  PixPtr back = testing::blank_backside(fronts[0].image.get(), 240, 25, 4, 50, random);
  const auto outcome = check(json::array({page_entry(prepared(fronts[0].image.get()).get(), 1), page_entry(back.get(), 2),
                                          page_entry(prepared(fronts[1].image.get()).get(), 3)}));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_FALSE(outcome->clearing_reason) << *outcome->clearing_reason;
  ASSERT_EQ(outcome->patch["pages"].size(), 2u);
  EXPECT_EQ(outcome->patch["pages"][1]["page"], 2);
  EXPECT_EQ(outcome->patch["pages"][1]["source_page"], 3);
  EXPECT_EQ(outcome->patch["quality"]["dropped_source_pages"], json::array({2}));
  EXPECT_EQ(outcome->patch["quality"]["verdicts"][1]["verdict"], "blank");
}

TEST_F(QualityStageTest, QualityStage_FlagPolicyKeepsBlankPageAndAsksAPerson) {
  const auto fronts = testing::sample_pages();
  std::mt19937 random(1);
  PixPtr back = testing::blank_backside(fronts[0].image.get(), 240, 10, 3, 0, random);
  const auto outcome = check(json::array({page_entry(prepared(fronts[0].image.get()).get(), 1), page_entry(back.get(), 2)}),
                             json{{"blank_pages", "flag"}});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->patch["pages"].size(), 2u);
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("blank page 2"), std::string::npos) << *outcome->clearing_reason;
}

TEST_F(QualityStageTest, QualityStage_RejectedPageSendsDocumentToClearingWithRescanNeeded) {
  const auto fronts = testing::sample_pages();
  PixPtr coarse = testing::at_dpi(fronts[0].image.get(), 96);
  const auto outcome =
      check(json::array({page_entry(prepared(fronts[1].image.get()).get(), 1), page_entry(coarse.get(), 2, 96)}));
  ASSERT_TRUE(outcome);
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("rescan needed: page 2 of batch.tif"), std::string::npos);
  EXPECT_NE(outcome->clearing_reason->find("page 2: 96 dpi, below the 200 dpi minimum — rescan"), std::string::npos)
      << *outcome->clearing_reason;
  EXPECT_EQ(outcome->patch["quality"]["rejected_source_pages"], json::array({2}));
  EXPECT_EQ(outcome->patch["quality"]["verdicts"][0]["verdict"], "ok");
}

TEST_F(QualityStageTest, QualityStage_TenantThresholdsApplyPerJob) {
  const auto fronts = testing::sample_pages();
  const auto outcome = check(json::array({page_entry(prepared(fronts[0].image.get()).get(), 1)}), json{{"min_dpi", 400}});
  ASSERT_TRUE(outcome);
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("below the 400 dpi minimum"), std::string::npos);
  EXPECT_FALSE(make_quality_stage(json{{"blank_pages", "shred"}}));
}

}  // namespace
}  // namespace zpe
