#include "classifiers/letter_date.h"

#include <gtest/gtest.h>

namespace zpe::classifiers {
namespace {

std::string iso_of(std::string_view text) {
  const auto date = find_letter_date(text);
  return date ? date->iso : "none";
}

TEST(LetterDate, ReadsNumericAndNamedGermanForms) {
  EXPECT_EQ(iso_of("12.03.2025"), "2025-03-12");
  EXPECT_EQ(iso_of("12.3.25"), "2025-03-12");
  EXPECT_EQ(iso_of("1.12.99"), "1999-12-01");
  EXPECT_EQ(iso_of("12. 03. 2025"), "2025-03-12");
  EXPECT_EQ(iso_of("12. März 2025"), "2025-03-12");
  EXPECT_EQ(iso_of("12. MÄRZ 2025"), "2025-03-12");
  EXPECT_EQ(iso_of("12. Maerz 2025"), "2025-03-12");
  EXPECT_EQ(iso_of("3. Mai 2024"), "2024-05-03");
  EXPECT_EQ(iso_of("3. Okt. 2024"), "2024-10-03");
  EXPECT_EQ(iso_of("31. Dezember 1999"), "1999-12-31");
}

TEST(LetterDate, KeepsTheRawTextAndPosition) {
  const auto date = find_letter_date("Kopfzeile\nNürnberg, den 12. März 2025\n");
  ASSERT_TRUE(date);
  EXPECT_EQ(date->position.text, "12. März 2025");
  EXPECT_EQ(date->position.offset, 25u);
  EXPECT_EQ(date->position.page_index, 0);
}

TEST(LetterDate, RejectsImpossibleCalendarDates) {
  EXPECT_EQ(iso_of("31.02.2025"), "none");
  EXPECT_EQ(iso_of("29.02.2023"), "none");
  EXPECT_EQ(iso_of("29.02.2024"), "2024-02-29");
  EXPECT_EQ(iso_of("29.02.2000"), "2000-02-29");
  EXPECT_EQ(iso_of("29.02.1900"), "none");
  EXPECT_EQ(iso_of("00.01.2025"), "none");
  EXPECT_EQ(iso_of("12.13.2025"), "none");
  EXPECT_EQ(iso_of("31. April 2025"), "none");
  EXPECT_EQ(iso_of("12.03.1850"), "none");
  EXPECT_EQ(iso_of("12. Foo 2025"), "none");
  EXPECT_EQ(iso_of("12. März 25"), "none");
}

TEST(LetterDate, IgnoresDatesInsideLongerNumbers) {
  EXPECT_EQ(iso_of("112.03.2025"), "none");
  EXPECT_EQ(iso_of("12.03.20251"), "none");
  EXPECT_EQ(iso_of("1.12.03.2025"), "none");
  EXPECT_EQ(iso_of("Version 5.3.0"), "none");
  EXPECT_EQ(iso_of("12.03.202"), "none");
}

TEST(LetterDate, PrefersPlaceAndDenOverEarlierDates) {
  const std::string letter =
      "Ihr Schreiben vom 01.02.2025\n"
      "Herrn Max Mustermann, geb. 01.01.1990\n"
      "Nürnberg, den 12.03.2025\n"
      "Termin: Mittwoch, 19.03.2025 um 10:00 Uhr\n";
  const auto dates = find_dates(letter);
  ASSERT_EQ(dates.size(), 4u);
  EXPECT_EQ(dates[0].iso, "2025-03-12");
  EXPECT_GE(dates[0].confidence, 0.85);
  for (std::size_t i = 1; i < dates.size(); ++i) EXPECT_LT(dates[i].confidence, 0.5) << dates[i].iso;
}

TEST(LetterDate, AcceptsDatumLabelAndMultiWordPlaces) {
  EXPECT_EQ(iso_of("Antrag vom 01.02.2025\nDatum: 05.02.2025"), "2025-02-05");
  EXPECT_EQ(iso_of("bis 01.02.2025\nFrankfurt am Main, 3. Mai 2024"), "2024-05-03");
  EXPECT_EQ(iso_of("Ihr Zeichen   Datum\n8123456-423   14.03.2025\nFrist bis 30.04.2025"), "2025-03-14");
}

TEST(LetterDate, WeekdayIsNotAPlace) {
  const auto dates = find_dates("Montag, 12.03.2025\nBerlin, 10.03.2025");
  ASSERT_EQ(dates.size(), 2u);
  EXPECT_EQ(dates[0].iso, "2025-03-10");
}

TEST(LetterDate, PrefersTheFirstPage) {
  const auto dates = find_dates("Sehr geehrte Damen\n01.03.2025\fSeite 2\n02.03.2025");
  ASSERT_EQ(dates.size(), 2u);
  EXPECT_EQ(dates[0].iso, "2025-03-01");
  EXPECT_EQ(dates[1].position.page_index, 1);
}

TEST(LetterDate, EmptyTextHasNoDate) {
  EXPECT_FALSE(find_letter_date(""));
  EXPECT_FALSE(find_letter_date("1"));
  EXPECT_FALSE(find_letter_date("12."));
  EXPECT_FALSE(find_letter_date("12.03."));
}

}  // namespace
}  // namespace zpe::classifiers
