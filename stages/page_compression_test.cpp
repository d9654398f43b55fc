#include "stages/page_compression.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "stages/testing_page_images.h"
#include "stages/testing_pdf_checks.h"

namespace zpe {
namespace {

using testing::have_tool;
using testing::run_command;
using testing::TemporaryPdf;

PageStoragePolicy policy(bool bilevel_allowed, BilevelCodec codec = BilevelCodec::kJbig2) {
  PageStoragePolicy out;
  out.bilevel_text_pages = bilevel_allowed;
  out.jpeg_quality = 80;
  out.bilevel_codec = codec;
  return out;
}

bool continuous_tone(PdfPageImage::Encoding encoding) {
  return encoding == PdfPageImage::Encoding::kJpeg || encoding == PdfPageImage::Encoding::kFlate;
}

// The PDF's first page rendered by poppler at `dpi`, as black and white (pdftoppm -mono)
// or, with grey, in grey (pdftoppm -gray).
PixPtr rendered_first_page(const std::string& pdf, int dpi, bool grey = false) {
  TemporaryPdf file(pdf);
  const auto rendered = run_command("pdftoppm -r " + std::to_string(dpi) + " -f 1 -l 1 " + (grey ? "-gray " : "-mono ") +
                                    file.path() + " " + file.path());
  EXPECT_EQ(rendered.status, 0) << rendered.text;
  const std::string image = file.path() + (grey ? "-1.pgm" : "-1.pbm");
  PixPtr back(pixRead(image.c_str()));
  std::filesystem::remove(image);
  return back;
}

// A grey letter page with a photograph-like region: a smooth gradient with texture, 6x4 cm.
PixPtr page_with_photo() {
  PixPtr page = testing::render_text_page({"Lichtbild des Antragstellers", "Az.: 8123456-423"});
  for (int y = 1400; y < 1400 + 470; ++y) {
    for (int x = 300; x < 300 + 700; ++x) {
      const int value = 70 + (x - 300) * 120 / 700 + ((x * 7 + y * 13) % 23);
      pixSetPixel(page.get(), x, y, static_cast<l_uint32>(value));
    }
  }
  return page;
}

std::string pdf_of(const std::vector<PdfPageImage>& images) {
  auto pdf = SearchablePdf::create({"letter.tif", "2025-03-12T10:04:05Z", "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf",
                                    "/usr/share/color/icc/sRGB.icc"});
  EXPECT_TRUE(pdf) << pdf.error().message;
  for (const PdfPageImage& image : images) {
    RecognisedPage text;
    text.width = image.width;
    text.height = image.height;
    EXPECT_TRUE((*pdf)->add_page(image, text));
  }
  auto bytes = (*pdf)->finish();
  EXPECT_TRUE(bytes) << bytes.error().message;
  return bytes ? *bytes : std::string();
}

TEST(PageCompression, GreyTextPage_BecomesBilevelWhenTheTenantAllowsIt) {
  PixPtr grey = testing::render_text_page({"Bundesamt fuer Migration", "Az.: 8123456-423"});
  auto stored = store_page_image(grey.get(), policy(true), 300, 300);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->image.encoding, PdfPageImage::Encoding::kJbig2);
  EXPECT_EQ(stored->record["stored_as"], "jbig2_generic");
  EXPECT_EQ(stored->record["source_depth"], 8);
  EXPECT_EQ(stored->record["bilevel"], true);
  const auto& tone = stored->record["tone"];
  EXPECT_GE(tone["paper_level"].get<int>(), 250);
  EXPECT_LE(tone["ink_level"].get<int>(), 5);
  EXPECT_LT(tone["mid_grey_pct"].get<double>(), 1.0);
  EXPECT_EQ(tone["colour_pct"].get<double>(), 0.0);
  EXPECT_NE(stored->record["reason"].get<std::string>().find("black text on white"), std::string::npos);
  // The bilevel page keeps the glyphs: its black pixels are the grey page's dark ones.
  PixPtr reference(pixThresholdToBinary(grey.get(), tone["threshold"].get<int>()));
  auto bilevel = threshold_to_bilevel(grey.get(), tone["threshold"].get<int>());
  ASSERT_TRUE(bilevel);
  l_int32 same = 0;
  pixEqual(reference.get(), bilevel->get(), &same);
  EXPECT_TRUE(same);
}

TEST(PageCompression, GreyTextPage_StaysContinuousToneWhenNotAllowed) {
  PixPtr grey = testing::render_text_page({"Bundesamt fuer Migration", "Az.: 8123456-423"});
  auto stored = store_page_image(grey.get(), policy(false), 300, 300);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_TRUE(continuous_tone(stored->image.encoding));
  EXPECT_EQ(stored->image.components, 1) << "a grey page is stored with one channel";
  EXPECT_EQ(stored->record["bilevel"], false);
  EXPECT_NE(stored->record["reason"].get<std::string>().find("off for this tenant"), std::string::npos);
}

TEST(PageCompression, PhotoPage_NeverBecomesBilevel) {
  PixPtr photo = page_with_photo();
  auto stored = store_page_image(photo.get(), policy(true), 300, 300);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_TRUE(continuous_tone(stored->image.encoding));
  EXPECT_EQ(stored->record["bilevel"], false);
  EXPECT_GT(stored->record["tone"]["photo_tile_pct"].get<double>(), 1.0);
  EXPECT_NE(stored->record["reason"].get<std::string>().find("photo"), std::string::npos) << stored->record.dump();
}

// Mean grey of `page` inside the box.
double mean_in(Pix* page, int x0, int y0, int width, int height) {
  double sum = 0;
  for (int y = y0; y < y0 + height; ++y) {
    for (int x = x0; x < x0 + width; ++x) {
      l_uint32 value = 0;
      pixGetPixel(page, x, y, &value);
      sum += value;
    }
  }
  return sum / (static_cast<double>(width) * height);
}

// A text page with a photograph is stored as a mixed raster: the text as a full-resolution
// mask painted in the measured ink, the photo whole in the 150-dpi background, and as a
// PDF that poppler shows as the page was — dark glyphs, the photo's tone, white paper —
// for a fraction of the continuous-tone bytes.
TEST(PageCompression, PhotoPage_BecomesAMixedRasterWithThePhotoInItsBackground) {
  ASSERT_TRUE(have_tool("pdftoppm") && have_tool("qpdf")) << "pdftoppm (poppler-utils) and qpdf are needed";
  PixPtr photo = page_with_photo();
  auto stored = store_page_image(photo.get(), policy(true), 300, 300);
  ASSERT_TRUE(stored) << stored.error().message;
  const nlohmann::json& record = stored->record;
  ASSERT_EQ(record["stored_as"], "mixed_raster") << record.dump();
  ASSERT_TRUE(stored->image.mask.has_value());
  EXPECT_EQ(record["bilevel"], false);
  EXPECT_EQ(record["mixed_raster"]["background_dpi"], 150);
  EXPECT_EQ(stored->image.background_width, (pixGetWidth(photo.get()) + 1) / 2);
  EXPECT_GT(record["mixed_raster"]["photo_tiles_in_background"].get<int>(), 50);
  // The photo skews the page's own ink level (its dark half counts as ink); the mask's grey
  // is the text's, which render_text_page draws black.
  EXPECT_GT(record["tone"]["ink_level"].get<int>(), 100);
  EXPECT_LT(record["mixed_raster"]["ink_grey"].get<int>(), 30);
  EXPECT_LT(record["bytes"].get<size_t>(), record["continuous_bytes"].get<size_t>()) << record.dump();
  EXPECT_EQ(record["bytes"].get<size_t>(), stored->image.bytes.size() + stored->image.mask->bytes.size());

  const std::string bytes = pdf_of({stored->image});
  EXPECT_TRUE(testing::pdfa_problems(bytes).empty()) << ::testing::PrintToString(testing::pdfa_problems(bytes));
  TemporaryPdf file(bytes);
  const auto check = run_command("qpdf --check " + file.path());
  EXPECT_NE(check.text.find("No syntax or stream encoding errors found"), std::string::npos) << check.text;

  PixPtr shown = rendered_first_page(bytes, 300, true);
  ASSERT_TRUE(shown) << "pdftoppm rendered nothing";
  ASSERT_EQ(pixGetWidth(shown.get()), pixGetWidth(photo.get()));
  // The photo (x 300..1000, y 1400..1870): its tone, away from its edge.
  EXPECT_NEAR(mean_in(shown.get(), 340, 1440, 620, 390), mean_in(photo.get(), 340, 1440, 620, 390), 6.0);
  // The glyphs: pixels that are ink in the page are ink on the screen, and paper is paper.
  uint64_t ink = 0, ink_shown = 0, paper = 0, paper_shown = 0;
  for (int y = 200; y < 1300; ++y) {
    for (int x = 0; x < pixGetWidth(photo.get()); ++x) {
      l_uint32 a = 0, b = 0;
      pixGetPixel(photo.get(), x, y, &a);
      pixGetPixel(shown.get(), x, y, &b);
      if (a < 40) ++ink, ink_shown += b < 100;
      if (a == 255) ++paper, paper_shown += b > 235;
    }
  }
  ASSERT_GT(ink, 5000u);
  EXPECT_GT(ink_shown, ink * 98 / 100) << ink_shown << " of " << ink << " ink pixels are shown dark";
  EXPECT_GT(paper_shown, paper * 99 / 100) << paper_shown << " of " << paper << " paper pixels are shown white";
}

// A text page that fails the bilevel test only by its mid-grey pixels (dense, anti-aliased
// text) is a mixed raster too; a tenant that turns mixed_raster_pages off keeps it
// continuous tone, and the G4 codec codes its mask when that is the policy's.
TEST(PageCompression, MidGreyTextPage_IsAMixedRasterUnlessTheTenantSaysNo) {
  PixPtr grey = testing::render_text_page({"Bundesamt fuer Migration", "Az.: 8123456-423", "Grüße"});
  PageStoragePolicy strict = policy(true, BilevelCodec::kG4);
  strict.limits.max_mid_grey_pct = 0.01;
  auto mixed = store_page_image(grey.get(), strict, 300, 300);
  ASSERT_TRUE(mixed) << mixed.error().message;
  EXPECT_EQ(mixed->record["stored_as"], "mixed_raster") << mixed->record.dump();
  EXPECT_NE(mixed->record["reason"].get<std::string>().find("mid-grey"), std::string::npos);
  ASSERT_TRUE(mixed->image.mask.has_value());
  EXPECT_EQ(mixed->image.mask->encoding, PdfPageImage::Encoding::kCcittG4);
  EXPECT_EQ(mixed->record["mixed_raster"]["photo_tiles_in_background"], 0);
  EXPECT_TRUE(testing::pdfa_problems(pdf_of({mixed->image})).empty());

  strict.mixed_raster_pages = false;
  auto continuous = store_page_image(grey.get(), strict, 300, 300);
  ASSERT_TRUE(continuous) << continuous.error().message;
  EXPECT_FALSE(continuous->image.mask.has_value());
  EXPECT_TRUE(continuous_tone(continuous->image.encoding));
  EXPECT_FALSE(continuous->record.contains("mixed_raster"));
}

TEST(PageCompression, ColourPage_NeverBecomesBilevel) {
  PixPtr grey = testing::render_text_page({"Bundesamt fuer Migration", "Az.: 8123456-423"});
  PixPtr colour = testing::to_colour(grey.get());  // a red stamp outline
  auto stored = store_page_image(colour.get(), policy(true), 300, 300);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_TRUE(continuous_tone(stored->image.encoding));
  EXPECT_EQ(stored->image.components, 3);
  EXPECT_FALSE(stored->image.mask.has_value()) << "colour is never reduced to an ink grey";
  EXPECT_EQ(stored->record["bilevel"], false);
  EXPECT_NE(stored->record["reason"].get<std::string>().find("colour"), std::string::npos) << stored->record.dump();
}

TEST(PageCompression, ColourMappedPage_IsStoredWithoutMeasuring) {
  PixPtr grey = testing::render_text_page({"Az.: 8123456-423"}, 600, 300);
  PixPtr mapped(pixConvertGrayToColormap(grey.get()));
  ASSERT_TRUE(mapped && pixGetColormap(mapped.get()) != nullptr);
  auto stored = store_page_image(mapped.get(), policy(true), 300, 300);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->image.encoding, PdfPageImage::Encoding::kJpeg);
  EXPECT_FALSE(stored->record.contains("tone"));
}

TEST(PageCompression, MeasureRefusesBilevelPages) {
  PixPtr grey = testing::render_text_page({"Az.: 8123456-423"}, 600, 300);
  PixPtr bilevel = testing::to_bilevel(grey.get());
  EXPECT_FALSE(measure_page_tone(bilevel.get()));
}

// The lossless Flate encoding shows exactly the page it was given, grey and colour, in a PDF
// that still passes qpdf --check and the PDF/A markers.
TEST(PageCompression, FlatePages_DecodePixelForPixelAndPassPdfChecks) {
  ASSERT_TRUE(have_tool("qpdf") && have_tool("pdfimages")) << "qpdf and pdfimages (poppler-utils) are needed";
  PixPtr grey = testing::render_text_page({"Grüße", "Az.: 8123456-423"}, 620, 400, 75);
  PixPtr colour = testing::to_colour(grey.get());
  std::vector<PdfPageImage> images;
  for (Pix* page : {grey.get(), colour.get()}) {
    auto image = pdf_page_image(page, 80, 75, 75);
    ASSERT_TRUE(image);
    auto flate = encode_flate_rows(page, 6);
    ASSERT_TRUE(flate) << flate.error().message;
    image->encoding = PdfPageImage::Encoding::kFlate;
    image->bytes = *flate;
    images.push_back(*image);
  }
  const std::string bytes = pdf_of(images);
  EXPECT_TRUE(testing::pdfa_problems(bytes).empty());
  TemporaryPdf file(bytes);
  const auto check = run_command("qpdf --check " + file.path());
  EXPECT_EQ(check.status, 0) << check.text;
  // pdfimages decodes the streams as a viewer does (Flate + PNG predictors): the pixels must
  // be the page's own (compared as RGB: this pdfimages writes grey images as RGB).
  const auto extracted = run_command("pdfimages -png " + file.path() + " " + file.path());
  ASSERT_EQ(extracted.status, 0) << extracted.text;
  int index = 0;
  for (Pix* original : {grey.get(), colour.get()}) {
    const std::string name = file.path() + "-00" + std::to_string(index++) + ".png";
    PixPtr back(pixRead(name.c_str()));
    std::filesystem::remove(name);
    ASSERT_TRUE(back) << "pdfimages wrote no " << name;
    PixPtr back_rgb(pixConvertTo32(back.get())), original_rgb(pixConvertTo32(original));
    l_int32 same = 0;
    pixEqual(back_rgb.get(), original_rgb.get(), &same);
    EXPECT_TRUE(same) << "page " << index << ": the Flate image does not decode to the original";
  }
}

TEST(PageCompression, MixedStoragePdf_PassesQpdfCheckAndPdfaMarkers) {
  ASSERT_TRUE(have_tool("qpdf")) << "qpdf is needed";
  PixPtr grey = testing::render_text_page({"Bundesamt fuer Migration", "Az.: 8123456-423"});
  PixPtr photo = page_with_photo();
  PixPtr colour = testing::to_colour(grey.get());
  std::vector<PdfPageImage> images;
  for (Pix* page : {grey.get(), photo.get(), colour.get()}) {
    auto stored = store_page_image(page, policy(true), 300, 300);
    ASSERT_TRUE(stored) << stored.error().message;
    images.push_back(stored->image);
  }
  EXPECT_EQ(images[0].encoding, PdfPageImage::Encoding::kJbig2);
  const std::string bytes = pdf_of(images);
  EXPECT_TRUE(testing::pdfa_problems(bytes).empty()) << ::testing::PrintToString(testing::pdfa_problems(bytes));
  TemporaryPdf file(bytes);
  const auto check = run_command("qpdf --check " + file.path());
  EXPECT_EQ(check.status, 0) << check.text;
  EXPECT_NE(check.text.find("No syntax or stream encoding errors found"), std::string::npos) << check.text;
}

TEST(PageCompression, BilevelPages_UseThePolicysCodec) {
  PixPtr grey = testing::render_text_page({"Az.: 8123456-423"}, 900, 400, 150);
  PixPtr bilevel = testing::to_bilevel(grey.get());
  for (Pix* page : {bilevel.get(), grey.get()}) {
    auto jbig2 = store_page_image(page, policy(true, BilevelCodec::kJbig2), 150, 150);
    auto g4 = store_page_image(page, policy(true, BilevelCodec::kG4), 150, 150);
    ASSERT_TRUE(jbig2 && g4);
    EXPECT_EQ(jbig2->image.encoding, PdfPageImage::Encoding::kJbig2);
    EXPECT_EQ(jbig2->record["stored_as"], "jbig2_generic");
    EXPECT_EQ(g4->image.encoding, PdfPageImage::Encoding::kCcittG4);
    EXPECT_EQ(g4->record["stored_as"], "ccitt_g4");
    EXPECT_EQ(g4->record["bytes"], g4->image.bytes.size());
  }
  EXPECT_EQ(PageStoragePolicy{}.bilevel_codec, BilevelCodec::kJbig2) << "the default";
  EXPECT_EQ(bilevel_codec_named("g4"), BilevelCodec::kG4);
  EXPECT_EQ(bilevel_codec_named("jbig2"), BilevelCodec::kJbig2);
  EXPECT_FALSE(bilevel_codec_named("jbig2-symbols"));
  EXPECT_FALSE(bilevel_page_image(grey.get(), BilevelCodec::kJbig2, 150, 150));
}

// End to end: a bilevel page stored as JBIG2 in the searchable PDF. poppler's own decoder
// (pdfimages, its JBIG2Stream) gives back exactly the source pixels, and pdftoppm renders the
// page exactly as it renders the same page stored as G4 (poppler's rasteriser itself moves
// some edge pixels of any 1-bit image, so the render is compared codec against codec). The
// PDF passes qpdf --check and keeps the PDF/A markers.
TEST(PageCompression, Jbig2Page_DecodesWithPopplerToExactlyTheSourcePixels) {
  ASSERT_TRUE(have_tool("pdftoppm") && have_tool("qpdf") && have_tool("pdfimages"))
      << "pdftoppm, pdfimages (poppler-utils) and qpdf are needed";
  PixPtr grey = testing::render_text_page({"Bundesamt fuer Migration", "Az.: 8123456-423", "Grüße"}, 1237, 1750, 150);
  PixPtr page = testing::to_bilevel(grey.get());
  for (int x = 0; x < 1237; x += 2) pixSetPixel(page.get(), x, 0, 1);  // a first row that is not blank
  std::vector<PixPtr> renders;
  for (BilevelCodec codec : {BilevelCodec::kJbig2, BilevelCodec::kG4}) {
    SCOPED_TRACE(bilevel_codec_name(codec));
    auto stored = store_page_image(page.get(), policy(true, codec), 150, 150);
    ASSERT_TRUE(stored) << stored.error().message;
    const std::string bytes = pdf_of({stored->image});
    EXPECT_TRUE(testing::pdfa_problems(bytes).empty()) << ::testing::PrintToString(testing::pdfa_problems(bytes));
    TemporaryPdf file(bytes);
    const auto check = run_command("qpdf --check " + file.path());
    EXPECT_EQ(check.status, 0) << check.text;
    const auto list = run_command("pdfimages -list " + file.path());
    EXPECT_NE(list.text.find(codec == BilevelCodec::kJbig2 ? "jbig2" : "ccitt"), std::string::npos) << list.text;
    const auto extracted = run_command("pdfimages -png " + file.path() + " " + file.path());
    ASSERT_EQ(extracted.status, 0) << extracted.text;
    PixPtr decoded(pixRead((file.path() + "-000.png").c_str()));
    std::filesystem::remove(file.path() + "-000.png");
    ASSERT_TRUE(decoded) << "pdfimages wrote no image";
    PixPtr decoded_bilevel(pixConvertTo1(decoded.get(), 128));
    PixPtr differing(pixXor(nullptr, decoded_bilevel.get(), page.get()));
    ASSERT_TRUE(differing) << "decoded size " << pixGetWidth(decoded.get()) << "x" << pixGetHeight(decoded.get());
    l_int32 count = -1;
    pixCountPixels(differing.get(), &count, nullptr);
    EXPECT_EQ(count, 0) << "pixels poppler decodes differently from the source";
    renders.push_back(rendered_first_page(bytes, 150));
    ASSERT_TRUE(renders.back()) << "pdftoppm rendered nothing";
  }
  l_int32 same = 0;
  pixEqual(renders[0].get(), renders[1].get(), &same);
  EXPECT_TRUE(same) << "the JBIG2 page renders differently from the same page as G4";
}

}  // namespace
}  // namespace zpe
