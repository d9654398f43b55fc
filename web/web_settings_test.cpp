#include "web/web_settings.h"

#include <gtest/gtest.h>

namespace zpe::web {
namespace {

Result<WebSettings> settings_from(const std::string& toml) {
  auto config = Config::from_text(toml);
  if (!config) return fail(config.error());
  return read_web_settings(*config);
}

TEST(WebSettings, DefaultsAreLoopback8080AndSlowHashes) {
  auto s = settings_from("");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->host, "127.0.0.1");
  EXPECT_EQ(s->port, 8080);
  EXPECT_FALSE(s->tls());
  EXPECT_EQ(s->pbkdf2_iterations, 600000);
  EXPECT_EQ(s->max_failed_logins, 5);
  EXPECT_EQ(s->lockout_ms, 15 * 60 * 1000);
  EXPECT_EQ(s->idle_timeout_ms, 30 * 60 * 1000);
  EXPECT_EQ(s->url(), "http://127.0.0.1:8080/");
}

TEST(WebSettings, RefusesBadListenAddressesAndTooFewIterations) {
  for (const char* listen : {"8080", ":8080", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:80x", "host.example:80"}) {
    EXPECT_FALSE(settings_from(std::string("[web]\nlisten = \"") + listen + "\"\n")) << listen;
  }
  EXPECT_FALSE(settings_from("[web]\npbkdf2_iterations = 10\n"));
  EXPECT_FALSE(settings_from("[web]\ntls_cert = \"a.pem\"\n"));
  EXPECT_FALSE(settings_from("[web]\ndefault_lang = \"fr\"\n"));
}

TEST(WebSettings, NonLoopbackAddressNeedsTls) {
  EXPECT_FALSE(settings_from("[web]\nlisten = \"0.0.0.0:8443\"\n"));
  auto s = settings_from("[web]\nlisten = \"0.0.0.0:8443\"\ntls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->url(), "https://0.0.0.0:8443/");
}

}  // namespace
}  // namespace zpe::web
