// `zpe registry` through the real binary, and the SQLite case registry in a real run: the
// route stage reads it, the reference case-file sink counts what it files into it.
#include <map>

#include <gtest/gtest.h>

#include "tests/harness.h"

namespace zpe::testing {
namespace {

const std::string kSampleRegistry = std::string(ZPE_SOURCE_DIR) + "/samples/case_registry.csv";

// `zpe registry list --json` as JSON, by case number.
std::map<std::string, nlohmann::json> registry_cases(TestHome& home) {
  std::string out;
  EXPECT_EQ(home.run({"registry", "list", "--json"}, &out, 60), 0) << out;
  std::map<std::string, nlohmann::json> cases;
  const auto start = out.find('[');
  if (start == std::string::npos) return cases;
  for (const auto& c : nlohmann::json::parse(out.substr(start), nullptr, false)) cases[c["case_number"]] = c;
  return cases;
}

TEST(Registry, Registry_CliAddsImportsClosesAndListsCases) {
  TestHome home;
  std::string out;
  EXPECT_EQ(home.run({"registry", "list"}, &out, 60), 4) << "no registry yet: " << out;
  EXPECT_NE(out.find("does not exist"), std::string::npos) << out;

  ASSERT_EQ(home.run({"registry", "add", "1234567-123", "--opened", "2025-01-31"}, &out, 60), 0) << out;
  EXPECT_TRUE(std::filesystem::exists(home.root() / "registry" / "cases.sqlite")) << "the default file";
  EXPECT_EQ(home.run({"registry", "add", "1234567-123"}, &out, 60), 1) << out;
  EXPECT_NE(out.find("already registered"), std::string::npos) << out;
  EXPECT_EQ(home.run({"registry", "add", "1234567-12"}, &out, 60), 2) << out;
  EXPECT_NE(out.find("\"1234567-12\" is not a case number of the form 1234567-123"), std::string::npos) << out;
  EXPECT_EQ(home.run({"registry", "close", "7654321-999"}, &out, 60), 4) << out;

  ASSERT_EQ(home.run({"registry", "import", kSampleRegistry}, &out, 60), 0) << out;
  EXPECT_NE(out.find("4 new, 0 updated"), std::string::npos) << out;
  ASSERT_EQ(home.run({"registry", "close", "8969538-423"}, &out, 60), 0) << out;

  auto cases = registry_cases(home);
  ASSERT_EQ(cases.size(), 5u);
  EXPECT_EQ(cases["1234567-123"]["opened"], "2025-01-31");
  EXPECT_EQ(cases["1234567-123"]["state"], "open");
  EXPECT_EQ(cases["8969538-423"]["state"], "closed");
  EXPECT_EQ(cases["8969538-423"]["opened"], "2024-02-20");
  EXPECT_EQ(cases["8969538-423"]["documents_filed"], 0);

  ASSERT_EQ(home.run({"registry", "reopen", "8969538-423"}, &out, 60), 0) << out;
  EXPECT_EQ(registry_cases(home)["8969538-423"]["state"], "open");
  EXPECT_EQ(home.run({"registry", "--help"}, &out, 60), 0) << out;
  EXPECT_NE(out.find("import"), std::string::npos) << out;
}

TEST(Registry, Registry_RunRoutesIntoOpenCasesOnlyAndTheSinkCountsWhatItFiled) {
  TestHome home("[stages.route]\nregistry = \"registry/cases.sqlite\"\n");
  std::string out;
  ASSERT_EQ(home.run({"registry", "import", kSampleRegistry}, &out, 60), 0) << out;
  ASSERT_EQ(home.run({"registry", "close", "8193707-438"}, &out, 60), 0) << out;
  const auto letters = std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "letters";
  home.drop(letters / "letter-0004.tif");  // case 8513179-224, open
  home.drop(letters / "letter-0008.jpg");  // case 8193707-438, closed
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "400"}, &out), 0) << out;

  std::map<std::string, nlohmann::json> by_source;
  for (const auto& d : home.list_json()) by_source[d["source_file"]] = d;
  ASSERT_EQ(by_source.size(), 2u);
  EXPECT_EQ(by_source["letter-0004.tif"]["state"], "FILED") << by_source["letter-0004.tif"].dump();
  EXPECT_EQ(by_source["letter-0008.jpg"]["state"], "CLEARING");
  EXPECT_NE(by_source["letter-0008.jpg"]["reason"].get<std::string>().find(
                "case 8193707-438 is closed in the case registry"),
            std::string::npos)
      << by_source["letter-0008.jpg"].dump();

  auto cases = registry_cases(home);
  EXPECT_EQ(cases["8513179-224"]["documents_filed"], 1) << cases["8513179-224"].dump();
  EXPECT_TRUE(cases["8513179-224"]["last_filed_at"].is_string());
  EXPECT_EQ(cases["8193707-438"]["documents_filed"], 0);
}

}  // namespace
}  // namespace zpe::testing
