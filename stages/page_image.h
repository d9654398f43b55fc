// Page images in memory: ownership of Leptonica's PIX and the encodings ZPE stores.
// Used by prepare (decoded pages -> stored PNG), ocr (stored PNG -> Tesseract) and route
// (stored PNG -> JPEG in the case-file PDF).
//
// A stored page image is a PNG at one of three depths: 1 bit (bilevel scans stay bilevel),
// 8 bit grey, or 24 bit colour; resolution is kept in the PNG's pHYs. PixPtr owns a PIX and
// destroys it; functions here never take ownership of a PIX passed by pointer. Leptonica's
// messages to stderr are switched off on first use (process-wide). Thread-safe apart from
// that one-time switch, which is guarded.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "pipeline/status.h"

struct Pix;  // Leptonica's image (leptonica/pix.h)

namespace zpe {

struct PixDeleter {
  void operator()(Pix* pix) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// Switches Leptonica's error and warning messages off (once per process): ZPE reports
// decoding problems itself, with the file and page.
void quiet_leptonica();

// Decodes an image held in memory (any format Leptonica reads; ZPE stores PNG). A PNG as
// encode_png writes it is read row by row straight into the PIX (no second copy of the page,
// about half the time of Leptonica's reader on a grey page), without zlib's Adler-32 check:
// the callers pass page images from the blob store, which checked them against their SHA-256.
// Any other image goes through Leptonica's readers.
Result<PixPtr> decode_image(std::string_view bytes);

// The page converted to what ZPE stores: 1-bit stays 1-bit, colour-mapped and 2/4/16-bit
// images become 8-bit grey (or colour when the map has colour), alpha is flattened onto
// white, and colour pages whose pixels are all grey become 8-bit grey. Resolution is kept.
Result<PixPtr> to_storage_depth(Pix* pix);

// 1, 8 or 24 for a page produced by to_storage_depth (32-bit PIX with 3 samples -> 24).
int stored_depth(Pix* pix);

// PNG at zlib level kPageImageZlibLevel without row filters (pHYs keeps the resolution).
// Page images are written once and read by each later stage (quality, split, ocr), so both
// directions count. On a grey A4 page at 300 dpi (a bench scan, 2480x3508), measured with
// libpng 1.6.39 on this machine: libpng's adaptive filters wrote 495 KB in 60 ms that took 34 ms
// to read back; no filter writes 481 KB in 22 ms that read in 12 ms (scan noise defeats the
// filters). Level 1 against the default level 6: 86 against 126 ms a page on 14 grey pages.
// A bilevel page: 80 KB, 4 ms to write, 2 ms to read.
inline constexpr int kPageImageZlibLevel = 1;
Result<std::string> encode_png(Pix* pix);

// JPEG at `quality` (1..100); 1-bit pages are expanded to 8-bit grey first.
Result<std::string> encode_jpeg(Pix* pix, int quality);

// A 1-bit page as raw CCITT Group 4 data (K=-1, black is 1 in the PIX, rows MSB first,
// no TIFF wrapper), as a PDF's /CCITTFaxDecode filter reads it. Errors: not 1 bit deep.
Result<std::string> encode_g4(Pix* pix);

}  // namespace zpe

namespace zpe {

// An 8-bit grey or 24-bit colour page (no colour map, no alpha) as the zlib stream of
// PNG-filtered rows — the lossless image data of a PDF /FlateDecode stream with
// /DecodeParms << /Predictor 15 /Colors 1|3 /BitsPerComponent 8 /Columns width >>.
// `zlib_level` 0..9. Errors: another depth, or the encoder fails.
Result<std::string> encode_flate_rows(Pix* pix, int zlib_level);

}  // namespace zpe
