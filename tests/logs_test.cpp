// The log format as a process writes it: `--log-format json` (or $ZPE_LOG_FORMAT=json) makes
// every stderr line one JSON object; text lines stay the default.
#include <sys/wait.h>

#include <cstdio>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zpe {
namespace {

// The stderr lines of `zpe <args>` (stdout dropped), run with `environment` prefixed.
std::vector<std::string> stderr_lines(const std::string& environment, const std::string& args) {
  const std::string command = environment + " " + std::string(ZPE_BINARY) + " " + args + " 2>&1 >/dev/null";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  pclose(pipe);
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Logs, Logs_JsonFormatWritesOneParsableObjectALine) {
  for (const auto& [environment, option] : {std::pair<std::string, std::string>{"", "--log-format json"},
                                            std::pair<std::string, std::string>{"ZPE_LOG_FORMAT=json", ""}}) {
    const auto lines = stderr_lines(environment, option + " --config /nonexistent/zpe.toml paths");
    ASSERT_EQ(lines.size(), 1u) << environment << option;
    const auto line = nlohmann::json::parse(lines[0], nullptr, false);
    ASSERT_TRUE(line.is_object()) << lines[0];
    EXPECT_EQ(line["level"], "error");
    EXPECT_EQ(line["process"], "paths");
    EXPECT_TRUE(line["pid"].is_number_integer());
    EXPECT_TRUE(line["time"].get<std::string>().ends_with("Z")) << lines[0];
    EXPECT_EQ(line["message"], "config: cannot read config file /nonexistent/zpe.toml");
  }
}

TEST(Logs, Logs_TextIsTheDefault) {
  const auto lines = stderr_lines("ZPE_LOG_FORMAT=", "--config /nonexistent/zpe.toml paths");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" paths["), std::string::npos) << lines[0];
  EXPECT_TRUE(lines[0].ends_with("error: config: cannot read config file /nonexistent/zpe.toml")) << lines[0];
}

}  // namespace
}  // namespace zpe
