// Every input kept under tests/fuzz/regressions/<target>/ (crashes the fuzzer found, now
// fixed, and a few small seeds) fed again to the same entry the fuzz target calls
// (tests/fuzz/fuzz_entries.h), in the normal build: each must be accepted or refused with
// a reason, without crashing, throwing or hanging.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/fuzz/fuzz_entries.h"

namespace zpe::fuzz {
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
    if (!outcome.accepted) EXPECT_FALSE(outcome.reason.empty());
    ++inputs;
  }
  EXPECT_GT(inputs, 0) << folder << " holds no input";
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegressions, ::testing::ValuesIn(fuzz_entries()),
                         [](const ::testing::TestParamInfo<NamedFuzzEntry>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace zpe::fuzz
