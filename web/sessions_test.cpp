#include "web/sessions.h"

#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace zpe::web {
namespace {

TEST(Sessions, CreateGivesDistinct256BitIdsAndCsrfTokens) {
  SessionTable table(60000);
  auto a = table.create("alice", 1000);
  auto b = table.create("alice", 1000);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id.size(), 64u);
  EXPECT_EQ(a->csrf_token.size(), 64u);
  EXPECT_NE(a->id, b->id);
  EXPECT_NE(a->csrf_token, b->csrf_token);
  EXPECT_NE(a->id, a->csrf_token);
  EXPECT_EQ(table.size(), 2u);
}

TEST(Sessions, IdleSessionEndsAndActiveOneLives) {
  SessionTable table(1000);
  auto s = table.create("alice", 0);
  ASSERT_TRUE(s);
  ASSERT_TRUE(table.touch(s->id, 900));
  ASSERT_TRUE(table.touch(s->id, 1800));  // 900 ms after the last request: still live
  EXPECT_FALSE(table.touch(s->id, 2801));
  EXPECT_FALSE(table.touch(s->id, 2802));  // gone, not revived
}

TEST(Sessions, LogoutEndsOnlyThatSession) {
  SessionTable table(60000);
  auto a = table.create("alice", 0);
  auto b = table.create("bob", 0);
  table.end(a->id);
  EXPECT_FALSE(table.touch(a->id, 1));
  EXPECT_TRUE(table.touch(b->id, 1));
  EXPECT_FALSE(table.touch("", 1));
  EXPECT_FALSE(table.touch(std::string(64, '0'), 1));
}

TEST(Sessions, CsrfTokenMustMatchExactly) {
  SessionTable table(60000);
  auto s = table.create("alice", 0);
  EXPECT_TRUE(csrf_token_matches(*s, s->csrf_token));
  EXPECT_FALSE(csrf_token_matches(*s, ""));
  EXPECT_FALSE(csrf_token_matches(*s, s->csrf_token.substr(1)));
  std::string flipped = s->csrf_token;
  flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(csrf_token_matches(*s, flipped));
}

TEST(Sessions, TableIsBoundedByEndingTheLeastRecentlyUsed) {
  SessionTable table(60000, 2);
  auto a = table.create("a", 0);
  auto b = table.create("b", 1);
  table.touch(a->id, 2);
  auto c = table.create("c", 3);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_TRUE(table.touch(a->id, 4));
  EXPECT_FALSE(table.touch(b->id, 4));
  EXPECT_TRUE(table.touch(c->id, 4));
}

TEST(Sessions, ConcurrentCreateAndTouchAreSafe) {
  SessionTable table(60000);
  std::vector<std::thread> threads;
  std::vector<std::set<std::string>> ids(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto s = table.create("u", i);
        ids[t].insert(s->id);
        table.touch(s->id, i + 1);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& set : ids) all.insert(set.begin(), set.end());
  EXPECT_EQ(all.size(), 800u);
  EXPECT_EQ(table.size(), 800u);
}

}  // namespace
}  // namespace zpe::web
