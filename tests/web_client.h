// A client for the clearing station's HTTP API in integration tests (tests/web_*_test.cpp):
// httplib::Client on loopback that keeps the session cookie and CSRF token of its login,
// plus helpers that start `zpe web` for a TestHome and make users and documents in its
// stores directly. One WebClient per thread.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "pipeline/blob_store.h"
#include "pipeline/job_store.h"
#include "tests/harness.h"
#include "web/users.h"

namespace zpe::testing {

struct Answer {
  int status = 0;  // 0: no answer at all
  std::string body;
  httplib::Headers headers;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class WebClient {
 public:
  explicit WebClient(int port) : http_("127.0.0.1", port) {
    http_.set_connection_timeout(5, 0);
    http_.set_read_timeout(60, 0);
  }

  // POST /login with JSON; on 200 keeps the cookie and token.
  Answer login(const std::string& user, const std::string& password) {
    Answer a = answer(http_.Post("/login", nlohmann::json{{"user", user}, {"password", password}}.dump(),
                                 "application/json"));
    if (a.status == 200) {
      const std::string set_cookie = a.header("Set-Cookie");
      cookie_ = set_cookie.substr(0, set_cookie.find(';'));
      csrf_ = a.json().value("csrf_token", "");
    }
    return a;
  }
  Answer get(const std::string& path) { return answer(http_.Get(path.c_str(), session_headers(false))); }
  // A POST with the session's CSRF token (or `csrf` instead when given).
  Answer post(const std::string& path, const nlohmann::json& body, const std::string* csrf = nullptr) {
    httplib::Headers headers = session_headers(csrf == nullptr);
    if (csrf) headers.emplace("X-CSRF-Token", *csrf);
    return answer(http_.Post(path.c_str(), headers, body.dump(), "application/json"));
  }
  Answer post_raw(const std::string& path, const std::string& body, const std::string& content_type) {
    return answer(http_.Post(path.c_str(), session_headers(true), body, content_type.c_str()));
  }
  const std::string& cookie() const { return cookie_; }
  const std::string& csrf() const { return csrf_; }
  void set_cookie(const std::string& cookie) { cookie_ = cookie; }

 private:
  httplib::Headers session_headers(bool with_csrf) const {
    httplib::Headers headers;
    if (!cookie_.empty()) headers.emplace("Cookie", cookie_);
    if (with_csrf && !csrf_.empty()) headers.emplace("X-CSRF-Token", csrf_);
    return headers;
  }
  static Answer answer(const httplib::Result& result) {
    Answer a;
    if (!result) return a;
    a.status = result->status;
    a.body = result->body;
    a.headers = result->headers;
    return a;
  }

  httplib::Client http_;
  std::string cookie_;
  std::string csrf_;
};

// Starts `zpe web` for the home and waits until it answers; false when it never did.
inline bool start_web(TestHome& home, const std::string& name = "web") {
  home.start(name, {"web"});
  return wait_until([&] { return WebClient(home.web_port()).get("/login").status != 0; }, std::chrono::seconds(20));
}


// Direct access to a TestHome's stores for setting up what the web server shows.

inline void add_web_user(TestHome& home, const std::string& name, web::Role role,
                         const std::vector<std::string>& tenants, const std::string& password) {
  std::filesystem::create_directories(home.root() / "var");
  auto users = web::UserStore::open(home.root() / "var" / "users.sqlite", true);
  ASSERT_TRUE(users) << users.error().message;
  web::User user;
  user.name = name;
  user.role = role;
  user.tenants = tenants;
  auto st = (*users)->add(user, password, 1000, now_ms());
  ASSERT_TRUE(st) << st.error().message;
}

// A document of `tenant` in CLEARING ("no case number found" by the route stage) with one
// 40x30 grey page image and a PDF, made through the job store as the pipeline would.
inline std::string add_clearing_document(TestHome& home, const std::string& tenant, const std::string& source_file) {
  std::filesystem::create_directories(home.root() / "var");
  auto jobs = JobStore::open(home.root() / "var" / "jobs.sqlite");
  EXPECT_TRUE(jobs) << jobs.error().message;
  if (!jobs) return "";
  BlobStore blobs(home.root() / "var" / "blobs");
  std::vector<unsigned char> png;
  cv::imencode(".png", cv::Mat(30, 40, CV_8UC1, cv::Scalar(200)), png);
  auto page = blobs.put(std::string(png.begin(), png.end()));
  auto pdf = blobs.put("%PDF-1.7\n% a stand-in PDF for " + source_file + "\n%%EOF\n");
  auto text = blobs.put("Sehr geehrte Damen und Herren, " + source_file);
  EXPECT_TRUE(page && pdf && text);
  NewDocument doc{new_document_id(), tenant, source_file, std::string(64, 'a'), nlohmann::json::object(), "route", ""};
  doc.record = {{"document_id", doc.id},
                {"tenant", tenant},
                {"source", {{"file", source_file}}},
                {"original", {{"sha256", std::string(64, 'a')}}},
                {"page_count", 1},
                {"pages", {{{"blob", *page}, {"width", 40}, {"height", 30}}}},
                {"pdf", {{"sha256", *pdf}, {"media_type", "application/pdf"}}},
                {"ocr", {{"text_blob", *text}}}};
  EXPECT_TRUE((*jobs)->add_document(doc, now_ms(), "test"));
  auto job = (*jobs)->claim("route", "test-worker", now_ms(), 60000);
  EXPECT_TRUE(job && *job);
  if (!job || !*job) return "";
  const std::vector<std::string> stages = {"route"};
  auto done = (*jobs)->complete({(*job)->lease_id, "test-worker", nlohmann::json::object(), "route/1",
                                 std::string("no case number found — enter it"), now_ms()},
                                stages, [](const nlohmann::json&, const std::string& id) { return nlohmann::json{{"event_id", id}}; });
  EXPECT_TRUE(done && *done);
  return doc.id;
}

}  // namespace zpe::testing
