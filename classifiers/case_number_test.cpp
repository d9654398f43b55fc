#include "classifiers/case_number.h"

#include <gtest/gtest.h>

namespace zpe::classifiers {
namespace {

std::vector<std::string> numbers_in(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& candidate : find_case_numbers(text)) out.push_back(candidate.number);
  return out;
}

TEST(CaseNumber, FindsLabelledNumberWithHighConfidence) {
  const auto found = find_case_numbers("Bundesamt\nAz.: 8123456-423\nSehr geehrte Damen und Herren,");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].number, "8123456-423");
  EXPECT_EQ(found[0].label, CaseLabel::kDirect);
  EXPECT_DOUBLE_EQ(found[0].confidence, 0.95);
  EXPECT_EQ(found[0].position.offset, 15u);
  EXPECT_EQ(found[0].position.text, "8123456-423");
  EXPECT_EQ(found[0].position.page_index, 0);
}

TEST(CaseNumber, RecognisesEveryLabelForm) {
  for (const char* label : {"Az.", "Az:", "AZ", "Aktenzeichen:", "Gesch.-Z.:", "Geschäftszeichen", "GESCHÄFTSZEICHEN",
                            "Geschaftszeichen", "Ihr Zeichen:", "Ihr Az.", "Unser Zeichen", "Az. Nr."}) {
    const std::string text = std::string("Betreff\n") + label + " 8123456-423\n";
    const auto found = find_case_numbers(text);
    ASSERT_EQ(found.size(), 1u) << label;
    EXPECT_EQ(found[0].label, CaseLabel::kDirect) << label;
  }
}

TEST(CaseNumber, ToleratesSpacesAndTypographicDashes) {
  EXPECT_EQ(numbers_in("Az. 8123456 - 423"), std::vector<std::string>{"8123456-423"});
  EXPECT_EQ(numbers_in("Az. 8123456\xE2\x80\x93" "423"), std::vector<std::string>{"8123456-423"});  // en dash
  EXPECT_EQ(numbers_in("Az. 8123456 \xE2\x88\x92 423"), std::vector<std::string>{"8123456-423"});  // minus sign
  const auto spaced = find_case_numbers("Az. 8123456 - 423");
  EXPECT_DOUBLE_EQ(spaced[0].confidence, 0.9);
  EXPECT_EQ(spaced[0].position.text, "8123456 - 423");
}

TEST(CaseNumber, CorrectsOcrConfusionsAtLowerConfidence) {
  const auto found = find_case_numbers("Aktenzeichen: 8l234S6-4Z3");
  ASSERT_EQ(found.size(), 0u) << "three confusions are too many";
  const auto two = find_case_numbers("Aktenzeichen: B1234S6-423");
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].number, "8123456-423");
  EXPECT_EQ(two[0].corrections, 2);
  EXPECT_NEAR(two[0].confidence, 0.75, 1e-9);
  EXPECT_EQ(numbers_in("Az.: 7O0I234-|00"), std::vector<std::string>{});
  EXPECT_EQ(numbers_in("Az.: 70O1234-|00"), std::vector<std::string>{"7001234-100"});
}

TEST(CaseNumber, UnlabelledNumberScoresBelowLabelledOne) {
  const auto found = find_case_numbers("Bezug: 7000001-111 (alt)\n\nIhr Zeichen: 8123456-423");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].number, "8123456-423");
  EXPECT_EQ(found[1].number, "7000001-111");
  EXPECT_DOUBLE_EQ(found[1].confidence, 0.6);
}

TEST(CaseNumber, RefusesNumbersInsideLongerDigitRuns) {
  EXPECT_TRUE(numbers_in("Tel. 0911 9430-0, Zentrale 09119430-0").empty());
  EXPECT_TRUE(numbers_in("Referenz 12345678-1234").empty());
  EXPECT_TRUE(numbers_in("Nr. 18123456-423").empty());
  EXPECT_TRUE(numbers_in("Nr. 8123456-4231").empty());
  EXPECT_TRUE(numbers_in("Nr. 8123456-423-1").empty());
  EXPECT_TRUE(numbers_in("Nr. 123-8123456-423").empty());
  EXPECT_TRUE(numbers_in("X8123456-423").empty());
  EXPECT_TRUE(numbers_in("IBAN DE89 3704 0044 0532 0130 00").empty());
  EXPECT_TRUE(numbers_in("+49 911 8123456-423").empty());
  EXPECT_TRUE(numbers_in("0911 8123456-423").empty());
}

TEST(CaseNumber, AcceptsNumberAfterDateOrPageNumber) {
  EXPECT_EQ(numbers_in("26.11.2024 8123456-423"), std::vector<std::string>{"8123456-423"});
  EXPECT_EQ(numbers_in("Seite 1 von 2 8123456-423"), std::vector<std::string>{"8123456-423"});
}

TEST(CaseNumber, RefusesPhoneAndBankNumbersOfTheSameShape) {
  EXPECT_TRUE(numbers_in("Telefon: 8123456-423").empty());
  EXPECT_TRUE(numbers_in("Fax 8123456-424").empty());
  EXPECT_TRUE(numbers_in("Konto: 8123456-425").empty());
  // a case label after the phone label on the same line wins
  EXPECT_EQ(numbers_in("Tel. 0911 943-0   Az. 8123456-423"), std::vector<std::string>{"8123456-423"});
}

TEST(CaseNumber, AcceptsPunctuationAroundTheNumber) {
  EXPECT_EQ(numbers_in("(8123456-423)"), std::vector<std::string>{"8123456-423"});
  EXPECT_EQ(numbers_in("Az.:8123456-423."), std::vector<std::string>{"8123456-423"});
  EXPECT_EQ(numbers_in("8123456-423"), std::vector<std::string>{"8123456-423"});
}

TEST(CaseNumber, LabelOnTheLineAboveCounts) {
  const auto direct = find_case_numbers("Geschäftszeichen:\n8123456-423\n");
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0].label, CaseLabel::kDirect);
  const auto table = find_case_numbers("Ihr Zeichen    Unser Zeichen    Datum\n-   8123456-423   12.03.2025\n");
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].label, CaseLabel::kNearby);
  EXPECT_DOUBLE_EQ(table[0].confidence, 0.85);
}

TEST(CaseNumber, ReportsPageIndexAcrossFormFeeds) {
  const std::string text = "Seite eins\fSeite zwei\nAz. 8123456-423";
  const auto found = find_case_numbers(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].position.page_index, 1);
  EXPECT_EQ(text.substr(found[0].position.offset, 11), "8123456-423");
}

TEST(CaseNumber, MergesRepeatsAndKeepsTheBestOccurrence) {
  const auto found = find_case_numbers("8123456-423 bla\nAz.: 8123456-423\n8123456-423");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].occurrences, 3);
  EXPECT_EQ(found[0].label, CaseLabel::kDirect);
  EXPECT_DOUBLE_EQ(found[0].confidence, 0.99);
  EXPECT_EQ(found[0].position.offset, 21u);
}

TEST(CaseNumber, HandlesEmptyAndShortText) {
  EXPECT_TRUE(find_case_numbers("").empty());
  EXPECT_TRUE(find_case_numbers("8123456-42").empty());
  EXPECT_TRUE(find_case_numbers("8123456-").empty());
  EXPECT_TRUE(find_case_numbers("\xE2\x80").empty());
}

TEST(CaseNumber, ValidatesAndNormalisesWrittenNumbers) {
  EXPECT_TRUE(is_valid_case_number("8123456-423"));
  EXPECT_FALSE(is_valid_case_number("8123456-42"));
  EXPECT_FALSE(is_valid_case_number("8123456 423"));
  EXPECT_FALSE(is_valid_case_number("81234567423"));
  EXPECT_EQ(normalise_case_number("  8123456 - 423 "), "8123456-423");
  EXPECT_EQ(normalise_case_number("8123456\xE2\x80\x94" "423"), "8123456-423");
  EXPECT_EQ(normalise_case_number("8l23456-423"), std::nullopt);
  EXPECT_EQ(normalise_case_number("Az. 8123456-423"), std::nullopt);
  EXPECT_EQ(normalise_case_number(""), std::nullopt);
}

TEST(CaseNumber, LabelMisreadAsGesch2StillCountsAsDirectLabel) {
  const auto found = find_case_numbers("Augsburg, 13.09.2022\nGesch.-2.: 7922141-438\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].number, "7922141-438");
  EXPECT_EQ(found[0].label, CaseLabel::kDirect);
  EXPECT_GE(found[0].confidence, 0.9);
}

TEST(CaseNumber, SeveralConfusionsAndSpacedHyphenAfterIhrZeichen) {
  const auto found = find_case_numbers("Ihr Zeichen: 8l23456 - 4O3\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].number, "8123456-403");
  EXPECT_EQ(found[0].corrections, 2);
  EXPECT_EQ(found[0].position.text, "8l23456 - 4O3");
  EXPECT_LT(found[0].confidence, 0.8) << "two corrections must not be routed under the default threshold";
}

TEST(CaseNumber, HyphenLostByOcrIsNotGuessed) {
  EXPECT_TRUE(find_case_numbers("Gesch.-2.: 867430218 |\n").empty());
  EXPECT_TRUE(find_case_numbers("Gesch.-Z.: 74713294755\n").empty());
}

}  // namespace
}  // namespace zpe::classifiers
