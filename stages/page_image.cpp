#include "stages/page_image.h"

#include <bit>
#include <csetjmp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include <leptonica/allheaders.h>
#include <png.h>

namespace zpe {

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }

void quiet_leptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

namespace {

Result<std::string> take_leptonica_buffer(l_ok status, l_uint8* data, size_t size, const char* what) {
  if (status != 0 || data == nullptr) {
    if (data != nullptr) lept_free(data);
    return fail(ErrorKind::kInternal, std::string("cannot encode the page image as ") + what);
  }
  std::string bytes(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return bytes;
}

PixPtr adopt(Pix* converted, Pix* source) {
  if (converted != nullptr && source != nullptr) pixCopyResolution(converted, source);
  return PixPtr(converted);
}

// True when every pixel of a 32-bit RGB image has R == G == B.
bool is_all_grey(Pix* pix) {
  const l_int32 height = pixGetHeight(pix);
  const l_int32 width = pixGetWidth(pix);
  const l_int32 wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  for (l_int32 y = 0; y < height; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (l_int32 x = 0; x < width; ++x) {
      l_int32 r = 0, g = 0, b = 0;
      extractRGBValues(line[x], &r, &g, &b);
      if (r != g || g != b) return false;
    }
  }
  return true;
}

// A 32-bit image without alpha, greyed when it holds no colour.
PixPtr normalise_colour(PixPtr pix) {
  if (pixGetSpp(pix.get()) == 4) pix = adopt(pixRemoveAlpha(pix.get()), pix.get());
  if (!pix) return pix;
  pixSetSpp(pix.get(), 3);
  if (is_all_grey(pix.get())) return adopt(pixConvertRGBToLuminance(pix.get()), pix.get());
  return pix;
}

}  // namespace

namespace {

// libpng's input callback over the bytes in memory.
struct PngInput {
  std::string_view bytes;
  size_t at = 0;
};
void read_png_bytes(png_structp png, png_bytep out, png_size_t length) {
  auto* input = static_cast<PngInput*>(png_get_io_ptr(png));
  if (length > input->bytes.size() - input->at) png_error(png, "truncated");
  std::memcpy(out, input->bytes.data() + input->at, length);
  input->at += length;
}
void png_error_jumps(png_structp png, png_const_charp) { png_longjmp(png, 1); }
void png_warning_ignored(png_structp, png_const_charp) {}

// One PNG row into one PIX line: the inverse of png_row.
void pix_line(png_const_bytep row, int width, int depth, l_uint32* line) {
  if (depth == 32) {
    for (int x = 0; x < width; ++x) composeRGBPixel(row[3 * x], row[3 * x + 1], row[3 * x + 2], line + x);
    return;
  }
  const int bytes = depth == 8 ? width : (width + 7) / 8;
  const l_uint32 invert = depth == 1 ? 0xffffffffu : 0u;
  const int whole_words = bytes / 4;
  for (int i = 0; i < whole_words; ++i) {  // the bytes of a word in pixel order, as Leptonica keeps them
    l_uint32 word;
    std::memcpy(&word, row + 4 * i, 4);
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap32(word);
    line[i] = word ^ invert;
  }
  for (int i = 4 * whole_words; i < bytes; ++i) SET_DATA_BYTE(line, i, row[i] ^ static_cast<png_byte>(invert));
}

// The header of a PNG that png_rows_into can read: what encode_png writes (1-bit or 8-bit
// grey, 8-bit RGB, not interlaced); 0 for anything else.
int page_png_depth(png_structp png, png_infop info) {
  if (png_get_interlace_type(png, info) != PNG_INTERLACE_NONE) return 0;
  const int bit_depth = png_get_bit_depth(png, info);
  const int colour = png_get_color_type(png, info);
  if (colour == PNG_COLOR_TYPE_GRAY && (bit_depth == 1 || bit_depth == 8)) return bit_depth;
  if (colour == PNG_COLOR_TYPE_RGB && bit_depth == 8) return 32;
  return 0;
}

// Reads a page PNG's rows into *out (created here); false when libpng reported an error or
// the PNG is not one page_png_depth accepts (*out stays null). Only plain values live in this
// frame, so the longjmp of an error skips no destructor; the caller frees *out.
bool png_rows_into(png_structp png, png_infop info, png_bytep* row, size_t* row_size, Pix** out) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  const int depth = page_png_depth(png, info);
  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  if (depth == 0 || width == 0 || height == 0 || width > (1u << 20) || height > (1u << 20)) return false;
  *row_size = png_get_rowbytes(png, info);
  *row = static_cast<png_bytep>(std::malloc(*row_size));
  *out = pixCreateNoInit(static_cast<l_int32>(width), static_cast<l_int32>(height), depth);
  if (*row == nullptr || *out == nullptr) return false;
  if (depth == 32) pixSetSpp(*out, 3);
  png_uint_32 ppm_x = 0, ppm_y = 0;
  int unit = 0;
  if (png_get_pHYs(png, info, &ppm_x, &ppm_y, &unit) != 0 && unit == PNG_RESOLUTION_METER) {
    // pixels per metre to per inch, rounded as Leptonica's own reader does
    pixSetResolution(*out, static_cast<l_int32>(static_cast<l_float32>(ppm_x) / 39.37 + 0.5),
                     static_cast<l_int32>(static_cast<l_float32>(ppm_y) / 39.37 + 0.5));
  }
  l_uint32* data = pixGetData(*out);
  const l_int32 wpl = pixGetWpl(*out);
  for (png_uint_32 y = 0; y < height; ++y) {
    png_read_row(png, *row, nullptr);
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    if (depth != 32) line[wpl - 1] = 0;  // the pad bits of a partial last word stay 0
    pix_line(*row, static_cast<int>(width), depth, line);
  }
  if (depth == 1) pixSetPadBits(*out, 0);
  png_read_end(png, nullptr);  // the rest of the file up to IEND: a cut-off PNG is an error
  return true;
}

// A page image as ZPE stores it (encode_png), read row by row straight into the PIX; null
// for any other PNG or on a libpng error. Leptonica's reader keeps every row in a second
// buffer (a grey A4 page: 8.7 MB more) and copies it pixel by pixel; this one does neither.
// Zlib's Adler-32 check is skipped (libpng still checks each chunk's CRC): a stored page
// comes from the blob store, which has already checked the whole PNG against its SHA-256
// (pipeline/blob_store.h).
PixPtr read_page_png(std::string_view bytes) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, png_error_jumps, png_warning_ignored);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  PngInput input{bytes, 0};
  png_bytep row = nullptr;
  size_t row_size = 0;
  Pix* pix = nullptr;
  bool read = false;
  if (info != nullptr) {
    png_set_read_fn(png, &input, read_png_bytes);
#ifdef PNG_IGNORE_ADLER32
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
    read = png_rows_into(png, info, &row, &row_size, &pix);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  std::free(row);
  if (!read) {
    pixDestroy(&pix);
    return nullptr;
  }
  return PixPtr(pix);
}

bool is_png(std::string_view bytes) { return bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n"; }

}  // namespace

Result<PixPtr> decode_image(std::string_view bytes) {
  quiet_leptonica();
  if (bytes.empty()) return fail(ErrorKind::kInvalidInput, "the image is empty");
  if (is_png(bytes)) {
    if (PixPtr page = read_page_png(bytes)) return page;
  }
  PixPtr pix(pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size()));
  if (!pix) return fail(ErrorKind::kInvalidInput, "the image cannot be decoded");
  return pix;
}

Result<PixPtr> to_storage_depth(Pix* source) {
  quiet_leptonica();
  PixPtr pix(pixClone(source));
  if (pixGetColormap(pix.get()) != nullptr) {
    const l_int32 target = pixGetDepth(pix.get()) == 1 ? REMOVE_CMAP_TO_BINARY : REMOVE_CMAP_BASED_ON_SRC;
    pix = adopt(pixRemoveColormap(pix.get(), target), source);
  }
  if (!pix) return fail(ErrorKind::kInvalidInput, "the page's colour map cannot be resolved");
  switch (pixGetDepth(pix.get())) {
    case 1:
    case 8: break;
    case 2:
    case 4: pix = adopt(pixConvertTo8(pix.get(), 0), source); break;
    case 16: pix = adopt(pixConvert16To8(pix.get(), L_MS_BYTE), source); break;
    case 24: pix = adopt(pixConvert24To32(pix.get()), source); break;
    case 32: break;
    default: return fail(ErrorKind::kInvalidInput, "unsupported pixel depth " + std::to_string(pixGetDepth(pix.get())));
  }
  if (pix && pixGetDepth(pix.get()) == 32) pix = normalise_colour(std::move(pix));
  if (!pix) return fail(ErrorKind::kInvalidInput, "the page cannot be converted to a storable depth");
  return pix;
}

int stored_depth(Pix* pix) {
  const l_int32 depth = pixGetDepth(pix);
  return depth == 32 ? 24 : depth;
}

namespace {

// libpng's output callback: appends to the std::string passed as the io pointer.
void append_png_bytes(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), length);
}
void flush_nothing(png_structp) {}

// One row of the PIX in PNG's layout: samples MSB first, 1-bit rows with 0 = black (the PIX
// has 1 = black), colour as R, G, B bytes.
void png_row(const l_uint32* line, int width, int depth, png_bytep row) {
  if (depth == 32) {
    for (int x = 0; x < width; ++x) {
      const l_uint32 pixel = line[x];
      row[3 * x] = static_cast<png_byte>(pixel >> L_RED_SHIFT);
      row[3 * x + 1] = static_cast<png_byte>(pixel >> L_GREEN_SHIFT);
      row[3 * x + 2] = static_cast<png_byte>(pixel >> L_BLUE_SHIFT);
    }
    return;
  }
  const int bytes = depth == 8 ? width : (width + 7) / 8;
  const png_byte invert = depth == 1 ? 0xff : 0x00;
  for (int i = 0; i < bytes; ++i) row[i] = static_cast<png_byte>(GET_DATA_BYTE(line, i) ^ invert);
}

// Writes the rows; false when libpng reported an error. Only plain values live in this
// frame, so the longjmp of an error skips no destructor.
bool write_png_rows(png_structp png, png_infop info, Pix* pix, png_bytep row, int zlib_level, int filters) {
  if (setjmp(png_jmpbuf(png))) return false;
  const int width = pixGetWidth(pix);
  const int height = pixGetHeight(pix);
  const int depth = pixGetDepth(pix);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), depth == 1 ? 1 : 8,
               depth == 32 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  const l_int32 xres = pixGetXRes(pix);
  const l_int32 yres = pixGetYRes(pix);
  if (xres > 0 && yres > 0) {  // pixels per metre, rounded as Leptonica does (it reads them back the same way)
    png_set_pHYs(png, info, static_cast<png_uint_32>(39.37 * xres + 0.5), static_cast<png_uint_32>(39.37 * yres + 0.5),
                 PNG_RESOLUTION_METER);
  }
  png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
  png_set_compression_level(png, zlib_level);
  png_write_info(png, info);
  const l_uint32* data = pixGetData(pix);
  const l_int32 wpl = pixGetWpl(pix);
  for (int y = 0; y < height; ++y) {
    png_row(data + static_cast<std::ptrdiff_t>(y) * wpl, width, depth, row);
    png_write_row(png, row);
  }
  png_write_end(png, info);
  return true;
}

// A PNG of a stored page (1-bit, 8-bit grey or 32-bit RGB without alpha or colour map) with
// the row filters and zlib level given; other images go through Leptonica's writer.
Result<std::string> write_png(Pix* pix, int zlib_level, int filters) {
  quiet_leptonica();
  const l_int32 depth = pixGetDepth(pix);
  const bool plain = pixGetColormap(pix) == nullptr && (depth == 1 || depth == 8 || (depth == 32 && pixGetSpp(pix) == 3));
  if (!plain) {
    pixSetZlibCompression(pix, zlib_level);
    l_uint8* data = nullptr;
    size_t size = 0;
    const l_ok status = pixWriteMem(&data, &size, pix, IFF_PNG);
    return take_leptonica_buffer(status, data, size, "PNG");
  }
  std::string bytes;
  std::vector<png_byte> row(static_cast<size_t>(pixGetWidth(pix)) * (depth == 32 ? 3 : 1));
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, png_error_jumps, png_warning_ignored);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  bool written = false;
  if (info != nullptr) {
    png_set_write_fn(png, &bytes, append_png_bytes, flush_nothing);
    written = write_png_rows(png, info, pix, row.data(), zlib_level, filters);
  }
  png_destroy_write_struct(&png, &info);
  if (!written) return fail(ErrorKind::kInternal, "cannot encode the page image as PNG");
  return bytes;
}

}  // namespace

Result<std::string> encode_png(Pix* pix) { return write_png(pix, kPageImageZlibLevel, PNG_FILTER_NONE); }

Result<std::string> encode_jpeg(Pix* pix, int quality) {
  quiet_leptonica();
  PixPtr source(pixClone(pix));
  if (pixGetColormap(source.get()) != nullptr) {
    source = adopt(pixRemoveColormap(source.get(), REMOVE_CMAP_BASED_ON_SRC), pix);
  }
  if (source && pixGetDepth(source.get()) != 8 && pixGetDepth(source.get()) != 32) {
    source = adopt(pixConvertTo8(source.get(), 0), pix);
  }
  if (!source) return fail(ErrorKind::kInternal, "cannot convert the page image for JPEG");
  l_uint8* data = nullptr;
  size_t size = 0;
  const l_ok status = pixWriteMemJpeg(&data, &size, source.get(), quality, 0);
  return take_leptonica_buffer(status, data, size, "JPEG");
}

namespace {

uint32_t tiff_number(const std::string& tiff, size_t at, int bytes, bool little_endian) {
  uint32_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    const auto byte = static_cast<uint8_t>(tiff[at + (little_endian ? bytes - 1 - i : i)]);
    value = (value << 8) | byte;
  }
  return value;
}

// The bytes of the only strip of a single-image TIFF (what Leptonica writes for G4).
Result<std::string> only_tiff_strip(const std::string& tiff) {
  const auto broken = [] { return fail(ErrorKind::kInternal, "cannot extract the G4 data from the TIFF"); };
  if (tiff.size() < 8 || (tiff.compare(0, 2, "II") != 0 && tiff.compare(0, 2, "MM") != 0)) return broken();
  const bool le = tiff[0] == 'I';
  const uint32_t ifd = tiff_number(tiff, 4, 4, le);
  if (ifd + 2 > tiff.size()) return broken();
  const uint32_t entries = tiff_number(tiff, ifd, 2, le);
  if (ifd + 2 + entries * 12 > tiff.size()) return broken();
  int64_t offset = -1, length = -1;
  for (uint32_t e = 0; e < entries; ++e) {
    const size_t at = ifd + 2 + e * 12;
    const uint32_t tag = tiff_number(tiff, at, 2, le);
    const uint32_t type = tiff_number(tiff, at + 2, 2, le);
    const uint32_t count = tiff_number(tiff, at + 4, 4, le);
    if (tag != 273 && tag != 279) continue;
    if (count != 1) return fail(ErrorKind::kInternal, "the G4 TIFF has more than one strip");
    const uint32_t value = type == 3 ? tiff_number(tiff, at + 8, 2, le) : tiff_number(tiff, at + 8, 4, le);
    (tag == 273 ? offset : length) = value;
  }
  if (offset < 0 || length <= 0 || static_cast<size_t>(offset + length) > tiff.size()) return broken();
  return tiff.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
}

}  // namespace

Result<std::string> encode_g4(Pix* pix) {
  quiet_leptonica();
  if (pixGetDepth(pix) != 1) return fail(ErrorKind::kInvalidInput, "only 1-bit pages can be stored as CCITT G4");
  l_uint8* data = nullptr;
  size_t size = 0;
  const l_ok status = pixWriteMemTiff(&data, &size, pix, IFF_TIFF_G4);
  auto tiff = take_leptonica_buffer(status, data, size, "CCITT G4 TIFF");
  if (!tiff) return tiff;
  return only_tiff_strip(*tiff);
}

}  // namespace zpe

namespace zpe {

namespace {

uint32_t big_endian_32(const std::string& bytes, size_t at) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

// The concatenated IDAT data of a PNG file: one zlib stream of filtered rows.
Result<std::string> png_image_data(const std::string& png) {
  const auto broken = [] { return fail(ErrorKind::kInternal, "cannot extract the image data from the PNG"); };
  constexpr size_t kSignature = 8;
  if (png.size() < kSignature + 12) return broken();
  std::string data;
  for (size_t at = kSignature; at + 12 <= png.size();) {
    const uint32_t length = big_endian_32(png, at);
    if (at + 12 + length > png.size()) return broken();
    const std::string type = png.substr(at + 4, 4);
    if (type == "IHDR" && (length < 13 || png[at + 8 + 8] != 8 || png[at + 8 + 12] != 0)) {
      return fail(ErrorKind::kInternal, "the PNG is not 8 bits per sample or is interlaced");
    }
    if (type == "IDAT") data.append(png, at + 8, length);
    if (type == "IEND") break;
    at += 12 + length;
  }
  if (data.empty()) return broken();
  return data;
}

}  // namespace

Result<std::string> encode_flate_rows(Pix* pix, int zlib_level) {
  quiet_leptonica();
  const l_int32 depth = pixGetDepth(pix);
  if (pixGetColormap(pix) != nullptr || (depth != 8 && depth != 32) || (depth == 32 && pixGetSpp(pix) == 4)) {
    return fail(ErrorKind::kInvalidInput, "only 8-bit grey or 24-bit colour pages can be stored as Flate rows");
  }
  auto png = write_png(pix, zlib_level, PNG_ALL_FILTERS);
  if (!png) return png;
  return png_image_data(*png);
}

}  // namespace zpe
