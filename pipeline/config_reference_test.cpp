#include "pipeline/config_reference.h"

#include <gtest/gtest.h>

#include "pipeline/default_config.h"

namespace zpe {
namespace {

TEST(ConfigReference, EveryKeyOfTheEmbeddedDefaultsHasAComment) {
  auto reference = read_config_reference(std::string(kDefaultConfigToml), "config/zpe.toml");
  ASSERT_TRUE(reference) << reference.error().message;
  int keys = 0;
  for (const auto& table : reference->tables) keys += static_cast<int>(table.keys.size());
  EXPECT_GT(keys, 100);
}

TEST(ConfigReference, AKeyWithoutACommentIsAnErrorNamingItsLine) {
  auto reference = read_config_reference("[a]\n# Explained.\nx = 1\n\ny = 2\n", "test.toml");
  ASSERT_FALSE(reference);
  EXPECT_EQ(reference.error().message, "test.toml:5: [a] y has no comment: say what it means on the line above it");
}

TEST(ConfigReference, AKeyRightAfterAnotherSharesItsComment) {
  auto reference = read_config_reference("[web]\n# Both or neither.\ntls_cert = \"\"\ntls_key = \"\"\n", "t");
  ASSERT_TRUE(reference) << reference.error().message;
  ASSERT_EQ(reference->tables.size(), 1u);
  const auto& keys = reference->tables[0].keys;
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].comment, std::vector<std::string>{"Both or neither."});
  EXPECT_TRUE(keys[1].shares_previous_comment);
  const std::string markdown = render_config_reference(*reference);
  EXPECT_NE(markdown.find("- `tls_cert` = `\"\"`, `tls_key` = `\"\"`\n\n  Both or neither.\n"), std::string::npos)
      << markdown;
}

TEST(ConfigReference, HeaderCommentsDescribeTablesAndLooseBlocksAreNotes) {
  const std::string text =
      "# The file.\n\n"
      "# Stage settings.\n[stages.ocr]\n# Languages.\nlanguage = [\"deu\",\n            \"eng\"]  # inline\n\n"
      "# A note.\n#   example = 1\n";
  auto reference = read_config_reference(text, "t");
  ASSERT_TRUE(reference) << reference.error().message;
  ASSERT_EQ(reference->intro.size(), 1u);
  ASSERT_EQ(reference->tables.size(), 1u);
  const auto& ocr = reference->tables[0];
  EXPECT_EQ(ocr.name, "stages.ocr");
  EXPECT_EQ(ocr.description, std::vector<std::string>{"Stage settings."});
  EXPECT_EQ(ocr.keys[0].default_toml, "[\"deu\", \"eng\"]");
  ASSERT_EQ(ocr.notes.size(), 1u);
  const std::string markdown = render_config_reference(*reference);
  EXPECT_NE(markdown.find("## `[stages.ocr]`\n\nStage settings.\n\n- `language` = `[\"deu\", \"eng\"]`\n\n  Languages.\n"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("A note.\n\n```\n  example = 1\n```"), std::string::npos) << markdown;
}

}  // namespace
}  // namespace zpe
