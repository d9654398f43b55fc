// Recognising separator sheets in a scanned batch, for the split stage (stages/split.cpp).
//
// A separator sheet is a page that carries either
//   - a QR code whose text is "ZPE-SEP", or "ZPE-SEP:<hint>" where the hint is a case number
//     (seven digits, '-', three digits) or else a document type for the document after it;
//   - a Kodak patch code T: four parallel black bars narrow-wide-narrow-wide (0.08 in and
//     0.20 in wide, spaces 0.08 in, 0.80 in in all), read left to right (vertical bars) or
//     top to bottom (horizontal bars), at least min_patch_length_in long. The widths are
//     checked relative to the pattern's own width (so a wrong dpi in the file does not matter)
//     and its absolute size must be plausible at the page's dpi. A sheet turned by 180° reads
//     wide-narrow-wide-narrow (patch 3) and is not taken: prepare turns pages upright first.
//
// The page is scanned at scan_dpi (downscaled; 150 dpi reads codes with modules of 0.5 mm
// and more, and takes a few ms per page). QR codes are read with OpenCV's wechat_qrcode
// module (classic detector, no models): Debian's cv::QRCodeDetector finds codes but is built
// without a decoder. Other QR codes on a page (payment codes, ...) are ignored.
// Pure functions of the image; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <opencv2/core.hpp>

#include "stages/step_times.h"

namespace zpe {

struct SeparatorSettings {
  bool qr_codes = true;              // look for ZPE-SEP QR codes
  bool patch_t = true;               // look for patch code T
  int scan_dpi = 150;                // the page is scanned at this resolution first
  double min_patch_length_in = 0.75; // bars shorter than this are not a patch code
};

enum class SeparatorKind { kQrCode, kPatchT };
const char* separator_kind_name(SeparatorKind kind);

// Hints a separator gives for the document that follows it (empty when none).
struct SeparatorHints {
  std::string doc_type;
  std::string case_number;
};

struct SeparatorSheet {
  SeparatorKind kind = SeparatorKind::kQrCode;
  std::string text;       // the QR code's text ("ZPE-SEP:Ladung"), "" for a patch code
  SeparatorHints hints;
};

// The separator on an 8-bit grey page image of `dpi`, or nothing when it is a normal page.
std::optional<SeparatorSheet> find_separator(const cv::Mat& grey, int dpi, const SeparatorSettings& settings,
                                             StepTimes* times = nullptr);

// The hints in a QR code's text, or nothing when the text is not a ZPE separator.
std::optional<SeparatorHints> parse_separator_text(std::string_view text);

// True when the grey image (any resolution `dpi`) shows a patch code T.
bool has_patch_t(const cv::Mat& grey, int dpi, double min_length_in);

}  // namespace zpe
