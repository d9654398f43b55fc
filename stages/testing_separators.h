// Separator sheets and batches with known ground truth, for the split tests and the
// integration test (header-only, tests and bench only).
//
// Sheets are A4 at 300 dpi, 8-bit grey, white: a ZPE-SEP QR code made with OpenCV's
// QRCodeEncoder (about 40 mm wide, upper third of the page), or a patch code T drawn to the
// Kodak specification (bars 0.08/0.20 in, spaces 0.08 in, narrow-wide-narrow-wide, 3 in long)
// with vertical or horizontal bars. A batch is sample letters with sheets between them; the
// truth says which pages (1-based, of the batch) are separators and which ranges documents.
#pragma once

#include <string>
#include <vector>

#include <leptonica/allheaders.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "stages/page_image.h"

namespace zpe::testing {

constexpr int kSheetDpi = 300;
constexpr int kA4WidthPx = 2480, kA4HeightPx = 3508;

inline PixPtr pix_from_mat(const cv::Mat& grey) {
  std::vector<uint8_t> png;
  cv::imencode(".png", grey, png);
  auto pix = decode_image(std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
  pixSetResolution(pix->get(), kSheetDpi, kSheetDpi);
  return std::move(*pix);
}

// A white A4 page with a QR code of `text`, `size_mm` wide, centred at (x_frac, y_frac).
inline PixPtr qr_sheet(const std::string& text, double size_mm = 40, double x_frac = 0.5, double y_frac = 0.3) {
  cv::Mat page(kA4HeightPx, kA4WidthPx, CV_8U, cv::Scalar(255));
  cv::Mat code;
  cv::QRCodeEncoder::create()->encode(text, code);
  const int side = static_cast<int>(size_mm / 25.4 * kSheetDpi);
  cv::Mat big;
  cv::resize(code, big, cv::Size(side, side), 0, 0, cv::INTER_NEAREST);
  const int x = static_cast<int>(x_frac * kA4WidthPx) - side / 2, y = static_cast<int>(y_frac * kA4HeightPx) - side / 2;
  big.copyTo(page(cv::Rect(x, y, side, side)));
  return pix_from_mat(page);
}

// A white A4 page with patch code T: vertical bars (read left to right) near the left edge,
// or horizontal bars (read top to bottom) near the top edge.
inline PixPtr patch_t_sheet(bool vertical_bars = true) {
  cv::Mat page(kA4HeightPx, kA4WidthPx, CV_8U, cv::Scalar(255));
  const auto px = [](double inches) { return static_cast<int>(inches * kSheetDpi + 0.5); };
  const double bars[4][2] = {{0.0, 0.08}, {0.16, 0.36}, {0.44, 0.52}, {0.60, 0.80}};  // from, to (in)
  const int origin = px(0.75), from = px(1.0), length = px(3.0);
  for (const auto& bar : bars) {
    const int a = origin + px(bar[0]), b = origin + px(bar[1]);
    const cv::Rect r = vertical_bars ? cv::Rect(a, from, b - a, length) : cv::Rect(from, a, length, b - a);
    page(r).setTo(0);
  }
  return pix_from_mat(page);
}

}  // namespace zpe::testing
