#include "web/users.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "web/password.h"

namespace zpe::web {
namespace {

constexpr int kFastIterations = 1000;  // the real default (600000) would make the tests slow

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("zpe-users-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = UserStore::open(dir_ / "users.sqlite", true);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void add_operator(const std::string& name, const std::string& password) {
    User u;
    u.name = name;
    u.tenants = {"a"};
    ASSERT_TRUE(store_->add(u, password, kFastIterations, 1000));
  }
  LoginResult login(const std::string& name, const std::string& password, int64_t now_ms) {
    auto r = store_->authenticate(name, password, policy_, kFastIterations, now_ms);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : LoginResult{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<UserStore> store_;
  LoginPolicy policy_{5, 15 * 60 * 1000};
};

TEST(UsersPassword, HashIsSelfDescribingSaltedAndVerifies) {
  auto a = hash_password("correct horse", kFastIterations);
  auto b = hash_password("correct horse", kFastIterations);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->rfind("pbkdf2-sha256$1000$", 0), 0u) << *a;
  EXPECT_NE(*a, *b);  // a fresh salt each time
  EXPECT_TRUE(verify_password("correct horse", *a));
  EXPECT_FALSE(verify_password("correct hors", *a));
  EXPECT_FALSE(verify_password("", *a));
}

TEST(UsersPassword, OldHashStaysValidWhenTheIterationCountChanges) {
  auto old_hash = hash_password("pw", 2000);
  ASSERT_TRUE(old_hash);
  EXPECT_TRUE(verify_password("pw", *old_hash));  // verify reads 2000 from the string
}

TEST(UsersPassword, MalformedStoredHashNeverMatches) {
  for (const std::string stored : {"", "pbkdf2-sha256", "pbkdf2-sha256$x$aaaa$bbbb", "md5$1000$aaaa$bbbb",
                                   "pbkdf2-sha256$1000$!!!!$bbbb", "pbkdf2-sha256$999999999999$aaaa$bbbb",
                                   "pbkdf2-sha256$1000$YWJj$YWJj"}) {
    EXPECT_FALSE(verify_password("pw", stored)) << stored;
  }
}

TEST_F(UsersTest, AddedUserLogsInWithItsPasswordOnly) {
  add_operator("alice", "s3cret");
  EXPECT_EQ(login("alice", "s3cret", 2000).outcome, LoginOutcome::kOk);
  EXPECT_EQ(login("alice", "wrong", 2000).outcome, LoginOutcome::kWrongCredentials);
  EXPECT_EQ(login("bob", "s3cret", 2000).outcome, LoginOutcome::kWrongCredentials);
  auto alice = store_->get("alice");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->role, Role::kOperator);
  EXPECT_EQ(alice->tenants, std::vector<std::string>{"a"});
}

TEST_F(UsersTest, RefusesDuplicateBadNamesAndOperatorsWithoutTenants) {
  add_operator("alice", "pw");
  User dup;
  dup.name = "alice";
  dup.tenants = {"a"};
  EXPECT_EQ(store_->add(dup, "pw", kFastIterations, 1).error().kind, ErrorKind::kConflict);
  User bad;
  bad.name = "../etc";
  bad.tenants = {"a"};
  EXPECT_EQ(store_->add(bad, "pw", kFastIterations, 1).error().kind, ErrorKind::kInvalidInput);
  User lonely;
  lonely.name = "carol";
  EXPECT_EQ(store_->add(lonely, "pw", kFastIterations, 1).error().kind, ErrorKind::kInvalidInput);
  User admin;
  admin.name = "root";
  admin.role = Role::kAdmin;
  EXPECT_TRUE(store_->add(admin, "pw", kFastIterations, 1));
}

TEST_F(UsersTest, FiveFailuresLockTheAccountEvenForTheRightPassword) {
  add_operator("alice", "right");
  for (int i = 1; i <= 4; ++i) {
    auto r = login("alice", "wrong", 10000 + i);
    EXPECT_EQ(r.outcome, LoginOutcome::kWrongCredentials);
    EXPECT_FALSE(r.locked_now);
  }
  auto fifth = login("alice", "wrong", 10005);
  EXPECT_EQ(fifth.outcome, LoginOutcome::kWrongCredentials);
  EXPECT_TRUE(fifth.locked_now);
  EXPECT_EQ(login("alice", "right", 10006).outcome, LoginOutcome::kLocked);
  // After the lockout the right password works again and the count starts over.
  const int64_t after = 10005 + policy_.lockout_ms + 1;
  EXPECT_EQ(login("alice", "right", after).outcome, LoginOutcome::kOk);
  EXPECT_EQ(store_->get("alice")->failed_logins, 0);
}

TEST_F(UsersTest, SuccessfulLoginResetsTheFailureCount) {
  add_operator("alice", "right");
  for (int i = 0; i < 4; ++i) login("alice", "wrong", 100);
  EXPECT_EQ(login("alice", "right", 200).outcome, LoginOutcome::kOk);
  for (int i = 0; i < 4; ++i) login("alice", "wrong", 300);
  EXPECT_EQ(login("alice", "right", 400).outcome, LoginOutcome::kOk);
}

TEST_F(UsersTest, EnableClearsALockAndDisabledUserCannotLogIn) {
  add_operator("alice", "right");
  for (int i = 0; i < 5; ++i) login("alice", "wrong", 100);
  EXPECT_EQ(login("alice", "right", 101).outcome, LoginOutcome::kLocked);
  ASSERT_TRUE(store_->set_disabled("alice", false, 102));
  EXPECT_EQ(login("alice", "right", 103).outcome, LoginOutcome::kOk);
  ASSERT_TRUE(store_->set_disabled("alice", true, 104));
  EXPECT_EQ(login("alice", "right", 105).outcome, LoginOutcome::kWrongCredentials);
  EXPECT_TRUE(store_->get("alice")->disabled);
  EXPECT_EQ(store_->set_disabled("nobody", true, 1).error().kind, ErrorKind::kNotFound);
}

TEST_F(UsersTest, PasswordChangeReplacesTheOldPasswordAndIsDated) {
  add_operator("alice", "old");
  ASSERT_TRUE(store_->set_password("alice", "new", kFastIterations, 5000));
  EXPECT_EQ(login("alice", "old", 5001).outcome, LoginOutcome::kWrongCredentials);
  EXPECT_EQ(login("alice", "new", 5002).outcome, LoginOutcome::kOk);
  EXPECT_EQ(store_->get("alice")->password_changed_ms, 5000);
  EXPECT_EQ(store_->set_password("nobody", "x", kFastIterations, 1).error().kind, ErrorKind::kNotFound);
}

TEST_F(UsersTest, ListIsSortedByName) {
  add_operator("zoe", "pw");
  add_operator("anna", "pw");
  auto users = store_->list();
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "anna");
  EXPECT_EQ((*users)[1].name, "zoe");
}

}  // namespace
}  // namespace zpe::web
