// decode_raster_pages (page_decoder.h): TIFF, PNG and JPEG through Leptonica, with the
// TIFF directories scanned by libtiff first so limits apply before any page is decoded.
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <leptonica/allheaders.h>
#include <libexif/exif-data.h>
#include <tiffio.h>

#include "stages/page_decoder.h"

namespace zpe {

namespace {

constexpr tmsize_t kMaxTiffHeaderAlloc = 64 * 1024 * 1024;
// A page side below this is no scan (a 1 x 1 image, a tracking pixel); kept low so that
// strips and labels still pass.
constexpr int64_t kMinPageSidePx = 16;

// The last libtiff error of this thread, for the operator's reason.
thread_local std::string tls_tiff_error;

std::string format_message(const char* module, const char* format, va_list args) {
  char buffer[512];
  std::vsnprintf(buffer, sizeof buffer, format, args);
  return module != nullptr && *module != '\0' ? std::string(module) + ": " + buffer : std::string(buffer);
}

void remember_tiff_error(const char* module, const char* format, va_list args) {
  tls_tiff_error = format_message(module, format, args);
}
void ignore_tiff_warning(const char*, const char*, va_list) {}

// Leptonica opens TIFFs without per-handle handlers, so its libtiff messages reach the
// process-wide ones: keep errors for the reason, drop warnings, print nothing.
void install_tiff_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(remember_tiff_error);
    TIFFSetWarningHandler(ignore_tiff_warning);
  });
}

// What went wrong, in words for the operator, from libtiff's last error message.
std::string describe_tiff_problem(std::size_t file_size) {
  const std::string& message = tls_tiff_error;
  if (message.empty()) return "damaged TIFF data";
  // "Failed to read directory at offset N": past the end of the file means it was cut off.
  if (const std::size_t at = message.find("at offset "); at != std::string::npos) {
    if (std::strtoull(message.c_str() + at + 10, nullptr, 10) >= file_size) return "truncated TIFF data";
  }
  for (const char* hint : {"Read error", "Seek error", "end of file", "past end", "beyond", "short"}) {
    if (message.find(hint) != std::string::npos) return "truncated TIFF data";
  }
  return "damaged TIFF data: " + message.substr(0, 160);
}

tl::unexpected<Error> page_problem(int page, const std::string& problem) {
  return fail(ErrorKind::kInvalidInput, "page " + std::to_string(page) + " cannot be decoded (" + problem +
                                            ") — check the scanner output and rescan");
}

Status check_page_size(int page, int64_t width, int64_t height, const DecodeLimits& limits) {
  if (width <= 0 || height <= 0 || width > 1'000'000 || height > 1'000'000) {
    return page_problem(page, "impossible size " + std::to_string(width) + " x " + std::to_string(height) + " pixels");
  }
  if (width < kMinPageSidePx || height < kMinPageSidePx) {
    return fail(ErrorKind::kInvalidInput, "page " + std::to_string(page) + " is only " + std::to_string(width) + " x " +
                                              std::to_string(height) + " pixels, too small to be a scanned page — "
                                              "check the scanner output and rescan");
  }
  if (width * height > limits.max_page_pixels) {
    return fail(ErrorKind::kInvalidInput,
                "page " + std::to_string(page) + " is " + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels, more than the limit of " + std::to_string(limits.max_page_pixels) +
                    " — rescan at a lower resolution (300 dpi is enough)");
  }
  return {};
}

// --- libtiff on a memory buffer (read-only) ---

struct MemoryFile {
  const char* data;
  toff_t size;
  toff_t position;
};

tmsize_t memory_read(thandle_t handle, void* buffer, tmsize_t length) {
  auto* file = static_cast<MemoryFile*>(handle);
  if (length <= 0 || file->position >= file->size) return 0;
  const toff_t available = file->size - file->position;
  const toff_t count = std::min<toff_t>(static_cast<toff_t>(length), available);
  std::memcpy(buffer, file->data + file->position, count);
  file->position += count;
  return static_cast<tmsize_t>(count);
}
tmsize_t memory_write(thandle_t, void*, tmsize_t) { return 0; }
toff_t memory_seek(thandle_t handle, toff_t offset, int whence) {
  auto* file = static_cast<MemoryFile*>(handle);
  const toff_t base = whence == SEEK_CUR ? file->position : whence == SEEK_END ? file->size : 0;
  file->position = base + offset;  // reads past the end return 0 bytes
  return file->position;
}
int memory_close(thandle_t) { return 0; }
toff_t memory_size(thandle_t handle) { return static_cast<MemoryFile*>(handle)->size; }
int memory_map(thandle_t, void**, toff_t*) { return 0; }
void memory_unmap(thandle_t, void*, toff_t) {}

int remember_tiff_error_ext(TIFF*, void* user, const char* module, const char* format, va_list args) {
  *static_cast<std::string*>(user) = format_message(module, format, args);
  return 1;
}
int ignore_tiff_warning_ext(TIFF*, void*, const char*, const char*, va_list) { return 1; }

struct TiffCloser {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};

struct TiffPageHeader {
  uint32_t width = 0;
  uint32_t height = 0;
  bool reduced = false;  // a thumbnail or preview (SUBFILETYPE "reduced image"), not a page
};

std::unique_ptr<TIFF, TiffCloser> open_memory_tiff(MemoryFile& file, std::string& error) {
  TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(options, remember_tiff_error_ext, &error);
  TIFFOpenOptionsSetWarningHandlerExtR(options, ignore_tiff_warning_ext, nullptr);
  TIFFOpenOptionsSetMaxSingleMemAlloc(options, kMaxTiffHeaderAlloc);
  TIFF* tiff = TIFFClientOpenExt("original", "rm", &file, memory_read, memory_write, memory_seek, memory_close,
                                 memory_size, memory_map, memory_unmap, options);
  TIFFOpenOptionsFree(options);
  return std::unique_ptr<TIFF, TiffCloser>(tiff);
}

// Every directory's size, read without decoding any image data.
Result<std::vector<TiffPageHeader>> scan_tiff_directories(std::string_view bytes, const DecodeLimits& limits) {
  MemoryFile file{bytes.data(), static_cast<toff_t>(bytes.size()), 0};
  std::string error;
  auto tiff = open_memory_tiff(file, error);
  if (!tiff) {
    tls_tiff_error = error;
    return page_problem(1, describe_tiff_problem(bytes.size()));
  }
  std::vector<TiffPageHeader> pages;
  do {
    const int page = static_cast<int>(pages.size()) + 1;
    if (page > limits.max_pages) {
      return fail(ErrorKind::kInvalidInput, "has more pages than the limit of " + std::to_string(limits.max_pages) +
                                                " — split the batch and scan it again");
    }
    TiffPageHeader header;
    uint32_t subfile = 0;
    if (!TIFFGetField(tiff.get(), TIFFTAG_IMAGEWIDTH, &header.width) ||
        !TIFFGetField(tiff.get(), TIFFTAG_IMAGELENGTH, &header.height)) {
      return page_problem(page, "the TIFF directory gives no image size");
    }
    if (TIFFGetField(tiff.get(), TIFFTAG_SUBFILETYPE, &subfile)) header.reduced = (subfile & FILETYPE_REDUCEDIMAGE) != 0;
    if (auto size_ok = check_page_size(page, header.width, header.height, limits); !size_ok) return fail(size_ok.error());
    pages.push_back(header);
    error.clear();
  } while (TIFFReadDirectory(tiff.get()));
  // TIFFReadDirectory also returns 0 when a next directory exists but cannot be read
  // (a truncated file); only then has it reported an error.
  if (!error.empty() || !TIFFLastDirectory(tiff.get())) {
    tls_tiff_error = error;
    return page_problem(static_cast<int>(pages.size()) + 1, describe_tiff_problem(bytes.size()));
  }
  return pages;
}

// The page's resolution, 300 dpi when the file gives none.
DecodedPage with_resolution(PixPtr pix, int source_page) {
  DecodedPage page;
  page.source_page = source_page;
  page.dpi_x = pixGetXRes(pix.get());
  page.dpi_y = pixGetYRes(pix.get());
  if (page.dpi_x <= 0) page.dpi_x = page.dpi_y;
  if (page.dpi_y <= 0) page.dpi_y = page.dpi_x;
  if (page.dpi_x <= 0) {
    page.dpi_x = page.dpi_y = kAssumedDpi;
    page.dpi_assumed = true;
  }
  pixSetResolution(pix.get(), page.dpi_x, page.dpi_y);
  page.image = std::move(pix);
  return page;
}

Status decode_tiff_pages(std::string_view bytes, const DecodeLimits& limits, const PageSink& sink) {
  auto headers = scan_tiff_directories(bytes, limits);
  if (!headers) return fail(headers.error());
  int pages_delivered = 0;
  size_t offset = 0;
  for (std::size_t index = 0; index < headers->size(); ++index) {
    const int page = static_cast<int>(index) + 1;
    tls_tiff_error.clear();
    PixPtr pix(pixReadMemFromMultipageTiff(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size(), &offset));
    if (!pix) return page_problem(page, describe_tiff_problem(bytes.size()));
    const TiffPageHeader& header = (*headers)[index];
    if (pixGetWidth(pix.get()) != static_cast<l_int32>(header.width) ||
        pixGetHeight(pix.get()) != static_cast<l_int32>(header.height)) {
      return page_problem(page, "decoded size differs from the TIFF directory");
    }
    if (!header.reduced) {
      if (auto sunk = sink(with_resolution(std::move(pix), page)); !sunk) return sunk;
      ++pages_delivered;
    }
    if (offset == 0 && index + 1 < headers->size()) return page_problem(page + 1, "the TIFF page chain breaks off");
  }
  if (pages_delivered == 0) return fail(ErrorKind::kInvalidInput, "contains no pages — check the scanner output");
  return {};
}

// The EXIF orientation of a JPEG (1 = as stored, 2-8 = mirrored and/or turned), 1 if none.
int exif_orientation(std::string_view bytes) {
  ExifData* exif = exif_data_new_from_data(reinterpret_cast<const unsigned char*>(bytes.data()),
                                           static_cast<unsigned int>(bytes.size()));
  if (!exif) return 1;
  int orientation = 1;
  if (ExifEntry* entry = exif_data_get_entry(exif, EXIF_TAG_ORIENTATION); entry && entry->data && entry->size >= 2) {
    orientation = exif_get_short(entry->data, exif_data_get_byte_order(exif));
  }
  exif_data_unref(exif);
  return (orientation >= 1 && orientation <= 8) ? orientation : 1;
}

// Turns the image the way its EXIF orientation says it is to be shown.
PixPtr apply_exif_orientation(PixPtr pix, int orientation) {
  Pix* p = pix.get();
  switch (orientation) {
    case 2: return PixPtr(pixFlipLR(nullptr, p));
    case 3: return PixPtr(pixRotate180(nullptr, p));
    case 4: return PixPtr(pixFlipTB(nullptr, p));
    case 5: { PixPtr turned(pixRotate90(p, 1)); return PixPtr(turned ? pixFlipLR(nullptr, turned.get()) : nullptr); }
    case 6: return PixPtr(pixRotate90(p, 1));
    case 7: { PixPtr turned(pixRotate90(p, -1)); return PixPtr(turned ? pixFlipLR(nullptr, turned.get()) : nullptr); }
    case 8: return PixPtr(pixRotate90(p, -1));
    default: return pix;
  }
}

Status decode_single_image(std::string_view bytes, const DecodeLimits& limits, const PageSink& sink) {
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 format = 0, width = 0, height = 0, bits = 0, samples = 0, colormap = 0;
  if (pixReadHeaderMem(data, bytes.size(), &format, &width, &height, &bits, &samples, &colormap) != 0) {
    return page_problem(1, "the image header is damaged or incomplete");
  }
  if (auto size_ok = check_page_size(1, width, height, limits); !size_ok) return size_ok;
  PixPtr pix(pixReadMem(data, bytes.size()));
  if (!pix) return page_problem(1, "the image data is damaged or incomplete");
  if (pixGetWidth(pix.get()) != width || pixGetHeight(pix.get()) != height) {
    return page_problem(1, "decoded size differs from the image header");
  }
  const int orientation = format == IFF_JFIF_JPEG ? exif_orientation(bytes) : 1;
  if (orientation != 1) {
    pix = apply_exif_orientation(std::move(pix), orientation);
    if (!pix) return page_problem(1, "cannot be turned as its EXIF orientation says");
  }
  DecodedPage page = with_resolution(std::move(pix), 1);
  page.exif_orientation = orientation;
  return sink(std::move(page));
}

bool is_tiff(std::string_view bytes) {
  return bytes.size() >= 4 &&
         (bytes.substr(0, 4) == std::string_view("II*\0", 4) || bytes.substr(0, 4) == std::string_view("MM\0*", 4) ||
          bytes.substr(0, 4) == std::string_view("II+\0", 4) || bytes.substr(0, 4) == std::string_view("MM\0+", 4));
}

}  // namespace

Status decode_raster_pages(std::string_view bytes, const DecodeLimits& limits, const PageSink& sink) {
  quiet_leptonica();
  install_tiff_handlers();
  if (bytes.empty()) return fail(ErrorKind::kInvalidInput, "is empty (0 bytes) — check the scanner output");
  if (is_tiff(bytes)) return decode_tiff_pages(bytes, limits, sink);
  return decode_single_image(bytes, limits, sink);
}

}  // namespace zpe
