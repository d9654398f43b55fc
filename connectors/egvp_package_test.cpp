#include "connectors/egvp_package.h"

#include <fstream>

#include <gtest/gtest.h>

#include "connectors/testing_xjustiz_packages.h"
#include "connectors/xjustiz_inbound.h"
#include "pipeline/durable_file.h"

namespace zpe {
namespace {

namespace fs = std::filesystem;
using testing::ZipEntry;
using testing::zip_of;

const std::string kXml = "<xml/>";  // the package reader does not parse the message
const std::string kPdf = "%PDF-1.7\n...";

std::string refused(const std::string& zip, const PackageLimits& limits = {}) {
  auto read = read_zip_package("court.zip", zip, limits);
  EXPECT_FALSE(read) << "accepted";
  if (read) return "";
  EXPECT_EQ(read.error().kind, ErrorKind::kInvalidInput);
  return read.error().message;
}

TEST(EgvpPackage, EgvpPackage_ReadsAFlatZipIntoMemoryByName) {
  const std::string zip = zip_of({{kXJustizMessageFile, kXml, false}, {"urteil.pdf", kPdf, false}});
  auto read = read_zip_package("court.zip", zip, {});
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_TRUE(read->is_zip);
  EXPECT_EQ(read->archive, zip) << "the zip is kept exactly as received";
  EXPECT_EQ(read->message_xml, kXml);
  ASSERT_EQ(read->files.size(), 1u);
  EXPECT_EQ(read->files.at("urteil.pdf"), kPdf);
}

TEST(EgvpPackage, EgvpPackage_RefusesHostileEntriesBeforeExtracting) {
  EXPECT_NE(refused(zip_of({{kXJustizMessageFile, kXml, false}, {"../../evil.pdf", kPdf, false}})).find("out of the package"),
            std::string::npos);
  EXPECT_NE(refused(zip_of({{kXJustizMessageFile, kXml, false}, {"/etc/cron.d/x", kPdf, false}})).find("absolute path"),
            std::string::npos);
  EXPECT_NE(refused(zip_of({{kXJustizMessageFile, kXml, false}, {"link.pdf", "/etc/passwd", true}})).find("symbolic link"),
            std::string::npos);
  EXPECT_NE(refused(zip_of({{kXJustizMessageFile, kXml, false}, {"sub/", "", false}})).find("folder"), std::string::npos);
  EXPECT_NE(refused(zip_of({{"urteil.pdf", kPdf, false}})).find("not an XJustiz package"), std::string::npos);
}

TEST(EgvpPackage, EgvpPackage_RefusesZipBombsByRatioTotalAndCount) {
  const std::string zeros(20 << 20, '\0');  // 20 MiB deflate to about 20 KiB: ratio ~1000:1
  const std::string bomb = zip_of({{kXJustizMessageFile, kXml, false}, {"bomb.pdf", zeros, false}});
  ASSERT_LT(bomb.size(), 200000u);
  EXPECT_NE(refused(bomb).find("zip bomb"), std::string::npos);
  PackageLimits small;
  small.max_unpacked_bytes = 1000;
  EXPECT_NE(refused(zip_of({{kXJustizMessageFile, kXml, false}, {"big.pdf", std::string(5000, 'x'), false}}), small)
                .find("unpack to"),
            std::string::npos);
  small = {};
  small.max_entries = 2;
  EXPECT_NE(refused(zip_of({{kXJustizMessageFile, kXml, false}, {"a.pdf", kPdf, false}, {"b.pdf", kPdf, false}}), small)
                .find("entries"),
            std::string::npos);
}

TEST(EgvpPackage, EgvpPackage_RefusesTruncatedAndNonZipBytes) {
  const std::string zip = zip_of({{kXJustizMessageFile, kXml, false}, {"urteil.pdf", kPdf, false}});
  EXPECT_NE(refused(zip.substr(0, zip.size() - 30)).find("not a readable zip"), std::string::npos);
  EXPECT_NE(refused("this is not a zip at all").find("not a readable zip"), std::string::npos);
}

class EgvpPackageFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("zpe-egvp-pkg-" + random_hex(4));
    fs::create_directories(dir_ / "court-package");
    write("court-package/" + std::string(kXJustizMessageFile), kXml);
    write("court-package/urteil.pdf", kPdf);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& bytes) { std::ofstream(dir_ / name, std::ios::binary) << bytes; }
  fs::path dir_;
};

TEST_F(EgvpPackageFolder, EgvpPackage_ZipsAFolderDeterministically) {
  auto first = read_package(dir_ / "court-package", {});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->is_zip);
  EXPECT_EQ(first->files.at("urteil.pdf"), kPdf);
  auto again = read_package(dir_ / "court-package", {});
  ASSERT_TRUE(again);
  EXPECT_EQ(first->archive, again->archive) << "the same folder gives the same zip";
  auto unzipped = read_zip_package("copy.zip", first->archive, {});
  ASSERT_TRUE(unzipped) << unzipped.error().message;
  EXPECT_EQ(unzipped->files, first->files);
  EXPECT_EQ(unzipped->message_xml, kXml);
}

TEST_F(EgvpPackageFolder, EgvpPackage_RefusesLinksAndSubfoldersInAFolder) {
  fs::create_symlink("/etc/passwd", dir_ / "court-package" / "passwd.pdf");
  auto read = read_package(dir_ / "court-package", {});
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("symbolic link"), std::string::npos) << read.error().message;
  fs::remove(dir_ / "court-package" / "passwd.pdf");
  fs::create_directories(dir_ / "court-package" / "sub");
  read = read_package(dir_ / "court-package", {});
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("subfolder"), std::string::npos) << read.error().message;
}

TEST_F(EgvpPackageFolder, EgvpPackage_RefusesOversizePackagesUnread) {
  PackageLimits tiny;
  tiny.max_package_bytes = 10;
  auto read = read_package(dir_ / "court-package", tiny);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("max_package_bytes"), std::string::npos);
  write("plain.pdf", kPdf);
  read = read_package(dir_ / "plain.pdf", {});
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("not a folder and not a .zip"), std::string::npos);
}

}  // namespace
}  // namespace zpe
