#include "connectors/case_registry_source.h"

#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

namespace zpe {
namespace {

using classifiers::CaseState;

class CaseRegistrySourceTest : public ::testing::Test {
 protected:
  // Own folder per test: ctest runs tests in parallel processes.
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-registry-source-" + random_hex(6));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<CaseRegistryDb> create(const std::filesystem::path& file) {
    auto db = CaseRegistryDb::open(file, CaseRegistryDb::OpenMode::kCreate);
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }

  std::filesystem::path dir_;
};

TEST_F(CaseRegistrySourceTest, RegistryFormat_TheFileHeaderDecidesTheNameOnlyForMissingFiles) {
  const auto renamed = dir_ / "cases.csv";
  ASSERT_TRUE(create(renamed));
  EXPECT_EQ(registry_format(renamed), RegistryFormat::kSqlite) << "a SQLite file, whatever its name";
  std::ofstream(dir_ / "cases.db") << "case_number,tenant,opened\n8123456-423,default,2024-01-01\n";
  EXPECT_EQ(registry_format(dir_ / "cases.db"), RegistryFormat::kCsv) << "a CSV, whatever its name";
  EXPECT_EQ(registry_format(dir_ / "missing.sqlite"), RegistryFormat::kSqlite);
  EXPECT_EQ(registry_format(dir_ / "missing.db"), RegistryFormat::kSqlite);
  EXPECT_EQ(registry_format(dir_ / "missing.csv"), RegistryFormat::kCsv);
}

TEST_F(CaseRegistrySourceTest, LoadCaseRegistry_ReadsBothFormats) {
  std::ofstream(dir_ / "cases.csv") << "case_number,tenant,opened\n8123456-423,default,2024-01-01\n";
  auto writer = create(dir_ / "cases.sqlite");
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->add_case({"7000001-475", "default", ""}));
  auto from_csv = load_case_registry(dir_ / "cases.csv", "default");
  auto from_sqlite = load_case_registry(dir_ / "cases.sqlite", "default");
  ASSERT_TRUE(from_csv && from_sqlite);
  EXPECT_TRUE(from_csv->contains("8123456-423"));
  EXPECT_TRUE(from_sqlite->contains("7000001-475"));
  EXPECT_EQ(load_case_registry(dir_ / "missing.sqlite", "default").error().kind, ErrorKind::kNotFound);
}

TEST_F(CaseRegistrySourceTest, FollowedRegistry_SeesCasesOpenedAndClosedByAnotherConnection) {
  const auto file = dir_ / "cases.sqlite";
  auto writer = create(file);
  ASSERT_TRUE(writer);
  FollowedRegistry followed(file, "default");
  auto first = followed.current();
  ASSERT_TRUE(first && *first) << (first ? "no registry" : first.error().message);
  EXPECT_FALSE((*first)->contains("8123456-423"));

  ASSERT_TRUE(writer->add_case({"8123456-423", "default", ""}));  // a WAL commit: the main file stays as it was
  auto second = followed.current();
  ASSERT_TRUE(second && *second);
  EXPECT_TRUE((*second)->contains("8123456-423"));
  EXPECT_FALSE((*second)->is_closed("8123456-423"));

  ASSERT_TRUE(writer->set_state("8123456-423", "default", CaseState::kClosed));
  auto third = followed.current();
  ASSERT_TRUE(third && *third);
  EXPECT_TRUE((*third)->is_closed("8123456-423"));
}

TEST_F(CaseRegistrySourceTest, FollowedRegistry_FollowsAReplacedFileAndAMissingOne) {
  const auto file = dir_ / "cases.sqlite";
  FollowedRegistry followed(file, "default");
  auto none = followed.current();
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, nullptr) << "no file: no registry";

  ASSERT_TRUE(create(file));
  ASSERT_TRUE(followed.current());
  const auto replacement = dir_ / "new.sqlite";
  auto writer = create(replacement);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->add_case({"7000001-475", "default", ""}));
  writer.reset();
  std::filesystem::rename(replacement, file);
  auto replaced = followed.current();
  ASSERT_TRUE(replaced && *replaced) << (replaced ? "no registry" : replaced.error().message);
  EXPECT_TRUE((*replaced)->contains("7000001-475"));

  std::filesystem::remove(file);
  auto gone = followed.current();
  ASSERT_TRUE(gone);
  EXPECT_EQ(*gone, nullptr);
}

TEST_F(CaseRegistrySourceTest, FollowedRegistry_RereadsAChangedCsv) {
  const auto file = dir_ / "cases.csv";
  std::ofstream(file) << "case_number,tenant,opened\n8123456-423,default,2024-01-01\n";
  FollowedRegistry followed(file, "default");
  auto first = followed.current();
  ASSERT_TRUE(first && *first);
  EXPECT_FALSE((*first)->contains("7000001-475"));
  std::ofstream(file, std::ios::app) << "7000001-475,default,2024-02-02\n";
  auto second = followed.current();
  ASSERT_TRUE(second && *second);
  EXPECT_TRUE((*second)->contains("7000001-475"));
}

}  // namespace
}  // namespace zpe
