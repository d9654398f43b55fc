#include "stages/searchable_pdf.h"

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "stages/testing_page_images.h"
#include "stages/testing_pdf_checks.h"

namespace zpe {
namespace {

using testing::have_tool;
using testing::pdfinfo_field;
using testing::run_command;
using testing::TemporaryPdf;

SearchablePdfInfo info() {
  return {"letter-0001.tif", "2025-03-12T10:04:05Z", "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf",
          "/usr/share/color/icc/sRGB.icc"};
}

// One line of words laid out left to right from (left, top) with 40-px glyph cells.
RecognisedLine line_of(const std::vector<std::string>& words, int left, int top) {
  RecognisedLine line;
  line.block = 1;
  int x = left;
  for (const std::string& text : words) {
    const int width = 40 * static_cast<int>(text.size());
    line.words.push_back({text, {x, top, x + width, top + 60}, 95.0});
    x += width + 30;
  }
  line.box = {left, top, x - 30, top + 60};
  line.baseline = top + 48;
  return line;
}

RecognisedPage text_of(std::vector<RecognisedLine> lines) {
  RecognisedPage page;
  page.width = testing::kA4Width300;
  page.height = testing::kA4Height300;
  page.lines = std::move(lines);
  return page;
}

std::string build(const std::vector<Pix*>& images, const RecognisedPage& text) {
  auto pdf = SearchablePdf::create(info());
  EXPECT_TRUE(pdf) << pdf.error().message;
  for (Pix* image : images) {
    auto encoded = pdf_page_image(image, 75, 300, 300);
    EXPECT_TRUE(encoded) << encoded.error().message;
    EXPECT_TRUE((*pdf)->add_page(*encoded, text));
  }
  auto bytes = (*pdf)->finish();
  EXPECT_TRUE(bytes) << bytes.error().message;
  return bytes ? *bytes : std::string();
}

class SearchablePdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grey_ = testing::render_text_page({"Az.: 8123456-423"});
    bilevel_ = testing::to_bilevel(grey_.get());
    colour_ = testing::to_colour(grey_.get());
    text_ = text_of({line_of({"Grüße", "aus", "der", "Straße"}, 300, 300),
                     line_of({"Änderung", "Az.:", "8123456-423"}, 300, 420)});
  }
  PixPtr grey_, bilevel_, colour_;
  RecognisedPage text_;
};

TEST_F(SearchablePdfTest, SearchablePdf_PassesQpdfCheckWithA4PagesAndMetadata) {
  const std::string bytes = build({bilevel_.get(), grey_.get(), colour_.get()}, text_);
  if (!have_tool("qpdf") || !have_tool("pdfinfo")) GTEST_SKIP() << "qpdf or pdfinfo not installed";
  TemporaryPdf file(bytes);
  const auto check = run_command("qpdf --check " + file.path());
  EXPECT_EQ(check.status, 0) << check.text;
  EXPECT_NE(check.text.find("No syntax or stream encoding errors found"), std::string::npos) << check.text;
  const auto pdfinfo = run_command("pdfinfo " + file.path());
  EXPECT_EQ(pdfinfo_field(pdfinfo.text, "Pages"), "3") << pdfinfo.text;
  EXPECT_EQ(pdfinfo_field(pdfinfo.text, "Page size"), "595.2 x 841.92 pts (A4)") << pdfinfo.text;
  EXPECT_EQ(pdfinfo_field(pdfinfo.text, "Title"), "letter-0001.tif") << pdfinfo.text;
  EXPECT_EQ(pdfinfo_field(pdfinfo.text, "CreationDate"), "Wed Mar 12 10:04:05 2025 UTC") << pdfinfo.text;
  EXPECT_EQ(pdfinfo_field(pdfinfo.text, "Encrypted"), "no") << pdfinfo.text;
}

TEST_F(SearchablePdfTest, SearchablePdf_CarriesPdfA2bMarkers) {
  const std::string bytes = build({bilevel_.get(), colour_.get()}, text_);
  const auto problems = testing::pdfa_problems(bytes);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  EXPECT_EQ(bytes.rfind("%PDF-1.7", 0), 0u);
  // PDF/A: a comment of four bytes above 127 right after the header marks a binary file.
  const size_t second_line = bytes.find('\n') + 1;
  ASSERT_EQ(bytes[second_line], '%');
  for (int i = 1; i <= 4; ++i) EXPECT_GE(static_cast<unsigned char>(bytes[second_line + i]), 128u);
  EXPECT_NE(bytes.find("/ID"), std::string::npos) << "PDF/A needs a file identifier";
}

TEST_F(SearchablePdfTest, SearchablePdf_PdfaCheckerSeesMissingMarkers) {
  // The checker itself must fail a plain PDF, or the test above proves nothing.
  PoDoFo::PdfMemDocument plain;
  plain.CreatePage(PoDoFo::PdfRect(0, 0, 100, 100));
  PoDoFo::PdfRefCountedBuffer buffer;
  PoDoFo::PdfOutputDevice device(&buffer);
  plain.Write(&device);
  const auto problems = testing::pdfa_problems(std::string(buffer.GetBuffer(), device.GetLength()));
  EXPECT_GE(problems.size(), 3u) << ::testing::PrintToString(problems);
}

TEST_F(SearchablePdfTest, SearchablePdf_TextLayerExtractsWithUmlautsAndInWordOrder) {
  const std::string bytes = build({bilevel_.get()}, text_);
  if (!have_tool("pdftotext")) GTEST_SKIP() << "pdftotext not installed";
  TemporaryPdf file(bytes);
  const auto text = run_command("pdftotext -layout " + file.path() + " -", false);
  EXPECT_NE(text.text.find("Grüße aus der Straße"), std::string::npos) << text.text;
  EXPECT_NE(text.text.find("Änderung Az.: 8123456-423"), std::string::npos) << text.text;
}

TEST_F(SearchablePdfTest, SearchablePdf_StoresBilevelAsG4AndGreyAndColourAsJpeg) {
  const std::string bytes = build({bilevel_.get(), grey_.get(), colour_.get()}, text_);
  if (!have_tool("pdfimages")) GTEST_SKIP() << "pdfimages not installed";
  TemporaryPdf file(bytes);
  const auto list = run_command("pdfimages -list " + file.path());
  ASSERT_EQ(list.status, 0) << list.text;
  EXPECT_NE(list.text.find("ccitt"), std::string::npos) << list.text;
  EXPECT_NE(list.text.find("gray    1   8  jpeg"), std::string::npos) << list.text;
  EXPECT_NE(list.text.find("rgb     3   8  jpeg"), std::string::npos) << list.text;
  // The G4 page renders as the original: its black pixel count survives the round trip.
  const auto rendered = run_command("pdftoppm -r 300 -f 1 -l 1 -mono " + file.path() + " " + file.path());
  ASSERT_EQ(rendered.status, 0) << rendered.text;
  PixPtr back(pixRead((file.path() + "-1.pbm").c_str()));
  std::filesystem::remove(file.path() + "-1.pbm");
  ASSERT_TRUE(back);
  l_int32 original_black = 0, rendered_black = 0;
  pixCountPixels(bilevel_.get(), &original_black, nullptr);
  pixCountPixels(back.get(), &rendered_black, nullptr);
  EXPECT_NEAR(rendered_black, original_black, original_black * 0.02);
}

// The profile's colour space (ICC header bytes 16..19) of the PDF's OutputIntent.
std::string output_intent_space(const std::string& pdf) {
  PoDoFo::PdfMemDocument document;
  document.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()));
  const PoDoFo::PdfObject* intents = document.GetCatalog()->GetIndirectKey("OutputIntents");
  if (intents == nullptr || !intents->IsArray() || intents->GetArray().size() != 1) return "not one intent";
  const PoDoFo::PdfObject* intent = document.GetObjects().GetObject(intents->GetArray()[0].GetReference());
  return testing::stream_text(intent->GetIndirectKey("DestOutputProfile")).substr(16, 4);
}

TEST_F(SearchablePdfTest, SearchablePdf_GreyOutputIntentUnlessAPageIsInColour) {
  SearchablePdfInfo with_grey = info();
  with_grey.grey_icc_profile = "/usr/share/color/icc/Gray.icc";
  auto build_with = [&](const SearchablePdfInfo& settings, const std::vector<Pix*>& images) {
    auto pdf = SearchablePdf::create(settings);
    EXPECT_TRUE(pdf) << pdf.error().message;
    for (Pix* image : images) EXPECT_TRUE((*pdf)->add_page(*pdf_page_image(image, 75, 300, 300), text_));
    return *(*pdf)->finish();
  };
  const std::string grey = build_with(with_grey, {bilevel_.get(), grey_.get()});
  EXPECT_EQ(output_intent_space(grey), "GRAY");
  EXPECT_TRUE(testing::pdfa_problems(grey).empty()) << testing::pdfa_problems(grey).front();
  const std::string srgb = build_with(info(), {bilevel_.get(), grey_.get()});
  EXPECT_EQ(output_intent_space(srgb), "RGB ");
  EXPECT_LT(grey.size() + 1500, srgb.size()) << "the grey profile saves the sRGB profile's 2 KB";

  const std::string colour = build_with(with_grey, {bilevel_.get(), colour_.get()});
  EXPECT_EQ(output_intent_space(colour), "RGB ") << "a colour page needs the RGB output intent";
  EXPECT_TRUE(testing::pdfa_problems(colour).empty()) << testing::pdfa_problems(colour).front();
}

TEST_F(SearchablePdfTest, SearchablePdf_PdfaCheckerRefusesDeviceRgbUnderAGreyIntent) {
  // What the rule above prevents, built by hand: a colour page under the grey profile.
  PoDoFo::PdfMemDocument document;
  const std::string rgb = build({colour_.get()}, text_);
  document.LoadFromBuffer(rgb.data(), static_cast<long>(rgb.size()));
  const PoDoFo::PdfObject* intents = document.GetCatalog()->GetIndirectKey("OutputIntents");
  PoDoFo::PdfObject* intent = document.GetObjects().GetObject(intents->GetArray()[0].GetReference());
  PoDoFo::PdfObject* profile = intent->GetIndirectKey("DestOutputProfile");
  auto grey_icc = read_whole_file("/usr/share/color/icc/Gray.icc");
  ASSERT_TRUE(grey_icc);
  profile->GetStream()->Set(grey_icc->data(), static_cast<PoDoFo::pdf_long>(grey_icc->size()));
  profile->GetDictionary().AddKey(PoDoFo::PdfName("N"), static_cast<PoDoFo::pdf_int64>(1));
  PoDoFo::PdfRefCountedBuffer buffer;
  PoDoFo::PdfOutputDevice device(&buffer);
  document.Write(&device);
  const auto problems = testing::pdfa_problems(std::string(buffer.GetBuffer(), device.GetLength()));
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems.front().find("DeviceRGB under a GRAY output intent"), std::string::npos) << problems.front();
}

TEST_F(SearchablePdfTest, SearchablePdf_IsDeterministic) {
  EXPECT_EQ(build({bilevel_.get()}, text_), build({bilevel_.get()}, text_));
}

TEST_F(SearchablePdfTest, SearchablePdf_ReportsMissingFontOrProfile) {
  SearchablePdfInfo missing = info();
  missing.icc_profile = "/nonexistent/sRGB.icc";
  auto pdf = SearchablePdf::create(missing);
  ASSERT_FALSE(pdf);
  EXPECT_NE(pdf.error().message.find("/nonexistent/sRGB.icc"), std::string::npos);
}

}  // namespace
}  // namespace zpe
