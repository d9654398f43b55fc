#include "pipeline/deflate.h"

#include <gtest/gtest.h>

namespace zpe {
namespace {

TEST(Deflate, RoundTripsAndShrinksRepetitiveJson) {
  std::string json = "[";
  for (int page = 1; page <= 200; ++page) {
    json += R"({"page":)" + std::to_string(page) + R"(,"transforms":[{"op":"deskew","degrees_clockwise":-0.34}]},)";
  }
  json.back() = ']';
  const std::string packed = deflate_bytes(json);
  EXPECT_LT(packed.size(), json.size() / 5);
  auto back = inflate_bytes(packed, json.size());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, json);
}

TEST(Deflate, RefusesDamagedTruncatedAndOversizedValues) {
  const std::string text(100000, 'x');
  const std::string packed = deflate_bytes(text);
  auto too_big = inflate_bytes(packed, text.size() - 1);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().kind, ErrorKind::kCorruption);
  EXPECT_FALSE(inflate_bytes(packed.substr(0, packed.size() / 2), text.size()));
  std::string damaged = packed;
  damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x5a);
  EXPECT_FALSE(inflate_bytes(damaged, text.size()));
  EXPECT_FALSE(inflate_bytes("not zlib at all", 1000));
  EXPECT_FALSE(inflate_bytes("", 1000));
}

}  // namespace
}  // namespace zpe
