#include "classifiers/applicant_keys.h"

#include <gtest/gtest.h>

namespace zpe::classifiers {
namespace {

std::vector<std::string> values(const std::vector<FoundField>& found) {
  std::vector<std::string> out;
  for (const auto& f : found) out.push_back(f.value);
  return out;
}

bool any_agrees(const std::string& surname, std::string_view text) {
  for (const auto& name : find_applicant_names(text)) {
    if (surname_agrees(surname, name.value)) return true;
  }
  return false;
}

TEST(ApplicantKeys, FindsNamesAfterTitlesLabelsRolesAndBeforeABirth) {
  EXPECT_EQ(values(find_applicant_names("Klage\ndes Herrn Ahmad Karimi, Hauptstraße 3, 90402 Nürnberg\n")),
            (std::vector<std::string>{"Ahmad Karimi"}));
  EXPECT_EQ(values(find_applicant_names("Familienname: Tesfamariam\nVornamen: Helen\n")),
            (std::vector<std::string>{"Tesfamariam"}));
  EXPECT_EQ(values(find_applicant_names("Name: KARIMI, Ahmad\n")), (std::vector<std::string>{"KARIMI, Ahmad"}));
  EXPECT_EQ(values(find_applicant_names("namens und in Vollmacht unseres Mandanten Omar Haidari, geboren am 01.02.1990")),
            (std::vector<std::string>{"Omar Haidari"}));
  EXPECT_EQ(values(find_applicant_names("hiermit stelle ich, Leyla Al-Hassan, geboren am 3. Mai 1999 in Aleppo")),
            (std::vector<std::string>{"Leyla Al-Hassan"}));
  EXPECT_EQ(values(find_applicant_names("Übersendung von Unterlagen – Yusuf Demir, geb. 12.03.1988")),
            (std::vector<std::string>{"Yusuf Demir"}));
  EXPECT_EQ(values(find_applicant_names("Sehr geehrte Frau Rechtsanwältin Dr. Huber,\n")),
            (std::vector<std::string>{"Huber"}));
}

TEST(ApplicantKeys, FindsThePartiesOfACourtLetterAndAPersonsLetterhead) {
  EXPECT_EQ(values(find_applicant_names("In der Verwaltungsstreitsache\nAmina Osman, Gartenweg 2, 90402 Nürnberg\n"
                                        "– Klägerin –\ngegen\nBundesrepublik Deutschland")),
            (std::vector<std::string>{"Amina Osman"}));
  EXPECT_EQ(values(find_applicant_names("Stellungnahme in der Verwaltungsstreitsache Ali Rahimi gegen die Bundesrepublik")),
            (std::vector<std::string>{"Ali Rahimi"}));
  EXPECT_EQ(values(find_applicant_names("Samir Nasser\nLindenstraße 4\n90402 Nürnberg\n\nNeue Adresse\n")),
            (std::vector<std::string>{"Samir Nasser"}));
  EXPECT_TRUE(find_applicant_names("Verwaltungsgericht Ansbach\nPromenade 24\n\nLadung").empty())
      << "an organisation's letterhead names nobody";
  EXPECT_TRUE(find_applicant_names("Sehr geehrte Damen und Herren,\nin dem oben genannten Verfahren ...").empty());
}

TEST(ApplicantKeys, PassesOverTheBlankLinesAndSpecksOcrLeavesInABlock) {
  EXPECT_EQ(values(find_applicant_names("In der Verwaltungsstreitsache | |\n\nHassan Yilmaz, Allersberger Straße 95\n")),
            (std::vector<std::string>{"Hassan Yilmaz"}));
  EXPECT_EQ(values(find_applicant_names("Familienname: _\n\nOKAFOR\n")), (std::vector<std::string>{"OKAFOR"}));
  EXPECT_EQ(values(find_applicant_names("In der Verwaltungsstreitsache j\n\nHassan YILMAZ, Allersberger Straße 95\n")),
            (std::vector<std::string>{"Hassan YILMAZ"}));
  EXPECT_EQ(values(find_birth_dates("Geburtsdatum:\n\n05.06.1985\n")), (std::vector<std::string>{"1985-06-05"}));
  EXPECT_TRUE(find_applicant_names("In der Verwaltungsstreitsache\n\n\n\nHassan Yilmaz\n").empty())
      << "three blank lines end the block";
}

TEST(ApplicantKeys, FindsDatesOfBirthByTheirLabelsOnly) {
  const auto found = find_birth_dates(
      "Nürnberg, den 12.03.2025\nAhmad Karimi, geb. 1.2.90\nGeburtsdatum:\n05.06.1985\n"
      "Ehegatte: Fatima Karimi, geboren am 7. Juli 1992\nTermin: 14.04.2025, 10:00 Uhr\n* 31.12.2001\n");
  EXPECT_EQ(values(found), (std::vector<std::string>{"1990-02-01", "1985-06-05", "1992-07-07", "2001-12-31"}));
}

TEST(ApplicantKeys, SurnamesAgreeDespiteOcrNoiseCaseUmlautsAndHyphens) {
  EXPECT_TRUE(surname_agrees("Karimi", "Ahmad KARIMI"));
  EXPECT_TRUE(surname_agrees("Karimi", "Ahmad Kar1mi")) << "1 for i";
  EXPECT_TRUE(surname_agrees("Al-Hassan", "Leyla Al Hassan"));
  EXPECT_TRUE(surname_agrees("Al-Hassan", "AI-Hassan, Leyla")) << "I for l";
  EXPECT_TRUE(surname_agrees("Müller", "Hans Mueller"));
  EXPECT_TRUE(surname_agrees("Weiß", "Anna Weiss"));
  EXPECT_TRUE(surname_agrees("Tesfamariam", "Helen Tesfamarlarn")) << "two confusions in a long name";
  EXPECT_FALSE(surname_agrees("Karimi", "Ahmad Rahimi")) << "two letters differ in a six-letter name";
  EXPECT_FALSE(surname_agrees("Demir", "Yusuf Osman"));
  EXPECT_FALSE(surname_agrees("Ali", "Alo Hussein")) << "short names must match exactly";
  EXPECT_TRUE(any_agrees("Haidari", "in Vollmacht unseres Mandanten 0mar Haidarl, geboren am 01.02.1990"));
}

TEST(ApplicantKeys, OtherKeysAgreeOnlyWhenEqual) {
  EXPECT_TRUE(second_key_agrees("birth_date", "1990-02-01", "1990-02-01"));
  EXPECT_FALSE(second_key_agrees("birth_date", "1990-02-01", "1990-01-02"));
  EXPECT_FALSE(second_key_agrees("birth_date", "", ""));
  EXPECT_TRUE(second_key_agrees("surname", "Osman", "Amina Osman"));
}

}  // namespace
}  // namespace zpe::classifiers
