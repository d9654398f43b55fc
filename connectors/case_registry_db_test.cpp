#include "connectors/case_registry_db.h"

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/sqlite_db.h"

namespace zpe {
namespace {

using classifiers::CaseState;
using OpenMode = CaseRegistryDb::OpenMode;

class CaseRegistryDbTest : public ::testing::Test {
 protected:
  // Own folder per test: ctest runs tests in parallel processes.
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-registry-db-" + random_hex(6));
    file_ = dir_ / "cases.sqlite";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<CaseRegistryDb> open(OpenMode mode = OpenMode::kCreate) {
    auto db = CaseRegistryDb::open(file_, mode);
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }

  std::filesystem::path dir_;
  std::filesystem::path file_;
};

TEST_F(CaseRegistryDbTest, CaseRegistryDb_SnapshotHoldsTheTenantsCasesAndTheirState) {
  auto db = open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->add_case({"8123456-423", "default", "2024-01-01"}));
  ASSERT_TRUE(db->add_case({"8123456-493", "default", ""}));
  ASSERT_TRUE(db->add_case({"7000001-475", "other", "2024-01-03"}));
  ASSERT_TRUE(db->set_state("8123456-493", "default", CaseState::kClosed));
  auto registry = db->snapshot("default");
  ASSERT_TRUE(registry) << registry.error().message;
  EXPECT_EQ(registry->size(), 2u);
  EXPECT_TRUE(registry->contains("8123456-423"));
  EXPECT_FALSE(registry->contains("7000001-475")) << "another tenant's case";
  EXPECT_TRUE(registry->is_closed("8123456-493"));
  EXPECT_EQ(registry->nearest("8123456-428"), (std::vector<std::string>{"8123456-423", "8123456-493"}));
  auto everyone = db->snapshot("");
  ASSERT_TRUE(everyone);
  EXPECT_TRUE(everyone->contains("7000001-475"));
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_AddRefusesDuplicatesAndMalformedNumbers) {
  auto db = open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->add_case({"8123456-423", "default", ""}));
  auto again = db->add_case({"8123456-423", "default", ""});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("already registered"), std::string::npos) << again.error().message;
  EXPECT_TRUE(db->add_case({"8123456-423", "other", ""})) << "the same number for another tenant is another case";
  auto bad = db->add_case({"8123456-42", "default", ""});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  auto unknown = db->set_state("1111111-111", "default", CaseState::kClosed);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_ImportAddsNewCasesAndUpdatesKnownOnes) {
  auto db = open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->add_case({"8123456-423", "default", "2024-01-01"}));
  auto counts = db->import_cases({{"8123456-423", "default", "2023-12-31", CaseState::kClosed},
                                  {"7000001-475", "default", "2024-02-02", CaseState::kOpen}});
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->added, 1);
  EXPECT_EQ(counts->updated, 1);
  auto cases = db->list("default");
  ASSERT_TRUE(cases);
  ASSERT_EQ(cases->size(), 2u);
  EXPECT_EQ((*cases)[0].registered.case_number, "7000001-475");
  EXPECT_EQ((*cases)[1].registered.opened, "2023-12-31");
  EXPECT_EQ((*cases)[1].registered.state, CaseState::kClosed);
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_ImportWithAMalformedRowChangesNothing) {
  auto db = open();
  ASSERT_TRUE(db);
  auto counts = db->import_cases({{"8123456-423", "default", ""}, {"8123456", "default", ""}});
  ASSERT_FALSE(counts);
  EXPECT_TRUE(db->list("")->empty());
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_FilingIsCountedOncePerEventId) {
  auto db = open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->add_case({"8123456-423", "default", "2024-01-01"}));
  const int64_t filed_ms = 1764640356000;  // 2025-12-02T01:52:36Z
  auto first = db->record_filing({"E1", "8123456-423", "default", "D1", filed_ms});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first);
  auto repeat = db->record_filing({"E1", "8123456-423", "default", "D1", filed_ms});
  ASSERT_TRUE(repeat);
  EXPECT_FALSE(*repeat) << "the same event delivered again";
  ASSERT_TRUE(*db->record_filing({"E2", "8123456-423", "default", "D2", filed_ms - 60000}));
  auto cases = db->list("default");
  ASSERT_TRUE(cases);
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_EQ((*cases)[0].documents_filed, 2);
  EXPECT_EQ((*cases)[0].last_filed_at, "2025-12-02T01:52:36Z") << "the later filing, even when it arrives first";
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_FilingIntoAnUnregisteredCaseRegistersIt) {
  auto db = open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(*db->record_filing({"E1", "8123456-423", "default", "D1", 1764640356000}));
  auto cases = db->list("");
  ASSERT_TRUE(cases);
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_EQ((*cases)[0].registered.opened, "2025-12-02");
  EXPECT_EQ((*cases)[0].registered.state, CaseState::kOpen);
  EXPECT_EQ((*cases)[0].documents_filed, 1);
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_DataVersionChangesWhenAnotherConnectionCommits) {
  auto writer = open();
  auto reader = open(OpenMode::kExisting);
  ASSERT_TRUE(writer && reader);
  auto before = reader->data_version();
  ASSERT_TRUE(before);
  EXPECT_EQ(*reader->data_version(), *before) << "nothing committed meanwhile";
  ASSERT_TRUE(writer->add_case({"8123456-423", "default", ""}));
  EXPECT_NE(*reader->data_version(), *before);
  EXPECT_TRUE(reader->snapshot("default")->contains("8123456-423"));
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_RefusesMissingFilesForeignDatabasesAndNewerSchemas) {
  auto missing = CaseRegistryDb::open(file_, OpenMode::kExisting);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);

  std::filesystem::create_directories(dir_);
  auto foreign = open_sqlite(dir_ / "other.sqlite", true, 1000, "test");
  ASSERT_TRUE(foreign);
  ASSERT_TRUE(exec_sql(*foreign, "CREATE TABLE things(x)"));
  sqlite3_close(*foreign);
  auto not_registry = CaseRegistryDb::open(dir_ / "other.sqlite", OpenMode::kCreate);
  ASSERT_FALSE(not_registry);
  EXPECT_NE(not_registry.error().message.find("not a ZPE case registry"), std::string::npos)
      << not_registry.error().message;

  ASSERT_TRUE(open());
  auto newer = open_sqlite(file_, false, 1000, "test");
  ASSERT_TRUE(newer);
  ASSERT_TRUE(exec_sql(*newer, "PRAGMA user_version = 3"));
  sqlite3_close(*newer);
  auto refused = CaseRegistryDb::open(file_, OpenMode::kExisting);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("schema version 3 is newer"), std::string::npos) << refused.error().message;
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_KeepsSecondKeysFromAddAndImport) {
  auto db = open();
  ASSERT_TRUE(db);
  classifiers::RegisteredCase with_keys{"8123456-423", "default", "2024-01-01"};
  with_keys.keys = {{"surname", "Karimi"}, {"birth_date", "1990-02-01"}};
  ASSERT_TRUE(db->add_case(with_keys));
  ASSERT_TRUE(db->add_case({"7000001-475", "default", ""}));
  classifiers::RegisteredCase surname_only{"7000001-475", "default", ""};
  surname_only.keys = {{"surname", "Osman"}};
  ASSERT_TRUE(db->import_cases({surname_only}));
  auto registry = db->snapshot("default");
  ASSERT_TRUE(registry) << registry.error().message;
  EXPECT_EQ(registry->second_keys("8123456-423"),
            (classifiers::SecondKeys{{"surname", "Karimi"}, {"birth_date", "1990-02-01"}}));
  EXPECT_EQ(registry->second_keys("7000001-475"), (classifiers::SecondKeys{{"surname", "Osman"}}));
  // An import without keys keeps the registered ones.
  ASSERT_TRUE(db->import_cases({{"8123456-423", "default", ""}}));
  EXPECT_EQ(db->snapshot("default")->second_keys("8123456-423").at("surname"), "Karimi");
}

TEST_F(CaseRegistryDbTest, CaseRegistryDb_MigratesAVersion1RegistryAndKeepsItsCases) {
  std::filesystem::create_directories(dir_);
  auto old = open_sqlite(file_, true, 1000, "test");
  ASSERT_TRUE(old);
  ASSERT_TRUE(exec_sql(*old,
                       "CREATE TABLE cases(tenant TEXT NOT NULL, case_number TEXT NOT NULL, opened TEXT, "
                       "state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')), "
                       "documents_filed INTEGER NOT NULL DEFAULT 0, last_filed_at TEXT, "
                       "PRIMARY KEY (tenant, case_number));"
                       "CREATE TABLE filings(event_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, case_number TEXT NOT NULL, "
                       "document_id TEXT NOT NULL, filed_at TEXT NOT NULL);"
                       "INSERT INTO cases(tenant, case_number, opened, state) VALUES ('default', '8123456-423', "
                       "'2024-01-01', 'closed');"
                       "PRAGMA user_version = 1;"));
  sqlite3_close(*old);
  auto db = CaseRegistryDb::open(file_, OpenMode::kExisting);
  ASSERT_TRUE(db) << db.error().message;
  auto registry = (*db)->snapshot("default");
  ASSERT_TRUE(registry) << registry.error().message;
  EXPECT_TRUE(registry->is_closed("8123456-423"));
  EXPECT_TRUE(registry->second_keys("8123456-423").empty());
  classifiers::RegisteredCase keyed{"7000001-475", "default", ""};
  keyed.keys = {{"birth_date", "1985-12-31"}};
  ASSERT_TRUE((*db)->add_case(keyed)) << "the migrated registry takes second keys";
  EXPECT_EQ((*db)->snapshot("default")->second_keys("7000001-475").at("birth_date"), "1985-12-31");
  auto version = open_sqlite(file_, false, 1000, "test");
  ASSERT_TRUE(version);
  {
    Statement query(*version, "PRAGMA user_version");
    EXPECT_TRUE(query.step());
    EXPECT_EQ(query.integer(0), kCaseRegistrySchemaVersion);
  }
  sqlite3_close(*version);
}

}  // namespace
}  // namespace zpe
