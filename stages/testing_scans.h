// Scans with known ground truth for the geometry, quality and split tests (header-only,
// tests and bench only). Starts from the committed sample letters (samples/letters, real
// German text with their own .truth.json: each page's rotation in degrees counter-clockwise)
// and derives what a scanner produces: turned pages, skewed pages, empty backsides with
// bleed-through and grain, blurred, low-resolution and cut-off pages.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <leptonica/allheaders.h>
#include <nlohmann/json.hpp>

#include "stages/page_decoder.h"
#include "stages/page_image.h"

namespace zpe::testing {

struct SamplePage {
  std::string name;          // "letter-0003.tif p2"
  PixPtr image;              // 8-bit grey or 1-bit, 300 dpi
  double truth_ccw_deg = 0;  // the generator's rotation of this page, counter-clockwise
};

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Every page of every committed sample letter, decoded.
inline std::vector<SamplePage> sample_pages() {
  std::vector<SamplePage> out;
  const std::filesystem::path dir = std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "letters";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto truth = nlohmann::json::parse(read_bytes(file.string() + ".truth.json"));
    int index = 0;
    (void)decode_raster_pages(read_bytes(file), DecodeLimits{}, [&](DecodedPage page) -> Status {
      SamplePage sample{file.filename().string() + " p" + std::to_string(index + 1), std::move(page.image),
                        truth["rotation_deg"][index].get<double>()};
      ++index;
      out.push_back(std::move(sample));
      return {};
    });
  }
  return out;
}

inline PixPtr grey8(Pix* page) {
  PixPtr out(pixConvertTo8(page, 0));
  pixCopyResolution(out.get(), page);
  return out;
}

// Turned clockwise by `degrees` (any angle; white comes in at the corners).
inline PixPtr skewed(Pix* page, double degrees_clockwise) {
  PixPtr grey = grey8(page);
  PixPtr out(pixRotate(grey.get(), static_cast<float>(degrees_clockwise * 3.14159265358979 / 180.0), L_ROTATE_AREA_MAP,
                       L_BRING_IN_WHITE, 0, 0));
  pixCopyResolution(out.get(), page);
  return out;
}

inline PixPtr turned(Pix* page, int quads_clockwise) {
  PixPtr out(pixRotateOrth(page, quads_clockwise));
  pixCopyResolution(out.get(), page);
  return out;
}

// Adds Gaussian grain of `sigma` grey levels to an 8-bit page (in place).
inline void add_grain(Pix* grey, double sigma, std::mt19937& random) {
  std::normal_distribution<double> noise(0, sigma);
  const int wpl = pixGetWpl(grey);
  for (int y = 0; y < pixGetHeight(grey); ++y) {
    l_uint32* line = pixGetData(grey) + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < pixGetWidth(grey); ++x) {
      const int value = static_cast<int>(GET_DATA_BYTE(line, x) + noise(random));
      SET_DATA_BYTE(line, x, std::clamp(value, 0, 255));
    }
  }
}

// The empty back of `front`: paper of tone `paper`, the front's print mirrored and showing
// through at `bleed` grey levels below the paper (0: none), blurred, plus grain and specks.
inline PixPtr blank_backside(Pix* front, int paper, int bleed, double grain, int specks, std::mt19937& random) {
  PixPtr grey = grey8(front);
  PixPtr mirrored(pixFlipLR(nullptr, grey.get()));
  PixPtr soft(pixBlockconv(mirrored.get(), 3, 3));
  const int wpl = pixGetWpl(soft.get());
  for (int y = 0; y < pixGetHeight(soft.get()); ++y) {
    l_uint32* line = pixGetData(soft.get()) + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < pixGetWidth(soft.get()); ++x) {
      const double darkness = (255.0 - GET_DATA_BYTE(line, x)) / 255.0;
      SET_DATA_BYTE(line, x, static_cast<int>(paper - bleed * darkness));
    }
  }
  add_grain(soft.get(), grain, random);
  std::uniform_int_distribution<int> px(0, pixGetWidth(soft.get()) - 4), py(0, pixGetHeight(soft.get()) - 4);
  for (int i = 0; i < specks; ++i) pixSetPixel(soft.get(), px(random), py(random), 20);  // dust: single dark dots
  pixCopyResolution(soft.get(), front);
  return soft;
}

// The page cut off right through its most inked text line:
// what a scanner gives when the paper slipped.
inline PixPtr cut_off(Pix* page) {
  PixPtr grey = grey8(page);
  std::vector<int> ink(pixGetHeight(page), 0);
  for (int y = 0; y < pixGetHeight(page); ++y) {
    const l_uint32* line = pixGetData(grey.get()) + static_cast<std::ptrdiff_t>(y) * pixGetWpl(grey.get());
    for (int x = 0; x < pixGetWidth(page); ++x) ink[y] += GET_DATA_BYTE(line, x) < 128;
  }
  // The middle of a text line: inked 8 rows above and below too (a ruled line is not).
  int best_row = pixGetHeight(page) / 2, best_ink = -1;
  for (int y = 8; y < pixGetHeight(page) - 8; ++y) {
    const int through = std::min({ink[y - 8], ink[y], ink[y + 8]});
    if (through > best_ink) best_ink = through, best_row = y;
  }
  BOX* box = boxCreate(0, 0, pixGetWidth(page), best_row);
  PixPtr out(pixClipRectangle(page, box, nullptr));
  boxDestroy(&box);
  pixCopyResolution(out.get(), page);
  return out;
}

inline PixPtr blurred(Pix* page, int half_width) {
  PixPtr grey = grey8(page);
  PixPtr out(pixBlockconv(grey.get(), half_width, half_width));
  pixCopyResolution(out.get(), page);
  return out;
}

// Rescanned at `dpi` (the page scaled down and its resolution set accordingly).
inline PixPtr at_dpi(Pix* page, int dpi) {
  PixPtr grey = grey8(page);
  const float factor = static_cast<float>(dpi) / static_cast<float>(std::max(1, pixGetXRes(page)));
  PixPtr out(pixScale(grey.get(), factor, factor));
  pixSetResolution(out.get(), dpi, dpi);
  return out;
}

}  // namespace zpe::testing
