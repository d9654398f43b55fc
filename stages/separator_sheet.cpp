#include "stages/separator_sheet.h"

#include <algorithm>
#include <array>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/wechat_qrcode.hpp>

#include "classifiers/case_number.h"

namespace zpe {

namespace {

constexpr std::string_view kSeparatorText = "ZPE-SEP";

// One run of equal pixels along a scan line.
struct Run {
  int start = 0;
  int length = 0;
  bool dark = false;
};

std::vector<Run> runs_of(const std::vector<uint8_t>& line) {
  std::vector<Run> runs;
  for (int i = 0; i < static_cast<int>(line.size()); ++i) {
    const bool dark = line[i] != 0;
    if (runs.empty() || runs.back().dark != dark) runs.push_back({i, 0, dark});
    ++runs.back().length;
  }
  return runs;
}

// Where patch T starts on one scan line (-1: nowhere) and its unit (the narrow width) in pixels.
// Patch T, in units of the narrow width: bar 1, space 1, bar 2.5, space 1, bar 1, space 1, bar 2.5
// = 10 units. Bars are told narrow/wide by their width against the unit (ink spread and blur
// change widths a little, not the narrow/wide order); spaces must be about one unit.
std::pair<int, double> patch_t_on_line(const std::vector<Run>& runs, double min_unit, double max_unit) {
  for (size_t i = 1; i + 7 <= runs.size(); ++i) {
    if (!runs[i].dark) continue;
    int total = 0;
    for (size_t k = i; k < i + 7; ++k) total += runs[k].length;
    const double unit = total / 10.0;
    if (unit < min_unit || unit > max_unit) continue;
    // Quiet zones: light for at least a unit before and after (or the line's end after).
    if (runs[i - 1].length < unit) continue;
    if (i + 7 < runs.size() && runs[i + 7].length < unit) continue;
    constexpr std::array<bool, 4> kWide = {false, true, false, true};
    bool ok = true;
    for (size_t bar = 0; bar < 4 && ok; ++bar) {
      const double width = runs[i + 2 * bar].length / unit;
      ok = kWide[bar] ? (width >= 1.8 && width <= 3.3) : (width >= 0.5 && width < 1.7);
    }
    for (size_t space = 0; space < 3 && ok; ++space) {
      const double width = runs[i + 2 * space + 1].length / unit;
      ok = width >= 0.5 && width <= 1.6;
    }
    if (ok) return {runs[i].start, unit};
  }
  return {-1, 0.0};
}

// Patch T read across `lines` (each a binary scan line): the pattern at about the same place
// on consecutive lines (gaps of up to 3 lines for specks) for at least min_length_px lines.
bool patch_t_in_lines(const std::vector<std::vector<uint8_t>>& lines, double min_unit, double max_unit,
                      double min_length_px) {
  struct Chain {
    int first = 0, last = 0, start = 0;
    double unit = 0;
  };
  std::vector<Chain> chains;
  for (int y = 0; y < static_cast<int>(lines.size()); ++y) {
    const auto [start, unit] = patch_t_on_line(runs_of(lines[y]), min_unit, max_unit);
    if (start < 0) continue;
    // A copy: clang before 16 cannot capture a structured binding in a lambda.
    const auto line_start = start;
    auto chain = std::find_if(chains.begin(), chains.end(), [&](const Chain& c) {
      return y - c.last <= 4 && std::abs(c.start - line_start) <= std::max(2.0, c.unit);
    });
    if (chain == chains.end()) {
      chains.push_back({y, y, start, unit});
      continue;
    }
    chain->last = y;
    if (chain->last - chain->first + 1 >= min_length_px) return true;
  }
  return false;
}

// Rows (transposed: columns) of a binary image as scan lines, dark = 1.
std::vector<std::vector<uint8_t>> scan_lines(const cv::Mat& binary) {
  std::vector<std::vector<uint8_t>> lines(binary.rows);
  for (int y = 0; y < binary.rows; ++y) {
    const uint8_t* row = binary.ptr<uint8_t>(y);
    lines[y].assign(row, row + binary.cols);
  }
  return lines;
}

// The text of the first ZPE separator QR code on the page, if any. WeChatQRCode without its
// CNN models uses its classic detector and the ZXing decoder (Debian's OpenCV builds
// cv::QRCodeDetector without a decoder). One detector per thread: it is not thread-safe.
std::optional<std::string> read_separator_code(const cv::Mat& grey) {
  thread_local cv::wechat_qrcode::WeChatQRCode detector;
  for (const std::string& text : detector.detectAndDecode(grey)) {
    if (parse_separator_text(text)) return text;
  }
  return std::nullopt;
}

// Patch T in a binary image (ink = 1), bars across or along the scan lines.
bool patch_t_in_binary(const cv::Mat& binary, int dpi, double min_length_in) {
  // A narrow bar is 0.08 in; allow for print and scan tolerances and a dpi a little off.
  const double min_unit = 0.055 * dpi, max_unit = 0.115 * dpi;
  const double min_length_px = min_length_in * dpi;
  if (patch_t_in_lines(scan_lines(binary), min_unit, max_unit, min_length_px)) return true;  // vertical bars
  cv::Mat transposed;
  cv::transpose(binary, transposed);
  return patch_t_in_lines(scan_lines(transposed), min_unit, max_unit, min_length_px);  // horizontal bars
}

// True when the ink (non-zero) holds a mark shaped like a QR code's finder pattern: a dark
// square ring around a light ring around a dark square, three nested outlines, about
// square, the middle one 3/7 of the outer. Every QR code has three; most letters have
// none. Finding the outlines takes milliseconds on a 150 dpi page where the QR decoder
// takes about a second, so the decoder runs only where a finder pattern is. Loose bounds:
// a smudged or skewed code must still pass (it costs the decoder's time, nothing else).
bool has_finder_pattern(const cv::Mat& ink, int dpi) {
  std::vector<std::vector<cv::Point>> outlines;
  std::vector<cv::Vec4i> tree;  // next, previous, first child, parent
  cv::findContours(ink, outlines, tree, cv::RETR_TREE, cv::CHAIN_APPROX_SIMPLE);
  const int min_side_px = std::max(5, dpi / 25);  // a finder pattern is at least about 1 mm
  const auto squarish = [](const cv::Rect& box) {
    return box.width >= 0.5 * box.height && box.height >= 0.5 * box.width;
  };
  for (size_t outer = 0; outer < outlines.size(); ++outer) {
    const int hole = tree[outer][2];
    if (hole < 0) continue;
    const cv::Rect outer_box = cv::boundingRect(outlines[outer]);
    if (outer_box.width < min_side_px || !squarish(outer_box)) continue;
    for (int centre = tree[hole][2]; centre >= 0; centre = tree[centre][0]) {
      const cv::Rect centre_box = cv::boundingRect(outlines[centre]);
      const double share = static_cast<double>(centre_box.width) / outer_box.width;
      if (squarish(centre_box) && share >= 0.2 && share <= 0.7) return true;
    }
  }
  return false;
}

}  // namespace

const char* separator_kind_name(SeparatorKind kind) {
  return kind == SeparatorKind::kPatchT ? "patch_t" : "qr_code";
}

std::optional<SeparatorHints> parse_separator_text(std::string_view text) {
  if (text.substr(0, kSeparatorText.size()) != kSeparatorText) return std::nullopt;
  std::string_view rest = text.substr(kSeparatorText.size());
  SeparatorHints hints;
  if (rest.empty()) return hints;
  if (rest.front() != ':') return std::nullopt;  // "ZPE-SEPARATE..." is someone else's code
  rest.remove_prefix(1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.empty()) return hints;
  if (auto number = classifiers::normalise_case_number(rest)) {
    hints.case_number = *number;
  } else {
    hints.doc_type = std::string(rest);
  }
  return hints;
}

bool has_patch_t(const cv::Mat& grey, int dpi, double min_length_in) {
  cv::Mat binary;
  cv::threshold(grey, binary, 0, 1, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  return patch_t_in_binary(binary, dpi, min_length_in);
}

std::optional<SeparatorSheet> find_separator(const cv::Mat& grey, int dpi, const SeparatorSettings& settings,
                                             StepTimes* times) {
  if (grey.empty() || dpi <= 0) return std::nullopt;
  StepTimes unused;
  StepTimes& steps = times != nullptr ? *times : unused;
  cv::Mat small = grey;
  int small_dpi = dpi;
  if (dpi > settings.scan_dpi) {
    const double factor = static_cast<double>(settings.scan_dpi) / dpi;
    steps.time("resize", [&] { cv::resize(grey, small, cv::Size(), factor, factor, cv::INTER_AREA); });
    small_dpi = settings.scan_dpi;
  }
  cv::Mat binary;  // ink = 1
  steps.time("threshold", [&] { cv::threshold(small, binary, 0, 1, cv::THRESH_BINARY_INV | cv::THRESH_OTSU); });
  if (settings.qr_codes && steps.time("qr_finder", [&] { return has_finder_pattern(binary, small_dpi); })) {
    std::optional<std::string> text;
    try {
      text = steps.time("qr_code", [&] { return read_separator_code(small); });
    } catch (const cv::Exception&) {
      text.reset();  // OpenCV refused this image: treat the page as one without a code
    }
    if (text) {
      if (auto hints = parse_separator_text(*text)) return SeparatorSheet{SeparatorKind::kQrCode, *text, *hints};
    }
  }
  if (settings.patch_t &&
      steps.time("patch_t", [&] { return patch_t_in_binary(binary, small_dpi, settings.min_patch_length_in); })) {
    return SeparatorSheet{SeparatorKind::kPatchT, "", {}};
  }
  return std::nullopt;
}

}  // namespace zpe
