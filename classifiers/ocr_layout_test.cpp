#include "classifiers/ocr_layout.h"

#include <gtest/gtest.h>

#include "classifiers/case_number.h"
#include "stages/alto.h"

namespace zpe::classifiers {
namespace {

// Two pages as the ocr stage recognises them; the case number is read as three words on
// page 2, one of them unsure.
std::vector<RecognisedPage> two_pages() {
  RecognisedPage first;
  first.width = 2480;
  first.height = 3508;
  first.lines.push_back({1, {100, 100, 900, 140}, 138, {{"Bundesamt", {100, 100, 400, 140}, 96}, {"für", {410, 100, 480, 140}, 95}}});
  first.lines.push_back({1, {100, 160, 900, 200}, 198, {{"Az.:", {100, 160, 180, 200}, 93}, {"1234567-001", {190, 160, 420, 200}, 91}}});
  first.text = "Bundesamt für\nAz.: 1234567-001\n";
  RecognisedPage second = first;
  second.lines.clear();
  second.lines.push_back({1, {100, 300, 900, 340}, 338,
                          {{"Ihr", {100, 300, 160, 340}, 95}, {"Zeichen:", {170, 300, 330, 340}, 94},
                           {"8123456", {340, 300, 500, 340}, 62}, {"-", {505, 300, 515, 340}, 90},
                           {"423", {520, 300, 590, 340}, 88}}});
  second.lines.push_back({2, {100, 400, 900, 440}, 438, {{"<Anlage>", {100, 400, 300, 440}, 80}}});
  second.text = "Ihr Zeichen: 8123456 - 423\n\n<Anlage>\n";
  return {first, second};
}

std::string document_text(const std::vector<RecognisedPage>& pages) {
  std::string text;
  for (std::size_t i = 0; i < pages.size(); ++i) text += (i ? "\f" : "") + pages[i].text;
  return text;
}

TEST(OcrLayout, ReadsBackTheAltoTheOcrStageWrites) {
  const auto layout = parse_alto(alto_xml(two_pages(), "scan.tif", "tesseract 5.3.0"));
  ASSERT_TRUE(layout) << layout.error().message;
  ASSERT_EQ(layout->pages.size(), 2u);
  EXPECT_EQ(layout->pages[0].width, 2480);
  EXPECT_EQ(layout->pages[0].height, 3508);
  ASSERT_EQ(layout->pages[1].words.size(), 6u);
  EXPECT_EQ(layout->pages[1].words[5].text, "<Anlage>");  // XML escaping undone
  EXPECT_DOUBLE_EQ(layout->pages[1].words[2].confidence, 0.62);
  EXPECT_EQ(layout->pages[1].words[2].box.left, 340);
  EXPECT_EQ(layout->pages[1].words[2].box.bottom, 340);
}

TEST(OcrLayout, LocatesACaseNumberSpreadOverThreeWordsWithTheirLeastConfidence) {
  const auto pages = two_pages();
  const std::string text = document_text(pages);
  const auto layout = parse_alto(alto_xml(pages, "scan.tif", "tesseract"));
  ASSERT_TRUE(layout);
  const auto found = find_case_numbers(text);
  const auto spaced = std::find_if(found.begin(), found.end(), [](const auto& c) { return c.number == "8123456-423"; });
  ASSERT_NE(spaced, found.end());
  const auto located = locate_words(*layout, text, spaced->position);
  ASSERT_TRUE(located);
  EXPECT_EQ(located->page_index, 1);
  EXPECT_EQ(located->words, 3);
  EXPECT_EQ(located->box.left, 340);
  EXPECT_EQ(located->box.right, 590);
  EXPECT_EQ(located->box.top, 300);
  EXPECT_DOUBLE_EQ(located->min_word_confidence, 0.62);
  EXPECT_EQ(located->page_width, 2480);
}

TEST(OcrLayout, FindsTheWordsElsewhereOnThePageWhenTheOrderDiffers) {
  const auto pages = two_pages();
  const std::string text = document_text(pages);
  auto layout = parse_alto(alto_xml(pages, "scan.tif", "tesseract"));
  ASSERT_TRUE(layout);
  // Another producer listed an extra word first: the index no longer lines up.
  layout->pages[0].words.insert(layout->pages[0].words.begin(), LayoutWord{"Logo", {0, 0, 50, 50}, 0.5});
  const std::size_t at = text.find("1234567-001");
  const auto located = locate_words(*layout, text, locate_in_text(text, at, 11));
  ASSERT_TRUE(located);
  EXPECT_EQ(located->box.left, 190);
  EXPECT_DOUBLE_EQ(located->min_word_confidence, 0.91);
}

TEST(OcrLayout, GivesUpWhenTheLayoutDoesNotSpellTheText) {
  const auto pages = two_pages();
  const std::string text = document_text(pages);
  auto layout = parse_alto(alto_xml(pages, "scan.tif", "tesseract"));
  ASSERT_TRUE(layout);
  layout->pages[0].words[3].text = "7234567-001";
  const std::size_t at = text.find("1234567-001");
  EXPECT_FALSE(locate_words(*layout, text, locate_in_text(text, at, 11)));
  OcrLayout one_page;
  one_page.pages.push_back(layout->pages[0]);
  const std::size_t on_page_two = text.find("8123456");
  EXPECT_FALSE(locate_words(one_page, text, locate_in_text(text, on_page_two, 7)));
}

TEST(OcrLayout, MalformedAltoIsAnErrorNamingWhere) {
  const auto layout = parse_alto("<alto><Layout><Page WIDTH=\"10\"><String CONTENT=\"x\"</Page></alto>");
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(layout.error().message.find("at byte"), std::string::npos) << layout.error().message;
}

TEST(OcrLayout, ReadsPrefixedAltoAndFractionalCoordinates) {
  const auto layout = parse_alto(
      "<a:alto xmlns:a=\"http://www.loc.gov/standards/alto/ns-v2#\"><a:Layout><a:Page WIDTH=\"100.4\" HEIGHT=\"50\">"
      "<a:PrintSpace><a:TextBlock><a:TextLine><a:String CONTENT=\"Az.\" HPOS=\"1.6\" VPOS=\"2\" WIDTH=\"10\" "
      "HEIGHT=\"5\"/></a:TextLine></a:TextBlock></a:PrintSpace></a:Page></a:Layout></a:alto>");
  ASSERT_TRUE(layout) << layout.error().message;
  ASSERT_EQ(layout->pages.size(), 1u);
  EXPECT_EQ(layout->pages[0].width, 100);
  ASSERT_EQ(layout->pages[0].words.size(), 1u);
  EXPECT_EQ(layout->pages[0].words[0].box.left, 2);
  EXPECT_DOUBLE_EQ(layout->pages[0].words[0].confidence, 1.0);  // no WC: nothing known against it
}

}  // namespace
}  // namespace zpe::classifiers
