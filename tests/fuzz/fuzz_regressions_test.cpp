// Every input kept under tests/fuzz/regressions/<target>/ (crashes the fuzzer found, now
// fixed, and a few small seeds) fed again to the same entry the fuzz target calls
// (tests/fuzz/fuzz_entries.h), in the normal build: each must be accepted or refused with
// a reason, without crashing, throwing or hanging.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>

#include "connectors/egvp_package.h"
#include "connectors/xjustiz_inbound.h"
#include "tests/fuzz/fuzz_entries.h"

namespace zpe::fuzz {

// Test names and failure messages show the target's name, not its bytes.
void PrintTo(const NamedFuzzEntry& target, std::ostream* out) { *out << target.name; }

namespace {

const std::filesystem::path kRegressions = std::filesystem::path(ZPE_SOURCE_DIR) / "tests/fuzz/regressions";

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FuzzRegressions : public ::testing::TestWithParam<NamedFuzzEntry> {};

TEST_P(FuzzRegressions, EveryKeptInputIsAcceptedOrRefusedWithAReason) {
  const NamedFuzzEntry target = GetParam();
  const std::filesystem::path folder = kRegressions / target.name;
  ASSERT_TRUE(std::filesystem::is_directory(folder)) << folder << " is missing: keep at least the seed inputs there";
  int inputs = 0;
  for (const auto& file : std::filesystem::directory_iterator(folder)) {
    if (!file.is_regular_file()) continue;
    SCOPED_TRACE(file.path().filename().string());
    FuzzOutcome outcome;
    EXPECT_NO_THROW(outcome = target.entry(read_bytes(file.path())));
    if (!outcome.accepted) {
      EXPECT_FALSE(outcome.reason.empty()) << "refused without a reason";
    }
    ++inputs;
  }
  EXPECT_GT(inputs, 0) << folder << " holds no input";
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegressions, ::testing::ValuesIn(fuzz_entries()),
                         [](const ::testing::TestParamInfo<NamedFuzzEntry>& info) { return std::string(info.param.name); });

// The fix for crash-deep-nesting.zip walks the message without recursion; the documents it
// finds, inside and outside an akte, and their order must not change.
TEST(FuzzRegressionFixes, XJustizWalkFindsNestedAndTopLevelDocumentsInOrder) {
  const std::string seed = read_bytes(kRegressions / "egvp_package/seed-one-document.zip");
  auto package = read_zip_package("seed-one-document.zip", seed, PackageLimits{});
  ASSERT_TRUE(package) << package.error().message;
  std::string xml = package->message_xml;
  const std::string akte =
      "<xjustiz:akte><xjustiz:akteninhalt><xjustiz:dokument><xjustiz:identifikation><xjustiz:id>in-akte</xjustiz:id>"
      "</xjustiz:identifikation><xjustiz:xjustiz.fachspezifischeDaten><xjustiz:datei><xjustiz:dateiname>anlage.pdf"
      "</xjustiz:dateiname></xjustiz:datei></xjustiz:xjustiz.fachspezifischeDaten></xjustiz:dokument>"
      "</xjustiz:akteninhalt></xjustiz:akte>";
  const std::size_t end = xml.find("</xjustiz:schriftgutobjekte>");
  ASSERT_NE(end, std::string::npos);
  xml.insert(end, akte);
  auto message = parse_inbound_message(xml);
  ASSERT_TRUE(message) << message.error().message;
  ASSERT_EQ(message->documents.size(), 2u);
  EXPECT_EQ(message->documents[0].files.at(0).name, "urteil.pdf");
  EXPECT_EQ(message->documents[1].id, "in-akte");
  EXPECT_EQ(message->documents[1].files.at(0).name, "anlage.pdf");
}

}  // namespace
}  // namespace zpe::fuzz
