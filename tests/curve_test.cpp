// The command line of encrypted links between hosts (docs/PROTOCOL.md "Security"):
// `zpe keygen` writes a key pair and never overwrites one; the dispatcher, a worker, the
// case-file sink and `zpe run` refuse to start on a non-loopback endpoint without CURVE
// keys, with a message naming the keys to set. The handshakes themselves (listed key in,
// unknown key refused) are pipeline/dispatcher_curve_test.cpp.
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "pipeline/curve_keys.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

namespace fs = std::filesystem;

std::string file_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Curve, Keygen_WritesAPrivateKeyAndAPublicKeyAndNeverOverwrites) {
  TestHome home;
  const fs::path out = home.root() / "keys";
  std::string output;
  ASSERT_EQ(home.run({"keygen", "--out", out.string(), "--name", "ocr-b"}, &output, 60), 0) << output;
  struct stat info {};
  ASSERT_EQ(::stat((out / "ocr-b.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto pair = read_curve_secret_key(out / "ocr-b.key");
  ASSERT_TRUE(pair) << pair.error().message;
  auto public_key = read_curve_public_key(out / "ocr-b.pub");
  ASSERT_TRUE(public_key) << public_key.error().message;
  EXPECT_EQ(*public_key, pair->public_key);
  EXPECT_NE(output.find(pair->public_key), std::string::npos) << "prints the public key: " << output;
  EXPECT_EQ(output.find(pair->secret_key), std::string::npos) << "never prints the secret key";

  const std::string before = file_text(out / "ocr-b.key");
  EXPECT_EQ(home.run({"keygen", "--out", out.string(), "--name", "ocr-b"}, &output, 60), 1);
  EXPECT_NE(output.find("never overwritten"), std::string::npos) << output;
  EXPECT_EQ(file_text(out / "ocr-b.key"), before);
  EXPECT_EQ(home.run({"keygen", "--out", out.string(), "--name", "../escape"}, &output, 60), 2) << output;
}

TEST(Curve, Curve_ANonLoopbackEndpointWithoutKeysIsRefusedAtStartUp) {
  TestHome home;
  // The harness's config binds loopback ports; move the dispatcher to a LAN address.
  std::string config = file_text(home.config());
  config = std::regex_replace(config, std::regex(R"(\[dispatcher\]\nendpoint = "[^"]*")"),
                              "[dispatcher]\nendpoint = \"tcp://192.0.2.10:5555\"", std::regex_constants::format_first_only);
  ASSERT_NE(config.find("tcp://192.0.2.10:5555"), std::string::npos);
  std::ofstream(home.config()) << config;

  std::string output;
  EXPECT_EQ(home.run({"dispatcher"}, &output, 30), 2) << output;
  for (const char* needed : {"refusing to bind tcp://192.0.2.10:5555", "[dispatcher] curve_server_secret_key",
                             "[dispatcher] curve_authorized_keys", "zpe keygen"}) {
    EXPECT_NE(output.find(needed), std::string::npos) << needed << " in: " << output;
  }
  EXPECT_EQ(home.run({"worker", "--stage", "classify"}, &output, 30), 2) << output;
  for (const char* needed : {"refusing to connect to tcp://192.0.2.10:5555", "[dispatcher] curve_client_secret_key",
                             "[dispatcher] curve_server_public_key"}) {
    EXPECT_NE(output.find(needed), std::string::npos) << needed << " in: " << output;
  }
  EXPECT_EQ(home.run({"run", "--until-idle", "--max-seconds", "20"}, &output, 30), 2) << output;
  EXPECT_NE(output.find("refusing to bind tcp://192.0.2.10:5555"), std::string::npos) << output;
  EXPECT_EQ(output.find("dispatcher: workers on"), std::string::npos) << "no child was started: " << output;
  // The feed's consumer on another host, the same.
  EXPECT_EQ(home.run({"casefile-sink", "--connect", "tcp://192.0.2.10:5556"}, &output, 30), 2) << output;
  EXPECT_NE(output.find("[feed] curve_client_secret_key"), std::string::npos) << output;
}

}  // namespace
}  // namespace zpe::testing
