// `zpe config check FILE` on real files: a good one passes, each bad one names the line of
// its fault (unknown key, wrong type, bad value, a routing rule that cannot parse, a TOML
// syntax error) as FILE:LINE:COLUMN and exits 2.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"

namespace zpe {
namespace {

namespace fs = std::filesystem;

struct CheckRun {
  int exit_code = -1;
  std::string output;
};

class ConfigCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("zpe-config-check-" + random_hex(4));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `toml` as <name>.toml and runs `zpe config check` on it; its stdout (the
  // problems) is kept, its log goes to the test's stderr.
  CheckRun check(const std::string& name, const std::string& toml) {
    file_ = (dir_ / (name + ".toml")).string();
    std::ofstream(file_) << toml;
    return run_check(file_);
  }
  CheckRun run_check(const std::string& file) {
    const std::string command = std::string(ZPE_BINARY) + " --home " + (dir_ / "home").string() + " config check " + file;
    CheckRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.output.append(buffer, n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  fs::path dir_;
  std::string file_;
};

TEST_F(ConfigCheckTest, ConfigCheck_AGoodFilePasses) {
  auto run = check("good",
                   "[dispatcher]\nlease_ms = 20000\n\n[stages.ocr]\nlanguage = \"deu+eng\"\nmin_confidence = 55\n\n"
                   "[stages.route]\nmin_type_confidence = 0.9\n\n[[stages.route.rules]]\nname = \"decisions to the court\"\n"
                   "doc_type = [\"Gerichtsentscheidung\"]\nto = [\"casefile\", \"court:F6084\"]\n\n"
                   "[tenants.nord]\ndisplay_name = \"Nord\"\n[tenants.nord.stages.quality]\nmin_dpi = 300\n"
                   "[tenants.nord.archive]\nretention_years = 30\n[[tenants.nord.courts]]\nid = \"F6084\"\n"
                   "name = \"Verwaltungsgericht Berlin\"\n");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, file_ + ": ok\n");
}

TEST_F(ConfigCheckTest, ConfigCheck_TheShippedDefaultsPass) {
  auto run = run_check(std::string(ZPE_SOURCE_DIR) + "/config/zpe.toml");
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST_F(ConfigCheckTest, ConfigCheck_AnUnknownKeyNamesItsLineAndTheNearMiss) {
  auto run = check("unknown", "[dispatcher]\nlease_ms = 20000\nheartbeat_msec = 500\n");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(run.output, file_ + ":3:1: unknown key [dispatcher] heartbeat_msec (did you mean heartbeat_ms?)\n");
}

TEST_F(ConfigCheckTest, ConfigCheck_AWrongTypeNamesItsLine) {
  auto run = check("type", "[web]\nenabled = true\n\n[intake]\nstable_ms = \"1s\"\n");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(run.output, file_ + ":5:13: [intake] stable_ms: expected an integer, found a string\n");
}

TEST_F(ConfigCheckTest, ConfigCheck_ABadValueIsCaughtByTheStagesOwnCheck) {
  auto run = check("value", "[stages.quality]\nmin_dpi = 200\nblank_pages = \"shred\"\n");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find(file_ + ":3:15: "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("blank_pages must be \"drop\", \"keep\" or \"flag\""), std::string::npos) << run.output;
}

TEST_F(ConfigCheckTest, ConfigCheck_ANonLoopbackWebAddressWithoutTlsIsRefused) {
  auto run = check("web", "[web]\nlisten = \"0.0.0.0:8080\"\n");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find(file_ + ":2:10: "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("needs tls_cert and tls_key"), std::string::npos) << run.output;
}

TEST_F(ConfigCheckTest, ConfigCheck_ARuleThatCannotParseNamesItsLine) {
  auto run = check("rule", "[stages.route]\nmin_type_confidence = 0.8\n\n[[stages.route.rules]]\nname = \"senders\"\n"
                           "sender = \"(unclosed\"\nto = [\"casefile\"]\n");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(run.output.rfind(file_ + ":4:1: ", 0), 0u) << run.output;
  EXPECT_NE(run.output.find("senders"), std::string::npos) << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
}

TEST_F(ConfigCheckTest, ConfigCheck_ASyntaxErrorNamesItsLine) {
  auto run = check("syntax", "[dispatcher]\nlease_ms = 20000\nmax_attempts = = 3\n");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(run.output.rfind(file_ + ":3:", 0), 0u) << run.output;
}

}  // namespace
}  // namespace zpe
