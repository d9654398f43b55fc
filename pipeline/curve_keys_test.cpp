#include "pipeline/curve_keys.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

namespace zpe {
namespace {

class CurveKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-keys-" + random_hex(4));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  unsigned mode_of(const std::filesystem::path& file) {
    struct stat info {};
    EXPECT_EQ(::stat(file.c_str(), &info), 0);
    return info.st_mode & 0777;
  }

  std::filesystem::path dir_;
};

TEST_F(CurveKeysTest, CurveKeys_WrittenPairReadsBackWithTheSecretKeyPrivate) {
  auto pair = make_curve_key_pair();
  ASSERT_TRUE(pair) << pair.error().message;
  EXPECT_TRUE(is_z85_key(pair->public_key));
  EXPECT_TRUE(is_z85_key(pair->secret_key));
  auto files = write_curve_key_pair(*pair, dir_ / "keys", "ocr-b", "ocr-b: test");
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->secret_file, dir_ / "keys" / "ocr-b.key");
  EXPECT_EQ(mode_of(files->secret_file), 0600u);
  EXPECT_EQ(mode_of(files->public_file), 0644u);
  auto secret = read_curve_secret_key(files->secret_file);
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_EQ(secret->secret_key, pair->secret_key);
  EXPECT_EQ(secret->public_key, pair->public_key) << "the public key is derived from the secret one";
  auto public_key = read_curve_public_key(files->public_file);
  ASSERT_TRUE(public_key) << public_key.error().message;
  EXPECT_EQ(*public_key, pair->public_key);
  EXPECT_EQ(read_whole_file(files->public_file)->find(pair->secret_key), std::string::npos);
}

TEST_F(CurveKeysTest, CurveKeys_NeverOverwritesAnExistingPair) {
  auto first = *make_curve_key_pair();
  ASSERT_TRUE(write_curve_key_pair(first, dir_, "dispatcher", "first"));
  auto again = write_curve_key_pair(*make_curve_key_pair(), dir_, "dispatcher", "second");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(read_curve_secret_key(dir_ / "dispatcher.key")->secret_key, first.secret_key);
  // Only the public half left over from something else: still nothing is written.
  std::filesystem::remove(dir_ / "dispatcher.key");
  EXPECT_FALSE(write_curve_key_pair(*make_curve_key_pair(), dir_, "dispatcher", "third"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "dispatcher.key"));
}

TEST_F(CurveKeysTest, CurveKeys_RefusesASecretKeyOthersMayRead) {
  ASSERT_TRUE(write_curve_key_pair(*make_curve_key_pair(), dir_, "w", "w"));
  std::filesystem::permissions(dir_ / "w.key", std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  auto secret = read_curve_secret_key(dir_ / "w.key");
  ASSERT_FALSE(secret);
  EXPECT_NE(secret.error().message.find("chmod 600"), std::string::npos) << secret.error().message;
}

TEST_F(CurveKeysTest, CurveKeys_AuthorizedKeysFromAFolderOrOneFileWithTheirNames) {
  auto a = *make_curve_key_pair();
  auto b = *make_curve_key_pair();
  ASSERT_TRUE(write_curve_key_pair(a, dir_ / "keys", "ocr-b", "x"));
  ASSERT_TRUE(write_curve_key_pair(b, dir_ / "keys", "ocr-c", "x"));
  auto from_dir = read_authorized_keys(dir_ / "keys");  // the .key files there are not read
  ASSERT_TRUE(from_dir) << from_dir.error().message;
  ASSERT_EQ(from_dir->size(), 2u);
  EXPECT_EQ(from_dir->at(a.public_key), "ocr-b");
  EXPECT_EQ(from_dir->at(b.public_key), "ocr-c");

  std::ofstream(dir_ / "workers.pub") << "# two hosts\n" << a.public_key << "\n\n  " << b.public_key << "  \n";
  auto from_file = read_authorized_keys(dir_ / "workers.pub");
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(from_file->size(), 2u);
}

TEST_F(CurveKeysTest, CurveKeys_BadOrMissingKeysAreErrorsNamingTheFile) {
  std::ofstream(dir_ / "bad.pub") << "not a key\n";
  auto bad = read_authorized_keys(dir_ / "bad.pub");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad.pub"), std::string::npos);
  std::filesystem::create_directories(dir_ / "empty");
  EXPECT_FALSE(read_authorized_keys(dir_ / "empty")) << "a server nobody may connect to is a mistake";
  EXPECT_FALSE(read_authorized_keys(dir_ / "missing"));
  EXPECT_FALSE(read_curve_public_key(dir_ / "bad.pub"));
  EXPECT_FALSE(is_z85_key(std::string(39, 'a')));
}

}  // namespace
}  // namespace zpe
