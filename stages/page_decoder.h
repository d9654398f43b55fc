// Decoding an original (TIFF, PNG, JPEG or PDF bytes) into page images, for the prepare
// stage (stages/prepare.cpp).
//
// Decoders hand over one page at a time to a PageSink, in page order, so a long document
// never holds more than one decoded page in memory; when the sink returns an error the
// decoder stops and returns that error unchanged. Limits are checked before anything large
// is allocated: the page count up front, and each page's pixel count from its header (TIFF
// directory, PNG/JPEG header, PDF page box) before the page is decoded, so a decompression
// bomb is refused cheaply.
//
// Errors the decoders produce themselves are kInvalidInput with a message for an operator
// that names the page but not the file (the stage prefixes the file name), e.g.
// "page 2 cannot be decoded (truncated TIFF data) — check the scanner output and rescan".
// The decoders never crash on malformed input; library messages to stderr are switched off
// and used as details in the reason instead (process-wide handlers, installed once).
// Safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "pipeline/status.h"
#include "stages/page_image.h"

namespace zpe {

struct DecodeLimits {
  int64_t max_page_pixels = 100'000'000;  // width * height of one page
  int max_pages = 1000;
  int pdf_dpi = 300;                      // resolution PDF pages are rendered at
};

struct DecodedPage {
  PixPtr image;              // as decoded (any depth); resolution set to dpi_x/dpi_y
  int source_page = 0;       // 1-based page in the original
  int dpi_x = 0;
  int dpi_y = 0;
  bool dpi_assumed = false;  // the file gave no resolution; 300 dpi assumed
  int exif_orientation = 1;  // JPEG EXIF orientation (1-8) that was applied; 1: none
  bool dpi_native = false;   // PDF page rendered at its scanned image's own resolution
};

using PageSink = std::function<Status(DecodedPage page)>;

// Resolution assumed when an image file gives none.
constexpr int kAssumedDpi = 300;

// TIFF (every page: CCITT G3/G4, LZW, JPEG, ZIP, PackBits, uncompressed), PNG or JPEG,
// decoded with Leptonica; TIFF directories are read first with libtiff for the limits.
Status decode_raster_pages(std::string_view bytes, const DecodeLimits& limits, const PageSink& sink);

// PDF pages rendered with poppler: a page that is one scanned image at that image's own
// resolution (within 100-600 dpi), any other page at limits.pdf_dpi. Encrypted or
// password-protected PDFs, JavaScript, embedded files and XFA are refused.
Status decode_pdf_pages(std::string_view bytes, const DecodeLimits& limits, const PageSink& sink);

}  // namespace zpe
