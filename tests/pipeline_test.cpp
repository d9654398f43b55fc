// End-to-end tests of the spine: real `zpe` processes, real ZeroMQ sockets on loopback,
// real Tesseract OCR, on the committed sample letters and on awkward real-world files.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "stages/testing_pdf_checks.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

using namespace std::chrono_literals;

struct Truth {
  std::filesystem::path file;
  nlohmann::json json;
};

std::vector<Truth> sample_truths() {
  std::vector<Truth> out;
  for (const auto& file : sample_letters()) {
    auto truth = file;
    truth += ".truth.json";
    out.push_back({file, read_json(truth)});
  }
  return out;
}

// The casefiles/<tenant>/<case>/<doc>.json written by the reference sink, by document id.
std::map<std::string, nlohmann::json> delivered(const TestHome& home) {
  std::map<std::string, nlohmann::json> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(home.root() / "casefiles", ec)) {
    if (e.path().extension() == ".json") out[e.path().stem().string()] = read_json(e.path());
  }
  return out;
}

std::vector<nlohmann::json> ledger(const TestHome& home) {
  std::vector<nlohmann::json> out;
  std::ifstream in(home.root() / "casefiles" / ".sink-ledger.jsonl");
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

int pdf_pages(const std::filesystem::path& pdf) {
  std::string cmd = "pdfinfo '" + pdf.string() + "' 2>/dev/null | awk '/^Pages:/ {print $2}'";
  FILE* p = popen(cmd.c_str(), "r");
  int pages = -1;
  if (p) {
    if (fscanf(p, "%d", &pages) != 1) pages = -1;
    pclose(p);
  }
  return pages;
}

// Words separated by single spaces: what the character error rate compares.
std::u32string words_of(const std::string& utf8) {
  std::u32string out;
  bool space = false;
  for (size_t i = 0; i < utf8.size();) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    const int extra = byte < 0x80 ? 0 : byte < 0xE0 ? 1 : byte < 0xF0 ? 2 : 3;
    char32_t code = extra == 0 ? byte : byte & (0x3F >> extra);
    for (int k = 1; k <= extra && i + k < utf8.size(); ++k) code = (code << 6) | (utf8[i + k] & 0x3F);
    i += extra + 1;
    if (code == ' ' || code == '\n' || code == '\t' || code == '\f' || code == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(code);
  }
  return out;
}

size_t edit_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// The filed PDF passes qpdf --check, carries the PDF/A-2b markers, and its text layer
// (pdftotext) matches the ground truth. Returns {edit distance, truth length}.
std::pair<size_t, size_t> check_filed_pdf(const std::filesystem::path& pdf, const std::string& truth_text) {
  const auto check = run_command("qpdf --check '" + pdf.string() + "'");
  EXPECT_EQ(check.status, 0) << pdf << "\n" << check.text;
  std::ifstream in(pdf, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto problems = pdfa_problems(bytes);
  EXPECT_TRUE(problems.empty()) << pdf << ": " << ::testing::PrintToString(problems);
  const auto text = run_command("pdftotext -enc UTF-8 '" + pdf.string() + "' -", false);
  const std::u32string expected = words_of(truth_text);
  const size_t distance = edit_distance(words_of(text.text), expected);
  const double cer = static_cast<double>(distance) / std::max<size_t>(1, expected.size());
  std::printf("[ INFO     ] %s: text-layer CER %.2f %% (%zu of %zu characters)\n", pdf.filename().c_str(),
              100.0 * cer, distance, expected.size());
  EXPECT_LT(cer, 0.20) << pdf << " text layer:\n" << text.text;
  return {distance, expected.size()};
}

bool all_settled(TestHome& home, size_t expected) {
  auto docs = home.list_json();
  if (docs.size() != expected) return false;
  for (const auto& d : docs) {
    std::string s = d["state"];
    if (s == "QUEUED" || s == "RUNNING") return false;
  }
  std::string out;
  home.run({"status", "--json"}, &out, 60);
  auto start = out.find('{');
  auto status = nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start), nullptr, false);
  return status.is_object() && status.value("unacked_events", -1) == 0;
}

// Every document that reached a case file must match its ground truth and have been
// written exactly once; every letter without a case number must be in CLEARING.
void expect_samples_filed_correctly(TestHome& home, const std::vector<Truth>& truths) {
  auto docs = home.list_json();
  ASSERT_EQ(docs.size(), truths.size()) << "one document per file dropped, no more, no less";
  auto files = delivered(home);
  size_t errors = 0, characters = 0;
  std::map<std::string, nlohmann::json> by_source;
  for (const auto& d : docs) by_source[d["source_file"]] = d;
  for (const auto& t : truths) {
    std::string name = t.file.filename().string();
    ASSERT_TRUE(by_source.count(name)) << name;
    const auto& doc = by_source[name];
    SCOPED_TRACE(name + " " + doc["document_id"].get<std::string>());
    if (t.json["case_number"].is_null()) {
      EXPECT_EQ(doc["state"], "CLEARING");
      EXPECT_NE(doc["reason"].get<std::string>().find("no case number"), std::string::npos);
      continue;
    }
    ASSERT_EQ(doc["state"], "FILED") << doc.dump();
    std::string id = doc["document_id"];
    ASSERT_TRUE(files.count(id));
    const auto& event = files[id];
    EXPECT_EQ(event["case_number"], t.json["case_number"]);
    EXPECT_EQ(event["letter_date"], t.json["letter_date"]);
    EXPECT_EQ(event["pages"], t.json["pages"]);
    EXPECT_EQ(event["source_file"], name);
    auto pdf = home.root() / "casefiles" / "default" / t.json["case_number"].get<std::string>() / (id + ".pdf");
    EXPECT_EQ(pdf_pages(pdf), t.json["pages"].get<int>());
    const auto [distance, length] = check_filed_pdf(pdf, t.json["text"].get<std::string>());
    errors += distance;
    characters += length;
  }
  // Measured on the committed samples: about 2.4 % (bench/eval_ocr.sh); 5 % is the bound.
  EXPECT_LT(static_cast<double>(errors) / std::max<size_t>(1, characters), 0.05);
  // The sink wrote each event once (duplicates are acknowledged, not written).
  std::set<std::string> written;
  for (const auto& entry : ledger(home)) {
    if (entry["duplicate"].get<bool>()) continue;
    EXPECT_TRUE(written.insert(entry["event_id"]).second) << "event written twice: " << entry.dump();
  }
  EXPECT_EQ(written.size(), files.size());
}

TEST(Pipeline, SampleLettersLandInTheirCaseFilesOrInClearing) {
  auto truths = sample_truths();
  ASSERT_GE(truths.size(), 4u) << "samples/letters is missing";
  TestHome home;
  for (const auto& t : truths) home.drop(t.file);
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "400"}, &out), 0) << out;
  EXPECT_NE(out.find("pages/s"), std::string::npos);
  // Progress as it went (not a terminal: plain lines), the last one when everything was done.
  EXPECT_NE(out.find("zpe run: 0 documents done"), std::string::npos) << out;
  EXPECT_NE(out.find("zpe run: " + std::to_string(truths.size()) + " documents done"), std::string::npos) << out;
  EXPECT_NE(out.find("; 0 to go"), std::string::npos) << out;
  expect_samples_filed_correctly(home, truths);
}

TEST(Pipeline, BadInputIsQuarantinedWithReasonsAndTheRestGoesOn) {
  auto truths = sample_truths();
  ASSERT_FALSE(truths.empty());
  TestHome home;
  auto scratch = home.root() / "scratch";
  std::filesystem::create_directories(scratch);
  std::ofstream(scratch / "empty.tif").close();
  std::ofstream(scratch / "notes.tif") << "Dies ist keine Bilddatei, sondern Text.\n";
  // A truncated TIFF: the first 600 bytes of a real multi-page one.
  std::ifstream whole(truths[0].file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(whole)), {});
  std::ofstream(scratch / "truncated.tif", std::ios::binary) << bytes.substr(0, 600);
  for (const char* name : {"empty.tif", "notes.tif", "truncated.tif"}) home.drop(scratch / name);
  home.drop(truths[0].file);
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "300"}, &out), 0) << out;
  auto quarantined = home.list_json("QUARANTINED");
  ASSERT_EQ(quarantined.size(), 3u) << home.list_json().dump(2);
  for (const auto& d : quarantined) {
    std::string reason = d["reason"];
    EXPECT_FALSE(reason.empty());
    auto kept = home.root() / "quarantine" / "default" / (d["document_id"].get<std::string>() + "-" + d["source_file"].get<std::string>());
    EXPECT_TRUE(std::filesystem::exists(kept)) << kept;
    EXPECT_TRUE(std::filesystem::exists(kept.string() + ".reason.txt"));
  }
  auto good = home.list_json();
  int settled_good = 0;
  for (const auto& d : good) {
    if (d["source_file"] == truths[0].file.filename().string()) {
      EXPECT_TRUE(d["state"] == "FILED" || d["state"] == "CLEARING") << d.dump();
      ++settled_good;
    }
  }
  EXPECT_EQ(settled_good, 1);
}

TEST(Pipeline, WorkerKilledMidJobDocumentStillCompletes) {
  auto truths = sample_truths();
  ASSERT_GE(truths.size(), 2u);
  TestHome home("[workers]\nocr = 1\n");
  pid_t run = home.start("run", {"run"});
  home.drop(truths[0].file);
  home.drop(truths[1].file);
  // Wait until the OCR worker holds a job, then kill it without warning.
  std::string victim_doc;
  ASSERT_TRUE(wait_until([&] {
    for (const auto& d : home.list_json("RUNNING")) {
      if (d["stage"] == "ocr") {
        victim_doc = d["document_id"];
        return true;
      }
    }
    return false;
  }, 120s)) << home.log("run");
  auto workers = child_pids(run, "--stage ocr");
  ASSERT_EQ(workers.size(), 1u);
  kill(workers[0], SIGKILL);
  ASSERT_TRUE(wait_until([&] { return all_settled(home, 2); }, 240s)) << home.log("run");
  std::string show;
  ASSERT_EQ(home.run({"show", victim_doc, "--json"}, &show), 0);
  auto record = nlohmann::json::parse(show.substr(show.find('{')));
  EXPECT_TRUE(record["state"] == "FILED" || record["state"] == "CLEARING") << record["state"];
  int ocr_runs = 0;
  for (const auto& r : record["stage_runs"]) ocr_runs += r["stage"] == "ocr";
  EXPECT_GE(ocr_runs, 2) << "the killed attempt and the one that finished";
  EXPECT_NE(home.log("run").find("killed by signal 9"), std::string::npos);
  kill(run, SIGTERM);
  int status = 0;
  waitpid(run, &status, 0);
  EXPECT_TRUE(WIFEXITED(status)) << "zpe run stops cleanly on SIGTERM";
}

TEST(Pipeline, DispatcherRestartedMidRunLosesAndDuplicatesNothing) {
  auto truths = sample_truths();
  ASSERT_GE(truths.size(), 4u);
  truths.resize(4);
  TestHome home;
  pid_t run = home.start("run", {"run"});
  for (const auto& t : truths) home.drop(t.file);
  // Let some work happen, then kill the dispatcher hard; the supervisor restarts it.
  ASSERT_TRUE(wait_until([&] {
    int past_prepare = 0;
    for (const auto& d : home.list_json()) past_prepare += d["stage"] != "prepare";
    return past_prepare >= 2;
  }, 120s)) << home.log("run");
  auto dispatchers = child_pids(run, " dispatcher");
  ASSERT_EQ(dispatchers.size(), 1u);
  kill(dispatchers[0], SIGKILL);
  // One look at the children per poll: the restarted dispatcher may exit again between two
  // looks (its port not yet free), and indexing a second, empty look crashed this test.
  ASSERT_TRUE(wait_until([&] {
    const auto now = child_pids(run, " dispatcher");
    return now.size() == 1 && now[0] != dispatchers[0];
  }, 30s));
  ASSERT_TRUE(wait_until([&] { return all_settled(home, truths.size()); }, 300s)) << home.log("run");
  expect_samples_filed_correctly(home, truths);
  kill(run, SIGTERM);
  waitpid(run, nullptr, 0);
}

TEST(Pipeline, RealWorldFilesEndProcessedOrQuarantinedWithAReason) {
  std::filesystem::path dir = std::filesystem::path(ZPE_SOURCE_DIR) / ".." / "shared" / "realworld";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no ../shared/realworld beside the project";
  TestHome home("[workers]\nocr = 2\n");
  int dropped = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".md") continue;
    home.drop(e.path());
    ++dropped;
  }
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "500"}, &out), 0) << out;
  EXPECT_EQ(out.find("killed by signal"), std::string::npos) << "no process may crash:\n" << out;
  auto docs = home.list_json();
  ASSERT_EQ(docs.size(), static_cast<size_t>(dropped));
  for (const auto& d : docs) {
    SCOPED_TRACE(d.dump());
    std::string state = d["state"];
    EXPECT_TRUE(state == "FILED" || state == "CLEARING" || state == "QUARANTINED");
    if (state != "FILED") {
      EXPECT_FALSE(d["reason"].is_null());
    }
  }
}

}  // namespace
}  // namespace zpe::testing
