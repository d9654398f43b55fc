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
// Mixed-raster pages are compared as poppler shows them (pdftoppm -gray of a one-page PDF).
//
// Bilevel codecs: zpe_page_storage_bench --bilevel-codecs [--pdf-dir DIR] FILE.tif...
// codes every 1-bit page of the given scans (any format ZPE ingests) as CCITT G4 and as a
// JBIG2 generic region (stages/jbig2_generic.h) and prints, per folder of the inputs, pages,
// bytes per page and encode CPU ms per page (thread CPU time, the minimum of 3 runs) of each.
// With --pdf-dir it also writes DIR/<folder>-g4.pdf and DIR/<folder>-jbig2.pdf holding those
// pages, for timing a viewer's decoding (bench/eval_bilevel_codecs.sh).
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <leptonica/allheaders.h>

#include "stages/jbig2_generic.h"
#include "stages/page_compression.h"
#include "stages/page_decoder.h"
#include "stages/page_image.h"
#include "stages/searchable_pdf.h"

namespace {

using zpe::PixPtr;

struct Figures {
  double bytes = 0, psnr_db = 0, text_mad = 0, glyph_pct = 0, ms = 0;
  int pages = 0, bilevel = 0, jpeg = 0, flate = 0, mixed = 0;
  void add(const Figures& page) {
    bytes += page.bytes;
    psnr_db += page.psnr_db;
    text_mad += page.text_mad;
    glyph_pct += page.glyph_pct;
    ms += page.ms;
    pages += 1;
    bilevel += page.bilevel;
    jpeg += page.jpeg;
    flate += page.flate;
    mixed += page.mixed;
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

bool write_pdf(const std::string& path, const std::vector<zpe::PdfPageImage>& images);

// The page as poppler shows it: a one-page PDF of `image`, rendered in grey at its dpi.
PixPtr rendered_page(const zpe::PdfPageImage& image) {
  const std::string base = (std::filesystem::temp_directory_path() / ("zpe-page-storage-" + std::to_string(getpid()))).string();
  if (!write_pdf(base + ".pdf", {image})) return nullptr;
  const std::string command = "pdftoppm -r " + std::to_string(image.dpi_x) + " -gray -singlefile " + base + ".pdf " + base;
  PixPtr shown(std::system(command.c_str()) == 0 ? pixRead((base + ".pgm").c_str()) : nullptr);
  std::filesystem::remove(base + ".pdf");
  std::filesystem::remove(base + ".pgm");
  if (shown && (pixGetWidth(shown.get()) != image.width || pixGetHeight(shown.get()) != image.height)) {
    // pdftoppm rounds the page size in points; pad or crop by the odd pixel.
    PixPtr sized(pixCreate(image.width, image.height, 8));
    pixSetAllArbitrary(sized.get(), 255);
    pixRasterop(sized.get(), 0, 0, image.width, image.height, PIX_SRC, shown.get(), 0, 0);
    shown = std::move(sized);
  }
  return shown;
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
    case zpe::PdfPageImage::Encoding::kCcittG4:
    case zpe::PdfPageImage::Encoding::kJbig2: {
      f.bilevel = 1;
      // G4 and JBIG2 generic region are lossless: what is shown is the bilevel page given.
      if (pixGetDepth(page) == 1) {
        compare(page, page, threshold, &f);
      } else {
        auto bilevel = zpe::threshold_to_bilevel(page, stored->record["tone"]["threshold"].get<int>());
        compare(page, bilevel->get(), threshold, &f);
      }
      break;
    }
    case zpe::PdfPageImage::Encoding::kJpeg: {
      if (stored->image.mask) {
        // A mixed raster: what a viewer shows is the PDF page as poppler renders it.
        f.mixed = 1;
        f.bytes += static_cast<double>(stored->image.mask->bytes.size());
        PixPtr shown = rendered_page(stored->image);
        if (!shown) {
          std::fprintf(stderr, "cannot render a mixed-raster page (pdftoppm from poppler-utils is needed)\n");
          std::exit(1);
        }
        compare(page, shown.get(), threshold, &f);
        break;
      }
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

// ---- --bilevel-codecs --------------------------------------------------------------------

double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// The bytes `encode` gives and its CPU time, the least of three runs (other work shares the cores).
template <typename Encode>
std::pair<std::string, double> timed(const Encode& encode) {
  std::string bytes;
  double best = 1e300;
  for (int run = 0; run < 3; ++run) {
    const double start = thread_cpu_ms();
    auto coded = encode();
    best = std::min(best, thread_cpu_ms() - start);
    if (!coded) {
      std::fprintf(stderr, "encoder failed: %s\n", coded.error().message.c_str());
      std::exit(1);
    }
    bytes = std::move(*coded);
  }
  return {std::move(bytes), best};
}

struct CodecTotals {
  int pages = 0;
  double g4_bytes = 0, g4_ms = 0, jbig2_bytes = 0, jbig2_ms = 0;
  std::vector<zpe::PdfPageImage> g4_images, jbig2_images;  // kept only with --pdf-dir
};

bool write_pdf(const std::string& path, const std::vector<zpe::PdfPageImage>& images) {
  auto pdf = zpe::SearchablePdf::create({path, "", "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf",
                                         "/usr/share/color/icc/sRGB.icc"});
  if (!pdf) return false;
  for (const zpe::PdfPageImage& image : images) {
    zpe::RecognisedPage text;
    text.width = image.width;
    text.height = image.height;
    if (!(*pdf)->add_page(image, text)) return false;
  }
  auto bytes = (*pdf)->finish();
  if (!bytes) return false;
  std::ofstream(path, std::ios::binary) << *bytes;
  return true;
}

int compare_bilevel_codecs(const std::vector<const char*>& files, const std::string& pdf_dir) {
  std::map<std::string, CodecTotals> groups;  // by the input's folder name
  for (const char* file : files) {
    const std::string folder = std::filesystem::path(file).parent_path().filename().string();
    CodecTotals& totals = groups[folder];
    const zpe::Status decoded =
        zpe::decode_raster_pages(read_file(file), zpe::DecodeLimits{}, [&](zpe::DecodedPage page) -> zpe::Status {
          Pix* pix = page.image.get();
          if (pixGetDepth(pix) != 1 || pixGetColormap(pix) != nullptr) return {};
          auto [g4, g4_ms] = timed([&] { return zpe::encode_g4(pix); });
          auto [jbig2, jbig2_ms] = timed([&] { return zpe::encode_jbig2_generic(pix); });
          totals.pages += 1;
          totals.g4_bytes += static_cast<double>(g4.size());
          totals.g4_ms += g4_ms;
          totals.jbig2_bytes += static_cast<double>(jbig2.size());
          totals.jbig2_ms += jbig2_ms;
          if (!pdf_dir.empty()) {
            for (auto codec : {zpe::BilevelCodec::kG4, zpe::BilevelCodec::kJbig2}) {
              auto image = zpe::bilevel_page_image(pix, codec, page.dpi_x, page.dpi_y);
              if (!image) return zpe::fail(image.error());
              (codec == zpe::BilevelCodec::kG4 ? totals.g4_images : totals.jbig2_images).push_back(std::move(*image));
            }
          }
          return {};
        });
    if (!decoded) {
      std::fprintf(stderr, "%s: %s\n", file, decoded.error().message.c_str());
      return 1;
    }
  }
  std::printf("| inputs | bilevel pages | G4 KiB/page | JBIG2 KiB/page | JBIG2/G4 | G4 encode CPU ms/page | JBIG2 encode CPU ms/page |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const auto& [folder, t] : groups) {
    if (t.pages == 0) continue;
    const double n = t.pages;
    std::printf("| %s | %d | %.1f | %.1f | %.3f | %.1f | %.1f |\n", folder.c_str(), t.pages, t.g4_bytes / n / 1024.0,
                t.jbig2_bytes / n / 1024.0, t.jbig2_bytes / t.g4_bytes, t.g4_ms / n, t.jbig2_ms / n);
    if (!pdf_dir.empty() && (!write_pdf(pdf_dir + "/" + folder + "-g4.pdf", t.g4_images) ||
                             !write_pdf(pdf_dir + "/" + folder + "-jbig2.pdf", t.jbig2_images))) {
      std::fprintf(stderr, "cannot write the PDFs of %s to %s\n", folder.c_str(), pdf_dir.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool tone = false, bilevel_codecs = false;
  std::string pdf_dir;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--tone") {
      tone = true;
    } else if (std::string(argv[i]) == "--bilevel-codecs") {
      bilevel_codecs = true;
    } else if (std::string(argv[i]) == "--pdf-dir" && i + 1 < argc) {
      pdf_dir = argv[++i];
    } else {
      files.push_back(argv[i]);
    }
  }
  if (bilevel_codecs) return compare_bilevel_codecs(files, pdf_dir);
  if (files.empty()) {
    std::fprintf(stderr,
                 "usage: zpe_page_storage_bench [--tone] PAGE.png...\n"
                 "       zpe_page_storage_bench --bilevel-codecs [--pdf-dir DIR] SCAN...\n");
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
    on.mixed_raster_pages = false;
    settings.push_back({"bilevel_text_pages, jpeg_quality " + std::to_string(quality), on});
  }
  // Mixed raster on every grey page that is text on light paper (the mid-grey limit set
  // below anything, so none is bilevel): what it costs and shows against the other two.
  for (int dpi : {100, 150, 200}) {
    for (int quality : {65, 80}) {
      zpe::PageStoragePolicy mixed;
      mixed.jpeg_quality = quality;
      mixed.mixed_background_dpi = dpi;
      mixed.limits.max_mid_grey_pct = -1.0;
      settings.push_back({"mixed raster, background " + std::to_string(dpi) + " dpi, jpeg_quality " +
                              std::to_string(quality), mixed});
    }
  }
  {
    zpe::PageStoragePolicy defaults;
    settings.push_back({"the defaults (bilevel, else mixed raster, else continuous)", defaults});
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
  std::printf("| setting | pages | kind | stored bilevel/jpeg/flate/mixed | KiB/page | PSNR dB | text MAD | glyph px changed %% | encode ms |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& [key, f] : totals) {
    const double n = f.pages;
    std::printf("| %s | %d | %s | %d/%d/%d/%d | %.1f | %.1f | %.2f | %.2f | %.0f |\n", settings[key.first].name.c_str(),
                f.pages, key.second.c_str(), f.bilevel, f.jpeg, f.flate, f.mixed, f.bytes / n / 1024.0, f.psnr_db / n,
                f.text_mad / n, f.glyph_pct / n, f.ms / n);
  }
  return 0;
}
