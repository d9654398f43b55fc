#include "stages/jbig2_generic.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "stages/page_image.h"
#include "stages/testing_page_images.h"
#include "stages/testing_pdf_checks.h"
#include "stages/testing_scans.h"

// Last: jbig2.h defines `inline` away for old C compilers, which breaks C++ headers after it.
#include <jbig2.h>
#undef inline

namespace zpe {
namespace {

using testing::run_command;

// A JBIG2 stream decoded by libjbig2dec (the decoder behind Ghostscript and MuPDF), as a
// 1-bit PIX; warnings and errors the decoder reported land in `problems`.
struct Decoded {
  PixPtr image;
  std::string problems;
};

Decoded decode_with_jbig2dec(const std::string& bytes, bool embedded = true) {
  Decoded out;
  auto on_error = [](void* data, const char* message, Jbig2Severity severity, uint32_t) {
    if (severity >= JBIG2_SEVERITY_WARNING) *static_cast<std::string*>(data) += std::string(message) + "; ";
  };
  Jbig2Ctx* ctx = jbig2_ctx_new(nullptr, embedded ? JBIG2_OPTIONS_EMBEDDED : static_cast<Jbig2Options>(0), nullptr,
                                on_error, &out.problems);
  if (ctx == nullptr) {
    out.problems = "cannot create a jbig2dec context";
    return out;
  }
  jbig2_data_in(ctx, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  if (embedded) jbig2_complete_page(ctx);
  Jbig2Image* page = jbig2_page_out(ctx);
  if (page != nullptr) {
    out.image.reset(pixCreate(static_cast<l_int32>(page->width), static_cast<l_int32>(page->height), 1));
    for (uint32_t y = 0; y < page->height; ++y) {
      l_uint32* line = pixGetData(out.image.get()) + static_cast<std::ptrdiff_t>(y) * pixGetWpl(out.image.get());
      const uint8_t* row = page->data + static_cast<size_t>(y) * page->stride;
      for (uint32_t x = 0; x < page->width; ++x) {
        if ((row[x >> 3] >> (7 - (x & 7))) & 1) SET_DATA_BIT(line, x);
      }
    }
    jbig2_release_page(ctx, page);
  } else {
    out.problems += "no page decoded";
  }
  jbig2_ctx_free(ctx);
  return out;
}

// "" when `back` has exactly the pixels of `original`, else where they first differ.
std::string pixel_difference(Pix* original, Pix* back) {
  if (back == nullptr) return "nothing decoded";
  const l_int32 w = pixGetWidth(original), h = pixGetHeight(original);
  if (pixGetWidth(back) != w || pixGetHeight(back) != h) {
    return "size " + std::to_string(pixGetWidth(back)) + "x" + std::to_string(pixGetHeight(back)) + " instead of " +
           std::to_string(w) + "x" + std::to_string(h);
  }
  long differing = 0;
  std::string first;
  for (l_int32 y = 0; y < h; ++y) {
    const l_uint32* a = pixGetData(original) + static_cast<std::ptrdiff_t>(y) * pixGetWpl(original);
    const l_uint32* b = pixGetData(back) + static_cast<std::ptrdiff_t>(y) * pixGetWpl(back);
    for (l_int32 x = 0; x < w; ++x) {
      if (GET_DATA_BIT(a, x) != GET_DATA_BIT(b, x)) {
        if (differing++ == 0) first = "(" + std::to_string(x) + ", " + std::to_string(y) + ")";
      }
    }
  }
  return differing == 0 ? "" : std::to_string(differing) + " pixels differ, the first at " + first;
}

// Encodes, decodes with libjbig2dec, and returns the difference ("" when bit-exact).
std::string round_trip(Pix* page, size_t* coded_bytes = nullptr) {
  auto coded = encode_jbig2_generic(page);
  if (!coded) return "encoder failed: " + coded.error().message;
  if (coded_bytes != nullptr) *coded_bytes = coded->size();
  const Decoded back = decode_with_jbig2dec(*coded);
  if (!back.problems.empty()) return "jbig2dec: " + back.problems;
  return pixel_difference(page, back.image.get());
}

// The round trip, and that the JBIG2 stream is smaller than G4's: "" when both hold.
std::string round_trip_smaller_than_g4(Pix* page) {
  size_t jbig2_bytes = 0;
  if (std::string problem = round_trip(page, &jbig2_bytes); !problem.empty()) return problem;
  auto g4 = encode_g4(page);
  if (!g4) return "G4 encoder failed: " + g4.error().message;
  if (jbig2_bytes >= g4->size()) {
    return "JBIG2 " + std::to_string(jbig2_bytes) + " bytes, not smaller than G4's " + std::to_string(g4->size());
  }
  return "";
}

PixPtr text_page(int width, int height, int dpi = 300) {
  PixPtr grey = testing::render_text_page({"Bundesamt fuer Migration und Fluechtlinge", "Az.: 8123456-423",
                                           "Sehr geehrte Damen und Herren,", "Mit freundlichen Gruessen"},
                                          width, height, dpi);
  return testing::to_bilevel(grey.get());
}

PixPtr noise_page(int width, int height, double black_share, unsigned seed) {
  PixPtr page(pixCreate(width, height, 1));
  std::mt19937 random(seed);
  std::bernoulli_distribution black(black_share);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (black(random)) pixSetPixel(page.get(), x, y, 1);
    }
  }
  return page;
}

TEST(Jbig2Generic, TextPage_DecodesBitExactAndIsSmallerThanG4) {
  PixPtr page = text_page(testing::kA4Width300, testing::kA4Height300);
  EXPECT_EQ(round_trip_smaller_than_g4(page.get()), "");
}

TEST(Jbig2Generic, StreamIsPageInformationThenOneLosslessGenericRegion) {
  PixPtr page = text_page(640, 200, 150);
  auto coded = encode_jbig2_generic(page.get());
  ASSERT_TRUE(coded);
  const auto byte = [&](size_t at) { return static_cast<uint8_t>((*coded)[at]); };
  const auto u32 = [&](size_t at) {
    return static_cast<uint32_t>(byte(at)) << 24 | byte(at + 1) << 16 | byte(at + 2) << 8 | byte(at + 3);
  };
  // Segment 0: page information, 19 bytes of data, 640x200, 150 dpi = 5906 pixels/metre.
  EXPECT_EQ(u32(0), 0u);
  EXPECT_EQ(byte(4), 48);
  EXPECT_EQ(byte(6), 1) << "page association";
  EXPECT_EQ(u32(7), 19u);
  EXPECT_EQ(u32(11), 640u);
  EXPECT_EQ(u32(15), 200u);
  EXPECT_EQ(u32(19), 5906u);
  EXPECT_EQ(byte(27), 1) << "eventually lossless";
  // Segment 1: immediate lossless generic region to the end of the stream.
  const size_t second = 11 + 19;
  EXPECT_EQ(u32(second), 1u);
  EXPECT_EQ(byte(second + 4), 39);
  EXPECT_EQ(second + 11 + u32(second + 7), coded->size()) << "no segment after the region (no end-of-page)";
  const size_t region = second + 11;
  EXPECT_EQ(byte(region + 17), 0x08) << "MMR 0, template 0, TPGDON 1";
  const int8_t at[8] = {3, -1, -3, -1, 2, -2, -2, -2};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(static_cast<int8_t>(byte(region + 18 + i)), at[i]);
  EXPECT_EQ(byte(coded->size() - 2), 0xFF);
  EXPECT_EQ(byte(coded->size() - 1), 0xAC);
}

TEST(Jbig2Generic, WidthsThatAreNoMultipleOf8Or32_DecodeBitExact) {
  for (int width : {1, 2, 3, 5, 7, 9, 17, 31, 33, 63, 65, 95, 97, 1001, 2479}) {
    PixPtr noise = noise_page(width, 37, 0.3, static_cast<unsigned>(width));
    EXPECT_EQ(round_trip(noise.get()), "") << "noise, width " << width;
  }
  PixPtr text = text_page(1237, 401, 150);
  EXPECT_EQ(round_trip(text.get()), "") << "text, width 1237";
}

TEST(Jbig2Generic, OnePixelPages_DecodeBitExact) {
  PixPtr white(pixCreate(1, 1, 1));
  EXPECT_EQ(round_trip(white.get()), "");
  PixPtr black(pixCreate(1, 1, 1));
  pixSetPixel(black.get(), 0, 0, 1);
  EXPECT_EQ(round_trip(black.get()), "");
}

TEST(Jbig2Generic, AllWhiteAndAllBlackPages_DecodeBitExactInAFewBytes) {
  PixPtr white(pixCreate(testing::kA4Width300, testing::kA4Height300, 1));
  size_t bytes = 0;
  EXPECT_EQ(round_trip(white.get(), &bytes), "");
  EXPECT_LT(bytes, 100u) << "every row is typical: one coded bit per row";
  PixPtr black(pixCreate(testing::kA4Width300, testing::kA4Height300, 1));
  pixSetAll(black.get());
  EXPECT_EQ(round_trip(black.get(), &bytes), "");
  EXPECT_LT(bytes, 300u);
}

TEST(Jbig2Generic, RandomNoise_DecodesBitExact) {
  for (double share : {0.5, 0.05, 0.95}) {
    PixPtr noise = noise_page(997, 613, share, 7);
    size_t bytes = 0;
    EXPECT_EQ(round_trip(noise.get(), &bytes), "") << "black share " << share;
    if (share == 0.5) {
      // Incompressible: about one bit per pixel; the 65,536 adaptive contexts, each seeing
      // about nine pixels, cost some 10 % over that (measured 1.096x).
      EXPECT_LT(bytes, 997u * 613u / 8u * 112u / 100u);
    }
  }
}

TEST(Jbig2Generic, PageWhoseFirstAndLastRowsAreNotBlank_DecodesBitExact) {
  PixPtr page = text_page(800, 300, 100);
  for (int x = 0; x < 800; x += 3) pixSetPixel(page.get(), x, 0, 1);
  for (int x = 0; x < 800; ++x) pixSetPixel(page.get(), x, 299, 1);
  for (int y = 0; y < 300; ++y) pixSetPixel(page.get(), 799, y, 1);  // and the last column
  EXPECT_EQ(round_trip(page.get()), "");
  // A page starting with two equal non-blank rows (typical prediction on row 1, not row 0).
  PixPtr lined(pixCreate(300, 50, 1));
  for (int y : {0, 1, 2, 10, 11}) {
    for (int x = 5; x < 200; ++x) pixSetPixel(lined.get(), x, y, 1);
  }
  EXPECT_EQ(round_trip(lined.get()), "");
}

TEST(Jbig2Generic, BitsBeyondTheWidthInLeptonicasPadding_AreNotCoded) {
  PixPtr page = noise_page(45, 20, 0.4, 3);
  PixPtr reference(pixCopy(nullptr, page.get()));
  for (int y = 0; y < 20; ++y) {
    l_uint32* line = pixGetData(page.get()) + static_cast<std::ptrdiff_t>(y) * pixGetWpl(page.get());
    line[1] |= 0x0007FFFFu;  // pixels 45..63: padding
  }
  auto coded = encode_jbig2_generic(page.get());
  ASSERT_TRUE(coded);
  const Decoded back = decode_with_jbig2dec(*coded);
  EXPECT_EQ(back.problems, "");
  EXPECT_EQ(pixel_difference(reference.get(), back.image.get()), "");
}

// The committed sample letters' bilevel pages (real G4 scans as scanners write them) and
// the 1-bit typewriter scan from OCRmyPDF's test files.
TEST(Jbig2Generic, RealBilevelScans_DecodeBitExactAndAreSmallerThanG4) {
  int bilevel_pages = 0;
  for (const testing::SamplePage& sample : testing::sample_pages()) {
    if (pixGetDepth(sample.image.get()) != 1) continue;
    ++bilevel_pages;
    EXPECT_EQ(round_trip_smaller_than_g4(sample.image.get()), "") << sample.name;
  }
  EXPECT_GE(bilevel_pages, 4) << "the sample letters should hold bilevel pages";
  const std::filesystem::path typewriter = std::filesystem::path(ZPE_SOURCE_DIR) / ".." / "shared" / "realworld" /
                                           "typewriter.png";
  PixPtr mapped(pixRead(typewriter.c_str()));
  ASSERT_TRUE(mapped) << "cannot read " << typewriter;
  PixPtr scan(pixRemoveColormap(mapped.get(), REMOVE_CMAP_TO_BINARY));
  ASSERT_TRUE(scan && pixGetDepth(scan.get()) == 1);
  EXPECT_EQ(round_trip_smaller_than_g4(scan.get()), "") << typewriter;
}

// The round trip notices a wrong bit: a corrupted code byte decodes to other pixels (or the
// decoder complains), so the tests above can fail.
TEST(Jbig2Generic, CorruptedCode_DoesNotDecodeToTheSourcePixels) {
  PixPtr page = text_page(900, 300, 100);
  auto coded = encode_jbig2_generic(page.get());
  ASSERT_TRUE(coded);
  std::string broken = *coded;
  broken[broken.size() / 2] = static_cast<char>(broken[broken.size() / 2] ^ 0x10);
  const Decoded back = decode_with_jbig2dec(broken);
  EXPECT_TRUE(!back.problems.empty() || !pixel_difference(page.get(), back.image.get()).empty());
}

TEST(Jbig2Generic, StandaloneFile_DecodesWithTheJbig2decCommand) {
  ASSERT_TRUE(testing::have_tool("jbig2dec")) << "jbig2dec (Debian package jbig2dec) is needed";
  PixPtr page = text_page(1003, 500, 150);
  auto file = encode_jbig2_file(page.get());
  ASSERT_TRUE(file);
  const Decoded back = decode_with_jbig2dec(*file, false);
  EXPECT_EQ(back.problems, "");
  EXPECT_EQ(pixel_difference(page.get(), back.image.get()), "");
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("zpe-jbig2-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "page.jb2", std::ios::binary) << *file;
  }
  const auto decoded = run_command("jbig2dec -t pbm -o " + (dir / "page.pbm").string() + " " +
                                   (dir / "page.jb2").string());
  EXPECT_EQ(decoded.status, 0) << decoded.text;
  PixPtr pbm(pixRead((dir / "page.pbm").c_str()));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(pixel_difference(page.get(), pbm.get()), "");
}

TEST(Jbig2Generic, RefusesPagesThatAreNotBilevel) {
  PixPtr grey(pixCreate(10, 10, 8));
  auto coded = encode_jbig2_generic(grey.get());
  ASSERT_FALSE(coded);
  EXPECT_EQ(coded.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(encode_jbig2_generic(nullptr));
}

}  // namespace
}  // namespace zpe
