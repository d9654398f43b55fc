#include "stages/page_geometry.h"

#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "stages/testing_scans.h"

namespace zpe {
namespace {

using nlohmann::json;

// The first transform of kind `op`, or null.
json transform(const NormalisedPage& page, const std::string& op) {
  for (const json& t : page.transforms) {
    if (t["op"] == op) return t;
  }
  return nullptr;
}

constexpr double kTargetsDeg[] = {-5.0, -4.2, -3.1, -2.0, -1.2, -0.4, 0.7, 1.6, 2.5, 3.3, 4.1, 5.0};

TEST(PageGeometry, PageGeometry_DeskewLeavesUnderThreeTenthsOfADegreeOnPagesSkewedUpToFive) {
  PageGeometry geometry(GeometrySettings{.correct_orientation = false}, "");
  const auto pages = testing::sample_pages();
  ASSERT_GE(pages.size(), 10u);
  double worst = 0, sum = 0;
  int count = 0;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    for (std::size_t k = 0; k < 2; ++k) {
      const double target_cw = kTargetsDeg[(2 * i + k * 5) % std::size(kTargetsDeg)];
      // The sample is already turned truth_ccw_deg counter-clockwise: make the total target_cw clockwise.
      PixPtr scan = testing::skewed(pages[i].image.get(), target_cw + pages[i].truth_ccw_deg);
      auto out = geometry.normalise(scan.get());
      ASSERT_TRUE(out);
      const json deskew = transform(*out, "deskew");
      const double applied_cw = deskew.is_null() ? 0.0 : deskew["degrees_clockwise"].get<double>();
      const double residual = std::abs(target_cw + applied_cw);
      EXPECT_LE(residual, 0.3) << pages[i].name << " skewed " << target_cw << "° clockwise";
      worst = std::max(worst, residual);
      sum += residual;
      ++count;
    }
  }
  std::printf("FIGURE deskew: %d pages skewed within ±5°, residual skew max %.3f°, mean %.3f°\n", count, worst,
              sum / count);
}

TEST(PageGeometry, PageGeometry_TurnsPagesRotatedBy90_180_270Upright) {
  PageGeometry geometry(GeometrySettings{.deskew = false, .despeckle = false}, "");
  ASSERT_TRUE(geometry.init_error().empty()) << geometry.init_error();
  const auto pages = testing::sample_pages();
  int correct = 0, total = 0;
  for (const auto& page : pages) {
    for (int quads = 0; quads < 4; ++quads) {
      PixPtr scan = testing::turned(page.image.get(), quads);
      auto out = geometry.normalise(scan.get());
      ASSERT_TRUE(out);
      const json rotate = transform(*out, "rotate");
      const int applied = rotate.is_null() ? 0 : rotate["degrees_clockwise"].get<int>();
      const bool upright = (quads * 90 + applied) % 360 == 0;
      EXPECT_TRUE(upright) << page.name << " turned " << quads * 90 << "° clockwise, turned back " << applied << "°";
      correct += upright ? 1 : 0;
      ++total;
    }
  }
  const double rate = static_cast<double>(correct) / total;
  std::printf("FIGURE orientation: %d of %d pages (0/90/180/270°) upright after correction = %.1f%%\n", correct, total,
              rate * 100);
  EXPECT_GE(rate, 0.99);
}

TEST(PageGeometry, PageGeometry_CropsDarkScannerBorderAndKeepsTheInput) {
  PageGeometry geometry(GeometrySettings{.correct_orientation = false, .deskew = false}, "");
  const auto pages = testing::sample_pages();
  PixPtr grey = testing::grey8(pages[0].image.get());
  PixPtr framed(pixAddBorderGeneral(grey.get(), 60, 40, 80, 30, 0));  // black frame, as on a flatbed
  pixCopyResolution(framed.get(), grey.get());
  PixPtr before(pixCopy(nullptr, framed.get()));
  auto out = geometry.normalise(framed.get());
  ASSERT_TRUE(out);
  const json crop = transform(*out, "crop");
  ASSERT_FALSE(crop.is_null()) << out->transforms.dump();
  EXPECT_NEAR(crop["x"].get<int>(), 60, 4);
  EXPECT_NEAR(crop["y"].get<int>(), 80, 4);
  EXPECT_NEAR(pixGetWidth(out->image.get()), pixGetWidth(grey.get()), 8);
  l_int32 same = 0;
  pixEqual(before.get(), framed.get(), &same);
  EXPECT_TRUE(same) << "the input page must stay untouched";
}

TEST(PageGeometry, PageGeometry_RemovesSpecklesButNotText) {
  PageGeometry geometry(GeometrySettings{.crop_borders = false, .correct_orientation = false, .deskew = false}, "");
  const auto pages = testing::sample_pages();
  PixPtr grey = testing::grey8(pages[0].image.get());
  std::mt19937 random(7);
  std::uniform_int_distribution<int> px(0, pixGetWidth(grey.get()) - 1), py(0, pixGetHeight(grey.get()) - 1);
  for (int i = 0; i < 500; ++i) pixSetPixel(grey.get(), px(random), py(random), 0);
  auto out = geometry.normalise(grey.get());
  ASSERT_TRUE(out);
  const json despeckle = transform(*out, "despeckle");
  ASSERT_FALSE(despeckle.is_null());
  EXPECT_GE(despeckle["removed"].get<int>(), 450);
  EXPECT_LE(despeckle["removed"].get<int>(), 2000);
}

}  // namespace
}  // namespace zpe
