// decode_pdf_pages (page_decoder.h): PDF pages rendered with poppler-cpp.
#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include <leptonica/allheaders.h>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include "pipeline/pdf_names.h"
#include "stages/page_decoder.h"
#include "stages/pdf_inspection.h"

namespace zpe {

namespace {

// The last poppler message of this thread, for the operator's reason.
thread_local std::string tls_poppler_error;

void remember_poppler_message(const std::string& message, void*) { tls_poppler_error = message; }

void install_poppler_handler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(remember_poppler_message, nullptr); });
}

std::string poppler_detail() {
  return tls_poppler_error.empty() ? std::string() : " (" + tls_poppler_error.substr(0, 160) + ")";
}

tl::unexpected<Error> pdf_problem(const std::string& problem) { return fail(ErrorKind::kInvalidInput, problem); }

tl::unexpected<Error> page_problem(int page, const std::string& problem) {
  return pdf_problem("page " + std::to_string(page) + " " + problem + poppler_detail() +
                     " — ask the sender for an intact PDF or scan the paper");
}

// Copies poppler's ARGB32 rendering into a 32-bit Leptonica image.
PixPtr to_pix(const poppler::image& image, int dpi) {
  const int width = image.width();
  const int height = image.height();
  PixPtr pix(pixCreate(width, height, 32));
  if (!pix) return pix;
  const char* source = image.const_data();
  const int stride = image.bytes_per_row();
  l_uint32* target = pixGetData(pix.get());
  const l_int32 wpl = pixGetWpl(pix.get());
  for (int y = 0; y < height; ++y) {
    const char* row = source + static_cast<std::ptrdiff_t>(y) * stride;
    l_uint32* line = target + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < width; ++x) {
      uint32_t argb = 0;
      std::memcpy(&argb, row + static_cast<std::ptrdiff_t>(x) * 4, 4);
      composeRGBPixel((argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff, &line[x]);
    }
  }
  pixSetSpp(pix.get(), 3);
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

Status check_page_box(int page, const poppler::rectf& box, const DecodeLimits& limits, int dpi) {
  const double width = std::ceil(box.width() * dpi / 72.0);
  const double height = std::ceil(box.height() * dpi / 72.0);
  if (!(width >= 1 && height >= 1 && width <= 1e6 && height <= 1e6)) {
    return pdf_problem("page " + std::to_string(page) + " has an impossible page size — ask the sender for an intact PDF");
  }
  if (width * height > static_cast<double>(limits.max_page_pixels)) {
    return pdf_problem("page " + std::to_string(page) + " would be " + std::to_string(static_cast<int64_t>(width)) +
                       " x " + std::to_string(static_cast<int64_t>(height)) + " pixels at " +
                       std::to_string(dpi) + " dpi, more than the limit of " +
                       std::to_string(limits.max_page_pixels) + " — ask the sender for a normal page size");
  }
  return {};
}

bool has_visible_text(const poppler::page& page) {
  for (char c : page.text().to_utf8()) {
    if (!std::isspace(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// A scanned page (one image, no text of its own) is rendered at the scan's resolution.
constexpr int kMinNativeDpi = 100;
constexpr int kMaxNativeDpi = 600;

Status render_page(const poppler::document& document, int index, const DecodeLimits& limits, int image_dpi,
                   const PageSink& sink) {
  const int page_number = index + 1;
  tls_poppler_error.clear();
  std::unique_ptr<poppler::page> page(document.create_page(index));
  if (!page) return page_problem(page_number, "cannot be read");
  const bool scanned = image_dpi > 0 && !has_visible_text(*page);
  const int dpi = scanned ? std::clamp(image_dpi, kMinNativeDpi, kMaxNativeDpi) : limits.pdf_dpi;
  if (auto box_ok = check_page_box(page_number, page->page_rect(poppler::crop_box), limits, dpi); !box_ok) return box_ok;
  poppler::page_renderer renderer;
  renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
  renderer.set_image_format(poppler::image::format_argb32);
  const poppler::image image = renderer.render_page(page.get(), dpi, dpi);
  if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) return page_problem(page_number, "cannot be rendered");
  DecodedPage decoded;
  decoded.image = to_pix(image, dpi);
  if (!decoded.image) return page_problem(page_number, "is too large to hold in memory");
  decoded.source_page = page_number;
  decoded.dpi_x = decoded.dpi_y = dpi;
  decoded.dpi_native = scanned;
  return sink(std::move(decoded));
}

// PDFs that carry programs or hidden payloads are refused, not rendered: JavaScript (also
// as a Launch action), embedded files and XFA forms. Names are looked for in the raw bytes
// (uncompressed objects) and embedded files also through poppler (compressed ones).
Status refuse_active_content(std::string_view bytes, const poppler::document& document) {
  const std::pair<std::string_view, const char*> markers[] = {
      {"/JavaScript", "JavaScript"}, {"/JS ", "JavaScript"}, {"/JS(", "JavaScript"}, {"/JS<", "JavaScript"},
      {"/Launch", "a launch action"}, {"/EmbeddedFile", "embedded files"}, {"/XFA", "an XFA form"}};
  for (const auto& [marker, what] : markers) {
    if (bytes.find(marker) != std::string_view::npos) {
      return pdf_problem(std::string("contains ") + what + ", which ZPE does not accept — ask the sender for a plain PDF "
                         "or a paper copy");
    }
  }
  if (document.has_embedded_files()) {
    return pdf_problem("contains embedded files, which ZPE does not accept — ask the sender to send them separately");
  }
  return {};
}

}  // namespace

Status decode_pdf_pages(std::string_view bytes, const DecodeLimits& limits, const PageSink& sink) {
  quiet_leptonica();
  install_poppler_handler();
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    return pdf_problem("is larger than 2 GB, more than a PDF can be read — split the document");
  }
  tls_poppler_error.clear();
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!document) {
    return pdf_problem("cannot be opened as a PDF" + poppler_detail() +
                       " — the file is damaged or incomplete; ask the sender for an intact copy or scan the paper");
  }
  // Poppler may repair a file around a damaged /Encrypt that PoDoFo (inspect_pdf) would crash on.
  if (document->is_locked() || document->is_encrypted() || pdf_uses_name(bytes, "Encrypt")) {
    return pdf_problem("is an encrypted (password-protected) PDF — ask the sender for an unprotected copy");
  }
  if (auto clean = refuse_active_content(bytes, *document); !clean) return clean;
  const int pages = document->pages();
  if (pages <= 0) return pdf_problem("contains no pages — ask the sender for an intact PDF");
  if (pages > limits.max_pages) {
    return pdf_problem("has " + std::to_string(pages) + " pages, more than the limit of " +
                       std::to_string(limits.max_pages) + " — split the document");
  }
  const PdfInspection inspection = inspect_pdf(bytes, pages);
  if (!inspection.active_content.empty()) {
    return pdf_problem("contains " + inspection.active_content + ", which ZPE does not accept — ask the sender for a "
                       "plain PDF or a paper copy");
  }
  const std::vector<int>& image_dpi = inspection.image_dpi;
  for (int index = 0; index < pages; ++index) {
    if (auto rendered = render_page(*document, index, limits, image_dpi[static_cast<size_t>(index)], sink); !rendered) {
      return rendered;
    }
  }
  return {};
}

}  // namespace zpe
