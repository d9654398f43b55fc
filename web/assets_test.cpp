#include "web/assets.h"

#include <fstream>

#include <gtest/gtest.h>

namespace zpe::web {
namespace {

TEST(WebAssets, NamesWithPathsOrHiddenFilesAreRefused) {
  for (const char* name : {"app.js", "login.html", "bootstrap.min.css", "a_b-c.1"}) {
    EXPECT_TRUE(is_safe_asset_name(name)) << name;
  }
  for (const char* name : {"", ".", "..", ".env", "../x", "a/b", "a\\b", "a%2fb", "a b", "é.js"}) {
    EXPECT_FALSE(is_safe_asset_name(name)) << name;
  }
  EXPECT_TRUE(is_safe_library_path("css/bootstrap.min.css"));
  EXPECT_TRUE(is_safe_library_path("chart.umd.js"));
  for (const char* path : {"../x", "css/../x", "a/b/c", "/etc/passwd", "css/", "/x", "css//x", "../../etc/passwd"}) {
    EXPECT_FALSE(is_safe_library_path(path)) << path;
  }
}

TEST(WebAssets, DirectoryAssetsServeOnlyPlainFilesInside) {
  auto dir = std::filesystem::temp_directory_path() / "zpe-assets-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "app.js") << "console.log(1);";
  std::ofstream(dir / "sub" / "x.js") << "no";
  auto assets = Assets::from_directory(dir);
  EXPECT_EQ(assets.read("app.js").value(), "console.log(1);");
  EXPECT_EQ(assets.read("sub").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(assets.read("../zpe-assets-test/app.js").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(assets.read("missing.js").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(read_library_file(dir, "sub", "x.js").value(), "no");
  EXPECT_FALSE(read_library_file(dir, "..", "x.js"));
  EXPECT_FALSE(read_library_file(dir, "sub", "../app.js"));
  std::filesystem::remove_all(dir);
}

TEST(WebAssets, ContentTypesByExtension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("bootstrap.min.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("x.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace zpe::web
