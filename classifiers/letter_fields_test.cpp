#include "classifiers/letter_fields.h"

#include <gtest/gtest.h>

namespace zpe::classifiers {
namespace {

TEST(CourtFileNumber, FindsLabelledNumberWithRegisterPrefix) {
  const auto found = find_court_file_numbers("Az.: A 5 K 1234/23\nIhr Zeichen: 8123456-423\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, "A 5 K 1234/23");
  EXPECT_DOUBLE_EQ(found[0].confidence, 0.9);
  EXPECT_EQ(found[0].position.text, "A 5 K 1234/23");
  EXPECT_EQ(found[0].position.page_index, 0);
}

TEST(CourtFileNumber, FindsNumberWithoutPrefixAndTwoDigitChamber) {
  const auto found = find_court_file_numbers("In der Sache 12 L 345/24 wird mitgeteilt");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, "12 L 345/24");
  EXPECT_DOUBLE_EQ(found[0].confidence, 0.7);
}

TEST(CourtFileNumber, CorrectsOcrConfusionsInDigits) {
  const auto found = find_court_file_numbers("Aktenzeichen: AN 4 K 2O7l/24");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, "AN 4 K 2071/24");
  EXPECT_NEAR(found[0].confidence, 0.7, 1e-9);
}

TEST(CourtFileNumber, IgnoresLawyersOwnReferenceAndDates) {
  EXPECT_TRUE(find_court_file_numbers("Unser Zeichen: 245/25 KÖ\nam 12.03.2025").empty());
}

TEST(CourtFileNumber, PageAndOffsetPointIntoSecondPage) {
  const std::string text = "Seite 1\fVG Ansbach – Az. M 12 K 77/25";
  const auto found = find_court_file_numbers(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].position.page_index, 1);
  EXPECT_EQ(text.substr(found[0].position.offset, 14), "M 12 K 77/25");
}

TEST(CourtName, FindsLetterheadCourt) {
  const auto court = find_court_name("Verwaltungsgericht Würzburg\nBurkarderstraße 26 · 97082 Würzburg\n");
  ASSERT_TRUE(court);
  EXPECT_EQ(court->value, "Verwaltungsgericht Würzburg");
  EXPECT_DOUBLE_EQ(court->confidence, 0.9);
}

TEST(CourtName, ExpandsVgAbbreviation) {
  const auto court = find_court_name("Rechtsanwälte\nx\ny\nz\nw\nv\nAz. VG Ansbach: AN 3 K 5776/23");
  ASSERT_TRUE(court);
  EXPECT_EQ(court->value, "Verwaltungsgericht Ansbach");
  EXPECT_DOUBLE_EQ(court->confidence, 0.7);
}

TEST(Sender, TakesReturnAddressLine) {
  const auto sender = find_sender(
      "Rechtsanwälte Lößl & Özdemir\nBrückenstraße 49 · 80331 München\nTelefon 0945 55529-98 · "
      "kanzlei@x.de\n\nRechtsanwälte Lößl & Özdemir · Brückenstraße 49 · 80331 München\n\nBundesamt");
  ASSERT_TRUE(sender);
  EXPECT_EQ(sender->value, "Rechtsanwälte Lößl & Özdemir");
  EXPECT_DOUBLE_EQ(sender->confidence, 0.9);
  EXPECT_EQ(sender->position.page_index, 0);
}

TEST(Sender, FallsBackToFirstLine) {
  const auto sender = find_sender("\n  Amina Rahimi\nFürther Straße 139\n90402 Nürnberg\n");
  ASSERT_TRUE(sender);
  EXPECT_EQ(sender->value, "Amina Rahimi");
  EXPECT_DOUBLE_EQ(sender->confidence, 0.6);
}

}  // namespace
}  // namespace zpe::classifiers
