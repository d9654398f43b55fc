#include "stages/route.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "stages/testing_blob_access.h"
#include "stages/testing_page_images.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;

struct CommandOutput {
  int status = -1;
  std::string text;  // stdout and stderr
};

CommandOutput run_command(const std::string& command) {
  CommandOutput out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out.text += buffer.data();
  out.status = pclose(pipe);
  return out;
}

bool have_tool(const char* tool) { return run_command(std::string("command -v ") + tool).status == 0; }

// The value of a "Name:   value" line of pdfinfo's output, or "".
std::string pdfinfo_field(const std::string& info, const std::string& name) {
  const std::string text = "\n" + info;
  const std::size_t at = text.find("\n" + name + ":");
  if (at == std::string::npos) return "";
  const std::size_t begin = text.find_first_not_of(' ', at + name.size() + 2);
  return text.substr(begin, text.find('\n', begin) - begin);
}

// The PDF written to a temporary file for the command-line checkers; removed on destruction.
class TemporaryPdf {
 public:
  explicit TemporaryPdf(const std::string& bytes)
      : path_(std::filesystem::temp_directory_path() / ("zpe-route-test-" + std::to_string(getpid()) + ".pdf")) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TemporaryPdf() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

class RouteStageTest : public ::testing::Test {
 protected:
  void add_page(Pix* image) {
    auto png = encode_png(image);
    ASSERT_TRUE(png);
    pages_.push_back({{"page", pages_.size() + 1}, {"blob", blobs_.put(*png)}, {"width", pixGetWidth(image)},
                      {"height", pixGetHeight(image)}, {"dpi_x", pixGetXRes(image)}, {"dpi_y", pixGetYRes(image)},
                      {"depth", pixGetDepth(image)}});
  }

  StageOutcome route(const json& case_number, json settings = json::object()) {
    auto stage = make_route_stage(settings);
    EXPECT_TRUE(stage) << stage.error().message;
    record_ = {{"source", {{"file", "letter.tif"}, {"received_at", "2025-03-12T10:04:05Z"}}},
               {"pages", pages_},
               {"classification", {{"case_number", case_number}}}};
    return (*stage)->run(StageContext{record_, settings, blobs_});
  }

  InMemoryBlobAccess blobs_;
  json pages_ = json::array();
  json record_;
};

TEST_F(RouteStageTest, RouteStage_SendsDocumentWithoutCaseNumberToClearing) {
  PixPtr page = testing::render_text_page({"x"}, 300, 300, 300);
  add_page(page.get());
  const auto outcome = route(nullptr);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_EQ(*outcome->clearing_reason,
            "no case number found in the letter — enter the case number at the clearing station");
  EXPECT_TRUE(outcome->patch["route"]["target"].is_null());
  EXPECT_FALSE(outcome->patch.contains("pdf"));
  EXPECT_EQ(blobs_.writes(), 0);
}

TEST_F(RouteStageTest, RouteStage_SendsMalformedCaseNumberToClearing) {
  PixPtr page = testing::render_text_page({"x"}, 300, 300, 300);
  add_page(page.get());
  const auto outcome = route("81234-56");
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("\"81234-56\""), std::string::npos) << *outcome->clearing_reason;
}

TEST_F(RouteStageTest, RouteStage_BuildsValidA4CasefilePdfFrom300DpiPages) {
  PixPtr grey = testing::render_text_page({"Az.: 8123456-423", "Seite 1"});
  PixPtr bilevel = testing::to_bilevel(grey.get());
  PixPtr colour = testing::to_colour(grey.get());
  add_page(bilevel.get());
  add_page(colour.get());
  const auto outcome = route("8123456-423");
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_FALSE(outcome->clearing_reason);
  EXPECT_EQ(outcome->patch["route"]["target"], "casefile");
  EXPECT_EQ(outcome->patch["route"]["case_number"], "8123456-423");
  const json& pdf = outcome->patch["pdf"];
  EXPECT_EQ(pdf["pages"], 2);
  const std::string bytes = blobs_.get(pdf["sha256"]);
  ASSERT_EQ(bytes.size(), pdf["size"].get<std::size_t>());
  EXPECT_EQ(bytes.rfind("%PDF-", 0), 0u);

  if (!have_tool("qpdf") || !have_tool("pdfinfo")) GTEST_SKIP() << "qpdf or pdfinfo not installed";
  TemporaryPdf file(bytes);
  const CommandOutput check = run_command("qpdf --check " + file.path());
  EXPECT_EQ(check.status, 0) << check.text;
  EXPECT_NE(check.text.find("No syntax or stream encoding errors found"), std::string::npos) << check.text;
  const CommandOutput info = run_command("pdfinfo " + file.path());
  EXPECT_EQ(info.status, 0) << info.text;
  EXPECT_EQ(pdfinfo_field(info.text, "Pages"), "2") << info.text;
  EXPECT_EQ(pdfinfo_field(info.text, "Page size"), "595.2 x 841.92 pts (A4)") << info.text;
  EXPECT_EQ(pdfinfo_field(info.text, "Title"), "Aktenzeichen 8123456-423") << info.text;
  EXPECT_EQ(pdfinfo_field(info.text, "CreationDate"), "Wed Mar 12 10:04:05 2025 UTC") << info.text;
}

TEST_F(RouteStageTest, RouteStage_SizesPagesByTheirOwnResolution) {
  PixPtr page = testing::render_text_page({"x"}, 1700, 2200, 200);  // 8.5 x 11 in at 200 dpi
  add_page(page.get());
  const auto outcome = route("8123456-423", {{"jpeg_quality", 60}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  if (!have_tool("pdfinfo")) GTEST_SKIP() << "pdfinfo not installed";
  TemporaryPdf file(blobs_.get(outcome->patch["pdf"]["sha256"]));
  const CommandOutput info = run_command("pdfinfo " + file.path());
  EXPECT_EQ(pdfinfo_field(info.text, "Page size"), "612 x 792 pts (letter)") << info.text;
}

TEST_F(RouteStageTest, RouteStage_IsIdempotent) {
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"}, 1240, 1754, 150);
  add_page(page.get());
  const auto first = route("8123456-423");
  const auto second = route("8123456-423");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->patch, second->patch) << "the same record must give the same PDF bytes";
}

TEST_F(RouteStageTest, RouteStage_FailsFinalWhenPageImageIsMissing) {
  pages_.push_back({{"page", 1}, {"blob", std::string(64, 'b')}, {"dpi_x", 300}, {"dpi_y", 300}});
  const auto outcome = route("8123456-423");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
  EXPECT_NE(outcome.error().reason.find("letter.tif: page 1"), std::string::npos) << outcome.error().reason;
}

TEST_F(RouteStageTest, RouteStage_FailsFinalWhenStoredPageIsNotAnImage) {
  pages_.push_back({{"page", 1}, {"blob", blobs_.put("not a png")}, {"dpi_x", 300}, {"dpi_y", 300}});
  const auto outcome = route("8123456-423");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
}

TEST_F(RouteStageTest, RouteStage_RefusesBadJpegQuality) {
  EXPECT_FALSE(make_route_stage({{"jpeg_quality", 0}}));
  EXPECT_FALSE(make_route_stage({{"jpeg_quality", "high"}}));
}

}  // namespace
}  // namespace zpe
