#include "classifiers/doc_type.h"

#include <gtest/gtest.h>

namespace zpe::classifiers {
namespace {

DocType type_of(std::string_view text) { return guess_doc_type(text).type; }

TEST(DocType, RecognisesEachTypeFromTypicalWording) {
  EXPECT_EQ(type_of("Hiermit stelle ich einen Asylantrag und bitte um internationalen Schutz."),
            DocType::kAsylantrag);
  EXPECT_EQ(type_of("Ladung zur Anhörung\nHiermit werden Sie geladen, am 12.03.2025 zu erscheinen."),
            DocType::kLadung);
  EXPECT_EQ(type_of("Verwaltungsgericht Ansbach\nIM NAMEN DES VOLKES\nURTEIL\nDie Klage wird abgewiesen."),
            DocType::kGerichtsentscheidung);
  EXPECT_EQ(type_of("Rechtsanwältin Dr. Weber\nIn der Verwaltungsstreitsache\nerheben wir Klage"),
            DocType::kSchriftsatz);
  EXPECT_EQ(type_of("VOLLMACHT\nHiermit bevollmächtige ich Frau Rechtsanwältin Weber"), DocType::kVollmacht);
  EXPECT_EQ(type_of("Standesamt Mitte\nGeburtsurkunde\nName: ..."), DocType::kPersonenstandsurkunde);
}

TEST(DocType, FoldsUmlautsAndCaseSoOcrVariantsMatch) {
  EXPECT_EQ(type_of("TERMIN ZUR MUNDLICHEN VERHANDLUNG"), DocType::kLadung);
  EXPECT_EQ(type_of("Termin  zur\nmündlichen   Verhandlung"), DocType::kLadung);
}

TEST(DocType, KeywordMustStartAWord) {
  // "beurteilen" holds "urteil", "Einladung" holds "ladung": neither is a court decision or summons.
  const auto guess = guess_doc_type("Wir bitten Sie, die Einladung zu beurteilen.");
  EXPECT_EQ(guess.type, DocType::kSonstiges);
  EXPECT_DOUBLE_EQ(guess.confidence, 0.5);
}

TEST(DocType, SchriftsatzMentioningVollmachtStaysSchriftsatz) {
  const auto guess = guess_doc_type(
      "Kanzlei Weber Rechtsanwälte\nIn der Verwaltungsstreitsache ... zeigen wir an, dass wir den Kläger "
      "vertreten. Vollmacht anbei. Namens und in Vollmacht des Klägers beantragen wir ...");
  EXPECT_EQ(guess.type, DocType::kSchriftsatz);
  EXPECT_GT(guess.confidence, 0.5);
}

TEST(DocType, NothingMatchingIsSonstiges) {
  EXPECT_EQ(type_of(""), DocType::kSonstiges);
  const auto weak = guess_doc_type("Bitte beachten Sie die Stellungnahme.");
  EXPECT_EQ(weak.type, DocType::kSonstiges);
  EXPECT_DOUBLE_EQ(weak.confidence, 0.4);
}

TEST(DocType, ConfidenceGrowsWithEvidenceAndLead) {
  const auto thin = guess_doc_type("Beschluss");
  const auto strong = guess_doc_type(
      "BESCHLUSS\nIm Namen des Volkes\nhat die Kammer beschlossen\nRechtsmittelbelehrung\nVerwaltungsgericht");
  EXPECT_EQ(thin.type, DocType::kGerichtsentscheidung);
  EXPECT_EQ(strong.type, DocType::kGerichtsentscheidung);
  EXPECT_GT(strong.confidence, thin.confidence);
  EXPECT_LE(strong.confidence, 0.95);
  EXPECT_FALSE(strong.evidence.empty());
}

TEST(DocType, NamesRoundTrip) {
  for (DocType type : {DocType::kAsylantrag, DocType::kLadung, DocType::kGerichtsentscheidung, DocType::kSchriftsatz,
                       DocType::kVollmacht, DocType::kPersonenstandsurkunde, DocType::kSonstiges}) {
    EXPECT_EQ(parse_doc_type(doc_type_name(type)), type);
  }
  EXPECT_EQ(parse_doc_type("ladung"), DocType::kLadung);
  EXPECT_EQ(parse_doc_type("Bescheid"), std::nullopt);
}

}  // namespace
}  // namespace zpe::classifiers
