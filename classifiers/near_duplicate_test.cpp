#include "classifiers/near_duplicate.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zpe::classifiers {
namespace {

// The truth text of a committed sample letter (samples/letters, samples/README.md).
std::string sample_text(const std::string& file) {
  std::ifstream in(std::string(ZPE_SOURCE_DIR) + "/samples/letters/" + file + ".truth.json");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return nlohmann::json::parse(buffer.str()).at("text").get<std::string>();
}

// What a second scan does to the text (about the word error rate measured on real OCR of
// rescans, docs/CLASSIFY.md): every 40th word misread by a character or two
// (e -> c, l -> 1, rn -> m, a letter lost), lines broken elsewhere, a speck read as "'".
std::string as_rescanned(const std::string& text) {
  std::istringstream words(text);
  std::string out, word;
  for (int i = 1; words >> word; ++i) {
    if (i % 40 == 0 && word.size() > 3) {
      switch (i / 40 % 4) {
        case 0: word[1] = 'c'; break;
        case 1: word[word.size() - 2] = '1'; break;
        case 2: word.replace(1, 1, "rn"); break;
        default: word.erase(2, 1); break;
      }
    }
    out += word + (i % 9 == 0 ? "\n" : i % 31 == 0 ? " ' " : " ");
  }
  return out;
}

TEST(NearDuplicate, RescanWithOcrNoiseScoresAboveTheDefaultThreshold) {
  for (const char* file : {"letter-0002.tif", "letter-0005.tif", "letter-0006.png"}) {
    const std::string text = sample_text(file);
    const auto original = fingerprint_text(text);
    const auto rescan = fingerprint_text(as_rescanned(text));
    ASSERT_TRUE(original && rescan) << file;
    const double similarity = estimate_similarity(*original, *rescan);
    EXPECT_GE(similarity, 0.75) << file;
    EXPECT_GE(similarity, kDefaultNearDuplicateSimilarity) << file;
  }
}

TEST(NearDuplicate, DifferentLetterOfTheSameCaseAndTypeStaysBelowTheThreshold) {
  // letter-0005 and letter-0006: both "Sonstiges" for case 8969538-423, same client.
  const auto a = fingerprint_text(sample_text("letter-0005.tif"));
  const auto b = fingerprint_text(sample_text("letter-0006.png"));
  ASSERT_TRUE(a && b);
  EXPECT_LT(estimate_similarity(*a, *b), kDefaultNearDuplicateSimilarity);
}

TEST(NearDuplicate, SameTextScoresOneAndFingerprintIsStable) {
  const std::string text = sample_text("letter-0004.tif");
  const auto a = fingerprint_text(text);
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(estimate_similarity(*a, *fingerprint_text(text)), 1.0);
  // Folding: case, umlauts and whitespace do not change the fingerprint.
  EXPECT_EQ(encode_fingerprint(*fingerprint_text("Mündliche  Verhandlung am Montag " + text)),
            encode_fingerprint(*fingerprint_text("MUNDLICHE verhandlung\nam montag " + text)));
}

TEST(NearDuplicate, NearEmptyPageHasNoFingerprint) {
  EXPECT_FALSE(fingerprint_text(""));
  EXPECT_FALSE(fingerprint_text("Seite 1 von 1\f . , ' ~ \f Anlage"));
  EXPECT_FALSE(fingerprint_text("Sehr geehrte Damen und Herren, anbei die Unterlagen. Mit freundlichen Grüßen"));
}

TEST(NearDuplicate, EncodedFingerprintRoundTripsAndNamesItsScheme) {
  const auto fingerprint = fingerprint_text(sample_text("letter-0001.tif"));
  ASSERT_TRUE(fingerprint);
  const std::string encoded = encode_fingerprint(*fingerprint);
  EXPECT_TRUE(encoded.starts_with("mh128x16:"));
  EXPECT_EQ(encoded.size(), 9u + 512u);
  const auto decoded = decode_fingerprint(encoded);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->minima, fingerprint->minima);
  EXPECT_FALSE(decode_fingerprint("mh64x32:" + encoded.substr(9)));
  EXPECT_FALSE(decode_fingerprint(encoded.substr(0, encoded.size() - 1)));
  EXPECT_FALSE(decode_fingerprint(encoded.substr(0, encoded.size() - 1) + "g"));
}

}  // namespace
}  // namespace zpe::classifiers
