// End-to-end test of the case-file feed under `zpe run`: a case system (the reference sink)
// that is offline while 100 documents are filed catches up with nothing lost or doubled, in
// per-case order, even when it crashes on the way; `zpe events replay` sends events again
// and the sink still holds each once; two tenants with the same case numbers never share a
// case file, and each is counted into its own tenant's registry. The documents are filed
// through the job store directly (with real PDFs in the blob store): the feed is the point
// here, not OCR, so no stage workers run.
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "connectors/case_registry_db.h"
#include "connectors/casefile_event.h"
#include "pipeline/blob_store.h"
#include "pipeline/job_store.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::vector<std::string> kCases = {"8123456-423", "8234567-534", "8345678-645", "8456789-756", "8567890-867"};

// `zpe run` with the feed, the sink, intake and web, but no stage workers and no archiver.
// Tenant "branch" has a registry of its own; "default" uses the global one.
const char* kConfig = R"(
[workers]
prepare = 0
split = 0
quality = 0
ocr = 0
classify = 0
sign = 0
route = 0
[archive]
enabled = false
[stages.route]
registry = "registry/cases.sqlite"
[tenants.branch]
display_name = "Branch office"
[tenants.branch.stages.route]
registry = "registry/branch.sqlite"
)";

// A small valid one-page PDF showing `text`.
std::string tiny_pdf(const std::string& text) {
  const std::string content = "BT /F1 12 Tf 72 770 Td (" + text + ") Tj ET";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
      "/Contents 4 0 R >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  return pdf + "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
}

struct Filed {
  std::string document_id, tenant, case_number, pdf_sha256;
};

class FeedCatchUp : public ::testing::Test {
 protected:
  void SetUp() override {
    run_ = home_.start("run", {"run"});
    ASSERT_TRUE(wait_until([&] { return !child_pids(run_, "casefile-sink").empty(); }, 30s)) << home_.log("run");
    auto jobs = JobStore::open(home_.root() / "var" / "jobs.sqlite");
    ASSERT_TRUE(jobs) << jobs.error().message;
    jobs_ = std::move(*jobs);
    blobs_ = std::make_unique<BlobStore>(home_.root() / "var" / "blobs");
  }
  void TearDown() override {
    if (stopped_sink_ > 0) kill(stopped_sink_, SIGCONT);  // a failed test may leave it stopped
    if (run_ > 0) {
      kill(run_, SIGTERM);
      waitpid(run_, nullptr, 0);
    }
  }

  pid_t sink_pid() {
    auto pids = child_pids(run_, "casefile-sink");
    return pids.empty() ? -1 : pids[0];
  }

  // Files a document the way the route stage's result does, with its signed PDF's bytes in
  // the blob store; its event enters the outbox in the same transaction.
  void file(const std::string& tenant, const std::string& case_number) {
    const int n = static_cast<int>(filed_.size()) + 1;
    const std::string pdf = tiny_pdf("Schreiben " + std::to_string(n) + " zum Aktenzeichen " + case_number);
    auto sha = blobs_->put(pdf);
    ASSERT_TRUE(sha);
    const std::string name = "letter-" + std::to_string(n) + ".pdf";
    NewDocument doc{new_document_id(), tenant, name, sha256_hex(pdf), {}, "route", ""};
    doc.record = {{"document_id", doc.id},
                  {"tenant", tenant},
                  {"source", {{"file", name}}},
                  {"original", {{"sha256", doc.sha256_original}}},
                  {"page_count", 1}};
    const int64_t now = now_ms();
    ASSERT_TRUE(jobs_->add_document(doc, now, "intake"));
    auto job = jobs_->claim("route", "feed-test", now, 60000);
    ASSERT_TRUE(job && *job && (*job)->document_id == doc.id);
    nlohmann::json patch = {
        {"classification", {{"case_number", case_number}, {"doc_type", "Schriftsatz"}, {"letter_date", "2026-11-30"}}},
        {"pdf", {{"sha256", *sha}, {"size", pdf.size()}}},
        {"route", {{"target", "casefile"}, {"case_number", case_number}}}};
    auto done = jobs_->complete({(*job)->lease_id, "feed-test", patch, "route/test", std::nullopt, now}, {"route"},
                                build_filed_event);
    ASSERT_TRUE(done && *done);
    filed_.push_back({doc.id, tenant, case_number, *sha});
  }

  std::vector<nlohmann::json> ledger(bool duplicates) const {
    std::vector<nlohmann::json> out;
    std::ifstream in(home_.root() / "casefiles" / ".sink-ledger.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      auto entry = nlohmann::json::parse(line, nullptr, false);
      if (entry.is_object() && entry.value("duplicate", false) == duplicates) out.push_back(entry);
    }
    return out;
  }

  bool all_acknowledged() {
    auto in_flight = jobs_->in_flight();
    return in_flight && *in_flight == 0;
  }

  // Every case file the sink wrote: <tenant>/<case>/<document id>.json, by document id.
  std::multimap<std::string, fs::path> written_case_files() const {
    std::multimap<std::string, fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(home_.root() / "casefiles")) {
      if (e.path().extension() == ".json") out.emplace(e.path().stem().string(), e.path());
    }
    return out;
  }

  // Each filed document is in exactly one case file, its tenant's, with its own PDF; the
  // ledger wrote each event once, each case's events in their case_seq order 1, 2, 3 ...
  void expect_each_document_filed_once() {
    const auto files = written_case_files();
    EXPECT_EQ(files.size(), filed_.size());
    for (const auto& doc : filed_) {
      SCOPED_TRACE(doc.document_id);
      ASSERT_EQ(files.count(doc.document_id), 1u);
      const fs::path json = files.find(doc.document_id)->second;
      EXPECT_EQ(json.parent_path(), home_.root() / "casefiles" / doc.tenant / doc.case_number);
      EXPECT_EQ(read_json(json)["tenant"], doc.tenant);
      std::ifstream pdf(fs::path(json).replace_extension(".pdf"), std::ios::binary);
      EXPECT_EQ(sha256_hex(std::string((std::istreambuf_iterator<char>(pdf)), {})), doc.pdf_sha256);
    }
    std::set<std::string> events;
    std::map<std::pair<std::string, std::string>, int64_t> last_in_case;
    for (const auto& entry : ledger(false)) {
      EXPECT_TRUE(events.insert(entry["event_id"]).second) << "written twice: " << entry.dump();
      auto& last = last_in_case[{entry["tenant"], entry["case_number"]}];
      EXPECT_EQ(entry["case_seq"].get<int64_t>(), last + 1) << "out of order in its case: " << entry.dump();
      last = entry["case_seq"];
    }
    EXPECT_EQ(events.size(), filed_.size());
  }

  // documents_filed per case of `tenant` in the registry file; every row must be the tenant's.
  std::map<std::string, int64_t> registry_counts(const std::string& file, const std::string& tenant) {
    auto db = CaseRegistryDb::open(home_.root() / "registry" / file, CaseRegistryDb::OpenMode::kExisting);
    EXPECT_TRUE(db) << file;
    std::map<std::string, int64_t> out;
    if (!db) return out;
    auto cases = (*db)->list("");
    EXPECT_TRUE(cases) << file;
    if (!cases) return out;
    for (const auto& c : *cases) {
      EXPECT_EQ(c.registered.tenant, tenant) << file << " holds a case of another tenant";
      out[c.registered.case_number] = c.documents_filed;
    }
    return out;
  }
  std::map<std::string, int64_t> expected_counts(const std::string& tenant) const {
    std::map<std::string, int64_t> out;
    for (const auto& doc : filed_) out[doc.case_number] += doc.tenant == tenant;
    return out;
  }

  // How often each event id was written to the ledger as a replayed duplicate.
  std::map<std::string, int> replays_acknowledged() const {
    std::map<std::string, int> out;
    for (const auto& entry : ledger(true)) {
      if (entry.value("replay", false)) ++out[entry["event_id"]];
    }
    return out;
  }

  TestHome home_{kConfig};
  pid_t run_ = -1;
  pid_t stopped_sink_ = -1;
  std::unique_ptr<JobStore> jobs_;
  std::unique_ptr<BlobStore> blobs_;
  std::vector<Filed> filed_;
};

TEST_F(FeedCatchUp, OfflineConsumerCatchesUpInCaseOrderAndReplaysNeverDoubleAFiling) {
  // `zpe run` hands the sink each tenant's own registry.
  EXPECT_EQ(child_pids(run_, "--tenant-registry branch=" + (home_.root() / "registry" / "branch.sqlite").string()).size(),
            1u);
  EXPECT_EQ(child_pids(run_, "default=" + (home_.root() / "registry" / "cases.sqlite").string()).size(), 1u);

  // Online: the same case number in both tenants.
  file("default", kCases[0]);
  file("branch", kCases[0]);
  ASSERT_TRUE(wait_until([&] { return ledger(false).size() == 2 && all_acknowledged(); }, 30s)) << home_.log("run");

  // Offline: the sink hangs while 100 documents are filed, until the feed gives it up.
  const pid_t sink = sink_pid();
  ASSERT_GT(sink, 0);
  ASSERT_EQ(kill(sink, SIGSTOP), 0);
  stopped_sink_ = sink;
  for (int i = 0; i < 100; ++i) file(i % 4 == 3 ? "branch" : "default", kCases[i % kCases.size()]);
  ASSERT_TRUE(wait_until([&] { return home_.log("run").find("gone quiet") != std::string::npos; }, 30s));
  EXPECT_EQ(ledger(false).size(), 2u);
  EXPECT_EQ(*jobs_->in_flight(), 100);

  // Back, and killed once while catching up: the restarted sink goes on from its ledger.
  ASSERT_EQ(kill(sink, SIGCONT), 0);
  stopped_sink_ = -1;
  ASSERT_TRUE(wait_until([&] { return ledger(false).size() >= 30; }, 60s)) << home_.log("run");
  ASSERT_EQ(kill(sink, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return all_acknowledged() && ledger(false).size() == filed_.size(); }, 90s))
      << home_.log("run");
  ASSERT_NE(sink_pid(), sink) << "the supervisor restarted the sink";
  expect_each_document_filed_once();
  EXPECT_EQ(home_.log("run").find("held until"), std::string::npos) << "the feed itself kept each case in order";
  EXPECT_EQ(registry_counts("cases.sqlite", "default"), expected_counts("default"));
  EXPECT_EQ(registry_counts("branch.sqlite", "branch"), expected_counts("branch"));

  // A replay from the 50th event: everything after it comes again, marked; nothing doubles.
  auto events = jobs_->list_events({});
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), filed_.size());
  const std::string since = (*events)[49].event_id;
  std::string out;
  EXPECT_EQ(home_.run({"events", "replay", "--since", "Eno-such-event"}, &out, 60), 4) << out;
  EXPECT_EQ(home_.run({"events", "replay", "--since", since, "--tenant", "nobody"}, &out, 60), 2) << out;
  ASSERT_EQ(home_.run({"events", "replay", "--since", since}, &out, 60), 0) << out;
  EXPECT_NE(out.find(std::to_string(events->size() - 50) + " queued"), std::string::npos) << out;
  ASSERT_TRUE(wait_until([&] { return all_acknowledged(); }, 60s)) << home_.log("run");
  auto replays = replays_acknowledged();
  EXPECT_EQ(replays.size(), events->size() - 50);
  for (size_t i = 50; i < events->size(); ++i) EXPECT_EQ(replays[(*events)[i].event_id], 1) << i;
  expect_each_document_filed_once();
  EXPECT_EQ(registry_counts("cases.sqlite", "default"), expected_counts("default"));
  EXPECT_EQ(registry_counts("branch.sqlite", "branch"), expected_counts("branch"));

  // Only one tenant's: the branch's events after the same point.
  size_t branch_after = 0;
  for (size_t i = 50; i < events->size(); ++i) branch_after += (*events)[i].tenant == "branch";
  ASSERT_EQ(home_.run({"events", "replay", "--since", since, "--tenant", "branch"}, &out, 60), 0) << out;
  EXPECT_NE(out.find(std::to_string(branch_after) + " queued"), std::string::npos) << out;
  ASSERT_TRUE(wait_until([&] { return all_acknowledged(); }, 60s)) << home_.log("run");
  replays = replays_acknowledged();
  for (size_t i = 50; i < events->size(); ++i) {
    EXPECT_EQ(replays[(*events)[i].event_id], (*events)[i].tenant == "branch" ? 2 : 1) << i;
  }
  expect_each_document_filed_once();
  ASSERT_EQ(home_.run({"events", "list", "--since", since, "--tenant", "branch", "--json"}, &out, 60), 0) << out;
  ASSERT_NE(out.find("[\n"), std::string::npos) << out;
  const auto listed = nlohmann::json::parse(out.substr(out.find("[\n")), nullptr, false);
  ASSERT_TRUE(listed.is_array()) << out;
  ASSERT_EQ(listed.size(), branch_after);
  for (const auto& e : listed) {
    EXPECT_EQ(e["tenant"], "branch");
    EXPECT_FALSE(e["acked_ms"].is_null());
    EXPECT_FALSE(e["replay_pending"].get<bool>());
    EXPECT_GE(e["deliveries"].get<int>(), 3) << "sent, replayed, replayed again";
  }
}

}  // namespace
}  // namespace zpe::testing
