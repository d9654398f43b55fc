#include "stages/page_quality.h"

#include <algorithm>
#include <cmath>

#include <leptonica/allheaders.h>
#include <opencv2/imgproc.hpp>

#include "stages/page_geometry.h"
#include "stages/page_image.h"

namespace zpe {

namespace {

using nlohmann::json;

constexpr double kAnalysisDpi = 150;
constexpr double kA4ShortSideInch = 8.27;
constexpr int kInkDelta = 45;        // darker than paper by this much is ink; bleed-through is lighter
constexpr int kMinInkArea = 6;       // pixels at 150 dpi; smaller marks are specks
constexpr int kEdgeStripPx = 3;      // at 150 dpi, about half a millimetre

double round_to(double value, double step) { return std::round(value / step) * step; }

// The grey level below which `fraction` of the masked pixels lie.
int percentile(const cv::Mat& grey, const cv::Mat& mask, double fraction) {
  int channels[] = {0}, bins[] = {256};
  float range[] = {0, 256};
  const float* ranges[] = {range};
  cv::Mat hist;
  cv::calcHist(&grey, 1, channels, mask, hist, 1, bins, ranges);
  const double total = cv::sum(hist)[0];
  double seen = 0;
  for (int level = 0; level < 256; ++level) {
    seen += hist.at<float>(level);
    if (seen >= fraction * total && total > 0) return level;
  }
  return 255;
}

// Ink: clearly darker than the paper, in marks larger than a speck.
cv::Mat ink_mask(const cv::Mat& smooth, int paper) {
  cv::Mat dark = smooth < std::max(0, paper - kInkDelta);
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(dark, labels, stats, centroids, 8, CV_32S);
  std::vector<unsigned char> keep(count, 0);
  for (int i = 1; i < count; ++i) keep[i] = stats.at<int>(i, cv::CC_STAT_AREA) >= kMinInkArea ? 255 : 0;
  cv::Mat ink(dark.size(), CV_8UC1);
  for (int y = 0; y < ink.rows; ++y) {
    const int* label = labels.ptr<int>(y);
    auto* row = ink.ptr<unsigned char>(y);
    for (int x = 0; x < ink.cols; ++x) row[x] = keep[label[x]];
  }
  return ink;
}

double touched_fraction(const cv::Mat& strip, bool along_columns) {
  cv::Mat any;
  cv::reduce(strip, any, along_columns ? 0 : 1, cv::REDUCE_MAX);
  return static_cast<double>(cv::countNonZero(any)) / static_cast<double>(any.total());
}

void measure_edges(const cv::Mat& ink, PageMeasurements& out) {
  const int strip = std::min({kEdgeStripPx, ink.rows, ink.cols});
  out.edge_top = touched_fraction(ink.rowRange(0, strip), true);
  out.edge_bottom = touched_fraction(ink.rowRange(ink.rows - strip, ink.rows), true);
  out.edge_left = touched_fraction(ink.colRange(0, strip), false);
  out.edge_right = touched_fraction(ink.colRange(ink.cols - strip, ink.cols), false);
}

double sharpness_around(const cv::Mat& grey, const cv::Mat& ink, int contrast) {
  if (contrast <= 0 || cv::countNonZero(ink) == 0) return 0;
  cv::Mat near_ink, laplacian;
  cv::dilate(ink, near_ink, cv::Mat(), cv::Point(-1, -1), 2);
  cv::Laplacian(grey, laplacian, CV_32F, 3);
  cv::Scalar mean, deviation;
  cv::meanStdDev(laplacian, mean, deviation, near_ink);
  return deviation[0] * deviation[0] / (static_cast<double>(contrast) * contrast) * 1000.0;
}

std::string dpi_text(double value) { return std::to_string(static_cast<int>(std::lround(value))); }

std::string fixed(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOk: return "ok";
    case Verdict::kBlank: return "blank";
    case Verdict::kReject: return "reject";
  }
  return "reject";
}

Result<PageMeasurements> measure_page(Pix* page, int dpi, bool dpi_assumed, StepTimes* times) {
  StepTimes unused;
  StepTimes& steps = times != nullptr ? *times : unused;
  if (page == nullptr || pixGetWidth(page) < 8 || pixGetHeight(page) < 8) {
    return fail(ErrorKind::kInvalidInput, "the page image is too small to measure");
  }
  PageMeasurements out;
  const int short_side = std::min(pixGetWidth(page), pixGetHeight(page));
  out.dpi_from_size = dpi <= 0 || dpi_assumed;
  out.effective_dpi = out.dpi_from_size ? static_cast<int>(std::lround(short_side / kA4ShortSideInch)) : dpi;

  cv::Mat grey = steps.time("grey", [&] {
    cv::Mat full = grey_mat(page);
    const double scale = std::min(1.0, kAnalysisDpi / std::max(1, out.effective_dpi));
    if (scale < 1.0) cv::resize(full, full, cv::Size(), scale, scale, cv::INTER_AREA);
    return full;
  });
  if (grey.empty()) return fail(ErrorKind::kInternal, "the page image cannot be converted to grey");
  steps.time("measure", [&] {
    cv::Mat smooth;
    cv::GaussianBlur(grey, smooth, cv::Size(3, 3), 0);
    out.brightness = percentile(smooth, cv::Mat(), 0.75);  // paper: most of any page
    const cv::Mat ink = ink_mask(smooth, out.brightness);
    const int ink_pixels = cv::countNonZero(ink);
    out.ink_coverage = static_cast<double>(ink_pixels) / static_cast<double>(ink.total());
    out.contrast = ink_pixels > 0 ? out.brightness - percentile(smooth, ink, 0.10) : 0;
    out.sharpness = sharpness_around(grey, ink, out.contrast);
    measure_edges(ink, out);
  });
  out.residual_skew_deg = steps.time("skew", [&] { return std::abs(measure_skew(page).skew_deg); });
  return out;
}

PageVerdict judge_page(const PageMeasurements& m, const QualityThresholds& limits, int page_number) {
  PageVerdict verdict;
  const std::string page = "page " + std::to_string(page_number) + ": ";
  if (m.ink_coverage < limits.blank_max_ink) {
    verdict.verdict = Verdict::kBlank;
    verdict.reasons.push_back(page + "blank (ink on " + fixed(m.ink_coverage * 100, 3) + "% of the page)");
    return verdict;
  }
  auto& why = verdict.reasons;
  if (m.effective_dpi < limits.min_dpi) {
    why.push_back(page + dpi_text(m.effective_dpi) + " dpi" + (m.dpi_from_size ? " (estimated from the page width)" : "") +
                  ", below the " + std::to_string(limits.min_dpi) + " dpi minimum — rescan at 300 dpi");
  }
  if (m.sharpness < limits.min_sharpness) {
    why.push_back(page + "blurred (sharpness " + fixed(m.sharpness, 1) + ", minimum " + fixed(limits.min_sharpness, 1) +
                  ") — check the scanner's focus and glass, then rescan");
  }
  if (m.contrast < limits.min_contrast) {
    why.push_back(page + "too little contrast (" + std::to_string(m.contrast) + " grey levels, minimum " +
                  std::to_string(limits.min_contrast) + ") — rescan with a darker setting");
  }
  if (m.brightness < limits.min_brightness) {
    why.push_back(page + "too dark (paper at grey level " + std::to_string(m.brightness) + ", minimum " +
                  std::to_string(limits.min_brightness) + ") — rescan with a lighter setting");
  }
  if (m.residual_skew_deg > limits.max_residual_skew_deg) {
    why.push_back(page + "still skewed by " + fixed(m.residual_skew_deg, 1) + "° after correction (maximum " +
                  fixed(limits.max_residual_skew_deg, 1) + "°) — lay the page straight and rescan");
  }
  const std::pair<double, const char*> edges[] = {
      {m.edge_top, "top"}, {m.edge_bottom, "bottom"}, {m.edge_left, "left"}, {m.edge_right, "right"}};
  for (const auto& [touched, side] : edges) {
    if (touched > limits.max_edge_touch) {
      why.push_back(page + "text runs into the " + std::string(side) + " edge — the scan is probably cut off; "
                    "rescan the whole page");
    }
  }
  verdict.verdict = why.empty() ? Verdict::kOk : Verdict::kReject;
  return verdict;
}

json measurements_json(const PageMeasurements& m) {
  return {{"effective_dpi", m.effective_dpi},
          {"dpi_from_size", m.dpi_from_size},
          {"sharpness", round_to(m.sharpness, 0.1)},
          {"contrast", m.contrast},
          {"brightness", m.brightness},
          {"residual_skew_deg", round_to(m.residual_skew_deg, 0.01)},
          {"ink_coverage", round_to(m.ink_coverage, 0.00001)},
          {"edge_touch", {{"top", round_to(m.edge_top, 0.001)}, {"bottom", round_to(m.edge_bottom, 0.001)},
                          {"left", round_to(m.edge_left, 0.001)}, {"right", round_to(m.edge_right, 0.001)}}}};
}

Result<QualityThresholds> thresholds_from_settings(const json& settings) {
  QualityThresholds out;
  const auto number = [&](const char* key, double& target, double min, double max) -> Status {
    if (!settings.contains(key)) return {};
    const json& value = settings[key];
    if (!value.is_number() || value.get<double>() < min || value.get<double>() > max) {
      return fail(ErrorKind::kInvalidInput, std::string("setting ") + key + " must be a number in [" + fixed(min, 4) +
                                                ", " + fixed(max, 4) + "]");
    }
    target = value.get<double>();
    return {};
  };
  double min_dpi = out.min_dpi, min_contrast = out.min_contrast, min_brightness = out.min_brightness;
  for (const Status& status :
       {number("min_dpi", min_dpi, 0, 2400), number("min_sharpness", out.min_sharpness, 0, 1e6),
        number("min_contrast", min_contrast, 0, 255), number("min_brightness", min_brightness, 0, 255),
        number("max_residual_skew_deg", out.max_residual_skew_deg, 0, 45),
        number("max_edge_touch", out.max_edge_touch, 0, 1), number("blank_max_ink", out.blank_max_ink, 0, 1)}) {
    if (!status) return fail(status.error());
  }
  out.min_dpi = static_cast<int>(min_dpi);
  out.min_contrast = static_cast<int>(min_contrast);
  out.min_brightness = static_cast<int>(min_brightness);
  return out;
}

}  // namespace zpe
