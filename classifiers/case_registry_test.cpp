#include "classifiers/case_registry.h"

#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

namespace zpe::classifiers {
namespace {

class CaseRegistryCsvTest : public ::testing::Test {
 protected:
  // Own file per test: ctest runs tests in parallel processes.
  void SetUp() override { file_ = std::filesystem::temp_directory_path() / ("zpe-registry-csv-" + random_hex(6) + ".csv"); }
  void TearDown() override { std::filesystem::remove(file_); }
  void write(const std::string& text) { std::ofstream(file_) << text; }

  std::filesystem::path file_;
};

TEST_F(CaseRegistryCsvTest, CaseRegistry_KeepsOnlyTheTenantsRowsAndReadsTheStateColumn) {
  write("case_number,tenant,opened,state\n8123456-423,default,2024-01-01,open\n8123456-424,default,2024-01-02,closed\n"
        "7000001-475,other,2024-01-03,\n");
  auto registry = CaseRegistry::load_csv(file_, "default");
  ASSERT_TRUE(registry) << registry.error().message;
  EXPECT_EQ(registry->size(), 2u);
  EXPECT_TRUE(registry->contains("8123456-423"));
  EXPECT_FALSE(registry->is_closed("8123456-423"));
  EXPECT_TRUE(registry->contains("8123456-424"));
  EXPECT_TRUE(registry->is_closed("8123456-424"));
  EXPECT_FALSE(registry->contains("7000001-475")) << "another tenant's case";
  auto all = CaseRegistry::load_csv(file_);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains("7000001-475"));
}

TEST_F(CaseRegistryCsvTest, CaseRegistry_WithoutStateColumnEveryCaseIsOpen) {
  write("case_number,tenant,opened\n8123456-423,default,2024-01-01\n");
  auto rows = read_registry_csv(file_);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].opened, "2024-01-01");
  EXPECT_EQ((*rows)[0].state, CaseState::kOpen);
}

TEST_F(CaseRegistryCsvTest, CaseRegistry_UnknownStateIsAnErrorNamingTheLine) {
  write("case_number,tenant,opened,state\n8123456-423,default,2024-01-01,open\n8123456-424,default,2024-01-01,archived\n");
  auto registry = CaseRegistry::load_csv(file_);
  ASSERT_FALSE(registry);
  EXPECT_NE(registry.error().message.find("line 3: state \"archived\""), std::string::npos) << registry.error().message;
}

TEST_F(CaseRegistryCsvTest, CaseRegistry_MalformedNumberIsAnErrorNamingTheLine) {
  write("case_number,tenant\n8123456-42,default\n");
  auto registry = CaseRegistry::load_csv(file_);
  ASSERT_FALSE(registry);
  EXPECT_EQ(registry.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(registry.error().message.find("line 2"), std::string::npos) << registry.error().message;
}

TEST_F(CaseRegistryCsvTest, CaseRegistry_ReadsTheSecondKeyColumns) {
  write("case_number,tenant,opened,surname,birth_date\n8123456-423,default,2024-01-01,Al-Hassan,1990-02-01\n"
        "8123456-424,default,2024-01-02,,\n7000001-475,default,2024-01-03,Osman,\n");
  auto registry = CaseRegistry::load_csv(file_, "default");
  ASSERT_TRUE(registry) << registry.error().message;
  EXPECT_EQ(registry->second_keys("8123456-423"), (SecondKeys{{"surname", "Al-Hassan"}, {"birth_date", "1990-02-01"}}));
  EXPECT_TRUE(registry->second_keys("8123456-424").empty()) << "empty cells are no keys";
  EXPECT_EQ(registry->second_keys("7000001-475"), (SecondKeys{{"surname", "Osman"}}));
  EXPECT_TRUE(registry->second_keys("1111111-111").empty()) << "an unknown number has no keys";
}

TEST_F(CaseRegistryCsvTest, CaseRegistry_BirthDateThatIsNoIsoDateIsAnErrorNamingTheLine) {
  write("case_number,surname,birth_date\n8123456-423,Karimi,01.02.1990\n");
  auto registry = CaseRegistry::load_csv(file_);
  ASSERT_FALSE(registry);
  EXPECT_NE(registry.error().message.find("line 2: birth_date \"01.02.1990\""), std::string::npos)
      << registry.error().message;
}

TEST(CaseRegistry, NearestRanksByDifferingDigitsAndIgnoresFarOnes) {
  const auto registry = CaseRegistry::from_numbers({"8123456-423", "8123456-493", "1111111-111"});
  EXPECT_EQ(registry.nearest("8123456-428"), (std::vector<std::string>{"8123456-423", "8123456-493"}));
  EXPECT_TRUE(registry.nearest("5555555-555").empty());
}

}  // namespace
}  // namespace zpe::classifiers
