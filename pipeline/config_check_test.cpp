#include "pipeline/config_check.h"

#include <gtest/gtest.h>

#include "pipeline/default_config.h"

namespace zpe {
namespace {

std::vector<std::string> problems_of(const std::string& text) {
  auto file = ConfigFile::parse(text, "zpe.toml");
  EXPECT_TRUE(file) << file.error().text();
  std::vector<std::string> out;
  if (file) {
    for (const auto& problem : file->schema_problems()) out.push_back(problem.text());
  }
  return out;
}

TEST(ConfigFile, TheEmbeddedDefaultsPassTheirOwnSchema) {
  EXPECT_EQ(problems_of(std::string(kDefaultConfigToml)), std::vector<std::string>{});
}

TEST(ConfigFile, AnUnknownKeyNamesItsPositionAndTheNearMiss) {
  EXPECT_EQ(problems_of("[dispatcher]\n  lease_msec = 100\n"),
            std::vector<std::string>{"zpe.toml:2:3: unknown key [dispatcher] lease_msec (did you mean lease_ms?)"});
  EXPECT_EQ(problems_of("[dispatch]\nlease_ms = 1\n"),
            std::vector<std::string>{"zpe.toml:1:2: unknown key [dispatch] (did you mean dispatcher?)"});
  EXPECT_EQ(problems_of("[web]\ncolour = 1\n"), std::vector<std::string>{"zpe.toml:2:1: unknown key [web] colour"});
}

TEST(ConfigFile, AValueOfAnotherTypeThanTheDefaultIsWrong) {
  EXPECT_EQ(problems_of("[stages.ocr]\nmin_confidence = \"high\"\n"),
            std::vector<std::string>{"zpe.toml:2:18: [stages.ocr] min_confidence: expected an integer, found a string"});
  EXPECT_EQ(problems_of("[stages.route]\nmin_type_confidence = 1\n"), std::vector<std::string>{});  // an integer is a number
  EXPECT_EQ(problems_of("[stages.quality]\nmin_dpi = 300.0\n"), std::vector<std::string>{});  // a whole number
  EXPECT_EQ(problems_of("[stages.ocr]\npage_threads = 2.5\n"),
            std::vector<std::string>{"zpe.toml:2:16: [stages.ocr] page_threads: expected an integer, found a number"});
  EXPECT_EQ(problems_of("[stages.classify]\ndoc_types = [\"Ladung\", 3]\n"),
            std::vector<std::string>{"zpe.toml:2:24: [stages.classify] doc_types: expected an array of strings, found an integer in it"});
}

TEST(ConfigFile, ATenantMayCarryAnyStageSettingsItsArchiveAndCourts) {
  EXPECT_EQ(problems_of("[tenants.nord]\ndisplay_name = \"Nord\"\n[tenants.nord.stages.ocr]\nlanguage = \"deu+eng\"\n"
                        "[tenants.nord.archive]\nretention_years = 30\n[[tenants.nord.courts]]\nid = \"F6084\"\n"
                        "[[tenants.nord.stages.route.rules]]\nname = \"r\"\nto = [\"casefile\"]\n"),
            std::vector<std::string>{});
  EXPECT_EQ(problems_of("[tenants.nord.stages.ocr]\nlanguges = \"deu\"\n"),
            std::vector<std::string>{"zpe.toml:2:1: unknown key [tenants.nord.stages.ocr] languges (did you mean language?)"});
}

TEST(ConfigFile, ASyntaxErrorIsTheOneProblem) {
  auto file = ConfigFile::parse("[dispatcher]\nlease_ms = = 5\n", "zpe.toml");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().line, 2);
  EXPECT_EQ(file.error().file, "zpe.toml");
}

TEST(ConfigFile, LocatePointsAtTheKeyAMessageNamesElseAtTheTable) {
  auto file = ConfigFile::parse("[web]\nlisten = \"0.0.0.0:80\"\ndefault_lang = \"fr\"\n", "zpe.toml");
  ASSERT_TRUE(file);
  auto at_key = file->locate("config [web] default_lang: \"de\" or \"en\"", {"web"});
  ASSERT_TRUE(at_key);
  EXPECT_EQ(at_key->text(), "zpe.toml:3:16: config [web] default_lang: \"de\" or \"en\"");
  auto at_table = file->locate("something else", {"egvp", "web"});
  ASSERT_TRUE(at_table);
  EXPECT_EQ(at_table->line, 1);
  EXPECT_FALSE(file->locate("x", {"egvp"}));
}

TEST(ConfigFile, NearestKeyOnlyForCloseMisses) {
  EXPECT_EQ(nearest_key("min_confidance", {"min_confidence", "language"}), "min_confidence");
  EXPECT_EQ(nearest_key("colour", {"min_confidence", "language"}), "");
}

}  // namespace
}  // namespace zpe
