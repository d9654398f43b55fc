#include "stages/prepare.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include "stages/testing_blob_access.h"
#include "stages/testing_page_images.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;

const std::filesystem::path kRealWorld = std::filesystem::path(ZPE_SOURCE_DIR) / ".." / "shared" / "realworld";

class PrepareStageTest : public ::testing::Test {
 protected:
  StageOutcome prepare(const std::string& file, const std::string& bytes, json settings = json::object()) {
    auto stage = make_prepare_stage(settings);
    EXPECT_TRUE(stage) << stage.error().message;
    record_ = testing::intake_record(file, blobs_.put(bytes), bytes.size());
    return (*stage)->run(StageContext{record_, settings, blobs_});
  }

  // The stored page image of a successful outcome.
  PixPtr stored_page(const StageOutcome& outcome, std::size_t index) {
    auto pix = decode_image(blobs_.get(outcome->patch["pages"][index]["blob"]));
    EXPECT_TRUE(pix);
    return pix ? std::move(*pix) : PixPtr();
  }

  void expect_bad_input(const StageOutcome& outcome, const std::string& file, const std::string& words) {
    ASSERT_FALSE(outcome) << "expected a failure for " << file;
    EXPECT_EQ(outcome.error().kind, FailureKind::kBadInput) << outcome.error().reason;
    EXPECT_EQ(outcome.error().reason.rfind(file + ": ", 0), 0u) << outcome.error().reason;
    EXPECT_NE(outcome.error().reason.find(words), std::string::npos) << outcome.error().reason;
  }

  InMemoryBlobAccess blobs_;
  json record_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

PixPtr small_page(int dpi = 300) { return testing::render_text_page({"Az.: 8123456-423"}, 1200, 400, dpi); }

TEST_F(PrepareStageTest, PrepareStage_StoresG4TiffPageAsBilevelPngWithResolution) {
  PixPtr page = testing::to_bilevel(small_page().get());
  const auto outcome = prepare("letter.tif", testing::encode_as(page.get(), IFF_TIFF_G4));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& patch = outcome->patch;
  EXPECT_EQ(patch["original"]["media_type"], "image/tiff");
  EXPECT_EQ(patch["page_count"], 1);
  EXPECT_EQ(patch["source_pages"], "1");
  EXPECT_EQ(patch["prepare"]["decoder"], "leptonica");
  const json& entry = patch["pages"][0];
  EXPECT_EQ(entry["page"], 1);
  EXPECT_EQ(entry["source_page"], 1);
  EXPECT_EQ(entry["width"], 1200);
  EXPECT_EQ(entry["height"], 400);
  EXPECT_EQ(entry["depth"], 1);
  EXPECT_EQ(entry["dpi_x"], 300);
  EXPECT_EQ(entry["dpi_assumed"], false);
  PixPtr stored = stored_page(outcome, 0);
  l_int32 same = 0;
  pixEqual(stored.get(), page.get(), &same);
  EXPECT_TRUE(same) << "the stored PNG must hold exactly the scanned pixels";
}

TEST_F(PrepareStageTest, PrepareStage_DecodesEveryPageOfMultipageTiff) {
  PixPtr grey = small_page();
  PixPtr bilevel = testing::to_bilevel(grey.get());
  PixPtr colour = testing::to_colour(grey.get());
  const auto outcome = prepare("batch.tif", testing::encode_multipage_tiff({bilevel.get(), grey.get(), colour.get()}));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_EQ(outcome->patch["page_count"], 3);
  EXPECT_EQ(outcome->patch["source_pages"], "1-3");
  const json& pages = outcome->patch["pages"];
  EXPECT_EQ(pages[0]["depth"], 1);
  EXPECT_EQ(pages[1]["depth"], 8);
  EXPECT_EQ(pages[2]["depth"], 24);
  EXPECT_EQ(pages[2]["page"], 3);
  EXPECT_EQ(pages[2]["source_page"], 3);
}

TEST_F(PrepareStageTest, PrepareStage_GivesTheSamePagesInOrderOnOneOrSeveralThreads) {
  PixPtr grey = small_page();
  PixPtr bilevel = testing::to_bilevel(grey.get());
  PixPtr colour = testing::to_colour(grey.get());
  PixPtr turned(pixRotateOrth(grey.get(), 1));
  const std::string tiff = testing::encode_multipage_tiff(
      {bilevel.get(), grey.get(), colour.get(), turned.get(), grey.get(), bilevel.get(), colour.get()});
  auto one = prepare("batch.tif", tiff, {{"page_threads", 1}});
  auto three = prepare("batch.tif", tiff, {{"page_threads", 3}});
  ASSERT_TRUE(one && three);
  one->patch.erase("step_ms");
  three->patch.erase("step_ms");
  EXPECT_EQ(one->patch, three->patch);
  EXPECT_EQ(three->patch["page_count"], 7);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(three->patch["pages"][i]["page"], i + 1);
  EXPECT_EQ(three->patch["pages"][0]["depth"], 1);
  EXPECT_EQ(three->patch["pages"][2]["depth"], 24);
}

TEST_F(PrepareStageTest, PrepareStage_DecodesLzwAndJpegCompressedTiff) {
  PixPtr grey = small_page(200);
  const auto lzw = prepare("lzw.tif", testing::encode_as(grey.get(), IFF_TIFF_LZW));
  ASSERT_TRUE(lzw) << lzw.error().reason;
  EXPECT_EQ(lzw->patch["pages"][0]["depth"], 8);
  EXPECT_EQ(lzw->patch["pages"][0]["dpi_x"], 200);
  PixPtr colour = testing::to_colour(grey.get());
  const auto jpeg = prepare("jpeg.tif", testing::encode_as(colour.get(), IFF_TIFF_JPEG));
  ASSERT_TRUE(jpeg) << jpeg.error().reason;
  EXPECT_EQ(jpeg->patch["pages"][0]["depth"], 24);
  EXPECT_EQ(jpeg->patch["pages"][0]["width"], 1200);
}

// The PNG without its pHYs chunk (Leptonica always writes one).
std::string without_png_resolution(const std::string& png) {
  const std::size_t at = png.find("pHYs");
  return at == std::string::npos ? png : png.substr(0, at - 4) + png.substr(at + 4 + 9 + 4);
}

TEST_F(PrepareStageTest, PrepareStage_AssumesThreeHundredDpiWhenFileHasNone) {
  PixPtr grey = small_page();
  const auto outcome = prepare("scan.png", without_png_resolution(testing::encode_as(grey.get(), IFF_PNG)));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_EQ(outcome->patch["original"]["media_type"], "image/png");
  EXPECT_EQ(outcome->patch["pages"][0]["dpi_x"], 300);
  EXPECT_EQ(outcome->patch["pages"][0]["dpi_y"], 300);
  EXPECT_EQ(outcome->patch["pages"][0]["dpi_assumed"], true);
  const std::string white_rows(64 / 8 * 16, '\0');
  const auto tiff = prepare("scan.tif", testing::minimal_bilevel_tiff(64, 16, 1, white_rows));
  ASSERT_TRUE(tiff) << tiff.error().reason;
  EXPECT_EQ(tiff->patch["pages"][0]["dpi_assumed"], true);
  EXPECT_EQ(tiff->patch["pages"][0]["dpi_x"], 300);
}

TEST_F(PrepareStageTest, PrepareStage_StoresJpegPhotoOfGreyPageAsEightBit) {
  PixPtr grey = small_page(150);
  const auto outcome = prepare("photo.jpg", testing::encode_as(grey.get(), IFF_JFIF_JPEG));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_EQ(outcome->patch["original"]["media_type"], "image/jpeg");
  EXPECT_EQ(outcome->patch["pages"][0]["depth"], 8);
  EXPECT_EQ(outcome->patch["pages"][0]["dpi_x"], 150);
}

TEST_F(PrepareStageTest, PrepareStage_StoresColourPageWithOnlyGreyPixelsAsEightBit) {
  PixPtr grey = small_page();
  PixPtr rgb(pixConvertTo32(grey.get()));
  pixCopyResolution(rgb.get(), grey.get());
  const auto outcome = prepare("grey-as-rgb.png", testing::encode_as(rgb.get(), IFF_PNG));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_EQ(outcome->patch["pages"][0]["depth"], 8);
}

TEST_F(PrepareStageTest, PrepareStage_QuarantinesTruncatedTiff) {
  PixPtr page = testing::to_bilevel(small_page().get());
  PixPtr grey = small_page();
  const std::string whole = testing::encode_multipage_tiff({page.get(), grey.get(), page.get()});
  expect_bad_input(prepare("letter.tif", whole.substr(0, whole.size() / 2)), "letter.tif",
                   "page 2 cannot be decoded (truncated TIFF data) — check the scanner output and rescan");
  const std::string single = testing::encode_as(grey.get(), IFF_TIFF_LZW);
  expect_bad_input(prepare("single.tif", single.substr(0, single.size() / 2)), "single.tif",
                   "page 1 cannot be decoded (truncated TIFF data)");
}

TEST_F(PrepareStageTest, PrepareStage_QuarantinesEmptyRandomAndTextFiles) {
  expect_bad_input(prepare("empty.tif", ""), "empty.tif", "empty");
  expect_bad_input(prepare("notes.tif", "Sehr geehrte Damen und Herren,\nanbei ...\n"), "notes.tif", "not a TIFF");
  std::mt19937 random(42);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(random() & 0xff);
  noise[0] = 'x';
  expect_bad_input(prepare("noise.tif", noise), "noise.tif", "not a TIFF");
}

TEST_F(PrepareStageTest, PrepareStage_RefusesTiffBombBeforeDecoding) {
  expect_bad_input(prepare("bomb.tif", testing::tiff_header_claiming(200000, 200000)), "bomb.tif",
                   "page 1 is 200000 x 200000 pixels");
  expect_bad_input(prepare("zero.tif", testing::tiff_header_claiming(0, 100)), "zero.tif", "TIFF");
}

TEST_F(PrepareStageTest, PrepareStage_AppliesPageAndPixelLimitsFromSettings) {
  PixPtr page = testing::to_bilevel(small_page().get());
  const std::string two_pages = testing::encode_multipage_tiff({page.get(), page.get()});
  expect_bad_input(prepare("long.tif", two_pages, {{"max_pages", 1}}), "long.tif", "more pages than the limit of 1");
  expect_bad_input(prepare("big.png", testing::encode_as(page.get(), IFF_PNG), {{"max_page_pixels", 1000}}),
                   "big.png", "more than the limit of 1000");
  EXPECT_FALSE(make_prepare_stage({{"max_pages", "many"}}));
  EXPECT_FALSE(make_prepare_stage({{"pdf_dpi", 0}}));
}

TEST_F(PrepareStageTest, PrepareStage_SurvivesDamagedBytesBehindEveryMagic) {
  PixPtr grey = small_page(100);
  PixPtr bilevel = testing::to_bilevel(grey.get());
  const std::vector<std::string> valid = {testing::encode_as(bilevel.get(), IFF_TIFF_G4),
                                          testing::encode_as(grey.get(), IFF_TIFF_LZW),
                                          testing::encode_as(grey.get(), IFF_PNG),
                                          testing::encode_as(grey.get(), IFF_JFIF_JPEG)};
  std::mt19937 random(7);
  int decoded = 0, refused = 0;
  for (const std::string& original : valid) {
    for (int trial = 0; trial < 12; ++trial) {
      std::string damaged = original.substr(0, 8 + random() % original.size());
      for (int flips = 0; flips < trial && damaged.size() > 8; ++flips) {
        damaged[8 + random() % (damaged.size() - 8)] = static_cast<char>(random());
      }
      const auto outcome = prepare("damaged.tif", damaged);
      if (outcome) ++decoded;
      else if (outcome.error().kind == FailureKind::kBadInput) ++refused;
      else ADD_FAILURE() << outcome.error().reason;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(decoded + refused, 48);
}

TEST_F(PrepareStageTest, PrepareStage_RendersScannedPdfPagesAtTheirImagesResolution) {
  const auto path = kRealWorld / "multipage.pdf";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is missing";
  // multipage.pdf holds 150 dpi scans; the configured 100 dpi applies only to pages with text.
  const auto outcome = prepare("multipage.pdf", read_file(path), {{"pdf_dpi", 100}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_EQ(outcome->patch["original"]["media_type"], "application/pdf");
  EXPECT_EQ(outcome->patch["prepare"]["decoder"], "poppler");
  EXPECT_EQ(outcome->patch["page_count"], 6);
  EXPECT_EQ(outcome->patch["source_pages"], "1-6");
  const json& first = outcome->patch["pages"][0];
  EXPECT_NEAR(first["width"].get<int>(), 384 * 150 / 72, 2);  // 384 x 470.88 pt
  EXPECT_NEAR(first["height"].get<int>(), 470.88 * 150 / 72, 2);
  EXPECT_EQ(first["dpi_x"], 150);
  EXPECT_EQ(first["dpi_native"], true);
  EXPECT_EQ(first["dpi_assumed"], false);
}

TEST_F(PrepareStageTest, PrepareStage_GivesPagesOrBadInputForRealWorldFiles) {
  if (!std::filesystem::exists(kRealWorld)) GTEST_SKIP() << kRealWorld << " is missing";
  for (const char* name : {"invalid.pdf", "ccitt.pdf", "typewriter.png", "skew.pdf", "multipage.pdf", "cmyk.pdf",
                           "francais.pdf", "kcs.pdf", "livecycle.pdf"}) {
    const auto outcome = prepare(name, read_file(kRealWorld / name), {{"pdf_dpi", 150}});
    if (outcome) {
      EXPECT_GE(outcome->patch["page_count"].get<int>(), 1) << name;
    } else {
      EXPECT_EQ(outcome.error().kind, FailureKind::kBadInput) << name << ": " << outcome.error().reason;
    }
  }
  expect_bad_input(prepare("invalid.pdf", read_file(kRealWorld / "invalid.pdf")), "invalid.pdf", "cannot be opened");
  const auto typewriter = prepare("typewriter.png", read_file(kRealWorld / "typewriter.png"));
  ASSERT_TRUE(typewriter) << typewriter.error().reason;
  EXPECT_EQ(typewriter->patch["pages"][0]["depth"], 1);  // 1-bit colour-mapped PNG stays 1-bit
  EXPECT_EQ(typewriter->patch["pages"][0]["width"], 4000);
}

TEST_F(PrepareStageTest, PrepareStage_RefusesEncryptedPdf) {
  PoDoFo::PdfMemDocument document;
  document.CreatePage(PoDoFo::PdfRect(0, 0, 595, 842));
  document.SetEncrypted("secret", "owner-secret", PoDoFo::PdfEncrypt::ePdfPermissions_Print,
                        PoDoFo::PdfEncrypt::ePdfEncryptAlgorithm_AESV3, PoDoFo::PdfEncrypt::ePdfKeyLength_256);
  PoDoFo::PdfRefCountedBuffer buffer;
  PoDoFo::PdfOutputDevice device(&buffer);
  document.Write(&device);
  const std::string pdf(buffer.GetBuffer(), device.GetLength());
  expect_bad_input(prepare("locked.pdf", pdf), "locked.pdf", "encrypted");
}

TEST_F(PrepareStageTest, PrepareStage_IsIdempotent) {
  PixPtr grey = small_page();
  const std::string original = testing::encode_as(testing::to_colour(grey.get()).get(), IFF_PNG);
  auto first = prepare("scan.png", original);
  auto second = prepare("scan.png", original);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->patch.contains("step_ms") && second->patch.contains("step_ms"));
  first->patch.erase("step_ms");  // how long each step took differs from run to run; nothing else may
  second->patch.erase("step_ms");
  EXPECT_EQ(first->patch, second->patch);
}

TEST_F(PrepareStageTest, PrepareStage_RetriesWhenBlobStoreIsUnavailable) {
  PixPtr grey = small_page();
  blobs_.fail_writes_with(Error{ErrorKind::kUnavailable, "dispatcher did not answer"});
  const auto outcome = prepare("scan.png", testing::encode_as(grey.get(), IFF_PNG));
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kRetryable);
  EXPECT_NE(outcome.error().reason.find("scan.png: page 1"), std::string::npos) << outcome.error().reason;
}

TEST_F(PrepareStageTest, PrepareStage_FailsFinalWhenOriginalBlobIsMissing) {
  auto stage = make_prepare_stage(json::object());
  ASSERT_TRUE(stage);
  const json record = testing::intake_record("lost.tif", std::string(64, 'a'), 10);
  const json settings = json::object();
  const auto outcome = (*stage)->run(StageContext{record, settings, blobs_});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
}

}  // namespace
}  // namespace zpe
