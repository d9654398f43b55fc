// SearchablePdf: builds the document's archival PDF — PDF/A-2b — from page images and
// their recognised text. Each PDF page shows one page image at its physical size
// (pixels * 72 / dpi points) and carries an invisible text layer (text render mode 3)
// placed on the recognised words, so the PDF can be searched, copied from and indexed.
// Used by the ocr stage (stages/ocr.cpp); downstream stages read the result from
// record["pdf"]. The format is described in docs/ARCHITECTURE.md ("The searchable PDF").
//
// PDF/A-2b: XMP metadata with pdfaid:part 2 / conformance B mirroring the Info dictionary,
// an OutputIntent (GTS_PDFA1) — the sRGB ICC profile when any page is in colour, else the
// grey profile when one is configured (2.1 KB less in every document without colour: PDF/A
// lets DeviceGray use any output intent, DeviceRGB only an RGB one) — one embedded TrueType font (the
// "glyphless" font Tesseract ships, as a Type0/Identity-H font whose codes are UTF-16
// code units, with a ToUnicode CMap, so extracted text keeps umlauts and ß), no
// encryption, no JavaScript, no transparency.
//
// Page images are stored as given: CCITT Group 4 (/CCITTFaxDecode), lossless JBIG2 generic
// region (/JBIG2Decode, no globals), JPEG (/DCTDecode) or lossless Flate with PNG predictors
// (/FlateDecode), or as a mixed raster: a lower-resolution JPEG background with a
// full-resolution 1-bit text mask drawn over it as an /ImageMask in the page's ink grey.
// Which one a page gets is decided in stages/page_compression.h (store_page_image);
// pdf_page_image below is the plain rule (G4 for bilevel pages).
//
// PoDoFo stays behind this interface: its exceptions are caught here and returned as
// errors. The output is deterministic — the same pages and metadata give the same bytes
// (no "now" timestamps) — so re-running the stage stores the same blob.
// Not thread-safe; one builder per document.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/status.h"
#include "stages/page_text.h"

struct Pix;

namespace zpe {

struct SearchablePdfInfo {
  std::string title;          // e.g. "letter-0001.tif"
  std::string creation_date;  // ISO 8601 "2025-03-12T10:04:05Z"; empty: no date recorded
  std::string font_file;      // the glyphless TrueType font (Tesseract's pdf.ttf)
  std::string icc_profile;    // the sRGB ICC profile for the OutputIntent
  std::string grey_icc_profile{};  // a Gray ICC profile (monitor or printer class) for the
                                   // OutputIntent of a document without colour pages; empty:
                                   // every document gets icc_profile
};

// A page image as it goes into the PDF.
struct PdfPageImage {
  enum class Encoding { kCcittG4, kJbig2, kJpeg, kFlate };
  Encoding encoding = Encoding::kJpeg;
  std::string bytes;  // raw G4 data (no TIFF wrapper), a JBIG2 embedded stream without
                      // globals (jbig2_generic.h), a baseline JPEG file, or a zlib stream of
                      // PNG-filtered 8-bit rows (page_image.h encode_flate_rows)
  int width = 0;      // pixels
  int height = 0;
  int components = 1;  // 1 (grey/bilevel) or 3 (RGB)
  int dpi_x = 300;
  int dpi_y = 300;

  // Mixed raster (stages/page_compression.h): `bytes` is then a background of
  // background_width x background_height pixels (a lower resolution, stretched over the
  // whole page), and the text is this full-resolution (width x height) 1-bit mask, coded
  // lossless, painted over it in one grey.
  struct TextMask {
    Encoding encoding = Encoding::kJbig2;  // kJbig2 or kCcittG4
    std::string bytes;
    int grey = 0;  // 0 (black) .. 255, the ink the mask is painted in
  };
  std::optional<TextMask> mask;
  int background_width = 0;
  int background_height = 0;
};

// The page image encoded as the PDF stores it: 1-bit pages as CCITT G4, grey and colour
// pages as JPEG at `jpeg_quality`. Errors: the image cannot be encoded.
Result<PdfPageImage> pdf_page_image(Pix* page, int jpeg_quality, int dpi_x, int dpi_y);

class SearchablePdf {
 public:
  // Errors: the font or an ICC profile cannot be read.
  static Result<std::unique_ptr<SearchablePdf>> create(const SearchablePdfInfo& info);
  ~SearchablePdf();
  SearchablePdf(const SearchablePdf&) = delete;
  SearchablePdf& operator=(const SearchablePdf&) = delete;

  // Appends a page showing `image` with `text` as its invisible text layer (text boxes in
  // the image's pixels). Errors: the image has no size or cannot be embedded.
  Status add_page(const PdfPageImage& image, const RecognisedPage& text);

  int page_count() const { return pages_; }

  // The finished PDF's bytes. Call once, after the last page.
  Result<std::string> finish();

 private:
  struct Document;
  explicit SearchablePdf(std::unique_ptr<Document> document);
  std::unique_ptr<Document> document_;
  int pages_ = 0;
};

}  // namespace zpe
