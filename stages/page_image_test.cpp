#include "stages/page_image.h"

#include <zlib.h>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "stages/testing_page_images.h"

namespace zpe {
namespace {

// The inflated IDAT data of a PNG: one filter-type byte before each row.
std::string inflated_rows(const std::string& png) {
  std::string idat;
  for (size_t at = 8; at + 12 <= png.size();) {
    const auto length = (static_cast<uint32_t>(static_cast<uint8_t>(png[at])) << 24) |
                        (static_cast<uint32_t>(static_cast<uint8_t>(png[at + 1])) << 16) |
                        (static_cast<uint32_t>(static_cast<uint8_t>(png[at + 2])) << 8) |
                        static_cast<uint32_t>(static_cast<uint8_t>(png[at + 3]));
    if (png.compare(at + 4, 4, "IDAT") == 0) idat.append(png, at + 8, length);
    at += 12 + length;
  }
  std::string rows(64 << 20, '\0');
  uLongf size = rows.size();
  EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(rows.data()), &size, reinterpret_cast<const Bytef*>(idat.data()),
                       idat.size()),
            Z_OK);
  rows.resize(size);
  return rows;
}

// Every row's filter byte, given the row length in bytes.
std::vector<int> filter_bytes(const std::string& rows, size_t row_bytes) {
  std::vector<int> out;
  for (size_t at = 0; at < rows.size(); at += row_bytes + 1) out.push_back(static_cast<uint8_t>(rows[at]));
  return out;
}

PixPtr noisy_page(int width, int height, int depth) {
  PixPtr pix(pixCreate(width, height, depth));
  pixSetResolution(pix.get(), 300, 200);
  uint32_t state = 12345;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      state = state * 1103515245u + 12345u;
      const uint32_t value = state >> 8;
      pixSetPixel(pix.get(), x, y, depth == 1 ? (value >> 7) & 1 : depth == 8 ? value & 0xff : value << 8);
    }
  }
  if (depth == 32) pixSetSpp(pix.get(), 3);
  return pix;
}

void expect_round_trip(Pix* pix) {
  auto png = encode_png(pix);
  ASSERT_TRUE(png) << png.error().message;
  auto back = decode_image(*png);
  ASSERT_TRUE(back) << back.error().message;
  l_int32 same = 0;
  // 32-bit pages: Leptonica reads RGB into 32-bit pixels; compare R, G and B only.
  if (pixGetDepth(pix) == 32) {
    pixSetSpp(back->get(), 3);
    ASSERT_EQ(pixGetDepth(back->get()), 32);
    for (int y = 0; y < pixGetHeight(pix); ++y) {
      for (int x = 0; x < pixGetWidth(pix); ++x) {
        l_uint32 a = 0, b = 0;
        pixGetPixel(pix, x, y, &a);
        pixGetPixel(back->get(), x, y, &b);
        ASSERT_EQ(a >> 8, b >> 8) << "pixel " << x << "," << y;
      }
    }
  } else {
    pixEqual(pix, back->get(), &same);
    EXPECT_TRUE(same) << "depth " << pixGetDepth(pix);
  }
  EXPECT_EQ(pixGetXRes(back->get()), pixGetXRes(pix));
  EXPECT_EQ(pixGetYRes(back->get()), pixGetYRes(pix));
}

TEST(PageImage, PngRoundTripsEveryStoredDepthWithItsResolution) {
  for (const int width : {1, 7, 33, 301}) {
    for (const int depth : {1, 8, 32}) {
      SCOPED_TRACE("width " + std::to_string(width) + " depth " + std::to_string(depth));
      PixPtr pix = noisy_page(width, 5, depth);
      expect_round_trip(pix.get());
    }
  }
}

// decode_image reads ZPE's own page PNGs row by row itself: the result must be what
// Leptonica's reader gives, pixel for pixel (all 32 bits of a colour pixel), with the same
// depth, samples per pixel and resolution.
TEST(PageImage, OwnPngReaderGivesWhatLeptonicasReaderGives) {
  for (const int width : {1, 7, 33, 301}) {
    for (const int depth : {1, 8, 32}) {
      SCOPED_TRACE("width " + std::to_string(width) + " depth " + std::to_string(depth));
      PixPtr pix = noisy_page(width, 5, depth);
      auto png = encode_png(pix.get());
      ASSERT_TRUE(png);
      auto ours = decode_image(*png);
      ASSERT_TRUE(ours);
      PixPtr leptonicas(pixReadMem(reinterpret_cast<const l_uint8*>(png->data()), png->size()));
      ASSERT_TRUE(leptonicas);
      EXPECT_EQ(pixGetDepth(ours->get()), pixGetDepth(leptonicas.get()));
      EXPECT_EQ(pixGetSpp(ours->get()), pixGetSpp(leptonicas.get()));
      EXPECT_EQ(pixGetXRes(ours->get()), pixGetXRes(leptonicas.get()));
      EXPECT_EQ(pixGetYRes(ours->get()), pixGetYRes(leptonicas.get()));
      for (int y = 0; y < 5; ++y) {
        for (int x = 0; x < width; ++x) {
          l_uint32 a = 0, b = 0;
          pixGetPixel(ours->get(), x, y, &a);
          pixGetPixel(leptonicas.get(), x, y, &b);
          ASSERT_EQ(a, b) << "pixel " << x << "," << y;
        }
      }
    }
  }
}

// PNGs that are not what encode_png writes (a colour map, 16 bits, interlaced) still decode
// through Leptonica; a cut-off PNG is an error, not a crash or a half-read page.
TEST(PageImage, OtherPngsStillDecodeAndACutOffPngIsAnError) {
  PixPtr grey = noisy_page(40, 30, 8);
  PixPtr mapped(pixConvertGrayToColormap(grey.get()));
  ASSERT_TRUE(mapped);
  l_uint8* data = nullptr;
  size_t size = 0;
  ASSERT_EQ(pixWriteMem(&data, &size, mapped.get(), IFF_PNG), 0);
  const std::string mapped_png(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  auto decoded = decode_image(mapped_png);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(pixGetWidth(decoded->get()), 40);

  auto png = encode_png(noisy_page(301, 40, 8).get());
  ASSERT_TRUE(png);
  for (const size_t keep : {size_t{8}, size_t{40}, png->size() / 2, png->size() - 13}) {
    SCOPED_TRACE("first " + std::to_string(keep) + " bytes");
    EXPECT_FALSE(decode_image(png->substr(0, keep)));
  }
}

TEST(PageImage, BilevelPngIsReadableByOtherDecodersWithBlackAsBlack) {
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"});
  PixPtr bilevel(pixConvertTo1(page.get(), 128));
  auto png = encode_png(bilevel.get());
  ASSERT_TRUE(png);
  // PNG's grey 0 is black: the count of black pixels must equal the PIX's ON pixels.
  const std::string rows = inflated_rows(*png);
  const int width = pixGetWidth(bilevel.get());
  const size_t row_bytes = (width + 7) / 8;
  l_int32 on = 0;
  pixCountPixels(bilevel.get(), &on, nullptr);
  int64_t black = 0;
  for (int y = 0; y < pixGetHeight(bilevel.get()); ++y) {
    for (int x = 0; x < width; ++x) {
      const auto byte = static_cast<uint8_t>(rows[y * (row_bytes + 1) + 1 + x / 8]);
      if (((byte >> (7 - x % 8)) & 1) == 0) ++black;
    }
  }
  EXPECT_GT(on, 1000);
  EXPECT_EQ(black, on);
}

TEST(PageImage, StoredPngsHaveNoRowFiltersButFlateRowsKeepThem) {
  PixPtr grey = testing::render_text_page({"Bescheid", "Az.: 8123456-423"});
  ASSERT_EQ(pixGetDepth(grey.get()), 8);
  const size_t row_bytes = static_cast<size_t>(pixGetWidth(grey.get()));
  auto png = encode_png(grey.get());
  ASSERT_TRUE(png);
  for (const int filter : filter_bytes(inflated_rows(*png), row_bytes)) ASSERT_EQ(filter, 0);
  // The PDF's Flate images are smaller with libpng's adaptive filters: some rows use them.
  auto flate = encode_flate_rows(grey.get(), 6);
  ASSERT_TRUE(flate);
  std::string rows(64 << 20, '\0');
  uLongf size = rows.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(rows.data()), &size, reinterpret_cast<const Bytef*>(flate->data()),
                       flate->size()),
            Z_OK);
  rows.resize(size);
  int filtered = 0;
  for (const int filter : filter_bytes(rows, row_bytes)) filtered += filter != 0;
  EXPECT_GT(filtered, 0);
}

}  // namespace
}  // namespace zpe
