// How each page image of the searchable PDF is stored, decided per page from measured values.
// Used by the ocr stage (stages/ocr.cpp) and bench/page_storage_bench.cpp; the choice and the
// figures it was made from go into the document record (record["pdf"]["page_images"]) so an
// auditor can see why a grey scan was kept as black and white. docs/ARCHITECTURE.md ("The
// searchable PDF") describes the rule and bench/BENCHMARKS.md the figures behind the defaults.
//
// The rule, per page:
//  * a 1-bit page is stored with the policy's bilevel codec (lossless): a JBIG2 generic
//    region ("jbig2", the default; stages/jbig2_generic.h) or CCITT G4 ("g4");
//  * a grey or colour page whose content is black text on white paper (measured: no colour,
//    no photo-like regions, few mid-grey pixels, dark ink on light paper) is thresholded
//    once and stored with the bilevel codec — only when the tenant allows it
//    (bilevel_text_pages);
//  * a page that is dark text on light paper without colour, but has regions that need
//    their tone (a photo, a tint, a grey logo, a dense page whose anti-aliased glyph edges
//    pass the mid-grey limit), becomes a mixed raster when the tenant allows it
//    (mixed_raster_pages, with bilevel_text_pages) and it is smaller than the continuous-tone
//    encoding: the text at full resolution as a 1-bit mask painted in the page's measured ink
//    grey — the same thresholding a bilevel page gets, coded with the bilevel codec — over
//    the page at mixed_background_dpi as JPEG with the text cut out of it. Photo-like tiles
//    keep no mask pixels: photos stay in the background, whole;
//  * every other page stays continuous tone: JPEG at the tenant's quality (1 channel for
//    grey, 3 for colour), or the lossless Flate encoding when that is no larger.
// Never symbol substitution (no JBIG2 pattern matching or text regions): JBIG2 generic
// region, G4 and Flate are lossless codings of the image they are given.
//
// Pure functions of the image and the policy; thread-safe; nothing here owns a PIX passed by
// pointer.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/status.h"
#include "stages/page_image.h"
#include "stages/searchable_pdf.h"

namespace zpe {

// What a page's pixels look like, in luminance (colour pages: also their chroma).
struct PageToneFigures {
  int paper_level = 255;        // median luminance of the pixels lighter than the threshold
  int ink_level = 0;            // median luminance of the pixels darker than the threshold
  int threshold = 128;          // midway between ink and paper (from Otsu's split)
  double ink_pct = 0.0;         // pixels darker than the threshold, % of the page
  double mid_grey_pct = 0.0;    // pixels in the middle half between ink and paper, %
  double colour_pct = 0.0;      // pixels whose max(R,G,B) - min(R,G,B) exceeds kColourChroma, %
  double photo_tile_pct = 0.0;  // 32x32-pixel tiles that are mostly mid-grey (photos, tints), %
};

// Chroma above which a pixel counts as coloured (stamps, coloured ink), 0..255.
inline constexpr int kColourChroma = 48;

// The limits a page must keep to be stored bilevel (defaults from bench/BENCHMARKS.md).
struct BilevelLimits {
  int min_paper_level = 160;        // lighter paper than this
  int min_contrast = 96;            // paper_level - ink_level at least this
  double max_mid_grey_pct = 4.0;    // text pages with anti-aliased edges measured up to 3.6
  double max_colour_pct = 0.02;     // about 2x2 mm of coloured pixels on an A4 page
  double max_photo_tile_pct = 0.1;  // a grey logo or tint of a few mm² keeps the page grey
};

// How bilevel pages are coded. JBIG2 generic region is 0.7-0.8x the bytes of G4 on
// letters for a few more ms per page (bench/BENCHMARKS.md "Bilevel pages: JBIG2 or G4").
enum class BilevelCodec { kJbig2, kG4 };

// "jbig2" | "g4" — the names of the bilevel_codec setting.
const char* bilevel_codec_name(BilevelCodec codec);
// Errors: another name (the message lists the valid ones).
Result<BilevelCodec> bilevel_codec_named(const std::string& name);

// The storage policy of one job: [stages.ocr] overlaid by the tenant's.
struct PageStoragePolicy {
  bool bilevel_text_pages = true;  // may a grey/colour text-on-white page become bilevel?
  int jpeg_quality = 80;           // 1..100 for continuous-tone pages
  BilevelCodec bilevel_codec = BilevelCodec::kJbig2;  // how 1-bit and thresholded pages are coded
  bool mixed_raster_pages = true;  // may a text page with tone regions become a mixed raster?
  int mixed_background_dpi = 150;  // the background's resolution (at most the page's)
  BilevelLimits limits;
};

// Measures a page of depth 8 (grey) or 32 (colour); 1-bit pages need no measuring.
// Errors: another depth.
Result<PageToneFigures> measure_page_tone(Pix* page);

// Whether the page may be bilevel, and why (a sentence for the record); when not, whether
// it may be a mixed raster (text on light paper without colour; the policy allows it).
struct BilevelDecision {
  bool bilevel = false;
  bool mixed_raster = false;
  std::string reason;
};
BilevelDecision decide_bilevel(const PageToneFigures& figures, const PageStoragePolicy& policy);

// The page as black (luminance below `threshold`) and white, resolution kept.
Result<PixPtr> threshold_to_bilevel(Pix* page, int threshold);

// A 1-bit page (no colour map) coded with `codec`, ready for SearchablePdf::add_page.
// Errors: not 1 bit deep, or the encoder fails.
Result<PdfPageImage> bilevel_page_image(Pix* page, BilevelCodec codec, int dpi_x, int dpi_y);

// The page as a mixed raster (see the rule above): the text mask thresholded at
// figures.threshold, or lower when the text's own ink (the median under the mask) puts the
// midway to the paper lower, without the photo-like tiles and their neighbours and without
// shapes larger than an inch both ways; coded with the policy's bilevel codec and
// painted in the text's ink grey. The background: the page's luminance with the mask (grown
// by a pixel) set to paper_level, at mixed_background_dpi, JPEG at jpeg_quality.
// `record` receives {"background_dpi", "background_bytes", "mask_bytes", "mask_codec",
// "ink_grey", "threshold", "photo_tiles_in_background"}. Errors: depth other than 8 or 32,
// an encoder fails.
Result<PdfPageImage> mixed_raster_page_image(Pix* page, const PageToneFigures& figures,
                                             const PageStoragePolicy& policy, int dpi_x, int dpi_y,
                                             nlohmann::json* record);

// A page image ready for SearchablePdf::add_page plus its entry for record["pdf"]
// ["page_images"]: {"source_depth", "stored_as": "jbig2_generic" | "ccitt_g4" | "jpeg" |
// "flate" | "mixed_raster", "bytes",
// and for grey/colour pages "tone": {figures}, "bilevel": bool, "reason"; for a mixed
// raster also "mixed_raster": {...} and "continuous_bytes", what JPEG or Flate would cost}.
struct StoredPageImage {
  PdfPageImage image;
  nlohmann::json record;
};
Result<StoredPageImage> store_page_image(Pix* page, const PageStoragePolicy& policy, int dpi_x, int dpi_y);

// The name record["pdf"] uses for an encoding: "jbig2_generic", "ccitt_g4", "jpeg" or "flate".
const char* encoding_name(PdfPageImage::Encoding encoding);
// What a page image is stored as: encoding_name, or "mixed_raster" for one with a text mask.
const char* stored_as_name(const PdfPageImage& image);

}  // namespace zpe
