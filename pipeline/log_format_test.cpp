#include "pipeline/log_format.h"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>

namespace zpe {
namespace {

// A logger named "dispatcher" writing into a string in the given format.
struct CapturedLog {
  explicit CapturedLog(LogFormat format) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    logger = std::make_shared<spdlog::logger>("dispatcher", sink);
    logger->set_formatter(make_log_formatter(format));
    previous = spdlog::default_logger();
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous); }
  std::vector<std::string> lines() const {
    std::vector<std::string> out_lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) out_lines.push_back(line);
    return out_lines;
  }
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<spdlog::logger> previous;
};

TEST(LogFormat, JsonLinesParseAndCarryTheDocumentFields) {
  CapturedLog log(LogFormat::kJson);
  log_about_document(spdlog::level::info, "D20261203-abc123", "nord", "document {} -> {}", "D20261203-abc123", "FILED");
  spdlog::warn("no document here: \"quoted\"");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["process"], "dispatcher");
  EXPECT_EQ(first["message"], "document D20261203-abc123 -> FILED");
  EXPECT_EQ(first["document_id"], "D20261203-abc123");
  EXPECT_EQ(first["tenant"], "nord");
  EXPECT_TRUE(first["pid"].is_number_integer());
  EXPECT_EQ(first["time"].get<std::string>().size(), std::string("2026-12-03T10:00:00.000Z").size());
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["level"], "warning");
  EXPECT_EQ(second["message"], "no document here: \"quoted\"");
  EXPECT_FALSE(second.contains("document_id"));
  EXPECT_FALSE(second.contains("tenant"));
}

TEST(LogFormat, TextIsTheDefaultLineWithProcessAndLevel) {
  CapturedLog log(LogFormat::kText);
  log_about_document(spdlog::level::info, "D1", "default", "document {} queued", "D1");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" dispatcher["), std::string::npos) << lines[0];
  EXPECT_TRUE(lines[0].ends_with("info: document D1 queued")) << lines[0];
}

TEST(LogFormat, ParseLogFormatKnowsTextAndJson) {
  EXPECT_EQ(*parse_log_format("text"), LogFormat::kText);
  EXPECT_EQ(*parse_log_format("json"), LogFormat::kJson);
  EXPECT_FALSE(parse_log_format("xml"));
}

TEST(LogFormat, CaseNumbersAreMaskedToTheirLastThreeDigits) {
  EXPECT_EQ(mask_case_number("8123456-423"), "*******-423");
  EXPECT_EQ(mask_case_numbers("unknown case number 8123456-423 (not in the case registry); letter of 2026-11-30"),
            "unknown case number *******-423 (not in the case registry); letter of 2026-11-30");
  EXPECT_EQ(mask_case_numbers("document D20261203-abc123"), "document D20261203-abc123");
}

}  // namespace
}  // namespace zpe
