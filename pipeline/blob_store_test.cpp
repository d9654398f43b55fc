#include "pipeline/blob_store.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

namespace zpe {
namespace {

std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("zpe-" + name + "-" + random_hex(4));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(BlobStore, Sha256MatchesKnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(BlobStore, PutThenGetReturnsSameBytesUnderTheirHash) {
  BlobStore store(fresh_dir("blobs"));
  std::string bytes("scan\0with\0nul", 13);
  auto sha = store.put(bytes);
  ASSERT_TRUE(sha) << sha.error().message;
  EXPECT_EQ(*sha, sha256_hex(bytes));
  auto back = store.get(*sha);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, bytes);
}

TEST(BlobStore, PutIsIdempotent) {
  BlobStore store(fresh_dir("blobs"));
  auto a = store.put("same");
  auto b = store.put("same");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(BlobStore, GetReportsCorruptionWhenFileChangedOnDisk) {
  BlobStore store(fresh_dir("blobs"));
  auto sha = store.put("original bytes");
  ASSERT_TRUE(sha);
  std::filesystem::permissions(store.path_of(*sha), std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::ofstream(store.path_of(*sha), std::ios::binary) << "tampered bytes";
  auto back = store.get(*sha);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().kind, ErrorKind::kCorruption);
}

TEST(BlobStore, GetRefusesNamesThatAreNotHashes) {
  BlobStore store(fresh_dir("blobs"));
  auto back = store.get("../../etc/passwd");
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace zpe
