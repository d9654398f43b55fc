#include "pipeline/link_security.h"

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/zap_handler.h"

namespace zpe {
namespace {

TEST(LinkSecurity, LinkSecurity_OnlyLoopbackIpcAndInprocAreLocal) {
  EXPECT_TRUE(is_local_endpoint("tcp://127.0.0.1:5555"));
  EXPECT_TRUE(is_local_endpoint("tcp://127.3.4.5:5555"));
  EXPECT_TRUE(is_local_endpoint("tcp://localhost:5555"));
  EXPECT_TRUE(is_local_endpoint("tcp://[::1]:5555"));
  EXPECT_TRUE(is_local_endpoint("tcp://10.0.0.2;127.0.0.1:5555"));
  EXPECT_TRUE(is_local_endpoint("ipc:///tmp/zpe"));
  EXPECT_TRUE(is_local_endpoint("inproc://x"));
  EXPECT_FALSE(is_local_endpoint("tcp://10.0.0.10:5555"));
  EXPECT_FALSE(is_local_endpoint("tcp://*:5555"));
  EXPECT_FALSE(is_local_endpoint("tcp://0.0.0.0:5555"));
  EXPECT_FALSE(is_local_endpoint("tcp://eth0:5555"));
  EXPECT_FALSE(is_local_endpoint("tcp://dispatcher.example:5555"));
  EXPECT_FALSE(is_local_endpoint("tcp://[2001:db8::1]:5555"));
  EXPECT_FALSE(is_local_endpoint("pgm://eth0;239.192.1.1:5555"));
  EXPECT_FALSE(is_local_endpoint("10.0.0.10:5555"));
}

TEST(LinkSecurity, LinkSecurity_NonLoopbackWithoutKeysIsRefusedNamingTheKeysToSet) {
  const Home home{std::filesystem::temp_directory_path()};
  auto config = Config::from_text("[dispatcher]\nendpoint = \"tcp://10.0.0.10:5555\"\n");
  ASSERT_TRUE(config);
  auto server = server_link_security(*config, home, Link::kDispatcher, config->dispatcher_endpoint());
  ASSERT_FALSE(server);
  for (const char* needed : {"tcp://10.0.0.10:5555", "[dispatcher] curve_server_secret_key",
                             "[dispatcher] curve_authorized_keys", "zpe keygen"}) {
    EXPECT_NE(server.error().message.find(needed), std::string::npos) << needed << " in: " << server.error().message;
  }
  auto client = client_link_security(*config, home, Link::kFeed, "tcp://10.0.0.10:5556");
  ASSERT_FALSE(client);
  for (const char* needed : {"[feed] curve_client_secret_key", "[feed] curve_server_public_key", "zpe keygen"}) {
    EXPECT_NE(client.error().message.find(needed), std::string::npos) << needed << " in: " << client.error().message;
  }
  // The default config: loopback, plain, as before.
  auto defaults = Config::from_text("");
  auto plain = server_link_security(*defaults, home, Link::kDispatcher, defaults->dispatcher_endpoint());
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE(plain->curve);
  auto plain_client = client_link_security(*defaults, home, Link::kDispatcher, defaults->dispatcher_endpoint());
  ASSERT_TRUE(plain_client);
  EXPECT_FALSE(*plain_client);
}

TEST(LinkSecurity, LinkSecurity_HalfAKeyConfigurationOrAMissingFileIsAnError) {
  const Home home{std::filesystem::temp_directory_path() / ("zpe-link-" + random_hex(4))};
  auto half = Config::from_text("[dispatcher]\ncurve_server_secret_key = \"keys/d.key\"\n");
  auto refused = server_link_security(*half, home, Link::kDispatcher, half->dispatcher_endpoint());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("go together"), std::string::npos) << refused.error().message;
  auto missing = Config::from_text("[feed]\ncurve_client_secret_key = \"keys/c.key\"\ncurve_server_public_key = \"keys/d.pub\"\n");
  auto unreadable = client_link_security(*missing, home, Link::kFeed, missing->feed_endpoint());
  ASSERT_FALSE(unreadable);
  EXPECT_NE(unreadable.error().message.find("[feed] curve_client_secret_key"), std::string::npos);
  EXPECT_NE(unreadable.error().message.find((home.root / "keys" / "c.key").string()), std::string::npos)
      << "relative paths are in the home: " << unreadable.error().message;
}

TEST(LinkSecurity, ZapHandler_AcceptsListedKeysAndPlainOnlyFromLoopback) {
  const std::string listed(40, '1'), stranger(40, '2');
  const std::map<std::string, ZapDomainPolicy> domains = {
      {"zpe-workers", {"worker", AuthorizedKeys{{listed, "ocr-b"}}}}, {"zpe-feed", {"case-file consumer", std::nullopt}}};
  auto curve = judge_zap_request(domains, {"zpe-workers", "10.0.0.20", "CURVE", listed});
  EXPECT_TRUE(curve.accepted);
  EXPECT_EQ(curve.user_id, "ocr-b");
  auto unknown = judge_zap_request(domains, {"zpe-workers", "10.0.0.21", "CURVE", stranger});
  EXPECT_FALSE(unknown.accepted);
  EXPECT_EQ(unknown.subject, stranger);
  EXPECT_NE(unknown.reason.find(stranger), std::string::npos);
  EXPECT_FALSE(judge_zap_request(domains, {"zpe-feed", "127.0.0.1", "CURVE", listed}).accepted)
      << "a key listed for workers is no consumer key";
  EXPECT_TRUE(judge_zap_request(domains, {"zpe-feed", "127.0.0.1", "NULL", ""}).accepted);
  EXPECT_TRUE(judge_zap_request(domains, {"zpe-feed", "::ffff:127.0.0.1", "NULL", ""}).accepted);
  EXPECT_TRUE(judge_zap_request(domains, {"zpe-feed", "", "NULL", ""}).accepted) << "ipc:// peers have no address";
  EXPECT_FALSE(judge_zap_request(domains, {"zpe-feed", "10.0.0.20", "NULL", ""}).accepted);
  EXPECT_FALSE(judge_zap_request(domains, {"zpe-feed", "2001:db8::5", "NULL", ""}).accepted);
  EXPECT_FALSE(judge_zap_request(domains, {"zpe-workers", "127.0.0.1", "PLAIN", ""}).accepted);
}

}  // namespace
}  // namespace zpe
