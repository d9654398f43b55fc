#include "stages/page_geometry.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

#include <leptonica/allheaders.h>
#include <opencv2/imgproc.hpp>
#include <tesseract/baseapi.h>

#include "stages/one_openmp_thread.h"

namespace zpe {

namespace {

using nlohmann::json;

constexpr double kPi = 3.14159265358979323846;
constexpr int kInkThreshold = 128;       // grey level below which a pixel counts as ink
constexpr double kMaxBorderFraction = 0.15;  // never crop more than this from one side
constexpr double kMinSkewConfidence = 2.5;   // Leptonica's confidence for a real text-line angle
constexpr double kTrustedSkewConfidence = 6.0;  // above this, no second opinion is needed
constexpr double kLineFitDpi = 150;
// The text-line orientation test looks first at the page halved when it has at least this
// resolution (a 300 dpi page at 150 dpi, a quarter of the work), and at the page itself only
// when the halved page is not clearly upright: halved alone, 300 dpi pages were far more
// often unsure, and the OSD they then needed (7 -> 70 ms a page on 40 held-out letters)
// cost more than the halving saved.
constexpr int kOrientHalvedFromDpi = 250;

double round_to(double value, double step) { return std::round(value / step) * step; }

PixPtr keep_resolution(Pix* made, Pix* like) {
  if (made != nullptr) pixCopyResolution(made, like);
  return PixPtr(made);
}

PixPtr grey_of(Pix* page) { return keep_resolution(pixConvertTo8(page, 0), page); }

PixPtr bilevel_of(Pix* page) {
  if (pixGetDepth(page) == 1) return PixPtr(pixClone(page));
  PixPtr grey = grey_of(page);
  return keep_resolution(pixConvertTo1(grey.get(), kInkThreshold), page);
}

// Mean grey level (0 black .. 255 white) of one row (by_rows) or column of a 1-bit or
// 8-bit page, read from the page itself: no full-resolution grey copy is made.
double line_mean(Pix* page, bool by_rows, int index) {
  const int width = pixGetWidth(page), height = pixGetHeight(page), wpl = pixGetWpl(page);
  const l_uint32* data = pixGetData(page);
  const bool bilevel = pixGetDepth(page) == 1;
  const int length = by_rows ? width : height;
  double sum = 0;  // grey levels, or black pixels of a bilevel page
  for (int i = 0; i < length; ++i) {
    const int x = by_rows ? i : index, y = by_rows ? index : i;
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    sum += bilevel ? GET_DATA_BIT(line, x) : GET_DATA_BYTE(line, x);
  }
  return bilevel ? 255.0 * (length - sum) / length : sum / length;
}

// How many lines from one end are mostly dark (a scanner border), capped. Only the lines
// up to the first light one are read: on a page without a border, one line per side.
int dark_run(Pix* page, bool by_rows, bool from_end) {
  const int count = by_rows ? pixGetHeight(page) : pixGetWidth(page);
  const int limit = static_cast<int>(count * kMaxBorderFraction);
  int run = 0;
  while (run < limit && line_mean(page, by_rows, from_end ? count - 1 - run : run) < kInkThreshold) ++run;
  return run == 0 ? 0 : std::min(limit, run + 2);  // the shadow next to the border goes too
}

// Ink of the page at about 150 dpi as an OpenCV mask (255 = ink).
cv::Mat ink_at_line_fit_dpi(Pix* page) {
  cv::Mat mat = grey_mat(page);
  const double scale = std::min(1.0, kLineFitDpi / std::max(1, pixGetXRes(page)));
  if (scale < 1.0) cv::resize(mat, mat, cv::Size(), scale, scale, cv::INTER_AREA);
  return mat < kInkThreshold;
}

// Second opinion for sparse pages (a few lines, where projection profiles are unsure):
// merge each text line into one blob, fit a straight line through its ink, and take the
// length-weighted median of the line angles. Nothing when fewer than two long lines.
std::optional<double> skew_from_text_lines(Pix* page) {
  const cv::Mat ink = ink_at_line_fit_dpi(page);
  cv::Mat lines, labels, stats, centroids;
  cv::morphologyEx(ink, lines, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(25, 1)));
  const int count = cv::connectedComponentsWithStats(lines, labels, stats, centroids, 8, CV_32S);
  std::vector<std::vector<cv::Point>> points(count);
  for (int y = 0; y < ink.rows; ++y) {
    for (int x = 0; x < ink.cols; ++x) {
      if (ink.at<unsigned char>(y, x) != 0) points[labels.at<int>(y, x)].emplace_back(x, y);
    }
  }
  std::vector<std::pair<double, double>> angles;  // degrees, weight (length)
  double total = 0;
  for (int i = 1; i < count; ++i) {
    const int width = stats.at<int>(i, cv::CC_STAT_WIDTH), height = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    if (width < kLineFitDpi || width < 4 * height || points[i].size() < 50) continue;
    cv::Vec4f fit;
    cv::fitLine(points[i], fit, cv::DIST_L2, 0, 0.01, 0.01);
    angles.emplace_back(std::atan2(fit[1], fit[0]) * 180.0 / kPi, width);
    total += width;
  }
  if (angles.size() < 2) return std::nullopt;
  for (auto& [angle, weight] : angles) angle = angle > 90 ? angle - 180 : angle < -90 ? angle + 180 : angle;
  std::sort(angles.begin(), angles.end());
  double seen = 0;
  for (const auto& [angle, weight] : angles) {
    seen += weight;
    if (seen >= total / 2) return -angle;  // a line falling to the right needs a counter-clockwise turn
  }
  return std::nullopt;
}

}  // namespace

cv::Mat grey_mat(Pix* page) {
  PixPtr greyed;
  Pix* grey = page;
  if (pixGetDepth(page) != 8 || pixGetColormap(page) != nullptr) {
    greyed = grey_of(page);
    grey = greyed.get();
  }
  if (grey == nullptr) return cv::Mat();
  // Leptonica keeps the pixels of a row in 32-bit words in host order, so on a little-endian
  // machine each word's bytes are swapped on the way into the OpenCV image (one pass, no
  // intermediate copy of the page).
  const int width = pixGetWidth(grey), height = pixGetHeight(grey), wpl = pixGetWpl(grey);
  const l_uint32* data = pixGetData(grey);
  cv::Mat out(height, width, CV_8UC1);
  for (int y = 0; y < height; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    uchar* row = out.ptr<uchar>(y);
    const int whole_words = width / 4;
    for (int i = 0; i < whole_words; ++i) {
      l_uint32 word = line[i];
      if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap32(word);
      std::memcpy(row + 4 * i, &word, 4);
    }
    for (int x = 4 * whole_words; x < width; ++x) row[x] = static_cast<uchar>(GET_DATA_BYTE(line, x));
  }
  return out;
}

namespace {

// measure_skew on a page whose bilevel form is already at hand (`page` for the text-line
// second opinion; the bilevel page itself will do).
SkewMeasure measure_skew_of(Pix* bilevel, Pix* page) {
  l_float32 angle = 0, confidence = 0;
  if (bilevel == nullptr || pixFindSkew(bilevel, &angle, &confidence) != 0) confidence = 0;
  if (confidence >= kTrustedSkewConfidence) return {angle, confidence};
  if (auto fitted = skew_from_text_lines(page)) return {*fitted, confidence};
  if (confidence < kMinSkewConfidence) return {0, confidence};
  return {angle, confidence};
}

}  // namespace

SkewMeasure measure_skew(Pix* page) {
  PixPtr bilevel = bilevel_of(page);
  return measure_skew_of(bilevel.get(), page);
}

// The page being cleaned up and its bilevel form (ink = 1), made when a step first needs it
// and kept while the page stays as it is: orientation, deskew and despeckle each looked at
// the same page's ink, and thresholding a grey A4 page costs as much as a step itself.
struct PageGeometry::WorkingPage {
  PixPtr image;
  PixPtr bilevel;

  Pix* ink() {
    if (!bilevel) bilevel = bilevel_of(image.get());
    return bilevel.get();
  }
  // The page changed; `its_ink` is its bilevel form when already made (else made on demand).
  void replace(PixPtr changed, PixPtr its_ink = nullptr) {
    image = std::move(changed);
    bilevel = std::move(its_ink);
  }
};

PageGeometry::PageGeometry(GeometrySettings settings, const std::string& tessdata_dir) : settings_(settings) {
  if (!settings_.correct_orientation) return;
  keep_openmp_on_this_thread();
  osd_ = std::make_unique<tesseract::TessBaseAPI>();
  osd_->SetVariable("debug_file", "/dev/null");
  if (osd_->Init(tessdata_dir.empty() ? nullptr : tessdata_dir.c_str(), "osd", tesseract::OEM_TESSERACT_ONLY) != 0) {
    init_error_ = "prepare: Tesseract's orientation model (osd) cannot be loaded — install tesseract-ocr-osd "
                  "or set [stages.prepare] correct_orientation = false";
    osd_.reset();
    return;
  }
  osd_->SetPageSegMode(tesseract::PSM_OSD_ONLY);
}

PageGeometry::~PageGeometry() {
  if (osd_) osd_->End();
}

void PageGeometry::crop_dark_borders(WorkingPage& page, json& transforms) {
  Pix* image = page.image.get();
  const bool readable = (pixGetDepth(image) == 1 || pixGetDepth(image) == 8) && pixGetColormap(image) == nullptr;
  PixPtr grey = readable ? PixPtr(pixClone(image)) : grey_of(image);  // a colour page is greyed
  if (!grey) return;
  const int top = dark_run(grey.get(), true, false), bottom = dark_run(grey.get(), true, true);
  const int left = dark_run(grey.get(), false, false), right = dark_run(grey.get(), false, true);
  if (top + bottom + left + right == 0) return;
  const int width = pixGetWidth(image) - left - right, height = pixGetHeight(image) - top - bottom;
  BOX* box = boxCreate(left, top, width, height);
  PixPtr cropped = keep_resolution(pixClipRectangle(image, box, nullptr), image);
  boxDestroy(&box);
  if (!cropped) return;
  transforms.push_back({{"op", "crop"}, {"x", left}, {"y", top}, {"width", width}, {"height", height},
                        {"reason", "dark scanner border"}});
  page.replace(std::move(cropped));
}

namespace {

// Leptonica's text-line test (ascenders against descenders, Bloomberg, Kopec and Dasari
// 1995) on the page's ink as is and turned by 90°: tens of milliseconds where Tesseract's
// OSD takes hundreds. Only its clear "upright" is taken (its default minimum confidence 7
// and ratio 2.5 between the two directions); a turned page, or one it is unsure of (little
// text, tables, a photo), goes to OSD.
bool text_lines_upright(Pix* bilevel) {
  l_float32 up_conf = 0, left_conf = 0;
  if (pixOrientDetect(bilevel, &up_conf, &left_conf, 0, 0) != 0) return false;
  l_int32 orientation = L_TEXT_ORIENT_UNKNOWN;
  if (makeOrientDecision(up_conf, left_conf, 0, 0, &orientation, 0) != 0) return false;
  return orientation == L_TEXT_ORIENT_UP;
}

PixPtr halved(Pix* bilevel) { return PixPtr(pixReduceRankBinary2(bilevel, 1, nullptr)); }

bool clearly_upright(Pix* bilevel, int dpi) {
  PixPtr below_400_dpi;  // Leptonica documents the test for 150-300 dpi
  if (dpi > 400 && (below_400_dpi = halved(bilevel))) bilevel = below_400_dpi.get(), dpi /= 2;
  if (dpi >= kOrientHalvedFromDpi) {
    PixPtr quick = halved(bilevel);
    if (quick && text_lines_upright(quick.get())) return true;
  }
  return text_lines_upright(bilevel);
}

}  // namespace

void PageGeometry::correct_orientation(WorkingPage& page, json& transforms, StepTimes& steps) {
  if (!osd_) return;
  if (steps.time("orientation", [&] { return clearly_upright(page.ink(), pixGetXRes(page.image.get())); })) return;
  PixPtr upright = steps.time("orientation_osd", [&] { return turned_upright_by_osd(page.image.get(), transforms); });
  if (upright) page.replace(std::move(upright));
}

PixPtr PageGeometry::turned_upright_by_osd(Pix* page, json& transforms) {
  PixPtr grey = grey_of(page);
  if (!grey) return nullptr;
  keep_openmp_on_this_thread();
  int orient_deg = 0;
  float orient_conf = 0, script_conf = 0;
  const char* script = nullptr;
  bool found = false;
  {
    const std::lock_guard lock(osd_mutex_);
    osd_->SetImage(grey.get());
    osd_->SetSourceResolution(std::max(70, pixGetXRes(page)));
    found = osd_->DetectOrientationScript(&orient_deg, &orient_conf, &script, &script_conf);
    osd_->Clear();
  }
  if (!found || orient_deg % 360 == 0 || orient_conf < settings_.min_orientation_confidence) return nullptr;
  // orient_deg is how far the text is turned clockwise; turning the page on by the rest
  // of a full turn puts it upright.
  const int quads = (4 - (orient_deg / 90) % 4) % 4;
  PixPtr upright = keep_resolution(pixRotateOrth(page, quads), page);
  if (!upright) return nullptr;
  transforms.push_back({{"op", "rotate"}, {"degrees_clockwise", quads * 90},
                        {"confidence", round_to(orient_conf, 0.01)}, {"detector", "tesseract-osd"}});
  return upright;
}

PixPtr rotated_clockwise(Pix* page, double degrees) {
  // Leptonica has no area-map rotation for 1-bit images; sampling is what it would do.
  const l_int32 type = pixGetDepth(page) == 1 ? L_ROTATE_SAMPLING : L_ROTATE_AREA_MAP;
  return keep_resolution(
      pixRotate(page, static_cast<l_float32>(degrees * kPi / 180.0), type, L_BRING_IN_WHITE, 0, 0), page);
}

// Measures, turns, and measures once more: a large skew is measured less precisely than a
// small one, so the second look refines the angle (applied to the page as it came in). The
// second look is at the turned page's own ink: measured on the ink turned instead (cheaper),
// the largest residual on the test pages grew from 0.21° to 0.25°.
void PageGeometry::correct_skew(WorkingPage& page, json& transforms) {
  const SkewMeasure skew = measure_skew_of(page.ink(), page.image.get());
  if (std::abs(skew.skew_deg) < settings_.min_skew_deg) return;
  Pix* image = page.image.get();
  PixPtr straight = rotated_clockwise(image, skew.skew_deg);
  if (!straight) return;
  PixPtr straight_ink = bilevel_of(straight.get());
  double total = skew.skew_deg;
  // The full ±7° sweep here too: over ±1° Leptonica's confidence is lower, and the slower
  // text-line second opinion then ran on more pages (its instructions 0.4 -> 1.2 G on 9 pages).
  const SkewMeasure rest = measure_skew_of(straight_ink.get(), straight.get());
  if (std::abs(rest.skew_deg) >= settings_.min_skew_deg && std::abs(rest.skew_deg) < 1.0) {
    // The first turn is let go before the second is made from the page as it came in: a
    // page thread then holds two full pages here, not three (a grey A4 page is 8.7 MB).
    straight.reset();
    straight_ink.reset();
    if (PixPtr refined = rotated_clockwise(image, total + rest.skew_deg)) {
      straight = std::move(refined);
      total += rest.skew_deg;
    } else {
      straight = rotated_clockwise(image, total);
      if (!straight) return;
    }
  }
  transforms.push_back({{"op", "deskew"}, {"degrees_clockwise", round_to(total, 0.01)},
                        {"confidence", round_to(skew.confidence, 0.01)}});
  page.replace(std::move(straight), std::move(straight_ink));
}

void PageGeometry::remove_speckles(WorkingPage& page, json& transforms) {
  Pix* image = page.image.get();
  const int size = std::max(1, pixGetXRes(image) / 150);  // 2 px at 300 dpi: below any dot of print
  l_int32 changed = 0;
  PixPtr specks(pixSelectBySize(page.ink(), size, size, 8, L_SELECT_IF_BOTH, L_SELECT_IF_LTE, &changed));
  l_int32 count = 0;
  if (!specks || pixCountConnComp(specks.get(), 8, &count) != 0 || count == 0) return;
  // The specks are cleared in the page itself when nothing else holds it (the last step: its
  // bilevel form, which for a bilevel page is the page, is not needed again); else in a copy.
  // A grey A4 page is 8.7 MB.
  page.bilevel.reset();
  const bool own = pixGetRefcount(image) == 1;
  PixPtr copy(own ? nullptr : pixCopy(nullptr, image));
  Pix* clean = own ? image : copy.get();
  if (clean == nullptr) return;
  switch (pixGetDepth(clean)) {
    case 1: pixSubtract(clean, clean, specks.get()); break;
    case 8: pixSetMasked(clean, specks.get(), 255); break;
    default: pixSetMasked(clean, specks.get(), 0xffffff00); break;
  }
  transforms.push_back({{"op", "despeckle"}, {"max_speck_px", size}, {"removed", count}});
  if (!own) page.replace(std::move(copy));
}

Result<NormalisedPage> PageGeometry::normalise(Pix* page, StepTimes* times) {
  PixPtr copy(pixCopy(nullptr, page));
  if (!copy) return fail(ErrorKind::kInternal, "cannot copy the page image");
  return normalise(std::move(copy), times);
}

Result<NormalisedPage> PageGeometry::normalise(PixPtr page, StepTimes* times) {
  NormalisedPage out;
  if (!page) return fail(ErrorKind::kInternal, "no page image");
  WorkingPage work{std::move(page), nullptr};
  StepTimes unused;
  StepTimes& steps = times != nullptr ? *times : unused;
  if (settings_.crop_borders) steps.time("crop", [&] { crop_dark_borders(work, out.transforms); });
  if (settings_.correct_orientation) correct_orientation(work, out.transforms, steps);
  if (settings_.deskew) steps.time("deskew", [&] { correct_skew(work, out.transforms); });
  if (settings_.despeckle) steps.time("despeckle", [&] { remove_speckles(work, out.transforms); });
  out.image = std::move(work.image);
  return out;
}

}  // namespace zpe
