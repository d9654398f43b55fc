// Page-image storage figures per setting (bench/eval_page_storage.sh runs it): for each
// prepared page image (the PNGs prepare stores, i.e. what OCR reads) it encodes the page as
// the searchable PDF would under each setting, decodes what would be shown, and compares it
// with the prepared page:
//   bytes        the image stream's size in the PDF
//   psnr_db      PSNR of the shown page against the prepared one (luminance; lossless: 99)
//   text_mad     mean absolute difference (0..255) on text pixels: the prepared page's ink
//                (darker than the page's measured threshold) grown by 2 pixels — glyphs and
//                their edges, where a reader or a court would look
//   glyph_pct    pixels whose ink/paper side of the threshold changed, % of the ink pixels
// Usage: zpe_page_storage_bench [--tone] PAGE.png...
//   --tone  also print each grey/colour page's measured tone figures and bilevel decision
// Output: a Markdown table, one row per setting and page kind (bilevel / grey / colour).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <leptonica/allheaders.h>

#include "stages/page_compression.h"
#include "stages/page_image.h"

namespace {

using zpe::PixPtr;

struct Figures {
  double bytes = 0, psnr_db = 0, text_mad = 0, glyph_pct = 0, ms = 0;
  int pages = 0, g4 = 0, jpeg = 0, flate = 0;
  void add(const Figures& page) {
    bytes += page.bytes;
    psnr_db += page.psnr_db;
    text_mad += page.text_mad;
    glyph_pct += page.glyph_pct;
    ms += page.ms;
    pages += 1;
    g4 += page.g4;
    jpeg += page.jpeg;
    flate += page.flate;
  }
};

PixPtr luminance(Pix* pix) {
  if (pixGetDepth(pix) == 32) return PixPtr(pixConvertRGBToLuminance(pix));
  if (pixGetDepth(pix) == 1) return PixPtr(pixConvert1To8(nullptr, pix, 255, 0));
  return PixPtr(pixClone(pix));
}

// Compares the shown page with the prepared one (both as luminance).
void compare(Pix* prepared, Pix* shown, int threshold, Figures* out) {
  PixPtr a = luminance(prepared), b = luminance(shown);
  const l_int32 w = pixGetWidth(a.get()), h = pixGetHeight(a.get());
  PixPtr ink(pixThresholdToBinary(a.get(), threshold));
  PixPtr near_ink(pixDilateBrick(nullptr, ink.get(), 5, 5));
  double squared = 0, text_abs = 0;
  uint64_t text_pixels = 0, ink_pixels = 0, flipped = 0;
  for (l_int32 y = 0; y < h; ++y) {
    const l_uint32* la = pixGetData(a.get()) + static_cast<std::ptrdiff_t>(y) * pixGetWpl(a.get());
    const l_uint32* lb = pixGetData(b.get()) + static_cast<std::ptrdiff_t>(y) * pixGetWpl(b.get());
    const l_uint32* ln = pixGetData(near_ink.get()) + static_cast<std::ptrdiff_t>(y) * pixGetWpl(near_ink.get());
    for (l_int32 x = 0; x < w; ++x) {
      const int va = GET_DATA_BYTE(la, x), vb = GET_DATA_BYTE(lb, x);
      const double d = va - vb;
      squared += d * d;
      if (GET_DATA_BIT(ln, x)) {
        text_abs += std::fabs(d);
        ++text_pixels;
      }
      ink_pixels += va < threshold;
      flipped += (va < threshold) != (vb < threshold);
    }
  }
  const double mse = squared / (static_cast<double>(w) * h);
  out->psnr_db = mse > 0 ? std::min(99.0, 10.0 * std::log10(255.0 * 255.0 / mse)) : 99.0;
  out->text_mad = text_pixels > 0 ? text_abs / text_pixels : 0.0;
  out->glyph_pct = ink_pixels > 0 ? 100.0 * flipped / ink_pixels : 0.0;
}

// Encodes `page` under `policy` and measures the result.
Figures measure(Pix* page, const zpe::PageStoragePolicy& policy, int threshold) {
  Figures f;
  const auto start = std::chrono::steady_clock::now();
  auto stored = zpe::store_page_image(page, policy, 300, 300);
  f.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!stored) {
    std::fprintf(stderr, "cannot store a page: %s\n", stored.error().message.c_str());
    return f;
  }
  f.bytes = static_cast<double>(stored->image.bytes.size());
  switch (stored->image.encoding) {
    case zpe::PdfPageImage::Encoding::kCcittG4: {
      f.g4 = 1;
      // G4 is lossless: what is shown is the bilevel page it was given.
      if (pixGetDepth(page) == 1) {
        compare(page, page, threshold, &f);
      } else {
        auto bilevel = zpe::threshold_to_bilevel(page, stored->record["tone"]["threshold"].get<int>());
        compare(page, bilevel->get(), threshold, &f);
      }
      break;
    }
    case zpe::PdfPageImage::Encoding::kJpeg: {
      f.jpeg = 1;
      auto shown = zpe::decode_image(stored->image.bytes);
      compare(page, shown->get(), threshold, &f);
      break;
    }
    case zpe::PdfPageImage::Encoding::kFlate:
      f.flate = 1;
      compare(page, page, threshold, &f);
      break;
  }
  return f;
}

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

int main(int argc, char** argv) {
  bool tone = false;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--tone") {
      tone = true;
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: zpe_page_storage_bench [--tone] PAGE.png...\n");
    return 2;
  }
  struct Setting {
    std::string name;
    zpe::PageStoragePolicy policy;
  };
  std::vector<Setting> settings;
  for (int quality : {50, 65, 80, 90}) {
    zpe::PageStoragePolicy off;
    off.bilevel_text_pages = false;
    off.jpeg_quality = quality;
    settings.push_back({"continuous tone, jpeg_quality " + std::to_string(quality), off});
  }
  for (int quality : {50, 65, 80}) {
    zpe::PageStoragePolicy on;
    on.jpeg_quality = quality;
    settings.push_back({"bilevel_text_pages, jpeg_quality " + std::to_string(quality), on});
  }
  std::map<std::pair<size_t, std::string>, Figures> totals;  // (setting, kind) -> sums
  for (const char* file : files) {
    auto pix = zpe::decode_image(read_file(file));
    if (!pix) {
      std::fprintf(stderr, "%s: %s\n", file, pix.error().message.c_str());
      return 1;
    }
    const int depth = zpe::stored_depth(pix->get());
    const std::string kind = depth == 1 ? "bilevel" : depth == 8 ? "grey" : "colour";
    int threshold = 128;
    if (depth != 1) {
      auto figures = zpe::measure_page_tone(pix->get());
      if (!figures) return 1;
      threshold = figures->threshold;
      if (tone) {
        const auto decision = zpe::decide_bilevel(*figures, zpe::PageStoragePolicy{});
        std::printf("%s %s paper %d ink %d thr %d ink %.2f%% mid %.3f%% colour %.4f%% photo %.3f%% -> %s (%s)\n", file,
                    kind.c_str(), figures->paper_level, figures->ink_level, figures->threshold, figures->ink_pct,
                    figures->mid_grey_pct, figures->colour_pct, figures->photo_tile_pct,
                    decision.bilevel ? "bilevel" : "continuous", decision.reason.c_str());
      }
    }
    for (size_t s = 0; s < settings.size(); ++s) totals[{s, kind}].add(measure(pix->get(), settings[s].policy, threshold));
  }
  std::printf("| setting | pages | kind | stored g4/jpeg/flate | KiB/page | PSNR dB | text MAD | glyph px changed %% | encode ms |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& [key, f] : totals) {
    const double n = f.pages;
    std::printf("| %s | %d | %s | %d/%d/%d | %.1f | %.1f | %.2f | %.2f | %.0f |\n", settings[key.first].name.c_str(),
                f.pages, key.second.c_str(), f.g4, f.jpeg, f.flate, f.bytes / n / 1024.0, f.psnr_db / n,
                f.text_mad / n, f.glyph_pct / n, f.ms / n);
  }
  return 0;
}
