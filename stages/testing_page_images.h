// Synthetic page images and originals for stage unit tests (header-only, tests only).
//
// Pages are drawn with OpenCV (Hershey fonts: ASCII only) onto a white page of the given
// size, then handed over as Leptonica images at 1, 8 or 32 bits with a resolution, and
// encoded as TIFF/PNG/JPEG originals. Also: a minimal TIFF header claiming any size (for
// decompression-bomb tests) and a record as intake writes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <leptonica/allheaders.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "stages/page_image.h"

namespace zpe::testing {

constexpr int kA4Width300 = 2480;   // A4 at 300 dpi
constexpr int kA4Height300 = 3508;

// Black text lines on white, 8-bit grey, `dpi` recorded. Line height ~1/4 inch at 300 dpi.
inline PixPtr render_text_page(const std::vector<std::string>& lines, int width = kA4Width300,
                               int height = kA4Height300, int dpi = 300) {
  cv::Mat page(height, width, CV_8UC1, cv::Scalar(255));
  const double scale = 2.2 * dpi / 300.0;
  const int thickness = std::max(1, 4 * dpi / 300);
  int y = dpi;  // one inch from the top
  for (const std::string& line : lines) {
    cv::putText(page, line, cv::Point(dpi, y), cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0), thickness, cv::LINE_AA);
    y += static_cast<int>(0.3 * dpi);
  }
  PixPtr pix(pixCreate(width, height, 8));
  for (int row = 0; row < height; ++row) {
    l_uint32* line = pixGetData(pix.get()) + static_cast<std::ptrdiff_t>(row) * pixGetWpl(pix.get());
    for (int x = 0; x < width; ++x) SET_DATA_BYTE(line, x, page.at<unsigned char>(row, x));
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

inline PixPtr to_bilevel(Pix* grey) {
  PixPtr out(pixThresholdToBinary(grey, 128));
  pixCopyResolution(out.get(), grey);
  return out;
}

// 32-bit colour: the grey page with a red box (a stamp) so it is not all grey.
inline PixPtr to_colour(Pix* grey) {
  PixPtr out(pixConvertTo32(grey));
  const l_int32 w = pixGetWidth(out.get());
  BOX* box = boxCreate(w / 2, 50, w / 4, 120);
  pixRenderBoxArb(out.get(), box, 8, 220, 20, 20);
  boxDestroy(&box);
  pixCopyResolution(out.get(), grey);
  return out;
}

inline std::string take_buffer(l_uint8* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return bytes;
}

// One page encoded as a Leptonica format (IFF_PNG, IFF_JFIF_JPEG, IFF_TIFF_G4, IFF_TIFF_LZW, ...).
inline std::string encode_as(Pix* pix, int format) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (format == IFF_PNG || format == IFF_JFIF_JPEG) {
    pixWriteMem(&data, &size, pix, format);
  } else {
    pixWriteMemTiff(&data, &size, pix, format);
  }
  return take_buffer(data, size);
}

// Several pages as one TIFF (G4 for 1-bit pages, ZIP otherwise).
inline std::string encode_multipage_tiff(const std::vector<Pix*>& pages) {
  PIXA* pixa = pixaCreate(0);
  for (Pix* page : pages) pixaAddPix(pixa, page, L_CLONE);
  l_uint8* data = nullptr;
  size_t size = 0;
  pixaWriteMemMultipageTiff(&data, &size, pixa);
  pixaDestroy(&pixa);
  return take_buffer(data, size);
}

// A little-endian one-page bilevel TIFF without resolution tags, written byte by byte:
// `compression` 1 (none) or 4 (G4) and `data` as the single strip. With a few bytes of
// data and a huge size it is a decompression bomb (decoding would allocate w*h/8 bytes).
inline std::string minimal_bilevel_tiff(uint32_t width, uint32_t height, uint16_t compression,
                                        const std::string& data) {
  std::string out("II*\0", 4);
  const auto u16 = [&](uint16_t v) { out.push_back(char(v & 0xff)); out.push_back(char(v >> 8)); };
  const auto u32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff)); };
  u32(8);  // first directory right after the header
  const uint16_t entries = 8;
  u16(entries);
  const auto entry = [&](uint16_t tag, uint16_t type, uint32_t value) { u16(tag); u16(type); u32(1); u32(value); };
  const uint32_t data_offset = 8 + 2 + entries * 12 + 4;
  entry(256, 4, width);        // ImageWidth (LONG)
  entry(257, 4, height);       // ImageLength
  entry(258, 3, 1);            // BitsPerSample
  entry(259, 3, compression);  // Compression
  entry(262, 3, 0);            // Photometric: white is zero
  entry(273, 4, data_offset);  // StripOffsets
  entry(278, 4, height);       // RowsPerStrip
  entry(279, 4, static_cast<uint32_t>(data.size()));  // StripByteCounts
  u32(0);                      // no next directory
  return out + data;
}

inline std::string tiff_header_claiming(uint32_t width, uint32_t height) {
  return minimal_bilevel_tiff(width, height, 4, std::string(16, '\0'));
}

// A record as intake writes it for an original stored under `sha256`.
inline nlohmann::json intake_record(const std::string& file, const std::string& sha256, std::size_t size) {
  return {{"document_id", "doc-test"},
          {"tenant", "default"},
          {"source", {{"file", file}, {"size", size}, {"received_at", "2025-03-12T10:04:05Z"}, {"manifest", nullptr}}},
          {"original", {{"sha256", sha256}, {"size", size}, {"media_type", ""}}}};
}

}  // namespace zpe::testing
