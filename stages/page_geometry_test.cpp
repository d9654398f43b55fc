#include "stages/page_geometry.h"

#include <cmath>
#include <cstdio>
#include <thread>
#include <vector>

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

// How far the clean-up turned the page clockwise to straighten it (0: not at all).
double applied_deskew_cw(const NormalisedPage& page) {
  const json deskew = transform(page, "deskew");
  return deskew.is_null() ? 0.0 : deskew["degrees_clockwise"].get<double>();
}

// The black frame of framed() was cropped: 60 px on the left, 80 px at the top.
void expect_frame_cropped(const NormalisedPage& out, Pix* unframed) {
  const json crop = transform(out, "crop");
  ASSERT_FALSE(crop.is_null()) << out.transforms.dump();
  EXPECT_NEAR(crop["x"].get<int>(), 60, 4);
  EXPECT_NEAR(crop["y"].get<int>(), 80, 4);
  EXPECT_NEAR(pixGetWidth(out.image.get()), pixGetWidth(unframed), 8);
}

// The page in a black frame, as on a flatbed (`black`: the pixel value of black).
PixPtr framed(Pix* page, l_uint32 black) {
  PixPtr out(pixAddBorderGeneral(page, 60, 40, 80, 30, black));
  pixCopyResolution(out.get(), page);
  return out;
}

constexpr double kTargetsDeg[] = {-5.0, -4.2, -3.1, -2.0, -1.2, -0.4, 0.7, 1.6, 2.5, 3.3, 4.1, 5.0};

// grey_mat copies the rows word by word with the bytes swapped: every pixel must land where
// Leptonica has it, also in the last, partial word of a row (widths not a multiple of 4), and
// 1-bit and colour pages are greyed first.
TEST(PageGeometry, PageGeometry_GreyMatHasEveryPixelWhereLeptonicaHasIt) {
  for (const int width : {2480, 2483, 7}) {
    PixPtr grey(pixCreate(width, 5, 8));
    for (int y = 0; y < 5; ++y) {
      for (int x = 0; x < width; ++x) pixSetPixel(grey.get(), x, y, static_cast<l_uint32>((x * 7 + y * 13) % 256));
    }
    const cv::Mat mat = grey_mat(grey.get());
    ASSERT_EQ(mat.cols, width);
    ASSERT_EQ(mat.rows, 5);
    for (int y = 0; y < 5; ++y) {
      for (int x = 0; x < width; ++x) {
        l_uint32 value = 0;
        pixGetPixel(grey.get(), x, y, &value);
        ASSERT_EQ(mat.at<uchar>(y, x), value) << "width " << width << " at " << x << "," << y;
      }
    }
  }
  PixPtr bilevel(pixCreate(13, 2, 1));
  pixSetPixel(bilevel.get(), 12, 1, 1);  // black
  const cv::Mat from_bilevel = grey_mat(bilevel.get());
  EXPECT_EQ(from_bilevel.at<uchar>(1, 12), 0);
  EXPECT_EQ(from_bilevel.at<uchar>(0, 0), 255);
  PixPtr colour(pixCreate(6, 1, 32));
  pixSetRGBPixel(colour.get(), 5, 0, 200, 200, 200);
  const cv::Mat from_colour = grey_mat(colour.get());
  EXPECT_EQ(from_colour.at<uchar>(0, 5), 200);
  EXPECT_EQ(from_colour.at<uchar>(0, 0), 0);
}

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
      const double applied_cw = applied_deskew_cw(*out);
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

// The prepare stage hands its page over (no working copy): the result is the same as on a
// copy, pixel for pixel, and the caller's page, handed over, is what the steps began with.
TEST(PageGeometry, PageGeometry_HandedOverPageGivesTheSameResultAsACopy) {
  PageGeometry geometry(GeometrySettings{}, "");
  ASSERT_TRUE(geometry.init_error().empty()) << geometry.init_error();
  const auto pages = testing::sample_pages();
  for (std::size_t i = 0; i < pages.size() && i < 4; ++i) {
    PixPtr scan = framed(testing::skewed(pages[i].image.get(), 2.0 + pages[i].truth_ccw_deg).get(),
                         pixGetDepth(pages[i].image.get()) == 1 ? 1 : 0);
    auto copied = geometry.normalise(scan.get());
    auto handed = geometry.normalise(PixPtr(pixClone(scan.get())));
    ASSERT_TRUE(copied && handed);
    EXPECT_EQ(handed->transforms, copied->transforms) << pages[i].name;
    l_int32 same = 0;
    pixEqual(handed->image.get(), copied->image.get(), &same);
    EXPECT_TRUE(same) << pages[i].name;
  }
  EXPECT_FALSE(geometry.normalise(PixPtr()));
}

// The prepare stage's page threads share one PageGeometry (one orientation model): two
// threads turning pages upright at once, every page turned, so every page goes to OSD, get
// exactly what one thread gets.
TEST(PageGeometry, PageGeometry_TwoThreadsShareTheOrientationModel) {
  PageGeometry geometry(GeometrySettings{.deskew = false, .despeckle = false}, "");
  ASSERT_TRUE(geometry.init_error().empty()) << geometry.init_error();
  const auto pages = testing::sample_pages();
  std::vector<PixPtr> scans;
  for (std::size_t i = 0; i < pages.size() && scans.size() < 8; ++i) {
    scans.push_back(testing::turned(pages[i].image.get(), 1 + static_cast<int>(i % 3)));
  }
  std::vector<std::string> alone(scans.size()), together(scans.size());
  const auto normalise = [&](std::size_t i, std::vector<std::string>& out) {
    auto page = geometry.normalise(scans[i].get());
    out[i] = page ? page->transforms.dump() : "error: " + page.error().message;
  };
  for (std::size_t i = 0; i < scans.size(); ++i) normalise(i, alone);
  std::vector<std::thread> threads;
  for (std::size_t lane = 0; lane < 2; ++lane) {
    threads.emplace_back([&, lane] {
      for (std::size_t i = lane; i < scans.size(); i += 2) normalise(i, together);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t i = 0; i < scans.size(); ++i) {
    EXPECT_NE(alone[i].find("tesseract-osd"), std::string::npos) << "page " << i << " was not turned by OSD: " << alone[i];
    EXPECT_EQ(together[i], alone[i]) << "page " << i;
  }
}

TEST(PageGeometry, PageGeometry_CropsDarkScannerBorderAndKeepsTheInput) {
  PageGeometry geometry(GeometrySettings{.correct_orientation = false, .deskew = false}, "");
  const auto pages = testing::sample_pages();
  PixPtr grey = testing::grey8(pages[0].image.get());
  PixPtr scan = framed(grey.get(), 0);
  PixPtr before(pixCopy(nullptr, scan.get()));
  auto out = geometry.normalise(scan.get());
  ASSERT_TRUE(out);
  expect_frame_cropped(*out, grey.get());
  l_int32 same = 0;
  pixEqual(before.get(), scan.get(), &same);
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
  // normalise(Pix*) worked on a copy: the caller's page keeps its specks.
  l_int32 same = 0;
  pixEqual(out->image.get(), grey.get(), &same);
  EXPECT_FALSE(same);

  // Handed over: cleared in place when the page is the stage's alone, in a copy when the
  // caller still holds it (a clone); both give the same page.
  PixPtr mine(pixCopy(nullptr, grey.get()));
  Pix* const handed_pixels = mine.get();
  auto in_place = geometry.normalise(std::move(mine));
  ASSERT_TRUE(in_place);
  EXPECT_EQ(in_place->image.get(), handed_pixels);  // no copy was made
  PixPtr kept(pixClone(grey.get()));
  auto copied = geometry.normalise(std::move(kept));
  ASSERT_TRUE(copied);
  EXPECT_NE(copied->image.get(), grey.get());
  pixEqual(in_place->image.get(), copied->image.get(), &same);
  EXPECT_TRUE(same);
  pixEqual(in_place->image.get(), out->image.get(), &same);
  EXPECT_TRUE(same);
  PixPtr original = testing::grey8(pages[0].image.get());
  std::mt19937 again(7);
  for (int i = 0; i < 500; ++i) pixSetPixel(original.get(), px(again), py(again), 0);
  pixEqual(grey.get(), original.get(), &same);
  EXPECT_TRUE(same) << "the caller's clone was changed";
}

// Bilevel scans (most letters arrive as CCITT G4) take other code paths: black pixels are
// counted for the border, and the ink is the page itself for orientation and skew.
PixPtr bilevel(Pix* page) {
  PixPtr grey = testing::grey8(page);
  PixPtr out(pixConvertTo1(grey.get(), 128));
  pixCopyResolution(out.get(), page);
  return out;
}

TEST(PageGeometry, PageGeometry_CropsDarkBorderOfBilevelPageLikeOfGreyPage) {
  PageGeometry geometry(GeometrySettings{.correct_orientation = false, .deskew = false, .despeckle = false}, "");
  const auto pages = testing::sample_pages();
  PixPtr page = bilevel(pages[0].image.get());
  PixPtr scan = framed(page.get(), 1);
  auto out = geometry.normalise(scan.get());
  ASSERT_TRUE(out);
  expect_frame_cropped(*out, page.get());
  EXPECT_EQ(pixGetDepth(out->image.get()), 1);
  EXPECT_NEAR(pixGetHeight(out->image.get()), pixGetHeight(page.get()), 8);
}

TEST(PageGeometry, PageGeometry_StraightensSkewedBilevelPages) {
  PageGeometry geometry(GeometrySettings{.correct_orientation = false}, "");
  const auto pages = testing::sample_pages();
  for (std::size_t i = 0; i < pages.size(); i += 3) {
    const double target_cw = kTargetsDeg[i % std::size(kTargetsDeg)];
    PixPtr grey = testing::skewed(pages[i].image.get(), target_cw + pages[i].truth_ccw_deg);
    PixPtr scan = bilevel(grey.get());
    auto out = geometry.normalise(scan.get());
    ASSERT_TRUE(out);
    EXPECT_LE(std::abs(target_cw + applied_deskew_cw(*out)), 0.3) << pages[i].name << " skewed " << target_cw << "° clockwise";
  }
}

// The whole clean-up on the page as a scanner gives it: turned by a quarter, half or three
// quarters and skewed by a few degrees on top; the page must come out upright and straight.
TEST(PageGeometry, PageGeometry_TurnsAndStraightensPagesBothTurnedAndSkewed) {
  PageGeometry geometry(GeometrySettings{}, "");
  ASSERT_TRUE(geometry.init_error().empty()) << geometry.init_error();
  const auto pages = testing::sample_pages();
  for (std::size_t i = 0; i < pages.size(); i += 2) {
    const int quads = 1 + static_cast<int>(i / 2) % 3;
    const double skew_cw = kTargetsDeg[(i + 3) % std::size(kTargetsDeg)] * 0.6;
    PixPtr turned = testing::turned(pages[i].image.get(), quads);
    PixPtr scan = testing::skewed(turned.get(), skew_cw + pages[i].truth_ccw_deg);
    auto out = geometry.normalise(scan.get());
    ASSERT_TRUE(out);
    const json rotate = transform(*out, "rotate");
    const int turned_back = rotate.is_null() ? 0 : rotate["degrees_clockwise"].get<int>();
    EXPECT_EQ((quads * 90 + turned_back) % 360, 0) << pages[i].name << " turned " << quads * 90 << "°";
    EXPECT_LE(std::abs(skew_cw + applied_deskew_cw(*out)), 0.3) << pages[i].name << " skewed " << skew_cw << "° clockwise";
  }
}

// Upright pages are by far the most common: Leptonica's text-line test must settle most of
// them, or every page pays for Tesseract's OSD (step "orientation_osd", hundreds of ms).
TEST(PageGeometry, PageGeometry_SettlesMostUprightPagesWithoutOsd) {
  PageGeometry geometry(GeometrySettings{.deskew = false, .despeckle = false}, "");
  ASSERT_TRUE(geometry.init_error().empty()) << geometry.init_error();
  const auto pages = testing::sample_pages();
  int without_osd = 0;
  for (const auto& page : pages) {
    StepTimes times;
    auto out = geometry.normalise(page.image.get(), &times);
    ASSERT_TRUE(out);
    EXPECT_TRUE(transform(*out, "rotate").is_null()) << page.name << " is upright";
    const json steps = times.to_json();
    EXPECT_TRUE(steps.contains("orientation")) << steps.dump();
    without_osd += steps.contains("orientation_osd") ? 0 : 1;
  }
  std::printf("FIGURE orientation fast path: %d of %zu upright pages settled without OSD\n", without_osd, pages.size());
  EXPECT_GE(without_osd * 3, static_cast<int>(pages.size()) * 2);
}

}  // namespace
}  // namespace zpe
