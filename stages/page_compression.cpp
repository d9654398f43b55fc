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

// Per 32x32 tile of an 8-bit page, row by row: whether it is photo-like (more than half
// its pixels mid-grey, i.e. in (mid_low, mid_high)).
struct PhotoTiles {
  l_int32 across = 0, down = 0;
  std::vector<uint8_t> photo;
};

PhotoTiles photo_tiles(Pix* grey, int mid_low, int mid_high) {
  const l_int32 width = pixGetWidth(grey), height = pixGetHeight(grey), wpl = pixGetWpl(grey);
  const l_uint32* data = pixGetData(grey);
  PhotoTiles tiles;
  tiles.across = std::max(1, width / kTile);
  tiles.down = std::max(1, height / kTile);
  std::vector<uint32_t> mid_in_tile(static_cast<size_t>(tiles.across) * tiles.down, 0);
  for (l_int32 y = 0; y < tiles.down * kTile && y < height; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    uint32_t* row = mid_in_tile.data() + static_cast<size_t>(y / kTile) * tiles.across;
    for (l_int32 x = 0; x < tiles.across * kTile && x < width; ++x) {
      const int v = GET_DATA_BYTE(line, x);
      row[x / kTile] += v > mid_low && v < mid_high;
    }
  }
  const double tile_pixels = static_cast<double>(std::min(kTile, width)) * std::min(kTile, height);
  tiles.photo.resize(mid_in_tile.size());
  std::transform(mid_in_tile.begin(), mid_in_tile.end(), tiles.photo.begin(),
                 [&](uint32_t count) { return count > kPhotoTileMidShare * tile_pixels ? 1 : 0; });
  return tiles;
}

// The mid-grey band of measure_page_tone: (ink + span/4, paper - span/4).
std::pair<int, int> mid_grey_band(const PageToneFigures& figures) {
  const int span = std::max(0, figures.paper_level - figures.ink_level);
  return {figures.ink_level + span / 4, figures.paper_level - span / 4};
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
  const auto [mid_low, mid_high] = mid_grey_band(figures);  // mid-grey: (mid_low, mid_high)

  uint64_t ink = 0, mid = 0;
  for (int v = 0; v < 256; ++v) {
    ink += v < figures.threshold ? histogram[v] : 0;
    mid += v > mid_low && v < mid_high ? histogram[v] : 0;
  }
  figures.ink_pct = 100.0 * ink / pixels;
  figures.mid_grey_pct = 100.0 * mid / pixels;
  figures.colour_pct = 100.0 * luminance->coloured_pixels / pixels;

  // Photo-like tiles: mostly mid-grey (a photograph, a tinted box, a grey logo).
  const PhotoTiles tiles = photo_tiles(grey, mid_low, mid_high);
  const auto photo = std::count(tiles.photo.begin(), tiles.photo.end(), 1);
  figures.photo_tile_pct = 100.0 * static_cast<double>(photo) / static_cast<double>(tiles.photo.size());
  return figures;
}

BilevelDecision decide_bilevel(const PageToneFigures& f, const PageStoragePolicy& policy) {
  const BilevelLimits& limit = policy.limits;
  if (!policy.bilevel_text_pages) return {false, false, "bilevel storage of grey/colour pages is off for this tenant"};
  if (f.colour_pct > limit.max_colour_pct) {
    return {false, false, "colour: " + percent(f.colour_pct) + " of the pixels are coloured (limit " +
                              percent(limit.max_colour_pct) + ")"};
  }
  if (f.paper_level < limit.min_paper_level || f.paper_level - f.ink_level < limit.min_contrast) {
    return {false, false, "not dark text on light paper: paper " + std::to_string(f.paper_level) + ", ink " +
                              std::to_string(f.ink_level) + " (need paper >= " + std::to_string(limit.min_paper_level) +
                              " and a difference >= " + std::to_string(limit.min_contrast) + ")"};
  }
  // Text on light paper without colour: what keeps it from being bilevel is tone a mixed
  // raster can keep in its background.
  const bool mixed = policy.mixed_raster_pages;
  if (f.photo_tile_pct > limit.max_photo_tile_pct) {
    return {false, mixed, "photo or tint regions: " + percent(f.photo_tile_pct) +
                              " of the tiles are mostly mid-grey (limit " + percent(limit.max_photo_tile_pct) + ")"};
  }
  if (f.mid_grey_pct > limit.max_mid_grey_pct) {
    return {false, mixed, "continuous tone: " + percent(f.mid_grey_pct) + " of the pixels are mid-grey (limit " +
                              percent(limit.max_mid_grey_pct) + ")"};
  }
  return {true, false, "black text on white: " + percent(f.mid_grey_pct) + " mid-grey, " + percent(f.colour_pct) +
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

Result<PdfPageImage> mixed_raster_page_image(Pix* page, const PageToneFigures& figures,
                                             const PageStoragePolicy& policy, int dpi_x, int dpi_y,
                                             nlohmann::json* record) {
  quiet_leptonica();
  auto luminance = luminance_of(page);
  if (!luminance) return tl::unexpected(luminance.error());
  Pix* grey = luminance->grey.get();
  const l_int32 width = pixGetWidth(grey), height = pixGetHeight(grey);
  dpi_x = dpi_x > 0 ? dpi_x : 300;
  dpi_y = dpi_y > 0 ? dpi_y : 300;

  // The text: the pixels darker than the threshold, without the photo-like tiles (and their
  // neighbours: a photo's dark edge is not text) and without connected shapes larger than an
  // inch both ways (the dark parts of a photo, a large logo: they stay in the background; a
  // signature, a rule or a heading is narrower one way and stays text).
  // The page's Otsu threshold and ink level are skewed by a large photo, so the ink grey is
  // measured again on the text itself and the mask thresholded again midway to the paper.
  const auto [mid_low, mid_high] = mid_grey_band(figures);
  const PhotoTiles tiles = photo_tiles(grey, mid_low, mid_high);
  const int photo_count = static_cast<int>(std::count(tiles.photo.begin(), tiles.photo.end(), 1));
  const auto text_mask = [&](int threshold) -> PixPtr {
    PixPtr dark(pixThresholdToBinary(grey, std::clamp(threshold, 1, 255)));
    if (!dark) return nullptr;
    for (l_int32 ty = 0; ty < tiles.down; ++ty) {
      for (l_int32 tx = 0; tx < tiles.across; ++tx) {
        if (!tiles.photo[static_cast<size_t>(ty) * tiles.across + tx]) continue;
        pixRasterop(dark.get(), std::max(0, (tx - 1) * kTile), std::max(0, (ty - 1) * kTile), 3 * kTile, 3 * kTile,
                    PIX_CLR, nullptr, 0, 0);
      }
    }
    const l_int32 limit = std::max(16, std::min(dpi_x, dpi_y));  // an inch
    return PixPtr(pixSelectBySize(dark.get(), limit, limit, 8, L_SELECT_IF_EITHER, L_SELECT_IF_LT, nullptr));
  };
  const auto ink_under = [&](Pix* mask, int fallback) {
    l_int32 count = 0;
    l_float32 median = 0;
    if (pixCountPixels(mask, &count, nullptr) != 0 || count == 0 ||
        pixGetRankValueMasked(grey, mask, 0, 0, 1, 0.5f, &median, nullptr) != 0) {
      return fallback;
    }
    return std::clamp(static_cast<int>(std::lround(median)), 0, 255);
  };
  PixPtr mask = text_mask(figures.threshold);
  if (!mask) return fail(ErrorKind::kInternal, "cannot threshold the page for its text mask");
  int ink = ink_under(mask.get(), figures.ink_level);
  const int threshold = std::min(figures.threshold, (ink + figures.paper_level + 1) / 2);
  if (threshold < figures.threshold) {
    mask = text_mask(threshold);
    if (!mask) return fail(ErrorKind::kInternal, "cannot threshold the page for its text mask");
    ink = ink_under(mask.get(), ink);
  }

  // The background: the page without its text (the mask grown by a pixel takes the glyphs'
  // anti-aliased edges too), at the background resolution.
  PixPtr background(pixCopy(nullptr, grey));
  PixPtr cut(pixDilateBrick(nullptr, mask.get(), 3, 3));
  if (!background || !cut || pixSetMasked(background.get(), cut.get(), figures.paper_level) != 0) {
    return fail(ErrorKind::kInternal, "cannot cut the text out of the page's background");
  }
  cut.reset();
  const int background_dpi = std::clamp(policy.mixed_background_dpi, 1, std::min(dpi_x, dpi_y));
  const float scale_x = static_cast<float>(background_dpi) / static_cast<float>(dpi_x);
  const float scale_y = static_cast<float>(background_dpi) / static_cast<float>(dpi_y);
  if (scale_x < 1.0f || scale_y < 1.0f) {
    background.reset(pixScaleAreaMap(background.get(), scale_x, scale_y));
    if (!background) return fail(ErrorKind::kInternal, "cannot scale the page's background");
  }
  auto background_jpeg = encode_jpeg(background.get(), policy.jpeg_quality);
  if (!background_jpeg) return tl::unexpected(background_jpeg.error());
  auto mask_image = bilevel_page_image(mask.get(), policy.bilevel_codec, dpi_x, dpi_y);
  if (!mask_image) return tl::unexpected(mask_image.error());

  PdfPageImage image;
  image.encoding = PdfPageImage::Encoding::kJpeg;
  image.width = width;
  image.height = height;
  image.dpi_x = dpi_x;
  image.dpi_y = dpi_y;
  image.components = 1;
  image.background_width = pixGetWidth(background.get());
  image.background_height = pixGetHeight(background.get());
  image.bytes = std::move(*background_jpeg);
  image.mask = PdfPageImage::TextMask{mask_image->encoding, std::move(mask_image->bytes), ink};
  if (record != nullptr) {
    *record = {{"background_dpi", background_dpi},
               {"background_bytes", image.bytes.size()},
               {"mask_bytes", image.mask->bytes.size()},
               {"mask_codec", encoding_name(image.mask->encoding)},
               {"ink_grey", image.mask->grey},
               {"threshold", threshold},
               {"photo_tiles_in_background", photo_count}};
  }
  return image;
}

const char* stored_as_name(const PdfPageImage& image) {
  return image.mask ? "mixed_raster" : encoding_name(image.encoding);
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
      // A mixed raster only where it is the smaller: it loses the tone inside the glyphs
      // and the background's detail beyond its resolution, which must buy bytes.
      if (decision.mixed_raster) {
        nlohmann::json mixed_record;
        auto mixed = mixed_raster_page_image(page, *figures, policy, dpi_x, dpi_y, &mixed_record);
        if (!mixed) return tl::unexpected(mixed.error());
        const std::size_t mixed_bytes = mixed->bytes.size() + mixed->mask->bytes.size();
        if (mixed_bytes < stored.image.bytes.size()) {
          stored.record["continuous_bytes"] = stored.image.bytes.size();
          stored.record["mixed_raster"] = std::move(mixed_record);
          stored.image = std::move(*mixed);
        }
      }
    }
  }
  stored.record["stored_as"] = stored_as_name(stored.image);
  stored.record["bytes"] = stored.image.bytes.size() + (stored.image.mask ? stored.image.mask->bytes.size() : 0);
  return stored;
}

}  // namespace zpe
