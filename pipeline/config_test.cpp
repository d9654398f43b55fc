#include "pipeline/config.h"

#include <gtest/gtest.h>

namespace zpe {
namespace {

TEST(Config, EmbeddedDefaultsDefineTheDefaultTenantAndPipeline) {
  auto config = Config::from_text("");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->has_tenant("default"));
  EXPECT_EQ(config->stages(), (std::vector<std::string>{"prepare", "split", "quality", "ocr", "classify", "sign", "route"}));
  EXPECT_EQ(config->dispatcher_endpoint(), "tcp://127.0.0.1:5555");
  EXPECT_EQ(config->stage_settings("ocr", "default")["language"], "deu");
}

TEST(Config, FileOverridesOnlyTheKeysItSets) {
  auto config = Config::from_text("[dispatcher]\nlease_ms = 500\n[tenants.court]\n"
                                  "[tenants.court.stages.ocr]\nlanguage = \"deu+eng\"\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->lease_ms(), 500);
  EXPECT_EQ(config->max_attempts(), 3);
  EXPECT_TRUE(config->has_tenant("default"));
  EXPECT_TRUE(config->has_tenant("court"));
  EXPECT_EQ(config->stage_settings("ocr", "court")["language"], "deu+eng");
  EXPECT_EQ(config->stage_settings("ocr", "default")["language"], "deu");
}

TEST(Config, MalformedFileIsAnErrorNamingTheLine) {
  auto config = Config::from_text("[dispatcher]\nlease_ms = = 5\n");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find(":2:"), std::string::npos) << config.error().message;
}

TEST(Config, TenantIntTakesTheTenantsValueThenTheSitesThenTheFallback) {
  auto config = Config::from_text(
      "[archive]\nretention_years = 10\n"
      "[tenants.court]\ndisplay_name = \"Court\"\n[tenants.court.archive]\nretention_years = 30\n"
      "[tenants.odd]\ndisplay_name = \"Odd\"\n[tenants.odd.archive]\nretention_years = \"many\"\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->tenant_int("court", "archive", "retention_years", 0), 30);
  EXPECT_EQ(config->tenant_int("default", "archive", "retention_years", 0), 10);
  EXPECT_EQ(config->tenant_int("odd", "archive", "retention_years", 0), 10) << "a string counts as unset";
  EXPECT_EQ(config->tenant_int("nobody", "archive", "retention_years", 0), 10);
  EXPECT_EQ(config->tenant_int("court", "archive", "no_such_key", 7), 7);
}

}  // namespace
}  // namespace zpe
