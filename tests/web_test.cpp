// The clearing station's web server as a real process on loopback: sessions, CSRF, lockout,
// users from the command line, headers and limits (docs/API.md).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/harness.h"
#include "tests/web_client.h"

namespace zpe::testing {
namespace {

const std::string kPassword = "correct horse battery";

void expect_security_headers(const Answer& a, const std::string& what) {
  EXPECT_NE(a.header("Content-Security-Policy").find("default-src 'self'"), std::string::npos) << what;
  EXPECT_EQ(a.header("Content-Security-Policy").find("unsafe-inline"), std::string::npos) << what;
  EXPECT_EQ(a.header("X-Content-Type-Options"), "nosniff") << what;
  EXPECT_EQ(a.header("X-Frame-Options"), "DENY") << what;
  EXPECT_EQ(a.header("Referrer-Policy"), "no-referrer") << what;
}

TEST(Web, Web_NoPageOrApiWithoutASession) {
  TestHome home;
  add_web_user(home, "anna", web::Role::kAdmin, {}, kPassword);
  const std::string id = add_clearing_document(home, "default", "letter.tif");
  ASSERT_TRUE(start_web(home)) << home.log("web");
  WebClient anonymous(home.web_port());
  for (const std::string& page : std::vector<std::string>{"/", "/search", "/documents/" + id}) {
    Answer a = anonymous.get(page);
    EXPECT_EQ(a.status, 303) << page;
    EXPECT_EQ(a.header("Location"), "/login") << page;
    expect_security_headers(a, page);
  }
  for (const std::string& api : std::vector<std::string>{"/api/session", "/api/documents", "/api/documents/" + id,
                                "/api/documents/" + id + "/pages/1.png", "/api/documents/" + id + "/pdf",
                                "/api/documents/" + id + "/text", "/api/clearing/counts",
                                "/api/registry/check?tenant=default&case_number=1234567-123"}) {
    Answer a = anonymous.get(api);
    EXPECT_EQ(a.status, 401) << api;
    EXPECT_EQ(a.json().value("kind", ""), "unauthorized") << api << " " << a.body;
    EXPECT_EQ(a.header("Cache-Control"), "no-store") << api;
    expect_security_headers(a, api);
  }
  EXPECT_EQ(anonymous.post("/api/documents/" + id + "/release", {{"version", 1}}).status, 401);
  // A made-up session id is no session.
  anonymous.set_cookie("zpe_session=" + std::string(64, 'a'));
  EXPECT_EQ(anonymous.get("/api/documents").status, 401);
  EXPECT_EQ(anonymous.get("/").status, 303);
  // With a session the same requests answer.
  WebClient anna(home.web_port());
  Answer login = anna.login("anna", kPassword);
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string set_cookie = login.header("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP: " << set_cookie;
  EXPECT_EQ(anna.get("/api/session").json().value("user", ""), "anna");
  EXPECT_EQ(anna.get("/api/documents").status, 200);
  EXPECT_EQ(anna.get("/api/documents/" + id).status, 200);
}

TEST(Web, Web_PostWithoutValidCsrfTokenIsRefused) {
  TestHome home;
  add_web_user(home, "anna", web::Role::kOperator, {"default"}, kPassword);
  const std::string id = add_clearing_document(home, "default", "letter.tif");
  ASSERT_TRUE(start_web(home)) << home.log("web");
  WebClient anna(home.web_port());
  ASSERT_EQ(anna.login("anna", kPassword).status, 200);
  const int64_t version = anna.get("/api/documents/" + id).json().value("version", int64_t{-1});
  const std::string none;
  std::string wrong = anna.csrf();
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  for (const std::string* token : std::vector<const std::string*>{&none, &wrong}) {
    for (const std::string& action : std::vector<std::string>{"release", "reject", "rescan", "file-anyway"}) {
      Answer a = anna.post("/api/documents/" + id + "/" + action,
                           {{"version", version}, {"reason", "x"}, {"note", "x"}}, token);
      EXPECT_EQ(a.status, 403) << action << " " << a.body;
      EXPECT_EQ(a.json().value("kind", ""), "forbidden") << a.body;
    }
    EXPECT_EQ(anna.post("/logout", nlohmann::json::object(), token).status, 403);
  }
  // Another session's token does not do either.
  WebClient other(home.web_port());
  ASSERT_EQ(other.login("anna", kPassword).status, 200);
  EXPECT_EQ(anna.post("/api/documents/" + id + "/reject", {{"version", version}, {"reason", "x"}}, &other.csrf()).status,
            403);
  EXPECT_EQ(anna.get("/api/documents/" + id).json().value("state", ""), "CLEARING") << "nothing changed";
  // The right token passes the check (the body is then judged: a missing reason is a 400).
  EXPECT_EQ(anna.post("/api/documents/" + id + "/reject", {{"version", version}}).status, 400);
  EXPECT_EQ(anna.post("/logout", nlohmann::json::object()).status, 200);
  EXPECT_EQ(anna.get("/api/session").status, 401) << "logged out";
  EXPECT_EQ(other.get("/api/session").status, 200) << "only that session ended";
}

TEST(Web, Web_FiveBadPasswordsLockTheAccount) {
  TestHome home;
  add_web_user(home, "anna", web::Role::kOperator, {"default"}, kPassword);
  ASSERT_TRUE(start_web(home)) << home.log("web");
  WebClient client(home.web_port());
  for (int i = 1; i <= 5; ++i) {
    Answer a = client.login("anna", "guess " + std::to_string(i));
    EXPECT_EQ(a.status, 401) << "attempt " << i << ": " << a.body;
  }
  Answer locked = client.login("anna", kPassword);
  EXPECT_EQ(locked.status, 423) << locked.body;
  EXPECT_EQ(locked.json().value("kind", ""), "locked");
  EXPECT_EQ(client.login("nobody", kPassword).status, 401) << "an unknown user looks like a wrong password";
  const std::string log = home.log("web");
  EXPECT_NE(log.find("account anna locked"), std::string::npos) << log;
  EXPECT_NE(log.find("login failed for anna"), std::string::npos) << log;
  std::string out;
  ASSERT_EQ(home.run({"user", "list", "--json"}, &out, 60), 0) << out;
  EXPECT_NE(out.find("\"locked\": true"), std::string::npos) << out;
  ASSERT_EQ(home.run({"user", "enable", "anna"}, &out, 60), 0) << out;
  EXPECT_EQ(client.login("anna", kPassword).status, 200) << "an admin lifted the lock";
}

TEST(Web, Web_UserCliAddsAUserAndDisablingEndsTheirSession) {
  TestHome home;
  std::string out;
  ASSERT_EQ(home.run({"user", "add", "bert", "--role", "operator", "--tenants", "default", "--password-stdin"}, &out, 60,
                     kPassword + "\n"),
            0)
      << out;
  EXPECT_EQ(home.run({"user", "add", "bert", "--role", "operator", "--tenants", "default", "--password-stdin"}, &out, 60,
                     kPassword + "\n"),
            2)
      << "taken: " << out;
  EXPECT_EQ(home.run({"user", "add", "carl", "--role", "operator", "--tenants", "nowhere", "--password-stdin"}, &out, 60,
                     kPassword + "\n"),
            2)
      << "unknown tenant: " << out;
  ASSERT_EQ(home.run({"user", "list", "--json"}, &out, 60), 0) << out;
  auto users = nlohmann::json::parse(out.substr(out.find('[')), nullptr, false);
  ASSERT_EQ(users.size(), 1u) << out;
  EXPECT_EQ(users[0]["name"], "bert");
  EXPECT_EQ(users[0]["role"], "operator");
  EXPECT_EQ(users[0]["tenants"], nlohmann::json::array({"default"}));
  EXPECT_NE(home.root().string().size(), 0u);

  ASSERT_TRUE(start_web(home)) << home.log("web");
  WebClient bert(home.web_port());
  ASSERT_EQ(bert.login("bert", kPassword).status, 200);
  EXPECT_EQ(bert.get("/api/session").status, 200);
  ASSERT_EQ(home.run({"user", "disable", "bert"}, &out, 60), 0) << out;
  EXPECT_EQ(bert.get("/api/session").status, 401) << "disabled in another process: the session ends at once";
  EXPECT_EQ(bert.login("bert", kPassword).status, 401);
  ASSERT_EQ(home.run({"user", "enable", "bert"}, &out, 60), 0) << out;
  ASSERT_EQ(bert.login("bert", kPassword).status, 200);
  ASSERT_EQ(home.run({"user", "passwd", "bert", "--password-stdin"}, &out, 60, "another one\n"), 0) << out;
  EXPECT_EQ(bert.get("/api/session").status, 401) << "a new password ends older sessions";
  EXPECT_EQ(bert.login("bert", "another one").status, 200);
  EXPECT_EQ(home.run({"user", "disable", "nobody"}, &out, 60), 4) << out;
}

TEST(Web, Web_OversizedBodiesAndHostileFileNamesAreRefused) {
  TestHome home;
  add_web_user(home, "anna", web::Role::kAdmin, {}, kPassword);
  const std::string id = add_clearing_document(home, "default", "letter.tif");
  ASSERT_TRUE(start_web(home)) << home.log("web");
  WebClient anna(home.web_port());
  ASSERT_EQ(anna.login("anna", kPassword).status, 200);
  Answer big = anna.post_raw("/api/documents/" + id + "/reject", std::string(1024 * 1024 + 1, ' '), "application/json");
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(anna.post_raw("/api/documents/" + id + "/reject", "{not json", "application/json").status, 400);
  EXPECT_EQ(anna.post("/api/documents/" + id + "/reject", {{"version", "7"}, {"reason", "x"}}).status, 400);
  for (const std::string& path : std::vector<std::string>{"/static/..%2f..%2fCMakeLists.txt", "/static/.hidden", "/static/%2e%2e",
                                 "/vendor/bootstrap/../../../etc/passwd", "/vendor/bootstrap/css/../../x",
                                 "/vendor/bootstrap/%2e%2e/%2e%2e/passwd", "/vendor/chart.js/a/b/c.js",
                                 "/api/documents/..%2f..%2fetc", "/api/documents/" + id + "/pages/0.png",
                                 "/api/documents/" + id + "/pages/99.png"}) {
    Answer a = anna.get(path);
    EXPECT_TRUE(a.status == 404 || a.status == 400) << path << " -> " << a.status;
    EXPECT_EQ(a.body.find("root:"), std::string::npos) << path;
  }
  EXPECT_EQ(anna.get("/api/documents/" + id + "/pages/1.png?size=abc").status, 400);
  if (std::filesystem::exists("/usr/share/javascript/bootstrap5/css/bootstrap.min.css")) {
    Answer css = anna.get("/vendor/bootstrap/css/bootstrap.min.css");
    EXPECT_EQ(css.status, 200);
    EXPECT_NE(css.header("Content-Type").find("text/css"), std::string::npos);
  }
}

TEST(Web, Web_BusyPortIsExitCode3WithAClearMessage) {
  TestHome home;
  ASSERT_TRUE(start_web(home)) << home.log("web");
  std::string out;
  EXPECT_EQ(home.run({"web"}, &out, 60), 3) << out;
  EXPECT_NE(out.find("cannot listen on 127.0.0.1:" + std::to_string(home.web_port())), std::string::npos) << out;
}

TEST(Web, Web_WithACertificateServesOnlyTlsAndMarksTheSessionCookieSecure) {
  TestHome home;
  // A throw-away self-signed certificate for 127.0.0.1, made with the openssl command line.
  const auto cert = home.root() / "web-cert.pem", key = home.root() / "web-key.pem";
  const std::string make = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
                           "-subj /CN=127.0.0.1 -keyout " + key.string() + " -out " + cert.string() + " 2>/dev/null";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  // The home's config has one [web] table: the certificate goes into it.
  std::stringstream config;
  config << std::ifstream(home.config()).rdbuf();
  std::string text = config.str();
  const auto web = text.find("[web]\n");
  ASSERT_NE(web, std::string::npos) << text;
  text.insert(web + 6, "tls_cert = \"" + cert.string() + "\"\ntls_key = \"" + key.string() + "\"\n");
  std::ofstream(home.config()) << text;
  add_web_user(home, "anna", web::Role::kOperator, {"default"}, kPassword);
  home.start("web", {"web"});

  httplib::SSLClient tls("127.0.0.1", home.web_port());
  tls.enable_server_certificate_verification(false);  // self-signed, made above
  tls.set_connection_timeout(2);
  ASSERT_TRUE(wait_until([&] { return static_cast<bool>(tls.Get("/login")); }, std::chrono::seconds(20)))
      << home.log("web");
  auto page = tls.Get("/login");
  EXPECT_EQ(page->status, 200);
  auto login = tls.Post("/login", nlohmann::json{{"user", "anna"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 200) << login->body;
  const std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Secure"), std::string::npos) << cookie;
  // Plain HTTP on the TLS port gets no answer from the server.
  httplib::Client plain("127.0.0.1", home.web_port());
  plain.set_connection_timeout(2);
  plain.set_read_timeout(2);
  auto refused = plain.Get("/login");
  EXPECT_TRUE(!refused || refused->status != 200);
}

}  // namespace
}  // namespace zpe::testing
