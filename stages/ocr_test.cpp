#include "stages/ocr.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include <podofo/podofo.h>

#include "pipeline/durable_file.h"
#include "stages/one_openmp_thread.h"
#include "stages/prepare.h"
#include "stages/testing_blob_access.h"
#include "stages/testing_page_checkpoints.h"
#include "stages/testing_page_images.h"
#include "stages/testing_pdf_checks.h"

namespace zpe {
namespace {

using nlohmann::json;
using testing::InMemoryBlobAccess;

// One Tesseract model for the whole suite: loading it is the slow part, as in a worker.
class OcrStageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto made = make_ocr_stage({{"language", "deu"}});
    ASSERT_TRUE(made) << made.error().message;
    stage_ = made->release();
  }
  static void TearDownTestSuite() {
    delete stage_;
    stage_ = nullptr;
  }

  // A record whose pages are `images`, stored as prepare would store them.
  json record_with_pages(const std::vector<Pix*>& images) {
    json pages = json::array();
    for (std::size_t i = 0; i < images.size(); ++i) {
      auto png = encode_png(images[i]);
      EXPECT_TRUE(png);
      pages.push_back({{"page", i + 1}, {"blob", blobs_.put(*png)}, {"width", pixGetWidth(images[i])},
                       {"height", pixGetHeight(images[i])}, {"dpi_x", pixGetXRes(images[i])},
                       {"dpi_y", pixGetYRes(images[i])}, {"depth", pixGetDepth(images[i])}});
    }
    return {{"source", {{"file", "letter.tif"}}}, {"pages", pages}};
  }

  StageOutcome run(Stage& stage, const json& record, const json& settings = json::object()) {
    return stage.run(StageContext{record, settings, blobs_});
  }

  static Stage* stage_;
  InMemoryBlobAccess blobs_;
};

Stage* OcrStageTest::stage_ = nullptr;

TEST_F(OcrStageTest, OcrStage_ReadsCaseNumberFromA4PageAt300Dpi) {
  PixPtr page = testing::render_text_page({"Bundesamt fuer Migration", "Az.: 8123456-423", "Nuernberg, 12.03.2025"});
  PixPtr bilevel = testing::to_bilevel(page.get());
  const json record = record_with_pages({bilevel.get()});
  const auto started = std::chrono::steady_clock::now();
  const auto outcome = run(*stage_, record);
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  std::printf("[ INFO     ] OCR of one 300-dpi A4 page took %lld ms\n", static_cast<long long>(elapsed_ms));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& ocr = outcome->patch["ocr"];
  const std::string text = blobs_.get(ocr["text_blob"]);
  EXPECT_NE(text.find("8123456-423"), std::string::npos) << text;
  EXPECT_EQ(ocr["language"], "deu");
  EXPECT_EQ(ocr["engine"].get<std::string>().rfind("tesseract 5", 0), 0u);
  ASSERT_EQ(ocr["pages"].size(), 1u);
  EXPECT_EQ(ocr["pages"][0]["page"], 1);
  EXPECT_GE(ocr["pages"][0]["words"].get<int>(), 6);
  EXPECT_GT(ocr["pages"][0]["confidence"].get<double>(), 50.0);
  EXPECT_EQ(ocr["confidence"], ocr["pages"][0]["confidence"]);
  EXPECT_EQ(blobs_.get(ocr["pages"][0]["text_blob"]), text);
}

TEST_F(OcrStageTest, OcrStage_BlankPageHasNoWordsAndZeroConfidence) {
  PixPtr blank = testing::render_text_page({}, 1240, 1754, 150);
  const auto outcome = run(*stage_, record_with_pages({blank.get()}));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_EQ(outcome->patch["ocr"]["pages"][0]["words"], 0);
  EXPECT_EQ(outcome->patch["ocr"]["pages"][0]["confidence"], 0.0);
  EXPECT_EQ(outcome->patch["ocr"]["confidence"], 0.0);
}

TEST_F(OcrStageTest, OcrStage_JoinsPagesWithFormFeedAndWeightsConfidenceByWords) {
  PixPtr first = testing::render_text_page({"Seite eins Aktenzeichen"}, 1240, 600, 150);
  PixPtr blank = testing::render_text_page({}, 1240, 600, 150);
  const auto outcome = run(*stage_, record_with_pages({first.get(), blank.get()}));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& ocr = outcome->patch["ocr"];
  const std::string text = blobs_.get(ocr["text_blob"]);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\f'), 1) << text;
  EXPECT_EQ(text.substr(0, text.find('\f')), blobs_.get(ocr["pages"][0]["text_blob"]));
  EXPECT_EQ(ocr["pages"][1]["words"], 0);
  EXPECT_EQ(ocr["confidence"], ocr["pages"][0]["confidence"]) << "a blank page must not drag the mean down";
}

TEST_F(OcrStageTest, OcrStage_RecognisesPagesOnSeveralThreadsAndKeepsTheirOrder) {
  std::vector<PixPtr> owned;
  std::vector<Pix*> pages;
  for (int i = 1; i <= 5; ++i) {
    owned.push_back(testing::render_text_page({"Seite " + std::to_string(i) + " Aktenzeichen"}, 1240, 400, 150));
    pages.push_back(owned.back().get());
  }
  const json record = record_with_pages(pages);
  auto one = run(*stage_, record, {{"page_threads", 1}});
  auto three = run(*stage_, record, {{"page_threads", 3}});
  ASSERT_TRUE(one && three);
  const std::string text = blobs_.get(three->patch["ocr"]["text_blob"]);
  for (int i = 1; i <= 5; ++i) {
    const std::string page_text = blobs_.get(three->patch["ocr"]["pages"][i - 1]["text_blob"]);
    EXPECT_NE(page_text.find("Seite " + std::to_string(i)), std::string::npos) << page_text;
  }
  EXPECT_LT(text.find("Seite 1"), text.find("Seite 5")) << text;
  one->patch.erase("step_ms");
  three->patch.erase("step_ms");
  EXPECT_EQ(one->patch, three->patch);  // the same PDF, text and ALTO, byte for byte
}

// A kill -9 in the middle of a long document, as the stage sees it: the first attempt
// records pages 1-3, then its lease is lost (the 4th page's checkpoint is refused) and it
// stops. The retry takes pages 1-3 from their checkpoints, recognises only pages 4-6 and
// gives what an uninterrupted run gives: the same PDF, text and ALTO blobs, byte for byte.
TEST_F(OcrStageTest, OcrStage_RetryAfterAnInterruptionRecognisesOnlyTheRemainingPagesWithTheSameResult) {
  std::vector<PixPtr> owned;
  std::vector<Pix*> pages;
  for (int i = 1; i <= 6; ++i) {
    owned.push_back(testing::render_text_page({"Seite " + std::to_string(i) + " Az. 8123456-42" + std::to_string(i)},
                                              1240, 400, 150));
    pages.push_back(owned.back().get());
  }
  const json record = record_with_pages(pages);
  const json settings = {{"page_threads", 1}};
  auto uninterrupted = run(*stage_, record, settings);
  ASSERT_TRUE(uninterrupted) << uninterrupted.error().reason;

  testing::InMemoryPageCheckpoints checkpoints;
  checkpoints.lose_lease_after(3);
  auto interrupted = stage_->run(StageContext{record, settings, blobs_, nullptr, &checkpoints});
  ASSERT_FALSE(interrupted) << "the attempt must stop once its lease is lost";
  EXPECT_EQ(interrupted.error().kind, FailureKind::kRetryable);
  EXPECT_EQ(checkpoints.pages(), 3u);

  checkpoints.next_attempt();
  auto resumed = stage_->run(StageContext{record, settings, blobs_, nullptr, &checkpoints});
  ASSERT_TRUE(resumed) << resumed.error().reason;
  EXPECT_EQ(checkpoints.found(), 3) << "pages 1-3 come from the first attempt";
  EXPECT_EQ(checkpoints.saves(), 3) << "only pages 4-6 are recognised (and recorded) again";
  EXPECT_TRUE(resumed->patch["step_ms"]["ocr"].contains("recognise"));
  EXPECT_EQ(resumed->patch["pdf"]["sha256"], uninterrupted->patch["pdf"]["sha256"]);
  EXPECT_EQ(resumed->patch["ocr"]["text_blob"], uninterrupted->patch["ocr"]["text_blob"]);
  resumed->patch.erase("step_ms");
  uninterrupted->patch.erase("step_ms");
  EXPECT_EQ(resumed->patch, uninterrupted->patch);
  const std::string text = blobs_.get(resumed->patch["ocr"]["text_blob"]);
  for (int i = 1; i <= 6; ++i) EXPECT_NE(text.find("Seite " + std::to_string(i)), std::string::npos) << text;
}

// A third attempt after every page was recorded recognises nothing; a checkpoint whose
// blobs are gone is recognised again rather than trusted.
TEST_F(OcrStageTest, OcrStage_RecognisesAgainAPageWhoseCheckpointBlobsAreGone) {
  PixPtr first = testing::render_text_page({"Seite eins"}, 1240, 400, 150);
  PixPtr second = testing::render_text_page({"Seite zwei"}, 1240, 400, 150);
  const json record = record_with_pages({first.get(), second.get()});
  testing::InMemoryPageCheckpoints checkpoints;
  auto whole = stage_->run(StageContext{record, json::object(), blobs_, nullptr, &checkpoints});
  ASSERT_TRUE(whole) << whole.error().reason;
  ASSERT_EQ(checkpoints.pages(), 2u);

  // The same pages in a fresh blob store: the checkpoints name blobs it does not have.
  InMemoryBlobAccess fresh;
  for (const auto& page : record["pages"]) fresh.put(blobs_.get(page["blob"]));
  checkpoints.next_attempt();
  auto again = stage_->run(StageContext{record, json::object(), fresh, nullptr, &checkpoints});
  ASSERT_TRUE(again) << again.error().reason;
  EXPECT_EQ(checkpoints.found(), 2);
  EXPECT_EQ(checkpoints.saves(), 2) << "both pages recognised again";
  EXPECT_EQ(again->patch["pdf"]["sha256"], whole->patch["pdf"]["sha256"]);
}

// A mixed-raster page (text with a photo) is taken from its checkpoint with its text mask:
// the resumed PDF is the same file.
TEST_F(OcrStageTest, OcrStage_MixedRasterPageComesBackFromItsCheckpointWhole) {
  PixPtr page = testing::render_text_page({"Lichtbild des Antragstellers", "Az.: 8123456-423"});
  for (int y = 1400; y < 1870; ++y) {
    for (int x = 300; x < 1000; ++x) {
      pixSetPixel(page.get(), x, y, static_cast<l_uint32>(70 + (x - 300) * 120 / 700 + ((x * 7 + y * 13) % 23)));
    }
  }
  PixPtr second = testing::render_text_page({"Seite zwei"}, 1240, 400, 150);
  const json record = record_with_pages({page.get(), second.get()});  // one page is never recorded
  testing::InMemoryPageCheckpoints checkpoints;
  auto whole = stage_->run(StageContext{record, json::object(), blobs_, nullptr, &checkpoints});
  ASSERT_TRUE(whole) << whole.error().reason;
  ASSERT_EQ(whole->patch["pdf"]["images"]["mixed_raster"], 1) << whole->patch["pdf"].dump();
  EXPECT_EQ(whole->patch["pdf"]["mixed_background_dpi"], 150);
  checkpoints.next_attempt();
  auto resumed = stage_->run(StageContext{record, json::object(), blobs_, nullptr, &checkpoints});
  ASSERT_TRUE(resumed) << resumed.error().reason;
  EXPECT_EQ(checkpoints.found(), 2);
  EXPECT_EQ(checkpoints.saves(), 0) << "both pages come from their checkpoints";
  EXPECT_EQ(resumed->patch["pdf"]["sha256"], whole->patch["pdf"]["sha256"]);
  EXPECT_EQ(resumed->patch["pdf"]["page_images"], whole->patch["pdf"]["page_images"]);
}

TEST_F(OcrStageTest, OcrStage_IsIdempotent) {
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"}, 1240, 400, 150);
  const json record = record_with_pages({page.get()});
  auto first = run(*stage_, record);
  auto second = run(*stage_, record);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->patch.contains("step_ms") && second->patch.contains("step_ms"));
  first->patch.erase("step_ms");  // how long each step took differs from run to run; nothing else may
  second->patch.erase("step_ms");
  EXPECT_EQ(first->patch, second->patch);
}

TEST_F(OcrStageTest, OcrStage_FailsFinalWithoutPageImages) {
  const auto outcome = run(*stage_, json{{"source", {{"file", "letter.tif"}}}});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
  EXPECT_NE(outcome.error().reason.find("prepare"), std::string::npos) << outcome.error().reason;
}

TEST_F(OcrStageTest, OcrStage_RetriesWhenPageBlobIsUnavailable) {
  PixPtr page = testing::render_text_page({"x"}, 200, 100, 150);
  const json record = record_with_pages({page.get()});
  blobs_.fail_reads_with(Error{ErrorKind::kUnavailable, "timeout"});
  const auto outcome = run(*stage_, record);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kRetryable);
}

TEST_F(OcrStageTest, OcrStage_MissingModelFailsFinalNamingLanguageAndTessdataDir) {
  auto made = make_ocr_stage({{"language", "xyz"}, {"tessdata_dir", "/nonexistent/tessdata"}});
  ASSERT_TRUE(made) << made.error().message;
  PixPtr page = testing::render_text_page({"x"}, 200, 100, 150);
  const auto outcome = run(**made, record_with_pages({page.get()}));
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
  EXPECT_NE(outcome.error().reason.find("\"xyz\""), std::string::npos) << outcome.error().reason;
  EXPECT_NE(outcome.error().reason.find("/nonexistent/tessdata"), std::string::npos) << outcome.error().reason;
}

// Threads of this process now (libgomp keeps the threads of an OpenMP team alive).
std::size_t threads_in_process() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/self/task")) ++count;
  return count;
}

TEST_F(OcrStageTest, OcrStage_KeepsTesseractOnEachLaneThread) {
  // Debian's Tesseract runs OpenMP regions; libgomp keeps their limit per thread, and
  // OMP_THREAD_LIMIT only counts when it is in the environment at start. Two lanes on a
  // thread that never set anything must still not start OpenMP teams: on 2 cores those
  // teams spin against each other (measured: 19 s of system time for ten pages).
  PixPtr first = testing::render_text_page({"Az.: 8123456-423"});
  PixPtr second = testing::render_text_page({"Nuernberg, 12.03.2025"});
  const json record = record_with_pages({first.get(), second.get()});
  const std::size_t before = threads_in_process();
  std::atomic<bool> done{false};
  std::atomic<std::size_t> most{0};
  std::thread watcher([&] {  // a team lives as long as its lane: count while they run
    while (!done) {
      most = std::max(most.load(), threads_in_process());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  StageOutcome outcome = tl::unexpected(StageFailure{FailureKind::kFinal, "not run"});
  std::thread caller([&] { outcome = run(*stage_, record, {{"page_threads", 2}}); });
  caller.join();
  done = true;
  watcher.join();
  ASSERT_TRUE(outcome) << outcome.error().reason;
  // The watcher, the caller and at most two lanes; an OpenMP team adds threads per lane.
  EXPECT_LE(most.load(), before + 4) << "page lanes started OpenMP teams";
  EXPECT_TRUE(openmp_kept_on_this_thread());  // the suite's own thread, which loaded the model
}

TEST_F(OcrStageTest, OcrStage_WritesSearchablePdfA) {
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"});
  PixPtr bilevel = testing::to_bilevel(page.get());
  const auto outcome = run(*stage_, record_with_pages({bilevel.get(), page.get()}));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& pdf = outcome->patch["pdf"];
  EXPECT_EQ(pdf["pages"], 2);
  EXPECT_EQ(pdf["conformance"], "PDF/A-2b");
  // The grey page is black text on white: with bilevel_text_pages (the default) it is
  // bilevel too, and both are coded with the default bilevel_codec "jbig2".
  EXPECT_EQ(pdf["images"]["jbig2_generic"], 2);
  EXPECT_EQ(pdf["images"]["ccitt_g4"], 0);
  EXPECT_EQ(pdf["images"]["jpeg"], 0);
  EXPECT_EQ(pdf["bilevel_codec"], "jbig2");
  EXPECT_EQ(pdf["page_images"][0]["stored_as"], "jbig2_generic");
  ASSERT_EQ(pdf["page_images"].size(), 2u);
  EXPECT_EQ(pdf["page_images"][0]["source_depth"], 1);
  EXPECT_EQ(pdf["page_images"][1]["source_depth"], 8);
  EXPECT_EQ(pdf["page_images"][1]["bilevel"], true);
  EXPECT_TRUE(pdf["page_images"][1]["tone"].contains("mid_grey_pct"));
  const std::string bytes = blobs_.get(pdf["sha256"]);
  EXPECT_EQ(bytes.size(), pdf["size"].get<size_t>());
  EXPECT_TRUE(testing::pdfa_problems(bytes).empty());
  EXPECT_NE(blobs_.get(outcome->patch["ocr"]["alto_blob"]).find("CONTENT=\"8123456-423\""), std::string::npos);
  ASSERT_TRUE(testing::have_tool("pdftotext")) << "pdftotext (poppler-utils) is needed";
  testing::TemporaryPdf file(bytes);
  EXPECT_NE(testing::run_command("pdftotext " + file.path() + " -", false).text.find("8123456-423"), std::string::npos);
}

TEST_F(OcrStageTest, OcrStage_GreyTextPageStaysContinuousToneWhenTheTenantSaysSo) {
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"});
  const auto outcome = run(*stage_, record_with_pages({page.get()}), {{"bilevel_text_pages", false}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& pdf = outcome->patch["pdf"];
  EXPECT_EQ(pdf["images"]["ccitt_g4"], 0);
  EXPECT_EQ(pdf["images"]["jbig2_generic"], 0);
  EXPECT_EQ(pdf["bilevel_text_pages"], false);
  EXPECT_NE(pdf["page_images"][0]["stored_as"], "ccitt_g4");
  EXPECT_NE(pdf["page_images"][0]["stored_as"], "jbig2_generic");
  EXPECT_EQ(pdf["page_images"][0]["bilevel"], false);
}

TEST_F(OcrStageTest, OcrStage_BilevelCodecG4StoresBilevelPagesAsCcittG4) {
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"});
  PixPtr bilevel = testing::to_bilevel(page.get());
  const auto outcome = run(*stage_, record_with_pages({bilevel.get(), page.get()}), {{"bilevel_codec", "g4"}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& pdf = outcome->patch["pdf"];
  EXPECT_EQ(pdf["bilevel_codec"], "g4");
  EXPECT_EQ(pdf["images"]["ccitt_g4"], 2);
  EXPECT_EQ(pdf["images"]["jbig2_generic"], 0);
  EXPECT_EQ(pdf["page_images"][0]["stored_as"], "ccitt_g4");
  EXPECT_TRUE(testing::pdfa_problems(blobs_.get(pdf["sha256"])).empty());
}

// The sample 3-page greyscale TIFF (695 KB) once became a 1.7 MB PDF; prepared and
// recognised as in the pipeline, its PDF is now smaller than the TIFF and keeps its text.
TEST_F(OcrStageTest, OcrStage_SampleGreyTiffGivesAPdfSmallerThanTheTiff) {
  const std::string file = std::string(ZPE_SOURCE_DIR) + "/samples/letters/letter-0002.tif";
  auto tiff = read_whole_file(file);
  ASSERT_TRUE(tiff) << file;
  auto prepare = make_prepare_stage(json::object());
  ASSERT_TRUE(prepare) << prepare.error().message;
  json record = testing::intake_record("letter-0002.tif", blobs_.put(*tiff), tiff->size());
  const auto prepared = run(**prepare, record);
  ASSERT_TRUE(prepared) << prepared.error().reason;
  record.merge_patch(prepared->patch);
  const auto outcome = run(*stage_, record);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& pdf = outcome->patch["pdf"];
  EXPECT_EQ(pdf["pages"], 3);
  EXPECT_LT(pdf["size"].get<size_t>(), tiff->size()) << pdf.dump();
  const std::string bytes = blobs_.get(pdf["sha256"]);
  EXPECT_TRUE(testing::pdfa_problems(bytes).empty());
  ASSERT_TRUE(testing::have_tool("qpdf") && testing::have_tool("pdftotext")) << "qpdf and pdftotext are needed";
  testing::TemporaryPdf pdf_file(bytes);
  EXPECT_EQ(testing::run_command("qpdf --check " + pdf_file.path()).status, 0);
  EXPECT_NE(testing::run_command("pdftotext " + pdf_file.path() + " -", false).text.find("7196837-439"),
            std::string::npos);
}

TEST_F(OcrStageTest, OcrStage_LowConfidenceGoesToClearingWithItsPdf) {
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"}, 1240, 400, 150);
  const json record = record_with_pages({page.get()});
  const auto outcome = run(*stage_, record, {{"min_confidence", 100}});
  ASSERT_TRUE(outcome) << outcome.error().reason;
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_EQ(outcome->clearing_reason->rfind("OCR unsure: mean word confidence", 0), 0u) << *outcome->clearing_reason;
  EXPECT_TRUE(outcome->patch.contains("pdf")) << "the operator sees what was read";
  const auto confident = run(*stage_, record, {{"min_confidence", 10}});
  ASSERT_TRUE(confident);
  EXPECT_FALSE(confident->clearing_reason);
}

TEST_F(OcrStageTest, OcrStage_UsesTheTenantsLanguage) {
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"}, 1240, 400, 150);
  const json record = record_with_pages({page.get()});
  const auto both = run(*stage_, record, {{"language", "deu+eng"}});
  ASSERT_TRUE(both) << both.error().reason;
  EXPECT_EQ(both->patch["ocr"]["language"], "deu+eng");
  const auto missing = run(*stage_, record, {{"language", "qqq"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, FailureKind::kFinal);
  EXPECT_NE(missing.error().reason.find("\"qqq\""), std::string::npos) << missing.error().reason;
  const auto malformed = run(*stage_, record, {{"language", "deu; rm"}});
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().reason.find("not a Tesseract language"), std::string::npos);
}

// A born-digital PDF: one A4 page with real text in Helvetica (no image).
std::string born_digital_pdf() {
  return testing::text_pdf({"Aktenzeichen 8123456-423", "Verwaltungsgericht Ansbach"});
}

TEST_F(OcrStageTest, OcrStage_BornDigitalPdfKeepsItsOwnTextWithoutOcr) {
  PixPtr rendered = testing::render_text_page({}, 2480, 3508, 300);  // what prepare would render
  json record = record_with_pages({rendered.get()});
  record["pages"][0]["source_page"] = 1;
  const std::string pdf = born_digital_pdf();
  record["original"] = {{"sha256", blobs_.put(pdf)}, {"size", pdf.size()}, {"media_type", "application/pdf"}};
  const auto outcome = run(*stage_, record);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  const json& ocr = outcome->patch["ocr"];
  EXPECT_EQ(ocr["text_source"], "born_digital");
  EXPECT_TRUE(ocr["language"].is_null());
  EXPECT_EQ(ocr["confidence"], 100.0);
  EXPECT_FALSE(outcome->clearing_reason);
  const std::string text = blobs_.get(ocr["text_blob"]);
  EXPECT_NE(text.find("Aktenzeichen 8123456-423"), std::string::npos) << text;
  const std::string output = blobs_.get(outcome->patch["pdf"]["sha256"]);
  EXPECT_TRUE(testing::pdfa_problems(output).empty());
  ASSERT_TRUE(testing::have_tool("pdftotext")) << "pdftotext (poppler-utils) is needed";
  testing::TemporaryPdf file(output);
  const auto extracted = testing::run_command("pdftotext " + file.path() + " -", false).text;
  EXPECT_NE(extracted.find("Aktenzeichen 8123456-423"), std::string::npos) << extracted;
  EXPECT_NE(extracted.find("Verwaltungsgericht Ansbach"), std::string::npos) << extracted;
}

TEST_F(OcrStageTest, OcrStage_ScannedPdfWithoutTextIsOcrd) {
  PoDoFo::PdfMemDocument empty;
  empty.CreatePage(PoDoFo::PdfPage::CreateStandardPageSize(PoDoFo::ePdfPageSize_A4));
  PoDoFo::PdfRefCountedBuffer buffer;
  PoDoFo::PdfOutputDevice device(&buffer);
  empty.Write(&device);
  const std::string pdf(buffer.GetBuffer(), device.GetLength());
  PixPtr page = testing::render_text_page({"Az.: 8123456-423"}, 1240, 1754, 150);
  json record = record_with_pages({page.get()});
  record["original"] = {{"sha256", blobs_.put(pdf)}, {"size", pdf.size()}, {"media_type", "application/pdf"}};
  const auto outcome = run(*stage_, record);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_EQ(outcome->patch["ocr"]["text_source"], "ocr");
}

TEST_F(OcrStageTest, OcrStage_RefusesBadSettings) {
  EXPECT_FALSE(make_ocr_stage({{"language", 5}}));
  EXPECT_FALSE(make_ocr_stage({{"language", ""}}));
  EXPECT_FALSE(make_ocr_stage({{"min_confidence", 101}}));
  EXPECT_FALSE(make_ocr_stage({{"jpeg_quality", 0}}));
  EXPECT_FALSE(make_ocr_stage({{"bilevel_text_pages", "yes"}}));
  EXPECT_FALSE(make_ocr_stage({{"bilevel_codec", "jbig2-lossy"}}));
  EXPECT_FALSE(make_ocr_stage({{"bilevel_codec", 2}}));
  EXPECT_FALSE(make_ocr_stage({{"mixed_raster_pages", "no"}}));
  EXPECT_FALSE(make_ocr_stage({{"mixed_background_dpi", 20}}));
  EXPECT_TRUE(make_ocr_stage({{"language", "deu"}, {"bilevel_codec", "g4"}}));
}

}  // namespace
}  // namespace zpe
