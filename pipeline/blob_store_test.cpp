#include "pipeline/blob_store.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

namespace zpe {
namespace {

int64_t now_ms_for_test() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

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

// The storage policy removes with remove_unless_renewed: a blob put again since the policy
// decided (an identical rescan, a worker's upload) must survive the removal.
TEST(BlobStore, RemovalKeepsABlobPutAgainSinceTheDecision) {
  BlobStore store(fresh_dir("blobs"));
  auto sha = store.put("page image");
  ASSERT_TRUE(sha);
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(3);
  std::filesystem::last_write_time(store.path_of(*sha), old);
  const int64_t decided = now_ms_for_test() - 3600 * 1000;  // the policy's cut-off: an hour ago
  ASSERT_TRUE(store.put("page image"));                      // renewed after the cut-off
  auto kept = store.remove_unless_renewed(*sha, decided);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(*kept, 0u);
  EXPECT_TRUE(store.get(*sha).has_value());

  std::filesystem::last_write_time(store.path_of(*sha), old);  // nobody put it since
  auto removed = store.remove_unless_renewed(*sha, decided);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, std::string("page image").size());
  EXPECT_FALSE(store.contains(*sha));
  auto again = store.remove_unless_renewed(*sha, decided);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0u) << "already gone";
  ASSERT_TRUE(store.put("page image"));  // put after a removal writes it again
  EXPECT_TRUE(store.get(*sha).has_value());
}

TEST(BlobStore, InterruptedRemovalIsPutBack) {
  BlobStore store(fresh_dir("blobs"));
  auto sha = store.put("signed pdf");
  ASSERT_TRUE(sha);
  // A crash between moving the blob aside and deciding.
  std::filesystem::rename(store.path_of(*sha), store.path_of(*sha).string() + ".removing");
  EXPECT_FALSE(store.contains(*sha));
  int listed = 0;
  ASSERT_TRUE(store.for_each([&](const BlobStore::Listed&) { ++listed; }));
  EXPECT_EQ(listed, 0) << "a blob moved aside is not listed";
  auto put_back = store.put_back_interrupted_removals();
  ASSERT_TRUE(put_back) << put_back.error().message;
  EXPECT_EQ(*put_back, 1);
  EXPECT_TRUE(store.get(*sha).has_value());
  ASSERT_TRUE(store.for_each([&](const BlobStore::Listed& blob) {
    ++listed;
    EXPECT_EQ(blob.sha256, *sha);
    EXPECT_EQ(blob.bytes, 10u);
  }));
  EXPECT_EQ(listed, 1);
}

}  // namespace
}  // namespace zpe
