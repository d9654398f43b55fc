#include "stages/settings_path.h"

#include <fstream>

#include <gtest/gtest.h>

namespace zpe {
namespace {

struct TempHome {
  std::filesystem::path root = std::filesystem::temp_directory_path() /
                               ("zpe-settings-path-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempHome() { std::filesystem::create_directories(root); }
  ~TempHome() { std::filesystem::remove_all(root); }
};

TEST(SettingsPath, InstalledDataDirIsShareZpeBesideTheBinFolder) {
  EXPECT_EQ(installed_data_dir("/usr/bin/zpe"), std::filesystem::path("/usr/share/zpe"));
  EXPECT_EQ(installed_data_dir("/tmp/root/usr/bin/zpe"), std::filesystem::path("/tmp/root/usr/share/zpe"));
}

TEST(SettingsPath, SearchesHomeThenInstalledDataThenSourceTree) {
  TempHome home;
  const auto dirs = settings_search_dirs({{"home", home.root.string()}});
  ASSERT_EQ(dirs.size(), 3u);
  EXPECT_EQ(dirs[0], home.root);
  EXPECT_EQ(dirs[1].filename(), "zpe");
  EXPECT_EQ(dirs[2], std::filesystem::path(ZPE_SOURCE_DIR));
}

TEST(SettingsPath, AFileInTheHomeWinsOverTheShippedOne) {
  TempHome home;
  std::filesystem::create_directories(home.root / "models");
  std::ofstream(home.root / "models" / "default-doctype-v1.json") << "{}";
  EXPECT_EQ(resolve_settings_path("models/default-doctype-v1.json", {{"home", home.root.string()}}),
            home.root / "models" / "default-doctype-v1.json");
}

TEST(SettingsPath, AShippedFileIsFoundOutsideTheHome) {
  TempHome home;
  EXPECT_EQ(resolve_settings_path("models/default-doctype-v1.json", {{"home", home.root.string()}}),
            std::filesystem::path(ZPE_SOURCE_DIR) / "models" / "default-doctype-v1.json");
}

TEST(SettingsPath, AMissingFileIsNamedInTheHome) {
  TempHome home;
  EXPECT_EQ(resolve_settings_path("registry/cases.csv", {{"home", home.root.string()}}),
            home.root / "registry" / "cases.csv");
  EXPECT_EQ(resolve_settings_path("/etc/zpe/none.csv", {{"home", home.root.string()}}),
            std::filesystem::path("/etc/zpe/none.csv"));
}

}  // namespace
}  // namespace zpe
