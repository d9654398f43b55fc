#include "stages/page_compression.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <leptonica/allheaders.h>

#include "stages/jbig2_generic.h"

namespace zpe {

namespace {

using Histogram = std::array<uint64_t, 256>;
constexpr int kTile = 32;                // photo-region test: tiles of 32x32 pixels (2.7 mm at 300 dpi)
constexpr double kPhotoTileMidShare = 0.5;  // a tile more than half mid-grey is photo-like
constexpr int kFlateLevel = 6;           // zlib's default: within 2% of level 9 at a third of the time

// Otsu's threshold: the split of the histogram with the largest between-class variance.
int otsu_threshold(const Histogram& histogram) {
  uint64_t total = 0;
  double sum = 0.0;
  for (int v = 0; v < 256; ++v) {
    total += histogram[v];
    sum += static_cast<double>(v) * histogram[v];
  }
  if (total == 0) return 128;
  uint64_t below = 0;
  double sum_below = 0.0, best = -1.0;
  int threshold = 128;
  for (int v = 0; v < 255; ++v) {
    below += histogram[v];
    sum_below += static_cast<double>(v) * histogram[v];
    const uint64_t above = total - below;
    if (below == 0 || above == 0) continue;
    const double mean_below = sum_below / below;
    const double mean_above = (sum - sum_below) / above;
    const double between = static_cast<double>(below) * above * (mean_below - mean_above) * (mean_below - mean_above);
    if (between > best) {
      best = between;
      threshold = v + 1;  // pixels < threshold are the dark class
    }
  }
  return threshold;
}

// The median value of histogram[from, to).
int median_between(const Histogram& histogram, int from, int to, int fallback) {
  uint64_t count = 0;
  for (int v = from; v < to; ++v) count += histogram[v];
  if (count == 0) return fallback;
  uint64_t seen = 0;
  for (int v = from; v < to; ++v) {
    seen += histogram[v];
    if (seen * 2 >= count) return v;
  }
  return fallback;
}

// Luminance of a page (8-bit pages as they are) plus, for colour pages, how many pixels
// carry colour.
struct Luminance {
  PixPtr grey;
  uint64_t coloured_pixels = 0;
};

Result<Luminance> luminance_of(Pix* page) {
  Luminance out;
  if (pixGetDepth(page) == 8 && pixGetColormap(page) == nullptr) {
    out.grey = PixPtr(pixClone(page));
    return out;
  }
  if (pixGetDepth(page) != 32) {
    return fail(ErrorKind::kInvalidInput, "only 8-bit grey or 32-bit colour pages are measured for storage");
  }
  out.grey = PixPtr(pixConvertRGBToLuminance(page));
  if (!out.grey) return fail(ErrorKind::kInternal, "cannot compute the page's luminance");
  const l_int32 width = pixGetWidth(page), height = pixGetHeight(page), wpl = pixGetWpl(page);
  const l_uint32* data = pixGetData(page);
  for (l_int32 y = 0; y < height; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (l_int32 x = 0; x < width; ++x) {
      l_int32 r = 0, g = 0, b = 0;
      extractRGBValues(line[x], &r, &g, &b);
      out.coloured_pixels += std::max({r, g, b}) - std::min({r, g, b}) > kColourChroma;
    }
  }
  return out;
}

std::string percent(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g %%", value);
  return buf;
}

}  // namespace

Result<PageToneFigures> measure_page_tone(Pix* page) {
  quiet_leptonica();
  auto luminance = luminance_of(page);
  if (!luminance) return tl::unexpected(luminance.error());
  Pix* grey = luminance->grey.get();
  const l_int32 width = pixGetWidth(grey), height = pixGetHeight(grey), wpl = pixGetWpl(grey);
  const l_uint32* data = pixGetData(grey);
  const double pixels = static_cast<double>(width) * height;
  if (pixels <= 0) return fail(ErrorKind::kInvalidInput, "the page has no pixels");

  Histogram histogram{};
  for (l_int32 y = 0; y < height; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (l_int32 x = 0; x < width; ++x) ++histogram[GET_DATA_BYTE(line, x)];
  }
  PageToneFigures figures;
  const int split = otsu_threshold(histogram);
  figures.ink_level = median_between(histogram, 0, split, 0);
  figures.paper_level = median_between(histogram, split, 256, 255);
  figures.threshold = (figures.ink_level + figures.paper_level + 1) / 2;
  const int span = std::max(0, figures.paper_level - figures.ink_level);
  const int mid_low = figures.ink_level + span / 4;            // mid-grey: (mid_low, mid_high)
  const int mid_high = figures.paper_level - span / 4;

  uint64_t ink = 0, mid = 0;
  for (int v = 0; v < 256; ++v) {
    ink += v < figures.threshold ? histogram[v] : 0;
    mid += v > mid_low && v < mid_high ? histogram[v] : 0;
  }
  figures.ink_pct = 100.0 * ink / pixels;
  figures.mid_grey_pct = 100.0 * mid / pixels;
  figures.colour_pct = 100.0 * luminance->coloured_pixels / pixels;

  // Photo-like tiles: mostly mid-grey (a photograph, a tinted box, a grey logo).
  const l_int32 tiles_x = std::max(1, width / kTile), tiles_y = std::max(1, height / kTile);
  std::vector<uint32_t> mid_in_tile(static_cast<size_t>(tiles_x) * tiles_y, 0);
  for (l_int32 y = 0; y < tiles_y * kTile && y < height; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    uint32_t* row = mid_in_tile.data() + static_cast<size_t>(y / kTile) * tiles_x;
    for (l_int32 x = 0; x < tiles_x * kTile && x < width; ++x) {
      const int v = GET_DATA_BYTE(line, x);
      row[x / kTile] += v > mid_low && v < mid_high;
    }
  }
  const double tile_pixels = static_cast<double>(std::min(kTile, width)) * std::min(kTile, height);
  const auto photo_tiles = std::count_if(mid_in_tile.begin(), mid_in_tile.end(), [&](uint32_t count) {
    return count > kPhotoTileMidShare * tile_pixels;
  });
  figures.photo_tile_pct = 100.0 * static_cast<double>(photo_tiles) / static_cast<double>(mid_in_tile.size());
  return figures;
}

BilevelDecision decide_bilevel(const PageToneFigures& f, const PageStoragePolicy& policy) {
  const BilevelLimits& limit = policy.limits;
  if (!policy.bilevel_text_pages) return {false, "bilevel storage of grey/colour pages is off for this tenant"};
  if (f.colour_pct > limit.max_colour_pct) {
    return {false, "colour: " + percent(f.colour_pct) + " of the pixels are coloured (limit " +
                       percent(limit.max_colour_pct) + ")"};
  }
  if (f.photo_tile_pct > limit.max_photo_tile_pct) {
    return {false, "photo or tint regions: " + percent(f.photo_tile_pct) + " of the tiles are mostly mid-grey (limit " +
                       percent(limit.max_photo_tile_pct) + ")"};
  }
  if (f.mid_grey_pct > limit.max_mid_grey_pct) {
    return {false, "continuous tone: " + percent(f.mid_grey_pct) + " of the pixels are mid-grey (limit " +
                       percent(limit.max_mid_grey_pct) + ")"};
  }
  if (f.paper_level < limit.min_paper_level || f.paper_level - f.ink_level < limit.min_contrast) {
    return {false, "not dark text on light paper: paper " + std::to_string(f.paper_level) + ", ink " +
                       std::to_string(f.ink_level) + " (need paper >= " + std::to_string(limit.min_paper_level) +
                       " and a difference >= " + std::to_string(limit.min_contrast) + ")"};
  }
  return {true, "black text on white: " + percent(f.mid_grey_pct) + " mid-grey, " + percent(f.colour_pct) +
                    " coloured, " + percent(f.photo_tile_pct) + " photo-like tiles; thresholded at " +
                    std::to_string(f.threshold)};
}

Result<PixPtr> threshold_to_bilevel(Pix* page, int threshold) {
  quiet_leptonica();
  auto luminance = luminance_of(page);
  if (!luminance) return tl::unexpected(luminance.error());
  PixPtr bilevel(pixThresholdToBinary(luminance->grey.get(), std::clamp(threshold, 1, 255)));
  if (!bilevel) return fail(ErrorKind::kInternal, "cannot threshold the page to black and white");
  pixCopyResolution(bilevel.get(), page);
  return bilevel;
}

const char* bilevel_codec_name(BilevelCodec codec) { return codec == BilevelCodec::kJbig2 ? "jbig2" : "g4"; }

Result<BilevelCodec> bilevel_codec_named(const std::string& name) {
  for (BilevelCodec codec : {BilevelCodec::kJbig2, BilevelCodec::kG4}) {
    if (name == bilevel_codec_name(codec)) return codec;
  }
  return fail(ErrorKind::kInvalidInput, "bilevel_codec \"" + name + "\" is neither \"jbig2\" nor \"g4\"");
}

Result<PdfPageImage> bilevel_page_image(Pix* page, BilevelCodec codec, int dpi_x, int dpi_y) {
  if (pixGetDepth(page) != 1 || pixGetColormap(page) != nullptr) {
    return fail(ErrorKind::kInvalidInput, "a bilevel page image needs a 1-bit page without a colour map");
  }
  PdfPageImage image;
  image.width = pixGetWidth(page);
  image.height = pixGetHeight(page);
  image.dpi_x = dpi_x > 0 ? dpi_x : 300;
  image.dpi_y = dpi_y > 0 ? dpi_y : 300;
  auto bytes = codec == BilevelCodec::kJbig2 ? encode_jbig2_generic(page) : encode_g4(page);
  if (!bytes) return fail(bytes.error());
  image.encoding = codec == BilevelCodec::kJbig2 ? PdfPageImage::Encoding::kJbig2 : PdfPageImage::Encoding::kCcittG4;
  image.bytes = std::move(*bytes);
  return image;
}

const char* encoding_name(PdfPageImage::Encoding encoding) {
  switch (encoding) {
    case PdfPageImage::Encoding::kCcittG4: return "ccitt_g4";
    case PdfPageImage::Encoding::kJbig2: return "jbig2_generic";
    case PdfPageImage::Encoding::kJpeg: return "jpeg";
    case PdfPageImage::Encoding::kFlate: return "flate";
  }
  return "unknown";
}

Result<StoredPageImage> store_page_image(Pix* page, const PageStoragePolicy& policy, int dpi_x, int dpi_y) {
  StoredPageImage stored;
  const int depth = stored_depth(page);
  stored.record = {{"source_depth", depth}};
  const bool measurable = (depth == 8 && pixGetColormap(page) == nullptr) || depth == 24;
  if (depth == 1 && pixGetColormap(page) == nullptr) {
    // Bilevel pages, coded as they are.
    auto image = bilevel_page_image(page, policy.bilevel_codec, dpi_x, dpi_y);
    if (!image) return tl::unexpected(image.error());
    stored.image = std::move(*image);
  } else if (!measurable) {
    // Anything prepare did not bring to a storage depth.
    auto image = pdf_page_image(page, policy.jpeg_quality, dpi_x, dpi_y);
    if (!image) return tl::unexpected(image.error());
    stored.image = std::move(*image);
  } else {
    auto figures = measure_page_tone(page);
    if (!figures) return tl::unexpected(figures.error());
    const BilevelDecision decision = decide_bilevel(*figures, policy);
    stored.record["tone"] = {{"paper_level", figures->paper_level},     {"ink_level", figures->ink_level},
                             {"threshold", figures->threshold},         {"ink_pct", figures->ink_pct},
                             {"mid_grey_pct", figures->mid_grey_pct},   {"colour_pct", figures->colour_pct},
                             {"photo_tile_pct", figures->photo_tile_pct}};
    stored.record["bilevel"] = decision.bilevel;
    stored.record["reason"] = decision.reason;
    if (decision.bilevel) {
      auto bilevel = threshold_to_bilevel(page, figures->threshold);
      if (!bilevel) return tl::unexpected(bilevel.error());
      auto image = bilevel_page_image(bilevel->get(), policy.bilevel_codec, dpi_x, dpi_y);
      if (!image) return tl::unexpected(image.error());
      stored.image = std::move(*image);
    } else {
      auto image = pdf_page_image(page, policy.jpeg_quality, dpi_x, dpi_y);
      if (!image) return tl::unexpected(image.error());
      stored.image = std::move(*image);
      // Lossless when it costs no more than the JPEG (flat, clean scans). A page Flate cannot
      // take (alpha) keeps its JPEG.
      auto flate = encode_flate_rows(page, kFlateLevel);
      if (flate && flate->size() <= stored.image.bytes.size()) {
        stored.image.encoding = PdfPageImage::Encoding::kFlate;
        stored.image.bytes = std::move(*flate);
      }
    }
  }
  stored.record["stored_as"] = encoding_name(stored.image.encoding);
  stored.record["bytes"] = stored.image.bytes.size();
  return stored;
}

}  // namespace zpe
