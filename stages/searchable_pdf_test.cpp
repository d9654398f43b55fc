#include "stages/searchable_pdf.h"

#include <cstdint>
#include <cstdio>
#include <utility>

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

// A letter's recognised text as Tesseract reports a 300 dpi page: 32 lines of 6 to 11
// words (some with umlauts), glyph cells of 22 to 27 px, line heights of 44 to 52 px, word
// boxes a few pixels above or below the line's. Deterministic.
RecognisedPage letter_text() {
  std::uint32_t state = 8080;
  const auto next = [&state](int n) {
    state = state * 1664525u + 1013904223u;
    return static_cast<int>((state >> 16) % static_cast<std::uint32_t>(n));
  };
  const std::vector<std::string> vocabulary = {"Verfahren", "der", "Anhörung", "Mandantin", "bereits", "am",
                                               "Straße", "Entscheidung", "ergangen", "Wir", "bitten", "um",
                                               "Mitteilung", "Az.:", "8677168-423", "für", "Außenstelle", "01.09.2023"};
  std::vector<RecognisedLine> lines;
  int top = 300;
  for (int l = 0; l < 32; ++l) {
    RecognisedLine line;
    line.block = 1 + l / 8;
    const int height = 44 + next(9);
    int x = 250 + next(40);
    for (int w = 6 + next(6); w > 0; --w) {
      const std::string& text = vocabulary[static_cast<size_t>(next(static_cast<int>(vocabulary.size())))];
      const int width = static_cast<int>(text.size()) * (22 + next(6));
      if (x + width > 2300) break;
      line.words.push_back({text, {x, top + next(5), x + width, top + height - next(5)}, 90.0});
      x += width + 20 + next(16);
    }
    line.box = {line.words.front().box.left, top, line.words.back().box.right, top + height};
    line.baseline = top + height - 12;
    lines.push_back(line);
    top += height + 30 + next(20);
  }
  return text_of(std::move(lines));
}

// What letter_text()'s text layer may take in the file, compressed: 2,171 bytes as laid out
// now, 2,261 with hex strings, 3,193 with a full text matrix (Tm) and a Tz per word besides.
constexpr size_t kLetterTextLayerBound = 2600;

// The decoded and the stored (Flate) bytes of page 1's content stream.
std::pair<std::string, size_t> page_content(const std::string& pdf) {
  PoDoFo::PdfMemDocument document;
  document.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()));
  PoDoFo::PdfObject* contents = document.GetPage(0)->GetContents();
  return {testing::stream_text(contents), static_cast<size_t>(contents->GetStream()->GetLength())};
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
  if (!have_tool("qpdf") || !have_tool("pdfinfo")) GTEST_FAIL() << "qpdf or pdfinfo not installed — run scripts/setup.sh";
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
  if (!have_tool("pdftotext")) GTEST_FAIL() << "pdftotext not installed — run scripts/setup.sh";
  TemporaryPdf file(bytes);
  const auto text = run_command("pdftotext -layout " + file.path() + " -", false);
  EXPECT_NE(text.text.find("Grüße aus der Straße"), std::string::npos) << text.text;
  EXPECT_NE(text.text.find("Änderung Az.: 8123456-423"), std::string::npos) << text.text;
}

TEST_F(SearchablePdfTest, SearchablePdf_TextLayerOfALetterIsCompactAndExtractsWordForWord) {
  const RecognisedPage letter = letter_text();
  const std::string bytes = build({bilevel_.get()}, letter);
  const auto [content, stored] = page_content(bytes);
  // In the image's pixels: whole-pixel moves relative to the last word, no text matrix per
  // word, a size per line height. Each word used to cost a Tz and a full Tm with two decimals.
  size_t words = 0;
  for (const RecognisedLine& line : letter.lines) words += line.words.size();
  size_t moves = 0;
  for (size_t at = content.find(" Td\n"); at != std::string::npos; at = content.find(" Td\n", at + 1)) ++moves;
  EXPECT_EQ(moves, words);
  EXPECT_EQ(content.find(" Tm\n"), std::string::npos);
  EXPECT_NE(content.find("q\n0.24 0 0 0.24 0 0 cm\nBT\n3 Tr\n"), std::string::npos) << content.substr(0, 200);
  std::printf("[ INFO     ] text layer of %zu words: %zu bytes, %zu stored\n", words, content.size(), stored);
  EXPECT_LT(stored, kLetterTextLayerBound) << "stored bytes of the page's content stream";

  if (!have_tool("pdftotext")) GTEST_FAIL() << "pdftotext not installed — run scripts/setup.sh";
  TemporaryPdf file(bytes);
  std::string expected;
  for (const RecognisedLine& line : letter.lines) {
    for (const RecognisedWord& word : line.words) expected += word.text + (&word == &line.words.back() ? "\n" : " ");
  }
  EXPECT_EQ(run_command("pdftotext -raw " + file.path() + " -", false).text, expected + "\f");
}

TEST_F(SearchablePdfTest, SearchablePdf_WordsAreLiteralStringsThatSurviveEscapes) {
  // Two bytes a UTF-16 unit in a literal string: "(", ")" and "\\" escaped, and so are the
  // bytes 0x0A and 0x0D inside U+0A28 and U+0D0A (a reader would turn a raw CR into LF).
  const RecognisedPage page =
      text_of({line_of({"(Anlage", "1)", "C:\\Akte", "\u0A28\u0D0A", "Grüße"}, 300, 300)});
  const std::string bytes = build({bilevel_.get()}, page);
  const auto [content, stored] = page_content(bytes);
  EXPECT_EQ(content.find("> Tj"), std::string::npos) << "no hex strings";
  EXPECT_NE(content.find(std::string("(\0\\(\0A\0n", 8)), std::string::npos) << "escaped \"(\"";
  if (!have_tool("pdftotext")) GTEST_FAIL() << "pdftotext not installed — run scripts/setup.sh";
  TemporaryPdf file(bytes);
  EXPECT_EQ(run_command("pdftotext -raw " + file.path() + " -", false).text,
            "(Anlage 1) C:\\Akte \u0A28\u0D0A Grüße\n\f");
}

TEST_F(SearchablePdfTest, SearchablePdf_XmpSaysItAllInOneDescription) {
  PoDoFo::PdfMemDocument document;
  const std::string bytes = build({bilevel_.get()}, text_);
  document.LoadFromBuffer(bytes.data(), static_cast<long>(bytes.size()));
  const std::string xmp = testing::stream_text(document.GetCatalog()->GetIndirectKey("Metadata"));
  size_t descriptions = 0;
  for (size_t at = xmp.find("<rdf:Description"); at != std::string::npos; at = xmp.find("<rdf:Description", at + 1)) {
    ++descriptions;
  }
  EXPECT_EQ(descriptions, 1u) << xmp;
  for (const char* property : {"<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
                               "<rdf:li xml:lang=\"x-default\">letter-0001.tif</rdf:li>",
                               "<xmp:CreateDate>2025-03-12T10:04:05Z</xmp:CreateDate>",
                               "<xmp:ModifyDate>2025-03-12T10:04:05Z</xmp:ModifyDate>",
                               "<xmp:CreatorTool>ZPE</xmp:CreatorTool>", "<pdf:Producer>ZPE searchable-pdf/1"}) {
    EXPECT_NE(xmp.find(property), std::string::npos) << property << " missing in\n" << xmp;
  }
  EXPECT_LT(xmp.size(), 900u) << xmp;
}

TEST_F(SearchablePdfTest, SearchablePdf_PageResourcesHaveNoProcSet) {
  // /ProcSet is obsolete (PDF 1.4 on); PoDoFo adds it to each page, 39 bytes, twice once signed.
  const std::string bytes = build({bilevel_.get(), grey_.get()}, text_);
  PoDoFo::PdfMemDocument document;
  document.LoadFromBuffer(bytes.data(), static_cast<long>(bytes.size()));
  for (int page = 0; page < document.GetPageCount(); ++page) {
    const PoDoFo::PdfDictionary& resources = document.GetPage(page)->GetResources()->GetDictionary();
    EXPECT_TRUE(resources.HasKey("XObject") && resources.HasKey("Font"));
    EXPECT_FALSE(resources.HasKey("ProcSet")) << "page " << page + 1;
  }
  EXPECT_EQ(bytes.find("/ProcSet["), std::string::npos);
}

TEST_F(SearchablePdfTest, SearchablePdf_StoresBilevelAsG4AndGreyAndColourAsJpeg) {
  const std::string bytes = build({bilevel_.get(), grey_.get(), colour_.get()}, text_);
  if (!have_tool("pdfimages")) GTEST_FAIL() << "pdfimages not installed — run scripts/setup.sh";
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
