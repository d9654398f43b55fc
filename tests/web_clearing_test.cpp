// The clearing station's API over real documents: an operator sees and acts on their own
// tenants' documents only, and two operators releasing one document at once file it once.
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/harness.h"
#include "tests/web_client.h"

namespace zpe::testing {
namespace {

const std::string kPassword = "correct horse battery";
const std::string kTwoTenants = "[tenants.a]\n[tenants.b]\n";

std::set<std::string> listed_ids(WebClient& client, const std::string& query) {
  std::set<std::string> ids;
  Answer a = client.get("/api/documents" + query);
  EXPECT_EQ(a.status, 200) << query << " " << a.body;
  for (const auto& d : a.json().value("documents", nlohmann::json::array())) ids.insert(d.value("document_id", ""));
  return ids;
}

TEST(Web, Web_OperatorOfTenantAGets404ForTenantBDocument) {
  TestHome home(kTwoTenants);
  add_web_user(home, "alice", web::Role::kOperator, {"a"}, kPassword);
  add_web_user(home, "root", web::Role::kAdmin, {}, kPassword);
  const std::string mine = add_clearing_document(home, "a", "a-letter.tif");
  const std::string theirs = add_clearing_document(home, "b", "b-letter.tif");
  ASSERT_TRUE(start_web(home)) << home.log("web");
  WebClient alice(home.web_port());
  ASSERT_EQ(alice.login("alice", kPassword).status, 200);

  EXPECT_EQ(listed_ids(alice, ""), std::set<std::string>{mine});
  EXPECT_EQ(listed_ids(alice, "?state=CLEARING&tenant=b"), std::set<std::string>{});
  EXPECT_EQ(listed_ids(alice, "?q=b-letter"), std::set<std::string>{});
  EXPECT_EQ(listed_ids(alice, "?q=" + theirs), std::set<std::string>{});
  Answer counts = alice.get("/api/clearing/counts");
  EXPECT_EQ(counts.json().value("total", -1), 1) << counts.body;
  EXPECT_FALSE(counts.json()["by_tenant"].contains("b")) << counts.body;
  EXPECT_TRUE(counts.json()["overdue_court_packages"].is_array()) << counts.body;

  const Answer missing = alice.get("/api/documents/D20260101-000000");
  EXPECT_EQ(missing.status, 404);
  const std::string doc = "/api/documents/" + theirs;
  for (const std::string& path : std::vector<std::string>{doc, doc + "/pages/1.png", doc + "/pages/1.png?size=100", doc + "/pdf", doc + "/text"}) {
    Answer a = alice.get(path);
    EXPECT_EQ(a.status, 404) << path << " " << a.body;
    EXPECT_EQ(a.json().value("kind", ""), "not_found") << path;
    EXPECT_EQ(a.body.find("b-letter"), std::string::npos) << "nothing of B's document shows: " << a.body;
  }
  const std::vector<std::pair<std::string, nlohmann::json>> actions = {
      {"/release", {{"version", 1}}},           {"/file-anyway", {{"version", 1}}},
      {"/rescan", {{"version", 1}, {"note", "x"}}}, {"/reject", {{"version", 1}, {"reason", "x"}}},
      {"/pages/1/rotate", {{"version", 1}, {"degrees", 90}}}, {"/pages/1/drop", {{"version", 1}}},
      {"/resplit", {{"version", 1}, {"first_pages", {1}}}}, {"/link-rescan", {{"version", 1}, {"replaces", mine}}}};
  for (const auto& [action, body] : actions) {
    Answer a = alice.post(doc + action, body);
    EXPECT_EQ(a.status, 404) << action << " " << a.body;
  }
  EXPECT_EQ(alice.get("/api/registry/check?tenant=b&case_number=1234567-123").status, 404);

  // The admin sees both, and B's document is untouched.
  WebClient root(home.web_port());
  ASSERT_EQ(root.login("root", kPassword).status, 200);
  EXPECT_EQ(listed_ids(root, "?state=CLEARING"), (std::set<std::string>{mine, theirs}));
  Answer detail = root.get(doc);
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(detail.json().value("state", ""), "CLEARING");
  EXPECT_EQ(detail.json().value("tenant", ""), "b");
  EXPECT_TRUE(detail.json()["audit"].is_array());
  Answer png = root.get(doc + "/pages/1.png?size=20");
  EXPECT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.header("Content-Type"), "image/png");
  EXPECT_EQ(root.get(doc + "/pdf").header("Content-Type"), "application/pdf");
}

TEST(Web, Web_TwoConcurrentReleasesOfOneDocumentFileItOnce) {
  // letter-0008.jpg names case 8193707-438, closed in the registry: it stops in CLEARING.
  TestHome home("[stages.route]\nregistry = \"registry/cases.sqlite\"\n");
  std::string out;
  ASSERT_EQ(home.run({"registry", "import", std::string(ZPE_SOURCE_DIR) + "/samples/case_registry.csv"}, &out, 60), 0)
      << out;
  ASSERT_EQ(home.run({"registry", "close", "8193707-438"}, &out, 60), 0) << out;
  home.drop(std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "letters" / "letter-0008.jpg");
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "400"}, &out), 0) << out;
  add_web_user(home, "alice", web::Role::kOperator, {"default"}, kPassword);
  add_web_user(home, "bob", web::Role::kOperator, {"default"}, kPassword);
  ASSERT_TRUE(start_web(home)) << home.log("web");

  WebClient alice(home.web_port()), bob(home.web_port());
  ASSERT_EQ(alice.login("alice", kPassword).status, 200);
  ASSERT_EQ(bob.login("bob", kPassword).status, 200);
  Answer list = alice.get("/api/documents?state=CLEARING");
  auto documents = list.json().value("documents", nlohmann::json::array());
  ASSERT_EQ(documents.size(), 1u) << list.body;
  const std::string id = documents[0].value("document_id", "");
  const int64_t version = documents[0].value("version", int64_t{-1});
  // Both operators saw the same version and correct the case number to an open case.
  const nlohmann::json release = {{"version", version}, {"corrections", {{"case_number", "8513179-224"}}}};
  Answer first, second;
  std::thread a([&] { first = alice.post("/api/documents/" + id + "/release", release); });
  std::thread b([&] { second = bob.post("/api/documents/" + id + "/release", release); });
  a.join();
  b.join();
  EXPECT_EQ(std::multiset<int>({first.status, second.status}), (std::multiset<int>{200, 409}))
      << first.body << "\n" << second.body;
  const Answer& conflict = first.status == 409 ? first : second;
  EXPECT_EQ(conflict.json().value("kind", ""), "conflict") << conflict.body;

  // The pipeline takes it on (its own web child finds the port taken and is retried:
  // the run finishes all the same).
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "400"}, &out), 0) << out;
  Answer detail = alice.get("/api/documents/" + id);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const nlohmann::json filed_document = detail.json();
  EXPECT_EQ(filed_document.value("state", ""), "FILED") << detail.body;
  const nlohmann::json audit = filed_document.value("audit", nlohmann::json::array());
  int filed = 0, released = 0;
  for (const auto& entry : audit) {
    filed += entry.value("action", "") == "filed";
    released += entry.value("action", "") == "released";
  }
  EXPECT_EQ(filed, 1) << audit.dump(1);
  EXPECT_EQ(released, 1) << audit.dump(1);
  int pdfs = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(home.root() / "casefiles")) {
    pdfs += entry.path().filename() == id + ".pdf";
  }
  EXPECT_EQ(pdfs, 1) << "one case-file PDF for the document";
  EXPECT_TRUE(std::filesystem::exists(home.root() / "casefiles" / "default" / "8513179-224" / (id + ".pdf")));
}

}  // namespace
}  // namespace zpe::testing
