// End to end: a long document through `zpe run` whose OCR worker is killed with SIGKILL in
// the middle (docs/ARCHITECTURE.md "Page checkpoints"). The next attempt recognises only the
// pages the killed one had not recorded, and the document ends with the text — and a PDF
// with the text — of the same file run without interruption.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "pipeline/blob_store.h"
#include "stages/testing_scans.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A multi-page G4 TIFF of the sample letters' pages, at least `pages` of them; returns how
// many it holds.
int write_long_document(const std::filesystem::path& file, int pages) {
  Pixa* all = pixaCreate(0);
  for (const SamplePage& page : sample_pages()) {
    if (pixaGetCount(all) >= pages) break;
    PixPtr bilevel(pixGetDepth(page.image.get()) == 1 ? pixClone(page.image.get()) : pixConvertTo1(page.image.get(), 160));
    pixCopyResolution(bilevel.get(), page.image.get());
    pixaAddPix(all, bilevel.get(), L_CLONE);
  }
  const int count = pixaGetCount(all);
  const bool written = pixaWriteMultipageTiff(file.c_str(), all) == 0;
  pixaDestroy(&all);
  return written ? count : 0;
}

// Pages of `stage` recorded in the job store's page_checkpoints table now.
int recorded_pages(const TestHome& home, const std::string& stage) {
  sqlite3* db = nullptr;
  int count = -1;
  if (sqlite3_open((home.root() / "var" / "jobs.sqlite").c_str(), &db) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM page_checkpoints WHERE stage = ?", -1, &s, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, stage.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(s) == SQLITE_ROW) count = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return count;
}

bool settled(TestHome& home, std::size_t expected) {
  const auto docs = home.list_json();
  if (docs.size() != expected) return false;
  for (const auto& d : docs) {
    if (d["state"] == "QUEUED" || d["state"] == "RUNNING") return false;
  }
  return true;
}

// `zpe show <id> --json`: the document with its record and stage runs.
json show(TestHome& home, const std::string& id) {
  std::string out;
  EXPECT_EQ(home.run({"show", id, "--json"}, &out, 60), 0) << out;
  return json::parse(out.substr(out.find('{')), nullptr, false);
}

std::string pdf_text(const TestHome& home, const std::string& sha256) {
  const auto path = BlobStore(home.root() / "var" / "blobs").path_of(sha256);
  FILE* p = popen(("pdftotext -layout '" + path.string() + "' - 2>&1").c_str(), "r");
  std::string text;
  if (p == nullptr) return text;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, p)) text.append(buffer, n);
  pclose(p);
  return text;
}

TEST(PageCheckpoints, OcrWorkerKilledMidDocumentRecognisesOnlyTheRemainingPages) {
  TestHome home("[workers]\nocr = 1\n");
  const auto file = home.root() / "case-file-1987.tif";
  const int pages = write_long_document(file, 10);
  ASSERT_GE(pages, 10) << "the sample letters give too few pages";
  const pid_t run = home.start("run", {"run"});
  home.drop(file);

  // Kill the OCR worker without warning once it has recorded 3 pages of the document.
  ASSERT_TRUE(wait_until([&] { return recorded_pages(home, "ocr") >= 3; }, 300s)) << home.log("run");
  const auto workers = child_pids(run, "--stage ocr");
  ASSERT_EQ(workers.size(), 1u);
  kill(workers[0], SIGKILL);
  std::this_thread::sleep_for(500ms);  // a checkpoint already on its way is recorded or refused by now
  const int recorded = recorded_pages(home, "ocr");
  ASSERT_GE(recorded, 3);
  ASSERT_LT(recorded, pages) << "the worker finished before it was killed";

  ASSERT_TRUE(wait_until([&] { return settled(home, 1); }, 300s)) << home.log("run");
  const std::string id = home.list_json()[0]["document_id"];
  const json resumed = show(home, id);
  // The killed attempt's lease ran out ("lost"), then one attempt finished. On a loaded
  // machine a retry's lease can run out too (4 s without a heartbeat in the test config):
  // every run before the last must be "lost", none may have failed.
  std::vector<std::string> ocr_outcomes;
  for (const auto& r : resumed["stage_runs"]) {
    if (r["stage"] == "ocr") ocr_outcomes.push_back(r.value("outcome", ""));
  }
  ASSERT_GE(ocr_outcomes.size(), 2u) << resumed["stage_runs"].dump();
  EXPECT_EQ(ocr_outcomes.back(), "done") << resumed["stage_runs"].dump();
  for (size_t i = 0; i + 1 < ocr_outcomes.size(); ++i) {
    EXPECT_EQ(ocr_outcomes[i], "lost") << "run " << i + 1 << ": " << resumed["stage_runs"].dump() << "\n"
                                       << home.log("run");
  }
  if (ocr_outcomes.size() > 2) std::printf("[ INFO     ] %zu ocr runs: %s\n", ocr_outcomes.size(), resumed["stage_runs"].dump().c_str());
  // The retry took every recorded page from its checkpoint and recognised only the others.
  std::smatch took;
  const std::string log = home.log("run");
  ASSERT_TRUE(std::regex_search(log, took, std::regex(R"(ocr took (\d+) of (\d+) pages from an earlier attempt's checkpoints)")))
      << log;
  EXPECT_EQ(std::stoi(took[1]), recorded);
  EXPECT_EQ(std::stoi(took[2]), pages);
  EXPECT_EQ(recorded_pages(home, "ocr"), 0) << "the stage completed: its checkpoints are deleted";

  // The same file again, under another name, without interruption: the same text.
  const auto again = home.root() / "case-file-1987-again.tif";
  std::filesystem::copy_file(file, again);
  home.drop(again);
  ASSERT_TRUE(wait_until([&] { return settled(home, 2); }, 300s)) << home.log("run");
  std::string other_id;
  for (const auto& d : home.list_json()) {
    if (d["document_id"] != id) other_id = d["document_id"];
  }
  const json uninterrupted = show(home, other_id);
  const json& a = resumed.contains("record") ? resumed["record"] : resumed;
  const json& b = uninterrupted.contains("record") ? uninterrupted["record"] : uninterrupted;
  EXPECT_EQ(a["page_count"], pages);
  EXPECT_EQ(a["ocr"]["text_blob"], b["ocr"]["text_blob"]) << "the resumed document's text differs";
  EXPECT_EQ(a["ocr"]["pages"], b["ocr"]["pages"]);
  // The ocr stage's PDF (the sign stage keeps it as pdf_unsigned when it signs).
  const auto ocr_pdf = [](const json& record) { return record.contains("pdf_unsigned") ? record["pdf_unsigned"] : record["pdf"]; };
  EXPECT_EQ(ocr_pdf(a).value("page_images", json()), ocr_pdf(b).value("page_images", json()));
  const json steps = b["step_ms"]["ocr"];
  std::printf("[ INFO     ] %d pages; killed with %d recorded; the retry took %s from checkpoints; uninterrupted ocr: "
              "recognise %.0f ms, checkpoint %.0f ms (summed over pages and lanes)\n",
              pages, recorded, took[1].str().c_str(), steps.value("recognise", 0.0), steps.value("checkpoint", 0.0));
  const std::string text = pdf_text(home, ocr_pdf(a)["sha256"]);
  EXPECT_GT(text.size(), 1000u) << text;
  EXPECT_EQ(text, pdf_text(home, ocr_pdf(b)["sha256"])) << "the PDFs differ only in their date (received_at)";

  kill(run, SIGTERM);
  int status = 0;
  waitpid(run, &status, 0);
}

}  // namespace
}  // namespace zpe::testing
